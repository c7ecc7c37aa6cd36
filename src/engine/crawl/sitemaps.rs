//! Sitemaps: the `Sitemap:` lines of robots.txt, else `/sitemap.xml`; sitemap indexes and
//! gzipped sitemaps are followed. Parsing uses the `sitemap` crate.

use std::borrow::Cow;
use std::collections::{HashSet, VecDeque};

use tokio::io::AsyncReadExt;
use url::Url;

use crate::engine::fetch::{BodyLimits, Fetcher, Request};
use crate::engine::page::site::UrlTable;

/// Most sitemap files read per audit.
pub const MAX_SITEMAP_FILES: usize = 50;
/// Most URLs kept from sitemaps.
pub const MAX_SITEMAP_URLS: usize = 50_000;
/// Most bytes of one sitemap, compressed or not (the protocol's limit is 50 MB uncompressed).
pub const MAX_SITEMAP_BYTES: usize = 50 * 1024 * 1024;

/// What reading the sitemaps gave.
#[derive(Debug, Clone, Default)]
pub struct Sitemaps {
    /// Page URLs listed, in order, without duplicates (as text, end to end: a sitemap of
    /// 50,000 URLs costs their bytes, not a parsed `Url` each).
    pub urls: UrlTable,
    /// Sitemap files read.
    pub files: Vec<Url>,
    /// Problems, in words.
    pub notes: Vec<String>,
}

async fn gunzip(data: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    async_compression::tokio::bufread::GzipDecoder::new(data)
        .take(MAX_SITEMAP_BYTES as u64)
        .read_to_end(&mut out)
        .await?;
    Ok(out)
}

/// Reads the sitemaps of a site: `listed` (from robots.txt) or, when none, `/sitemap.xml`.
/// Only sitemaps on the site's own origin are fetched (after moving them onto `rebase`, for a
/// directory target); others are noted.
pub async fn read(
    fetcher: &Fetcher,
    site: &Url,
    listed: &[String],
    rebase: Option<&Url>,
) -> Sitemaps {
    let mut result = Sitemaps::default();
    let mut queue: VecDeque<Url> = listed
        .iter()
        .filter_map(|s| site.join(s.trim()).ok())
        .collect();
    if queue.is_empty()
        && let Ok(default) = site.join("/sitemap.xml")
    {
        queue.push_back(default);
    }
    let mut seen_files = HashSet::new();
    while let Some(file) = queue.pop_front() {
        let file = match rebase {
            Some(root) if file.origin() != root.origin() => {
                let mut moved = root.clone();
                moved.set_path(file.path());
                moved
            }
            _ => file,
        };
        if file.origin() != site.origin() {
            result.notes.push(format!(
                "sitemap {file} is on another host and was not read"
            ));
            continue;
        }
        if !seen_files.insert(file.clone()) {
            continue;
        }
        if result.files.len() >= MAX_SITEMAP_FILES {
            result.notes.push(format!(
                "more than {MAX_SITEMAP_FILES} sitemap files; the rest were not read"
            ));
            break;
        }
        let response = match fetcher
            .fetch(Request::get(
                file.clone(),
                BodyLimits::keep_all(MAX_SITEMAP_BYTES),
            ))
            .await
        {
            Ok(r) => r,
            Err(e) => {
                result
                    .notes
                    .push(format!("sitemap {file} could not be fetched: {e}"));
                continue;
            }
        };
        if !response.status.is_success() {
            // A missing default /sitemap.xml is normal; a listed one that is missing is not.
            if !listed.is_empty() || response.status.as_u16() != 404 {
                result.notes.push(format!(
                    "sitemap {file} answered HTTP {}",
                    response.status.as_u16()
                ));
            }
            continue;
        }
        result.files.push(file.clone());
        let body = &response.body.data;
        let xml: Cow<'_, [u8]> = if body.starts_with(&[0x1f, 0x8b]) {
            match gunzip(body).await {
                Ok(plain) => Cow::Owned(plain),
                Err(e) => {
                    result
                        .notes
                        .push(format!("sitemap {file} is not valid gzip: {e}"));
                    continue;
                }
            }
        } else {
            Cow::Borrowed(body.as_ref())
        };
        for entity in sitemap::reader::SiteMapReader::new(xml.as_ref()) {
            match entity {
                sitemap::reader::SiteMapEntity::Url(entry) => {
                    if let Some(url) = entry.loc.get_url()
                        && result.urls.len() < MAX_SITEMAP_URLS
                    {
                        result.urls.intern(url.as_str());
                    }
                }
                sitemap::reader::SiteMapEntity::SiteMap(entry) => {
                    if let Some(child) = entry.loc.get_url() {
                        queue.push_back(child);
                    }
                }
                sitemap::reader::SiteMapEntity::Err(e) => {
                    result
                        .notes
                        .push(format!("sitemap {file} is not valid XML: {e}"));
                    break;
                }
            }
        }
    }
    result
}
