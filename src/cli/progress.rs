//! Progress on stderr while an audit runs, only when stderr is a terminal: a spinner with the
//! current phase for one page, a bar of pages done out of pages found for a site.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use crate::engine::progress::{Phase, Progress, ProgressEvent};

/// Shows audit progress on stderr.
#[derive(Debug)]
pub struct Spinner {
    bar: Option<ProgressBar>,
    site: bool,
}

impl Spinner {
    /// A spinner (or, for a site audit, a bar), or nothing when stderr is not a terminal.
    pub fn start(site: bool) -> Spinner {
        if !std::io::stderr().is_terminal() {
            return Spinner { bar: None, site };
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
}
