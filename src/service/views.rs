//! Compact views of a report for readers with little room (a terminal, a model's context):
//! scores, counts of failing findings by category and severity, and the worst failures.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::report::Place;
use crate::report::{Category, Finding, Severity};
use crate::store::ReportSummary;

/// How many worst findings a summary lists.
pub const WORST_SHOWN: usize = 10;

/// A report in brief: its summary, failing counts and worst findings.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct ReportOverview {
    /// Id, URL, status, times, scores, grade, counts.
    #[serde(flatten)]
    pub report: ReportSummary,
    /// Failing findings counted.
    pub failing: FailingCounts,
    /// The worst failing findings (at most 10).
    pub worst: Vec<FindingBrief>,
}

/// Counts of failing findings.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct FailingCounts {
    /// All failing findings.
    pub total: usize,
    /// Per category.
    pub by_category: BTreeMap<Category, usize>,
    /// Per severity.
    pub by_severity: BTreeMap<Severity, usize>,
    /// Findings that need a person's review (not failures).
    pub needs_review: usize,
}

/// One failing finding in brief.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct FindingBrief {
    /// Rule id.
    pub rule_id: String,
    /// Rule title.
    pub title: String,
    /// Category.
    pub category: Category,
    /// Severity.
    pub severity: Severity,
    /// Where.
    pub place: Place,
    /// The fix in one sentence.
    pub fix: String,
}

impl FindingBrief {
    /// The brief of a finding.
    pub fn of(f: &Finding) -> FindingBrief {
        FindingBrief {
            rule_id: f.rule_id.to_string(),
            title: f.title.to_string(),
            category: f.category,
            severity: f.severity,
            place: Place {
                page_url: f.page_url.clone(),
                selector: f.evidence.selector.clone(),
                snippet: f.evidence.snippet.clone(),
                url: f.evidence.url.clone(),
                detail: f.evidence.detail.clone(),
            },
            fix: f.recommendation.summary.to_string(),
        }
    }
}

/// Counts from the store's (category, severity, count) rows and the number to review.
pub fn counts_from_rows(
    rows: &[(Category, Severity, usize)],
    needs_review: usize,
) -> FailingCounts {
    let mut counts = FailingCounts {
        needs_review,
        ..FailingCounts::default()
    };
    for (category, severity, n) in rows {
        counts.total += n;
        *counts.by_category.entry(*category).or_default() += n;
        *counts.by_severity.entry(*severity).or_default() += n;
    }
    counts
}

/// Counts failing findings in memory.
pub fn failing_counts(findings: &[Finding]) -> FailingCounts {
    let mut counts = FailingCounts::default();
    for f in findings {
        if f.is_failure() {
            counts.total += 1;
            *counts.by_category.entry(f.category).or_default() += 1;
            *counts.by_severity.entry(f.severity).or_default() += 1;
        } else if f.outcome == crate::report::Outcome::Review {
            counts.needs_review += 1;
        }
    }
    counts
}

/// The overview of a report from its summary, counts and worst findings.
pub fn overview(
    summary: ReportSummary,
    failing: FailingCounts,
    worst: &[Finding],
) -> ReportOverview {
    ReportOverview {
        report: summary,
        failing,
        worst: worst.iter().map(FindingBrief::of).collect(),
    }
}
