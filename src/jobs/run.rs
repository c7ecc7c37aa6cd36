//! Running one stored audit: the engine's work with findings streamed into the store, then the
//! completion, so the CLI and the worker pool store outcomes the same way.

use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};

use crate::engine::progress::Progress;
use crate::engine::target::Target;
use crate::engine::{self, AuditError, AuditOptions, AuditSink, AuditSummary, SinkBatch};
use crate::report::ReportId;
use crate::store::{Completion, Store, StoreError};

/// What a job audits, as stored with the report (so a restarted process can run it again).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobSpec {
    /// The target: an http(s) URL or a `file://` directory URL.
    pub target: String,
    /// Pages to audit (`None`: 1 for a URL, every page for a directory).
    #[serde(default)]
    pub max_pages: Option<usize>,
}

impl JobSpec {
    /// The spec of auditing `target`.
    pub fn new(target: &Target, max_pages: Option<usize>) -> Self {
        JobSpec {
            target: target.report_url(),
            max_pages,
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

/// Writes a running report's findings and pages to the store as they arrive.
struct StoreSink<'a> {
    store: &'a Store,
    id: &'a ReportId,
}

impl AuditSink for StoreSink<'_> {
    fn write(&self, batch: SinkBatch) -> BoxFuture<'static, Result<(), String>> {
        let (store, id) = (self.store.clone(), self.id.clone());
        Box::pin(async move {
            let stored = tokio::task::spawn_blocking(move || {
                store.append(&id, &batch.findings, &batch.pages)
            })
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| e.to_string())?;
            if stored {
                Ok(())
            } else {
                Err(
                    "the report was deleted or finished while the audit ran; the audit stopped"
                        .into(),
                )
            }
        })
    }
}

/// Audits `target` for the report `id` (already stored as `running`) and stores the outcome:
/// findings and pages as pages are checked, then `completed` with scores (the pages' final
/// ones too) and recommendations in one transaction, or `failed` with the error message.
/// Store work runs on blocking threads.
pub async fn execute(
    store: &Store,
    options: &AuditOptions,
    id: &ReportId,
    target: &Target,
    progress: &dyn Progress,
) -> Result<AuditSummary, RunError> {
    let sink = StoreSink { store, id };
    match engine::audit(target, options, progress, &sink).await {
        Ok(summary) => {
            let (store, key) = (store.clone(), id.clone());
            tokio::task::spawn_blocking(move || {
                store
                    .finish_report(
                        &key,
                        Completion {
                            scores: summary.scores,
                            security_grade: summary.security_grade.as_deref(),
                            observatory_score: summary.observatory_score,
                            page_scores: &summary.page_scores,
                            recommendations: &summary.recommendations,
                        },
                    )
                    .map(|()| summary)
            })
            .await
            .expect("storing a report does not panic")
            .map_err(RunError::from)
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
