//! The streamed renderings against the whole-report ones.

use std::io;

use chrono::Utc;

use super::*;
use crate::engine::rules;
use crate::report::{Evidence, PageReport, ReportId, Scores, Severity, Status};
use crate::store::tests::page_report;

fn page(url: &str) -> PageReport {
    let scores = Scores {
        seo: Some(90),
        overall: Some(90),
        ..Scores::default()
    };
    PageReport {
        notes: vec!["a \"note\"\nover two lines".into()],
        ..page_report(url, scores)
    }
}

/// A two-page report with every outcome and evidence that needs escaping.
fn report() -> Report {
    let urls = ["https://site.example/", "https://site.example/ü?q=\"x\""];
    let rules = rules::catalogue();
    let mut findings = Vec::new();
    for (p, url) in urls.iter().enumerate() {
        for (i, rule) in rules.iter().step_by(7).enumerate().take(12) {
            let outcome = [
                Outcome::Fail,
                Outcome::Pass,
                Outcome::Review,
                Outcome::NotApplicable,
            ][(i + p) % 4];
            let evidence = Evidence {
                selector: (i % 2 == 0).then(|| format!("main > p:nth-child({i})")),
                snippet: (i % 3 == 0).then(|| "<p class=\"x\">line\nnext\ttab</p>".to_owned()),
                value: (i % 5 == 0).then_some(i as f64 + 0.25),
                detail: (i % 4 == 0)
                    .then(|| "a | pipe, a \"quote\", <center>, [x](javascript:y) and é".to_owned()),
                ..Evidence::default()
            };
            let score = (outcome == Outcome::Fail).then_some(0.5);
            let severity = Severity::DESCENDING[i % 4];
            findings.push(rule.finding(url, outcome, severity, score, evidence));
        }
    }
    Report {
        id: ReportId::generate(),
        url: urls[0].into(),
        status: Status::Completed,
        created_at: Utc::now(),
        completed_at: Some(Utc::now()),
        error_message: None,
        scores: Some(Scores {
            seo: Some(88),
            overall: Some(88),
            ..Scores::default()
        }),
        security_grade: Some("B".into()),
        observatory_score: Some(70),
        pages: urls.iter().map(|u| page(u)).collect(),
        findings,
        engine_version: "test".into(),
    }
}

fn written(f: impl FnOnce(&mut Vec<u8>) -> Result<(), ExportError>) -> String {
    let mut out = Vec::new();
    f(&mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn streamed_json_is_the_pretty_printed_report() {
    let full = report();
    let whole = serde_json::to_string_pretty(&full).unwrap();
    assert_eq!(json(&full), whole);
    // A report read without its findings, with the findings from elsewhere.
    let findings = full.findings.clone();
    let head = Report {
        findings: Vec::new(),
        ..full.clone()
    };
    assert_eq!(written(|out| write_json(&head, &findings, out)), whole);
    // No findings at all.
    assert_eq!(
        json(&head),
        serde_json::to_string_pretty(&head).unwrap(),
        "an empty list"
    );
    let parsed: Report = serde_json::from_str(&json(&full)).unwrap();
    assert_eq!(parsed, full);
}

#[test]
fn csv_lists_failures_first_then_the_rest_in_report_order() {
    let full = report();
    let text = csv(&full);
    let mut reader = ::csv::Reader::from_reader(text.as_bytes());
    let fingerprints: Vec<String> = reader
        .records()
        .map(|r| r.unwrap()[12].to_owned())
        .collect();
    let failing = full.findings.iter().filter(|f| f.outcome == Outcome::Fail);
    let others = full.findings.iter().filter(|f| f.outcome != Outcome::Fail);
    let expected: Vec<String> = failing
        .chain(others)
        .map(|f| f.fingerprint.clone())
        .collect();
    assert_eq!(fingerprints, expected);
}

/// Every outcome is in exactly one of the CSV's two passes (a new outcome must be placed).
#[test]
fn csv_passes_cover_every_outcome_once() {
    for outcome in [
        Outcome::Pass,
        Outcome::Fail,
        Outcome::NotApplicable,
        Outcome::Review,
    ] {
        let in_failing = match outcome {
            Outcome::Fail => true,
            Outcome::Pass | Outcome::NotApplicable | Outcome::Review => false,
        };
        assert_eq!(csv::FAILING.contains(&outcome), in_failing, "{outcome:?}");
        assert_eq!(
            csv::NOT_FAILING.contains(&outcome),
            !in_failing,
            "{outcome:?}"
        );
    }
}

#[test]
fn markdown_groups_failures_by_category_and_counts_the_rest() {
    let full = report();
    let text = markdown(&full, &[]);
    let failing: Vec<_> = full
        .findings
        .iter()
        .filter(|f| f.outcome == Outcome::Fail)
        .collect();
    let rows = text.lines().filter(|l| l.starts_with("| ")).count();
    let headers = Category::ALL
        .iter()
        .filter(|c| failing.iter().any(|f| f.category == **c))
        .count();
    // A header row per category with failures, a row per failure, the scores table and the
    // pages table.
    let pages = 1 + full.pages.len();
    assert_eq!(
        rows,
        headers + failing.len() + 1 + Category::ALL.len() + 1 + pages
    );
    for page in &full.pages {
        assert!(text.contains(&format!("| {} | 200 |", page.url)), "{text}");
    }
    let count = |o| full.findings.iter().filter(|f| f.outcome == o).count();
    assert!(text.contains(&format!(
        "{} rule results passed, {} did not apply, {} items need a person's review.",
        count(Outcome::Pass),
        count(Outcome::NotApplicable),
        count(Outcome::Review)
    )));
    assert!(text.contains("a \\| pipe"), "cells escape pipes");
    // The crawl's notes, each on one line.
    assert!(
        text.contains("- Note: a \"note\" over two lines\n"),
        "{text}"
    );
    // Markup and links quoted from pages are shown, not applied by a Markdown renderer.
    assert!(text.contains("&lt;center&gt;"), "{text}");
    assert!(!text.contains("<center>"), "{text}");
    assert!(text.contains("\\[x\\](javascript:y)"), "{text}");
    assert!(!text.contains(" [x]("), "{text}");
}

/// A writer that accepts `left` bytes, then fails.
struct Failing {
    left: usize,
}

impl io::Write for Failing {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if self.left == 0 {
            return Err(io::Error::new(io::ErrorKind::BrokenPipe, "gone"));
        }
        let n = data.len().min(self.left);
        self.left -= n;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn an_export_stops_at_the_first_failed_write_and_says_so() {
    let full = report();
    for format in [Format::Json, Format::Csv, Format::Markdown] {
        for left in [0, 100, 1_000] {
            let mut out = Failing { left };
            let result = write(format, &full, &[], &full.findings, &mut out);
            let error = result.expect_err(&format!("{format:?} after {left} bytes"));
            match error {
                ExportError::Write(e) => assert_eq!(e.kind(), io::ErrorKind::BrokenPipe),
                other => panic!("{format:?}: {other}"),
            }
        }
    }
}
