//! Settled findings: passes and not-applicable outcomes, which call for no action. They are
//! most of a report's findings (109 of the 175 of a generated benchmark page), so they are
//! not stored one row each: an appended batch writes one row per run of a page's settled
//! findings (one row per page for a crawl's batch) holding them as a JSON array, each entry
//! with its own position in the report. The view `all_findings` (migration 5) unfolds them
//! (`json_each`) next to the findings table's rows, so a read sees one list in stored order.
//! Failures and items to review stay one indexed row each (see `queries::TO_ACT_ON`).
//!
//! Written this way a page costs one B-tree insert for its settled findings instead of one
//! each (a 1,000-page crawl spends 7 % less CPU, a 10,000-page one 21 % less). Reads in
//! order merge the two kinds of rows (`ordered`), since rows never interleave (see
//! [`SettledBatch`]); the view serves counts.

use std::borrow::Cow;

use rusqlite::{Transaction, params};
use serde::{Deserialize, Serialize};

use super::StoreError;
use super::rows::{self, StoredFinding, corrupt};
use crate::report::{Evidence, Finding, Outcome, ReportId};

/// True for a finding stored grouped: a pass or a not-applicable outcome whose numbers JSON
/// can hold (a weight or score that is not finite stays a row, where the table's constraints
/// refuse it as before).
pub fn is_settled(f: &Finding) -> bool {
    matches!(f.outcome, Outcome::Pass | Outcome::NotApplicable)
        && f.weight.is_finite()
        && f.score.is_none_or(f64::is_finite)
}

/// One settled finding as stored: position, rule, category, severity, outcome, score,
/// weight, fingerprint, evidence (the page URL is its row's). Borrowed from the finding when
/// written, owned when read back.
#[derive(Serialize, Deserialize)]
struct Entry<'a>(
    i64,
    Cow<'a, str>,
    Cow<'a, str>,
    Cow<'a, str>,
    Cow<'a, str>,
    Option<f64>,
    f64,
    Cow<'a, str>,
    Cow<'a, Evidence>,
);

/// A run of settled findings of one page in a batch, as the JSON array being written.
struct Group<'a> {
    page_url: &'a str,
    last_seq: i64,
    json: Vec<u8>,
}

/// Settled findings of one batch, in runs of one page.
///
/// A row holds a run: the settled findings of one page that follow each other among the
/// batch's settled findings (failures in between do not break it, another page's settled
/// finding does). So rows never interleave: every position in a row lies between the
/// positions of the rows before and after it, and reading rows in key order reads their
/// findings in position order. A crawl's batch holds its pages one after another, so that is
/// one row per page.
#[derive(Default)]
pub struct SettledBatch<'a> {
    groups: Vec<Group<'a>>,
}

impl<'a> SettledBatch<'a> {
    /// Adds a settled finding at position `seq` (positions only grow within a batch).
    pub fn add(&mut self, seq: i64, f: &'a Finding) {
        let same_page = self
            .groups
            .last()
            .is_some_and(|last| last.page_url == f.page_url);
        if !same_page {
            self.groups.push(Group {
                page_url: &f.page_url,
                last_seq: seq,
                json: Vec::with_capacity(16 * 1024),
            });
        }
        let group = self.groups.last_mut().expect("pushed above");
        group
            .json
            .push(if group.json.is_empty() { b'[' } else { b',' });
        let entry = Entry(
            seq,
            Cow::Borrowed(f.rule_id.as_ref()),
            Cow::Borrowed(f.category.as_str()),
            Cow::Borrowed(f.severity.as_str()),
            Cow::Borrowed(f.outcome.as_str()),
            f.score,
            f.weight,
            Cow::Borrowed(&f.fingerprint),
            Cow::Borrowed(&f.evidence),
        );
        serde_json::to_writer(&mut group.json, &entry).expect("a finding serialises");
        group.last_seq = seq;
    }

    /// Inserts one row per run, keyed by the position of its last finding.
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

/// The findings of a stored run with their positions, in order.
pub fn decode(
    report: &ReportId,
    page_url: &str,
    json: &str,
) -> Result<Vec<(i64, Finding)>, StoreError> {
    let entries: Vec<Entry<'_>> = serde_json::from_str(json).map_err(|e| {
        corrupt(
            report.as_str(),
            format!("bad JSON in the settled findings of {page_url}: {e}"),
        )
    })?;
    entries
        .into_iter()
        .map(|e| {
            let stored = StoredFinding {
                rule_id: e.1.into_owned(),
                category: e.2.into_owned(),
                severity: e.3.into_owned(),
                outcome: e.4.into_owned(),
                page_url: page_url.to_owned(),
                fingerprint: e.7.into_owned(),
                score: e.5,
                weight: e.6,
                evidence: e.8.into_owned(),
            };
            Ok((e.0, rows::finding_of(report, stored)?))
        })
        .collect()
}
