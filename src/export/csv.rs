//! The CSV rendering of a report: one row per finding (failures first), for spreadsheets.

use crate::report::{Finding, Report};

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

/// Every finding of the report as CSV, failing findings first.
pub fn csv(report: &Report) -> String {
    let mut writer = ::csv::Writer::from_writer(Vec::new());
    writer.write_record(HEADER).expect("writing to memory");
    let (failing, other): (Vec<&Finding>, Vec<&Finding>) =
        report.findings.iter().partition(|f| f.is_failure());
    for f in failing.into_iter().chain(other) {
        writer.write_record(row(f)).expect("writing to memory");
    }
    String::from_utf8(writer.into_inner().expect("flushing to memory"))
        .expect("CSV of UTF-8 is UTF-8")
}
