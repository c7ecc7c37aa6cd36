//! DOM helpers shared by rules: cached selectors, CSS paths and snippets for evidence,
//! hidden-ness from attributes and inline styles, text the way a reader sees it, language
//! inheritance, and URL resolution against `<base href>`.

use std::fmt::Write as _;

use scraper::node::Element;
use scraper::{ElementRef, Html, Node};
use url::Url;

use super::text_hash::LowerCaseHash;

/// A selector parsed once and cached in a static: an
/// [`IndexedSelector`](crate::engine::page::index::IndexedSelector), which works wherever a
/// `scraper::Selector` does and lets [`Page::select`](crate::engine::page::Page::select) use
/// the page's element index.
///
/// ```ignore
/// for img in page.select(sel!("img[src]")) { … }
/// ```
#[macro_export]
macro_rules! sel {
    ($css:expr) => {{
        static SELECTOR: std::sync::LazyLock<$crate::engine::page::index::IndexedSelector> =
            std::sync::LazyLock::new(|| $crate::engine::page::index::IndexedSelector::new($css));
        &*SELECTOR
    }};
}

/// The base URL for relative references: the first `<base href>` (`first_base`) resolved
/// against the document URL, else the document URL.
pub fn base_url(first_base: Option<ElementRef<'_>>, document_url: &Url) -> Url {
    first_base
        .and_then(|b| b.attribute("href"))
        .and_then(|href| document_url.join(href.trim()).ok())
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .unwrap_or_else(|| document_url.clone())
}

/// Resolves a reference (trimmed of HTML whitespace) against `base`.
pub fn resolve(base: &Url, reference: &str) -> Option<Url> {
    let reference = reference.trim_matches(|c: char| c.is_ascii_whitespace());
    base.join(reference).ok()
}

/// A CSS path to the element, e.g. `body > main > img:nth-of-type(2)` or `div#menu > a`.
/// It climbs until an element with an id (which anchors the path) or `<html>`.
pub fn css_path(el: ElementRef<'_>) -> String {
    // The elements from `el` up to (not including) the anchor, then written top down.
    let mut chain = Vec::new();
    let mut anchor = None;
    let mut current = Some(el);
    while let Some(e) = current {
        let name = e.value().name();
        if name == "html" {
            if chain.is_empty() {
                return "html".to_owned();
            }
            break;
        }
        if let Some(id) = e.value().id().filter(|id| is_simple_ident(id)) {
            anchor = Some((name, id));
            break;
        }
        chain.push(e);
        current = e.parent().and_then(ElementRef::wrap);
    }
    let mut path = String::with_capacity(16 * (chain.len() + 1));
    if let Some((name, id)) = anchor {
        let _ = write!(path, "{name}#{id}");
    }
    for e in chain.iter().rev() {
        if !path.is_empty() {
            path.push_str(" > ");
        }
        let name = e.value().name();
        path.push_str(name);
        if name != "body"
            && name != "head"
            && let Some(index) = nth_of_type(*e)
        {
            let _ = write!(path, ":nth-of-type({index})");
        }
    }
    path
}

/// The element's position (from 1) among its parent's child elements of the same name, when
/// it has such siblings.
fn nth_of_type(el: ElementRef<'_>) -> Option<usize> {
    el.parent().and_then(ElementRef::wrap)?;
    let name = el.value().name();
    let same =
        |n: &ego_tree::NodeRef<'_, Node>| n.value().as_element().is_some_and(|e| e.name() == name);
    let before = el.prev_siblings().filter(same).count();
    (before > 0 || el.next_siblings().any(|n| same(&n))).then_some(before + 1)
}

fn is_simple_ident(id: &str) -> bool {
    let mut chars = id.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '-')
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// Most characters of a snippet.
pub const SNIPPET_MAX: usize = 200;

/// The element's opening tag as written in the source (re-serialised), shortened to
/// [`SNIPPET_MAX`] characters.
pub fn snippet(el: ElementRef<'_>) -> String {
    let v = el.value();
    let mut s = format!("<{}", v.name());
    for (name, value) in v.attrs() {
        s.push(' ');
        s.push_str(name);
        if !value.is_empty() {
            s.push_str("=\"");
            s.push_str(&value.replace('"', "&quot;"));
            s.push('"');
        }
    }
    s.push('>');
    shorten(&s, SNIPPET_MAX)
}

/// Shortens text to `max` characters, ending with `…` when cut.
pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Reads an attribute (without a namespace) by name, like scraper's `attr`, by comparing the
/// names of the element's few attributes. scraper's `attr` interns the name as an atom and
/// hashes it on every call, which was 5 % of a crawl's instructions.
pub trait Attribute<'a> {
    /// The value of the attribute `name` (lower-case, as the parser stores HTML names).
    fn attribute(&self, name: &str) -> Option<&'a str>;
}

impl<'a> Attribute<'a> for &'a Element {
    fn attribute(&self, name: &str) -> Option<&'a str> {
        self.attrs
            .iter()
            .find(|(qualified, _)| qualified.ns.is_empty() && *qualified.local == *name)
            .map(|(_, value)| &**value)
    }
}

impl<'a> Attribute<'a> for ElementRef<'a> {
    fn attribute(&self, name: &str) -> Option<&'a str> {
        self.value().attribute(name)
    }
}

/// Collapses runs of whitespace into single spaces and trims.
pub fn collapse_whitespace(text: &str) -> String {
    let mut collapsed = Collapsed::new(String::with_capacity(text.len()));
    collapsed.push(text);
    collapsed.out
}

/// Where [`Collapsed`] text goes: a string, or a hash of it.
trait TextSink {
    fn put(&mut self, text: &str);
}

impl TextSink for String {
    fn put(&mut self, text: &str) {
        self.push_str(text);
    }
}

impl TextSink for LowerCaseHash {
    fn put(&mut self, text: &str) {
        self.push(text);
    }
}

/// Text joined from fragments with whitespace collapsed as they arrive: each run (within a
/// fragment or across fragments) becomes one space, and none leads or trails. Text is so
/// joined and collapsed in one pass, without building the raw text first.
#[derive(Debug)]
struct Collapsed<S> {
    out: S,
    /// A word was written.
    started: bool,
    /// Whitespace was seen since the last word.
    pending_space: bool,
}

impl<S: TextSink> Collapsed<S> {
    fn new(out: S) -> Self {
        Collapsed {
            out,
            started: false,
            pending_space: false,
        }
    }

    /// Appends one fragment.
    fn push(&mut self, fragment: &str) {
        if already_collapsed(fragment.as_bytes()) {
            // Most text is: one scan, one copy.
            self.push_word(fragment);
        } else if fragment.is_ascii() {
            self.push_ascii(fragment);
        } else {
            self.push_unicode(fragment);
        }
    }

    /// Appends an ASCII fragment a run at a time: words with single spaces between them go
    /// out together (indented markup splits text into fragments with newlines and indents
    /// around sentences).
    fn push_ascii(&mut self, fragment: &str) {
        let bytes = fragment.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let gap = i;
            while i < bytes.len() && is_ascii_space(bytes[i]) {
                i += 1;
            }
            self.pending_space |= i > gap;
            if i == bytes.len() {
                return;
            }
            let run = i;
            loop {
                while i < bytes.len() && !is_ascii_space(bytes[i]) {
                    i += 1;
                }
                if bytes.get(i) == Some(&b' ')
                    && bytes.get(i + 1).is_some_and(|b| !is_ascii_space(*b))
                {
                    i += 1;
                } else {
                    break;
                }
            }
            self.push_word(&fragment[run..i]);
        }
    }

    /// Appends a fragment with any whitespace `char::is_whitespace` knows, a word at a time.
    fn push_unicode(&mut self, fragment: &str) {
        let mut rest = fragment;
        loop {
            let trimmed = rest.trim_start();
            self.pending_space |= trimmed.len() != rest.len();
            if trimmed.is_empty() {
                return;
            }
            let end = trimmed.find(char::is_whitespace).unwrap_or(trimmed.len());
            self.push_word(&trimmed[..end]);
            rest = &trimmed[end..];
        }
    }

    /// Appends text without leading or trailing whitespace, after a space when whitespace
    /// came before it.
    fn push_word(&mut self, word: &str) {
        if self.pending_space && self.started {
            self.out.put(" ");
        }
        self.pending_space = false;
        self.started = true;
        self.out.put(word);
    }
}

/// True when the inline `style` hides the element (`display:none` or `visibility:hidden`).
pub fn style_hides(el: ElementRef<'_>) -> bool {
    el.attribute("style").is_some_and(style_value_hides)
}

/// True when an inline `style` value has `display: none` or `visibility: hidden|collapse`.
fn style_value_hides(style: &str) -> bool {
    style.split(';').any(|decl| {
        let Some((prop, value)) = decl.split_once(':') else {
            return false;
        };
        let prop = prop.trim();
        let value = value.trim();
        let value = value
            .get(value.len().saturating_sub("!important".len())..)
            .filter(|tail| tail.eq_ignore_ascii_case("!important"))
            .map_or(value, |tail| value[..value.len() - tail.len()].trim_end());
        (prop.eq_ignore_ascii_case("display") && value.eq_ignore_ascii_case("none"))
            || (prop.eq_ignore_ascii_case("visibility")
                && (value.eq_ignore_ascii_case("hidden") || value.eq_ignore_ascii_case("collapse")))
    })
}

/// True when this element itself is hidden from everyone: the `hidden` attribute, an inline
/// style, `<input type=hidden>`, or an element that never renders (`template`, `script`…).
pub fn self_hidden(el: ElementRef<'_>) -> bool {
    hidden_by(el, false)
}

/// [`self_hidden`], or also `aria-hidden="true"` when `aria` is set: one pass over the
/// attributes (this runs for every ancestor of every element rules test).
fn hidden_by(el: ElementRef<'_>, aria: bool) -> bool {
    let v = el.value();
    let name = v.name();
    if matches!(
        name,
        "template" | "script" | "style" | "noscript" | "head" | "title" | "meta" | "link"
    ) {
        return true;
    }
    let is_input = name == "input";
    v.attrs().any(|(attribute, value)| match attribute {
        "hidden" => true,
        "style" => style_value_hides(value),
        "type" => is_input && value.eq_ignore_ascii_case("hidden"),
        "aria-hidden" => aria && value.trim().eq_ignore_ascii_case("true"),
        _ => false,
    })
}

/// True when the element or an ancestor is hidden from everyone (see [`self_hidden`]).
/// Stylesheets are not read, so CSS-class hiding is not seen.
pub fn is_hidden(el: ElementRef<'_>) -> bool {
    ancestors_inclusive(el).any(self_hidden)
}

/// True when the element or an ancestor is hidden from assistive technology: hidden from
/// everyone, or `aria-hidden="true"`.
pub fn is_hidden_from_at(el: ElementRef<'_>) -> bool {
    ancestors_inclusive(el).any(|e| hidden_by(e, true))
}

/// The element and its ancestors, nearest first.
pub fn ancestors_inclusive(el: ElementRef<'_>) -> impl Iterator<Item = ElementRef<'_>> {
    std::iter::successors(Some(el), |e| e.parent().and_then(ElementRef::wrap))
}

/// All text inside the element (like `textContent`), whitespace collapsed.
pub fn text_content(el: ElementRef<'_>) -> String {
    collapse_whitespace(&el.text().collect::<String>())
}

/// The text a reader sees (an approximation of `innerText`): text of descendants that are not
/// hidden by attribute or inline style, skipping `script`, `style`, `template` and images'
/// `alt`; whitespace collapsed.
pub fn visible_text(el: ElementRef<'_>) -> String {
    collapse_visible_text(el, String::new())
}

/// The [`text_hash`](super::text_hash::text_hash) of [`visible_text`] lower-cased character by
/// character (duplicate-content detection hashes every page's body), without building the
/// text: it is collapsed and lower-cased into the hash as it is gathered.
pub fn visible_text_hash(el: ElementRef<'_>) -> u64 {
    collapse_visible_text(el, LowerCaseHash::default()).finish()
}

/// The text a reader sees (see [`visible_text`]), collapsed into `out`.
fn collapse_visible_text<S: TextSink>(el: ElementRef<'_>, out: S) -> S {
    let mut collapsed = Collapsed::new(out);
    for_each_visible_text(el, &mut |fragment| collapsed.push(fragment));
    collapsed.out
}

/// True for the ASCII bytes `char::is_whitespace` is true for (tab, line feed, vertical tab,
/// form feed, carriage return, space).
fn is_ascii_space(b: u8) -> bool {
    b == b' ' || (0x09..=0x0d).contains(&b)
}

/// True for ASCII text with single spaces between words only (nothing to collapse or trim).
/// The ends are checked first (indented markup's fragments fail there), then one pass without
/// early exits over every pair of neighbouring bytes, which the compiler vectorises.
fn already_collapsed(bytes: &[u8]) -> bool {
    // Non-ASCII bytes and whitespace other than the space.
    let unusual = |b: u8| b >= 0x80 || (0x09..=0x0d).contains(&b);
    let word_byte = |b: u8| b != b' ' && !unusual(b);
    let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else {
        return false;
    };
    if !word_byte(first) || !word_byte(last) {
        return false;
    }
    let bad = bytes.iter().zip(&bytes[1..]).fold(false, |bad, (&a, &b)| {
        bad | unusual(a) | (a == b' ' && b == b' ')
    });
    !bad
}

/// Calls `f` with the text fragments a reader sees, in order, with a space around block
/// elements (see [`visible_text`]).
fn for_each_visible_text(el: ElementRef<'_>, f: &mut impl FnMut(&str)) {
    if self_hidden(el) {
        return;
    }
    for child in el.children() {
        match child.value() {
            Node::Text(t) => f(t),
            Node::Element(e) => {
                if let Some(child_el) = ElementRef::wrap(child) {
                    let block = is_block(e.name());
                    if block {
                        f(" ");
                    }
                    for_each_visible_text(child_el, f);
                    if block {
                        f(" ");
                    }
                }
            }
            _ => {}
        }
    }
}

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "br"
            | "li"
            | "ul"
            | "ol"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "section"
            | "article"
            | "header"
            | "footer"
            | "nav"
            | "tr"
            | "td"
            | "th"
            | "table"
    )
}

/// The language of an element: the nearest `lang` attribute (empty means "unknown").
pub fn lang_of(el: ElementRef<'_>) -> Option<String> {
    ancestors_inclusive(el)
        .find_map(|e| e.attribute("lang"))
        .map(|l| l.trim().to_owned())
        .filter(|l| !l.is_empty())
}

/// The number of element nodes in the document.
pub fn element_count(dom: &Html) -> usize {
    dom.tree
        .nodes()
        .filter(|n| matches!(n.value(), Node::Element(_)))
        .count()
}

/// The deepest nesting of elements in the document (`<html>` is depth 1).
pub fn max_depth(dom: &Html) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(dom.root_element(), 1usize)];
    while let Some((el, depth)) = stack.pop() {
        deepest = deepest.max(depth);
        for child in el.child_elements() {
            stack.push((child, depth + 1));
        }
    }
    deepest
}

/// An attribute with surrounding whitespace trimmed; `None` when missing.
pub fn attr_trimmed<'a>(el: ElementRef<'a>, name: &str) -> Option<&'a str> {
    el.attribute(name).map(str::trim)
}

/// True when the attribute is present and not blank.
pub fn has_nonblank_attr(el: ElementRef<'_>, name: &str) -> bool {
    el.attribute(name).is_some_and(|v| !v.trim().is_empty())
}

/// Finds an element by id (the first one, as browsers do).
pub fn element_by_id<'a>(dom: &'a Html, id: &str) -> Option<ElementRef<'a>> {
    if id.is_empty() {
        return None;
    }
    dom.tree
        .nodes()
        .filter_map(ElementRef::wrap)
        .find(|e| e.value().id() == Some(id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::page::text_hash::{lower_chars, text_hash};

    fn first<'a>(dom: &'a Html, css: &str) -> ElementRef<'a> {
        let selector = scraper::Selector::parse(css).unwrap();
        dom.select(&selector).next().unwrap()
    }

    #[test]
    fn attribute_agrees_with_scraper() {
        let dom = Html::parse_document(
            r##"<html lang="en" xml:lang="en"><body><a href="/x" data-k="1" ARIA-LABEL="A">x</a>
               <svg><a xlink:href="#s" href="#t"><use xlink:href="#u"/></a></svg>
               <input type=checkbox checked><math><mi mathvariant="bold">x</mi></math></body>"##,
        );
        let mut compared = 0;
        for el in dom
            .root_element()
            .descendants()
            .filter_map(ElementRef::wrap)
        {
            let names: Vec<String> = el.value().attrs().map(|(n, _)| n.to_owned()).collect();
            for name in names
                .iter()
                .map(String::as_str)
                .chain(["missing", "xlink:href"])
            {
                assert_eq!(el.attribute(name), el.value().attr(name), "{name}");
                compared += 1;
            }
        }
        assert!(compared > 20);
        let svg_link = first(&dom, "svg a");
        assert_eq!(svg_link.attribute("href"), Some("#t"));
        assert_eq!(first(&dom, "use").attribute("href"), None);
    }

    #[test]
    fn whitespace_collapses_within_and_across_fragments() {
        assert_eq!(collapse_whitespace("  a \n\t b  c "), "a b c");
        assert_eq!(collapse_whitespace(" \u{a0} "), "");
        let mut collapsed = Collapsed::new(String::new());
        for fragment in [" one", "two ", "  ", "three", " ", "four  "] {
            collapsed.push(fragment);
        }
        assert_eq!(collapsed.out, "onetwo three four");
        for (text, collapsed) in [
            ("a b", true),
            ("", false),
            (" a", false),
            ("a ", false),
            ("a  b", false),
            ("a\tb", false),
            ("a\u{a0}b", false),
            ("a\rb", false),
            (" ", false),
            ("x", true),
            ("a\u{1f}b\u{7f}", true),
            (
                "a b c d e f g h i j k l m n o p q r s t u v w x y z  end",
                false,
            ),
        ] {
            assert_eq!(already_collapsed(text.as_bytes()), collapsed, "{text:?}");
        }
    }

    /// Every path through `Collapsed::push` (already collapsed, ASCII runs, any whitespace)
    /// agrees with splitting the joined fragments on whitespace, on many mixes of words,
    /// single spaces, indents, control characters and non-ASCII text and spaces.
    #[test]
    fn collapsing_agrees_with_splitting_on_whitespace() {
        let tokens = [
            "a", "Bc", "x y", " ", "  ", "\n    ", "\t", "\u{b}", "\u{c}", "\r\n", "\u{1f}", "é",
            "\u{a0}", "\u{2003}", "end.",
        ];
        let mut seed: u64 = 7;
        let mut next = |below: usize| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize % below
        };
        for _ in 0..3000 {
            let fragments: Vec<String> = (0..1 + next(5))
                .map(|_| {
                    (0..1 + next(6))
                        .map(|_| tokens[next(tokens.len())])
                        .collect()
                })
                .collect();
            let mut collapsed = Collapsed::new(String::new());
            for fragment in &fragments {
                collapsed.push(fragment);
            }
            let joined = fragments.concat();
            let expected = joined.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(collapsed.out, expected, "{fragments:?}");
            assert_eq!(collapse_whitespace(&joined), expected, "{joined:?}");
        }
    }

    #[test]
    fn visible_text_hash_follows_the_visible_text_lower_cased() {
        let hash = |html: &str| visible_text_hash(first(&Html::parse_document(html), "body"));
        let plain = hash("<body><p>Hello World</p><p>Again</p></body>");
        assert_eq!(plain, text_hash("hello world again"));
        assert_eq!(
            hash("<body>  <div>hello <b>world</b></div>\n<div>AGAIN <script>x()</script></div>"),
            plain
        );
        assert_ne!(hash("<body><p>Hello World</p><p>Again!</p></body>"), plain);
        assert_ne!(hash("<body><p>HelloWorld</p><p>Again</p></body>"), plain);
        let long = "Ünïcode ".repeat(40);
        assert_eq!(
            hash(&format!("<body>{}</body>", long.to_uppercase())),
            hash(&format!("<body>{long}</body>"))
        );
        // However the markup splits a word, a final sigma included.
        assert_eq!(
            hash("<body><p>ΟΔΟ<b>Σ</b> Hel<i>lo</i></p></body>"),
            hash("<body><p>ΟΔΟΣ Hello</p></body>")
        );
        // The hash of the visible text, on a body longer than the hash's chunks.
        let dom = Html::parse_document(&format!(
            "<body><main>{}</main></body>",
            "<p>Ärger  <b>im</b>\n<span hidden>no</span>Büro</p>".repeat(1000)
        ));
        let body = first(&dom, "body");
        let text = lower_chars(&visible_text(body));
        assert!(text.len() > 10_000 && text.starts_with("ärger im büro ärger"));
        assert_eq!(visible_text_hash(body), text_hash(&text));
    }

    #[test]
    fn paths_and_snippets() {
        let dom = Html::parse_document(
            r#"<body><main><img src="a.png"><p>x</p><img src="b.png" alt=""></main>
               <div id="menu"><a href="/x">x</a></div></body>"#,
        );
        assert_eq!(
            css_path(first(&dom, "img[alt]")),
            "body > main > img:nth-of-type(2)"
        );
        assert_eq!(css_path(first(&dom, "a")), "div#menu > a");
        assert_eq!(snippet(first(&dom, "img[alt]")), r#"<img src="b.png" alt>"#);
    }

    /// The path as first written: every level's same-name siblings collected, parts joined.
    fn reference_css_path(el: ElementRef<'_>) -> String {
        let mut parts = Vec::new();
        let mut current = Some(el);
        while let Some(e) = current {
            let name = e.value().name();
            if name == "html" {
                if parts.is_empty() {
                    parts.push("html".to_owned());
                }
                break;
            }
            if let Some(id) = e.value().id().filter(|id| is_simple_ident(id)) {
                parts.push(format!("{name}#{id}"));
                break;
            }
            let mut part = name.to_owned();
            if name != "body" && name != "head" {
                let same: Vec<ElementRef<'_>> = e
                    .parent()
                    .and_then(ElementRef::wrap)
                    .map(|p| {
                        p.child_elements()
                            .filter(|c| c.value().name() == name)
                            .collect()
                    })
                    .unwrap_or_default();
                if same.len() > 1 {
                    let index = same.iter().position(|c| c.id() == e.id()).unwrap_or(0) + 1;
                    part.push_str(&format!(":nth-of-type({index})"));
                }
            }
            parts.push(part);
            current = e.parent().and_then(ElementRef::wrap);
        }
        parts.reverse();
        parts.join(" > ")
    }

    #[test]
    fn paths_agree_with_the_reference_on_every_element() {
        let dom = Html::parse_document(
            r#"<html><head><title>t</title><meta charset=utf-8><meta name=a></head><body>
               <main><ul><li>a<li id="2x">b<li><span>c</span><span id=s>d</span></ul>
               <img><p>x<img></p><img></main><div id="menu"><a>x</a><a>y</a></div>
               <svg><g><rect/><rect/></g></svg><table><tr><td>1<td>2</table></body></html>"#,
        );
        let mut count = 0;
        for node in dom.tree.nodes() {
            if let Some(el) = ElementRef::wrap(node) {
                assert_eq!(css_path(el), reference_css_path(el));
                count += 1;
            }
        }
        assert!(count > 25);
    }

    #[test]
    fn hidden_and_visible_text() {
        let dom = Html::parse_document(
            r#"<div id="d">Read <span hidden>secret</span><b style="display: none">no</b>
               <img alt="pic"><em aria-hidden="true">more</em></div>"#,
        );
        let div = first(&dom, "#d");
        assert_eq!(visible_text(div), "Read more");
        assert!(is_hidden_from_at(first(&dom, "em")));
        assert!(!is_hidden(first(&dom, "em")));
        assert!(is_hidden(first(&dom, "span")));
    }

    #[test]
    fn base_and_lang() {
        let dom = Html::parse_document(
            r#"<html lang="de"><head><base href="/sub/"></head><body><p lang="">x</p><i>y</i></body></html>"#,
        );
        let document = Url::parse("https://a.example/x/y").unwrap();
        let base = base_url(Some(first(&dom, "base")), &document);
        assert_eq!(base.as_str(), "https://a.example/sub/");
        assert_eq!(base_url(None, &document), document);
        assert_eq!(lang_of(first(&dom, "i")).as_deref(), Some("de"));
        assert_eq!(lang_of(first(&dom, "p")), None);
    }

    #[test]
    fn counts_and_depth() {
        let dom = Html::parse_document("<div><div><div></div></div></div>");
        // html, head, body, 3 divs
        assert_eq!(element_count(&dom), 6);
        assert_eq!(max_depth(&dom), 5);
    }
}
