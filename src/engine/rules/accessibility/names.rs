//! Accessible names computed from markup: a static subset of W3C accname 1.2. In order:
//! `aria-labelledby`, `aria-label`, the element's native label (`alt`, `<label>`, `value`,
//! `<legend>`, `<caption>`, `<figcaption>`, an SVG `<title>`), its content for roles named
//! from content, then `title` and `placeholder`. Hidden content (the `hidden` attribute, inline
//! `display:none`/`visibility:hidden`, `aria-hidden="true"`) does not contribute, except that
//! an element referenced by `aria-labelledby` contributes even when hidden, as in browsers.
//! Stylesheets and CSS-generated content are not seen.

use std::borrow::Cow;
use std::cell::{Cell, OnceCell};
use std::collections::HashMap;
use std::sync::Arc;

use scraper::{ElementRef, Node};

use super::roles::{explicit_role, is_effectively_presentational};
use crate::engine::page::Page;
use crate::engine::page::dom::{
    Attribute, collapse_whitespace, element_by_id, is_hidden, self_hidden,
};
use crate::engine::page::index::ByNode;
use crate::sel;

/// Roles whose name comes from their content.
pub const NAMED_FROM_CONTENT: &[&str] = &[
    "button",
    "cell",
    "checkbox",
    "columnheader",
    "gridcell",
    "heading",
    "link",
    "menuitem",
    "menuitemcheckbox",
    "menuitemradio",
    "option",
    "radio",
    "row",
    "rowheader",
    "switch",
    "tab",
    "tooltip",
    "treeitem",
];

/// Roles whose text never flows into an ancestor's name from content (a progress bar's
/// "23%" is its value, not a label), as in axe-core.
const NOT_FROM_DESCENDANT_CONTENT: &[&str] = &["meter", "progressbar"];

/// Elements whose name comes from their content.
fn named_from_content_element(name: &str) -> bool {
    matches!(
        name,
        "a" | "button"
            | "summary"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "th"
            | "td"
            | "option"
            | "label"
            | "legend"
            | "caption"
            | "figcaption"
    )
}

/// Computes accessible names in one document.
pub struct Names<'a> {
    page: &'a Page,
    /// True while an `aria-labelledby` reference is being followed.
    following: Cell<bool>,
    /// `<label for>` elements by id (see [`Names::labels_for`]).
    labels_for: OnceCell<HashMap<&'a str, Vec<ElementRef<'a>>>>,
    /// The page's shared link names (see [`Names::link_name`]).
    link_names: OnceCell<Arc<LinkNames>>,
}

/// The accessible name of every `a[href]` of a page, computed once per page for the rules
/// that name links (`link-name`, `identical-links-same-purpose`).
struct LinkNames(ByNode<String>);

impl LinkNames {
    /// Names every `a[href]` of the page.
    fn build(page: &Page) -> LinkNames {
        let names = Names::new(page);
        LinkNames(
            page.select(sel!("a[href]"))
                .map(|link| (link.id(), names.name(link)))
                .collect(),
        )
    }

    /// The name of `el`, when it is one of the page's `a[href]`.
    fn get(&self, el: ElementRef<'_>) -> Option<&str> {
        self.0.get(el.id()).map(String::as_str)
    }
}

impl<'a> Names<'a> {
    /// Names for elements of this page's document.
    pub fn new(page: &'a Page) -> Names<'a> {
        Names {
            page,
            following: Cell::new(false),
            labels_for: OnceCell::new(),
            link_names: OnceCell::new(),
        }
    }

    /// [`Names::name`], taken for an `a[href]` from the names of the page's links, which are
    /// computed once per page and shared by the rules that name links.
    pub fn link_name(&self, el: ElementRef<'_>) -> Cow<'_, str> {
        let shared = self
            .link_names
            .get_or_init(|| self.page.memo(LinkNames::build));
        match shared.get(el) {
            Some(name) => Cow::Borrowed(name),
            None => Cow::Owned(self.name(el)),
        }
    }

    /// The element's accessible name, whitespace collapsed (empty when it has none).
    pub fn name(&self, el: ElementRef<'_>) -> String {
        if let Some(name) = self.labelledby(el) {
            return name;
        }
        if let Some(label) = aria_label(el) {
            return label;
        }
        let native = self.native(el);
        if !native.is_empty() {
            return native;
        }
        if self.named_from_content(el) {
            let content = self.content(el);
            if !content.is_empty() {
                return content;
            }
        }
        tooltip(el).unwrap_or_default()
    }

    /// The text of the elements `aria-labelledby` points at, when it gives a non-empty name.
    pub fn labelledby(&self, el: ElementRef<'_>) -> Option<String> {
        let ids = el.attribute("aria-labelledby")?;
        // A reference is followed once: references met inside it are not (accname step 2B),
        // which also ends cycles.
        if self.following.get() {
            return None;
        }
        self.following.set(true);
        let parts: Vec<String> = ids
            .split_ascii_whitespace()
            .filter_map(|id| element_by_id(&self.page.dom, id))
            .map(|target| self.referenced_text(target, el))
            .collect();
        self.following.set(false);
        let text = collapse_whitespace(&parts.join(" "));
        (!text.is_empty()).then_some(text)
    }

    /// The text an element contributes when another points at it with `aria-labelledby`.
    /// `named` (the element being named) contributes nothing when it sits inside the target.
    fn referenced_text(&self, el: ElementRef<'_>, named: ElementRef<'_>) -> String {
        if let Some(label) = aria_label(el) {
            return label;
        }
        let native = self.native(el);
        if !native.is_empty() {
            return native;
        }
        let mut out = String::new();
        self.push_content(el, Walk { skip: Some(named) }, &mut out);
        let content = collapse_whitespace(&out);
        if !content.is_empty() {
            return content;
        }
        tooltip(el).unwrap_or_default()
    }

    /// The name the host language gives the element.
    fn native(&self, el: ElementRef<'_>) -> String {
        let v = el.value();
        let text = match v.name() {
            "img" | "area" => v.attribute("alt").map(str::to_owned),
            "input" => {
                let label = self.label_text(el).filter(|t| !t.trim().is_empty());
                label.or_else(|| match input_type(el).as_str() {
                    "image" => v.attribute("alt").map(str::to_owned),
                    "button" => v.attribute("value").map(str::to_owned),
                    "submit" => Some(v.attribute("value").unwrap_or("Submit").to_owned()),
                    "reset" => Some(v.attribute("value").unwrap_or("Reset").to_owned()),
                    _ => None,
                })
            }
            "button" => self.label_text(el),
            "select" | "textarea" | "meter" | "progress" | "output" => self.label_text(el),
            "fieldset" => self.child_text(el, "legend"),
            "table" => self.child_text(el, "caption"),
            "figure" => self.child_text(el, "figcaption"),
            "svg" => el
                .child_elements()
                .find(|c| c.value().name() == "title")
                .map(|t| t.text().collect()),
            _ => None,
        };
        text.map(|t| collapse_whitespace(&t)).unwrap_or_default()
    }

    /// The text of the `<label>`s of a form control: `label[for=id]` and an enclosing label.
    pub fn label_text(&self, el: ElementRef<'_>) -> Option<String> {
        let labels = self.labels(el);
        if labels.is_empty() {
            return None;
        }
        let parts: Vec<String> = labels
            .into_iter()
            .map(|label| self.content_excluding(label, el))
            .collect();
        Some(collapse_whitespace(&parts.join(" ")))
    }

    /// The `<label>` elements of a form control.
    pub fn labels<'e>(&self, el: ElementRef<'e>) -> Vec<ElementRef<'e>>
    where
        'a: 'e,
    {
        let mut labels = self.all_labels(el);
        labels.retain(|l| !is_hidden(*l));
        labels
    }

    /// The `<label>` elements of a form control, hidden ones included.
    pub fn all_labels<'e>(&self, el: ElementRef<'e>) -> Vec<ElementRef<'e>>
    where
        'a: 'e,
    {
        let mut labels = Vec::new();
        if let Some(id) = el.value().id().filter(|id| !id.is_empty())
            && let Some(explicit) = self.labels_for().get(id)
        {
            labels.extend(explicit.iter().copied());
        }
        if let Some(wrapping) = el
            .ancestors()
            .filter_map(ElementRef::wrap)
            .find(|a| a.value().name() == "label")
            && !labels.iter().any(|l| l.id() == wrapping.id())
        {
            labels.push(wrapping);
        }
        labels
    }

    /// `<label for>` elements by the id they name, collected on first use.
    fn labels_for(&self) -> &HashMap<&'a str, Vec<ElementRef<'a>>> {
        self.labels_for.get_or_init(|| {
            let mut map: HashMap<&'a str, Vec<ElementRef<'a>>> = HashMap::new();
            for label in self.page.select(sel!("label[for]")) {
                if let Some(id) = label.attribute("for") {
                    map.entry(id).or_default().push(label);
                }
            }
            map
        })
    }

    fn child_text(&self, el: ElementRef<'_>, child: &str) -> Option<String> {
        el.child_elements()
            .find(|c| c.value().name() == child)
            .map(|c| self.content(c))
    }

    fn named_from_content(&self, el: ElementRef<'_>) -> bool {
        match explicit_role(el) {
            Some(role) => NAMED_FROM_CONTENT.contains(&role.as_str()),
            None => named_from_content_element(el.value().name()),
        }
    }

    /// The name an element's content gives it: visible text, and the names of embedded
    /// images and controls.
    pub fn content(&self, el: ElementRef<'_>) -> String {
        let mut out = String::new();
        if !is_hidden_here(el) {
            self.push_content(el, Walk { skip: None }, &mut out);
        }
        collapse_whitespace(&out)
    }

    fn content_excluding(&self, el: ElementRef<'_>, skip: ElementRef<'_>) -> String {
        let mut out = String::new();
        let walk = Walk { skip: Some(skip) };
        self.push_content(el, walk, &mut out);
        collapse_whitespace(&out)
    }

    fn push_content(&self, el: ElementRef<'_>, walk: Walk<'_>, out: &mut String) {
        for child in el.children() {
            match child.value() {
                Node::Text(t) => out.push_str(t),
                Node::Element(_) => {
                    let Some(c) = ElementRef::wrap(child) else {
                        continue;
                    };
                    if walk.skip.is_some_and(|s| s.id() == c.id()) || is_hidden_here(c) {
                        continue;
                    }
                    out.push(' ');
                    self.push_embedded(c, walk, out);
                    out.push(' ');
                }
                _ => {}
            }
        }
    }

    /// What a descendant contributes to its ancestor's name from content.
    fn push_embedded(&self, el: ElementRef<'_>, walk: Walk<'_>, out: &mut String) {
        if let Some(name) = self.labelledby(el) {
            out.push_str(&name);
            return;
        }
        if let Some(label) = aria_label(el) {
            out.push_str(&label);
            return;
        }
        if explicit_role(el).is_some_and(|r| NOT_FROM_DESCENDANT_CONTENT.contains(&r.as_str())) {
            return;
        }
        let v = el.value();
        match v.name() {
            "img" | "area" => {
                if let Some(alt) = v.attribute("alt") {
                    out.push_str(alt);
                } else if let Some(title) = tooltip(el) {
                    out.push_str(&title);
                }
            }
            "input" => match input_type(el).as_str() {
                "image" | "button" | "submit" | "reset" => out.push_str(&self.native(el)),
                "checkbox" | "radio" | "hidden" | "file" => {}
                _ => out.push_str(v.attribute("value").unwrap_or_default()),
            },
            "select" => {
                if let Some(option) = el
                    .select(sel!("option[selected]"))
                    .next()
                    .or_else(|| el.select(sel!("option")).next())
                {
                    out.push_str(&self.content(option));
                }
            }
            "textarea" => out.extend(el.text()),
            "svg" => out.push_str(&self.native(el)),
            _ => {
                let before = out.len();
                self.push_content(el, walk, out);
                if out[before..].trim().is_empty()
                    && let Some(title) = tooltip(el)
                {
                    out.push_str(&title);
                }
            }
        }
    }
}

/// How a walk over content for a name goes.
#[derive(Clone, Copy)]
struct Walk<'b> {
    /// An element to leave out (the control a label is computed for).
    skip: Option<ElementRef<'b>>,
}

/// A non-blank `aria-label`, whitespace collapsed.
pub fn aria_label(el: ElementRef<'_>) -> Option<String> {
    el.attribute("aria-label")
        .map(collapse_whitespace)
        .filter(|s| !s.is_empty())
}

/// A non-blank `title` (or, for text fields, `placeholder`), whitespace collapsed.
pub fn tooltip(el: ElementRef<'_>) -> Option<String> {
    let title = el
        .attribute("title")
        .map(collapse_whitespace)
        .filter(|s| !s.is_empty());
    title.or_else(|| {
        matches!(el.value().name(), "input" | "textarea")
            .then(|| el.attribute("placeholder"))
            .flatten()
            .map(collapse_whitespace)
            .filter(|s| !s.is_empty())
    })
}

/// The lower-cased `type` of an `<input>` (`text` when missing).
pub fn input_type(el: ElementRef<'_>) -> String {
    el.attribute("type")
        .map(|t| t.trim().to_ascii_lowercase())
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| "text".into())
}

/// True when this element is hidden from assistive technology on its own account.
fn is_hidden_here(el: ElementRef<'_>) -> bool {
    self_hidden(el)
        || el
            .attribute("aria-hidden")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
}

/// True when the element's role is `none` or `presentation` and browsers honour it (see
/// [`is_effectively_presentational`]).
pub fn has_presentational_role(el: ElementRef<'_>) -> bool {
    is_effectively_presentational(el)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name_of(html: &str, css: &str) -> String {
        let page = Page::from_html("https://example.com/", html);
        let selector = scraper::Selector::parse(css).unwrap();
        let el = page.dom.select(&selector).next().unwrap();
        Names::new(&page).name(el)
    }

    #[test]
    fn names_follow_the_precedence() {
        let cases = [
            (
                r#"<button aria-labelledby="a b" aria-label="no">x</button><i id="a">Save</i><i id="b" hidden>draft</i>"#,
                "Save draft",
            ),
            (
                r#"<button aria-label=" Close  menu ">x</button>"#,
                "Close menu",
            ),
            (
                r#"<button><img src="x.png" alt="Print"> now</button>"#,
                "Print now",
            ),
            (
                r#"<button><span hidden>no</span><span aria-hidden="true">no</span>Go</button>"#,
                "Go",
            ),
            (r#"<button title="Help"><svg></svg></button>"#, "Help"),
            (
                r#"<button><svg><title>Search</title></svg></button>"#,
                "Search",
            ),
            (
                r#"<label for="e">Email <b>address</b></label><input id="e">"#,
                "Email address",
            ),
            (r#"<label>Age <input id="e" value="3"></label>"#, "Age"),
            (
                r#"<input id="e" placeholder="Search the site">"#,
                "Search the site",
            ),
            (r#"<input id="e" type="submit">"#, "Submit"),
            (r#"<div id="e">no name from content</div>"#, ""),
            (r#"<div id="e" role="link">yes</div>"#, "yes"),
        ];
        for (html, expected) in cases {
            let css = if html.starts_with("<label") || html.starts_with("<input") {
                "input"
            } else if html.starts_with("<div") {
                "div"
            } else {
                "button"
            };
            assert_eq!(name_of(html, css), expected, "{html}");
        }
    }
}
