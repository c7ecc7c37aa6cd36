//! Score history of a URL (or its site): each completed audit, oldest first, with each score's
//! change from the audit before it.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::report::{Category, ReportId, Scores};
use crate::store::ReportSummary;

/// One audit in a history.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct HistoryEntry {
    /// Report id.
    pub id: ReportId,
    /// Audited URL.
    pub url: String,
    /// When the audit was requested.
    pub created_at: DateTime<Utc>,
    /// Its scores.
    pub scores: Scores,
    /// Observatory grade.
    pub security_grade: Option<String>,
    /// Failing findings.
    pub failing_findings: u64,
    /// Change of each score since the previous entry (absent for the first entry or where a
    /// score is missing on either side).
    pub changes: ScoreChanges,
}

/// Score changes, in points.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
pub struct ScoreChanges {
    /// Performance.
    pub performance: Option<i32>,
    /// SEO.
    pub seo: Option<i32>,
    /// Accessibility.
    pub accessibility: Option<i32>,
    /// Best practices.
    pub best_practices: Option<i32>,
    /// Security.
    pub security: Option<i32>,
    /// Overall.
    pub overall: Option<i32>,
}

fn change(now: Option<u8>, before: Option<u8>) -> Option<i32> {
    Some(i32::from(now?) - i32::from(before?))
}

/// The changes from `before` to `now`.
pub fn changes(now: &Scores, before: Option<&Scores>) -> ScoreChanges {
    let Some(before) = before else {
        return ScoreChanges::default();
    };
    let c = |category: Category| change(now.get(category), before.get(category));
    ScoreChanges {
        performance: c(Category::Performance),
        seo: c(Category::Seo),
        accessibility: c(Category::Accessibility),
        best_practices: c(Category::BestPractices),
        security: c(Category::Security),
        overall: change(now.overall, before.overall),
    }
}

/// History entries from completed summaries, oldest first.
pub fn entries(summaries: Vec<ReportSummary>) -> Vec<HistoryEntry> {
    let mut previous: Option<Scores> = None;
    summaries
        .into_iter()
        .map(|s| {
            let scores = s.scores.unwrap_or_default();
            let entry = HistoryEntry {
                changes: changes(&scores, previous.as_ref()),
                id: s.id,
                url: s.url,
                created_at: s.created_at,
                scores,
                security_grade: s.security_grade,
                failing_findings: s.failing_findings,
            };
            previous = Some(scores);
            entry
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_between_audits() {
        let before = Scores {
            seo: Some(70),
            security: Some(50),
            overall: Some(60),
            ..Scores::default()
        };
        let now = Scores {
            seo: Some(90),
            overall: Some(65),
            ..Scores::default()
        };
        let c = changes(&now, Some(&before));
        assert_eq!(c.seo, Some(20));
        assert_eq!(c.overall, Some(5));
        assert_eq!(c.security, None);
        assert_eq!(changes(&now, None), ScoreChanges::default());
    }
}
