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
    // Passes and not-applicable outcomes ("settled" findings, see `store::settled`) are
    // stored one row per page per appended batch, as a JSON array of
    // [seq, rule_id, category, severity, outcome, score, weight, fingerprint, evidence];
    // the row's seq is its last entry's. `all_findings` lists both kinds of rows with the
    // findings table's columns; rows written before this version stay in `findings`.
    M::up(
        r#"
CREATE TABLE settled_findings (
    report_id TEXT NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    seq       INTEGER NOT NULL,
    page_url  TEXT NOT NULL,
    findings  TEXT NOT NULL,
    PRIMARY KEY (report_id, seq)
) WITHOUT ROWID;
CREATE VIEW all_findings AS
    SELECT report_id, seq, rule_id, category, severity, outcome, page_url, fingerprint, score,
           weight, evidence
    FROM findings
    UNION ALL
    SELECT s.report_id, f.value ->> 0, f.value ->> 1, f.value ->> 2, f.value ->> 3,
           f.value ->> 4, s.page_url, f.value ->> 7, f.value ->> 5, f.value ->> 6,
           f.value ->> 8
    FROM settled_findings s, json_each(s.findings) f;
"#,
    ),
    // `page_count` counts audited pages only (those with scores), as the text and Markdown
    // summaries do; it counted every page entry (broken links' 404s and other URLs checked).
    M::up(
        r#"
UPDATE reports SET page_count = (
    SELECT count(*) FROM pages p WHERE p.report_id = reports.id AND p.data ->> 'scores' IS NOT NULL
) WHERE status = 'completed';
"#,
    ),
];

/// Brings the schema to the latest version.
pub fn migrate(conn: &mut Connection) -> Result<(), rusqlite_migration::Error> {
    Migrations::from_slice(MIGRATIONS).to_latest(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        assert!(Migrations::from_slice(MIGRATIONS).validate().is_ok());
    }

    #[test]
    fn a_database_of_version_3_keeps_its_findings_indexes_them_anew_and_lists_them() {
        let mut conn = Connection::open_in_memory().unwrap();
        let previous = &MIGRATIONS[..3];
        Migrations::from_slice(previous)
            .to_latest(&mut conn)
            .unwrap();
        conn.execute_batch(
            "INSERT INTO reports (id, owner, url, site, status, created_at, engine_version)
                 VALUES ('r', 'local', 'https://a.example/', 'https://a.example', 'completed',
                         '2026-11-23T00:00:00.000Z', '0');
             INSERT INTO findings (report_id, seq, rule_id, category, severity, outcome, page_url,
                                   fingerprint, score, weight, evidence)
             VALUES ('r', 0, 'seo.title', 'seo', 'major', 'fail', 'https://a.example/', 'f0', 0, 1, '{}'),
                    ('r', 1, 'seo.title', 'seo', 'major', 'pass', 'https://a.example/', 'f1', 1, 1, '{}'),
                    ('r', 2, 'seo.hreflang', 'seo', 'minor', 'not_applicable', 'https://a.example/', 'f2', NULL, 1, '{}'),
                    ('r', 3, 'seo.llms-txt', 'seo', 'info', 'review', 'https://a.example/', 'f3', NULL, 0, '{}');",
        )
        .unwrap();
        migrate(&mut conn).unwrap();
        let indexed: Vec<i64> = conn
            .prepare(
                "SELECT seq FROM findings INDEXED BY findings_to_act_on
                 WHERE report_id = 'r' AND (outcome = 'fail' OR outcome = 'review') ORDER BY seq",
            )
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(indexed, vec![0, 3]);
        // Rows written one per finding, passes included, are still listed by the view.
        let listed: Vec<(i64, String)> = conn
            .prepare("SELECT seq, outcome FROM all_findings WHERE report_id = 'r' ORDER BY seq")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let outcomes: Vec<&str> = listed.iter().map(|(_, o)| o.as_str()).collect();
        assert_eq!(outcomes, ["fail", "pass", "not_applicable", "review"]);
        let all: i64 = conn
            .query_row("SELECT count(*) FROM findings", [], |r| r.get(0))
            .unwrap();
        assert_eq!(all, 4);
    }

    #[test]
    fn the_page_count_of_stored_reports_becomes_the_audited_pages() {
        let mut conn = Connection::open_in_memory().unwrap();
        Migrations::from_slice(&MIGRATIONS[..MIGRATIONS.len() - 1])
            .to_latest(&mut conn)
            .unwrap();
        conn.execute_batch(
            r#"INSERT INTO reports (id, owner, url, site, status, created_at, engine_version, page_count)
                 VALUES ('done', 'local', 'https://a.example/', 'https://a.example', 'completed',
                         '2026-11-23T00:00:00.000Z', '0', 3),
                        ('running', 'local', 'https://a.example/', 'https://a.example', 'running',
                         '2026-11-23T00:00:00.000Z', '0', 0);
             INSERT INTO pages (report_id, seq, url, data)
             VALUES ('done', 0, 'https://a.example/', '{"scores":{"seo":90}}'),
                    ('done', 1, 'https://a.example/b', '{"scores":{"seo":80}}'),
                    ('done', 2, 'https://a.example/missing', '{"scores":null,"status":404}'),
                    ('running', 0, 'https://a.example/', '{"scores":{"seo":90}}');"#,
        )
        .unwrap();
        migrate(&mut conn).unwrap();
        let counts: Vec<(String, i64)> = conn
            .prepare("SELECT id, page_count FROM reports ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(counts, [("done".to_owned(), 2), ("running".to_owned(), 0)]);
    }
}
