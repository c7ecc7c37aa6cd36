//! Crash safety: a process killed with SIGKILL while it writes reports leaves a database that
//! opens cleanly, with every completed report intact and the interrupted one recoverable.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use chrono::Utc;
use webaudit::engine::rules::catalogue;
use webaudit::report::{Evidence, Outcome, PageReport, ReportId, Scores, Severity, Status};
use webaudit::store::{Completion, FindingFilter, NewReport, Store};

const WRITER: &str = "WEBAUDIT_CRASH_WRITER_DB";
const FINDINGS_PER_REPORT: usize = 3_000;

/// In the child: writes large reports forever, printing each id once its transaction committed.
fn write_forever(db: &str) {
    let store = Store::open(std::path::Path::new(db)).unwrap();
    let rules = catalogue();
    loop {
        let id = ReportId::generate();
        let url = "https://crash.example/";
        store
            .create_report(&NewReport {
                id: id.clone(),
                owner: "local".into(),
                url: url.into(),
                site: "https://crash.example".into(),
                created_at: Utc::now(),
                status: Status::Queued,
                options: serde_json::json!({"target": url}),
            })
            .unwrap();
        store.mark_running(&id).unwrap();
        let findings: Vec<_> = (0..FINDINGS_PER_REPORT)
            .map(|i| {
                rules[i % rules.len()].finding(
                    url,
                    Outcome::Fail,
                    Severity::Minor,
                    Some(0.0),
                    Evidence {
                        selector: Some(format!("body > div:nth-of-type({i})")),
                        detail: Some("x".repeat(200)),
                        ..Evidence::default()
                    },
                )
            })
            .collect();
        let pages = vec![PageReport {
            url: url.into(),
            final_url: url.into(),
            status: 200,
            content_type: None,
            timings: Default::default(),
            bytes: Default::default(),
            total_bytes: 0,
            subresources: Default::default(),
            redirects: vec![],
            scores: None,
            error: None,
            notes: vec![],
        }];
        // Findings and pages stream in page-sized batches, then the completion flips the
        // status.
        let pages: Vec<(usize, PageReport)> = pages.into_iter().enumerate().collect();
        for (i, batch) in findings.chunks(500).enumerate() {
            let pages = if i == 0 { &pages[..] } else { &[] };
            assert!(store.append(&id, batch, pages).unwrap());
        }
        store
            .finish_report(
                &id,
                Completion {
                    scores: Scores::default(),
                    security_grade: None,
                    observatory_score: None,
                    page_scores: &[(0, Scores::default())],
                    recommendations: &[],
                },
            )
            .unwrap();
        println!("completed {id}");
    }
}

#[test]
fn sigkill_while_writing_loses_no_completed_report() {
    if let Some(db) = std::env::var_os(WRITER) {
        write_forever(db.to_str().unwrap());
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crash.db");
    for round in 0..3 {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "crash::sigkill_while_writing_loses_no_completed_report",
                "--nocapture",
            ])
            .env(WRITER, &db)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut completed = Vec::new();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        while completed.len() < 3 + round {
            let line = lines
                .next()
                .expect("the writer prints completed ids")
                .unwrap();
            if let Some(id) = line.strip_prefix("completed ") {
                completed.push(id.parse::<ReportId>().unwrap());
            }
        }
        // SIGKILL in the middle of the next report's transaction (or between two).
        child.kill().unwrap();
        child.wait().unwrap();

        let store = Store::open(&db).expect("the database opens after SIGKILL");
        let conn = rusqlite::Connection::open(&db).unwrap();
        let check: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(check, "ok");
        for id in &completed {
            let summary = store
                .get_summary("local", id)
                .unwrap()
                .expect("completed report kept");
            assert_eq!(summary.status, Status::Completed);
            assert_eq!(summary.failing_findings as usize, FINDINGS_PER_REPORT);
            assert_eq!(
                store.count_findings(id, &FindingFilter::default()).unwrap(),
                FINDINGS_PER_REPORT
            );
        }
        // Whatever was in flight is either complete or still running, never half-written.
        let (requeued, failed) = store
            .recover_interrupted(webaudit::jobs::MAX_ATTEMPTS)
            .unwrap();
        assert!(
            requeued <= 1 && failed == 0,
            "requeued {requeued}, failed {failed}"
        );
        for report in store.unfinished().unwrap() {
            assert_eq!(report.status, Status::Queued);
            assert_eq!(
                store
                    .count_findings(&report.id, &FindingFilter::default())
                    .unwrap(),
                0
            );
            store.fail_report(&report.id, "test cleanup").unwrap();
        }
    }
}
