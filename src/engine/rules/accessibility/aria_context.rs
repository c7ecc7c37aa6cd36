//! Roles in context: composite roles that must own their items (a list its list items), items
//! that must sit in their container (a tab in a tab list), and elements whose content must not
//! be focusable (role="text", and controls whose children are presentational). Roles are read
//! as axe-core reads them ([`axe_role`]); `aria-owns` counts as containment.

use std::cell::OnceCell;
use std::collections::HashMap;

use scraper::{ElementRef, Node};

use super::roles::{accepts_focus, axe_explicit_role, axe_role, role_spec, universal_attribute};
use super::verdict::{Verdict, judge};
use crate::engine::page::Page;
use crate::engine::page::dom::{Attribute, element_by_id, is_hidden_from_at, visible_text};
use crate::engine::rules::{Check, Refs, Rule};
use crate::sel;

/// Containers that script often fills after load: when one owns nothing at all it is listed
/// for review rather than failed.
const FILLED_BY_SCRIPT: &[&str] = &[
    "grid", "list", "listbox", "menu", "menubar", "rowgroup", "table", "tablist", "tree",
    "treegrid",
];

/// Items that may sit in a `group` of their own kind inside their container (a tree item in
/// a group of tree items).
const NESTING_ITEMS: &[&str] = &["listitem", "treeitem"];

/// Elements whose presence is content even without text.
const CONTENT_ELEMENTS: &[&str] = &[
    "audio", "button", "canvas", "embed", "iframe", "img", "input", "object", "select", "svg",
    "textarea", "video",
];

/// An element a composite role owns, with the reason it counts: its role, or else a global
/// ARIA attribute or focusability that gives it semantics of its own.
struct Owned<'a> {
    el: ElementRef<'a>,
    role: Option<&'static str>,
    attribute: Option<&'a str>,
}

impl Owned<'_> {
    /// How the evidence names it: `[role=x]`, `div[aria-live]`, `div[tabindex]` or `span`.
    fn label(&self) -> String {
        let name = self.el.value().name();
        if let Some(role) = axe_explicit_role(self.el, true, false) {
            format!("[role={role}]")
        } else if let Some(attr) = self.attribute {
            format!("{name}[{attr}]")
        } else if self.el.attribute("tabindex").is_some() {
            format!("{name}[tabindex]")
        } else {
            name.to_owned()
        }
    }
}

/// What an element owns: its children and the elements `aria-owns` points at, looking
/// through elements without semantics (and through groups the role allows).
struct Ownership<'a> {
    owned: Vec<Owned<'a>>,
    /// Whether any owned text or element has content (text, an image, a control).
    content: bool,
}

fn ownership<'a>(page: &'a Page, el: ElementRef<'a>, required: &[&str]) -> Ownership<'a> {
    let mut queue: Vec<_> = el.children().collect();
    if let Some(ids) = el.attribute("aria-owns") {
        queue.extend(
            ids.split_ascii_whitespace()
                .filter_map(|id| element_by_id(&page.dom, id))
                .map(|e| *e),
        );
    }
    queue.reverse();
    let mut result = Ownership {
        owned: Vec::new(),
        content: false,
    };
    while let Some(node) = queue.pop() {
        if let Node::Text(t) = node.value() {
            result.content |= !t.trim().is_empty();
            continue;
        }
        let Some(child) = ElementRef::wrap(node) else {
            continue;
        };
        if is_hidden_from_at(child) {
            continue;
        }
        let role = axe_role(child, false, true);
        let attribute = universal_attribute(child);
        let semantic = role.is_some() || attribute.is_some() || accepts_focus(child);
        let see_through = role.is_some_and(|r| matches!(r, "group" | "rowgroup"))
            && role.is_some_and(|r| required.contains(&r));
        if !semantic || see_through {
            queue.extend(child.children().collect::<Vec<_>>().into_iter().rev());
        } else {
            result.content |=
                CONTENT_ELEMENTS.contains(&child.value().name()) || !visible_text(child).is_empty();
            result.owned.push(Owned {
                el: child,
                role,
                attribute,
            });
        }
    }
    result
}

fn required_children_verdict(page: &Page, el: ElementRef<'_>) -> Verdict {
    let Some(role) = axe_explicit_role(el, true, false) else {
        return Verdict::Skip;
    };
    let required = role_spec(role).map(|s| s.owned).unwrap_or(&[]);
    if required.is_empty() {
        return Verdict::Skip;
    }
    let found = ownership(page, el, required);
    let mut unallowed: Vec<String> = Vec::new();
    for owned in &found.owned {
        if owned.role.is_none_or(|r| !required.contains(&r)) {
            let label = owned.label();
            if !unallowed.contains(&label) {
                unallowed.push(label);
            }
        }
    }
    if !unallowed.is_empty() {
        return Verdict::Fail(format!(
            "role `{role}` may only own {}, but it owns {}",
            required.join(", "),
            unallowed.join(", ")
        ));
    }
    let busy = el
        .attribute("aria-busy")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
    if found.owned.iter().any(|o| o.role.is_some()) || busy {
        return Verdict::Pass;
    }
    let why = format!(
        "role `{role}` must own at least one element with role {}",
        required.join(" or ")
    );
    if FILLED_BY_SCRIPT.contains(&role) && !found.content {
        Verdict::Review(format!(
            "{why}; it is empty, so check that script fills it (or mark it aria-busy while \
             loading)"
        ))
    } else {
        Verdict::Fail(why)
    }
}

pub fn aria_required_children(page: &Page) -> Check {
    judge(
        page.select(sel!("[role]")),
        "no element has a role that requires owned elements",
        |el| required_children_verdict(page, el),
    )
}

/// The context roles still missing when climbing from `start` (the element's parent, or an
/// element that owns it): `None` when a container of a required role is found first.
fn missing_context(
    start: Option<ElementRef<'_>>,
    role: &'static str,
    mut missing: Vec<&'static str>,
) -> Option<Vec<&'static str>> {
    let allows_group = missing.contains(&"group");
    let mut current = start;
    while let Some(el) = current {
        match axe_role(el, false, true) {
            None => {}
            Some("group") if allows_group => {
                if NESTING_ITEMS.contains(&role) && !missing.contains(&role) {
                    missing.push(role);
                }
                missing.retain(|r| *r != "group");
            }
            Some(found) if missing.contains(&found) => return None,
            Some(_) => return Some(missing),
        }
        current = el.parent().and_then(ElementRef::wrap);
    }
    Some(missing)
}

/// For every id named in an `aria-owns`, the first element that owns it.
fn owners_by_id(page: &Page) -> HashMap<&str, ElementRef<'_>> {
    let mut owners = HashMap::new();
    for owner in page.select(sel!("[aria-owns]")) {
        for id in owner
            .attribute("aria-owns")
            .unwrap_or_default()
            .split_ascii_whitespace()
        {
            owners.entry(id).or_insert(owner);
        }
    }
    owners
}

pub fn aria_required_parent(page: &Page) -> Check {
    let owners: OnceCell<HashMap<&str, ElementRef<'_>>> = OnceCell::new();
    judge(
        page.select(sel!("[role]")),
        "no element has a role that requires a container",
        |el| {
            let Some(role) = axe_explicit_role(el, false, false) else {
                return Verdict::Skip;
            };
            let context = role_spec(role).map(|s| s.context).unwrap_or(&[]);
            if context.is_empty() {
                return Verdict::Skip;
            }
            let parent = el.parent().and_then(ElementRef::wrap);
            let Some(mut missing) = missing_context(parent, role, context.to_vec()) else {
                return Verdict::Pass;
            };
            let owners = owners.get_or_init(|| owners_by_id(page));
            let claimed = std::iter::once(el)
                .chain(el.ancestors().filter_map(ElementRef::wrap))
                .filter_map(|a| a.value().id().and_then(|id| owners.get(id)));
            for owner in claimed {
                match missing_context(Some(*owner), role, missing) {
                    None => return Verdict::Pass,
                    Some(still) => missing = still,
                }
            }
            Verdict::Fail(format!(
                "role `{role}` must be inside an element with role {}",
                missing.join(" or ")
            ))
        },
    )
}

/// The focusable controls inside `el` (not `el` itself): descendants whose role is a widget
/// and that accept focus; the search does not go inside them.
fn focusable_controls(el: ElementRef<'_>) -> Vec<ElementRef<'_>> {
    let mut found = Vec::new();
    let mut stack: Vec<ElementRef<'_>> = el.child_elements().collect();
    while let Some(child) = stack.pop() {
        let widget = axe_role(child, false, false)
            .and_then(role_spec)
            .is_some_and(|s| s.widget);
        if widget && accepts_focus(child) {
            found.push(child);
        } else {
            stack.extend(child.child_elements());
        }
    }
    found
}

/// The verdict for an element whose content must not hold focusable controls.
fn no_focusable_content(el: ElementRef<'_>, what: &str) -> Verdict {
    match focusable_controls(el).first() {
        None => Verdict::Pass,
        Some(control) => {
            let hint = if control
                .attribute("tabindex")
                .and_then(|t| t.trim().parse::<i64>().ok())
                .is_some_and(|t| t < 0)
            {
                " (tabindex=\"-1\" does not hide it from screen readers)"
            } else {
                ""
            };
            Verdict::Fail(format!(
                "{what} contains a focusable <{}>{hint}",
                control.value().name()
            ))
        }
    }
}

pub fn aria_text(page: &Page) -> Check {
    judge(
        page.select(sel!("[role=text]")),
        "no element has role=\"text\"",
        |el| {
            no_focusable_content(
                el,
                "role=\"text\" flattens its content into one string, but it",
            )
        },
    )
}

pub fn nested_interactive(page: &Page) -> Check {
    judge(
        // Elements with a role, and those whose implicit role can have presentational
        // children (buttons, checkboxes, radios, sliders, images, separators, options, meters,
        // progress bars, math).
        page.select(sel!(
            "[role], button, hr, img, input, math, meter, option, progress"
        ))
        .filter(|el| {
            axe_role(*el, false, false)
                .and_then(role_spec)
                .is_some_and(|s| s.presentational_children)
        }),
        "no control whose children are presentational",
        |el| {
            let role = axe_role(el, false, false).unwrap_or_default();
            no_focusable_content(
                el,
                &format!("the `{role}` hides its children from screen readers, but it"),
            )
        },
    )
}

/// The rules of this file.
pub static RULES: &[Rule] = &[
    axe_rule! {
        id: "aria-required-children",
        title: "ARIA containers own the items their role requires",
        description: "A list, menu, tab list, grid or tree must contain its items (list items, menu items, tabs, rows): otherwise screen readers cannot announce the structure or let users move through it.",
        severity: Critical,
        weight: 10.0,
        fix: "Put the required items directly inside the container.",
        steps: [
            "Give the children the item role (role=\"listitem\", \"menuitem\", \"tab\", \"row\"…).",
            "Remove other roles, tabindex and global aria-* attributes from wrappers between the container and its items.",
            "If items are loaded by script, set aria-busy=\"true\" until they are in place.",
        ],
        minutes: 10,
        refs: Refs::axe("aria-required-children", &["1.3.1"]),
        check: aria_required_children,
    },
    axe_rule! {
        id: "aria-required-parent",
        title: "ARIA items are inside their required container",
        description: "A list item, tab, menu item, option or row outside its container (list, tab list, menu, listbox, table) is announced without its position and cannot be navigated as part of a set.",
        severity: Critical,
        weight: 10.0,
        fix: "Nest each item in a container of the right role.",
        steps: [
            "Wrap items in the container role (role=\"tablist\" around tabs, role=\"listbox\" around options).",
            "Or, if the container is elsewhere in the DOM, point its aria-owns at the items.",
        ],
        minutes: 10,
        refs: Refs::axe("aria-required-parent", &["1.3.1"]),
        check: aria_required_parent,
    },
    axe_rule! {
        id: "aria-text",
        title: "role=\"text\" holds no focusable content",
        description: "role=\"text\" makes screen readers read the content as one string; a link or button inside it can still receive focus but is no longer announced as a control.",
        severity: Major,
        weight: 7.0,
        fix: "Keep controls out of role=\"text\".",
        steps: [
            "Remove role=\"text\" from elements that contain links, buttons or form fields.",
        ],
        minutes: 3,
        refs: Refs::axe("aria-text", &[]),
        check: aria_text,
    },
    axe_rule! {
        id: "nested-interactive",
        title: "Interactive controls are not nested",
        description: "Buttons, checkboxes, tabs and options present their content as plain text, so a focusable control inside one is reached by keyboard but never announced.",
        severity: Major,
        weight: 7.0,
        fix: "Move the inner control out of the outer one.",
        steps: [
            "Place the inner link, button or field next to the outer control instead of inside it.",
            "Or remove the outer role if the container is not itself a control.",
        ],
        minutes: 10,
        refs: Refs::axe_only("nested-interactive", &["4.1.2"]),
        check: nested_interactive,
    },
];

#[cfg(test)]
mod tests {
    use crate::engine::rules::testing::{check, failing, page};
    use crate::report::Outcome::{NotApplicable, Pass};

    /// (rule, HTML, failing selectors); an empty list means no failure.
    fn assert_failing(rule: &str, cases: &[(&str, &[&str])]) {
        for (html, expected) in cases {
            assert_eq!(failing(rule, &page(html)), *expected, "{rule}: {html}");
        }
    }

    #[test]
    fn containers_own_their_items() {
        let rule = "accessibility.aria-required-children";
        assert_failing(
            rule,
            &[
                (
                    r#"<div id="a" role="tablist"><span role="tab">One</span></div>"#,
                    &[],
                ),
                (
                    r#"<div id="a" role="tablist"><div><span role="tab">One</span></div></div>"#,
                    &[],
                ),
                (
                    r#"<div id="a" role="tablist"><span role="button">One</span></div>"#,
                    &["div#a"],
                ),
                (
                    r#"<div id="a" role="listbox"><div tabindex="0"><span role="option">x</span></div></div>"#,
                    &["div#a"],
                ),
                (
                    r#"<div id="a" role="menu" aria-owns="m1"></div><p id="m1" role="menuitem">Open</p>"#,
                    &[],
                ),
                (
                    r#"<div id="a" role="row"><span>no cells</span></div>"#,
                    &["div#a"],
                ),
                (
                    r#"<div id="a" role="tree"><ul role="group"><li role="treeitem">x</li></ul></div>"#,
                    &[],
                ),
                (r#"<div id="a" role="list" aria-busy="true"></div>"#, &[]),
            ],
        );
        let empty = check(rule, &page(r#"<div role="tablist"></div>"#));
        assert_eq!((empty.outcome, empty.reviews.len()), (Pass, 1));
        let none = check(rule, &page(r#"<ul><li>plain list</li></ul>"#));
        assert_eq!(none.outcome, NotApplicable);
    }

    #[test]
    fn items_are_in_their_containers() {
        let rule = "accessibility.aria-required-parent";
        assert_failing(
            rule,
            &[
                (
                    r#"<div role="tablist"><b role="tab" id="a">One</b></div>"#,
                    &[],
                ),
                (
                    r#"<div role="listbox"><div role="none"><i id="a" role="option">x</i></div></div>"#,
                    &[],
                ),
                (r#"<b role="tab" id="a">One</b>"#, &["b#a"]),
                (
                    r#"<div role="toolbar"><i id="a" role="option">x</i></div>"#,
                    &["i#a"],
                ),
                (
                    r#"<div role="menu" aria-owns="w"></div><div id="w"><i id="a" role="menuitem">x</i></div>"#,
                    &[],
                ),
                (
                    r#"<div role="group"><i id="a" role="treeitem">x</i></div>"#,
                    &["i#a"],
                ),
                (
                    r#"<div role="tree"><div role="group"><i id="a" role="treeitem">x</i></div></div>"#,
                    &[],
                ),
                (
                    r#"<table><tr><td id="a" role="cell">x</td></tr></table>"#,
                    &[],
                ),
            ],
        );
        let none = check(rule, &page(r#"<ul><li>x</li></ul>"#));
        assert_eq!(none.outcome, NotApplicable);
    }

    #[test]
    fn text_role_has_no_controls() {
        let rule = "accessibility.aria-text";
        assert_failing(
            rule,
            &[
                (r#"<span id="a" role="text">Only <b>words</b></span>"#, &[]),
                (
                    r#"<span id="a" role="text">Read <a href="/more">more</a></span>"#,
                    &["span#a"],
                ),
                (
                    r#"<span id="a" role="text"><button tabindex="-1">x</button></span>"#,
                    &["span#a"],
                ),
                (
                    r#"<span id="a" role="text"><a>no href</a><i tabindex="0">x</i></span>"#,
                    &[],
                ),
            ],
        );
        assert_eq!(check(rule, &page("<p>x</p>")).outcome, NotApplicable);
    }

    #[test]
    fn controls_are_not_nested() {
        let rule = "accessibility.nested-interactive";
        assert_failing(
            rule,
            &[
                (r#"<button id="a">Save <b>now</b></button>"#, &[]),
                (
                    r#"<button id="a">Save <a href="/help">help</a></button>"#,
                    &["button#a"],
                ),
                (
                    r#"<div id="a" role="option"><input type="checkbox"> Apples</div>"#,
                    &["div#a"],
                ),
                (
                    r#"<div id="a" role="tab"><span tabindex="0">x</span></div>"#,
                    &[],
                ),
                (
                    r#"<a id="a" href="/"><button>links are not checked</button></a>"#,
                    &[],
                ),
            ],
        );
        assert_eq!(
            check(rule, &page("<p>No controls</p>")).outcome,
            NotApplicable
        );
    }
}
