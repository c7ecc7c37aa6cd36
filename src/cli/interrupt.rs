//! Ctrl-C during `webaudit audit`: the first one stops the audit early and keeps what is done
//! (a crawl completes its report with the pages already checked), the second quits at once.
//! Once the audit has finished, Ctrl-C quits at once (while the report prints, say).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::exit;
use super::progress::Spinner;
use crate::report::ReportId;
use crate::store::Store;

/// Watches for Ctrl-C from the start of an audit until the process ends.
#[derive(Debug)]
pub struct Interrupts {
    audit_finished: Arc<AtomicBool>,
}

impl Interrupts {
    /// Starts watching the audit of report `id`: Ctrl-C cancels `spinner`'s stop token; a
    /// second one marks the report failed (it would otherwise stay `running`) and exits with
    /// [`exit::INTERRUPTED`], as does any Ctrl-C after [`Interrupts::audit_finished`].
    pub fn watch(spinner: Arc<Spinner>, store: Store, id: ReportId) -> Interrupts {
        let audit_finished = Arc::new(AtomicBool::new(false));
        let finished = audit_finished.clone();
        // Listening starts here, before the audit does: a signal before it would end the
        // process as if it were not handled. Once listening, the process never gets the
        // default handling back, so the watcher stays until the process ends.
        let listening = listen();
        tokio::spawn(async move {
            let Ok(mut signals) = listening else {
                return;
            };
            if signals.recv().await.is_none() {
                return;
            }
            if finished.load(Ordering::SeqCst) {
                std::process::exit(i32::from(exit::INTERRUPTED));
            }
            spinner.say(
                "\nStopping: pages in progress are dropped and the report keeps the pages \
                 already audited. Press Ctrl-C again to quit at once.",
            );
            spinner.stop_token().cancel();
            if signals.recv().await.is_none() {
                return;
            }
            if !finished.load(Ordering::SeqCst) {
                spinner.finish();
                let message = "stopped with Ctrl-C before the report was complete";
                let key = id.clone();
                let failed = tokio::task::spawn_blocking(move || store.fail_report(&key, message));
                match failed.await {
                    Ok(Ok(true)) => {
                        eprintln!("Quit; report {id} is stored as failed ({message}).");
                    }
                    Ok(Ok(false)) => eprintln!(
                        "Quit; report {id} had just been completed (or was not created yet) and \
                         is left as it is."
                    ),
                    _ => eprintln!("Quit; report {id} could not be marked as failed."),
                }
            }
            std::process::exit(i32::from(exit::INTERRUPTED));
        });
        Interrupts { audit_finished }
    }

    /// The audit is over (its report stored): from now on Ctrl-C quits at once.
    pub fn audit_finished(&self) {
        self.audit_finished.store(true, Ordering::SeqCst);
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
