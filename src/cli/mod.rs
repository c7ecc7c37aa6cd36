//! The `webaudit` command line: argument parsing (clap), logging set-up, the runtime, and the
//! mapping of errors to exit codes (0 ok, 1 below `--fail-under`, 2 usage or input error,
//! 3 audit failed because the target could not be reached).
//!
//! # Layout
//! - [`audit`] — `webaudit audit`.
//! - [`reports`] — `webaudit reports list|show|delete`.
//! - [`rules`] — `webaudit rules`.
//! - [`serve`] — `webaudit serve` (the MCP server, stdio or HTTP).
//! - [`token`] — `webaudit token` (bearer tokens of the HTTP server).
//! - [`render`] — terminal rendering (scores with bars, fixes).
//! - [`display`] — URLs as shown in the terminal (a `file:` URL as its local path).
//! - [`output`] — writing to stdout, quietly stopping when the reader goes away.
//! - [`fail_under`] — the `--fail-under` threshold syntax.
//! - [`progress`] — the progress spinner on stderr.
//! - [`allocator`] — jemalloc as the process allocator, with its options.
//!
//! Everything printed to stdout goes through [`output`] (std's `print!` and `println!` are
//! refused by clippy here, anstream's by `clippy.toml`), so `| head` never makes a command
//! panic.

// `println!` panics when the reader of stdout has gone away.
#![warn(clippy::print_stdout)]

pub mod allocator;
pub mod audit;
pub mod display;
pub mod fail_under;
pub mod interrupt;
pub mod output;
pub mod progress;
pub mod render;
pub mod reports;
pub mod rules;
pub mod serve;
pub mod token;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::engine::AuditOptions;
use crate::engine::crawl::{
    CrawlOptions, DEFAULT_HOST_CONCURRENCY, DEFAULT_MAX_PAGES, MAX_PAGES_CAP, Scope,
};
use crate::engine::fetch::{AddressPolicy, FetchSettings};
use crate::engine::target::Target;
use crate::service::Service;
use crate::store::Store;

/// Exit codes.
pub mod exit {
    /// Success.
    pub const OK: u8 = 0;
    /// The audit scored below `--fail-under`.
    pub const BELOW_THRESHOLD: u8 = 1;
    /// Bad usage or input.
    pub const USAGE: u8 = 2;
    /// The audit failed: the target could not be reached or loaded.
    pub const AUDIT_FAILED: u8 = 3;
    /// Stopped with Ctrl-C (128 + SIGINT, as shells report it).
    pub const INTERRUPTED: u8 = 130;
}

/// An error with the exit code it maps to.
#[derive(Debug)]
pub struct CliError {
    /// Exit code.
    pub code: u8,
    /// What went wrong and what to do.
    pub message: String,
}

impl CliError {
    /// A usage or input error (exit 2).
    pub fn usage(message: impl Into<String>) -> Self {
        CliError {
            code: exit::USAGE,
            message: message.into(),
        }
    }

    /// A failed audit (exit 3).
    pub fn audit_failed(message: impl Into<String>) -> Self {
        CliError {
            code: exit::AUDIT_FAILED,
            message: message.into(),
        }
    }
}

impl From<crate::store::StoreError> for CliError {
    fn from(e: crate::store::StoreError) -> Self {
        CliError::usage(e.to_string())
    }
}

impl From<crate::service::ServiceError> for CliError {
    fn from(e: crate::service::ServiceError) -> Self {
        use crate::service::ServiceError;
        match &e {
            ServiceError::Audit { source, .. } if source.is_unreachable() => {
                CliError::audit_failed(e.to_string())
            }
            _ => CliError::usage(e.to_string()),
        }
    }
}

/// Audits websites for SEO, accessibility, performance, best practices and security — without
/// a browser — and keeps every report in a local database.
#[derive(Debug, Parser)]
#[command(name = "webaudit", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// The report database (default: the platform's data directory, e.g.
    /// ~/.local/share/webaudit/webaudit.db).
    #[arg(long, global = true, env = "WEBAUDIT_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// More log output on stderr (-v info, -vv debug, -vvv trace).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Audit a URL or a local directory, store the report and print a summary.
    Audit(audit::AuditArgs),
    /// List, show or delete stored reports.
    #[command(subcommand)]
    Reports(reports::ReportsCommand),
    /// Print the rule catalogue.
    Rules(rules::RulesArgs),
    /// Run the MCP server on stdio (for Claude Desktop, Cursor and other MCP clients), or the
    /// team server over HTTP with --http.
    Serve(serve::ServeArgs),
    /// Create, list or revoke bearer tokens of the HTTP server.
    #[command(subcommand)]
    Token(token::TokenCommand),
    /// Print the JSON Schema of the report format.
    Schema,
}

/// Fetch settings shared by commands that fetch.
#[derive(Debug, Clone, Args)]
pub struct FetchArgs {
    /// Allow loopback and private-network targets (e.g. http://localhost:3000). Cloud metadata
    /// addresses stay refused.
    #[arg(long, env = "WEBAUDIT_ALLOW_PRIVATE", value_parser = clap::builder::BoolishValueParser::new(), default_value_t = false, action = clap::ArgAction::SetTrue)]
    pub allow_private: bool,

    /// Seconds allowed per request (connecting, waiting and downloading).
    #[arg(long, default_value_t = 20, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=600))]
    pub timeout: u64,

    /// Seconds allowed for a whole audit.
    #[arg(long, default_value_t = 120, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub deadline: u64,
}

impl FetchArgs {
    /// The audit options these arguments give.
    pub fn audit_options(&self) -> AuditOptions {
        AuditOptions {
            fetch: FetchSettings {
                request_timeout: Duration::from_secs(self.timeout),
                ..FetchSettings::default()
            },
            policy: if self.allow_private {
                AddressPolicy::allow_private()
            } else {
                AddressPolicy::public_only()
            },
            deadline: Duration::from_secs(self.deadline),
            ..AuditOptions::default()
        }
    }
}

/// Crawl settings of `webaudit audit`.
#[derive(Debug, Clone, Args)]
pub struct CrawlArgs {
    /// Pages to audit: 1 audits the page only (the default for a URL); more crawls the site from
    /// it. A directory is crawled whole by default. At most 10000.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub max_pages: Option<u32>,

    /// Do not follow links from pages this many clicks from the start.
    #[arg(long, value_name = "CLICKS")]
    pub max_depth: Option<u32>,

    /// Only crawl URLs whose path matches this glob (repeatable), e.g. --include '/blog/**'.
    ///
    /// `*` stays within one path segment and `**` spans any depth: '/blog/*' is /blog/a but not
    /// /blog/2024/a, '/blog/**' is both. A glob without `/` matches the last segment at any
    /// depth ('*.html'); 'blog/**' means '/blog/**'. Globs match the path as written or
    /// percent-decoded ('/café/**'). The start page is always audited and its links followed,
    /// even when no pattern matches it.
    #[arg(long, value_name = "GLOB")]
    pub include: Vec<String>,

    /// Do not crawl URLs whose path matches this glob (repeatable), e.g. --exclude '*.pdf'.
    ///
    /// Globs are written as for --include: '*.pdf' is any PDF, '/drafts/**' everything under
    /// /drafts/. The start page is always audited.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,

    /// Ignore robots.txt (for auditing your own site).
    #[arg(long)]
    pub ignore_robots: bool,

    /// Pages fetched at once from the site.
    #[arg(long, default_value_t = DEFAULT_HOST_CONCURRENCY as u16, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    pub host_concurrency: u16,
}

impl CrawlArgs {
    /// A warning naming the crawl options given that an audit of `target` ignores because it
    /// audits one page only (a URL without `--max-pages`, or `--max-pages 1`); `None` when
    /// none is ignored. A directory is crawled whole without `--max-pages`.
    pub fn ignored_warning(&self, target: &Target) -> Option<String> {
        let max_pages = self.max_pages.map(|n| n as usize).unwrap_or(match target {
            Target::Url(_) => DEFAULT_MAX_PAGES,
            Target::Directory(_) => MAX_PAGES_CAP,
        });
        if max_pages > 1 {
            return None;
        }
        let given: Vec<&str> = [
            (!self.include.is_empty(), "--include"),
            (!self.exclude.is_empty(), "--exclude"),
            (self.max_depth.is_some(), "--max-depth"),
            (self.ignore_robots, "--ignore-robots"),
        ]
        .into_iter()
        .filter_map(|(given, name)| given.then_some(name))
        .collect();
        let names = match given.as_slice() {
            [] => return None,
            [one] => (*one).to_owned(),
            [init @ .., last] => format!("{} and {last}", init.join(", ")),
        };
        let (verb, ignored) = match given.len() {
            1 => ("applies", "is"),
            _ => ("apply", "are"),
        };
        let fix = match self.max_pages {
            Some(_) => "raise --max-pages above 1 to crawl",
            None => "add --max-pages N to crawl",
        };
        Some(format!(
            "{names} only {verb} to site audits and {ignored} ignored here; {fix}"
        ))
    }

    /// Applies these settings to `options`, checking the patterns.
    pub fn apply(&self, mut options: AuditOptions) -> Result<AuditOptions, CliError> {
        let probe = url::Url::parse("https://example.com/").expect("static URL parses");
        Scope::new(&probe, &self.include, &self.exclude)
            .map_err(|e| CliError::usage(e.to_string()))?;
        options.max_pages = self.max_pages.map(|n| n as usize);
        options.crawl = CrawlOptions {
            max_depth: self.max_depth,
            include: self.include.clone(),
            exclude: self.exclude.clone(),
            ignore_robots: self.ignore_robots,
            host_concurrency: usize::from(self.host_concurrency),
            ..options.crawl
        };
        Ok(options)
    }
}

/// Output formats of report-printing commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A readable summary for the terminal.
    Text,
    /// The full report as JSON.
    Json,
    /// The full report as Markdown.
    Markdown,
}

fn init_logging(verbose: u8) {
    // -v and -vv raise webaudit's own logs; the libraries' (html5ever, selectors, hyper) stay
    // at warnings until -vvv, or they bury webaudit's lines.
    let default = match verbose {
        0 => "warn",
        1 => "warn,webaudit=info",
        2 => "warn,webaudit=debug",
        _ => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("WEBAUDIT_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}

/// Opens the store named by `--db` (or the default).
pub fn open_store(db: Option<&PathBuf>) -> Result<Store, CliError> {
    let path = db.cloned().unwrap_or_else(Store::default_path);
    Ok(Store::open(&path)?)
}

/// Opens the service.
pub fn open_service(db: Option<&PathBuf>, options: AuditOptions) -> Result<Service, CliError> {
    Ok(Service::new(open_store(db)?, options))
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.verbose);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: could not start the async runtime: {e}");
            return ExitCode::from(exit::USAGE);
        }
    };
    let result = runtime.block_on(run(cli));
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {}", e.message);
            ExitCode::from(e.code)
        }
    }
}

async fn run(cli: Cli) -> Result<u8, CliError> {
    match cli.command {
        Command::Audit(args) => audit::run(cli.db.as_ref(), args).await,
        Command::Reports(cmd) => reports::run(cli.db.as_ref(), cmd).await,
        Command::Rules(args) => rules::run(args),
        Command::Serve(args) => serve::run(cli.db.as_ref(), args).await,
        Command::Token(cmd) => token::run(cli.db.as_ref(), cmd).await,
        Command::Schema => {
            let schema = schemars::schema_for!(crate::report::Report);
            output::println(&serde_json::to_string_pretty(&schema).expect("schemas serialise"))?;
            Ok(exit::OK)
        }
    }
}
