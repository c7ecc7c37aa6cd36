//! Reads: report summaries (newest first, with a cursor), full reports, a URL's history and
//! paged findings.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params_from_iter, types::Value};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::ordered;
use super::rows::{self, FINDING_COLUMNS, SUMMARY_COLUMNS, UNFINISHED, corrupt};
use super::{Store, StoreError};
use crate::report::{
    Category, Finding, Outcome, PageReport, Recommendation, Report, ReportId, Scores, Severity,
    Status,
};

/// One report without its pages and findings.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct ReportSummary {
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
    /// Scores (completed reports only).
    pub scores: Option<Scores>,
    /// Observatory grade.
    pub security_grade: Option<String>,
    /// Uncapped Observatory score.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observatory_score: Option<i32>,
    /// Number of failing findings.
    pub failing_findings: u64,
    /// Number of pages audited.
    pub pages: u64,
    /// The audit options the report was started with.
    #[serde(skip)]
    pub options: serde_json::Value,
    /// The webaudit version that produced it.
    #[serde(skip)]
    pub engine_version: String,
}

/// A count of failing findings of one category and severity.
pub type FailingCount = (Category, Severity, usize);

/// Filters of a report listing.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// Owner of the reports.
    pub owner: String,
    /// Only this exact (normalised) URL.
    pub url: Option<String>,
    /// Only this status.
    pub status: Option<Status>,
}

/// One page of a listing.
#[derive(Debug, Clone, PartialEq)]
pub struct ListPage {
    /// Rows, newest first.
    pub reports: Vec<ReportSummary>,
    /// Pass this to get the next page; `None` on the last page.
    pub next_cursor: Option<String>,
}

/// Filters of a findings query.
#[derive(Debug, Clone, Default)]
pub struct FindingFilter {
    /// Only this category.
    pub category: Option<Category>,
    /// Only these severities or worse.
    pub min_severity: Option<Severity>,
    /// Only these outcomes (all when empty).
    pub outcomes: Vec<Outcome>,
}

/// A completed report in a URL's history.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryEntry {
    /// The report.
    pub summary: ReportSummary,
}

impl Store {
    /// Reports of an owner, newest first, `limit` per page, continuing after `cursor` (the id
    /// of the last row of the previous page).
    pub fn list_reports(
        &self,
        filter: &ListFilter,
        limit: usize,
        cursor: Option<&ReportId>,
    ) -> Result<ListPage, StoreError> {
        let mut sql = format!("SELECT {SUMMARY_COLUMNS} FROM reports WHERE owner = ?");
        let mut args: Vec<Value> = vec![filter.owner.clone().into()];
        if let Some(url) = &filter.url {
            sql.push_str(" AND url = ?");
            args.push(url.clone().into());
        }
        if let Some(status) = filter.status {
            sql.push_str(" AND status = ?");
            args.push(status.as_str().to_owned().into());
        }
        if let Some(cursor) = cursor {
            sql.push_str(" AND id < ?");
            args.push(cursor.as_str().to_owned().into());
        }
        sql.push_str(" ORDER BY id DESC LIMIT ?");
        args.push(((limit + 1) as i64).into());
        let conn = self.conn()?;
        let mut stmt = conn.prepare_cached(&sql)?;
        let mut rows = stmt.query(params_from_iter(args))?;
        let mut reports = Vec::with_capacity(limit + 1);
        while let Some(row) = rows.next()? {
            reports.push(rows::summary(row)?);
        }
        let next_cursor = if reports.len() > limit {
            reports.truncate(limit);
            reports.last().map(|r| r.id.to_string())
        } else {
            None
        };
        Ok(ListPage {
            reports,
            next_cursor,
        })
    }

    /// One report's summary, if it exists and belongs to `owner`.
    pub fn get_summary(
        &self,
        owner: &str,
        id: &ReportId,
    ) -> Result<Option<ReportSummary>, StoreError> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {SUMMARY_COLUMNS} FROM reports WHERE id = ? AND owner = ?"
        ))?;
        let mut rows = stmt.query((id.as_str(), owner))?;
        match rows.next()? {
            Some(row) => Ok(Some(rows::summary(row)?)),
            None => Ok(None),
        }
    }

    /// One report's summary whoever owns it (for the job runner).
    pub fn summary_by_id(&self, id: &ReportId) -> Result<Option<ReportSummary>, StoreError> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {SUMMARY_COLUMNS} FROM reports WHERE id = ?"
        ))?;
        let mut rows = stmt.query([id.as_str()])?;
        match rows.next()? {
            Some(row) => Ok(Some(rows::summary(row)?)),
            None => Ok(None),
        }
    }

    /// A full report with every page and finding, if it exists and belongs to `owner`. It
    /// holds the whole report in memory (about 750 bytes a finding); exports read
    /// [`Store::report_head`] and the findings a chunk at a time instead.
    pub fn get_report(&self, owner: &str, id: &ReportId) -> Result<Option<Report>, StoreError> {
        let Some(mut report) = self.report_head(owner, id)? else {
            return Ok(None);
        };
        report.findings = self.findings(id, &FindingFilter::default(), usize::MAX, 0)?;
        Ok(Some(report))
    }

    /// A report with its pages but without its findings (`findings` is empty), if it exists
    /// and belongs to `owner`.
    pub fn report_head(&self, owner: &str, id: &ReportId) -> Result<Option<Report>, StoreError> {
        let Some(summary) = self.get_summary(owner, id)? else {
            return Ok(None);
        };
        let pages = self.pages(id)?;
        Ok(Some(Report {
            id: summary.id,
            url: summary.url,
            status: summary.status,
            created_at: summary.created_at,
            completed_at: summary.completed_at,
            error_message: summary.error_message,
            scores: summary.scores,
            security_grade: summary.security_grade,
            observatory_score: summary.observatory_score,
            pages,
            findings: Vec::new(),
            engine_version: summary.engine_version,
        }))
    }

    /// The pages of a report: the start page, then the others by final URL (the `url` column
    /// holds it), not in the order a crawl happened to visit them, so that two reports of a
    /// site list their pages alike.
    pub fn pages(&self, id: &ReportId) -> Result<Vec<PageReport>, StoreError> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare_cached(
            "SELECT data FROM pages WHERE report_id = ? ORDER BY seq <> 0, url, seq",
        )?;
        let mut rows = stmt.query([id.as_str()])?;
        let mut pages = Vec::new();
        while let Some(row) = rows.next()? {
            let data: String = row.get(0)?;
            pages.push(
                serde_json::from_str(&data)
                    .map_err(|e| corrupt(id.as_str(), format!("bad page JSON: {e}")))?,
            );
        }
        Ok(pages)
    }

    /// Findings of a report matching `filter`, in stored order, `limit` from `offset`.
    pub fn findings(
        &self,
        id: &ReportId,
        filter: &FindingFilter,
        limit: usize,
        offset: usize,
    ) -> Result<Vec<Finding>, StoreError> {
        let mut conn = self.conn()?;
        if !only_to_act_on(filter) {
            // One read transaction: both halves of the merge see the same snapshot while the
            // report may still be appended to.
            let tx = conn.transaction()?;
            return ordered::findings(&tx, id, filter, limit, offset);
        }
        let (sql, args) = finding_query(id, filter, "SELECT ", FINDING_COLUMNS, limit, offset);
        let mut stmt = conn.prepare_cached(&sql)?;
        let mut rows = stmt.query(params_from_iter(args))?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            out.push(rows::finding(id, row, 0)?);
        }
        Ok(out)
    }

    /// Up to `limit` findings of a report matching `filter`, in stored order, with their
    /// positions, from the first one after position `after` (from the start when `None`).
    /// Pass the last position returned to read on: each read costs only what it returns,
    /// however deep into the report it starts.
    pub fn findings_after(
        &self,
        id: &ReportId,
        filter: &FindingFilter,
        after: Option<i64>,
        limit: usize,
    ) -> Result<Vec<(i64, Finding)>, StoreError> {
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        ordered::findings_after(&tx, id, filter, after, limit)
    }

    /// The ranked recommendations stored with a completed report.
    pub fn recommendations(&self, id: &ReportId) -> Result<Vec<Recommendation>, StoreError> {
        let conn = self.conn()?;
        let text: Option<String> = conn
            .prepare_cached("SELECT recommendations FROM reports WHERE id = ?")?
            .query_row([id.as_str()], |r| r.get(0))
            .optional()?
            .flatten();
        match text {
            Some(json) => serde_json::from_str(&json)
                .map_err(|e| corrupt(id.as_str(), format!("bad recommendations JSON: {e}"))),
            None => Ok(Vec::new()),
        }
    }

    /// Failing findings of a report counted by (category, severity), and the number of
    /// findings to review.
    pub fn failing_counts(&self, id: &ReportId) -> Result<(Vec<FailingCount>, usize), StoreError> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT category, severity, outcome, count(*) FROM findings
                 INDEXED BY findings_to_act_on WHERE report_id = ? AND {TO_ACT_ON}
                 GROUP BY category, severity, outcome"
        ))?;
        let mut rows = stmt.query([id.as_str()])?;
        let (mut failing, mut review) = (Vec::new(), 0);
        while let Some(row) = rows.next()? {
            let count = row.get::<_, i64>(3)?.max(0) as usize;
            if row.get::<_, String>(2)? == "review" {
                review += count;
                continue;
            }
            let category: Category = row
                .get::<_, String>(0)?
                .parse()
                .map_err(|e: String| corrupt(id.as_str(), e))?;
            let severity: Severity = row
                .get::<_, String>(1)?
                .parse()
                .map_err(|e: String| corrupt(id.as_str(), e))?;
            failing.push((category, severity, count));
        }
        Ok((failing, review))
    }

    /// The `n` worst failing findings matching `filter`: most severe first, then heaviest rule,
    /// then lowest score, then stored order.
    pub fn worst_failing(
        &self,
        id: &ReportId,
        filter: &FindingFilter,
        n: usize,
    ) -> Result<Vec<Finding>, StoreError> {
        let filter = FindingFilter {
            outcomes: vec![Outcome::Fail],
            ..filter.clone()
        };
        let (sql, args) = finding_query(id, &filter, "SELECT ", FINDING_COLUMNS, usize::MAX, 0);
        let sql = sql.replace(
            " ORDER BY seq",
            " ORDER BY CASE severity WHEN 'critical' THEN 0 WHEN 'major' THEN 1 WHEN 'minor' THEN 2 \
             ELSE 3 END, weight DESC, coalesce(score, 0), seq",
        );
        let mut args = args;
        let len = args.len();
        args[len - 2] = (n as i64).into();
        let conn = self.conn()?;
        let mut stmt = conn.prepare_cached(&sql)?;
        let mut rows = stmt.query(params_from_iter(args))?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            out.push(rows::finding(id, row, 0)?);
        }
        Ok(out)
    }

    /// How many findings of a report match `filter`.
    pub fn count_findings(
        &self,
        id: &ReportId,
        filter: &FindingFilter,
    ) -> Result<usize, StoreError> {
        let (sql, args) = finding_query(id, filter, "SELECT ", "count(*)", usize::MAX, 0);
        let conn = self.conn()?;
        let count: i64 = conn
            .prepare_cached(&sql)?
            .query_row(params_from_iter(args), |r| r.get(0))?;
        Ok(count.max(0) as usize)
    }

    /// Completed reports of `url` (or, when it has none, of its site) for `owner`: the newest
    /// `limit`, returned oldest first.
    pub fn history(
        &self,
        owner: &str,
        url: &str,
        site: &str,
        limit: usize,
    ) -> Result<Vec<ReportSummary>, StoreError> {
        let conn = self.conn()?;
        let mut out = Vec::new();
        for (column, value) in [("url", url), ("site", site)] {
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT {SUMMARY_COLUMNS} FROM reports \
                 WHERE owner = ? AND {column} = ? AND status = 'completed' \
                 ORDER BY id DESC LIMIT ?"
            ))?;
            let mut rows = stmt.query((owner, value, limit as i64))?;
            while let Some(row) = rows.next()? {
                out.push(rows::summary(row)?);
            }
            if !out.is_empty() {
                break;
            }
        }
        out.reverse();
        Ok(out)
    }

    /// Reports left `queued` or `running` (by any owner), oldest first: the work a restarted
    /// process must pick up.
    pub fn unfinished(&self) -> Result<Vec<ReportSummary>, StoreError> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {SUMMARY_COLUMNS} FROM reports WHERE {UNFINISHED} ORDER BY id"
        ))?;
        let mut rows = stmt.query([])?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            out.push(rows::summary(row)?);
        }
        Ok(out)
    }

    /// The owner of a report, if it exists.
    pub fn owner_of(&self, id: &ReportId) -> Result<Option<String>, StoreError> {
        let conn = self.conn()?;
        Ok(conn
            .prepare_cached("SELECT owner FROM reports WHERE id = ?")?
            .query_row([id.as_str()], |r| r.get(0))
            .optional()?)
    }
}

/// The condition of the partial index `findings_to_act_on`, word for word: SQLite uses a
/// partial index only for a query whose terms imply its condition, and bound values prove
/// nothing.
const TO_ACT_ON: &str = "(outcome = 'fail' OR outcome = 'review')";

/// True when a filter asks only for failures and items to review, the findings that have an
/// index of their own.
pub(super) fn only_to_act_on(filter: &FindingFilter) -> bool {
    !filter.outcomes.is_empty()
        && filter
            .outcomes
            .iter()
            .all(|o| matches!(o, Outcome::Fail | Outcome::Review))
}

pub(super) fn finding_query(
    id: &ReportId,
    filter: &FindingFilter,
    select: &str,
    columns: &str,
    limit: usize,
    offset: usize,
) -> (String, Vec<Value>) {
    // Failures and items to review are a third of a report's findings, and the only ones in
    // the findings table since passes and not-applicable outcomes are stored grouped (see
    // `settled`): they are read through their index (named, because without statistics
    // SQLite prefers to scan the report's rows in key order), and the index's condition is
    // repeated so that SQLite may use it. Other outcomes are counted through `all_findings`,
    // the view of both kinds of rows; it unfolds every settled finding, so lists that include
    // them are merged in order by `ordered` instead.
    debug_assert!(only_to_act_on(filter) || columns == "count(*)");
    let mut sql = if only_to_act_on(filter) {
        format!(
            "{select}{columns} FROM findings INDEXED BY findings_to_act_on \
             WHERE report_id = ? AND {TO_ACT_ON}"
        )
    } else {
        format!("{select}{columns} FROM all_findings WHERE report_id = ?")
    };
    let mut args: Vec<Value> = vec![id.as_str().to_owned().into()];
    push_filters(filter, &mut sql, &mut args);
    if columns != "count(*)" {
        sql.push_str(" ORDER BY seq LIMIT ? OFFSET ?");
        args.push((limit.min(i64::MAX as usize) as i64).into());
        args.push((offset as i64).into());
    }
    (sql, args)
}

/// Appends a filter's conditions to a query of findings.
pub(super) fn push_filters(filter: &FindingFilter, sql: &mut String, args: &mut Vec<Value>) {
    if let Some(category) = filter.category {
        sql.push_str(" AND category = ?");
        args.push(category.as_str().to_owned().into());
    }
    if let Some(min) = filter.min_severity {
        let allowed: Vec<&str> = Severity::DESCENDING
            .into_iter()
            .filter(|s| *s >= min)
            .map(Severity::as_str)
            .collect();
        sql.push_str(&format!(
            " AND severity IN ({})",
            placeholders(allowed.len())
        ));
        args.extend(allowed.into_iter().map(|s| Value::from(s.to_owned())));
    }
    if !filter.outcomes.is_empty() {
        sql.push_str(&format!(
            " AND outcome IN ({})",
            placeholders(filter.outcomes.len())
        ));
        args.extend(
            filter
                .outcomes
                .iter()
                .map(|o| Value::from(o.as_str().to_owned())),
        );
    }
}

fn placeholders(n: usize) -> String {
    vec!["?"; n].join(", ")
}
