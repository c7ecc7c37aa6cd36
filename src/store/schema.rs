//! The schema, as versioned migrations (`rusqlite_migration`, which tracks the version in
//! SQLite's `user_version`). Append new migrations; never edit a released one.

use rusqlite::Connection;
use rusqlite_migration::{M, Migrations};

const MIGRATIONS: &[M<'static>] = &[
    M::up(
        r#"
CREATE TABLE reports (
    id                   TEXT PRIMARY KEY,
    owner                TEXT NOT NULL,
    url                  TEXT NOT NULL,
    site                 TEXT NOT NULL,
    status               TEXT NOT NULL,
    created_at           TEXT NOT NULL,
    completed_at         TEXT,
    error_message        TEXT,
    options              TEXT NOT NULL DEFAULT '{}',
    score_performance    INTEGER,
    score_seo            INTEGER,
    score_accessibility  INTEGER,
    score_best_practices INTEGER,
    score_security       INTEGER,
    score_overall        INTEGER,
    security_grade       TEXT,
    observatory_score    INTEGER,
    failing_count        INTEGER NOT NULL DEFAULT 0,
    attempts             INTEGER NOT NULL DEFAULT 0,
    page_count           INTEGER NOT NULL DEFAULT 0,
    recommendations      TEXT,
    engine_version       TEXT NOT NULL
);
CREATE INDEX reports_newest ON reports (owner, id DESC);
CREATE INDEX reports_by_url ON reports (owner, url, id DESC);
CREATE INDEX reports_by_site ON reports (owner, site, id DESC);
CREATE INDEX reports_by_status ON reports (status);

CREATE TABLE pages (
    report_id TEXT NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    seq       INTEGER NOT NULL,
    url       TEXT NOT NULL,
    data      TEXT NOT NULL,
    PRIMARY KEY (report_id, seq)
) WITHOUT ROWID;

CREATE TABLE findings (
    report_id   TEXT NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    rule_id     TEXT NOT NULL,
    category    TEXT NOT NULL,
    severity    TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    page_url    TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    score       REAL,
    weight      REAL NOT NULL,
    evidence    TEXT NOT NULL,
    PRIMARY KEY (report_id, seq)
) WITHOUT ROWID;
CREATE INDEX findings_by_outcome ON findings (report_id, outcome);
"#,
    ),
    M::up(
        r#"
CREATE TABLE tokens (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    owner        TEXT NOT NULL,
    prefix       TEXT NOT NULL,
    hash         TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at   TEXT
);
CREATE INDEX tokens_by_prefix ON tokens (prefix);
"#,
    ),
    // Passes are most rows (every rule's outcome on every page) and are never looked up by
    // outcome: only the other outcomes are indexed, which spares a crawl an index insert per
    // passing rule. (Listing findings in order goes through the primary key either way; the
    // index serves counts by outcome.) Queries on outcomes other than `pass` say
    // `outcome <> 'pass'` so that SQLite may use this partial index.
    M::up(
        r#"
DROP INDEX findings_by_outcome;
CREATE INDEX findings_not_passed ON findings (report_id, outcome) WHERE outcome <> 'pass';
"#,
    ),
    // Not-applicable outcomes are most of the rest (about two thirds of all rows) and nothing
    // looks them up by outcome either: only the findings to act on, failures and items to
    // review, are indexed, with their category and severity so that counting them by those
    // reads the index alone. The condition is written as an OR so that a query saying
    // `outcome = 'fail'` implies it; the other queries repeat it word for word (see
    // `queries::TO_ACT_ON`).
    M::up(
        r#"
DROP INDEX findings_not_passed;
CREATE INDEX findings_to_act_on ON findings (report_id, outcome, category, severity)
    WHERE outcome = 'fail' OR outcome = 'review';
"#,
    ),
];

/// Brings the schema to the latest version.
pub fn migrate(conn: &mut Connection) -> Result<(), String> {
    Migrations::from_slice(MIGRATIONS)
        .to_latest(conn)
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        assert!(Migrations::from_slice(MIGRATIONS).validate().is_ok());
    }
}
