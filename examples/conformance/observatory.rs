//! The Mozilla HTTP Observatory (algorithm version 5) against the security rules.
//!
//! - Analyzer cases: one Observatory test on a given response (headers, cookies, body, the
//!   plain-HTTP redirect chain, the HTTPS response, the CORS preflight). A case agrees when the
//!   rule gives the same result id, pass flag and score modifier.
//! - Full scans: the two captured sites; the score and grade computed from all ten tests must
//!   equal the Observatory's.
//!
//! The captured responses become a [`Page`] and the origin probes ([`OriginFacts`]) that the
//! real fetcher would have produced. An https response captured with `verified: false` becomes
//! what webaudit sees of such a site live: the http page, with an https probe that failed
//! certificate verification.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use serde_json::Value;
use url::Url;
use webaudit::engine::page::{OriginFacts, Page, Probe};
use webaudit::engine::rules::catalogue;
use webaudit::engine::score::{observatory_grade, observatory_score};
use webaudit::report::{Observatory, RedirectHop};

use crate::Tally;

fn rule_for(test: &str) -> Option<&'static str> {
    Some(match test {
        "content-security-policy" => "security.content-security-policy",
        "cookies" => "security.cookies",
        "cross-origin-resource-sharing" => "security.cors",
        "redirection" => "security.redirection",
        "referrer-policy" => "security.referrer-policy",
        "strict-transport-security" => "security.hsts",
        "subresource-integrity" => "security.subresource-integrity",
        "x-content-type-options" => "security.x-content-type-options",
        "x-frame-options" => "security.x-frame-options",
        "cross-origin-resource-policy" => "security.corp",
        _ => return None,
    })
}

/// Header pairs from a JSON object whose values are strings or arrays of strings; pairs that
/// are not valid HTTP are dropped.
fn header_pairs(value: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (name, v) in value.as_object().into_iter().flatten() {
        let values: Vec<String> = match v {
            Value::Array(a) => a
                .iter()
                .filter_map(|x| x.as_str().map(str::to_owned))
                .collect(),
            Value::String(s) => vec![s.clone()],
            other => vec![other.to_string()],
        };
        for value in values {
            if http::HeaderName::from_bytes(name.as_bytes()).is_ok()
                && http::HeaderValue::from_str(&value).is_ok()
            {
                out.push((name.to_ascii_lowercase(), value));
            }
        }
    }
    out
}

fn header_map(pairs: &[(String, String)]) -> http::HeaderMap {
    let mut map = http::HeaderMap::new();
    for (name, value) in pairs {
        if let (Ok(n), Ok(v)) = (
            http::HeaderName::from_bytes(name.as_bytes()),
            http::HeaderValue::from_str(value),
        ) {
            map.append(n, v);
        }
    }
    map
}

fn status_of(value: &Value) -> Option<u16> {
    value["status"].as_u64().and_then(|s| u16::try_from(s).ok())
}

/// The plain-HTTP probe as a redirect chain (`route` lists each URL with its status).
fn route_probe(route: &[Value], response: &Value) -> Probe {
    let urls: Vec<&str> = route.iter().filter_map(|h| h["url"].as_str()).collect();
    let redirects = urls
        .windows(2)
        .zip(route)
        .map(|(pair, hop)| RedirectHop {
            url: pair[0].to_owned(),
            status: status_of(hop).unwrap_or(301),
            location: pair[1].to_owned(),
            time_ms: 0.0,
        })
        .collect();
    Probe {
        url: urls.first().and_then(|u| Url::parse(u).ok()),
        status: status_of(response),
        final_url: urls.last().and_then(|u| Url::parse(u).ok()),
        headers: header_map(&header_pairs(&response["headers"])),
        redirects,
        ..Probe::default()
    }
}

/// The captured responses of one site.
struct Capture<'a> {
    url: &'a str,
    status: u16,
    body: &'a str,
    headers: Vec<(String, String)>,
    https: &'a Value,
    http: &'a Value,
    redirects: &'a [Value],
    cors: &'a Value,
}

fn no_answer(why: &str) -> Probe {
    Probe {
        error: Some(why.to_owned()),
        ..Probe::default()
    }
}

fn build_page(capture: Capture<'_>) -> anyhow::Result<Page> {
    let mut headers = capture.headers;
    let mut origin = OriginFacts::default();
    // An https response whose certificate did not verify: webaudit refuses such TLS, so it
    // sees this site over http, with an https probe that fails certificate verification.
    let unverified = capture.https.get("verified") == Some(&Value::Bool(false));
    let http_url = capture.url.replacen("https:", "http:", 1);
    let url = if unverified {
        http_url.as_str()
    } else {
        capture.url
    };
    let is_https = url.starts_with("https:");
    if is_https {
        // HSTS is read from the HTTPS response of the site.
        headers.retain(|(name, _)| name != "strict-transport-security");
        headers.extend(
            header_pairs(&capture.https["headers"])
                .into_iter()
                .filter(|(name, _)| name == "strict-transport-security"),
        );
        origin.http_probe = Some(if capture.http.is_null() {
            no_answer("connection refused")
        } else if capture.redirects.is_empty() {
            let mut root = Url::parse(url)?.join("/")?;
            root.set_scheme("http")
                .map_err(|()| anyhow::anyhow!("cannot make {root} plain HTTP"))?;
            Probe {
                url: Some(root.clone()),
                final_url: Some(root),
                status: status_of(capture.http),
                ..Probe::default()
            }
        } else {
            route_probe(capture.redirects, capture.http)
        });
    } else {
        origin.https_probe = Some(if unverified {
            Probe {
                error: Some("invalid peer certificate (captured response not verified)".into()),
                certificate_invalid: true,
                ..Probe::default()
            }
        } else if capture.https.is_null() {
            no_answer("no https")
        } else {
            Probe {
                status: status_of(capture.https),
                headers: header_map(&header_pairs(&capture.https["headers"])),
                ..Probe::default()
            }
        });
    }
    origin.cors_preflight = Some(if capture.cors.is_null() {
        no_answer("no response")
    } else {
        Probe {
            status: status_of(capture.cors),
            headers: header_map(&header_pairs(&capture.cors["headers"])),
            ..Probe::default()
        }
    });
    let refs: Vec<(&str, &str)> = headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let mut page = Page::from_html(url, capture.body).with_headers(&refs);
    page.status = capture.status;
    page.origin = Arc::new(origin);
    Ok(page)
}

fn observe(test: &str, page: &Page) -> anyhow::Result<Observatory> {
    let id = rule_for(test).with_context(|| format!("no rule for Observatory test {test}"))?;
    let rule = catalogue()
        .iter()
        .find(|r| r.id == id)
        .with_context(|| format!("rule {id} is not in the catalogue"))?;
    (rule.check)(page)
        .observatory
        .with_context(|| format!("{id} gave no Observatory result"))
}

fn run_cases(dir: &Path, spec: &Value, verbose: bool) -> anyhow::Result<Tally> {
    let defaults = &spec["case_defaults"];
    let mut per_test: BTreeMap<String, Tally> = BTreeMap::new();
    for case in spec["cases"].as_array().into_iter().flatten() {
        let test = case["test"].as_str().unwrap_or_default();
        let input = &case["input"];
        let get = |key: &str| input.get(key).unwrap_or(&defaults[key]);
        let body = match get("html_file").as_str() {
            Some(file) => std::fs::read_to_string(dir.join("files").join(file))?,
            None => get("body").as_str().unwrap_or_default().to_owned(),
        };
        let mut headers = header_pairs(get("headers"));
        for cookie in get("set_cookie").as_array().into_iter().flatten() {
            headers.push((
                "set-cookie".into(),
                cookie.as_str().unwrap_or_default().to_owned(),
            ));
        }
        let redirects = get("http_redirects")
            .as_array()
            .cloned()
            .unwrap_or_default();
        let page = build_page(Capture {
            url: get("url").as_str().unwrap_or_default(),
            status: status_of(input).or(status_of(defaults)).unwrap_or(200),
            body: &body,
            headers,
            https: get("https_response"),
            http: get("http_response"),
            redirects: &redirects,
            cors: get("cors_response"),
        })?;
        let got = observe(test, &page)?;
        let expect = &case["expect"];
        let agreed = expect["result"] == got.result.as_str()
            && expect["pass"] == got.pass
            && expect["score_modifier"].as_i64() == Some(i64::from(got.score_modifier));
        per_test.entry(test.to_owned()).or_default().record(agreed);
        if !agreed && verbose {
            println!(
                "    {}: got {} {} {}, expected {} {} {}",
                case["id"].as_str().unwrap_or("?"),
                got.result,
                got.pass,
                got.score_modifier,
                expect["result"],
                expect["pass"],
                expect["score_modifier"]
            );
        }
    }
    let mut total = Tally::default();
    for (test, tally) in &per_test {
        println!("  {test:<32} {tally}");
        total.add(*tally);
    }
    Ok(total)
}

fn run_scans(dir: &Path, spec: &Value) -> anyhow::Result<Tally> {
    let mut tally = Tally::default();
    for scan in spec["full_scans"].as_array().into_iter().flatten() {
        let fixture = scan["fixture"].as_str().context("scan without fixture")?;
        let captured: Value = serde_json::from_str(&std::fs::read_to_string(dir.join(fixture))?)?;
        let responses = &captured["responses"];
        let redirects = responses["httpRedirects"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let page = build_page(Capture {
            url: captured["session"]["url"].as_str().unwrap_or_default(),
            status: status_of(&responses["auto"]).unwrap_or(200),
            body: responses["auto"]["data"].as_str().unwrap_or_default(),
            headers: header_pairs(&responses["auto"]["headers"]),
            https: &responses["https"],
            http: &responses["http"],
            redirects: &redirects,
            cors: &responses["cors"],
        })?;
        let mut modifiers = Vec::new();
        let mut results_agree = 0;
        let tests: Vec<&str> = spec["tests"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        for test in &tests {
            let got = observe(test, &page)?;
            if scan["tests"][test]["result"] == got.result.as_str() {
                results_agree += 1;
            }
            modifiers.push(got.score_modifier);
        }
        let score = observatory_score(modifiers);
        let grade = observatory_grade(score);
        let expect = &scan["expect"];
        let agreed = expect["score"].as_i64() == Some(i64::from(score)) && expect["grade"] == grade;
        tally.record(agreed);
        println!(
            "  scan {:<26} {grade} / {score} (Observatory {} / {}), {results_agree}/{} test results agree",
            scan["site"].as_str().unwrap_or("?"),
            expect["grade"].as_str().unwrap_or("?"),
            expect["score"],
            tests.len()
        );
    }
    Ok(tally)
}

/// Runs the analyzer cases and the full scans.
pub fn run(dir: &Path, verbose: bool) -> anyhow::Result<Tally> {
    println!("Mozilla HTTP Observatory ({})", dir.display());
    let spec: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("expectations.json"))?)?;
    let mut total = run_cases(dir, &spec, verbose)?;
    total.add(run_scans(dir, &spec)?);
    println!("  observatory total: {total}");
    Ok(total)
}
