//! Cookies: the Observatory's `cookies` test.
//!
//! Cookies are collected the way the Observatory's cookie jar collects them: the `Set-Cookie`
//! lines of the page and of the `/robots.txt` probe, parsed strictly (a line without `name=` is
//! dropped), kept only when their `Domain` matches the host that set them and their `__Secure-`
//! / `__Host-` prefix rules hold, and a later cookie replaces an earlier one of the same name,
//! domain and path. `heroku-session-affinity` is ignored. A session cookie is one whose name
//! contains `login` or `sess`, an anti-CSRF cookie one whose name contains `csrf`.
//!
//! Deviation: the Observatory's jar also rejects a `Domain` that is a public suffix; here only a
//! single-label domain other than the host itself is rejected (there is no suffix list).

use url::Url;

use super::{LOCAL_SERVER, Verdict, hsts};
use crate::engine::page::Page;
use crate::engine::page::dom::shorten;
use crate::engine::rules::Check;
use crate::report::Evidence;
use crate::report::wording::counted;

/// The Observatory test name.
const TEST: &str = "cookies";
/// Cookies the Observatory ignores (a load balancer's, see mozilla/http-observatory#282).
const IGNORED: [&str; 1] = ["heroku-session-affinity"];
/// Name fragments of session cookies.
const SESSION_MARKERS: [&str; 2] = ["login", "sess"];
/// Name fragment of anti-CSRF cookies.
const CSRF_MARKER: &str = "csrf";
/// SameSite values a browser understands.
const SAMESITE_VALUES: [&str; 3] = ["lax", "strict", "none"];
/// At most this many cookie names are listed in the evidence.
const LISTED_COOKIES: usize = 8;

const WITH_SAMESITE: Verdict = Verdict {
    test: TEST,
    id: "cookies-secure-with-httponly-sessions-and-samesite",
    modifier: 5,
    pass: true,
    meaning: "every cookie is Secure and has SameSite, and session cookies are HttpOnly",
};
const SECURE_WITH_HTTPONLY_SESSIONS: Verdict = Verdict {
    test: TEST,
    id: "cookies-secure-with-httponly-sessions",
    modifier: 0,
    pass: true,
    meaning: "every cookie is Secure and session cookies are HttpOnly (SameSite on every cookie would earn a bonus)",
};
const NOT_FOUND: Verdict = Verdict {
    test: TEST,
    id: "cookies-not-found",
    modifier: 0,
    pass: true,
    meaning: "no cookies are set",
};
const NO_SECURE_BUT_HSTS: Verdict = Verdict {
    test: TEST,
    id: "cookies-without-secure-flag-but-protected-by-hsts",
    modifier: -5,
    pass: false,
    meaning: "a cookie lacks Secure, though HSTS keeps it off plain http",
};
const SESSION_NO_SECURE_BUT_HSTS: Verdict = Verdict {
    test: TEST,
    id: "cookies-session-without-secure-flag-but-protected-by-hsts",
    modifier: -10,
    pass: false,
    meaning: "a session cookie lacks Secure, though HSTS keeps it off plain http",
};
const NO_SECURE: Verdict = Verdict {
    test: TEST,
    id: "cookies-without-secure-flag",
    modifier: -20,
    pass: false,
    meaning: "a cookie lacks Secure, so it is also sent over plain http",
};
const SAMESITE_INVALID: Verdict = Verdict {
    test: TEST,
    id: "cookies-samesite-flag-invalid",
    modifier: -20,
    pass: false,
    meaning: "a SameSite attribute is not Lax, Strict or None, or SameSite=None lacks Secure",
};
const CSRF_NO_SAMESITE: Verdict = Verdict {
    test: TEST,
    id: "cookies-anticsrf-without-samesite-flag",
    modifier: -20,
    pass: false,
    meaning: "an anti-CSRF cookie has no SameSite attribute",
};
const SESSION_NO_HTTPONLY: Verdict = Verdict {
    test: TEST,
    id: "cookies-session-without-httponly-flag",
    modifier: -30,
    pass: false,
    meaning: "a session cookie lacks HttpOnly, so injected scripts can steal it",
};
const SESSION_NO_SECURE: Verdict = Verdict {
    test: TEST,
    id: "cookies-session-without-secure-flag",
    modifier: -40,
    pass: false,
    meaning: "a session cookie lacks Secure, so it is sent over plain http",
};

/// The failing results from least to most severe (the Observatory keeps the worst).
const WORSENING: [Verdict; 7] = [
    NO_SECURE_BUT_HSTS,
    NO_SECURE,
    SESSION_NO_SECURE_BUT_HSTS,
    SAMESITE_INVALID,
    CSRF_NO_SAMESITE,
    SESSION_NO_HTTPONLY,
    SESSION_NO_SECURE,
];

/// A cookie as the jar stores it.
#[derive(Debug, Clone, PartialEq)]
struct Cookie {
    name: String,
    domain: String,
    path: String,
    secure: bool,
    http_only: bool,
    /// A recognised SameSite value (lower-case).
    same_site: Option<String>,
}

/// Parses one `Set-Cookie` line set by `url` as a strict cookie jar does; `None` when the jar
/// would reject it.
fn parse_cookie(line: &str, url: &Url) -> Option<Cookie> {
    let line = super::js_trim(line);
    let (pair, attributes) = line.split_once(';').unwrap_or((line, ""));
    let pair = pair.split(['\n', '\r', '\0']).next().unwrap_or_default();
    let (name, _value) = pair.split_once('=')?;
    let name = super::js_trim(name);
    if name.is_empty() || name.chars().any(char::is_control) {
        return None;
    }
    let host = url.host_str()?.to_ascii_lowercase();
    let mut cookie = Cookie {
        name: name.to_owned(),
        domain: host.clone(),
        path: default_path(url),
        secure: false,
        http_only: false,
        same_site: None,
    };
    let mut domain_attribute = None;
    for attribute in attributes.split(';') {
        let (key, value) = match attribute.split_once('=') {
            Some((k, v)) => (k, Some(super::js_trim(v))),
            None => (attribute, None),
        };
        let value = value.filter(|v| !v.is_empty());
        match super::js_trim(key).to_ascii_lowercase().as_str() {
            "domain" => {
                if let Some(d) = value
                    .map(|v| v.strip_prefix('.').unwrap_or(v))
                    .filter(|d| !d.is_empty())
                {
                    domain_attribute = Some(d.to_ascii_lowercase());
                }
            }
            "path" => {
                cookie.path = value
                    .filter(|v| v.starts_with('/'))
                    .map_or_else(|| default_path(url), str::to_owned);
            }
            "secure" => cookie.secure = true,
            "httponly" => cookie.http_only = true,
            "samesite" => {
                cookie.same_site = value
                    .map(str::to_ascii_lowercase)
                    .filter(|v| SAMESITE_VALUES.contains(&v.as_str()));
            }
            _ => {}
        }
    }
    if let Some(domain) = domain_attribute {
        let matches = host == domain || host.ends_with(&format!(".{domain}"));
        if !matches || (!domain.contains('.') && domain != host) {
            return None;
        }
        cookie.domain = domain;
    }
    let prefix_ok = if cookie.name.starts_with("__Secure-") {
        cookie.secure
    } else if cookie.name.starts_with("__Host-") {
        cookie.secure && cookie.domain == host && cookie.path == "/"
    } else {
        true
    };
    prefix_ok.then_some(cookie)
}

/// The default cookie path of a URL: its path up to (not including) the last `/`.
fn default_path(url: &Url) -> String {
    let path = url.path();
    match path.rfind('/') {
        Some(0) | None => "/".to_owned(),
        Some(i) => path[..i].to_owned(),
    }
}

/// True when a raw `Set-Cookie` line has a SameSite attribute with no value or an unknown one
/// (the Observatory checks the page's own lines for this).
fn has_invalid_samesite(line: &str) -> bool {
    line.trim().split(';').any(|part| {
        let mut pieces = part.trim().split('=');
        let key = pieces.next().unwrap_or_default();
        if !key.trim().eq_ignore_ascii_case("samesite") {
            return false;
        }
        match pieces.next().map(str::trim) {
            None | Some("") => true,
            Some(value) => !SAMESITE_VALUES.contains(&value.to_ascii_lowercase().as_str()),
        }
    })
}

/// The `Set-Cookie` lines of a header map.
fn set_cookie_lines(headers: &http::HeaderMap) -> Vec<String> {
    headers
        .get_all(http::header::SET_COOKIE)
        .iter()
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .collect()
}

/// Every cookie of the page and of its robots.txt probe, as the jar keeps them.
fn collect_cookies(page: &Page) -> Vec<Cookie> {
    let mut sources: Vec<(Url, Vec<String>)> =
        vec![(page.final_url.clone(), set_cookie_lines(&page.headers))];
    if let Some(robots) = &page.origin.robots_txt
        && let Some(url) = robots.final_url.clone().or_else(|| robots.url.clone())
    {
        sources.push((url, set_cookie_lines(&robots.headers)));
    }
    let mut jar: Vec<Cookie> = Vec::new();
    for (url, lines) in &sources {
        for cookie in lines.iter().filter_map(|l| parse_cookie(l, url)) {
            jar.retain(|c| {
                (&c.name, &c.domain, &c.path) != (&cookie.name, &cookie.domain, &cookie.path)
            });
            jar.push(cookie);
        }
    }
    jar.retain(|c| !IGNORED.contains(&c.name.as_str()));
    jar
}

/// The worse of two results (the Observatory's `onlyIfWorse`).
fn worse(current: Option<Verdict>, candidate: Verdict) -> Option<Verdict> {
    let rank = |v: Verdict| WORSENING.iter().position(|w| *w == v);
    match current {
        Some(c) if rank(candidate) <= rank(c) => Some(c),
        _ => Some(candidate),
    }
}

/// What is wrong with one cookie, and the result it leads to.
fn problems(cookie: &Cookie, hsts: bool) -> (Option<Verdict>, Vec<&'static str>) {
    let lower = cookie.name.to_lowercase();
    let session = SESSION_MARKERS.iter().any(|m| lower.contains(m));
    let csrf = lower.contains(CSRF_MARKER);
    let mut result = None;
    let mut notes = Vec::new();
    if !cookie.secure && cookie.same_site.as_deref() == Some("none") {
        result = worse(result, SAMESITE_INVALID);
        notes.push("SameSite=None without Secure");
    }
    if !cookie.secure {
        result = worse(result, if hsts { NO_SECURE_BUT_HSTS } else { NO_SECURE });
        if session {
            result = worse(
                result,
                if hsts {
                    SESSION_NO_SECURE_BUT_HSTS
                } else {
                    SESSION_NO_SECURE
                },
            );
        }
        notes.push(if session {
            "session cookie without Secure"
        } else {
            "no Secure"
        });
    }
    if csrf && cookie.same_site.is_none() {
        result = worse(result, CSRF_NO_SAMESITE);
        notes.push("anti-CSRF cookie without SameSite");
    }
    if session && !cookie.http_only {
        result = worse(result, SESSION_NO_HTTPONLY);
        notes.push("session cookie without HttpOnly");
    }
    (result, notes)
}

/// The `cookies` test of a page.
pub(super) fn cookies(page: &Page) -> Check {
    if !page.is_remote() {
        return Check::not_applicable(LOCAL_SERVER);
    }
    let hsts = hsts::analyze(page).passes();
    let raw_invalid: Vec<String> = set_cookie_lines(&page.headers)
        .into_iter()
        .filter(|l| has_invalid_samesite(l))
        .collect();
    let jar = collect_cookies(page);
    if jar.is_empty() {
        let seen = if page.origin.robots_txt.is_none() {
            "the page sets none; /robots.txt was not fetched"
        } else {
            ""
        };
        return NOT_FOUND.report(seen, None);
    }
    let mut result = (!raw_invalid.is_empty()).then_some(SAMESITE_INVALID);
    let mut listed = Vec::new();
    for cookie in &jar {
        let (verdict, notes) = problems(cookie, hsts);
        if let Some(v) = verdict {
            result = worse(result, v);
        }
        if !notes.is_empty() {
            listed.push(format!("{} ({})", cookie.name, notes.join(", ")));
        }
    }
    let verdict = result.unwrap_or(if jar.iter().all(|c| c.same_site.is_some()) {
        WITH_SAMESITE
    } else {
        SECURE_WITH_HTTPONLY_SESSIONS
    });
    let mut seen = counted(jar.len(), "cookie", "cookies");
    if !raw_invalid.is_empty() {
        seen.push_str(&format!(
            "; invalid SameSite in `{}`",
            shorten(&raw_invalid[0], 80)
        ));
    }
    if !listed.is_empty() {
        let more = listed.len().saturating_sub(LISTED_COOKIES);
        listed.truncate(LISTED_COOKIES);
        seen.push_str(&format!("; {}", listed.join("; ")));
        if more > 0 {
            seen.push_str(&format!("; {more} more"));
        }
    }
    if !jar.iter().all(|c| c.same_site.is_some()) && verdict == SECURE_WITH_HTTPONLY_SESSIONS {
        let missing: Vec<&str> = jar
            .iter()
            .filter(|c| c.same_site.is_none())
            .map(|c| c.name.as_str())
            .take(LISTED_COOKIES)
            .collect();
        seen.push_str(&format!("; without SameSite: {}", missing.join(", ")));
    }
    verdict.check(
        Evidence {
            detail: Some(verdict.detail(&seen)),
            url: Some(page.final_url.to_string()),
            ..Evidence::default()
        },
        Vec::new(),
    )
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::engine::page::{OriginFacts, Probe};
    use crate::engine::rules::testing::{check, page};
    use crate::report::Outcome;

    const RULE: &str = "security.cookies";

    fn result(cookies: &[&str], hsts: bool) -> String {
        let mut headers: Vec<(&str, &str)> = cookies.iter().map(|c| ("set-cookie", *c)).collect();
        if hsts {
            headers.push(("strict-transport-security", "max-age=31536000"));
        }
        check(RULE, &page("").with_headers(&headers))
            .observatory
            .unwrap()
            .result
    }

    #[test]
    fn cookie_table() {
        let table: [(&[&str], bool, &str); 14] = [
            (&[], false, "cookies-not-found"),
            (
                &["heroku-session-affinity=x; Path=/"],
                false,
                "cookies-not-found",
            ),
            (&["nameonly"], false, "cookies-not-found"),
            (
                &["sid_sess=1; Secure; HttpOnly", "theme=dark; Secure"],
                false,
                "cookies-secure-with-httponly-sessions",
            ),
            (
                &[
                    "sid_sess=1; Secure; HttpOnly; SameSite=Lax",
                    "theme=dark; Secure; SameSite=Strict",
                ],
                false,
                "cookies-secure-with-httponly-sessions-and-samesite",
            ),
            (&["theme=dark"], false, "cookies-without-secure-flag"),
            (
                &["theme=dark"],
                true,
                "cookies-without-secure-flag-but-protected-by-hsts",
            ),
            (
                &["PHPSESSID=1; HttpOnly"],
                false,
                "cookies-session-without-secure-flag",
            ),
            (
                &["PHPSESSID=1; HttpOnly"],
                true,
                "cookies-session-without-secure-flag-but-protected-by-hsts",
            ),
            (
                &["login_token=1; Secure"],
                false,
                "cookies-session-without-httponly-flag",
            ),
            (
                &["csrftoken=1; Secure"],
                false,
                "cookies-anticsrf-without-samesite-flag",
            ),
            (
                &["theme=1; Secure; SameSite=Yes"],
                false,
                "cookies-samesite-flag-invalid",
            ),
            (
                &["theme=1; Secure; SameSite"],
                false,
                "cookies-samesite-flag-invalid",
            ),
            // A cookie for another domain is rejected by the jar.
            (
                &["theme=dark; Domain=other.example"],
                false,
                "cookies-not-found",
            ),
        ];
        for (cookies, hsts, expected) in table {
            assert_eq!(result(cookies, hsts), expected, "{cookies:?} hsts={hsts}");
        }
    }

    #[test]
    fn worst_result_wins_and_is_listed() {
        let p = page("").with_headers(&[
            ("set-cookie", "theme=dark"),
            ("set-cookie", "SESSIONID=1; Secure"),
        ]);
        let c = check(RULE, &p);
        assert_eq!(c.outcome, Outcome::Fail);
        assert_eq!(
            c.observatory.as_ref().unwrap().result,
            "cookies-session-without-httponly-flag"
        );
        let detail = c.failures[0].detail.clone().unwrap();
        assert!(
            detail.contains("SESSIONID (session cookie without HttpOnly)"),
            "{detail}"
        );
        assert!(detail.contains("theme (no Secure)"), "{detail}");
    }

    #[test]
    fn robots_txt_cookies_count() {
        let mut p = page("");
        let mut robots = Probe {
            url: Some(Url::parse("https://site.example/robots.txt").unwrap()),
            status: Some(200),
            ..Probe::default()
        };
        robots.headers.append(
            "set-cookie",
            http::HeaderValue::from_static("visitor_sess=1; Path=/"),
        );
        p.origin = Arc::new(OriginFacts {
            robots_txt: Some(robots),
            ..OriginFacts::default()
        });
        assert_eq!(
            check(RULE, &p).observatory.unwrap().result,
            "cookies-session-without-secure-flag"
        );
    }

    #[test]
    fn jar_parsing() {
        let url = Url::parse("https://www.site.example/a/b").unwrap();
        let c = parse_cookie(
            "  x = 1 ; Domain=.Site.Example; Path=/p; SECURE; HttpOnly; SameSite=STRICT",
            &url,
        )
        .unwrap();
        assert_eq!(
            (c.name.as_str(), c.domain.as_str(), c.path.as_str()),
            ("x", "site.example", "/p")
        );
        assert!(c.secure && c.http_only);
        assert_eq!(c.same_site.as_deref(), Some("strict"));
        assert_eq!(parse_cookie("y=1", &url).unwrap().path, "/a");
        assert!(parse_cookie("=1", &url).is_none());
        assert!(parse_cookie("y=1; Domain=example", &url).is_none());
        assert!(parse_cookie("__Secure-y=1", &url).is_none());
        assert!(parse_cookie("__Host-y=1; Secure; Path=/", &url).is_some());
        assert!(parse_cookie("__Host-y=1; Secure; Path=/; Domain=site.example", &url).is_none());
    }
}
