//! Subresource Integrity: the Observatory's `subresource-integrity` test.
//!
//! Every `<script src>` is classed the way the Observatory classes it:
//! - a relative URL is same-origin, and secure on an https page;
//! - a full `http(s)://` URL on the page's registrable domain is same-site and secure by origin;
//! - a protocol-relative `//host/…` URL counts as foreign and insecure, even on the same domain;
//! - foreign scripts should load over https with an `integrity` attribute.
//!
//! The registrable domain is approximated without the public suffix list: the last two labels,
//! or three under common country second-level labels such as `co.uk` (the Observatory uses the
//! list's ICANN section through tldts). A bare host (`localhost`) or an IP address has none.
//! Pages whose `Content-Type` is not HTML pass as `sri-not-implemented-response-not-html`.

use std::net::IpAddr;

use scraper::ElementRef;
use url::Url;

use super::Verdict;
use crate::engine::page::Page;
use crate::engine::page::dom::{Attribute, ancestors_inclusive, css_path, snippet};
use crate::engine::rules::Check;
use crate::report::Evidence;
use crate::report::wording::counted;
use crate::sel;

/// The Observatory test name.
const TEST: &str = "subresource-integrity";
/// Media types the Observatory parses as HTML.
const HTML_TYPES: [&str; 2] = ["text/html", "application/xhtml+xml"];
/// Second-level labels that, under a two-letter country code, form a public suffix
/// (`co.uk`, `com.au`, `ac.jp`, …).
const COUNTRY_SECOND_LEVELS: [&str; 16] = [
    "ac", "co", "com", "edu", "gen", "go", "gob", "gov", "govt", "ltd", "mil", "ne", "net", "nic",
    "or", "org",
];

const IMPLEMENTED_ALL_SECURE: Verdict = Verdict {
    test: TEST,
    id: "sri-implemented-and-all-scripts-loaded-securely",
    modifier: 5,
    pass: true,
    meaning: "every script is from this site over https, with integrity hashes",
};
const IMPLEMENTED_EXTERNAL_SECURE: Verdict = Verdict {
    test: TEST,
    id: "sri-implemented-and-external-scripts-loaded-securely",
    modifier: 5,
    pass: true,
    meaning: "third-party scripts load over https with integrity hashes",
};
const NOT_HTML: Verdict = Verdict {
    test: TEST,
    id: "sri-not-implemented-response-not-html",
    modifier: 0,
    pass: true,
    meaning: "the response is not HTML, so it loads no scripts",
};
const NO_SCRIPTS: Verdict = Verdict {
    test: TEST,
    id: "sri-not-implemented-but-no-scripts-loaded",
    modifier: 0,
    pass: true,
    meaning: "the page has no scripts",
};
const ALL_SECURE_ORIGIN: Verdict = Verdict {
    test: TEST,
    id: "sri-not-implemented-but-all-scripts-loaded-from-secure-origin",
    modifier: 0,
    pass: true,
    meaning: "every script comes from this site, so integrity hashes are not needed",
};
const NOT_IMPLEMENTED_EXTERNAL_SECURE: Verdict = Verdict {
    test: TEST,
    id: "sri-not-implemented-but-external-scripts-loaded-securely",
    modifier: -5,
    pass: false,
    meaning: "third-party scripts load over https but without integrity hashes",
};
const IMPLEMENTED_EXTERNAL_INSECURE: Verdict = Verdict {
    test: TEST,
    id: "sri-implemented-but-external-scripts-not-loaded-securely",
    modifier: -20,
    pass: false,
    meaning: "third-party scripts have integrity hashes but load over plain http or a protocol-relative URL",
};
const NOT_IMPLEMENTED_EXTERNAL_INSECURE: Verdict = Verdict {
    test: TEST,
    id: "sri-not-implemented-and-external-scripts-not-loaded-securely",
    modifier: -50,
    pass: false,
    meaning: "third-party scripts load without integrity hashes over plain http or a protocol-relative URL",
};

/// The Observatory's order of results for keeping the "worse" one (its list, quirks included:
/// a hashed script over http ranks above an unhashed one over https).
const WORSENING: [Verdict; 6] = [
    IMPLEMENTED_ALL_SECURE,
    IMPLEMENTED_EXTERNAL_SECURE,
    IMPLEMENTED_EXTERNAL_INSECURE,
    NOT_IMPLEMENTED_EXTERNAL_SECURE,
    NOT_IMPLEMENTED_EXTERNAL_INSECURE,
    NOT_HTML,
];

/// The registrable domain of a host (approximate, see the module docs).
fn registrable_domain(host: &str) -> Option<String> {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    if host.starts_with('[') || host.parse::<IpAddr>().is_ok() {
        return None;
    }
    let labels: Vec<&str> = host.split('.').collect();
    let n = labels.len();
    if n < 2 || labels.iter().any(|l| l.is_empty()) {
        return None;
    }
    let take = if labels[n - 1].len() == 2 && COUNTRY_SECOND_LEVELS.contains(&labels[n - 2]) {
        3
    } else {
        2
    };
    (n >= take).then(|| labels[n - take..].join("."))
}

/// The script URL as the DOM reflects it without a base: a full URL serialised, anything else
/// (relative, protocol-relative) as written.
fn reflected_src(src: &str) -> String {
    Url::parse(src).map_or_else(|_| src.to_owned(), |u| u.to_string())
}

/// How one script loads.
struct Script<'a> {
    element: ElementRef<'a>,
    src: String,
    integrity: bool,
    /// From this site (relative, or a full URL on the registrable domain).
    secure_origin: bool,
    /// Over https (or relative on an https page).
    secure_scheme: bool,
    protocol_relative: bool,
}

impl Script<'_> {
    /// The result this foreign script calls for, if any.
    fn foreign_verdict(&self) -> Option<Verdict> {
        match (self.integrity, self.secure_scheme) {
            (true, false) => Some(IMPLEMENTED_EXTERNAL_INSECURE),
            (false, true) => Some(NOT_IMPLEMENTED_EXTERNAL_SECURE),
            (false, false) => Some(NOT_IMPLEMENTED_EXTERNAL_INSECURE),
            (true, true) => None,
        }
    }

    /// What is wrong with this foreign script.
    fn problem(&self) -> String {
        let how = if self.protocol_relative {
            "over a protocol-relative URL"
        } else if self.secure_scheme {
            "over https"
        } else {
            "over plain http"
        };
        let hash = if self.integrity { "with" } else { "without" };
        format!("third-party script loaded {how} {hash} an integrity hash")
    }
}

/// Classifies a `<script src>` (whose reflected URL is not empty).
fn classify<'a>(element: ElementRef<'a>, page: &Page, site: &Option<String>) -> Option<Script<'a>> {
    let src = reflected_src(element.attribute("src")?);
    if src.is_empty() {
        return None;
    }
    let bytes = src.as_bytes();
    let protocol_relative = src.starts_with("//") && bytes.get(2).is_some_and(|b| *b != b'/');
    let full = src.starts_with("http://") || src.starts_with("https://");
    let relative = !protocol_relative && !full;
    let same_site = if full {
        let host = Url::parse(&src)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned));
        host.and_then(|h| registrable_domain(&h)) == *site
    } else {
        true
    };
    let secure_scheme = if full {
        src.starts_with("https://")
    } else {
        relative && page.is_https()
    };
    Some(Script {
        element,
        integrity: element
            .attribute("integrity")
            .is_some_and(|i| !i.is_empty()),
        secure_origin: relative || (same_site && !protocol_relative),
        secure_scheme,
        protocol_relative,
        src,
    })
}

/// The worse of two results (the Observatory's `onlyIfWorse`).
fn worse(current: Option<Verdict>, candidate: Verdict) -> Verdict {
    let rank = |v: Verdict| WORSENING.iter().position(|w| *w == v);
    match current {
        Some(c) if rank(candidate) <= rank(c) => c,
        _ => candidate,
    }
}

/// The `subresource-integrity` test of a page.
pub(super) fn subresource_integrity(page: &Page) -> Check {
    let content_type = page
        .headers
        .get(http::header::CONTENT_TYPE)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .unwrap_or_default();
    let mime = content_type.split(';').next().unwrap_or_default();
    if !mime.is_empty() && !HTML_TYPES.contains(&mime) {
        return NOT_HTML.report(&format!("Content-Type: {content_type}"), None);
    }
    let site = page.final_url.host_str().and_then(registrable_domain);
    let elements: Vec<ElementRef<'_>> = page
        .select(sel!("script"))
        .filter(|s| {
            ancestors_inclusive(*s)
                .skip(1)
                .all(|a| a.value().name() != "template")
        })
        .collect();
    if elements.is_empty() {
        return NO_SCRIPTS.report("", None);
    }
    let scripts: Vec<Script<'_>> = elements
        .iter()
        .filter_map(|e| classify(*e, page, &site))
        .collect();
    let mut result: Option<Verdict> = None;
    for script in &scripts {
        if !script.secure_origin {
            if let Some(v) = script.foreign_verdict() {
                result = Some(worse(result, v));
            }
        } else if script.integrity && script.secure_scheme && result.is_none() {
            result = Some(IMPLEMENTED_ALL_SECURE);
        }
    }
    let foreign: Vec<&Script<'_>> = scripts.iter().filter(|s| !s.secure_origin).collect();
    let verdict = result.unwrap_or(if foreign.is_empty() {
        ALL_SECURE_ORIGIN
    } else {
        IMPLEMENTED_EXTERNAL_SECURE
    });
    let seen = format!(
        "{}, {} with src, {} from other sites",
        counted(elements.len(), "script", "scripts"),
        scripts.len(),
        foreign.len()
    );
    let items = foreign
        .iter()
        .filter(|s| s.foreign_verdict().is_some())
        .map(|s| Evidence {
            selector: Some(css_path(s.element)),
            snippet: Some(snippet(s.element)),
            url: Some(s.src.clone()),
            detail: Some(format!("{}: {}", verdict.id, s.problem())),
            ..Evidence::default()
        })
        .collect();
    verdict.check(
        Evidence {
            detail: Some(verdict.detail(&seen)),
            ..Evidence::default()
        },
        items,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::page::Served;
    use crate::engine::rules::testing::{check, failing, page};
    use crate::report::Outcome;

    const RULE: &str = "security.subresource-integrity";

    fn result(html: &str) -> String {
        check(RULE, &page(html)).observatory.unwrap().result
    }

    #[test]
    fn script_table() {
        let hash = r#"integrity="sha384-abc" crossorigin="anonymous""#;
        let table = [
            (
                "<p>no scripts</p>".to_owned(),
                "sri-not-implemented-but-no-scripts-loaded",
            ),
            (
                "<script>inline()</script>".to_owned(),
                "sri-not-implemented-but-all-scripts-loaded-from-secure-origin",
            ),
            (
                r#"<script src="/app.js"></script>"#.to_owned(),
                "sri-not-implemented-but-all-scripts-loaded-from-secure-origin",
            ),
            (
                r#"<script src="https://cdn.site.example/app.js"></script>"#.to_owned(),
                "sri-not-implemented-but-all-scripts-loaded-from-secure-origin",
            ),
            (
                format!(r#"<script src="/app.js" {hash}></script>"#),
                "sri-implemented-and-all-scripts-loaded-securely",
            ),
            (
                format!(r#"<script src="https://cdn.example/lib.js" {hash}></script>"#),
                "sri-implemented-and-external-scripts-loaded-securely",
            ),
            (
                r#"<script src="https://cdn.example/lib.js"></script>"#.to_owned(),
                "sri-not-implemented-but-external-scripts-loaded-securely",
            ),
            (
                format!(r#"<script src="http://cdn.example/lib.js" {hash}></script>"#),
                "sri-implemented-but-external-scripts-not-loaded-securely",
            ),
            (
                format!(r#"<script src="//cdn.example/lib.js" {hash}></script>"#),
                "sri-implemented-but-external-scripts-not-loaded-securely",
            ),
            (
                r#"<script src="http://cdn.example/lib.js"></script>"#.to_owned(),
                "sri-not-implemented-and-external-scripts-not-loaded-securely",
            ),
            // Protocol-relative counts as foreign even on the same site.
            (
                r#"<script src="//www.site.example/app.js"></script>"#.to_owned(),
                "sri-not-implemented-and-external-scripts-not-loaded-securely",
            ),
            (
                r#"<script src="https://localhost/app.js"></script>"#.to_owned(),
                "sri-not-implemented-but-external-scripts-loaded-securely",
            ),
        ];
        for (html, expected) in table {
            assert_eq!(result(&html), expected, "{html}");
        }
    }

    #[test]
    fn failing_scripts_are_listed() {
        let p = page(
            r#"<head><script src="/a.js"></script><script id="cdn" src="https://cdn.example/x.js"></script>
               <script src="https://other.example/y.js" integrity="sha384-x"></script></head>"#,
        );
        assert_eq!(failing(RULE, &p), ["script#cdn"]);
        assert_eq!(
            check(RULE, &p).severity,
            Some(crate::report::Severity::Minor)
        );
    }

    #[test]
    fn not_html_and_local_directory() {
        let p = page(r#"<script src="http://cdn.example/x.js"></script>"#)
            .with_headers(&[("content-type", "application/json")]);
        assert_eq!(
            check(RULE, &p).observatory.unwrap().result,
            "sri-not-implemented-response-not-html"
        );
        let mut p = page(r#"<script src="http://cdn.example/x.js"></script>"#);
        p.served = Served::LocalDirectory;
        let c = check(RULE, &p);
        assert_eq!(c.outcome, Outcome::Fail);
        assert_eq!(c.severity, Some(crate::report::Severity::Critical));
    }

    #[test]
    fn registrable_domains() {
        assert_eq!(
            registrable_domain("www.mozilla.org").as_deref(),
            Some("mozilla.org")
        );
        assert_eq!(
            registrable_domain("a.b.example.co.uk").as_deref(),
            Some("example.co.uk")
        );
        assert_eq!(registrable_domain("co.uk"), None);
        assert_eq!(registrable_domain("localhost"), None);
        assert_eq!(registrable_domain("127.0.0.1"), None);
    }
}
