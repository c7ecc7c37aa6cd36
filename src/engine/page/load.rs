//! Loading a page: fetch the document once, decode and parse it once (on a blocking thread, off
//! the async runtime), then fetch the subresources it references with bounded concurrency.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::future::{BoxFuture, Shared};
use futures::{FutureExt, StreamExt};
use http::header;
use url::Url;

use super::decode::{self, CharsetSource};
use super::refs::{ResourceKind, ResourceRef, collect_refs};
use super::{OriginFacts, Page, Served, Subresource};
use crate::engine::fetch::{
    BodyLimits, FetchError, Fetcher, RedirectFilter, Request, Response, media_type, millis,
};
use crate::report::{Bytes as ByteSizes, Timings};

/// Default most subresources fetched per page.
pub const DEFAULT_MAX_SUBRESOURCES: usize = 100;
/// Default subresource fetches in flight per page.
pub const DEFAULT_SUBRESOURCE_CONCURRENCY: usize = 8;
/// Default time allowed for all of a page's subresources; fetches still running then are
/// dropped and the page is audited with what arrived.
pub const DEFAULT_SUBRESOURCE_BUDGET: Duration = Duration::from_secs(30);

/// How pages are loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageOptions {
    /// Most subresources fetched per page; the rest are counted but not fetched.
    pub max_subresources: usize,
    /// Subresource fetches in flight at once.
    pub subresource_concurrency: usize,
    /// Who serves the pages.
    pub served: Served,
    /// Time allowed for all subresources of a page.
    pub subresource_budget: Duration,
    /// Deepest element nesting parsed; deeper documents are audited up to that point.
    pub max_nesting_depth: usize,
}

impl Default for PageOptions {
    fn default() -> Self {
        PageOptions {
            max_subresources: DEFAULT_MAX_SUBRESOURCES,
            subresource_concurrency: DEFAULT_SUBRESOURCE_CONCURRENCY,
            served: Served::Remote,
            subresource_budget: DEFAULT_SUBRESOURCE_BUDGET,
            max_nesting_depth: super::nesting::DEFAULT_MAX_NESTING_DEPTH,
        }
    }
}

/// Why a document could not be audited as a page.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The request failed.
    #[error(transparent)]
    Fetch(#[from] FetchError),
    /// The response is not HTML.
    #[error(
        "{url} returned `{content_type}`, not an HTML page; audit the URL of an HTML page instead"
    )]
    NotHtml {
        /// The final URL.
        url: String,
        /// Its media type.
        content_type: String,
    },
    /// The server answered with an error status.
    #[error("{url} answered HTTP {status}{reason}; check the URL, or that the page is published")]
    Status {
        /// The final URL.
        url: String,
        /// The status.
        status: u16,
        /// ` Not Found` and the like.
        reason: String,
    },
    /// The document body is empty.
    #[error("{url} returned an empty document (HTTP {status}); there is nothing to audit")]
    Empty {
        /// The final URL.
        url: String,
        /// The status.
        status: u16,
    },
}

impl LoadError {
    /// True when the target could not be reached (exit code 3) rather than rejected as input.
    pub fn is_unreachable(&self) -> bool {
        match self {
            LoadError::Fetch(e) => e.is_unreachable(),
            _ => true,
        }
    }
}

/// True when a response is an HTML document, by media type or, without one, by sniffing.
pub fn is_html(content_type: Option<&str>, body: &[u8]) -> bool {
    match content_type {
        Some(t) => t == "text/html" || t == "application/xhtml+xml",
        None => {
            let start = String::from_utf8_lossy(&body[..body.len().min(512)]).to_ascii_lowercase();
            let start = start.trim_start_matches('\u{feff}').trim_start();
            start.starts_with("<!doctype html") || start.starts_with("<html")
        }
    }
}

/// Loads pages with one shared [`Fetcher`] and one subresource cache.
#[derive(Debug, Clone)]
pub struct PageLoader {
    fetcher: Fetcher,
    options: PageOptions,
    cache: Arc<SubresourceCache>,
}

impl PageLoader {
    /// A loader.
    pub fn new(fetcher: Fetcher, options: PageOptions) -> Self {
        PageLoader {
            fetcher,
            options,
            cache: Arc::default(),
        }
    }

    /// The subresource cache.
    pub fn cache(&self) -> &SubresourceCache {
        &self.cache
    }

    /// The fetcher.
    pub fn fetcher(&self) -> &Fetcher {
        &self.fetcher
    }

    /// The options.
    pub fn options(&self) -> &PageOptions {
        &self.options
    }

    /// Fetches a document (following redirects) under the document cap.
    pub async fn fetch_document(&self, url: Url) -> Result<Response, FetchError> {
        self.fetch_document_following(url, None).await
    }

    /// Fetches a document, following only the redirects `filter` allows (all without one).
    pub async fn fetch_document_following(
        &self,
        url: Url,
        filter: Option<&RedirectFilter>,
    ) -> Result<Response, FetchError> {
        let cap = self.fetcher.settings().document_cap;
        let mut request = Request::get(url, BodyLimits::keep_all(cap));
        if let Some(filter) = filter {
            request = request.following(filter.clone());
        }
        self.fetcher.fetch(request).await
    }

    /// Checks that a fetched document can be audited as a page.
    pub fn check_document(response: &Response) -> Result<(), LoadError> {
        let url = response.final_url.to_string();
        let status = response.status.as_u16();
        if status >= 400 {
            return Err(LoadError::Status {
                url,
                status,
                reason: response
                    .status
                    .canonical_reason()
                    .map(|r| format!(" {r}"))
                    .unwrap_or_default(),
            });
        }
        let content_type = response.media_type();
        if !response.body.data.is_empty() && !is_html(content_type.as_deref(), &response.body.data)
        {
            return Err(LoadError::NotHtml {
                url,
                content_type: content_type.unwrap_or_else(|| "an unknown type".into()),
            });
        }
        if response.body.data.iter().all(u8::is_ascii_whitespace) {
            return Err(LoadError::Empty { url, status });
        }
        Ok(())
    }

    /// Fetches the facts of a page's origin (for a directory target, only robots.txt: the
    /// other probes would measure webaudit's own server).
    pub async fn origin_facts(&self, page_url: &Url) -> OriginFacts {
        match self.options.served {
            Served::Remote => OriginFacts::fetch(&self.fetcher, page_url).await,
            Served::LocalDirectory => {
                OriginFacts::fetch_content_only(&self.fetcher, page_url).await
            }
        }
    }

    /// Decodes and parses a fetched document, then fetches its subresources.
    pub async fn build(&self, response: Response, origin: Arc<OriginFacts>) -> Page {
        let served = self.options.served;
        let max_depth = self.options.max_nesting_depth;
        // The references are read on the blocking thread too: walking a large DOM is CPU work
        // that would otherwise hold an async worker.
        let (mut page, refs) = super::cpu::run(move || {
            let page = parse(response, origin, served, max_depth);
            let refs = collect_refs(&page);
            (page, refs)
        })
        .await;
        page.subresources_referenced = refs.len();
        if refs.len() > self.options.max_subresources {
            page.notes.push(format!(
                "the page references {} subresources; the first {} were fetched (limit \
                 max_subresources)",
                refs.len(),
                self.options.max_subresources
            ));
        }
        let (subresources, complete) = self.fetch_subresources(refs).await;
        if !complete {
            page.notes.push(format!(
                "fetching subresources took longer than {} s (limit subresource_budget); the page \
                 was audited with the {} that arrived",
                self.options.subresource_budget.as_secs(),
                subresources.len()
            ));
        }
        page.subresources = subresources;
        page
    }

    /// Fetches subresources with bounded concurrency within the subresource budget, each URL
    /// once per loader (pages of a site share their stylesheets, scripts and images). Returns
    /// them in document order and whether all finished in time.
    async fn fetch_subresources(&self, refs: Vec<ResourceRef>) -> (Vec<Subresource>, bool) {
        let wanted = refs.len().min(self.options.max_subresources);
        let mut stream = futures::stream::iter(refs.into_iter().take(wanted).enumerate())
            .map(|(index, reference)| {
                let shared = self.cache.get_or_fetch(&self.fetcher, &reference);
                async move {
                    let fetched = shared.await;
                    let mut subresource = Subresource::clone(&fetched);
                    subresource.reference = reference;
                    (index, subresource)
                }
            })
            .buffer_unordered(self.options.subresource_concurrency.max(1));
        let mut fetched: Vec<(usize, Subresource)> = Vec::with_capacity(wanted);
        let deadline = tokio::time::sleep(self.options.subresource_budget);
        tokio::pin!(deadline);
        loop {
            tokio::select! {
                next = stream.next() => match next {
                    Some(item) => fetched.push(item),
                    None => break,
                },
                _ = &mut deadline => break,
            }
        }
        let complete = fetched.len() == wanted;
        fetched.sort_by_key(|(index, _)| *index);
        (fetched.into_iter().map(|(_, s)| s).collect(), complete)
    }
}

type SharedFetch = Shared<BoxFuture<'static, Arc<Subresource>>>;

/// Subresources fetched (or being fetched) by one loader, by URL: identical requests in flight
/// are made once, and finished ones are reused.
#[derive(Default)]
pub struct SubresourceCache {
    entries: Mutex<HashMap<Url, SharedFetch>>,
}

impl std::fmt::Debug for SubresourceCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.entries.lock().map(|e| e.len()).unwrap_or(0);
        f.debug_struct("SubresourceCache")
            .field("entries", &n)
            .finish()
    }
}

impl SubresourceCache {
    /// The fetch of `reference.url`, started now unless it already was.
    fn get_or_fetch(&self, fetcher: &Fetcher, reference: &ResourceRef) -> SharedFetch {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(existing) = entries.get(&reference.url) {
            return existing.clone();
        }
        let settings = fetcher.settings();
        // Scripts keep the start of their body (for banner comments); images read their
        // header for their dimensions, then drop it; the rest keep sizes and headers only, so
        // the cache stays small on large sites.
        let sample = match reference.kind {
            ResourceKind::Script => settings.subresource_sample,
            ResourceKind::Image | ResourceKind::Icon => IMAGE_HEADER_BYTES,
            _ => 0,
        };
        let limits = BodyLimits::sample(sample, settings.subresource_cap);
        let (fetcher, owned) = (fetcher.clone(), reference.clone());
        let future = async move { Arc::new(fetch_subresource(&fetcher, owned, limits).await) }
            .boxed()
            .shared();
        entries.insert(reference.url.clone(), future.clone());
        future
    }

    /// How many distinct subresources were requested.
    pub fn len(&self) -> usize {
        self.entries.lock().map(|e| e.len()).unwrap_or(0)
    }

    /// True when none was requested.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

async fn fetch_subresource(
    fetcher: &Fetcher,
    reference: ResourceRef,
    limits: BodyLimits,
) -> Subresource {
    let request = Request::get(reference.url.clone(), limits);
    match fetcher.fetch(request).await {
        Ok(response) => Subresource {
            dimensions: image_dimensions(&reference, &response.body.data),
            sample: if matches!(reference.kind, ResourceKind::Image | ResourceKind::Icon) {
                bytes::Bytes::new()
            } else {
                response.body.data.clone()
            },
            status: Some(response.status.as_u16()),
            content_type: response.media_type(),
            content_encoding: response.content_encoding.clone(),
            transferred: response.body.transferred,
            decoded: response.body.decoded,
            truncated: response.body.truncated,
            time_ms: millis(response.total),
            redirects: response.redirects,
            error: response.body.interrupted,
            headers: response.headers,
            reference,
        },
        Err(e) => Subresource {
            reference,
            status: None,
            headers: Default::default(),
            content_type: None,
            content_encoding: None,
            transferred: 0,
            decoded: None,
            truncated: false,
            sample: Default::default(),
            time_ms: 0.0,
            redirects: Vec::new(),
            error: Some(e.to_string()),
            dimensions: None,
        },
    }
}

/// Bytes of an image read to find its dimensions (enough for PNG, GIF, WebP, AVIF and most
/// JPEG headers).
pub const IMAGE_HEADER_BYTES: usize = 8 * 1024;

/// The natural size of an image from the start of its body, when its format is known.
fn image_dimensions(reference: &ResourceRef, head: &[u8]) -> Option<(u32, u32)> {
    if !matches!(reference.kind, ResourceKind::Image | ResourceKind::Icon) || head.is_empty() {
        return None;
    }
    let size = imagesize::blob_size(head).ok()?;
    Some((
        u32::try_from(size.width).ok()?,
        u32::try_from(size.height).ok()?,
    ))
}

/// Bytes of HTML per node of its tree, on the low side: the bench site's pages have about 26,
/// the bundled example site's 17 to 21.
const BYTES_PER_NODE: usize = 24;

/// Nodes the tree is sized for at most before parsing (a huge text or script needs few nodes).
const MOST_NODES_RESERVED: usize = 1 << 16;

/// Parses `text` as scraper does, into a tree sized for the document at once: grown node by
/// node, the tree's vector doubled and was copied a dozen times per page.
fn parse_html(text: &str) -> scraper::Html {
    use html5ever::tendril::TendrilSink;
    let mut html = scraper::Html::new_document();
    let nodes = (text.len() / BYTES_PER_NODE).min(MOST_NODES_RESERVED);
    html.tree = ego_tree::Tree::with_capacity(scraper::Node::Document, nodes);
    html5ever::driver::parse_document(scraper::HtmlTreeSink::new(html), Default::default())
        .one(text)
}

/// Decodes and parses the document (CPU work; runs on a blocking thread).
fn parse(response: Response, origin: Arc<OriginFacts>, served: Served, max_depth: usize) -> Page {
    let content_type_header = response
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let (mut text, decoding) = decode::decode(&response.body.data, content_type_header.as_deref());
    let mut notes = Vec::new();
    if let Some(cut) = super::nesting::excess_nesting_at(&text, max_depth) {
        text.truncate(cut);
        notes.push(format!(
            "elements are nested more than {max_depth} levels deep; the document was audited up to \
             that point (limit max_nesting_depth)"
        ));
    }
    if response.body.truncated {
        notes.push(format!(
            "the document is larger than the {} MiB document cap; only its start was audited",
            response.body.data.len() / (1024 * 1024)
        ));
    }
    if let Some(reason) = &response.body.interrupted {
        notes.push(format!(
            "reading the document stopped early ({reason}); the part received was audited"
        ));
    }
    if decoding.had_errors {
        let declared = match decoding.source {
            CharsetSource::Default => "no charset was declared, so UTF-8 was assumed".to_owned(),
            _ => format!("it declares {}", decoding.encoding),
        };
        notes.push(format!(
            "the document contains bytes that are not valid {} ({declared}); they were replaced \
             with U+FFFD",
            decoding.encoding
        ));
    }
    let dom = parse_html(&text);
    Page {
        content_type: media_type(&response.headers),
        content_encoding: response.content_encoding.clone(),
        http_version: response.http_version.clone(),
        timings: Timings {
            ttfb_ms: millis(response.ttfb),
            total_ms: millis(response.total),
        },
        bytes: ByteSizes {
            transferred: response.body.transferred,
            decoded: response.body.data.len() as u64,
            truncated: response.body.truncated,
        },
        status: response.status.as_u16(),
        url: response.requested_url,
        final_url: response.final_url,
        headers: response.headers,
        redirects: response.redirects,
        raw: response.body.data,
        text,
        decoding,
        dom,
        subresources: Vec::new(),
        subresources_referenced: 0,
        origin,
        served,
        notes,
        derived: super::Derived::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tree_sized_at_once_parses_like_scraper() {
        let long_text = format!("<p>{}</p>", "word ".repeat(50_000));
        let documents = [
            "",
            "<!DOCTYPE html><html lang=en><head><title>T</title></head><body><p>a<b>b</p>c</b>",
            "<table><tr><td>cell<td>cell</table><div>after",
            "no doctype, quirks <frameset></frameset>",
            "<svg><foreignObject><p>html inside svg</p></foreignObject></svg><math><mi>x</mi></math>",
            "<script>if (a < b) document.write('<p>')</script><template><li>t</template>",
            long_text.as_str(),
        ];
        for document in documents {
            let expected = scraper::Html::parse_document(document);
            let parsed = parse_html(document);
            assert_eq!(parsed.html(), expected.html(), "{document:.60}");
            assert_eq!(parsed.quirks_mode, expected.quirks_mode, "{document:.60}");
            assert_eq!(
                parsed.tree.nodes().count(),
                expected.tree.nodes().count(),
                "{document:.60}"
            );
        }
    }
}
