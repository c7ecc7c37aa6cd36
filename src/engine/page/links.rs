//! [`LinkTargets`]: the resolved `href` of every `<a href>` and `<area href>` of a page,
//! computed once on first use.
//!
//! Link rules (link text, crawlable anchors) and the crawl's link extraction each resolve
//! every link of a page against its base URL; `Url::join` is costly enough that doing it
//! three times per link showed in profiles. The targets are resolved once, in document
//! order, and looked up by element.

use scraper::ElementRef;
use url::Url;

use super::Page;
use super::dom::{self, Attribute};
use super::index::ByNode;
use crate::sel;

/// The resolved `href` of each `a[href]` and `area[href]` element, in document order.
#[derive(Debug, Default)]
pub struct LinkTargets {
    /// Each link's `href` resolved with [`dom::resolve`] against the page's base URL (`None`
    /// when it does not resolve), in document order.
    targets: Vec<Option<Url>>,
    /// Each link's position in `targets`.
    positions: ByNode<usize>,
}

impl LinkTargets {
    /// Resolves the `href` of every `a[href]` and `area[href]` of `page`.
    pub fn build(page: &Page) -> LinkTargets {
        let base = page.base_url();
        let links: Vec<ElementRef<'_>> = page.select(sel!("a[href], area[href]")).collect();
        LinkTargets {
            targets: links.iter().map(|el| resolved_href(base, *el)).collect(),
            positions: links
                .iter()
                .enumerate()
                .map(|(position, el)| (el.id(), position))
                .collect(),
        }
    }

    /// The resolved targets in document order (`None` for an `href` that does not resolve).
    pub fn iter(&self) -> impl Iterator<Item = Option<&Url>> {
        self.targets.iter().map(Option::as_ref)
    }

    /// The resolved `href` of `el` when it is one of the indexed links: `Some(None)` when its
    /// `href` does not resolve, `None` when `el` is not an `a[href]` or `area[href]`.
    pub fn get(&self, el: ElementRef<'_>) -> Option<Option<&Url>> {
        let position = *self.positions.get(el.id())?;
        Some(self.targets[position].as_ref())
    }
}

/// The element's `href` resolved against `base`, as [`dom::resolve`] does it.
pub fn resolved_href(base: &Url, el: ElementRef<'_>) -> Option<Url> {
    el.attribute("href")
        .and_then(|href| dom::resolve(base, href))
}
