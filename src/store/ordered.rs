//! Findings in stored order when passes or not-applicable outcomes are asked for: a two-way
//! merge of the findings table's rows (filtered in SQL, in key order) and the runs of
//! settled findings (in key order, unfolded and filtered here). Runs never interleave (see
//! [`SettledBatch`](super::settled::SettledBatch)), so the merge gives position order without
//! sorting the report, and it stops once the page asked for is full. A read can also start
//! after a position (keyset paging), which is how exports walk a whole report a chunk at a
//! time without holding it.

use std::collections::VecDeque;

use rusqlite::{Connection, Rows, params, params_from_iter, types::Value};

use super::queries::push_filters;
use super::rows::{self, FINDING_COLUMNS};
use super::{FindingFilter, StoreError, settled};
use crate::report::{Finding, ReportId};

impl FindingFilter {
    /// True when a finding passes the filter (what [`push_filters`] says in SQL).
    fn matches(&self, f: &Finding) -> bool {
        self.category.is_none_or(|c| f.category == c)
            && self.min_severity.is_none_or(|s| f.severity >= s)
            && (self.outcomes.is_empty() || self.outcomes.contains(&f.outcome))
    }
}

/// A finding with its position.
pub(super) type Positioned = (i64, Finding);

/// The findings table's rows that match, in position order.
struct TableRows<'s> {
    rows: Rows<'s>,
    id: &'s ReportId,
}

impl TableRows<'_> {
    fn next(&mut self) -> Result<Option<Positioned>, StoreError> {
        match self.rows.next()? {
            Some(row) => Ok(Some((row.get(0)?, rows::finding(self.id, row, 1)?))),
            None => Ok(None),
        }
    }
}

/// The settled findings that match, in position order, one run unfolded at a time; those at
/// or before `after` are skipped (only the first run read can hold any).
struct SettledRuns<'s> {
    rows: Rows<'s>,
    run: VecDeque<Positioned>,
    filter: &'s FindingFilter,
    id: &'s ReportId,
    after: Option<i64>,
}

impl SettledRuns<'_> {
    fn next(&mut self) -> Result<Option<Positioned>, StoreError> {
        loop {
            while let Some(entry) = self.run.pop_front() {
                if self.after.is_none_or(|after| entry.0 > after) && self.filter.matches(&entry.1) {
                    return Ok(Some(entry));
                }
            }
            let Some(row) = self.rows.next()? else {
                return Ok(None);
            };
            let page_url: String = row.get(0)?;
            let json: String = row.get(1)?;
            self.run.extend(settled::decode(self.id, &page_url, &json)?);
        }
    }
}

/// True when a settled finding (a pass or a not-applicable outcome) can match `filter`.
fn wants_settled(filter: &FindingFilter) -> bool {
    filter.outcomes.is_empty() || filter.outcomes.iter().any(|o| o.passed())
}

/// Calls `visit` with the findings of a report matching `filter` in stored order, from the
/// first one after position `after` (from the start when `None`), until it returns false or
/// the findings end. Settled runs are not read when the filter excludes passes and
/// not-applicable outcomes.
fn merge(
    conn: &Connection,
    id: &ReportId,
    filter: &FindingFilter,
    after: Option<i64>,
    mut visit: impl FnMut(Positioned) -> bool,
) -> Result<(), StoreError> {
    let mut sql = format!("SELECT seq, {FINDING_COLUMNS} FROM findings WHERE report_id = ?");
    let mut args: Vec<Value> = vec![id.as_str().to_owned().into()];
    if let Some(after) = after {
        sql.push_str(" AND seq > ?");
        args.push(after.into());
    }
    push_filters(filter, &mut sql, &mut args);
    sql.push_str(" ORDER BY seq");
    let mut table_stmt = conn.prepare_cached(&sql)?;
    let mut table = TableRows {
        rows: table_stmt.query(params_from_iter(args))?,
        id,
    };
    let mut settled_stmt = conn.prepare_cached(
        "SELECT page_url, findings FROM settled_findings WHERE report_id = ? AND seq > ?
         ORDER BY seq",
    )?;
    // A run is keyed by its last position: the first run read may start at or before `after`.
    let from = if wants_settled(filter) {
        after.unwrap_or(i64::MIN)
    } else {
        i64::MAX
    };
    let mut settled = SettledRuns {
        rows: settled_stmt.query(params![id.as_str(), from])?,
        run: VecDeque::new(),
        filter,
        id,
        after,
    };

    let (mut a, mut b) = (table.next()?, settled.next()?);
    loop {
        let from_table = match (&a, &b) {
            (Some((sa, _)), Some((sb, _))) => sa < sb,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => return Ok(()),
        };
        let next = if from_table {
            std::mem::replace(&mut a, table.next()?)
        } else {
            std::mem::replace(&mut b, settled.next()?)
        }
        .expect("matched as present above");
        if !visit(next) {
            return Ok(());
        }
    }
}

/// Findings of a report matching `filter` in stored order, `limit` from `offset`. For a filter
/// that asks for passes or not-applicable outcomes (the others are read through their index).
pub(super) fn findings(
    conn: &Connection,
    id: &ReportId,
    filter: &FindingFilter,
    limit: usize,
    offset: usize,
) -> Result<Vec<Finding>, StoreError> {
    let mut out = Vec::new();
    let mut skipped = 0;
    if limit > 0 {
        merge(conn, id, filter, None, |(_, finding)| {
            if skipped < offset {
                skipped += 1;
            } else {
                out.push(finding);
            }
            out.len() < limit
        })?;
    }
    Ok(out)
}

/// Up to `limit` findings of a report matching `filter` in stored order, with their
/// positions, from the first one after position `after`: a read that goes on from where the
/// previous one ended costs no more than the findings it returns.
pub(super) fn findings_after(
    conn: &Connection,
    id: &ReportId,
    filter: &FindingFilter,
    after: Option<i64>,
    limit: usize,
) -> Result<Vec<Positioned>, StoreError> {
    let mut out = Vec::new();
    if limit > 0 {
        merge(conn, id, filter, after, |entry| {
            out.push(entry);
            out.len() < limit
        })?;
    }
    Ok(out)
}
