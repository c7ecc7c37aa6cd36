//! Polite retries: 429 and 503 answers are retried with backoff, honouring `Retry-After`.

use std::time::Duration;

use url::Url;

use crate::engine::fetch::{FetchError, RedirectFilter, Response};
use crate::engine::page::PageLoader;

/// Retries after a 429 or 503.
pub const MAX_RETRIES: u32 = 3;
/// Longest wait honoured from `Retry-After`.
pub const MAX_RETRY_WAIT: Duration = Duration::from_secs(30);

/// The wait a `Retry-After` value asks for (seconds or an HTTP date), capped.
pub fn retry_after(value: Option<&str>, now: chrono::DateTime<chrono::Utc>) -> Option<Duration> {
    let value = value?.trim();
    let wait = if let Ok(secs) = value.parse::<u64>() {
        Duration::from_secs(secs)
    } else {
        let date = chrono::DateTime::parse_from_rfc2822(value).ok()?;
        (date.with_timezone(&chrono::Utc) - now)
            .to_std()
            .unwrap_or_default()
    };
    Some(wait.min(MAX_RETRY_WAIT))
}

/// Fetches a document, following the redirects `filter` allows (all without one), and
/// retrying 429 and 503 answers.
pub async fn fetch_document(
    loader: &PageLoader,
    url: &Url,
    filter: Option<&RedirectFilter>,
) -> Result<Response, FetchError> {
    let mut attempt = 0;
    loop {
        let response = loader.fetch_document_following(url.clone(), filter).await?;
        let status = response.status.as_u16();
        if !(status == 429 || status == 503) || attempt >= MAX_RETRIES {
            return Ok(response);
        }
        let backoff = Duration::from_secs(1 << attempt);
        let wait =
            retry_after(response.header_str("retry-after"), chrono::Utc::now()).unwrap_or(backoff);
        tracing::debug!(%url, status, ?wait, "retrying");
        tokio::time::sleep(wait).await;
        attempt += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_retry_after() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(retry_after(Some("2"), now), Some(Duration::from_secs(2)));
        assert_eq!(retry_after(Some("9999"), now), Some(MAX_RETRY_WAIT));
        assert_eq!(
            retry_after(Some("Thu, 01 Jan 2026 00:00:05 GMT"), now),
            Some(Duration::from_secs(5))
        );
        assert_eq!(retry_after(Some("soon"), now), None);
        assert_eq!(retry_after(None, now), None);
    }
}
