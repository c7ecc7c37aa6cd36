//! Bearer tokens on `/mcp` and `/api`: a missing, unknown or revoked token gets 401 with
//! `WWW-Authenticate: Bearer`; a valid one puts the caller's [`Principal`] into the request.

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::errors::ApiError;
use crate::mcp::Principal;

/// Checks the bearer token and records who the caller is.
pub async fn require_token(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let presented = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, token) = v.trim().split_once(' ')?;
            scheme
                .eq_ignore_ascii_case("bearer")
                .then(|| token.trim().to_owned())
        });
    let Some(token) = presented else {
        return ApiError::unauthorized(
            "send `Authorization: Bearer <token>`; create a token with `webaudit token create --name NAME`",
        )
        .into_response();
    };
    match state.service.verify_token(&token).await {
        Ok(Some(owner)) => {
            request.extensions_mut().insert(Principal {
                owner: owner.owner,
                key: owner.token_id,
            });
            next.run(request).await
        }
        Ok(None) => ApiError::unauthorized("the token is unknown or revoked; ask for a new one")
            .into_response(),
        Err(e) => ApiError::internal(e.to_string()).into_response(),
    }
}
