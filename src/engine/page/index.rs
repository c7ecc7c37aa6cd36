//! [`ElementIndex`] and [`IndexedSelector`]: find elements by tag or attribute without walking
//! the whole document for every rule.
//!
//! A hundred rules each select a few kinds of element from the same page; walking all of a
//! large page's elements for each selection costs more than parsing it. The index is built in
//! one walk, on first use: for every tag name and every attribute name, its elements in
//! document order. A selection whose every alternative names a tag (`img[src]`, `head meta`)
//! or starts with an attribute (`[role]`) then tests only those candidates against the full
//! selector; any other selection (`*`, `.class`, `:not(…)` alone) walks the document as
//! before. The result is the same elements in the same order either way.

use std::collections::HashMap;
use std::ops::Deref;

use ego_tree::NodeId;
use scraper::{ElementRef, Html, Selector};

/// Where an element is in selection order, and which node it is.
pub type Entry = (u32, NodeId);

/// Values for some of a document's nodes, looked up by node id: facts a page derives once per
/// element (its links' targets, its tables' grids) and its rules then look up for the element
/// in hand. Sorted by node id, so a lookup is a binary search and nothing is hashed.
#[derive(Debug)]
pub struct ByNode<T>(Vec<(NodeId, T)>);

impl<T> ByNode<T> {
    /// The value of the node `id`, if it has one.
    pub fn get(&self, id: NodeId) -> Option<&T> {
        let at = self.0.binary_search_by_key(&id, |(node, _)| *node).ok()?;
        Some(&self.0[at].1)
    }
}

impl<T> Default for ByNode<T> {
    fn default() -> Self {
        ByNode(Vec::new())
    }
}

impl<T> FromIterator<(NodeId, T)> for ByNode<T> {
    fn from_iter<I: IntoIterator<Item = (NodeId, T)>>(values: I) -> Self {
        let mut values: Vec<(NodeId, T)> = values.into_iter().collect();
        values.sort_unstable_by_key(|(id, _)| *id);
        ByNode(values)
    }
}

/// The index's maps: short keys hashed with foldhash, which is several times cheaper than
/// the default SipHash for them (the index hashes every element's name and attributes).
type KeyMap = HashMap<String, Vec<Entry>, foldhash::fast::RandomState>;

/// Elements by lower-cased tag name and by lower-cased attribute name, in document order.
#[derive(Debug, Default)]
pub struct ElementIndex {
    by_tag: KeyMap,
    by_attribute: KeyMap,
}

impl ElementIndex {
    /// Indexes every element of `dom` in one walk, in the order [`Html::select`] visits them.
    pub fn build(dom: &Html) -> ElementIndex {
        let mut index = ElementIndex::default();
        let elements = dom
            .tree
            .nodes()
            .filter_map(ElementRef::wrap)
            .filter(|el| el.parent().is_some());
        for (position, el) in elements.enumerate() {
            let entry = (position as u32, el.id());
            let value = el.value();
            push(&mut index.by_tag, &value.name.local, entry);
            for (name, _) in value.attrs() {
                push(&mut index.by_attribute, name, entry);
            }
        }
        index
    }

    fn entries(&self, key: &Key) -> &[Entry] {
        let map = match key {
            Key::Tag(_) => &self.by_tag,
            Key::Attribute(_) => &self.by_attribute,
        };
        map.get(key.name()).map_or(&[], Vec::as_slice)
    }

    /// The elements of `dom` that `selector` matches, in the order of [`Html::select`].
    pub fn select<'a>(&'a self, dom: &'a Html, selector: &'a IndexedSelector) -> Selection<'a> {
        let entries = match selector.keys.as_deref() {
            None => return Selection::Walk(Box::new(dom.select(selector))),
            Some([key]) => Entries::One(self.entries(key).iter()),
            Some(keys) => {
                let mut merged: Vec<Entry> = keys
                    .iter()
                    .flat_map(|k| self.entries(k).iter().copied())
                    .collect();
                merged.sort_unstable_by_key(|(position, _)| *position);
                merged.dedup_by_key(|(position, _)| *position);
                Entries::Merged(merged.into_iter())
            }
        };
        Selection::Indexed {
            dom,
            selector,
            entries,
        }
    }
}

fn push(map: &mut KeyMap, name: &str, entry: Entry) {
    let name = if name.bytes().any(|b| b.is_ascii_uppercase()) {
        std::borrow::Cow::Owned(name.to_ascii_lowercase())
    } else {
        std::borrow::Cow::Borrowed(name)
    };
    if let Some(list) = map.get_mut(name.as_ref()) {
        list.push(entry);
    } else {
        map.insert(name.into_owned(), vec![entry]);
    }
}

/// The elements a selector matches: from the index, or from a walk of the whole document.
pub enum Selection<'a> {
    /// Every element tested (the selector has no index key).
    Walk(Box<scraper::html::Select<'a, 'a>>),
    /// Only the indexed candidates tested.
    Indexed {
        /// The document the entries point into.
        dom: &'a Html,
        /// The full selector each candidate must match.
        selector: &'a IndexedSelector,
        /// The candidates left.
        entries: Entries<'a>,
    },
}

/// Candidate elements from the index.
pub enum Entries<'a> {
    /// The list of one key.
    One(std::slice::Iter<'a, Entry>),
    /// The lists of several keys, merged into one order.
    Merged(std::vec::IntoIter<Entry>),
}

impl Iterator for Entries<'_> {
    type Item = NodeId;

    fn next(&mut self) -> Option<NodeId> {
        match self {
            Entries::One(entries) => entries.next().map(|(_, id)| *id),
            Entries::Merged(entries) => entries.next().map(|(_, id)| id),
        }
    }
}

impl<'a> Iterator for Selection<'a> {
    type Item = ElementRef<'a>;

    fn next(&mut self) -> Option<ElementRef<'a>> {
        match self {
            Selection::Walk(select) => select.next(),
            Selection::Indexed {
                dom,
                selector,
                entries,
            } => entries
                .by_ref()
                .filter_map(|id| dom.tree.get(id).and_then(ElementRef::wrap))
                .find(|el| selector.is_bare_tag(el.value().name()) || selector.matches(el)),
        }
    }
}

/// What every element matched by one alternative of a selector has.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Key {
    Tag(String),
    Attribute(String),
}

impl Key {
    fn name(&self) -> &str {
        match self {
            Key::Tag(name) | Key::Attribute(name) => name,
        }
    }
}

/// A parsed selector with the index keys that narrow its candidates. Dereferences to the
/// [`Selector`], so it works wherever scraper wants one.
#[derive(Debug)]
pub struct IndexedSelector {
    selector: Selector,
    /// One key per alternative, or `None` when some alternative has no key (walk everything).
    keys: Option<Vec<Key>>,
    /// When every alternative is a bare type selector (`img`, `td, th`): their names as
    /// written. An element whose local name is exactly one of them matches without running
    /// the full selector (with no default namespace, a type selector matches its name in any
    /// namespace); any other candidate is tested in full (case rules differ for SVG).
    bare_tags: Vec<String>,
}

impl IndexedSelector {
    /// Parses `css`; panics on an invalid selector (selectors in the source are constants).
    pub fn new(css: &str) -> IndexedSelector {
        let alternatives: Vec<&str> = css.split(',').map(str::trim).collect();
        let is_bare = |a: &&str| {
            a.starts_with(|c: char| c.is_ascii_alphabetic())
                && a.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        };
        let bare_tags = if alternatives.iter().all(is_bare) {
            alternatives.into_iter().map(str::to_owned).collect()
        } else {
            Vec::new()
        };
        IndexedSelector {
            selector: Selector::parse(css).expect("static selector parses"),
            keys: keys_of(css),
            bare_tags,
        }
    }

    /// True when the selector is bare type selectors and `local_name` is exactly one of them.
    fn is_bare_tag(&self, local_name: &str) -> bool {
        self.bare_tags.iter().any(|t| t == local_name)
    }
}

impl Deref for IndexedSelector {
    type Target = Selector;

    fn deref(&self) -> &Selector {
        &self.selector
    }
}

/// The key of each comma-separated alternative of `css`, or `None` when one has none.
fn keys_of(css: &str) -> Option<Vec<Key>> {
    split_top_level(css, |c| c == ',')
        .into_iter()
        .map(|alternative| {
            let compound = split_top_level(alternative.trim(), |c| {
                c.is_ascii_whitespace() || matches!(c, '>' | '+' | '~')
            })
            .into_iter()
            .rfind(|part| !part.is_empty())?;
            key_of_compound(compound)
        })
        .collect()
}

/// The key of a compound selector: its tag name, else its first attribute name (whose only
/// escapes understood are colons, as in `[xml\:lang]`).
fn key_of_compound(compound: &str) -> Option<Key> {
    if compound.contains('|') {
        return None;
    }
    let is_name_char = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    if compound.starts_with(|c: char| c.is_ascii_alphabetic()) {
        if compound.contains('\\') {
            return None;
        }
        let end = compound
            .find(|c| !is_name_char(c))
            .unwrap_or(compound.len());
        return Some(Key::Tag(compound[..end].to_ascii_lowercase()));
    }
    let mut chars = compound.strip_prefix('[')?.trim_start().chars();
    let mut name = String::new();
    loop {
        match chars.next()? {
            '\\' if chars.next()? == ':' => name.push(':'),
            '\\' => return None,
            c if is_name_char(c) => name.push(c.to_ascii_lowercase()),
            _ => break,
        }
    }
    (!name.is_empty()).then_some(Key::Attribute(name))
}

/// Splits `text` at the characters `at` that are outside brackets, parentheses and quotes.
fn split_top_level(text: &str, at: impl Fn(char) -> bool) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut quote, mut start) = (0usize, None, 0);
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), _) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '(') => depth += 1,
            (None, ']' | ')') => depth = depth.saturating_sub(1),
            (None, _) if depth == 0 && at(c) => {
                parts.push(&text[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(name: &str) -> Key {
        Key::Tag(name.into())
    }

    fn attribute(name: &str) -> Key {
        Key::Attribute(name.into())
    }

    #[test]
    fn keys_come_from_the_rightmost_compound_of_each_alternative() {
        assert_eq!(keys_of("img"), Some(vec![tag("img")]));
        assert_eq!(keys_of("head meta[name]"), Some(vec![tag("meta")]));
        assert_eq!(keys_of("details > summary"), Some(vec![tag("summary")]));
        assert_eq!(
            keys_of("a[href], area[href]"),
            Some(vec![tag("a"), tag("area")])
        );
        assert_eq!(keys_of("[role]"), Some(vec![attribute("role")]));
        assert_eq!(
            keys_of("[aria-label], [aria-labelledby]"),
            Some(vec![attribute("aria-label"), attribute("aria-labelledby")])
        );
        assert_eq!(keys_of("a[href^='#']"), Some(vec![tag("a")]));
        assert_eq!(
            keys_of("main, [role=main]"),
            Some(vec![tag("main"), attribute("role")])
        );
        assert_eq!(keys_of("IMG"), Some(vec![tag("img")]));
        assert_eq!(
            keys_of("[lang], [xml\\:lang]"),
            Some(vec![attribute("lang"), attribute("xml:lang")])
        );
    }

    #[test]
    fn selectors_without_a_key_walk_the_document() {
        assert_eq!(keys_of("*"), None);
        assert_eq!(keys_of(".x"), None);
        assert_eq!(keys_of("img, .x"), None);
        assert_eq!(keys_of("[a\\62 c]"), None);
        assert_eq!(keys_of("x\\:y"), None);
        assert_eq!(keys_of(":not(p)"), None);
        assert_eq!(keys_of("div [a='x, y']"), Some(vec![attribute("a")]));
    }

    #[test]
    fn values_are_found_by_node() {
        let dom = Html::parse_document("<p>a</p><p>b</p><p>c</p>");
        let ps: Vec<NodeId> = dom
            .select(&Selector::parse("p").unwrap())
            .map(|p| p.id())
            .collect();
        let by_node: ByNode<usize> = ps
            .iter()
            .rev()
            .enumerate()
            .map(|(i, id)| (*id, i))
            .collect();
        assert_eq!(by_node.get(ps[0]), Some(&2));
        assert_eq!(by_node.get(ps[2]), Some(&0));
        assert_eq!(by_node.get(dom.root_element().id()), None);
        assert_eq!(ByNode::<usize>::default().get(ps[1]), None);
    }

    /// The indexed selection finds exactly what scraper's own walk finds, in the same order.
    #[test]
    fn selections_agree_with_a_full_walk() {
        let dom = Html::parse_document(
            r##"<html lang="en"><head><title>t</title><meta name="a" content="b"></head><body>
            <p xml:lang="de">x</p><svg xml:lang="fr"><text lang="fr">t</text></svg>
            <h2 role="heading">x</h2><main><h1>y</h1><IMG SRC="a.png"><div role="img"></div></main>
            <svg><title>s</title><foreignObject><p ROLE="note">z</p></foreignObject></svg>
            <table><tr><td>1<th>2</table><a href="#x">a</a><area href="/"><p class="x">p</p>
            </body></html>"##,
        );
        let index = ElementIndex::build(&dom);
        assert!(IndexedSelector::new("td, th").is_bare_tag("th"));
        assert!(!IndexedSelector::new("td, th").is_bare_tag("TH"));
        assert!(!IndexedSelector::new("img[src]").is_bare_tag("img"));
        assert!(!IndexedSelector::new("main > *").is_bare_tag("main"));
        for css in [
            "img",
            "img[src]",
            "head meta[name]",
            "title",
            "h1, h2, h3, [role]",
            "[role]",
            "td, th",
            "a[href], area[href]",
            "a[href^='#']",
            "foreignObject",
            "foreignobject",
            "rect, text, svg",
            "main > *",
            ".x",
            "p",
            "[ROLE=note]",
            "[lang], [xml\\:lang]",
            "[xml\\:lang]",
            "nothing",
        ] {
            let selector = IndexedSelector::new(css);
            let walked: Vec<NodeId> = dom.select(&selector).map(|e| e.id()).collect();
            let indexed: Vec<NodeId> = index.select(&dom, &selector).map(|e| e.id()).collect();
            assert_eq!(indexed, walked, "{css}");
        }
    }
}
