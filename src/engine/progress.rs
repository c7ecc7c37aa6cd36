//! Progress of a running audit, reported to whoever waits for it (a terminal progress line, an
//! MCP progress notification), and the waiter's way to ask it to stop early.

use tokio_util::sync::CancellationToken;

/// Where an audit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Starting (serving a directory, building the client).
    Starting,
    /// Fetching the document.
    FetchingDocument,
    /// Fetching subresources and origin facts.
    FetchingSubresources,
    /// Running the rules.
    CheckingRules,
    /// Crawling the site: a page finished.
    Crawling,
    /// Finished.
    Done,
}

impl Phase {
    /// A short human label.
    pub fn label(self) -> &'static str {
        match self {
            Phase::Starting => "starting",
            Phase::FetchingDocument => "fetching the document",
            Phase::FetchingSubresources => "fetching subresources",
            Phase::CheckingRules => "checking rules",
            Phase::Crawling => "crawling",
            Phase::Done => "done",
        }
    }
}

/// One progress report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgressEvent {
    /// The phase.
    pub phase: Phase,
    /// Pages finished so far.
    pub pages_done: usize,
    /// Pages known so far (grows while crawling).
    pub pages_total: usize,
    /// A short message, e.g. the URL being fetched.
    pub message: String,
}

/// Receives progress events. Implementations must be cheap and must not block.
pub trait Progress: Send + Sync {
    /// Called at each step.
    fn report(&self, event: ProgressEvent);

    /// A token the waiter cancels to stop the audit early (Ctrl-C at a terminal): a crawl then
    /// starts no more pages, drops those in flight and completes its report with the pages
    /// already checked; an audit stopped before its start page was checked fails with
    /// [`AuditError::Stopped`](crate::engine::AuditError::Stopped). `None`: runs to the end.
    fn stop(&self) -> Option<&CancellationToken> {
        None
    }
}

/// Discards progress.
impl Progress for () {
    fn report(&self, _event: ProgressEvent) {}
}
