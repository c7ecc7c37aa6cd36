//! Redirection: the Observatory's `redirection` test.
//!
//! The route is `http://host/` followed through its redirects (the origin's plain-http probe).
//! For a page that is itself served over http, the page's own redirect chain is the route. With
//! an empty preload list and certificates taken as valid, `redirection-all-redirects-preloaded`
//! and `redirection-invalid-cert` do not occur.

use url::Url;

use super::{LOCAL_SERVER, Verdict};
use crate::engine::page::Page;
use crate::engine::page::dom::{SNIPPET_MAX, shorten};
use crate::engine::rules::Check;
use crate::report::{Evidence, RedirectHop};

/// The Observatory test name.
const TEST: &str = "redirection";

const TO_HTTPS: Verdict = Verdict {
    test: TEST,
    id: "redirection-to-https",
    modifier: 0,
    pass: true,
    meaning: "plain http redirects to https on the same host first",
};
const NOT_NEEDED_NO_HTTP: Verdict = Verdict {
    test: TEST,
    id: "redirection-not-needed-no-http",
    modifier: 0,
    pass: true,
    meaning: "nothing answers on plain http, so no redirect is needed",
};
const OFF_HOST: Verdict = Verdict {
    test: TEST,
    id: "redirection-off-host-from-http",
    modifier: -5,
    pass: false,
    meaning: "the first redirect leaves the host while switching to https, so HSTS on the host is never set",
};
const NOT_TO_HTTPS_INITIALLY: Verdict = Verdict {
    test: TEST,
    id: "redirection-not-to-https-on-initial-redirection",
    modifier: -10,
    pass: false,
    meaning: "the first redirect goes to another plain-http URL before reaching https",
};
const NOT_TO_HTTPS: Verdict = Verdict {
    test: TEST,
    id: "redirection-not-to-https",
    modifier: -20,
    pass: false,
    meaning: "plain http redirects, but never to https",
};
const MISSING: Verdict = Verdict {
    test: TEST,
    id: "redirection-missing",
    modifier: -20,
    pass: false,
    meaning: "plain http serves the site without redirecting to https",
};

/// The URLs visited: every redirecting URL, then the final one.
fn route(hops: &[RedirectHop], last: &Url) -> Vec<String> {
    hops.iter()
        .map(|h| h.url.clone())
        .chain(std::iter::once(last.to_string()))
        .collect()
}

fn scheme(url: &str) -> Option<String> {
    Url::parse(url).ok().map(|u| u.scheme().to_owned())
}

fn host(url: &str) -> Option<String> {
    Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
}

/// The result for a route, in the Observatory's order.
fn judge(route: &[String]) -> Verdict {
    let is = |i: usize, s: &str| route.get(i).and_then(|u| scheme(u)).as_deref() == Some(s);
    if route.len() <= 1 {
        MISSING
    } else if !is(route.len() - 1, "https") {
        NOT_TO_HTTPS
    } else if is(1, "http") {
        NOT_TO_HTTPS_INITIALLY
    } else if is(0, "http") && is(1, "https") && host(&route[0]) != host(&route[1]) {
        OFF_HOST
    } else {
        TO_HTTPS
    }
}

/// The route to judge, or why there is none (then no plain-http answer is assumed).
fn find_route(page: &Page) -> Result<(Vec<String>, &'static str), String> {
    if !page.is_https() {
        return Ok((
            route(&page.redirects, &page.final_url),
            "the page itself is served over plain http",
        ));
    }
    match page.origin.http_probe.as_ref() {
        Some(probe) => match (
            probe.status,
            probe.final_url.as_ref().or(probe.url.as_ref()),
        ) {
            (Some(_), Some(last)) => Ok((route(&probe.redirects, last), "")),
            _ => Err(match &probe.error {
                Some(e) => format!("http://host/ did not answer: {e}"),
                None => "http://host/ did not answer".to_owned(),
            }),
        },
        None if page.url.scheme() == "http" => Ok((
            route(&page.redirects, &page.final_url),
            "from the page's own redirects; http://host/ was not probed",
        )),
        None => Err("http://host/ was not probed; treated as not answering".to_owned()),
    }
}

/// The `redirection` test of a page.
pub(super) fn redirection(page: &Page) -> Check {
    if !page.is_remote() {
        return Check::not_applicable(LOCAL_SERVER);
    }
    let (route, note) = match find_route(page) {
        Ok(found) => found,
        Err(why) => return NOT_NEEDED_NO_HTTP.report(&why, None),
    };
    let verdict = judge(&route);
    let path = route.join(" → ");
    let seen = if note.is_empty() {
        path.clone()
    } else {
        format!("{path}; {note}")
    };
    let evidence = Evidence {
        detail: Some(verdict.detail(&seen)),
        url: route.first().cloned(),
        snippet: Some(shorten(&path, SNIPPET_MAX)),
        ..Evidence::default()
    };
    verdict.check(evidence, Vec::new())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::engine::page::{OriginFacts, Probe};
    use crate::engine::rules::testing::{check, page};
    use crate::report::Outcome;

    const RULE: &str = "security.redirection";

    fn hop(url: &str, location: &str) -> RedirectHop {
        RedirectHop {
            url: url.into(),
            status: 301,
            location: location.into(),
            time_ms: 1.0,
        }
    }

    /// An https page whose http probe visited `urls` (the last one answered).
    fn probed(urls: &[&str]) -> Page {
        let mut p = page("");
        let hops = urls.windows(2).map(|w| hop(w[0], w[1])).collect::<Vec<_>>();
        p.origin = Arc::new(OriginFacts {
            http_probe: Some(Probe {
                url: Url::parse(urls[0]).ok(),
                status: Some(200),
                final_url: urls.last().and_then(|u| Url::parse(u).ok()),
                redirects: hops,
                ..Probe::default()
            }),
            ..OriginFacts::default()
        });
        p
    }

    fn result(p: &Page) -> String {
        check(RULE, p).observatory.unwrap().result
    }

    #[test]
    fn route_table() {
        let table: [(&[&str], &str); 6] = [
            (
                &["http://site.example/", "https://site.example/"],
                "redirection-to-https",
            ),
            (
                &[
                    "http://site.example/",
                    "https://site.example:8443/",
                    "https://www.site.example/",
                ],
                "redirection-to-https",
            ),
            (&["http://site.example/"], "redirection-missing"),
            (
                &["http://site.example/", "http://www.site.example/"],
                "redirection-not-to-https",
            ),
            (
                &[
                    "http://site.example/",
                    "http://www.site.example/",
                    "https://www.site.example/",
                ],
                "redirection-not-to-https-on-initial-redirection",
            ),
            (
                &["http://site.example/", "https://www.site.example/"],
                "redirection-off-host-from-http",
            ),
        ];
        for (urls, expected) in table {
            assert_eq!(result(&probed(urls)), expected, "{urls:?}");
        }
    }

    #[test]
    fn no_http_and_unprobed() {
        let mut p = page("");
        assert_eq!(result(&p), "redirection-not-needed-no-http");
        assert!(
            check(RULE, &p)
                .evidence
                .detail
                .unwrap()
                .contains("not probed")
        );
        p.origin = Arc::new(OriginFacts {
            http_probe: Some(Probe {
                error: Some("connection refused".into()),
                ..Probe::default()
            }),
            ..OriginFacts::default()
        });
        assert_eq!(result(&p), "redirection-not-needed-no-http");
        // An http page that redirected to https: its own chain is the route.
        let mut p = page("");
        p.url = Url::parse("http://site.example/page").unwrap();
        p.redirects = vec![hop("http://site.example/page", "https://site.example/page")];
        assert_eq!(result(&p), "redirection-to-https");
    }

    #[test]
    fn http_pages_fail() {
        let p = Page::from_html("http://site.example/", "");
        let c = check(RULE, &p);
        assert_eq!(c.outcome, Outcome::Fail);
        assert_eq!(c.observatory.unwrap().result, "redirection-missing");
    }
}
