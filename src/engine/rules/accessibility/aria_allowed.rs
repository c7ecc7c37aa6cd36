//! What a role permits: ARIA attributes the element's role supports (and uses its role's
//! conditions allow), explicit roles the HTML element may take, and presentational roles that
//! browsers honour. Roles are read as axe-core reads them ([`axe_role`]).

use scraper::ElementRef;

use super::aria::elements_with_aria;
use super::html_aria::{AllowedRoles, allowed_roles, is_html_element};
use super::roles::{
    accepts_focus, aria_attribute, axe_explicit_role, axe_implicit_role, axe_role, axe_role_token,
    dpub_fallback, input_kind, is_universal_attribute, role_spec, universal_attribute,
};
use super::verdict::{Verdict, judge, judge_all};
use crate::engine::page::Page;
use crate::engine::page::dom::{Attribute, is_hidden_from_at};
use crate::engine::rules::{Check, Refs, Rule};
use crate::sel;

/// Attributes on a table row that only a tree grid's rows support.
const TREEGRID_ROW_ATTRIBUTES: &[&str] = &[
    "aria-expanded",
    "aria-level",
    "aria-posinset",
    "aria-setsize",
];

/// Elements that accept no global ARIA attribute except `aria-hidden` (line breaks).
const ONLY_ARIA_HIDDEN: &[&str] = &["br", "wbr"];

/// ARIA 1.3 attributes axe-core does not know yet; they are not judged.
const NOT_JUDGED: &[&str] = &["aria-colindextext", "aria-rowindextext"];

/// Values screen readers treat as absent, so the attribute does no harm anywhere.
fn ignored_value(el: ElementRef<'_>, name: &str, value: &str) -> bool {
    (name == "aria-required" && value == "false")
        || (name == "aria-multiline"
            && value == "false"
            && el.attribute("contenteditable").is_some())
}

/// The ARIA attributes on `el` that its role does not support, as `name="value"`.
fn unsupported_attributes(el: ElementRef<'_>, role: Option<&str>) -> Vec<String> {
    let supported = role
        .and_then(role_spec)
        .map(|s| s.attributes)
        .unwrap_or(&[]);
    let only_hidden = ONLY_ARIA_HIDDEN.contains(&el.value().name())
        && axe_explicit_role(el, false, false).is_none();
    el.value()
        .attrs()
        .filter(|(name, value)| {
            aria_attribute(name).is_some()
                && !NOT_JUDGED.contains(name)
                && !ignored_value(el, name, value)
                && if is_universal_attribute(name) {
                    only_hidden && *name != "aria-hidden"
                } else {
                    !supported.contains(name)
                }
        })
        .map(|(name, value)| format!("{name}=\"{value}\""))
        .collect()
}

pub fn aria_allowed_attr(page: &Page) -> Check {
    judge(
        elements_with_aria(page),
        "no element uses aria-* attributes",
        |el| {
            let role = axe_role(el, false, false);
            let unsupported = unsupported_attributes(el, role);
            if unsupported.is_empty() {
                return Verdict::Pass;
            }
            let subject = match role {
                Some(role) => format!("role `{role}`"),
                None => format!("<{}> without a role", el.value().name()),
            };
            let why = format!("{} not supported on {subject}", unsupported.join(", "));
            if role.is_none() && !is_html_element(el.value().name()) && !accepts_focus(el) {
                Verdict::Review(format!(
                    "{why}; check what this custom element is, since the attribute may be ignored"
                ))
            } else {
                Verdict::Fail(why)
            }
        },
    )
}

/// The `aria-checked` state as browsers normalise it for a native checkbox or radio.
fn normalised_checked(value: &str, mixed_allowed: bool) -> &'static str {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" => "true",
        "mixed" if mixed_allowed => "mixed",
        _ => "false",
    }
}

/// The closest table-like element that owns a row: a `<table>` without a role, or an
/// element whose role list names a table, grid or tree grid.
fn row_owner(row: ElementRef<'_>) -> Option<ElementRef<'_>> {
    std::iter::once(row)
        .chain(row.ancestors().filter_map(ElementRef::wrap))
        .find(|a| match a.attribute("role") {
            None => a.value().name() == "table",
            Some(roles) => roles
                .split_ascii_whitespace()
                .any(|r| matches!(r, "grid" | "table" | "treegrid")),
        })
}

fn conditional_verdict(el: ElementRef<'_>) -> Verdict {
    match axe_role(el, false, false) {
        Some("row") => {
            let misplaced: Vec<&str> = TREEGRID_ROW_ATTRIBUTES
                .iter()
                .copied()
                .filter(|a| el.attribute(a).is_some())
                .collect();
            if misplaced.is_empty() {
                return Verdict::Pass;
            }
            let owner = row_owner(el).and_then(|o| axe_role(o, false, false));
            match owner {
                None | Some("treegrid") => Verdict::Pass,
                Some(owner) => Verdict::Fail(format!(
                    "{} only apply to rows of a treegrid, not of a {owner}",
                    misplaced.join(", ")
                )),
            }
        }
        Some(role @ ("checkbox" | "radio")) if el.value().name() == "input" => {
            let kind = input_kind(el);
            let Some(aria) = el.attribute("aria-checked").filter(|v| !v.is_empty()) else {
                return Verdict::Pass;
            };
            if kind != role {
                return Verdict::Pass;
            }
            let state = if el.attribute("checked").is_some() {
                "true"
            } else {
                "false"
            };
            let claimed = normalised_checked(aria, role == "checkbox");
            if claimed == state {
                Verdict::Pass
            } else {
                Verdict::Fail(format!(
                    "aria-checked=\"{aria}\" contradicts the native {role}, which is {}; \
                     remove aria-checked",
                    if state == "true" {
                        "checked"
                    } else {
                        "unchecked"
                    }
                ))
            }
        }
        _ => Verdict::Pass,
    }
}

pub fn aria_conditional_attr(page: &Page) -> Check {
    judge(
        elements_with_aria(page),
        "no element uses aria-* attributes",
        conditional_verdict,
    )
}

/// The explicit roles of `el` the HTML element may not take.
fn unallowed_roles(el: ElementRef<'_>) -> Option<Vec<&'static str>> {
    let allowed = allowed_roles(el)?;
    let name = el.value().name();
    let implicit = axe_implicit_role(el).or(match name {
        "header" => Some("banner"),
        "footer" => Some("contentinfo"),
        _ => None,
    });
    let tokens = el
        .attribute("role")
        .unwrap_or_default()
        .split_ascii_whitespace();
    let roles = tokens.filter_map(|t| axe_role_token(t, true));
    Some(
        roles
            .filter(|role| {
                if Some(*role) == implicit {
                    return false;
                }
                if dpub_fallback(role).is_some_and(|f| Some(f) != implicit) {
                    return true;
                }
                match allowed {
                    AllowedRoles::Any => false,
                    AllowedRoles::NoRole => true,
                    AllowedRoles::Only(list) => !list.contains(role),
                }
            })
            .collect(),
    )
}

pub fn aria_allowed_role(page: &Page) -> Check {
    judge_all(
        page.select(sel!("[role]"))
            .filter(|el| axe_explicit_role(*el, true, true).is_some()),
        "no element sets a valid role",
        |el| {
            let Some(unallowed) = unallowed_roles(el) else {
                return Verdict::Pass;
            };
            if unallowed.is_empty() {
                return Verdict::Pass;
            }
            let why = format!(
                "role `{}` is not allowed on <{}>",
                unallowed.join(" "),
                el.value().name()
            );
            if is_hidden_from_at(el) {
                Verdict::Review(format!(
                    "{why}; the element is hidden now, check it when shown"
                ))
            } else {
                Verdict::Fail(why)
            }
        },
    )
}

/// Elements Chromium gives a role of their own although ARIA in HTML maps no role to them.
const CHROMIUM_ROLES: &[&str] = &[
    "audio", "canvas", "dl", "embed", "iframe", "label", "meter", "object", "svg", "video",
];

/// `<img alt="">`, or a `role` of exactly `none` or `presentation`.
fn marked_presentational(el: ElementRef<'_>) -> bool {
    let v = el.value();
    matches!(v.attribute("role"), Some("none" | "presentation"))
        || (v.name() == "img" && v.attribute("alt") == Some(""))
}

pub fn presentation_role_conflict(page: &Page) -> Check {
    judge(
        page.select(sel!("[role], img"))
            .filter(|el| marked_presentational(*el))
            .filter(|el| {
                axe_implicit_role(*el).is_some() || CHROMIUM_ROLES.contains(&el.value().name())
            }),
        "no element is marked presentational",
        |el| {
            let attribute = universal_attribute(el);
            let focusable = accepts_focus(el);
            let why = match (attribute, focusable) {
                (None, false) => return Verdict::Pass,
                (Some(a), false) => format!("it carries the global attribute `{a}`"),
                (None, true) => "it is focusable".to_owned(),
                (Some(a), true) => format!("it is focusable and carries `{a}`"),
            };
            Verdict::Fail(format!(
                "marked presentational, but {why}, so browsers expose its role anyway"
            ))
        },
    )
}

/// The rules of this file.
pub static RULES: &[Rule] = &[
    axe_rule! {
        id: "aria-allowed-attr",
        title: "ARIA attributes are supported by the element's role",
        description: "An ARIA state the role does not support (aria-checked on a link, aria-selected on an alert) is ignored or misannounced by screen readers.",
        severity: Critical,
        weight: 10.0,
        fix: "Remove the unsupported attribute or change the role.",
        steps: [
            "Check which states the role supports in WAI-ARIA 1.2 and drop the others.",
            "If the element really has that state, give it a role that supports it (e.g. role=\"checkbox\" for aria-checked).",
        ],
        minutes: 5,
        refs: Refs::axe("aria-allowed-attr", &["4.1.2"]),
        check: aria_allowed_attr,
    },
    axe_rule! {
        id: "aria-conditional-attr",
        title: "ARIA attributes are used as their role specifies",
        description: "Some states only apply under conditions: aria-checked must match a native checkbox's real state, and tree attributes (aria-level, aria-expanded) only belong on rows of a treegrid.",
        severity: Major,
        weight: 7.0,
        fix: "Let the native state speak, and keep tree attributes to treegrids.",
        steps: [
            "Remove aria-checked from native checkboxes and radios; use the `checked` property.",
            "Remove aria-level, aria-posinset, aria-setsize and aria-expanded from rows of plain tables and grids, or make the container a treegrid.",
        ],
        minutes: 5,
        refs: Refs::axe("aria-conditional-attr", &["4.1.2"]),
        check: aria_conditional_attr,
    },
    axe_rule! {
        id: "aria-allowed-role",
        title: "Roles are appropriate for their elements",
        description: "ARIA in HTML limits which roles an element may take: a role on <label>, or role=\"banner\" on a list, conflicts with the element's own semantics and behaviour.",
        severity: Minor,
        weight: 0.0,
        fix: "Use an element that matches the role.",
        steps: [
            "Remove the role, or move it to a neutral <div>/<span> or the native element for that role.",
        ],
        minutes: 5,
        refs: Refs::axe("aria-allowed-role", &[]),
        check: aria_allowed_role,
    },
    axe_rule! {
        id: "presentation-role-conflict",
        title: "Presentational elements are ignored consistently",
        description: "role=\"none\"/\"presentation\" (or alt=\"\") is ignored by browsers when the element is focusable or has a global ARIA attribute, so some screen readers announce it anyway.",
        severity: Minor,
        weight: 1.0,
        fix: "Make presentational elements plain.",
        steps: [
            "Remove tabindex and global aria-* attributes (aria-label, aria-live…) from the element.",
            "Or, if it carries meaning, remove role=\"none\"/\"presentation\" and give it a name.",
        ],
        minutes: 3,
        refs: Refs::axe("presentation-role-conflict", &[]),
        check: presentation_role_conflict,
    },
];

#[cfg(test)]
mod tests {
    use crate::engine::rules::testing::{check, failing, page};
    use crate::report::Outcome::{NotApplicable, Pass};

    /// (rule, HTML, failing selectors); an empty list means the rule passes.
    fn assert_failing(cases: &[(&str, &str, &[&str])]) {
        for (rule, html, expected) in cases {
            assert_eq!(failing(rule, &page(html)), *expected, "{rule}: {html}");
        }
    }

    #[test]
    fn attributes_supported_by_the_role() {
        let rule = "accessibility.aria-allowed-attr";
        assert_failing(&[
            (
                rule,
                r#"<div id="a" role="tab" aria-selected="true">Tab</div>"#,
                &[],
            ),
            (
                rule,
                r#"<div id="a" role="status" aria-pressed="true">Saved</div>"#,
                &["div#a"],
            ),
            (
                rule,
                r#"<a id="a" href="/" aria-checked="true">Home</a><span id="b" aria-label="x">y</span>"#,
                &["a#a"],
            ),
            (
                rule,
                r#"<video id="a" aria-valuenow="3"></video><hr id="b" aria-orientation="vertical">"#,
                &["video#a"],
            ),
            (
                rule,
                r#"<br id="a" aria-live="polite"><wbr id="b" aria-hidden="true">"#,
                &["br#a"],
            ),
            (
                rule,
                r#"<button id="a" aria-required="false">Go</button><div id="b" role="textbox" contenteditable aria-multiline="true"></div>"#,
                &[],
            ),
            (
                rule,
                r#"<div id="a" role="combobox" aria-multiline="true" aria-expanded="false"></div>"#,
                &["div#a"],
            ),
        ]);
        let custom = check(
            rule,
            &page(r#"<fancy-box aria-checked="true">x</fancy-box>"#),
        );
        assert_eq!((custom.outcome, custom.reviews.len()), (Pass, 1));
        let none = check(rule, &page("<p>plain</p>"));
        assert_eq!(none.outcome, NotApplicable);
    }

    #[test]
    fn conditional_attributes() {
        let rule = "accessibility.aria-conditional-attr";
        assert_failing(&[
            (
                rule,
                r#"<input id="a" type="checkbox" checked aria-checked="true"><input id="b" type="radio" aria-checked="false">"#,
                &[],
            ),
            (
                rule,
                r#"<input id="a" type="checkbox" aria-checked="true"><input id="b" type="checkbox" checked aria-checked="mixed">"#,
                &["input#a", "input#b"],
            ),
            (
                rule,
                r#"<input id="a" type="radio" checked aria-checked="mixed">"#,
                &["input#a"],
            ),
            (
                rule,
                r#"<div role="treegrid"><div id="a" role="row" aria-level="2" aria-expanded="true"></div></div>"#,
                &[],
            ),
            (
                rule,
                r#"<table><tr id="a" aria-level="1"><td>x</td></tr></table><div role="grid"><div id="b" role="row" aria-setsize="4"></div></div>"#,
                &["tr#a", "div#b"],
            ),
        ]);
    }

    #[test]
    fn roles_allowed_on_elements() {
        let rule = "accessibility.aria-allowed-role";
        assert_failing(&[
            (
                rule,
                r#"<ul id="a" role="menu"><li id="b" role="menuitem">x</li></ul><nav id="c" role="tablist"></nav>"#,
                &[],
            ),
            (
                rule,
                r#"<label id="a" role="button">x</label><ol id="b" role="navigation"></ol>"#,
                &["label#a", "ol#b"],
            ),
            (
                rule,
                r#"<a id="a" href="/n1" role="doc-noteref">1</a><span id="b" role="doc-noteref">2</span>"#,
                &["span#b"],
            ),
            (
                rule,
                r#"<img id="a" src="x.png" alt="Next" role="link"><img id="b" src="y.png" role="link">"#,
                &["img#b"],
            ),
            (
                rule,
                r#"<input id="a" type="search" role="combobox"><input id="b" type="range" role="button">"#,
                &["input#b"],
            ),
            (
                rule,
                r#"<article><header id="a" role="banner">x</header></article><x-panel id="b" role="tab"></x-panel>"#,
                &[],
            ),
        ]);
        let hidden = check(rule, &page(r#"<div hidden><h2 role="banner">x</h2></div>"#));
        assert_eq!((hidden.outcome, hidden.reviews.len()), (Pass, 1));
        assert_eq!(
            check(rule, &page(r#"<div role="nope">x</div>"#)).outcome,
            NotApplicable
        );
    }

    #[test]
    fn presentational_conflicts() {
        let rule = "accessibility.presentation-role-conflict";
        assert_failing(&[
            (
                rule,
                r#"<img id="a" src="x.png" alt=""><ul role="none"><li>x</li></ul>"#,
                &[],
            ),
            (
                rule,
                r#"<img id="a" src="x.png" alt="" tabindex="0"><h2 id="b" role="presentation" aria-describedby="n">x</h2>"#,
                &["img#a", "h2#b"],
            ),
            (
                rule,
                r#"<table id="a" role="none" aria-live="polite"><tr><td>x</td></tr></table>"#,
                &["table#a"],
            ),
        ]);
        let outcome = check(
            rule,
            &page(r#"<div role="presentation" aria-label="x">y</div>"#),
        );
        assert_eq!(outcome.outcome, NotApplicable);
    }
}
