//! SEO rules: Lighthouse's SEO audits (all computable from the HTML, the response headers and
//! robots.txt) with Lighthouse's weights and semantics, plus a few checks the best crawlers
//! add (title and description length, one `<h1>`, a mobile viewport).
//!
//! # Layout
//! - this file: title, description, status code, length checks, headings, viewport, the table;
//! - [`indexing`]: `is-crawlable` (robots `<meta>`, `X-Robots-Tag`, robots.txt) and
//!   `robots-txt` (validity of the file);
//! - [`anchors`]: `link-text` and `crawlable-anchors`;
//! - [`alternates`]: `hreflang` and `canonical` (`<link>` in `<head>` and `Link` headers);
//! - [`langs`]: the registered primary language subtags `hreflang` codes are checked against.
//!
//! Static gaps: listeners added with `addEventListener` (only inline `on*` attributes are
//! seen), text hidden by stylesheets, and tags injected by scripts.

mod alternates;
mod anchors;
pub mod extras;
mod indexing;

use scraper::ElementRef;

use super::{Check, FixText, Refs, Rule, element_evidence};
use crate::engine::page::Page;
use crate::engine::page::dom::{Attribute, collapse_whitespace, is_hidden};
use crate::report::{Category, Evidence, Severity};
use crate::sel;

/// Titles shorter than this many characters say too little (SEOnaut's bound).
pub const TITLE_MIN_CHARS: usize = 20;
/// Titles longer than this many characters are cut in search results (SEOnaut's bound).
pub const TITLE_MAX_CHARS: usize = 60;
/// Descriptions shorter than this many characters say too little (SEOnaut's bound).
pub const DESCRIPTION_MIN_CHARS: usize = 80;
/// Descriptions longer than this many characters are cut in search results (SEOnaut's bound).
pub const DESCRIPTION_MAX_CHARS: usize = 160;
/// The first status code of an unsuccessful document response.
pub const FIRST_ERROR_STATUS: u16 = 400;
/// The last status code Lighthouse counts as unsuccessful.
pub const LAST_ERROR_STATUS: u16 = 599;
/// Lighthouse's weight for `is-crawlable`: failing it alone drops the SEO score to about 0.69.
pub const IS_CRAWLABLE_WEIGHT: f64 = 93.0 / 23.0;
/// Weight of the checks Lighthouse does not have.
const EXTRA_WEIGHT: f64 = 0.5;

/// The HTML namespace (an SVG `<title>` or `<link>` is not the HTML element of that name).
const HTML_NAMESPACE: &str = "http://www.w3.org/1999/xhtml";
/// The SVG namespace (`<a>` inside `<svg>` is an SVG link, read with `textContent`).
const SVG_NAMESPACE: &str = "http://www.w3.org/2000/svg";

/// True when the element is in this namespace.
fn in_namespace(el: ElementRef<'_>, namespace: &str) -> bool {
    &*el.value().name.ns == namespace
}

/// The first `<meta>` in `<head>` whose name, lower-cased, is `name` (as Lighthouse reads them).
pub(super) fn head_meta<'a>(page: &'a Page, name: &str) -> Option<ElementRef<'a>> {
    page.select(sel!("head meta[name]")).find(|m| {
        m.attribute("name")
            .is_some_and(|n| n.to_lowercase() == name)
    })
}

/// The document's title element: the first HTML `<title>` in the document, as `document.title`
/// reads it (an SVG `<title>` does not count).
fn title_element(page: &Page) -> Option<ElementRef<'_>> {
    page.select(sel!("title"))
        .find(|t| in_namespace(*t, HTML_NAMESPACE))
}

/// The document title with whitespace collapsed; `None` without a `<title>`.
fn title_text(page: &Page) -> Option<String> {
    title_element(page).map(|t| collapse_whitespace(&t.text().collect::<String>()))
}

/// The `<meta name=description>` element and its trimmed content.
fn description(page: &Page) -> Option<(ElementRef<'_>, String)> {
    head_meta(page, "description").map(|m| {
        let content = m.attribute("content").unwrap_or_default().trim().to_owned();
        (m, content)
    })
}

fn page_evidence(detail: impl Into<String>) -> Evidence {
    Evidence {
        detail: Some(detail.into()),
        ..Evidence::default()
    }
}

fn document_title(page: &Page) -> Check {
    match (title_element(page), title_text(page)) {
        (Some(_), Some(text)) if !text.is_empty() => {
            Check::pass().with_evidence(page_evidence(format!("title: \"{text}\"")))
        }
        (Some(el), _) => Check::fail(element_evidence(el, "the <title> is empty")),
        _ => Check::fail(page_evidence("the document has no <title> element")),
    }
}

fn meta_description(page: &Page) -> Check {
    match description(page) {
        Some((_, content)) if !content.is_empty() => Check::pass(),
        Some((el, _)) => Check::fail(element_evidence(el, "the description text is empty")),
        None => Check::fail(page_evidence(
            "the document has no <meta name=\"description\"> in <head>",
        )),
    }
}

fn http_status_code(page: &Page) -> Check {
    let status = page.status;
    let evidence = Evidence {
        url: Some(page.final_url.to_string()),
        value: Some(f64::from(status)),
        unit: Some("status".into()),
        detail: Some(format!("the document answered HTTP {status}")),
        ..Evidence::default()
    };
    if (FIRST_ERROR_STATUS..=LAST_ERROR_STATUS).contains(&status) {
        Check::fail(evidence)
    } else {
        Check::pass().with_evidence(evidence)
    }
}

/// Passes when `len` is within `[min, max]`, else fails with the measured length.
fn length_check(el: ElementRef<'_>, what: &str, len: usize, min: usize, max: usize) -> Check {
    let (threshold, problem) = if len < min {
        (
            min,
            format!("{what} is {len} characters, shorter than {min}"),
        )
    } else if len > max {
        (
            max,
            format!("{what} is {len} characters, longer than {max}"),
        )
    } else {
        return Check::pass().with_evidence(Evidence {
            value: Some(len as f64),
            unit: Some("chars".into()),
            detail: Some(format!("{what} is {len} characters")),
            ..Evidence::default()
        });
    };
    Check::fail(Evidence {
        value: Some(len as f64),
        unit: Some("chars".into()),
        threshold: Some(threshold as f64),
        ..element_evidence(el, problem)
    })
}

fn title_length(page: &Page) -> Check {
    match (title_element(page), title_text(page)) {
        (Some(el), Some(text)) if !text.is_empty() => length_check(
            el,
            "the title",
            text.chars().count(),
            TITLE_MIN_CHARS,
            TITLE_MAX_CHARS,
        ),
        _ => Check::not_applicable("the page has no title (see seo.document-title)"),
    }
}

fn meta_description_length(page: &Page) -> Check {
    match description(page) {
        Some((el, content)) if !content.is_empty() => length_check(
            el,
            "the description",
            content.chars().count(),
            DESCRIPTION_MIN_CHARS,
            DESCRIPTION_MAX_CHARS,
        ),
        _ => Check::not_applicable("the page has no description (see seo.meta-description)"),
    }
}

fn single_h1(page: &Page) -> Check {
    let h1s: Vec<ElementRef<'_>> = page.select(sel!("h1")).filter(|h| !is_hidden(*h)).collect();
    match h1s.len() {
        0 => Check::fail(page_evidence("the page has no visible <h1>")),
        1 => Check::pass(),
        n => Check::from_failures(
            h1s.into_iter()
                .map(|h| element_evidence(h, format!("one of {n} visible <h1> headings")))
                .collect(),
        ),
    }
}

/// True when a viewport `content` sets `width=device-width`.
fn sets_device_width(content: &str) -> bool {
    content.split([',', ';']).any(|part| {
        part.split_once('=').is_some_and(|(key, value)| {
            key.trim().eq_ignore_ascii_case("width")
                && value.trim().eq_ignore_ascii_case("device-width")
        })
    })
}

fn viewport(page: &Page) -> Check {
    match head_meta(page, "viewport") {
        Some(meta) if sets_device_width(meta.attribute("content").unwrap_or_default()) => {
            Check::pass()
        }
        Some(meta) => Check::fail(element_evidence(
            meta,
            "the viewport does not set width=device-width, so phones render a zoomed-out desktop page",
        )),
        None => Check::fail(page_evidence(
            "no <meta name=\"viewport\">: phones render a zoomed-out desktop page",
        )),
    }
}

/// The SEO rules.
pub static RULES: &[Rule] = &[
    Rule {
        id: "seo.is-crawlable",
        category: Category::Seo,
        title: "Page isn't blocked from indexing",
        description: "Search engines leave a page out of their results when a robots <meta> \
                      (noindex, none, a past unavailable_after), an X-Robots-Tag header or \
                      robots.txt blocks it. Like Lighthouse, this fails only when every major \
                      crawler is blocked; a block for some crawlers is listed for review.",
        severity: Severity::Critical,
        weight: IS_CRAWLABLE_WEIGHT,
        penalty: 0,
        fix: FixText {
            summary: "Remove the directive that keeps the page out of search results.",
            steps: &[
                "Remove noindex/none from <meta name=\"robots\"> (and crawler-specific metas such as googlebot).",
                "Remove noindex/none from the X-Robots-Tag response header in the server or CDN configuration.",
                "Remove the robots.txt Disallow rule that matches the page's URL.",
            ],
            minutes: 10,
        },
        refs: Refs::lighthouse("is-crawlable"),
        check: indexing::is_crawlable,
    },
    Rule {
        id: "seo.http-status-code",
        category: Category::Seo,
        title: "Page has a successful HTTP status code",
        description: "A page answering 4xx or 5xx is not indexed: search engines drop it or \
                      never add it to their results.",
        severity: Severity::Critical,
        weight: 1.0,
        penalty: 0,
        fix: FixText {
            summary: "Make the URL answer 200, or redirect it to the page that replaced it.",
            steps: &[
                "Check the server or application logs for why this URL answers with an error.",
                "Redirect (301) moved pages to their new URL.",
                "Remove links and sitemap entries that point to pages that no longer exist.",
            ],
            minutes: 15,
        },
        refs: Refs::lighthouse("http-status-code"),
        check: http_status_code,
    },
    Rule {
        id: "seo.document-title",
        category: Category::Seo,
        title: "Document has a <title> element",
        description: "The title is the headline of the page in search results and the name \
                      of its browser tab; a missing or empty title hurts ranking and clicks.",
        severity: Severity::Major,
        weight: 1.0,
        penalty: 0,
        fix: FixText {
            summary: "Give the page a unique, descriptive <title>.",
            steps: &[
                "Add <title>…</title> inside <head>.",
                "Describe this page's content first, the site name last (\"Pricing – Acme\").",
            ],
            minutes: 5,
        },
        refs: Refs::axe("document-title", &["2.4.2"]),
        check: document_title,
    },
    Rule {
        id: "seo.meta-description",
        category: Category::Seo,
        title: "Document has a meta description",
        description: "Search engines often show the meta description as the snippet under \
                      the title; without one they pick arbitrary text from the page.",
        severity: Severity::Major,
        weight: 1.0,
        penalty: 0,
        fix: FixText {
            summary: "Add a <meta name=\"description\"> that summarises the page.",
            steps: &[
                "Add <meta name=\"description\" content=\"…\"> inside <head>.",
                "Write one or two sentences specific to this page, not the same text on every page.",
            ],
            minutes: 5,
        },
        refs: Refs::lighthouse("meta-description"),
        check: meta_description,
    },
    Rule {
        id: "seo.link-text",
        category: Category::Seo,
        title: "Links have descriptive text",
        description: "Link text tells search engines and readers what the target is about. \
                      Generic text (\"click here\", \"more\", in the language of the text) or a \
                      bare URL says nothing.",
        severity: Severity::Minor,
        weight: 1.0,
        penalty: 0,
        fix: FixText {
            summary: "Replace generic link text with words that describe the target.",
            steps: &[
                "Rewrite \"click here\" / \"read more\" links so their text names the target (\"Read the 2024 pricing guide\").",
                "If the design needs a short visible label, make the surrounding link text specific instead.",
            ],
            minutes: 3,
        },
        refs: Refs::lighthouse("link-text"),
        check: anchors::link_text,
    },
    Rule {
        id: "seo.crawlable-anchors",
        category: Category::Seo,
        title: "Links are crawlable",
        description: "Crawlers follow the href of <a> elements. A javascript:void(0) or \
                      file: href, an invalid URL, or an <a> that only works through a script \
                      handler hides the target from them. Handlers added with addEventListener \
                      cannot be seen without a browser.",
        severity: Severity::Major,
        weight: 1.0,
        penalty: 0,
        fix: FixText {
            summary: "Give every link a real href to the page it leads to.",
            steps: &[
                "Put the target URL in href (<a href=\"/pricing\">), and keep any script behaviour as an enhancement.",
                "Use <button> for actions that do not navigate.",
                "Replace file: URLs with http(s) URLs on the site.",
            ],
            minutes: 5,
        },
        refs: Refs::lighthouse("crawlable-anchors"),
        check: anchors::crawlable_anchors,
    },
    Rule {
        id: "seo.hreflang",
        category: Category::Seo,
        title: "Document has a valid hreflang",
        description: "hreflang alternates tell search engines which version of a page to show \
                      for a language or region. Each needs a valid language code (or \
                      x-default) and an absolute URL; links in <body> are ignored.",
        severity: Severity::Minor,
        weight: 1.0,
        penalty: 0,
        fix: FixText {
            summary: "Fix the language code or the URL of each invalid hreflang alternate.",
            steps: &[
                "Use an ISO 639-1 language code, optionally with a region (en, en-GB, pt-BR), or x-default.",
                "Write the href as an absolute URL (https://example.com/de/).",
                "Put <link rel=\"alternate\" hreflang> elements in <head>, not <body>.",
            ],
            minutes: 10,
        },
        refs: Refs::lighthouse("hreflang"),
        check: alternates::hreflang,
    },
    Rule {
        id: "seo.canonical",
        category: Category::Seo,
        title: "Document has a valid rel=canonical",
        description: "A canonical link tells search engines which URL to show for duplicate \
                      content. It must be one absolute URL, not the homepage of a deeper page, \
                      and not the page of another language.",
        severity: Severity::Major,
        weight: 1.0,
        penalty: 0,
        fix: FixText {
            summary: "Declare one absolute canonical URL that points to this page's preferred address.",
            steps: &[
                "Keep a single <link rel=\"canonical\" href=\"https://…\"> in <head> (and the same URL in any Link header).",
                "Point it at the equivalent page, not the homepage.",
                "For translated pages, make each language canonical to itself and link the others with hreflang.",
            ],
            minutes: 10,
        },
        refs: Refs::lighthouse("canonical"),
        check: alternates::canonical,
    },
    Rule {
        id: "seo.robots-txt",
        category: Category::Seo,
        title: "robots.txt is valid",
        description: "Crawlers stop crawling a site whose robots.txt answers with a server \
                      error, and may misread lines they do not understand (unknown directives, \
                      rules before any User-agent, bad patterns or sitemap URLs).",
        severity: Severity::Major,
        weight: 1.0,
        penalty: 0,
        fix: FixText {
            summary: "Make robots.txt answer 200 (or 404) and fix every line reported.",
            steps: &[
                "Start each group with a User-agent line before its Allow/Disallow rules.",
                "Begin every Allow/Disallow pattern with / or *, with $ only at the end.",
                "Write Sitemap lines with absolute http(s) URLs; remove unknown directives.",
            ],
            minutes: 10,
        },
        refs: Refs::lighthouse("robots-txt"),
        check: indexing::robots_txt,
    },
    Rule {
        id: "seo.viewport",
        category: Category::Seo,
        title: "Page has a mobile viewport",
        description: "Without <meta name=\"viewport\" content=\"width=device-width\"> phones \
                      render a zoomed-out desktop page; search engines rank mobile-friendly \
                      pages higher on mobile.",
        severity: Severity::Major,
        weight: 1.0,
        penalty: 0,
        fix: FixText {
            summary: "Add a viewport meta tag with width=device-width.",
            steps: &[
                "Add <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"> inside <head>.",
                "Check the layout on a phone-sized screen afterwards.",
            ],
            minutes: 5,
        },
        refs: Refs::lighthouse("viewport-insight"),
        check: viewport,
    },
    Rule {
        id: "seo.title-length",
        category: Category::Seo,
        title: "Title has a useful length",
        description: "Titles of 20 to 60 characters describe the page and fit in search \
                      results; shorter ones say little, longer ones are cut off.",
        severity: Severity::Minor,
        weight: EXTRA_WEIGHT,
        penalty: 0,
        fix: FixText {
            summary: "Rewrite the title to 20–60 characters.",
            steps: &[
                "Lead with the words that describe this page; drop filler and repeated site names.",
                "Move details that do not fit into the meta description.",
            ],
            minutes: 5,
        },
        refs: Refs::NONE,
        check: title_length,
    },
    Rule {
        id: "seo.meta-description-length",
        category: Category::Seo,
        title: "Meta description has a useful length",
        description: "Descriptions of 80 to 160 characters fill the search snippet without \
                      being cut off.",
        severity: Severity::Minor,
        weight: EXTRA_WEIGHT,
        penalty: 0,
        fix: FixText {
            summary: "Rewrite the meta description to 80–160 characters.",
            steps: &[
                "Summarise what the page offers in one or two sentences.",
                "Put the most important words first, in case it is cut.",
            ],
            minutes: 5,
        },
        refs: Refs::NONE,
        check: meta_description_length,
    },
    Rule {
        id: "seo.single-h1",
        category: Category::Seo,
        title: "Page has exactly one <h1>",
        description: "One visible <h1> states the topic of the page for readers and search \
                      engines; none leaves it unstated, several blur it.",
        severity: Severity::Minor,
        weight: EXTRA_WEIGHT,
        penalty: 0,
        fix: FixText {
            summary: "Use exactly one visible <h1> for the page's main heading.",
            steps: &[
                "Mark the main heading of the page as <h1>.",
                "Turn other <h1> elements into <h2>–<h6> according to the outline.",
            ],
            minutes: 5,
        },
        refs: Refs::NONE,
        check: single_h1,
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rules::testing::{check, failing, outcome, page};
    use crate::report::Outcome;

    #[test]
    fn document_title_table() {
        assert_eq!(
            outcome("seo.document-title", "<title>Pricing – Acme</title>"),
            Outcome::Pass
        );
        assert_eq!(
            failing("seo.document-title", &page("<title> \n </title>")),
            ["head > title"]
        );
        assert_eq!(
            failing("seo.document-title", &page("<p>x</p>")),
            ["the document has no <title> element"]
        );
        // An SVG <title> is not the document title.
        assert_eq!(
            outcome(
                "seo.document-title",
                "<body><svg><title>Logo</title></svg></body>"
            ),
            Outcome::Fail
        );
    }

    #[test]
    fn meta_description_table() {
        assert_eq!(
            outcome(
                "seo.meta-description",
                r#"<meta name="Description" content="A page.">"#
            ),
            Outcome::Pass
        );
        assert_eq!(
            failing(
                "seo.meta-description",
                &page(r#"<meta name="description" content="  ">"#)
            ),
            ["head > meta"]
        );
        assert_eq!(
            outcome("seo.meta-description", "<title>t</title>"),
            Outcome::Fail
        );
        assert_eq!(
            outcome(
                "seo.meta-description",
                r#"<meta name="og:description" content="x">"#
            ),
            Outcome::Fail
        );
    }

    #[test]
    fn http_status_code_table() {
        let mut p = page("<p>x</p>");
        assert_eq!(check("seo.http-status-code", &p).outcome, Outcome::Pass);
        for (status, expected) in [
            (399, Outcome::Pass),
            (404, Outcome::Fail),
            (503, Outcome::Fail),
            (600, Outcome::Pass),
        ] {
            p.status = status;
            assert_eq!(
                check("seo.http-status-code", &p).outcome,
                expected,
                "{status}"
            );
        }
    }

    #[test]
    fn length_tables() {
        let title = |t: &str| outcome("seo.title-length", &format!("<title>{t}</title>"));
        assert_eq!(title("Short"), Outcome::Fail);
        assert_eq!(title("Pricing plans for teams – Acme"), Outcome::Pass);
        assert_eq!(title(&"x".repeat(61)), Outcome::Fail);
        assert_eq!(title(&"é".repeat(60)), Outcome::Pass);
        assert_eq!(
            outcome("seo.title-length", "<p>x</p>"),
            Outcome::NotApplicable
        );
        let c = check("seo.title-length", &page("<title>Short</title>"));
        assert_eq!(c.failures[0].value, Some(5.0));
        assert_eq!(c.failures[0].threshold, Some(TITLE_MIN_CHARS as f64));

        let desc = |d: &str| {
            outcome(
                "seo.meta-description-length",
                &format!(r#"<meta name="description" content="{d}">"#),
            )
        };
        assert_eq!(desc("Too short."), Outcome::Fail);
        assert_eq!(desc(&"word ".repeat(20)), Outcome::Pass);
        assert_eq!(desc(&"x".repeat(161)), Outcome::Fail);
        assert_eq!(
            outcome("seo.meta-description-length", "<p>x</p>"),
            Outcome::NotApplicable
        );
    }

    #[test]
    fn single_h1_table() {
        assert_eq!(
            outcome("seo.single-h1", "<h1>Topic</h1><h2>Part</h2>"),
            Outcome::Pass
        );
        assert_eq!(
            outcome("seo.single-h1", "<h1>Topic</h1><h1 hidden>Old</h1>"),
            Outcome::Pass
        );
        assert_eq!(
            failing("seo.single-h1", &page("<h2>x</h2>")),
            ["the page has no visible <h1>"]
        );
        assert_eq!(
            failing(
                "seo.single-h1",
                &page("<h1>a</h1><div><h1 id=\"b\">b</h1></div>")
            ),
            ["body > h1", "h1#b"]
        );
    }

    #[test]
    fn viewport_table() {
        let vp = |c: &str| {
            outcome(
                "seo.viewport",
                &format!(r#"<meta name="viewport" content="{c}">"#),
            )
        };
        assert_eq!(vp("width=device-width, initial-scale=1"), Outcome::Pass);
        assert_eq!(vp("initial-scale=1; WIDTH = Device-Width"), Outcome::Pass);
        assert_eq!(vp("width=1024"), Outcome::Fail);
        assert_eq!(
            failing(
                "seo.viewport",
                &page(r#"<meta name="viewport" content="">"#)
            ),
            ["head > meta"]
        );
        assert_eq!(outcome("seo.viewport", "<p>x</p>"), Outcome::Fail);
    }

    #[test]
    fn weights_follow_lighthouse() {
        let weight = |id: &str| crate::engine::rules::find(id).unwrap().weight;
        assert!((weight("seo.is-crawlable") - 4.043).abs() < 0.001);
        for id in [
            "seo.document-title",
            "seo.meta-description",
            "seo.link-text",
            "seo.canonical",
        ] {
            assert_eq!(weight(id), 1.0, "{id}");
        }
        assert_eq!(RULES.len(), 13);
    }
}
