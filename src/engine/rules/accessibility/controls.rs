//! Names of interactive things: buttons, links, form fields, selects, frames, `<summary>`,
//! and elements given a widget role with ARIA. Without a name a screen reader announces only
//! "button" or "edit text", and voice control cannot target the control.

use scraper::ElementRef;

use super::names::{Names, aria_label, has_presentational_role, input_type, tooltip};
use super::roles::{explicit_role, explicit_role_keeps_name_rule};
use super::verdict::{Verdict, judge, require};
use crate::engine::page::Page;
use crate::engine::page::dom::{Attribute, has_nonblank_attr};
use crate::engine::rules::{Check, Refs, Rule};
use crate::sel;

fn named(names: &Names<'_>, el: ElementRef<'_>) -> bool {
    !names.name(el).is_empty()
}

pub fn button_name(page: &Page) -> Check {
    let names = Names::new(page);
    judge(
        page.select(sel!("button"))
            .filter(|b| explicit_role_keeps_name_rule(*b)),
        "the page has no buttons",
        |button| {
            require(
                named(&names, button) || has_presentational_role(button),
                || "the button has no text, aria-label, aria-labelledby or title".into(),
            )
        },
    )
}

pub fn input_button_name(page: &Page) -> Check {
    let names = Names::new(page);
    judge(
        page.select(sel!("input[type]")).filter(|i| {
            matches!(input_type(*i).as_str(), "button" | "submit" | "reset")
                && explicit_role_keeps_name_rule(*i)
        }),
        "the page has no input buttons",
        |input| {
            require(
                named(&names, input) || has_presentational_role(input),
                || "the input button has an empty value and no other name".into(),
            )
        },
    )
}

pub fn link_name(page: &Page) -> Check {
    let names = Names::new(page);
    judge(
        page.select(sel!("a[href]")),
        "the page has no links",
        |link| {
            require(!names.link_name(link).is_empty(), || {
                "the link has no text, no image with alt text, and no aria-label or title".into()
            })
        },
    )
}

/// Form fields that need a label: inputs other than buttons and hidden ones, and textareas.
fn labelable_fields(page: &Page) -> impl Iterator<Item = ElementRef<'_>> {
    page.select(sel!("input, textarea")).filter(|el| {
        el.value().name() == "textarea"
            || !matches!(
                input_type(*el).as_str(),
                "hidden" | "button" | "submit" | "reset" | "image"
            )
    })
}

fn field_has_label(names: &Names<'_>, el: ElementRef<'_>) -> bool {
    names.labelledby(el).is_some()
        || aria_label(el).is_some()
        || names.label_text(el).is_some_and(|t| !t.is_empty())
        || tooltip(el).is_some()
        || has_presentational_role(el)
}

pub fn label(page: &Page) -> Check {
    let names = Names::new(page);
    judge(
        labelable_fields(page),
        "the page has no form fields",
        |field| {
            require(field_has_label(&names, field), || {
                "the form field has no <label>, aria-label, aria-labelledby, title or placeholder"
                    .into()
            })
        },
    )
}

pub fn select_name(page: &Page) -> Check {
    let names = Names::new(page);
    judge(
        page.select(sel!("select")),
        "the page has no selects",
        |select| {
            require(field_has_label(&names, select), || {
                "the select has no <label>, aria-label, aria-labelledby or title".into()
            })
        },
    )
}

pub fn form_field_multiple_labels(page: &Page) -> Check {
    let names = Names::new(page);
    judge(
        labelable_fields(page).chain(page.select(sel!("select"))),
        "the page has no form fields",
        |field| {
            let count = names.labels(field).len();
            if count > 1 {
                Verdict::Review(format!(
                    "the field has {count} <label>s; screen readers may read only one"
                ))
            } else {
                Verdict::Pass
            }
        },
    )
}

pub fn frame_title(page: &Page) -> Check {
    let names = Names::new(page);
    judge(
        page.select(sel!("iframe, frame")).filter(|f| {
            f.attribute("tabindex")
                .and_then(|t| t.trim().parse::<i64>().ok())
                .is_none_or(|t| t >= 0)
        }),
        "the page has no frames",
        |frame| {
            require(
                has_nonblank_attr(frame, "title")
                    || aria_label(frame).is_some()
                    || names.labelledby(frame).is_some()
                    // Chrome keeps a frame with a `title` attribute (even a blank one)
                    // in the accessibility tree despite role="none".
                    || (has_presentational_role(frame) && frame.attribute("title").is_none()),
                || "the frame has no title describing its content".into(),
            )
        },
    )
}

pub fn summary_name(page: &Page) -> Check {
    let names = Names::new(page);
    judge(
        page.select(sel!("details > summary")).filter(|s| {
            s.prev_siblings()
                .filter_map(ElementRef::wrap)
                .all(|e| e.value().name() != "summary")
        }),
        "the page has no <details> disclosures",
        |summary| {
            require(named(&names, summary), || {
                "the <summary> has no text, so the disclosure has no name".into()
            })
        },
    )
}

/// Elements that have a naming method of their own in HTML; ARIA name rules leave them to the
/// element rules.
fn natively_named(el: ElementRef<'_>) -> bool {
    matches!(
        el.value().name(),
        "button"
            | "input"
            | "select"
            | "textarea"
            | "img"
            | "area"
            | "fieldset"
            | "figure"
            | "table"
            | "summary"
            | "output"
            | "meter"
            | "progress"
    )
}

/// Ids of the popups comboboxes control: their name comes from the combobox.
fn combobox_popups(page: &Page) -> Vec<&str> {
    page.select(sel!("[role]"))
        .filter(|el| explicit_role(*el).as_deref() == Some("combobox"))
        .flat_map(|el| {
            ["aria-controls", "aria-owns"]
                .into_iter()
                .filter_map(move |a| el.attribute(a))
                .flat_map(str::split_ascii_whitespace)
        })
        .collect()
}

/// Checks that every element whose explicit role is one of `roles` has a name.
fn roles_need_names(page: &Page, roles: &[&str], what: &str) -> Check {
    let names = Names::new(page);
    let popups = combobox_popups(page);
    judge(
        page.select(sel!("[role]")).filter(|el| {
            !natively_named(*el)
                && explicit_role(*el).is_some_and(|r| roles.contains(&r.as_str()))
                && !el.value().id().is_some_and(|id| popups.contains(&id))
        }),
        &format!("the page has no {what}"),
        |el| {
            let role = explicit_role(el).unwrap_or_default();
            require(named(&names, el), || {
                format!("the element with role=\"{role}\" has no accessible name")
            })
        },
    )
}

pub fn aria_command_name(page: &Page) -> Check {
    roles_need_names(
        page,
        &["button", "link", "menuitem"],
        "ARIA buttons, links or menu items",
    )
}

pub fn aria_input_field_name(page: &Page) -> Check {
    roles_need_names(
        page,
        &[
            "combobox",
            "listbox",
            "searchbox",
            "slider",
            "spinbutton",
            "textbox",
        ],
        "ARIA input fields",
    )
}

pub fn aria_toggle_field_name(page: &Page) -> Check {
    roles_need_names(
        page,
        &[
            "checkbox",
            "menuitemcheckbox",
            "menuitemradio",
            "radio",
            "switch",
            "option",
        ],
        "ARIA toggle fields",
    )
}

pub fn aria_meter_name(page: &Page) -> Check {
    roles_need_names(page, &["meter"], "ARIA meters")
}

pub fn aria_progressbar_name(page: &Page) -> Check {
    roles_need_names(page, &["progressbar"], "ARIA progress bars")
}

pub fn aria_tooltip_name(page: &Page) -> Check {
    roles_need_names(page, &["tooltip"], "ARIA tooltips")
}

pub fn aria_treeitem_name(page: &Page) -> Check {
    roles_need_names(page, &["treeitem"], "ARIA tree items")
}

pub fn aria_dialog_name(page: &Page) -> Check {
    roles_need_names(page, &["dialog", "alertdialog"], "ARIA dialogs")
}

/// The rules of this file.
pub static RULES: &[Rule] = &[
    axe_rule! {
        id: "button-name",
        title: "Buttons have an accessible name",
        description: "A button without text (an icon-only button) is announced as just \
                      \"button\"; people cannot tell what it does.",
        severity: Critical,
        weight: 10.0,
        fix: "Give every button a name.",
        steps: [
            "Put visible text in the button, or add `aria-label` to icon-only buttons.",
            "For an <svg> icon, add `aria-hidden=\"true\"` to the svg and label the button.",
        ],
        minutes: 3,
        refs: Refs::axe("button-name", &["4.1.2"]),
        check: button_name,
    },
    axe_rule! {
        id: "input-button-name",
        title: "Input buttons have an accessible name",
        description: "An `<input type=\"button\">` takes its name from `value`; with an empty \
                      value it is announced as just \"button\".",
        severity: Critical,
        weight: 10.0,
        fix: "Set the button's value.",
        steps: ["Add `value` saying what the button does, or use `<button>Text</button>`."],
        minutes: 2,
        refs: Refs::axe("input-button-name", &["4.1.2"]),
        check: input_button_name,
    },
    axe_rule! {
        id: "link-name",
        title: "Links have an accessible name",
        description: "A link with no text (an icon, an image without alt) is announced as its \
                      URL or as \"link\"; people cannot tell where it goes.",
        severity: Major,
        weight: 7.0,
        fix: "Give every link a name.",
        steps: [
            "Put text in the link, give its image an alt, or add `aria-label`.",
        ],
        minutes: 3,
        refs: Refs::axe("link-name", &["2.4.4", "4.1.2"]),
        check: link_name,
    },
    axe_rule! {
        id: "label",
        title: "Form fields have labels",
        description: "Without a label a screen reader announces only \"edit text\", and voice \
                      control cannot target the field. A placeholder or title counts, as in \
                      axe, but a visible <label> is better.",
        severity: Critical,
        weight: 10.0,
        fix: "Label every form field.",
        steps: [
            "Add `<label for=\"field-id\">Name</label>` and give the field that id.",
            "Or wrap the field in its label; use `aria-label` only when no visible label fits.",
        ],
        minutes: 3,
        refs: Refs::axe("label", &["4.1.2"]),
        check: label,
    },
    axe_rule! {
        id: "select-name",
        title: "Select lists have labels",
        description: "A <select> without a label is announced only by its current option; \
                      people cannot tell what they are choosing.",
        severity: Critical,
        weight: 10.0,
        fix: "Label every select.",
        steps: ["Add `<label for=\"select-id\">` or `aria-label` to the <select>."],
        minutes: 3,
        refs: Refs::axe("select-name", &["4.1.2"]),
        check: select_name,
    },
    axe_rule! {
        id: "form-field-multiple-labels",
        title: "Form fields have one label",
        description: "With several <label>s, screen readers read different ones; listed for \
                      review, as Lighthouse does.",
        severity: Minor,
        weight: 0.0,
        fix: "Merge the labels into one.",
        steps: ["Keep one <label> per field; link extra help text with `aria-describedby`."],
        minutes: 5,
        refs: Refs::axe("form-field-multiple-labels", &["3.3.2"]),
        check: form_field_multiple_labels,
    },
    axe_rule! {
        id: "frame-title",
        title: "Frames have a title",
        description: "Screen readers list frames by title; an untitled iframe (a map, a video, \
                      an ad) is announced as just \"frame\".",
        severity: Major,
        weight: 7.0,
        fix: "Title every iframe.",
        steps: ["Add `title` describing the frame's content, e.g. `title=\"Map of the shop\"`."],
        minutes: 2,
        refs: Refs::axe("frame-title", &["4.1.2"]),
        check: frame_title,
    },
    axe_rule! {
        id: "summary-name",
        title: "Disclosure summaries have a name",
        description: "The <summary> of a <details> is the button that opens it; without text it \
                      is announced without a name.",
        severity: Major,
        weight: 7.0,
        fix: "Put text in the <summary>.",
        steps: ["Write what the disclosure reveals inside <summary>, or add `aria-label`."],
        minutes: 2,
        refs: Refs::axe_only("summary-name", &["4.1.2"]),
        check: summary_name,
    },
    axe_rule! {
        id: "aria-command-name",
        title: "ARIA buttons, links and menu items have names",
        description: "Elements given role button, link or menuitem are announced by role alone when they have no name.",
        severity: Major,
        weight: 7.0,
        fix: "Name the ARIA control.",
        steps: [
            "Put text inside it, or add `aria-label` or `aria-labelledby`.",
            "Prefer a native <button> or <a href>, which are named and focusable for free.",
        ],
        minutes: 3,
        refs: Refs::axe("aria-command-name", &["4.1.2"]),
        check: aria_command_name,
    },
    axe_rule! {
        id: "aria-input-field-name",
        title: "ARIA input fields have names",
        description: "Custom text boxes, comboboxes, listboxes, sliders and spin buttons need a name, or screen readers announce only the role.",
        severity: Major,
        weight: 7.0,
        fix: "Name the ARIA field.",
        steps: [
            "Add `aria-labelledby` pointing at the visible label, or `aria-label`.",
        ],
        minutes: 3,
        refs: Refs::axe("aria-input-field-name", &["4.1.2"]),
        check: aria_input_field_name,
    },
    axe_rule! {
        id: "aria-toggle-field-name",
        title: "ARIA toggles have names",
        description: "Custom checkboxes, radios, switches and options need a name, or people hear \"checkbox, not checked\" with no idea what it controls.",
        severity: Major,
        weight: 7.0,
        fix: "Name the ARIA toggle.",
        steps: [
            "Put the label text inside the element, or add `aria-label` or `aria-labelledby`.",
        ],
        minutes: 3,
        refs: Refs::axe("aria-toggle-field-name", &["4.1.2"]),
        check: aria_toggle_field_name,
    },
    axe_rule! {
        id: "aria-meter-name",
        title: "ARIA meters have names",
        description: "A role=meter without a name is announced as a bare number.",
        severity: Major,
        weight: 7.0,
        fix: "Name the meter.",
        steps: [
            "Add `aria-label` or `aria-labelledby` saying what is measured.",
        ],
        minutes: 2,
        refs: Refs::axe("aria-meter-name", &["1.1.1"]),
        check: aria_meter_name,
    },
    axe_rule! {
        id: "aria-progressbar-name",
        title: "ARIA progress bars have names",
        description: "A role=progressbar without a name is announced as a bare percentage.",
        severity: Major,
        weight: 7.0,
        fix: "Name the progress bar.",
        steps: [
            "Add `aria-label` or `aria-labelledby` saying what is progressing.",
        ],
        minutes: 2,
        refs: Refs::axe("aria-progressbar-name", &["1.1.1"]),
        check: aria_progressbar_name,
    },
    axe_rule! {
        id: "aria-tooltip-name",
        title: "ARIA tooltips have names",
        description: "A role=tooltip without text gives screen-reader users nothing to read.",
        severity: Major,
        weight: 7.0,
        fix: "Give the tooltip text.",
        steps: [
            "Put the tooltip text inside the element, or add `aria-label`.",
        ],
        minutes: 2,
        refs: Refs::axe("aria-tooltip-name", &["4.1.2"]),
        check: aria_tooltip_name,
    },
    axe_rule! {
        id: "aria-treeitem-name",
        title: "ARIA tree items have names",
        description: "Items of a role=tree need names, or the tree is read as a list of blanks.",
        severity: Major,
        weight: 7.0,
        fix: "Name each tree item.",
        steps: [
            "Put text inside each treeitem, or add `aria-label`.",
        ],
        minutes: 2,
        refs: Refs::axe("aria-treeitem-name", &[]),
        check: aria_treeitem_name,
    },
    axe_rule! {
        id: "aria-dialog-name",
        title: "ARIA dialogs have names",
        description: "When a dialog opens, its name is announced; without one people do not know what it is about.",
        severity: Major,
        weight: 7.0,
        fix: "Name the dialog.",
        steps: [
            "Add `aria-labelledby` pointing at the dialog's heading, or `aria-label`.",
        ],
        minutes: 2,
        refs: Refs::axe("aria-dialog-name", &[]),
        check: aria_dialog_name,
    },
];

#[cfg(test)]
mod tests {
    use crate::engine::rules::testing::{failing, outcome, page};
    use crate::report::Outcome::{Fail, NotApplicable, Pass};

    #[test]
    fn buttons_and_links() {
        let html = r#"<body>
            <button id="b1">Save</button>
            <button id="b2"><svg></svg></button>
            <button id="b3" aria-label="Close">×</button>
            <a id="l1" href="/a">About</a>
            <a id="l2" href="/b"><img src="x.png"></a>
            <a id="l3" href="/c"><img src="x.png" alt="Home"></a>
            <a id="l4" href="/d" hidden></a>
            <a id="l5">no href</a>
        </body>"#;
        let p = page(html);
        assert_eq!(failing("accessibility.button-name", &p), ["button#b2"]);
        assert_eq!(failing("accessibility.link-name", &p), ["a#l2"]);
    }

    #[test]
    fn form_fields() {
        let html = r#"<form>
            <label for="f1">Name</label><input id="f1">
            <label>Email <input id="f2" type="email"></label>
            <input id="f3" type="text">
            <input id="f4" type="hidden">
            <input id="f5" type="submit">
            <input id="f6" type="button">
            <textarea id="f7" aria-label="Message"></textarea>
            <select id="s1"><option>a</option></select>
            <label for="f8">One</label><label for="f8">Two</label><input id="f8">
        </form>"#;
        let p = page(html);
        assert_eq!(failing("accessibility.label", &p), ["input#f3"]);
        assert_eq!(failing("accessibility.input-button-name", &p), ["input#f6"]);
        assert_eq!(failing("accessibility.select-name", &p), ["select#s1"]);
        let multiple =
            crate::engine::rules::testing::check("accessibility.form-field-multiple-labels", &p);
        assert_eq!(multiple.reviews.len(), 1);
    }

    #[test]
    fn frames_summaries_and_aria_widgets() {
        let cases = [
            (
                "accessibility.frame-title",
                r#"<iframe src="/x"></iframe>"#,
                Fail,
            ),
            (
                "accessibility.frame-title",
                r#"<iframe src="/x" title="Map"></iframe>"#,
                Pass,
            ),
            (
                "accessibility.frame-title",
                r#"<iframe src="/x" tabindex="-1"></iframe>"#,
                NotApplicable,
            ),
            (
                "accessibility.summary-name",
                "<details><summary></summary>x</details>",
                Fail,
            ),
            (
                "accessibility.summary-name",
                "<details><summary>More</summary>x</details>",
                Pass,
            ),
            (
                "accessibility.aria-command-name",
                r#"<div role="button"></div>"#,
                Fail,
            ),
            (
                "accessibility.aria-command-name",
                r#"<div role="button">Go</div>"#,
                Pass,
            ),
            (
                "accessibility.aria-input-field-name",
                r#"<div role="textbox"></div>"#,
                Fail,
            ),
            (
                "accessibility.aria-toggle-field-name",
                r#"<div role="checkbox" aria-checked="false">Agree</div>"#,
                Pass,
            ),
            (
                "accessibility.aria-meter-name",
                r#"<div role="meter" aria-valuenow="3"></div>"#,
                Fail,
            ),
            (
                "accessibility.aria-progressbar-name",
                r#"<div role="progressbar" aria-label="Upload"></div>"#,
                Pass,
            ),
            (
                "accessibility.aria-tooltip-name",
                r#"<div role="tooltip"></div>"#,
                Fail,
            ),
            (
                "accessibility.aria-treeitem-name",
                r#"<div role="treeitem">Docs</div>"#,
                Pass,
            ),
            (
                "accessibility.aria-dialog-name",
                r#"<div role="dialog">Hi</div>"#,
                Fail,
            ),
        ];
        for (rule, html, expected) in cases {
            assert_eq!(outcome(rule, html), expected, "{rule}: {html}");
        }
    }
}
