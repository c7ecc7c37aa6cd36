//! Writes: new reports, status changes, completion (one transaction with pages and findings),
//! failure and deletion.

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::rows::timestamp;
use super::{Store, StoreError};
use crate::report::{Finding, PageReport, ReportId, Scores, Status};

/// A report to create.
#[derive(Debug, Clone)]
pub struct NewReport {
    /// Its id.
    pub id: ReportId,
    /// Owner.
    pub owner: String,
    /// The target URL (normalised).
    pub url: String,
    /// The target's site (origin), for history "of its site".
    pub site: String,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Initial status (`queued` or `running`).
    pub status: Status,
    /// The options it was started with, as JSON (to resume after a restart).
    pub options: serde_json::Value,
}

/// What a completed audit stores.
#[derive(Debug, Clone, Copy)]
pub struct Completion<'a> {
    /// Category and overall scores.
    pub scores: Scores,
    /// Observatory grade.
    pub security_grade: Option<&'a str>,
    /// Uncapped Observatory score.
    pub observatory_score: Option<i32>,
    /// Pages.
    pub pages: &'a [PageReport],
    /// Findings.
    pub findings: &'a [Finding],
}

impl Store {
    /// Inserts a new report.
    pub fn create_report(&self, report: &NewReport) -> Result<(), StoreError> {
        let conn = self.conn()?;
        conn.prepare_cached(
            "INSERT INTO reports (id, owner, url, site, status, created_at, options, engine_version)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )?
        .execute(params![
            report.id.as_str(),
            report.owner,
            report.url,
            report.site,
            report.status.as_str(),
            timestamp(report.created_at),
            report.options.to_string(),
            env!("CARGO_PKG_VERSION"),
        ])?;
        Ok(())
    }

    /// Moves a report to `running` (only from `queued` or `running`) and counts the attempt.
    /// Returns false when the report is gone or already finished.
    pub fn mark_running(&self, id: &ReportId) -> Result<bool, StoreError> {
        let conn = self.conn()?;
        let changed = conn
            .prepare_cached(
                "UPDATE reports SET status = 'running', attempts = attempts + 1
                 WHERE id = ? AND status IN ('queued', 'running')",
            )?
            .execute([id.as_str()])?;
        Ok(changed == 1)
    }

    /// At start-up, after a process died: `running` reports that have had fewer than
    /// `max_attempts` attempts go back to `queued`; the others are marked failed with a message
    /// (so an audit that crashes the process is not retried forever). Returns (requeued,
    /// failed).
    pub fn recover_interrupted(&self, max_attempts: u32) -> Result<(usize, usize), StoreError> {
        let conn = self.conn()?;
        let failed = conn
            .prepare_cached(
                "UPDATE reports SET status = 'failed', completed_at = ?, error_message = ?
                 WHERE status = 'running' AND attempts >= ?",
            )?
            .execute(params![
                timestamp(Utc::now()),
                format!(
                    "interrupted: the webaudit process stopped {max_attempts} times while this audit                      ran, so it was not retried again; start a new audit of this URL"
                ),
                max_attempts,
            ])?;
        let requeued = conn
            .prepare_cached("UPDATE reports SET status = 'queued' WHERE status = 'running'")?
            .execute([])?;
        Ok((requeued, failed))
    }

    /// Stores a completed audit: the report row, its pages and findings, in one transaction.
    pub fn complete_report(&self, id: &ReportId, done: Completion<'_>) -> Result<(), StoreError> {
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        let failing = done.findings.iter().filter(|f| f.is_failure()).count() as i64;
        let s = done.scores;
        let updated = tx.execute(
            "UPDATE reports SET status = 'completed', completed_at = ?, error_message = NULL,
                 score_performance = ?, score_seo = ?, score_accessibility = ?,
                 score_best_practices = ?, score_security = ?, score_overall = ?,
                 security_grade = ?, observatory_score = ?, failing_count = ?, page_count = ?
             WHERE id = ?",
            params![
                timestamp(Utc::now()),
                s.performance,
                s.seo,
                s.accessibility,
                s.best_practices,
                s.security,
                s.overall,
                done.security_grade,
                done.observatory_score,
                failing,
                done.pages.len() as i64,
                id.as_str(),
            ],
        )?;
        if updated == 0 {
            // Deleted while it ran: do not resurrect it (the transaction rolls back on drop).
            return Ok(());
        }
        tx.execute("DELETE FROM pages WHERE report_id = ?", [id.as_str()])?;
        tx.execute("DELETE FROM findings WHERE report_id = ?", [id.as_str()])?;
        {
            let mut insert_page = tx.prepare_cached(
                "INSERT INTO pages (report_id, seq, url, data) VALUES (?, ?, ?, ?)",
            )?;
            for (seq, page) in done.pages.iter().enumerate() {
                let data = serde_json::to_string(page).expect("page reports serialise");
                insert_page.execute(params![id.as_str(), seq as i64, page.final_url, data])?;
            }
            let mut insert_finding = tx.prepare_cached(
                "INSERT INTO findings (report_id, seq, rule_id, category, severity, outcome,
                     page_url, fingerprint, score, weight, evidence)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )?;
            for (seq, f) in done.findings.iter().enumerate() {
                let evidence = serde_json::to_string(&f.evidence).expect("evidence serialises");
                insert_finding.execute(params![
                    id.as_str(),
                    seq as i64,
                    f.rule_id,
                    f.category.as_str(),
                    f.severity.as_str(),
                    f.outcome.as_str(),
                    f.page_url,
                    f.fingerprint,
                    f.score,
                    f.weight,
                    evidence,
                ])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Marks a report failed with a message saying why and what to try.
    pub fn fail_report(&self, id: &ReportId, message: &str) -> Result<(), StoreError> {
        let conn = self.conn()?;
        conn.prepare_cached(
            "UPDATE reports SET status = 'failed', completed_at = ?, error_message = ? WHERE id = ?",
        )?
        .execute(params![timestamp(Utc::now()), message, id.as_str()])?;
        Ok(())
    }

    /// Deletes a report of `owner` with its pages and findings. Returns false when there was no
    /// such report.
    pub fn delete_report(&self, owner: &str, id: &ReportId) -> Result<bool, StoreError> {
        let conn = self.conn()?;
        let deleted = conn
            .prepare_cached("DELETE FROM reports WHERE id = ? AND owner = ?")?
            .execute([id.as_str(), owner])?;
        Ok(deleted == 1)
    }
}
