//! Per-token rate limits (GCRA via the `governor` crate): all requests, and audit starts more
//! strictly. Every authenticated response carries `x-ratelimit-limit`, `-remaining` and
//! `-reset`; past the limit the answer is 429 with `retry-after`.

use std::num::NonZeroU32;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};

use super::AppState;
use super::errors::ApiError;
use crate::mcp::calls::CallError;
use crate::mcp::{Principal, StartGate};

/// Default requests per minute per token.
pub const DEFAULT_REQUESTS_PER_MINUTE: u32 = 100;
/// Default audit starts per minute per token.
pub const DEFAULT_AUDITS_PER_MINUTE: u32 = 30;

type Keyed =
    RateLimiter<String, DefaultKeyedStateStore<String>, DefaultClock, StateInformationMiddleware>;

/// A per-key limit of `per_minute` events.
pub struct Limit {
    limiter: Keyed,
    per_minute: u32,
    clock: DefaultClock,
}

/// The state of a limit after a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LimitState {
    /// Events allowed per minute.
    pub limit: u32,
    /// Events left now.
    pub remaining: u32,
    /// Seconds until the allowance is full again (or, when refused, until the next is allowed).
    pub reset_secs: u64,
    /// True when the event was allowed.
    pub allowed: bool,
}

impl std::fmt::Debug for Limit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Limit")
            .field("per_minute", &self.per_minute)
            .finish()
    }
}

impl Limit {
    /// A limit of `per_minute` events per key (at least 1).
    pub fn per_minute(per_minute: u32) -> Limit {
        let n = NonZeroU32::new(per_minute.max(1)).expect("at least 1");
        Limit {
            limiter: RateLimiter::keyed(Quota::per_minute(n))
                .with_middleware::<StateInformationMiddleware>(),
            per_minute: n.get(),
            clock: DefaultClock::default(),
        }
    }

    /// Counts one event for `key`.
    pub fn check(&self, key: &str) -> LimitState {
        let period = 60.0 / f64::from(self.per_minute);
        match self.limiter.check_key(&key.to_owned()) {
            Ok(snapshot) => {
                let remaining = snapshot.remaining_burst_capacity();
                let used = self.per_minute - remaining;
                LimitState {
                    limit: self.per_minute,
                    remaining,
                    reset_secs: (f64::from(used) * period).ceil() as u64,
                    allowed: true,
                }
            }
            Err(not_until) => LimitState {
                limit: self.per_minute,
                remaining: 0,
                reset_secs: not_until
                    .wait_time_from(self.clock.now())
                    .as_secs_f64()
                    .ceil()
                    .max(1.0) as u64,
                allowed: false,
            },
        }
    }
}

/// The limits of the server.
#[derive(Debug)]
pub struct RateLimits {
    /// All requests.
    pub requests: Limit,
    /// Audit starts.
    pub audits: Limit,
}

impl RateLimits {
    /// Limits of `requests` and `audits` per minute per token.
    pub fn new(requests: u32, audits: u32) -> Arc<RateLimits> {
        Arc::new(RateLimits {
            requests: Limit::per_minute(requests),
            audits: Limit::per_minute(audits),
        })
    }
}

/// Writes the `x-ratelimit-*` headers (and `retry-after` when refused).
pub fn set_headers(headers: &mut HeaderMap, state: LimitState) {
    let num = |n: u64| HeaderValue::from_str(&n.to_string()).expect("digits are a valid header");
    headers.insert("x-ratelimit-limit", num(u64::from(state.limit)));
    headers.insert("x-ratelimit-remaining", num(u64::from(state.remaining)));
    headers.insert("x-ratelimit-reset", num(state.reset_secs));
    if !state.allowed {
        headers.insert("retry-after", num(state.reset_secs));
    }
}

/// The 429 answer of a refused event.
pub fn refused(state: LimitState, what: &str) -> Response {
    let error = ApiError::from(CallError::RateLimited(
        format!(
            "rate limit reached: {} {what} per minute per token; try again in {} s",
            state.limit, state.reset_secs
        ),
        state.reset_secs,
    ));
    let mut response = error.into_response();
    set_headers(response.headers_mut(), state);
    response
}

/// Applies the request limit of the caller's token.
pub async fn limit_requests(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let key = request
        .extensions()
        .get::<Principal>()
        .map(|p| p.key.clone())
        .unwrap_or_default();
    let outcome = state.limits.requests.check(&key);
    if !outcome.allowed {
        return refused(outcome, "requests");
    }
    let mut response = next.run(request).await;
    // A stricter limit (audit starts) may already have set its headers.
    if !response.headers().contains_key("x-ratelimit-limit") {
        set_headers(response.headers_mut(), outcome);
    }
    response
}

/// The audit-start limit as seen by the MCP tools.
#[derive(Debug, Clone)]
pub struct AuditStartGate(pub Arc<RateLimits>);

impl StartGate for AuditStartGate {
    fn check(&self, principal: &Principal) -> Result<(), CallError> {
        let state = self.0.audits.check(&principal.key);
        if state.allowed {
            Ok(())
        } else {
            Err(CallError::RateLimited(
                format!(
                    "rate limit reached: {} audit starts per minute per token; try again in {} s",
                    state.limit, state.reset_secs
                ),
                state.reset_secs,
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_down_then_refuses() {
        let limit = Limit::per_minute(3);
        let states: Vec<LimitState> = (0..4).map(|_| limit.check("a")).collect();
        assert_eq!(
            states.iter().map(|s| s.remaining).collect::<Vec<_>>(),
            [2, 1, 0, 0]
        );
        assert!(states[..3].iter().all(|s| s.allowed));
        assert!(!states[3].allowed);
        assert!((1..=60).contains(&states[3].reset_secs));
        // Keys are independent.
        assert!(limit.check("b").allowed);
    }
}
