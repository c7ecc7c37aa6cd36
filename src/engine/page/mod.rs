//! [`Page`]: everything a rule may look at, fetched and parsed once. A page holds the final
//! URL, status, headers, timings, the decoded body and its DOM, the facts of every subresource
//! it references, and the facts of its origin (robots.txt, the http→https probe, the CORS
//! preflight) shared by all pages of that origin.
//!
//! Rules never do I/O: [`load`] fetches everything first, then rules read the `Page`.

pub mod cpu;
pub mod decode;
pub mod dom;
pub mod duplicates;
pub mod index;
mod link_lists;
pub mod links;
mod load;
pub mod memo;
pub mod nesting;
mod origin;
mod refs;
pub mod site;
pub mod text_hash;
mod url_table;

pub use load::{LoadError, PageLoader, PageOptions, SubresourceCache};
pub use origin::{CORS_PROBE_ORIGIN, OriginFacts, Probe};
pub use refs::{ResourceKind, ResourceRef, collect_refs};

use std::borrow::Cow;
use std::sync::{Arc, OnceLock};

use http::HeaderMap;
use scraper::Html;
use url::Url;

use crate::report::{Bytes as ByteSizes, RedirectHop, Timings};

/// Where the page's server is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Served {
    /// A real web server: its headers and transport are the site's own and rules judge them.
    Remote,
    /// webaudit's own loopback server for a directory target: headers, compression, caching
    /// and TLS are not the site's, so rules about them are not applicable.
    LocalDirectory,
}

/// A fetched, parsed page and the facts rules need.
#[derive(Debug)]
pub struct Page {
    /// The URL requested.
    pub url: Url,
    /// The URL after redirects.
    pub final_url: Url,
    /// Final HTTP status.
    pub status: u16,
    /// Final response headers.
    pub headers: HeaderMap,
    /// Media type of the final response (lower-case, no parameters).
    pub content_type: Option<String>,
    /// `Content-Encoding` of the document, if compressed.
    pub content_encoding: Option<String>,
    /// `HTTP/1.1`, `HTTP/2`, …
    pub http_version: String,
    /// Document timings.
    pub timings: Timings,
    /// Redirect hops before the final URL.
    pub redirects: Vec<RedirectHop>,
    /// Document sizes.
    pub bytes: ByteSizes,
    /// The raw (decompressed, not yet charset-decoded) body.
    pub raw: bytes::Bytes,
    /// The body as text.
    pub text: String,
    /// How the text was decoded.
    pub decoding: decode::Decoding,
    /// The parsed document.
    pub dom: Html,
    /// Subresources referenced by the page, with what fetching each gave.
    pub subresources: Vec<Subresource>,
    /// How many distinct subresource URLs the page referenced (some may be over the cap).
    pub subresources_referenced: usize,
    /// Facts of the page's origin.
    pub origin: Arc<OriginFacts>,
    /// Who serves the page.
    pub served: Served,
    /// Things worth telling the reader about how the page was fetched (truncation, decoding).
    pub notes: Vec<String>,
    /// What is derived from the document on first use (see [`Derived`]).
    derived: Derived,
}

impl Page {
    /// A header's first value as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Every value of a header as text (invalid values skipped).
    pub fn header_all(&self, name: &str) -> Vec<&str> {
        self.headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect()
    }

    /// True when the page's server is the site's own (not webaudit's directory server).
    pub fn is_remote(&self) -> bool {
        self.served == Served::Remote
    }

    /// True when the final URL is https.
    pub fn is_https(&self) -> bool {
        self.final_url.scheme() == "https"
    }

    /// Resolves a reference found in the page against the final URL (and `<base href>`).
    pub fn resolve(&self, reference: &str) -> Option<Url> {
        dom::resolve(self.base_url(), reference)
    }

    /// The base URL for relative references: `<base href>` when present, else the final URL.
    pub fn base_url(&self) -> &Url {
        self.derived.base_url.get_or_init(|| {
            dom::base_url(
                self.select(crate::sel!("base[href]")).next(),
                &self.final_url,
            )
        })
    }

    /// The page's value of type `T`, computed by `init` for the first rule that asks and
    /// shared with the others (see [`memo`]).
    pub fn memo<T: std::any::Any + Send + Sync>(&self, init: impl FnOnce(&Page) -> T) -> Arc<T> {
        self.derived.memo.get_or_init(|| init(self))
    }

    /// The resolved `href` of every `a[href]` and `area[href]`, in document order, resolved
    /// once on first use (link rules and the crawl's link extraction share them).
    pub fn link_targets(&self) -> &links::LinkTargets {
        self.derived
            .links
            .get_or_init(|| links::LinkTargets::build(self))
    }

    /// The element's `href` resolved against the base URL (`None` when it has none or it
    /// does not resolve), from [`Page::link_targets`] for links.
    pub fn href_target(&self, el: scraper::ElementRef<'_>) -> Option<Cow<'_, Url>> {
        match self.link_targets().get(el) {
            Some(target) => target.map(Cow::Borrowed),
            None => links::resolved_href(self.base_url(), el).map(Cow::Owned),
        }
    }

    /// Every element of the document, in document order (for rules that must look at all of
    /// them; [`Page::select`] is faster when a tag or attribute narrows the search).
    pub fn elements(&self) -> impl Iterator<Item = scraper::ElementRef<'_>> {
        self.dom.tree.nodes().filter_map(scraper::ElementRef::wrap)
    }

    /// The elements `selector` matches, in the order of [`Html::select`], found through the
    /// page's element index (see [`index`]) rather than a walk of the whole document.
    pub fn select<'a>(&'a self, selector: &'a index::IndexedSelector) -> index::Selection<'a> {
        self.derived
            .index
            .get_or_init(|| index::ElementIndex::build(&self.dom))
            .select(&self.dom, selector)
    }

    /// Builds a page from HTML alone (for rule tests and the conformance runner): status 200,
    /// `text/html`, served remotely, no subresources and no origin facts.
    pub fn from_html(url: &str, html: &str) -> Page {
        let url = Url::parse(url).expect("Page::from_html needs a valid URL");
        let mut headers = HeaderMap::new();
        headers.insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("text/html; charset=utf-8"),
        );
        Page {
            final_url: url.clone(),
            url,
            status: 200,
            headers,
            content_type: Some("text/html".into()),
            content_encoding: None,
            http_version: "HTTP/1.1".into(),
            timings: Timings::default(),
            redirects: Vec::new(),
            bytes: ByteSizes {
                transferred: html.len() as u64,
                decoded: html.len() as u64,
                truncated: false,
            },
            raw: bytes::Bytes::copy_from_slice(html.as_bytes()),
            text: html.to_owned(),
            decoding: decode::Decoding::default(),
            dom: Html::parse_document(html),
            subresources: Vec::new(),
            subresources_referenced: 0,
            origin: Arc::new(OriginFacts::default()),
            served: Served::Remote,
            notes: Vec::new(),
            derived: Derived::default(),
        }
    }

    /// Replaces the response headers (for tests).
    pub fn with_headers(mut self, headers: &[(&str, &str)]) -> Page {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.append(
                http::HeaderName::from_bytes(name.as_bytes()).expect("valid header name"),
                http::HeaderValue::from_str(value).expect("valid header value"),
            );
        }
        self.content_type = crate::engine::fetch::media_type(&map);
        self.headers = map;
        self
    }
}

/// What is derived from a page's document, each part on first use; a new page has none of it.
#[derive(Debug, Default)]
struct Derived {
    /// Elements by tag and attribute (every rule selects elements).
    index: OnceLock<index::ElementIndex>,
    /// `<base href>` when present, else the final URL (many rules resolve references).
    base_url: OnceLock<Url>,
    /// The page's links resolved against the base URL.
    links: OnceLock<links::LinkTargets>,
    /// Facts several rules derive from the page, by type.
    memo: memo::Memo,
}

/// What fetching one subresource gave.
#[derive(Debug, Clone)]
pub struct Subresource {
    /// The reference as found in the page.
    pub reference: ResourceRef,
    /// HTTP status, or `None` when the fetch failed.
    pub status: Option<u16>,
    /// Response headers.
    pub headers: HeaderMap,
    /// Media type of the response.
    pub content_type: Option<String>,
    /// `Content-Encoding`, if compressed.
    pub content_encoding: Option<String>,
    /// Wire bytes.
    pub transferred: u64,
    /// Decoded bytes, when the whole body was decoded.
    pub decoded: Option<u64>,
    /// True when the size cap stopped counting.
    pub truncated: bool,
    /// The start of the decoded body (up to the sample size).
    pub sample: bytes::Bytes,
    /// Total time of the fetch, in milliseconds.
    pub time_ms: f64,
    /// Redirect hops.
    pub redirects: Vec<RedirectHop>,
    /// Why the fetch failed, if it did.
    pub error: Option<String>,
    /// Natural width and height, for images whose header could be read.
    pub dimensions: Option<(u32, u32)>,
}

impl Subresource {
    /// A header's first value as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// True when the fetch failed or answered 4xx/5xx.
    pub fn is_broken(&self) -> bool {
        self.error.is_some() || self.status.is_none_or(|s| s >= 400)
    }
}
