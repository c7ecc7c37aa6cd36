//! Benchmarks of webaudit, reported as medians over repeated runs (never asserted in tests).
//!
//! ```sh
//! cargo run --release --example bench                  # everything below
//! cargo run --release --example bench -- --runs 50     # fewer single-page runs
//! cargo run --release --example bench -- --quick       # skip the 5,000-page crawl
//! ```
//!
//! 1. A single-page audit of a ~100 KB generated page with ~20 subresources, served on
//!    loopback: wall time and CPU time per audit.
//! 2. The rules alone on that page versus a bare `scraper::Html::parse_document` of it.
//! 3. A crawl of a generated 1,000-page site (30–100 KB pages, shared CSS/JS/images) with all
//!    rules and the SQLite store: pages per second and peak RSS; the same at 5,000 pages to show
//!    memory stays flat. Each crawl runs in a child process so its peak RSS is its own.

#[path = "support/sitegen.rs"]
mod sitegen;

use std::time::{Duration, Instant};

use webaudit::engine::fetch::{AddressPolicy, Fetcher};
use webaudit::engine::page::{PageLoader, PageOptions};
use webaudit::engine::target::Target;
use webaudit::engine::{AuditOptions, audit_collect, check_page};
use webaudit::service::Service;
use webaudit::store::Store;

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

/// Peak resident set size of this process, in MiB (VmHWM).
fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kib| kib / 1024.0)
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn arg_value(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

fn has_flag(name: &str) -> bool {
    std::env::args().any(|a| a == name)
}

async fn serve(site: sitegen::Site) -> anyhow::Result<std::net::SocketAddr> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, sitegen::router(site)).await });
    Ok(addr)
}

/// In a child process: crawls a generated site of `pages` pages into a temporary store and
/// prints `pages seconds peak_rss_mib`.
async fn child_crawl(pages: usize) -> anyhow::Result<()> {
    let spec = sitegen::SiteSpec {
        pages,
        ..sitegen::SiteSpec::default()
    };
    let addr = serve(sitegen::generate(&spec)).await?;
    let dir = tempfile::tempdir()?;
    let store = Store::open(&dir.path().join("bench.db"))?;
    let options = AuditOptions {
        policy: AddressPolicy::public_only().allow_socket(addr),
        deadline: Duration::from_secs(3600),
        ..AuditOptions::default()
    };
    let service = Service::new(store, options);
    let target = Target::parse(&format!("http://{addr}/"))?;
    let started = Instant::now();
    let summary = service
        .audit_now(&target, "bench", Some(pages), &())
        .await?;
    let secs = started.elapsed().as_secs_f64();
    println!("{} {secs:.3} {:.1}", summary.pages, peak_rss_mib());
    Ok(())
}

fn run_child_crawl(pages: usize) -> anyhow::Result<(u64, f64, f64)> {
    let output = std::process::Command::new(std::env::current_exe()?)
        .args(["--child-crawl", &pages.to_string()])
        .output()?;
    anyhow::ensure!(
        output.status.success(),
        "the crawl child failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout)?;
    let fields: Vec<&str> = text.split_whitespace().collect();
    anyhow::ensure!(fields.len() == 3, "unexpected child output: {text}");
    Ok((fields[0].parse()?, fields[1].parse()?, fields[2].parse()?))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    if let Some(pages) = arg_value("--child-crawl") {
        return child_crawl(pages.parse()?).await;
    }
    let runs: usize = arg_value("--runs")
        .and_then(|v| v.parse().ok())
        .unwrap_or(100);
    let spec = sitegen::SiteSpec {
        pages: 1,
        min_page_bytes: 100 * 1024,
        max_page_bytes: 100 * 1024,
        ..sitegen::SiteSpec::default()
    };
    let site = sitegen::generate(&spec);
    let html = site.page(0);
    let addr = serve(site).await?;
    let options = AuditOptions {
        policy: AddressPolicy::public_only().allow_socket(addr),
        ..AuditOptions::default()
    };
    let target = Target::parse(&format!("http://{addr}/"))?;

    // 1. Whole single-page audits.
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
    let url = url::Url::parse(&format!("http://{addr}/"))?;
    let response = loader.fetch_document(url).await?;
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

    println!("webaudit benchmarks (medians unless stated)");
    println!();
    println!("| benchmark | figure |");
    println!("|---|---|");
    println!(
        "| single-page audit ({} KB HTML, {subresources} subresources), wall time, median of {runs} | {} |",
        html.len() / 1024,
        ms(median(walls.clone()))
    );
    println!(
        "| single-page audit, wall time, p95 | {} |",
        ms(percentile(walls, 0.95))
    );
    if let Some(cpu) = cpu {
        println!(
            "| single-page audit, CPU time per audit (all threads) | {} |",
            ms(cpu)
        );
    }
    println!(
        "| rules + scoring alone on that page | {} |",
        ms(rules_median)
    );
    println!(
        "| bare `Html::parse_document` of that page | {} |",
        ms(parse_median)
    );
    println!(
        "| rules ÷ parse | {:.2}× |",
        rules_median.as_secs_f64() / parse_median.as_secs_f64()
    );

    // 3. Crawls, each in its own process.
    let sizes: &[usize] = if has_flag("--quick") {
        &[1000]
    } else {
        &[1000, 5000]
    };
    for &pages in sizes {
        let (audited, secs, rss) = run_child_crawl(pages)?;
        println!(
            "| crawl of {pages} generated pages (30–100 KB) with all rules and the store | {:.0} pages/s ({audited} pages in {secs:.1} s), peak RSS {rss:.0} MiB |",
            audited as f64 / secs
        );
    }
    Ok(())
}
