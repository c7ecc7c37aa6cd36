//! [`Fetcher`]: the one HTTP client of webaudit. It follows redirects itself (recording every
//! hop and checking each against the address guard), applies timeouts and body caps, decodes
//! content codings and measures time to first byte and total time.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use url::Url;

use super::body::{ACCEPT_ENCODING, Body, BodyLimits, Coding, read_body};
use super::error::FetchError;
use super::guard::AddressPolicy;
use super::resolver::GuardedResolver;
use super::settings::FetchSettings;
use crate::report::RedirectHop;

/// Which redirects a request follows: a hop to a URL the filter refuses is not requested, and
/// the redirect that pointed there is returned as the final response (with its `Location`).
/// A crawl uses it to stay on its site, within its URL patterns and out of robots.txt
/// disallows.
#[derive(Clone)]
pub struct RedirectFilter(Arc<dyn Fn(&Url) -> bool + Send + Sync>);

impl RedirectFilter {
    /// A filter that follows a redirect to `url` when `follow(url)` is true.
    pub fn new(follow: impl Fn(&Url) -> bool + Send + Sync + 'static) -> Self {
        RedirectFilter(Arc::new(follow))
    }

    /// True when a redirect to `url` is followed.
    pub fn follows(&self, url: &Url) -> bool {
        (self.0)(url)
    }
}

impl std::fmt::Debug for RedirectFilter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RedirectFilter")
    }
}

/// One request to make.
#[derive(Debug, Clone)]
pub struct Request {
    /// GET, HEAD or OPTIONS.
    pub method: Method,
    /// Where.
    pub url: Url,
    /// Extra request headers.
    pub headers: HeaderMap,
    /// Follow redirects (recording each hop) or return the first response.
    pub follow_redirects: bool,
    /// Redirects not to follow, when following.
    pub redirect_filter: Option<RedirectFilter>,
    /// How much body to read.
    pub limits: BodyLimits,
}

impl Request {
    /// A GET that follows redirects.
    pub fn get(url: Url, limits: BodyLimits) -> Self {
        Request {
            method: Method::GET,
            url,
            headers: HeaderMap::new(),
            follow_redirects: true,
            redirect_filter: None,
            limits,
        }
    }

    /// Follows only the redirects `filter` allows (see [`RedirectFilter`]).
    pub fn following(mut self, filter: RedirectFilter) -> Self {
        self.redirect_filter = Some(filter);
        self
    }

    /// Adds a request header.
    pub fn header(mut self, name: header::HeaderName, value: HeaderValue) -> Self {
        self.headers.insert(name, value);
        self
    }

    /// Returns the first response instead of following redirects.
    pub fn no_redirects(mut self) -> Self {
        self.follow_redirects = false;
        self
    }
}

/// A response with its body read under the request's limits.
#[derive(Debug, Clone)]
pub struct Response {
    /// The URL first requested.
    pub requested_url: Url,
    /// The URL of the final response.
    pub final_url: Url,
    /// Final status.
    pub status: StatusCode,
    /// Final response headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Body,
    /// The `Content-Encoding` the server used, lower-cased (`None` when uncompressed).
    pub content_encoding: Option<String>,
    /// Redirect hops before the final response.
    pub redirects: Vec<RedirectHop>,
    /// Request sent → final response headers received (includes connecting).
    pub ttfb: Duration,
    /// First request sent → last body byte of the final response.
    pub total: Duration,
    /// `HTTP/1.1`, `HTTP/2`, …
    pub http_version: String,
    /// The peer address of the final response.
    pub remote_addr: Option<SocketAddr>,
}

impl Response {
    /// The media type of `Content-Type`, lower-cased, without parameters.
    pub fn media_type(&self) -> Option<String> {
        media_type(&self.headers)
    }

    /// A header as text (the first value), if present and valid.
    pub fn header_str(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// Where `response` to a request for `url` sends the request next: `None` when it is the
/// final response (not a redirect, redirects not followed, no `Location`, or a hop the
/// request's filter refuses); an error for a `Location` that is not an http(s) URL.
fn next_hop(
    request: &Request,
    url: &Url,
    response: &reqwest::Response,
) -> Result<Option<Url>, FetchError> {
    if !request.follow_redirects || !response.status().is_redirection() {
        return Ok(None);
    }
    let Some(location) = response
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
    else {
        return Ok(None);
    };
    let bad = || FetchError::BadRedirect {
        url: url.to_string(),
        location: location.to_owned(),
    };
    let next = url.join(location).map_err(|_| bad())?;
    if !matches!(next.scheme(), "http" | "https") {
        return Err(bad());
    }
    let refused = request
        .redirect_filter
        .as_ref()
        .is_some_and(|filter| !filter.follows(&next));
    Ok((!refused).then_some(next))
}

/// The media type of a `Content-Type` header, lower-cased, without parameters.
pub fn media_type(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let essence = value.split(';').next()?.trim().to_ascii_lowercase();
    (!essence.is_empty()).then_some(essence)
}

/// The HTTP client. Cheap to clone; clones share one connection pool.
#[derive(Debug, Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    settings: Arc<FetchSettings>,
    policy: Arc<AddressPolicy>,
}

impl Fetcher {
    /// A client with these settings and this address policy.
    pub fn new(settings: FetchSettings, policy: AddressPolicy) -> Result<Self, FetchError> {
        let policy = Arc::new(policy);
        let tls = super::tls::client_config().map_err(|detail| FetchError::Http {
            url: String::new(),
            detail,
        })?;
        let client = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .user_agent(settings.user_agent.clone())
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .dns_resolver(GuardedResolver::new(policy.clone()))
            .connect_timeout(settings.connect_timeout)
            .timeout(settings.request_timeout)
            .pool_max_idle_per_host(settings.max_idle_per_host)
            .tcp_nodelay(true)
            .build()
            .map_err(|e| FetchError::Http {
                url: String::new(),
                detail: format!("could not build the HTTP client: {e}"),
            })?;
        Ok(Fetcher {
            client,
            settings: Arc::new(settings),
            policy,
        })
    }

    /// The settings in force.
    pub fn settings(&self) -> &FetchSettings {
        &self.settings
    }

    /// The address policy in force.
    pub fn policy(&self) -> &AddressPolicy {
        &self.policy
    }

    /// Parses user input into a URL the policy accepts.
    pub fn parse_url(&self, input: &str) -> Result<Url, FetchError> {
        let url = Url::parse(input.trim()).map_err(|e| FetchError::InvalidUrl {
            input: input.to_owned(),
            reason: e.to_string(),
        })?;
        self.check(&url)?;
        Ok(url)
    }

    fn check(&self, url: &Url) -> Result<(), FetchError> {
        self.policy.admit(url)
    }

    fn check_peer(&self, url: &Url, peer: Option<SocketAddr>) -> Result<(), FetchError> {
        // Defence in depth: the resolver and the literal check should make this unreachable.
        match peer {
            Some(addr) => self
                .policy
                .check_ip(addr.ip(), addr.port())
                .map_err(|refusal| FetchError::Refused {
                    url: url.to_string(),
                    refusal,
                }),
            None => Ok(()),
        }
    }

    /// Sends `request`, following redirects when asked, and reads the body under its limits.
    pub async fn fetch(&self, request: Request) -> Result<Response, FetchError> {
        let started = Instant::now();
        let mut url = request.url.clone();
        let mut method = request.method.clone();
        let mut redirects = Vec::new();
        let mut seen = HashSet::from([url.clone()]);
        loop {
            self.check(&url)?;
            let hop_started = Instant::now();
            let response = self
                .client
                .request(method.clone(), url.clone())
                .headers(request.headers.clone())
                .header(header::ACCEPT_ENCODING, ACCEPT_ENCODING)
                .send()
                .await
                .map_err(|e| {
                    FetchError::from_reqwest(
                        &url,
                        e,
                        self.settings.connect_timeout,
                        self.settings.request_timeout,
                    )
                })?;
            let ttfb = hop_started.elapsed();
            self.check_peer(&url, response.remote_addr())?;
            let status = response.status();
            if let Some(next) = next_hop(&request, &url, &response)? {
                redirects.push(RedirectHop {
                    url: url.to_string(),
                    status: status.as_u16(),
                    location: next.to_string(),
                    time_ms: millis(hop_started.elapsed()),
                });
                if !seen.insert(next.clone()) {
                    return Err(FetchError::RedirectLoop {
                        url: request.url.to_string(),
                        repeated: next.to_string(),
                    });
                }
                if redirects.len() > self.settings.max_redirects {
                    return Err(FetchError::TooManyRedirects {
                        url: request.url.to_string(),
                        limit: self.settings.max_redirects,
                    });
                }
                if status == StatusCode::SEE_OTHER && method != Method::HEAD {
                    method = Method::GET;
                }
                url = next;
                continue;
            }
            return Ok(self
                .finish(
                    request.url,
                    url,
                    response,
                    redirects,
                    ttfb,
                    started,
                    request.limits,
                )
                .await);
        }
    }

    #[allow(clippy::too_many_arguments)]
    async fn finish(
        &self,
        requested_url: Url,
        final_url: Url,
        response: reqwest::Response,
        redirects: Vec<RedirectHop>,
        ttfb: Duration,
        started: Instant,
        limits: BodyLimits,
    ) -> Response {
        let status = response.status();
        let headers = response.headers().clone();
        let http_version = format!("{:?}", response.version());
        let remote_addr = response.remote_addr();
        let encoding_header = headers
            .get(header::CONTENT_ENCODING)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.trim().to_ascii_lowercase())
            .filter(|v| !v.is_empty() && v != "identity");
        let body = match Coding::from_header(encoding_header.as_deref()) {
            Some(coding) => read_body(response, coding, limits).await,
            None => {
                // A coding we cannot decode: keep nothing, say why.
                let mut body = read_body(
                    response,
                    Coding::Identity,
                    BodyLimits::sample(0, limits.count),
                )
                .await;
                body.interrupted = Some(format!(
                    "unsupported Content-Encoding `{}`",
                    encoding_header.as_deref().unwrap_or_default()
                ));
                body
            }
        };
        Response {
            requested_url,
            final_url,
            status,
            headers,
            body,
            content_encoding: encoding_header,
            redirects,
            ttfb,
            total: started.elapsed(),
            http_version,
            remote_addr,
        }
    }
}

/// A duration in milliseconds with microsecond precision.
pub fn millis(d: Duration) -> f64 {
    (d.as_secs_f64() * 1_000_000.0).round() / 1000.0
}
