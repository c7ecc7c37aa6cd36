//! Hands a crawl's findings and page reports to its sink in batches, writing one batch in the
//! background while the crawl goes on.
//!
//! A store transaction per batch of a few pages rather than per page; and while a batch is
//! written (on a blocking thread, for the store, where a WAL checkpoint now and then waits for
//! the disk), the crawl keeps starting and checking pages instead of waiting with it: a full
//! batch keeps filling while the previous one is still being written, up to [`MAX_QUEUED`],
//! and then goes out as one larger batch. At most one batch is being written and one is
//! filling, so memory stays bounded and the sink gets batches in order. Every path out of a
//! crawl waits for the batch being written: [`BatchWriter::finish`] when the audit completes,
//! [`BatchWriter::abandon`] when it fails, so nothing is written after the audit has ended.

use tokio::task::JoinHandle;

use crate::engine::{AuditError, AuditSink, SinkBatch};
use crate::report::{Finding, PageReport};

/// Findings handed to the sink at once, with the reports of their pages. A crash loses at most
/// the batches not yet written of an audit that is re-run anyway.
const SINK_BATCH: usize = 512;

/// Most findings (or page reports) queued while a batch is being written, before the crawl
/// waits for it. A checkpoint of the store's write-ahead log holds a write for tens of
/// milliseconds, in which a crawl checks a dozen pages (some 2,000 findings); waiting at 512
/// kept the crawl loop from starting pages for a fifth of a 1,000-page crawl (the waits
/// timed in the benchmark's crawl, `cargo run --release --example bench`).
const MAX_QUEUED: usize = 4 * SINK_BATCH;

/// Batches findings and page reports for a sink.
pub(super) struct BatchWriter<'a> {
    sink: &'a dyn AuditSink,
    /// Findings and page reports not yet handed to the sink.
    pending: SinkBatch,
    /// The batch being written.
    writing: Option<JoinHandle<Result<(), String>>>,
}

impl<'a> BatchWriter<'a> {
    /// A writer to `sink`.
    pub(super) fn new(sink: &'a dyn AuditSink) -> Self {
        BatchWriter {
            sink,
            pending: SinkBatch::default(),
            writing: None,
        }
    }

    /// Queues findings.
    pub(super) fn queue_findings(&mut self, findings: Vec<Finding>) {
        self.pending.findings.extend(findings);
    }

    /// Queues a page report with its position in the page list.
    pub(super) fn queue_page(&mut self, seq: usize, page: PageReport) {
        self.pending.pages.push((seq, page));
    }

    /// Starts writing the queued findings and pages when they fill a batch and the previous
    /// batch is written; waits for it only when [`MAX_QUEUED`] are queued.
    pub(super) async fn flush_if_full(&mut self) -> Result<(), AuditError> {
        let queued = self.pending.findings.len().max(self.pending.pages.len());
        let busy = self.writing.as_ref().is_some_and(|w| !w.is_finished());
        if queued < SINK_BATCH || (busy && queued < MAX_QUEUED) {
            return Ok(());
        }
        self.flush().await
    }

    /// Waits for the batch being written (reporting its failure), then starts writing the
    /// queued findings and pages.
    pub(super) async fn flush(&mut self) -> Result<(), AuditError> {
        self.wait().await?;
        if self.pending.findings.is_empty() && self.pending.pages.is_empty() {
            return Ok(());
        }
        let batch = std::mem::take(&mut self.pending);
        self.writing = Some(tokio::spawn(self.sink.write(batch)));
        Ok(())
    }

    /// Writes everything queued and waits until it is written.
    pub(super) async fn finish(&mut self) -> Result<(), AuditError> {
        self.flush().await?;
        self.wait().await
    }

    /// After a failed audit: waits for the batch being written, whatever its outcome (the
    /// audit's own error is the one to report), and drops the queued ones.
    pub(super) async fn abandon(&mut self) {
        let _ = self.wait().await;
        self.pending = SinkBatch::default();
    }

    async fn wait(&mut self) -> Result<(), AuditError> {
        match self.writing.take() {
            None => Ok(()),
            Some(task) => task
                .await
                .map_err(|e| AuditError::Sink(format!("writing findings failed: {e}")))?
                .map_err(AuditError::Sink),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use futures::future::BoxFuture;

    use super::*;
    use crate::engine::rules;
    use crate::report::{Evidence, Outcome, Severity};

    /// Records batches after a delay, counting writes that overlap.
    #[derive(Default)]
    struct SlowSink {
        state: std::sync::Arc<SinkState>,
        fail_first: bool,
    }

    #[derive(Default)]
    struct SinkState {
        writing: AtomicUsize,
        most_at_once: AtomicUsize,
        written: Mutex<Vec<String>>,
        /// Findings per batch, as each write starts.
        sizes: Mutex<Vec<usize>>,
    }

    impl SlowSink {
        /// Asserts that findings `0..n` were written, in order, one batch at a time.
        fn assert_written_in_order(&self, n: usize) {
            let written = self.state.written.lock().unwrap().clone();
            let expected: Vec<String> = (0..n)
                .map(|i| format!("https://site.example/{i}"))
                .collect();
            assert_eq!(written, expected);
            assert_eq!(self.state.most_at_once.load(Ordering::SeqCst), 1);
        }
    }

    impl AuditSink for SlowSink {
        fn write(&self, batch: SinkBatch) -> BoxFuture<'static, Result<(), String>> {
            let state = self.state.clone();
            let first = {
                let mut sizes = state.sizes.lock().unwrap();
                sizes.push(batch.findings.len());
                sizes.len() == 1
            };
            let fail = self.fail_first && first;
            Box::pin(async move {
                let now = state.writing.fetch_add(1, Ordering::SeqCst) + 1;
                state.most_at_once.fetch_max(now, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(20)).await;
                state.writing.fetch_sub(1, Ordering::SeqCst);
                if fail {
                    return Err("disk full".into());
                }
                let mut written = state.written.lock().unwrap();
                written.extend(batch.findings.into_iter().map(|f| f.page_url));
                Ok(())
            })
        }
    }

    fn findings(from: usize, n: usize) -> Vec<Finding> {
        let rule = rules::find("performance.unsized-images").unwrap();
        (from..from + n)
            .map(|i| {
                rule.finding(
                    &format!("https://site.example/{i}"),
                    Outcome::Pass,
                    Severity::Minor,
                    Some(1.0),
                    Evidence::default(),
                )
            })
            .collect()
    }

    #[tokio::test]
    async fn batches_are_written_one_at_a_time_in_order() {
        let sink = SlowSink::default();
        let mut writer = BatchWriter::new(&sink);
        let total = SINK_BATCH * 3 + 7;
        for start in (0..total).step_by(100) {
            writer.queue_findings(findings(start, 100.min(total - start)));
            writer.flush_if_full().await.unwrap();
        }
        writer.finish().await.unwrap();
        sink.assert_written_in_order(total);
    }

    /// While a batch is being written, full batches keep filling (the crawl goes on) up to
    /// MAX_QUEUED, which then go out as one. (A current-thread runtime: the write in flight
    /// cannot finish until the test awaits.)
    #[tokio::test]
    async fn a_full_batch_waits_for_the_write_in_flight_only_at_the_queue_limit() {
        let sink = SlowSink::default();
        let mut writer = BatchWriter::new(&sink);
        writer.queue_findings(findings(0, SINK_BATCH));
        writer.flush_if_full().await.unwrap();
        assert_eq!(*sink.state.sizes.lock().unwrap(), [SINK_BATCH]);
        // Full batches while the first is written: queued, nothing waits or starts.
        let mut queued = SINK_BATCH;
        while queued < MAX_QUEUED {
            writer.queue_findings(findings(queued, SINK_BATCH));
            queued += SINK_BATCH;
            writer.flush_if_full().await.unwrap();
            assert_eq!(*sink.state.sizes.lock().unwrap(), [SINK_BATCH]);
        }
        assert_eq!(writer.pending.findings.len(), MAX_QUEUED - SINK_BATCH);
        // At the limit: waits for the first write, then writes all that was queued as one.
        writer.queue_findings(findings(queued, SINK_BATCH));
        queued += SINK_BATCH;
        writer.flush_if_full().await.unwrap();
        assert_eq!(*sink.state.sizes.lock().unwrap(), [SINK_BATCH, MAX_QUEUED]);
        assert!(writer.pending.findings.is_empty());
        writer.finish().await.unwrap();
        sink.assert_written_in_order(queued);
    }

    #[tokio::test]
    async fn a_failed_write_stops_the_next_flush() {
        let sink = SlowSink {
            fail_first: true,
            ..SlowSink::default()
        };
        let mut writer = BatchWriter::new(&sink);
        writer.queue_findings(findings(0, SINK_BATCH));
        // The first batch starts in the background; its failure shows at the next flush.
        writer.flush_if_full().await.unwrap();
        writer.queue_findings(findings(SINK_BATCH, 1));
        match writer.finish().await {
            Err(AuditError::Sink(message)) => assert_eq!(message, "disk full"),
            other => panic!("expected the sink's error, got {other:?}"),
        }
        assert!(sink.state.written.lock().unwrap().is_empty());
    }

    #[tokio::test]
    async fn abandoning_waits_for_the_batch_being_written() {
        let sink = SlowSink::default();
        let mut writer = BatchWriter::new(&sink);
        writer.queue_findings(findings(0, SINK_BATCH));
        writer.flush_if_full().await.unwrap();
        writer.queue_findings(findings(SINK_BATCH, 3));
        writer.abandon().await;
        // The batch in flight landed; the queued one was dropped, and nothing writes later.
        assert_eq!(sink.state.written.lock().unwrap().len(), SINK_BATCH);
        assert_eq!(sink.state.writing.load(Ordering::SeqCst), 0);
    }
}
