//! Compact views of a report for readers with little room (a terminal, a model's context):
//! scores, counts of failing findings by category and severity, and the worst failures.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::recommend::Place;
use crate::report::{Category, Finding, Report, ReportId, Scores, Severity, Status};

/// How many worst findings a summary lists.
pub const WORST_SHOWN: usize = 10;

/// A report in brief.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct ReportOverview {
    /// Report id.
    pub id: ReportId,
    /// Audited URL.
    pub url: String,
    /// Status.
    pub status: Status,
    /// When requested.
    pub created_at: DateTime<Utc>,
    /// When finished.
    pub completed_at: Option<DateTime<Utc>>,
    /// Why it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
    /// Scores.
    pub scores: Option<Scores>,
    /// Observatory grade.
    pub security_grade: Option<String>,
    /// Pages audited.
    pub pages: usize,
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
            rule_id: f.rule_id.clone(),
            title: f.title.clone(),
            category: f.category,
            severity: f.severity,
            place: Place {
                page_url: f.page_url.clone(),
                selector: f.evidence.selector.clone(),
                snippet: f.evidence.snippet.clone(),
                url: f.evidence.url.clone(),
                detail: f.evidence.detail.clone(),
            },
            fix: f.recommendation.summary.clone(),
        }
    }
}

/// Counts failing findings.
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

/// The `n` worst failing findings: most severe first, then heaviest rule, then lowest score.
pub fn worst(findings: &[Finding], n: usize) -> Vec<&Finding> {
    let mut failing: Vec<&Finding> = findings.iter().filter(|f| f.is_failure()).collect();
    failing.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(b.weight.total_cmp(&a.weight))
            .then(a.score.unwrap_or(0.0).total_cmp(&b.score.unwrap_or(0.0)))
    });
    failing.truncate(n);
    failing
}

/// The overview of a full report.
pub fn overview(report: &Report) -> ReportOverview {
    ReportOverview {
        id: report.id.clone(),
        url: report.url.clone(),
        status: report.status,
        created_at: report.created_at,
        completed_at: report.completed_at,
        error_message: report.error_message.clone(),
        scores: report.scores,
        security_grade: report.security_grade.clone(),
        pages: report.pages.len(),
        failing: failing_counts(&report.findings),
        worst: worst(&report.findings, WORST_SHOWN)
            .into_iter()
            .map(FindingBrief::of)
            .collect(),
    }
}
