//! The CSV rendering of a report: one row per finding (failures first), for spreadsheets.

use std::io::{self, Write};

use super::{ExportError, FindingSource, Selection};
use crate::report::{Finding, Outcome};

/// The rows written first.
pub(super) const FAILING: &[Outcome] = Selection::FAILING.outcomes;
/// The rows written after them.
pub(super) const NOT_FAILING: &[Outcome] =
    &[Outcome::Pass, Outcome::NotApplicable, Outcome::Review];

const HEADER: [&str; 13] = [
    "rule_id",
    "category",
    "severity",
    "outcome",
    "title",
    "page_url",
    "selector",
    "url",
    "snippet",
    "detail",
    "value",
    "unit",
    "fingerprint",
];

fn row(f: &Finding) -> [String; 13] {
    let e = &f.evidence;
    [
        f.rule_id.to_string(),
        f.category.to_string(),
        f.severity.to_string(),
        f.outcome.as_str().to_owned(),
        f.title.to_string(),
        f.page_url.clone(),
        e.selector.clone().unwrap_or_default(),
        e.url.clone().unwrap_or_default(),
        e.snippet.clone().unwrap_or_default(),
        e.detail.clone().unwrap_or_default(),
        e.value.map(|v| v.to_string()).unwrap_or_default(),
        e.unit.clone().unwrap_or_default(),
        f.fingerprint.clone(),
    ]
}

/// Writes every finding as CSV: the failing ones first, then the others, each in the report's
/// order.
pub fn write_csv(findings: &dyn FindingSource, out: &mut dyn Write) -> Result<(), ExportError> {
    let mut writer = ::csv::Writer::from_writer(out);
    writer.write_record(HEADER).map_err(io::Error::from)?;
    for outcomes in [FAILING, NOT_FAILING] {
        let selection = Selection {
            outcomes,
            category: None,
        };
        findings.each(selection, &mut |f| {
            writer.write_record(row(f)).map_err(io::Error::from)
        })?;
    }
    writer.flush()?;
    Ok(())
}
