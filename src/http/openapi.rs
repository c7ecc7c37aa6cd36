//! The OpenAPI 3.1 document of the REST API, served at `/api/v1/openapi.json`. Its schemas are
//! generated (schemars, JSON Schema 2020-12, which OpenAPI 3.1 uses) from the same Rust types
//! the handlers serialise, so the document cannot drift from the answers.

use schemars::{SchemaGenerator, generate::SchemaSettings};
use serde_json::{Map, Value, json};

use super::errors::ErrorEnvelope;
use super::rest::{AuditCreated, CreateAudit, Deleted};
use crate::mcp::shapes::{GetReportOutput, HistoryOutput, RecommendationsOutput, ReportListOutput};

fn generator() -> SchemaGenerator {
    SchemaSettings::draft2020_12()
        .with(|s| {
            s.definitions_path = "#/components/schemas/".into();
        })
        .into_generator()
}

fn reference(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

fn json_response(description: &str, schema: &str) -> Value {
    json!({"description": description, "content": {"application/json": {"schema": reference(schema)}}})
}

fn error(description: &str) -> Value {
    json_response(description, "ErrorEnvelope")
}

fn query(name: &str, description: &str, schema: Value) -> Value {
    json!({"name": name, "in": "query", "required": false, "description": description, "schema": schema})
}

fn id_param() -> Value {
    json!({"name": "id", "in": "path", "required": true, "description": "Report id (rpt_…)", "schema": {"type": "string"}})
}

fn common_errors(mut responses: Map<String, Value>, extra: &[(&str, &str)]) -> Value {
    responses.insert(
        "401".into(),
        error("Missing, unknown or revoked bearer token"),
    );
    responses.insert("429".into(), error("Rate limit reached; see retry-after"));
    responses.insert("500".into(), error("Internal error"));
    for (code, description) in extra {
        responses.insert((*code).into(), error(description));
    }
    Value::Object(responses)
}

fn ok(code: &str, description: &str, schema: &str) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert(code.into(), json_response(description, schema));
    m
}

/// The OpenAPI document.
pub fn document() -> Value {
    let mut generator = generator();
    macro_rules! schema {
        ($($t:ty),*) => {$(
            generator.subschema_for::<$t>();
        )*};
    }
    schema!(
        CreateAudit,
        AuditCreated,
        ReportListOutput,
        GetReportOutput,
        RecommendationsOutput,
        HistoryOutput,
        Deleted,
        ErrorEnvelope,
        crate::report::Report
    );
    let schemas = generator.take_definitions(true);
    let categories = json!({"type": "string", "enum": ["performance", "seo", "accessibility", "best_practices", "security"]});
    let severities = json!({"type": "string", "enum": ["info", "minor", "major", "critical"]});
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "webaudit REST API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Website audits (performance, SEO, accessibility, best practices, security) with stored reports. Every route needs `Authorization: Bearer <token>`."
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": schemas
        },
        "paths": {
            "/audits": {
                "post": {
                    "summary": "Start an audit",
                    "requestBody": {"required": true, "content": {"application/json": {"schema": reference("CreateAudit")}}},
                    "responses": common_errors(ok("202", "Queued", "AuditCreated"), &[
                        ("400", "Malformed body or out-of-range max_pages"),
                        ("413", "Body larger than 1 MiB"),
                        ("422", "URL that is not http(s), does not parse, or is refused by the address policy"),
                    ])
                },
                "get": {
                    "summary": "List reports, newest first",
                    "parameters": [
                        query("url", "Only reports of this URL", json!({"type": "string"})),
                        query("status", "Only this status", json!({"type": "string", "enum": ["queued", "running", "completed", "failed"]})),
                        query("limit", "Reports per page (default 20, at most 100)", json!({"type": "integer", "minimum": 1, "maximum": 100})),
                        query("cursor", "next_cursor of the previous page", json!({"type": "string"})),
                    ],
                    "responses": common_errors(ok("200", "A page of reports", "ReportListOutput"), &[("400", "Bad parameters")])
                }
            },
            "/audits/{id}": {
                "get": {
                    "summary": "Read a report: scores, failing counts and the worst findings; detail=full pages through findings",
                    "parameters": [
                        id_param(),
                        query("detail", "summary (default) or full", json!({"type": "string", "enum": ["summary", "full"]})),
                        query("category", "Only this category", categories.clone()),
                        query("min_severity", "Only this severity or worse", severities),
                        query("include_passed", "With detail=full, passed results too", json!({"type": "boolean"})),
                        query("limit", "With detail=full, findings per page (default 50, at most 200)", json!({"type": "integer", "minimum": 1, "maximum": 200})),
                        query("cursor", "next_cursor of the previous page", json!({"type": "string"})),
                    ],
                    "responses": common_errors(ok("200", "The report", "GetReportOutput"), &[("400", "Bad parameters"), ("404", "No such report")])
                },
                "delete": {
                    "summary": "Delete a report and its findings",
                    "parameters": [id_param()],
                    "responses": common_errors(ok("200", "Deleted", "Deleted"), &[("400", "Bad id"), ("404", "No such report")])
                }
            },
            "/audits/{id}/recommendations": {
                "get": {
                    "summary": "What to fix first, with exact score gains",
                    "parameters": [
                        id_param(),
                        query("limit", "How many (default 10, at most 50)", json!({"type": "integer", "minimum": 1, "maximum": 50})),
                        query("category", "Only this category", categories),
                    ],
                    "responses": common_errors(ok("200", "Ranked recommendations", "RecommendationsOutput"), &[("400", "Bad parameters or report not completed"), ("404", "No such report")])
                }
            },
            "/audits/{id}/history": {
                "get": {
                    "summary": "Score history of the report's URL (or its site)",
                    "parameters": [id_param(), query("limit", "How many (default 10, at most 100)", json!({"type": "integer", "minimum": 1, "maximum": 100}))],
                    "responses": common_errors(ok("200", "Audits, oldest first, with score changes", "HistoryOutput"), &[("400", "Bad parameters"), ("404", "No such report")])
                }
            },
            "/audits/{id}/export": {
                "get": {
                    "summary": "Download the report as JSON, CSV or Markdown",
                    "parameters": [id_param(), query("format", "json (default), csv or markdown", json!({"type": "string", "enum": ["json", "csv", "markdown"]}))],
                    "responses": common_errors({
                        let mut m = Map::new();
                        m.insert("200".into(), json!({
                            "description": "The report",
                            "content": {
                                "application/json": {"schema": reference("Report")},
                                "text/csv": {"schema": {"type": "string"}},
                                "text/markdown": {"schema": {"type": "string"}}
                            }
                        }));
                        m
                    }, &[("400", "Bad parameters"), ("404", "No such report")])
                }
            },
            "/openapi.json": {
                "get": {
                    "summary": "This document",
                    "responses": common_errors({
                        let mut m = Map::new();
                        m.insert("200".into(), json!({"description": "OpenAPI 3.1", "content": {"application/json": {"schema": {"type": "object"}}}}));
                        m
                    }, &[])
                }
            }
        }
    })
}
