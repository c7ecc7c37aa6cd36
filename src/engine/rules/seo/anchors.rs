//! Links as crawlers see them: descriptive link text (Lighthouse `link-text`) and anchors a
//! crawler can follow (Lighthouse `crawlable-anchors`).

use std::borrow::Cow;

use scraper::ElementRef;
use url::{Position, Url};

use super::{SVG_NAMESPACE, in_namespace};
use crate::engine::page::Page;
use crate::engine::page::dom::Attribute;
use crate::engine::page::dom::{
    collapse_whitespace, css_path, is_hidden, lang_of, snippet, text_content, visible_text,
};
use crate::engine::rules::Check;
use crate::report::Evidence;
use crate::sel;

/// Non-descriptive link texts per primary language subtag (Lighthouse's lists), lower-case.
const NON_DESCRIPTIVE: &[(&str, &[&str])] = &[
    (
        "en",
        &[
            "click here",
            "click this",
            "go",
            "here",
            "information",
            "learn more",
            "more",
            "more info",
            "more information",
            "right here",
            "read more",
            "see more",
            "start",
            "this",
        ],
    ),
    (
        "ja",
        &[
            "ここをクリック",
            "こちらをクリック",
            "リンク",
            "続きを読む",
            "続く",
            "全文表示",
        ],
    ),
    (
        "es",
        &[
            "click aquí",
            "click aqui",
            "clicka aquí",
            "clicka aqui",
            "pincha aquí",
            "pincha aqui",
            "aquí",
            "aqui",
            "más",
            "mas",
            "más información",
            "más informacion",
            "mas información",
            "mas informacion",
            "este",
            "enlace",
            "este enlace",
            "empezar",
        ],
    ),
    (
        "pt",
        &[
            "clique aqui",
            "ir",
            "mais informação",
            "mais informações",
            "mais",
            "veja mais",
        ],
    ),
    (
        "ko",
        &[
            "여기",
            "여기를 클릭",
            "클릭",
            "링크",
            "자세히",
            "자세히 보기",
            "계속",
            "이동",
            "전체 보기",
        ],
    ),
    (
        "sv",
        &[
            "här",
            "klicka här",
            "läs mer",
            "mer",
            "mer info",
            "mer information",
        ],
    ),
    (
        "de",
        &[
            "klicke hier",
            "hier klicken",
            "hier",
            "mehr",
            "siehe",
            "dies",
            "das",
            "weiterlesen",
        ],
    ),
    (
        "ta",
        &[
            "அடுத்த பக்கம்",
            "மறுபக்கம்",
            "முந்தைய பக்கம்",
            "முன்பக்கம்",
            "மேலும் அறிக",
            "மேலும் தகவலுக்கு",
            "மேலும் தரவுகளுக்கு",
            "தயவுசெய்து இங்கே அழுத்தவும்",
            "இங்கே கிளிக் செய்யவும்",
        ],
    ),
    (
        "fa",
        &[
            "اطلاعات بیشتر",
            "اطلاعات",
            "این",
            "اینجا بزنید",
            "اینجا کلیک کنید",
            "اینجا",
            "برو",
            "بیشتر بخوانید",
            "بیشتر بدانید",
            "بیشتر",
            "شروع",
        ],
    ),
];

/// Attributes that only make sense on an `<a>` with an `href` (HTML spec): their presence
/// means the anchor is meant to be a link.
const HREF_ATTRIBUTES: [&str; 7] = [
    "target",
    "download",
    "ping",
    "rel",
    "hreflang",
    "type",
    "referrerpolicy",
];

fn is_svg(el: ElementRef<'_>) -> bool {
    in_namespace(el, SVG_NAMESPACE)
}

/// The text a link shows: `innerText` for HTML links (`textContent` when the link itself is
/// not rendered, as browsers do), `textContent` for SVG links; trimmed.
fn link_text_of(el: ElementRef<'_>) -> String {
    if is_svg(el) || is_hidden(el) {
        text_content(el)
    } else {
        visible_text(el)
    }
}

/// The language of a link's text, as Lighthouse computes it: the document's only `lang` when
/// `<html>` or `<body>` carries the only one; else the `lang` in effect for the link's text
/// (`None` when its parts are in different primary languages).
fn text_lang(el: ElementRef<'_>, single_lang: Option<&str>) -> Option<String> {
    if let Some(lang) = single_lang {
        return Some(lang.to_owned());
    }
    let mut current: Option<String> = None;
    for child in el.descendants().skip(1).filter_map(ElementRef::wrap) {
        if child.text().all(str::is_empty) {
            continue;
        }
        let Some(lang) = lang_of(child) else {
            continue;
        };
        match &current {
            None => current = Some(lang),
            Some(c) if !primary(c).eq_ignore_ascii_case(primary(&lang)) => return None,
            Some(_) => {}
        }
    }
    current.or_else(|| lang_of(el))
}

fn primary(lang: &str) -> &str {
    lang.split('-').next().unwrap_or_default()
}

/// The `lang` of the whole document when only `<html>` or `<body>` carries a `lang` attribute.
/// The elements with `lang` come from the page's index; only those in the document tree count
/// (the index also holds elements the parser left outside it), and two are enough to decide.
fn single_document_lang(page: &Page) -> Option<String> {
    let root = page.dom.root_element();
    let mut with_lang = page.select(sel!("[lang]")).filter(|e| is_within(*e, root));
    let only = with_lang.next()?;
    if with_lang.next().is_some() || !matches!(only.value().name(), "html" | "body") {
        return None;
    }
    only.attribute("lang").map(str::to_owned)
}

/// True when `el` is `root` or one of its descendants.
fn is_within(el: ElementRef<'_>, root: ElementRef<'_>) -> bool {
    el.id() == root.id() || el.ancestors().any(|a| a.id() == root.id())
}

/// True when `text` (lower-case) is non-descriptive in `lang`, or in any language when the
/// language is unknown.
fn is_non_descriptive(text: &str, lang: Option<&str>) -> bool {
    match lang.filter(|l| !l.is_empty()) {
        Some(lang) => {
            let primary = primary(lang).to_ascii_lowercase();
            NON_DESCRIPTIVE
                .iter()
                .any(|(code, texts)| *code == primary && texts.contains(&text))
        }
        None => NON_DESCRIPTIVE
            .iter()
            .any(|(_, texts)| texts.contains(&text)),
    }
}

/// True when `text` parses as an absolute http(s) URL. A URL needs a ':' after its scheme,
/// so text without one (most link text) is not parsed at all.
fn is_full_url(text: &str) -> bool {
    text.contains(':') && Url::parse(text).is_ok_and(|u| matches!(u.scheme(), "http" | "https"))
}

fn without_fragment(url: &Url) -> Url {
    let mut url = url.clone();
    url.set_fragment(None);
    url
}

/// True when the two URLs are equal once their fragments are removed. For URLs with a
/// hierarchical path this compares their text up to the fragment, without copying them.
fn same_document(a: &Url, b: &Url) -> bool {
    if a.cannot_be_a_base() || b.cannot_be_a_base() {
        // Removing the fragment of an opaque path may also trim spaces: do exactly that.
        return without_fragment(a) == without_fragment(b);
    }
    a[..Position::AfterQuery] == b[..Position::AfterQuery]
}

/// The target of a link that leaves the page for another document: `None` for links without
/// `href`, `rel=nofollow`, `javascript:` and `mailto:` links, and links to this page.
fn outgoing_target<'p>(page: &'p Page, el: ElementRef<'_>) -> Option<Cow<'p, Url>> {
    el.attribute("href")?;
    if !is_svg(el)
        && el
            .attribute("rel")
            .is_some_and(|rel| rel.contains("nofollow"))
    {
        return None;
    }
    let target = page.href_target(el)?;
    if matches!(target.scheme(), "javascript" | "mailto") {
        return None;
    }
    (!same_document(&target, &page.final_url)).then_some(target)
}

/// `seo.link-text`: links to other pages do not use generic text such as "click here" (in the
/// language of the text) or a bare URL.
pub fn link_text(page: &Page) -> Check {
    let single_lang = single_document_lang(page);
    let mut checked = 0usize;
    let mut failures = Vec::new();
    for el in page.select(sel!("a")) {
        let Some(target) = outgoing_target(page, el) else {
            continue;
        };
        let text = link_text_of(el);
        if text.is_empty() {
            continue;
        }
        checked += 1;
        let lang = text_lang(el, single_lang.as_deref());
        let reason = if is_full_url(&text) {
            "a bare URL does not describe the target".to_owned()
        } else if is_non_descriptive(&text.to_lowercase(), lang.as_deref()) {
            match &lang {
                Some(lang) => format!("\"{text}\" (lang {lang}) does not describe the target"),
                None => format!("\"{text}\" does not describe the target"),
            }
        } else {
            continue;
        };
        failures.push(Evidence {
            selector: Some(css_path(el)),
            snippet: Some(snippet(el)),
            url: Some(target.to_string()),
            detail: Some(reason),
            ..Evidence::default()
        });
    }
    Check::from_failures(failures).with_evidence(Evidence {
        value: Some(checked as f64),
        unit: Some("count".into()),
        detail: Some(format!(
            "{checked} links to other pages have descriptive text"
        )),
        ..Evidence::default()
    })
}

/// True when the element has an inline event handler attribute (`onclick`, `onmousedown`…).
/// Listeners added from scripts (`addEventListener`) cannot be seen without a browser.
fn has_inline_listener(el: ElementRef<'_>) -> bool {
    el.value()
        .attrs()
        .any(|(name, _)| name.len() > 2 && name.starts_with("on"))
}

/// The text without any whitespace, borrowed when it has none (most hrefs).
fn without_whitespace(text: &str) -> Cow<'_, str> {
    if text.chars().any(char::is_whitespace) {
        Cow::Owned(text.chars().filter(|c| !c.is_whitespace()).collect())
    } else {
        Cow::Borrowed(text)
    }
}

/// True when the whitespace-free `raw` href does not join onto the final URL. With
/// `same_join` (the base URL is the final URL and the href had no whitespace to strip) the
/// page's resolved link targets (see [`Page::link_targets`]) already hold that join's result.
fn is_invalid_href(page: &Page, el: ElementRef<'_>, raw: &str, same_join: bool) -> bool {
    let cached = if same_join {
        page.link_targets().get(el)
    } else {
        None
    };
    match cached {
        Some(target) => target.is_none(),
        None => page.final_url.join(raw).is_err(),
    }
}

/// Why a crawler cannot follow this anchor, or `None` when it can (or it is not meant as a
/// link). Lighthouse's rules, in its order. `base_is_final` tells that the page's base URL is
/// its final URL.
fn uncrawlable_reason(
    page: &Page,
    el: ElementRef<'_>,
    base_is_final: bool,
) -> Option<&'static str> {
    let href = el.attribute("href");
    let raw = without_whitespace(href.unwrap_or_default());
    let non_blank = |name| el.attribute(name).is_some_and(|v| !v.trim().is_empty());
    if non_blank("role") || raw.starts_with("mailto:") {
        return None;
    }
    if raw.is_empty() && el.attribute("id").is_some_and(|id| !id.is_empty()) {
        return None;
    }
    if raw.starts_with("file:") {
        return Some("a file: URL cannot be crawled");
    }
    if !is_svg(el) && non_blank("name") {
        return None;
    }
    let has_href = href.is_some();
    if !has_href && !HREF_ATTRIBUTES.iter().any(|a| el.attribute(a).is_some()) {
        return has_inline_listener(el)
            .then_some("no href: the link works only through a script event handler");
    }
    if !has_href && !is_svg(el) {
        return Some("no href, although link attributes are set");
    }
    if is_javascript_void(&raw) {
        return Some("a javascript:void(0) href gives crawlers nothing to follow");
    }
    is_invalid_href(
        page,
        el,
        &raw,
        base_is_final && matches!(raw, Cow::Borrowed(_)),
    )
    .then_some("the href is not a valid URL")
}

/// Lighthouse's `javascript:void(0)` pattern (also `void0`, `void(0`, `void0)`), anywhere in the
/// whitespace-free href.
fn is_javascript_void(raw: &str) -> bool {
    // Most hrefs have no ':' at all (relative paths): one fast byte search rules them out.
    raw.contains(':')
        && raw.match_indices("javascript:void").any(|(i, m)| {
            let rest = &raw[i + m.len()..];
            let rest = rest.strip_prefix('(').unwrap_or(rest);
            rest.starts_with('0')
        })
}

/// `seo.crawlable-anchors`: every `<a>` meant as a link has an `href` a crawler can follow.
pub fn crawlable_anchors(page: &Page) -> Check {
    let has_scripts = page.select(sel!("script")).next().is_some();
    let base_is_final = *page.base_url() == page.final_url;
    let mut failures = Vec::new();
    let mut reviews = Vec::new();
    let mut anchors = 0usize;
    for el in page.select(sel!("a")) {
        anchors += 1;
        let evidence = |detail: String| Evidence {
            selector: Some(css_path(el)),
            snippet: Some(snippet(el)),
            detail: Some(detail),
            ..Evidence::default()
        };
        if let Some(reason) = uncrawlable_reason(page, el, base_is_final) {
            failures.push(evidence(reason.to_owned()));
        } else if has_scripts && is_placeholder(el) {
            reviews.push(evidence(format!(
                "<a> \"{}\" has no href; if a script makes it clickable, crawlers cannot follow it",
                collapse_whitespace(&link_text_of(el))
            )));
        }
    }
    Check::from_failures(failures)
        .with_reviews(reviews)
        .with_evidence(Evidence {
            value: Some(anchors as f64),
            unit: Some("count".into()),
            detail: Some(format!("{anchors} anchors checked")),
            ..Evidence::default()
        })
}

/// An `<a>` with no href and nothing that explains it (no id, name, role or handler).
fn is_placeholder(el: ElementRef<'_>) -> bool {
    !is_svg(el)
        && ["href", "id", "name", "role"]
            .iter()
            .all(|a| el.attribute(a).is_none())
        && !has_inline_listener(el)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rules::testing::{check, failing, page};
    use crate::report::Outcome;

    /// `single_document_lang` as first written: a walk of the whole document.
    fn single_document_lang_walk(page: &Page) -> Option<String> {
        let mut with_lang = page
            .dom
            .root_element()
            .descendants()
            .filter_map(ElementRef::wrap)
            .filter(|e| e.attribute("lang").is_some());
        let only = with_lang.next()?;
        if with_lang.next().is_some() || !matches!(only.value().name(), "html" | "body") {
            return None;
        }
        only.attribute("lang").map(str::to_owned)
    }

    /// The index gives the same answer as the walk, also for elements the parser leaves out
    /// of the tree (a body a frameset replaces).
    #[test]
    fn single_document_lang_matches_a_walk() {
        for html in [
            "<p>x</p>",
            "<html lang=en><p>x</p>",
            "<html><body lang=de><p>x</p>",
            "<html lang=en><body lang=en><p>x</p>",
            "<html lang=en><p lang=fr>x</p>",
            "<html lang=en><body><p lang=fr></p><frameset><frame></frameset>",
            "<html><body lang=fr><frameset></frameset>",
            "<html lang=en><svg><html lang=x></html></svg>",
            "<html lang=en><template><p lang=fr>t</p></template>",
            "<html xml:lang=en lang=en>",
        ] {
            let p = page(html);
            assert_eq!(
                single_document_lang(&p),
                single_document_lang_walk(&p),
                "{html}"
            );
        }
    }

    fn flagged_texts(html: &str) -> Vec<String> {
        let c = check("seo.link-text", &page(html));
        c.failures
            .iter()
            .map(|e| e.url.clone().unwrap_or_default())
            .collect()
    }

    #[test]
    fn link_text_table() {
        let html = r##"<html><body>
            <a href="/a">Click here</a>
            <a href="/b"> READ MORE </a>
            <a href="/c">Pricing for teams</a>
            <a href="#top">click here</a>
            <a href="">click here</a>
            <a href="/page">here</a>
            <a href="/d" rel="nofollow">here</a>
            <a href="javascript:;">here</a>
            <a href="mailto:a@site.example">here</a>
            <a>here</a>
            <a href="/e">https://site.example/e</a>
            <a href="/f"><img src="i.png" alt="click here"></a>
            <a href="/g">more<span hidden> about pricing</span></a>
            <svg><a href="/h"><text>this</text></a></svg>
        </body></html>"##;
        assert_eq!(
            flagged_texts(html),
            [
                "https://site.example/a",
                "https://site.example/b",
                "https://site.example/e",
                "https://site.example/g",
                "https://site.example/h",
            ]
        );
        let none = check("seo.link-text", &page("<p>no links</p>"));
        assert_eq!(none.outcome, Outcome::Pass);
    }

    #[test]
    fn link_text_languages() {
        let html = r#"<html lang="en"><body>
            <a href="/en" lang="en-US">Start</a>
            <a href="/de" lang="de-DE">Start</a>
            <a href="/de2" lang="de">klicke hier</a>
            <a href="/mixed"><span lang="de">click</span> <span lang="fr">here</span></a>
            <a href="/svg-de"><span lang="de-CH">mehr</span></a>
            <a href="/fr" lang="fr">ici</a>
        </body></html>"#;
        assert_eq!(
            flagged_texts(html),
            [
                "https://site.example/en",
                "https://site.example/de2",
                "https://site.example/mixed",
                "https://site.example/svg-de",
            ]
        );
        // Without any lang every list applies.
        assert_eq!(
            flagged_texts(r#"<a href="/x">klicke hier</a><a href="/y">weiter</a>"#),
            ["https://site.example/x"]
        );
        // A document whose only lang is on <html> uses it for every link.
        assert_eq!(
            flagged_texts(
                r#"<html lang="de"><body><a href="/x">here</a><a href="/y">hier</a></body></html>"#
            ),
            ["https://site.example/y"]
        );
    }

    #[test]
    fn crawlable_anchors_table() {
        let p = page(
            r#"<html><body><script>window.x = 1;</script>
            <a id="ok" href="/pass">ok</a>
            <a id="void" href="javascript:void(0)">x</a>
            <a id="void-spaced" href="javascript: void (0);">x</a>
            <a id="script-ok" href="javascript:;">x</a>
            <a id="file" href="file:///C:/x.html">x</a>
            <a class="c" onclick="go()">x</a>
            <a id="with-id" onclick="go()">an id makes it a fragment target</a>
            <a class="c" onmousedown="go()">x</a>
            <a class="c" target="_blank">x</a>
            <a id="bad-url" href="http://[::1">x</a>
            <a href="mailto:javascript:void(0)">mail</a>
            <a role="button" href="javascript:void(0)">button</a>
            <a name="top"></a>
            <a id="anchor"></a>
            <a href="">empty</a>
            <a>placeholder</a>
        </body></html>"#,
        );
        assert_eq!(
            failing("seo.crawlable-anchors", &p),
            [
                "a#void",
                "a#void-spaced",
                "a#file",
                "body > a:nth-of-type(6)",
                "body > a:nth-of-type(8)",
                "body > a:nth-of-type(9)",
                "a#bad-url",
            ]
        );
        let c = check("seo.crawlable-anchors", &p);
        assert_eq!(c.reviews.len(), 1);
        assert_eq!(
            c.reviews[0].selector.as_deref(),
            Some("body > a:nth-of-type(16)")
        );
        assert_eq!(
            check("seo.crawlable-anchors", &page("<p>x</p>")).outcome,
            Outcome::Pass
        );
    }

    #[test]
    fn javascript_void_pattern() {
        for yes in [
            "javascript:void(0)",
            "javascript:void0",
            "javascript:void(0",
            "x;javascript:void(0);",
        ] {
            assert!(is_javascript_void(yes), "{yes}");
        }
        for no in ["javascript:;", "javascript:void(1)", "JavaScript:void(0)"] {
            assert!(!is_javascript_void(no), "{no}");
        }
    }
}
