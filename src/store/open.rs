//! Opening the database file. One connection is opened, configured and migrated directly first,
//! so a file that is not a database, or one that cannot be written, fails at once with one
//! clear error; only then is the pool built. The pool's failed attempts are logged at debug
//! level, never one error line per retry.

use std::path::Path;

use r2d2::{HandleError, Pool};
use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::{Connection, ErrorCode};
use rusqlite_migration::Error as MigrationError;

use super::{BUSY_TIMEOUT, POOL_SIZE, StoreError, schema};

/// Sets up a new connection: lock waits, WAL, foreign keys.
///
/// `temp_store = MEMORY` keeps statement journals in memory: each multi-row findings insert
/// inside a batch's transaction journals the pages it changes, which otherwise spill to a
/// temporary file once they pass 64 KiB.
pub(super) fn configure(conn: &mut Connection) -> Result<(), rusqlite::Error> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = NORMAL;
         PRAGMA foreign_keys = ON;
         PRAGMA temp_store = MEMORY;",
    )
}

/// Opens one connection to `path`, configures it and brings the schema up to date. Another
/// program's SQLite database (tables, but none of webaudit's migrations) is refused untouched.
pub(super) fn first_connection(path: &Path) -> Result<Connection, StoreError> {
    let mut conn = Connection::open(path).map_err(|e| classify(path, e))?;
    refuse_foreign(&conn, path)?;
    configure(&mut conn).map_err(|e| classify(path, e))?;
    schema::migrate(&mut conn).map_err(|e| match e {
        MigrationError::RusqliteError { err, .. } if kind_of(&err).is_some() => classify(path, err),
        other => StoreError::Migrate {
            path: path.to_owned(),
            detail: first_line(&other.to_string()),
        },
    })?;
    Ok(conn)
}

/// Fails when `conn` holds tables but no webaudit schema version (another program's database).
fn refuse_foreign(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(|e| classify(path, e))?;
    let tables: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
            [],
            |r| r.get(0),
        )
        .map_err(|e| classify(path, e))?;
    if version == 0 && tables > 0 {
        return Err(StoreError::NotADatabase {
            path: path.to_owned(),
            detail: format!("it is another program's SQLite database, with {tables} tables"),
        });
    }
    Ok(())
}

/// The first line of a message, at most 300 characters (a failed migration quotes its SQL).
fn first_line(message: &str) -> String {
    let line = message.lines().next().unwrap_or_default();
    match line.char_indices().nth(300) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line.to_owned(),
    }
}

/// The pool of connections to `path` (whose first connection is known to work).
pub(super) fn pool(path: &Path) -> Result<Pool<SqliteConnectionManager>, StoreError> {
    let manager = SqliteConnectionManager::file(path).with_init(configure);
    // No check on checkout: a connection to a local file does not go stale, and r2d2's
    // check (an empty statement) ran on every read and every batch written.
    Pool::builder()
        .max_size(POOL_SIZE)
        .test_on_check_out(false)
        .connection_timeout(BUSY_TIMEOUT)
        .error_handler(Box::new(DebugLog))
        .build(manager)
        .map_err(|e| StoreError::Open {
            path: path.to_owned(),
            source: Box::new(e),
        })
}

/// What is wrong with a database file, when it is the file's fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FileProblem {
    NotADatabase,
    ReadOnly,
}

fn kind_of(error: &rusqlite::Error) -> Option<FileProblem> {
    match error.sqlite_error_code()? {
        ErrorCode::NotADatabase => Some(FileProblem::NotADatabase),
        ErrorCode::ReadOnly => Some(FileProblem::ReadOnly),
        _ => None,
    }
}

/// The store error for a failure to open or set up `path`.
fn classify(path: &Path, error: rusqlite::Error) -> StoreError {
    let path = path.to_owned();
    match kind_of(&error) {
        Some(FileProblem::NotADatabase) => StoreError::NotADatabase {
            path,
            detail: error.to_string(),
        },
        Some(FileProblem::ReadOnly) => StoreError::ReadOnly {
            path,
            detail: error.to_string(),
        },
        None => StoreError::Open {
            path,
            source: Box::new(error),
        },
    }
}

/// Logs the pool's failed connection attempts at debug level (r2d2's default handler logs
/// each retry as an error).
#[derive(Debug)]
struct DebugLog;

impl HandleError<rusqlite::Error> for DebugLog {
    fn handle_error(&self, error: rusqlite::Error) {
        tracing::debug!(%error, "a pooled database connection failed");
    }
}
