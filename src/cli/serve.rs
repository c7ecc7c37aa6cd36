//! `webaudit serve`: the MCP server on stdio (what Claude Desktop and Cursor start), or with
//! `--http ADDR` the team server (streamable HTTP MCP, REST API, tokens, rate limits).

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Args;

use super::{CliError, FetchArgs, exit, open_service};
use crate::http::{self, HttpConfig};
use crate::jobs::DEFAULT_WORKERS;

/// Arguments of `webaudit serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Serve over HTTP on this address instead of stdio (e.g. 127.0.0.1:8787, or 0.0.0.0:8787
    /// behind a reverse proxy). Every request then needs a bearer token.
    #[arg(long, value_name = "ADDR", num_args = 0..=1, default_missing_value = http::DEFAULT_ADDR)]
    pub http: Option<SocketAddr>,

    /// A host name the HTTP server is reached by, besides localhost (repeatable).
    #[arg(long, value_name = "NAME")]
    pub public_host: Vec<String>,

    /// Requests per minute per token (HTTP).
    #[arg(long, default_value_t = http::limits::DEFAULT_REQUESTS_PER_MINUTE, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub rate_limit: u32,

    /// Audit starts per minute per token (HTTP).
    #[arg(long, default_value_t = http::limits::DEFAULT_AUDITS_PER_MINUTE, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub audit_rate_limit: u32,

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
    let Some(addr) = args.http else {
        tracing::info!(db = %service.store().path().display(), workers = args.workers, "starting the MCP server on stdio");
        crate::mcp::stdio::serve(service)
            .await
            .map_err(|e| CliError::usage(format!("the MCP server stopped: {e}")))?;
        return Ok(exit::OK);
    };
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| {
        CliError::usage(format!(
            "cannot listen on {addr}: {e}; choose another address with --http ADDR"
        ))
    })?;
    let bound = listener.local_addr().unwrap_or(addr);
    let config = HttpConfig {
        public_hosts: args.public_host.clone(),
        requests_per_minute: args.rate_limit,
        audits_per_minute: args.audit_rate_limit,
    };
    let (router, sessions) = http::router(service.clone(), &config, bound);
    eprintln!("webaudit serving http://{bound} (/mcp, /api/v1, /healthz); stop with Ctrl-C");
    http::serve_listener(listener, router, sessions, http::shutdown_signal())
        .await
        .map_err(|e| CliError::usage(format!("the HTTP server stopped: {e}")))?;
    service.shutdown();
    eprintln!("webaudit stopped; queued audits resume at the next start");
    Ok(exit::OK)
}
