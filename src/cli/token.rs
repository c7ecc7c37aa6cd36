//! `webaudit token create|list|revoke`: bearer tokens for the HTTP server.

use std::fmt::Write as _;
use std::path::PathBuf;

use chrono::{DateTime, Utc};

use clap::Subcommand;

use super::{CliError, exit, open_service, output};
use crate::engine::AuditOptions;
use crate::store::TokenRecord;

/// The `token` subcommands.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token and print it once (only its hash is stored).
    Create {
        /// A name to recognise the token by (e.g. the person or bot); no two active tokens
        /// share a name.
        #[arg(long)]
        name: String,
        /// Whose reports it reaches (default: the name). Tokens of one owner share reports.
        #[arg(long)]
        owner: Option<String>,
    },
    /// List tokens: name, owner, prefix, created, last used, revoked.
    List,
    /// Revoke a token by id, name or prefix.
    Revoke {
        /// The token's id, name or prefix (wa_…).
        token: String,
    },
}

/// Runs a `token` subcommand.
pub async fn run(db: Option<&PathBuf>, command: TokenCommand) -> Result<u8, CliError> {
    let service = open_service(db, AuditOptions::default())?;
    match command {
        TokenCommand::Create { name, owner } => {
            let (token, record) = service.create_token(&name, owner.as_deref()).await?;
            output::println(&token)?;
            eprintln!(
                "created token {} (name {}, owner {}); copy it now, it is not shown again",
                record.id, record.name, record.owner
            );
        }
        TokenCommand::List => {
            let tokens = service.list_tokens().await?;
            if tokens.is_empty() {
                output::println("No tokens. Create one with `webaudit token create --name NAME`.")?;
            } else {
                output::print(&token_table(&tokens))?;
            }
        }
        TokenCommand::Revoke { token } => {
            let record = service.revoke_token(&token).await?;
            output::println(&format!("revoked {} ({})", record.id, record.name))?;
        }
    }
    Ok(exit::OK)
}

/// Tokens as an aligned table.
fn token_table(tokens: &[TokenRecord]) -> String {
    let time = |t: Option<DateTime<Utc>>| {
        t.map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
            .unwrap_or_else(|| "-".into())
    };
    let mut out = format!(
        "{:<32} {:<16} {:<16} {:<12} {:<20} {:<20} REVOKED\n",
        "ID", "NAME", "OWNER", "PREFIX", "CREATED (UTC)", "LAST USED"
    );
    for t in tokens {
        let _ = writeln!(
            out,
            "{:<32} {:<16} {:<16} {:<12} {:<20} {:<20} {}",
            t.id,
            t.name,
            t.owner,
            t.prefix,
            time(Some(t.created_at)),
            time(t.last_used_at),
            time(t.revoked_at)
        );
    }
    out
}
