//! [`SiteFacts`]: what a crawl keeps of every URL it met, for the cross-page rules. Only
//! compact facts outlive a page, in a few large tables rather than allocations per page:
//! its URL ([`UrlTable`]), what became of it ([`UrlFacts`]), and for an audited page its
//! canonical, robots and hreflang facts ([`PageFacts`]), the outgoing links that may still be
//! reported ([`LinkLists`]) and the hashes of its title, description and body text
//! ([`Duplicates`]). The DOM is dropped as soon as its page is checked.

use std::collections::HashMap;

use url::Url;

use super::dom::{Attribute, attr_trimmed};
use super::duplicates::Duplicates;
use super::link_lists::{LinkLists, LinkRange};
use super::refs::rel_has;
use super::text_hash::text_hash;
use super::{Page, dom};
use crate::sel;

pub use super::url_table::{UrlId, UrlTable};

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
    /// Listed in a sitemap.
    pub in_sitemap: bool,
    /// True when an audited page other than itself links to it.
    pub linked: bool,
    /// True once it was queued for a visit (a URL is queued once).
    pub queued: bool,
    /// Clicks from the start URL along links (`None` when no followed link reaches it).
    pub depth: Option<u32>,
    /// Where its page facts are, for an audited HTML page.
    page: Option<u32>,
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
            in_sitemap: false,
            linked: false,
            queued: false,
            depth,
            page: None,
        }
    }

    /// True for an audited HTML page.
    pub fn is_page(&self) -> bool {
        self.page.is_some()
    }

    /// True when it was fetched and answered below 400.
    fn answered(&self) -> bool {
        matches!(self.state, UrlState::Page | UrlState::Checked)
            && self.status.is_some_and(|s| s < 400)
    }
}

/// The facts of an audited HTML page that the cross-page rules read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageFacts {
    /// `<link rel=canonical>` in `<head>`, resolved.
    pub canonical: Option<UrlId>,
    /// `noindex` (or `none`) in meta robots or `X-Robots-Tag`.
    pub noindex: bool,
    /// `<link rel=alternate hreflang>` in `<head>`: language and target.
    pub hreflang: Box<[(Box<str>, UrlId)]>,
    /// Its links that may still be reported (see [`SiteFacts::links`]).
    links: LinkRange,
}

/// An audited page as a crawl hands it over: its texts are hashed for the duplicate checks,
/// not kept.
#[derive(Debug, Clone, Default)]
pub struct NewPage<'a> {
    /// HTTP status.
    pub status: u16,
    /// `<title>` text, whitespace collapsed.
    pub title: Option<&'a str>,
    /// `<meta name=description>` content.
    pub description: Option<&'a str>,
    /// `<html lang>`.
    pub lang: Option<&'a str>,
    /// Canonical URL.
    pub canonical: Option<UrlId>,
    /// Noindex.
    pub noindex: bool,
    /// Hreflang alternates.
    pub hreflang: Box<[(Box<str>, UrlId)]>,
    /// Distinct same-site links (a, area) in document order, at most the per-page cap.
    pub links: &'a [UrlId],
    /// Hash of the normalised visible text of `<body>`.
    pub content_hash: u64,
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

/// Normalises a URL for de-duplication: no fragment, no default port, no empty query, runs of
/// slashes in the path collapsed, and no user name or password (a link's credentials are not
/// the crawler's to use, and must not reach a report).
pub fn normalise(url: &Url) -> Url {
    let mut u = url.clone();
    u.set_fragment(None);
    if u.has_authority() && (!u.username().is_empty() || u.password().is_some()) {
        // Cannot fail on a URL with a host.
        let _ = u.set_password(None);
        let _ = u.set_username("");
    }
    if u.query() == Some("") {
        u.set_query(None);
    }
    if let Some(path) = upper_case_escapes(u.path()) {
        u.set_path(&path);
    }
    if let Some(query) = u.query().and_then(upper_case_escapes) {
        u.set_query(Some(&query));
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

/// `text` with the hex digits of its percent-escapes in upper case (`%c3%a9` → `%C3%A9`, the
/// same URL by RFC 3986), or `None` when they all are already.
pub fn upper_case_escapes(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let lower_escape = |i: usize| {
        bytes[i] == b'%'
            && bytes.get(i + 1..i + 3).is_some_and(|hex| {
                hex.iter().all(u8::is_ascii_hexdigit) && hex.iter().any(u8::is_ascii_lowercase)
            })
    };
    if !(0..bytes.len()).any(lower_escape) {
        return None;
    }
    let mut out = bytes.to_vec();
    for i in 0..bytes.len() {
        if lower_escape(i) {
            out[i + 1..i + 3].make_ascii_uppercase();
        }
    }
    // Only ASCII hex digits changed case.
    Some(String::from_utf8(out).expect("still UTF-8"))
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
    let content_hash = page
        .select(sel!("body"))
        .next()
        .map_or(0, dom::visible_text_hash);
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

/// Link lists are thinned once they hold this many bytes and a quarter more than the last
/// thinning left.
const LINK_BYTES_BEFORE_THINNING: usize = 64 * 1024;

/// Everything a crawl learned, for the cross-page rules.
#[derive(Debug, Clone, Default)]
pub struct SiteFacts {
    /// Interned URLs.
    pub urls: UrlTable,
    /// Facts per URL id (`None` for a URL only named, as a canonical target not followed).
    facts: Vec<Option<UrlFacts>>,
    /// How many URLs have facts.
    known: usize,
    /// Why requests failed (few URLs fail; [`UrlFacts`] stays small without it).
    errors: HashMap<UrlId, Box<str>>,
    /// Audited pages' facts, in the order they were added.
    pages: Vec<PageFacts>,
    links: LinkLists,
    /// Link bytes the last thinning left, and a quarter more: the lists are thinned again at
    /// that size (and not below [`LINK_BYTES_BEFORE_THINNING`]).
    thin_at: usize,
    /// Indexable pages by title (lower-cased, with their language).
    pub titles: Duplicates,
    /// Indexable pages by meta description (lower-cased).
    pub descriptions: Duplicates,
    /// Indexable pages by body text.
    pub contents: Duplicates,
    /// Audited pages that compete in search: status 2xx, not noindex, canonical to themselves
    /// (or none). Only these are grouped by text.
    pub indexable: usize,
    /// The start URL.
    pub start: Option<UrlId>,
    /// Sitemap entries (same-site URLs listed in any sitemap), in order.
    pub sitemap: Vec<UrlId>,
    /// Sitemaps that were read, and problems reading them.
    pub sitemap_notes: Vec<String>,
    /// Whether robots.txt rules were applied.
    pub robots_applied: bool,
}

fn facts_of(facts: &[Option<UrlFacts>], id: UrlId) -> Option<&UrlFacts> {
    facts.get(id as usize)?.as_ref()
}

/// True when a link to `target` can no longer be reported by a link rule (broken links,
/// redirect chains and loops, robots-blocked links in `rules::site`): it was fetched and
/// answered below 400 after at most one redirect, whose target answered below 400 too or is
/// only named (another site's URL, where a crawl does not follow redirects). What a
/// fetched URL became never changes, so such links need not be kept.
fn link_is_settled(facts: &[Option<UrlFacts>], target: UrlId) -> bool {
    facts_of(facts, target).is_some_and(|f| {
        f.answered()
            && f.hops < 2
            && !f.redirect_loop
            && f.redirected_to
                .is_none_or(|end| facts_of(facts, end).is_none_or(UrlFacts::answered))
    })
}

impl SiteFacts {
    /// Room for a crawl of `pages` pages: the per-URL and per-page vectors are sized for the
    /// page budget at once, so a crawl never copies them all as they double, and the room a
    /// smaller site leaves untouched is never resident. URLs beyond the budget (links not
    /// followed) grow them as needed; the hash tables grow as they fill (their entries land
    /// anywhere, so reserved room there would be resident).
    pub fn with_capacity(pages: usize) -> Self {
        SiteFacts {
            urls: UrlTable::with_capacity(pages),
            facts: Vec::with_capacity(pages),
            pages: Vec::with_capacity(pages),
            ..SiteFacts::default()
        }
    }

    /// The facts of a URL.
    pub fn of(&self, id: UrlId) -> Option<&UrlFacts> {
        facts_of(&self.facts, id)
    }

    /// The facts of a URL, to change.
    pub fn of_mut(&mut self, id: UrlId) -> Option<&mut UrlFacts> {
        self.facts.get_mut(id as usize)?.as_mut()
    }

    /// The facts of a URL, added as discovered at `depth` when it has none.
    pub fn entry(&mut self, id: UrlId, depth: Option<u32>) -> &mut UrlFacts {
        let index = id as usize;
        if self.facts.len() <= index {
            self.facts.resize(index + 1, None);
        }
        let slot = &mut self.facts[index];
        if slot.is_none() {
            self.known += 1;
        }
        slot.get_or_insert_with(|| UrlFacts::discovered(depth))
    }

    /// Records that the request for `id` failed, and why; unless the URL was reached another
    /// way meanwhile (as the end of a redirect that finished first): what a fetched URL became
    /// never changes, which the link thinning relies on.
    /// Returns true when it was recorded.
    pub fn fail(&mut self, id: UrlId, error: String, redirect_loop: bool) -> bool {
        if let Some(f) = self.of_mut(id)
            && f.state == UrlState::Skipped
        {
            f.state = UrlState::Failed;
            f.redirect_loop = redirect_loop;
            self.errors.insert(id, error.into());
            return true;
        }
        false
    }

    /// Why the request for `id` failed.
    pub fn error(&self, id: UrlId) -> Option<&str> {
        self.errors.get(&id).map(AsRef::as_ref)
    }

    /// How many URLs have facts.
    pub fn known(&self) -> usize {
        self.known
    }

    /// How many same-site URLs were found but not visited (page or depth limit, patterns).
    pub fn not_visited(&self) -> usize {
        self.iter()
            .filter(|(_, f)| f.state == UrlState::Skipped)
            .count()
    }

    /// Every URL with facts, in id order.
    pub fn iter(&self) -> impl Iterator<Item = (UrlId, &UrlFacts)> {
        self.facts
            .iter()
            .enumerate()
            .filter_map(|(id, f)| Some((id as UrlId, f.as_ref()?)))
    }

    /// The URL of an id.
    pub fn url(&self, id: UrlId) -> &str {
        self.urls.get(id)
    }

    /// The page facts of a URL, for an audited HTML page.
    pub fn page(&self, facts: &UrlFacts) -> Option<&PageFacts> {
        facts.page.map(|p| &self.pages[p as usize])
    }

    /// Audited HTML pages, in id order.
    pub fn pages(&self) -> impl Iterator<Item = (UrlId, &UrlFacts, &PageFacts)> {
        self.iter()
            .filter_map(|(id, f)| Some((id, f, self.page(f)?)))
    }

    /// A page's same-site links (a, area) in document order, without those to URLs that were
    /// fetched and answered soundly before the crawl ended (no link rule can report them; the
    /// crawl forgets them to stay small).
    pub fn links(&self, page: &PageFacts) -> impl Iterator<Item = UrlId> + '_ {
        self.links.get(page.links)
    }

    /// Records an audited HTML page at `id`.
    pub fn add_page(&mut self, id: UrlId, depth: Option<u32>, page: NewPage<'_>) {
        for &target in page.links {
            if target != id
                && let Some(f) = self.of_mut(target)
            {
                f.linked = true;
            }
        }
        let index = u32::try_from(self.pages.len()).expect("fewer than 2^32 pages");
        let f = self.entry(id, depth);
        f.state = UrlState::Page;
        f.status = Some(page.status);
        f.page = Some(index);
        let facts = &self.facts;
        let links = self.links.push(
            page.links
                .iter()
                .copied()
                .filter(|t| !link_is_settled(facts, *t)),
        );
        self.pages.push(PageFacts {
            canonical: page.canonical,
            noindex: page.noindex,
            hreflang: page.hreflang,
            links,
        });
        let indexable = (200..300).contains(&page.status)
            && !page.noindex
            && page.canonical.is_none_or(|c| c == id);
        if indexable {
            self.indexable += 1;
            if let Some(title) = page.title {
                let title = title.to_lowercase();
                let key = format!("{title}\u{0}{}", page.lang.unwrap_or_default());
                self.titles
                    .add(id, text_hash(&key), || dom::shorten(&title, 80));
            }
            if let Some(description) = page.description {
                let description = description.to_lowercase();
                self.descriptions.add(id, text_hash(&description), || {
                    dom::shorten(&description, 80)
                });
            }
            self.contents.add(id, page.content_hash, || {
                format!("body text hash {:016x}", page.content_hash)
            });
        }
        if self.links.bytes() >= self.thin_at.max(LINK_BYTES_BEFORE_THINNING) {
            self.thin_links();
        }
    }

    /// Forgets the links to URLs that are settled (see [`SiteFacts::links`]).
    fn thin_links(&mut self) {
        let facts = &self.facts;
        self.links
            .retain(self.pages.iter_mut().map(|p| &mut p.links), |target| {
                !link_is_settled(facts, target)
            });
        let kept = self.links.bytes();
        self.thin_at = kept + kept / 4;
        // Room for the lists that come before the next thinning, and no more.
        self.links.shrink_to(self.thin_at);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::page::duplicates::Duplicates;

    #[test]
    fn a_link_to_a_redirect_off_the_site_is_settled() {
        let mut s = SiteFacts::default();
        let go = s.urls.intern("https://s.example/go");
        let away = s.urls.intern("https://other.example/");
        let f = s.entry(go, Some(1));
        f.state = UrlState::Checked;
        f.status = Some(302);
        f.hops = 1;
        f.redirected_to = Some(away);
        // The other site's URL is only named (no facts): nothing more will be learnt of it.
        assert!(link_is_settled(&s.facts, go));
        let here = s.urls.intern("https://s.example/here");
        s.entry(here, Some(2));
        s.of_mut(go).unwrap().redirected_to = Some(here);
        // A same-site target not fetched yet may still turn out broken.
        assert!(!link_is_settled(&s.facts, go));
    }

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
        assert_eq!(
            n("https://admin:hunter2@example.com/private"),
            "https://example.com/private"
        );
        assert_eq!(n("https://admin@example.com/"), "https://example.com/");
        // Percent-escapes are compared in upper case; other text keeps its case.
        assert_eq!(
            n("https://example.com/caf%c3%a9/Menu?q=%e2%82%ac&Q=x"),
            "https://example.com/caf%C3%A9/Menu?q=%E2%82%AC&Q=x"
        );
        assert_eq!(
            n("https://example.com/100%/a%zz"),
            "https://example.com/100%/a%zz"
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

    fn group_pages(d: &Duplicates) -> Vec<Vec<UrlId>> {
        let mut groups: Vec<Vec<UrlId>> = d.groups().map(|g| g.pages.clone()).collect();
        groups.sort();
        groups
    }

    #[test]
    fn a_crawl_keeps_little_per_url() {
        // Kept for every URL a crawl meets (and the page facts for every audited page).
        assert!(std::mem::size_of::<Option<UrlFacts>>() <= 40);
        assert!(std::mem::size_of::<PageFacts>() <= 40);
        let mut s = SiteFacts::default();
        let id = s.urls.intern("https://s.example/x");
        s.entry(id, None);
        s.fail(id, "refused".into(), false);
        assert_eq!(s.error(id), Some("refused"));
        assert_eq!(s.of(id).unwrap().state, UrlState::Failed);
        // A page reached through a redirect while its own request was in flight stays a page
        // when that request fails late: what a fetched URL became never changes.
        let page = s.urls.intern("https://s.example/y");
        s.add_page(
            page,
            Some(1),
            NewPage {
                status: 200,
                ..NewPage::default()
            },
        );
        s.fail(page, "timed out".into(), false);
        assert_eq!(s.of(page).unwrap().state, UrlState::Page);
        assert_eq!(s.error(page), None);
    }

    /// Facts with `n` URLs interned, and their ids.
    fn site_with_urls(n: usize) -> (SiteFacts, Vec<UrlId>) {
        let mut s = SiteFacts::default();
        let ids = (0..n)
            .map(|i| s.urls.intern(&format!("https://s.example/{i}")))
            .collect();
        (s, ids)
    }

    #[test]
    fn pages_are_grouped_by_text_when_they_compete_in_search() {
        let (mut s, ids) = site_with_urls(8);
        let page = |title: &'static str, lang: Option<&'static str>| NewPage {
            status: 200,
            title: Some(title),
            description: Some("Same words"),
            lang,
            content_hash: 7,
            ..NewPage::default()
        };
        let lamps = page("Lamps", Some("en"));
        let pages = [
            page("Lamps", Some("en")),
            page("LAMPS", Some("en")),
            // The same title in another language is not a duplicate.
            page("Lamps", Some("de")),
            // Pages that do not compete in search are not grouped.
            NewPage {
                noindex: true,
                ..lamps.clone()
            },
            NewPage {
                status: 404,
                ..lamps.clone()
            },
            NewPage {
                canonical: Some(ids[0]),
                ..lamps
            },
            NewPage {
                canonical: Some(ids[6]),
                description: Some("  other "),
                ..page("Shades", None)
            },
        ];
        for (i, new) in pages.into_iter().enumerate() {
            s.add_page(ids[i], Some(u32::from(i > 0)), new);
        }
        assert_eq!(s.indexable, 4);
        assert_eq!(group_pages(&s.titles), [vec![ids[0], ids[1]]]);
        assert_eq!(s.titles.groups().next().unwrap().shown, "lamps");
        assert_eq!(group_pages(&s.descriptions), [vec![ids[0], ids[1], ids[2]]]);
        assert_eq!(
            group_pages(&s.contents),
            [vec![ids[0], ids[1], ids[2], ids[6]]]
        );
        assert_eq!(s.pages().count(), 7);
        assert!(s.of(ids[7]).is_none());
        assert_eq!(s.of(ids[4]).unwrap().status, Some(404));
    }

    /// A thousand pages of a random link graph over 1,500 URLs, added while the URLs they
    /// link to are fetched one by one: every page keeps exactly its links that a link rule
    /// may report, thinned or not.
    #[test]
    fn pages_keep_the_links_that_may_be_reported() {
        let (mut s, ids) = site_with_urls(1500);
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n) as usize
        };
        for &id in &ids {
            s.entry(id, Some(1));
        }
        let mut all_links = Vec::new();
        for (i, &id) in ids.iter().enumerate().take(1000) {
            let links: Vec<UrlId> = (0..60).map(|_| ids[next(1500)]).collect();
            // What the URLs that are not pages became is learned as the crawl goes (once:
            // what a fetched URL became never changes).
            let target = ids[1000 + next(500)];
            let f = s.of_mut(target).unwrap();
            if f.state == UrlState::Skipped {
                match i % 5 {
                    0 => f.status = Some(404),
                    1 => {
                        f.status = Some(301);
                        f.hops = 2;
                        f.redirected_to = Some(ids[0]);
                    }
                    2 => f.state = UrlState::BlockedByRobots,
                    _ => f.status = Some(200),
                }
                if f.state == UrlState::Skipped {
                    f.state = UrlState::Checked;
                }
            }
            s.add_page(
                id,
                Some(1),
                NewPage {
                    status: 200,
                    links: &links,
                    ..NewPage::default()
                },
            );
            all_links.push(links);
        }
        let mut unthinned = LinkLists::default();
        for links in &all_links {
            unthinned.push(links.iter().copied());
        }
        let during_the_crawl = s.links.bytes();
        assert!(during_the_crawl < unthinned.bytes() / 2);
        s.thin_links();
        assert!(s.links.bytes() <= during_the_crawl);
        let may_be_reported = |t: UrlId| {
            let f = s.of(t).unwrap();
            !matches!(f.state, UrlState::Page | UrlState::Checked)
                || f.status.is_none_or(|s| s >= 400)
                || f.hops >= 2
        };
        let mut kept_total = 0;
        for (i, ((id, f, p), links)) in s.pages().zip(&all_links).enumerate() {
            assert_eq!(id, ids[i]);
            assert!(f.is_page());
            let expected: Vec<UrlId> = links
                .iter()
                .copied()
                .filter(|t| may_be_reported(*t))
                .collect();
            assert_eq!(s.links(p).collect::<Vec<_>>(), expected);
            kept_total += expected.len();
        }
        assert!(kept_total > 0 && kept_total < 60_000 / 2);
        // Every URL some other page links to knows it.
        for (i, &id) in ids.iter().enumerate() {
            let linked = all_links
                .iter()
                .enumerate()
                .any(|(page, links)| page != i && links.contains(&id));
            assert_eq!(s.of(id).unwrap().linked, linked, "{id}");
        }
    }
}
