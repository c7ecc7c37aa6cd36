//! `webaudit serve`: the MCP server on stdio (what Claude Desktop and Cursor start).

use std::path::PathBuf;

use clap::Args;

use super::{CliError, FetchArgs, exit, open_service};
use crate::jobs::DEFAULT_WORKERS;

/// Arguments of `webaudit serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Audits run at once.
    #[arg(long, default_value_t = DEFAULT_WORKERS as u16, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub workers: u16,

    #[command(flatten)]
    pub fetch: FetchArgs,
}

/// Runs `webaudit serve`.
pub async fn run(db: Option<&PathBuf>, args: ServeArgs) -> Result<u8, CliError> {
    let service = open_service(db, args.fetch.audit_options())?
        .start_jobs(usize::from(args.workers))
        .await?;
    tracing::info!(db = %service.store().path().display(), workers = args.workers, "starting the MCP server on stdio");
    crate::mcp::stdio::serve(service)
        .await
        .map_err(|e| CliError::usage(format!("the MCP server stopped: {e}")))?;
    Ok(exit::OK)
}
