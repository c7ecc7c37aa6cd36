//! Checks of the document as a whole: its title and language, the viewport and refresh
//! `<meta>` tags, an `aria-hidden` body, and the ways to skip to the content.

use scraper::{ElementRef, Node};

use super::verdict::{Verdict, judge, judge_all, require};
use crate::engine::page::Page;
use crate::engine::page::dom::{Attribute, is_hidden, self_hidden, text_content};
use crate::engine::rules::langs::is_registered_language;
use crate::engine::rules::{Check, Refs, Rule, element_evidence};
use crate::report::Evidence;
use crate::sel;

/// The shortest zoom limit that still lets people enlarge text enough (axe: 2).
pub const MIN_MAXIMUM_SCALE: f64 = 2.0;

/// Refresh delays above this many seconds (20 hours) are not a timing problem (axe, WCAG
/// 2.2.1's twenty-hour exception).
pub const REFRESH_EXCEPTION_SECONDS: f64 = 72_000.0;

fn page_failure(page: &Page, detail: &str) -> Check {
    Check::fail(Evidence {
        url: Some(page.final_url.to_string()),
        detail: Some(detail.to_owned()),
        ..Evidence::default()
    })
}

fn root(page: &Page) -> ElementRef<'_> {
    page.dom.root_element()
}

fn outside_svg(el: ElementRef<'_>) -> bool {
    !el.ancestors()
        .filter_map(ElementRef::wrap)
        .any(|a| a.value().name() == "svg")
}

pub fn document_title(page: &Page) -> Check {
    let title = page.select(sel!("title")).find(|t| outside_svg(*t));
    match title {
        Some(t) if !text_content(t).is_empty() => Check::pass(),
        Some(t) => Check::fail(element_evidence(t, "the <title> element is empty")),
        None => page_failure(page, "the document has no <title> element"),
    }
}

/// True when the language tag's primary subtag is a registered language (what axe checks).
pub fn is_valid_lang(value: &str) -> bool {
    let primary = value.trim().split('-').next().unwrap_or_default();
    is_registered_language(primary)
}

fn lang_attr<'a>(el: ElementRef<'a>, name: &str) -> Option<&'a str> {
    el.attribute(name).map(str::trim).filter(|v| !v.is_empty())
}

pub fn html_has_lang(page: &Page) -> Check {
    let html = root(page);
    if html.value().name() != "html" {
        return Check::not_applicable("the document has no <html> element");
    }
    if lang_attr(html, "lang").is_some() {
        return Check::pass();
    }
    let detail = if lang_attr(html, "xml:lang").is_some() {
        "<html> has only `xml:lang`, which HTML documents ignore; add `lang`"
    } else if html.attribute("lang").is_some() {
        "<html lang> is empty"
    } else {
        "<html> has no `lang` attribute"
    };
    Check::fail(element_evidence(html, detail))
}

pub fn html_lang_valid(page: &Page) -> Check {
    let html = root(page);
    let values: Vec<&str> = ["lang", "xml:lang"]
        .iter()
        .filter_map(|a| lang_attr(html, a))
        .collect();
    if values.is_empty() {
        return Check::not_applicable("<html> declares no language");
    }
    match values.iter().find(|v| !is_valid_lang(v)) {
        Some(bad) => Check::fail(element_evidence(
            html,
            format!("`{bad}` is not a valid language tag (its primary subtag is not registered)"),
        )),
        None => Check::pass(),
    }
}

/// True when the element has visible text of its own language: text not inside a descendant
/// that sets its own language, and not hidden (aria-hidden text still counts: it is shown).
fn has_own_language_text(el: ElementRef<'_>) -> bool {
    el.children().any(|child| match child.value() {
        Node::Text(t) => !t.trim().is_empty(),
        Node::Element(_) => ElementRef::wrap(child).is_some_and(|c| {
            c.attribute("lang").is_none()
                && c.attribute("xml:lang").is_none()
                && !self_hidden(c)
                && has_own_language_text(c)
        }),
        _ => false,
    })
}

pub fn valid_lang(page: &Page) -> Check {
    let html = root(page);
    judge(
        page.select(sel!("[lang], [xml\\:lang]"))
            .filter(|el| el.id() != html.id()),
        "no element other than <html> sets a language",
        |el| {
            // An empty value means "unknown language" and is allowed; a blank one is not.
            let values: Vec<&str> = ["lang", "xml:lang"]
                .iter()
                .filter_map(|a| el.attribute(a))
                .filter(|v| !v.is_empty())
                .collect();
            if values.is_empty() {
                return Verdict::Skip;
            }
            match values.iter().find(|v| !is_valid_lang(v)) {
                Some(bad) if has_own_language_text(el) => {
                    Verdict::Fail(format!("`{bad}` is not a valid language tag"))
                }
                _ => Verdict::Pass,
            }
        },
    )
}

pub fn html_xml_lang_mismatch(page: &Page) -> Check {
    let html = root(page);
    let (Some(lang), Some(xml_lang)) = (lang_attr(html, "lang"), lang_attr(html, "xml:lang"))
    else {
        return Check::not_applicable("<html> does not set both `lang` and `xml:lang`");
    };
    if !is_valid_lang(lang) || !is_valid_lang(xml_lang) {
        return Check::not_applicable("one of the languages is invalid (see html-lang-valid)");
    }
    let primary = |v: &str| v.split('-').next().unwrap_or_default().to_ascii_lowercase();
    if primary(lang) == primary(xml_lang) {
        Check::pass()
    } else {
        Check::fail(element_evidence(
            html,
            format!("`lang=\"{lang}\"` and `xml:lang=\"{xml_lang}\"` name different languages"),
        ))
    }
}

/// The `key=value` pairs of a viewport `content` (separated by commas or semicolons).
fn viewport_properties(content: &str) -> Vec<(String, String)> {
    content
        .split([',', ';'])
        .filter_map(|part| {
            let (key, value) = part.split_once('=')?;
            Some((
                key.trim().to_ascii_lowercase(),
                value.trim().to_ascii_lowercase(),
            ))
        })
        .collect()
}

pub fn meta_viewport(page: &Page) -> Check {
    judge_all(
        page.select(sel!("meta[name]")).filter(|m| {
            m.attribute("name")
                .is_some_and(|n| n.trim().eq_ignore_ascii_case("viewport"))
        }),
        "the page has no viewport <meta>",
        |meta| {
            let props = viewport_properties(meta.attribute("content").unwrap_or_default());
            let get = |k: &str| props.iter().rev().find(|(key, _)| key == k).map(|(_, v)| v);
            if let Some(scalable) = get("user-scalable") {
                let blocked = scalable == "no"
                    || scalable
                        .parse::<f64>()
                        .is_ok_and(|n| (-1.0..1.0).contains(&n));
                if blocked {
                    return Verdict::Fail(format!(
                        "`user-scalable={scalable}` stops people from zooming"
                    ));
                }
            }
            if let Some(max) = get("maximum-scale").and_then(|v| v.parse::<f64>().ok())
                && max < MIN_MAXIMUM_SCALE
            {
                return Verdict::Fail(format!(
                    "`maximum-scale={max}` stops people from zooming to {MIN_MAXIMUM_SCALE}×"
                ));
            }
            Verdict::Pass
        },
    )
}

/// The delay in seconds of a `<meta http-equiv=refresh>` content, when it parses.
fn refresh_delay(content: &str) -> Option<f64> {
    let content = content.trim_start();
    let digits: String = content
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let rest = &content[digits.len()..];
    let separated = rest.is_empty()
        || rest.starts_with(|c: char| c.is_ascii_whitespace())
        || rest.starts_with([';', ',']);
    if digits.is_empty() || !separated {
        return None;
    }
    digits.parse::<f64>().ok()
}

pub fn meta_refresh(page: &Page) -> Check {
    judge_all(
        page.select(sel!("meta[http-equiv][content]")).filter(|m| {
            m.attribute("http-equiv")
                .is_some_and(|h| h.trim().eq_ignore_ascii_case("refresh"))
        }),
        "the page does not refresh itself",
        |meta| match refresh_delay(meta.attribute("content").unwrap_or_default()) {
            None => Verdict::Skip,
            Some(delay) => require(delay == 0.0 || delay > REFRESH_EXCEPTION_SECONDS, || {
                format!(
                    "the page refreshes or redirects after {delay} s, before people can finish \
                     reading"
                )
            }),
        },
    )
}

pub fn aria_hidden_body(page: &Page) -> Check {
    let Some(body) = page.select(sel!("body")).next() else {
        return Check::not_applicable("the document has no <body>");
    };
    let hidden = body
        .attribute("aria-hidden")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
    if hidden {
        Check::fail(element_evidence(
            body,
            "aria-hidden=\"true\" on <body> hides the whole page from screen readers",
        ))
    } else {
        Check::pass()
    }
}

fn has_main_landmark(page: &Page) -> bool {
    page.select(sel!("main, [role]"))
        .filter(|el| !is_hidden(*el))
        .any(|el| match el.attribute("role") {
            Some(role) => role
                .split_ascii_whitespace()
                .next()
                .is_some_and(|r| r.eq_ignore_ascii_case("main")),
            None => el.value().name() == "main",
        })
}

pub fn bypass(page: &Page) -> Check {
    if page.select(sel!("body")).next().is_none() {
        return Check::not_applicable("the document has no <body>");
    }
    let heading = page
        .select(sel!("h1, h2, h3, h4, h5, h6, [role=heading]"))
        .any(|h| !is_hidden(h));
    let skip_link = page
        .select(sel!("a[href^='#']"))
        .any(|a| a.attribute("href").is_some_and(|h| h.len() > 1) && !is_hidden(a));
    if heading || skip_link || has_main_landmark(page) {
        Check::pass()
    } else {
        page_failure(
            page,
            "no heading, landmark or skip link lets keyboard users jump past repeated content",
        )
    }
}

pub fn landmark_one_main(page: &Page) -> Check {
    if page.select(sel!("body")).next().is_none() {
        return Check::not_applicable("the document has no <body>");
    }
    if has_main_landmark(page) {
        Check::pass()
    } else {
        page_failure(page, "the page has no <main> element (or role=\"main\")")
    }
}

/// The rules of this file.
pub static RULES: &[Rule] = &[
    axe_rule! {
        id: "document-title",
        title: "Document has a title",
        description: "The <title> is the first thing a screen reader announces and what people \
                      see in tabs, history and bookmarks; without one they cannot tell pages \
                      apart.",
        severity: Major,
        weight: 7.0,
        fix: "Give every page a short, unique <title>.",
        steps: [
            "Add `<title>` inside <head>, naming the page first and the site second.",
            "Make it unique per page, e.g. `Opening hours – Harbour Lights Bakery`.",
        ],
        minutes: 5,
        refs: Refs::axe("document-title", &["2.4.2"]),
        check: document_title,
    },
    axe_rule! {
        id: "html-has-lang",
        title: "The <html> element has a lang attribute",
        description: "Screen readers choose pronunciation rules from the page language; without \
                      `lang` they read the text with the user's default voice, which can make it \
                      unintelligible.",
        severity: Major,
        weight: 7.0,
        fix: "Declare the page language on <html>.",
        steps: ["Add `lang` with a BCP 47 tag to the root element, e.g. `<html lang=\"en\">`."],
        minutes: 2,
        refs: Refs::axe("html-has-lang", &["3.1.1"]),
        check: html_has_lang,
    },
    axe_rule! {
        id: "html-lang-valid",
        title: "The <html> lang attribute is a valid language",
        description: "An unknown language tag is as bad as none: assistive technology cannot \
                      pick a voice. Only the primary subtag (before the first `-`) is checked, \
                      against the IANA registry, as axe does.",
        severity: Major,
        weight: 7.0,
        fix: "Use a registered language tag.",
        steps: [
            "Use an ISO 639 code, optionally with a region: `en`, `en-GB`, `pt-BR`, `zh-Hans`.",
            "Do not use language names (`english`) or country codes alone (`uk`).",
        ],
        minutes: 2,
        refs: Refs::axe("html-lang-valid", &["3.1.1"]),
        check: html_lang_valid,
    },
    axe_rule! {
        id: "valid-lang",
        title: "lang attributes inside the page are valid",
        description: "Passages in another language are marked with `lang` so screen readers \
                      switch voice; an invalid tag makes them read the passage wrongly.",
        severity: Major,
        weight: 7.0,
        fix: "Correct the language tags of passages.",
        steps: ["Use a registered tag (`fr`, `de-CH`) on each element whose language differs."],
        minutes: 3,
        refs: Refs::axe("valid-lang", &["3.1.2"]),
        check: valid_lang,
    },
    axe_rule! {
        id: "html-xml-lang-mismatch",
        title: "lang and xml:lang on <html> agree",
        description: "When both are present and name different languages, browsers and screen \
                      readers disagree about which one applies.",
        severity: Minor,
        weight: 3.0,
        fix: "Make `xml:lang` match `lang`, or remove it.",
        steps: ["Set both to the same primary language, or drop `xml:lang` in HTML documents."],
        minutes: 2,
        refs: Refs::axe("html-xml-lang-mismatch", &["3.1.1"]),
        check: html_xml_lang_mismatch,
    },
    axe_rule! {
        id: "meta-viewport",
        title: "Zooming is not disabled",
        description: "`user-scalable=no` or a `maximum-scale` below 2 in the viewport <meta> stops \
                      people with low vision from enlarging text on phones.",
        severity: Minor,
        weight: 10.0,
        fix: "Let people zoom.",
        steps: [
            "Remove `user-scalable=no` and `maximum-scale` from the viewport <meta>.",
            "Keep `<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">`.",
        ],
        minutes: 2,
        refs: Refs::axe("meta-viewport", &["1.4.4"]),
        check: meta_viewport,
    },
    axe_rule! {
        id: "meta-refresh",
        title: "The page does not refresh or redirect on a timer",
        description: "A timed `<meta http-equiv=\"refresh\">` moves people on before they finish \
                      reading and gives them no way to stop it. An immediate redirect (delay 0) \
                      or one after more than 20 hours is allowed.",
        severity: Critical,
        weight: 10.0,
        fix: "Remove the timed refresh.",
        steps: [
            "Redirect with an HTTP 301/308 from the server instead.",
            "If content must update, update it in place and let people pause it.",
        ],
        minutes: 10,
        refs: Refs::axe("meta-refresh", &["2.2.1"]),
        check: meta_refresh,
    },
    axe_rule! {
        id: "aria-hidden-body",
        title: "The body is not hidden from assistive technology",
        description: "`aria-hidden=\"true\"` on <body> removes the entire page from screen \
                      readers, usually left behind by a modal script.",
        severity: Critical,
        weight: 10.0,
        fix: "Remove aria-hidden from <body>.",
        steps: [
            "Delete `aria-hidden` on <body>.",
            "When a dialog opens, hide the siblings of the dialog (or use `inert`), not the body.",
        ],
        minutes: 10,
        refs: Refs::axe("aria-hidden-body", &["1.3.1", "4.1.2"]),
        check: aria_hidden_body,
    },
    axe_rule! {
        id: "bypass",
        title: "There is a way to skip repeated content",
        description: "Keyboard and screen-reader users need a heading, a landmark or a skip link \
                      to jump past the navigation that repeats on every page. Lighthouse \
                      reports this audit without scoring it; it weighs 0 here too.",
        severity: Minor,
        weight: 0.0,
        fix: "Add landmarks, headings or a skip link.",
        steps: [
            "Wrap the main content in <main> and the navigation in <nav>.",
            "Or add `<a href=\"#content\">Skip to content</a>` as the first link.",
        ],
        minutes: 10,
        refs: Refs::axe("bypass", &["2.4.1"]),
        check: bypass,
    },
    axe_rule! {
        id: "landmark-one-main",
        title: "The page has a main landmark",
        description: "Screen-reader users jump straight to <main>; without it they must read \
                      through headers and navigation to find the content.",
        severity: Minor,
        weight: 3.0,
        fix: "Wrap the primary content in <main>.",
        steps: ["Put the page's unique content in one `<main>` element (or `role=\"main\"`)."],
        minutes: 5,
        refs: Refs::axe("landmark-one-main", &[]),
        check: landmark_one_main,
    },
];

#[cfg(test)]
mod tests {
    use crate::engine::rules::testing::outcome;
    use crate::report::Outcome::{Fail, NotApplicable, Pass};

    #[test]
    fn titles_and_languages() {
        let cases = [
            ("accessibility.document-title", "<title> x </title>", Pass),
            ("accessibility.document-title", "<title> </title>", Fail),
            (
                "accessibility.document-title",
                "<svg><title>x</title></svg>",
                Fail,
            ),
            ("accessibility.html-has-lang", "<html lang=en>", Pass),
            ("accessibility.html-has-lang", "<html lang=''>", Fail),
            ("accessibility.html-has-lang", "<html xml:lang=en>", Fail),
            ("accessibility.html-lang-valid", "<html lang=en-GB>", Pass),
            ("accessibility.html-lang-valid", "<html lang=english>", Fail),
            ("accessibility.html-lang-valid", "<html>", NotApplicable),
            ("accessibility.valid-lang", "<p lang=fr>x</p>", Pass),
            ("accessibility.valid-lang", "<p lang=xx-YY>x</p>", Fail),
            (
                "accessibility.valid-lang",
                "<p lang=xx hidden>x</p>",
                NotApplicable,
            ),
            (
                "accessibility.html-xml-lang-mismatch",
                "<html lang=en xml:lang=en-US>",
                Pass,
            ),
            (
                "accessibility.html-xml-lang-mismatch",
                "<html lang=en xml:lang=fr>",
                Fail,
            ),
        ];
        for (rule, html, expected) in cases {
            assert_eq!(outcome(rule, html), expected, "{rule}: {html}");
        }
    }

    #[test]
    fn viewport_refresh_and_body() {
        let cases = [
            (
                "accessibility.meta-viewport",
                r#"<meta name="viewport" content="width=device-width">"#,
                Pass,
            ),
            (
                "accessibility.meta-viewport",
                r#"<meta name="viewport" content="user-scalable=no">"#,
                Fail,
            ),
            (
                "accessibility.meta-viewport",
                r#"<meta name="viewport" content="maximum-scale=1.5">"#,
                Fail,
            ),
            (
                "accessibility.meta-viewport",
                r#"<meta name="viewport" content="maximum-scale=5">"#,
                Pass,
            ),
            (
                "accessibility.meta-refresh",
                r#"<meta http-equiv="refresh" content="0; url=/x">"#,
                Pass,
            ),
            (
                "accessibility.meta-refresh",
                r#"<meta http-equiv="Refresh" content="30">"#,
                Fail,
            ),
            (
                "accessibility.meta-refresh",
                r#"<meta http-equiv="refresh" content="72001">"#,
                Pass,
            ),
            (
                "accessibility.aria-hidden-body",
                r#"<body aria-hidden="true">"#,
                Fail,
            ),
            (
                "accessibility.aria-hidden-body",
                r#"<body aria-hidden="false">"#,
                Pass,
            ),
            ("accessibility.bypass", "<p>text</p>", Fail),
            ("accessibility.bypass", "<h2>x</h2>", Pass),
            ("accessibility.bypass", "<a href='#c'>skip</a>", Pass),
            (
                "accessibility.landmark-one-main",
                "<div role=main>x</div>",
                Pass,
            ),
            ("accessibility.landmark-one-main", "<div>x</div>", Fail),
        ];
        for (rule, html, expected) in cases {
            assert_eq!(outcome(rule, html), expected, "{rule}: {html}");
        }
    }
}
