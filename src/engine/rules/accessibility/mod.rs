//! Accessibility rules: the axe-core rules (and Lighthouse accessibility audits) that can be
//! decided from markup alone, without layout or a browser.
//!
//! Each rule mirrors one axe rule of the same name (`accessibility.image-alt` ↔ axe
//! `image-alt`), with Lighthouse's weight for it (critical 10, serious 7, moderate 3, minor 1;
//! Lighthouse's informative audits weigh 0 and report items to review). What needs rendering
//! (colour contrast, target size, links distinguished only by colour, focus order) is not
//! checked: the category description says so. Hidden-ness is read from the `hidden`
//! attribute, `aria-hidden` and inline styles; stylesheets are not applied.
//!
//! # Layout
//! - [`names`] — accessible names (`aria-labelledby`, `aria-label`, labels, alt, content).
//! - [`roles`] — the ARIA vocabulary: roles, attributes, value types, required states.
//! - [`verdict`] — the per-element test loop the rules share.
//! - [`html_aria`] — ARIA in HTML: the roles each HTML element may take.
//! - rule files: [`document`], [`text_alternatives`], [`controls`], [`structure`], [`aria`],
//!   [`aria_allowed`] (what a role permits), [`aria_context`] (roles in their containers),
//!   [`tables`] (data-table heuristic, header grid), [`autocomplete`] (autofill grammar),
//!   [`redundancy`] (names that repeat or contradict what is shown).

/// A page rule of this category that mirrors the axe rule `$id`.
macro_rules! axe_rule {
    (
        id: $id:literal,
        title: $title:literal,
        description: $description:literal,
        severity: $severity:ident,
        weight: $weight:literal,
        fix: $summary:literal,
        steps: [$($step:literal),+ $(,)?],
        minutes: $minutes:literal,
        refs: $refs:expr,
        check: $check:path $(,)?
    ) => {
        $crate::engine::rules::Rule {
            id: concat!("accessibility.", $id),
            category: $crate::report::Category::Accessibility,
            title: $title,
            description: $description,
            severity: $crate::report::Severity::$severity,
            weight: $weight,
            penalty: 0,
            fix: $crate::engine::rules::FixText {
                summary: $summary,
                steps: &[$($step),+],
                minutes: $minutes,
            },
            refs: $refs,
            check: $check,
        }
    };
}

pub mod aria;
pub mod aria_allowed;
pub mod aria_context;
pub mod autocomplete;
pub mod controls;
pub mod document;
pub mod html_aria;
pub mod names;
pub mod redundancy;
pub mod roles;
pub mod structure;
pub mod tables;
pub mod text_alternatives;
mod verdict;

use super::Rule;
use std::sync::LazyLock;

static ALL: LazyLock<Vec<Rule>> = LazyLock::new(|| {
    [
        document::RULES,
        text_alternatives::RULES,
        controls::RULES,
        structure::RULES,
        aria::RULES,
        aria_allowed::RULES,
        aria_context::RULES,
        tables::RULES,
        autocomplete::RULES,
        redundancy::RULES,
    ]
    .concat()
});

/// The rules of this category, in report order.
pub fn rules() -> &'static [Rule] {
    &ALL
}
