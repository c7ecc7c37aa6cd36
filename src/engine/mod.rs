//! The audit engine: fetch a target, parse each page once into a [`page::Page`], run the rule
//! catalogue on it, stream its findings out, keep its compact facts, then run the cross-page
//! rules and score the site. Rules never do I/O; everything they read is fetched before they
//! run.
//!
//! # Layout
//! - [`fetch`] — the guarded HTTP client.
//! - [`page`] — `Page` loading (document, DOM, subresources, origin facts) and site facts.
//! - [`crawl`] — which URLs to visit, visiting them, and the site-level pass.
//! - [`rules`] — the rule catalogue, one file per category, plus cross-page rules.
//! - [`score`] — category, overall and Observatory scores.
//! - [`recommend`] — what to fix first, with exact score gains.
//! - [`target`] — URL and directory targets (a directory is served on loopback).
//! - [`progress`] — progress events for callers that wait.

pub mod crawl;
pub mod fetch;
pub mod page;
pub mod progress;
pub mod rebase;
pub mod recommend;
pub mod rules;
pub mod score;
pub mod target;

use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use futures::future::BoxFuture;

use crawl::{CrawlInput, CrawlOptions, MAX_PAGES_CAP};
use fetch::{AddressPolicy, FetchError, FetchSettings, Fetcher};
use page::{LoadError, Page, PageLoader, PageOptions, Served};
use progress::{Phase, Progress, ProgressEvent};
use target::{LocalServer, Target, TargetError};
use url::Url;

use crate::report::{Finding, PageReport, Recommendation, Scores, SubresourceCounts};

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
    /// Crawl options. `max_pages` of `None` means 1 for a URL and every page (up to the cap)
    /// for a directory.
    pub crawl: CrawlOptions,
    /// Pages audited; `None` for the default of the target.
    pub max_pages: Option<usize>,
    /// Time allowed for the whole audit.
    pub deadline: Duration,
}

impl Default for AuditOptions {
    fn default() -> Self {
        AuditOptions {
            fetch: FetchSettings::default(),
            policy: AddressPolicy::default(),
            page: PageOptions::default(),
            crawl: CrawlOptions::default(),
            max_pages: None,
            deadline: DEFAULT_AUDIT_DEADLINE,
        }
    }
}

/// What an audit hands its sink at once: findings, and the reports of pages checked.
#[derive(Debug, Default)]
pub struct SinkBatch {
    /// Findings (of several pages, or of site rules).
    pub findings: Vec<Finding>,
    /// Page reports, each with its position in the report's page list (the start page, 0,
    /// comes last: it carries the crawl's notes). An audited page's scores are those of its
    /// own rules; [`AuditSummary::page_scores`] has them with the cross-page rules.
    pub pages: Vec<(usize, PageReport)>,
}

/// Receives an audit's findings and page reports as pages are checked, so an audit does not
/// hold them.
pub trait AuditSink: Send + Sync {
    /// Takes a batch. The future owns what it needs: a crawl runs it as a task of its own and
    /// goes on checking pages meanwhile, with one batch written at a time, in order, and waits
    /// for the last one before the audit ends.
    fn write(&self, batch: SinkBatch) -> BoxFuture<'static, Result<(), String>>;
}

/// Keeps everything in memory (single pages, tests, benchmarks).
#[derive(Debug, Default)]
pub struct CollectSink {
    collected: Mutex<SinkBatch>,
}

impl CollectSink {
    /// The findings, and the page reports with `summary`'s final scores, in the order the store
    /// lists them: the start page, then the others by final URL.
    pub fn into_parts(self, summary: &AuditSummary) -> (Vec<Finding>, Vec<PageReport>) {
        let SinkBatch {
            findings,
            mut pages,
        } = self
            .collected
            .into_inner()
            .unwrap_or_else(|p| p.into_inner());
        pages.sort_by_key(|(seq, _)| *seq);
        let mut pages: Vec<PageReport> = pages.into_iter().map(|(_, page)| page).collect();
        for (seq, scores) in &summary.page_scores {
            if let Some(page) = pages.get_mut(*seq) {
                page.scores = Some(*scores);
            }
        }
        if let Some(others) = pages.get_mut(1..) {
            others.sort_by(|a, b| a.final_url.cmp(&b.final_url));
        }
        (findings, pages)
    }
}

impl AuditSink for CollectSink {
    fn write(&self, batch: SinkBatch) -> BoxFuture<'static, Result<(), String>> {
        let mut collected = self.collected.lock().unwrap_or_else(|p| p.into_inner());
        collected.findings.extend(batch.findings);
        collected.pages.extend(batch.pages);
        Box::pin(async { Ok(()) })
    }
}

/// What an audit produced, apart from what went to the sink.
#[derive(Debug, Clone)]
pub struct AuditSummary {
    /// How many page reports went to the sink (every URL fetched as a page).
    pub page_count: usize,
    /// The final scores of the audited pages (cross-page rules included), by position in the
    /// page list.
    pub page_scores: Vec<(usize, Scores)>,
    /// Site scores.
    pub scores: Scores,
    /// Observatory score of the start page's security tests (uncapped).
    pub observatory_score: Option<i32>,
    /// Observatory grade.
    pub security_grade: Option<String>,
    /// Failing rules ranked by exact score gains.
    pub recommendations: Vec<Recommendation>,
    /// How many findings went to the sink.
    pub findings_written: usize,
    /// True when the waiter stopped the crawl before the end ([`Progress::stop`]); the report
    /// covers the pages checked by then.
    pub stopped_early: bool,
}

/// An audit with its findings in memory.
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
    /// Recommendations.
    pub recommendations: Vec<Recommendation>,
}

/// Why an audit could not complete.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    /// The target is not auditable input.
    #[error(transparent)]
    Target(#[from] TargetError),
    /// The start document could not be loaded as a page.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// The audit ran out of time before its start page was checked.
    #[error(
        "the audit did not finish within its time limit of {} s; the site is very slow or \
         stalls; raise the limit with --deadline SECS",
        .0.as_secs()
    )]
    Deadline(Duration),
    /// The waiter stopped the audit (Ctrl-C) before its start page was checked.
    #[error("the audit was stopped before its first page was checked")]
    Stopped,
    /// Bad options.
    #[error("{0}")]
    Options(String),
    /// Findings or page reports could not be stored.
    #[error("could not store the audit's findings and pages: {0}")]
    Sink(String),
}

impl AuditError {
    /// True when the target could not be reached (CLI exit code 3) rather than being bad input
    /// (exit code 2).
    pub fn is_unreachable(&self) -> bool {
        match self {
            AuditError::Target(TargetError::Serve(_)) => true,
            AuditError::Target(_) | AuditError::Options(_) | AuditError::Stopped => false,
            AuditError::Load(e) => e.is_unreachable(),
            AuditError::Deadline(_) | AuditError::Sink(_) => true,
        }
    }
}

impl From<FetchError> for AuditError {
    fn from(e: FetchError) -> Self {
        AuditError::Load(LoadError::Fetch(e))
    }
}

/// The `.html` files of a directory as URLs under `root`, in path order, at most `limit`.
fn directory_pages(dir: &Path, root: &Url, limit: usize) -> Vec<Url> {
    let mut paths: Vec<String> = walkdir::WalkDir::new(dir)
        .follow_links(false)
        .into_iter()
        .filter_entry(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().to_ascii_lowercase();
            if !(name.ends_with(".html") || name.ends_with(".htm")) {
                return None;
            }
            let relative = e.path().strip_prefix(dir).ok()?;
            // The crawl keys `dir/index.html` as `dir/` (see `crawl::run::site_form`).
            let parts: Vec<String> = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            Some(parts.join("/"))
        })
        .collect();
    paths.sort();
    paths
        .into_iter()
        .take(limit)
        .filter_map(|p| root.join(&p).ok())
        .collect()
}

/// Audits a target: its start page, and with `max_pages` above 1 the site around it. Findings
/// and page reports go to `sink` as pages are checked.
pub async fn audit(
    target: &Target,
    options: &AuditOptions,
    progress: &dyn Progress,
    sink: &dyn AuditSink,
) -> Result<AuditSummary, AuditError> {
    let deadline = tokio::time::Instant::now() + options.deadline;
    tracing::info!(target = %target.report_url(), max_pages = ?options.max_pages, "audit started");
    progress.report(ProgressEvent {
        phase: Phase::Starting,
        pages_done: 0,
        pages_total: 1,
        message: target.report_url(),
    });
    let (start, policy, served, server, seeds) = match target {
        Target::Url(url) => (
            url.clone(),
            options.policy.clone(),
            Served::Remote,
            None,
            Vec::new(),
        ),
        Target::Directory(dir) => {
            let server = LocalServer::start(dir).await?;
            let policy = options.policy.clone().allow_socket(server.addr());
            let root = server.root_url();
            let seeds = directory_pages(dir, &root, MAX_PAGES_CAP);
            (root, policy, Served::LocalDirectory, Some(server), seeds)
        }
    };
    let max_pages = options
        .max_pages
        .unwrap_or(match target {
            Target::Url(_) => crawl::DEFAULT_MAX_PAGES,
            Target::Directory(_) => MAX_PAGES_CAP,
        })
        .clamp(1, MAX_PAGES_CAP);
    let fetcher = Fetcher::new(options.fetch.clone(), policy)?;
    let loader = PageLoader::new(
        fetcher,
        PageOptions {
            served,
            ..options.page.clone()
        },
    );
    let crawl_options = CrawlOptions {
        max_pages,
        ..options.crawl.clone()
    };
    let sitemap_root = matches!(target, Target::Directory(_)).then(|| start.clone());
    // A folder's findings and pages name its files, not the loopback server's passing port.
    let to_folder = matches!(target, Target::Directory(_))
        .then(|| rebase::Rebase::new(&start, &target.report_url()));
    let rebased = to_folder.as_ref().map(|rebase| rebase::RebasedSink {
        inner: sink,
        rebase,
    });
    let sink: &dyn AuditSink = match &rebased {
        Some(rebased) => rebased,
        None => sink,
    };
    let input = CrawlInput {
        loader: &loader,
        start,
        options: &crawl_options,
        extra_seeds: seeds,
        rebase: sitemap_root,
        deadline,
        progress,
        sink,
    };
    let mut result =
        tokio::time::timeout_at(deadline + Duration::from_secs(1), crawl::crawl(input))
            .await
            .unwrap_or(Err(AuditError::Deadline(options.deadline)));
    drop(server);
    if let (Ok(summary), Some(rebase)) = (&mut result, &to_folder) {
        summary
            .recommendations
            .iter_mut()
            .for_each(|r| rebase.recommendation(r));
    }
    result
}

/// Audits a target with every finding kept in memory.
pub async fn audit_collect(
    target: &Target,
    options: &AuditOptions,
    progress: &dyn Progress,
) -> Result<AuditResult, AuditError> {
    let sink = CollectSink::default();
    let summary = audit(target, options, progress, &sink).await?;
    let (findings, pages) = sink.into_parts(&summary);
    Ok(AuditResult {
        pages,
        findings,
        scores: summary.scores,
        observatory_score: summary.observatory_score,
        security_grade: summary.security_grade,
        recommendations: summary.recommendations,
    })
}

/// Runs the page rules on a loaded page and scores it, without cross-page rules (CPU work;
/// call from a blocking thread).
pub fn check_page(page: &Page) -> AuditResult {
    let findings = rules::run_page_rules(page);
    let state = score::PageScoreState::from_findings(&findings);
    let card = state.scores();
    let page_report = page_report(page, card.scores);
    let recommendations = recommend::recommendations(&findings);
    AuditResult {
        pages: vec![page_report],
        scores: card.scores,
        observatory_score: card.observatory_score,
        security_grade: card.security_grade().map(str::to_owned),
        findings,
        recommendations,
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
