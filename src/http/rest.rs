//! The REST API under `/api/v1`: the same operations as the MCP tools, as resources.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Path, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::AppState;
use super::errors::ApiError;
use super::limits::{refused, set_headers};
use super::stream::body_channel;
use crate::mcp::Principal;
use crate::mcp::calls::{self, parse_id};
use crate::mcp::shapes::{
    DeleteReportArgs, Detail, GetRecommendationsArgs, GetReportArgs, GetSiteHistoryArgs,
    ListReportsArgs,
};
use crate::report::{ReportId, Status};

/// A JSON body whose rejections use the error envelope.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(request, state).await {
            Ok(Json(value)) => Ok(ApiJson(value)),
            Err(JsonRejection::BytesRejection(e))
                if e.status() == StatusCode::PAYLOAD_TOO_LARGE =>
            {
                Err(ApiError::too_large(super::MAX_BODY_BYTES))
            }
            Err(e) => Err(ApiError::bad_request(format!(
                "{}; send a JSON object",
                e.body_text()
            ))),
        }
    }
}

/// Query parameters whose rejections use the error envelope.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| ApiQuery(q.0))
            .map_err(|e: QueryRejection| ApiError::bad_request(e.body_text()))
    }
}

/// `POST /audits` body.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAudit {
    /// The page to audit: an absolute http:// or https:// URL.
    pub url: String,
    /// Pages to audit (1, the default, audits this page only; at most 10000).
    #[serde(default)]
    pub max_pages: Option<u32>,
}

/// `POST /audits` answer (202).
#[derive(Debug, Serialize, JsonSchema)]
pub struct AuditCreated {
    /// Report id.
    pub id: ReportId,
    /// The audited URL.
    pub url: String,
    /// Always `queued`.
    pub status: Status,
    /// When it was requested.
    pub created_at: DateTime<Utc>,
}

/// `DELETE /audits/{id}` answer.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Deleted {
    /// Always true.
    pub ok: bool,
}

/// Query of `GET /audits/{id}`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportQuery {
    /// `summary` (default) or `full`.
    #[serde(default)]
    pub detail: Option<Detail>,
    /// Only findings of this category.
    #[serde(default)]
    pub category: Option<String>,
    /// Only findings of this severity or worse.
    #[serde(default)]
    pub min_severity: Option<String>,
    /// With `detail=full`: passed and not-applicable results too.
    #[serde(default)]
    pub include_passed: Option<bool>,
    /// With `detail=full`: findings per page (default 50, at most 200).
    #[serde(default)]
    pub limit: Option<u32>,
    /// With `detail=full`: the `next_cursor` of the previous page.
    #[serde(default)]
    pub cursor: Option<String>,
}

/// Query of `GET /audits/{id}/recommendations`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecommendationsQuery {
    /// How many (default 10, at most 50).
    #[serde(default)]
    pub limit: Option<u32>,
    /// Only this category.
    #[serde(default)]
    pub category: Option<String>,
}

/// Query of `GET /audits/{id}/history`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HistoryQuery {
    /// How many of the latest audits (default 10, at most 100).
    #[serde(default)]
    pub limit: Option<u32>,
}

/// Query of `GET /audits/{id}/export`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    /// `json` (default), `csv` or `markdown`.
    #[serde(default)]
    pub format: Option<crate::export::Format>,
}

/// `POST /audits`.
pub async fn create_audit(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiJson(body): ApiJson<CreateAudit>,
) -> Result<Response, ApiError> {
    let limit = state.limits.audits.check(&principal.key);
    if !limit.allowed {
        return Ok(refused(limit, "audit starts"));
    }
    let summary =
        calls::start_audit(&state.service, &principal.owner, &body.url, body.max_pages).await?;
    let mut response = (
        StatusCode::ACCEPTED,
        Json(AuditCreated {
            id: summary.id,
            url: summary.url,
            status: summary.status,
            created_at: summary.created_at,
        }),
    )
        .into_response();
    set_headers(response.headers_mut(), limit);
    Ok(response)
}

/// `GET /audits`.
pub async fn list_audits(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    ApiQuery(query): ApiQuery<ListReportsArgs>,
) -> Result<Response, ApiError> {
    Ok(Json(calls::list_reports(&state.service, &principal.owner, query).await?).into_response())
}

/// `GET /audits/{id}`.
pub async fn get_audit(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<ReportQuery>,
) -> Result<Response, ApiError> {
    let args = GetReportArgs {
        id,
        detail: query.detail,
        category: query.category,
        min_severity: query.min_severity,
        include_passed: query.include_passed,
        limit: query.limit,
        cursor: query.cursor,
    };
    Ok(Json(calls::get_report(&state.service, &principal.owner, args).await?).into_response())
}

/// `DELETE /audits/{id}`.
pub async fn delete_audit(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    calls::delete_report(&state.service, &principal.owner, DeleteReportArgs { id }).await?;
    Ok(Json(Deleted { ok: true }).into_response())
}

/// `GET /audits/{id}/recommendations`.
pub async fn recommendations(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<RecommendationsQuery>,
) -> Result<Response, ApiError> {
    let args = GetRecommendationsArgs {
        id,
        limit: query.limit,
        category: query.category,
    };
    Ok(
        Json(calls::get_recommendations(&state.service, &principal.owner, args).await?)
            .into_response(),
    )
}

/// `GET /audits/{id}/history`: the history of the audited URL.
pub async fn history(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<HistoryQuery>,
) -> Result<Response, ApiError> {
    let id = parse_id(&id)?;
    let summary = state
        .service
        .summary(&principal.owner, &id)
        .await
        .map_err(|e| ApiError::from(calls::CallError::from(e)))?;
    let args = GetSiteHistoryArgs {
        url: summary.url,
        limit: query.limit,
    };
    Ok(
        Json(calls::get_site_history(&state.service, &principal.owner, args).await?)
            .into_response(),
    )
}

/// `GET /audits/{id}/export`: streamed (see [`super::stream`]), so a report of any size is
/// exported in bounded memory; a report that does not exist is a 404 before the body starts.
pub async fn export(
    State(state): State<AppState>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<ExportQuery>,
) -> Result<Response, ApiError> {
    let id = parse_id(&id)?;
    let format = query.format.unwrap_or_default();
    state
        .service
        .summary(&principal.owner, &id)
        .await
        .map_err(|e| ApiError::from(calls::CallError::from(e)))?;
    let (writer, body) = body_channel();
    let abort = writer.abort_handle();
    let (service, key) = (state.service.clone(), id.clone());
    tokio::spawn(async move {
        if let Err(e) = service.export(&principal.owner, &key, format, writer).await {
            if abort.client_left() {
                // Nothing is wrong on this side, and no one is left to tell.
                tracing::debug!(report = %key, "the client left during an export");
            } else {
                tracing::warn!(report = %key, error = %e, "export stopped part way");
                abort.abort(e.to_string()).await;
            }
        }
    });
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&format!(
            "attachment; filename=\"{id}.{}\"",
            format.extension()
        ))
        .expect("ids are header-safe"),
    );
    Ok(response)
}

/// Unknown routes under `/api`.
pub async fn not_found() -> ApiError {
    ApiError::not_found("no such API route; see /api/v1/openapi.json for the routes")
}
