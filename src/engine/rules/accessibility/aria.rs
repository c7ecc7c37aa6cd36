//! Correct use of ARIA: attributes that exist and hold valid values, roles that exist and are
//! not abstract or deprecated, the states a role requires, labels where they are prohibited,
//! and focusable content inside `aria-hidden`.

use scraper::ElementRef;

use super::names::NAMED_FROM_CONTENT;
use super::roles::{
    ValueType, aria_attribute, explicit_role, implicit_role, is_abstract_role, is_concrete_role,
    is_deprecated_role, is_focusable, required_attributes, role_tokens, value_is_valid,
};
use super::verdict::{Verdict, judge, require};
use crate::engine::page::Page;
use crate::engine::page::dom::{Attribute, element_by_id, is_hidden_from_at, visible_text};
use crate::engine::rules::{Check, Refs, Rule};
use crate::sel;

/// Every element with at least one `aria-*` attribute.
pub(super) fn elements_with_aria(page: &Page) -> impl Iterator<Item = ElementRef<'_>> {
    page.elements().filter(|el| {
        el.value()
            .attrs()
            .any(|(name, _)| name.starts_with("aria-"))
    })
}

pub fn aria_valid_attr(page: &Page) -> Check {
    judge(
        elements_with_aria(page),
        "no element uses aria-* attributes",
        |el| {
            let unknown: Vec<&str> = el
                .value()
                .attrs()
                .map(|(name, _)| name)
                .filter(|name| name.starts_with("aria-") && aria_attribute(name).is_none())
                .collect();
            if unknown.is_empty() {
                Verdict::Pass
            } else {
                Verdict::Fail(format!(
                    "{} not an ARIA attribute (misspelt?)",
                    quote_list(&unknown, "is", "are")
                ))
            }
        },
    )
}

fn quote_list(items: &[&str], one: &str, many: &str) -> String {
    let quoted: Vec<String> = items.iter().map(|i| format!("`{i}`")).collect();
    let verb = if items.len() == 1 { one } else { many };
    format!("{} {verb}", quoted.join(", "))
}

fn attr_is_false(el: ElementRef<'_>, name: &str) -> bool {
    el.attribute(name)
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("false"))
}

/// Attributes whose empty value browsers cannot interpret (a state with no value).
fn empty_needs_review(name: &str, kind: ValueType) -> bool {
    matches!(
        kind,
        ValueType::Boolean | ValueType::Tristate | ValueType::Integer(_) | ValueType::Decimal
    ) || matches!(
        name,
        "aria-expanded" | "aria-grabbed" | "aria-hidden" | "aria-invalid" | "aria-selected"
    )
}

/// True for a live region, which may be empty until a message is announced into it.
fn is_live_region(el: ElementRef<'_>) -> bool {
    el.attribute("aria-live").is_some()
        || explicit_role(el).is_some_and(|r| matches!(r.as_str(), "alert" | "status" | "log"))
}

/// The verdict on one `aria-*` attribute of `el`.
fn attribute_verdict(page: &Page, el: ElementRef<'_>, name: &str, value: &str) -> Verdict {
    let Some(kind) = aria_attribute(name) else {
        return Verdict::Pass;
    };
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return if empty_needs_review(name, kind) {
            Verdict::Review(format!(
                "`{name}` is present but empty; give it a value or remove it"
            ))
        } else {
            Verdict::Pass
        };
    }
    let exists = |id: &str| element_by_id(&page.dom, id).is_some();
    match kind {
        ValueType::IdRef if name == "aria-errormessage" => {
            let invalid = el
                .attribute("aria-invalid")
                .is_some_and(|v| !v.trim().is_empty() && !v.trim().eq_ignore_ascii_case("false"));
            if !invalid {
                return Verdict::Pass;
            }
            match element_by_id(&page.dom, trimmed) {
                None => Verdict::Fail(format!(
                    "`aria-errormessage` points at id `{trimmed}`, which does not exist"
                )),
                Some(message) if is_hidden_from_at(message) => Verdict::Fail(format!(
                    "the error message `{trimmed}` is hidden, so it is never announced"
                )),
                Some(message) if visible_text(message).is_empty() && !is_live_region(message) => {
                    Verdict::Fail(format!("the error message `{trimmed}` is empty"))
                }
                Some(_) => Verdict::Pass,
            }
        }
        ValueType::IdRef => require(exists(trimmed), || {
            format!("`{name}` points at id `{trimmed}`, which does not exist")
        }),
        ValueType::IdRefs => {
            if trimmed.split_ascii_whitespace().any(exists) {
                Verdict::Pass
            } else if matches!(name, "aria-labelledby" | "aria-describedby")
                || (name == "aria-controls"
                    && el
                        .attribute("aria-haspopup")
                        .is_some_and(|v| !v.trim().eq_ignore_ascii_case("false")))
            {
                Verdict::Review(format!(
                    "`{name}` points only at ids that are not on the page (`{trimmed}`); check \
                     that script adds them"
                ))
            } else if (name == "aria-controls"
                && (attr_is_false(el, "aria-expanded") || attr_is_false(el, "aria-selected")))
                || (name == "aria-owns" && attr_is_false(el, "aria-expanded"))
            {
                Verdict::Pass
            } else {
                Verdict::Fail(format!(
                    "`{name}` points at `{trimmed}`, which is not an id on the page"
                ))
            }
        }
        _ if !value_is_valid(kind, value) => {
            if name == "aria-current" {
                Verdict::Review(format!(
                    "`aria-current=\"{value}\"` is not a listed value; browsers read it as \"true\""
                ))
            } else {
                Verdict::Fail(format!("`{name}=\"{value}\"` is not a valid value"))
            }
        }
        _ if name == "aria-level"
            && trimmed
                .trim_start_matches('+')
                .parse::<u32>()
                .is_ok_and(|l| l > 6) =>
        {
            Verdict::Review(format!(
                "`aria-level=\"{value}\"` is above 6; some screen readers announce it as level 2"
            ))
        }
        _ => Verdict::Pass,
    }
}

pub fn aria_valid_attr_value(page: &Page) -> Check {
    judge(
        elements_with_aria(page),
        "no element uses aria-* attributes",
        |el| {
            let mut review = None;
            for (name, value) in el.value().attrs() {
                match attribute_verdict(page, el, name, value) {
                    Verdict::Fail(why) => return Verdict::Fail(why),
                    Verdict::Review(what) => review = Some(what),
                    Verdict::Pass | Verdict::Skip => {}
                }
            }
            review.map_or(Verdict::Pass, Verdict::Review)
        },
    )
}

pub fn aria_roles(page: &Page) -> Check {
    judge(
        page.select(sel!("[role]"))
            .filter(|el| el.attribute("role").is_some_and(|r| !r.trim().is_empty())),
        "no element sets a role",
        |el| {
            let tokens = role_tokens(el);
            if let Some(abstract_role) = tokens.iter().find(|t| is_abstract_role(t)) {
                return Verdict::Fail(format!(
                    "`{abstract_role}` is an abstract role, which authors must not use"
                ));
            }
            if tokens.iter().any(|t| is_concrete_role(t)) {
                Verdict::Pass
            } else {
                Verdict::Fail(format!(
                    "role=\"{}\" is not an ARIA role",
                    el.attribute("role").unwrap_or_default().trim()
                ))
            }
        },
    )
}

pub fn aria_deprecated_role(page: &Page) -> Check {
    judge(
        page.select(sel!("[role]"))
            .filter(|el| explicit_role(*el).is_some()),
        "no element sets a role",
        |el| {
            let role = explicit_role(el).unwrap_or_default();
            if is_deprecated_role(&role) {
                Verdict::Fail(format!("role=\"{role}\" is deprecated"))
            } else {
                Verdict::Pass
            }
        },
    )
}

/// True when the element's native semantics already supply the state `attr` for `role`.
fn native_supplies(el: ElementRef<'_>, role: &str, attr: &str) -> bool {
    let name = el.value().name();
    let input_type = el
        .attribute("type")
        .map(|t| t.trim().to_ascii_lowercase())
        .unwrap_or_default();
    match attr {
        "aria-checked" => {
            name == "input"
                && matches!(input_type.as_str(), "checkbox" | "radio")
                && matches!(
                    role,
                    "checkbox" | "radio" | "switch" | "menuitemcheckbox" | "menuitemradio"
                )
        }
        "aria-valuenow" => name == "input" && input_type == "range",
        "aria-expanded" => {
            matches!(name, "select") || (name == "input" && el.attribute("list").is_some())
        }
        "aria-level" => matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6"),
        _ => false,
    }
}

/// The states `role` requires on `el` that are missing.
fn missing_states(el: ElementRef<'_>, role: &str) -> Vec<&'static str> {
    let mut required: Vec<&'static str> = required_attributes(role).to_vec();
    if role == "separator" && is_focusable(el) {
        required.push("aria-valuenow");
    }
    if role == "combobox"
        && el
            .attribute("aria-expanded")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
    {
        required.push("aria-controls");
    }
    required.retain(|attr| {
        let present = el.attribute(attr).is_some()
            || (*attr == "aria-valuenow" && el.attribute("aria-valuetext").is_some());
        !present && !native_supplies(el, role, attr)
    });
    required
}

pub fn aria_required_attr(page: &Page) -> Check {
    judge(
        page.select(sel!("[role]"))
            .filter(|el| explicit_role(*el).is_some()),
        "no element sets a role",
        |el| {
            let role = explicit_role(el).unwrap_or_default();
            let missing = missing_states(el, &role);
            if missing.is_empty() {
                Verdict::Pass
            } else {
                Verdict::Fail(format!(
                    "role=\"{role}\" requires {}",
                    missing
                        .iter()
                        .map(|a| format!("`{a}`"))
                        .collect::<Vec<_>>()
                        .join(" and ")
                ))
            }
        },
    )
}

pub fn aria_hidden_focus(page: &Page) -> Check {
    judge(
        page.select(sel!("[aria-hidden]")).filter(|el| {
            el.attribute("aria-hidden")
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
                && el.value().name() != "body"
        }),
        "no content is hidden with aria-hidden",
        |el| {
            let focusable = std::iter::once(el)
                .chain(el.descendants().filter_map(ElementRef::wrap))
                .find(|e| is_focusable(*e));
            match focusable {
                Some(f) => Verdict::Fail(format!(
                    "aria-hidden content contains a focusable <{}>, which keyboard users reach \
                     but screen readers do not announce",
                    f.value().name()
                )),
                None => Verdict::Pass,
            }
        },
    )
}

/// True inside a control named from its content (a button, a link): there a label on a
/// descendant becomes part of the control's name, so it is not wasted.
fn inside_named_from_content(el: ElementRef<'_>) -> bool {
    el.ancestors().filter_map(ElementRef::wrap).any(|a| {
        explicit_role(a)
            .or_else(|| implicit_role(a).map(str::to_owned))
            .is_some_and(|r| NAMED_FROM_CONTENT.contains(&r.as_str()))
    })
}

/// Roles on which `aria-label` and `aria-labelledby` are prohibited.
const NAME_PROHIBITED: &[&str] = &[
    "caption",
    "code",
    "deletion",
    "emphasis",
    "generic",
    "insertion",
    "mark",
    "none",
    "paragraph",
    "presentation",
    "strong",
    "subscript",
    "superscript",
    "suggestion",
    "term",
    "time",
];

pub fn aria_prohibited_attr(page: &Page) -> Check {
    judge(
        page.select(sel!("[aria-label], [aria-labelledby]"))
            .filter(|el| {
                let role = explicit_role(*el).or_else(|| implicit_role(*el).map(str::to_owned));
                let labelled = ["aria-label", "aria-labelledby"]
                    .iter()
                    .any(|a| el.attribute(a).is_some_and(|v| !v.trim().is_empty()));
                labelled
                    && role.is_none_or(|r| NAME_PROHIBITED.contains(&r.as_str()))
                    && !inside_named_from_content(*el)
            }),
        "no element names itself with aria-label or aria-labelledby",
        |el| {
            let role = explicit_role(el)
                .or_else(|| implicit_role(el).map(str::to_owned))
                .unwrap_or_else(|| el.value().name().to_owned());
            let why = format!(
                "aria-label and aria-labelledby are not allowed on <{}> with role `{role}`; \
                 screen readers ignore them",
                el.value().name()
            );
            if visible_text(el).is_empty() {
                Verdict::Fail(why)
            } else {
                Verdict::Review(format!("{why}; the visible text is read instead"))
            }
        },
    )
}

/// The rules of this file.
pub static RULES: &[Rule] = &[
    axe_rule! {
        id: "aria-valid-attr",
        title: "ARIA attributes exist",
        description: "A misspelt aria-* attribute (`aria-labeledby`) is silently ignored, so the label or state it was meant to give is missing.",
        severity: Critical,
        weight: 10.0,
        fix: "Correct the attribute names.",
        steps: [
            "Fix the spelling against the WAI-ARIA 1.2 list (e.g. `aria-labelledby`, two Ls).",
        ],
        minutes: 3,
        refs: Refs::axe("aria-valid-attr", &["4.1.2"]),
        check: aria_valid_attr,
    },
    axe_rule! {
        id: "aria-valid-attr-value",
        title: "ARIA attributes have valid values",
        description: "Invalid values (`aria-hidden=\"yes\"`, an id that does not exist) are ignored or misread by assistive technology.",
        severity: Critical,
        weight: 10.0,
        fix: "Use valid values.",
        steps: [
            "Use `true`/`false` for booleans, listed tokens for enumerations, numbers for levels.",
            "Make ids in aria-controls, aria-labelledby and similar point at elements on the page.",
        ],
        minutes: 5,
        refs: Refs::axe("aria-valid-attr-value", &["4.1.2"]),
        check: aria_valid_attr_value,
    },
    axe_rule! {
        id: "aria-roles",
        title: "ARIA roles are valid",
        description: "A role that does not exist (or an abstract one like `widget`) gives the element no usable semantics.",
        severity: Critical,
        weight: 10.0,
        fix: "Use a valid, concrete role.",
        steps: [
            "Correct the spelling, or remove the role and use the native element (<button>, <nav>).",
        ],
        minutes: 3,
        refs: Refs::axe("aria-roles", &["4.1.2"]),
        check: aria_roles,
    },
    axe_rule! {
        id: "aria-deprecated-role",
        title: "No deprecated ARIA roles",
        description: "Deprecated roles (`directory`, `doc-biblioentry`, `doc-endnote`) may stop being supported.",
        severity: Minor,
        weight: 1.0,
        fix: "Replace deprecated roles.",
        steps: [
            "Use `list` instead of `directory`; `listitem` instead of `doc-biblioentry` and `doc-endnote`.",
        ],
        minutes: 3,
        refs: Refs::axe("aria-deprecated-role", &["4.1.2"]),
        check: aria_deprecated_role,
    },
    axe_rule! {
        id: "aria-required-attr",
        title: "ARIA roles have their required states",
        description: "A role=checkbox without aria-checked, or a slider without aria-valuenow, is announced without its state.",
        severity: Critical,
        weight: 10.0,
        fix: "Add the required state.",
        steps: [
            "Add the attribute the role requires and keep it updated from script (e.g. `aria-checked=\"false\"`).",
            "Or use the native element (<input type=checkbox>), which has the state built in.",
        ],
        minutes: 5,
        refs: Refs::axe("aria-required-attr", &["4.1.2"]),
        check: aria_required_attr,
    },
    axe_rule! {
        id: "aria-hidden-focus",
        title: "Content hidden with aria-hidden is not focusable",
        description: "Keyboard users can tab into aria-hidden content that screen readers then do not announce: focus lands on silence.",
        severity: Major,
        weight: 7.0,
        fix: "Make hidden content unfocusable.",
        steps: [
            "Add `tabindex=\"-1\"` or `disabled` to controls inside it, or use the `inert` attribute.",
            "Or remove aria-hidden if the content is meant to be used.",
        ],
        minutes: 10,
        refs: Refs::axe("aria-hidden-focus", &["4.1.2"]),
        check: aria_hidden_focus,
    },
    axe_rule! {
        id: "aria-prohibited-attr",
        title: "Labels are not used where ARIA prohibits them",
        description: "aria-label and aria-labelledby are ignored on generic elements (<div>, <span> without a role) and on text roles, so the label never reaches screen readers.",
        severity: Major,
        weight: 7.0,
        fix: "Put the label on an element that can be named.",
        steps: [
            "Give the element a suitable role, or move the text into visible content.",
        ],
        minutes: 5,
        refs: Refs::axe("aria-prohibited-attr", &["4.1.2"]),
        check: aria_prohibited_attr,
    },
];

#[cfg(test)]
mod tests {
    use crate::engine::rules::testing::{check, outcome, page};
    use crate::report::Outcome::{Fail, NotApplicable, Pass};

    #[test]
    fn attributes_and_values() {
        let cases = [
            (
                "accessibility.aria-valid-attr",
                r#"<div aria-hidden="true">x</div>"#,
                Pass,
            ),
            (
                "accessibility.aria-valid-attr",
                r#"<img alt="" aria-labeledby="x">"#,
                Fail,
            ),
            ("accessibility.aria-valid-attr", "<p>x</p>", NotApplicable),
            (
                "accessibility.aria-valid-attr-value",
                r#"<div aria-hidden="yes">x</div>"#,
                Fail,
            ),
            (
                "accessibility.aria-valid-attr-value",
                r#"<h2 aria-level="0">x</h2>"#,
                Fail,
            ),
            (
                "accessibility.aria-valid-attr-value",
                r#"<button aria-controls="menu">x</button><ul id="menu"></ul>"#,
                Pass,
            ),
            (
                "accessibility.aria-valid-attr-value",
                r#"<button aria-controls="nowhere">x</button>"#,
                Fail,
            ),
            (
                "accessibility.aria-valid-attr-value",
                r#"<button aria-controls="nowhere" aria-expanded="false">x</button>"#,
                Pass,
            ),
            (
                "accessibility.aria-valid-attr-value",
                r#"<input aria-activedescendant="gone">"#,
                Fail,
            ),
        ];
        for (rule, html, expected) in cases {
            assert_eq!(outcome(rule, html), expected, "{rule}: {html}");
        }
        let missing_label = check(
            "accessibility.aria-valid-attr-value",
            &page(r#"<input aria-labelledby="later">"#),
        );
        assert_eq!(
            (missing_label.outcome, missing_label.reviews.len()),
            (Pass, 1)
        );
    }

    #[test]
    fn roles_and_states() {
        let cases = [
            (
                "accessibility.aria-roles",
                r#"<div role="navigation">x</div>"#,
                Pass,
            ),
            (
                "accessibility.aria-roles",
                r#"<div role="nav">x</div>"#,
                Fail,
            ),
            (
                "accessibility.aria-roles",
                r#"<div role="widget">x</div>"#,
                Fail,
            ),
            (
                "accessibility.aria-roles",
                r#"<div role="foo button">x</div>"#,
                Pass,
            ),
            (
                "accessibility.aria-deprecated-role",
                r#"<ul role="directory"></ul>"#,
                Fail,
            ),
            (
                "accessibility.aria-required-attr",
                r#"<div role="checkbox">x</div>"#,
                Fail,
            ),
            (
                "accessibility.aria-required-attr",
                r#"<div role="checkbox" aria-checked="true">x</div>"#,
                Pass,
            ),
            (
                "accessibility.aria-required-attr",
                r#"<input type="checkbox" role="switch">"#,
                Pass,
            ),
            (
                "accessibility.aria-required-attr",
                r#"<div role="slider">x</div>"#,
                Fail,
            ),
            (
                "accessibility.aria-hidden-focus",
                r#"<div aria-hidden="true"><a href="/">x</a></div>"#,
                Fail,
            ),
            (
                "accessibility.aria-hidden-focus",
                r#"<div aria-hidden="true"><a href="/" tabindex="-1">x</a><button disabled>y</button></div>"#,
                Pass,
            ),
            (
                "accessibility.aria-prohibited-attr",
                r#"<div aria-label="Stars"></div>"#,
                Fail,
            ),
            (
                "accessibility.aria-prohibited-attr",
                r#"<nav aria-label="Main">x</nav>"#,
                NotApplicable,
            ),
        ];
        for (rule, html, expected) in cases {
            assert_eq!(outcome(rule, html), expected, "{rule}: {html}");
        }
    }
}
