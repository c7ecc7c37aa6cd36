//! The engine against real HTTP servers on 127.0.0.1: subresources, compression, redirects,
//! caps, timeouts and documents that cannot be audited.

use std::time::Duration;

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;

use webaudit::engine::fetch::{
    AddressPolicy, BodyLimits, FetchError, FetchSettings, Fetcher, Request,
};
use webaudit::engine::page::LoadError;
use webaudit::engine::target::Target;
use webaudit::engine::{AuditError, AuditOptions, AuditResult, audit_collect as audit};
use webaudit::report::{Finding, Outcome};

use crate::common::{FixtureServer, brotli, fixture, gzip};

fn options_for(server: &FixtureServer) -> AuditOptions {
    AuditOptions {
        policy: AddressPolicy::public_only().allow_socket(server.addr),
        ..AuditOptions::default()
    }
}

async fn run(
    server: &FixtureServer,
    path: &str,
    options: &AuditOptions,
) -> Result<AuditResult, AuditError> {
    let target = Target::parse(&server.url(path)).unwrap();
    audit(&target, options, &()).await
}

fn failing<'a>(result: &'a AuditResult, rule: &str) -> Vec<&'a Finding> {
    result
        .findings
        .iter()
        .filter(|f| f.rule_id == rule && f.outcome == Outcome::Fail)
        .collect()
}

/// The start of a PNG file of `width`×`height`, padded to `len` bytes.
fn png(width: u32, height: u32, len: usize) -> Vec<u8> {
    let mut bytes = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13];
    bytes.extend_from_slice(b"IHDR");
    bytes.extend_from_slice(&width.to_be_bytes());
    bytes.extend_from_slice(&height.to_be_bytes());
    bytes.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
    bytes.resize(len, 0);
    bytes
}

fn html(body: String) -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}

fn shop_router(css_gz: Vec<u8>) -> Router {
    let js = format!("// app\n{}", "console.log('lamp');\n".repeat(200));
    Router::new()
        .route("/", get(|| async { html(fixture("pages/shop.html")) }))
        .route(
            "/static/shop.css",
            get(move || async move {
                (
                    [
                        (header::CONTENT_TYPE, "text/css"),
                        (header::CONTENT_ENCODING, "gzip"),
                        (header::CACHE_CONTROL, "public, max-age=31536000"),
                    ],
                    css_gz,
                )
            }),
        )
        .route(
            "/static/app.js",
            get(move || async move { ([(header::CONTENT_TYPE, "application/javascript")], js) }),
        )
        .route(
            "/static/lamp.png",
            get(|| async {
                (
                    [
                        (header::CONTENT_TYPE, "image/png"),
                        (header::CACHE_CONTROL, "max-age=2592000"),
                    ],
                    png(400, 400, 3000),
                )
            }),
        )
        .route(
            "/static/icon.png",
            get(|| async {
                (
                    [
                        (header::CONTENT_TYPE, "image/png"),
                        (header::CACHE_CONTROL, "max-age=2592000"),
                    ],
                    vec![1u8; 100],
                )
            }),
        )
}

#[tokio::test]
async fn audits_a_page_and_its_subresources() {
    let css = "body { color: #333; }\n".repeat(300);
    let css_gz = gzip(css.as_bytes()).await;
    let css_gz_len = css_gz.len() as u64;
    let server = FixtureServer::start(shop_router(css_gz)).await;
    let result = run(&server, "/", &options_for(&server)).await.unwrap();

    let page = &result.pages[0];
    assert_eq!(page.status, 200);
    assert_eq!(page.final_url, server.url("/"));
    assert_eq!(page.content_type.as_deref(), Some("text/html"));
    assert_eq!(page.subresources.referenced, 5);
    assert_eq!(page.subresources.fetched, 5);
    assert_eq!(page.subresources.failed, 1, "missing.png answers 404");
    assert!(page.timings.ttfb_ms > 0.0 && page.timings.total_ms >= page.timings.ttfb_ms);
    let html_len = fixture("pages/shop.html").len() as u64;
    assert_eq!(page.bytes.transferred, html_len);
    // The gzip-encoded stylesheet counts its wire bytes, not its decoded size.
    let js_len = "// app\n".len() as u64 + "console.log('lamp');\n".len() as u64 * 200;
    // Document + gzipped CSS + script + two images; the 404 answers with an empty body.
    assert_eq!(
        page.total_bytes,
        html_len + css_gz_len + js_len + 3000 + 100
    );

    // The uncompressed script is flagged; the gzipped stylesheet is not.
    let compression: Vec<_> = failing(&result, "performance.text-compression")
        .iter()
        .map(|f| f.evidence.url.clone().unwrap())
        .collect();
    assert_eq!(compression, vec![server.url("/static/app.js")]);
    // Only the script lacks a cache lifetime.
    let cache: Vec<_> = failing(&result, "performance.cache-lifetime")
        .iter()
        .map(|f| f.evidence.url.clone().unwrap())
        .collect();
    assert_eq!(cache, vec![server.url("/static/app.js")]);
    let blocking = failing(&result, "performance.render-blocking-resources");
    assert_eq!(blocking.len(), 1);
    assert_eq!(
        blocking[0].evidence.url.as_deref(),
        Some(server.url("/static/app.js").as_str())
    );
    // Every rule of the catalogue gave at least one finding: passes and not-applicable
    // outcomes are reported too.
    for rule in webaudit::engine::rules::catalogue() {
        assert!(
            result.findings.iter().any(|f| f.rule_id == rule.id),
            "no finding for {}",
            rule.id
        );
    }
    // The PNG's header gave its size (400×400), matching its 200×200 attributes.
    let aspect = result
        .findings
        .iter()
        .find(|f| f.rule_id == "best-practices.image-aspect-ratio")
        .unwrap();
    assert_eq!(aspect.outcome, Outcome::Pass);
    assert!(result.scores.performance.is_some());
    assert!(result.scores.overall.is_some());
    // Served over HTTP, all ten Observatory tests are assessed: a score and its grade.
    assert!(result.observatory_score.is_some());
    assert!(result.security_grade.is_some());
}

#[tokio::test]
async fn recognises_a_vulnerable_library_from_the_banner_of_its_body() {
    let router = Router::new()
        .route(
            "/",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "text/html")],
                    "<!doctype html><title>x</title><script src=/vendor/bundle.js></script>",
                )
            }),
        )
        .route(
            "/vendor/bundle.js",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "text/javascript")],
                    format!(
                        "/*! jQuery v3.4.1 | (c) JS Foundation and other contributors */\n{}",
                        "var x = 1;\n".repeat(5000)
                    ),
                )
            }),
        );
    let server = FixtureServer::start(router).await;
    let result = run(&server, "/", &options_for(&server)).await.unwrap();
    let found = failing(&result, "best-practices.vulnerable-libraries");
    assert_eq!(found.len(), 1);
    let detail = found[0].evidence.detail.as_deref().unwrap();
    assert!(
        detail.starts_with("jQuery 3.4.1 (recognised from its banner) has 2 known"),
        "{detail}"
    );
    assert_eq!(
        found[0].evidence.url.as_deref(),
        Some(server.url("/vendor/bundle.js").as_str())
    );
}

#[tokio::test]
async fn decodes_brotli_documents() {
    let body = fixture("pages/plain.html").repeat(3);
    let encoded = brotli(body.as_bytes()).await;
    let wire = encoded.len() as u64;
    let router = Router::new().route(
        "/",
        get(move || async move {
            (
                [
                    (header::CONTENT_TYPE, "text/html"),
                    (header::CONTENT_ENCODING, "br"),
                ],
                encoded,
            )
        }),
    );
    let server = FixtureServer::start(router).await;
    let result = run(&server, "/", &options_for(&server)).await.unwrap();
    let page = &result.pages[0];
    assert_eq!(page.bytes.transferred, wire);
    assert_eq!(page.bytes.decoded, body.len() as u64);
    assert!(failing(&result, "performance.text-compression").is_empty());
}

fn redirect_router() -> Router {
    Router::new()
        .route("/start", get(|| async { Redirect::permanent("/middle") }))
        .route("/middle", get(|| async { Redirect::temporary("/end") }))
        .route("/end", get(|| async { html(fixture("pages/plain.html")) }))
        .route("/loop-a", get(|| async { Redirect::temporary("/loop-b") }))
        .route("/loop-b", get(|| async { Redirect::temporary("/loop-a") }))
        .route(
            "/chain/{n}",
            get(
                |axum::extract::Path(n): axum::extract::Path<u32>| async move {
                    Redirect::temporary(&format!("/chain/{}", n + 1))
                },
            ),
        )
        .route(
            "/to-private",
            get(|| async { Redirect::temporary("http://10.0.0.1/") }),
        )
        .route(
            "/to-metadata",
            get(|| async { Redirect::temporary("http://169.254.169.254/latest/") }),
        )
}

#[tokio::test]
async fn records_every_redirect_hop() {
    let server = FixtureServer::start(redirect_router()).await;
    let result = run(&server, "/start", &options_for(&server)).await.unwrap();
    let page = &result.pages[0];
    assert_eq!(page.url, server.url("/start"));
    assert_eq!(page.final_url, server.url("/end"));
    let hops: Vec<(u16, &str)> = page
        .redirects
        .iter()
        .map(|h| (h.status, h.location.as_str()))
        .collect();
    assert_eq!(
        hops,
        vec![
            (308, server.url("/middle").as_str()),
            (307, server.url("/end").as_str())
        ]
    );
    assert_eq!(failing(&result, "performance.redirects").len(), 2);
}

/// A redirect filter stops the chain before the first hop it refuses: that URL is never
/// requested, and the redirect pointing there is the final response.
#[tokio::test]
async fn a_redirect_filter_stops_before_the_hop_it_refuses() {
    let server = FixtureServer::start(redirect_router()).await;
    let fetcher = Fetcher::new(
        FetchSettings::default(),
        AddressPolicy::public_only().allow_socket(server.addr),
    )
    .unwrap();
    let get = |path: &str| {
        Request::get(
            url::Url::parse(&server.url(path)).unwrap(),
            BodyLimits::keep_all(1024),
        )
    };
    let not_end = webaudit::engine::fetch::RedirectFilter::new(|url| url.path() != "/end");
    let response = fetcher
        .fetch(get("/start").following(not_end.clone()))
        .await
        .unwrap();
    assert_eq!(response.status.as_u16(), 307);
    assert_eq!(response.final_url.as_str(), server.url("/middle"));
    assert_eq!(response.redirects.len(), 1);
    assert_eq!(response.header_str("location"), Some("/end"));
    // Without the filter the same request ends at /end.
    let response = fetcher.fetch(get("/start")).await.unwrap();
    assert_eq!(response.final_url.as_str(), server.url("/end"));
    // A refused loop is not a loop: it stops at its first hop.
    let no_loops = webaudit::engine::fetch::RedirectFilter::new(|_| false);
    let response = fetcher
        .fetch(get("/loop-a").following(no_loops))
        .await
        .unwrap();
    assert_eq!(
        (response.status.as_u16(), response.redirects.len()),
        (307, 0)
    );
}

#[tokio::test]
async fn refuses_redirect_loops_long_chains_and_private_hops() {
    let server = FixtureServer::start(redirect_router()).await;
    let options = options_for(&server);
    let err = run(&server, "/loop-a", &options).await.unwrap_err();
    assert!(err.to_string().contains("loop"), "{err}");
    assert!(err.is_unreachable());

    let err = run(&server, "/chain/0", &options).await.unwrap_err();
    assert!(err.to_string().contains("more than 10 times"), "{err}");

    // The first hop is allowed (the test server); the next is refused before connecting.
    for path in ["/to-private", "/to-metadata"] {
        let err = run(&server, path, &options).await.unwrap_err();
        assert!(
            matches!(
                &err,
                AuditError::Load(LoadError::Fetch(
                    webaudit::engine::fetch::FetchError::Refused { .. }
                ))
            ),
            "{path}: {err}"
        );
        assert!(!err.is_unreachable());
    }
}

#[tokio::test]
async fn caps_large_documents_and_audits_what_arrived() {
    let body = format!(
        "<!DOCTYPE html><html lang=en><head><title>Big</title></head><body>{}</body></html>",
        "<p>lorem ipsum dolor sit amet</p>".repeat(2000)
    );
    let router = Router::new().route("/", get(move || async move { html(body) }));
    let server = FixtureServer::start(router).await;
    let options = AuditOptions {
        fetch: FetchSettings {
            document_cap: 10_000,
            ..FetchSettings::default()
        },
        ..options_for(&server)
    };
    let result = run(&server, "/", &options).await.unwrap();
    let page = &result.pages[0];
    assert!(page.bytes.truncated);
    assert_eq!(page.bytes.decoded, 10_000);
    assert!(
        page.notes.iter().any(|n| n.contains("cap")),
        "{:?}",
        page.notes
    );
}

#[tokio::test]
async fn times_out_slow_servers() {
    let router = Router::new().route(
        "/",
        get(|| async {
            tokio::time::sleep(Duration::from_secs(5)).await;
            html(fixture("pages/plain.html"))
        }),
    );
    let server = FixtureServer::start(router).await;
    let options = AuditOptions {
        fetch: FetchSettings {
            request_timeout: Duration::from_millis(500),
            ..FetchSettings::default()
        },
        ..options_for(&server)
    };
    let started = std::time::Instant::now();
    let err = run(&server, "/", &options).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(4));
    assert!(
        err.to_string().contains("did not answer within 0.5 s"),
        "{err}"
    );
    assert!(err.is_unreachable());
}

#[tokio::test]
async fn documents_that_cannot_be_audited_say_why() {
    let router = Router::new()
        .route(
            "/doc.pdf",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "application/pdf")],
                    b"%PDF-1.7 ...".to_vec(),
                )
            }),
        )
        .route(
            "/data.json",
            get(|| async { ([(header::CONTENT_TYPE, "application/json")], "{\"a\":1}") }),
        )
        .route(
            "/gone",
            get(|| async { (StatusCode::NOT_FOUND, html("<h1>Not here</h1>".into())) }),
        )
        .route(
            "/broken",
            get(|| async { (StatusCode::INTERNAL_SERVER_ERROR, "boom") }),
        )
        .route(
            "/empty",
            get(|| async { ([(header::CONTENT_TYPE, "text/html")], "") }),
        );
    let server = FixtureServer::start(router).await;
    let options = options_for(&server);
    let cases = [
        ("/doc.pdf", "returned `application/pdf`, not an HTML page"),
        (
            "/data.json",
            "returned `application/json`, not an HTML page",
        ),
        ("/gone", "answered HTTP 404 Not Found"),
        ("/broken", "answered HTTP 500 Internal Server Error"),
        ("/empty", "returned an empty document"),
    ];
    for (path, message) in cases {
        let err = run(&server, path, &options).await.unwrap_err();
        assert!(err.to_string().contains(message), "{path}: {err}");
        assert!(err.is_unreachable(), "{path}");
    }
}

#[tokio::test]
async fn invalid_utf8_is_audited_with_a_note() {
    let mut body = b"<!DOCTYPE html><html lang=en><head><title>Caf".to_vec();
    body.extend_from_slice(&[0xe9, 0xff]);
    body.extend_from_slice(b"</title></head><body><h1>Menu</h1></body></html>");
    let router = Router::new().route(
        "/",
        get(move || async move { ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body) }),
    );
    let server = FixtureServer::start(router).await;
    let result = run(&server, "/", &options_for(&server)).await.unwrap();
    let notes = &result.pages[0].notes;
    assert!(
        notes.iter().any(|n| n.contains("not valid UTF-8")),
        "{notes:?}"
    );
}

#[tokio::test]
async fn unreachable_and_tls_failures_are_unreachable() {
    // A port nobody listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = closed.local_addr().unwrap();
    drop(closed);
    let options = AuditOptions {
        policy: AddressPolicy::public_only().allow_socket(addr),
        ..AuditOptions::default()
    };
    let target = Target::parse(&format!("http://{addr}/")).unwrap();
    let err = audit(&target, &options, &()).await.unwrap_err();
    assert!(err.to_string().contains("could not connect"), "{err}");
    assert!(err.is_unreachable());

    // https to a plain-http server: the TLS handshake fails.
    let server = FixtureServer::start(Router::new().route("/", get(|| async { "plain" }))).await;
    let target = Target::parse(&format!("https://{}/", server.addr)).unwrap();
    let err = audit(&target, &options_for(&server), &())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("TLS handshake"), "{err}");
    assert!(err.is_unreachable());
}

/// A loopback TLS server whose certificate is self-signed (`tests/fixtures/tls`): it completes
/// the handshakes a client allows and answers nothing else.
async fn self_signed_tls_server() -> std::net::SocketAddr {
    let cert = include_bytes!("fixtures/tls/self-signed.der").to_vec();
    let key = include_bytes!("fixtures/tls/self-signed.key.der").to_vec();
    let provider = std::sync::Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![cert.into()],
            rustls::pki_types::PrivateKeyDer::Pkcs8(key.into()),
        )
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(std::sync::Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let _ = acceptor.accept(tcp).await;
            });
        }
    });
    addr
}

#[tokio::test]
async fn certificate_failures_are_told_apart_from_other_tls_failures() {
    let fetch = |addr: std::net::SocketAddr| async move {
        let fetcher = Fetcher::new(
            FetchSettings::default(),
            AddressPolicy::public_only().allow_socket(addr),
        )
        .unwrap();
        let url = url::Url::parse(&format!("https://{addr}/")).unwrap();
        fetcher
            .fetch(Request::get(url, BodyLimits::keep_all(1024)))
            .await
            .unwrap_err()
    };
    let err = fetch(self_signed_tls_server().await).await;
    assert!(matches!(err, FetchError::Tls { .. }), "{err}");
    assert!(err.is_certificate_failure(), "{err}");
    // https to a plain-http server: TLS fails, but not over a certificate.
    let server = FixtureServer::start(Router::new().route("/", get(|| async { "plain" }))).await;
    let err = fetch(server.addr).await;
    assert!(matches!(err, FetchError::Tls { .. }), "{err}");
    assert!(!err.is_certificate_failure(), "{err}");
}

#[tokio::test]
async fn loopback_is_refused_by_default() {
    let server = FixtureServer::start(Router::new().route("/", get(|| async { "x" }))).await;
    let target = Target::parse(&server.url("/")).unwrap();
    let err = audit(&target, &AuditOptions::default(), &())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("--allow-private"), "{err}");
    assert!(!err.is_unreachable());
}
