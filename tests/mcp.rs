//! The MCP server end to end: rmcp's own client drives the release binary over stdio (a child
//! process) and the server in-process over a duplex stream, against fixture sites on loopback.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use rmcp::model::{
    CallToolRequestParams, CallToolResult, ClientRequest, GetPromptRequestParams,
    ProgressNotificationParam, ProtocolVersion, ReadResourceRequestParams, Request,
    ResourceContents,
};
use rmcp::service::{NotificationContext, PeerRequestOptions, RunningService};
use rmcp::transport::{ConfigureCommandExt, TokioChildProcess};
use rmcp::{ClientHandler, ClientLifecycleMode, ClientServiceExt, RoleClient, ServiceExt};
use serde_json::{Value, json};

use webaudit::engine::AuditOptions;
use webaudit::engine::fetch::AddressPolicy;
use webaudit::mcp::WebauditMcp;
use webaudit::service::Service;
use webaudit::store::Store;

use crate::common::{BackgroundServer, FixtureServer, fixture};

/// A client that records progress notifications.
#[derive(Clone, Default)]
struct Recorder {
    progress: Arc<Mutex<Vec<ProgressNotificationParam>>>,
}

impl ClientHandler for Recorder {
    async fn on_progress(
        &self,
        params: ProgressNotificationParam,
        _context: NotificationContext<RoleClient>,
    ) {
        self.progress.lock().unwrap().push(params);
    }
}

fn site() -> Router {
    let page = |title: &'static str| {
        move || async move {
            let body = fixture("pages/shop.html").replace("Lamp Shop", title);
            ([(header::CONTENT_TYPE, "text/html")], body).into_response()
        }
    };
    Router::new()
        .route("/", get(page("Lamp Shop")))
        .route("/other", get(page("Other Shop")))
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(2)).await;
                (
                    [(header::CONTENT_TYPE, "text/html")],
                    fixture("pages/plain.html"),
                )
                    .into_response()
            }),
        )
}

struct InProcess {
    _dir: tempfile::TempDir,
    server: FixtureServer,
    service: Service,
}

async fn in_process() -> InProcess {
    let dir = tempfile::tempdir().unwrap();
    let server = FixtureServer::start(site()).await;
    let store = Store::open(&dir.path().join("mcp.db")).unwrap();
    let options = AuditOptions {
        policy: AddressPolicy::public_only().allow_socket(server.addr),
        ..AuditOptions::default()
    };
    let service = Service::new(store, options).start_jobs(2).await.unwrap();
    InProcess {
        _dir: dir,
        server,
        service,
    }
}

async fn connect<C: ClientHandler>(service: &Service, client: C) -> RunningService<RoleClient, C> {
    let (server_io, client_io) = tokio::io::duplex(64 * 1024);
    let handler = WebauditMcp::new(service.clone());
    tokio::spawn(async move {
        let running = handler.serve(server_io).await.unwrap();
        let _ = running.waiting().await;
    });
    client.serve(client_io).await.unwrap()
}

fn args(value: Value) -> CallToolRequestParams {
    CallToolRequestParams::new("placeholder").with_arguments(value.as_object().unwrap().clone())
}

async fn call<C: ClientHandler>(
    client: &RunningService<RoleClient, C>,
    tool: &str,
    arguments: Value,
) -> CallToolResult {
    let mut params = args(arguments);
    params.name = tool.to_owned().into();
    client.call_tool(params).await.unwrap()
}

/// Calls a tool that must succeed and returns its structured content.
async fn ok<C: ClientHandler>(
    client: &RunningService<RoleClient, C>,
    tool: &str,
    arguments: Value,
) -> Value {
    let result = call(client, tool, arguments).await;
    assert_ne!(
        result.is_error,
        Some(true),
        "{tool} failed: {:?}",
        result.content
    );
    result.structured_content.expect("structured output")
}

/// Calls `start_audit` as a request that carries a progress token (the client's progress
/// handler records the notifications) and returns its structured content.
async fn start_audit_with_progress<C: ClientHandler>(
    client: &RunningService<RoleClient, C>,
    arguments: Value,
) -> Value {
    let mut params = args(arguments);
    params.name = "start_audit".into();
    let handle = client
        .send_cancellable_request(
            ClientRequest::CallToolRequest(Request::new(params)),
            PeerRequestOptions::no_options(),
        )
        .await
        .unwrap();
    let response = handle.await_response().await.unwrap();
    let rmcp::model::ServerResult::CallToolResult(result) = response else {
        panic!("unexpected response {response:?}");
    };
    result.structured_content.unwrap()
}

/// Calls a tool that must fail and returns its error text.
async fn tool_error<C: ClientHandler>(
    client: &RunningService<RoleClient, C>,
    tool: &str,
    arguments: Value,
) -> String {
    let result = call(client, tool, arguments).await;
    assert_eq!(
        result.is_error,
        Some(true),
        "{tool} should fail: {:?}",
        result.structured_content
    );
    result
        .content
        .iter()
        .filter_map(|c| c.as_text().map(|t| t.text.clone()))
        .collect::<Vec<_>>()
        .join(" ")
}

#[tokio::test]
async fn tools_are_described_annotated_and_structured() {
    let fx = in_process().await;
    let client = connect(&fx.service, ()).await;
    let info = client.peer_info().unwrap();
    let server = info.server_info.as_ref().unwrap();
    assert_eq!(server.name, "webaudit");
    assert_eq!(server.version, env!("CARGO_PKG_VERSION"));
    assert!(info.capabilities.tools.is_some());
    assert!(info.capabilities.prompts.is_some());
    assert!(info.capabilities.resources.is_some());

    let tools = client.list_all_tools().await.unwrap();
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
    assert_eq!(
        names,
        [
            "delete_report",
            "get_recommendations",
            "get_report",
            "get_site_history",
            "list_reports",
            "start_audit"
        ]
    );
    for tool in &tools {
        assert!(
            tool.description.as_deref().is_some_and(|d| d.len() > 30),
            "{}",
            tool.name
        );
        let schema = Value::Object((*tool.input_schema).clone());
        for (name, property) in schema["properties"].as_object().unwrap() {
            assert!(
                property["description"].is_string(),
                "{}.{name} has no description",
                tool.name
            );
        }
        let output = tool.output_schema.as_ref().expect("output schema");
        assert_eq!(output["type"], "object", "{}", tool.name);
        let a = tool.annotations.as_ref().expect("annotations");
        match tool.name.as_ref() {
            "start_audit" => {
                assert_eq!(a.open_world_hint, Some(true));
                assert_eq!(a.read_only_hint, Some(false));
            }
            "delete_report" => assert_eq!(a.destructive_hint, Some(true)),
            _ => {
                assert_eq!(a.read_only_hint, Some(true), "{}", tool.name);
                assert_eq!(a.idempotent_hint, Some(true), "{}", tool.name);
            }
        }
    }
    let start = tools.iter().find(|t| t.name == "start_audit").unwrap();
    assert_eq!(
        Value::Object((*start.input_schema).clone())["required"],
        json!(["url"])
    );
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn full_flow_with_values_and_progress() {
    let fx = in_process().await;
    let recorder = Recorder::default();
    let client = connect(&fx.service, recorder.clone()).await;
    let url = fx.server.url("/");

    // start_audit with wait, sent with a progress token.
    let started = start_audit_with_progress(&client, json!({"url": url, "wait": true})).await;
    assert_eq!(started["status"], "completed", "{started}");
    let id = started["id"].as_str().unwrap().to_owned();
    let summary = &started["summary"];
    assert!(summary["scores"]["overall"].as_u64().is_some());
    assert!(summary["failing"]["total"].as_u64().unwrap() > 0);
    let progress = recorder.progress.lock().unwrap().clone();
    assert!(!progress.is_empty(), "no progress notifications");
    assert!(
        progress.windows(2).all(|w| w[0].progress < w[1].progress),
        "{progress:?}"
    );
    assert!(
        progress
            .iter()
            .any(|p| p.message.as_deref().unwrap_or("").contains("fetching"))
    );

    // get_report matches the stored report.
    let stored = fx
        .service
        .report("local", &id.parse().unwrap())
        .await
        .unwrap();
    let report = ok(&client, "get_report", json!({"id": id})).await;
    assert_eq!(report["detail"], "summary");
    assert_eq!(
        report["scores"],
        serde_json::to_value(stored.scores).unwrap()
    );
    let failing = stored.findings.iter().filter(|f| f.is_failure()).count();
    assert_eq!(
        report["failing"]["total"].as_u64().unwrap() as usize,
        failing
    );
    assert!(report["findings"].as_array().unwrap().len() <= 10);
    assert_eq!(report["resource_uri"], format!("webaudit://reports/{id}"));

    // Full detail pages through every failing finding.
    let mut seen = 0;
    let mut cursor: Option<String> = None;
    loop {
        let mut a = json!({"id": id, "detail": "full", "limit": 2});
        if let Some(c) = &cursor {
            a["cursor"] = json!(c);
        }
        let page = ok(&client, "get_report", a).await;
        seen += page["findings"].as_array().unwrap().len();
        assert_eq!(page["total_matching"].as_u64().unwrap() as usize, failing);
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen, failing);
    let perf = ok(&client, "get_report", json!({"id": id, "detail": "full", "category": "performance", "include_passed": true, "limit": 200})).await;
    assert!(
        perf["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["category"] == "performance")
    );
    assert!(
        perf["total_matching"].as_u64().unwrap() as usize
            > stored
                .findings
                .iter()
                .filter(|f| f.category == webaudit::report::Category::Performance && f.is_failure())
                .count()
    );

    // Recommendations carry the exact gains of re-scoring.
    let recs = ok(&client, "get_recommendations", json!({"id": id})).await;
    let list = recs["recommendations"].as_array().unwrap();
    assert!(!list.is_empty());
    let expected = webaudit::engine::recommend::recommendations(&stored.findings);
    assert_eq!(list.len(), expected.len().min(10));
    for (got, want) in list.iter().zip(&expected) {
        assert_eq!(got["rule_id"], want.rule_id);
        assert_eq!(got["gain"]["category_points"], want.gain.category_points);
        assert_eq!(got["gain"]["overall_points"], want.gain.overall_points);
        assert!(
            got["fix"]["steps"]
                .as_array()
                .is_some_and(|s| !s.is_empty())
        );
        assert!(got["places"].as_array().is_some_and(|p| !p.is_empty()));
    }
    let render_blocking = list
        .iter()
        .find(|r| r["rule_id"] == "performance.render-blocking-resources")
        .expect("the sync script is recommended");
    assert_eq!(render_blocking["occurrences"], 1);
    assert!(render_blocking["gain"]["category_points"].as_i64().unwrap() > 0);

    // A second audit gives a history with changes.
    ok(&client, "start_audit", json!({"url": url, "wait": true})).await;
    let history = ok(&client, "get_site_history", json!({"url": url})).await;
    let entries = history["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0]["id"], id);
    assert!(entries[0]["changes"]["overall"].is_null());
    assert_eq!(
        entries[1]["changes"]["overall"], 0,
        "same page, same scores"
    );

    // list_reports pages newest first.
    let first = ok(&client, "list_reports", json!({"limit": 1})).await;
    assert_eq!(first["reports"].as_array().unwrap().len(), 1);
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = ok(
        &client,
        "list_reports",
        json!({"limit": 1, "cursor": cursor}),
    )
    .await;
    assert_eq!(second["reports"][0]["id"], id);
    assert!(second.get("next_cursor").is_none());

    // delete_report removes it.
    let deleted = ok(&client, "delete_report", json!({"id": id})).await;
    assert_eq!(deleted["deleted"], true);
    let gone = tool_error(&client, "get_report", json!({"id": id})).await;
    assert!(gone.contains("list_reports"), "{gone}");
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn bad_input_gives_tool_errors_that_say_what_to_do() {
    let fx = in_process().await;
    let client = connect(&fx.service, ()).await;
    let cases = [
        (
            "start_audit",
            json!({"url": "ftp://example.com/"}),
            "http:// or https://",
        ),
        ("start_audit", json!({"url": "not a url"}), "Accepted:"),
        (
            "start_audit",
            json!({"url": "http://169.254.169.254/"}),
            "never reachable",
        ),
        (
            "start_audit",
            json!({"url": "http://10.1.2.3/"}),
            "--allow-private",
        ),
        (
            "start_audit",
            json!({"url": fx.server.url("/"), "timeout_seconds": 301}),
            "between 1 and 300",
        ),
        (
            "start_audit",
            json!({"url": fx.server.url("/"), "max_pages": 0}),
            "between 1 and 10000",
        ),
        (
            "get_report",
            json!({"id": "rpt_01JD3Z5K8X9V2M4N6P7Q8R9S0T"}),
            "list_reports",
        ),
        ("get_report", json!({"id": "42"}), "not a report id"),
        (
            "get_report",
            json!({"id": "rpt_01JD3Z5K8X9V2M4N6P7Q8R9S0T", "category": "speed"}),
            "unknown category",
        ),
        ("list_reports", json!({"limit": 1000}), "between 1 and 100"),
        ("list_reports", json!({"cursor": "abc"}), "next_cursor"),
        (
            "get_recommendations",
            json!({"id": "rpt_01JD3Z5K8X9V2M4N6P7Q8R9S0T"}),
            "list_reports",
        ),
        (
            "get_site_history",
            json!({"url": "https://a.example/", "limit": 0}),
            "between 1 and 100",
        ),
        (
            "delete_report",
            json!({"id": "rpt_01JD3Z5K8X9V2M4N6P7Q8R9S0T"}),
            "list_reports",
        ),
    ];
    for (tool, arguments, needle) in cases {
        let text = tool_error(&client, tool, arguments.clone()).await;
        assert!(text.contains(needle), "{tool} {arguments}: {text}");
    }
    // Paths and file: URLs are refused alike, whether they exist on the server or not: the
    // answer must not tell a caller which files and folders the server has.
    let existing = env!("CARGO_MANIFEST_DIR");
    let local_inputs = [
        format!("file://{existing}/"),
        format!("file://{existing}/Cargo.toml"),
        "file:///no/such/folder/".to_owned(),
        existing.to_owned(),
        format!("{existing}/Cargo.toml"),
        "/no/such/folder".to_owned(),
        "src".to_owned(),
        "./Cargo.toml".to_owned(),
    ];
    for input in &local_inputs {
        let text = tool_error(&client, "start_audit", json!({"url": input})).await;
        let general = text.replace(input.as_str(), "INPUT");
        let expected = if input.starts_with("file:") {
            "`INPUT` names a local file or folder"
        } else {
            "`INPUT` is not a URL"
        };
        assert!(general.contains(expected), "{input}: {text}");
        assert!(general.contains("webaudit audit DIR"), "{input}: {text}");
        for leak in ["is a file", "index.html", "directory", "exist"] {
            assert!(!general.contains(leak), "{input}: {text}");
        }
    }
    // An unknown argument is refused rather than ignored.
    let text = tool_error(&client, "list_reports", json!({"limt": 5})).await;
    assert!(text.contains("limt"), "{text}");
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn start_audit_without_wait_returns_at_once_and_times_out_politely() {
    let fx = in_process().await;
    let client = connect(&fx.service, ()).await;
    let queued = ok(
        &client,
        "start_audit",
        json!({"url": fx.server.url("/slow")}),
    )
    .await;
    assert!(
        matches!(queued["status"].as_str(), Some("queued" | "running")),
        "{queued}"
    );
    let id = queued["id"].as_str().unwrap().to_owned();
    let waited = ok(
        &client,
        "start_audit",
        json!({"url": fx.server.url("/slow"), "wait": true, "timeout_seconds": 1}),
    )
    .await;
    assert!(
        waited["message"].as_str().unwrap().contains("goes on"),
        "{waited}"
    );
    // The first audit completes on its own (polled for up to a minute on a busy machine).
    let mut status = String::new();
    for _ in 0..600 {
        let report = ok(&client, "get_report", json!({"id": id})).await;
        status = report["status"].as_str().unwrap().to_owned();
        if status == "completed" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let report = ok(&client, "get_report", json!({"id": id})).await;
    assert_eq!(status, "completed", "{report}");
    client.cancel().await.unwrap();
}

/// A site of a start page linking to `pages - 1` small pages.
fn many_pages(pages: usize) -> Router {
    let links: String = (1..pages)
        .map(|i| format!("<a href=\"/p/{i}\">page {i}</a>"))
        .collect();
    let start = format!(
        "<!doctype html><html lang=\"en\"><head><title>Start</title></head><body>{links}</body></html>"
    );
    Router::new()
        .route(
            "/",
            get(move || {
                let start = start.clone();
                async move { ([(header::CONTENT_TYPE, "text/html")], start).into_response() }
            }),
        )
        .route(
            "/p/{i}",
            get(
                |axum::extract::Path(i): axum::extract::Path<usize>| async move {
                    let body = format!(
                        "<!doctype html><html lang=\"en\"><head><title>Page {i}</title></head>\
                     <body><p>Page {i}</p><a href=\"/\">home</a></body></html>"
                    );
                    ([(header::CONTENT_TYPE, "text/html")], body).into_response()
                },
            ),
        )
}

#[tokio::test]
async fn progress_notifications_are_throttled_and_end_with_completion() {
    const PAGES: usize = 60;
    let dir = tempfile::tempdir().unwrap();
    let server = FixtureServer::start(many_pages(PAGES)).await;
    let store = Store::open(&dir.path().join("mcp.db")).unwrap();
    let options = AuditOptions {
        policy: AddressPolicy::public_only().allow_socket(server.addr),
        ..AuditOptions::default()
    };
    let service = Service::new(store, options).start_jobs(1).await.unwrap();
    let recorder = Recorder::default();
    let client = connect(&service, recorder.clone()).await;

    let started = std::time::Instant::now();
    let result = start_audit_with_progress(
        &client,
        json!({"url": server.url("/"), "max_pages": PAGES, "wait": true}),
    )
    .await;
    let elapsed = started.elapsed();
    assert_eq!(result["status"], "completed", "{result}");
    let id = result["id"].as_str().unwrap();
    let report = service.report("local", &id.parse().unwrap()).await.unwrap();
    assert_eq!(report.pages.len(), PAGES);

    let progress = recorder.progress.lock().unwrap().clone();
    let count = progress.len();
    // At most: queued, four phases of the start page, crawling, one per interval, the end.
    let interval = webaudit::mcp::progress::MIN_INTERVAL;
    let bound = 7 + (elapsed.as_millis() / interval.as_millis()) as usize;
    assert!(
        count <= bound && count <= PAGES,
        "{count} notifications for {PAGES} pages in {elapsed:?}: {progress:#?}"
    );
    assert!(
        progress.windows(2).all(|w| w[0].progress < w[1].progress),
        "{progress:#?}"
    );
    let last = progress.last().unwrap();
    assert_eq!(Some(last.progress), last.total, "{last:?}");
    assert_eq!(last.message.as_deref(), Some("done: audit completed"));
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn start_audit_crawls_with_max_pages() {
    let fx = in_process().await;
    let client = connect(&fx.service, ()).await;
    let started = ok(
        &client,
        "start_audit",
        json!({"url": fx.server.url("/"), "max_pages": 50, "wait": true}),
    )
    .await;
    assert_eq!(started["status"], "completed", "{started}");
    let id = started["id"].as_str().unwrap();
    let report = fx
        .service
        .report("local", &id.parse().unwrap())
        .await
        .unwrap();
    // The crawl ran: cross-page rules applied (they are not applicable to one page).
    let broken = report
        .findings
        .iter()
        .find(|f| f.rule_id == "seo.broken-internal-links")
        .unwrap();
    assert_ne!(broken.outcome, webaudit::report::Outcome::NotApplicable);
    let too_many = tool_error(
        &client,
        "start_audit",
        json!({"url": fx.server.url("/"), "max_pages": 10_001}),
    )
    .await;
    assert!(too_many.contains("between 1 and 10000"), "{too_many}");
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn prompts_embed_reports_and_history() {
    let fx = in_process().await;
    let client = connect(&fx.service, ()).await;
    let prompts = client.list_all_prompts().await.unwrap();
    let names: Vec<&str> = prompts.iter().map(|p| p.name.as_ref()).collect();
    assert_eq!(names, ["analyze_site", "compare_trend"]);
    let analyze = prompts.iter().find(|p| p.name == "analyze_site").unwrap();
    let arguments = analyze.arguments.as_ref().unwrap();
    assert!(
        arguments
            .iter()
            .any(|a| a.name == "url" && a.required == Some(true))
    );
    assert!(
        arguments
            .iter()
            .any(|a| a.name == "focus" && a.required != Some(true))
    );

    let url = fx.server.url("/");
    let prompt_args = |v: Value| v.as_object().unwrap().clone();
    let before = client
        .get_prompt(
            GetPromptRequestParams::new("analyze_site")
                .with_arguments(prompt_args(json!({"url": url, "focus": "accessibility"}))),
        )
        .await
        .unwrap();
    assert_eq!(before.messages.len(), 1, "no report yet, nothing embedded");
    let first = ok(&client, "start_audit", json!({"url": url, "wait": true})).await;
    let id = first["id"].as_str().unwrap();
    let after = client
        .get_prompt(
            GetPromptRequestParams::new("analyze_site")
                .with_arguments(prompt_args(json!({"url": url}))),
        )
        .await
        .unwrap();
    let text = serde_json::to_string(&after.messages).unwrap();
    assert!(text.contains("start_audit") && text.contains("get_recommendations"));
    assert!(text.contains(id), "the latest report is embedded");

    let trend = client
        .get_prompt(
            GetPromptRequestParams::new("compare_trend")
                .with_arguments(prompt_args(json!({"url": url}))),
        )
        .await
        .unwrap();
    assert!(
        serde_json::to_string(&trend.messages)
            .unwrap()
            .contains("at least two are needed")
    );
    let second = ok(&client, "start_audit", json!({"url": url, "wait": true})).await;
    let trend = client
        .get_prompt(
            GetPromptRequestParams::new("compare_trend")
                .with_arguments(prompt_args(json!({"url": url}))),
        )
        .await
        .unwrap();
    let text = serde_json::to_string(&trend.messages).unwrap();
    assert!(text.contains(id) && text.contains(second["id"].as_str().unwrap()));
    assert!(text.contains("still_open") && text.contains("changes"));
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn report_resources_are_listed_and_read() {
    let fx = in_process().await;
    let client = connect(&fx.service, ()).await;
    let started = ok(
        &client,
        "start_audit",
        json!({"url": fx.server.url("/"), "wait": true}),
    )
    .await;
    let id = started["id"].as_str().unwrap();
    let uri = format!("webaudit://reports/{id}");
    let resources = client.list_all_resources().await.unwrap();
    assert!(
        resources
            .iter()
            .any(|r| r.uri == uri && r.mime_type.as_deref() == Some("application/json"))
    );
    let templates = client.list_all_resource_templates().await.unwrap();
    assert!(
        templates
            .iter()
            .any(|t| t.uri_template == "webaudit://reports/{id}")
    );
    let read = client
        .read_resource(ReadResourceRequestParams::new(uri.clone()))
        .await
        .unwrap();
    let ResourceContents::TextResourceContents { text, .. } = &read.contents[0] else {
        panic!("text contents expected");
    };
    let report: webaudit::report::Report = serde_json::from_str(text).unwrap();
    assert_eq!(report.id.as_str(), id);
    assert!(!report.findings.is_empty());
    let missing = client
        .read_resource(ReadResourceRequestParams::new(
            "webaudit://reports/rpt_01JD3Z5K8X9V2M4N6P7Q8R9S0T",
        ))
        .await;
    assert!(missing.is_err());
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn both_protocol_lifecycles_work() {
    let fx = in_process().await;
    // 2025-11-25: the initialize handshake.
    let legacy = connect(&fx.service, ()).await;
    assert_eq!(
        legacy.peer_info().map(|i| i.protocol_version.clone()),
        Some(ProtocolVersion::V_2025_11_25)
    );
    ok(&legacy, "list_reports", json!({})).await;
    legacy.cancel().await.unwrap();

    // 2026-07-28: server/discover and per-request metadata.
    let (server_io, client_io) = tokio::io::duplex(64 * 1024);
    let handler = WebauditMcp::new(fx.service.clone());
    tokio::spawn(async move {
        let running = handler.serve(server_io).await.unwrap();
        let _ = running.waiting().await;
    });
    let modern = ()
        .serve_with_lifecycle(
            client_io,
            ClientLifecycleMode::Discover {
                preferred_versions: vec![ProtocolVersion::V_2026_07_28],
            },
        )
        .await
        .unwrap();
    assert_eq!(
        modern.peer_info().map(|i| i.protocol_version.clone()),
        Some(ProtocolVersion::V_2026_07_28)
    );
    let started = ok(
        &modern,
        "start_audit",
        json!({"url": fx.server.url("/"), "wait": true}),
    )
    .await;
    assert_eq!(started["status"], "completed");
    let tools = modern.list_all_tools().await.unwrap();
    assert_eq!(tools.len(), 6);
    modern.cancel().await.unwrap();
}

fn spawn_stdio(db: &std::path::Path) -> TokioChildProcess {
    TokioChildProcess::new(
        tokio::process::Command::new(env!("CARGO_BIN_EXE_webaudit")).configure(|c| {
            c.arg("serve")
                .env("WEBAUDIT_DB", db)
                .env("WEBAUDIT_ALLOW_PRIVATE", "1")
                .env_remove("WEBAUDIT_LOG");
        }),
    )
    .unwrap()
}

#[test]
fn the_binary_serves_over_stdio() {
    let site = BackgroundServer::start(site);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("stdio.db");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let client = ().serve(spawn_stdio(&db)).await.unwrap();
        let info = client.peer_info().unwrap();
        assert_eq!(info.server_info.as_ref().unwrap().name, "webaudit");
        let started = ok(
            &client,
            "start_audit",
            json!({"url": site.url("/"), "wait": true}),
        )
        .await;
        assert_eq!(started["status"], "completed", "{started}");
        let id = started["id"].as_str().unwrap();
        let recs = ok(
            &client,
            "get_recommendations",
            json!({"id": id, "limit": 3}),
        )
        .await;
        assert!(recs["recommendations"].as_array().unwrap().len() <= 3);
        assert!(recs["total"].as_u64().unwrap() >= 1);
        client.cancel().await.unwrap();
    });
    // The report is in the database the server was given.
    let store = Store::open(&db).unwrap();
    let rows = store
        .list_reports(
            &webaudit::store::ListFilter {
                owner: "local".into(),
                ..Default::default()
            },
            10,
            None,
        )
        .unwrap();
    assert_eq!(rows.reports.len(), 1);
}

#[test]
fn an_audit_interrupted_by_a_killed_server_finishes_after_a_restart() {
    let site = BackgroundServer::start(site);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("recover.db");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let id = runtime.block_on(async {
        let client = ().serve(spawn_stdio(&db)).await.unwrap();
        let started = ok(&client, "start_audit", json!({"url": site.url("/slow")})).await;
        // Let it start running, then kill the server (dropping the transport kills the child).
        tokio::time::sleep(Duration::from_millis(500)).await;
        drop(client);
        started["id"].as_str().unwrap().to_owned()
    });
    // The database still says queued or running.
    let store = Store::open(&db).unwrap();
    let key: webaudit::report::ReportId = id.parse().unwrap();
    let before = store.get_summary("local", &key).unwrap().unwrap();
    assert!(
        matches!(
            before.status,
            webaudit::report::Status::Running | webaudit::report::Status::Queued
        ),
        "{:?}",
        before.status
    );
    runtime.block_on(async {
        let client = ().serve(spawn_stdio(&db)).await.unwrap();
        let mut status = String::new();
        for _ in 0..600 {
            let report = ok(&client, "get_report", json!({"id": id})).await;
            status = report["status"].as_str().unwrap().to_owned();
            if status == "completed" || status == "failed" {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(status, "completed");
        client.cancel().await.unwrap();
    });
}

#[tokio::test]
async fn default_answers_stay_small_on_a_huge_report() {
    use webaudit::report::{Evidence, Outcome, PageReport, ReportId, Scores, Severity, Status};
    use webaudit::store::{Completion, NewReport};
    let fx = in_process().await;
    let rules = webaudit::engine::rules::catalogue();
    let id = ReportId::generate();
    let url = "https://big.example/";
    fx.service
        .store()
        .create_report(&NewReport {
            id: id.clone(),
            owner: "local".into(),
            url: url.into(),
            site: "https://big.example".into(),
            created_at: chrono::Utc::now(),
            status: Status::Running,
            options: json!({}),
        })
        .unwrap();
    let pages: Vec<PageReport> = (0..500)
        .map(|i| PageReport {
            url: format!("{url}page/{i}"),
            final_url: format!("{url}page/{i}"),
            status: 200,
            content_type: Some("text/html".into()),
            timings: Default::default(),
            bytes: Default::default(),
            total_bytes: 50_000,
            subresources: Default::default(),
            redirects: vec![],
            scores: Some(Scores::default()),
            error: None,
            notes: vec![],
        })
        .collect();
    let findings: Vec<_> = (0..20_000)
        .map(|i| {
            let rule = &rules[i % rules.len()];
            rule.finding(
                &format!("{url}page/{}", i % 500),
                if i % 3 == 0 {
                    Outcome::Pass
                } else {
                    Outcome::Fail
                },
                Severity::Major,
                Some(0.0),
                Evidence {
                    selector: Some(format!("body > main > div:nth-of-type({i}) > img")),
                    snippet: Some(format!(
                        "<img src=\"/images/photo-{i}.jpg\" class=\"hero wide\">"
                    )),
                    detail: Some("an occurrence with a one-line detail".into()),
                    ..Evidence::default()
                },
            )
        })
        .collect();
    let recommendations = webaudit::engine::recommend::recommendations(&findings);
    fx.service
        .store()
        .complete_report(
            &id,
            &findings,
            &pages,
            Completion {
                scores: Scores::default(),
                security_grade: Some("F"),
                observatory_score: Some(0),
                page_scores: &[],
                recommendations: &recommendations,
            },
        )
        .unwrap();
    let client = connect(&fx.service, ()).await;
    for (tool, arguments) in [
        ("get_report", json!({"id": id.to_string()})),
        (
            "get_report",
            json!({"id": id.to_string(), "detail": "full"}),
        ),
        ("get_recommendations", json!({"id": id.to_string()})),
        ("list_reports", json!({})),
    ] {
        let result = call(&client, tool, arguments.clone()).await;
        assert_ne!(result.is_error, Some(true), "{tool}: {:?}", result.content);
        let size = serde_json::to_string(&result).unwrap().len();
        assert!(size < 100_000, "{tool} {arguments} answered {size} bytes");
    }
    // Its resource would be about 24 MB of JSON: refused, naming the ways to read it instead.
    let refused = client
        .read_resource(ReadResourceRequestParams::new(format!(
            "webaudit://reports/{id}"
        )))
        .await;
    let Err(rmcp::ServiceError::McpError(error)) = refused else {
        panic!("the resource of a 20,000-finding report was not refused: {refused:?}");
    };
    assert_eq!(error.code, rmcp::model::ErrorCode::INVALID_REQUEST);
    for named in [
        "20000 findings",
        "get_report",
        "--format json",
        &format!("/api/v1/audits/{id}/export"),
    ] {
        assert!(error.message.contains(named), "{named}: {}", error.message);
    }
    client.cancel().await.unwrap();
}
