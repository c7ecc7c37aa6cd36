//! Recommendations: what to fix first, one per failing rule.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Category, Fix, References, Severity};

/// One thing to fix: a rule that fails somewhere.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Recommendation {
    /// 1 = do first.
    pub rank: u32,
    /// The rule.
    pub rule_id: String,
    /// Its title.
    pub title: String,
    /// Its category.
    pub category: Category,
    /// The worst severity among its failures.
    pub severity: Severity,
    /// Why it matters.
    pub why: String,
    /// How to fix it.
    pub fix: Fix,
    /// Estimated minutes for all occurrences (per-occurrence estimate × occurrences, counting at
    /// most 10).
    pub estimated_minutes: u32,
    /// Failing occurrences.
    pub occurrences: u32,
    /// Distinct pages with failures; for a rule whose findings are about URLs rather than
    /// audited pages (`seo.sitemap-entries`: an entry may answer 404 or redirect), distinct URLs.
    pub pages: u32,
    /// A short phrase such as "37 occurrences on 12 pages" ("3 occurrences on 3 URLs" for a
    /// rule about URLs, "one site-wide fix, seen on 12 pages" for a fix made once for the
    /// site, such as a response header).
    pub summary: String,
    /// The first few places.
    pub places: Vec<Place>,
    /// Score points gained if fixed everywhere.
    pub gain: Gain,
    /// Overall points gained per hour of effort (the ranking key within a severity).
    pub priority: f64,
    /// References to other tools.
    pub references: References,
}

/// Where a failure occurs.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Place {
    /// The page.
    pub page_url: String,
    /// Selector of the occurrence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selector: Option<String>,
    /// Snippet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snippet: Option<String>,
    /// URL involved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// One-line detail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// Score points gained by a fix.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Gain {
    /// Points of the rule's category.
    pub category_points: i32,
    /// Points of `overall`.
    pub overall_points: i32,
}
