//! Facts of a page's origin, fetched once per origin and shared by its pages: robots.txt, the
//! plain-http probe (does `http://host/` redirect to https?) and the CORS preflight the
//! Observatory sends.

use http::{HeaderMap, HeaderValue, Method, header};
use url::Url;

use crate::engine::fetch::{BodyLimits, Fetcher, Request, Response};
use crate::report::RedirectHop;

/// The `Origin` the Observatory's CORS probe sends.
pub const CORS_PROBE_ORIGIN: &str = "https://http-observatory.security.mozilla.org";

/// What one probe request gave.
#[derive(Debug, Clone, Default)]
pub struct Probe {
    /// The URL requested.
    pub url: Option<Url>,
    /// Final status, `None` when nothing answered.
    pub status: Option<u16>,
    /// The URL of the final response.
    pub final_url: Option<Url>,
    /// Final response headers.
    pub headers: HeaderMap,
    /// Redirect hops.
    pub redirects: Vec<RedirectHop>,
    /// The body as text (small probes only).
    pub text: String,
    /// Why nothing usable came back.
    pub error: Option<String>,
    /// True when the server spoke TLS but its certificate did not verify.
    pub certificate_invalid: bool,
}

impl Probe {
    fn from_response(response: Response) -> Probe {
        Probe {
            url: Some(response.requested_url),
            status: Some(response.status.as_u16()),
            final_url: Some(response.final_url),
            headers: response.headers,
            redirects: response.redirects,
            text: String::from_utf8_lossy(&response.body.data).into_owned(),
            error: response.body.interrupted,
            certificate_invalid: false,
        }
    }

    fn failed(url: Url, error: String) -> Probe {
        Probe {
            url: Some(url),
            error: Some(error),
            ..Probe::default()
        }
    }

    /// A header's first value as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// True when the probe got a 2xx answer.
    pub fn ok(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }
}

/// Facts of one origin. `None` fields were not fetched (a directory target, or probes off).
#[derive(Debug, Clone, Default)]
pub struct OriginFacts {
    /// `/robots.txt` of the origin.
    pub robots_txt: Option<Probe>,
    /// `GET http://host/` followed through its redirects (only for https pages).
    pub http_probe: Option<Probe>,
    /// `GET https://host/` (only for http pages): does the site answer over HTTPS at all, and
    /// with which `Strict-Transport-Security`?
    pub https_probe: Option<Probe>,
    /// `OPTIONS` of the page with the Observatory's `Origin`.
    pub cors_preflight: Option<Probe>,
    /// `GET /favicon.ico` (browsers request it when a page declares no icon).
    pub favicon: Option<Probe>,
    /// `GET /.well-known/security.txt` (RFC 9116), else the legacy `/security.txt`.
    pub security_txt: Option<Probe>,
    /// `GET /llms.txt` (a site summary for language models).
    pub llms_txt: Option<Probe>,
}

impl OriginFacts {
    /// Fetches only robots.txt: the facts that are the site's content rather than its
    /// server's configuration (for a directory target served by webaudit).
    pub async fn fetch_content_only(fetcher: &Fetcher, page_url: &Url) -> OriginFacts {
        let (robots_txt, favicon, security_txt, llms_txt) = tokio::join!(
            robots(fetcher, page_url),
            favicon(fetcher, page_url),
            security_txt(fetcher, page_url),
            text_file(fetcher, page_url, "/llms.txt")
        );
        OriginFacts {
            robots_txt,
            favicon,
            security_txt,
            llms_txt,
            ..OriginFacts::default()
        }
    }

    /// Fetches the facts of `page_url`'s origin concurrently.
    pub async fn fetch(fetcher: &Fetcher, page_url: &Url) -> OriginFacts {
        let robots = robots(fetcher, page_url);
        let http_probe = async {
            if page_url.scheme() != "https" {
                return None;
            }
            let mut url = page_url.join("/").ok()?;
            url.set_scheme("http").ok()?;
            url.set_port(None).ok()?;
            Some(get(fetcher, Request::get(url, BodyLimits::keep_all(0))).await)
        };
        let https_probe = async {
            if page_url.scheme() != "http" {
                return None;
            }
            let mut url = page_url.join("/").ok()?;
            url.set_scheme("https").ok()?;
            url.set_port(None).ok()?;
            Some(
                get(
                    fetcher,
                    Request::get(url, BodyLimits::keep_all(0)).no_redirects(),
                )
                .await,
            )
        };
        let cors = async {
            let mut request =
                Request::get(page_url.clone(), BodyLimits::keep_all(0)).no_redirects();
            request.method = Method::OPTIONS;
            let request = request
                .header(header::ORIGIN, HeaderValue::from_static(CORS_PROBE_ORIGIN))
                .header(
                    header::ACCESS_CONTROL_REQUEST_METHOD,
                    HeaderValue::from_static("GET"),
                );
            Some(get(fetcher, request).await)
        };
        let (robots_txt, http_probe, https_probe, cors_preflight, favicon, security_txt, llms_txt) = tokio::join!(
            robots,
            http_probe,
            https_probe,
            cors,
            favicon(fetcher, page_url),
            security_txt(fetcher, page_url),
            text_file(fetcher, page_url, "/llms.txt")
        );
        OriginFacts {
            robots_txt,
            http_probe,
            https_probe,
            cors_preflight,
            favicon,
            security_txt,
            llms_txt,
        }
    }
}

async fn text_file(fetcher: &Fetcher, page_url: &Url, path: &str) -> Option<Probe> {
    let url = page_url.join(path).ok()?;
    let cap = fetcher.settings().probe_cap;
    Some(get(fetcher, Request::get(url, BodyLimits::keep_all(cap))).await)
}

async fn robots(fetcher: &Fetcher, page_url: &Url) -> Option<Probe> {
    text_file(fetcher, page_url, "/robots.txt").await
}

async fn security_txt(fetcher: &Fetcher, page_url: &Url) -> Option<Probe> {
    let well_known = text_file(fetcher, page_url, "/.well-known/security.txt").await?;
    if well_known.ok() {
        return Some(well_known);
    }
    match text_file(fetcher, page_url, "/security.txt").await {
        Some(legacy) if legacy.ok() => Some(legacy),
        _ => Some(well_known),
    }
}

async fn favicon(fetcher: &Fetcher, page_url: &Url) -> Option<Probe> {
    let url = page_url.join("/favicon.ico").ok()?;
    Some(get(fetcher, Request::get(url, BodyLimits::keep_all(0))).await)
}

async fn get(fetcher: &Fetcher, request: Request) -> Probe {
    let url = request.url.clone();
    match fetcher.fetch(request).await {
        Ok(response) => Probe::from_response(response),
        Err(e) => Probe {
            certificate_invalid: e.is_certificate_failure(),
            ..Probe::failed(url, e.to_string())
        },
    }
}
