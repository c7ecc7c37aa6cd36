//! Site audits: a fixture site on loopback with every kind of cross-page problem, and a
//! generated 1,000-page site.

#[path = "../examples/support/sitegen.rs"]
mod sitegen;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{MethodRouter, get};

use webaudit::engine::fetch::AddressPolicy;
use webaudit::engine::target::Target;
use webaudit::engine::{AuditOptions, AuditResult, audit_collect};
use webaudit::report::{Outcome, PageReport};
use webaudit::service::Service;
use webaudit::store::{LOCAL_OWNER, Store};

use crate::common::{FixtureServer, gzip};

fn page(title: &str, description: &str, head: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <meta name=\"description\" content=\"{description}\">{head}</head><body><main>{body}</main></body></html>"
    )
}

fn html(text: String) -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], text).into_response()
}

fn origin(request: &Request) -> String {
    let host = request
        .headers()
        .get(header::HOST)
        .unwrap()
        .to_str()
        .unwrap();
    format!("http://{host}")
}

/// A site with: a robots.txt disallow, a sitemap index with a gzipped child, a redirect chain
/// and a loop, links to 404 and 500 pages, an orphan listed only in the sitemap, duplicate titles
/// and descriptions, a canonical to a redirect, hreflang without a return link, hreflang
/// alternates that answer 404 (`/fr/` has no route) or redirect to a 404 (`/it/`), an
/// off-site link and a PDF.
fn fixture_site(sitemap_gz: Vec<u8>) -> Router {
    Router::new()
        .route(
            "/",
            get(|request: Request| async move {
                let o = origin(&request);
                html(page(
                    "Lamp Shop",
                    "Reading lamps and desk lights, made in our workshop.",
                    &format!(
                        "<link rel=\"alternate\" hreflang=\"de\" href=\"{o}/de/\">\
                         <link rel=\"alternate\" hreflang=\"fr\" href=\"{o}/fr/\">\
                         <link rel=\"alternate\" hreflang=\"it\" href=\"{o}/it/\">"
                    ),
                    "<a href=\"/about\">About</a> <a href=\"/blog/\">Blog</a> <a href=\"/old\">Old page</a>\
                     <a href=\"/loop-a\">Loop</a> <a href=\"/missing\">Missing</a> <a href=\"/broken\">Broken</a>\
                     <a href=\"/private/secret\">Secret</a> <a href=\"https://elsewhere.example/\">Elsewhere</a>\
                     <a href=\"/catalogue.pdf\">Catalogue</a> <a href=\"/de/\">Deutsch</a> <p>Welcome to the shop.</p>",
                ))
            }),
        )
        .route(
            "/about",
            get(|| async {
                html(page(
                    "Lamp Shop",
                    "Reading lamps and desk lights, made in our workshop.",
                    "",
                    "<p>We have made lamps since 1990.</p><a href=\"/\">Home</a>",
                ))
            }),
        )
        .route(
            "/blog/",
            get(|request: Request| async move {
                let o = origin(&request);
                html(page(
                    "Lamp Shop blog",
                    "Notes from the workshop about brass, glass and light.",
                    &format!("<link rel=\"canonical\" href=\"{o}/old-blog\">"),
                    "<p>Posts about lamps.</p><a href=\"/\">Home</a>",
                ))
            }),
        )
        .route("/old-blog", get(|| async { Redirect::permanent("/blog/") }))
        .route(
            "/de/",
            get(|| async {
                html(page(
                    "Lampenladen",
                    "Leselampen und Schreibtischlampen aus unserer Werkstatt.",
                    "",
                    "<p>Willkommen.</p><a href=\"/\">Start</a>",
                ))
            }),
        )
        .route(
            "/orphan",
            get(|| async {
                html(page(
                    "Spare shades",
                    "Replacement shades for every lamp we sold.",
                    "",
                    "<p>Shades.</p><a href=\"/\">Home</a>",
                ))
            }),
        )
        .route("/it/", get(|| async { Redirect::permanent("/it-missing") }))
        .route("/old", get(|| async { Redirect::permanent("/old2") }))
        .route("/old2", get(|| async { Redirect::permanent("/about") }))
        .route("/loop-a", get(|| async { Redirect::temporary("/loop-b") }))
        .route("/loop-b", get(|| async { Redirect::temporary("/loop-a") }))
        .route("/missing", get(|| async { (StatusCode::NOT_FOUND, html("<h1>Not found</h1>".into())) }))
        .route("/broken", get(|| async { (StatusCode::INTERNAL_SERVER_ERROR, "boom") }))
        .route("/gone", get(|| async { (StatusCode::NOT_FOUND, "gone") }))
        .route(
            "/catalogue.pdf",
            get(|| async { ([(header::CONTENT_TYPE, "application/pdf")], "%PDF-1.7") }),
        )
        .route(
            "/private/secret",
            get(|| async { html(page("Secret", "Never crawled.", "", "<p>secret</p>")) }),
        )
        .route(
            "/robots.txt",
            get(|request: Request| async move {
                format!("User-agent: *\nDisallow: /private/\n\nSitemap: {}/sitemap_index.xml\n", origin(&request))
            }),
        )
        .route(
            "/sitemap_index.xml",
            get(|request: Request| async move {
                (
                    [(header::CONTENT_TYPE, "application/xml")],
                    format!(
                        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\
                         <sitemap><loc>{}/sitemap-pages.xml.gz</loc></sitemap></sitemapindex>",
                        origin(&request)
                    ),
                )
            }),
        )
        .route(
            "/sitemap-pages.xml.gz",
            get(move || async move { ([(header::CONTENT_TYPE, "application/gzip")], sitemap_gz) }),
        )
}

/// The gzipped sitemap; it lists `/orphan` twice (counted once).
async fn sitemap_gz(port: u16) -> Vec<u8> {
    let o = format!("http://127.0.0.1:{port}");
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\
         <url><loc>{o}/</loc></url><url><loc>{o}/about</loc></url><url><loc>{o}/orphan</loc></url>\
         <url><loc>{o}/gone</loc></url><url><loc>{o}/orphan</loc></url></urlset>"
    );
    gzip(xml.as_bytes()).await
}

async fn fixture_server() -> FixtureServer {
    // The sitemap needs the port; bind first, then serve the router with it.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let gz = sitemap_gz(port).await;
    FixtureServer::start_on(port, fixture_site(gz)).await
}

fn fixture_options(server: &FixtureServer, max_pages: usize) -> AuditOptions {
    AuditOptions {
        policy: AddressPolicy::public_only().allow_socket(server.addr),
        max_pages: Some(max_pages),
        ..AuditOptions::default()
    }
}

async fn crawl_fixture(max_pages: usize) -> (FixtureServer, AuditResult) {
    let server = fixture_server().await;
    let target = Target::parse(&server.url("/")).unwrap();
    let options = fixture_options(&server, max_pages);
    let result = audit_collect(&target, &options, &()).await.unwrap();
    (server, result)
}

/// A page's URL, status and final scores of the categories that do not score response times.
type PageOutcome = (String, u16, Option<[Option<u8>; 4]>);

/// What a page list says that does not depend on timings, in URL order.
fn page_outcomes(pages: &[PageReport]) -> Vec<PageOutcome> {
    let mut outcomes: Vec<_> = pages
        .iter()
        .map(|p| {
            let scores = p
                .scores
                .map(|s| [s.seo, s.accessibility, s.best_practices, s.security]);
            (p.final_url.clone(), p.status, scores)
        })
        .collect();
    outcomes.sort_by(|a, b| a.0.cmp(&b.0));
    outcomes
}

/// The outcome of a rule's first finding.
fn outcome_of(result: &AuditResult, rule: &str) -> Outcome {
    result
        .findings
        .iter()
        .find(|f| f.rule_id == rule)
        .unwrap_or_else(|| panic!("a finding of {rule}"))
        .outcome
}

/// The page cap can end a crawl before the sitemap's entries are due (they come after the
/// pages links reach): the sitemap still counts for the sitemap rules.
#[tokio::test]
async fn a_crawl_ended_by_the_page_cap_still_checks_the_sitemap() {
    let (_server, result) = crawl_fixture(3).await;
    assert_eq!(result.pages.len(), 3);
    assert_eq!(outcome_of(&result, "seo.sitemap-entries"), Outcome::Pass);
    assert_eq!(outcome_of(&result, "seo.orphan-pages"), Outcome::Pass);
}

/// With a depth limit, links are not followed from pages at the limit. A sitemap entry that
/// only such a page links to stays out too (it is known to be deeper); entries no link leads
/// to are still visited.
#[tokio::test]
async fn the_depth_limit_holds_for_sitemap_entries_linked_too_deep() {
    let server = fixture_server().await;
    let target = Target::parse(&server.url("/")).unwrap();
    let mut options = fixture_options(&server, 50);
    options.crawl.max_depth = Some(0);
    let result = audit_collect(&target, &options, &()).await.unwrap();
    let path = |url: &str| url.strip_prefix(&server.url("")).unwrap_or(url).to_owned();
    let visited: BTreeSet<(String, u16)> = result
        .pages
        .iter()
        .map(|p| (path(&p.final_url), p.status))
        .collect();
    assert_eq!(
        visited,
        [("/", 200), ("/gone", 404), ("/orphan", 200)]
            .map(|(p, s)| (p.to_owned(), s))
            .into()
    );
}

#[tokio::test]
async fn crawls_a_site_and_finds_every_cross_page_problem() {
    let (server, result) = crawl_fixture(50).await;
    let path = |url: &str| url.strip_prefix(&server.url("")).unwrap_or(url).to_owned();

    // Exactly these URLs were fetched as pages (audited) or checked.
    let audited: BTreeSet<String> = result
        .pages
        .iter()
        .filter(|p| p.scores.is_some())
        .map(|p| path(&p.final_url))
        .collect();
    assert_eq!(
        audited,
        ["/", "/about", "/blog/", "/de/", "/orphan"]
            .map(String::from)
            .into()
    );
    let checked: BTreeSet<(String, u16)> = result
        .pages
        .iter()
        .filter(|p| p.scores.is_none())
        .map(|p| (path(&p.final_url), p.status))
        .collect();
    assert_eq!(
        checked,
        [
            ("/broken", 500),
            ("/catalogue.pdf", 200),
            ("/fr/", 404),
            ("/gone", 404),
            ("/it-missing", 404),
            // A redirect loop: no final response (status 0), the reason in its error.
            ("/loop-a", 0),
            ("/missing", 404)
        ]
        .map(|(p, s)| (p.to_owned(), s))
        .into()
    );
    assert!(
        result
            .pages
            .iter()
            .all(|p| !p.url.contains("elsewhere.example"))
    );
    assert!(result.pages.iter().all(|p| !p.url.contains("/private/")));
    assert!(
        result.pages[0].notes.contains(
            &"1 same-site URL is disallowed by robots.txt and not visited (--ignore-robots \
              crawls them, for your own site)"
                .to_owned()
        ),
        "{:?}",
        result.pages[0].notes
    );
    let looped = result.pages.iter().find(|p| p.status == 0).unwrap();
    assert!(
        looped
            .error
            .as_deref()
            .unwrap()
            .contains("redirects in a loop"),
        "{:?}",
        looped.error
    );

    // Exactly these cross-page failures, attached to these pages.
    let mut site_failures: Vec<(String, String, String)> = result
        .findings
        .iter()
        .filter(|f| {
            f.outcome == Outcome::Fail
                && webaudit::engine::rules::site::RULES
                    .iter()
                    .any(|r| r.info.id == f.rule_id)
        })
        .map(|f| {
            (
                f.rule_id.to_string(),
                path(&f.page_url),
                f.evidence.url.as_deref().map(path).unwrap_or_default(),
            )
        })
        .collect();
    site_failures.sort();
    let expected: Vec<(&str, &str, &str)> = vec![
        ("seo.broken-internal-links", "/", "/broken"),
        ("seo.broken-internal-links", "/", "/missing"),
        ("seo.canonical-target", "/blog/", "/old-blog"),
        ("seo.duplicate-descriptions", "/", "/"),
        ("seo.duplicate-descriptions", "/about", "/about"),
        ("seo.duplicate-titles", "/", "/"),
        ("seo.duplicate-titles", "/about", "/about"),
        ("seo.hreflang-return-links", "/", "/de/"),
        ("seo.hreflang-return-links", "/", "/fr/"),
        ("seo.hreflang-return-links", "/", "/it/"),
        ("seo.orphan-pages", "/orphan", "/orphan"),
        ("seo.redirect-chains", "/", "/old"),
        ("seo.redirect-loops", "/", "/loop-a"),
        ("seo.robots-blocked-links", "/", "/private/secret"),
        ("seo.sitemap-entries", "/gone", "/gone"),
    ];
    let expected: Vec<(String, String, String)> = expected
        .into_iter()
        .map(|(a, b, c)| (a.into(), b.into(), c.into()))
        .collect();
    assert_eq!(site_failures, expected);
    // A broken hreflang alternate is named, with what it answers.
    let hreflang_details: BTreeSet<String> = result
        .findings
        .iter()
        .filter(|f| f.rule_id == "seo.hreflang-return-links" && f.outcome == Outcome::Fail)
        .filter_map(|f| f.evidence.detail.clone())
        .collect();
    let fix = ": point the hreflang link at the live page in that language, or remove it";
    assert!(
        hreflang_details.contains(&format!(
            "the `fr` alternate {} answers HTTP 404{fix}",
            server.url("/fr/")
        )) && hreflang_details.contains(&format!(
            "the `it` alternate {} redirects to {}, which answers HTTP 404{fix}",
            server.url("/it/"),
            server.url("/it-missing")
        )),
        "{hreflang_details:?}"
    );

    // Every page has its own scores; the site's are their mean.
    let seo: Vec<f64> = result
        .pages
        .iter()
        .filter_map(|p| p.scores.and_then(|s| s.seo))
        .map(f64::from)
        .collect();
    let mean = (seo.iter().sum::<f64>() / seo.len() as f64).round() as u8;
    assert_eq!(result.scores.seo, Some(mean));
    // Recommendations group a rule across pages.
    let titles = result
        .recommendations
        .iter()
        .find(|r| r.rule_id == "seo.duplicate-titles")
        .unwrap();
    assert_eq!((titles.occurrences, titles.pages), (2, 2));
    assert_eq!(titles.summary, "2 occurrences on 2 pages");
    // The sitemap rule is about URLs (here a 404), not audited pages, and says so.
    let sitemap = result
        .recommendations
        .iter()
        .find(|r| r.rule_id == "seo.sitemap-entries")
        .unwrap();
    assert_eq!(sitemap.summary, "1 occurrence on 1 URL");
}

#[tokio::test]
async fn a_stored_crawl_keeps_every_page_with_its_final_scores() {
    // Pages reach the store while the crawl runs, with the scores of their own rules; the
    // cross-page rules change them at the end, and the completion stores the final ones.
    let server = fixture_server().await;
    let target = Target::parse(&server.url("/")).unwrap();
    let options = fixture_options(&server, 50);
    let in_memory = audit_collect(&target, &options, &()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("crawl.db")).unwrap();
    let service = Service::new(store.clone(), options);
    let summary = service
        .audit_now(&target, LOCAL_OWNER, Some(50), &())
        .await
        .unwrap();
    let stored = store.pages(&summary.id).unwrap();
    // The summary counts the audited pages, not the other URLs checked.
    let audited = stored.iter().filter(|p| p.scores.is_some()).count();
    assert!(audited < stored.len());
    assert_eq!(summary.pages, audited as u64);
    assert_eq!(page_outcomes(&stored), page_outcomes(&in_memory.pages));
    // Both list the start page, then the others by final URL.
    let order = |pages: &[PageReport]| {
        pages
            .iter()
            .map(|p| p.final_url.clone())
            .collect::<Vec<_>>()
    };
    let mut sorted = order(&stored);
    sorted[1..].sort();
    assert_eq!(order(&stored), sorted);
    assert_eq!(order(&in_memory.pages), sorted);
    assert_eq!(stored[0].final_url, server.url("/"));
    // Site scores are the mean of the stored pages' scores.
    let seo: Vec<f64> = stored
        .iter()
        .filter_map(|p| p.scores.and_then(|s| s.seo))
        .map(f64::from)
        .collect();
    let mean = (seo.iter().sum::<f64>() / seo.len() as f64).round() as u8;
    assert_eq!(summary.scores.and_then(|s| s.seo), Some(mean));

    // The start page comes first and carries the crawl's notes (written last).
    let capped = service
        .audit_now(&target, LOCAL_OWNER, Some(3), &())
        .await
        .unwrap();
    let stored = store.pages(&capped.id).unwrap();
    assert_eq!(stored.len(), 3);
    assert_eq!(stored[0].final_url, server.url("/"));
    assert!(
        stored[0]
            .notes
            .iter()
            .any(|n| n.contains("page limit of 3 set by --max-pages")),
        "{:?}",
        stored[0].notes
    );
}

#[tokio::test]
async fn a_page_reached_by_a_redirect_while_its_own_request_is_in_flight_is_audited_once() {
    // `/slow` is linked directly and through `/to-slow`. Its first request answers late, so
    // the redirect reaches it first; the late answer must not make a second page report.
    let requests = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let router = Router::new()
        .route("/", linking("Home", &["/slow", "/to-slow"]))
        .route(
            "/slow",
            get(move || {
                let requests = requests.clone();
                async move {
                    if requests.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0 {
                        tokio::time::sleep(std::time::Duration::from_millis(400)).await;
                    }
                    html(page("Slow", "A slow page.", "", "<p>Slow.</p>"))
                }
            }),
        )
        .route("/to-slow", get(|| async { Redirect::permanent("/slow") }));
    let server = FixtureServer::start(router).await;
    let target = Target::parse(&server.url("/")).unwrap();
    let result = audit_collect(&target, &fixture_options(&server, 10), &())
        .await
        .unwrap();
    let finals: Vec<&str> = result.pages.iter().map(|p| p.final_url.as_str()).collect();
    let slow = server.url("/slow");
    assert_eq!(
        finals.iter().filter(|u| **u == slow).count(),
        1,
        "{finals:?}"
    );
    assert_eq!(finals.len(), 2, "{finals:?}");
}

#[tokio::test]
async fn one_page_is_the_default_and_the_budget_is_respected() {
    let (_server, single) = crawl_fixture(1).await;
    assert_eq!(single.pages.len(), 1);
    let site_rules = single
        .findings
        .iter()
        .filter(|f| f.rule_id == "seo.broken-internal-links")
        .collect::<Vec<_>>();
    assert_eq!(site_rules.len(), 1);
    assert_eq!(site_rules[0].outcome, Outcome::NotApplicable);

    let (_server, three) = crawl_fixture(3).await;
    assert_eq!(
        three.pages.len(),
        3,
        "{:?}",
        three.pages.iter().map(|p| &p.url).collect::<Vec<_>>()
    );
    assert!(
        three.pages[0]
            .notes
            .iter()
            .any(|n| n.contains("--max-pages"))
    );
}

#[tokio::test]
async fn a_generated_thousand_page_site_crawls_completely() {
    let spec = sitegen::SiteSpec {
        pages: 1000,
        min_page_bytes: 4 * 1024,
        max_page_bytes: 8 * 1024,
        images_per_page: 3,
        ..sitegen::SiteSpec::default()
    };
    let server = FixtureServer::start(sitegen::router(sitegen::generate(&spec))).await;
    let options = AuditOptions {
        policy: AddressPolicy::public_only().allow_socket(server.addr),
        max_pages: Some(1000),
        ..AuditOptions::default()
    };
    let target = Target::parse(&server.url("/")).unwrap();
    let result = audit_collect(&target, &options, &()).await.unwrap();
    let audited = result.pages.iter().filter(|p| p.scores.is_some()).count();
    assert_eq!(audited, 1000);
    assert_eq!(result.pages.len(), 1000);
    // Findings reach the sink in batches; none is lost, the last pages' included.
    let with_findings: std::collections::HashSet<&str> = result
        .findings
        .iter()
        .map(|f| f.page_url.as_str())
        .collect();
    for page in &result.pages {
        assert!(
            with_findings.contains(page.final_url.as_str()),
            "no findings for {}",
            page.final_url
        );
    }
    // No page is an orphan: the sitemap lists them all and links reach them all.
    assert!(
        !result
            .findings
            .iter()
            .any(|f| f.rule_id == "seo.orphan-pages" && f.outcome == Outcome::Fail)
    );
}

/// An HTML page titled `title` whose body links to each of `links`.
fn linking_html(title: &str, links: &[&str]) -> String {
    let body: String = links
        .iter()
        .map(|l| format!("<a href=\"{l}\">{l}</a> "))
        .collect();
    page(title, &format!("The {title} page."), "", &body)
}

/// A route answering [`linking_html`].
fn linking(title: &'static str, links: &'static [&'static str]) -> MethodRouter {
    let text = linking_html(title, links);
    get(move || async move { html(text) })
}

/// A small site with pages at several depths: `/` links to `/about`, `/blog/a.html`,
/// `/blog/deep/c.html` and `/docs/guide.html`; `/blog/a.html` links to `/blog/b.html`.
fn layered_site() -> Router {
    Router::new()
        .route(
            "/",
            linking(
                "Home",
                &[
                    "/about",
                    "/blog/a.html",
                    "/blog/deep/c.html",
                    "/docs/guide.html",
                ],
            ),
        )
        .route("/about", linking("About", &[]))
        .route("/blog/a.html", linking("Post A", &["/blog/b.html"]))
        .route("/blog/b.html", linking("Post B", &[]))
        .route("/blog/deep/c.html", linking("Post C", &[]))
        .route("/docs/guide.html", linking("Guide", &[]))
}

/// The paths a crawl of the layered site visits with these include patterns.
async fn visited_with(server: &FixtureServer, include: &[&str]) -> BTreeSet<String> {
    let target = Target::parse(&server.url("/")).unwrap();
    let mut options = fixture_options(server, 50);
    options.crawl.include = include.iter().map(|p| p.to_string()).collect();
    let result = audit_collect(&target, &options, &()).await.unwrap();
    let origin = server.url("");
    result
        .pages
        .iter()
        .map(|p| p.final_url.strip_prefix(&origin).unwrap().to_owned())
        .collect()
}

/// `*` stays within one path segment, `**` spans any depth, a glob without `/` matches the last
/// segment, and the start page is audited (its links followed) though no pattern matches it.
#[tokio::test]
async fn include_patterns_match_one_segment_with_a_star_and_any_depth_with_two() {
    let server = FixtureServer::start(layered_site()).await;
    let paths = |list: &[&str]| list.iter().map(|p| p.to_string()).collect::<BTreeSet<_>>();
    assert_eq!(
        visited_with(&server, &["/blog/*"]).await,
        paths(&["/", "/blog/a.html", "/blog/b.html"])
    );
    let any_depth = paths(&["/", "/blog/a.html", "/blog/b.html", "/blog/deep/c.html"]);
    assert_eq!(visited_with(&server, &["/blog/**"]).await, any_depth);
    assert_eq!(visited_with(&server, &["blog/**"]).await, any_depth);
    assert_eq!(
        visited_with(&server, &["*.html"]).await,
        paths(&[
            "/",
            "/blog/a.html",
            "/blog/b.html",
            "/blog/deep/c.html",
            "/docs/guide.html"
        ])
    );
}

/// Counts the requests a route gets.
fn counted_page(hits: &Arc<AtomicUsize>, title: &'static str) -> MethodRouter {
    let hits = hits.clone();
    get(move || {
        hits.fetch_add(1, Ordering::SeqCst);
        async move { html(linking_html(title, &[])) }
    })
}

/// A redirect is followed only within the crawl's bounds: a hop to another site, outside the
/// URL patterns or into a robots.txt disallow is never requested; the redirecting URL is
/// listed as checked, with the reason.
#[tokio::test]
async fn redirects_out_of_the_crawl_bounds_are_not_followed() {
    let outside = Arc::new(AtomicUsize::new(0));
    let elsewhere =
        FixtureServer::start(Router::new().route("/landing", counted_page(&outside, "Partner")))
            .await;
    let landing = elsewhere.url("/landing");
    let router = Router::new()
        .route(
            "/",
            linking("Home", &["/about", "/partner", "/to-admin", "/to-private"]),
        )
        .route("/about", linking("About", &[]))
        .route(
            "/partner",
            get(move || async move { Redirect::temporary(&landing) }),
        )
        .route(
            "/to-admin",
            get(|| async { Redirect::permanent("/admin/panel") }),
        )
        .route("/admin/panel", counted_page(&outside, "Admin"))
        .route(
            "/to-private",
            get(|| async { Redirect::permanent("/private/x") }),
        )
        .route("/private/x", counted_page(&outside, "Private"))
        .route(
            "/robots.txt",
            get(|| async { "User-agent: *\nDisallow: /private/\n" }),
        );
    let server = FixtureServer::start(router).await;
    let target = Target::parse(&server.url("/")).unwrap();
    let mut options = fixture_options(&server, 50);
    options.policy = options.policy.allow_socket(elsewhere.addr);
    options.crawl.exclude = vec!["/admin/**".into()];
    let result = audit_collect(&target, &options, &()).await.unwrap();

    assert_eq!(
        outside.load(Ordering::SeqCst),
        0,
        "a URL outside was requested"
    );
    let path = |url: &str| url.strip_prefix(&server.url("")).unwrap_or(url).to_owned();
    let audited: BTreeSet<String> = result
        .pages
        .iter()
        .filter(|p| p.scores.is_some())
        .map(|p| path(&p.final_url))
        .collect();
    assert_eq!(audited, ["/", "/about"].map(String::from).into());
    let checked: BTreeSet<(String, u16, String)> = result
        .pages
        .iter()
        .filter(|p| p.scores.is_none())
        .map(|p| (path(&p.url), p.status, p.error.clone().unwrap_or_default()))
        .collect();
    let why = |to: &str, reason: &str| format!("redirects to {to}, which {reason}; not followed");
    assert_eq!(
        checked,
        [
            (
                "/partner",
                307,
                why(&elsewhere.url("/landing"), "is on another site")
            ),
            (
                "/to-admin",
                308,
                why(
                    &server.url("/admin/panel"),
                    "is outside the crawl's URL patterns (include/exclude)"
                )
            ),
            (
                "/to-private",
                308,
                why(&server.url("/private/x"), "is disallowed by robots.txt")
            ),
        ]
        .map(|(p, s, w)| (p.to_owned(), s, w))
        .into()
    );
}

/// The start page is audited, and its links followed, even when it redirects to a URL that
/// the patterns leave out or robots.txt disallows; a link that redirects back to it counts as
/// a second route to a page already visited.
#[tokio::test]
async fn a_redirecting_start_page_is_audited_whatever_the_bounds_say() {
    let router = Router::new()
        .route("/", get(|| async { Redirect::permanent("/home") }))
        .route("/home", linking("Home", &["/blog/a", "/blog/back"]))
        .route("/blog/a", linking("A", &[]))
        // Back to the URL given as the start, which redirects to the start page.
        .route("/blog/back", get(|| async { Redirect::temporary("/") }))
        .route(
            "/robots.txt",
            get(|| async { "User-agent: *\nDisallow: /home\n" }),
        );
    let server = FixtureServer::start(router).await;
    let target = Target::parse(&server.url("/")).unwrap();
    let mut options = fixture_options(&server, 10);
    options.crawl.include = vec!["/blog/**".into()];
    options.crawl.host_concurrency = 1;
    let result = audit_collect(&target, &options, &()).await.unwrap();
    let listed: Vec<(String, bool)> = result
        .pages
        .iter()
        .map(|p| (p.final_url.clone(), p.scores.is_some()))
        .collect();
    assert_eq!(
        listed,
        [(server.url("/home"), true), (server.url("/blog/a"), true)]
    );
    assert!(
        result.pages[0]
            .notes
            .iter()
            .any(|n| n.starts_with("1 more URL redirected to pages already visited")),
        "{:?}",
        result.pages[0].notes
    );

    // A one-page audit of it too.
    options.max_pages = Some(1);
    let single = audit_collect(&target, &options, &()).await.unwrap();
    assert_eq!(single.pages.len(), 1);
    assert!(single.pages[0].scores.is_some());
}

/// Ignoring robots.txt's rules keeps its `Sitemap:` lines: the sitemap-only page is visited.
#[tokio::test]
async fn ignoring_robots_rules_still_reads_the_sitemaps_robots_txt_names() {
    let router = Router::new()
        .route(
            "/",
            linking("Home", &[]),
        )
        .route(
            "/only-in-sitemap",
            linking("Listed", &[]),
        )
        .route(
            "/robots.txt",
            get(|request: Request| async move {
                format!("User-agent: *\nDisallow: /only-in-sitemap\nSitemap: {}/maps/main.xml\n", origin(&request))
            }),
        )
        .route(
            "/maps/main.xml",
            get(|request: Request| async move {
                format!(
                    "<?xml version=\"1.0\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\
                     <url><loc>{}/only-in-sitemap</loc></url></urlset>",
                    origin(&request)
                )
            }),
        );
    let server = FixtureServer::start(router).await;
    let target = Target::parse(&server.url("/")).unwrap();
    let mut options = fixture_options(&server, 10);
    options.crawl.ignore_robots = true;
    let result = audit_collect(&target, &options, &()).await.unwrap();
    let audited: BTreeSet<String> = result.pages.iter().map(|p| p.final_url.clone()).collect();
    assert_eq!(
        audited,
        [server.url("/"), server.url("/only-in-sitemap")].into()
    );
}

/// A link with a user name and password is crawled as the same URL without them: the page is
/// visited once, and the password appears nowhere in the result.
#[tokio::test]
async fn credentials_in_links_are_dropped_not_used_or_reported() {
    let router = Router::new()
        .route(
            "/",
            get(|request: Request| async move {
                let with_password = origin(&request).replace("http://", "http://admin:hunter2@");
                html(page(
                    "Home",
                    "The home page.",
                    "",
                    &format!(
                        "<a href=\"{with_password}/about\">About</a> <a href=\"/about\">Again</a> \
                         <a href=\"{with_password}/missing\">Missing</a>"
                    ),
                ))
            }),
        )
        .route("/about", linking("About", &[]));
    let server = FixtureServer::start(router).await;
    let target = Target::parse(&server.url("/")).unwrap();
    let result = audit_collect(&target, &fixture_options(&server, 10), &())
        .await
        .unwrap();
    let visited: BTreeSet<(String, u16)> = result
        .pages
        .iter()
        .map(|p| (p.url.clone(), p.status))
        .collect();
    assert_eq!(
        visited,
        [
            (server.url("/"), 200),
            (server.url("/about"), 200),
            (server.url("/missing"), 404)
        ]
        .into()
    );
    let broken = result
        .findings
        .iter()
        .find(|f| f.rule_id == "seo.broken-internal-links" && f.outcome == Outcome::Fail)
        .expect("the 404 is reported");
    assert_eq!(
        (broken.page_url.clone(), broken.evidence.url.clone()),
        (server.url("/"), Some(server.url("/missing")))
    );
    let pages = serde_json::to_string(&result.pages).unwrap();
    let findings = serde_json::to_string(&result.findings).unwrap();
    assert!(!pages.contains("hunter2") && !findings.contains("hunter2"));
}

/// URLs that redirect to a page already visited are not listed as pages; the start page's notes
/// count them, since each took a place under the page limit.
#[tokio::test]
async fn redirects_to_pages_already_visited_are_counted_in_a_note() {
    let router = Router::new()
        .route("/", linking("Home", &["/a", "/to-a", "/also-to-a"]))
        .route("/a", linking("A", &[]))
        .route("/to-a", get(|| async { Redirect::permanent("/a") }))
        .route("/also-to-a", get(|| async { Redirect::temporary("/to-a") }));
    let server = FixtureServer::start(router).await;
    let target = Target::parse(&server.url("/")).unwrap();
    let mut options = fixture_options(&server, 10);
    // One request at a time: /a is visited before the redirects reach it.
    options.crawl.host_concurrency = 1;
    let result = audit_collect(&target, &options, &()).await.unwrap();
    let listed: Vec<&str> = result.pages.iter().map(|p| p.url.as_str()).collect();
    assert_eq!(listed, [server.url("/"), server.url("/a")]);
    assert!(
        result.pages[0].notes.contains(
            &"2 more URLs redirected to pages already visited, so not listed as pages (the \
              redirect rules check them; each counted toward --max-pages)"
                .to_owned()
        ),
        "{:?}",
        result.pages[0].notes
    );
    assert_eq!(outcome_of(&result, "seo.redirect-chains"), Outcome::Fail);
}

/// `/hub` is the only page linking to `/leaf`, a sitemap entry. With `/hub` excluded, `/leaf`
/// is visited from the sitemap and looks like an orphan: it is reported, and the finding says
/// that a URL was not crawled and may link to it.
#[tokio::test]
async fn an_orphan_of_a_narrowed_crawl_says_what_was_not_crawled() {
    let router = Router::new()
        .route("/", linking("Home", &["/hub"]))
        .route(
            "/hub",
            get(|| async {
                html(page(
                    "Hub",
                    "The hub page.",
                    "",
                    "<a href=\"/leaf\">Leaf</a>",
                ))
            }),
        )
        .route(
            "/leaf",
            get(|| async { html(page("Leaf", "The leaf page.", "", "<p>Leaf.</p>")) }),
        )
        .route(
            "/sitemap.xml",
            get(|request: Request| async move {
                let o = origin(&request);
                (
                    [(header::CONTENT_TYPE, "application/xml")],
                    format!(
                        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset \
                         xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\
                         <url><loc>{o}/</loc></url><url><loc>{o}/leaf</loc></url></urlset>"
                    ),
                )
            }),
        );
    let server = FixtureServer::start(router).await;
    let target = Target::parse(&server.url("/")).unwrap();
    let orphans = |result: &AuditResult| -> Vec<(String, String)> {
        result
            .findings
            .iter()
            .filter(|f| f.rule_id == "seo.orphan-pages" && f.outcome == Outcome::Fail)
            .map(|f| {
                (
                    f.page_url.clone(),
                    f.evidence.detail.clone().unwrap_or_default(),
                )
            })
            .collect()
    };
    let whole = audit_collect(&target, &fixture_options(&server, 10), &())
        .await
        .unwrap();
    assert_eq!(orphans(&whole), []);
    let mut options = fixture_options(&server, 10);
    options.crawl.exclude = vec!["/hub".into()];
    let narrowed = audit_collect(&target, &options, &()).await.unwrap();
    assert_eq!(
        orphans(&narrowed),
        [(
            server.url("/leaf"),
            "listed in the sitemap, but no crawled page links to it (1 same-site URL was not \
             crawled and may link to it)"
                .to_owned()
        )]
    );
}

/// Links past the per-page limit are not followed, and a note says so.
#[tokio::test]
async fn links_past_the_per_page_limit_are_not_followed_and_a_note_says_so() {
    let server = FixtureServer::start(layered_site()).await;
    let target = Target::parse(&server.url("/")).unwrap();
    let mut options = fixture_options(&server, 50);
    options.crawl.max_links_per_page = 2;
    let result = audit_collect(&target, &options, &()).await.unwrap();
    // The home page's first two links, and the page the first of them links to.
    let visited: BTreeSet<String> = result
        .pages
        .iter()
        .map(|p| {
            p.final_url
                .strip_prefix(&server.url(""))
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(
        visited,
        ["/", "/about", "/blog/a.html", "/blog/b.html"]
            .map(String::from)
            .into()
    );
    assert!(
        result.pages[0].notes.contains(
            &"1 page has more than 2 distinct links; links past the first 2 were not followed"
                .to_owned()
        ),
        "{:?}",
        result.pages[0].notes
    );
    // A one-page audit follows no link at all, and says nothing about them.
    options.max_pages = Some(1);
    let single = audit_collect(&target, &options, &()).await.unwrap();
    assert!(
        single.pages[0].notes.is_empty(),
        "{:?}",
        single.pages[0].notes
    );
}

/// In a folder audit, `dir/index.html` and `dir/` are one page (webaudit's server for the folder
/// answers both with the same file): a link to `../index.html` does not audit it twice.
#[tokio::test]
async fn a_folder_audit_audits_each_index_file_once() {
    let dir = tempfile::tempdir().unwrap();
    let write = |path: &str, title: &str, links: &[&str]| {
        let file = dir.path().join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, linking_html(title, links)).unwrap();
    };
    write("index.html", "Home", &["sub/", "about.html", "index.html"]);
    write("about.html", "About", &["./index.html", "sub/index.html"]);
    write(
        "sub/index.html",
        "Sub",
        &["../index.html", "index.html", "../"],
    );
    let target = Target::parse(dir.path().to_str().unwrap()).unwrap();
    let result = audit_collect(&target, &AuditOptions::default(), &())
        .await
        .unwrap();
    let root = url::Url::from_directory_path(std::fs::canonicalize(dir.path()).unwrap())
        .unwrap()
        .to_string();
    let pages: Vec<String> = result
        .pages
        .iter()
        .map(|p| {
            p.final_url
                .strip_prefix(&root)
                .unwrap_or(&p.final_url)
                .to_owned()
        })
        .collect();
    assert_eq!(pages, ["", "about.html", "sub/"]);
    assert!(
        !result
            .findings
            .iter()
            .any(|f| f.rule_id == "seo.duplicate-titles" && f.outcome == Outcome::Fail)
    );
}

/// The note on URLs found but not visited names only the limits that held them back.
#[tokio::test]
async fn the_note_on_urls_not_visited_names_the_limits_that_applied() {
    let server = FixtureServer::start(layered_site()).await;
    let target = Target::parse(&server.url("/")).unwrap();
    let notes = |result: &AuditResult| result.pages[0].notes.clone();
    let mut options = fixture_options(&server, 50);
    options.crawl.include = vec!["/blog/*".into()];
    let narrowed = audit_collect(&target, &options, &()).await.unwrap();
    assert!(
        notes(&narrowed).contains(
            &"3 more same-site URLs were found but not visited (beyond the URL patterns \
              (--include, --exclude))"
                .to_owned()
        ),
        "{:?}",
        notes(&narrowed)
    );
    options.max_pages = Some(2);
    options.crawl.max_depth = Some(1);
    let capped = audit_collect(&target, &options, &()).await.unwrap();
    assert!(
        notes(&capped).iter().any(|n| n.ends_with(
            "(beyond the page limit of 2 set by --max-pages, the depth limit set by \
             --max-depth or the URL patterns (--include, --exclude))"
        )),
        "{:?}",
        notes(&capped)
    );
}

/// A chain that is followed for a hop and then stops (the next hop is outside the patterns)
/// settles that hop too: linked on its own as well, it is fetched and listed once.
#[tokio::test]
async fn a_hop_of_a_stopped_redirect_chain_is_fetched_and_listed_once() {
    let middle_hits = Arc::new(AtomicUsize::new(0));
    let hits = middle_hits.clone();
    let router = Router::new()
        .route("/", linking("Home", &["/hop", "/middle"]))
        .route("/hop", get(|| async { Redirect::permanent("/middle") }))
        .route(
            "/middle",
            get(move || {
                hits.fetch_add(1, Ordering::SeqCst);
                async { Redirect::permanent("/admin/panel") }
            }),
        );
    let server = FixtureServer::start(router).await;
    let target = Target::parse(&server.url("/")).unwrap();
    let mut options = fixture_options(&server, 10);
    options.crawl.exclude = vec!["/admin/**".into()];
    options.crawl.host_concurrency = 1;
    let result = audit_collect(&target, &options, &()).await.unwrap();
    assert_eq!(middle_hits.load(Ordering::SeqCst), 1);
    let listed: Vec<(String, String)> = result
        .pages
        .iter()
        .map(|p| (p.url.clone(), p.final_url.clone()))
        .collect();
    assert_eq!(
        listed,
        [
            (server.url("/"), server.url("/")),
            (server.url("/hop"), server.url("/middle"))
        ]
    );
}
