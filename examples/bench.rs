//! Benchmarks of webaudit, reported as medians over repeated runs (never asserted in tests).
//!
//! ```sh
//! cargo run --release --example bench                  # everything below
//! cargo run --release --example bench -- --runs 50     # fewer single-page runs
//! cargo run --release --example bench -- --quick       # skip the 5,000-page crawl
//! cargo run --release --example bench -- --crawl-runs 1  # one crawl per size (default 3)
//! cargo run --release --example bench -- --rules       # only the rules, slowest first
//! ```
//!
//! 1. A single-page audit of a ~100 KB generated page with ~20 subresources, served on
//!    loopback: wall time and CPU time per audit.
//! 2. The rules alone on that page versus a bare `scraper::Html::parse_document` of it.
//! 3. A crawl of a generated 1,000-page site (30–100 KB pages, shared CSS/JS/images) with all
//!    rules and the SQLite store: pages per second, CPU time per page and peak RSS; the same at
//!    5,000 pages to show how memory grows. Each crawl runs in a child process so its peak RSS
//!    and CPU time are its own; the site is served by another child, which renders every page
//!    before the crawl starts, so that serving costs what a static file server's replies cost.
//!    Then the 1,000-page report exported as JSON: time and the peak of live heap above what
//!    the process held before (the export reads its findings a chunk at a time).
//! 4. The store with 100,000 reports: p50/p95 of listing reports and of a URL's history.
//! 5. The HTTP server with 10,000 reports and 32 concurrent clients: requests per second and
//!    p95 of `GET /api/v1/audits` and of MCP `list_reports` over streamable HTTP.

#[path = "support/sitegen.rs"]
mod sitegen;

use std::time::{Duration, Instant};

use std::sync::Arc;

use chrono::Utc;
use webaudit::engine::fetch::{AddressPolicy, Fetcher};
use webaudit::engine::page::index::ElementIndex;
use webaudit::engine::page::{PageLoader, PageOptions};
use webaudit::engine::target::Target;
use webaudit::engine::{AuditOptions, audit_collect, check_page};
use webaudit::export::Format;
use webaudit::report::{ReportId, Scores, Status};
use webaudit::service::Service;
use webaudit::store::Store;
use webaudit::store::{Completion, ListFilter, NewReport};

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
    cpu_time_of("self")
}

/// CPU time of process `pid` (a number or `self`), as [`cpu_time`].
fn cpu_time_of(pid: &str) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let fields: Vec<&str> = stat.rsplit(')').next()?.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(Duration::from_millis((utime + stime) * 10))
}

/// The machine's CPU time so far, in clock ticks: all of it, and the part stolen by the
/// hypervisor for other guests (the first line of `/proc/stat`).
fn machine_ticks() -> Option<(u64, u64)> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let ticks: Vec<u64> = stat
        .lines()
        .next()?
        .strip_prefix("cpu ")?
        .split_whitespace()
        .map(str::parse)
        .collect::<Result<_, _>>()
        .ok()?;
    // user nice system idle iowait irq softirq steal (guest time is counted in user).
    let total = ticks.iter().take(8).sum();
    Some((total, *ticks.get(7)?))
}

/// The share of the machine's CPU time stolen by other guests since `before` (percent): the
/// benchmark's speed depends on it as much as on the code.
fn steal_since(before: Option<(u64, u64)>) -> f64 {
    match (before, machine_ticks()) {
        (Some((total0, steal0)), Some((total1, steal1))) if total1 > total0 => {
            100.0 * (steal1 - steal0) as f64 / (total1 - total0) as f64
        }
        _ => 0.0,
    }
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

/// Samples jemalloc's counters while a crawl runs (every 5 ms, on its own thread): the peak
/// of live heap (bytes allocated and not freed) and of memory jemalloc holds resident. Peak
/// RSS alone mixes the crawl's facts with freed memory not yet returned, the binary's pages
/// and SQLite's own allocations (the system allocator's).
struct HeapSampler {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    handle: std::thread::JoinHandle<(f64, f64)>,
}

impl HeapSampler {
    fn start() -> HeapSampler {
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stopped = stop.clone();
        let handle = std::thread::spawn(move || {
            let (mut live, mut resident) = (0.0_f64, 0.0_f64);
            while !stopped.load(std::sync::atomic::Ordering::Relaxed) {
                let (l, r) = jemalloc_mib();
                live = live.max(l);
                resident = resident.max(r);
                std::thread::sleep(Duration::from_millis(5));
            }
            (live, resident)
        });
        HeapSampler { stop, handle }
    }

    /// Peak live heap and peak jemalloc-resident memory, in MiB.
    fn stop(self) -> (f64, f64) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        self.handle.join().unwrap_or_default()
    }
}

/// jemalloc's live heap and resident memory now, in MiB (zeros where jemalloc is not used).
fn jemalloc_mib() -> (f64, f64) {
    #[cfg(not(target_env = "msvc"))]
    {
        use tikv_jemalloc_ctl::{epoch, stats};
        let mib = |bytes: usize| bytes as f64 / (1024.0 * 1024.0);
        if epoch::advance().is_ok()
            && let (Ok(live), Ok(resident)) = (stats::allocated::read(), stats::resident::read())
        {
            return (mib(live), mib(resident));
        }
    }
    (0.0, 0.0)
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

/// In a child process (`--serve-site pages`): renders a generated site of `pages` pages,
/// serves it on loopback, prints its address and serves until its standard input closes
/// (so that it ends with the process that started it, however that one ends).
async fn serve_site(pages: usize) -> anyhow::Result<()> {
    let mut site = sitegen::generate(&sitegen::SiteSpec {
        pages,
        ..sitegen::SiteSpec::default()
    });
    site.prerender();
    println!("{}", serve(site).await?);
    tokio::io::copy(&mut tokio::io::stdin(), &mut tokio::io::sink()).await?;
    Ok(())
}

/// A generated site served by a child process of this benchmark (see [`serve_site`]), so that
/// the crawling process holds only the crawler.
struct SiteServer {
    child: std::process::Child,
    addr: std::net::SocketAddr,
}

impl SiteServer {
    /// Starts the server and waits until it listens.
    fn start(pages: usize) -> anyhow::Result<SiteServer> {
        use std::io::BufRead as _;
        use std::process::Stdio;
        let mut child = std::process::Command::new(std::env::current_exe()?)
            .args(["--serve-site", &pages.to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()?;
        let mut line = String::new();
        if let Some(stdout) = child.stdout.take() {
            std::io::BufReader::new(stdout).read_line(&mut line)?;
        }
        let addr = line.trim().parse().map_err(|_| {
            anyhow::anyhow!("the site server did not print its address (it printed {line:?})")
        })?;
        Ok(SiteServer { child, addr })
    }

    /// The server's CPU time so far.
    fn cpu_time(&self) -> Option<Duration> {
        cpu_time_of(&self.child.id().to_string())
    }
}

impl Drop for SiteServer {
    fn drop(&mut self) {
        // Closing its standard input ends it.
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

/// Times each page rule alone on `page` and prints the slowest, for performance work.
fn print_rule_times(
    page: &webaudit::engine::page::Page,
    runs: usize,
    rules_median: Duration,
    parse_median: Duration,
) {
    let mut times: Vec<(Duration, &str)> = webaudit::engine::rules::catalogue()
        .iter()
        .map(|rule| {
            let samples = (0..runs)
                .map(|_| {
                    let started = Instant::now();
                    std::hint::black_box((rule.check)(page));
                    started.elapsed()
                })
                .collect();
            (median(samples), rule.id)
        })
        .collect();
    times.sort_by_key(|t| std::cmp::Reverse(t.0));
    let sum: Duration = times.iter().map(|(d, _)| *d).sum();
    println!(
        "rules + scoring {} (sum of rule medians {}), bare parse {}; {} rules, slowest first:",
        ms(rules_median),
        ms(sum),
        ms(parse_median),
        times.len()
    );
    for (time, id) in times.iter().take(25) {
        println!(
            "  {:>9}  {id}",
            format!("{:.1} µs", time.as_secs_f64() * 1e6)
        );
    }
}

/// A service with a temporary store allowed to audit the site at `addr`, and the site's
/// target (the store's directory is returned to keep it alive).
fn service_for(addr: std::net::SocketAddr) -> anyhow::Result<(tempfile::TempDir, Service, Target)> {
    let dir = tempfile::tempdir()?;
    let store = Store::open(&dir.path().join("bench.db"))?;
    let options = AuditOptions {
        policy: AddressPolicy::public_only().allow_socket(addr),
        deadline: Duration::from_secs(3600),
        ..AuditOptions::default()
    };
    let target = Target::parse(&format!("http://{addr}/"))?;
    Ok((dir, Service::new(store, options), target))
}

/// In a child process: crawls a generated site of `pages` pages into a temporary store and
/// prints `pages seconds peak_rss_mib cpu_seconds db_mib live_heap_mib jemalloc_resident_mib
/// steal_percent server_cpu_seconds` (CPU seconds are this process's, the crawler's; live heap
/// and resident are peaks during the crawl, see [`HeapSampler`]; steal is the machine's CPU
/// time other guests took meanwhile; the server's CPU time is that of the site's server
/// during the crawl).
async fn child_crawl(pages: usize) -> anyhow::Result<()> {
    let server = SiteServer::start(pages)?;
    let (dir, service, target) = service_for(server.addr)?;
    let heap = HeapSampler::start();
    let machine = machine_ticks();
    let (cpu_before, server_before) = (cpu_time(), server.cpu_time());
    let started = Instant::now();
    let summary = service
        .audit_now(&target, "bench", Some(pages), &())
        .await?;
    let secs = started.elapsed().as_secs_f64();
    let steal = steal_since(machine);
    let (live_heap, jemalloc_resident) = heap.stop();
    let spent = |before: Option<Duration>, after: Option<Duration>| {
        before
            .zip(after)
            .map_or(0.0, |(before, after)| (after - before).as_secs_f64())
    };
    let cpu = spent(cpu_before, cpu_time());
    let server_cpu = spent(server_before, server.cpu_time());
    // The database with its write-ahead log, as the crawl left them.
    let mut db_bytes = 0;
    for entry in std::fs::read_dir(dir.path())? {
        db_bytes += entry?.metadata()?.len();
    }
    println!(
        "{} {secs:.3} {:.1} {cpu:.2} {:.1} {live_heap:.1} {jemalloc_resident:.1} {steal:.1} {server_cpu:.2}",
        summary.pages,
        peak_rss_mib(),
        db_bytes as f64 / (1024.0 * 1024.0)
    );
    Ok(())
}

/// Counts the bytes written to it.
struct ByteCounter(u64);

impl std::io::Write for ByteCounter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.0 += data.len() as u64;
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// In a child process: crawls a generated site of `pages` pages (not measured), then exports
/// the report as JSON and prints `findings bytes seconds live_heap_before_mib
/// live_heap_peak_mib` of the export alone.
async fn child_export(pages: usize) -> anyhow::Result<()> {
    let server = SiteServer::start(pages)?;
    let (_dir, service, target) = service_for(server.addr)?;
    let summary = service
        .audit_now(&target, "bench", Some(pages), &())
        .await?;
    let findings = service
        .store()
        .count_findings(&summary.id, &Default::default())?;
    let before = jemalloc_mib().0;
    let heap = HeapSampler::start();
    let started = Instant::now();
    let counted = service
        .export("bench", &summary.id, Format::Json, ByteCounter(0))
        .await?;
    let secs = started.elapsed().as_secs_f64();
    let (peak, _) = heap.stop();
    println!("{findings} {} {secs:.3} {before:.1} {peak:.1}", counted.0);
    Ok(())
}

/// One crawl in a child process (see [`child_crawl`]).
struct CrawlRun {
    pages: u64,
    secs: f64,
    /// Peak RSS, MiB.
    rss: f64,
    /// CPU seconds of the crawler.
    cpu: f64,
    /// CPU seconds of the site's server during the crawl.
    server_cpu: f64,
    /// Size of the database, MiB.
    db: f64,
    /// Peak live heap during the crawl, MiB.
    live_heap: f64,
    /// The machine's CPU time stolen by other guests during the crawl, percent.
    steal: f64,
}

/// Runs this benchmark as a child with `mode pages` (`--child-crawl`, `--child-export`) and
/// returns the numbers it prints, expecting `count` of them.
fn run_child(mode: &str, pages: usize, count: usize) -> anyhow::Result<Vec<f64>> {
    let output = std::process::Command::new(std::env::current_exe()?)
        .args([mode, &pages.to_string()])
        .output()?;
    anyhow::ensure!(
        output.status.success(),
        "the {mode} child failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout)?;
    let fields: Vec<f64> = text
        .split_whitespace()
        .map(str::parse)
        .collect::<Result<_, _>>()?;
    anyhow::ensure!(fields.len() == count, "unexpected child output: {text}");
    Ok(fields)
}

fn run_child_crawl(pages: usize) -> anyhow::Result<CrawlRun> {
    let fields = run_child("--child-crawl", pages, 9)?;
    Ok(CrawlRun {
        pages: fields[0] as u64,
        secs: fields[1],
        rss: fields[2],
        cpu: fields[3],
        db: fields[4],
        live_heap: fields[5],
        steal: fields[7],
        server_cpu: fields[8],
    })
}

/// Fills `store` with `n` completed reports of `owner`, spread over `urls` URLs.
fn populate(store: &Store, owner: &str, n: usize, urls: usize) -> anyhow::Result<()> {
    for i in 0..n {
        let url = format!("https://site-{}.example/", i % urls);
        let id = ReportId::generate();
        store.create_report(&NewReport {
            id: id.clone(),
            owner: owner.into(),
            site: url.trim_end_matches('/').into(),
            url,
            created_at: Utc::now(),
            status: Status::Running,
            options: serde_json::json!({}),
        })?;
        let score = (i % 100) as u8;
        store.finish_report(
            &id,
            Completion {
                scores: Scores {
                    performance: Some(score),
                    seo: Some(score),
                    accessibility: Some(score),
                    best_practices: Some(score),
                    security: Some(score),
                    overall: Some(score),
                },
                security_grade: Some("B"),
                observatory_score: Some(75),
                page_scores: &[],
                recommendations: &[],
            },
        )?;
    }
    Ok(())
}

fn quantiles(mut values: Vec<Duration>) -> (Duration, Duration) {
    values.sort();
    let at = |p: f64| values[((values.len() as f64 - 1.0) * p).round() as usize];
    (at(0.5), at(0.95))
}

/// 4. Store queries at 100,000 reports.
fn store_benchmark() -> anyhow::Result<Vec<String>> {
    let dir = tempfile::tempdir()?;
    let store = Store::open(&dir.path().join("store.db"))?;
    let started = Instant::now();
    populate(&store, "bench", 100_000, 1_000)?;
    let fill = started.elapsed();
    let filter = ListFilter {
        owner: "bench".into(),
        ..ListFilter::default()
    };
    let mut list = Vec::new();
    let mut list_url = Vec::new();
    let mut history = Vec::new();
    for i in 0..1000 {
        let url = format!("https://site-{}.example/", (i * 7) % 1000);
        let t = Instant::now();
        std::hint::black_box(store.list_reports(&filter, 20, None)?);
        list.push(t.elapsed());
        let by_url = ListFilter {
            url: Some(url.clone()),
            ..filter.clone()
        };
        let t = Instant::now();
        std::hint::black_box(store.list_reports(&by_url, 20, None)?);
        list_url.push(t.elapsed());
        let t = Instant::now();
        std::hint::black_box(store.history("bench", &url, url.trim_end_matches('/'), 10)?);
        history.push(t.elapsed());
    }
    let row = |name: &str, values: Vec<Duration>| {
        let (p50, p95) = quantiles(values);
        format!(
            "| store, 100,000 reports: {name} | p50 {} · p95 {} |",
            ms(p50),
            ms(p95)
        )
    };
    Ok(vec![
        format!(
            "| store: writing 100,000 reports (two transactions each) | {:.1} s |",
            fill.as_secs_f64()
        ),
        row("`list_reports` (newest 20)", list),
        row("`list_reports` of one URL", list_url),
        row("`get_site_history` (10 of a URL)", history),
    ])
}

/// Runs `clients` loops of `call` for `duration`; returns requests per second and p95.
async fn load<F, Fut>(
    clients: usize,
    duration: Duration,
    call: F,
) -> anyhow::Result<(f64, Duration)>
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = anyhow::Result<()>> + Send,
{
    let call = Arc::new(call);
    let deadline = Instant::now() + duration;
    let mut tasks = Vec::new();
    for c in 0..clients {
        let call = call.clone();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            while Instant::now() < deadline {
                let t = Instant::now();
                call(c).await?;
                latencies.push(t.elapsed());
            }
            anyhow::Ok(latencies)
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await??);
    }
    let rps = all.len() as f64 / duration.as_secs_f64();
    Ok((rps, quantiles(all).1))
}

/// 5. The HTTP server at 10,000 reports, 32 concurrent clients.
async fn http_benchmark() -> anyhow::Result<Vec<String>> {
    use rmcp::ServiceExt;
    use rmcp::model::CallToolRequestParams;
    use rmcp::transport::StreamableHttpClientTransport;
    use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;

    let dir = tempfile::tempdir()?;
    let store = Store::open(&dir.path().join("http.db"))?;
    let service = Service::new(store, AuditOptions::default());
    let (token, record) = service.create_token("bench", Some("bench")).await?;
    let owner = record.owner.clone();
    let fill = service.store().clone();
    tokio::task::spawn_blocking(move || populate(&fill, &owner, 10_000, 500)).await??;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let config = webaudit::http::HttpConfig {
        requests_per_minute: u32::MAX / 2,
        ..webaudit::http::HttpConfig::default()
    };
    let (router, sessions) = webaudit::http::router(service, &config, addr);
    tokio::spawn(webaudit::http::serve_listener(
        listener,
        router,
        sessions,
        std::future::pending(),
    ));
    let clients = 32;
    let duration = Duration::from_secs(5);
    let http = reqwest::Client::builder()
        .no_proxy()
        .pool_max_idle_per_host(clients)
        .build()?;
    let url = format!("http://{addr}/api/v1/audits");
    let rest_token = token.clone();
    let (rest_rps, rest_p95) = load(clients, duration, move |_| {
        let (http, url, token) = (http.clone(), url.clone(), rest_token.clone());
        async move {
            let response = http.get(&url).bearer_auth(&token).send().await?;
            anyhow::ensure!(
                response.status().is_success(),
                "status {}",
                response.status()
            );
            response.bytes().await?;
            Ok(())
        }
    })
    .await?;
    let mut mcp_clients = Vec::new();
    for _ in 0..clients {
        let transport = StreamableHttpClientTransport::from_config(
            StreamableHttpClientTransportConfig::with_uri(format!("http://{addr}/mcp"))
                .auth_header(token.clone()),
        );
        mcp_clients.push(Arc::new(().serve(transport).await?));
    }
    let mcp_clients = Arc::new(mcp_clients);
    let (mcp_rps, mcp_p95) = load(clients, duration, move |c| {
        let client = mcp_clients[c].clone();
        async move {
            let result = client
                .call_tool(CallToolRequestParams::new("list_reports"))
                .await?;
            anyhow::ensure!(result.is_error != Some(true), "tool error");
            Ok(())
        }
    })
    .await?;
    Ok(vec![
        format!(
            "| HTTP, 10,000 reports, 32 clients: `GET /api/v1/audits` | {rest_rps:.0} req/s, p95 {} |",
            ms(rest_p95)
        ),
        format!(
            "| HTTP, 10,000 reports, 32 clients: MCP `list_reports` (streamable HTTP sessions) | {mcp_rps:.0} req/s, p95 {} |",
            ms(mcp_p95)
        ),
    ])
}

fn main() -> anyhow::Result<()> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(run())
}

const USAGE: &str = "webaudit benchmarks: prints a table of figures (medians unless stated).

Usage: cargo run --release --example bench -- [OPTIONS]

  (no option)          every benchmark (about 4 minutes)
  --quick              without the 5,000-page crawl
  --rules              the page rules alone, slowest first
  --runs N             single-page audits and rule runs to time (default 100)
  --crawl-runs N       crawls per site size (default 3)
  --child-crawl N      one crawl of N generated pages, one line of figures:
                       pages audited, seconds, peak RSS MiB, CPU seconds, database MiB,
                       peak live heap MiB, jemalloc resident MiB, steal %, and the site
                       server's CPU seconds
  -h, --help           this text

Everything is served on 127.0.0.1; nothing leaves the machine.";

async fn run() -> anyhow::Result<()> {
    if has_flag("--help") || has_flag("-h") {
        println!("{USAGE}");
        return Ok(());
    }
    if let Some(pages) = arg_value("--serve-site") {
        return serve_site(pages.parse()?).await;
    }
    if let Some(pages) = arg_value("--child-crawl") {
        return child_crawl(pages.parse()?).await;
    }
    if let Some(pages) = arg_value("--child-export") {
        return child_export(pages.parse()?).await;
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
    // The page keeps its element index after the first run, so the index build (once per
    // page in an audit) is timed on its own and added.
    let mut rules = Vec::with_capacity(runs);
    let mut indexes = Vec::with_capacity(runs);
    let mut parses = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        std::hint::black_box(check_page(&page));
        rules.push(started.elapsed());
        let started = Instant::now();
        std::hint::black_box(ElementIndex::build(&page.dom));
        indexes.push(started.elapsed());
        let started = Instant::now();
        std::hint::black_box(scraper::Html::parse_document(&html));
        parses.push(started.elapsed());
    }
    let index_median = median(indexes);
    let (rules_median, parse_median) = (median(rules) + index_median, median(parses));
    if has_flag("--rules") {
        print_rule_times(&page, runs, rules_median, parse_median);
        return Ok(());
    }

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
        "| rules + scoring alone on that page (incl. {} to index its elements) | {} |",
        ms(index_median),
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
    let crawl_runs: usize = arg_value("--crawl-runs")
        .and_then(|v| v.parse().ok())
        .unwrap_or(3)
        .max(1);
    for &pages in sizes {
        let mut runs = (0..crawl_runs)
            .map(|_| run_child_crawl(pages))
            .collect::<anyhow::Result<Vec<_>>>()?;
        // The median run by wall time; memory is the largest peak of all runs.
        runs.sort_by(|a, b| a.secs.total_cmp(&b.secs));
        let median = &runs[runs.len() / 2];
        let (audited, secs, db) = (median.pages, median.secs, median.db);
        let rss = runs.iter().map(|r| r.rss).fold(0.0, f64::max);
        let live_heap = runs.iter().map(|r| r.live_heap).fold(0.0, f64::max);
        println!(
            "| crawl of {pages} generated pages (30–100 KB) with all rules and the store, median of {crawl_runs} | {:.0} pages/s ({audited} pages in {secs:.1} s; CPU {:.2} ms per page, and {:.2} ms in the loopback server), peak RSS {rss:.0} MiB and peak live heap {live_heap:.1} MiB (largest of the runs), database {db:.0} MiB; the machine's CPU stolen by other guests {:.0} % |",
            audited as f64 / secs,
            median.cpu * 1000.0 / audited as f64,
            median.server_cpu * 1000.0 / audited as f64,
            median.steal
        );
    }
    // The 1,000-page report exported as JSON, in its own process.
    let fields = run_child("--child-export", 1000, 5)?;
    println!(
        "| JSON export of the 1,000-page crawl's report ({:.0} findings, {:.0} MB), streamed from the store | {:.2} s, peak live heap {:.1} MiB above the {:.1} MiB before it |",
        fields[0],
        fields[1] / 1e6,
        fields[2],
        fields[4] - fields[3],
        fields[3]
    );
    // 4 and 5.
    for line in tokio::task::spawn_blocking(store_benchmark).await?? {
        println!("{line}");
    }
    for line in http_benchmark().await? {
        println!("{line}");
    }
    Ok(())
}
