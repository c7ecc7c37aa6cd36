//! Fetch errors, each with a message that says what happened and what to try.

use std::error::Error as StdError;
use std::time::Duration;

use super::guard::Refusal;

/// Why a fetch failed.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The URL does not parse.
    #[error(
        "`{input}` is not a valid URL ({reason}); give a full URL such as https://example.com/"
    )]
    InvalidUrl {
        /// What was given.
        input: String,
        /// The parser's complaint.
        reason: String,
    },
    /// The address guard refused the URL or an address it resolved to.
    #[error("refused {url}: {refusal}")]
    Refused {
        /// The URL that was refused.
        url: String,
        /// Which rule refused it.
        #[source]
        refusal: Refusal,
    },
    /// The host name does not resolve.
    #[error("could not resolve the host `{host}` ({detail}); check the spelling and your network")]
    Dns {
        /// The host.
        host: String,
        /// The resolver's message.
        detail: String,
    },
    /// The connection was refused or reset.
    #[error(
        "could not connect to {url} ({detail}); check that the server is running and reachable"
    )]
    Connect {
        /// The URL.
        url: String,
        /// The error.
        detail: String,
    },
    /// The TLS handshake failed.
    #[error(
        "the TLS handshake with {url} failed ({detail}); the certificate may be invalid, expired \
         or for another host"
    )]
    Tls {
        /// The URL.
        url: String,
        /// The error.
        detail: String,
        /// True when the handshake failed on the server's certificate (self-signed, expired,
        /// for another host, unknown issuer) rather than on TLS itself.
        certificate: bool,
    },
    /// Connecting, waiting or reading took too long.
    #[error(
        "{url} did not answer within {} s ({phase}); the server is slow or unreachable, try again \
         or raise the timeout",
        .after.as_secs_f64()
    )]
    Timeout {
        /// The URL.
        url: String,
        /// The limit that was hit.
        after: Duration,
        /// `connect` or `response`.
        phase: &'static str,
    },
    /// More redirects than allowed.
    #[error(
        "{url} redirected more than {limit} times; fix the redirect chain so it ends in at most {limit} hops"
    )]
    TooManyRedirects {
        /// The start URL.
        url: String,
        /// The limit.
        limit: usize,
    },
    /// A redirect pointed back to a URL already visited.
    #[error("{url} redirects in a loop (back to {repeated}); fix the redirect rules on the server")]
    RedirectLoop {
        /// The start URL.
        url: String,
        /// The URL seen twice.
        repeated: String,
    },
    /// A redirect's `Location` could not be followed.
    #[error("{url} redirected to `{location}`, which is not a valid http(s) URL")]
    BadRedirect {
        /// The URL that redirected.
        url: String,
        /// Its Location header.
        location: String,
    },
    /// Any other protocol failure.
    #[error("fetching {url} failed: {detail}")]
    Http {
        /// The URL.
        url: String,
        /// The error chain.
        detail: String,
    },
}

impl FetchError {
    /// True when TLS failed because the server's certificate did not verify (self-signed,
    /// expired, for another host, unknown issuer), as opposed to no TLS at all. The
    /// Observatory's HSTS test tells these apart (`hsts-invalid-cert`).
    pub fn is_certificate_failure(&self) -> bool {
        matches!(
            self,
            FetchError::Tls {
                certificate: true,
                ..
            }
        )
    }

    /// True when the error means the target could not be reached at all (as opposed to bad
    /// input). The CLI maps these to exit code 3.
    pub fn is_unreachable(&self) -> bool {
        !matches!(
            self,
            FetchError::InvalidUrl { .. } | FetchError::Refused { .. }
        )
    }

    /// Turns a reqwest error into a typed one.
    pub(crate) fn from_reqwest(
        url: &url::Url,
        err: reqwest::Error,
        connect_timeout: Duration,
        request_timeout: Duration,
    ) -> FetchError {
        let url_text = url.to_string();
        if let Some(refusal) = find_source::<Refusal>(&err) {
            return FetchError::Refused {
                url: url_text,
                refusal: refusal.clone(),
            };
        }
        let chain = error_chain(&err);
        let lower = chain.to_ascii_lowercase();
        if err.is_timeout() {
            let connecting = err.is_connect();
            return FetchError::Timeout {
                url: url_text,
                after: if connecting {
                    connect_timeout
                } else {
                    request_timeout
                },
                phase: if connecting { "connect" } else { "response" },
            };
        }
        if lower.contains("dns error")
            || lower.contains("failed to lookup")
            || lower.contains("name or service not known")
            || lower.contains("no address associated")
            || lower.contains("nodename nor servname")
            || lower.contains("temporary failure in name resolution")
        {
            return FetchError::Dns {
                host: url.host_str().unwrap_or_default().to_owned(),
                detail: last_cause(&err),
            };
        }
        if lower.contains("certificate")
            || lower.contains("tls")
            || lower.contains("handshake")
            || lower.contains("invalidcontenttype")
            || lower.contains("peer is incompatible")
        {
            let detail = last_cause(&err);
            return FetchError::Tls {
                url: url_text,
                certificate: detail.to_ascii_lowercase().contains("certificate"),
                detail,
            };
        }
        if err.is_connect() {
            return FetchError::Connect {
                url: url_text,
                detail: last_cause(&err),
            };
        }
        FetchError::Http {
            url: url_text,
            detail: chain,
        }
    }
}

fn find_source<'a, T: StdError + 'static>(err: &'a (dyn StdError + 'static)) -> Option<&'a T> {
    let mut current: Option<&(dyn StdError + 'static)> = Some(err);
    while let Some(e) = current {
        if let Some(found) = e.downcast_ref::<T>() {
            return Some(found);
        }
        current = e.source();
    }
    None
}

fn error_chain(err: &(dyn StdError + 'static)) -> String {
    let mut parts = vec![err.to_string()];
    let mut current = err.source();
    while let Some(e) = current {
        let text = e.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        current = e.source();
    }
    parts.join(": ")
}

fn last_cause(err: &(dyn StdError + 'static)) -> String {
    let mut current: &(dyn StdError + 'static) = err;
    while let Some(next) = current.source() {
        current = next;
    }
    current.to_string()
}
