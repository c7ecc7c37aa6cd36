//! The SQLite report store: schema, migrations and every SQL statement of webaudit.
//!
//! One file (by default in the platform's data directory), WAL mode, a pool of connections
//! (SQLite allows one writer and many readers in WAL). A report's pages and findings are written
//! in the same transaction as its final status, so a crash leaves either the finished report or
//! the interrupted one, never half of one. Findings are stored without the rule's static text
//! (title, description, fix, references), which is filled in from the rule catalogue on read.
//!
//! The methods are synchronous; async callers run them on a blocking thread (see
//! [`crate::service`]).
//!
//! # Layout
//! - [`open`] — opening the file: one checked connection first, then the pool.
//! - [`schema`] — migrations.
//! - [`rows`] — row types and conversions.
//! - [`queries`] — reads (list, get, history, findings).
//! - [`writes`] — inserts, status changes, deletion.

mod open;
mod ordered;
mod queries;
mod rows;
mod schema;
mod settled;
mod tokens;
mod writes;

pub use queries::{FindingFilter, HistoryEntry, ListFilter, ListPage, ReportSummary};
pub use tokens::{Revocation, TokenRecord};
pub use writes::{Completion, NewReport};

use std::path::{Path, PathBuf};
use std::time::Duration;

use r2d2::Pool;
use r2d2_sqlite::SqliteConnectionManager;

/// The owner of reports made from the CLI and over stdio.
pub const LOCAL_OWNER: &str = "local";
/// Connections kept in the pool.
pub const POOL_SIZE: u32 = 8;
/// How long a statement waits for a lock held by another writer.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Store errors.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database could not be opened or created.
    #[error(
        "could not open the report database at {path}: {source}; check the path and its \
         permissions, or choose another with --db PATH / WEBAUDIT_DB"
    )]
    Open {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The file exists but is not an SQLite database.
    #[error(
        "{path} is not a webaudit database ({detail}); pass another --db path (or set \
         WEBAUDIT_DB), or move the file away"
    )]
    NotADatabase {
        /// The file.
        path: PathBuf,
        /// SQLite's message.
        detail: String,
    },
    /// The file (or its directory) cannot be written.
    #[error(
        "the database {path} is read-only: {detail}; make the file and its directory writable, \
         or pass another --db path (or set WEBAUDIT_DB)"
    )]
    ReadOnly {
        /// The file.
        path: PathBuf,
        /// SQLite's message.
        detail: String,
    },
    /// Migrating the schema failed.
    #[error("could not prepare the report database at {path}: {detail}")]
    Migrate {
        /// The file.
        path: PathBuf,
        /// Why.
        detail: String,
    },
    /// A statement failed.
    #[error("database error: {0}")]
    Sql(#[from] rusqlite::Error),
    /// No connection was free.
    #[error("database busy: {0}")]
    Pool(#[from] r2d2::Error),
    /// Stored JSON did not decode (a corrupted row).
    #[error("stored data of report {id} is unreadable: {detail}")]
    Corrupt {
        /// The report.
        id: String,
        /// Why.
        detail: String,
    },
}

impl StoreError {
    /// This error, naming the database file `path` when the file's fault is that it cannot be
    /// written (statements only know that "a readonly database" refused them).
    pub fn in_file(self, path: &Path) -> StoreError {
        match self {
            StoreError::Sql(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ReadOnly) => {
                StoreError::ReadOnly {
                    path: path.to_owned(),
                    detail: e.to_string(),
                }
            }
            other => other,
        }
    }
}

/// The report store. Cheap to clone; clones share the pool.
#[derive(Debug, Clone)]
pub struct Store {
    pool: Pool<SqliteConnectionManager>,
    path: PathBuf,
}

impl Store {
    /// The default database file: `$WEBAUDIT_DB`, else `webaudit.db` in the platform's data
    /// directory (e.g. `~/.local/share/webaudit/` on Linux).
    pub fn default_path() -> PathBuf {
        if let Some(path) = std::env::var_os("WEBAUDIT_DB").filter(|p| !p.is_empty()) {
            return PathBuf::from(path);
        }
        directories::ProjectDirs::from("", "", "webaudit")
            .map(|d| d.data_dir().join("webaudit.db"))
            .unwrap_or_else(|| PathBuf::from("webaudit.db"))
    }

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    /// A file that is not a database, or that cannot be written, fails at once.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| StoreError::Open {
                path: path.to_owned(),
                source: Box::new(e),
            })?;
        }
        // Opened, configured and migrated before the pool, so a bad file fails at once; kept
        // open until the pool has its connections.
        let _checked = open::first_connection(path)?;
        Ok(Store {
            pool: open::pool(path)?,
            path: path.to_owned(),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn conn(&self) -> Result<r2d2::PooledConnection<SqliteConnectionManager>, StoreError> {
        Ok(self.pool.get()?)
    }
}

#[cfg(test)]
pub(crate) mod tests;
