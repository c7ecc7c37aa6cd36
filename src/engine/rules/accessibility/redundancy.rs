//! Names that repeat or contradict what is on screen: image alt text that repeats the
//! surrounding text, frames that share a title, links that share a name but go to different
//! places, and controls whose ARIA name leaves out their visible label.

use std::collections::{BTreeMap, HashMap};

use scraper::{ElementRef, Node};
use url::Url;

use super::names::{NAMED_FROM_CONTENT, Names, aria_label};
use super::roles::{
    explicit_role, implicit_role, is_effectively_presentational, is_presentational, role_of,
    role_spec,
};
use super::verdict::{Verdict, judge, judge_all, require};
use crate::engine::page::Page;
use crate::engine::page::dom::{
    Attribute, collapse_whitespace, is_hidden, is_hidden_from_at, self_hidden,
};
use crate::engine::rules::{Check, Refs, Rule};
use crate::report::wording::{counted, plural};
use crate::sel;

/// True for a widget role that takes its name from content (label-content-name-mismatch).
fn widget_named_from_content(role: &str) -> bool {
    NAMED_FROM_CONTENT.contains(&role) && role_spec(role).is_some_and(|s| s.widget)
}

/// Single letters that are usually icons (close, info), not words.
const ICON_LETTERS: &[&str] = &["x", "i"];

/// Ports that a link's address leaves out.
const DEFAULT_PORTS: &[u16] = &[80, 443];

/// The text of the element's text nodes, concatenated as axe's `visibleVirtual` does: text
/// under elements hidden by attribute or inline style is left out, and with
/// `skip_aria_hidden` also text under `aria-hidden="true"`. Whitespace collapsed.
fn rendered_text(el: ElementRef<'_>, skip_aria_hidden: bool) -> String {
    fn push(el: ElementRef<'_>, skip_aria_hidden: bool, out: &mut String) {
        let aria_hidden = || {
            el.attribute("aria-hidden")
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
        };
        if self_hidden(el) || (skip_aria_hidden && aria_hidden()) {
            return;
        }
        for child in el.children() {
            match child.value() {
                Node::Text(t) => out.push_str(t),
                Node::Element(_) => {
                    if let Some(c) = ElementRef::wrap(child) {
                        push(c, skip_aria_hidden, out);
                    }
                }
                _ => {}
            }
        }
    }
    let mut out = String::new();
    push(el, skip_aria_hidden, &mut out);
    collapse_whitespace(&out)
}

/// True for characters axe-core strips from names before comparing them: punctuation,
/// symbols and emoji, and characters outside the Basic Multilingual Plane.
fn is_symbol(c: char) -> bool {
    let code = u32::from(c);
    c.is_ascii_punctuation()
        || matches!(c, '£' | '¢' | '¥' | '§' | '€' | '±' | '©' | '®')
        || (0x2000..=0x206F).contains(&code)
        || (0x2190..=0x21FF).contains(&code)
        || (0x2300..=0x23FF).contains(&code)
        || (0x2460..=0x24FF).contains(&code)
        || (0x25A0..=0x27BF).contains(&code)
        || (0x2900..=0x297F).contains(&code)
        || (0x2B00..=0x2BFF).contains(&code)
        || (0x2E00..=0x2E7F).contains(&code)
        || code > 0xFFFF
}

/// Invisible formatting characters (soft hyphen, zero-width space and joiners, BOM).
fn is_format_char(c: char) -> bool {
    matches!(c, '\u{AD}' | '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}')
}

/// Lower-cased words of a text, symbols acting as word breaks.
fn words(text: &str) -> Vec<String> {
    let spaced: String = text
        .chars()
        .filter(|c| !is_format_char(*c))
        .map(|c| if is_symbol(c) { ' ' } else { c })
        .collect();
    spaced
        .to_lowercase()
        .split_whitespace()
        .map(str::to_owned)
        .collect()
}

/// axe's `isHumanInterpretable`: false for empty text, a lone icon letter, or only symbols.
fn is_human_interpretable(text: &str) -> bool {
    !text.is_empty()
        && !ICON_LETTERS.contains(&text)
        && text.chars().any(|c| !is_symbol(c) && !c.is_whitespace())
}

pub fn image_redundant_alt(page: &Page) -> Check {
    let names = Names::new(page);
    judge(page.select(sel!("img")), "the page has no images", |img| {
        if is_effectively_presentational(img) {
            return Verdict::Pass;
        }
        let Some(context) = img.ancestors().filter_map(ElementRef::wrap).find(|a| {
            matches!(a.value().name(), "button" | "p" | "li" | "td" | "th")
                || (a.value().name() == "a" && a.attribute("href").is_some())
                || a.attribute("role") == Some("button")
        }) else {
            return Verdict::Pass;
        };
        let text = rendered_text(context, true).to_lowercase();
        if text.is_empty() || is_hidden_from_at(img) {
            return Verdict::Pass;
        }
        require(names.name(img).to_lowercase() != text, || {
            "the alt text repeats the text next to the image, so screen readers say it twice; \
             use alt=\"\" when the text already says it"
                .into()
        })
    })
}

/// A frame title as axe compares them: whitespace collapsed, lower-cased.
fn frame_title(frame: ElementRef<'_>) -> Option<String> {
    let title = collapse_whitespace(frame.attribute("title")?).to_lowercase();
    (!title.is_empty()).then_some(title)
}

pub fn frame_title_unique(page: &Page) -> Check {
    let frames: Vec<ElementRef<'_>> = page
        .select(sel!("frame[title], iframe[title]"))
        .filter(|f| !is_hidden(*f) && frame_title(*f).is_some())
        .collect();
    let mut counts: HashMap<String, usize> = HashMap::new();
    for frame in &frames {
        if let Some(title) = frame_title(*frame) {
            *counts.entry(title).or_default() += 1;
        }
    }
    judge_all(
        frames.into_iter(),
        "the page has no frames with a title",
        |frame| {
            let title = frame_title(frame).unwrap_or_default();
            if counts.get(&title).copied().unwrap_or(0) > 1 {
                Verdict::Review(format!(
                    "another frame has the same title (\"{title}\"); check that the titles tell \
                     the frames apart"
                ))
            } else {
                Verdict::Pass
            }
        },
    )
}

/// The parts of a link's address that decide where it goes, as axe-core compares them:
/// `https` counts as `http`, default ports and `index.*` file names are left out, query
/// parameters compare as a set, and a fragment counts only as a route (`#/…`, `#!…`).
#[derive(PartialEq, Eq)]
struct Destination {
    scheme: String,
    host: String,
    port: Option<u16>,
    directory: String,
    file: String,
    query: BTreeMap<String, String>,
    route: String,
}

impl Destination {
    fn of(url: &Url) -> Destination {
        let scheme = match url.scheme() {
            "https" => "http",
            "ftps" => "ftp",
            other => other,
        };
        let path = url.path();
        let last = path.rsplit('/').next().unwrap_or_default();
        let (mut directory, file) = if last.contains('.') {
            let directory = path.strip_suffix(last).unwrap_or(path).to_owned();
            let index = last
                .find("index")
                .is_some_and(|i| last.len() > i + "index".len());
            (
                directory,
                if index {
                    String::new()
                } else {
                    last.to_owned()
                },
            )
        } else {
            (path.to_owned(), String::new())
        };
        if !directory.ends_with('/') {
            directory.push('/');
        }
        let route = url
            .fragment()
            .filter(|f| f.starts_with('!') || f.starts_with('/'))
            .map(|f| format!("#{f}"))
            .unwrap_or_default();
        Destination {
            scheme: scheme.to_owned(),
            host: url.host_str().unwrap_or_default().to_owned(),
            port: url.port().filter(|p| !DEFAULT_PORTS.contains(p)),
            directory,
            file,
            query: url.query_pairs().into_owned().collect(),
            route,
        }
    }
}

/// The role axe gives a link candidate: its explicit role (a presentational role is ignored
/// where browsers ignore it), else its implicit one.
fn link_role(el: ElementRef<'_>) -> Option<String> {
    match explicit_role(el) {
        Some(role) if !is_presentational(&role) || is_effectively_presentational(el) => Some(role),
        _ => implicit_role(el).map(str::to_owned),
    }
}

/// A link's name as axe compares it: symbols removed, whitespace collapsed, lower-cased.
///
/// One pass into one buffer: ASCII letters are lower-cased as they are copied; only a name
/// with other characters is lower-cased again as a whole, as `str::to_lowercase` (whose
/// final-sigma rule needs the whole text) would do it.
fn comparable_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut pending_space = false;
    let mut ascii = true;
    for c in name.chars() {
        if c.is_ascii() {
            if c.is_ascii_punctuation() {
                continue;
            }
        } else if is_symbol(c) || is_format_char(c) {
            continue;
        }
        if c.is_whitespace() {
            pending_space = true;
            continue;
        }
        if pending_space && !out.is_empty() {
            out.push(' ');
        }
        pending_space = false;
        ascii &= c.is_ascii();
        out.push(c.to_ascii_lowercase());
    }
    if ascii { out } else { out.to_lowercase() }
}

/// True for a link axe compares: `a[href]`, `area[href]` or `role="link"`, exposed to
/// assistive technology.
fn is_link(el: ElementRef<'_>) -> bool {
    let v = el.value();
    let native = matches!(v.name(), "a" | "area") && v.attribute("href").is_some();
    // Cheap test first: most elements with a role are not links.
    let may_be_link = native
        || v.attribute("role")
            .is_some_and(|r| r.to_ascii_lowercase().contains("link"));
    may_be_link && link_role(el).as_deref() == Some("link") && !is_hidden_from_at(el)
}

/// Where a link goes, when it has an address.
fn destination(page: &Page, el: ElementRef<'_>) -> Option<Destination> {
    el.attribute("href")
        .and_then(|href| page.resolve(href))
        .map(|url| Destination::of(&url))
}

pub fn identical_links_same_purpose(page: &Page) -> Check {
    let names = Names::new(page);
    let links: Vec<(ElementRef<'_>, String)> = page
        .select(sel!("a[href], area[href], [role]"))
        .filter(|el| is_link(*el))
        .filter_map(|el| {
            let name = comparable_name(&names.link_name(el));
            (!name.is_empty()).then_some((el, name))
        })
        .collect();
    // axe reports each name once, on its first link: for review when another link of that
    // name goes elsewhere (or has no address to compare).
    let mut groups: HashMap<&str, Vec<ElementRef<'_>>> = HashMap::new();
    for (el, name) in &links {
        groups.entry(name.as_str()).or_default().push(*el);
    }
    let mut verdicts = HashMap::new();
    for (name, members) in &groups {
        let (first, others) = (members[0], &members[1..]);
        // Addresses are parsed only for names that more than one link shares.
        // Identical `href` text needs no parsing at all.
        let same = others.is_empty() || {
            let href = first.attribute("href");
            let target = destination(page, first);
            target.is_some()
                && others.iter().all(|o| {
                    (href.is_some() && o.attribute("href") == href)
                        || destination(page, *o) == target
                })
        };
        let verdict = if same {
            Verdict::Pass
        } else {
            Verdict::Review(format!(
                "{} also named \"{name}\" but {} elsewhere; check that links with the same name \
                 serve the same purpose",
                counted(others.len(), "other link is", "other links are"),
                plural(others.len(), "goes", "go"),
            ))
        };
        verdicts.insert(first.id(), verdict);
    }
    judge_all(
        links.iter().map(|(el, _)| *el),
        "the page has no named links",
        |el| verdicts.remove(&el.id()).unwrap_or(Verdict::Skip),
    )
}

/// True when the label's words appear, in order and together, among the name's words.
fn label_in_name(label: &str, name: &str) -> bool {
    let label = words(label);
    let name = words(name);
    !label.is_empty()
        && !name.is_empty()
        && name.windows(label.len()).any(|w| w == label.as_slice())
}

pub fn label_content_name_mismatch(page: &Page) -> Check {
    let names = Names::new(page);
    judge(
        page.select(sel!("[aria-label], [aria-labelledby]")),
        "no control has both an ARIA label and visible text",
        |el| {
            let widget = role_of(el).is_some_and(|r| widget_named_from_content(&r));
            if !widget || (aria_label(el).is_none() && names.labelledby(el).is_none()) {
                return Verdict::Skip;
            }
            let visible = rendered_text(el, false).to_lowercase();
            if visible.is_empty() {
                return Verdict::Skip;
            }
            let name = names.name(el).to_lowercase();
            if !is_human_interpretable(&name) || !is_human_interpretable(&visible) {
                return Verdict::Review(format!(
                    "the visible label \"{visible}\" or the name \"{name}\" is only symbols or \
                     an icon letter; check that the name matches what is shown"
                ));
            }
            require(label_in_name(&visible, &name), || {
                format!(
                    "the accessible name \"{name}\" does not contain the visible label \
                     \"{visible}\", so voice users cannot say what they see"
                )
            })
        },
    )
}

/// The rules of this file.
pub static RULES: &[Rule] = &[
    axe_rule! {
        id: "image-redundant-alt",
        title: "Image alt text does not repeat the text beside it",
        description: "When an image's alt text is the same as the text of its link, button or \
                      paragraph, screen readers read it twice.",
        severity: Minor,
        weight: 0.0,
        fix: "Drop alt text that repeats nearby text.",
        steps: [
            "Use alt=\"\" on an icon whose link or button already has the same text.",
            "Otherwise describe what the image adds rather than repeating the caption.",
        ],
        minutes: 2,
        refs: Refs::axe("image-redundant-alt", &[]),
        check: image_redundant_alt,
    },
    axe_rule! {
        id: "frame-title-unique",
        title: "Frames have distinct titles",
        description: "Screen-reader users pick frames by title; two frames with the same title \
                      cannot be told apart. Frames may show the same content, so duplicates \
                      are listed for review.",
        severity: Major,
        weight: 7.0,
        fix: "Give each frame a title that says what it holds.",
        steps: [
            "Write a distinct `title` for every <iframe>, e.g. \"Map of the office\".",
        ],
        minutes: 2,
        refs: Refs::axe_only("frame-title-unique", &["4.1.2"]),
        check: frame_title_unique,
    },
    axe_rule! {
        id: "identical-links-same-purpose",
        title: "Links with the same name go to the same place",
        description: "People scanning a list of links expect two links named alike to lead to \
                      the same page. Whether two destinations serve the same purpose needs a \
                      person, so such links are listed for review, as Lighthouse does.",
        severity: Minor,
        weight: 0.0,
        fix: "Name links after where they lead.",
        steps: [
            "Make the names of links to different pages different (\"Read the pricing \
             guide\", not \"Read more\").",
        ],
        minutes: 3,
        refs: Refs::axe("identical-links-same-purpose", &["2.4.9"]),
        check: identical_links_same_purpose,
    },
    axe_rule! {
        id: "label-content-name-mismatch",
        title: "Controls' accessible names contain their visible text",
        description: "Voice-control users activate a control by saying what they see; an \
                      aria-label that leaves out the visible text makes that fail.",
        severity: Major,
        weight: 0.0,
        fix: "Start the aria-label with the visible text.",
        steps: [
            "Include the visible words, in the same order, in `aria-label`.",
            "Or drop `aria-label` and let the visible text name the control.",
        ],
        minutes: 3,
        refs: Refs::axe("label-content-name-mismatch", &["2.5.3"]),
        check: label_content_name_mismatch,
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rules::testing::{check, failing, outcome, page};
    use crate::report::Outcome::{NotApplicable, Pass};

    /// [`comparable_name`] as it was first written: filter, collapse, lower-case.
    fn comparable_name_reference(name: &str) -> String {
        let kept: String = name
            .chars()
            .filter(|c| !is_symbol(*c) && !is_format_char(*c))
            .collect();
        collapse_whitespace(&kept).to_lowercase()
    }

    #[test]
    fn comparable_names_match_the_reference() {
        let cases = [
            "",
            " ",
            "Read more",
            "  Read   MORE!  ",
            "\tRead\n\r\x0Bmore\x0C",
            "A.B,C;D:E?F",
            "--- ... ---",
            "x\u{200B}y \u{200B} z",
            "soft\u{AD}hyphen\u{FEFF}",
            "em\u{2003}space\u{3000}ideo\u{A0}nbsp\u{85}nel\u{1680}ogham",
            "line\u{2028}sep\u{2029}para",
            "€100 £5 ¥9 §1 ±2 ©3 ®4 ¢",
            "arrows → ← ⇒ ①",
            "emoji 😀 text 𝔘",
            "ΟΔΟΣ ΟΔΟΣ. ΣΑΣ Σ",
            "İstanbul ǅ ß ẞ",
            "Ünïcödé ÀÉÎÕÜ",
            "ＦＵＬＬ ｗｉｄｔｈ",
            "   \u{200B}   ",
            "a\u{2060}\u{2064}b",
        ];
        for case in cases {
            assert_eq!(
                comparable_name(case),
                comparable_name_reference(case),
                "{case:?}"
            );
        }
        // Every pair of some awkward characters, in every position.
        let alphabet = [
            'A', 'z', ' ', '\t', '.', 'Σ', 'İ', '\u{200B}', '\u{2003}', '\u{A0}', '€', '😀', 'é',
            '\u{AD}',
        ];
        for a in alphabet {
            for b in alphabet {
                for c in alphabet {
                    let text: String = [a, b, c, 'x', a, b].iter().collect();
                    assert_eq!(
                        comparable_name(&text),
                        comparable_name_reference(&text),
                        "{text:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn widgets_named_from_content() {
        let roles: Vec<&str> = NAMED_FROM_CONTENT
            .iter()
            .copied()
            .filter(|r| widget_named_from_content(r))
            .collect();
        assert_eq!(
            roles,
            [
                "button",
                "checkbox",
                "gridcell",
                "link",
                "menuitem",
                "menuitemcheckbox",
                "menuitemradio",
                "option",
                "radio",
                "switch",
                "tab",
                "treeitem"
            ]
        );
    }

    fn reviewed(rule: &str, html: &str) -> Vec<String> {
        check(rule, &page(html))
            .reviews
            .iter()
            .filter_map(|e| e.selector.clone())
            .collect()
    }

    #[test]
    fn alt_text_repeating_the_context() {
        let html = r#"
            <a href="/cart"><img id="a" src="c.png" alt="Cart">Cart</a>
            <a href="/cart"><img id="b" src="c.png" alt="Basket icon">Cart</a>
            <p><img id="c" src="c.png" alt="Our TEAM"> our team </p>
            <p><img id="d" src="c.png" alt="Team" role="presentation">Team</p>
            <p><img id="e" src="c.png" alt="Team" aria-hidden="true">Team</p>
            <div><img id="f" src="c.png" alt="Team">Team</div>
            <button><img id="g" src="c.png" alt="Go"><span aria-hidden="true">Go</span></button>"#;
        assert_eq!(
            failing("accessibility.image-redundant-alt", &page(html)),
            ["img#a", "img#c"]
        );
    }

    #[test]
    fn frame_titles_must_differ() {
        let html = r#"
            <iframe id="a" src="/m" title="Map"></iframe>
            <iframe id="b" src="/n" title=" map "></iframe>
            <iframe id="c" src="/v" title="Video"></iframe>
            <iframe id="d" src="/x" title="  "></iframe>"#;
        assert_eq!(
            reviewed("accessibility.frame-title-unique", html),
            ["iframe#a", "iframe#b"]
        );
        assert_eq!(
            outcome(
                "accessibility.frame-title-unique",
                "<iframe src=/a></iframe>"
            ),
            NotApplicable
        );
    }

    #[test]
    fn same_name_links_and_destinations() {
        let html = r#"
            <a id="a" href="/pricing">More</a>
            <a id="b" href="/team">more!</a>
            <a id="c" href="https://site.example/docs/">Docs</a>
            <a id="d" href="http://site.example/docs/index.html#intro">Docs</a>
            <a id="e" href="/x?b=2&a=1">Search</a>
            <a id="f" href="/x?a=1&b=2">Search</a>
            <a id="g" href="/app#/one">App</a>
            <a id="h" href="/app#/two">App</a>
            <span id="i" role="link">Help</span>
            <span id="j" role="link">Help</span>
            <a id="k" href="/z" role="button">More</a>
            <a id="l" href="/z">→</a>"#;
        let result = check("accessibility.identical-links-same-purpose", &page(html));
        assert_eq!(result.outcome, Pass);
        let mut reviewed: Vec<_> = result
            .reviews
            .iter()
            .filter_map(|e| e.selector.clone())
            .collect();
        reviewed.sort();
        assert_eq!(reviewed, ["a#a", "a#g", "span#i"]);
    }

    #[test]
    fn visible_label_inside_the_name() {
        let html = r#"
            <button id="a" aria-label="Search the site">Search</button>
            <button id="b" aria-label="Find">Search</button>
            <a id="c" href="/" aria-label="Next page, results">next page</a>
            <button id="d" aria-label="Close">x</button>
            <div id="e" aria-label="Other">Text</div>
            <button id="f" aria-label="Send">  </button>
            <button id="g" aria-label="Read more about pricing">Read more…</button>"#;
        assert_eq!(
            failing("accessibility.label-content-name-mismatch", &page(html)),
            ["button#b"]
        );
        assert_eq!(
            reviewed("accessibility.label-content-name-mismatch", html),
            ["button#d"]
        );
        assert!(label_in_name("read more", "read more about pricing"));
        assert!(!label_in_name("search", "researching"));
    }
}
