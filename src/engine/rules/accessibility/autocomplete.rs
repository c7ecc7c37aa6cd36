//! `autocomplete` on form fields: the value must follow HTML's autofill grammar, so browsers
//! and assistive technology know what a field asks for (WCAG 1.3.5, identify input purpose).
//!
//! The grammar: an optional `section-*` token, an optional `shipping` or `billing`, then
//! either one field name (`name`, `street-address`, `cc-number`…) or an optional contact kind
//! (`home`, `work`, `mobile`, `fax`, `pager`) followed by a contact field (`tel`, `email`…),
//! and an optional final `webauthn`. `on`, `off` and their common misspellings are accepted
//! as a plain switch, as axe-core does.

use scraper::ElementRef;

use super::names::input_type;
use super::verdict::{Verdict, judge};
use crate::engine::page::Page;
use crate::engine::page::dom::{Attribute, is_hidden_from_at};
use crate::engine::rules::{Check, Refs, Rule};
use crate::sel;

/// Values that switch autofill on or off (the HTML states plus words authors use for them,
/// which browsers treat the same way).
const STATE_TERMS: &[&str] = &[
    "on",
    "off",
    "none",
    "false",
    "true",
    "disabled",
    "enabled",
    "undefined",
    "null",
    "xon",
    "xoff",
];

/// Field names that stand alone (no contact kind before them).
const STANDALONE_TERMS: &[&str] = &[
    "name",
    "honorific-prefix",
    "given-name",
    "additional-name",
    "family-name",
    "honorific-suffix",
    "nickname",
    "username",
    "new-password",
    "current-password",
    "organization-title",
    "organization",
    "street-address",
    "address-line1",
    "address-line2",
    "address-line3",
    "address-level4",
    "address-level3",
    "address-level2",
    "address-level1",
    "country",
    "country-name",
    "postal-code",
    "cc-name",
    "cc-given-name",
    "cc-additional-name",
    "cc-family-name",
    "cc-number",
    "cc-exp",
    "cc-exp-month",
    "cc-exp-year",
    "cc-csc",
    "cc-type",
    "transaction-currency",
    "transaction-amount",
    "language",
    "bday",
    "bday-day",
    "bday-month",
    "bday-year",
    "sex",
    "url",
    "photo",
    "one-time-code",
];

/// Contact kinds that may precede a contact field.
const QUALIFIERS: &[&str] = &["home", "work", "mobile", "fax", "pager"];

/// Contact fields (they accept a contact kind).
const QUALIFIED_TERMS: &[&str] = &[
    "tel",
    "tel-country-code",
    "tel-national",
    "tel-area-code",
    "tel-local",
    "tel-local-prefix",
    "tel-local-suffix",
    "tel-extension",
    "email",
    "impp",
];

/// Address groups.
const LOCATIONS: &[&str] = &["billing", "shipping"];

/// Field names outside the standard that browsers ignore harmlessly: listed for review.
const INVALID_BUT_SAFE: &[&str] = &["text", "pronouns", "gender", "message", "content"];

/// The token that asks for a passkey, allowed last.
const WEBAUTHN: &str = "webauthn";

/// Prefix of a named autofill section.
const SECTION_PREFIX: &str = "section-";

/// Input types whose `autocomplete` means nothing.
const EXCLUDED_INPUT_TYPES: &[&str] = &["submit", "reset", "button", "hidden"];

/// Roles of type "widget" in axe-core's table (a `tabindex="-1"` field with another role
/// is out of scope).
const WIDGET_ROLES: &[&str] = &[
    "button",
    "checkbox",
    "combobox",
    "gridcell",
    "link",
    "listbox",
    "menuitem",
    "menuitemcheckbox",
    "menuitemradio",
    "option",
    "progressbar",
    "radio",
    "scrollbar",
    "searchbox",
    "slider",
    "spinbutton",
    "switch",
    "tab",
    "tabpanel",
    "textbox",
    "treeitem",
];

/// What the grammar makes of an `autocomplete` value.
#[derive(Debug, PartialEq, Eq)]
enum Autofill {
    Valid,
    Invalid,
    /// Not standard but harmless (axe's "incorrect but safe").
    Unusual,
}

/// Parses an `autocomplete` value against the autofill grammar.
fn parse_autofill(value: &str) -> Autofill {
    let value = value.trim().to_lowercase();
    if value.is_empty() || STATE_TERMS.contains(&value.as_str()) {
        return Autofill::Valid;
    }
    let mut tokens: Vec<&str> = value.split_whitespace().collect();
    if tokens.last() == Some(&WEBAUTHN) {
        tokens.pop();
    }
    let mut rest = tokens.as_slice();
    if rest
        .first()
        .is_some_and(|t| t.len() > SECTION_PREFIX.len() && t.starts_with(SECTION_PREFIX))
    {
        rest = &rest[1..];
    }
    if rest.first().is_some_and(|t| LOCATIONS.contains(t)) {
        rest = &rest[1..];
    }
    let mut allowed_standalone = true;
    if rest.first().is_some_and(|t| QUALIFIERS.contains(t)) {
        rest = &rest[1..];
        allowed_standalone = false;
    }
    let [purpose] = rest else {
        return Autofill::Invalid;
    };
    if INVALID_BUT_SAFE.contains(purpose) {
        Autofill::Unusual
    } else if QUALIFIED_TERMS.contains(purpose)
        || (allowed_standalone && STANDALONE_TERMS.contains(purpose))
    {
        Autofill::Valid
    } else {
        Autofill::Invalid
    }
}

/// axe's applicability: an enabled, editable text-like field with a non-blank
/// `autocomplete` that a user can reach.
fn in_scope(el: ElementRef<'_>) -> bool {
    let v = el.value();
    let mut autocomplete = None;
    let mut tabindex = None;
    let mut role = None;
    for (name, value) in v.attrs() {
        match name {
            "autocomplete" => autocomplete = Some(value),
            "disabled" | "readonly" => return false,
            "aria-disabled" | "aria-readonly" if value.eq_ignore_ascii_case("true") => {
                return false;
            }
            "tabindex" => tabindex = Some(value),
            "role" => role = Some(value),
            _ => {}
        }
    }
    if autocomplete.is_none_or(|a| a.trim().is_empty()) {
        return false;
    }
    if v.name() == "input" && EXCLUDED_INPUT_TYPES.contains(&input_type(el).as_str()) {
        return false;
    }
    if tabindex == Some("-1") {
        // Out of the tab order: in scope only as a widget that people can still perceive.
        if role.is_some_and(|r| !WIDGET_ROLES.contains(&r)) || is_hidden_from_at(el) {
            return false;
        }
    }
    true
}

pub fn autocomplete_valid(page: &Page) -> Check {
    judge(
        page.select(sel!(
            "input[autocomplete], select[autocomplete], textarea[autocomplete]"
        ))
        .filter(|el| in_scope(*el)),
        "no form field sets autocomplete",
        |field| {
            let value = field.attribute("autocomplete").unwrap_or_default().trim();
            match parse_autofill(value) {
                Autofill::Valid => Verdict::Pass,
                Autofill::Invalid => Verdict::Fail(format!(
                    "autocomplete=\"{value}\" is not a valid autofill value (expected e.g. \
                     `email`, `shipping postal-code` or `work tel`)"
                )),
                Autofill::Unusual => Verdict::Review(format!(
                    "autocomplete=\"{value}\" is not a standard autofill field; check that the \
                     field's purpose has a standard token"
                )),
            }
        },
    )
}

/// The rules of this file.
pub static RULES: &[Rule] = &[axe_rule! {
    id: "autocomplete-valid",
    title: "Autocomplete values are valid",
    description: "A correct `autocomplete` token tells browsers and assistive technology what a \
                  field asks for, so it can be filled in automatically or shown with a familiar \
                  icon; a misspelt or misordered value does nothing.",
    severity: Major,
    weight: 1.0,
    fix: "Use the standard autofill tokens.",
    steps: [
        "Pick the field name from the HTML autofill list (`name`, `email`, `street-address`, \
         `cc-number`…).",
        "Order optional parts as `section-x`, `shipping`/`billing`, `home`/`work`…, field name.",
        "Separate tokens with spaces, not commas; use `off` to switch autofill off.",
    ],
    minutes: 3,
    refs: Refs::axe("autocomplete-valid", &["1.3.5"]),
    check: autocomplete_valid,
}];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rules::testing::{check, failing, outcome, page};
    use crate::report::Outcome::{NotApplicable, Pass};

    #[test]
    fn autofill_grammar() {
        let cases = [
            ("email", Autofill::Valid),
            (" Shipping  Street-Address ", Autofill::Valid),
            ("section-checkout billing home tel", Autofill::Valid),
            ("mobile email webauthn", Autofill::Valid),
            ("OFF", Autofill::Valid),
            ("nope", Autofill::Invalid),
            ("home family-name", Autofill::Invalid),
            ("home billing tel", Autofill::Invalid),
            ("tel,email", Autofill::Invalid),
            ("webauthn tel", Autofill::Invalid),
            ("webauthn", Autofill::Invalid),
            ("section- email", Autofill::Invalid),
            ("section-only", Autofill::Invalid),
            ("gender", Autofill::Unusual),
            ("work text", Autofill::Unusual),
        ];
        for (value, expected) in cases {
            assert_eq!(parse_autofill(value), expected, "{value}");
        }
    }

    #[test]
    fn fields_in_scope() {
        let html = r#"<form>
            <input id="a" autocomplete="given-name">
            <input id="b" autocomplete="firstname">
            <select id="c" autocomplete="country typo"></select>
            <textarea id="d" autocomplete="shipping street-address"></textarea>
            <input id="e" type="submit" autocomplete="bogus">
            <input id="f" disabled autocomplete="bogus">
            <input id="g" aria-readonly="true" autocomplete="bogus">
            <input id="h" style="display:none" autocomplete="bogus">
            <input id="i" tabindex="-1" aria-hidden="true" autocomplete="bogus">
            <input id="j" autocomplete="  ">
            <div id="k" autocomplete="bogus"></div>
        </form>"#;
        assert_eq!(
            failing("accessibility.autocomplete-valid", &page(html)),
            ["input#b", "select#c"]
        );
        let review = check(
            "accessibility.autocomplete-valid",
            &page(r#"<input autocomplete="pronouns">"#),
        );
        assert_eq!(review.outcome, Pass);
        assert_eq!(review.reviews.len(), 1);
        assert_eq!(
            outcome("accessibility.autocomplete-valid", "<input name=q>"),
            NotApplicable
        );
    }
}
