//! Settled findings: passes and not-applicable outcomes, which call for no action. They are
//! most of a report's rows (about 105 of a page's 110), so they are not stored one row each:
//! an appended batch writes one row per page holding its settled findings as a JSON array,
//! each entry with its own position in the report. The view `all_findings` (migration 5)
//! unfolds them (`json_each`) next to the findings table's rows, so a read sees one list in stored order.
//! Failures and items to review stay one indexed row each (see `queries::TO_ACT_ON`).
//!
//! Written this way a page costs one B-tree insert instead of a hundred, and a report takes
//! less than half the space.

use std::collections::HashMap;

use rusqlite::{Transaction, params};
use serde::Serialize;

use super::StoreError;
use crate::report::{Evidence, Finding, Outcome, ReportId};

/// True for the outcomes stored grouped.
pub fn is_settled(outcome: Outcome) -> bool {
    matches!(outcome, Outcome::Pass | Outcome::NotApplicable)
}

/// One settled finding as stored: position, rule, category, severity, outcome, score,
/// weight, fingerprint, evidence (the page URL is its row's).
#[derive(Serialize)]
struct Entry<'a>(
    i64,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    Option<f64>,
    f64,
    &'a str,
    &'a Evidence,
);

/// The settled findings of one page in a batch, as the JSON array being written.
struct Group<'a> {
    page_url: &'a str,
    last_seq: i64,
    json: Vec<u8>,
}

/// Settled findings of one batch, grouped by page.
#[derive(Default)]
pub struct SettledBatch<'a> {
    groups: Vec<Group<'a>>,
    /// Groups by page URL.
    by_page: HashMap<&'a str, usize>,
}

impl<'a> SettledBatch<'a> {
    /// Adds a settled finding at position `seq` (positions only grow within a batch).
    pub fn add(&mut self, seq: i64, f: &'a Finding) {
        // A crawl's batch holds a few pages, their findings one page after another: the group
        // is almost always the last one.
        let at = match self.groups.last() {
            Some(last) if last.page_url == f.page_url => self.groups.len() - 1,
            _ => *self.by_page.entry(&f.page_url).or_insert_with(|| {
                self.groups.push(Group {
                    page_url: &f.page_url,
                    last_seq: seq,
                    json: Vec::with_capacity(16 * 1024),
                });
                self.groups.len() - 1
            }),
        };
        let group = &mut self.groups[at];
        group
            .json
            .push(if group.json.is_empty() { b'[' } else { b',' });
        let entry = Entry(
            seq,
            f.rule_id.as_ref(),
            f.category.as_str(),
            f.severity.as_str(),
            f.outcome.as_str(),
            f.score,
            f.weight,
            &f.fingerprint,
            &f.evidence,
        );
        serde_json::to_writer(&mut group.json, &entry).expect("a finding serialises");
        group.last_seq = seq;
    }

    /// Inserts one row per page, keyed by the position of its last finding.
    pub fn insert(self, tx: &Transaction<'_>, id: &ReportId) -> Result<(), StoreError> {
        if self.groups.is_empty() {
            return Ok(());
        }
        let mut insert = tx.prepare_cached(
            "INSERT INTO settled_findings (report_id, seq, page_url, findings)
             VALUES (?, ?, ?, ?)",
        )?;
        for mut group in self.groups {
            group.json.push(b']');
            let json = String::from_utf8(group.json).expect("serde_json writes UTF-8");
            insert.execute(params![id.as_str(), group.last_seq, group.page_url, json])?;
        }
        Ok(())
    }
}
