//! A finding: one rule's outcome on one page (or on one element of a page), with its evidence,
//! the fix and the references to the audits it mirrors.

use std::borrow::Cow;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Category, Severity};

/// Text that is usually the rule catalogue's own (borrowed, so an audit that makes a hundred
/// findings per page does not copy the catalogue's titles and fixes into each), or owned when
/// read back from JSON.
pub type Text = Cow<'static, str>;

/// One rule's outcome on one page. A failing rule gives one finding per offending element (or
/// value); a passing or not-applicable rule gives one finding per page.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Finding {
    /// Stable rule id `category.kebab-name`, e.g. `seo.meta-description`.
    pub rule_id: Text,
    /// The rule's category.
    pub category: Category,
    /// How much this matters (`info`, `minor`, `major`, `critical`).
    pub severity: Severity,
    /// True when the rule was checked and holds (outcome `pass` or `not_applicable`).
    pub passed: bool,
    /// `pass`, `fail`, `not_applicable`, or `review` (cannot be decided without a browser or a
    /// person; never counted as a failure).
    pub outcome: Outcome,
    /// The rule's title.
    pub title: Text,
    /// What the rule checks and why it matters.
    pub description: Text,
    /// The page the finding is about (for site-wide rules, the page it was found on).
    pub page_url: String,
    /// Where and what: selector, snippet, URL, measured value, as fits the rule.
    pub evidence: Evidence,
    /// How to fix it.
    pub recommendation: Fix,
    /// The equivalent checks of other tools.
    pub references: References,
    /// Stable across audits (rule + page path + evidence key), so a finding can be followed over
    /// time.
    pub fingerprint: String,
    /// The rule's score on this page, 0–1 (1 = pass). Binary rules give 0 or 1; measured rules
    /// follow a log-normal curve.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// The rule's weight within its category.
    #[serde(default)]
    pub weight: f64,
}

impl Finding {
    /// True when this finding is a failure to fix (not a pass, not needing review).
    pub fn is_failure(&self) -> bool {
        self.outcome == Outcome::Fail
    }
}

/// The outcome of a rule on a page or element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The rule holds.
    Pass,
    /// The rule is violated.
    Fail,
    /// Nothing on the page to check.
    NotApplicable,
    /// Needs a person (or a browser) to decide; reported for information only.
    Review,
}

impl Outcome {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Fail => "fail",
            Outcome::NotApplicable => "not_applicable",
            Outcome::Review => "review",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Outcome> {
        match s {
            "pass" => Some(Outcome::Pass),
            "fail" => Some(Outcome::Fail),
            "not_applicable" => Some(Outcome::NotApplicable),
            "review" => Some(Outcome::Review),
            _ => None,
        }
    }

    /// Whether a finding with this outcome counts as `passed`.
    pub fn passed(self) -> bool {
        matches!(self, Outcome::Pass | Outcome::NotApplicable)
    }
}

/// What a finding points at. Every field is optional; rules fill what fits.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Evidence {
    /// CSS path of the element, e.g. `body > main > img:nth-of-type(2)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selector: Option<String>,
    /// The element's opening tag or the offending text, shortened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snippet: Option<String>,
    /// A URL involved (a subresource, a link target, a redirect).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// A measured value (milliseconds, bytes, count, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// The unit of `value` (`ms`, `bytes`, `count`, `seconds`, `chars`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// The threshold the value was compared with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<f64>,
    /// A one-line explanation of this occurrence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// For Observatory tests: the result id and its score modifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observatory: Option<Observatory>,
}

impl Evidence {
    /// The part of the evidence that identifies the occurrence for the fingerprint.
    pub fn key(&self) -> &str {
        self.selector
            .as_deref()
            .or(self.url.as_deref())
            .or_else(|| self.observatory.as_ref().map(|o| o.result.as_str()))
            .unwrap_or_default()
    }

    /// True when nothing is filled in.
    pub fn is_empty(&self) -> bool {
        *self == Evidence::default()
    }
}

/// The Observatory result of a security test.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
pub struct Observatory {
    /// The Observatory test name, e.g. `content-security-policy`.
    pub test: String,
    /// The result id, e.g. `csp-implemented-with-unsafe-inline`.
    pub result: String,
    /// Its score modifier (algorithm version 5).
    pub score_modifier: i32,
    /// Whether the Observatory counts the result as passed.
    pub pass: bool,
}

/// How to fix a failing rule.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Fix {
    /// The fix in one sentence.
    pub summary: Text,
    /// Concrete steps.
    pub steps: Vec<Text>,
    /// A rough estimate of the work for one occurrence, in minutes.
    pub estimated_minutes: u32,
}

/// The equivalent checks of other tools, where they exist.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
pub struct References {
    /// Lighthouse audit id, e.g. `meta-description`.
    pub lighthouse: Option<Text>,
    /// axe-core rule id, e.g. `image-alt`.
    pub axe: Option<Text>,
    /// WCAG success criteria, e.g. `1.1.1`.
    pub wcag: Vec<Text>,
    /// Mozilla HTTP Observatory test, e.g. `strict-transport-security`.
    pub observatory: Option<Text>,
}
