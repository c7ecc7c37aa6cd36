//! WAI-ARIA 1.2 vocabulary (with the DPUB and Graphics modules): which roles exist, which are
//! abstract or deprecated, the implicit role of HTML elements, which `aria-*` attributes exist
//! and what values each accepts, and which states a role requires.

use scraper::ElementRef;

use crate::engine::page::dom::{Attribute, has_nonblank_attr, is_hidden};

/// Every concrete role an author may use, sorted. `text` is not in ARIA 1.2 but browsers and
/// axe-core support it (axe has a rule for it), so it is accepted.
const CONCRETE_ROLES: &[&str] = &[
    "alert",
    "alertdialog",
    "application",
    "article",
    "banner",
    "blockquote",
    "button",
    "caption",
    "cell",
    "checkbox",
    "code",
    "columnheader",
    "combobox",
    "comment",
    "complementary",
    "contentinfo",
    "definition",
    "deletion",
    "dialog",
    "directory",
    "doc-abstract",
    "doc-acknowledgments",
    "doc-afterword",
    "doc-appendix",
    "doc-backlink",
    "doc-biblioentry",
    "doc-bibliography",
    "doc-biblioref",
    "doc-chapter",
    "doc-colophon",
    "doc-conclusion",
    "doc-cover",
    "doc-credit",
    "doc-credits",
    "doc-dedication",
    "doc-endnote",
    "doc-endnotes",
    "doc-epigraph",
    "doc-epilogue",
    "doc-errata",
    "doc-example",
    "doc-footnote",
    "doc-foreword",
    "doc-glossary",
    "doc-glossref",
    "doc-index",
    "doc-introduction",
    "doc-noteref",
    "doc-notice",
    "doc-pagebreak",
    "doc-pagefooter",
    "doc-pageheader",
    "doc-pagelist",
    "doc-part",
    "doc-preface",
    "doc-prologue",
    "doc-pullquote",
    "doc-qna",
    "doc-subtitle",
    "doc-tip",
    "doc-toc",
    "document",
    "emphasis",
    "feed",
    "figure",
    "form",
    "generic",
    "graphics-document",
    "graphics-object",
    "graphics-symbol",
    "grid",
    "gridcell",
    "group",
    "heading",
    "img",
    "insertion",
    "link",
    "list",
    "listbox",
    "listitem",
    "log",
    "main",
    "mark",
    "marquee",
    "math",
    "menu",
    "menubar",
    "menuitem",
    "menuitemcheckbox",
    "menuitemradio",
    "meter",
    "navigation",
    "none",
    "note",
    "option",
    "paragraph",
    "presentation",
    "progressbar",
    "radio",
    "radiogroup",
    "region",
    "row",
    "rowgroup",
    "rowheader",
    "scrollbar",
    "search",
    "searchbox",
    "separator",
    "slider",
    "spinbutton",
    "status",
    "strong",
    "subscript",
    "suggestion",
    "superscript",
    "switch",
    "tab",
    "table",
    "tablist",
    "tabpanel",
    "term",
    "text",
    "textbox",
    "time",
    "timer",
    "toolbar",
    "tooltip",
    "tree",
    "treegrid",
    "treeitem",
];

/// Abstract roles: ontology only, never for authors.
const ABSTRACT_ROLES: &[&str] = &[
    "command",
    "composite",
    "input",
    "landmark",
    "range",
    "roletype",
    "section",
    "sectionhead",
    "select",
    "structure",
    "widget",
    "window",
];

/// Roles deprecated by ARIA 1.2 or DPUB-ARIA 1.1.
const DEPRECATED_ROLES: &[&str] = &["directory", "doc-biblioentry", "doc-endnote"];

/// True for a concrete role an author may use.
pub fn is_concrete_role(role: &str) -> bool {
    CONCRETE_ROLES.binary_search(&role).is_ok()
}

/// True for an abstract role.
pub fn is_abstract_role(role: &str) -> bool {
    ABSTRACT_ROLES.contains(&role)
}

/// True for a deprecated role.
pub fn is_deprecated_role(role: &str) -> bool {
    DEPRECATED_ROLES.contains(&role)
}

/// The tokens of the `role` attribute, lower-cased (roles compare case-insensitively).
pub fn role_tokens(el: ElementRef<'_>) -> Vec<String> {
    el.attribute("role")
        .map(|r| {
            r.split_ascii_whitespace()
                .map(str::to_ascii_lowercase)
                .collect()
        })
        .unwrap_or_default()
}

/// The explicit role: the first token of `role` that is a concrete role.
pub fn explicit_role(el: ElementRef<'_>) -> Option<String> {
    role_tokens(el).into_iter().find(|r| is_concrete_role(r))
}

/// The role an element has without a `role` attribute (HTML-AAM, the common cases).
pub fn implicit_role(el: ElementRef<'_>) -> Option<&'static str> {
    let v = el.value();
    let input_type = || {
        v.attribute("type")
            .map(|t| t.trim().to_ascii_lowercase())
            .unwrap_or_else(|| "text".into())
    };
    Some(match v.name() {
        "a" | "area" if v.attribute("href").is_some() => "link",
        "article" => "article",
        "aside" => "complementary",
        "blockquote" => "blockquote",
        "button" => "button",
        "caption" => "caption",
        "code" => "code",
        "datalist" => "listbox",
        "dd" => "definition",
        "del" => "deletion",
        "details" => "group",
        "dfn" | "dt" => "term",
        "dialog" => "dialog",
        "em" => "emphasis",
        "fieldset" => "group",
        "figure" => "figure",
        "footer" if !in_sectioning(el) => "contentinfo",
        "form" => "form",
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => "heading",
        "header" if !in_sectioning(el) => "banner",
        "hr" => "separator",
        "img" if v.attribute("alt") == Some("") => "presentation",
        "img" => "img",
        "input" => match input_type().as_str() {
            "button" | "image" | "reset" | "submit" => "button",
            "checkbox" => "checkbox",
            "radio" => "radio",
            "range" => "slider",
            "number" => "spinbutton",
            "search" if v.attribute("list").is_none() => "searchbox",
            "email" | "tel" | "text" | "url" | "search" if v.attribute("list").is_some() => {
                "combobox"
            }
            "email" | "tel" | "text" | "url" | "password" => "textbox",
            _ => return None,
        },
        "ins" => "insertion",
        "li" => "listitem",
        "main" => "main",
        "math" => "math",
        "menu" | "ol" | "ul" => "list",
        "meter" => "meter",
        "nav" => "navigation",
        "optgroup" => "group",
        "option" => "option",
        "output" => "status",
        "p" => "paragraph",
        "progress" => "progressbar",
        "search" => "search",
        "section"
            if has_nonblank_attr(el, "aria-label") || has_nonblank_attr(el, "aria-labelledby") =>
        {
            "region"
        }
        "select" if v.attribute("multiple").is_some() => "listbox",
        "select" => "combobox",
        "strong" => "strong",
        "sub" => "subscript",
        "sup" => "superscript",
        "svg" => "graphics-document",
        "table" => "table",
        "tbody" | "thead" | "tfoot" => "rowgroup",
        "td" => "cell",
        "textarea" => "textbox",
        "th" => "columnheader",
        "time" => "time",
        "tr" => "row",
        "b" | "bdi" | "bdo" | "data" | "div" | "i" | "pre" | "q" | "samp" | "small" | "span"
        | "u" => "generic",
        _ => return None,
    })
}

fn in_sectioning(el: ElementRef<'_>) -> bool {
    el.ancestors().filter_map(ElementRef::wrap).any(|a| {
        matches!(
            a.value().name(),
            "article" | "aside" | "main" | "nav" | "section"
        )
    })
}

/// The element's role: its explicit role, else its implicit one.
pub fn role_of(el: ElementRef<'_>) -> Option<String> {
    explicit_role(el).or_else(|| implicit_role(el).map(str::to_owned))
}

/// True when the role removes the element's semantics.
pub fn is_presentational(role: &str) -> bool {
    role == "none" || role == "presentation"
}

/// The kind of value an `aria-*` attribute takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueType {
    /// `true` or `false`.
    Boolean,
    /// `true`, `false` or `mixed`.
    Tristate,
    /// One of the listed tokens.
    Token(&'static [&'static str]),
    /// A space-separated list of the listed tokens.
    Tokens(&'static [&'static str]),
    /// One id.
    IdRef,
    /// A space-separated list of ids.
    IdRefs,
    /// An integer no smaller than the minimum.
    Integer(i64),
    /// A number.
    Decimal,
    /// Free text.
    Text,
}

const TRUE_FALSE_UNDEFINED: &[&str] = &["true", "false", "undefined"];

/// The value type of an `aria-*` attribute, or `None` when no such attribute exists.
pub fn aria_attribute(name: &str) -> Option<ValueType> {
    use ValueType::*;
    Some(match name {
        "aria-atomic"
        | "aria-busy"
        | "aria-disabled"
        | "aria-modal"
        | "aria-multiline"
        | "aria-multiselectable"
        | "aria-readonly"
        | "aria-required" => Boolean,
        "aria-checked" | "aria-pressed" => Tristate,
        "aria-expanded" | "aria-grabbed" | "aria-hidden" | "aria-selected" => {
            Token(TRUE_FALSE_UNDEFINED)
        }
        "aria-autocomplete" => Token(&["inline", "list", "both", "none"]),
        "aria-current" => Token(&["page", "step", "location", "date", "time", "true", "false"]),
        "aria-haspopup" => Token(&["true", "false", "menu", "listbox", "tree", "grid", "dialog"]),
        "aria-invalid" => Token(&["grammar", "false", "spelling", "true"]),
        "aria-live" => Token(&["assertive", "off", "polite"]),
        "aria-orientation" => Token(&["horizontal", "vertical", "undefined"]),
        "aria-sort" => Token(&["ascending", "descending", "none", "other"]),
        "aria-dropeffect" => Tokens(&["copy", "execute", "link", "move", "none", "popup"]),
        "aria-relevant" => Tokens(&["additions", "all", "removals", "text"]),
        "aria-activedescendant" | "aria-errormessage" => IdRef,
        "aria-controls" | "aria-describedby" | "aria-details" | "aria-flowto"
        | "aria-labelledby" | "aria-owns" => IdRefs,
        "aria-colcount" | "aria-rowcount" => Integer(-1),
        "aria-colindex" | "aria-colspan" | "aria-level" | "aria-posinset" | "aria-rowindex"
        | "aria-rowspan" => Integer(1),
        "aria-setsize" => Integer(-1),
        "aria-valuemax" | "aria-valuemin" | "aria-valuenow" => Decimal,
        "aria-braillelabel"
        | "aria-brailleroledescription"
        | "aria-colindextext"
        | "aria-description"
        | "aria-keyshortcuts"
        | "aria-label"
        | "aria-placeholder"
        | "aria-roledescription"
        | "aria-rowindextext"
        | "aria-valuetext" => Text,
        _ => return None,
    })
}

/// True when `value` is a valid value of type `kind` (ids are checked by the caller).
pub fn value_is_valid(kind: ValueType, value: &str) -> bool {
    let value = value.trim();
    let lower = value.to_ascii_lowercase();
    match kind {
        ValueType::Boolean => matches!(lower.as_str(), "true" | "false"),
        ValueType::Tristate => matches!(lower.as_str(), "true" | "false" | "mixed" | "undefined"),
        ValueType::Token(allowed) => allowed.contains(&lower.as_str()),
        ValueType::Tokens(allowed) => {
            !lower.is_empty() && lower.split_ascii_whitespace().all(|t| allowed.contains(&t))
        }
        ValueType::Integer(min) => value.parse::<i64>().is_ok_and(|n| n >= min),
        ValueType::Decimal => value.parse::<f64>().is_ok_and(f64::is_finite),
        ValueType::IdRef | ValueType::IdRefs | ValueType::Text => true,
    }
}

/// Roles that must have an accessible name (WAI-ARIA 1.2 "name required").
const NAME_REQUIRED: &[&str] = &[
    "alertdialog",
    "button",
    "checkbox",
    "columnheader",
    "combobox",
    "dialog",
    "grid",
    "heading",
    "img",
    "link",
    "listbox",
    "menuitem",
    "menuitemcheckbox",
    "menuitemradio",
    "meter",
    "option",
    "progressbar",
    "radio",
    "radiogroup",
    "rowheader",
    "scrollbar",
    "searchbox",
    "slider",
    "spinbutton",
    "switch",
    "tab",
    "table",
    "textbox",
    "tree",
    "treegrid",
    "treeitem",
];

/// True when elements with this role must have a name.
pub fn requires_name(role: &str) -> bool {
    NAME_REQUIRED.contains(&role)
}

/// ARIA attributes allowed on every element; one of them on an element with role `none` or
/// `presentation` makes browsers ignore that role.
const GLOBAL_ATTRIBUTES: &[&str] = &[
    "aria-atomic",
    "aria-braillelabel",
    "aria-brailleroledescription",
    "aria-busy",
    "aria-controls",
    "aria-current",
    "aria-describedby",
    "aria-description",
    "aria-details",
    "aria-dropeffect",
    "aria-flowto",
    "aria-grabbed",
    "aria-keyshortcuts",
    "aria-label",
    "aria-labelledby",
    "aria-live",
    "aria-owns",
    "aria-relevant",
    "aria-roledescription",
];

/// True when the element carries a global ARIA attribute.
pub fn has_global_attribute(el: ElementRef<'_>) -> bool {
    el.value()
        .attrs()
        .any(|(name, _)| GLOBAL_ATTRIBUTES.contains(&name))
}

/// True when a keyboard user can tab to the element (from markup: links, form controls,
/// `tabindex`, `contenteditable`; not disabled, not hidden).
pub fn is_focusable(el: ElementRef<'_>) -> bool {
    let v = el.value();
    if v.attribute("disabled").is_some() || is_hidden(el) {
        return false;
    }
    if let Some(index) = v
        .attribute("tabindex")
        .and_then(|t| t.trim().parse::<i64>().ok())
    {
        return index >= 0;
    }
    natively_focusable(el).unwrap_or_else(|| {
        v.attribute("contenteditable")
            .is_some_and(|c| !c.trim().eq_ignore_ascii_case("false"))
    })
}

/// Whether an interactive HTML element can take focus by itself (a link needs `href`, a
/// `<details>` its own `<summary>`…); `None` for elements that are not interactive.
fn natively_focusable(el: ElementRef<'_>) -> Option<bool> {
    let v = el.value();
    Some(match v.name() {
        "a" | "area" => v.attribute("href").is_some(),
        "button" | "select" | "textarea" | "summary" => true,
        "details" => !el.child_elements().any(|c| c.value().name() == "summary"),
        "input" => !v
            .attribute("type")
            .is_some_and(|t| t.trim().eq_ignore_ascii_case("hidden")),
        _ => return None,
    })
}

/// True when the element's explicit role is `none` or `presentation` and browsers honour it:
/// they ignore it on focusable elements and on elements with global ARIA attributes
/// ("presentational role conflict resolution").
pub fn is_effectively_presentational(el: ElementRef<'_>) -> bool {
    explicit_role(el).is_some_and(|r| is_presentational(&r))
        && !is_focusable(el)
        && !has_global_attribute(el)
}

/// The element-name rules (button-name, image-alt…) skip elements whose explicit role neither
/// requires a name nor makes them focusable: `<img role="separator">` is not an image.
pub fn explicit_role_keeps_name_rule(el: ElementRef<'_>) -> bool {
    match explicit_role(el) {
        None => true,
        Some(role) => is_presentational(&role) || requires_name(&role) || is_focusable(el),
    }
}

/// The states and properties a role requires an author to set.
pub fn required_attributes(role: &str) -> &'static [&'static str] {
    match role {
        "checkbox" | "menuitemcheckbox" | "menuitemradio" | "radio" | "switch" => &["aria-checked"],
        "combobox" => &["aria-expanded"],
        "heading" => &["aria-level"],
        "meter" | "slider" => &["aria-valuenow"],
        "scrollbar" => &["aria-controls", "aria-valuenow"],
        _ => &[],
    }
}

/// States ARIA 1.2 took off the global list that axe-core (and browsers) still allow on every
/// element whatever its role.
const LEGACY_GLOBAL_STATES: &[&str] = &[
    "aria-disabled",
    "aria-errormessage",
    "aria-haspopup",
    "aria-hidden",
    "aria-invalid",
];

/// True for an attribute axe-core allows on every element: the ARIA 1.2 globals plus the
/// [`LEGACY_GLOBAL_STATES`].
pub fn is_universal_attribute(name: &str) -> bool {
    GLOBAL_ATTRIBUTES.contains(&name) || LEGACY_GLOBAL_STATES.contains(&name)
}

/// The first universal ARIA attribute the element carries.
pub fn universal_attribute<'a>(el: ElementRef<'a>) -> Option<&'a str> {
    el.value()
        .attrs()
        .map(|(name, _)| name)
        .find(|name| is_universal_attribute(name))
}

/// What WAI-ARIA 1.2 (as axe-core applies it) says about one role beyond its name.
#[derive(Debug, Clone, Copy, Default)]
pub struct RoleSpec {
    /// A widget: an interactive control (axe's role type `widget`).
    pub widget: bool,
    /// Its descendants are presentational: browsers flatten them into the control.
    pub presentational_children: bool,
    /// Role-specific attributes it supports (required ones included), beyond the universal ones.
    pub attributes: &'static [&'static str],
    /// Roles one of which must contain it (its required context).
    pub context: &'static [&'static str],
    /// Roles it must own at least one of (its required owned elements).
    pub owned: &'static [&'static str],
}

const EXPANDED: &[&str] = &["aria-expanded"];
const HEADER_CELL: &[&str] = &[
    "aria-colindex",
    "aria-colspan",
    "aria-expanded",
    "aria-readonly",
    "aria-required",
    "aria-rowindex",
    "aria-rowspan",
    "aria-selected",
    "aria-sort",
];
const TEXT_FIELD: &[&str] = &[
    "aria-activedescendant",
    "aria-autocomplete",
    "aria-multiline",
    "aria-placeholder",
    "aria-readonly",
    "aria-required",
];
const MENU_ITEMS: &[&str] = &[
    "group",
    "menu",
    "menuitem",
    "menuitemcheckbox",
    "menuitemradio",
    "separator",
];
const MENU_CONTEXT: &[&str] = &["group", "menu", "menubar"];
const ROWS: &[&str] = &["row", "rowgroup"];
const CELL_CONTEXT: &[&str] = &["row"];
const VALUE_RANGE: &[&str] = &[
    "aria-valuemax",
    "aria-valuemin",
    "aria-valuenow",
    "aria-valuetext",
];

/// The spec of a concrete role, `None` for roles axe-core does not know (`generic`) and
/// unknown tokens. DPUB roles share one default spec.
pub fn role_spec(role: &str) -> Option<RoleSpec> {
    let plain = RoleSpec::default();
    let widget = RoleSpec {
        widget: true,
        ..plain
    };
    let expandable = RoleSpec {
        attributes: EXPANDED,
        ..plain
    };
    let expandable_widget = RoleSpec {
        attributes: EXPANDED,
        ..widget
    };
    let control = |attributes| RoleSpec {
        widget: true,
        presentational_children: true,
        attributes,
        ..plain
    };
    Some(match role {
        "alert" | "link" | "log" | "marquee" | "status" | "tabpanel" | "timer" => expandable_widget,
        "alertdialog" | "dialog" => RoleSpec {
            attributes: &["aria-expanded", "aria-modal"],
            ..widget
        },
        "application" | "group" => RoleSpec {
            attributes: &["aria-activedescendant", "aria-expanded"],
            ..plain
        },
        "article" => RoleSpec {
            attributes: &["aria-expanded", "aria-posinset", "aria-setsize"],
            ..plain
        },
        "banner" | "complementary" | "contentinfo" | "definition" | "directory" | "document"
        | "figure" | "form" | "graphics-document" | "graphics-object" | "heading" | "main"
        | "navigation" | "note" | "region" | "search" | "term" | "tooltip" => expandable,
        "feed" => RoleSpec {
            attributes: EXPANDED,
            owned: &["article"],
            ..plain
        },
        "img" | "math" => RoleSpec {
            attributes: EXPANDED,
            presentational_children: true,
            ..plain
        },
        "graphics-symbol" => RoleSpec {
            presentational_children: true,
            ..plain
        },
        "button" => control(&["aria-expanded", "aria-pressed"]),
        "checkbox" => control(&[
            "aria-checked",
            "aria-expanded",
            "aria-readonly",
            "aria-required",
        ]),
        "switch" => control(&[
            "aria-checked",
            "aria-expanded",
            "aria-readonly",
            "aria-required",
        ]),
        "radio" => RoleSpec {
            attributes: &[
                "aria-checked",
                "aria-posinset",
                "aria-required",
                "aria-setsize",
            ],
            ..control(&[])
        },
        "menuitemcheckbox" | "menuitemradio" => RoleSpec {
            context: MENU_CONTEXT,
            ..control(&[
                "aria-checked",
                "aria-expanded",
                "aria-posinset",
                "aria-readonly",
                "aria-setsize",
            ])
        },
        "menuitem" => RoleSpec {
            attributes: &["aria-expanded", "aria-posinset", "aria-setsize"],
            context: MENU_CONTEXT,
            ..widget
        },
        "option" => RoleSpec {
            context: &["group", "listbox"],
            ..control(&[
                "aria-checked",
                "aria-posinset",
                "aria-selected",
                "aria-setsize",
            ])
        },
        "tab" => RoleSpec {
            context: &["tablist"],
            ..control(&[
                "aria-expanded",
                "aria-posinset",
                "aria-selected",
                "aria-setsize",
            ])
        },
        "progressbar" => control(&[
            "aria-expanded",
            "aria-valuemax",
            "aria-valuemin",
            "aria-valuenow",
            "aria-valuetext",
        ]),
        "meter" => RoleSpec {
            widget: false,
            ..control(VALUE_RANGE)
        },
        "scrollbar" => control(&[
            "aria-controls",
            "aria-orientation",
            "aria-valuemax",
            "aria-valuemin",
            "aria-valuenow",
            "aria-valuetext",
        ]),
        "separator" => RoleSpec {
            widget: false,
            ..control(&[
                "aria-orientation",
                "aria-valuemax",
                "aria-valuemin",
                "aria-valuenow",
                "aria-valuetext",
            ])
        },
        "slider" => control(&[
            "aria-orientation",
            "aria-readonly",
            "aria-required",
            "aria-valuemax",
            "aria-valuemin",
            "aria-valuenow",
            "aria-valuetext",
        ]),
        "spinbutton" => RoleSpec {
            attributes: &[
                "aria-activedescendant",
                "aria-readonly",
                "aria-required",
                "aria-valuemax",
                "aria-valuemin",
                "aria-valuenow",
                "aria-valuetext",
            ],
            ..widget
        },
        "combobox" => RoleSpec {
            attributes: &[
                "aria-activedescendant",
                "aria-autocomplete",
                "aria-expanded",
                "aria-orientation",
                "aria-readonly",
                "aria-required",
            ],
            ..widget
        },
        "searchbox" | "textbox" => RoleSpec {
            attributes: TEXT_FIELD,
            ..widget
        },
        "listbox" => RoleSpec {
            attributes: &[
                "aria-activedescendant",
                "aria-expanded",
                "aria-multiselectable",
                "aria-orientation",
                "aria-readonly",
                "aria-required",
            ],
            owned: &["group", "option"],
            ..widget
        },
        "list" => RoleSpec {
            attributes: EXPANDED,
            owned: &["group", "listitem"],
            ..plain
        },
        "listitem" => RoleSpec {
            attributes: &[
                "aria-expanded",
                "aria-level",
                "aria-posinset",
                "aria-setsize",
            ],
            context: &["list"],
            ..plain
        },
        "menu" | "menubar" => RoleSpec {
            attributes: &["aria-activedescendant", "aria-expanded", "aria-orientation"],
            owned: MENU_ITEMS,
            ..plain
        },
        "tablist" => RoleSpec {
            attributes: &[
                "aria-activedescendant",
                "aria-expanded",
                "aria-level",
                "aria-multiselectable",
                "aria-orientation",
            ],
            owned: &["tab"],
            ..plain
        },
        "toolbar" => RoleSpec {
            attributes: &["aria-activedescendant", "aria-expanded", "aria-orientation"],
            ..plain
        },
        "radiogroup" => RoleSpec {
            attributes: &[
                "aria-activedescendant",
                "aria-expanded",
                "aria-orientation",
                "aria-readonly",
                "aria-required",
            ],
            ..plain
        },
        "tree" => RoleSpec {
            attributes: &[
                "aria-activedescendant",
                "aria-expanded",
                "aria-multiselectable",
                "aria-orientation",
                "aria-required",
            ],
            owned: &["group", "treeitem"],
            ..plain
        },
        "treeitem" => RoleSpec {
            attributes: &[
                "aria-checked",
                "aria-expanded",
                "aria-level",
                "aria-posinset",
                "aria-selected",
                "aria-setsize",
            ],
            context: &["group", "tree"],
            ..widget
        },
        "grid" => RoleSpec {
            attributes: &[
                "aria-activedescendant",
                "aria-colcount",
                "aria-expanded",
                "aria-level",
                "aria-multiselectable",
                "aria-readonly",
                "aria-rowcount",
            ],
            owned: ROWS,
            ..plain
        },
        "treegrid" => RoleSpec {
            attributes: &[
                "aria-activedescendant",
                "aria-colcount",
                "aria-expanded",
                "aria-level",
                "aria-multiselectable",
                "aria-orientation",
                "aria-readonly",
                "aria-required",
                "aria-rowcount",
            ],
            owned: ROWS,
            ..plain
        },
        "table" => RoleSpec {
            attributes: &["aria-colcount", "aria-rowcount"],
            owned: ROWS,
            ..plain
        },
        "rowgroup" => RoleSpec {
            context: &["grid", "table", "treegrid"],
            owned: &["row"],
            ..plain
        },
        "row" => RoleSpec {
            attributes: &[
                "aria-activedescendant",
                "aria-colindex",
                "aria-expanded",
                "aria-level",
                "aria-posinset",
                "aria-rowindex",
                "aria-selected",
                "aria-setsize",
            ],
            context: &["grid", "rowgroup", "table", "treegrid"],
            owned: &["cell", "columnheader", "gridcell", "rowheader"],
            ..plain
        },
        "cell" => RoleSpec {
            attributes: &[
                "aria-colindex",
                "aria-colspan",
                "aria-rowindex",
                "aria-rowspan",
            ],
            context: CELL_CONTEXT,
            ..plain
        },
        "columnheader" | "rowheader" => RoleSpec {
            attributes: HEADER_CELL,
            context: CELL_CONTEXT,
            ..plain
        },
        "gridcell" => RoleSpec {
            attributes: &[
                "aria-colindex",
                "aria-colspan",
                "aria-expanded",
                "aria-readonly",
                "aria-required",
                "aria-rowindex",
                "aria-rowspan",
                "aria-selected",
            ],
            context: CELL_CONTEXT,
            ..widget
        },
        "caption" => RoleSpec {
            context: &["figure", "grid", "table", "treegrid"],
            ..plain
        },
        "comment" => RoleSpec {
            attributes: &["aria-level", "aria-posinset", "aria-setsize"],
            ..plain
        },
        "suggestion" => RoleSpec {
            owned: &["deletion", "insertion"],
            ..plain
        },
        "generic" => return None,
        _ if is_concrete_role(role) => plain,
        _ => return None,
    })
}

/// The role a DPUB role falls back to where it is not supported: such a role belongs on an
/// element whose implicit role is that one (`doc-noteref` on a link).
pub fn dpub_fallback(role: &str) -> Option<&'static str> {
    Some(match role {
        "doc-backlink" | "doc-biblioref" | "doc-glossref" | "doc-noteref" => "link",
        "doc-biblioentry" | "doc-endnote" => "listitem",
        "doc-cover" => "img",
        _ => return None,
    })
}

/// The canonical spelling of a role token axe-core accepts: concrete, not `generic` (which
/// axe does not know), and DPUB roles only when `dpub` is set.
pub fn axe_role_token(token: &str, dpub: bool) -> Option<&'static str> {
    let lower;
    let token = if token.bytes().any(|b| b.is_ascii_uppercase()) {
        lower = token.to_ascii_lowercase();
        lower.as_str()
    } else {
        token
    };
    if token == "generic" || (!dpub && token.starts_with("doc-")) {
        return None;
    }
    CONCRETE_ROLES
        .binary_search(&token)
        .ok()
        .map(|i| CONCRETE_ROLES[i])
}

/// The explicit role as axe-core reads it (`getExplicitRole`): the whole trimmed `role` value
/// must be a role, or with `fallback` its first token that is one.
pub fn axe_explicit_role(el: ElementRef<'_>, dpub: bool, fallback: bool) -> Option<&'static str> {
    let value = el.attribute("role")?.trim();
    if fallback {
        value
            .split_ascii_whitespace()
            .find_map(|t| axe_role_token(t, dpub))
    } else {
        axe_role_token(value, dpub)
    }
}

/// True when a keyboard or script can focus the element, as axe-core decides it
/// (`isFocusable`): natively focusable controls and any element with a `tabindex` (negative
/// ones included), unless disabled or hidden from everyone.
pub fn accepts_focus(el: ElementRef<'_>) -> bool {
    let v = el.value();
    let name = v.name();
    if (v.attribute("disabled").is_some()
        && matches!(
            name,
            "button" | "input" | "select" | "textarea" | "option" | "optgroup" | "fieldset"
        ))
        || is_hidden(el)
    {
        return false;
    }
    natively_focusable(el).unwrap_or(false)
        || v.attribute("tabindex")
            .is_some_and(|t| t.trim().parse::<i64>().is_ok())
}

/// True when browsers ignore a `none`/`presentation` role on the element: it is focusable or
/// carries a universal ARIA attribute.
fn overrides_presentation(el: ElementRef<'_>) -> bool {
    universal_attribute(el).is_some() || accepts_focus(el)
}

/// Input types browsers know; any other value behaves as `text`.
const INPUT_TYPES: &[&str] = &[
    "button",
    "checkbox",
    "color",
    "date",
    "datetime-local",
    "email",
    "file",
    "hidden",
    "image",
    "month",
    "number",
    "password",
    "radio",
    "range",
    "reset",
    "search",
    "submit",
    "tel",
    "text",
    "time",
    "url",
    "week",
];

/// The type of an `<input>` as browsers read it (lower-case; unknown values are `text`).
pub fn input_kind(el: ElementRef<'_>) -> &'static str {
    let raw = el.attribute("type").unwrap_or_default().trim();
    INPUT_TYPES
        .iter()
        .find(|t| t.eq_ignore_ascii_case(raw))
        .copied()
        .unwrap_or("text")
}

/// The implicit role as axe-core computes it: like [`implicit_role`], but without `generic`
/// (axe does not know it), with table cells that depend on their table, images that keep
/// `img` when given ARIA or focus, and the presentational role that list items and table
/// parts inherit from a presentational list or table.
pub fn axe_implicit_role(el: ElementRef<'_>) -> Option<&'static str> {
    if let Some(inherited) = inherited_presentation(el) {
        return Some(inherited);
    }
    let v = el.value();
    match v.name() {
        "td" => {
            let table = el
                .ancestors()
                .filter_map(ElementRef::wrap)
                .find(|a| a.value().name() == "table");
            let grid = table.and_then(|t| axe_explicit_role(t, false, false));
            Some(if matches!(grid, Some("grid" | "treegrid")) {
                "gridcell"
            } else {
                "cell"
            })
        }
        "th" if v
            .attribute("scope")
            .is_some_and(|s| s.trim().eq_ignore_ascii_case("row")) =>
        {
            Some("rowheader")
        }
        "img" if v.attribute("alt") == Some("") && overrides_presentation(el) => Some("img"),
        "section"
            if has_nonblank_attr(el, "aria-label")
                || has_nonblank_attr(el, "aria-labelledby")
                || has_nonblank_attr(el, "title") =>
        {
            Some("region")
        }
        "select" => {
            let listbox = v.attribute("multiple").is_some()
                || v.attribute("size")
                    .and_then(|s| s.trim().parse::<u32>().ok())
                    .is_some_and(|s| s > 1);
            Some(if listbox { "listbox" } else { "combobox" })
        }
        "input" => {
            let list = v.attribute("list").is_some();
            Some(match input_kind(el) {
                "button" | "image" | "reset" | "submit" => "button",
                "checkbox" => "checkbox",
                "radio" => "radio",
                "range" => "slider",
                "number" => "spinbutton",
                "search" if list => "combobox",
                "search" => "searchbox",
                "email" | "tel" | "text" | "url" if list => "combobox",
                _ => "textbox",
            })
        }
        _ => implicit_role(el).filter(|r| *r != "generic"),
    }
}

/// Parents through which a presentational role passes down to the element (a `<li>` of a
/// `<ul role="none">` is not a list item either).
fn presentation_parents(name: &str) -> &'static [&'static str] {
    match name {
        "td" | "th" => &["tr"],
        "tr" => &["table", "tbody", "tfoot", "thead"],
        "tbody" | "tfoot" | "thead" => &["table"],
        "li" => &["ol", "ul"],
        "dd" | "dt" => &["div", "dl"],
        _ => &[],
    }
}

fn inherited_presentation(el: ElementRef<'_>) -> Option<&'static str> {
    let parents = presentation_parents(el.value().name());
    if parents.is_empty() {
        return None;
    }
    let parent = el.parent().and_then(ElementRef::wrap)?;
    if !parents.contains(&parent.value().name()) {
        return None;
    }
    match axe_explicit_role(parent, false, false) {
        Some(role) if is_presentational(role) && !overrides_presentation(parent) => Some(role),
        Some(_) => None,
        None => inherited_presentation(parent),
    }
}

/// The element's role as axe-core computes it (`getRole`): the explicit role (a DPUB role
/// only with `dpub`), unless it is `none`/`presentation` on an element where browsers ignore
/// that, else the implicit role. With `semantic_only`, `none` and `presentation` give `None`.
pub fn axe_role(el: ElementRef<'_>, dpub: bool, semantic_only: bool) -> Option<&'static str> {
    let role = match axe_explicit_role(el, dpub, false) {
        Some(role) if is_presentational(role) && overrides_presentation(el) => {
            axe_implicit_role(el)
        }
        Some(role) => Some(role),
        None => axe_implicit_role(el),
    };
    role.filter(|r| !(semantic_only && is_presentational(r)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use scraper::Html;

    #[test]
    fn role_lists_are_sorted_and_disjoint() {
        assert!(CONCRETE_ROLES.windows(2).all(|w| w[0] < w[1]));
        assert!(ABSTRACT_ROLES.iter().all(|r| !is_concrete_role(r)));
        assert!(DEPRECATED_ROLES.iter().all(|r| is_concrete_role(r)));
    }

    #[test]
    fn implicit_and_explicit_roles() {
        let dom = Html::parse_document(
            r#"<body><a href="/">x</a><a>y</a><img alt=""><input type="checkbox">
               <div role="foo button">b</div><header>h</header><article><header>i</header></article></body>"#,
        );
        let roles: Vec<Option<String>> = [
            "a[href]",
            "a:not([href])",
            "img",
            "input",
            "div",
            "body > header",
            "article header",
        ]
        .iter()
        .map(|css| {
            let s = scraper::Selector::parse(css).unwrap();
            role_of(dom.select(&s).next().unwrap())
        })
        .collect();
        let expected = [
            Some("link"),
            None,
            Some("presentation"),
            Some("checkbox"),
            Some("button"),
            Some("banner"),
            None,
        ];
        assert_eq!(roles, expected.map(|r| r.map(str::to_owned)));
    }

    #[test]
    fn attribute_values() {
        assert_eq!(aria_attribute("aria-foo"), None);
        let t = |name, value| value_is_valid(aria_attribute(name).unwrap(), value);
        assert!(t("aria-hidden", "TRUE"));
        assert!(!t("aria-busy", "yes"));
        assert!(t("aria-checked", "mixed"));
        assert!(!t("aria-level", "0"));
        assert!(t("aria-level", "2"));
        assert!(t("aria-relevant", "additions text"));
        assert!(!t("aria-relevant", "additions words"));
        assert!(t("aria-valuenow", "-1.5"));
        assert!(!t("aria-valuenow", "lots"));
    }
}
