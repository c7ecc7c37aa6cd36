//! [`SiteFacts`]: what a crawl keeps of every URL it met, for the cross-page rules. Only
//! compact facts outlive a page (title, description, canonical, robots directives, hreflang,
//! outgoing links as interned ids, a content hash); the DOM is dropped as soon as its page is
//! checked, so memory grows with the number of URLs, not with their HTML.

use std::collections::HashMap;
use std::sync::Arc;

use url::Url;

use super::dom::{Attribute, attr_trimmed};
use super::refs::rel_has;
use super::{Page, dom};
use crate::sel;

/// An interned URL.
pub type UrlId = u32;

/// Interned URLs: each distinct URL is stored once.
#[derive(Debug, Default, Clone)]
pub struct UrlTable {
    ids: HashMap<Arc<str>, UrlId>,
    urls: Vec<Arc<str>>,
}

impl UrlTable {
    /// The id of `url`, adding it when new.
    pub fn intern(&mut self, url: &str) -> UrlId {
        if let Some(id) = self.ids.get(url) {
            return *id;
        }
        let id = self.urls.len() as UrlId;
        let shared: Arc<str> = Arc::from(url);
        self.urls.push(shared.clone());
        self.ids.insert(shared, id);
        id
    }

    /// The id of `url`, if known.
    pub fn lookup(&self, url: &str) -> Option<UrlId> {
        self.ids.get(url).copied()
    }

    /// The URL of an id.
    pub fn get(&self, id: UrlId) -> &str {
        &self.urls[id as usize]
    }

    /// How many URLs are known.
    pub fn len(&self) -> usize {
        self.urls.len()
    }

    /// True when no URL is known.
    pub fn is_empty(&self) -> bool {
        self.urls.is_empty()
    }
}

/// What became of a URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlState {
    /// Discovered, not fetched (over the page cap, the depth limit or a pattern).
    Skipped,
    /// Not fetched: robots.txt disallows it.
    BlockedByRobots,
    /// Fetched; an HTML page that was audited.
    Page,
    /// Fetched; an error status, a non-HTML response or a page that could not be audited.
    Checked,
    /// The request failed (unreachable, timeout, refused, redirect loop).
    Failed,
}

/// The facts of one URL.
#[derive(Debug, Clone)]
pub struct UrlFacts {
    /// What became of it.
    pub state: UrlState,
    /// Final HTTP status.
    pub status: Option<u16>,
    /// Where its redirects ended, when it redirected.
    pub redirected_to: Option<UrlId>,
    /// Redirect hops.
    pub hops: u8,
    /// True when it redirects in a loop.
    pub redirect_loop: bool,
    /// Why the request failed.
    pub error: Option<String>,
    /// Clicks from the start URL along links (`None` when no followed link reaches it).
    pub depth: Option<u32>,
    /// Listed in a sitemap.
    pub in_sitemap: bool,
    /// The page facts, for audited HTML pages.
    pub page: Option<Box<PageFacts>>,
}

impl UrlFacts {
    /// Facts of a URL only discovered so far.
    pub fn discovered(depth: Option<u32>) -> UrlFacts {
        UrlFacts {
            state: UrlState::Skipped,
            status: None,
            redirected_to: None,
            hops: 0,
            redirect_loop: false,
            error: None,
            depth,
            in_sitemap: false,
            page: None,
        }
    }
}

/// The compact facts of an audited HTML page (text without spare capacity: a crawl keeps
/// one per page).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageFacts {
    /// `<title>` text, whitespace collapsed.
    pub title: Option<Box<str>>,
    /// `<meta name=description>` content.
    pub description: Option<Box<str>>,
    /// `<html lang>`.
    pub lang: Option<Box<str>>,
    /// `<link rel=canonical>` in `<head>`, resolved.
    pub canonical: Option<UrlId>,
    /// `noindex` (or `none`) in meta robots or `X-Robots-Tag`.
    pub noindex: bool,
    /// `<link rel=alternate hreflang>` in `<head>`: language and target.
    pub hreflang: Box<[(Box<str>, UrlId)]>,
    /// Distinct same-site links (a, area), at most the per-page cap.
    pub links: Links,
    /// Hash of the normalised visible text of `<body>`.
    pub content_hash: u64,
}

/// A page's outgoing links as URL ids, in document order, in about a byte or two per link
/// instead of four: each id is stored as its difference from the previous one (zig-zag, as a
/// LEB128 varint). A crawl keeps one list per page; pages link to neighbours and navigation,
/// whose ids are close.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Links(Box<[u8]>);

impl Links {
    /// The ids, in order.
    pub fn iter(&self) -> impl Iterator<Item = UrlId> + '_ {
        let mut bytes = self.0.iter();
        let mut previous: i64 = 0;
        std::iter::from_fn(move || {
            let mut zigzag: u64 = 0;
            let mut shift = 0;
            loop {
                let byte = *bytes.next()?;
                zigzag |= u64::from(byte & 0x7f) << shift;
                if byte & 0x80 == 0 {
                    break;
                }
                shift += 7;
            }
            let delta = (zigzag >> 1) as i64 ^ -((zigzag & 1) as i64);
            previous += delta;
            Some(previous as UrlId)
        })
    }
}

impl FromIterator<UrlId> for Links {
    fn from_iter<I: IntoIterator<Item = UrlId>>(ids: I) -> Self {
        let mut bytes = Vec::new();
        let mut previous: i64 = 0;
        for id in ids {
            let delta = i64::from(id) - previous;
            previous = i64::from(id);
            let mut zigzag = ((delta << 1) ^ (delta >> 63)) as u64;
            while zigzag >= 0x80 {
                bytes.push((zigzag as u8) | 0x80);
                zigzag >>= 7;
            }
            bytes.push(zigzag as u8);
        }
        Links(bytes.into_boxed_slice())
    }
}

/// The facts extracted from a page before interning (owned URLs).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extracted {
    /// Title.
    pub title: Option<String>,
    /// Meta description.
    pub description: Option<String>,
    /// `<html lang>`.
    pub lang: Option<String>,
    /// Canonical URL.
    pub canonical: Option<Url>,
    /// Noindex.
    pub noindex: bool,
    /// Hreflang alternates.
    pub hreflang: Vec<(String, Url)>,
    /// Links (a, area), absolute, fragment removed, in document order, distinct.
    pub links: Vec<Url>,
    /// True when more links were found than the cap allowed.
    pub links_capped: bool,
    /// Content hash.
    pub content_hash: u64,
}

fn directive_noindex(value: &str) -> bool {
    value
        .split(',')
        .map(|d| d.trim().to_ascii_lowercase())
        .any(|d| d == "noindex" || d == "none")
}

/// True when meta robots (or googlebot) or an `X-Robots-Tag` for all crawlers or googlebot
/// says `noindex`/`none`.
pub fn is_noindex(page: &Page) -> bool {
    let meta = page.select(sel!("meta[name][content]")).any(|m| {
        let name = m
            .attribute("name")
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        (name == "robots" || name == "googlebot")
            && directive_noindex(m.attribute("content").unwrap_or(""))
    });
    meta || page.header_all("x-robots-tag").iter().any(|value| {
        let (agent, directives) = match value.split_once(':') {
            Some((agent, rest)) if !agent.contains(',') && !agent.trim().contains(' ') => {
                (Some(agent.trim().to_ascii_lowercase()), rest)
            }
            _ => (None, *value),
        };
        agent.is_none_or(|a| a == "googlebot") && directive_noindex(directives)
    })
}

/// Normalises a URL for de-duplication: no fragment, no default port, no empty query, and
/// runs of slashes in the path collapsed.
pub fn normalise(url: &Url) -> Url {
    let mut u = url.clone();
    u.set_fragment(None);
    if u.query() == Some("") {
        u.set_query(None);
    }
    if u.path().contains("//") {
        let mut path = String::with_capacity(u.path().len());
        let mut last_slash = false;
        for c in u.path().chars() {
            if c == '/' && last_slash {
                continue;
            }
            last_slash = c == '/';
            path.push(c);
        }
        u.set_path(&path);
    }
    u
}

/// Extracts the facts of a page, keeping at most `max_links` links.
pub fn extract(page: &Page, max_links: usize) -> Extracted {
    let base = page.base_url();
    let head_link = |rel: &'static str| {
        page.select(sel!("head link[rel][href]"))
            .filter(move |l| rel_has(*l, rel))
    };
    let title = page
        .select(sel!("title"))
        .next()
        .map(|t| dom::text_content(t))
        .filter(|t| !t.is_empty());
    let description = page
        .select(sel!("meta[name][content]"))
        .find(|m| {
            m.attribute("name")
                .is_some_and(|n| n.trim().eq_ignore_ascii_case("description"))
        })
        .and_then(|m| attr_trimmed(m, "content"))
        .filter(|d| !d.is_empty())
        .map(dom::collapse_whitespace);
    let lang = page
        .dom
        .root_element()
        .attribute("lang")
        .map(|l| l.trim().to_owned())
        .filter(|l| !l.is_empty());
    let canonical = head_link("canonical")
        .next()
        .and_then(|l| l.attribute("href"))
        .and_then(|href| dom::resolve(base, href))
        .map(|u| normalise(&u));
    let hreflang = head_link("alternate")
        .filter_map(|l| {
            let lang = l.attribute("hreflang")?.trim().to_owned();
            let url = dom::resolve(base, l.attribute("href")?)?;
            Some((lang, normalise(&url)))
        })
        .collect();
    let mut seen = std::collections::HashSet::new();
    let mut links = Vec::new();
    let mut links_capped = false;
    // Every `a[href]` and `area[href]`, resolved once for the page and its link rules.
    for url in page.link_targets().iter() {
        let Some(url) = url else {
            continue;
        };
        if !matches!(url.scheme(), "http" | "https") {
            continue;
        }
        let url = normalise(url);
        if seen.insert(url.clone()) {
            if links.len() >= max_links {
                links_capped = true;
                break;
            }
            links.push(url);
        }
    }
    // Duplicate content compares the visible text, whitespace collapsed and lower-cased.
    let content_hash = page.select(sel!("body")).next().map_or(0, |body| {
        dom::visible_text_hash(body, page.bytes.decoded as usize / 4)
    });
    Extracted {
        title,
        description,
        lang,
        canonical,
        noindex: is_noindex(page),
        hreflang,
        links,
        links_capped,
        content_hash,
    }
}

/// Everything a crawl learned, for the cross-page rules.
#[derive(Debug, Clone, Default)]
pub struct SiteFacts {
    /// Interned URLs.
    pub urls: UrlTable,
    /// Facts per URL id.
    pub facts: HashMap<UrlId, UrlFacts>,
    /// The start URL.
    pub start: Option<UrlId>,
    /// Sitemap entries (same-site URLs listed in any sitemap), in order.
    pub sitemap: Vec<UrlId>,
    /// Sitemaps that were read, and problems reading them.
    pub sitemap_notes: Vec<String>,
    /// Whether robots.txt rules were applied.
    pub robots_applied: bool,
}

impl SiteFacts {
    /// The facts of a URL.
    pub fn of(&self, id: UrlId) -> Option<&UrlFacts> {
        self.facts.get(&id)
    }

    /// The URL of an id.
    pub fn url(&self, id: UrlId) -> &str {
        self.urls.get(id)
    }

    /// Audited HTML pages, in id order.
    pub fn pages(&self) -> impl Iterator<Item = (UrlId, &UrlFacts, &PageFacts)> {
        let mut ids: Vec<UrlId> = self
            .facts
            .iter()
            .filter(|(_, f)| f.page.is_some())
            .map(|(id, _)| *id)
            .collect();
        ids.sort_unstable();
        ids.into_iter().filter_map(|id| {
            let f = self.facts.get(&id)?;
            Some((id, f, f.page.as_deref()?))
        })
    }

    /// For every URL, the audited pages that link to it.
    pub fn inbound(&self) -> HashMap<UrlId, Vec<UrlId>> {
        let mut inbound: HashMap<UrlId, Vec<UrlId>> = HashMap::new();
        for (id, _, page) in self.pages() {
            for target in page.links.iter() {
                inbound.entry(target).or_default().push(id);
            }
        }
        inbound
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_for_deduplication() {
        let n = |s: &str| normalise(&Url::parse(s).unwrap()).to_string();
        assert_eq!(
            n("HTTP://Example.COM:80//a//b/#frag"),
            "http://example.com/a/b/"
        );
        assert_eq!(n("https://example.com:443/x?"), "https://example.com/x");
        assert_eq!(
            n("https://example.com/x?a=1#y"),
            "https://example.com/x?a=1"
        );
    }

    #[test]
    fn extracts_page_facts() {
        let page = Page::from_html(
            "https://site.example/dir/page",
            r#"<html lang="en"><head><title> Lamps  and shades </title>
               <meta name="Description" content=" Good lamps. ">
               <meta name="robots" content="NOINDEX, follow">
               <link rel="canonical" href="/dir/page#x">
               <link rel="alternate" hreflang="de" href="https://site.example/de/page">
               </head><body><a href="a">A</a><a href="/dir/a#top">again</a>
               <a href="mailto:x@y">mail</a><a href="https://other.example/">off</a>
               <map><area href="/b"></map><p>Text</p></body></html>"#,
        );
        let facts = extract(&page, 100);
        assert_eq!(facts.title.as_deref(), Some("Lamps and shades"));
        assert_eq!(facts.description.as_deref(), Some("Good lamps."));
        assert_eq!(facts.lang.as_deref(), Some("en"));
        assert!(facts.noindex);
        assert_eq!(
            facts.canonical.unwrap().as_str(),
            "https://site.example/dir/page"
        );
        assert_eq!(facts.hreflang[0].0, "de");
        let links: Vec<&str> = facts.links.iter().map(Url::as_str).collect();
        assert_eq!(
            links,
            [
                "https://site.example/dir/a",
                "https://other.example/",
                "https://site.example/b"
            ]
        );
        assert!(
            !extract(&page, 2)
                .links
                .contains(&Url::parse("https://site.example/b").unwrap())
        );
        assert!(extract(&page, 2).links_capped);
    }

    #[test]
    fn links_round_trip_in_order() {
        let ids: Vec<UrlId> = vec![0, 1, 2, 700, 3, 3, 130_000, 5, UrlId::MAX, 0, 64, 63, 65];
        let links: Links = ids.iter().copied().collect();
        assert_eq!(links.iter().collect::<Vec<_>>(), ids);
        // Neighbouring ids take a byte each.
        let near: Links = (1000..1100).collect();
        assert_eq!(near.0.len(), 101);
        assert_eq!(
            near.iter().collect::<Vec<_>>(),
            (1000..1100).collect::<Vec<_>>()
        );
        assert_eq!(Links::default().iter().count(), 0);
    }

    #[test]
    fn x_robots_tag_noindex() {
        let page = |h: &str| {
            Page::from_html("https://s.example/", "<p>x</p>")
                .with_headers(&[("content-type", "text/html"), ("x-robots-tag", h)])
        };
        assert!(is_noindex(&page("noindex")));
        assert!(is_noindex(&page("googlebot: none")));
        assert!(!is_noindex(&page("otherbot: noindex")));
        assert!(!is_noindex(&page("nofollow")));
    }
}
