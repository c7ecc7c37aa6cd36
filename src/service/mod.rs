//! The application API every surface (CLI, MCP, REST) calls: run and store audits, queue them
//! for the worker pool and wait for them, and read reports back shaped for their readers. Store
//! calls run on blocking threads so async callers never block the runtime on SQLite.
//!
//! # Layout
//! - [`recommend`] — failing findings grouped by rule, ranked by exact score gains.
//! - [`views`] — compact views of a report (summary with counts and worst findings).
//! - [`history`] — score history with changes.
//! - [`compare`] — findings fixed, new and still open between two audits.
//! - [`exports`] — a stored report written out in JSON, CSV or Markdown, streamed.

pub mod compare;
pub mod exports;
pub mod history;
pub mod tokens;

pub mod views;

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use tokio_util::sync::CancellationToken;
use url::Url;

use crate::engine::fetch::AddressPolicy;
use crate::engine::progress::Progress;
use crate::engine::target::{Target, UrlReading, read_url};
use crate::engine::{AuditError, AuditOptions};
use crate::jobs::{self, JobSpec, JobState, Jobs, RunError};
use crate::report::{Category, Finding, Recommendation, Report, ReportId, Status, site_of};
use crate::store::{
    FindingFilter, ListFilter, ListPage, NewReport, ReportSummary, Store, StoreError,
};

/// Errors of the service, each saying what to do.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The audit could not run; the report is stored as failed.
    #[error("{source}")]
    Audit {
        /// The stored failed report's id.
        id: ReportId,
        /// Why.
        #[source]
        source: AuditError,
    },
    /// No report with this id (for this owner).
    #[error(
        "no report with id {0}; list the available reports with list_reports (CLI: webaudit reports list)"
    )]
    NotFound(ReportId),
    /// Bad input.
    #[error("{0}")]
    Invalid(String),
    /// A URL that cannot be audited (not http(s), does not parse, a directory).
    #[error("{0}")]
    InvalidUrl(String),
    /// A URL the address policy refuses.
    #[error("{0}")]
    Refused(String),
    /// An export stopped part way (its output is incomplete).
    #[error(transparent)]
    Export(#[from] crate::export::ExportError),
}

/// An audit run at once ([`Service::audit_now_as`]).
#[derive(Debug, Clone, PartialEq)]
pub struct AuditedNow {
    /// The stored report's summary.
    pub summary: ReportSummary,
    /// True when the caller stopped it before the end (the report covers the pages checked).
    pub stopped_early: bool,
}

/// How a wait for a job ended.
#[derive(Debug, Clone, PartialEq)]
pub enum WaitOutcome {
    /// The audit finished (completed or failed).
    Finished(ReportSummary),
    /// The time ran out; the audit goes on.
    TimedOut(ReportSummary),
    /// The caller cancelled; the audit goes on.
    Cancelled,
}

/// The application service. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Service {
    store: Store,
    options: Arc<AuditOptions>,
    jobs: Option<Jobs>,
}

/// Normalises a URL given by a user for matching stored reports (`https://a.example` and
/// `https://a.example/` are the same).
pub fn normalise_url(input: &str) -> String {
    let trimmed = input.trim();
    match Url::parse(trimmed) {
        Ok(mut u) => {
            u.set_fragment(None);
            u.to_string()
        }
        Err(_) => match Target::parse(trimmed) {
            Ok(t) => t.report_url(),
            Err(_) => trimmed.to_owned(),
        },
    }
}

/// The forms of URL an audit accepts, for error messages.
pub const ACCEPTED_URLS: &str = "an absolute http:// or https:// URL such as https://example.com/ \
     or https://example.com/pricing";

/// Parses and checks a URL handed to `start_audit`: it must be http(s), and the address policy
/// must not refuse it (literal addresses and internal names are refused here, before any
/// connection; names that resolve to refused addresses fail the audit). The input is read as a
/// URL only, never looked up on this machine's disk: callers over MCP and HTTP must not learn
/// which files and folders the server has.
pub fn parse_audit_url(input: &str, policy: &AddressPolicy) -> Result<Url, ServiceError> {
    let trimmed = input.trim();
    let refuse = |why: String| {
        Err(ServiceError::InvalidUrl(format!(
            "{why} Accepted: {ACCEPTED_URLS}"
        )))
    };
    let local = "(a folder on your own machine can be audited with the CLI: webaudit audit DIR)";
    let url = match read_url(trimmed) {
        UrlReading::Web(url) => url,
        UrlReading::File(_) => {
            return refuse(format!("`{trimmed}` names a local file or folder {local}."));
        }
        UrlReading::OtherScheme(scheme) => {
            return refuse(format!("the scheme `{scheme}:` is not supported."));
        }
        UrlReading::MissingScheme => {
            return refuse(format!(
                "`{trimmed}` has no scheme; did you mean https://{trimmed} ?"
            ));
        }
        UrlReading::NotAUrl(_) => return refuse(format!("`{trimmed}` is not a URL {local}.")),
    };
    refuse_before_fetching(&url, policy)?;
    Ok(url)
}

/// Fails with [`ServiceError::Refused`] when the address policy refuses `url` before any
/// connection (credentials, internal names, literal addresses). Nothing is stored for such a
/// URL, and the message masks its password.
pub fn refuse_before_fetching(url: &Url, policy: &AddressPolicy) -> Result<(), ServiceError> {
    policy
        .admit(url)
        .map_err(|refused| ServiceError::Refused(refused.to_string()))
}

/// Fails with [`ServiceError::NotFound`] unless report `id` exists and belongs to `owner` (it
/// reads the store: call it where blocking is allowed).
fn owned(store: &Store, owner: &str, id: &ReportId) -> Result<(), ServiceError> {
    match store.get_summary(owner, id)? {
        Some(_) => Ok(()),
        None => Err(ServiceError::NotFound(id.clone())),
    }
}

impl Service {
    /// A service over `store`, auditing with `options` (no worker pool: see
    /// [`Service::start_jobs`]).
    pub fn new(store: Store, options: AuditOptions) -> Self {
        Service {
            store,
            options: Arc::new(options),
            jobs: None,
        }
    }

    /// Starts the worker pool (recovering interrupted audits first).
    pub async fn start_jobs(mut self, workers: usize) -> Result<Self, ServiceError> {
        self.jobs = Some(Jobs::start(self.store.clone(), self.options.clone(), workers).await?);
        Ok(self)
    }

    /// Stops the worker pool after the audits in progress.
    pub fn shutdown(&self) {
        if let Some(jobs) = &self.jobs {
            jobs.shutdown();
        }
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The audit options.
    pub fn options(&self) -> &AuditOptions {
        &self.options
    }

    /// Runs a store operation on a blocking thread.
    pub async fn db<T, F>(&self, f: F) -> Result<T, ServiceError>
    where
        T: Send + 'static,
        F: FnOnce(&Store) -> Result<T, StoreError> + Send + 'static,
    {
        self.blocking(move |store| Ok(f(store).map_err(|e| e.in_file(store.path()))?))
            .await
    }

    /// Runs work that reads the store (and may fail otherwise) on a blocking thread.
    async fn blocking<T, F>(&self, f: F) -> Result<T, ServiceError>
    where
        T: Send + 'static,
        F: FnOnce(&Store) -> Result<T, ServiceError> + Send + 'static,
    {
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || f(&store))
            .await
            .map_err(|e| ServiceError::Invalid(format!("internal error: {e}")))?
    }

    /// Audits `target` now (without the queue) and stores the report. Returns the completed
    /// report's summary, or the error with the id of the stored failed report. A URL the
    /// address policy refuses before any connection is not stored.
    pub async fn audit_now(
        &self,
        target: &Target,
        owner: &str,
        max_pages: Option<usize>,
        progress: &dyn Progress,
    ) -> Result<ReportSummary, ServiceError> {
        self.audit_now_as(ReportId::generate(), target, owner, max_pages, progress)
            .await
            .map(|audited| audited.summary)
    }

    /// [`Service::audit_now`] with a report id the caller chose (a new one, from
    /// [`ReportId::generate`]), so that it can refer to the report while the audit runs.
    pub async fn audit_now_as(
        &self,
        id: ReportId,
        target: &Target,
        owner: &str,
        max_pages: Option<usize>,
        progress: &dyn Progress,
    ) -> Result<AuditedNow, ServiceError> {
        if let Target::Url(url) = target {
            refuse_before_fetching(url, &self.options.policy)?;
        }
        let url = target.report_url();
        let new = NewReport {
            id: id.clone(),
            owner: owner.to_owned(),
            site: site_of(&url),
            url,
            created_at: Utc::now(),
            status: Status::Running,
            options: JobSpec::new(target, max_pages).to_json(),
        };
        self.db(move |s| s.create_report(&new)).await?;
        let options = AuditOptions {
            max_pages,
            ..AuditOptions::clone(&self.options)
        };
        match jobs::execute(&self.store, &options, &id, target, progress).await {
            Ok(done) => Ok(AuditedNow {
                summary: self.summary(owner, &id).await?,
                stopped_early: done.stopped_early,
            }),
            Err(RunError::Audit(source)) => Err(ServiceError::Audit { id, source }),
            Err(RunError::Store(e)) => Err(e.in_file(self.store.path()).into()),
        }
    }

    /// Queues an audit of `url` (with up to `max_pages` pages) for the worker pool.
    pub async fn start_audit(
        &self,
        owner: &str,
        url: &str,
        max_pages: Option<usize>,
    ) -> Result<ReportSummary, ServiceError> {
        let url = parse_audit_url(url, &self.options.policy)?;
        let jobs = self.jobs.as_ref().ok_or_else(|| {
            ServiceError::Invalid("the worker pool is not running in this process".into())
        })?;
        let spec = JobSpec::new(&Target::Url(url), max_pages);
        Ok(jobs.submit(owner, spec).await?)
    }

    /// Waits until the audit `id` finishes, at most `timeout`, calling `on_progress` with each
    /// state change (it must not block); returns early (and leaves the audit running) when
    /// `cancel` fires.
    pub async fn wait(
        &self,
        owner: &str,
        id: &ReportId,
        timeout: Duration,
        cancel: &CancellationToken,
        on_progress: &(dyn Fn(&JobState) + Send + Sync),
    ) -> Result<WaitOutcome, ServiceError> {
        let deadline = tokio::time::Instant::now() + timeout;
        if let Some(mut rx) = self.jobs.as_ref().and_then(|j| j.watch(id)) {
            loop {
                let state = rx.borrow_and_update().clone();
                if matches!(state, JobState::Finished(_)) {
                    break;
                }
                on_progress(&state);
                tokio::select! {
                    _ = cancel.cancelled() => return Ok(WaitOutcome::Cancelled),
                    _ = tokio::time::sleep_until(deadline) => {
                        return Ok(WaitOutcome::TimedOut(self.summary(owner, id).await?));
                    }
                    changed = rx.changed() => if changed.is_err() { break },
                }
            }
        }
        let summary = self.summary(owner, id).await?;
        Ok(match summary.status {
            Status::Completed | Status::Failed => WaitOutcome::Finished(summary),
            // Not watched here (another process runs it): report where it is.
            Status::Queued | Status::Running => WaitOutcome::TimedOut(summary),
        })
    }

    /// One report's summary.
    pub async fn summary(&self, owner: &str, id: &ReportId) -> Result<ReportSummary, ServiceError> {
        let (o, key) = (owner.to_owned(), id.clone());
        self.db(move |s| s.get_summary(&o, &key))
            .await?
            .ok_or_else(|| ServiceError::NotFound(id.clone()))
    }

    /// A full report.
    pub async fn report(&self, owner: &str, id: &ReportId) -> Result<Report, ServiceError> {
        let (o, key) = (owner.to_owned(), id.clone());
        self.db(move |s| s.get_report(&o, &key))
            .await?
            .ok_or_else(|| ServiceError::NotFound(id.clone()))
    }

    /// Reports of `owner`, newest first.
    pub async fn list(
        &self,
        filter: ListFilter,
        limit: usize,
        cursor: Option<ReportId>,
    ) -> Result<ListPage, ServiceError> {
        self.db(move |s| s.list_reports(&filter, limit, cursor.as_ref()))
            .await
    }

    /// A page of a report's findings matching `filter`, with the total count.
    pub async fn findings(
        &self,
        owner: &str,
        id: &ReportId,
        filter: FindingFilter,
        limit: usize,
        offset: usize,
    ) -> Result<(Vec<Finding>, usize), ServiceError> {
        self.summary(owner, id).await?;
        let key = id.clone();
        self.db(move |s| {
            let total = s.count_findings(&key, &filter)?;
            Ok((s.findings(&key, &filter, limit, offset)?, total))
        })
        .await
    }

    /// The overview of a report: scores, failing counts and the `worst` worst failing findings
    /// matching `filter`, read with SQL (a huge report is never loaded whole).
    pub async fn overview(
        &self,
        owner: &str,
        id: &ReportId,
        filter: FindingFilter,
        worst: usize,
    ) -> Result<(views::ReportOverview, usize), ServiceError> {
        let summary = self.summary(owner, id).await?;
        let key = id.clone();
        let (rows, review, worst, matching) = self
            .db(move |s| {
                let (rows, review) = s.failing_counts(&key)?;
                let worst = s.worst_failing(&key, &filter, worst)?;
                let failing = FindingFilter {
                    outcomes: vec![crate::report::Outcome::Fail],
                    ..filter
                };
                let matching = s.count_findings(&key, &failing)?;
                Ok((rows, review, worst, matching))
            })
            .await?;
        let counts = views::counts_from_rows(&rows, review);
        Ok((views::overview(summary, counts, &worst), matching))
    }

    /// Ranked recommendations of a completed report (optionally of one category, re-ranked).
    pub async fn recommendations(
        &self,
        owner: &str,
        id: &ReportId,
        category: Option<Category>,
    ) -> Result<(ReportSummary, Vec<Recommendation>), ServiceError> {
        let summary = self.summary(owner, id).await?;
        let key = id.clone();
        let mut recs = self.db(move |s| s.recommendations(&key)).await?;
        if let Some(category) = category {
            recs.retain(|r| r.category == category);
            for (i, r) in recs.iter_mut().enumerate() {
                r.rank = i as u32 + 1;
            }
        }
        Ok((summary, recs))
    }

    /// What changed between two reports: failing findings fixed, new and still open (read
    /// from the store a chunk at a time; see [`compare::compare`]).
    pub async fn compare(
        &self,
        owner: &str,
        before: &ReportId,
        after: &ReportId,
    ) -> Result<compare::Comparison, ServiceError> {
        let (owner, before, after) = (owner.to_owned(), before.clone(), after.clone());
        self.blocking(move |store| {
            // Both must be the caller's.
            owned(store, &owner, &before)?;
            owned(store, &owner, &after)?;
            let old = exports::StoredFindings::new(store, &before);
            let new = exports::StoredFindings::new(store, &after);
            Ok(compare::compare(&before, &old, &after, &new)?)
        })
        .await
    }

    /// Completed audits of `url` (or of its site when the URL itself has none), oldest first,
    /// with score changes.
    pub async fn history(
        &self,
        owner: &str,
        url: &str,
        limit: usize,
    ) -> Result<Vec<history::HistoryEntry>, ServiceError> {
        let url = normalise_url(url);
        let site = site_of(&url);
        let owner = owner.to_owned();
        let rows = self
            .db(move |s| s.history(&owner, &url, &site, limit))
            .await?;
        Ok(history::entries(rows))
    }

    /// Deletes a report.
    pub async fn delete(&self, owner: &str, id: &ReportId) -> Result<(), ServiceError> {
        let (o, key) = (owner.to_owned(), id.clone());
        if self.db(move |s| s.delete_report(&o, &key)).await? {
            Ok(())
        } else {
            Err(ServiceError::NotFound(id.clone()))
        }
    }
}
