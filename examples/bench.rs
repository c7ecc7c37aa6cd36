//! Benchmarks of webaudit, reported as medians over repeated runs (never asserted in tests).
//!
//! ```sh
//! cargo run --release --example bench              # all benchmarks
//! cargo run --release --example bench -- --runs 50
//! ```
//!
//! 1. A single-page audit of a ~100 KB generated page with ~20 subresources, served on
//!    loopback: wall time and CPU time per audit.
//! 2. The rules alone on that page versus a bare `scraper::Html::parse_document` of it.

#[path = "support/sitegen.rs"]
mod sitegen;

use std::time::{Duration, Instant};

use webaudit::engine::fetch::{AddressPolicy, Fetcher};
use webaudit::engine::page::{PageLoader, PageOptions};
use webaudit::engine::target::Target;
use webaudit::engine::{AuditOptions, audit_collect, check_page};

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

fn percentile(mut values: Vec<Duration>, p: f64) -> Duration {
    values.sort();
    let index = ((values.len() as f64 - 1.0) * p).round() as usize;
    values[index]
}

/// CPU time of this process (user + system), from /proc (Linux; USER_HZ = 100).
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let fields: Vec<&str> = stat.rsplit(')').next()?.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(Duration::from_millis((utime + stime) * 10))
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn runs_from_args() -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == "--runs")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(100)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let runs = runs_from_args();
    let spec = sitegen::SiteSpec {
        pages: 1,
        min_page_bytes: 100 * 1024,
        max_page_bytes: 100 * 1024,
        defect_rate: 0.1,
        ..sitegen::SiteSpec::default()
    };
    let site = sitegen::generate(&spec);
    let html = String::from_utf8(site.files["/"].body.to_vec())?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, sitegen::router(site)).await });

    let options = AuditOptions {
        policy: AddressPolicy::public_only().allow_socket(addr),
        ..AuditOptions::default()
    };
    let target = Target::parse(&format!("http://{addr}/"))?;

    // 1. Whole audits.
    for _ in 0..5 {
        audit_collect(&target, &options, &()).await?;
    }
    let mut walls = Vec::with_capacity(runs);
    let cpu_before = cpu_time();
    let mut subresources = 0;
    for _ in 0..runs {
        let started = Instant::now();
        let result = audit_collect(&target, &options, &()).await?;
        walls.push(started.elapsed());
        subresources = result.pages[0].subresources.fetched;
    }
    let cpu = cpu_before
        .zip(cpu_time())
        .map(|(a, b)| (b - a) / runs as u32);

    // 2. Rules alone versus a bare parse, on the loaded page.
    let loader = PageLoader::new(
        Fetcher::new(options.fetch.clone(), options.policy.clone())?,
        PageOptions::default(),
    );
    let response = loader.fetch_document(target_url(&target)).await?;
    let page = loader.build(response, Default::default()).await;
    let mut rules = Vec::with_capacity(runs);
    let mut parses = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        std::hint::black_box(check_page(&page));
        rules.push(started.elapsed());
        let started = Instant::now();
        std::hint::black_box(scraper::Html::parse_document(&html));
        parses.push(started.elapsed());
    }
    let (rules_median, parse_median) = (median(rules), median(parses));

    println!("webaudit benchmarks ({runs} runs each, medians unless stated)");
    println!(
        "page: {} KB of HTML, {subresources} subresources, on 127.0.0.1",
        html.len() / 1024
    );
    println!();
    println!("| benchmark | figure |");
    println!("|---|---|");
    println!(
        "| single-page audit, wall time (median) | {} |",
        ms(median(walls.clone()))
    );
    println!(
        "| single-page audit, wall time (p95) | {} |",
        ms(percentile(walls, 0.95))
    );
    if let Some(cpu) = cpu {
        println!(
            "| single-page audit, CPU time (mean, all threads) | {} |",
            ms(cpu)
        );
    }
    println!("| rules + scoring alone | {} |", ms(rules_median));
    println!("| bare `Html::parse_document` | {} |", ms(parse_median));
    println!(
        "| rules ÷ parse | {:.2}× |",
        rules_median.as_secs_f64() / parse_median.as_secs_f64()
    );
    Ok(())
}

fn target_url(target: &Target) -> url::Url {
    match target {
        Target::Url(u) => u.clone(),
        Target::Directory(_) => unreachable!("the benchmark audits a URL"),
    }
}
