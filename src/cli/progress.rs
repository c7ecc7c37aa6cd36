//! Progress on stderr while an audit runs, only when stderr is a terminal: a spinner with the
//! current phase for one page, a bar of pages done out of pages found for a site. It also
//! carries the audit's stop token, which Ctrl-C cancels (see [`super::interrupt`]).

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use tokio_util::sync::CancellationToken;

use crate::engine::progress::{Phase, Progress, ProgressEvent};

/// Shows audit progress on stderr.
#[derive(Debug)]
pub struct Spinner {
    bar: Option<ProgressBar>,
    site: bool,
    stop: CancellationToken,
}

impl Spinner {
    /// A spinner (or, for a site audit, a bar), or nothing when stderr is not a terminal.
    pub fn start(site: bool) -> Spinner {
        let stop = CancellationToken::new();
        if !std::io::stderr().is_terminal() {
            return Spinner {
                bar: None,
                site,
                stop,
            };
        }
        let bar = if site {
            let bar = ProgressBar::new(1);
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} [{bar:30}] {pos}/{len} pages ({elapsed}) {wide_msg}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            bar
        } else {
            let bar = ProgressBar::new_spinner();
            bar.set_style(
                ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar
        };
        bar.enable_steady_tick(Duration::from_millis(100));
        Spinner {
            bar: Some(bar),
            site,
            stop,
        }
    }

    /// The token that stops the audit early when cancelled.
    pub fn stop_token(&self) -> CancellationToken {
        self.stop.clone()
    }

    /// Prints a line on stderr above the bar.
    pub fn say(&self, line: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| eprintln!("{line}")),
            None => eprintln!("{line}"),
        }
    }

    /// Removes it.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Progress for Spinner {
    fn report(&self, event: ProgressEvent) {
        let Some(bar) = &self.bar else { return };
        if event.phase == Phase::Done {
            bar.finish_and_clear();
        } else if self.site {
            bar.set_length(event.pages_total.max(1) as u64);
            bar.set_position(event.pages_done as u64);
            bar.set_message(event.message);
        } else {
            bar.set_message(format!("{}: {}", event.phase.label(), event.message));
        }
    }

    fn stop(&self) -> Option<&CancellationToken> {
        Some(&self.stop)
    }
}
