//! Store round trips on a real SQLite file in a temp dir.

use chrono::Utc;

use rusqlite::{params_from_iter, types::Value};

use super::*;
use crate::engine::rules;
use crate::report::{Category, Evidence, Outcome, PageReport, ReportId, Scores, Severity, Status};

pub(crate) fn temp_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("nested/dir/test.db")).unwrap();
    (dir, store)
}

fn new_report(store: &Store, owner: &str, url: &str) -> ReportId {
    let id = ReportId::generate();
    store
        .create_report(&NewReport {
            id: id.clone(),
            owner: owner.into(),
            url: url.into(),
            site: url::Url::parse(url).unwrap().origin().ascii_serialization(),
            created_at: Utc::now(),
            status: Status::Queued,
            options: serde_json::json!({"max_pages": 1}),
        })
        .unwrap();
    id
}

/// A report of the local owner for `url`, marked running.
pub(crate) fn running_report(store: &Store, url: &str) -> ReportId {
    let id = new_report(store, LOCAL_OWNER, url);
    assert!(store.mark_running(&id).unwrap());
    id
}

/// A running report holding `findings`, appended in two batches split at `cut`.
fn appended_in_two_batches(
    store: &Store,
    findings: &[crate::report::Finding],
    cut: usize,
) -> ReportId {
    let id = running_report(store, "https://site.example/");
    assert!(store.append(&id, &findings[..cut], &[]).unwrap());
    assert!(store.append(&id, &findings[cut..], &[]).unwrap());
    id
}

fn sample_findings(page_url: &str) -> Vec<crate::report::Finding> {
    let alt = rules::find("performance.unsized-images").unwrap();
    let ttfb = rules::find("performance.server-response-time").unwrap();
    vec![
        alt.finding(
            page_url,
            Outcome::Fail,
            Severity::Minor,
            Some(0.0),
            Evidence {
                selector: Some("body > img".into()),
                snippet: Some("<img src=\"a.png\">".into()),
                ..Evidence::default()
            },
        ),
        ttfb.finding(
            page_url,
            Outcome::Pass,
            Severity::Major,
            Some(1.0),
            Evidence {
                value: Some(12.5),
                unit: Some("ms".into()),
                ..Evidence::default()
            },
        ),
    ]
}

#[test]
fn findings_round_trip_in_order_across_statements_and_batches() {
    let (_dir, store) = temp_store();
    let url = "https://site.example/";
    let id = running_report(&store, url);
    let findings: Vec<crate::report::Finding> = (0..70)
        .map(|i| sample_findings(&format!("{url}p{i}"))[i % 2].clone())
        .collect();
    // Two full multi-row statements and a single row, then a batch shorter than one.
    assert!(store.append(&id, &findings[..65], &[]).unwrap());
    assert!(store.append(&id, &findings[65..], &[]).unwrap());
    let stored = store
        .findings(&id, &FindingFilter::default(), usize::MAX, 0)
        .unwrap();
    assert_eq!(stored, findings);
}

/// A fetched HTML page with `scores`.
pub(crate) fn page_report(url: &str, scores: Scores) -> PageReport {
    PageReport {
        url: url.into(),
        final_url: url.into(),
        status: 200,
        content_type: Some("text/html".into()),
        timings: Default::default(),
        bytes: Default::default(),
        total_bytes: 10,
        subresources: Default::default(),
        redirects: vec![],
        scores: Some(scores),
        error: None,
        notes: vec![],
    }
}

fn complete(store: &Store, id: &ReportId, url: &str, seo: u8) {
    let scores = Scores {
        seo: Some(seo),
        overall: Some(seo),
        ..Scores::default()
    };
    let pages = vec![page_report(url, scores)];
    let findings = sample_findings(url);
    store
        .complete_report(
            id,
            &findings,
            &pages,
            Completion {
                scores,
                security_grade: Some("B"),
                observatory_score: Some(75),
                page_scores: &[],
                recommendations: &[],
            },
        )
        .unwrap();
}

#[test]
fn pages_are_listed_start_page_first_then_by_final_url() {
    let (_dir, store) = temp_store();
    let start = "https://site.example/start";
    let id = running_report(&store, start);
    let visited = [
        start,
        "https://site.example/z",
        "https://site.example/a",
        "https://site.example/m",
    ];
    let mut pages: Vec<PageReport> = visited
        .iter()
        .map(|url| page_report(url, Scores::default()))
        .collect();
    // A redirect from /b to /n is listed by where it ended.
    pages.push(PageReport {
        final_url: "https://site.example/n".into(),
        ..page_report("https://site.example/b", Scores::default())
    });
    store
        .complete_report(&id, &[], &pages, Completion::default())
        .unwrap();
    let listed: Vec<String> = store
        .pages(&id)
        .unwrap()
        .into_iter()
        .map(|p| p.url)
        .collect();
    assert_eq!(
        listed,
        [
            start,
            "https://site.example/a",
            "https://site.example/m",
            "https://site.example/b",
            "https://site.example/z"
        ]
    );
}

#[test]
fn report_round_trip() {
    let (_dir, store) = temp_store();
    let url = "https://site.example/";
    let id = running_report(&store, url);
    complete(&store, &id, url, 88);

    let report = store.get_report(LOCAL_OWNER, &id).unwrap().unwrap();
    assert_eq!(report.status, Status::Completed);
    assert_eq!(report.scores.unwrap().seo, Some(88));
    assert_eq!(report.security_grade.as_deref(), Some("B"));
    assert_eq!(report.pages.len(), 1);
    assert_eq!(report.findings, sample_findings(url));
    assert!(report.completed_at.is_some());

    let failing = store
        .findings(
            &id,
            &FindingFilter {
                outcomes: vec![Outcome::Fail],
                ..FindingFilter::default()
            },
            10,
            0,
        )
        .unwrap();
    assert_eq!(failing.len(), 1);
    assert_eq!(failing[0].rule_id, "performance.unsized-images");
    let filter = FindingFilter {
        category: Some(Category::Performance),
        min_severity: Some(Severity::Major),
        ..FindingFilter::default()
    };
    assert_eq!(store.count_findings(&id, &filter).unwrap(), 1);

    // Another owner sees nothing.
    assert!(store.get_report("someone-else", &id).unwrap().is_none());
    // Reopening the file keeps everything.
    let reopened = Store::open(store.path()).unwrap();
    assert_eq!(
        reopened.get_report(LOCAL_OWNER, &id).unwrap().unwrap(),
        report
    );
}

#[test]
fn listing_pages_newest_first_with_a_cursor() {
    let (_dir, store) = temp_store();
    let ids: Vec<ReportId> = (0..5)
        .map(|i| new_report(&store, LOCAL_OWNER, &format!("https://s{i}.example/")))
        .collect();
    new_report(&store, "other", "https://s0.example/");
    let filter = ListFilter {
        owner: LOCAL_OWNER.into(),
        ..ListFilter::default()
    };
    let first = store.list_reports(&filter, 2, None).unwrap();
    assert_eq!(
        first
            .reports
            .iter()
            .map(|r| r.id.clone())
            .collect::<Vec<_>>(),
        vec![ids[4].clone(), ids[3].clone()]
    );
    let cursor: ReportId = first.next_cursor.unwrap().parse().unwrap();
    let second = store.list_reports(&filter, 2, Some(&cursor)).unwrap();
    assert_eq!(second.reports[0].id, ids[2]);
    let cursor: ReportId = second.next_cursor.unwrap().parse().unwrap();
    let last = store.list_reports(&filter, 2, Some(&cursor)).unwrap();
    assert_eq!(last.reports.len(), 1);
    assert_eq!(last.next_cursor, None);

    let only_url = ListFilter {
        url: Some("https://s1.example/".into()),
        ..filter.clone()
    };
    assert_eq!(
        store
            .list_reports(&only_url, 10, None)
            .unwrap()
            .reports
            .len(),
        1
    );
    let queued = ListFilter {
        status: Some(Status::Completed),
        ..filter
    };
    assert!(
        store
            .list_reports(&queued, 10, None)
            .unwrap()
            .reports
            .is_empty()
    );
}

#[test]
fn history_of_a_url_then_its_site() {
    let (_dir, store) = temp_store();
    for seo in [50, 70, 90] {
        let id = new_report(&store, LOCAL_OWNER, "https://site.example/");
        complete(&store, &id, "https://site.example/", seo);
        // A report that finished stays as it is.
        assert!(!store.fail_report(&id, "too late").unwrap());
    }
    let failed = new_report(&store, LOCAL_OWNER, "https://site.example/");
    assert!(store.fail_report(&failed, "could not connect").unwrap());
    let history = store
        .history(
            LOCAL_OWNER,
            "https://site.example/",
            "https://site.example",
            2,
        )
        .unwrap();
    let seo: Vec<Option<u8>> = history.iter().map(|h| h.scores.unwrap().seo).collect();
    assert_eq!(seo, vec![Some(70), Some(90)]);
    // A page of the site with no history of its own falls back to the site's.
    let site = store
        .history(
            LOCAL_OWNER,
            "https://site.example/about",
            "https://site.example",
            10,
        )
        .unwrap();
    assert_eq!(site.len(), 3);
    let failed_row = store.get_summary(LOCAL_OWNER, &failed).unwrap().unwrap();
    assert_eq!(failed_row.status, Status::Failed);
    assert_eq!(
        failed_row.error_message.as_deref(),
        Some("could not connect")
    );
    assert_eq!(failed_row.scores, None);
}

#[test]
fn delete_cascades_and_unfinished_work_is_found() {
    let (_dir, store) = temp_store();
    let done = new_report(&store, LOCAL_OWNER, "https://a.example/");
    complete(&store, &done, "https://a.example/", 80);
    let running = new_report(&store, LOCAL_OWNER, "https://b.example/");
    store.mark_running(&running).unwrap();
    let queued = new_report(&store, LOCAL_OWNER, "https://c.example/");

    let unfinished: Vec<ReportId> = store
        .unfinished()
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(unfinished, vec![running.clone(), queued.clone()]);
    assert_eq!(store.recover_interrupted(2).unwrap(), (1, 0));
    assert_eq!(
        store
            .get_summary(LOCAL_OWNER, &running)
            .unwrap()
            .unwrap()
            .status,
        Status::Queued
    );
    // A second interrupted attempt fails the report instead of retrying it forever.
    store.mark_running(&running).unwrap();
    assert_eq!(store.recover_interrupted(2).unwrap(), (0, 1));
    let row = store.get_summary(LOCAL_OWNER, &running).unwrap().unwrap();
    assert_eq!(row.status, Status::Failed);
    assert!(row.error_message.unwrap().contains("interrupted"));

    assert!(!store.delete_report("intruder", &done).unwrap());
    assert!(store.delete_report(LOCAL_OWNER, &done).unwrap());
    assert!(store.get_report(LOCAL_OWNER, &done).unwrap().is_none());
    assert!(
        store
            .findings(&done, &FindingFilter::default(), 10, 0)
            .unwrap()
            .is_empty()
    );
    assert!(store.pages(&done).unwrap().is_empty());
    assert!(!store.delete_report(LOCAL_OWNER, &done).unwrap());

    // Completing a report that was deleted meanwhile does not bring it back.
    assert!(store.delete_report(LOCAL_OWNER, &queued).unwrap());
    complete(&store, &queued, "https://c.example/", 10);
    assert!(store.get_report(LOCAL_OWNER, &queued).unwrap().is_none());
    assert!(store.pages(&queued).unwrap().is_empty());
}

#[test]
fn unopenable_path_says_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, b"x").unwrap();
    let err = Store::open(&file.join("db.sqlite")).unwrap_err();
    assert!(err.to_string().contains("--db"), "{err}");
}

#[test]
fn concurrent_writers_wait_for_each_other_instead_of_failing() {
    let (_dir, store) = temp_store();
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let store = store.clone();
            std::thread::spawn(move || {
                for i in 0..25 {
                    let url = format!("https://site-{t}.example/{i}");
                    let id = new_report(&store, "local", &url);
                    assert!(store.mark_running(&id).unwrap());
                    for _ in 0..3 {
                        assert!(store.append(&id, &sample_findings(&url), &[]).unwrap());
                    }
                    complete(&store, &id, &url, 90);
                }
            })
        })
        .collect();
    for t in threads {
        t.join()
            .expect("no writer fails with \"database is locked\"");
    }
    let filter = ListFilter {
        owner: "local".into(),
        ..ListFilter::default()
    };
    let listed = store.list_reports(&filter, 100, None).unwrap();
    assert_eq!(listed.reports.len(), 100);
    assert!(listed.reports.iter().all(|r| r.status == Status::Completed));
}

/// Only failures and items to review are indexed; counting them uses that index.
#[test]
fn queries_on_findings_to_act_on_use_their_index() {
    let (_dir, store) = temp_store();
    let id = new_report(&store, "local", "https://site.example/");
    let conn = store.conn().unwrap();
    let plan = |sql: &str, args: &[Value]| -> String {
        let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        let rows = stmt
            .query_map(params_from_iter(args), |r| r.get::<_, String>(3))
            .unwrap();
        rows.map(Result::unwrap).collect::<Vec<_>>().join("; ")
    };
    let filter = |outcomes: Vec<Outcome>| FindingFilter {
        outcomes,
        ..FindingFilter::default()
    };
    for outcomes in [
        vec![Outcome::Fail, Outcome::Review],
        vec![Outcome::Fail],
        vec![Outcome::Review],
    ] {
        let wanted = filter(outcomes);
        let (sql, args) = queries::finding_query(&id, &wanted, "SELECT ", "count(*)", 10, 0);
        let count = plan(&sql, &args);
        assert!(
            count.contains("COVERING INDEX findings_to_act_on"),
            "{count}"
        );
        let (sql, args) = queries::finding_query(&id, &wanted, "SELECT ", "*", 10, 0);
        let list = plan(&sql, &args);
        assert!(list.contains("findings_to_act_on"), "{list}");
    }
    // The report's status counts its failures through the index too (a plain equality implies
    // the index's condition).
    let finish = plan(
        "SELECT count(*) FROM findings WHERE report_id = ?1 AND outcome = 'fail'",
        &[id.as_str().to_owned().into()],
    );
    assert!(finish.contains("findings_to_act_on"), "{finish}");
    // Statement journals stay in memory (2 = MEMORY).
    let temp_store: i64 = conn
        .query_row("PRAGMA temp_store", [], |r| r.get(0))
        .unwrap();
    assert_eq!(temp_store, 2);
    // Passes and not-applicable outcomes are read through the report's key, in both the
    // findings table and the settled findings.
    for outcomes in [
        vec![Outcome::Pass],
        vec![Outcome::NotApplicable],
        vec![Outcome::Fail, Outcome::Pass],
    ] {
        let (sql, args) =
            queries::finding_query(&id, &filter(outcomes), "SELECT ", "count(*)", 10, 0);
        let count = plan(&sql, &args);
        assert!(!count.contains("findings_to_act_on"), "{count}");
        // Both kinds of rows are searched by the report (the view's condition is pushed
        // into its two halves), never scanned.
        assert!(
            count.contains("SEARCH findings USING PRIMARY KEY (report_id=?)")
                && count.contains("SEARCH s USING PRIMARY KEY (report_id=?)"),
            "{count}"
        );
    }
    drop(conn);

    // And they find the same findings as before.
    store
        .append(&id, &sample_findings("https://site.example/"), &[])
        .unwrap();
    let fails = store
        .findings(&id, &filter(vec![Outcome::Fail]), 10, 0)
        .unwrap();
    assert_eq!(fails.len(), 1);
    assert_eq!(fails[0].outcome, Outcome::Fail);
    let passes = store
        .findings(&id, &filter(vec![Outcome::Pass]), 10, 0)
        .unwrap();
    assert_eq!(passes.len(), 1);
    assert_eq!(passes[0].outcome, Outcome::Pass);
}

#[test]
fn a_finished_report_refuses_late_batches() {
    let (_dir, store) = temp_store();
    let url = "https://site.example/";
    let done = running_report(&store, url);
    complete(&store, &done, url, 80);
    let failed = running_report(&store, url);
    store.fail_report(&failed, "could not connect").unwrap();
    for id in [&done, &failed] {
        let before = store.count_findings(id, &FindingFilter::default()).unwrap();
        assert!(!store.append(id, &sample_findings(url), &[]).unwrap());
        let after = store.count_findings(id, &FindingFilter::default()).unwrap();
        assert_eq!(before, after);
    }
    // A running report takes them.
    let running = running_report(&store, url);
    assert!(store.append(&running, &sample_findings(url), &[]).unwrap());
    assert_eq!(
        store
            .count_findings(&running, &FindingFilter::default())
            .unwrap(),
        2
    );
}

/// Findings of several pages with every outcome, in the order a crawl hands them over: a
/// page's own, then some of the site's at the end, each page's findings together.
pub(crate) fn mixed_findings(pages: usize) -> Vec<crate::report::Finding> {
    let rules = rules::catalogue();
    assert!(rules.len() >= 120, "40 rules taken every third");
    let mut out = Vec::new();
    for p in 0..pages {
        let url = format!("https://site.example/p{p}");
        for (i, rule) in rules.iter().step_by(3).enumerate().take(40) {
            let outcome = match (i + p) % 7 {
                0 => Outcome::Fail,
                1 => Outcome::Review,
                2 | 3 => Outcome::NotApplicable,
                _ => Outcome::Pass,
            };
            let evidence = Evidence {
                value: (i % 3 == 0).then_some(i as f64 + 0.5),
                unit: (i % 3 == 0).then(|| "ms".to_owned()),
                detail: (i % 5 == 0).then(|| format!("\"quoted\" détail {i}")),
                ..Evidence::default()
            };
            let score = match outcome {
                Outcome::Pass => Some(1.0),
                Outcome::Fail => Some(0.25),
                _ => None,
            };
            let severity = Severity::DESCENDING[i % 4];
            out.push(rule.finding(&url, outcome, severity, score, evidence));
        }
    }
    // Site findings at the end name earlier pages again.
    let site = rules::find("seo.duplicate-titles").unwrap();
    for p in (0..pages).rev() {
        let url = format!("https://site.example/p{p}");
        let outcome = [Outcome::Pass, Outcome::Fail][p % 2];
        out.push(site.finding(&url, outcome, Severity::Minor, None, Evidence::default()));
    }
    out
}

/// Passes and not-applicable outcomes are stored one row per page per batch, failures and
/// items to review one row each; every read (in order, filtered, paged, counted) sees the
/// same findings as if each were its own row.
#[test]
fn settled_findings_are_grouped_by_page_and_read_back_as_stored() {
    let (_dir, store) = temp_store();
    let findings = mixed_findings(6);
    let cut = 40 * 4 + 7;
    let id = appended_in_two_batches(&store, &findings, cut);

    let rows = |table: &str| -> i64 {
        store
            .conn()
            .unwrap()
            .query_row(
                &format!("SELECT count(*) FROM {table} WHERE report_id = ?"),
                [id.as_str()],
                |r| r.get(0),
            )
            .unwrap()
    };
    let settled = findings
        .iter()
        .filter(|f| matches!(f.outcome, Outcome::Pass | Outcome::NotApplicable))
        .count();
    assert_eq!(rows("findings") as usize, findings.len() - settled);
    // A row per run of one page's settled findings. First batch: pages 0–3 and 7 findings of
    // page 4; second: the rest of page 4, page 5, then the passing site findings of pages 4,
    // 2 and 0, each a run of its own (another page's settled finding came in between).
    assert_eq!(rows("settled_findings"), 5 + 5);

    let all = FindingFilter::default();
    assert_eq!(store.findings(&id, &all, usize::MAX, 0).unwrap(), findings);
    assert_eq!(
        stored_positions(&store, &id),
        (0..findings.len() as i64).collect::<Vec<_>>()
    );
    assert!(store.findings(&id, &all, 0, 0).unwrap().is_empty());
    assert!(
        store
            .findings(&id, &all, 10, findings.len())
            .unwrap()
            .is_empty()
    );
    let filters = [
        all.clone(),
        FindingFilter {
            outcomes: vec![Outcome::Pass],
            ..FindingFilter::default()
        },
        FindingFilter {
            outcomes: vec![Outcome::NotApplicable, Outcome::Fail],
            ..FindingFilter::default()
        },
        FindingFilter {
            category: Some(Category::Accessibility),
            ..FindingFilter::default()
        },
        FindingFilter {
            min_severity: Some(Severity::Major),
            outcomes: vec![Outcome::Pass, Outcome::Review],
            ..FindingFilter::default()
        },
    ];
    for filter in &filters {
        let expected: Vec<_> = findings
            .iter()
            .filter(|f| filter.category.is_none_or(|c| f.category == c))
            .filter(|f| filter.min_severity.is_none_or(|s| f.severity >= s))
            .filter(|f| filter.outcomes.is_empty() || filter.outcomes.contains(&f.outcome))
            .cloned()
            .collect();
        assert!(!expected.is_empty(), "{filter:?}");
        assert_eq!(store.count_findings(&id, filter).unwrap(), expected.len());
        for (offset, limit) in [(0, 7), (5, 30), (expected.len() - 3, 10)] {
            let page = store.findings(&id, filter, limit, offset).unwrap();
            let end = (offset + limit).min(expected.len());
            assert_eq!(page, expected[offset..end], "{filter:?} {offset} {limit}");
        }
    }

    // Another attempt starts from nothing; a failed one leaves nothing; deleting takes all.
    assert!(store.mark_running(&id).unwrap());
    assert_eq!((rows("findings"), rows("settled_findings")), (0, 0));
    assert!(store.append(&id, &findings, &[]).unwrap());
    store.fail_report(&id, "gave up").unwrap();
    assert_eq!((rows("findings"), rows("settled_findings")), (0, 0));
    // A completion that comes after the failure (a second Ctrl-C raced it) changes nothing.
    store.finish_report(&id, Completion::default()).unwrap();
    let summary = store.get_summary(LOCAL_OWNER, &id).unwrap().unwrap();
    assert_eq!(summary.status, Status::Failed);
    let done = running_report(&store, "https://site.example/");
    assert!(store.append(&done, &findings, &[]).unwrap());
    assert!(store.delete_report(LOCAL_OWNER, &done).unwrap());
    let left: i64 = store
        .conn()
        .unwrap()
        .query_row("SELECT count(*) FROM settled_findings", [], |r| r.get(0))
        .unwrap();
    assert_eq!(left, 0);
}

/// Keyset reads walk a report in chunks of any size, with any filter, and a read that starts
/// after any position (inside a settled run, between runs, past the end) returns exactly the
/// findings after it.
#[test]
fn reads_after_a_position_walk_the_report_in_chunks() {
    let (_dir, store) = temp_store();
    let findings = mixed_findings(5);
    let cut = 40 * 2 + 11;
    let id = appended_in_two_batches(&store, &findings, cut);
    let positioned: Vec<(i64, crate::report::Finding)> =
        (0..).zip(findings.iter().cloned()).collect();
    let filters = [
        FindingFilter::default(),
        FindingFilter {
            outcomes: vec![Outcome::Fail],
            ..FindingFilter::default()
        },
        FindingFilter {
            outcomes: vec![Outcome::NotApplicable, Outcome::Review],
            category: Some(Category::Accessibility),
            ..FindingFilter::default()
        },
    ];
    for filter in &filters {
        let expected: Vec<_> = positioned
            .iter()
            .filter(|(_, f)| filter.category.is_none_or(|c| f.category == c))
            .filter(|(_, f)| filter.outcomes.is_empty() || filter.outcomes.contains(&f.outcome))
            .cloned()
            .collect();
        assert!(expected.len() > 10, "{filter:?}");
        for chunk in [1, 7, 40, expected.len()] {
            let mut walked = Vec::new();
            let mut after = None;
            loop {
                let read = store.findings_after(&id, filter, after, chunk).unwrap();
                assert!(read.len() <= chunk);
                after = read.last().map(|(p, _)| *p).or(after);
                let done = read.len() < chunk;
                walked.extend(read);
                if done {
                    break;
                }
            }
            assert_eq!(walked, expected, "{filter:?} in chunks of {chunk}");
        }
        for after in -1..=findings.len() as i64 {
            let rest: Vec<_> = expected
                .iter()
                .filter(|(p, _)| *p > after)
                .cloned()
                .collect();
            let read = store
                .findings_after(&id, filter, Some(after), usize::MAX)
                .unwrap();
            assert_eq!(read, rest, "{filter:?} after {after}");
        }
        assert!(
            store
                .findings_after(&id, filter, None, 0)
                .unwrap()
                .is_empty()
        );
    }
}

/// A report written before settled findings were grouped has its passes as rows of the
/// findings table: they are read in order with the rest, and a later batch goes after them.
#[test]
fn passes_stored_as_rows_by_an_earlier_version_are_read_in_order() {
    let (_dir, store) = temp_store();
    let id = running_report(&store, "https://site.example/");
    let findings = mixed_findings(2);
    let (old, new) = findings.split_at(50);
    {
        let mut conn = store.conn().unwrap();
        let tx = conn.transaction().unwrap();
        let rows: Vec<(i64, &crate::report::Finding)> = (0..).zip(old).collect();
        writes::insert_rows(&tx, &id, &rows).unwrap();
        tx.commit().unwrap();
    }
    assert!(store.append(&id, new, &[]).unwrap());
    let all = FindingFilter::default();
    assert_eq!(store.findings(&id, &all, usize::MAX, 0).unwrap(), findings);
    assert_eq!(store.findings(&id, &all, 20, 40).unwrap(), findings[40..60]);
    assert_eq!(store.count_findings(&id, &all).unwrap(), findings.len());
}

/// The positions of a report's findings, as the view lists them.
fn stored_positions(store: &Store, id: &ReportId) -> Vec<i64> {
    let conn = store.conn().unwrap();
    let mut stmt = conn
        .prepare("SELECT seq FROM all_findings WHERE report_id = ? ORDER BY seq")
        .unwrap();
    stmt.query_map([id.as_str()], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// A batch numbers its findings after everything stored, settled or not: here the first ends
/// on a pass and the second starts with a failure.
#[test]
fn a_batch_numbers_its_findings_after_the_settled_ones_before_it() {
    let (_dir, store) = temp_store();
    let findings = mixed_findings(1);
    let cut = (1..findings.len())
        .find(|&i| findings[i].outcome == Outcome::Fail && findings[i - 1].outcome == Outcome::Pass)
        .expect("a failure right after a pass");
    let id = appended_in_two_batches(&store, &findings, cut);
    assert_eq!(
        stored_positions(&store, &id),
        (0..findings.len() as i64).collect::<Vec<_>>()
    );
    let all = FindingFilter::default();
    assert_eq!(store.findings(&id, &all, usize::MAX, 0).unwrap(), findings);
}

/// A pass whose weight is not a number is refused as it was when every finding was a row
/// (the batch is not stored), rather than stored as JSON that no read could decode.
#[test]
fn a_settled_finding_with_a_weight_that_is_not_a_number_is_refused() {
    let (_dir, store) = temp_store();
    let id = running_report(&store, "https://site.example/");
    let mut findings = mixed_findings(1);
    let pass = findings
        .iter()
        .position(|f| f.outcome == Outcome::Pass)
        .unwrap();
    findings[pass].weight = f64::NAN;
    assert!(store.append(&id, &findings, &[]).is_err());
    assert_eq!(
        store
            .count_findings(&id, &FindingFilter::default())
            .unwrap(),
        0
    );
}

#[test]
fn a_file_that_is_not_a_database_is_named_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("garbage.db");
    std::fs::write(&file, "this is a text file, not SQLite\n".repeat(100)).unwrap();
    let err = Store::open(&file).unwrap_err();
    assert!(matches!(err, StoreError::NotADatabase { .. }), "{err:?}");
    let message = err.to_string();
    assert!(
        message.starts_with(&format!("{} is not a webaudit database", file.display())),
        "{message}"
    );
    assert!(message.contains("--db"), "{message}");
    // The file is left as it was.
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .starts_with("this is a text file")
    );
}

#[test]
fn another_programs_sqlite_database_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("other.db");
    let tables = |file: &std::path::Path| -> Vec<String> {
        let conn = rusqlite::Connection::open(file).unwrap();
        let mut names = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .unwrap();
        names
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    // Another program's tables, one of them even named like ours.
    rusqlite::Connection::open(&file)
        .unwrap()
        .execute_batch("CREATE TABLE notes (body TEXT); CREATE TABLE reports (x INTEGER);")
        .unwrap();
    let err = Store::open(&file).unwrap_err();
    assert!(matches!(err, StoreError::NotADatabase { .. }), "{err:?}");
    let message = err.to_string();
    assert!(
        message.contains("another program's SQLite database"),
        "{message}"
    );
    assert!(!message.contains("CREATE"), "{message}");
    assert_eq!(tables(&file), ["notes", "reports"]);
    // An empty SQLite file is fine: it becomes a webaudit database.
    let empty = dir.path().join("empty.db");
    rusqlite::Connection::open(&empty).unwrap();
    Store::open(&empty).unwrap();
}

/// Where permissions apply (not as root), a database that cannot be written says so at once.
#[cfg(unix)]
#[test]
fn a_read_only_database_says_so() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, store) = temp_store();
    let path = store.path().to_owned();
    drop(store);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    if std::fs::OpenOptions::new().write(true).open(&path).is_ok() {
        eprintln!("skipped: permissions do not apply to this user (root?)");
        return;
    }
    match Store::open(&path) {
        // SQLite reads a read-only file; writing then fails at once, naming the file.
        Ok(store) => {
            let filter = ListFilter {
                owner: LOCAL_OWNER.into(),
                ..ListFilter::default()
            };
            assert!(store.list_reports(&filter, 10, None).is_ok());
            let report = NewReport {
                id: ReportId::generate(),
                owner: LOCAL_OWNER.into(),
                url: "https://a.example/".into(),
                site: "https://a.example".into(),
                created_at: Utc::now(),
                status: Status::Queued,
                options: serde_json::json!({}),
            };
            let refused = store.create_report(&report).unwrap_err().in_file(&path);
            assert!(
                refused
                    .to_string()
                    .starts_with(&format!("the database {} is read-only", path.display())),
                "{refused}"
            );
        }
        Err(err) => assert!(matches!(err, StoreError::ReadOnly { .. }), "{err:?}"),
    }
    drop(dir);
}

#[test]
fn a_token_name_is_taken_until_its_token_is_revoked() {
    let (_dir, store) = temp_store();
    let first = token_record("ci-bot", 1);
    assert!(store.insert_token(&first).unwrap());
    assert!(!store.insert_token(&token_record("ci-bot", 2)).unwrap());
    assert_eq!(store.list_tokens().unwrap().len(), 1);
    assert!(matches!(
        store.revoke_token("ci-bot").unwrap(),
        Revocation::Revoked(t) if t.id == first.id
    ));
    assert!(store.insert_token(&token_record("ci-bot", 3)).unwrap());
    assert_eq!(store.revoke_token("nobody").unwrap(), Revocation::NoMatch);
}

#[test]
fn revoking_a_name_several_active_tokens_share_revokes_none() {
    let (_dir, store) = temp_store();
    // Databases from before names were unique among active tokens can share one.
    let older = token_record("ci-bot", 1);
    let newer = token_record("other", 2);
    assert!(store.insert_token(&older).unwrap());
    assert!(store.insert_token(&newer).unwrap());
    store
        .conn()
        .unwrap()
        .execute("UPDATE tokens SET name = 'ci-bot'", [])
        .unwrap();
    let Revocation::Ambiguous(matched) = store.revoke_token("ci-bot").unwrap() else {
        panic!("a shared name revoked a token");
    };
    let ids: Vec<&str> = matched.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, [older.id.as_str(), newer.id.as_str()]);
    assert!(
        store
            .list_tokens()
            .unwrap()
            .iter()
            .all(|t| t.revoked_at.is_none())
    );
    // Each can still be revoked by its id.
    assert!(matches!(
        store.revoke_token(&older.id).unwrap(),
        Revocation::Revoked(t) if t.id == older.id
    ));
    assert!(matches!(
        store.revoke_token("ci-bot").unwrap(),
        Revocation::Revoked(t) if t.id == newer.id
    ));
}

/// A token record numbered `n` (ids and prefixes in creation order).
fn token_record(name: &str, n: u32) -> TokenRecord {
    let prefix = format!("wa_{n:08x}");
    TokenRecord {
        id: format!("tok_{n:026}"),
        name: name.into(),
        owner: name.into(),
        hash: format!("{prefix}-hash"),
        prefix,
        created_at: Utc::now(),
        last_used_at: None,
        revoked_at: None,
    }
}
