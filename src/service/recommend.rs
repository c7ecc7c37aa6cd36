//! Recommendations: failing findings grouped by rule, with the exact score points fixing each
//! rule would gain (computed by re-scoring the report as if the rule passed everywhere), ranked
//! by points gained per hour of estimated effort.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::engine::score::{combine_pages, score_page};
use crate::report::{Category, Finding, Fix, References, Scores, Severity};

/// How many places are listed per recommendation.
pub const PLACES_SHOWN: usize = 5;
/// Occurrences beyond this are not added to the effort estimate (repeated problems usually come
/// from one template).
pub const EFFORT_OCCURRENCE_CAP: u32 = 10;
/// The smallest effort assumed when ranking, in hours (so trivial fixes do not dominate).
pub const MIN_EFFORT_HOURS: f64 = 0.5;

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
    /// Distinct pages with failures.
    pub pages: u32,
    /// A short phrase such as "37 occurrences on 12 pages".
    pub summary: String,
    /// The first few places.
    pub places: Vec<Place>,
    /// Score points gained if fixed everywhere.
    pub gain: Gain,
    /// Overall points gained per hour of effort (the ranking key).
    pub priority: f64,
    /// References to other tools.
    pub references: References,
}

/// Where a failure occurs.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Place {
    /// The page.
    pub page_url: String,
    /// Selector, URL or detail of the occurrence.
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

/// Scores of a report's findings, re-scored page by page and combined, with some rules treated
/// as passed.
pub fn rescore(findings: &[Finding], treat_as_passed: &[&str]) -> Scores {
    let mut by_page: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in findings {
        by_page.entry(f.page_url.as_str()).or_default().push(f);
    }
    let pages: Vec<Scores> = by_page
        .values()
        .map(|fs| score_page(fs, treat_as_passed).scores)
        .collect();
    combine_pages(&pages)
}

fn delta(after: Option<u8>, before: Option<u8>) -> i32 {
    i32::from(after.unwrap_or(0)) - i32::from(before.unwrap_or(0))
}

/// Groups failing findings by rule and ranks them. `findings` must be all findings of the
/// report (passes are needed to re-score).
pub fn recommendations(findings: &[Finding]) -> Vec<Recommendation> {
    let baseline = rescore(findings, &[]);
    let mut groups: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in findings.iter().filter(|f| f.is_failure()) {
        groups.entry(f.rule_id.as_str()).or_default().push(f);
    }
    let mut out: Vec<Recommendation> = groups
        .into_iter()
        .map(|(rule_id, failures)| {
            let first = failures[0];
            let fixed = rescore(findings, &[rule_id]);
            let gain = Gain {
                category_points: delta(fixed.get(first.category), baseline.get(first.category)),
                overall_points: delta(fixed.overall, baseline.overall),
            };
            let occurrences = failures.len() as u32;
            let mut page_urls: Vec<&str> = failures.iter().map(|f| f.page_url.as_str()).collect();
            page_urls.sort_unstable();
            page_urls.dedup();
            let pages = page_urls.len() as u32;
            let per = first.recommendation.estimated_minutes;
            let estimated_minutes = per * occurrences.min(EFFORT_OCCURRENCE_CAP);
            let hours = (f64::from(estimated_minutes) / 60.0).max(MIN_EFFORT_HOURS);
            Recommendation {
                rank: 0,
                rule_id: rule_id.to_owned(),
                title: first.title.clone(),
                category: first.category,
                severity: failures
                    .iter()
                    .map(|f| f.severity)
                    .max()
                    .unwrap_or(first.severity),
                why: first.description.clone(),
                fix: first.recommendation.clone(),
                estimated_minutes,
                occurrences,
                pages,
                summary: format!(
                    "{occurrences} occurrence{} on {pages} page{}",
                    if occurrences == 1 { "" } else { "s" },
                    if pages == 1 { "" } else { "s" }
                ),
                places: failures
                    .iter()
                    .take(PLACES_SHOWN)
                    .map(|f| Place {
                        page_url: f.page_url.clone(),
                        selector: f.evidence.selector.clone(),
                        snippet: f.evidence.snippet.clone(),
                        url: f.evidence.url.clone(),
                        detail: f.evidence.detail.clone(),
                    })
                    .collect(),
                priority: (f64::from(gain.overall_points) / hours * 100.0).round() / 100.0,
                gain,
                references: first.references.clone(),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.priority
            .total_cmp(&a.priority)
            .then(b.gain.overall_points.cmp(&a.gain.overall_points))
            .then(b.severity.cmp(&a.severity))
            .then(b.gain.category_points.cmp(&a.gain.category_points))
            .then(a.estimated_minutes.cmp(&b.estimated_minutes))
            .then(a.rule_id.cmp(&b.rule_id))
    });
    for (i, r) in out.iter_mut().enumerate() {
        r.rank = i as u32 + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::check_page;
    use crate::engine::page::Page;

    #[test]
    fn gains_are_exact_rescoring_differences() {
        let page = Page::from_html(
            "https://site.example/",
            r#"<!doctype html><html lang="en"><head><title>T</title></head>
               <body><img src="a.png"><img src="b.png"></body></html>"#,
        );
        let result = check_page(&page);
        let recs = recommendations(&result.findings);
        let images = recs
            .iter()
            .find(|r| r.rule_id == "performance.unsized-images")
            .expect("unsized images recommended");
        assert_eq!(images.occurrences, 2);
        assert_eq!(images.pages, 1);
        assert_eq!(images.summary, "2 occurrences on 1 page");
        let before = rescore(&result.findings, &[]);
        let after = rescore(&result.findings, &["performance.unsized-images"]);
        assert_eq!(
            images.gain.category_points,
            i32::from(after.performance.unwrap()) - i32::from(before.performance.unwrap())
        );
        assert!(images.gain.category_points > 0);
        assert_eq!(before, result.scores);
        let ranks: Vec<u32> = recs.iter().map(|r| r.rank).collect();
        assert_eq!(ranks, (1..=recs.len() as u32).collect::<Vec<_>>());
        assert!(recs.windows(2).all(|w| w[0].priority >= w[1].priority));
    }
}
