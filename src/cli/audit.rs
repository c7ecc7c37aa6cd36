//! `webaudit audit <URL|DIR>`: audit, store, print, and exit with the right code.

use std::path::PathBuf;
use std::sync::Arc;

use clap::Args;

use super::fail_under::FailUnder;
use super::interrupt::Interrupts;
use super::progress::Spinner;
use super::{CliError, CrawlArgs, FetchArgs, Format, exit, open_service, output};
use crate::engine::target::Target;
use crate::report::ReportId;
use crate::store::LOCAL_OWNER;

/// Arguments of `webaudit audit`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// An http(s) URL, or a directory of static files (served on 127.0.0.1 for the audit).
    #[arg(value_name = "URL|DIR")]
    pub target: String,

    /// Output format.
    #[arg(long, short, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Exit with code 1 when a score is below this: `80` (overall) or
    /// `seo=90,accessibility=95` (per category; `overall=` too).
    #[arg(long, value_name = "SCORES")]
    pub fail_under: Option<FailUnder>,

    #[command(flatten)]
    pub crawl: CrawlArgs,

    #[command(flatten)]
    pub fetch: FetchArgs,
}

/// Runs `webaudit audit`.
pub async fn run(db: Option<&PathBuf>, args: AuditArgs) -> Result<u8, CliError> {
    let target = Target::parse(&args.target).map_err(|e| CliError::usage(e.to_string()))?;
    if let Some(warning) = args.crawl.ignored_warning(&target) {
        eprintln!("warning: {warning}");
    }
    let max_pages = args.crawl.max_pages.map(|n| n as usize);
    let service = open_service(db, args.crawl.apply(args.fetch.audit_options())?)?;
    let spinner = Arc::new(Spinner::start(
        max_pages.is_some_and(|n| n > 1) || matches!(target, Target::Directory(_)),
    ));
    let id = ReportId::generate();
    let interrupts = Interrupts::watch(spinner.clone(), service.store().clone(), id.clone());
    let outcome = service
        .audit_now_as(id, &target, LOCAL_OWNER, max_pages, spinner.as_ref())
        .await;
    interrupts.audit_finished();
    spinner.finish();
    let (summary, stopped) = match outcome {
        Ok(audited) => (audited.summary, audited.stopped_early),
        Err(e) => {
            let stored = match &e {
                crate::service::ServiceError::Audit { id, .. } => {
                    format!(" (stored as failed report {id})")
                }
                _ => String::new(),
            };
            let stopped = matches!(
                &e,
                crate::service::ServiceError::Audit {
                    source: crate::engine::AuditError::Stopped,
                    ..
                }
            );
            let mut err = CliError::from(e);
            err.message.push_str(&stored);
            if stopped {
                err.code = exit::INTERRUPTED;
            }
            return Err(err);
        }
    };
    super::reports::print_report(&service, &summary.id, args.format).await?;
    if args.format == Format::Text {
        output::println(&format!(
            "\nStored as {} in {}\nSee it again with `webaudit reports show {}`.",
            summary.id,
            service.store().path().display(),
            summary.id
        ))?;
    }
    if stopped {
        eprintln!("Stopped early: the report covers the pages audited before Ctrl-C.");
        return Ok(exit::INTERRUPTED);
    }
    if let (Some(threshold), Some(scores)) = (&args.fail_under, &summary.scores) {
        let misses = threshold.misses(scores);
        if !misses.is_empty() {
            eprintln!("below --fail-under: {}", misses.join(", "));
            return Ok(exit::BELOW_THRESHOLD);
        }
    }
    Ok(exit::OK)
}
