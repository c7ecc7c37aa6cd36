//! Finding the subresources a document references: stylesheets, scripts, images, icons and
//! preloads, with the facts of the referencing element that rules need (in `<head>`,
//! render-blocking, integrity).

use std::collections::HashSet;

use scraper::ElementRef;
use url::Url;

use super::Page;
use super::dom::{Attribute, css_path, resolve};
use crate::sel;

/// What a subresource is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResourceKind {
    /// `<link rel=stylesheet>`.
    Stylesheet,
    /// `<script src>`.
    Script,
    /// `<img src>`, `<input type=image src>`, `<video poster>`.
    Image,
    /// `<link rel=icon>` and friends.
    Icon,
    /// `<link rel=preload|modulepreload>`.
    Preload,
}

impl ResourceKind {
    /// A lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            ResourceKind::Stylesheet => "stylesheet",
            ResourceKind::Script => "script",
            ResourceKind::Image => "image",
            ResourceKind::Icon => "icon",
            ResourceKind::Preload => "preload",
        }
    }
}

/// A subresource reference found in the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceRef {
    /// Absolute URL.
    pub url: Url,
    /// What it is.
    pub kind: ResourceKind,
    /// CSS path of the referencing element.
    pub selector: String,
    /// Whether the element is inside `<head>`.
    pub in_head: bool,
    /// A script without `async`/`defer`/`type=module`, or a stylesheet whose media applies to
    /// screens, in `<head>`: it blocks the first render.
    pub render_blocking: bool,
    /// The `integrity` attribute, if any.
    pub integrity: Option<String>,
}

/// True for a `rel` attribute containing `token` (case-insensitive, space-separated).
pub fn rel_has(el: ElementRef<'_>, token: &str) -> bool {
    el.attribute("rel").is_some_and(|rel| {
        rel.split_ascii_whitespace()
            .any(|t| t.eq_ignore_ascii_case(token))
    })
}

fn in_head(el: ElementRef<'_>) -> bool {
    super::dom::ancestors_inclusive(el).any(|e| e.value().name() == "head")
}

fn media_applies_to_screen(media: Option<&str>) -> bool {
    match media.map(|m| m.trim().to_ascii_lowercase()) {
        None => true,
        Some(m) if m.is_empty() || m == "all" || m == "screen" => true,
        Some(m) => !(m == "print" || m.starts_with("print ") || m == "none"),
    }
}

fn script_blocks(el: ElementRef<'_>) -> bool {
    let v = el.value();
    let is_module = v
        .attribute("type")
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("module"));
    in_head(el) && v.attribute("async").is_none() && v.attribute("defer").is_none() && !is_module
}

/// Every distinct http(s) subresource the document references, in document order.
pub fn collect_refs(page: &Page) -> Vec<ResourceRef> {
    let base = page.base_url();
    let mut seen = HashSet::new();
    let mut refs = Vec::new();
    let mut push = |el: ElementRef<'_>, attr: &str, kind: ResourceKind, blocking: bool| {
        let Some(url) = el.attribute(attr).and_then(|v| resolve(base, v)) else {
            return;
        };
        if !matches!(url.scheme(), "http" | "https") {
            return;
        }
        let mut key = url.clone();
        key.set_fragment(None);
        if !seen.insert(key.clone()) {
            return;
        }
        refs.push(ResourceRef {
            url: key,
            kind,
            selector: css_path(el),
            in_head: in_head(el),
            render_blocking: blocking,
            integrity: el.attribute("integrity").map(str::to_owned),
        });
    };
    for el in page.select(sel!(
        "link[href], script[src], img[src], input[src], video[poster]"
    )) {
        match el.value().name() {
            "link" => {
                if rel_has(el, "stylesheet") {
                    let blocking = in_head(el)
                        && el.attribute("disabled").is_none()
                        && media_applies_to_screen(el.attribute("media"));
                    push(el, "href", ResourceKind::Stylesheet, blocking);
                } else if rel_has(el, "icon") || rel_has(el, "apple-touch-icon") {
                    push(el, "href", ResourceKind::Icon, false);
                } else if rel_has(el, "preload") || rel_has(el, "modulepreload") {
                    push(el, "href", ResourceKind::Preload, false);
                }
            }
            "script" => push(el, "src", ResourceKind::Script, script_blocks(el)),
            "img" => push(el, "src", ResourceKind::Image, false),
            "input"
                if el
                    .attribute("type")
                    .is_some_and(|t| t.trim().eq_ignore_ascii_case("image")) =>
            {
                push(el, "src", ResourceKind::Image, false);
            }
            "video" => push(el, "poster", ResourceKind::Image, false),
            _ => {}
        }
    }
    refs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_in_order_with_facts() {
        let html = r#"<html><head>
            <link rel="stylesheet" href="/a.css">
            <link rel="stylesheet" href="/print.css" media="print">
            <script src="/sync.js"></script>
            <script src="/def.js" defer></script>
            <link rel="icon" href="/favicon.ico">
            <link rel="preload" href="/font.woff2" as="font">
            </head><body>
            <img src="/i.png"><img src="/i.png#dup"><img src="data:image/png;base64,AA==">
            <script src="https://cdn.example/lib.js" integrity="sha384-x"></script>
            </body></html>"#;
        let page = Page::from_html("https://site.example/p/", html);
        let refs = collect_refs(&page);
        let summary: Vec<(&str, ResourceKind, bool)> = refs
            .iter()
            .map(|r| (r.url.path(), r.kind, r.render_blocking))
            .collect();
        assert_eq!(
            summary,
            vec![
                ("/a.css", ResourceKind::Stylesheet, true),
                ("/print.css", ResourceKind::Stylesheet, false),
                ("/sync.js", ResourceKind::Script, true),
                ("/def.js", ResourceKind::Script, false),
                ("/favicon.ico", ResourceKind::Icon, false),
                ("/font.woff2", ResourceKind::Preload, false),
                ("/i.png", ResourceKind::Image, false),
                ("/lib.js", ResourceKind::Script, false),
            ]
        );
        assert_eq!(refs[7].integrity.as_deref(), Some("sha384-x"));
        assert!(!refs[7].in_head);
    }
}
