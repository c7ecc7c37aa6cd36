//! Renderings of a report for files and other programs: JSON (the full report, the public
//! contract), CSV (one row per finding, for spreadsheets) and Markdown (for people: scores,
//! what to fix first, every failing finding).

mod csv;
mod markdown;

pub use csv::csv;
pub use markdown::markdown;

use crate::report::Report;

/// The full report as pretty-printed JSON.
pub fn json(report: &Report) -> String {
    serde_json::to_string_pretty(report).expect("reports serialise")
}
