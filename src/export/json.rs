//! The JSON rendering of a report, written as it goes: the report without its findings is
//! rendered whole (its pages are bounded by the crawl's page cap), and the findings are
//! spliced into its empty `findings` array one at a time, indented as
//! `serde_json::to_string_pretty` would indent them, so the text is the same as rendering
//! the whole report at once.

use std::io::{self, Write};

use super::{ExportError, FindingSource, Selection};
use crate::report::{Finding, Report};

/// The empty findings array of a pretty-printed report: a key at depth one, on its own line
/// (a string value cannot hold a raw line break, so only the report's own key matches).
const EMPTY_FINDINGS: &str = "\n  \"findings\": []";

/// Indentation of the array's elements (depth two).
const ELEMENT_INDENT: &[u8] = b"    ";

/// Writes the full report as pretty-printed JSON, with the findings of `findings` (the
/// report's own list is not read).
pub fn write_json(
    report: &Report,
    findings: &dyn FindingSource,
    out: &mut dyn Write,
) -> Result<(), ExportError> {
    let head = if report.findings.is_empty() {
        serde_json::to_string_pretty(report)
    } else {
        serde_json::to_string_pretty(&without_findings(report))
    }
    .expect("reports serialise");
    let (before, after) = head
        .split_once(EMPTY_FINDINGS)
        .expect("a report has a findings array at depth one");
    out.write_all(before.as_bytes())?;
    out.write_all(b"\n  \"findings\": [")?;
    let mut buffer = Vec::with_capacity(4096);
    let mut first = true;
    findings.each(Selection::default(), &mut |finding| {
        out.write_all(if first { b"\n" } else { b",\n" })?;
        first = false;
        write_element(finding, &mut buffer, out)
    })?;
    out.write_all(if first { b"]" } else { b"\n  ]" })?;
    out.write_all(after.as_bytes())?;
    Ok(())
}

/// Writes one finding as an element of the findings array.
fn write_element(finding: &Finding, buffer: &mut Vec<u8>, out: &mut dyn Write) -> io::Result<()> {
    buffer.clear();
    serde_json::to_writer_pretty(&mut *buffer, finding).map_err(io::Error::other)?;
    for (i, line) in buffer.split(|b| *b == b'\n').enumerate() {
        if i > 0 {
            out.write_all(b"\n")?;
        }
        out.write_all(ELEMENT_INDENT)?;
        out.write_all(line)?;
    }
    Ok(())
}

/// The report's summary and pages with an empty findings list.
fn without_findings(report: &Report) -> Report {
    let Report {
        id,
        url,
        status,
        created_at,
        completed_at,
        error_message,
        scores,
        security_grade,
        observatory_score,
        pages,
        findings: _,
        engine_version,
    } = report;
    Report {
        id: id.clone(),
        url: url.clone(),
        status: *status,
        created_at: *created_at,
        completed_at: *completed_at,
        error_message: error_message.clone(),
        scores: *scores,
        security_grade: security_grade.clone(),
        observatory_score: *observatory_score,
        pages: pages.clone(),
        findings: Vec::new(),
        engine_version: engine_version.clone(),
    }
}
