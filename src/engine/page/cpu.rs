//! [`run`]: the CPU-bound work of an audit (parsing a page, checking it) on blocking threads,
//! at most one task more than there are cores, across the process.
//!
//! A crawl fetches several pages at once (four per host by default), and every audit in the
//! process fetches its own. Without a limit each fetched page would start parsing at once: on
//! two cores four parses take as long as four in turn, but all four DOMs are alive together,
//! and tokio starts a blocking thread (with its own allocator cache) for each. With a limit,
//! pages wait for their turn as fetched bytes, which are a tenth of their DOM. Measured with
//! `target/release/examples/bench --child-crawl 5000` on the 2-core machine: peak RSS
//! 40.6–42.6 MiB with one task per core instead of 44.7–47.2 MiB without a limit.
//!
//! The one task more than cores keeps the cores busy: the rest of a crawl (fetching, the crawl
//! loop, the store's writes on their own thread) runs beside these tasks, and with exactly one
//! task per core the crawl kept 1.65 of 2 cores busy; with one more, 1.8. Eight interleaved
//! pairs of 1,000-page crawls (`--child-crawl 1000`, 2 cores, under 0.5 % steal): 380 pages/s
//! against 346 on average, faster in all eight, for 1.5–2 MiB more peak RSS.

use std::num::NonZero;
use std::sync::LazyLock;

use tokio::sync::Semaphore;

/// The cores this process may use.
fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, NonZero::get)
}

/// Tasks that may run at once: one more than there are cores (see the module's notes).
fn permits() -> usize {
    cores() + 1
}

static PERMITS: LazyLock<Semaphore> = LazyLock::new(|| Semaphore::new(permits()));

/// Runs `work` on a blocking thread once a permit is free, and returns its result. A panic in
/// `work` resumes in the caller.
pub async fn run<T, F>(work: F) -> T
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    // The semaphore is never closed, so acquiring only waits.
    let _permit = PERMITS
        .acquire()
        .await
        .expect("the CPU semaphore is never closed");
    match tokio::task::spawn_blocking(work).await {
        Ok(value) => value,
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use super::*;

    /// However many tasks are started, no more run at once than there are permits.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn runs_no_more_tasks_at_once_than_there_are_permits() {
        let permits = permits();
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..permits * 4)
            .map(|i| {
                let (running, most) = (running.clone(), most.clone());
                tokio::spawn(run(move || {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(20));
                    running.fetch_sub(1, Ordering::SeqCst);
                    i * 2
                }))
            })
            .collect();
        let mut results = Vec::new();
        for task in tasks {
            results.push(task.await.unwrap());
        }
        assert_eq!(results, (0..permits * 4).map(|i| i * 2).collect::<Vec<_>>());
        let most = most.load(Ordering::SeqCst);
        assert!(
            most >= 1 && most <= permits,
            "{most} tasks ran at once with {permits} permits"
        );
    }

    /// A panic in the work reaches the caller with its message.
    #[tokio::test]
    async fn a_panic_resumes_in_the_caller() {
        let caught = tokio::spawn(run(|| -> u8 { panic!("bad page") })).await;
        let message = caught.unwrap_err().into_panic();
        assert_eq!(message.downcast_ref::<&str>(), Some(&"bad page"));
    }
}
