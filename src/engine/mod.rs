//! The audit engine: fetch a target, parse it once into a [`page::Page`], run the rule
//! catalogue on it and score the findings. Rules never do I/O; everything they read is fetched
//! before they run.
//!
//! # Layout
//! - [`fetch`] — the guarded HTTP client.
//! - [`page`] — `Page` loading (document, DOM, subresources, origin facts).
//! - [`rules`] — the rule catalogue, one file per category.
//! - [`score`] — category, overall and Observatory scores.
//! - [`target`] — URL and directory targets (a directory is served on loopback).
//! - [`progress`] — progress events for callers that wait.

pub mod fetch;
pub mod page;
pub mod progress;
pub mod rules;
pub mod score;
pub mod target;

use std::sync::Arc;
use std::time::Duration;

use fetch::{AddressPolicy, FetchError, FetchSettings, Fetcher};
use page::{LoadError, Page, PageLoader, PageOptions, Served};
use progress::{Phase, Progress, ProgressEvent};
use target::{LocalServer, Target, TargetError};

use crate::report::{Finding, PageReport, Scores, SubresourceCounts};

/// Default time allowed for a whole audit.
pub const DEFAULT_AUDIT_DEADLINE: Duration = Duration::from_secs(120);

/// How to audit.
#[derive(Debug, Clone)]
pub struct AuditOptions {
    /// HTTP client limits.
    pub fetch: FetchSettings,
    /// Which addresses may be fetched.
    pub policy: AddressPolicy,
    /// Page loading limits.
    pub page: PageOptions,
    /// Time allowed for the whole audit.
    pub deadline: Duration,
}

impl Default for AuditOptions {
    fn default() -> Self {
        AuditOptions {
            fetch: FetchSettings::default(),
            policy: AddressPolicy::default(),
            page: PageOptions::default(),
            deadline: DEFAULT_AUDIT_DEADLINE,
        }
    }
}

/// What an audit produced.
#[derive(Debug, Clone)]
pub struct AuditResult {
    /// The pages visited.
    pub pages: Vec<PageReport>,
    /// Every finding.
    pub findings: Vec<Finding>,
    /// Site scores.
    pub scores: Scores,
    /// Observatory score of the security tests (uncapped).
    pub observatory_score: Option<i32>,
    /// Observatory grade.
    pub security_grade: Option<String>,
}

/// Why an audit could not complete.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    /// The target is not auditable input.
    #[error(transparent)]
    Target(#[from] TargetError),
    /// The document could not be loaded as a page.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// The audit ran out of time.
    #[error(
        "the audit did not finish within {} s (limit audit_deadline); the site is very slow or \
         stalls; raise the limit with --deadline SECS",
        .0.as_secs()
    )]
    Deadline(Duration),
}

impl AuditError {
    /// True when the target could not be reached (CLI exit code 3) rather than being bad input
    /// (exit code 2).
    pub fn is_unreachable(&self) -> bool {
        match self {
            AuditError::Target(TargetError::Serve(_)) => true,
            AuditError::Target(_) => false,
            AuditError::Load(e) => e.is_unreachable(),
            AuditError::Deadline(_) => true,
        }
    }
}

impl From<FetchError> for AuditError {
    fn from(e: FetchError) -> Self {
        AuditError::Load(LoadError::Fetch(e))
    }
}

fn step(progress: &dyn Progress, phase: Phase, pages_done: usize, message: impl Into<String>) {
    progress.report(ProgressEvent {
        phase,
        pages_done,
        pages_total: 1,
        message: message.into(),
    });
}

/// Audits a target: one page (the URL, or a directory's index), within the audit deadline.
pub async fn audit(
    target: &Target,
    options: &AuditOptions,
    progress: &dyn Progress,
) -> Result<AuditResult, AuditError> {
    tokio::time::timeout(options.deadline, audit_page(target, options, progress))
        .await
        .unwrap_or(Err(AuditError::Deadline(options.deadline)))
}

async fn audit_page(
    target: &Target,
    options: &AuditOptions,
    progress: &dyn Progress,
) -> Result<AuditResult, AuditError> {
    step(progress, Phase::Starting, 0, target.report_url());
    let (url, policy, served, _server) = match target {
        Target::Url(url) => (url.clone(), options.policy.clone(), Served::Remote, None),
        Target::Directory(dir) => {
            let server = LocalServer::start(dir).await?;
            let policy = options.policy.clone().allow_socket(server.addr());
            (
                server.root_url(),
                policy,
                Served::LocalDirectory,
                Some(server),
            )
        }
    };
    let fetcher = Fetcher::new(options.fetch.clone(), policy)?;
    let loader = PageLoader::new(
        fetcher,
        PageOptions {
            served,
            ..options.page.clone()
        },
    );
    step(progress, Phase::FetchingDocument, 0, url.as_str());
    let response = loader.fetch_document(url).await?;
    PageLoader::check_document(&response)?;
    step(
        progress,
        Phase::FetchingSubresources,
        0,
        response.final_url.as_str(),
    );
    let final_url = response.final_url.clone();
    let (origin, mut page) = tokio::join!(
        loader.origin_facts(&final_url),
        loader.build(response, Arc::default())
    );
    page.origin = Arc::new(origin);
    step(progress, Phase::CheckingRules, 0, final_url.as_str());
    let result = tokio::task::spawn_blocking(move || check_page(&page))
        .await
        .expect("checking a page does not panic");
    step(progress, Phase::Done, 1, final_url.as_str());
    Ok(result)
}

/// Runs the rules on a loaded page and scores it (CPU work; call from a blocking thread).
pub fn check_page(page: &Page) -> AuditResult {
    let findings = rules::run_page_rules(page);
    let refs: Vec<&Finding> = findings.iter().collect();
    let card = score::score_page(&refs, &[]);
    let page_report = page_report(page, card.scores);
    AuditResult {
        pages: vec![page_report],
        scores: card.scores,
        observatory_score: card.observatory_score,
        security_grade: card.security_grade().map(str::to_owned),
        findings,
    }
}

/// The report entry of a loaded page.
pub fn page_report(page: &Page, scores: Scores) -> PageReport {
    PageReport {
        url: page.url.to_string(),
        final_url: page.final_url.to_string(),
        status: page.status,
        content_type: page.content_type.clone(),
        timings: page.timings,
        bytes: page.bytes,
        total_bytes: page.bytes.transferred
            + page.subresources.iter().map(|s| s.transferred).sum::<u64>(),
        subresources: SubresourceCounts {
            referenced: page.subresources_referenced as u32,
            fetched: page.subresources.len() as u32,
            failed: page.subresources.iter().filter(|s| s.is_broken()).count() as u32,
        },
        redirects: page.redirects.clone(),
        scores: Some(scores),
        error: None,
        notes: page.notes.clone(),
    }
}
