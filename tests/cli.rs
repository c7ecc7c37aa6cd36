//! The built `webaudit` binary: the example site, output formats, exit codes, bad input and the
//! stored reports.

use predicates::prelude::*;
use serde_json::Value;

use crate::common::{BackgroundServer, example_site, webaudit};

/// Audits the example site into `db`'s database and returns the report it printed as JSON.
fn audit_example_site(db: &tempfile::TempDir) -> Value {
    let output = webaudit(db)
        .args([
            "audit",
            example_site().to_str().unwrap(),
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    json_stdout(&output)
}

fn json_stdout(output: &std::process::Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

#[test]
fn audits_the_example_site_as_json_with_every_field() {
    let db = tempfile::tempdir().unwrap();
    let report = audit_example_site(&db);
    assert!(report["id"].as_str().unwrap().starts_with("rpt_"));
    assert_eq!(report["status"], "completed");
    assert!(report["url"].as_str().unwrap().starts_with("file:///"));
    for category in [
        "performance",
        "seo",
        "accessibility",
        "best_practices",
        "security",
        "overall",
    ] {
        let score = &report["scores"][category];
        assert!(
            score.as_u64().is_some_and(|s| s <= 100),
            "{category} score: {score}"
        );
    }
    // A folder is served by webaudit itself: the Observatory's header tests do not apply, so
    // it gets no Observatory score or grade.
    assert!(
        report["security_grade"].is_null(),
        "{}",
        report["security_grade"]
    );
    assert!(report["observatory_score"].is_null());
    // A directory is crawled: its six HTML files, and the 404 that /menu.html (a deliberate
    // broken link) answers with.
    assert_eq!(report["pages"].as_array().unwrap().len(), 7);
    // The listing counts the six audited pages, as the text summary does.
    let listed = webaudit(&db)
        .args(["reports", "list", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(json_stdout(&listed)[0]["pages"], 6);
    let findings = report["findings"].as_array().unwrap();
    let failing: Vec<&Value> = findings.iter().filter(|f| f["outcome"] == "fail").collect();
    assert!(!failing.is_empty());
    for f in findings {
        for field in [
            "rule_id",
            "category",
            "severity",
            "passed",
            "outcome",
            "title",
            "description",
            "page_url",
            "evidence",
            "recommendation",
            "references",
            "fingerprint",
        ] {
            assert!(f.get(field).is_some(), "finding lacks {field}: {f}");
        }
        for field in ["summary", "steps", "estimated_minutes"] {
            assert!(f["recommendation"].get(field).is_some(), "{f}");
        }
        for field in ["lighthouse", "axe", "wcag", "observatory"] {
            assert!(f["references"].get(field).is_some(), "{f}");
        }
    }
    // The deliberate problems of the example site are found.
    let failing_rules: Vec<&str> = failing
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap())
        .collect();
    for rule in [
        "performance.render-blocking-resources",
        "performance.unsized-images",
        "accessibility.image-alt",
        "seo.broken-internal-links",
        "seo.orphan-pages",
    ] {
        assert!(
            failing_rules.contains(&rule),
            "{rule} not in {failing_rules:?}"
        );
    }
    // Passed and not-applicable rules are reported too.
    assert!(findings.iter().any(|f| f["outcome"] == "pass"));
    assert!(findings.iter().any(|f| f["outcome"] == "not_applicable"));
}

#[test]
fn max_pages_limits_a_directory_crawl() {
    let db = tempfile::tempdir().unwrap();
    let output = webaudit(&db)
        .args([
            "audit",
            example_site().to_str().unwrap(),
            "--max-pages",
            "2",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(output.status.success());
    assert_eq!(json_stdout(&output)["pages"].as_array().unwrap().len(), 2);
    webaudit(&db)
        .args([
            "audit",
            example_site().to_str().unwrap(),
            "--max-pages",
            "0",
        ])
        .assert()
        .code(2);
    webaudit(&db)
        .args(["audit", example_site().to_str().unwrap(), "--include", "["])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a valid URL pattern"));
    webaudit(&db)
        .args(["audit", example_site().to_str().unwrap(), "--include", ""])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "an empty URL pattern matches nothing",
        ));
}

#[test]
fn crawl_options_without_a_crawl_are_named_in_a_warning() {
    use axum::response::Html;
    use axum::routing::get;
    let db = tempfile::tempdir().unwrap();
    let server = BackgroundServer::start(|| {
        axum::Router::new().route(
            "/",
            get(|| async {
                Html("<!doctype html><html lang=\"en\"><title>Home</title><a href=\"/blog/a\">a</a></html>")
            }),
        )
    });
    let url = server.url("/");
    let audit = |args: &[&str]| {
        let output = webaudit(&db)
            .args(["audit", &url, "--allow-private", "--format", "json"])
            .args(args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert!(output.status.success(), "{stderr}");
        (
            json_stdout(&output)["pages"].as_array().unwrap().len(),
            stderr,
        )
    };
    let (pages, stderr) = audit(&["--include", "/blog/**"]);
    assert_eq!(pages, 1);
    assert!(
        stderr.contains(
            "warning: --include only applies to site audits and is ignored here; \
             add --max-pages N to crawl"
        ),
        "{stderr}"
    );
    let (_, stderr) = audit(&[
        "--exclude",
        "*.pdf",
        "--include",
        "/a/**",
        "--include",
        "/b/**",
        "--max-depth",
        "2",
        "--ignore-robots",
    ]);
    assert!(
        stderr.contains(
            "warning: --include, --exclude, --max-depth and --ignore-robots only apply to site \
             audits and are ignored here; add --max-pages N to crawl"
        ),
        "{stderr}"
    );
    let (_, stderr) = audit(&["--max-pages", "1", "--max-depth", "2"]);
    assert!(
        stderr.contains("warning: --max-depth only applies to site audits and is ignored here; raise --max-pages above 1 to crawl"),
        "{stderr}"
    );
    // A crawl uses them; so does a directory audit, which crawls without --max-pages.
    let (_, stderr) = audit(&["--max-pages", "3", "--include", "/blog/**"]);
    assert!(!stderr.contains("warning"), "{stderr}");
    let output = webaudit(&db)
        .args([
            "audit",
            example_site().to_str().unwrap(),
            "--format",
            "json",
        ])
        .args([
            "--exclude",
            "/blog/**",
            "--max-depth",
            "3",
            "--ignore-robots",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(!stderr.contains("warning"), "{stderr}");
    // Without crawl options, nothing is said.
    let (_, stderr) = audit(&[]);
    assert!(!stderr.contains("warning"), "{stderr}");
}

#[test]
fn text_summary_shows_scores_fixes_and_where_it_is_stored() {
    let db = tempfile::tempdir().unwrap();
    webaudit(&db)
        .args(["audit", example_site().to_str().unwrap()])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("Performance")
                .and(predicate::str::contains("Overall"))
                .and(predicate::str::contains("Fix first"))
                .and(predicate::str::contains(
                    "security and HTTPS checks cover its HTML only",
                ))
                .and(predicate::str::contains("Stored as rpt_"))
                .and(predicate::str::contains(db.path().to_str().unwrap()))
                // Six HTML files audited; the broken link's 404 is checked, not counted as
                // an audited page, and listed with why.
                .and(predicate::str::contains(
                    "(6 pages audited, 1 more URL checked)",
                ))
                .and(predicate::str::contains("Not audited as pages"))
                .and(predicate::str::is_match(r"\n    /menu\.html — .*HTTP 404").unwrap())
                // No grade for a folder: the Observatory's header tests do not apply.
                .and(predicate::str::is_match(r"grade [A-F]").unwrap().not()),
        );
}

#[test]
fn markdown_output() {
    let db = tempfile::tempdir().unwrap();
    webaudit(&db)
        .args([
            "audit",
            example_site().to_str().unwrap(),
            "--format",
            "markdown",
        ])
        .assert()
        .success()
        .stdout(
            predicate::str::starts_with("# webaudit report: file:///")
                .and(predicate::str::contains("## Scores"))
                .and(predicate::str::contains("## Fix first"))
                .and(predicate::str::contains(
                    "- Pages audited: 6 (and 1 more URL checked",
                ))
                .and(predicate::str::contains("## Pages"))
                // Markup quoted from the pages is escaped, never applied.
                .and(predicate::str::contains("<center>").not()),
        );
}

#[test]
fn fail_under_exits_with_one() {
    let db = tempfile::tempdir().unwrap();
    let site = example_site();
    webaudit(&db)
        .args([
            "audit",
            site.to_str().unwrap(),
            "--fail-under",
            "100",
            "--format",
            "json",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("below --fail-under: overall"));
    webaudit(&db)
        .args([
            "audit",
            site.to_str().unwrap(),
            "--fail-under",
            "performance=1",
            "--format",
            "json",
        ])
        .assert()
        .code(0);
    webaudit(&db)
        .args(["audit", site.to_str().unwrap(), "--fail-under", "speed=3"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "unknown category `speed`; use one of overall, performance, seo, accessibility, \
             best_practices, security",
        ));
}

#[test]
fn bad_input_exits_with_two_and_says_what_to_do() {
    let db = tempfile::tempdir().unwrap();
    let cases = [
        ("http://exa mple.com/", "is neither a directory nor a URL"),
        ("ftp://example.com/", "the scheme `ftp:` is not supported"),
        ("example.com", "did you mean https://example.com"),
        ("Cargo.toml", "is a file"),
        ("src", "has no index.html"),
        ("/nonexistent/dir", "no such directory: /nonexistent/dir"),
        ("./nonexistent", "no such directory: ./nonexistent"),
        ("file:///nonexistent/", "does not exist"),
        ("http://user:pw@example.com/", "user name or password"),
        ("http://127.0.0.1:9/", "--allow-private"),
        (
            "http://169.254.169.254/latest/meta-data/",
            "never reachable",
        ),
    ];
    for (target, message) in cases {
        webaudit(&db)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(["audit", target])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(message));
    }
    webaudit(&db)
        .args(["reports", "show", "rpt_nope"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not a report id"));
}

#[test]
fn unreachable_target_exits_with_three_and_is_stored_as_failed() {
    let db = tempfile::tempdir().unwrap();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", closed.local_addr().unwrap());
    drop(closed);
    webaudit(&db)
        .args(["audit", &url, "--allow-private"])
        .assert()
        .code(3)
        .stderr(
            predicate::str::contains("could not connect")
                .and(predicate::str::contains("stored as failed report rpt_")),
        );
    let output = webaudit(&db)
        .args(["reports", "list", "--format", "json"])
        .output()
        .unwrap();
    let rows = json_stdout(&output);
    let row = &rows[0];
    assert_eq!(row["url"], url);
    assert_eq!(row["status"], "failed");
    assert!(
        row["error_message"]
            .as_str()
            .unwrap()
            .contains("could not connect")
    );
}

#[test]
fn non_html_and_error_statuses_exit_with_three() {
    use axum::routing::get;
    let server = BackgroundServer::start(|| {
        axum::Router::new()
            .route(
                "/file.pdf",
                get(|| async {
                    (
                        [(axum::http::header::CONTENT_TYPE, "application/pdf")],
                        "%PDF",
                    )
                }),
            )
            .route(
                "/gone",
                get(|| async { (axum::http::StatusCode::NOT_FOUND, "gone") }),
            )
    });
    let db = tempfile::tempdir().unwrap();
    webaudit(&db)
        .env("WEBAUDIT_ALLOW_PRIVATE", "1")
        .args(["audit", &server.url("/file.pdf")])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("not an HTML page"));
    webaudit(&db)
        .env("WEBAUDIT_ALLOW_PRIVATE", "true")
        .args(["audit", &server.url("/gone")])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("HTTP 404"));
}

#[test]
fn reports_list_show_and_delete() {
    let db = tempfile::tempdir().unwrap();
    let audited = audit_example_site(&db);
    let id = audited["id"].as_str().unwrap().to_owned();

    webaudit(&db)
        .args(["reports", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains(&id).and(predicate::str::contains("completed")));
    let shown = webaudit(&db)
        .args(["reports", "show", &id, "--format", "json"])
        .output()
        .unwrap();
    let report = json_stdout(&shown);
    assert_eq!(report["id"], id);
    assert_eq!(report["findings"], audited["findings"]);
    // A reader that stops early (`| head -c 100`) ends the export quietly.
    let mut early = std::process::Command::new(env!("CARGO_BIN_EXE_webaudit"))
        .args(["reports", "show", &id, "--format", "json"])
        .env("WEBAUDIT_DB", db.path().join("webaudit.db"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut start = [0u8; 100];
    std::io::Read::read_exact(early.stdout.as_mut().unwrap(), &mut start).unwrap();
    assert_eq!(&start[..], &shown.stdout[..100]);
    drop(early.stdout.take());
    let ended = early.wait_with_output().unwrap();
    assert!(
        shown.stdout.len() > 256 * 1024,
        "larger than the pipe and the output buffer, so the export meets the closed pipe"
    );
    assert!(ended.status.success(), "{ended:?}");
    assert!(ended.stderr.is_empty(), "{ended:?}");
    webaudit(&db)
        .args(["reports", "list", "--format", "markdown"])
        .assert()
        .success()
        .stdout(
            predicate::str::starts_with("| id | created (UTC) | status | overall | url |\n")
                .and(predicate::str::contains(format!("| `{id}` |")))
                .and(predicate::str::contains("| completed |"))
                .and(predicate::str::contains("ID ").not()),
        );
    webaudit(&db)
        .args(["reports", "show", &id])
        .assert()
        .success()
        .stdout(predicate::str::contains("Fix first"));
    webaudit(&db)
        .args(["reports", "delete", &id])
        .assert()
        .success();
    webaudit(&db)
        .args(["reports", "show", &id])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("webaudit reports list"));
}

#[test]
fn rules_catalogue_lists_every_rule_with_references() {
    let db = tempfile::tempdir().unwrap();
    let output = webaudit(&db)
        .args(["rules", "--format", "json"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let rules = json_stdout(&output);
    let rules = rules.as_array().unwrap();
    for category in [
        "performance",
        "seo",
        "accessibility",
        "best_practices",
        "security",
    ] {
        let n = rules.iter().filter(|r| r["category"] == category).count();
        assert!(n >= 8, "{category}: {n} rules");
    }
    assert!(
        rules
            .iter()
            .all(|r| r["references"].is_object() && r["fix"]["steps"].is_array())
    );
    webaudit(&db).args(["rules"]).assert().success().stdout(
        predicate::str::contains("performance.server-response-time")
            .and(predicate::str::contains("lighthouse:server-response-time")),
    );
    // Weights have at most two decimals, in the table (`text`, once called `table`) and in
    // Markdown.
    for format in ["text", "table", "markdown"] {
        let output = webaudit(&db)
            .args(["rules", "--format", format])
            .output()
            .unwrap();
        assert!(output.status.success(), "{format}: {output:?}");
        let stdout = String::from_utf8(output.stdout).unwrap();
        let weights: Vec<&str> = stdout
            .lines()
            .filter(|line| line.contains("seo.") || line.contains("security."))
            .map(|line| {
                let columns: Vec<&str> = line.split([' ', '|']).filter(|c| !c.is_empty()).collect();
                columns[3]
            })
            .collect();
        assert!(weights.len() > 20, "{format}: {stdout}");
        for weight in weights {
            let decimals = weight.split_once('.').map_or(0, |(_, d)| d.len());
            assert!(
                weight.parse::<f64>().is_ok() && decimals <= 2,
                "{format}: weight `{weight}`"
            );
        }
    }
    webaudit(&db)
        .args(["rules", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("- text:").and(predicate::str::contains("- table").not()));
    webaudit(&db)
        .args(["rules", "--format", "markdown", "--category", "performance"])
        .assert()
        .success()
        .stdout(predicate::str::contains("| `performance.dom-size` |"));
}

#[test]
fn schema_and_help() {
    let db = tempfile::tempdir().unwrap();
    let output = webaudit(&db).arg("schema").output().unwrap();
    let schema = json_stdout(&output);
    assert_eq!(schema["title"], "Report");
    assert!(schema["properties"]["findings"].is_object());
    for args in [
        vec!["--help"],
        vec!["audit", "--help"],
        vec!["reports", "--help"],
        vec!["reports", "list", "--help"],
        vec!["rules", "--help"],
    ] {
        webaudit(&db)
            .args(&args)
            .assert()
            .success()
            .stdout(predicate::str::contains("Usage"));
    }
    webaudit(&db).arg("frobnicate").assert().code(2);
}

/// Sends SIGINT to `child`, as Ctrl-C at a terminal does.
fn interrupt(child: &std::process::Child) {
    let sent = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
}

/// Waits until `hits` reaches `at_least` (the server saw that many requests).
fn wait_for_hits(hits: &std::sync::atomic::AtomicUsize, at_least: usize) {
    let started = std::time::Instant::now();
    while hits.load(std::sync::atomic::Ordering::SeqCst) < at_least {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(60),
            "the server saw fewer than {at_least} requests"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

/// Runs `webaudit audit URL --allow-private ARGS…` in the background with its output piped.
fn spawn_audit(db: &tempfile::TempDir, url: &str, args: &[&str]) -> std::process::Child {
    std::process::Command::new(env!("CARGO_BIN_EXE_webaudit"))
        .args(["audit", url, "--allow-private"])
        .args(args)
        .env("WEBAUDIT_DB", db.path().join("webaudit.db"))
        .env("NO_COLOR", "1")
        .env_remove("WEBAUDIT_LOG")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}

/// A site whose start page links to 40 pages: the first 12 take 300 ms each, the rest a minute
/// (so a crawl cannot end before it is interrupted, however slow the machine); `hits` counts
/// the requests for those pages, and for the start page too when `slow_start` makes it take a
/// minute.
fn slow_site(
    hits: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    slow_start: bool,
) -> BackgroundServer {
    use axum::extract::Path;
    use axum::response::Html;
    use axum::routing::get;
    use std::sync::atomic::Ordering;
    BackgroundServer::start(move || {
        let links: String = (0..40)
            .map(|i| format!("<a href=\"/p/{i}\">page {i}</a> "))
            .collect();
        let start_hits = hits.clone();
        axum::Router::new()
            .route(
                "/",
                get(move || async move {
                    if slow_start {
                        start_hits.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(std::time::Duration::from_secs(60)).await;
                    }
                    Html(format!(
                        "<!doctype html><html lang=en><title>Start</title><body>{links}</body></html>"
                    ))
                }),
            )
            .route(
                "/p/{n}",
                get(move |Path(n): Path<u32>| {
                    let hits = hits.clone();
                    async move {
                        hits.fetch_add(1, Ordering::SeqCst);
                        let wait = if n < 12 { 300 } else { 60_000 };
                        tokio::time::sleep(std::time::Duration::from_millis(wait)).await;
                        Html(format!(
                            "<!doctype html><html lang=en><title>Page {n}</title><body><p>Page {n}</p></body></html>"
                        ))
                    }
                }),
            )
    })
}

#[test]
fn ctrl_c_stops_a_crawl_and_stores_the_pages_already_audited() {
    let hits = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let server = slow_site(hits.clone(), false);
    let db = tempfile::tempdir().unwrap();
    let child = spawn_audit(&db, &server.url("/"), &["--max-pages", "41"]);
    // Four pages at a time: once ten were asked for, the crawl is among the slow ones.
    wait_for_hits(&hits, 10);
    interrupt(&child);
    let output = child.wait_with_output().unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    assert!(
        stderr.contains("Stopping: pages in progress are dropped"),
        "{stderr}"
    );
    assert!(stderr.contains("Stopped early"), "{stderr}");
    assert!(
        stdout.contains("the audit was stopped before the end"),
        "{stdout}"
    );
    // Stored complete, with the pages checked before the stop and not the rest.
    let listed = webaudit(&db)
        .args(["reports", "list", "--format", "json"])
        .output()
        .unwrap();
    let rows = json_stdout(&listed);
    assert_eq!(rows[0]["status"], "completed", "{rows}");
    let pages = rows[0]["pages"].as_u64().unwrap();
    assert!((2..=13).contains(&pages), "{pages} pages stored");
}

#[test]
fn ctrl_c_before_the_first_page_is_checked_stores_a_failed_report() {
    let hits = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let server = slow_site(hits.clone(), true);
    let db = tempfile::tempdir().unwrap();
    let child = spawn_audit(&db, &server.url("/"), &[]);
    wait_for_hits(&hits, 1);
    interrupt(&child);
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    assert!(
        stderr.contains("stopped before its first page was checked"),
        "{stderr}"
    );
    let listed = webaudit(&db)
        .args(["reports", "list", "--format", "json"])
        .output()
        .unwrap();
    let rows = json_stdout(&listed);
    assert_eq!(rows[0]["status"], "failed", "{rows}");
}

#[test]
fn a_report_still_running_is_shown_as_not_finished() {
    use webaudit::report::{ReportId, Status};
    use webaudit::store::{NewReport, Store};
    let db = tempfile::tempdir().unwrap();
    let store = Store::open(&db.path().join("webaudit.db")).unwrap();
    let id = ReportId::generate();
    store
        .create_report(&NewReport {
            id: id.clone(),
            owner: "local".into(),
            url: "https://site.example/".into(),
            site: "https://site.example".into(),
            created_at: chrono::Utc::now(),
            status: Status::Running,
            options: serde_json::json!({"target": "https://site.example/"}),
        })
        .unwrap();
    webaudit(&db)
        .args(["reports", "show", id.as_str()])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("has not finished: it is running")
                .and(predicate::str::contains("Well done").not()),
        );
}

#[test]
fn a_file_that_is_not_a_database_fails_at_once_with_one_line() {
    let db = tempfile::tempdir().unwrap();
    let garbage = db.path().join("garbage.db");
    std::fs::write(&garbage, "not a database\n".repeat(200)).unwrap();
    let output = webaudit(&db)
        .args(["--db", garbage.to_str().unwrap(), "reports", "list"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(
        stderr,
        format!(
            "error: {} is not a webaudit database (file is not a database); pass another --db \
             path (or set WEBAUDIT_DB), or move the file away\n",
            garbage.display()
        )
    );
    assert!(!stderr.contains("r2d2"), "{stderr}");
}

#[test]
fn token_names_are_unique_among_active_tokens() {
    let db = tempfile::tempdir().unwrap();
    let create = |name: &str| {
        webaudit(&db)
            .args(["token", "create", "--name", name])
            .output()
            .unwrap()
    };
    assert!(create("ci-bot").status.success());
    let again = create("ci-bot");
    assert_eq!(again.status.code(), Some(2), "{again:?}");
    assert!(
        String::from_utf8_lossy(&again.stderr)
            .contains("an active token is already named `ci-bot`; pick another --name"),
        "{again:?}"
    );
    assert!(again.stdout.is_empty(), "no token is printed: {again:?}");
    webaudit(&db)
        .args(["token", "revoke", "ci-bot"])
        .assert()
        .success();
    // Once revoked, its name is free again.
    assert!(create("ci-bot").status.success());
    assert_eq!(active_tokens(&db).len(), 1);
}

#[test]
fn revoking_a_name_that_several_active_tokens_share_revokes_none() {
    let db = tempfile::tempdir().unwrap();
    for name in ["bot-a", "bot-b"] {
        webaudit(&db)
            .args(["token", "create", "--name", name])
            .assert()
            .success();
    }
    // As an older database may have them: two active tokens with one name.
    rusqlite::Connection::open(db.path().join("webaudit.db"))
        .unwrap()
        .execute("UPDATE tokens SET name = 'ci-bot'", [])
        .unwrap();
    let ids = active_tokens(&db);
    assert_eq!(ids.len(), 2);
    webaudit(&db)
        .args(["token", "revoke", "ci-bot"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("matches 2 active tokens, so none was revoked")
                .and(predicate::str::contains(&ids[0]))
                .and(predicate::str::contains(&ids[1])),
        );
    assert_eq!(active_tokens(&db), ids);
    webaudit(&db)
        .args(["token", "revoke", &ids[0]])
        .assert()
        .success();
    assert_eq!(active_tokens(&db), [ids[1].clone()]);
}

/// The ids of the active tokens in the test database, oldest first.
fn active_tokens(db: &tempfile::TempDir) -> Vec<String> {
    let conn = rusqlite::Connection::open(db.path().join("webaudit.db")).unwrap();
    let mut stmt = conn
        .prepare("SELECT id FROM tokens WHERE revoked_at IS NULL ORDER BY id")
        .unwrap();
    stmt.query_map([], |row| row.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn output_to_a_closed_pipe_ends_quietly() {
    let db = tempfile::tempdir().unwrap();
    for args in [
        vec!["rules"],
        vec!["rules", "--format", "json"],
        vec!["rules", "--format", "markdown"],
        vec!["schema"],
        vec!["reports", "list"],
        vec!["reports", "list", "--format", "json"],
        vec!["reports", "list", "--format", "markdown"],
        vec!["token", "list"],
    ] {
        // A pipe whose reader is gone before the command writes (`webaudit rules | head -0`).
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_webaudit"))
            .args(&args)
            .env("WEBAUDIT_DB", db.path().join("webaudit.db"))
            .env("NO_COLOR", "1")
            .stdout(writer)
            .output()
            .unwrap();
        assert!(output.status.success(), "{args:?}: {output:?}");
        assert!(output.stderr.is_empty(), "{args:?}: {output:?}");
    }
}

#[test]
fn a_url_with_a_password_is_refused_and_never_stored() {
    let db = tempfile::tempdir().unwrap();
    for private in ["0", "1"] {
        webaudit(&db)
            .env("WEBAUDIT_ALLOW_PRIVATE", private)
            .args(["audit", "http://user:s3cret@127.0.0.1:8765/"])
            .assert()
            .code(2)
            .stderr(
                predicate::str::contains("user name or password")
                    .and(predicate::str::contains("http://user:***@127.0.0.1:8765/"))
                    .and(predicate::str::contains("s3cret").not())
                    .and(predicate::str::contains("stored as failed").not()),
            );
    }
    let output = webaudit(&db)
        .args(["reports", "list", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(json_stdout(&output), serde_json::json!([]));
    for entry in std::fs::read_dir(db.path()).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        assert!(!bytes.windows(6).any(|w| w == b"s3cret"));
    }
}

#[test]
fn an_empty_listing_says_whether_the_filters_matched_nothing() {
    let db = tempfile::tempdir().unwrap();
    webaudit(&db)
        .args(["reports", "list"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("No reports yet."));
    for filters in [
        vec!["--status", "failed"],
        vec!["--url", "https://example.com/"],
    ] {
        webaudit(&db)
            .args(["reports", "list"])
            .args(&filters)
            .assert()
            .success()
            .stdout(
                predicate::str::starts_with("No reports match these filters")
                    .and(predicate::str::contains("No reports yet").not()),
            );
    }
}

#[test]
fn reports_list_help_describes_its_own_formats() {
    let db = tempfile::tempdir().unwrap();
    webaudit(&db)
        .args(["reports", "list", "--help"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("markdown")
                .and(predicate::str::contains("A Markdown table"))
                .and(predicate::str::contains("summaries"))
                .and(predicate::str::contains("(text or json)").not())
                .and(predicate::str::contains("The full report").not()),
        );
}

#[test]
fn a_folder_report_names_its_files_the_same_way_in_every_run() {
    let db = tempfile::tempdir().unwrap();
    let run = || {
        let report = audit_example_site(&db);
        // The loopback server's passing port appears nowhere.
        let text = report.to_string();
        assert!(!text.contains("127.0.0.1"), "{text}");
        report
    };
    let (first, second) = (run(), run());
    let folder = first["url"].as_str().unwrap().to_owned();
    // (Pages are listed in the order they were checked, which concurrency may change.)
    let pages = |report: &Value| -> Vec<String> {
        let mut urls: Vec<String> = report["pages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["url"].as_str().unwrap().to_owned())
            .collect();
        urls.sort();
        urls
    };
    assert!(pages(&first).iter().all(|url| url.starts_with(&folder)));
    assert!(pages(&first).contains(&format!("{folder}menu.html")));
    assert_eq!(pages(&first), pages(&second));
    let fingerprints = |report: &Value| -> Vec<String> {
        let mut all: Vec<String> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["fingerprint"].as_str().unwrap().to_owned())
            .collect();
        all.sort();
        all
    };
    assert_eq!(fingerprints(&first), fingerprints(&second));
}

#[test]
fn a_report_is_found_by_its_id_in_lower_case() {
    let db = tempfile::tempdir().unwrap();
    let audited = audit_example_site(&db);
    let id = audited["id"].as_str().unwrap().to_owned();
    let lower = id.to_lowercase();
    assert_ne!(lower, id);
    let shown = webaudit(&db)
        .args(["reports", "show", &lower, "--format", "json"])
        .output()
        .unwrap();
    assert!(shown.status.success(), "{shown:?}");
    assert_eq!(json_stdout(&shown)["id"], id);
    webaudit(&db)
        .args(["reports", "delete", &lower])
        .assert()
        .success()
        .stdout(format!("deleted {id}\n"));
}

#[test]
fn reports_list_shows_a_directory_as_its_local_path() {
    let db = tempfile::tempdir().unwrap();
    let parent = tempfile::tempdir().unwrap();
    let site = parent.path().join("site copy é");
    std::fs::create_dir(&site).unwrap();
    std::fs::write(
        site.join("index.html"),
        "<!DOCTYPE html><html lang=\"en\"><head><title>Copy</title></head><body><p>Hi</p></body></html>",
    )
    .unwrap();
    webaudit(&db)
        .args(["audit", site.to_str().unwrap()])
        .assert()
        .success();
    let shown = format!("{}/", site.canonicalize().unwrap().display());
    webaudit(&db)
        .args(["reports", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains(&shown).and(predicate::str::contains("%20").not()));
    let listed = webaudit(&db)
        .args(["reports", "list", "--format", "json"])
        .output()
        .unwrap();
    let url = json_stdout(&listed)[0]["url"].as_str().unwrap().to_owned();
    assert!(url.starts_with("file://"), "{url}");
    assert!(url.ends_with("/site%20copy%20%C3%A9/"), "{url}");
}

/// Whether `error` (of `chown` or of spawning a process as another user) says that this process
/// may not act as `nobody` here: no CAP_SETUID or CAP_CHOWN (EPERM), a user namespace that does
/// not map the uid (EINVAL), or a binary or directory `nobody` cannot reach (EACCES).
#[cfg(unix)]
fn cannot_act_as_nobody(error: &std::io::Error) -> bool {
    const EPERM: i32 = 1;
    const EACCES: i32 = 13;
    const EINVAL: i32 = 22;
    matches!(error.raw_os_error(), Some(EPERM | EACCES | EINVAL))
}

/// A database the server's user cannot write (in a directory it can): `serve` refuses to start
/// with one error naming the file. As root (who writes any file) the server runs as `nobody`;
/// otherwise the file is made read-only. When root may not run it as `nobody` here, the test is
/// skipped with a line on stderr saying why.
#[cfg(unix)]
#[test]
fn serve_names_a_database_it_cannot_write() {
    use assert_cmd::assert::OutputAssertExt;
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    use std::os::unix::process::CommandExt;
    const NOBODY: u32 = 65534;

    let dir = tempfile::tempdir().unwrap();
    webaudit(&dir).args(["reports", "list"]).assert().success();
    let db = dir.path().join("webaudit.db");
    let mut serve = std::process::Command::new(env!("CARGO_BIN_EXE_webaudit"));
    serve
        .env_remove("WEBAUDIT_LOG")
        .env("NO_COLOR", "1")
        .env("WEBAUDIT_DB", &db)
        .args(["serve", "--http", "127.0.0.1:0"]);
    let as_nobody = std::fs::metadata(&db).unwrap().uid() == 0;
    if as_nobody {
        if let Err(e) = std::os::unix::fs::chown(dir.path(), Some(NOBODY), Some(NOBODY)) {
            if cannot_act_as_nobody(&e) {
                eprintln!("skipped: root cannot give a directory to uid {NOBODY} here ({e})");
                return;
            }
            panic!("chown to uid {NOBODY}: {e}");
        }
        serve.uid(NOBODY).gid(NOBODY);
    } else {
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o444)).unwrap();
    }
    let output = assert_cmd::Command::from_std(serve)
        .timeout(std::time::Duration::from_secs(30))
        .output();
    let output = match output {
        Ok(output) => output,
        Err(e) if as_nobody && cannot_act_as_nobody(&e) => {
            eprintln!("skipped: cannot run the server as uid {NOBODY} here ({e})");
            return;
        }
        Err(e) => panic!("could not run {}: {e}", env!("CARGO_BIN_EXE_webaudit")),
    };
    output
        .assert()
        .failure()
        .stderr(predicate::str::starts_with(format!(
            "error: the database {} is read-only",
            db.display()
        )));
}
