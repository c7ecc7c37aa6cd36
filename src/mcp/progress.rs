//! Progress notifications for a `start_audit` call that waits: which job states become
//! `notifications/progress` messages, and the task that sends them.
//!
//! A crawl reports every page it finishes, hundreds a second on a fast site, so notifications
//! are throttled by time: at most one every [`MIN_INTERVAL`], except that the first one, each
//! change of phase and the final one (the audit finished) are always sent. An update held back
//! is sent when the interval has passed, or dropped when a newer one supersedes it. Values
//! strictly increase, as MCP requires.

use std::time::Duration;

use rmcp::model::{ProgressNotificationParam, ProgressToken};
use rmcp::{Peer, RoleServer};
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::time::Instant;

use crate::engine::progress::Phase;
use crate::jobs::JobState;
use crate::report::Status;

/// The shortest time between two progress notifications of one request, phase changes and the
/// final notification aside.
pub const MIN_INTERVAL: Duration = Duration::from_millis(250);

/// Progress steps per page: starting, fetching the document, fetching subresources, checking
/// rules, finished.
const STEPS_PER_PAGE: f64 = 5.0;

/// What a notification says.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// The progress value (strictly increasing).
    pub value: f64,
    /// The total the value goes up to.
    pub total: f64,
    /// A short human message.
    pub message: String,
}

/// The phase a state is in, to tell phase changes apart from updates within a phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Queued,
    Running(Phase),
}

/// Decides which job states are notified, and when. Pure: the caller passes the time.
#[derive(Debug)]
pub struct Throttle {
    interval: Duration,
    /// The value of the last notification sent.
    last_value: Option<f64>,
    /// When the last notification was sent.
    last_sent: Option<Instant>,
    /// The stage of the last state seen.
    stage: Option<Stage>,
    /// The latest update held back by the interval.
    pending: Option<Step>,
    /// Pages finished, as of the latest state seen.
    pages_done: usize,
    /// The final notification was given.
    finished: bool,
}

impl Throttle {
    /// A throttle sending at most one update every `interval`.
    pub fn new(interval: Duration) -> Throttle {
        Throttle {
            interval,
            last_value: None,
            last_sent: None,
            stage: None,
            pending: None,
            pages_done: 0,
            finished: false,
        }
    }

    /// A new state: the notification to send now, if any. An update that must wait is held
    /// back (see [`Throttle::due`]).
    pub fn offer(&mut self, state: &JobState, now: Instant) -> Option<Step> {
        if self.finished {
            return None;
        }
        let (stage, step) = match state {
            JobState::Finished(status) => return Some(self.finish(*status, now)),
            JobState::Queued => (
                Stage::Queued,
                Step {
                    value: 0.0,
                    total: STEPS_PER_PAGE + 1.0,
                    message: "queued: waiting for a worker".to_owned(),
                },
            ),
            JobState::Running(event) => {
                self.pages_done = event.pages_done;
                let phase = match event.phase {
                    Phase::Starting => 1.0,
                    Phase::FetchingDocument => 2.0,
                    Phase::FetchingSubresources => 3.0,
                    Phase::CheckingRules => 4.0,
                    // A page finished: pages_done counts it.
                    Phase::Crawling | Phase::Done => 0.0,
                };
                let step = Step {
                    value: event.pages_done as f64 * STEPS_PER_PAGE + phase,
                    // One more step for the end (cross-page rules, storing the report).
                    total: event.pages_total.max(1) as f64 * STEPS_PER_PAGE + 1.0,
                    message: format!(
                        "{}: {} ({}/{} URLs checked)",
                        event.phase.label(),
                        event.message,
                        event.pages_done,
                        event.pages_total
                    ),
                };
                (Stage::Running(event.phase), step)
            }
        };
        if self.last_value.is_some_and(|last| step.value <= last) {
            return None;
        }
        let changed = self.stage != Some(stage);
        self.stage = Some(stage);
        let due = self.last_sent.is_none_or(|at| now >= at + self.interval);
        if changed || due {
            Some(self.sent(step, now))
        } else {
            self.pending = Some(step);
            None
        }
    }

    /// When the update held back may be sent, if one is.
    pub fn due(&self) -> Option<Instant> {
        self.pending.as_ref()?;
        Some(self.last_sent? + self.interval)
    }

    /// The update held back, if its time has come.
    pub fn flush(&mut self, now: Instant) -> Option<Step> {
        if self.due().is_some_and(|at| now >= at) {
            let step = self.pending.take()?;
            return Some(self.sent(step, now));
        }
        None
    }

    /// No more states (the wait ended without a final state, e.g. it timed out): the update
    /// held back, if any, so that the last notification is the latest news.
    pub fn close(&mut self, now: Instant) -> Option<Step> {
        let step = self.pending.take()?;
        Some(self.sent(step, now))
    }

    /// The final notification: the audit finished with `status`.
    fn finish(&mut self, status: Status, now: Instant) -> Step {
        self.finished = true;
        self.pending = None;
        let pages = self.pages_done;
        let mut value = pages as f64 * STEPS_PER_PAGE + 1.0;
        if let Some(last) = self.last_value {
            value = value.max(last + 1.0);
        }
        // No count: the job's states pass through a watch channel, which may skip the last
        // ones, so the count seen here can be behind the report's.
        let message = format!("{}: audit {status}", Phase::Done.label());
        self.sent(
            Step {
                value,
                total: value,
                message,
            },
            now,
        )
    }

    fn sent(&mut self, step: Step, now: Instant) -> Step {
        self.last_value = Some(step.value);
        self.last_sent = Some(now);
        self.pending = None;
        step
    }
}

/// Sends the notifications for the states received on `states` until it closes, through
/// `peer`, for the request's progress `token` (none: nothing is sent).
pub async fn forward(
    mut states: UnboundedReceiver<JobState>,
    token: Option<ProgressToken>,
    peer: Peer<RoleServer>,
) {
    let Some(token) = token else { return };
    let send = |step: Step| {
        let param = ProgressNotificationParam::new(token.clone(), step.value)
            .with_total(step.total)
            .with_message(step.message);
        let peer = peer.clone();
        async move {
            // The client may have gone; progress is best effort.
            let _ = peer.notify_progress(param).await;
        }
    };
    let mut throttle = Throttle::new(MIN_INTERVAL);
    loop {
        let due = throttle.due();
        let step = tokio::select! {
            state = states.recv() => match state {
                Some(state) => throttle.offer(&state, Instant::now()),
                None => {
                    if let Some(step) = throttle.close(Instant::now()) {
                        send(step).await;
                    }
                    return;
                }
            },
            _ = tokio::time::sleep_until(due.unwrap_or_else(Instant::now)), if due.is_some() => {
                throttle.flush(Instant::now())
            }
        };
        if let Some(step) = step {
            send(step).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::progress::ProgressEvent;

    fn running(phase: Phase, pages_done: usize, pages_total: usize) -> JobState {
        JobState::Running(ProgressEvent {
            phase,
            pages_done,
            pages_total,
            message: "http://example.com/".into(),
        })
    }

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn a_fast_crawl_sends_few_notifications_ending_with_completion() {
        let start = Instant::now();
        let mut throttle = Throttle::new(MIN_INTERVAL);
        let mut sent = Vec::new();
        let mut offer = |state: JobState, at: Duration| {
            if let Some(step) = throttle.offer(&state, start + at) {
                sent.push(step);
            }
        };
        offer(JobState::Queued, Duration::ZERO);
        offer(running(Phase::Starting, 0, 1), MS);
        offer(running(Phase::FetchingDocument, 0, 1), 2 * MS);
        offer(running(Phase::FetchingSubresources, 0, 1), 3 * MS);
        offer(running(Phase::CheckingRules, 0, 1), 4 * MS);
        // 1,000 pages, one a millisecond: one second.
        for page in 1..=1000 {
            offer(running(Phase::Crawling, page, 1000), (4 + page as u32) * MS);
        }
        offer(JobState::Finished(Status::Completed), 1010 * MS);
        // Five phases, the first page, one a quarter second, the end.
        assert!(sent.len() <= 5 + 1 + 4 + 1, "{}: {sent:#?}", sent.len());
        assert!(
            sent.windows(2).all(|w| w[0].value < w[1].value),
            "{sent:#?}"
        );
        let last = sent.last().unwrap();
        assert_eq!(last.value, last.total);
        assert_eq!(last.message, "done: audit completed");
        assert!(
            sent.iter()
                .any(|s| s.message.starts_with("fetching the document"))
        );
        assert!(sent.iter().any(|s| s.message.starts_with("checking rules")));
    }

    #[test]
    fn held_back_updates_are_sent_when_due_or_at_the_close() {
        let start = Instant::now();
        let mut throttle = Throttle::new(MIN_INTERVAL);
        let first = throttle.offer(&running(Phase::Crawling, 1, 10), start);
        assert!(first.is_some());
        assert_eq!(throttle.due(), None);
        assert!(
            throttle
                .offer(&running(Phase::Crawling, 2, 10), start + MS)
                .is_none()
        );
        assert!(
            throttle
                .offer(&running(Phase::Crawling, 3, 10), start + 2 * MS)
                .is_none()
        );
        assert_eq!(throttle.due(), Some(start + MIN_INTERVAL));
        assert!(throttle.flush(start + 100 * MS).is_none());
        let held = throttle.flush(start + MIN_INTERVAL).unwrap();
        assert!(held.message.contains("(3/10 URLs checked)"), "{held:?}");
        assert_eq!(throttle.due(), None);
        // A slow page: sent at once.
        let later = start + 2 * MIN_INTERVAL;
        assert!(
            throttle
                .offer(&running(Phase::Crawling, 4, 10), later)
                .is_some()
        );
        assert!(
            throttle
                .offer(&running(Phase::Crawling, 5, 10), later + MS)
                .is_none()
        );
        let closed = throttle.close(later + 2 * MS).unwrap();
        assert!(closed.message.contains("(5/10 URLs checked)"), "{closed:?}");
        assert!(throttle.close(later + 3 * MS).is_none());
    }

    #[test]
    fn the_final_notification_supersedes_held_back_ones_and_is_the_last() {
        let start = Instant::now();
        let mut throttle = Throttle::new(MIN_INTERVAL);
        throttle
            .offer(&running(Phase::Crawling, 1, 3), start)
            .unwrap();
        assert!(
            throttle
                .offer(&running(Phase::Crawling, 3, 3), start + MS)
                .is_none()
        );
        let done = throttle
            .offer(&JobState::Finished(Status::Completed), start + 2 * MS)
            .unwrap();
        assert_eq!((done.value, done.total), (16.0, 16.0));
        assert_eq!(throttle.due(), None);
        assert!(throttle.close(start + 3 * MS).is_none());
        assert!(
            throttle
                .offer(&running(Phase::Crawling, 4, 4), start + MIN_INTERVAL)
                .is_none()
        );
        // A failure is final too, and still increases.
        let mut throttle = Throttle::new(MIN_INTERVAL);
        throttle.offer(&JobState::Queued, start).unwrap();
        let failed = throttle
            .offer(&JobState::Finished(Status::Failed), start + MS)
            .unwrap();
        assert_eq!(failed.message, "done: audit failed");
        assert!(failed.value > 0.0);
    }

    #[test]
    fn repeated_or_decreasing_values_are_not_sent() {
        let start = Instant::now();
        let mut throttle = Throttle::new(MIN_INTERVAL);
        throttle.offer(&JobState::Queued, start).unwrap();
        assert!(
            throttle
                .offer(&JobState::Queued, start + MIN_INTERVAL)
                .is_none()
        );
        throttle
            .offer(&running(Phase::Crawling, 2, 5), start + 2 * MIN_INTERVAL)
            .unwrap();
        assert!(
            throttle
                .offer(&running(Phase::Crawling, 2, 6), start + 3 * MIN_INTERVAL)
                .is_none()
        );
    }
}
