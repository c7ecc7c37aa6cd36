//! Which URLs to visit and visiting them: the start URL, then same-site links found in each
//! page (a, area, canonical, hreflang alternates), then URLs only listed in sitemaps (queued
//! after link discovery runs dry, so orphans can be told apart), honouring robots.txt, depth and
//! URL patterns, up to the page budget.
//!
//! Pages are checked as they arrive and only their facts are kept: findings go to the sink, the
//! DOM is dropped, so memory does not grow with the site beyond compact facts. At the end the
//! cross-page rules run on those facts and the site is scored.
//!
//! # Layout
//! - [`bounds`] — where a crawl may go (site, patterns, robots.txt), for links and redirects.
//! - [`robots`] — robots.txt rules.
//! - [`sitemaps`] — sitemap discovery and parsing.
//! - [`retry`] — 429/503 retries honouring `Retry-After`.
//! - [`scope`] — same-site and pattern filters.
//! - `writer` — findings and page reports to the sink in batches, written in the background.

pub mod bounds;
pub mod retry;
pub mod robots;
mod run;
pub mod scope;
pub mod sitemaps;
mod writer;

pub use run::{CrawlInput, crawl};
pub use scope::Scope;

/// Default pages audited for a URL target.
pub const DEFAULT_MAX_PAGES: usize = 1;
/// Hard cap on pages per audit (configurable up to this).
pub const MAX_PAGES_CAP: usize = 10_000;
/// Default pages fetched at once per host.
pub const DEFAULT_HOST_CONCURRENCY: usize = 4;
/// Default most links followed per page.
pub const DEFAULT_MAX_LINKS_PER_PAGE: usize = 2_000;

/// How to crawl.
#[derive(Debug, Clone)]
pub struct CrawlOptions {
    /// Most URLs fetched (pages and other responses), 1 = the start page only.
    pub max_pages: usize,
    /// Links are not followed from pages this many clicks from the start (`None` = no limit).
    pub max_depth: Option<u32>,
    /// Only URLs whose path matches one of these globs (e.g. `/blog/**`); empty = all.
    pub include: Vec<String>,
    /// URLs whose path matches one of these globs are not visited.
    pub exclude: Vec<String>,
    /// Do not apply robots.txt (for auditing one's own site).
    pub ignore_robots: bool,
    /// Pages fetched at once per host.
    pub host_concurrency: usize,
    /// Most links followed per page.
    pub max_links_per_page: usize,
}

impl Default for CrawlOptions {
    fn default() -> Self {
        CrawlOptions {
            max_pages: DEFAULT_MAX_PAGES,
            max_depth: None,
            include: Vec::new(),
            exclude: Vec::new(),
            ignore_robots: false,
            host_concurrency: DEFAULT_HOST_CONCURRENCY,
            max_links_per_page: DEFAULT_MAX_LINKS_PER_PAGE,
        }
    }
}
