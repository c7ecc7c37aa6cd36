//! Performance rules: static signals a browser-free auditor can measure exactly (server
//! response time, bytes, requests, render-blocking resources, compression, caching, image
//! dimensions, DOM size, redirects, HTTP version). Together they are a static estimate, not
//! Lighthouse's lab performance score, which needs a browser trace.

use super::{Check, Curve, FixText, Refs, Rule};
use crate::engine::page::dom::{Attribute, css_path, is_hidden, snippet, style_hides};
use crate::engine::page::{Page, ResourceKind, Served, Subresource};
use crate::report::{Category, Evidence, Severity};
use crate::sel;

/// Server response time: a TTFB at 600 ms scores 0.9 (Lighthouse's pass threshold).
pub const TTFB_CURVE: Curve = Curve {
    p10: 600.0,
    median: 1600.0,
};
/// Total byte weight: Lighthouse's control points (2,667 KiB and 4,000 KiB).
pub const BYTE_WEIGHT_CURVE: Curve = Curve {
    p10: 2667.0 * 1024.0,
    median: 4000.0 * 1024.0,
};
/// Request count (document + subresources).
pub const REQUEST_COUNT_CURVE: Curve = Curve {
    p10: 50.0,
    median: 120.0,
};
/// DOM size: Lighthouse's former dom-size control points (818 and 1,400 elements).
pub const DOM_SIZE_CURVE: Curve = Curve {
    p10: 818.0,
    median: 1400.0,
};
/// Text responses above this many bytes should be compressed (Lighthouse ignores savings under
/// 1.4 KB).
pub const COMPRESSION_MIN_BYTES: u64 = 1400;
/// Static assets should be cacheable for at least this many seconds (7 days).
pub const MIN_CACHE_LIFETIME_SECS: f64 = 7.0 * 24.0 * 3600.0;
/// An image above this many bytes is large.
pub const LARGE_IMAGE_BYTES: u64 = 200 * 1024;
/// More than this many synchronous stylesheets in `<head>` is flagged.
pub const MAX_BLOCKING_STYLESHEETS: usize = 2;
/// HTTP/1.1 on an origin serving at least this many requests of a page is flagged.
pub const MODERN_HTTP_MIN_REQUESTS: usize = 6;

const LOCAL_SERVER: &str =
    "the page is served by webaudit's local directory server, whose headers are not the site's";

fn server_response_time(page: &Page) -> Check {
    if page.served == Served::LocalDirectory {
        return Check::not_applicable(LOCAL_SERVER);
    }
    let ttfb = page.timings.ttfb_ms;
    Check::measured(
        ttfb,
        "ms",
        TTFB_CURVE,
        format!("the document's first byte arrived after {ttfb:.0} ms"),
    )
}

fn total_byte_weight(page: &Page) -> Check {
    let total =
        page.bytes.transferred + page.subresources.iter().map(|s| s.transferred).sum::<u64>();
    let mut detail = format!(
        "{:.0} KiB transferred for the document and {} subresources",
        total as f64 / 1024.0,
        page.subresources.len()
    );
    if page.subresources_referenced > page.subresources.len() {
        detail.push_str(&format!(
            " ({} more were referenced but not fetched)",
            page.subresources_referenced - page.subresources.len()
        ));
    }
    Check::measured(total as f64, "bytes", BYTE_WEIGHT_CURVE, detail)
}

fn request_count(page: &Page) -> Check {
    let count = 1 + page.subresources_referenced;
    Check::measured(
        count as f64,
        "count",
        REQUEST_COUNT_CURVE,
        format!(
            "the page needs {count} requests (document, stylesheets, scripts, images, icons, preloads)"
        ),
    )
}

fn render_blocking(page: &Page) -> Check {
    let blocking: Vec<&Subresource> = page
        .subresources
        .iter()
        .filter(|s| s.reference.render_blocking)
        .collect();
    if blocking.is_empty() {
        return Check::pass();
    }
    let stylesheets = blocking
        .iter()
        .filter(|s| s.reference.kind == ResourceKind::Stylesheet)
        .count();
    let failures = blocking
        .iter()
        .filter(|s| {
            s.reference.kind == ResourceKind::Script || stylesheets > MAX_BLOCKING_STYLESHEETS
        })
        .map(|s| Evidence {
            selector: Some(s.reference.selector.clone()),
            url: Some(s.reference.url.to_string()),
            value: Some(s.transferred as f64),
            unit: Some("bytes".into()),
            detail: Some(match s.reference.kind {
                ResourceKind::Script => {
                    "a synchronous script in <head> stops rendering until it is downloaded and run".into()
                }
                _ => format!(
                    "one of {stylesheets} stylesheets in <head> that must all load before the first paint"
                ),
            }),
            ..Evidence::default()
        })
        .collect();
    Check::from_failures(failures)
}

/// True for media types that compress well.
pub fn is_textual(media_type: &str) -> bool {
    media_type.starts_with("text/")
        || matches!(
            media_type,
            "application/javascript"
                | "application/x-javascript"
                | "application/ecmascript"
                | "application/json"
                | "application/ld+json"
                | "application/manifest+json"
                | "application/xml"
                | "application/xhtml+xml"
                | "application/rss+xml"
                | "application/atom+xml"
                | "image/svg+xml"
                | "image/x-icon"
                | "image/vnd.microsoft.icon"
                | "font/ttf"
                | "font/otf"
                | "application/vnd.ms-fontobject"
        )
}

fn text_compression(page: &Page) -> Check {
    if page.served == Served::LocalDirectory {
        return Check::not_applicable(LOCAL_SERVER);
    }
    let mut failures = Vec::new();
    if page.content_encoding.is_none()
        && page.bytes.transferred > COMPRESSION_MIN_BYTES
        && page.content_type.as_deref().is_some_and(is_textual)
    {
        failures.push(Evidence {
            url: Some(page.final_url.to_string()),
            value: Some(page.bytes.transferred as f64),
            unit: Some("bytes".into()),
            detail: Some("the HTML document is sent uncompressed".into()),
            ..Evidence::default()
        });
    }
    for s in &page.subresources {
        let textual = s.content_type.as_deref().is_some_and(is_textual);
        if s.status == Some(200)
            && textual
            && s.content_encoding.is_none()
            && s.transferred > COMPRESSION_MIN_BYTES
        {
            failures.push(Evidence {
                url: Some(s.reference.url.to_string()),
                value: Some(s.transferred as f64),
                unit: Some("bytes".into()),
                detail: Some(format!(
                    "{} ({}) is sent uncompressed",
                    s.reference.kind.as_str(),
                    s.content_type.as_deref().unwrap_or("text")
                )),
                ..Evidence::default()
            });
        }
    }
    Check::from_failures(failures)
}

/// The cache lifetime a response allows, in seconds: `max-age`/`s-maxage` of
/// `Cache-Control` (0 with `no-store` or `no-cache`), else `Expires` minus `Date`.
pub fn cache_lifetime_secs(s: &Subresource) -> Option<f64> {
    if let Some(cc) = s.header("cache-control") {
        let directives: Vec<String> = cc
            .split(',')
            .map(|d| d.trim().to_ascii_lowercase())
            .collect();
        if directives
            .iter()
            .any(|d| d == "no-store" || d == "no-cache")
        {
            return Some(0.0);
        }
        let max_age = directives.iter().find_map(|d| {
            d.strip_prefix("max-age=")
                .or_else(|| d.strip_prefix("s-maxage="))
                .and_then(|v| v.trim_matches('"').parse::<f64>().ok())
        });
        if max_age.is_some() {
            return max_age;
        }
    }
    let expires = s.header("expires")?;
    let expires = httpdate_secs(expires).unwrap_or(0.0);
    let date = s.header("date").and_then(httpdate_secs)?;
    Some((expires - date).max(0.0))
}

fn httpdate_secs(value: &str) -> Option<f64> {
    chrono::DateTime::parse_from_rfc2822(value.trim())
        .ok()
        .map(|d| d.timestamp() as f64)
}

fn cache_lifetime(page: &Page) -> Check {
    if page.served == Served::LocalDirectory {
        return Check::not_applicable(LOCAL_SERVER);
    }
    let assets: Vec<&Subresource> = page
        .subresources
        .iter()
        .filter(|s| s.status == Some(200))
        .collect();
    if assets.is_empty() {
        return Check::not_applicable("the page loads no static assets");
    }
    let failures = assets
        .into_iter()
        .filter_map(|s| {
            let lifetime = cache_lifetime_secs(s).unwrap_or(0.0);
            (lifetime < MIN_CACHE_LIFETIME_SECS).then(|| Evidence {
                url: Some(s.reference.url.to_string()),
                value: Some(lifetime),
                unit: Some("seconds".into()),
                threshold: Some(MIN_CACHE_LIFETIME_SECS),
                detail: Some(match s.header("cache-control") {
                    Some(cc) => format!("Cache-Control: {cc}"),
                    None => "no Cache-Control header".into(),
                }),
                ..Evidence::default()
            })
        })
        .collect();
    Check::from_failures(failures)
}

fn has_dimension(value: Option<&str>) -> bool {
    value.is_some_and(|v| {
        let v = v.trim();
        !v.is_empty() && !v.eq_ignore_ascii_case("auto")
    })
}

fn style_sizes(style: &str) -> (bool, bool, bool) {
    let mut width = false;
    let mut height = false;
    let mut ratio = false;
    for decl in style.split(';') {
        if let Some((prop, value)) = decl.split_once(':') {
            let prop = prop.trim().to_ascii_lowercase();
            let set = has_dimension(Some(value));
            match prop.as_str() {
                "width" => width |= set,
                "height" => height |= set,
                "aspect-ratio" => ratio |= set,
                _ => {}
            }
        }
    }
    (width, height, ratio)
}

fn unsized_images(page: &Page) -> Check {
    let mut any = false;
    let failures = page
        .select(sel!("body img"))
        .filter(|img| !is_hidden(*img) && !style_hides(*img))
        .filter(|img| {
            any = true;
            let (sw, sh, ratio) = style_sizes(img.attribute("style").unwrap_or(""));
            let width = has_dimension(img.attribute("width")) || sw;
            let height = has_dimension(img.attribute("height")) || sh;
            !((width && height) || ((width || height) && ratio))
        })
        .map(|img| Evidence {
            selector: Some(css_path(img)),
            snippet: Some(snippet(img)),
            detail: Some("no width and height: the layout shifts when the image loads".into()),
            ..Evidence::default()
        })
        .collect::<Vec<_>>();
    if !any {
        return Check::not_applicable("the page has no images");
    }
    Check::from_failures(failures)
}

fn dom_size(page: &Page) -> Check {
    let count = crate::engine::page::dom::element_count(&page.dom);
    let depth = crate::engine::page::dom::max_depth(&page.dom);
    Check::measured(
        count as f64,
        "count",
        DOM_SIZE_CURVE,
        format!("{count} elements, nested up to {depth} deep"),
    )
}

fn redirects(page: &Page) -> Check {
    let failures = page
        .redirects
        .iter()
        .map(|hop| Evidence {
            url: Some(hop.url.clone()),
            value: Some(hop.time_ms),
            unit: Some("ms".into()),
            detail: Some(format!("{} redirect to {}", hop.status, hop.location)),
            ..Evidence::default()
        })
        .collect();
    Check::from_failures(failures)
}

fn large_images(page: &Page) -> Check {
    let images: Vec<&Subresource> = page
        .subresources
        .iter()
        .filter(|s| s.reference.kind == ResourceKind::Image && s.status == Some(200))
        .collect();
    if images.is_empty() {
        return Check::not_applicable("the page loads no images");
    }
    let failures = images
        .into_iter()
        .filter(|s| s.transferred > LARGE_IMAGE_BYTES)
        .map(|s| Evidence {
            selector: Some(s.reference.selector.clone()),
            url: Some(s.reference.url.to_string()),
            value: Some(s.transferred as f64),
            unit: Some("bytes".into()),
            threshold: Some(LARGE_IMAGE_BYTES as f64),
            detail: Some(format!(
                "{} image of {:.0} KiB",
                s.content_type.as_deref().unwrap_or("an"),
                s.transferred as f64 / 1024.0
            )),
            ..Evidence::default()
        })
        .collect();
    Check::from_failures(failures)
}

fn modern_http(page: &Page) -> Check {
    if page.served == Served::LocalDirectory {
        return Check::not_applicable(LOCAL_SERVER);
    }
    if !page.is_https() {
        return Check::not_applicable("HTTP/2 needs HTTPS; see best-practices.is-on-https");
    }
    let same_origin = 1 + page
        .subresources
        .iter()
        .filter(|s| s.reference.url.origin() == page.final_url.origin())
        .count();
    let old = page.http_version.starts_with("HTTP/1") || page.http_version.starts_with("HTTP/0");
    if old && same_origin >= MODERN_HTTP_MIN_REQUESTS {
        Check::fail(Evidence {
            url: Some(page.final_url.origin().ascii_serialization()),
            value: Some(same_origin as f64),
            unit: Some("count".into()),
            detail: Some(format!(
                "{same_origin} requests to this origin over {}; HTTP/2 or HTTP/3 multiplexes them on one connection",
                page.http_version
            )),
            ..Evidence::default()
        })
    } else {
        Check::pass()
    }
}

/// The performance rules.
pub static RULES: &[Rule] = &[
    Rule {
        id: "performance.server-response-time",
        category: Category::Performance,
        title: "Server responds quickly",
        description: "Time to first byte of the HTML document. Every other request waits for \
                      it, so a slow server delays the whole page. Scored on a log-normal curve: \
                      600 ms scores 0.9, 1.6 s scores 0.5.",
        severity: Severity::Major,
        weight: 3.0,
        penalty: 0,
        fix: FixText {
            summary: "Make the server answer the document request in under 600 ms.",
            steps: &[
                "Cache rendered pages (a CDN or a reverse-proxy cache) so they are not built on every request.",
                "Profile the slowest database queries and application code behind the page.",
                "Serve from a region close to your users, or put a CDN in front.",
            ],
            minutes: 120,
        },
        refs: Refs::lighthouse("server-response-time"),
        check: server_response_time,
    },
    Rule {
        id: "performance.total-byte-weight",
        category: Category::Performance,
        title: "Page weight is small",
        description: "Bytes transferred for the document and the subresources it references. \
                      Large pages cost users time and mobile data. Lighthouse's curve: 2,667 KiB \
                      scores 0.9, 4,000 KiB scores 0.5.",
        severity: Severity::Major,
        weight: 2.0,
        penalty: 0,
        fix: FixText {
            summary: "Cut the bytes the page downloads.",
            steps: &[
                "Compress and resize images; serve WebP or AVIF.",
                "Remove unused JavaScript and CSS; split bundles per page.",
                "Lazy-load images below the fold with loading=\"lazy\".",
            ],
            minutes: 90,
        },
        refs: Refs::lighthouse("total-byte-weight"),
        check: total_byte_weight,
    },
    Rule {
        id: "performance.request-count",
        category: Category::Performance,
        title: "Few requests are needed",
        description: "Number of requests the page makes: the document plus referenced \
                      stylesheets, scripts, images, icons and preloads. Each costs a round trip \
                      or a connection slot. 50 requests score 0.9, 120 score 0.5.",
        severity: Severity::Minor,
        weight: 1.0,
        penalty: 0,
        fix: FixText {
            summary: "Reduce the number of files the page loads.",
            steps: &[
                "Bundle small scripts and stylesheets together.",
                "Inline tiny icons as SVG, or use a sprite.",
                "Drop third-party widgets the page does not need.",
            ],
            minutes: 60,
        },
        refs: Refs::lighthouse("network-requests"),
        check: request_count,
    },
    Rule {
        id: "performance.render-blocking-resources",
        category: Category::Performance,
        title: "No render-blocking resources",
        description: "Synchronous scripts in <head>, and more than two stylesheets there, must \
                      be downloaded before the browser can paint anything. Deferred and async \
                      scripts, modules and print stylesheets do not block.",
        severity: Severity::Major,
        weight: 3.0,
        penalty: 0,
        fix: FixText {
            summary: "Load scripts with defer or async and keep critical CSS small.",
            steps: &[
                "Add defer to <script src> tags in <head> (or move them to the end of <body>).",
                "Inline the CSS needed for the first screen and load the rest without blocking.",
                "Combine stylesheets so no more than two block the first paint.",
            ],
            minutes: 30,
        },
        refs: Refs::lighthouse("render-blocking-insight"),
        check: render_blocking,
    },
    Rule {
        id: "performance.text-compression",
        category: Category::Performance,
        title: "Text is sent compressed",
        description: "HTML, CSS, JavaScript, JSON and SVG larger than 1.4 KB should be sent with \
                      gzip, Brotli or Zstandard, which usually shrinks them by 60–80%.",
        severity: Severity::Major,
        weight: 2.0,
        penalty: 0,
        fix: FixText {
            summary: "Enable gzip or Brotli compression for text responses on the server or CDN.",
            steps: &[
                "nginx: `gzip on; gzip_types text/css application/javascript application/json image/svg+xml;` (or the brotli module).",
                "Apache: enable mod_deflate or mod_brotli for text types.",
                "On a CDN, turn on its compression setting; check that the origin does not send Cache-Control: no-transform.",
            ],
            minutes: 15,
        },
        refs: Refs::lighthouse("uses-text-compression"),
        check: text_compression,
    },
    Rule {
        id: "performance.cache-lifetime",
        category: Category::Performance,
        title: "Static assets are cached long",
        description: "Stylesheets, scripts, images, fonts and icons should be cacheable for at \
                      least 7 days (a year for fingerprinted files), so repeat visits do not \
                      download them again.",
        severity: Severity::Minor,
        weight: 1.0,
        penalty: 0,
        fix: FixText {
            summary: "Send a long Cache-Control max-age for static assets.",
            steps: &[
                "Fingerprint asset file names (app.3f9c1.js) so they can be cached for a year.",
                "Send `Cache-Control: public, max-age=31536000, immutable` for fingerprinted assets.",
                "Send at least `max-age=604800` for other static files.",
            ],
            minutes: 20,
        },
        refs: Refs::lighthouse("cache-insight"),
        check: cache_lifetime,
    },
    Rule {
        id: "performance.unsized-images",
        category: Category::Performance,
        title: "Images have explicit width and height",
        description: "An <img> without width and height (or a CSS size or aspect-ratio) takes no \
                      space until it loads, then pushes the content down: a layout shift that \
                      hurts Cumulative Layout Shift.",
        severity: Severity::Minor,
        weight: 1.0,
        penalty: 0,
        fix: FixText {
            summary: "Give every <img> width and height attributes matching its aspect ratio.",
            steps: &[
                "Add width=\"…\" height=\"…\" with the image's intrinsic size to each <img>.",
                "Keep it responsive with CSS `img { max-width: 100%; height: auto; }`.",
            ],
            minutes: 5,
        },
        refs: Refs::lighthouse("unsized-images"),
        check: unsized_images,
    },
    Rule {
        id: "performance.dom-size",
        category: Category::Performance,
        title: "DOM size is reasonable",
        description: "Number of elements in the document. Large DOMs slow down style \
                      calculation, layout and scripts. Lighthouse's curve: 818 elements score \
                      0.9, 1,400 score 0.5.",
        severity: Severity::Minor,
        weight: 1.0,
        penalty: 0,
        fix: FixText {
            summary: "Render fewer elements.",
            steps: &[
                "Paginate or virtualise long lists and tables.",
                "Remove wrapper elements that only exist for styling.",
                "Render hidden content (tabs, menus) only when it is opened.",
            ],
            minutes: 120,
        },
        refs: Refs::lighthouse("dom-size-insight"),
        check: dom_size,
    },
    Rule {
        id: "performance.redirects",
        category: Category::Performance,
        title: "The document is not redirected",
        description: "Each redirect before the document adds a full round trip before anything \
                      can load. Link to the final URL directly.",
        severity: Severity::Minor,
        weight: 1.0,
        penalty: 0,
        fix: FixText {
            summary: "Link to and advertise the final URL so no redirect is needed.",
            steps: &[
                "Update internal links, the sitemap and canonical tags to the final URL.",
                "Collapse redirect chains into one hop on the server.",
            ],
            minutes: 15,
        },
        refs: Refs::lighthouse("redirects"),
        check: redirects,
    },
    Rule {
        id: "performance.large-images",
        category: Category::Performance,
        title: "Images are not oversized",
        description: "Images larger than 200 KiB are usually uncompressed, served at a larger \
                      size than displayed, or in an old format.",
        severity: Severity::Minor,
        weight: 1.0,
        penalty: 0,
        fix: FixText {
            summary: "Resize and recompress large images.",
            steps: &[
                "Resize images to the largest size they are displayed at; use srcset for other sizes.",
                "Convert photos to WebP or AVIF at quality 75–85.",
                "Run PNGs and SVGs through an optimiser (oxipng, svgo).",
            ],
            minutes: 10,
        },
        refs: Refs::lighthouse("image-delivery-insight"),
        check: large_images,
    },
    Rule {
        id: "performance.modern-http",
        category: Category::Performance,
        title: "Served over HTTP/2 or newer",
        description: "HTTP/1.1 opens a few connections per origin and queues requests on them; \
                      HTTP/2 and HTTP/3 multiplex all requests on one connection. Flagged when \
                      an https origin serves at least 6 of the page's requests over HTTP/1.1.",
        severity: Severity::Minor,
        weight: 1.0,
        penalty: 0,
        fix: FixText {
            summary: "Enable HTTP/2 (and HTTP/3) on the server or CDN.",
            steps: &[
                "nginx: `listen 443 ssl http2;` (or `http2 on;` in recent versions).",
                "Apache: enable mod_http2 and `Protocols h2 http/1.1`.",
                "Most CDNs enable HTTP/2 and HTTP/3 with one setting.",
            ],
            minutes: 20,
        },
        refs: Refs::lighthouse("modern-http-insight"),
        check: modern_http,
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::page::ResourceRef;
    use crate::engine::rules::testing::{check, failing, outcome, page};
    use crate::report::{Outcome, RedirectHop};

    fn subresource(
        path: &str,
        kind: ResourceKind,
        headers: &[(&str, &str)],
        bytes: u64,
    ) -> Subresource {
        let mut map = http::HeaderMap::new();
        for (k, v) in headers {
            map.append(
                http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                http::HeaderValue::from_str(v).unwrap(),
            );
        }
        Subresource {
            reference: ResourceRef {
                url: url::Url::parse("https://site.example/")
                    .unwrap()
                    .join(path)
                    .unwrap(),
                kind,
                selector: format!("{}[src]", kind.as_str()),
                in_head: true,
                render_blocking: false,
                integrity: None,
            },
            status: Some(200),
            content_type: crate::engine::fetch::media_type(&map),
            content_encoding: map
                .get("content-encoding")
                .map(|v| v.to_str().unwrap().to_owned()),
            headers: map,
            transferred: bytes,
            decoded: Some(bytes),
            truncated: false,
            sample: Default::default(),
            time_ms: 1.0,
            redirects: Vec::new(),
            error: None,
            dimensions: None,
        }
    }

    #[test]
    fn unsized_images_table() {
        let p = page(
            r#"<body>
            <img id="a" src="a.png">
            <img id="b" src="b.png" width="10" height="10">
            <img id="c" src="c.png" width="10">
            <img id="d" src="d.png" style="width: 10px; aspect-ratio: 1/1">
            <img id="e" src="e.png" width="auto" height="auto">
            <img id="f" src="f.png" hidden>
            </body>"#,
        );
        assert_eq!(
            failing("performance.unsized-images", &p),
            ["img#a", "img#c", "img#e"]
        );
        assert_eq!(
            outcome("performance.unsized-images", "<p>no images</p>"),
            Outcome::NotApplicable
        );
    }

    #[test]
    fn render_blocking_flags_sync_head_scripts_and_too_many_stylesheets() {
        let mut p = page("<p>x</p>");
        let mut script = subresource("/s.js", ResourceKind::Script, &[], 100);
        script.reference.render_blocking = true;
        let mut css = subresource("/a.css", ResourceKind::Stylesheet, &[], 100);
        css.reference.render_blocking = true;
        p.subresources = vec![script, css.clone()];
        assert_eq!(
            failing("performance.render-blocking-resources", &p),
            ["script[src]"]
        );
        p.subresources = vec![css.clone(), css.clone()];
        assert_eq!(
            check("performance.render-blocking-resources", &p).outcome,
            Outcome::Pass
        );
        p.subresources = vec![css.clone(), css.clone(), css];
        assert_eq!(
            failing("performance.render-blocking-resources", &p).len(),
            3
        );
    }

    #[test]
    fn compression_and_cache_lifetime() {
        let mut p = page("<p>x</p>");
        p.subresources = vec![
            subresource(
                "/big.js",
                ResourceKind::Script,
                &[
                    ("content-type", "application/javascript"),
                    ("cache-control", "max-age=31536000"),
                ],
                50_000,
            ),
            subresource(
                "/gz.css",
                ResourceKind::Stylesheet,
                &[
                    ("content-type", "text/css"),
                    ("content-encoding", "br"),
                    ("cache-control", "no-cache"),
                ],
                50_000,
            ),
            subresource(
                "/tiny.css",
                ResourceKind::Stylesheet,
                &[
                    ("content-type", "text/css"),
                    ("cache-control", "public, max-age=86400"),
                ],
                500,
            ),
            subresource(
                "/p.png",
                ResourceKind::Image,
                &[
                    ("content-type", "image/png"),
                    ("expires", "Thu, 01 Jan 2026 00:00:00 GMT"),
                    ("date", "Wed, 31 Dec 2025 00:00:00 GMT"),
                ],
                300_000,
            ),
        ];
        assert_eq!(
            failing("performance.text-compression", &p),
            ["https://site.example/big.js"]
        );
        assert_eq!(
            failing("performance.cache-lifetime", &p),
            [
                "https://site.example/gz.css",
                "https://site.example/tiny.css",
                "https://site.example/p.png"
            ]
        );
        assert_eq!(failing("performance.large-images", &p), ["image[src]"]);
        p.served = Served::LocalDirectory;
        assert_eq!(
            check("performance.text-compression", &p).outcome,
            Outcome::NotApplicable
        );
        assert_eq!(
            check("performance.cache-lifetime", &p).outcome,
            Outcome::NotApplicable
        );
    }

    #[test]
    fn measured_rules_use_their_curves() {
        let mut p = page("<p>x</p>");
        p.timings.ttfb_ms = 100.0;
        let fast = check("performance.server-response-time", &p);
        assert_eq!(fast.outcome, Outcome::Pass);
        p.timings.ttfb_ms = 2000.0;
        let slow = check("performance.server-response-time", &p);
        assert_eq!(slow.outcome, Outcome::Fail);
        assert!(slow.score < 0.5);
        assert_eq!(slow.failures[0].value, Some(2000.0));

        let big = format!("<body>{}</body>", "<div></div>".repeat(2000));
        let c = check("performance.dom-size", &page(&big));
        assert_eq!(c.outcome, Outcome::Fail);
        assert_eq!(c.failures[0].value, Some(2003.0));
    }

    #[test]
    fn redirects_and_http_version() {
        let mut p = page("<p>x</p>");
        assert_eq!(check("performance.redirects", &p).outcome, Outcome::Pass);
        p.redirects.push(RedirectHop {
            url: "http://site.example/page".into(),
            status: 301,
            location: "https://site.example/page".into(),
            time_ms: 12.0,
        });
        assert_eq!(
            failing("performance.redirects", &p),
            ["http://site.example/page"]
        );
        p.subresources = (0..6)
            .map(|i| subresource(&format!("/{i}.png"), ResourceKind::Image, &[], 10))
            .collect();
        assert_eq!(check("performance.modern-http", &p).outcome, Outcome::Fail);
        p.http_version = "HTTP/2.0".into();
        assert_eq!(check("performance.modern-http", &p).outcome, Outcome::Pass);
    }
}
