//! The job queue and its worker pool.
//!
//! Jobs are stored before they are queued, so the database is the queue's source of truth: at
//! start-up, audits left `running` by a process that died go back to `queued` (or fail after
//! [`MAX_ATTEMPTS`], so an audit that crashes the process is not retried forever), and every
//! `queued` audit is queued again. Each job's state is published on a watch channel that
//! waiters (an MCP call with `wait`) subscribe to.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::Utc;
use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;

use super::run::{JobSpec, execute};
use crate::engine::AuditOptions;
use crate::engine::progress::{Phase, Progress, ProgressEvent};
use crate::engine::target::Target;
use crate::report::{ReportId, Status, site_of};
use crate::store::{NewReport, ReportSummary, Store, StoreError};

/// Audits run at once by default.
pub const DEFAULT_WORKERS: usize = 2;
/// Attempts an audit gets before an interrupted run is marked failed.
pub const MAX_ATTEMPTS: u32 = 2;

/// Where a job is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobState {
    /// Waiting for a worker.
    Queued,
    /// Running; the latest progress.
    Running(ProgressEvent),
    /// Done, with its final status.
    Finished(Status),
}

struct Shared {
    store: Store,
    options: Arc<AuditOptions>,
    watchers: Mutex<HashMap<ReportId, watch::Sender<JobState>>>,
    queue: mpsc::UnboundedSender<ReportId>,
}

impl Shared {
    fn publish(&self, id: &ReportId, state: JobState) {
        let watchers = self.watchers.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(tx) = watchers.get(id) {
            tx.send_replace(state);
        }
    }

    fn enqueue(&self, id: ReportId) {
        self.watchers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(id.clone())
            .or_insert_with(|| watch::channel(JobState::Queued).0);
        // The receiver lives as long as the workers; a send error means shutdown.
        let _ = self.queue.send(id);
    }

    fn finish(&self, id: &ReportId, status: Status) {
        let tx = self
            .watchers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(id);
        if let Some(tx) = tx {
            tx.send_replace(JobState::Finished(status));
        }
    }
}

/// The job queue. Cheap to clone.
#[derive(Clone)]
pub struct Jobs {
    shared: Arc<Shared>,
    shutdown: CancellationToken,
}

impl std::fmt::Debug for Jobs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Jobs").finish_non_exhaustive()
    }
}

/// Publishes audit progress on a job's watch channel.
struct WatchProgress {
    shared: Arc<Shared>,
    id: ReportId,
}

impl Progress for WatchProgress {
    fn report(&self, event: ProgressEvent) {
        if event.phase != Phase::Done {
            self.shared.publish(&self.id, JobState::Running(event));
        }
    }
}

impl Jobs {
    /// Recovers interrupted work and starts `workers` workers.
    pub async fn start(
        store: Store,
        options: Arc<AuditOptions>,
        workers: usize,
    ) -> Result<Jobs, StoreError> {
        let (tx, rx) = mpsc::unbounded_channel();
        let shared = Arc::new(Shared {
            store: store.clone(),
            options,
            watchers: Mutex::new(HashMap::new()),
            queue: tx,
        });
        let recovered = tokio::task::spawn_blocking(move || {
            let recover = || {
                let (requeued, failed) = store.recover_interrupted(MAX_ATTEMPTS)?;
                Ok::<_, StoreError>((requeued, failed, store.unfinished()?))
            };
            recover().map_err(|e| e.in_file(store.path()))
        })
        .await
        .expect("recovery does not panic")?;
        let (requeued, failed, unfinished) = recovered;
        if requeued + failed + unfinished.len() > 0 {
            tracing::info!(
                requeued,
                failed,
                queued = unfinished.len(),
                "recovered audits left by a previous process"
            );
        }
        for report in unfinished {
            shared.enqueue(report.id);
        }
        let jobs = Jobs {
            shared,
            shutdown: CancellationToken::new(),
        };
        let rx = Arc::new(tokio::sync::Mutex::new(rx));
        for _ in 0..workers.max(1) {
            tokio::spawn(worker(jobs.clone(), rx.clone()));
        }
        Ok(jobs)
    }

    /// Stores a new audit as `queued` and queues it.
    pub async fn submit(&self, owner: &str, spec: JobSpec) -> Result<ReportSummary, StoreError> {
        let id = ReportId::generate();
        let new = NewReport {
            id: id.clone(),
            owner: owner.to_owned(),
            site: site_of(&spec.target),
            url: spec.target.clone(),
            created_at: Utc::now(),
            status: Status::Queued,
            options: spec.to_json(),
        };
        let store = self.shared.store.clone();
        let owner = owner.to_owned();
        let key = id.clone();
        let summary = tokio::task::spawn_blocking(move || {
            store
                .create_report(&new)
                .and_then(|()| store.get_summary(&owner, &key))
                .map_err(|e| e.in_file(store.path()))
        })
        .await
        .expect("storing a job does not panic")?
        .expect("a report just stored exists");
        self.shared.enqueue(id);
        Ok(summary)
    }

    /// The live state of a job that is queued or running in this process; `None` once it has
    /// finished (read the store then).
    pub fn watch(&self, id: &ReportId) -> Option<watch::Receiver<JobState>> {
        self.shared
            .watchers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(id)
            .map(watch::Sender::subscribe)
    }

    /// Stops the workers after their current audits; queued audits stay queued in the store
    /// for the next start.
    pub fn shutdown(&self) {
        self.shutdown.cancel();
    }
}

async fn worker(jobs: Jobs, queue: Arc<tokio::sync::Mutex<mpsc::UnboundedReceiver<ReportId>>>) {
    loop {
        let next = {
            let mut rx = queue.lock().await;
            tokio::select! {
                _ = jobs.shutdown.cancelled() => None,
                id = rx.recv() => id,
            }
        };
        let Some(id) = next else { break };
        let shared = jobs.shared.clone();
        let key = id.clone();
        // Each job runs in its own task so a panic fails the job, not the worker.
        let outcome = tokio::spawn(async move { run_job(shared, key).await }).await;
        match outcome {
            Ok(status) => jobs.shared.finish(&id, status),
            Err(panic) => {
                tracing::error!(%id, error = %panic, "audit job panicked");
                let store = jobs.shared.store.clone();
                let key = id.clone();
                let _ = tokio::task::spawn_blocking(move || {
                    store.fail_report(
                        &key,
                        "internal error in webaudit while auditing; please report it",
                    )
                })
                .await;
                jobs.shared.finish(&id, Status::Failed);
            }
        }
    }
}

/// Runs one job to its final status.
async fn run_job(shared: Arc<Shared>, id: ReportId) -> Status {
    let store = shared.store.clone();
    let key = id.clone();
    let claimed =
        tokio::task::spawn_blocking(move || -> Result<Option<ReportSummary>, StoreError> {
            let Some(summary) = store.summary_by_id(&key)? else {
                return Ok(None);
            };
            if summary.status != Status::Queued || !store.mark_running(&key)? {
                return Ok(None);
            }
            Ok(Some(summary))
        })
        .await
        .expect("claiming a job does not panic");
    let summary = match claimed {
        Ok(Some(summary)) => summary,
        Ok(None) => return Status::Failed,
        Err(e) => {
            tracing::error!(%id, error = %e, "could not claim a job");
            return Status::Failed;
        }
    };
    let spec: Result<JobSpec, String> =
        serde_json::from_value(summary.options.clone()).map_err(|e| e.to_string());
    let parsed = spec.and_then(|s| {
        Target::parse(&s.target)
            .map(|t| (t, s.max_pages))
            .map_err(|e| e.to_string())
    });
    let (target, max_pages) = match parsed {
        Ok(t) => t,
        Err(message) => {
            let store = shared.store.clone();
            let key = id.clone();
            let _ = tokio::task::spawn_blocking(move || store.fail_report(&key, &message)).await;
            return Status::Failed;
        }
    };
    let progress = WatchProgress {
        shared: shared.clone(),
        id: id.clone(),
    };
    let options = AuditOptions {
        max_pages,
        ..AuditOptions::clone(&shared.options)
    };
    match execute(&shared.store, &options, &id, &target, &progress).await {
        Ok(_) => Status::Completed,
        Err(e) => {
            tracing::info!(%id, error = %e, "audit failed");
            Status::Failed
        }
    }
}
