//! A generator of realistic synthetic sites for benchmarks and tests, deterministic from a
//! seed: pages of 30–100 KB with headings, paragraphs, images, forms, tables, scripts and
//! stylesheets shared between pages, internal links, a sitemap, and a controlled share of
//! defects. Served from memory by an axum router on loopback.
//!
//! Included with `#[path]` by the benchmark example and by tests, so it is not part of the
//! library's API.

#![allow(dead_code)]

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

/// A small, fast, deterministic PRNG (xorshift64*).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed (any value).
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
}

const WORDS: &[&str] = &[
    "harbour", "bread", "flour", "morning", "oven", "crust", "season", "river", "market", "grain",
    "window", "garden", "lamp", "table", "street", "winter", "summer", "coffee", "letter", "paper",
    "quiet", "bright", "simple", "careful", "local", "fresh", "warm", "open", "small", "golden",
    "and", "the", "with", "from", "every", "which", "while", "through", "before", "after",
];

/// How a generated site looks.
#[derive(Debug, Clone)]
pub struct SiteSpec {
    /// Pages in the site.
    pub pages: usize,
    /// The seed.
    pub seed: u64,
    /// Share of pages with each kind of defect (0–1).
    pub defect_rate: f64,
    /// Smallest page size in bytes.
    pub min_page_bytes: usize,
    /// Largest page size in bytes.
    pub max_page_bytes: usize,
    /// Images on each page.
    pub images_per_page: usize,
}

impl Default for SiteSpec {
    fn default() -> Self {
        SiteSpec {
            pages: 100,
            seed: 7,
            defect_rate: 0.1,
            min_page_bytes: 30 * 1024,
            max_page_bytes: 100 * 1024,
            images_per_page: 12,
        }
    }
}

/// Stands for `http://host:port` in generated text; replaced when served.
pub const ORIGIN: &str = "{origin}";

/// A generated file.
#[derive(Debug, Clone)]
pub struct File {
    /// `Content-Type`.
    pub content_type: &'static str,
    /// The body.
    pub body: bytes::Bytes,
}

/// A generated site: its shared files; pages are generated when requested (deterministically
/// from the seed and their index), so serving a large site costs no memory, unless they were
/// rendered in advance ([`Site::prerender`]).
#[derive(Debug, Clone, Default)]
pub struct Site {
    /// The spec.
    pub spec: SiteSpec,
    /// Shared files by absolute path (`/static/app-1.js`, `/robots.txt`, …).
    pub files: HashMap<String, File>,
    /// Every page's HTML by index, when rendered in advance.
    rendered: Vec<bytes::Bytes>,
}

impl Site {
    /// Renders every page now, so that serving one costs no more than a static file server's
    /// reply (for benchmarks, where generating pages would take CPU from the crawler measured).
    pub fn prerender(&mut self) {
        self.rendered = (0..self.spec.pages)
            .map(|index| self.page(index).into())
            .collect();
    }

    /// The HTML of page `index`.
    pub fn page(&self, index: usize) -> String {
        let mut rng = Rng::new(self.spec.seed ^ (index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        page(&self.spec, &mut rng, index)
    }

    /// The sitemap listing every page, under `origin` (written when requested: a large site's
    /// list is not kept).
    pub fn sitemap(&self, origin: &str) -> String {
        let mut sitemap = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
        );
        for i in 0..self.spec.pages {
            let _ = writeln!(sitemap, "  <url><loc>{origin}{}</loc></url>", page_path(i));
        }
        sitemap.push_str("</urlset>\n");
        sitemap
    }

    /// The index of the page at `path`, if it is one.
    pub fn page_index(&self, path: &str) -> Option<usize> {
        let index = if path == "/" {
            0
        } else {
            path.strip_prefix("/page/")?
                .strip_suffix(".html")?
                .parse()
                .ok()?
        };
        (index < self.spec.pages).then_some(index)
    }
}

fn page_path(i: usize) -> String {
    if i == 0 {
        "/".to_owned()
    } else {
        format!("/page/{i}.html")
    }
}

fn sentence(rng: &mut Rng, words: usize) -> String {
    let mut s = String::with_capacity(words * 12);
    for i in 0..words {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(WORDS[rng.below(WORDS.len())]);
    }
    if let Some(first) = s.get(..1) {
        let upper = first.to_ascii_uppercase();
        s.replace_range(..1, &upper);
    }
    s.push('.');
    s
}

fn asset(content_type: &'static str, body: String) -> File {
    File {
        content_type,
        body: body.into(),
    }
}

/// Generates a site.
pub fn generate(spec: &SiteSpec) -> Site {
    let mut rng = Rng::new(spec.seed);
    let mut site = Site {
        spec: spec.clone(),
        ..Site::default()
    };
    for i in 0..3 {
        let css = format!(
            "/* stylesheet {i} */\n{}",
            (0..200)
                .map(|n| format!(
                    ".c{i}-{n} {{ margin: {n}px; color: #{:06x}; }}\n",
                    rng.next() & 0xffffff
                ))
                .collect::<String>()
        );
        site.files
            .insert(format!("/static/site-{i}.css"), asset("text/css", css));
    }
    for i in 0..4 {
        let js = format!(
            "// script {i}\n{}",
            (0..150)
                .map(|n| format!(
                    "function f{i}_{n}(a) {{ return a * {n} + {}; }}\n",
                    rng.below(1000)
                ))
                .collect::<String>()
        );
        site.files.insert(
            format!("/static/app-{i}.js"),
            asset("application/javascript", js),
        );
    }
    for i in 0..30 {
        let svg = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"400\" height=\"300\"><rect width=\"400\" height=\"300\" fill=\"#{:06x}\"/>{}</svg>",
            rng.next() & 0xffffff,
            "<circle cx=\"10\" cy=\"10\" r=\"5\"/>".repeat(20 + i)
        );
        site.files
            .insert(format!("/img/photo-{i}.svg"), asset("image/svg+xml", svg));
    }
    site.files.insert(
        "/favicon.svg".into(),
        asset(
            "image/svg+xml",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"/>".into(),
        ),
    );
    site.files.insert(
        "/robots.txt".into(),
        asset(
            "text/plain",
            format!("User-agent: *\nDisallow: /private/\nSitemap: {ORIGIN}/sitemap.xml\n"),
        ),
    );
    site
}

fn page(spec: &SiteSpec, rng: &mut Rng, index: usize) -> String {
    let target = spec.min_page_bytes + rng.below(spec.max_page_bytes - spec.min_page_bytes + 1);
    let defect = |rng: &mut Rng| rng.chance(spec.defect_rate);
    let mut h = String::with_capacity(target + 4096);
    h.push_str("<!DOCTYPE html>\n");
    h.push_str(if defect(rng) {
        "<html>\n"
    } else {
        "<html lang=\"en\">\n"
    });
    let _ = write!(
        h,
        "<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{} — page {index}</title>\n",
        sentence(rng, 4).trim_end_matches('.')
    );
    if !defect(rng) {
        let _ = writeln!(
            h,
            "<meta name=\"description\" content=\"{}\">",
            sentence(rng, 18)
        );
    }
    h.push_str("<link rel=\"icon\" href=\"/favicon.svg\">\n");
    for i in 0..3 {
        let _ = writeln!(h, "<link rel=\"stylesheet\" href=\"/static/site-{i}.css\">");
    }
    let _ = writeln!(
        h,
        "<script src=\"/static/app-0.js\"{}></script>",
        if defect(rng) { "" } else { " defer" }
    );
    h.push_str("</head>\n<body>\n<header><nav aria-label=\"Main\">\n");
    for link in 0..8 {
        let other = (index + link * 7 + 1) % spec.pages.max(1);
        let _ = writeln!(
            h,
            "<a href=\"{}\">{}</a>",
            page_path(other),
            sentence(rng, 2).trim_end_matches('.')
        );
    }
    h.push_str("</nav></header>\n<main>\n");
    let _ = writeln!(h, "<h1>{}</h1>", sentence(rng, 5).trim_end_matches('.'));
    let mut images = 0;
    let mut section = 0;
    while h.len() < target {
        section += 1;
        let level = if defect(rng) && section % 5 == 0 {
            4
        } else {
            2
        };
        let _ = writeln!(
            h,
            "<section><h{level}>{}</h{level}>",
            sentence(rng, 4).trim_end_matches('.')
        );
        for _ in 0..3 {
            let _ = writeln!(
                h,
                "<p>{} {} {}</p>",
                sentence(rng, 14),
                sentence(rng, 11),
                sentence(rng, 9)
            );
        }
        if images < spec.images_per_page {
            let photo = (index * spec.images_per_page + images) % 30;
            let alt = if defect(rng) {
                String::new()
            } else {
                format!(" alt=\"{}\"", sentence(rng, 5))
            };
            let size = if defect(rng) {
                ""
            } else {
                " width=\"400\" height=\"300\""
            };
            let _ = writeln!(
                h,
                "<img src=\"/img/photo-{photo}.svg\"{alt}{size} loading=\"lazy\">"
            );
            images += 1;
        }
        if section % 4 == 0 {
            h.push_str("<table><tr><th scope=\"col\">Item</th><th scope=\"col\">Price</th></tr>");
            for _ in 0..6 {
                let _ = write!(
                    h,
                    "<tr><td>{}</td><td>{}.00</td></tr>",
                    sentence(rng, 2),
                    rng.below(90) + 10
                );
            }
            h.push_str("</table>\n");
        }
        if section % 6 == 0 {
            let label = if defect(rng) {
                ""
            } else {
                "<label for=\"q\">Search</label>"
            };
            let _ = writeln!(
                h,
                "<form action=\"/search\">{label}<input id=\"q\" name=\"q\" type=\"search\"><button type=\"submit\">Search</button></form>"
            );
        }
        for _ in 0..2 {
            let other = rng.below(spec.pages.max(1));
            let text = if defect(rng) {
                "click here".to_owned()
            } else {
                sentence(rng, 4).trim_end_matches('.').to_owned()
            };
            let _ = writeln!(h, "<p>See <a href=\"{}\">{text}</a>.</p>", page_path(other));
        }
        h.push_str("</section>\n");
    }
    h.push_str("</main>\n<footer><p>Generated site.</p>");
    for i in 1..4 {
        let _ = writeln!(h, "<script src=\"/static/app-{i}.js\" async></script>");
    }
    h.push_str("</footer>\n</body>\n</html>\n");
    h
}

/// An axum router serving the site from memory, with long cache lifetimes for assets.
pub fn router(site: Site) -> Router {
    Router::new().fallback(serve).with_state(Arc::new(site))
}

async fn serve(State(site): State<Arc<Site>>, request: Request) -> Response {
    let path = request.uri().path();
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1")
        .to_owned();
    if let Some(index) = site.page_index(path) {
        let html = match site.rendered.get(index) {
            Some(html) => html.clone(),
            None => site.page(index).into(),
        };
        return (
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (header::CACHE_CONTROL, "no-cache"),
            ],
            html,
        )
            .into_response();
    }
    if path == "/sitemap.xml" {
        let sitemap = site.sitemap(&format!("http://{host}"));
        return ([(header::CONTENT_TYPE, "application/xml")], sitemap).into_response();
    }
    match site.files.get(path) {
        Some(file) if path == "/robots.txt" => {
            let text =
                String::from_utf8_lossy(&file.body).replace(ORIGIN, &format!("http://{host}"));
            ([(header::CONTENT_TYPE, file.content_type)], text).into_response()
        }
        Some(file) => (
            [
                (header::CONTENT_TYPE, file.content_type),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            ],
            file.body.clone(),
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}
