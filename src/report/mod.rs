//! The vocabulary every other module speaks: reports, pages, findings, categories, severities,
//! scores and ids.
//!
//! These types are the public JSON contract (`webaudit schema` prints their JSON Schema), so
//! changes here are additive only. The module holds no logic beyond small helpers and depends on
//! nothing else in the crate.

mod finding;
mod ids;
mod recommendation;
mod vocabulary;
pub mod wording;

pub use finding::{Evidence, Finding, Fix, Observatory, Outcome, References, Text};
pub use ids::{ReportId, fingerprint, site_of};
pub use recommendation::{Gain, Place, Recommendation};
pub use vocabulary::{Category, Severity, Status};

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One audit of one target: its status, scores, the pages it visited and every rule outcome.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Report {
    /// `rpt_` followed by a ULID, e.g. `rpt_01JD3Z5K8X9V2M4N6P7Q8R9S0T`.
    pub id: ReportId,
    /// The target as the user gave it, normalised: an http(s) URL, or a `file://` URL for a
    /// local directory.
    pub url: String,
    /// `queued`, `running`, `completed` or `failed`.
    pub status: Status,
    /// When the audit was requested (UTC, RFC 3339).
    pub created_at: DateTime<Utc>,
    /// When the audit finished, successfully or not.
    pub completed_at: Option<DateTime<Utc>>,
    /// Why the audit failed, with what to try next; only for `failed` reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
    /// Category scores 0–100 and `overall`; absent until the audit completes.
    pub scores: Option<Scores>,
    /// Mozilla HTTP Observatory grade (A+ … F, scoring algorithm version 5) of the security
    /// headers and content; absent until the audit completes.
    pub security_grade: Option<String>,
    /// The uncapped Observatory score behind `security_grade` (it can exceed 100 with bonuses).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observatory_score: Option<i32>,
    /// Every page the audit fetched: the start page first, then the others by final URL (not
    /// in the order a crawl happened to visit them).
    pub pages: Vec<PageReport>,
    /// Every rule outcome on every page: failures, passes, not-applicable rules and items that
    /// need review, so a reader sees what was checked.
    pub findings: Vec<Finding>,
    /// The webaudit version that produced the report.
    #[serde(default)]
    pub engine_version: String,
}

/// Scores 0–100 per category and overall. A category is `null` when none of its rules applied.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
pub struct Scores {
    /// Static performance estimate (server response, bytes, requests, render-blocking
    /// resources, compression, caching, image dimensions, DOM size, redirects). It is computed
    /// without a browser and is not Lighthouse's lab performance score.
    pub performance: Option<u8>,
    /// Search-engine visibility (Lighthouse SEO audits plus crawler checks).
    pub seo: Option<u8>,
    /// Accessibility checks decidable from the HTML (axe-core rules, WCAG criteria).
    pub accessibility: Option<u8>,
    /// Best practices (doctype, charset, HTTPS, deprecated markup and similar).
    pub best_practices: Option<u8>,
    /// Security headers and content, scored with the Mozilla HTTP Observatory arithmetic and
    /// capped at 100.
    pub security: Option<u8>,
    /// Weighted mean of the category scores that are present (equal weights).
    pub overall: Option<u8>,
}

impl Scores {
    /// The score of one category.
    pub fn get(&self, category: Category) -> Option<u8> {
        match category {
            Category::Performance => self.performance,
            Category::Seo => self.seo,
            Category::Accessibility => self.accessibility,
            Category::BestPractices => self.best_practices,
            Category::Security => self.security,
        }
    }

    /// Sets the score of one category.
    pub fn set(&mut self, category: Category, score: Option<u8>) {
        let slot = match category {
            Category::Performance => &mut self.performance,
            Category::Seo => &mut self.seo,
            Category::Accessibility => &mut self.accessibility,
            Category::BestPractices => &mut self.best_practices,
            Category::Security => &mut self.security,
        };
        *slot = score;
    }
}

/// One fetched page of the audit.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct PageReport {
    /// The URL that was requested.
    pub url: String,
    /// The URL after redirects.
    pub final_url: String,
    /// HTTP status of the final response (0 when no response arrived).
    pub status: u16,
    /// The `Content-Type` of the final response, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// Time to first byte and total time of the document request.
    pub timings: Timings,
    /// Bytes of the document: as transferred and after decompression.
    pub bytes: Bytes,
    /// Bytes transferred for the document and every subresource fetched with it.
    pub total_bytes: u64,
    /// How many subresources the page references (stylesheets, scripts, images, icons,
    /// preloads) and how many were fetched.
    pub subresources: SubresourceCounts,
    /// Each redirect hop before the final URL.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub redirects: Vec<RedirectHop>,
    /// The page's own category scores.
    pub scores: Option<Scores>,
    /// Why the page could not be audited, if it could not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// How the page was fetched, where it matters: truncation, decoding problems.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl PageReport {
    /// True for a page that was audited (it has scores); false for a URL only checked (an
    /// error status, a redirect not followed, another content type, no response). The store
    /// counts the same way (`finish_report`).
    pub fn is_audited(&self) -> bool {
        self.scores.is_some()
    }
}

/// Request timings in milliseconds.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Timings {
    /// From sending the request to receiving the response headers (includes connecting).
    pub ttfb_ms: f64,
    /// From sending the first request to the last byte of the final response, redirects included.
    pub total_ms: f64,
}

/// Sizes of a response body.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
pub struct Bytes {
    /// Bytes on the wire (compressed, if the server compressed).
    pub transferred: u64,
    /// Bytes after decompression.
    pub decoded: u64,
    /// True when a size cap stopped the download; the page was audited with what arrived.
    pub truncated: bool,
}

/// Subresource counts of a page.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
pub struct SubresourceCounts {
    /// Distinct subresource URLs referenced by the page.
    pub referenced: u32,
    /// How many of them were fetched (the rest exceeded the per-page cap).
    pub fetched: u32,
    /// How many fetches failed or answered with an error status.
    pub failed: u32,
}

/// One redirect hop.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct RedirectHop {
    /// The URL that answered with a redirect.
    pub url: String,
    /// Its status (301, 302, 303, 307 or 308).
    pub status: u16,
    /// Where it pointed, resolved to an absolute URL.
    pub location: String,
    /// How long that hop took, in milliseconds.
    pub time_ms: f64,
}
