//! `webaudit reports list|show|delete`.

use std::io::{self, Write};
use std::path::PathBuf;

use clap::{Subcommand, ValueEnum};

use super::display::display_url;
use super::{CliError, Format, exit, open_store, output, render};
use crate::engine::AuditOptions;
use crate::export::{self, ExportError};
use crate::report::{ReportId, Status};
use crate::service::views::WORST_SHOWN;
use crate::service::{Service, ServiceError, normalise_url};
use crate::store::{FindingFilter, LOCAL_OWNER, ListFilter, ReportSummary};

/// The `reports` subcommands.
#[derive(Debug, Subcommand)]
pub enum ReportsCommand {
    /// List stored reports, newest first.
    List {
        /// Only reports of this URL.
        #[arg(long)]
        url: Option<String>,
        /// Only reports with this status (queued, running, completed, failed).
        #[arg(long)]
        status: Option<Status>,
        /// How many to show.
        #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u16).range(1..=1000))]
        limit: u16,
        /// Output format.
        #[arg(long, short, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
    },
    /// Show one report.
    Show {
        /// The report id (rpt_…).
        id: ReportId,
        /// Output format.
        #[arg(long, short, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Delete one report and its findings.
    Delete {
        /// The report id (rpt_…).
        id: ReportId,
    },
}

/// Output formats of `reports list`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// A table for the terminal.
    Text,
    /// The listed reports' summaries (id, URL, status, scores…) as a JSON array.
    Json,
    /// A Markdown table.
    Markdown,
}

/// Prints a stored report: a terminal summary (read with SQL, so it stays fast on huge
/// reports), or the full report as JSON or Markdown.
pub async fn print_report(
    service: &Service,
    id: &ReportId,
    format: Format,
) -> Result<(), CliError> {
    let not_found = || {
        CliError::usage(format!(
            "no report with id {id}; list the stored reports with `webaudit reports list`"
        ))
    };
    let map = |e: ServiceError| match e {
        ServiceError::NotFound(_) => not_found(),
        other => CliError::from(other),
    };
    match format {
        Format::Json | Format::Markdown => {
            let format = if format == Format::Json {
                export::Format::Json
            } else {
                export::Format::Markdown
            };
            let stdout = io::BufWriter::with_capacity(64 * 1024, io::stdout());
            let written = service.export(LOCAL_OWNER, id, format, stdout).await;
            let finished = written.and_then(|mut out| {
                if format == export::Format::Json {
                    out.write_all(b"\n").map_err(ExportError::from)?;
                }
                out.flush().map_err(ExportError::from)?;
                Ok(())
            });
            match finished {
                // The reader went away (`| head`): not an error of ours.
                Err(ServiceError::Export(ExportError::Write(e))) if output::is_closed_pipe(&e) => {}
                other => other.map_err(map)?,
            }
        }
        Format::Text => {
            let (overview, _) = service
                .overview(LOCAL_OWNER, id, FindingFilter::default(), WORST_SHOWN)
                .await
                .map_err(map)?;
            if let Some(message) = &overview.report.error_message {
                return output::println(&format!(
                    "{} {} failed: {message}",
                    overview.report.id, overview.report.url
                ));
            }
            if matches!(overview.report.status, Status::Queued | Status::Running) {
                return output::println(&format!(
                    "{} {} has not finished: it is {} (an audit in progress, or one stopped \
                     before it finished). Its scores and findings are not known yet.",
                    overview.report.id, overview.report.url, overview.report.status
                ));
            }
            let pages = service.db({
                let key = id.clone();
                move |s| s.pages(&key)
            });
            let pages = pages.await.map_err(map)?;
            let (_, recommendations) = service
                .recommendations(LOCAL_OWNER, id, None)
                .await
                .map_err(map)?;
            output::print(&render::report(&overview, &pages, &recommendations))?;
        }
    }
    Ok(())
}

/// A listing in `format`; `filtered` says whether filters were given (an empty listing then
/// means nothing matched them, not an empty database).
fn listing(rows: &[ReportSummary], format: ListFormat, filtered: bool) -> String {
    match format {
        ListFormat::Json => {
            let mut out = serde_json::to_string_pretty(rows).expect("summaries serialise");
            out.push('\n');
            out
        }
        ListFormat::Text | ListFormat::Markdown if rows.is_empty() => {
            render::empty_list(filtered).to_owned()
        }
        ListFormat::Text => render::report_list(&with_display_urls(rows)),
        ListFormat::Markdown => render::report_list_markdown(rows),
    }
}

/// The rows with their URLs as shown in the terminal (a directory's local path, decoded).
fn with_display_urls(rows: &[ReportSummary]) -> Vec<ReportSummary> {
    rows.iter()
        .map(|row| ReportSummary {
            url: display_url(&row.url),
            ..row.clone()
        })
        .collect()
}

/// Runs a `reports` subcommand.
pub async fn run(db: Option<&PathBuf>, command: ReportsCommand) -> Result<u8, CliError> {
    let store = open_store(db)?;
    let not_found = |id: &ReportId| {
        CliError::usage(format!(
            "no report with id {id}; list the stored reports with `webaudit reports list`"
        ))
    };
    match command {
        ReportsCommand::List {
            url,
            status,
            limit,
            format,
        } => {
            let filtered = url.is_some() || status.is_some();
            let filter = ListFilter {
                owner: LOCAL_OWNER.into(),
                url: url.as_deref().map(normalise_url),
                status,
            };
            let page = tokio::task::spawn_blocking(move || {
                store.list_reports(&filter, usize::from(limit), None)
            })
            .await
            .map_err(|e| CliError::usage(e.to_string()))??;
            output::print(&listing(&page.reports, format, filtered))?;
        }
        ReportsCommand::Show { id, format } => {
            let service = Service::new(store, AuditOptions::default());
            print_report(&service, &id, format).await?;
        }
        ReportsCommand::Delete { id } => {
            let key = id.clone();
            let deleted = tokio::task::spawn_blocking(move || {
                store
                    .delete_report(LOCAL_OWNER, &key)
                    .map_err(|e| e.in_file(store.path()))
            })
            .await
            .map_err(|e| CliError::usage(e.to_string()))??;
            if !deleted {
                return Err(not_found(&id));
            }
            output::println(&format!("deleted {id}"))?;
        }
    }
    Ok(exit::OK)
}
