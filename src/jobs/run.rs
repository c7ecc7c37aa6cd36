//! Running one stored audit: the engine's work followed by the store's, so the CLI and the
//! worker pool store outcomes the same way.

use chrono::Utc;
use serde::{Deserialize, Serialize};

use crate::engine::progress::Progress;
use crate::engine::target::Target;
use crate::engine::{self, AuditError, AuditOptions};
use crate::report::{Report, ReportId, Status};
use crate::store::{Completion, Store, StoreError};

/// What a job audits, as stored with the report (so a restarted process can run it again).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobSpec {
    /// The target: an http(s) URL or a `file://` directory URL.
    pub target: String,
    /// Pages to audit (1 = the target page only).
    #[serde(default = "one")]
    pub max_pages: u32,
}

fn one() -> u32 {
    1
}

impl JobSpec {
    /// The spec of auditing `target`.
    pub fn new(target: &Target) -> Self {
        JobSpec {
            target: target.report_url(),
            max_pages: 1,
        }
    }

    /// As stored.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).expect("job specs serialise")
    }
}

/// Why running a job failed.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The audit failed; the report is stored as failed with this message.
    #[error(transparent)]
    Audit(#[from] AuditError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Audits `target` for the report `id` (already stored as `running`) and stores the outcome:
/// `completed` with scores, pages and findings in one transaction, or `failed` with the error
/// message. Store work runs on blocking threads.
pub async fn execute(
    store: &Store,
    options: &AuditOptions,
    id: &ReportId,
    target: &Target,
    progress: &dyn Progress,
) -> Result<engine::AuditResult, RunError> {
    match engine::audit(target, options, progress).await {
        Ok(result) => {
            let (store, key, stored) = (store.clone(), id.clone(), result.clone());
            tokio::task::spawn_blocking(move || {
                store.complete_report(
                    &key,
                    Completion {
                        scores: stored.scores,
                        security_grade: stored.security_grade.as_deref(),
                        observatory_score: stored.observatory_score,
                        pages: &stored.pages,
                        findings: &stored.findings,
                    },
                )
            })
            .await
            .expect("storing a report does not panic")?;
            Ok(result)
        }
        Err(error) => {
            let (store, key, message) = (store.clone(), id.clone(), error.to_string());
            tokio::task::spawn_blocking(move || store.fail_report(&key, &message))
                .await
                .expect("storing a failure does not panic")?;
            Err(RunError::Audit(error))
        }
    }
}

/// The report a completed run gives, as the caller saw it.
pub fn completed_report(
    id: ReportId,
    url: String,
    created_at: chrono::DateTime<Utc>,
    result: engine::AuditResult,
) -> Report {
    Report {
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
    }
}
