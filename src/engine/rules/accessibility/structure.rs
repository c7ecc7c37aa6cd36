//! Structure that assistive technology navigates by: heading levels, list and definition-list
//! markup, table header references, tab order, access keys, and ids that ARIA refers to.

use std::collections::HashMap;

use scraper::{ElementRef, Node};

use super::names::Names;
use super::roles::{explicit_role, is_effectively_presentational, is_presentational};
use super::verdict::{Verdict, judge, judge_all, require};
use crate::engine::page::Page;
use crate::engine::page::dom::{Attribute, is_hidden};
use crate::engine::rules::{Check, Refs, Rule};
use crate::sel;

/// The level of a heading element or `role="heading"` (default level 2), or `None` when the
/// element is not a heading.
fn heading_level(el: ElementRef<'_>) -> Option<u32> {
    let name = el.value().name();
    let aria_level = el
        .attribute("aria-level")
        .and_then(|l| l.trim().parse::<u32>().ok())
        .filter(|l| *l >= 1);
    match explicit_role(el).as_deref() {
        Some("heading") => Some(aria_level.unwrap_or_else(|| native_level(name).unwrap_or(2))),
        Some(_) => None,
        None => native_level(name).map(|n| aria_level.unwrap_or(n)),
    }
}

fn native_level(name: &str) -> Option<u32> {
    match name.as_bytes() {
        [b'h', d @ b'1'..=b'6'] => Some(u32::from(d - b'0')),
        _ => None,
    }
}

fn headings(page: &Page) -> impl Iterator<Item = ElementRef<'_>> {
    page.select(sel!("h1, h2, h3, h4, h5, h6, [role]"))
        .filter(|h| heading_level(*h).is_some())
}

pub fn heading_order(page: &Page) -> Check {
    let mut previous: Option<u32> = None;
    judge(headings(page), "the page has no headings", |heading| {
        let level = heading_level(heading).unwrap_or(2);
        let verdict = match previous {
            Some(before) if level > before + 1 => Verdict::Fail(format!(
                "an h{level} follows an h{before}: heading levels should go down one at a time"
            )),
            _ => Verdict::Pass,
        };
        previous = Some(level);
        verdict
    })
}

pub fn empty_heading(page: &Page) -> Check {
    let names = Names::new(page);
    judge(headings(page), "the page has no headings", |heading| {
        require(!names.name(heading).is_empty(), || {
            "the heading has no text that a screen reader can announce".into()
        })
    })
}

fn has_role_attribute(el: ElementRef<'_>) -> bool {
    el.attribute("role").is_some()
}

fn non_blank_text_children(el: ElementRef<'_>) -> bool {
    el.children()
        .any(|c| matches!(c.value(), Node::Text(t) if !t.trim().is_empty()))
}

pub fn list(page: &Page) -> Check {
    judge(
        page.select(sel!("ul, ol"))
            .filter(|l| !has_role_attribute(*l)),
        "the page has no lists",
        |list| {
            if non_blank_text_children(list) {
                return Verdict::Fail("the list contains text outside <li> elements".into());
            }
            let stray = list.child_elements().find(|c| {
                let name = c.value().name();
                match explicit_role(*c) {
                    Some(role) => role != "listitem",
                    None => !matches!(name, "li" | "script" | "template"),
                }
            });
            match stray {
                Some(child) => Verdict::Fail(format!(
                    "the list directly contains <{}>, which is not a list item",
                    child.value().name()
                )),
                None => Verdict::Pass,
            }
        },
    )
}

pub fn listitem(page: &Page) -> Check {
    judge(
        page.select(sel!("li"))
            .filter(|li| !has_role_attribute(*li)),
        "the page has no list items",
        |li| {
            let Some(parent) = li.parent().and_then(ElementRef::wrap) else {
                return Verdict::Skip;
            };
            let ok = match explicit_role(parent).as_deref() {
                Some("list" | "none" | "presentation") => true,
                Some(_) => false,
                None => matches!(parent.value().name(), "ul" | "ol" | "menu"),
            };
            require(ok, || {
                "the <li> is not inside a <ul>, <ol> or <menu>, so it is not announced as part \
                 of a list"
                    .into()
            })
        },
    )
}

pub fn definition_list(page: &Page) -> Check {
    judge(
        page.select(sel!("dl"))
            .filter(|dl| !has_role_attribute(*dl)),
        "the page has no definition lists",
        |dl| {
            if non_blank_text_children(dl) {
                return Verdict::Fail("the <dl> contains text outside <dt> and <dd>".into());
            }
            let stray = dl.child_elements().find(|c| {
                let name = c.value().name();
                let role_ok =
                    explicit_role(*c).is_none_or(|r| matches!(r.as_str(), "term" | "definition"));
                let grouping_div = name == "div"
                    && explicit_role(*c).is_none_or(|r| is_presentational(&r))
                    && !non_blank_text_children(*c)
                    && c.child_elements()
                        .any(|g| matches!(g.value().name(), "dt" | "dd"))
                    && c.child_elements()
                        .all(|g| matches!(g.value().name(), "dt" | "dd" | "script" | "template"));
                !(grouping_div || (role_ok && matches!(name, "dt" | "dd" | "script" | "template")))
            });
            if let Some(child) = stray {
                return Verdict::Fail(format!(
                    "the <dl> directly contains <{}>; only <dt>, <dd> and grouping <div>s \
                     belong there",
                    child.value().name()
                ));
            }
            // Direct <dt>/<dd> children need a <dd> that follows a <dt> (axe's
            // structured-dlitems).
            let mut seen_term = false;
            let mut items = false;
            for child in dl.child_elements() {
                match child.value().name() {
                    "dt" => {
                        seen_term = true;
                        items = true;
                    }
                    "dd" if seen_term => return Verdict::Pass,
                    "dd" => items = true,
                    _ => {}
                }
            }
            require(!items, || {
                "the <dl>'s terms and definitions are out of order: each <dd> must follow its \
                 <dt>"
                    .into()
            })
        },
    )
}

pub fn dlitem(page: &Page) -> Check {
    judge(
        page.select(sel!("dt, dd"))
            .filter(|el| !has_role_attribute(*el)),
        "the page has no <dt> or <dd> elements",
        |item| {
            let parent = item.parent().and_then(ElementRef::wrap);
            let is_dl = |el: ElementRef<'_>| {
                el.value().name() == "dl" && explicit_role(el).is_none_or(|r| r == "list")
            };
            let ok = parent.is_some_and(|p| {
                is_dl(p)
                    || (p.value().name() == "div"
                        && explicit_role(p).is_none_or(|r| is_presentational(&r))
                        && p.parent().and_then(ElementRef::wrap).is_some_and(is_dl))
            });
            require(ok, || {
                format!("the <{}> is not inside a <dl>", item.value().name())
            })
        },
    )
}

/// True when the table is exposed as a table or grid (a presentational role is ignored on a
/// focusable table).
fn is_table_or_grid(table: ElementRef<'_>) -> bool {
    match explicit_role(table).as_deref() {
        None | Some("table" | "grid" | "treegrid") => true,
        Some(role) => is_presentational(role) && !is_effectively_presentational(table),
    }
}

/// True when the cell is a header cell: a `<th>` without another role, or any cell with a
/// header role.
fn is_header_cell(cell: ElementRef<'_>) -> bool {
    match explicit_role(cell).as_deref() {
        Some(role) => matches!(role, "columnheader" | "rowheader"),
        None => cell.value().name() == "th",
    }
}

pub fn td_headers_attr(page: &Page) -> Check {
    const NONE_FOUND: &str = "the page has no tables";
    // Without any `headers` attribute every table is skipped: not applicable, as `judge`
    // would conclude after laying out each table's cells.
    if page.select(sel!("[headers]")).next().is_none() {
        return Check::not_applicable(NONE_FOUND);
    }
    judge(
        page.select(sel!("table")).filter(|t| is_table_or_grid(*t)),
        NONE_FOUND,
        |table| {
            let cells: Vec<ElementRef<'_>> = table
                .select(sel!("td, th"))
                .filter(|c| {
                    c.ancestors()
                        .filter_map(ElementRef::wrap)
                        .find(|a| a.value().name() == "table")
                        .is_some_and(|t| t.id() == table.id())
                })
                .collect();
            let with_headers: Vec<&ElementRef<'_>> = cells
                .iter()
                .filter(|c| c.attribute("headers").is_some() && !is_hidden(**c))
                .collect();
            if with_headers.is_empty() {
                return Verdict::Skip;
            }
            for cell in with_headers {
                for id in cell
                    .attribute("headers")
                    .unwrap_or_default()
                    .split_ascii_whitespace()
                {
                    if cell.value().id() == Some(id) {
                        return Verdict::Fail(format!("a cell lists itself (`{id}`) in `headers`"));
                    }
                    match cells.iter().find(|c| c.value().id() == Some(id)) {
                        None => {
                            return Verdict::Fail(format!(
                                "a cell's `headers` names `{id}`, which is not a cell of this \
                                 table"
                            ));
                        }
                        Some(header) if !is_header_cell(*header) => {
                            return Verdict::Fail(format!(
                                "a cell's `headers` names `{id}`, which is not a header cell"
                            ));
                        }
                        Some(_) => {}
                    }
                }
            }
            Verdict::Pass
        },
    )
}

pub fn tabindex(page: &Page) -> Check {
    judge(
        page.select(sel!("[tabindex]")),
        "no element sets tabindex",
        |el| match el
            .attribute("tabindex")
            .and_then(|t| t.trim().parse::<i64>().ok())
        {
            Some(n) if n > 0 => Verdict::Fail(format!(
                "tabindex=\"{n}\" moves the element ahead of the page's natural tab order"
            )),
            _ => Verdict::Pass,
        },
    )
}

pub fn accesskeys(page: &Page) -> Check {
    let mut seen: HashMap<String, usize> = HashMap::new();
    for el in page.select(sel!("[accesskey]")).filter(|e| !is_hidden(*e)) {
        let key = el
            .attribute("accesskey")
            .unwrap_or_default()
            .trim()
            .to_lowercase();
        if !key.is_empty() {
            *seen.entry(key).or_default() += 1;
        }
    }
    let mut first_of: HashMap<String, bool> = HashMap::new();
    judge(
        page.select(sel!("[accesskey]")),
        "no element sets an access key",
        |el| {
            let key = el
                .attribute("accesskey")
                .unwrap_or_default()
                .trim()
                .to_lowercase();
            if key.is_empty() {
                return Verdict::Skip;
            }
            let repeated = seen.get(&key).copied().unwrap_or(0) > 1;
            let first = first_of.insert(key.clone(), true).is_none();
            if repeated && !first {
                Verdict::Fail(format!(
                    "access key `{key}` is used by more than one element"
                ))
            } else {
                Verdict::Pass
            }
        },
    )
}

/// ARIA attributes (and `<label for>`) whose value is a list of ids.
const ID_REFERENCES: &[&str] = &[
    "aria-activedescendant",
    "aria-controls",
    "aria-describedby",
    "aria-details",
    "aria-errormessage",
    "aria-flowto",
    "aria-labelledby",
    "aria-owns",
];

pub fn duplicate_id_aria(page: &Page) -> Check {
    let mut referenced: HashMap<&str, ()> = HashMap::new();
    let is_label = |el: ElementRef<'_>| el.value().name() == "label";
    for el in page.elements() {
        // One pass over the element's attributes: looking each name up would intern it.
        for (name, value) in el.value().attrs() {
            if ID_REFERENCES.contains(&name) {
                referenced.extend(value.split_ascii_whitespace().map(|id| (id, ())));
            } else if name == "for" && is_label(el) {
                referenced.insert(value.trim(), ());
            }
        }
    }
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for el in page.elements() {
        if let Some(id) = el.value().id()
            && referenced.contains_key(id)
        {
            *counts.entry(id).or_default() += 1;
        }
    }
    let mut reported: HashMap<&str, ()> = HashMap::new();
    judge_all(
        page.elements().filter(|el| {
            el.value()
                .id()
                .is_some_and(|id| referenced.contains_key(id))
        }),
        "no id on the page is referred to by ARIA or <label for>",
        |el| {
            let id = el.value().id().unwrap_or_default();
            if counts.get(id).copied().unwrap_or(0) > 1 && reported.insert(id, ()).is_none() {
                Verdict::Review(format!(
                    "id `{id}` is referred to by ARIA or a label but used on more than one \
                     element; only the first is found"
                ))
            } else {
                Verdict::Pass
            }
        },
    )
}

/// The rules of this file.
pub static RULES: &[Rule] = &[
    axe_rule! {
        id: "heading-order",
        title: "Heading levels go down one at a time",
        description: "Screen-reader users navigate by headings and infer structure from levels; jumping from h2 to h4 suggests a missing section.",
        severity: Minor,
        weight: 3.0,
        fix: "Use heading levels in order.",
        steps: [
            "Choose levels by structure, not by look: an h2 section contains h3s.",
            "Style headings with CSS instead of picking a level for its size.",
        ],
        minutes: 10,
        refs: Refs::axe("heading-order", &[]),
        check: heading_order,
    },
    axe_rule! {
        id: "empty-heading",
        title: "Headings are not empty",
        description: "An empty heading is announced as \"heading\" with nothing after it, a dead end when navigating by headings.",
        severity: Minor,
        weight: 0.0,
        fix: "Put text in every heading, or remove it.",
        steps: [
            "Delete empty heading elements used for spacing; use CSS margins instead.",
        ],
        minutes: 3,
        refs: Refs::axe("empty-heading", &[]),
        check: empty_heading,
    },
    axe_rule! {
        id: "list",
        title: "Lists contain only list items",
        description: "Screen readers announce \"list, 5 items\" from the markup; other elements directly inside <ul> or <ol> break the count and the navigation.",
        severity: Major,
        weight: 7.0,
        fix: "Put only <li> directly inside lists.",
        steps: [
            "Wrap stray content in <li>, or move it outside the list.",
        ],
        minutes: 5,
        refs: Refs::axe("list", &["1.3.1"]),
        check: list,
    },
    axe_rule! {
        id: "listitem",
        title: "List items are inside lists",
        description: "An <li> outside <ul>, <ol> or <menu> is not announced as part of a list.",
        severity: Major,
        weight: 7.0,
        fix: "Put every <li> in a list.",
        steps: [
            "Wrap the items in <ul> or <ol>.",
        ],
        minutes: 3,
        refs: Refs::axe("listitem", &["1.3.1"]),
        check: listitem,
    },
    axe_rule! {
        id: "definition-list",
        title: "Definition lists contain only terms and definitions",
        description: "A <dl> may directly contain only <dt>, <dd> and <div>s grouping them; anything else breaks how term and definition are announced.",
        severity: Major,
        weight: 7.0,
        fix: "Fix the <dl> structure.",
        steps: [
            "Keep only <dt>, <dd> (or <div> around pairs) directly inside <dl>.",
        ],
        minutes: 5,
        refs: Refs::axe("definition-list", &["1.3.1"]),
        check: definition_list,
    },
    axe_rule! {
        id: "dlitem",
        title: "Terms and definitions are inside a <dl>",
        description: "<dt> and <dd> outside a <dl> lose their meaning for assistive technology.",
        severity: Major,
        weight: 7.0,
        fix: "Wrap <dt>/<dd> in a <dl>.",
        steps: [
            "Put the term and definition pairs inside a <dl> element.",
        ],
        minutes: 3,
        refs: Refs::axe("dlitem", &["1.3.1"]),
        check: dlitem,
    },
    axe_rule! {
        id: "td-headers-attr",
        title: "Table cells' headers attributes point at cells of the same table",
        description: "`headers` tells screen readers which header cells describe a data cell; ids that are missing or outside the table leave the cell unexplained.",
        severity: Major,
        weight: 7.0,
        fix: "Point headers at header cells of the same table.",
        steps: [
            "Give each <th> an id and list those ids in the cell's `headers`.",
            "For simple tables, drop `headers` and use <th scope>.",
        ],
        minutes: 10,
        refs: Refs::axe("td-headers-attr", &["1.3.1"]),
        check: td_headers_attr,
    },
    axe_rule! {
        id: "tabindex",
        title: "No element has a positive tabindex",
        description: "A positive tabindex pulls the element ahead of everything else in the tab order, so keyboard users jump around the page unpredictably.",
        severity: Major,
        weight: 7.0,
        fix: "Use tabindex 0 or -1 only.",
        steps: [
            "Replace positive values with `tabindex=\"0\"` and order the markup instead.",
        ],
        minutes: 5,
        refs: Refs::axe("tabindex", &[]),
        check: tabindex,
    },
    axe_rule! {
        id: "accesskeys",
        title: "Access keys are unique",
        description: "Two elements with the same accesskey make the shortcut unpredictable.",
        severity: Major,
        weight: 7.0,
        fix: "Give each access key one element.",
        steps: [
            "Remove duplicate `accesskey` values (or all of them: they clash with browser shortcuts).",
        ],
        minutes: 3,
        refs: Refs::axe("accesskeys", &[]),
        check: accesskeys,
    },
    axe_rule! {
        id: "duplicate-id-aria",
        title: "Ids that ARIA refers to are unique",
        description: "Labels and descriptions are found by id; with duplicates only the first element is used, which may be the wrong one. Listed for review, as Lighthouse does.",
        severity: Critical,
        weight: 0.0,
        fix: "Make referenced ids unique.",
        steps: [
            "Rename the duplicate ids and update the aria-labelledby, aria-describedby or label for that point at them.",
        ],
        minutes: 5,
        refs: Refs::axe("duplicate-id-aria", &["4.1.2"]),
        check: duplicate_id_aria,
    },
];

#[cfg(test)]
mod tests {
    use crate::engine::rules::testing::{check, failing, outcome, page};
    use crate::report::Outcome::{Fail, NotApplicable, Pass};

    #[test]
    fn heading_levels() {
        let p = page(
            r#"<h1 id="a">A</h1><h3 id="b">B</h3><h2 id="c">C</h2><div role="heading" aria-level="4" id="d">D</div><h2 id="e"></h2>"#,
        );
        assert_eq!(
            failing("accessibility.heading-order", &p),
            ["h3#b", "div#d"]
        );
        assert_eq!(failing("accessibility.empty-heading", &p), ["h2#e"]);
    }

    #[test]
    fn list_structure() {
        let cases = [
            (
                "accessibility.list",
                "<ul><li>a</li><script></script></ul>",
                Pass,
            ),
            (
                "accessibility.list",
                "<ul><li>a</li><div>b</div></ul>",
                Fail,
            ),
            ("accessibility.list", "<ol>text<li>a</li></ol>", Fail),
            (
                "accessibility.list",
                "<ul role=tablist><div>b</div></ul>",
                NotApplicable,
            ),
            ("accessibility.listitem", "<ul><li>a</li></ul>", Pass),
            ("accessibility.listitem", "<div><li>a</li></div>", Fail),
            (
                "accessibility.listitem",
                "<div role=list><li>a</li></div>",
                Pass,
            ),
            (
                "accessibility.definition-list",
                "<dl><dt>a</dt><dd>b</dd><div><dt>c</dt><dd>d</dd></div></dl>",
                Pass,
            ),
            ("accessibility.definition-list", "<dl><p>x</p></dl>", Fail),
            ("accessibility.dlitem", "<dl><dt>a</dt></dl>", Pass),
            ("accessibility.dlitem", "<div><dd>a</dd></div>", Fail),
        ];
        for (rule, html, expected) in cases {
            assert_eq!(outcome(rule, html), expected, "{rule}: {html}");
        }
    }

    #[test]
    fn tables_tab_order_and_ids() {
        let cases = [
            (
                "accessibility.td-headers-attr",
                r#"<table><tr><th id="h">H</th></tr><tr><td headers="h">x</td></tr></table>"#,
                Pass,
            ),
            (
                "accessibility.td-headers-attr",
                r#"<table><tr><td id="c" headers="c">x</td></tr></table>"#,
                Fail,
            ),
            (
                "accessibility.td-headers-attr",
                r#"<table><tr><td headers="nowhere">x</td></tr></table>"#,
                Fail,
            ),
            (
                "accessibility.tabindex",
                r#"<div tabindex="0">x</div><a href="/" tabindex="-1">y</a>"#,
                Pass,
            ),
            (
                "accessibility.tabindex",
                r#"<button tabindex="3">x</button>"#,
                Fail,
            ),
            (
                "accessibility.accesskeys",
                r#"<a href="/" accesskey="s">a</a><a href="/b" accesskey="S">b</a>"#,
                Fail,
            ),
            (
                "accessibility.accesskeys",
                r#"<a href="/" accesskey="s">a</a><a href="/b" accesskey="t">b</a>"#,
                Pass,
            ),
        ];
        for (rule, html, expected) in cases {
            assert_eq!(outcome(rule, html), expected, "{rule}: {html}");
        }
        let dup = check(
            "accessibility.duplicate-id-aria",
            &page(r#"<p id="d">one</p><p id="d">two</p><button aria-describedby="d">x</button>"#),
        );
        assert_eq!(dup.outcome, Pass);
        assert_eq!(dup.reviews.len(), 1);
    }
}
