//! Ctrl-C during `webaudit audit`: the first one stops the audit early and keeps what is done
//! (a crawl completes its report with the pages already checked), the second quits at once.

use std::sync::Arc;

use tokio::task::JoinHandle;

use super::exit;
use super::progress::Spinner;
use crate::report::ReportId;
use crate::store::Store;

/// Watches for Ctrl-C while an audit runs; stops watching when dropped.
#[derive(Debug)]
pub struct Interrupts {
    watcher: JoinHandle<()>,
}

impl Interrupts {
    /// Starts watching the audit of report `id`: Ctrl-C cancels `spinner`'s stop token; a
    /// second one marks the report failed (it would otherwise stay `running`) and exits with
    /// [`exit::INTERRUPTED`].
    pub fn watch(spinner: Arc<Spinner>, store: Store, id: ReportId) -> Interrupts {
        // Listening starts here, before the audit does (a signal before it would end the
        // process as if it were not handled).
        let listening = listen();
        let watcher = tokio::spawn(async move {
            let Ok(mut signals) = listening else {
                return;
            };
            if signals.recv().await.is_none() {
                return;
            }
            spinner.say(
                "\nStopping: pages in progress are dropped and the report keeps the pages \
                 already audited. Press Ctrl-C again to quit at once.",
            );
            spinner.stop_token().cancel();
            if signals.recv().await.is_some() {
                spinner.finish();
                let message = "stopped with Ctrl-C before the report was complete";
                let failed = tokio::task::spawn_blocking(move || store.fail_report(&id, message));
                match failed.await {
                    Ok(Ok(true)) => eprintln!("Quit; the report is stored as failed ({message})."),
                    Ok(Ok(false)) => eprintln!("Quit; the report had already been stored."),
                    _ => eprintln!("Quit; the report could not be marked as failed."),
                }
                std::process::exit(i32::from(exit::INTERRUPTED));
            }
        });
        Interrupts { watcher }
    }
}

#[cfg(unix)]
fn listen() -> std::io::Result<tokio::signal::unix::Signal> {
    tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())
}

#[cfg(windows)]
fn listen() -> std::io::Result<tokio::signal::windows::CtrlC> {
    tokio::signal::windows::ctrl_c()
}

impl Drop for Interrupts {
    fn drop(&mut self) {
        self.watcher.abort();
    }
}
