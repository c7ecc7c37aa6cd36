//! The crawl loop: schedules page visits (bounded per host), checks each page as it arrives,
//! streams its findings to the sink in batches, keeps its compact facts, and finally runs the
//! cross-page rules and scores the site.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;

use tokio::task::{Id, JoinHandle, JoinSet};
use tokio::time::Instant;
use url::Url;

use super::bounds::Bounds;
use super::robots::RobotsRules;
use super::writer::BatchWriter;
use super::{CrawlOptions, Scope, retry, sitemaps};
use crate::engine::fetch::{FetchError, Response, millis};
use crate::engine::page::site::{
    Extracted, NewPage, SiteFacts, UrlId, UrlState, extract, normalise,
};
use crate::engine::page::{OriginFacts, PageLoader, cpu};
use crate::engine::progress::{Phase, Progress, ProgressEvent};
use crate::engine::recommend::RecommendationBuilder;
use crate::engine::rules::site::{RULES as SITE_RULES, SiteCheck};
use crate::engine::score::{PageScoreState, PageStates, RuleResult};
use crate::engine::{AuditError, AuditSink, AuditSummary, page_report, rules};
use crate::report::wording::{counted, plural};
use crate::report::{Bytes, Evidence, Finding, Outcome, PageReport, Scores, Timings};

/// What a crawl needs.
pub struct CrawlInput<'a> {
    /// The loader (fetcher, limits, subresource cache).
    pub loader: &'a PageLoader,
    /// The start URL.
    pub start: Url,
    /// Crawl options.
    pub options: &'a CrawlOptions,
    /// URLs to visit after link discovery (a directory target's files).
    pub extra_seeds: Vec<Url>,
    /// For a directory target, its loopback root: sitemap URLs on other hosts (the production
    /// origin a static build's sitemap names) are read from, and mapped onto, this root.
    pub rebase: Option<Url>,
    /// When to stop.
    pub deadline: Instant,
    /// Progress receiver.
    pub progress: &'a dyn Progress,
    /// Where findings and page reports go.
    pub sink: &'a dyn AuditSink,
}

/// Why a crawl ended before it ran out of pages to visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cut {
    /// The audit's time limit.
    Deadline,
    /// The waiter asked it to stop ([`Progress::stop`]).
    Stopped,
}

/// True once the waiter asked the audit to stop.
fn stop_requested(input: &CrawlInput<'_>) -> bool {
    input.progress.stop().is_some_and(|t| t.is_cancelled())
}

/// Completes once the waiter asks the audit to stop; never when it cannot.
async fn stopped(progress: &dyn Progress) {
    match progress.stop() {
        Some(token) => token.cancelled().await,
        None => std::future::pending().await,
    }
}

/// Runs `work` unless the waiter asks the audit to stop first.
async fn unless_stopped<T>(
    progress: &dyn Progress,
    work: impl Future<Output = T>,
) -> Result<T, AuditError> {
    tokio::select! {
        biased;
        () = stopped(progress) => Err(AuditError::Stopped),
        out = work => Ok(out),
    }
}

/// Waits for `work` until the deadline or a stop request, whichever comes first.
async fn before_cut<T>(input: &CrawlInput<'_>, work: impl Future<Output = T>) -> Result<T, Cut> {
    tokio::select! {
        biased;
        () = stopped(input.progress) => Err(Cut::Stopped),
        out = work => Ok(out),
        () = tokio::time::sleep_until(input.deadline) => Err(Cut::Deadline),
    }
}

/// How long a crawl that ended (page cap reached) still waits for its sitemaps.
const SITEMAP_GRACE: std::time::Duration = std::time::Duration::from_secs(5);

/// The most pages a crawl's tables are sized for at its start.
const RESERVED_PAGES: usize = 20_000;

/// An audited page.
struct Audited {
    response_url: Url,
    hops: u8,
    report: PageReport,
    findings: Vec<Finding>,
    state: PageScoreState,
    extracted: Extracted,
}

/// What visiting one URL gave.
enum Visit {
    Audited(Box<Audited>),
    Checked {
        response_url: Url,
        hops: u8,
        report: Box<PageReport>,
    },
    /// A redirect to a URL outside the crawl's bounds, not followed.
    Stopped {
        report: Box<PageReport>,
        /// Where it pointed (normalised).
        target: Url,
        /// Hops, the one not followed included.
        hops: u8,
    },
    Failed {
        error: String,
        redirect_loop: bool,
    },
}

fn checked_report(response: &Response, why: String) -> PageReport {
    PageReport {
        url: response.requested_url.to_string(),
        final_url: response.final_url.to_string(),
        status: response.status.as_u16(),
        content_type: response.media_type(),
        timings: Timings {
            ttfb_ms: millis(response.ttfb),
            total_ms: millis(response.total),
        },
        bytes: Bytes {
            transferred: response.body.transferred,
            decoded: response.body.data.len() as u64,
            truncated: response.body.truncated,
        },
        total_bytes: response.body.transferred,
        subresources: Default::default(),
        redirects: response.redirects.clone(),
        scores: None,
        error: Some(why),
        notes: Vec::new(),
    }
}

/// The status a URL answered with itself: its first redirect's, or the final one.
fn first_hop_status(report: &PageReport) -> u16 {
    report.redirects.first().map_or(report.status, |h| h.status)
}

/// `a`, `a or b`, `a, b or c`.
fn or_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [first @ .., last] => format!("{} or {last}", first.join(", ")),
    }
}

/// `url` normalised; in a folder audit, `dir/index.html` as `dir/`: the server webaudit runs
/// for the folder answers both with the same file, and its seeds name the folder.
fn site_form(url: &Url, folder: bool) -> Url {
    let mut url = normalise(url);
    if folder
        && let Some(dir) = url.path().strip_suffix("index.html")
        && dir.ends_with('/')
    {
        let dir = dir.to_owned();
        url.set_path(&dir);
    }
    url
}

/// The page entry of a URL whose request failed (no response: status 0).
fn failed_report(url: String, error: String) -> PageReport {
    PageReport {
        final_url: url.clone(),
        url,
        status: 0,
        content_type: None,
        timings: Timings::default(),
        bytes: Bytes::default(),
        total_bytes: 0,
        subresources: Default::default(),
        redirects: Vec::new(),
        scores: None,
        error: Some(error),
        notes: Vec::new(),
    }
}

/// Checks a fetched response: audits it when it is an HTML page.
async fn audit_response(
    loader: PageLoader,
    origin: Arc<OriginFacts>,
    response: Response,
    max_links: usize,
) -> Visit {
    let response_url = response.final_url.clone();
    let hops = response.redirects.len().min(u8::MAX as usize) as u8;
    if let Err(why) = PageLoader::check_document(&response) {
        let report = Box::new(checked_report(&response, why.to_string()));
        return Visit::Checked {
            response_url,
            hops,
            report,
        };
    }
    let page = loader.build(response, origin).await;
    let (findings, state, extracted, report) = cpu::run(move || {
        let findings = rules::run_page_rules(&page);
        let state = PageScoreState::from_findings(&findings);
        let extracted = extract(&page, max_links);
        let report = page_report(&page, state.scores().scores);
        (findings, state, extracted, report)
    })
    .await;
    Visit::Audited(Box::new(Audited {
        response_url,
        hops,
        report,
        findings,
        state,
        extracted,
    }))
}

/// Where a redirect that the crawl's bounds stopped pointed, and why it was not followed.
fn stopped_redirect(response: &Response, bounds: &Bounds) -> Option<(Url, String)> {
    if !response.status.is_redirection() {
        return None;
    }
    let location = response.header_str("location")?;
    let target = normalise(&response.final_url.join(location).ok()?);
    let outside = bounds.outside(&target)?;
    let why = format!("redirects to {target}, which {outside}; not followed");
    Some((target, why))
}

/// What visiting `url` gives: its redirects are followed within `bounds` only.
async fn visit(
    loader: PageLoader,
    origin: Arc<OriginFacts>,
    url: Url,
    max_links: usize,
    bounds: Arc<Bounds>,
) -> Visit {
    let filter = bounds.redirect_filter();
    match retry::fetch_document(&loader, &url, Some(&filter)).await {
        Ok(response) => match stopped_redirect(&response, &bounds) {
            Some((target, why)) => Visit::Stopped {
                hops: (response.redirects.len() + 1).min(u8::MAX as usize) as u8,
                report: Box::new(checked_report(&response, why)),
                target,
            },
            None => audit_response(loader, origin, response, max_links).await,
        },
        Err(e) => Visit::Failed {
            redirect_loop: matches!(e, FetchError::RedirectLoop { .. }),
            error: e.to_string(),
        },
    }
}

struct Crawler<'a> {
    input: CrawlInput<'a>,
    /// Where the crawl may go (shared with the redirect filter of its requests).
    bounds: Arc<Bounds>,
    origin: Arc<OriginFacts>,
    facts: SiteFacts,
    queue: VecDeque<UrlId>,
    fetched: usize,
    /// Scoring states of the audited pages (column-wise), and their URLs and positions in the
    /// page list, by the same index.
    states: PageStates,
    state_pages: Vec<(UrlId, u32)>,
    /// Page reports handed to the sink or waiting for it.
    pages_written: usize,
    /// The start page's report: written last, with the crawl's notes.
    first_page: Option<PageReport>,
    builder: RecommendationBuilder,
    findings_written: usize,
    /// Findings and page reports on their way to the sink.
    writer: BatchWriter<'a>,
    /// URLs that robots.txt keeps out (counted as found, never as to visit).
    blocked: usize,
    /// URLs that redirected to a page already visited (listed only by the redirect rules).
    redirected_to_visited: usize,
    /// Pages with more links than the crawl follows per page.
    pages_with_too_many_links: usize,
    notes: Vec<String>,
}

impl Crawler<'_> {
    fn discovered_total(&self) -> usize {
        (self.facts.known() - self.blocked).min(self.input.options.max_pages)
    }

    fn report_progress(&self, message: &str) {
        self.input.progress.report(ProgressEvent {
            phase: Phase::Crawling,
            pages_done: self.pages_written,
            pages_total: self.discovered_total().max(self.pages_written),
            message: message.to_owned(),
        });
    }

    /// `url` as the crawl keys it (see [`site_form`]).
    fn normalised(&self, url: &Url) -> Url {
        site_form(url, self.input.rebase.is_some())
    }

    /// Records a URL found on a page (or a seed); queues it when it is in scope and was neither
    /// queued nor visited.
    fn discover(&mut self, url: &Url, depth: Option<u32>) -> Option<UrlId> {
        let url = self.normalised(url);
        let id = self.record(&url, depth)?;
        self.enqueue(id, &url);
        Some(id)
    }

    /// Records a same-site URL (normalised) at `depth` without queueing it: a new URL gets its
    /// robots.txt verdict, a known one the smaller depth.
    fn record(&mut self, url: &Url, depth: Option<u32>) -> Option<UrlId> {
        if !self.bounds.scope.same_site(url) {
            return None;
        }
        let id = self.facts.urls.intern(url.as_str());
        if let Some(existing) = self.facts.of_mut(id) {
            if let (Some(new), Some(old)) = (depth, existing.depth)
                && new < old
            {
                existing.depth = Some(new);
            } else if existing.depth.is_none() {
                existing.depth = depth;
            }
            return Some(id);
        }
        let blocked = !self.bounds.robots_allow(url);
        let facts = self.facts.entry(id, depth);
        if blocked {
            facts.state = UrlState::BlockedByRobots;
            self.blocked += 1;
        }
        Some(id)
    }

    /// Queues a recorded URL when it is in scope, within the depth limit, not visited and not
    /// queued yet.
    fn enqueue(&mut self, id: UrlId, url: &Url) {
        let in_scope = self.bounds.scope.matches(url);
        let max_depth = self.input.options.max_depth;
        if let Some(f) = self.facts.of_mut(id)
            && in_scope
            && f.state == UrlState::Skipped
            && !f.queued
            && f.depth.is_none_or(|d| max_depth.is_none_or(|max| d <= max))
        {
            f.queued = true;
            self.queue.push_back(id);
        }
    }

    fn follow_links(&mut self, extracted: &Extracted, depth: Option<u32>) -> Vec<UrlId> {
        let follow = depth.is_none_or(|d| self.input.options.max_depth.is_none_or(|max| d < max));
        if follow && extracted.links_capped {
            self.pages_with_too_many_links += 1;
        }
        let next = depth.map(|d| d + 1);
        let mut links = Vec::with_capacity(extracted.links.len());
        for link in &extracted.links {
            let known = if follow {
                self.discover(link, next)
            } else {
                // Not followed: remember the link (for the link graph, with its depth, which
                // keeps it out of the queue) without queueing it.
                self.record(&self.normalised(link), next)
            };
            if let Some(id) = known {
                links.push(id);
            }
        }
        if follow {
            for url in extracted
                .canonical
                .iter()
                .chain(extracted.hreflang.iter().map(|(_, u)| u))
            {
                self.discover(url, next);
            }
        }
        links
    }

    /// Records an audited page's facts.
    fn add_page_facts(&mut self, id: UrlId, status: u16, extracted: Extracted, depth: Option<u32>) {
        let links = self.follow_links(&extracted, depth);
        let folder = self.input.rebase.is_some();
        let mut intern = |u: &Url| self.facts.urls.intern(site_form(u, folder).as_str());
        let canonical = extracted.canonical.as_ref().map(&mut intern);
        let hreflang = extracted
            .hreflang
            .iter()
            .map(|(lang, u)| (lang.as_str().into(), intern(u)))
            .collect();
        self.facts.add_page(
            id,
            depth,
            NewPage {
                status,
                title: extracted.title.as_deref(),
                description: extracted.description.as_deref(),
                lang: extracted.lang.as_deref(),
                canonical,
                noindex: extracted.noindex,
                hreflang,
                links: &links,
                content_hash: extracted.content_hash,
            },
        );
    }

    /// Records that `requested` ended at `response_url`; returns the final id and whether it
    /// was already audited (a second route to a page already seen).
    fn record_redirect(
        &mut self,
        requested: UrlId,
        response_url: &Url,
        hops: u8,
        status: u16,
    ) -> (UrlId, bool) {
        let final_url = self.normalised(response_url);
        let final_id = self.facts.urls.intern(final_url.as_str());
        let visited = |facts: &SiteFacts, id: UrlId| {
            facts.of(id).is_some_and(|f| {
                matches!(
                    f.state,
                    UrlState::Page | UrlState::Checked | UrlState::Failed
                )
            })
        };
        if final_id == requested {
            // Already reached through a redirect that finished while this request was in
            // flight: a URL is fetched once, so any state but `Skipped` means another route.
            return (final_id, visited(&self.facts, final_id));
        }
        self.mark_redirect(requested, status, Some(final_id), hops);
        let depth = self.facts.of(requested).and_then(|f| f.depth);
        self.facts.entry(final_id, depth);
        // If the target was queued, its turn is skipped: it is no longer `Skipped` by then.
        (final_id, visited(&self.facts, final_id))
    }

    /// Records that `id` was fetched and redirects (its first hop answered `status`) to `to`,
    /// reached or pointed at after `hops` hops.
    fn mark_redirect(&mut self, id: UrlId, status: u16, to: Option<UrlId>, hops: u8) {
        if let Some(f) = self.facts.of_mut(id) {
            f.state = UrlState::Checked;
            f.status.get_or_insert(status);
            f.redirected_to = to;
            f.hops = hops;
        }
    }

    /// Counts a redirect that led to a page already visited (not the same URL answering
    /// twice, which is one request overtaken by a redirect to it).
    fn count_second_route(&mut self, requested: UrlId, reached: UrlId) {
        if requested != reached {
            self.redirected_to_visited += 1;
        }
    }

    async fn process(&mut self, requested: UrlId, visit: Visit) -> Result<(), AuditError> {
        tracing::debug!(url = self.facts.url(requested), "visited");
        let depth = self.facts.of(requested).and_then(|f| f.depth);
        match visit {
            Visit::Audited(audited) => {
                let Audited {
                    response_url,
                    hops,
                    report,
                    findings,
                    state,
                    extracted,
                } = *audited;
                let first_status = first_hop_status(&report);
                let (id, seen) = self.record_redirect(requested, &response_url, hops, first_status);
                if seen {
                    self.count_second_route(requested, id);
                    return Ok(());
                }
                self.add_page_facts(id, report.status, extracted, depth);
                self.states.push(state);
                let seq = u32::try_from(self.pages_written).expect("fewer than 2^32 pages");
                self.state_pages.push((id, seq));
                self.add_page(report);
                self.emit(findings).await?;
            }
            Visit::Checked {
                response_url,
                hops,
                report,
            } => {
                let first_status = first_hop_status(&report);
                let (id, seen) = self.record_redirect(requested, &response_url, hops, first_status);
                if seen {
                    self.count_second_route(requested, id);
                    return Ok(());
                }
                let f = self.facts.entry(id, depth);
                f.state = UrlState::Checked;
                f.status = Some(report.status);
                self.add_page(*report);
                self.writer.flush_if_full().await?;
            }
            Visit::Stopped {
                report,
                target,
                hops,
            } => {
                // Reached another way meanwhile (as the end of another redirect): what a
                // fetched URL became does not change.
                if self
                    .facts
                    .of(requested)
                    .is_some_and(|f| f.state != UrlState::Skipped)
                {
                    return Ok(());
                }
                // A same-site target is recorded (found, not visited); another site's is only
                // named, for the rules that follow redirects.
                let target = if self.bounds.scope.same_site(&target) {
                    self.record(&target, depth)
                } else {
                    Some(self.facts.urls.intern(target.as_str()))
                };
                self.mark_redirect(requested, first_hop_status(&report), target, hops);
                // The chain followed hops inside the bounds before it stopped: the last of
                // them is settled too (fetched once, listed once), unless it was visited
                // already, which makes this URL a second route to it.
                if !report.redirects.is_empty()
                    && let Ok(last) = Url::parse(&report.final_url)
                {
                    let last = self.normalised(&last);
                    if let Some(id) = self.record(&last, depth) {
                        if self
                            .facts
                            .of(id)
                            .is_some_and(|f| f.state != UrlState::Skipped)
                        {
                            self.count_second_route(requested, id);
                            return Ok(());
                        }
                        self.mark_redirect(id, report.status, target, 1);
                    }
                }
                self.add_page(*report);
                self.writer.flush_if_full().await?;
            }
            Visit::Failed {
                error,
                redirect_loop,
            } => {
                let url = self.facts.url(requested).to_owned();
                if self.facts.fail(requested, error.clone(), redirect_loop) {
                    self.add_page(failed_report(url, error));
                    self.writer.flush_if_full().await?;
                }
            }
        }
        Ok(())
    }

    /// Records what reading the sitemaps gave (their entries are queued by
    /// [`Crawler::queue_sitemap`]).
    fn merge_sitemap_task(&mut self, result: Result<sitemaps::Sitemaps, tokio::task::JoinError>) {
        match result {
            Ok(found) => self.merge_sitemaps(found),
            Err(e) => self
                .facts
                .sitemap_notes
                .push(format!("reading the sitemaps failed: {e}")),
        }
    }

    fn merge_sitemaps(&mut self, found: sitemaps::Sitemaps) {
        tracing::info!(urls = found.urls.len(), "sitemaps read");
        self.facts.sitemap_notes.extend(found.notes.iter().cloned());
        let mut foreign = 0;
        // Every text parsed as a URL when the sitemap was read.
        for url in found.urls.iter().filter_map(|u| Url::parse(u).ok()) {
            let url = rebased(&url, self.input.rebase.as_ref());
            if !self.bounds.scope.same_site(&url) {
                foreign += 1;
            }
            let url = self.normalised(&url);
            if let Some(id) = self.record(&url, None)
                && let Some(f) = self.facts.of_mut(id)
                && !f.in_sitemap
            {
                f.in_sitemap = true;
                self.facts.sitemap.push(id);
            }
        }
        if foreign > 0 {
            self.facts.sitemap_notes.push(format!(
                "{} on other hosts and {} not crawled",
                counted(foreign, "sitemap URL is", "sitemap URLs are"),
                plural(foreign, "was", "were")
            ));
        }
    }

    /// Queues the sitemap's entries that no link led to (after the pages links reach, so that
    /// those are visited first and get their click depth).
    fn queue_sitemap(&mut self) {
        for i in 0..self.facts.sitemap.len() {
            let id = self.facts.sitemap[i];
            let url = Url::parse(self.facts.url(id)).expect("interned URLs parse");
            self.enqueue(id, &url);
        }
    }

    /// Runs the cross-page rules; writes their findings and folds their results into the
    /// pages' scoring states.
    async fn site_rules(&mut self, single_page: bool) -> Result<(), AuditError> {
        let start = self.facts.start;
        let start_url = start
            .map(|s| self.facts.url(s).to_owned())
            .unwrap_or_default();
        let audited: HashSet<UrlId> = self.state_pages.iter().map(|(id, _)| *id).collect();
        for rule in SITE_RULES {
            let info = rule.info;
            let check = if single_page {
                SiteCheck::NotApplicable(
                    "cross-page rules need a site audit (max_pages above 1)".into(),
                )
            } else {
                (rule.check)(&self.facts)
            };
            let mut findings = Vec::new();
            match check {
                SiteCheck::NotApplicable(why) => findings.push(info.finding(
                    &start_url,
                    Outcome::NotApplicable,
                    info.severity,
                    None,
                    Evidence {
                        detail: Some(why),
                        ..Evidence::default()
                    },
                )),
                SiteCheck::Checked(failures) => {
                    let mut failing_pages: HashMap<UrlId, ()> = HashMap::new();
                    for (page, evidence) in failures {
                        let scored = if audited.contains(&page) {
                            page
                        } else {
                            start.unwrap_or(page)
                        };
                        failing_pages.insert(scored, ());
                        findings.push(info.finding(
                            self.facts.url(page),
                            Outcome::Fail,
                            info.severity,
                            Some(0.0),
                            evidence,
                        ));
                    }
                    if findings.is_empty() {
                        findings.push(info.finding(
                            &start_url,
                            Outcome::Pass,
                            info.severity,
                            Some(1.0),
                            Evidence {
                                detail: Some(format!(
                                    "checked across {} audited pages",
                                    audited.len()
                                )),
                                ..Evidence::default()
                            },
                        ));
                    }
                    for (page, (id, _)) in self.state_pages.iter().enumerate() {
                        let failed = failing_pages.contains_key(id);
                        self.states.add(
                            page,
                            RuleResult {
                                rule_id: info.id.into(),
                                category: info.category,
                                weight: info.weight,
                                score: if failed { 0.0 } else { 1.0 },
                                failed,
                                modifier: None,
                                observatory: false,
                            },
                        );
                    }
                }
            }
            self.emit(findings).await?;
        }
        self.writer.flush().await
    }

    /// Queues a page's report for the sink (the start page's is held back for the notes).
    fn add_page(&mut self, report: PageReport) {
        let seq = self.pages_written;
        self.pages_written += 1;
        self.report_progress(&report.final_url);
        if seq == 0 {
            self.first_page = Some(report);
        } else {
            self.writer.queue_page(seq, report);
        }
    }

    /// Counts findings into the recommendations and queues them for the sink, which gets them
    /// in batches (one store transaction per batch, not per page).
    async fn emit(&mut self, findings: Vec<Finding>) -> Result<(), AuditError> {
        self.builder.add_batch(&findings);
        self.findings_written += findings.len();
        self.writer.queue_findings(findings);
        self.writer.flush_if_full().await
    }

    async fn finish(mut self, cut: Option<Cut>) -> Result<AuditSummary, AuditError> {
        let states = std::mem::take(&mut self.states);
        let page_scores: Vec<(usize, Scores)> = self
            .state_pages
            .iter()
            .enumerate()
            .map(|(page, (_, seq))| (*seq as usize, states.scores(page).scores))
            .collect();
        let audited = counted(states.len(), "page", "pages");
        match cut {
            Some(Cut::Deadline) => self.notes.push(format!(
                "the audit's time limit was reached; the report covers the {audited} audited by \
                 then (raise the limit with --deadline SECS)"
            )),
            Some(Cut::Stopped) => self.notes.push(format!(
                "the audit was stopped before the end; the report covers the {audited} audited \
                 by then"
            )),
            None => {}
        }
        let skipped = self.facts.not_visited();
        if skipped > 0 && self.input.options.max_pages > 1 {
            let found = match skipped {
                1 => "1 more same-site URL was found but not visited".to_owned(),
                n => format!("{n} more same-site URLs were found but not visited"),
            };
            let options = self.input.options;
            let mut limits = Vec::new();
            if self.fetched >= options.max_pages {
                limits.push(format!(
                    "the page limit of {} set by --max-pages",
                    options.max_pages
                ));
            }
            if options.max_depth.is_some() {
                limits.push("the depth limit set by --max-depth".to_owned());
            }
            if !options.include.is_empty() || !options.exclude.is_empty() {
                limits.push("the URL patterns (--include, --exclude)".to_owned());
            }
            self.notes.push(match (cut, limits.as_slice()) {
                (None, [_, ..]) => format!("{found} (beyond {})", or_list(&limits)),
                _ => found,
            });
        }
        if self.blocked > 0 && self.input.options.max_pages > 1 {
            self.notes.push(format!(
                "{} disallowed by robots.txt and not visited (--ignore-robots crawls them, \
                 for your own site)",
                counted(self.blocked, "same-site URL is", "same-site URLs are")
            ));
        }
        if self.pages_with_too_many_links > 0 && self.input.options.max_pages > 1 {
            let limit = self.input.options.max_links_per_page;
            self.notes.push(format!(
                "{} more than {limit} distinct links; links past the first {limit} were not \
                 followed",
                counted(self.pages_with_too_many_links, "page has", "pages have")
            ));
        }
        if self.redirected_to_visited > 0 {
            self.notes.push(format!(
                "{} to pages already visited, so not listed as pages (the redirect rules \
                 check them; each counted toward --max-pages)",
                counted(
                    self.redirected_to_visited,
                    "more URL redirected",
                    "more URLs redirected"
                )
            ));
        }
        self.notes.extend(self.facts.sitemap_notes.iter().cloned());
        if self.bounds.robots_applied {
            self.notes.extend(self.bounds.robots.note.iter().cloned());
        }
        if let Some(mut first) = self.first_page.take() {
            first.notes.append(&mut self.notes);
            self.writer.queue_page(0, first);
        }
        self.writer.finish().await?;
        tracing::info!(
            pages = self.pages_written,
            audited = states.len(),
            findings = self.findings_written,
            stopped_early = cut.is_some(),
            "crawl finished"
        );
        let card = states.site_scores(&[]);
        Ok(AuditSummary {
            page_count: self.pages_written,
            page_scores,
            scores: card.scores,
            observatory_score: card.observatory_score,
            security_grade: card.security_grade().map(str::to_owned),
            recommendations: std::mem::take(&mut self.builder).build(&states),
            findings_written: self.findings_written,
            stopped_early: cut == Some(Cut::Stopped),
        })
    }
}

/// `url` moved onto `root` (same path and query) when a root is given and the hosts differ.
fn rebased(url: &Url, root: Option<&Url>) -> Url {
    match root {
        Some(root) if url.origin() != root.origin() => {
            let mut moved = root.clone();
            moved.set_path(url.path());
            moved.set_query(url.query());
            moved
        }
        _ => url.clone(),
    }
}

/// Crawls from the start URL and audits every page reached, within the budget and deadline.
pub async fn crawl(input: CrawlInput<'_>) -> Result<AuditSummary, AuditError> {
    let loader = input.loader.clone();
    let progress = input.progress;
    let step = |phase: Phase, message: &str| {
        progress.report(ProgressEvent {
            phase,
            pages_done: 0,
            pages_total: 1,
            message: message.to_owned(),
        })
    };
    step(Phase::FetchingDocument, input.start.as_str());
    let response =
        unless_stopped(progress, retry::fetch_document(&loader, &input.start, None)).await??;
    PageLoader::check_document(&response)?;
    let start_final = normalise(&response.final_url);
    let scope = Scope::new(&start_final, &input.options.include, &input.options.exclude)
        .map_err(|e| AuditError::Options(e.to_string()))?;
    step(Phase::FetchingSubresources, start_final.as_str());
    let (origin, start_visit) = unless_stopped(progress, async {
        let origin_facts = loader.origin_facts(&start_final).await;
        let origin = Arc::new(origin_facts);
        step(Phase::CheckingRules, start_final.as_str());
        let visit = audit_response(
            loader.clone(),
            origin.clone(),
            response,
            input.options.max_links_per_page,
        )
        .await;
        (origin, visit)
    })
    .await?;
    // Read even when its rules are ignored: its sitemaps still count.
    let robots = RobotsRules::from_probe(origin.robots_txt.as_ref());
    let site_audit = input.options.max_pages > 1;
    let sitemap_task = site_audit.then(|| {
        let fetcher = loader.fetcher().clone();
        let rebase = input.rebase.clone();
        let listed: Vec<String> = robots
            .sitemaps()
            .iter()
            .filter_map(|s| start_final.join(s.trim()).ok())
            .map(|u| rebased(&u, rebase.as_ref()).to_string())
            .collect();
        let site = start_final.clone();
        tokio::spawn(async move { sitemaps::read(&fetcher, &site, &listed, rebase.as_ref()).await })
    });
    let bounds = Arc::new(Bounds::new(
        scope,
        robots,
        !input.options.ignore_robots,
        [normalise(&input.start), start_final.clone()],
    ));
    // Tables sized for the page budget at once (see SiteFacts::with_capacity), up to a bound
    // so that a raised cap does not reserve more than a crawl of that size could use soon.
    let reserved = input.options.max_pages.min(RESERVED_PAGES);
    let mut facts = SiteFacts::with_capacity(reserved);
    facts.robots_applied = bounds.robots_applied;
    let mut crawler = Crawler {
        bounds,
        origin,
        facts,
        queue: VecDeque::new(),
        fetched: 1,
        states: PageStates::with_capacity(reserved),
        state_pages: Vec::with_capacity(reserved),
        pages_written: 0,
        first_page: None,
        builder: RecommendationBuilder::default(),
        findings_written: 0,
        writer: BatchWriter::new(input.sink),
        blocked: 0,
        redirected_to_visited: 0,
        pages_with_too_many_links: 0,
        notes: Vec::new(),
        input,
    };
    let requested_start = crawler
        .facts
        .urls
        .intern(normalise(&crawler.input.start).as_str());
    crawler.facts.entry(requested_start, Some(0));
    let start_id = crawler.facts.urls.intern(start_final.as_str());
    crawler.facts.entry(start_id, Some(0));
    crawler.facts.start = Some(start_id);
    let visited = visit_site(
        &mut crawler,
        site_audit,
        sitemap_task,
        (requested_start, start_visit),
    )
    .await;
    let cut = match visited {
        Ok(cut) => cut,
        Err(error) => {
            crawler.writer.abandon().await;
            return Err(error);
        }
    };
    let summary = crawler.finish(cut).await?;
    progress.report(ProgressEvent {
        phase: Phase::Done,
        pages_done: summary.page_count,
        pages_total: summary.page_count,
        message: "done".into(),
    });
    Ok(summary)
}

/// Visits the start page's result, then every page the crawl reaches, and runs the cross-page
/// rules. Returns what cut the crawl short, if anything did.
async fn visit_site(
    crawler: &mut Crawler<'_>,
    site_audit: bool,
    sitemap_task: Option<JoinHandle<sitemaps::Sitemaps>>,
    (requested_start, start_visit): (UrlId, Visit),
) -> Result<Option<Cut>, AuditError> {
    crawler.process(requested_start, start_visit).await?;
    if !site_audit {
        crawler.queue.clear();
    }

    let mut deferred: VecDeque<Url> = crawler.input.extra_seeds.drain(..).collect();
    let mut sitemap_task = sitemap_task;
    let delay = crawler.bounds.crawl_delay();
    let concurrency = match delay {
        Some(_) => 1,
        None => crawler.input.options.host_concurrency.max(1),
    };
    let mut last_start: Option<Instant> = None;
    let mut tasks: JoinSet<Visit> = JoinSet::new();
    let mut running: HashMap<Id, UrlId> = HashMap::new();
    let mut cut = None;
    let mut sitemap_queued = false;
    'crawl: loop {
        if site_audit && stop_requested(&crawler.input) {
            cut = Some(Cut::Stopped);
            tasks.abort_all();
            break;
        }
        // Sitemaps are merged as soon as they are read (their URL list is not kept); their
        // entries wait until the pages that links reach are visited.
        if sitemap_task.as_ref().is_some_and(|t| t.is_finished()) {
            let task = sitemap_task.take().expect("checked above");
            crawler.merge_sitemap_task(task.await);
        }
        while site_audit
            && tasks.len() < concurrency
            && crawler.fetched < crawler.input.options.max_pages
        {
            let Some(id) = crawler.queue.pop_front() else {
                break;
            };
            if crawler
                .facts
                .of(id)
                .is_some_and(|f| f.state != UrlState::Skipped)
            {
                continue;
            }
            if let (Some(delay), Some(last)) = (delay, last_start)
                && let Err(why) =
                    before_cut(&crawler.input, tokio::time::sleep_until(last + delay)).await
            {
                cut = Some(why);
                tasks.abort_all();
                break 'crawl;
            }
            last_start = Some(Instant::now());
            crawler.fetched += 1;
            let url = Url::parse(crawler.facts.url(id)).expect("interned URLs parse");
            let handle = tasks.spawn(visit(
                crawler.input.loader.clone(),
                crawler.origin.clone(),
                url,
                crawler.input.options.max_links_per_page,
                crawler.bounds.clone(),
            ));
            running.insert(handle.id(), id);
        }
        if tasks.is_empty() {
            if !site_audit || crawler.fetched >= crawler.input.options.max_pages {
                break;
            }
            if let Some(task) = sitemap_task.as_mut() {
                match before_cut(&crawler.input, task).await {
                    Ok(result) => {
                        sitemap_task = None;
                        crawler.merge_sitemap_task(result);
                    }
                    Err(why) => {
                        cut = Some(why);
                        break;
                    }
                }
            }
            if !sitemap_queued {
                sitemap_queued = true;
                crawler.queue_sitemap();
                continue;
            }
            if !deferred.is_empty() {
                for url in deferred.drain(..) {
                    crawler.discover(&url, None);
                }
                continue;
            }
            break;
        }
        match before_cut(&crawler.input, tasks.join_next_with_id()).await {
            Err(why) => {
                cut = Some(why);
                tasks.abort_all();
                break;
            }
            Ok(None) => {}
            Ok(Some(Ok((task, visit)))) => {
                if let Some(id) = running.remove(&task) {
                    crawler.process(id, visit).await?;
                }
            }
            Ok(Some(Err(e))) => {
                if let Some(id) = running.remove(&e.id()) {
                    let error = format!("internal error while auditing this page: {e}");
                    let visit = Visit::Failed {
                        error,
                        redirect_loop: false,
                    };
                    crawler.process(id, visit).await?;
                }
            }
        }
    }
    // The page cap (or the deadline) can end the crawl before the sitemaps are read: their
    // entries still count for the sitemap rules if they come within a short grace.
    if let Some(mut task) = sitemap_task.take() {
        let grace = match cut {
            Some(Cut::Stopped) => Instant::now(),
            _ => (Instant::now() + SITEMAP_GRACE).min(crawler.input.deadline),
        };
        match tokio::time::timeout_at(grace, &mut task).await {
            Ok(result) => crawler.merge_sitemap_task(result),
            Err(_) => {
                task.abort();
                crawler.facts.sitemap_notes.push(
                    "the sitemaps were still being read when the crawl ended; the sitemap \
                     rules could not use them"
                        .into(),
                );
            }
        }
    }
    crawler.site_rules(!site_audit).await?;
    Ok(cut)
}
