//! Conversions between rows and report types.

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::Row;

use super::StoreError;
use super::queries::ReportSummary;
use crate::engine::rules;
use crate::report::{
    Category, Evidence, Finding, Fix, Outcome, References, ReportId, Scores, Severity, Status, Text,
};

/// The columns a [`ReportSummary`] is read from, in order.
pub const SUMMARY_COLUMNS: &str = "id, url, status, created_at, completed_at, error_message, \
    score_performance, score_seo, score_accessibility, score_best_practices, score_security, \
    score_overall, security_grade, observatory_score, failing_count, page_count, options, \
    engine_version";

/// The condition of a report still to finish (`queued` or `running`): the work a restarted
/// process picks up, and the only reports that take findings.
pub const UNFINISHED: &str = "status IN ('queued', 'running')";

/// Formats a timestamp as stored: RFC 3339, UTC, milliseconds (sorts as text).
pub fn timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn parse_time(id: &str, text: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| corrupt(id, format!("bad timestamp `{text}`: {e}")))
}

/// A corrupt-row error.
pub fn corrupt(id: &str, detail: impl Into<String>) -> StoreError {
    StoreError::Corrupt {
        id: id.to_owned(),
        detail: detail.into(),
    }
}

fn score(row: &Row<'_>, index: usize) -> rusqlite::Result<Option<u8>> {
    Ok(row
        .get::<_, Option<i64>>(index)?
        .map(|v| v.clamp(0, 100) as u8))
}

/// Reads a summary from a row selected with [`SUMMARY_COLUMNS`].
pub fn summary(row: &Row<'_>) -> Result<ReportSummary, StoreError> {
    let id: String = row.get(0)?;
    let status_text: String = row.get(2)?;
    let created: String = row.get(3)?;
    let completed: Option<String> = row.get(4)?;
    let scores = Scores {
        performance: score(row, 6)?,
        seo: score(row, 7)?,
        accessibility: score(row, 8)?,
        best_practices: score(row, 9)?,
        security: score(row, 10)?,
        overall: score(row, 11)?,
    };
    let status: Status = status_text.parse().map_err(|e: String| corrupt(&id, e))?;
    let options: String = row.get(16)?;
    Ok(ReportSummary {
        id: id.parse().map_err(|e: String| corrupt(&id, e))?,
        url: row.get(1)?,
        status,
        created_at: parse_time(&id, &created)?,
        completed_at: completed.map(|c| parse_time(&id, &c)).transpose()?,
        error_message: row.get(5)?,
        scores: (status == Status::Completed).then_some(scores),
        security_grade: row.get(12)?,
        observatory_score: row.get(13)?,
        failing_findings: row.get::<_, i64>(14)?.max(0) as u64,
        pages: row.get::<_, i64>(15)?.max(0) as u64,
        options: serde_json::from_str(&options).unwrap_or(serde_json::Value::Null),
        engine_version: row.get(17)?,
    })
}

/// The columns a finding is read from, in order.
pub const FINDING_COLUMNS: &str =
    "rule_id, category, severity, outcome, page_url, fingerprint, score, weight, evidence";

/// A finding's stored values, before the rule's text is filled in from the catalogue.
pub struct StoredFinding {
    /// Rule id.
    pub rule_id: String,
    /// Category, as stored.
    pub category: String,
    /// Severity, as stored.
    pub severity: String,
    /// Outcome, as stored.
    pub outcome: String,
    /// Page URL.
    pub page_url: String,
    /// Fingerprint.
    pub fingerprint: String,
    /// Score.
    pub score: Option<f64>,
    /// Weight.
    pub weight: f64,
    /// Evidence.
    pub evidence: Evidence,
}

/// Reads a finding from a row selected with [`FINDING_COLUMNS`] (from `first` on), filling the
/// rule's text from the catalogue.
pub fn finding(report: &ReportId, row: &Row<'_>, first: usize) -> Result<Finding, StoreError> {
    let evidence: Evidence = serde_json::from_str(&row.get::<_, String>(first + 8)?)
        .map_err(|e| corrupt(report.as_str(), format!("bad evidence JSON: {e}")))?;
    finding_of(
        report,
        StoredFinding {
            rule_id: row.get(first)?,
            category: row.get(first + 1)?,
            severity: row.get(first + 2)?,
            outcome: row.get(first + 3)?,
            page_url: row.get(first + 4)?,
            fingerprint: row.get(first + 5)?,
            score: row.get(first + 6)?,
            weight: row.get(first + 7)?,
            evidence,
        },
    )
}

/// A finding from its stored values, filling the rule's text from the catalogue.
pub fn finding_of(report: &ReportId, stored: StoredFinding) -> Result<Finding, StoreError> {
    let id = report.as_str();
    let StoredFinding {
        rule_id,
        category,
        severity,
        outcome,
        page_url,
        fingerprint,
        score,
        weight,
        evidence,
    } = stored;
    let category: Category = parse_enum(id, &category)?;
    let severity: Severity = severity.parse().map_err(|e: String| corrupt(id, e))?;
    let outcome = Outcome::parse(&outcome)
        .ok_or_else(|| corrupt(id, format!("unknown outcome `{outcome}`")))?;
    let (rule_id, title, description, recommendation, references): (Text, Text, Text, _, _) =
        match rules::find(&rule_id) {
            Some(rule) => (
                rule.id.into(),
                rule.title.into(),
                rule.description.into(),
                rule.fix(),
                rule.references(),
            ),
            None => (
                rule_id.clone().into(),
                rule_id.clone().into(),
                format!(
                    "The rule {rule_id} is not in this version of webaudit ({}); its text is not available.",
                    env!("CARGO_PKG_VERSION")
                )
                .into(),
                Fix::default(),
                References::default(),
            ),
        };
    Ok(Finding {
        rule_id,
        category,
        severity,
        passed: outcome.passed(),
        outcome,
        title,
        description,
        page_url,
        evidence,
        recommendation,
        references,
        fingerprint,
        score,
        weight,
    })
}

fn parse_enum<T: serde::de::DeserializeOwned>(id: &str, text: &str) -> Result<T, StoreError> {
    serde_json::from_value(serde_json::Value::String(text.to_owned()))
        .map_err(|e| corrupt(id, format!("unknown value `{text}`: {e}")))
}
