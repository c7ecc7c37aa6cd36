//! `webaudit audit <URL|DIR>`: audit, store, print, and exit with the right code.

use std::path::PathBuf;

use clap::Args;

use super::fail_under::FailUnder;
use super::progress::Spinner;
use super::{CliError, FetchArgs, Format, exit, open_service, render};
use crate::engine::target::Target;
use crate::export;
use crate::service::{recommend, views};
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
    pub fetch: FetchArgs,
}

/// Runs `webaudit audit`.
pub async fn run(db: Option<&PathBuf>, args: AuditArgs) -> Result<u8, CliError> {
    let target = Target::parse(&args.target).map_err(|e| CliError::usage(e.to_string()))?;
    let service = open_service(db, args.fetch.audit_options())?;
    let spinner = Spinner::start();
    let outcome = service.audit_now(&target, LOCAL_OWNER, &spinner).await;
    spinner.finish();
    let report = match outcome {
        Ok(report) => report,
        Err(e) => {
            let stored = match &e {
                crate::service::ServiceError::Audit { id, .. } => {
                    format!(" (stored as failed report {id})")
                }
                _ => String::new(),
            };
            let mut err = CliError::from(e);
            err.message.push_str(&stored);
            return Err(err);
        }
    };
    let recommendations = recommend::recommendations(&report.findings);
    match args.format {
        Format::Json => println!("{}", export::json(&report)),
        Format::Markdown => print!("{}", export::markdown(&report, &recommendations)),
        Format::Text => {
            let overview = views::overview(&report);
            anstream::print!("{}", render::report(&report, &overview, &recommendations));
            anstream::println!(
                "\nStored as {} in {}\nSee it again with `webaudit reports show {}`.",
                report.id,
                service.store().path().display(),
                report.id
            );
        }
    }
    if let (Some(threshold), Some(scores)) = (&args.fail_under, &report.scores) {
        let misses = threshold.misses(scores);
        if !misses.is_empty() {
            eprintln!("below --fail-under: {}", misses.join(", "));
            return Ok(exit::BELOW_THRESHOLD);
        }
    }
    Ok(exit::OK)
}
