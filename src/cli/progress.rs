//! A spinner on stderr while an audit runs, shown only when stderr is a terminal.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use crate::engine::progress::{Phase, Progress, ProgressEvent};

/// Shows audit phases on a stderr spinner.
#[derive(Debug)]
pub struct Spinner {
    bar: Option<ProgressBar>,
}

impl Spinner {
    /// A spinner, or nothing when stderr is not a terminal.
    pub fn start() -> Spinner {
        if !std::io::stderr().is_terminal() {
            return Spinner { bar: None };
        }
        let bar = ProgressBar::new_spinner();
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(Duration::from_millis(100));
        Spinner { bar: Some(bar) }
    }

    /// Removes the spinner.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Progress for Spinner {
    fn report(&self, event: ProgressEvent) {
        if let Some(bar) = &self.bar {
            if event.phase == Phase::Done {
                bar.finish_and_clear();
            } else {
                bar.set_message(format!("{}: {}", event.phase.label(), event.message));
            }
        }
    }
}
