//! Fetch limits and their documented defaults. Every limit of the client is a named setting here.

use std::time::Duration;

/// Default time allowed to open a TCP (and TLS) connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Default time allowed for one request, from connecting to the last body byte.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(20);
/// Most redirects followed for one request.
pub const DEFAULT_MAX_REDIRECTS: usize = 10;
/// Most decoded bytes of an HTML document read; past it the page is audited as truncated.
pub const DEFAULT_DOCUMENT_CAP: usize = 5 * 1024 * 1024;
/// Most wire bytes of one subresource counted; past it the size is reported as truncated.
pub const DEFAULT_SUBRESOURCE_CAP: u64 = 2 * 1024 * 1024;
/// Decoded bytes kept from the start of each subresource (for rules that read file headers or
/// banner comments).
pub const DEFAULT_SUBRESOURCE_SAMPLE: usize = 16 * 1024;
/// Most decoded bytes of a small text resource (robots.txt, security.txt, llms.txt).
pub const DEFAULT_PROBE_CAP: usize = 512 * 1024;

/// The user agent: names webaudit, its version and where to read about it.
pub fn default_user_agent() -> String {
    format!(
        "webaudit/{} (+https://github.com/webaudit/webaudit; site audit bot)",
        env!("CARGO_PKG_VERSION")
    )
}

/// Limits of the HTTP client.
#[derive(Debug, Clone, PartialEq)]
pub struct FetchSettings {
    /// Time allowed to connect.
    pub connect_timeout: Duration,
    /// Time allowed for one request including its body.
    pub request_timeout: Duration,
    /// Most redirects followed.
    pub max_redirects: usize,
    /// Decoded bytes of a document kept.
    pub document_cap: usize,
    /// Wire bytes of a subresource counted.
    pub subresource_cap: u64,
    /// Decoded bytes kept from each subresource.
    pub subresource_sample: usize,
    /// Decoded bytes of a small text resource kept.
    pub probe_cap: usize,
    /// Idle connections kept per host.
    pub max_idle_per_host: usize,
    /// The User-Agent header.
    pub user_agent: String,
}

impl Default for FetchSettings {
    fn default() -> Self {
        FetchSettings {
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            max_redirects: DEFAULT_MAX_REDIRECTS,
            document_cap: DEFAULT_DOCUMENT_CAP,
            subresource_cap: DEFAULT_SUBRESOURCE_CAP,
            subresource_sample: DEFAULT_SUBRESOURCE_SAMPLE,
            probe_cap: DEFAULT_PROBE_CAP,
            max_idle_per_host: 16,
            user_agent: default_user_agent(),
        }
    }
}
