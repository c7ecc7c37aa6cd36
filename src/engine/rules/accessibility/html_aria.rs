//! ARIA in HTML: which explicit roles each HTML element may take, and which element names
//! are HTML at all (custom elements and foreign content are outside these rules), as axe-core
//! applies the W3C recommendation.

use scraper::ElementRef;

use super::roles::input_kind;
use crate::engine::page::dom::{Attribute, has_nonblank_attr};

/// The roles an element may be given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AllowedRoles {
    /// Any role.
    Any,
    /// No role at all (its native semantics must not be overridden).
    NoRole,
    /// Only these roles (its implicit role is always allowed on top).
    Only(&'static [&'static str]),
}

use AllowedRoles::{Any, NoRole, Only};

/// HTML element names (plus `math` and `svg`, which HTML embeds), sorted.
const HTML_ELEMENTS: &[&str] = &[
    "a",
    "abbr",
    "address",
    "area",
    "article",
    "aside",
    "audio",
    "b",
    "base",
    "bdi",
    "bdo",
    "blockquote",
    "body",
    "br",
    "button",
    "canvas",
    "caption",
    "cite",
    "code",
    "col",
    "colgroup",
    "data",
    "datalist",
    "dd",
    "del",
    "details",
    "dfn",
    "dialog",
    "div",
    "dl",
    "dt",
    "em",
    "embed",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hgroup",
    "hr",
    "html",
    "i",
    "iframe",
    "img",
    "input",
    "ins",
    "kbd",
    "label",
    "legend",
    "li",
    "link",
    "main",
    "map",
    "mark",
    "math",
    "menu",
    "meta",
    "meter",
    "nav",
    "noscript",
    "object",
    "ol",
    "optgroup",
    "option",
    "output",
    "p",
    "param",
    "picture",
    "pre",
    "progress",
    "q",
    "rp",
    "rt",
    "ruby",
    "s",
    "samp",
    "script",
    "search",
    "section",
    "select",
    "slot",
    "small",
    "source",
    "span",
    "strong",
    "style",
    "sub",
    "summary",
    "sup",
    "svg",
    "table",
    "tbody",
    "td",
    "template",
    "textarea",
    "tfoot",
    "th",
    "thead",
    "time",
    "title",
    "tr",
    "track",
    "u",
    "ul",
    "var",
    "video",
    "wbr",
];

/// True for an HTML element (not a custom element, not SVG or MathML content).
pub fn is_html_element(name: &str) -> bool {
    HTML_ELEMENTS.binary_search(&name).is_ok()
}

const PRESENTATION: &[&str] = &["none", "presentation"];
const LIST_ROLES: &[&str] = &[
    "directory",
    "group",
    "listbox",
    "menu",
    "menubar",
    "none",
    "presentation",
    "radiogroup",
    "tablist",
    "toolbar",
    "tree",
];
const HEADING_ROLES: &[&str] = &["doc-subtitle", "none", "presentation", "tab"];
const EMBEDDED_ROLES: &[&str] = &["application", "document", "img", "none", "presentation"];
const NAMED_IMAGE_ROLES: &[&str] = &[
    "button",
    "checkbox",
    "doc-cover",
    "link",
    "math",
    "menuitem",
    "menuitemcheckbox",
    "menuitemradio",
    "meter",
    "option",
    "progressbar",
    "radio",
    "scrollbar",
    "separator",
    "slider",
    "switch",
    "tab",
    "treeitem",
];
const SECTION_ROLES: &[&str] = &[
    "alert",
    "alertdialog",
    "application",
    "banner",
    "complementary",
    "contentinfo",
    "dialog",
    "doc-abstract",
    "doc-acknowledgments",
    "doc-afterword",
    "doc-appendix",
    "doc-bibliography",
    "doc-chapter",
    "doc-colophon",
    "doc-conclusion",
    "doc-credit",
    "doc-credits",
    "doc-dedication",
    "doc-endnotes",
    "doc-epigraph",
    "doc-epilogue",
    "doc-errata",
    "doc-example",
    "doc-foreword",
    "doc-glossary",
    "doc-index",
    "doc-introduction",
    "doc-notice",
    "doc-pagelist",
    "doc-part",
    "doc-preface",
    "doc-prologue",
    "doc-pullquote",
    "doc-qna",
    "doc-toc",
    "document",
    "feed",
    "group",
    "log",
    "main",
    "marquee",
    "navigation",
    "none",
    "note",
    "presentation",
    "search",
    "status",
    "tabpanel",
];

/// The roles this element may take, or `None` when it is not an HTML element.
pub fn allowed_roles(el: ElementRef<'_>) -> Option<AllowedRoles> {
    let v = el.value();
    Some(match v.name() {
        "a" if v.attribute("href").is_some() => Only(&[
            "button",
            "checkbox",
            "doc-backlink",
            "doc-biblioref",
            "doc-glossref",
            "doc-noteref",
            "menuitem",
            "menuitemcheckbox",
            "menuitemradio",
            "option",
            "radio",
            "switch",
            "tab",
            "treeitem",
        ]),
        "area" if v.attribute("href").is_some() => NoRole,
        "area" => Only(&["button", "link"]),
        "article" => Only(&[
            "application",
            "document",
            "feed",
            "main",
            "none",
            "presentation",
            "region",
        ]),
        "aside" => Only(&[
            "doc-dedication",
            "doc-example",
            "doc-footnote",
            "doc-glossary",
            "doc-pullquote",
            "doc-tip",
            "feed",
            "none",
            "note",
            "presentation",
            "region",
            "search",
        ]),
        "audio" | "video" => Only(&["application"]),
        "br" | "wbr" => Only(PRESENTATION),
        "button" => Only(&[
            "checkbox",
            "combobox",
            "gridcell",
            "link",
            "menuitem",
            "menuitemcheckbox",
            "menuitemradio",
            "option",
            "radio",
            "separator",
            "slider",
            "switch",
            "tab",
        ]),
        "dialog" => Only(&["alertdialog"]),
        "dl" => Only(&["group", "list", "none", "presentation"]),
        "dt" => Only(&["listitem"]),
        "embed" | "iframe" => Only(EMBEDDED_ROLES),
        "fieldset" => Only(&["group", "none", "presentation", "radiogroup"]),
        "figcaption" => Only(&["group", "none", "presentation"]),
        "footer" | "header" => Only(&["doc-footnote", "group", "none", "presentation"]),
        "form" => Only(&["none", "presentation", "search"]),
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => Only(HEADING_ROLES),
        "hr" => Only(&["doc-pagebreak", "none", "presentation"]),
        "img" if image_is_named(el) => Only(NAMED_IMAGE_ROLES),
        "img" => Only(PRESENTATION),
        "input" => input_roles(el),
        "li" => Only(&[
            "doc-biblioentry",
            "doc-endnote",
            "menuitem",
            "menuitemcheckbox",
            "menuitemradio",
            "none",
            "option",
            "presentation",
            "radio",
            "separator",
            "tab",
            "treeitem",
        ]),
        "menu" | "ol" | "ul" => Only(LIST_ROLES),
        "nav" => Only(&[
            "doc-index",
            "doc-pagelist",
            "doc-toc",
            "menu",
            "menubar",
            "none",
            "presentation",
            "tablist",
        ]),
        "object" => Only(&["application", "document", "img"]),
        "search" => Only(&["form", "group", "none", "presentation", "region", "search"]),
        "section" => Only(SECTION_ROLES),
        "select"
            if v.attribute("multiple").is_none()
                && v.attribute("size").is_none_or(|s| s.trim() == "1") =>
        {
            Only(&["menu"])
        }
        "base" | "body" | "caption" | "col" | "colgroup" | "datalist" | "dd" | "details"
        | "head" | "html" | "label" | "legend" | "link" | "main" | "map" | "math" | "meta"
        | "meter" | "noscript" | "optgroup" | "option" | "param" | "picture" | "progress"
        | "script" | "select" | "slot" | "source" | "style" | "summary" | "template"
        | "textarea" | "title" | "track" => NoRole,
        name if is_html_element(name) => Any,
        _ => return None,
    })
}

/// An image with a text alternative may act as a control; one without may only be hidden.
fn image_is_named(el: ElementRef<'_>) -> bool {
    el.attribute("alt").is_some_and(|a| !a.is_empty())
        || ["aria-label", "aria-labelledby", "title"]
            .iter()
            .any(|a| has_nonblank_attr(el, a))
}

fn input_roles(el: ElementRef<'_>) -> AllowedRoles {
    match input_kind(el) {
        "button" => Only(&[
            "checkbox",
            "combobox",
            "link",
            "menuitem",
            "menuitemcheckbox",
            "menuitemradio",
            "option",
            "radio",
            "switch",
            "tab",
        ]),
        "checkbox" if el.attribute("aria-pressed").is_some() => {
            Only(&["button", "menuitemcheckbox", "option", "switch"])
        }
        "checkbox" => Only(&["menuitemcheckbox", "option", "switch"]),
        "image" => Only(&[
            "link",
            "menuitem",
            "menuitemcheckbox",
            "menuitemradio",
            "radio",
            "switch",
        ]),
        "radio" => Only(&["menuitemradio"]),
        "text" if el.attribute("list").is_some() => NoRole,
        "email" | "search" | "tel" | "text" | "url" => {
            Only(&["combobox", "searchbox", "spinbutton"])
        }
        _ => NoRole,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scraper::Html;

    fn roles_of(html: &str) -> Option<AllowedRoles> {
        let dom = Html::parse_fragment(html);
        let el = dom
            .root_element()
            .child_elements()
            .next()
            .expect("an element");
        allowed_roles(el)
    }

    #[test]
    fn element_list_is_sorted() {
        assert!(HTML_ELEMENTS.windows(2).all(|w| w[0] < w[1]));
        assert!(is_html_element("section"));
        assert!(!is_html_element("my-widget"));
    }

    #[test]
    fn allowed_roles_by_element_and_variant() {
        assert_eq!(roles_of("<div></div>"), Some(Any));
        assert_eq!(roles_of("<label></label>"), Some(NoRole));
        assert_eq!(roles_of("<img alt=\"\">"), Some(Only(PRESENTATION)));
        assert_eq!(roles_of("<img alt=\"Go\">"), Some(Only(NAMED_IMAGE_ROLES)));
        assert_eq!(roles_of("<input type=\"number\">"), Some(NoRole));
        assert_eq!(
            roles_of("<input type=\"radio\">"),
            Some(Only(&["menuitemradio"]))
        );
        assert_eq!(roles_of("<x-card></x-card>"), None);
    }
}
