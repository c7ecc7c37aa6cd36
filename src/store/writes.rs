//! Writes: new reports, status changes, findings and pages as they stream in, completion (one
//! transaction flips the status and stores scores, the pages' final scores and
//! recommendations), failure and deletion.
//!
//! A running report's findings and page reports are appended a few pages at a time, each
//! batch in its own transaction, so a crawl does not hold them in memory; a batch's passes
//! and not-applicable outcomes take one row per run of a page's
//! ([`settled`](super::settled)). Readers only trust a report once its status is
//! `completed`; a process killed mid-audit leaves a `running` report whose partial rows are
//! cleared when the audit runs again.

use chrono::{DateTime, Utc};
use std::sync::LazyLock;

use rusqlite::{Statement, Transaction, TransactionBehavior, params};

use super::rows::{FINDING_COLUMNS, UNFINISHED, timestamp};
use super::settled::{self, SettledBatch};
use super::{Store, StoreError};
use crate::report::{Finding, PageReport, Recommendation, ReportId, Scores, Status};

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

/// What a completed audit stores besides its findings (`Default`: no scores, grade, page
/// scores or recommendations).
#[derive(Debug, Clone, Copy, Default)]
pub struct Completion<'a> {
    /// Category and overall scores.
    pub scores: Scores,
    /// Observatory grade.
    pub security_grade: Option<&'a str>,
    /// Uncapped Observatory score.
    pub observatory_score: Option<i32>,
    /// The pages' final scores, by position in the page list (pages appended while the audit
    /// ran carry the scores of their own rules; cross-page rules change them at the end).
    pub page_scores: &'a [(usize, Scores)],
    /// Ranked recommendations.
    pub recommendations: &'a [Recommendation],
}

/// Findings inserted by one statement: SQLite's per-statement work (preparing the cursors,
/// halting, resetting) is shared by this many rows. 32 rows of 11 values stay far below the
/// 32,766-parameter limit.
const FINDINGS_PER_INSERT: usize = 32;

/// The values of a findings row: the report, the position, and [`FINDING_COLUMNS`].
const FINDING_VALUES: usize = 2 + column_count(FINDING_COLUMNS);

/// How many columns a comma-separated column list names.
const fn column_count(columns: &str) -> usize {
    let bytes = columns.as_bytes();
    let (mut i, mut count) = (0, 1);
    while i < bytes.len() {
        if bytes[i] == b',' {
            count += 1;
        }
        i += 1;
    }
    count
}

/// `INSERT INTO findings … VALUES (…), (…), …` with `rows` rows of placeholders.
fn insert_findings_sql(rows: usize) -> String {
    let row = format!("({})", ["?"; FINDING_VALUES].join(", "));
    format!(
        "INSERT INTO findings (report_id, seq, {FINDING_COLUMNS}) VALUES {}",
        vec![row; rows].join(", ")
    )
}

static INSERT_ONE_FINDING: LazyLock<String> = LazyLock::new(|| insert_findings_sql(1));
static INSERT_FINDINGS: LazyLock<String> =
    LazyLock::new(|| insert_findings_sql(FINDINGS_PER_INSERT));

/// Binds one finding's values as row `row` of a (multi-row) insert statement.
fn bind_finding(
    insert: &mut Statement<'_>,
    row: usize,
    id: &ReportId,
    seq: i64,
    f: &Finding,
) -> Result<(), StoreError> {
    let first = row * FINDING_VALUES + 1;
    let evidence = serde_json::to_string(&f.evidence).expect("evidence serialises");
    insert.raw_bind_parameter(first, id.as_str())?;
    insert.raw_bind_parameter(first + 1, seq)?;
    insert.raw_bind_parameter(first + 2, f.rule_id.as_ref())?;
    insert.raw_bind_parameter(first + 3, f.category.as_str())?;
    insert.raw_bind_parameter(first + 4, f.severity.as_str())?;
    insert.raw_bind_parameter(first + 5, f.outcome.as_str())?;
    insert.raw_bind_parameter(first + 6, f.page_url.as_str())?;
    insert.raw_bind_parameter(first + 7, f.fingerprint.as_str())?;
    insert.raw_bind_parameter(first + 8, f.score)?;
    insert.raw_bind_parameter(first + 9, f.weight)?;
    insert.raw_bind_parameter(first + 10, evidence)?;
    Ok(())
}

/// Inserts a batch of findings after the report's last: failures and items to review one row
/// each, settled findings one row per run of a page's (see [`settled`](super::settled)).
fn insert_findings(
    tx: &Transaction<'_>,
    id: &ReportId,
    findings: &[Finding],
) -> Result<(), StoreError> {
    let next: i64 = tx.query_row(
        "SELECT max(coalesce((SELECT max(seq) FROM findings WHERE report_id = ?1), -1),
                    coalesce((SELECT max(seq) FROM settled_findings WHERE report_id = ?1), -1)) + 1",
        [id.as_str()],
        |r| r.get(0),
    )?;
    let mut settled = SettledBatch::default();
    let mut to_act_on = Vec::new();
    for (seq, f) in (next..).zip(findings) {
        if settled::is_settled(f) {
            settled.add(seq, f);
        } else {
            to_act_on.push((seq, f));
        }
    }
    settled.insert(tx, id)?;
    insert_rows(tx, id, &to_act_on)
}

/// Inserts findings one row each in the findings table, at the given positions,
/// [`FINDINGS_PER_INSERT`] rows per statement.
pub(super) fn insert_rows(
    tx: &Transaction<'_>,
    id: &ReportId,
    rows: &[(i64, &Finding)],
) -> Result<(), StoreError> {
    let mut chunks = rows.chunks_exact(FINDINGS_PER_INSERT);
    if chunks.len() > 0 {
        let mut insert = tx.prepare_cached(&INSERT_FINDINGS)?;
        for chunk in &mut chunks {
            for (row, (seq, f)) in chunk.iter().enumerate() {
                bind_finding(&mut insert, row, id, *seq, f)?;
            }
            insert.raw_execute()?;
        }
    }
    let mut insert = tx.prepare_cached(&INSERT_ONE_FINDING)?;
    for (seq, f) in chunks.remainder() {
        bind_finding(&mut insert, 0, id, *seq, f)?;
        insert.raw_execute()?;
    }
    Ok(())
}

/// Removes the findings and pages of a report (an interrupted or failed attempt's).
fn clear_rows(tx: &Transaction<'_>, id: &ReportId) -> Result<(), StoreError> {
    for table in ["findings", "settled_findings", "pages"] {
        tx.execute(
            &format!("DELETE FROM {table} WHERE report_id = ?"),
            [id.as_str()],
        )?;
    }
    Ok(())
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

    /// Moves a report to `running` (only from `queued` or `running`), counts the attempt and
    /// clears rows a previous, interrupted attempt left. Returns false when the report is gone
    /// or already finished.
    pub fn mark_running(&self, id: &ReportId) -> Result<bool, StoreError> {
        let mut conn = self.conn()?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let changed = tx.execute(
            &format!(
                "UPDATE reports SET status = 'running', attempts = attempts + 1
                 WHERE id = ? AND {UNFINISHED}"
            ),
            [id.as_str()],
        )?;
        if changed == 1 {
            clear_rows(&tx, id)?;
            tx.commit()?;
        }
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
                    "interrupted: the webaudit process stopped {max_attempts} times while this audit \
                     ran, so it was not retried again; start a new audit of this URL"
                ),
                max_attempts,
            ])?;
        let requeued = conn
            .prepare_cached("UPDATE reports SET status = 'queued' WHERE status = 'running'")?
            .execute([])?;
        Ok((requeued, failed))
    }

    /// Appends findings and page reports (each with its position in the page list) of a
    /// running report, in one transaction. Returns false, storing nothing, when the report no
    /// longer exists (deleted while it ran) or is finished (a batch that comes after its
    /// completion or failure is refused, so a finished report never changes).
    ///
    /// Every write transaction here starts `IMMEDIATE`: it takes the write lock at once, so a
    /// concurrent writer makes it wait (up to the busy timeout) instead of failing with
    /// "database is locked" when a deferred transaction would upgrade from read to write.
    pub fn append(
        &self,
        id: &ReportId,
        findings: &[Finding],
        pages: &[(usize, PageReport)],
    ) -> Result<bool, StoreError> {
        let mut conn = self.conn()?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let exists = tx
            .prepare_cached(&format!(
                "SELECT 1 FROM reports WHERE id = ? AND {UNFINISHED}"
            ))?
            .exists([id.as_str()])?;
        if !exists {
            return Ok(false);
        }
        insert_findings(&tx, id, findings)?;
        let mut insert_page =
            tx.prepare_cached("INSERT INTO pages (report_id, seq, url, data) VALUES (?, ?, ?, ?)")?;
        for (seq, page) in pages {
            let data = serde_json::to_string(page).expect("page reports serialise");
            insert_page.execute(params![id.as_str(), *seq as i64, page.final_url, data])?;
        }
        drop(insert_page);
        tx.commit()?;
        Ok(true)
    }

    /// Completes a running report in one transaction: status, scores, the pages' final scores,
    /// recommendations, and the failing findings and audited pages (counted from the rows
    /// appended; a page entry without scores, such as a broken link's 404, is not audited). A
    /// report deleted or marked failed while it ran (a second Ctrl-C) is left as it is.
    pub fn finish_report(&self, id: &ReportId, done: Completion<'_>) -> Result<(), StoreError> {
        let mut conn = self.conn()?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let (failing, page_count): (i64, i64) = tx.query_row(
            "SELECT (SELECT count(*) FROM findings WHERE report_id = ?1 AND outcome = 'fail'),
                    (SELECT count(*) FROM pages WHERE report_id = ?1 AND data ->> 'scores' IS NOT NULL)",
            [id.as_str()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let s = done.scores;
        let recommendations =
            serde_json::to_string(done.recommendations).expect("recommendations serialise");
        let updated = tx.execute(
            &format!(
                "UPDATE reports SET status = 'completed', completed_at = ?, error_message = NULL,
                 score_performance = ?, score_seo = ?, score_accessibility = ?,
                 score_best_practices = ?, score_security = ?, score_overall = ?,
                 security_grade = ?, observatory_score = ?, failing_count = ?, page_count = ?,
                 recommendations = ?
             WHERE id = ? AND {UNFINISHED}"
            ),
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
                page_count,
                recommendations,
                id.as_str(),
            ],
        )?;
        if updated == 0 {
            // Deleted or failed while it ran: the transaction rolls back on drop.
            return Ok(());
        }
        {
            let mut set_scores = tx.prepare_cached(
                "UPDATE pages SET data = json_set(data, '$.scores', json(?))
                 WHERE report_id = ? AND seq = ?",
            )?;
            for (seq, scores) in done.page_scores {
                let scores = serde_json::to_string(scores).expect("scores serialise");
                set_scores.execute(params![scores, id.as_str(), *seq as i64])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Stores a whole completed audit at once (findings and pages, then completion).
    pub fn complete_report(
        &self,
        id: &ReportId,
        findings: &[Finding],
        pages: &[PageReport],
        done: Completion<'_>,
    ) -> Result<(), StoreError> {
        let pages: Vec<(usize, PageReport)> = pages.iter().cloned().enumerate().collect();
        if self.append(id, findings, &pages)? {
            self.finish_report(id, done)?;
        }
        Ok(())
    }

    /// Marks a report that is queued or running failed, with a message saying why and what to
    /// try; rows a partial run left are removed. A report that already finished is left as it
    /// is (returns false).
    pub fn fail_report(&self, id: &ReportId, message: &str) -> Result<bool, StoreError> {
        let mut conn = self.conn()?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let changed = tx.execute(
            &format!(
                "UPDATE reports SET status = 'failed', completed_at = ?, error_message = ? \
                 WHERE id = ? AND {UNFINISHED}"
            ),
            params![timestamp(Utc::now()), message, id.as_str()],
        )?;
        if changed > 0 {
            clear_rows(&tx, id)?;
        }
        tx.commit()?;
        Ok(changed > 0)
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
