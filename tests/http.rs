//! The team server on an ephemeral loopback port: MCP over streamable HTTP with a token (both
//! protocol lifecycles), every REST route with real values, 401/404/413/429, owner isolation,
//! no plaintext token in the database, and the OpenAPI document against real answers.

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use reqwest::StatusCode;
use rmcp::model::{CallToolRequestParams, ProtocolVersion};
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::{ClientLifecycleMode, ClientServiceExt};
use serde_json::{Value, json};

use webaudit::engine::AuditOptions;
use webaudit::engine::fetch::AddressPolicy;
use webaudit::http::{self, HttpConfig};
use webaudit::service::Service;
use webaudit::store::Store;

use crate::common::{FixtureServer, fixture};

struct Server {
    _dir: tempfile::TempDir,
    db: std::path::PathBuf,
    site: FixtureServer,
    addr: SocketAddr,
    service: Service,
    client: reqwest::Client,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Server {
    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    async fn token(&self, name: &str, owner: &str) -> String {
        self.service
            .create_token(name, Some(owner))
            .await
            .unwrap()
            .0
    }

    async fn get(&self, token: &str, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }

    async fn post(&self, token: &str, path: &str, body: Value) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    /// Polls until the audit finishes.
    async fn wait(&self, token: &str, id: &str) -> Value {
        for _ in 0..1200 {
            let report: Value = self
                .get(token, &format!("/api/v1/audits/{id}"))
                .await
                .json()
                .await
                .unwrap();
            if matches!(report["status"].as_str(), Some("completed" | "failed")) {
                return report;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("audit {id} did not finish");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

fn site() -> Router {
    Router::new().route(
        "/",
        get(|| async {
            (
                [(header::CONTENT_TYPE, "text/html")],
                fixture("pages/shop.html"),
            )
                .into_response()
        }),
    )
}

async fn start(config: HttpConfig) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("server.db");
    let site = FixtureServer::start(site()).await;
    let options = AuditOptions {
        policy: AddressPolicy::public_only().allow_socket(site.addr),
        ..AuditOptions::default()
    };
    let service = Service::new(Store::open(&db).unwrap(), options)
        .start_jobs(2)
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (router, sessions) = http::router(service.clone(), &config, addr);
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(http::serve_listener(listener, router, sessions, async {
        let _ = rx.await;
    }));
    Server {
        _dir: dir,
        db,
        site,
        addr,
        service,
        client: reqwest::Client::builder().no_proxy().build().unwrap(),
        shutdown: Some(tx),
    }
}

/// The OpenAPI document's schema for `name`, as a validator.
fn validator(openapi: &Value, name: &str) -> jsonschema::Validator {
    let schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": format!("#/components/schemas/{name}"),
        "components": openapi["components"].clone(),
    });
    jsonschema::validator_for(&schema).unwrap()
}

fn assert_valid(openapi: &Value, name: &str, value: &Value) {
    let v = validator(openapi, name);
    let errors: Vec<String> = v
        .iter_errors(value)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{name} does not match the OpenAPI schema: {errors:?}\n{value}"
    );
}

#[tokio::test]
async fn rest_api_routes_with_real_values_and_the_openapi_document() {
    let server = start(HttpConfig::default()).await;
    let token = server.token("alice-laptop", "alice").await;
    let openapi: Value = server
        .get(&token, "/api/v1/openapi.json")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(openapi["openapi"], "3.1.0");
    for path in [
        "/audits",
        "/audits/{id}",
        "/audits/{id}/recommendations",
        "/audits/{id}/history",
        "/audits/{id}/export",
    ] {
        assert!(openapi["paths"][path].is_object(), "{path} is documented");
    }

    // POST /audits → 202 queued.
    let response = server
        .post(
            &token,
            "/api/v1/audits",
            json!({"url": server.site.url("/")}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    for h in [
        "x-ratelimit-limit",
        "x-ratelimit-remaining",
        "x-ratelimit-reset",
    ] {
        assert!(response.headers().contains_key(h), "{h}");
    }
    let created: Value = response.json().await.unwrap();
    assert_eq!(created["status"], "queued");
    assert_eq!(created["url"], server.site.url("/"));
    assert_valid(&openapi, "AuditCreated", &created);
    let id = created["id"].as_str().unwrap().to_owned();

    // GET /audits/{id} until completed, with real scores.
    let report = server.wait(&token, &id).await;
    assert_eq!(report["status"], "completed", "{report}");
    assert_valid(&openapi, "GetReportOutput", &report);
    let stored = server
        .service
        .report("alice", &id.parse().unwrap())
        .await
        .unwrap();
    assert_eq!(
        report["scores"],
        serde_json::to_value(stored.scores).unwrap()
    );
    let full: Value = server
        .get(&token, &format!("/api/v1/audits/{id}?detail=full&limit=2"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(full["findings"].as_array().unwrap().len(), 2);
    assert_eq!(full["next_cursor"], "2");
    assert_valid(&openapi, "GetReportOutput", &full);

    // GET /audits.
    let list: Value = server
        .get(&token, "/api/v1/audits?limit=5")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["reports"][0]["id"], id);
    assert_valid(&openapi, "ReportListOutput", &list);

    // Recommendations and history.
    let recs: Value = server
        .get(
            &token,
            &format!("/api/v1/audits/{id}/recommendations?limit=3"),
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(recs["recommendations"].as_array().unwrap().len() <= 3);
    assert!(recs["total"].as_u64().unwrap() >= 1);
    assert_valid(&openapi, "RecommendationsOutput", &recs);
    let history: Value = server
        .get(&token, &format!("/api/v1/audits/{id}/history"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(history["entries"][0]["id"], id);
    assert_valid(&openapi, "HistoryOutput", &history);

    // Exports.
    let json_export = server
        .get(&token, &format!("/api/v1/audits/{id}/export?format=json"))
        .await;
    assert_eq!(
        json_export.headers()[header::CONTENT_TYPE],
        "application/json"
    );
    assert!(
        json_export.headers()[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains(&format!("{id}.json"))
    );
    let exported_text = json_export.text().await.unwrap();
    assert!(
        exported_text == webaudit::export::json(&stored),
        "the streamed export is the report rendered whole"
    );
    let exported: Value = serde_json::from_str(&exported_text).unwrap();
    assert_valid(&openapi, "Report", &exported);
    assert_eq!(
        exported["findings"].as_array().unwrap().len(),
        stored.findings.len()
    );
    let csv = server
        .get(&token, &format!("/api/v1/audits/{id}/export?format=csv"))
        .await
        .text()
        .await
        .unwrap();
    assert!(csv.starts_with("rule_id,category,severity,outcome"));
    assert_eq!(csv.lines().count(), stored.findings.len() + 1);
    let md = server
        .get(
            &token,
            &format!("/api/v1/audits/{id}/export?format=markdown"),
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(md.starts_with("# webaudit report:"));

    // Errors use the envelope.
    let bad_format = server
        .get(&token, &format!("/api/v1/audits/{id}/export?format=pdf"))
        .await;
    assert_eq!(bad_format.status(), StatusCode::BAD_REQUEST);
    assert_valid(&openapi, "ErrorEnvelope", &bad_format.json().await.unwrap());
    let refused = server
        .post(
            &token,
            "/api/v1/audits",
            json!({"url": "http://169.254.169.254/"}),
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["error"]["code"], "invalid_url");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("never reachable")
    );
    let not_url = server
        .post(&token, "/api/v1/audits", json!({"url": "not a url"}))
        .await;
    assert_eq!(not_url.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // A folder or file on the server is never looked at: existing or not, the same answer.
    let mut messages = Vec::new();
    for url in [
        format!("file://{}/", env!("CARGO_MANIFEST_DIR")),
        "file:///etc/passwd".to_owned(),
        "file:///no/such/folder/".to_owned(),
    ] {
        let local = server
            .post(&token, "/api/v1/audits", json!({"url": url}))
            .await;
        assert_eq!(local.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body: Value = local.json().await.unwrap();
        let message = body["error"]["message"].as_str().unwrap().to_owned();
        messages.push(message.replace(&url, "URL"));
    }
    assert!(messages.iter().all(|m| *m == messages[0]), "{messages:?}");
    let missing_field = server
        .post(&token, "/api/v1/audits", json!({"max_pages": 2}))
        .await;
    assert_eq!(missing_field.status(), StatusCode::BAD_REQUEST);
    let bad_pages = server
        .post(
            &token,
            "/api/v1/audits",
            json!({"url": server.site.url("/"), "max_pages": 0}),
        )
        .await;
    assert_eq!(bad_pages.status(), StatusCode::BAD_REQUEST);
    let unknown_route = server.get(&token, "/api/v1/nope").await;
    assert_eq!(unknown_route.status(), StatusCode::NOT_FOUND);
    assert_valid(
        &openapi,
        "ErrorEnvelope",
        &unknown_route.json().await.unwrap(),
    );

    // DELETE, then 404.
    let deleted = server
        .client
        .delete(server.url(&format!("/api/v1/audits/{id}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::OK);
    assert_eq!(deleted.json::<Value>().await.unwrap(), json!({"ok": true}));
    assert_eq!(
        server
            .get(&token, &format!("/api/v1/audits/{id}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    // /healthz needs no token.
    let health = server
        .client
        .get(server.url("/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), StatusCode::OK);
}

#[tokio::test]
async fn tokens_owners_and_limits() {
    let server = start(HttpConfig {
        requests_per_minute: 8,
        audits_per_minute: 2,
        ..HttpConfig::default()
    })
    .await;
    let alice = server.token("alice", "alice").await;
    let bob = server.token("bob", "bob").await;

    // 401 without a token, with a wrong one, and with a revoked one.
    let none = server
        .client
        .get(server.url("/api/v1/audits"))
        .send()
        .await
        .unwrap();
    assert_eq!(none.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        none.headers()[header::WWW_AUTHENTICATE],
        "Bearer realm=\"webaudit\""
    );
    assert_eq!(
        server
            .get("wa_0123456789abcdef", "/api/v1/audits")
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    let temporary = server.token("temp", "alice").await;
    assert_eq!(
        server.get(&temporary, "/api/v1/audits").await.status(),
        StatusCode::OK
    );
    server.service.revoke_token("temp").await.unwrap();
    assert_eq!(
        server.get(&temporary, "/api/v1/audits").await.status(),
        StatusCode::UNAUTHORIZED
    );
    let mcp_without = server
        .client
        .post(server.url("/mcp"))
        .json(&json!({"jsonrpc": "2.0", "id": 1, "method": "ping"}))
        .send()
        .await
        .unwrap();
    assert_eq!(mcp_without.status(), StatusCode::UNAUTHORIZED);

    // Another owner's report is 404, indistinguishable from a missing one.
    let created: Value = server
        .post(
            &alice,
            "/api/v1/audits",
            json!({"url": server.site.url("/")}),
        )
        .await
        .json()
        .await
        .unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    let theirs = server.get(&bob, &format!("/api/v1/audits/{id}")).await;
    assert_eq!(theirs.status(), StatusCode::NOT_FOUND);
    let missing = server
        .get(&bob, "/api/v1/audits/rpt_01JD3Z5K8X9V2M4N6P7Q8R9S0T")
        .await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let (a, b): (Value, Value) = (theirs.json().await.unwrap(), missing.json().await.unwrap());
    assert_eq!(a["error"]["code"], b["error"]["code"]);
    // So is its export, before any of the body is sent.
    let their_export = server
        .get(&bob, &format!("/api/v1/audits/{id}/export?format=csv"))
        .await;
    assert_eq!(their_export.status(), StatusCode::NOT_FOUND);
    let envelope: Value = their_export.json().await.unwrap();
    assert_eq!(envelope["error"]["code"], a["error"]["code"]);
    let bob_list: Value = server
        .get(&bob, "/api/v1/audits")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(bob_list["reports"], json!([]));

    // Audit starts: the stricter limit (2 per minute) gives 429 with the headers.
    let second = server
        .post(
            &alice,
            "/api/v1/audits",
            json!({"url": server.site.url("/")}),
        )
        .await;
    assert_eq!(second.status(), StatusCode::ACCEPTED);
    let third = server
        .post(
            &alice,
            "/api/v1/audits",
            json!({"url": server.site.url("/")}),
        )
        .await;
    assert_eq!(third.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(third.headers()["x-ratelimit-limit"], "2");
    assert_eq!(third.headers()["x-ratelimit-remaining"], "0");
    assert!(
        third.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse::<u64>()
            .unwrap()
            >= 1
    );
    assert_eq!(
        third.json::<Value>().await.unwrap()["error"]["code"],
        "rate_limited"
    );

    // Requests: 8 per minute per token; bob has his own allowance.
    let mut last = None;
    for _ in 0..10 {
        last = Some(server.get(&alice, "/api/v1/audits").await);
    }
    let last = last.unwrap();
    assert_eq!(last.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(last.headers()["x-ratelimit-limit"], "8");
    assert!(last.headers().contains_key("retry-after"));
    assert_eq!(
        server.get(&bob, "/api/v1/audits").await.status(),
        StatusCode::OK
    );

    // 413 for a body over 1 MiB, declared or streamed.
    let big = json!({"url": "x".repeat(2 * 1024 * 1024)});
    let too_large = server.post(&bob, "/api/v1/audits", big).await;
    assert_eq!(too_large.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        too_large.json::<Value>().await.unwrap()["error"]["code"],
        "payload_too_large"
    );

    // The database holds hashes, never the tokens.
    let bytes = std::fs::read(&server.db).unwrap();
    let wal = std::fs::read(server.db.with_extension("db-wal")).unwrap_or_default();
    for token in [&alice, &bob, &temporary] {
        let needle = token.as_bytes();
        for file in [&bytes, &wal] {
            assert!(
                !file.windows(needle.len()).any(|w| w == needle),
                "a plaintext token is stored"
            );
        }
    }
}

async fn mcp_client(
    server: &Server,
    token: &str,
    lifecycle: ClientLifecycleMode,
) -> rmcp::service::RunningService<rmcp::RoleClient, ()> {
    let transport = StreamableHttpClientTransport::from_config(
        StreamableHttpClientTransportConfig::with_uri(server.url("/mcp"))
            .auth_header(token.to_owned()),
    );
    ().serve_with_lifecycle(transport, lifecycle).await.unwrap()
}

async fn call(
    client: &rmcp::service::RunningService<rmcp::RoleClient, ()>,
    tool: &str,
    args: Value,
) -> rmcp::model::CallToolResult {
    client
        .call_tool(
            CallToolRequestParams::new(tool.to_owned())
                .with_arguments(args.as_object().unwrap().clone()),
        )
        .await
        .unwrap()
}

#[tokio::test]
async fn mcp_over_streamable_http_with_tokens_and_owners() {
    let server = start(HttpConfig::default()).await;
    let alice = server.token("alice", "alice").await;
    let bob = server.token("bob", "bob").await;
    for lifecycle in [
        ClientLifecycleMode::Initialize,
        ClientLifecycleMode::Discover {
            preferred_versions: vec![ProtocolVersion::V_2026_07_28],
        },
    ] {
        let client = mcp_client(&server, &alice, lifecycle).await;
        let tools = client.list_all_tools().await.unwrap();
        assert_eq!(tools.len(), 6);
        let started = call(
            &client,
            "start_audit",
            json!({"url": server.site.url("/"), "wait": true}),
        )
        .await;
        let started = started.structured_content.unwrap();
        assert_eq!(started["status"], "completed", "{started}");
        let id = started["id"].as_str().unwrap().to_owned();
        let report = call(&client, "get_report", json!({"id": id}))
            .await
            .structured_content
            .unwrap();
        assert_eq!(report["id"], id);
        let recs = call(&client, "get_recommendations", json!({"id": id}))
            .await
            .structured_content
            .unwrap();
        assert!(recs["total"].as_u64().unwrap() >= 1);
        let history = call(
            &client,
            "get_site_history",
            json!({"url": server.site.url("/")}),
        )
        .await
        .structured_content
        .unwrap();
        assert!(!history["entries"].as_array().unwrap().is_empty());
        client.cancel().await.unwrap();

        // Bob sees none of it, over MCP as over REST.
        let other = mcp_client(&server, &bob, ClientLifecycleMode::Initialize).await;
        let denied = call(&other, "get_report", json!({"id": id})).await;
        assert_eq!(denied.is_error, Some(true));
        let text = format!("{:?}", denied.content);
        assert!(text.contains("no report with id"), "{text}");
        let listed = call(&other, "list_reports", json!({}))
            .await
            .structured_content
            .unwrap();
        assert_eq!(listed["reports"], json!([]));
        other.cancel().await.unwrap();
    }
    // A foreign Origin is refused on /mcp.
    let foreign = server
        .client
        .post(server.url("/mcp"))
        .bearer_auth(&alice)
        .header(header::ORIGIN, "https://evil.example")
        .header(header::ACCEPT, "application/json, text/event-stream")
        .json(&json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}}))
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn mcp_start_audit_honours_the_audit_rate_limit() {
    let server = start(HttpConfig {
        audits_per_minute: 1,
        ..HttpConfig::default()
    })
    .await;
    let token = server.token("ci", "ci").await;
    let client = mcp_client(&server, &token, ClientLifecycleMode::Initialize).await;
    let first = call(&client, "start_audit", json!({"url": server.site.url("/")})).await;
    assert_ne!(first.is_error, Some(true));
    let second = call(&client, "start_audit", json!({"url": server.site.url("/")})).await;
    assert_eq!(second.is_error, Some(true));
    assert!(format!("{:?}", second.content).contains("rate limit reached"));
    client.cancel().await.unwrap();
}
