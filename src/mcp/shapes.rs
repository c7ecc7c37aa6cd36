//! The input and output shapes of the MCP tools. Inputs describe every field (the descriptions
//! become the JSON Schema a model reads); outputs are objects at the root and stay small by
//! default.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::report::Recommendation;
use crate::report::{ReportId, Scores, Status};
use crate::service::history::HistoryEntry;
use crate::service::views::{FailingCounts, FindingBrief, ReportOverview};
use crate::store::ReportSummary;

/// Default seconds `start_audit` waits with `wait: true`.
pub const DEFAULT_WAIT_SECONDS: u32 = 60;
/// Most seconds `start_audit` waits.
pub const MAX_WAIT_SECONDS: u32 = 300;
/// Default and largest page of `list_reports`.
pub const LIST_DEFAULT: u32 = 20;
/// Largest page of `list_reports`.
pub const LIST_MAX: u32 = 100;
/// Default page of `get_report` with `detail: "full"`.
pub const FINDINGS_PAGE_DEFAULT: u32 = 50;
/// Largest page of `get_report` with `detail: "full"`.
pub const FINDINGS_PAGE_MAX: u32 = 200;
/// Default number of recommendations.
pub const RECOMMENDATIONS_DEFAULT: u32 = 10;
/// Most recommendations.
pub const RECOMMENDATIONS_MAX: u32 = 50;
/// Default number of history entries.
pub const HISTORY_DEFAULT: u32 = 10;
/// Most history entries.
pub const HISTORY_MAX: u32 = 100;
/// Most pages an audit may visit.
pub const MAX_PAGES_LIMIT: u32 = 10_000;

/// Arguments of `start_audit`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StartAuditArgs {
    /// The page to audit: an absolute http:// or https:// URL, e.g. https://example.com/.
    pub url: String,
    /// How many pages to audit: 1 (the default) audits this page only.
    #[serde(default)]
    pub max_pages: Option<u32>,
    /// Wait for the audit to finish and return its summary. Default false: return at once with
    /// the report id (read it later with get_report).
    #[serde(default)]
    pub wait: Option<bool>,
    /// With `wait`: the most seconds to wait (default 60, at most 300). The audit goes on after
    /// a timeout; the answer then says it is still running.
    #[serde(default)]
    pub timeout_seconds: Option<u32>,
}

/// The answer of `start_audit`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct StartAuditOutput {
    /// Report id: pass it to get_report, get_recommendations or delete_report.
    pub id: ReportId,
    /// The audited URL.
    pub url: String,
    /// `queued`, `running`, `completed` or `failed`.
    pub status: Status,
    /// When the audit was requested.
    pub created_at: DateTime<Utc>,
    /// What happened and what to do next.
    pub message: String,
    /// Why the audit failed, when it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
    /// With `wait` and a completed audit: scores, failing counts and the worst findings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<ReportOverview>,
}

/// Arguments of `list_reports`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListReportsArgs {
    /// Only reports of this URL.
    #[serde(default)]
    pub url: Option<String>,
    /// Only reports with this status: queued, running, completed or failed.
    #[serde(default)]
    pub status: Option<Status>,
    /// Reports per page (default 20, at most 100).
    #[serde(default)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    #[serde(default)]
    pub cursor: Option<String>,
}

/// The answer of `list_reports`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ReportListOutput {
    /// Reports, newest first.
    pub reports: Vec<ReportSummary>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// How much of a report `get_report` returns.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Detail {
    /// Scores, failing counts and the 10 worst failing findings.
    #[default]
    Summary,
    /// Every failing finding (and passes with `include_passed`), paged.
    Full,
}

/// Arguments of `get_report`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetReportArgs {
    /// The report id (rpt_…), from start_audit or list_reports.
    pub id: String,
    /// `summary` (default) or `full`.
    #[serde(default)]
    pub detail: Option<Detail>,
    /// Only findings of this category: performance, seo, accessibility, best_practices, security.
    #[serde(default)]
    pub category: Option<String>,
    /// Only findings of this severity or worse: info, minor, major, critical.
    #[serde(default)]
    pub min_severity: Option<String>,
    /// With `detail: "full"`: also list passed and not-applicable results.
    #[serde(default)]
    pub include_passed: Option<bool>,
    /// With `detail: "full"`: findings per page (default 50, at most 200).
    #[serde(default)]
    pub limit: Option<u32>,
    /// With `detail: "full"`: the `next_cursor` of the previous page.
    #[serde(default)]
    pub cursor: Option<String>,
}

/// The answer of `get_report`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct GetReportOutput {
    /// Id, URL, status, times, scores (performance is a static estimate), Observatory grade and
    /// counts of pages and failing findings.
    #[serde(flatten)]
    pub report: ReportSummary,
    /// Failing findings by category and severity (whole report).
    pub failing: FailingCounts,
    /// `summary` or `full`.
    pub detail: Detail,
    /// The findings of this answer: the worst failures (summary), or a page of them (full).
    pub findings: Vec<FindingBrief>,
    /// How many findings match the filters in all.
    pub total_matching: usize,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
    /// Where the full JSON report is (an MCP resource).
    pub resource_uri: String,
}

/// Arguments of `get_recommendations`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetRecommendationsArgs {
    /// The report id (rpt_…).
    pub id: String,
    /// How many recommendations (default 10, at most 50).
    #[serde(default)]
    pub limit: Option<u32>,
    /// Only recommendations of this category.
    #[serde(default)]
    pub category: Option<String>,
}

/// The answer of `get_recommendations`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct RecommendationsOutput {
    /// Report id.
    pub id: ReportId,
    /// Audited URL.
    pub url: String,
    /// Current scores.
    pub scores: Option<Scores>,
    /// Failing rules in all (with the category filter).
    pub total: usize,
    /// What to fix, most valuable first: each rule with why, how, where, effort and the exact
    /// score points fixing it gains.
    pub recommendations: Vec<Recommendation>,
}

/// Arguments of `get_site_history`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetSiteHistoryArgs {
    /// The URL whose audits to list (falls back to its site's audits when it has none).
    pub url: String,
    /// How many of the latest audits (default 10, at most 100).
    #[serde(default)]
    pub limit: Option<u32>,
}

/// The answer of `get_site_history`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct HistoryOutput {
    /// The URL asked about.
    pub url: String,
    /// Completed audits, oldest first, with each score's change from the one before.
    pub entries: Vec<HistoryEntry>,
}

/// Arguments of `delete_report`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeleteReportArgs {
    /// The report id (rpt_…) to delete with its findings.
    pub id: String,
}

/// The answer of `delete_report`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct DeleteOutput {
    /// The deleted report's id.
    pub id: ReportId,
    /// Always true (a missing report is an error).
    pub deleted: bool,
}

/// Arguments of the `analyze_site` prompt (prompt arguments are strings).
#[derive(Debug, Deserialize, JsonSchema)]
pub struct AnalyzeSiteArgs {
    /// The site or page to analyse, e.g. https://example.com/.
    pub url: String,
    /// Optional focus: a category (seo, accessibility, performance, best_practices, security) or
    /// a concern in words.
    #[serde(default)]
    pub focus: Option<String>,
}

/// Arguments of the `compare_trend` prompt.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct CompareTrendArgs {
    /// The URL whose score history to explain.
    pub url: String,
}
