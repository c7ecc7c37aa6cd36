//! `hreflang` alternates and the canonical URL, read the way Lighthouse reads them: `<link>`
//! elements inside `<head>` (links in `<body>` are ignored) and HTTP `Link` headers.

use scraper::ElementRef;
use url::Url;

use super::{HTML_NAMESPACE, in_namespace};
use crate::engine::page::Page;
use crate::engine::page::dom::{Attribute, ancestors_inclusive, css_path, resolve, snippet};
use crate::engine::rules::Check;
use crate::engine::rules::langs::is_registered_language;
use crate::report::Evidence;
use crate::sel;

/// The `hreflang` value for "any other language".
const X_DEFAULT: &str = "x-default";

/// One `<link>` in `<head>` or one entry of a `Link` header.
#[derive(Debug)]
pub struct LinkEntry<'a> {
    /// The `rel` link types, lower-cased.
    pub rels: Vec<String>,
    /// The target as written.
    pub href_raw: String,
    /// The target resolved against the document (base) URL.
    pub href: Option<Url>,
    /// The `hreflang` value as written (empty when absent).
    pub hreflang: String,
    /// The element, for `<link>`s; `None` for `Link` headers.
    pub element: Option<ElementRef<'a>>,
}

impl LinkEntry<'_> {
    fn has_rel(&self, rel: &str) -> bool {
        self.rels.iter().any(|r| r == rel)
    }

    /// Evidence pointing at the element or the header.
    fn evidence(&self, detail: String) -> Evidence {
        match self.element {
            Some(el) => Evidence {
                selector: Some(css_path(el)),
                snippet: Some(snippet(el)),
                url: self.href.as_ref().map(Url::to_string),
                detail: Some(detail),
                ..Evidence::default()
            },
            None => Evidence {
                snippet: Some(self.header_line()),
                url: self.href.as_ref().map(Url::to_string),
                detail: Some(detail),
                ..Evidence::default()
            },
        }
    }

    fn header_line(&self) -> String {
        let mut line = format!("Link: <{}>; rel=\"{}\"", self.href_raw, self.rels.join(" "));
        if !self.hreflang.is_empty() {
            line.push_str(&format!("; hreflang=\"{}\"", self.hreflang));
        }
        line
    }
}

/// The `<link>` elements in `<head>` followed by the entries of every `Link` header.
pub fn head_and_header_links(page: &Page) -> Vec<LinkEntry<'_>> {
    let base = page.base_url();
    let mut links: Vec<LinkEntry<'_>> = page
        .select(sel!("link"))
        .filter(|el| in_namespace(*el, HTML_NAMESPACE) && in_head(*el))
        .map(|el| {
            let href_raw = el.attribute("href").unwrap_or_default().to_owned();
            LinkEntry {
                rels: rel_tokens(el.attribute("rel").unwrap_or_default()),
                href: (!href_raw.is_empty())
                    .then(|| resolve(base, &href_raw))
                    .flatten(),
                href_raw,
                hreflang: el.attribute("hreflang").unwrap_or_default().to_owned(),
                element: Some(el),
            }
        })
        .collect();
    for value in page.header_all("link") {
        for entry in parse_link_header(value) {
            links.push(LinkEntry {
                rels: rel_tokens(&entry.rel),
                href: page.final_url.join(entry.uri.trim()).ok(),
                href_raw: entry.uri,
                hreflang: entry.hreflang,
                element: None,
            });
        }
    }
    links
}

fn in_head(el: ElementRef<'_>) -> bool {
    ancestors_inclusive(el).any(|e| e.value().name() == "head" && in_namespace(e, HTML_NAMESPACE))
}

fn rel_tokens(rel: &str) -> Vec<String> {
    rel.split_ascii_whitespace()
        .map(str::to_ascii_lowercase)
        .collect()
}

/// One entry of a `Link` header: `<uri>; rel="…"; hreflang="…"`.
#[derive(Debug, Default, PartialEq)]
pub struct HeaderLink {
    /// The URI between `<` and `>`.
    pub uri: String,
    /// The `rel` parameter.
    pub rel: String,
    /// The `hreflang` parameter.
    pub hreflang: String,
}

/// Parses a `Link` header value (RFC 8288) into its entries. Malformed entries are skipped.
pub fn parse_link_header(value: &str) -> Vec<HeaderLink> {
    split_outside_quotes(value, ',')
        .into_iter()
        .filter_map(parse_link_entry)
        .collect()
}

fn parse_link_entry(entry: &str) -> Option<HeaderLink> {
    let entry = entry.trim();
    let rest = entry.strip_prefix('<')?;
    let (uri, params) = rest.split_once('>')?;
    let mut link = HeaderLink {
        uri: uri.trim().to_owned(),
        ..HeaderLink::default()
    };
    for param in split_outside_quotes(params, ';') {
        let Some((name, value)) = param.split_once('=') else {
            continue;
        };
        let value = value.trim();
        let value = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(value)
            .to_owned();
        match name.trim().to_ascii_lowercase().as_str() {
            "rel" if link.rel.is_empty() => link.rel = value,
            "hreflang" if link.hreflang.is_empty() => link.hreflang = value,
            _ => {}
        }
    }
    Some(link)
}

/// Splits on `separator` where it is not inside double quotes or `<…>`.
fn split_outside_quotes(text: &str, separator: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut quoted, mut bracketed, mut start) = (false, false, 0);
    for (i, c) in text.char_indices() {
        match c {
            '"' if !bracketed => quoted = !quoted,
            '<' if !quoted => bracketed = true,
            '>' if !quoted => bracketed = false,
            c if c == separator && !quoted && !bracketed => {
                parts.push(&text[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

/// True when `code` is a valid `hreflang`: `x-default`, or a well-formed BCP 47 tag whose
/// primary language subtag is registered (Lighthouse checks the primary subtag only).
pub fn is_valid_hreflang(code: &str) -> bool {
    if code.eq_ignore_ascii_case(X_DEFAULT) {
        return true;
    }
    let primary = code.split('-').next().unwrap_or_default();
    is_registered_language(primary) && oxilangtag::LanguageTag::parse(code).is_ok()
}

fn is_fully_qualified(href: &str) -> bool {
    let href = href.trim().to_ascii_lowercase();
    href.starts_with("http:") || href.starts_with("https:")
}

/// `seo.hreflang`: every alternate with an `hreflang` has a valid language code and an
/// absolute http(s) URL.
pub fn hreflang(page: &Page) -> Check {
    let links = head_and_header_links(page);
    let alternates: Vec<&LinkEntry<'_>> = links
        .iter()
        .filter(|l| l.has_rel("alternate") && !l.hreflang.is_empty())
        .collect();
    if alternates.is_empty() {
        return Check::not_applicable(
            "no <link rel=alternate hreflang> in <head> and no such Link header",
        );
    }
    let failures = alternates
        .iter()
        .filter_map(|link| {
            let mut reasons = Vec::new();
            if !is_valid_hreflang(&link.hreflang) {
                reasons.push(format!("unexpected language code \"{}\"", link.hreflang));
            }
            if !is_fully_qualified(&link.href_raw) {
                reasons.push(if link.href_raw.is_empty() {
                    "no href".to_owned()
                } else {
                    format!(
                        "relative href \"{}\" (must be an absolute http(s) URL)",
                        link.href_raw
                    )
                });
            }
            (!reasons.is_empty()).then(|| link.evidence(reasons.join("; ")))
        })
        .collect();
    Check::from_failures(failures).with_evidence(Evidence {
        value: Some(alternates.len() as f64),
        unit: Some("count".into()),
        detail: Some(format!(
            "{} hreflang alternates, all valid",
            alternates.len()
        )),
        ..Evidence::default()
    })
}

/// The canonical URLs a page declares and the alternates it lists, as Lighthouse collects them.
#[derive(Default)]
struct Canonicals<'a, 'b> {
    /// Distinct canonical URLs, in order.
    urls: Vec<Url>,
    /// `rel=canonical` entries whose target is not a URL (relative targets included).
    invalid: Vec<&'b LinkEntry<'a>>,
    /// `rel=canonical` entries with an absolute URL that has no origin (`data:`, `file:`…).
    opaque: Vec<&'b LinkEntry<'a>>,
    /// Targets of `rel=alternate` entries with an `hreflang`.
    hreflang_urls: Vec<Url>,
}

fn collect_canonicals<'a, 'b>(links: &'b [LinkEntry<'a>]) -> Canonicals<'a, 'b> {
    let mut found = Canonicals::default();
    for link in links {
        if link.has_rel("canonical") {
            if link.href_raw.is_empty() {
                continue;
            }
            match Url::parse(link.href_raw.trim()) {
                Ok(url) if url.origin().is_tuple() => {
                    if !found.urls.contains(&url) {
                        found.urls.push(url);
                    }
                }
                Ok(_) => found.opaque.push(link),
                Err(_) => found.invalid.push(link),
            }
        } else if link.has_rel("alternate")
            && !link.hreflang.is_empty()
            && let Some(href) = &link.href
        {
            found.hreflang_urls.push(href.clone());
        }
    }
    found
}

/// What is wrong with a canonical target that is not a URL: relative (Lighthouse wants an
/// absolute URL; the one it resolves to is suggested), or not a URL at all.
fn not_a_url(link: &LinkEntry<'_>) -> String {
    let raw = &link.href_raw;
    match Url::parse(raw.trim()) {
        Err(url::ParseError::RelativeUrlWithoutBase) => match &link.href {
            Some(absolute) => {
                format!("is a relative URL ({raw}); use an absolute URL ({absolute})")
            }
            None => format!("is a relative URL ({raw}); use an absolute URL"),
        },
        _ => format!("invalid URL ({raw})"),
    }
}

/// `seo.canonical`: the page declares at most one canonical URL, absolute, not the site root
/// for a deeper page and not another language's alternate.
pub fn canonical(page: &Page) -> Check {
    let links = head_and_header_links(page);
    let found = collect_canonicals(&links);
    if !found.invalid.is_empty() {
        return Check::from_failures(
            found
                .invalid
                .iter()
                .map(|l| l.evidence(not_a_url(l)))
                .collect(),
        );
    }
    if !found.opaque.is_empty() {
        return Check::from_failures(
            found
                .opaque
                .iter()
                .map(|l| l.evidence(format!("is not an absolute http(s) URL ({})", l.href_raw)))
                .collect(),
        );
    }
    let Some(url) = found.urls.first() else {
        return Check::not_applicable(
            "no <link rel=canonical> in <head> and no canonical Link header",
        );
    };
    if found.urls.len() > 1 {
        let list: Vec<&str> = found.urls.iter().map(Url::as_str).collect();
        return Check::fail(Evidence {
            value: Some(list.len() as f64),
            unit: Some("count".into()),
            detail: Some(format!("multiple conflicting URLs ({})", list.join(", "))),
            ..Evidence::default()
        });
    }
    let here = &page.final_url;
    let fail = |detail: String| {
        Check::fail(Evidence {
            url: Some(url.to_string()),
            detail: Some(detail),
            ..Evidence::default()
        })
    };
    if found.hreflang_urls.contains(here) && found.hreflang_urls.contains(url) && here != url {
        return fail(format!(
            "points to another hreflang location ({url}) instead of this page ({here})"
        ));
    }
    if url.origin() == here.origin() && url.path() == "/" && here.path() != "/" {
        return fail(
            "points to the domain's root URL (the homepage) instead of an equivalent page of content"
                .into(),
        );
    }
    Check::pass().with_evidence(Evidence {
        url: Some(url.to_string()),
        detail: Some("the canonical URL".into()),
        ..Evidence::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rules::testing::{check, failing, page};
    use crate::report::Outcome;

    #[test]
    fn link_headers_parse() {
        let links = parse_link_header(
            r#"<https://a.example/x,y>; rel="alternate"; HrefLang="de", </b>;rel=canonical ; title="a;b, c""#,
        );
        assert_eq!(
            links,
            [
                HeaderLink {
                    uri: "https://a.example/x,y".into(),
                    rel: "alternate".into(),
                    hreflang: "de".into(),
                },
                HeaderLink {
                    uri: "/b".into(),
                    rel: "canonical".into(),
                    hreflang: String::new(),
                },
            ]
        );
        assert!(parse_link_header("garbage").is_empty());
    }

    #[test]
    fn hreflang_codes() {
        for ok in [
            "es",
            "en-PH",
            "ru-RU",
            "zh-Hans-TW",
            "X-Default",
            "gsw-CH",
            "es-419",
        ] {
            assert!(is_valid_hreflang(ok), "{ok}");
        }
        for bad in ["xx", " x-default", "en_US", "en-", "jp", "eng", "uk-", ""] {
            assert!(!is_valid_hreflang(bad), "{bad}");
        }
    }

    #[test]
    fn hreflang_table() {
        let p = page(
            r#"<html><head>
            <link rel="alternate" hreflang="es" href="https://es.site.example/">
            <LINK REL="ALTERNATE" HREFLANG="zh-Hans-TW" HREF="https://zh.site.example/">
            <link id="bad-code" rel="alTeRnate" hreflang="xx" href="https://xx.site.example/">
            <link id="no-href" rel="alternate" hreflang="es">
            <link id="relative" rel="alternate" hreflang="de" href="/de/">
            <link id="space" rel="alternate" hreflang=" x-default" href="https://site.example/">
            <link rel="stylesheet" hreflang="xx" href="/s.css">
            </head><body>
            <link rel="alternate" hreflang="nonsense" href="https://n.site.example/">
            </body></html>"#,
        )
        .with_headers(&[
            (
                "link",
                r#"<https://fr.site.example/>; rel="alternate"; hreflang="fr""#,
            ),
            (
                "link",
                r#"<http://site.example>;rel="alternate";hreflang="yy""#,
            ),
        ]);
        assert_eq!(
            failing("seo.hreflang", &p),
            [
                "link#bad-code",
                "link#no-href",
                "link#relative",
                "link#space",
                "http://site.example/",
            ]
        );
        let header = &check("seo.hreflang", &p).failures[4];
        assert_eq!(
            header.snippet.as_deref(),
            Some(r#"Link: <http://site.example>; rel="alternate"; hreflang="yy""#)
        );
        let valid = page(
            r#"<head><link rel="alternate" hreflang="x-default" href="https://site.example/"></head>"#,
        );
        assert_eq!(check("seo.hreflang", &valid).outcome, Outcome::Pass);
        let body_only = page(r#"<body><link rel="alternate" hreflang="xx" href="/x"></body>"#);
        assert_eq!(
            check("seo.hreflang", &body_only).outcome,
            Outcome::NotApplicable
        );
    }

    fn canonical_detail(html: &str, headers: &[(&str, &str)]) -> (Outcome, Option<String>) {
        let mut p = page(html);
        if !headers.is_empty() {
            p = p.with_headers(headers);
        }
        let c = check("seo.canonical", &p);
        let detail = c.failures.first().and_then(|e| e.detail.clone());
        (c.outcome, detail)
    }

    #[test]
    fn canonical_table() {
        let head = |links: &str| format!("<html><head>{links}</head><body></body></html>");
        // None, or only in <body>: not applicable.
        assert_eq!(canonical_detail(&head(""), &[]).0, Outcome::NotApplicable);
        assert_eq!(
            canonical_detail(
                r#"<body><link rel="canonical" href="https://site.example/"></body>"#,
                &[]
            )
            .0,
            Outcome::NotApplicable
        );
        // Head and header agree: pass.
        assert_eq!(
            canonical_detail(
                &head(r#"<link rel="canonical" href="https://site.example/page">"#),
                &[("link", r#"<https://site.example/page>; rel="canonical""#)]
            )
            .0,
            Outcome::Pass
        );
        // Conflicts are listed normalised.
        assert_eq!(
            canonical_detail(
                &head(r#"<link rel="canonical" href="https://example.com/other">"#),
                &[("link", r#"<https://example.com>; rel="canonical""#)]
            ),
            (
                Outcome::Fail,
                Some(
                    "multiple conflicting URLs (https://example.com/other, https://example.com/)"
                        .into()
                )
            )
        );
        // Relative, invalid and opaque targets.
        assert_eq!(
            canonical_detail(&head(r#"<link rel="canonical" href="/page">"#), &[]),
            (
                Outcome::Fail,
                Some(
                    "is a relative URL (/page); use an absolute URL \
                     (https://site.example/page)"
                        .into()
                )
            )
        );
        assert_eq!(
            canonical_detail(&head(""), &[("link", r#"<other.html>; rel="canonical""#)]),
            (
                Outcome::Fail,
                Some(
                    "is a relative URL (other.html); use an absolute URL \
                     (https://site.example/other.html)"
                        .into()
                )
            )
        );
        assert_eq!(
            canonical_detail(
                &head(r#"<link rel="canonical" href="https://exa mple.com/">"#),
                &[]
            ),
            (
                Outcome::Fail,
                Some("invalid URL (https://exa mple.com/)".into())
            )
        );
        assert_eq!(
            canonical_detail(
                &head(r#"<link rel="canonical" href="data:text/plain,x">"#),
                &[]
            ),
            (
                Outcome::Fail,
                Some("is not an absolute http(s) URL (data:text/plain,x)".into())
            )
        );
        // The root of the same origin from a deeper page.
        let root = canonical_detail(
            &head(r#"<link rel="canonical" href="https://site.example/">"#),
            &[],
        );
        assert_eq!(root.0, Outcome::Fail);
        assert!(root.1.unwrap().contains("root URL"));
        // Another hreflang alternate.
        let elsewhere = canonical_detail(
            &head(
                r#"<link rel="canonical" href="https://site.example/de/page">
                   <link rel="alternate" hreflang="en" href="https://site.example/page">
                   <link rel="alternate" hreflang="de" href="https://site.example/de/page">"#,
            ),
            &[],
        );
        assert_eq!(elsewhere.0, Outcome::Fail);
        assert!(elsewhere.1.unwrap().contains("another hreflang location"));
        // Another domain is fine when it is not an alternate.
        assert_eq!(
            canonical_detail(
                &head(r#"<link rel="canonical" href="https://other.example/page">"#),
                &[]
            )
            .0,
            Outcome::Pass
        );
    }
}
