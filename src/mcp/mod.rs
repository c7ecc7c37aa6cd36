//! The MCP server: tools, prompts and report resources over rmcp, for stdio (the default) and,
//! through [`crate::http`], streamable HTTP.
//!
//! # Layout
//! - [`shapes`] — tool inputs and outputs.
//! - [`calls`] — the operations behind the tools, shared with the REST API.
//! - [`tools`] — the tools.
//! - [`prompts`] — the prompts.
//! - [`progress`] — throttled progress notifications while `start_audit` waits.
//! - [`stdio`] — serving on stdin/stdout.

pub mod calls;
pub mod progress;
pub mod prompts;
pub mod shapes;
pub mod stdio;
pub mod tools;

use rmcp::handler::server::router::prompt::PromptRouter;
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::model::{
    Implementation, ListResourceTemplatesResult, ListResourcesResult, PaginatedRequestParams,
    ReadResourceRequestParams, ReadResourceResponse, ReadResourceResult, Resource,
    ResourceContents, ResourceTemplate, ServerCapabilities, ServerConfig,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler, prompt_handler, tool_handler};

use crate::export::Format;
use crate::service::exports::MAX_IN_MEMORY_FINDINGS;
use crate::service::{Service, ServiceError};
use crate::store::{LOCAL_OWNER, ListFilter};
use calls::{CallError, parse_id, report_uri};
use std::sync::Arc;

/// How many recent reports `resources/list` shows.
pub const RESOURCES_LISTED: usize = 20;

/// The caller's identity, put into the HTTP request's extensions by the auth layer. Reports are
/// owned by it; over stdio the local owner is used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The owner of the caller's reports.
    pub owner: String,
    /// The credential's id (the rate-limit key).
    pub key: String,
}

/// Decides whether a caller may start another audit now (the HTTP server's per-token limit).
pub trait StartGate: Send + Sync {
    /// Ok, or a rate-limit error saying when to try again.
    fn check(&self, principal: &Principal) -> Result<(), CallError>;
}

const INSTRUCTIONS: &str = "webaudit audits websites without a browser: performance (a static \
estimate), SEO, accessibility, best practices and security (Mozilla Observatory grade). Typical \
flow: start_audit {url, wait: true} → get_recommendations {id} (what to fix first, with exact \
score gains) → get_report {id, detail: \"full\", category} for detail. get_site_history shows \
trends; list_reports finds earlier audits. Full reports are resources webaudit://reports/{id}.";

/// The MCP server handler. One per session (HTTP) or process (stdio).
#[derive(Clone)]
pub struct WebauditMcp {
    service: Service,
    default_owner: String,
    start_gate: Option<Arc<dyn StartGate>>,
    tool_router: ToolRouter<Self>,
    prompt_router: PromptRouter<Self>,
}

impl std::fmt::Debug for WebauditMcp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebauditMcp")
            .field("default_owner", &self.default_owner)
            .finish_non_exhaustive()
    }
}

impl WebauditMcp {
    /// A handler over `service`; callers without a [`Principal`] act as the local owner.
    pub fn new(service: Service) -> Self {
        WebauditMcp {
            service,
            default_owner: LOCAL_OWNER.to_owned(),
            start_gate: None,
            tool_router: Self::tool_router(),
            prompt_router: Self::prompt_router(),
        }
    }

    /// Limits audit starts with `gate`.
    pub fn with_start_gate(mut self, gate: Arc<dyn StartGate>) -> Self {
        self.start_gate = Some(gate);
        self
    }

    /// Who a request comes from: the HTTP principal, or the local owner over stdio.
    pub fn principal(&self, ctx: &RequestContext<RoleServer>) -> Principal {
        ctx.extensions
            .get::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<Principal>())
            .cloned()
            .unwrap_or_else(|| Principal {
                owner: self.default_owner.clone(),
                key: self.default_owner.clone(),
            })
    }

    /// The owner a request acts for.
    pub fn owner(&self, ctx: &RequestContext<RoleServer>) -> String {
        self.principal(ctx).owner
    }
}

#[tool_handler(router = self.tool_router)]
#[prompt_handler(router = self.prompt_router)]
impl ServerHandler for WebauditMcp {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_prompts()
                .enable_resources()
                .build(),
        )
        .with_server_info(
            Implementation::new("webaudit", env!("CARGO_PKG_VERSION"))
                .with_title("webaudit")
                .with_description("Website audits for AI assistants: SEO, accessibility, performance, best practices, security"),
        )
        .with_instructions(INSTRUCTIONS)
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        let filter = ListFilter {
            owner: self.owner(&ctx),
            ..ListFilter::default()
        };
        let page = self
            .service
            .list(filter, RESOURCES_LISTED, None)
            .await
            .map_err(|e| ErrorData::internal_error(e.to_string(), None))?;
        let resources = page
            .reports
            .into_iter()
            .map(|r| {
                let overall = r
                    .scores
                    .and_then(|s| s.overall)
                    .map(|o| format!(", overall {o}"))
                    .unwrap_or_default();
                Resource::new(report_uri(&r.id), r.id.to_string())
                    .with_title(format!("Audit of {}", r.url))
                    .with_description(format!(
                        "{} ({}{overall}), {}",
                        r.url,
                        r.status,
                        r.created_at.format("%Y-%m-%d %H:%M UTC")
                    ))
                    .with_mime_type("application/json")
            })
            .collect();
        Ok(ListResourcesResult::with_all_items(resources))
    }

    async fn list_resource_templates(
        &self,
        _request: Option<PaginatedRequestParams>,
        _ctx: RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, ErrorData> {
        Ok(ListResourceTemplatesResult::with_all_items(vec![
            ResourceTemplate::new("webaudit://reports/{id}", "report")
                .with_title("Audit report")
                .with_description(
                    "The full JSON report of an audit: scores, pages and every finding",
                )
                .with_mime_type("application/json"),
        ]))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        ctx: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        let not_found = || {
            ErrorData::resource_not_found(
                format!(
                    "no resource {}; report resources look like webaudit://reports/rpt_… (see list_reports)",
                    request.uri
                ),
                None,
            )
        };
        let id = request
            .uri
            .strip_prefix("webaudit://reports/")
            .and_then(|id| parse_id(id).ok())
            .ok_or_else(not_found)?;
        let rendered = self
            .service
            .export_to_memory(&self.owner(&ctx), &id, Format::Json, MAX_IN_MEMORY_FINDINGS)
            .await;
        let text = match rendered {
            Ok(bytes) => String::from_utf8(bytes).expect("JSON is UTF-8"),
            Err(ServiceError::NotFound(_)) => return Err(not_found()),
            Err(ServiceError::Invalid(message)) => {
                return Err(ErrorData::invalid_request(message, None));
            }
            Err(other) => return Err(ErrorData::internal_error(other.to_string(), None)),
        };
        Ok(ReadResourceResult::new(vec![
            ResourceContents::text(text, request.uri.clone()).with_mime_type("application/json"),
        ])
        .into())
    }
}
