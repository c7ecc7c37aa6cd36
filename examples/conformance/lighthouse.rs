//! Lighthouse's SEO and accessibility smoke pages against the rules that mirror each audit.
//!
//! Each smoke test is a fixture page with response headers and, per audit, the expected score
//! (1, 0, or null for not applicable) and often the number of failing items. A page is built
//! in memory with the fixture's URL, status and headers, and the origin's robots.txt. For each
//! audit that a rule of the test's category mirrors (its Lighthouse reference), the score is
//! one expectation and the item count another. Audits that need rendering are skipped and
//! listed. A page that answers with an error status is refused by webaudit as by Lighthouse.
//! "Informative" audits keep score 1 upstream but list items: there the items are
//! compared with our failures plus items to review.

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use serde_json::Value;
use webaudit::engine::page::{OriginFacts, Page, Probe};
use webaudit::engine::rules::{Check, Rule, catalogue};
use webaudit::report::{Category, Outcome};

use crate::Tally;

fn category_of(test: &Value) -> Category {
    if test["categories"]
        .as_array()
        .is_some_and(|c| c.iter().any(|v| v == "accessibility"))
    {
        Category::Accessibility
    } else {
        Category::Seo
    }
}

fn mirroring(category: Category, audit: &str) -> Option<&'static Rule> {
    catalogue()
        .iter()
        .find(|r| r.category == category && r.refs.lighthouse == Some(audit))
}

fn build_page(dir: &Path, test: &Value, robots: &str) -> anyhow::Result<Page> {
    let fixture = test["fixture"].as_str().context("test without fixture")?;
    let html =
        std::fs::read_to_string(dir.join(fixture)).with_context(|| format!("reading {fixture}"))?;
    let mut headers = vec![(
        "content-type".to_owned(),
        "text/html; charset=utf-8".to_owned(),
    )];
    for pair in test["response"]["extra_headers"]
        .as_array()
        .into_iter()
        .flatten()
    {
        headers.push((
            pair[0].as_str().unwrap_or_default().to_owned(),
            pair[1].as_str().unwrap_or_default().to_owned(),
        ));
    }
    let header_refs: Vec<(&str, &str)> = headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let url = test["final_url"]
        .as_str()
        .context("test without final_url")?;
    let mut page = Page::from_html(url, &html).with_headers(&header_refs);
    page.status = test["response"]["status"].as_u64().unwrap_or(200) as u16;
    page.origin = Arc::new(OriginFacts {
        robots_txt: Some(Probe {
            url: url::Url::parse(url)
                .ok()
                .and_then(|u| u.join("/robots.txt").ok()),
            status: Some(200),
            text: robots.to_owned(),
            ..Probe::default()
        }),
        ..OriginFacts::default()
    });
    Ok(page)
}

fn outcome_name(check: &Check) -> &'static str {
    match check.outcome {
        Outcome::Pass => "pass",
        Outcome::Fail => "fail",
        Outcome::NotApplicable => "not applicable",
        Outcome::Review => "review",
    }
}

/// Compares one audit; prints disagreements when verbose.
fn compare(
    tally: &mut Tally,
    test_id: &str,
    audit: &str,
    expected: &Value,
    check: &Check,
    verbose: bool,
) {
    let informative = expected["informative"].as_bool().unwrap_or(false);
    let score = expected["score"].as_i64();
    if !informative {
        let agreed = match score {
            Some(1) => matches!(check.outcome, Outcome::Pass | Outcome::NotApplicable),
            Some(0) => check.outcome == Outcome::Fail,
            _ => check.outcome == Outcome::NotApplicable,
        };
        tally.record(agreed);
        if !agreed && verbose {
            println!(
                "    {test_id} {audit}: score {score:?} upstream, {} here",
                outcome_name(check)
            );
        }
    }
    let want = expected
        .get("static_engine_item_count")
        .or_else(|| expected.get("item_count"))
        .and_then(Value::as_u64);
    if let Some(want) = want {
        let failures = if check.outcome == Outcome::Fail {
            check.failures.len()
        } else {
            0
        };
        let got = failures + if informative { check.reviews.len() } else { 0 };
        let agreed = got as u64 == want;
        tally.record(agreed);
        if !agreed && verbose {
            println!("    {test_id} {audit}: {want} items upstream, {got} here");
            for e in check.failures.iter().chain(&check.reviews) {
                println!(
                    "      - {} {}",
                    e.selector.as_deref().unwrap_or("-"),
                    e.detail.as_deref().unwrap_or("")
                );
            }
        }
    }
}

/// Runs every smoke test and prints the agreement per test.
pub fn run(dir: &Path, verbose: bool) -> anyhow::Result<Tally> {
    println!("Lighthouse smoke pages ({})", dir.display());
    let expectations: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("expectations.json"))?)?;
    let robots = std::fs::read_to_string(dir.join("robots.txt")).unwrap_or_default();
    let mut total = Tally::default();
    for test in expectations["tests"].as_array().into_iter().flatten() {
        let id = test["id"].as_str().unwrap_or("?");
        let category = category_of(test);
        let page = build_page(dir, test, &robots)?;
        let mut tally = Tally::default();
        if page.status >= 400 {
            // webaudit refuses to audit a document that answers with an error status
            // (`LoadError::Status`, exercised by the CLI tests), as Lighthouse does: every
            // expectation is "not applicable".
            let audits = test["audits"].as_object().into_iter().flatten();
            for (_, expected) in audits {
                tally.record(expected["score"].is_null());
            }
            println!(
                "  {id:<20} {tally} (HTTP {}: the page is refused)",
                page.status
            );
            total.add(tally);
            continue;
        }
        let mut unmapped = Vec::new();
        let mut rendering = Vec::new();
        for (audit, expected) in test["audits"].as_object().into_iter().flatten() {
            if expected["needs_rendering"].as_bool().unwrap_or(false) {
                rendering.push(audit.as_str());
                continue;
            }
            let Some(rule) = mirroring(category, audit) else {
                unmapped.push(audit.as_str());
                continue;
            };
            let check = (rule.check)(&page);
            compare(&mut tally, id, audit, expected, &check, verbose);
        }
        println!("  {id:<20} {tally}");
        if !rendering.is_empty() {
            println!("      needs rendering (skipped): {}", rendering.join(", "));
        }
        if !unmapped.is_empty() {
            println!("      no webaudit rule: {}", unmapped.join(", "));
        }
        total.add(tally);
    }
    println!("  lighthouse total: {total}");
    Ok(total)
}
