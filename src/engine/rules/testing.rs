//! Helpers for rule table tests: build a page from HTML, run one rule, read back what failed.

use super::{Check, catalogue};
use crate::engine::page::Page;
use crate::report::Outcome;

/// The URL test pages live at.
pub const TEST_URL: &str = "https://site.example/page";

/// A page of this HTML at [`TEST_URL`].
pub fn page(html: &str) -> Page {
    Page::from_html(TEST_URL, html)
}

/// Runs the rule with this id on a page.
pub fn check(rule_id: &str, page: &Page) -> Check {
    let rule = catalogue()
        .iter()
        .find(|r| r.id == rule_id)
        .unwrap_or_else(|| panic!("no page rule {rule_id}"));
    (rule.check)(page)
}

/// The selectors (or, without a selector, the URL, snippet or detail) of the failing evidence.
pub fn failing(rule_id: &str, page: &Page) -> Vec<String> {
    let result = check(rule_id, page);
    if result.outcome != Outcome::Fail {
        return Vec::new();
    }
    result
        .failures
        .iter()
        .map(|e| {
            e.selector
                .clone()
                .or_else(|| e.url.clone())
                .or_else(|| e.snippet.clone())
                .or_else(|| e.detail.clone())
                .unwrap_or_default()
        })
        .collect()
}

/// The outcome of a rule on a page of this HTML.
pub fn outcome(rule_id: &str, html: &str) -> Outcome {
    check(rule_id, &page(html)).outcome
}
