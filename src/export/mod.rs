//! Renderings of a report for files and other programs: JSON (the full report, the public
//! contract), CSV (one row per finding, for spreadsheets) and Markdown (for people: scores,
//! what to fix first, every failing finding).
//!
//! Each is written to an [`io::Write`] as it is produced, with the findings pulled from a
//! [`FindingSource`]: a report's own list, or the store read a chunk at a time, so exporting
//! a 10,000-page report (1.7 million findings, about 2 GB of JSON) holds one chunk of
//! findings rather than the whole report and its rendering.

mod csv;
mod json;
mod markdown;
#[cfg(test)]
mod tests;

use std::io;

use schemars::JsonSchema;
use serde::Deserialize;

pub use csv::write_csv;
pub use json::write_json;
pub use markdown::write_markdown;

use crate::report::{Category, Finding, Outcome, Recommendation, Report};

/// An export format (also the `format` of the REST API's export).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// The full report as pretty-printed JSON.
    #[default]
    Json,
    /// One row per finding, failing findings first.
    Csv,
    /// Scores, what to fix first and every failing finding.
    Markdown,
}

impl Format {
    /// The media type of the format.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Json => "application/json",
            Format::Csv => "text/csv; charset=utf-8",
            Format::Markdown => "text/markdown; charset=utf-8",
        }
    }

    /// The usual file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Markdown => "md",
        }
    }
}

/// Why an export stopped.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The output could not be written (a closed pipe, a full disk, a client gone).
    #[error("could not write the export: {0}")]
    Write(#[from] io::Error),
    /// The findings could not be read.
    #[error("could not read the report's findings: {0}")]
    Read(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// Which findings an export asks for: those with one of `outcomes` (all when empty), of
/// `category` when given.
#[derive(Debug, Clone, Copy, Default)]
pub struct Selection {
    /// Only these outcomes (all when empty).
    pub outcomes: &'static [Outcome],
    /// Only this category.
    pub category: Option<Category>,
}

impl Selection {
    /// The failing findings, of every category.
    pub const FAILING: Selection = Selection {
        outcomes: &[Outcome::Fail],
        category: None,
    };

    /// True when `finding` is selected.
    pub fn matches(&self, finding: &Finding) -> bool {
        (self.outcomes.is_empty() || self.outcomes.contains(&finding.outcome))
            && self.category.is_none_or(|c| finding.category == c)
    }
}

/// Where an export reads a report's findings.
pub trait FindingSource {
    /// Calls `visit` with every finding `selection` selects, in the report's order; stops at
    /// the first error.
    fn each(
        &self,
        selection: Selection,
        visit: &mut dyn FnMut(&Finding) -> io::Result<()>,
    ) -> Result<(), ExportError>;

    /// How many findings have `outcome`.
    fn count(&self, outcome: Outcome) -> Result<usize, ExportError>;
}

impl FindingSource for Vec<Finding> {
    fn each(
        &self,
        selection: Selection,
        visit: &mut dyn FnMut(&Finding) -> io::Result<()>,
    ) -> Result<(), ExportError> {
        for finding in self.iter().filter(|f| selection.matches(f)) {
            visit(finding)?;
        }
        Ok(())
    }

    fn count(&self, outcome: Outcome) -> Result<usize, ExportError> {
        Ok(self.iter().filter(|f| f.outcome == outcome).count())
    }
}

/// Writes `report` in `format` with the findings of `findings` (the report's own list is not
/// read; pass `&report.findings` for it). `recommendations` go into Markdown's "Fix first".
pub fn write(
    format: Format,
    report: &Report,
    recommendations: &[Recommendation],
    findings: &dyn FindingSource,
    out: &mut dyn io::Write,
) -> Result<(), ExportError> {
    match format {
        Format::Json => write_json(report, findings, out),
        Format::Csv => write_csv(findings, out),
        Format::Markdown => write_markdown(report, recommendations, findings, out),
    }?;
    out.flush()?;
    Ok(())
}

/// Renders into memory (for small reports and tests).
fn render(f: impl FnOnce(&mut dyn io::Write) -> Result<(), ExportError>) -> String {
    let mut out = Vec::new();
    f(&mut out).expect("writing to memory from memory does not fail");
    String::from_utf8(out).expect("the renderings are UTF-8")
}

/// The full report as pretty-printed JSON (the same text as `serde_json::to_string_pretty`).
pub fn json(report: &Report) -> String {
    render(|out| write_json(report, &report.findings, out))
}

/// Every finding of the report as CSV, failing findings first.
pub fn csv(report: &Report) -> String {
    render(|out| write_csv(&report.findings, out))
}

/// The report as Markdown, with `recommendations` as "Fix first".
pub fn markdown(report: &Report, recommendations: &[Recommendation]) -> String {
    render(|out| write_markdown(report, recommendations, &report.findings, out))
}
