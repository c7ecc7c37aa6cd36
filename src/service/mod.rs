//! The application API every surface (CLI, MCP, REST) calls: run and store audits, and read
//! reports back shaped for their readers. Store calls run on blocking threads so async callers
//! never block the runtime on SQLite.
//!
//! # Layout
//! - [`recommend`]: failing findings grouped by rule, ranked by exact score gains.
//! - [`views`]: compact views of a report (summary with counts and worst findings).

pub mod recommend;
pub mod views;

use std::sync::Arc;

use chrono::Utc;
use url::Url;

use crate::engine::progress::Progress;
use crate::engine::target::Target;
use crate::engine::{self, AuditError, AuditOptions};
use crate::report::{Report, ReportId, Status};
use crate::store::{Completion, NewReport, Store, StoreError};

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
    #[error("no report with id {0}; list the available reports with list_reports (CLI: webaudit reports list)")]
    NotFound(ReportId),
    /// Bad input.
    #[error("{0}")]
    Invalid(String),
}

/// The application service. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Service {
    store: Store,
    options: Arc<AuditOptions>,
}

/// The site of a target URL: its origin (`https://example.com`), or the URL itself for
/// directories.
pub fn site_of(url: &str) -> String {
    match Url::parse(url) {
        Ok(u) if matches!(u.scheme(), "http" | "https") => u.origin().ascii_serialization(),
        _ => url.to_owned(),
    }
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

impl Service {
    /// A service over `store`, auditing with `options`.
    pub fn new(store: Store, options: AuditOptions) -> Self {
        Service {
            store,
            options: Arc::new(options),
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
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || f(&store))
            .await
            .map_err(|e| ServiceError::Invalid(format!("internal error: {e}")))?
            .map_err(ServiceError::from)
    }

    /// Audits `target` now and stores the report (status `running` while it runs, then
    /// `completed` or `failed`). Returns the completed report, or the error with the id of the
    /// failed report.
    pub async fn audit_now(
        &self,
        target: &Target,
        owner: &str,
        progress: &dyn Progress,
    ) -> Result<Report, ServiceError> {
        let id = ReportId::generate();
        let url = target.report_url();
        let created_at = Utc::now();
        let new = NewReport {
            id: id.clone(),
            owner: owner.to_owned(),
            site: site_of(&url),
            url: url.clone(),
            created_at,
            status: Status::Running,
            options: serde_json::json!({}),
        };
        self.db(move |s| s.create_report(&new)).await?;
        match engine::audit(target, &self.options, progress).await {
            Ok(result) => {
                let id2 = id.clone();
                let stored = result.clone();
                self.db(move |s| {
                    s.complete_report(
                        &id2,
                        Completion {
                            scores: stored.scores,
                            security_grade: stored.security_grade.as_deref(),
                            observatory_score: stored.observatory_score,
                            pages: &stored.pages,
                            findings: &stored.findings,
                        },
                    )
                })
                .await?;
                Ok(Report {
                    id,
                    url,
                    status: Status::Completed,
                    created_at,
                    completed_at: Some(Utc::now()),
                    error_message: None,
                    scores: Some(result.scores),
                    security_grade: result.security_grade,
                    observatory_score: result.observatory_score,
                    pages: result.pages,
                    findings: result.findings,
                    engine_version: env!("CARGO_PKG_VERSION").to_owned(),
                })
            }
            Err(source) => {
                let message = source.to_string();
                let id2 = id.clone();
                self.db(move |s| s.fail_report(&id2, &message)).await?;
                Err(ServiceError::Audit { id, source })
            }
        }
    }

    /// A full report of `owner`.
    pub async fn report(&self, owner: &str, id: &ReportId) -> Result<Report, ServiceError> {
        let (owner, key) = (owner.to_owned(), id.clone());
        self.db(move |s| s.get_report(&owner, &key))
            .await?
            .ok_or_else(|| ServiceError::NotFound(id.clone()))
    }
}
