//! The team server: streamable HTTP MCP at `/mcp`, a REST API at `/api/v1`, `/healthz`; bearer
//! tokens, per-owner isolation and per-token rate limits; body and time limits; graceful
//! shutdown.
//!
//! # Layout
//! - [`auth`] — bearer tokens.
//! - [`limits`] — per-token rate limits and their headers.
//! - [`rest`] — the REST handlers.
//! - [`openapi`] — the OpenAPI document.
//! - [`errors`] — the error envelope.
//! - [`stream`] — streamed response bodies (exports).

pub mod auth;
pub mod errors;
pub mod limits;
pub mod openapi;
pub mod rest;
pub mod stream;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::get;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::{StreamableHttpServerConfig, StreamableHttpService};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tower_http::timeout::TimeoutLayer;

use crate::mcp::WebauditMcp;
use crate::service::Service;
use errors::ApiError;
use limits::{AuditStartGate, RateLimits};

/// Default address of the team server.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8787";
/// Largest request body accepted.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// Time allowed to send the request headers (slow clients are cut off).
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Time allowed for a REST request, from start to answer.
pub const REST_TIMEOUT: Duration = Duration::from_secs(30);
/// Time in-flight requests get to finish after a shutdown signal.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// How the team server runs.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// Extra `Host` names accepted besides the loopback names (a public host name).
    pub public_hosts: Vec<String>,
    /// Requests per minute per token.
    pub requests_per_minute: u32,
    /// Audit starts per minute per token.
    pub audits_per_minute: u32,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            public_hosts: Vec::new(),
            requests_per_minute: limits::DEFAULT_REQUESTS_PER_MINUTE,
            audits_per_minute: limits::DEFAULT_AUDITS_PER_MINUTE,
        }
    }
}

/// Shared state of the handlers.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The service.
    pub service: Service,
    /// Rate limits.
    pub limits: Arc<RateLimits>,
}

/// Requests with a declared body over the cap get 413 at once, in the envelope.
async fn limit_declared_body(request: Request, next: Next) -> Response {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES) {
        return ApiError::too_large(MAX_BODY_BYTES).into_response();
    }
    next.run(request).await
}

fn allowed_hosts(addr: SocketAddr, public: &[String]) -> Vec<String> {
    let port = addr.port();
    let mut hosts: Vec<String> = ["localhost", "127.0.0.1", "::1", "[::1]"]
        .iter()
        .flat_map(|h| [(*h).to_owned(), format!("{h}:{port}")])
        .collect();
    hosts.push(addr.ip().to_string());
    hosts.push(addr.to_string());
    for h in public {
        hosts.push(h.clone());
        hosts.push(format!("{h}:{port}"));
    }
    hosts
}

fn allowed_origins(addr: SocketAddr, public: &[String]) -> Vec<String> {
    let port = addr.port();
    let mut origins: Vec<String> = ["localhost", "127.0.0.1", "[::1]"]
        .iter()
        .map(|h| format!("http://{h}:{port}"))
        .collect();
    for h in public {
        origins.push(format!("https://{h}:*"));
        origins.push(format!("http://{h}:*"));
    }
    origins
}

/// The router of the team server listening on `addr`, and the token that ends its MCP sessions.
pub fn router(
    service: Service,
    config: &HttpConfig,
    addr: SocketAddr,
) -> (Router, CancellationToken) {
    let limits = RateLimits::new(config.requests_per_minute, config.audits_per_minute);
    let state = AppState {
        service: service.clone(),
        limits: limits.clone(),
    };
    let sessions = CancellationToken::new();
    let gate = Arc::new(AuditStartGate(limits));
    let mcp = StreamableHttpService::new(
        move || Ok(WebauditMcp::new(service.clone()).with_start_gate(gate.clone())),
        Arc::new(LocalSessionManager::default()),
        StreamableHttpServerConfig::default()
            .with_allowed_hosts(allowed_hosts(addr, &config.public_hosts))
            .with_allowed_origins(allowed_origins(addr, &config.public_hosts))
            .enforce_origin_validation()
            .with_max_request_body_bytes(MAX_BODY_BYTES)
            .with_cancellation_token(sessions.child_token()),
    );
    let api = Router::new()
        .route("/audits", get(rest::list_audits).post(rest::create_audit))
        .route(
            "/audits/{id}",
            get(rest::get_audit).delete(rest::delete_audit),
        )
        .route("/audits/{id}/recommendations", get(rest::recommendations))
        .route("/audits/{id}/history", get(rest::history))
        .route("/audits/{id}/export", get(rest::export))
        .route("/openapi.json", get(|| async { Json(openapi::document()) }))
        .fallback(rest::not_found)
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REST_TIMEOUT,
        ))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES));
    let protected = Router::new()
        .nest("/api/v1", api)
        .nest_service("/mcp", mcp)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            limits::limit_requests,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            auth::require_token,
        ));
    let app = Router::new()
        .route(
            "/healthz",
            get(|| async { Json(serde_json::json!({"status": "ok"})) }),
        )
        .merge(protected)
        .layer(middleware::from_fn(limit_declared_body))
        .with_state(state);
    (app, sessions)
}

/// Serves `router` on `listener` until `shutdown` resolves, then lets in-flight requests
/// finish (for at most [`SHUTDOWN_GRACE`]). Slow clients are cut off by the header timeout.
pub async fn serve_listener(
    listener: TcpListener,
    router: Router,
    sessions: CancellationToken,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let graceful = GracefulShutdown::new();
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT);
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, _) = match accepted {
                    Ok(conn) => conn,
                    Err(e) => {
                        tracing::warn!(error = %e, "accept failed");
                        continue;
                    }
                };
                let service = TowerToHyperService::new(router.clone());
                let connection = builder.serve_connection_with_upgrades(TokioIo::new(stream), service);
                let watched = graceful.watch(connection.into_owned());
                tokio::spawn(async move {
                    if let Err(e) = watched.await {
                        tracing::debug!(error = %e, "connection ended with an error");
                    }
                });
            }
            () = &mut shutdown => break,
        }
    }
    drop(listener);
    sessions.cancel();
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(SHUTDOWN_GRACE) => {
            tracing::warn!("some requests were still running when the shutdown grace ended");
        }
    }
    Ok(())
}

/// Resolves on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}
