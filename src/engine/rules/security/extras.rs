//! Security checks the Observatory leaves out: mixed content (active and passive), forms that
//! post to plain HTTP, headers that reveal software versions, and `security.txt` (RFC 9116).
//! Their failures carry webaudit's own penalties (the rule's `penalty`), which count in the
//! 0–100 security score but not in the Observatory grade.

use crate::engine::page::index::IndexedSelector;
use chrono::{DateTime, Utc};
use scraper::ElementRef;
use url::Url;

use super::super::{Check, FixText, Refs, Rule};
use crate::engine::page::dom::{Attribute, css_path, snippet};
use crate::engine::page::{Page, Served};
use crate::report::{Category, Evidence, Severity};
use crate::sel;

/// Expires dates further out than this are flagged (RFC 9116 recommends less than a year).
pub const SECURITY_TXT_MAX_DAYS: i64 = 366;

fn element_evidence(el: ElementRef<'_>, url: &Url, detail: String) -> Evidence {
    Evidence {
        selector: Some(css_path(el)),
        snippet: Some(snippet(el)),
        url: Some(url.to_string()),
        detail: Some(detail),
        ..Evidence::default()
    }
}

/// True when the page's CSP (header or meta) upgrades insecure requests.
fn upgrades_insecure_requests(page: &Page) -> bool {
    let header = page
        .header_all("content-security-policy")
        .iter()
        .any(|v| v.to_ascii_lowercase().contains("upgrade-insecure-requests"));
    header
        || page.select(sel!("meta[http-equiv][content]")).any(|m| {
            m.attribute("http-equiv")
                .is_some_and(|h| h.trim().eq_ignore_ascii_case("content-security-policy"))
                && m.attribute("content")
                    .is_some_and(|c| c.to_ascii_lowercase().contains("upgrade-insecure-requests"))
        })
}

/// Plain-http URLs of elements matching (selector, attribute) pairs.
fn insecure_refs<'a>(
    page: &'a Page,
    targets: &[(&'static IndexedSelector, &str)],
) -> Vec<(ElementRef<'a>, Url)> {
    let base = page.base_url();
    let mut out = Vec::new();
    for (selector, attr) in targets {
        for el in page.select(selector) {
            let values: Vec<&str> = if *attr == "srcset" {
                el.attribute("srcset")
                    .map(|s| {
                        s.split(',')
                            .filter_map(|c| c.split_whitespace().next())
                            .collect()
                    })
                    .unwrap_or_default()
            } else {
                el.attribute(attr).into_iter().collect()
            };
            for value in values {
                if let Ok(url) = base.join(value.trim())
                    && url.scheme() == "http"
                {
                    out.push((el, url));
                }
            }
        }
    }
    out
}

fn mixed_content(page: &Page, active: bool) -> Check {
    if !page.is_https() {
        return Check::not_applicable("mixed content only exists on https pages");
    }
    let found = if active {
        insecure_refs(
            page,
            &[
                (sel!("script[src]"), "src"),
                (
                    sel!("link[rel~=stylesheet][href], link[rel~=STYLESHEET][href]"),
                    "href",
                ),
                (sel!("iframe[src], frame[src]"), "src"),
                (sel!("object[data]"), "data"),
                (sel!("embed[src]"), "src"),
            ],
        )
    } else {
        insecure_refs(
            page,
            &[
                (
                    sel!("img[src], audio[src], video[src], source[src], track[src]"),
                    "src",
                ),
                (sel!("img[srcset], source[srcset]"), "srcset"),
                (sel!("video[poster]"), "poster"),
            ],
        )
    };
    if found.is_empty() {
        return Check::pass();
    }
    if upgrades_insecure_requests(page) {
        return Check::pass().with_evidence(Evidence {
            detail: Some(format!(
                "{} http:// references are upgraded by the CSP directive upgrade-insecure-requests",
                found.len()
            )),
            ..Evidence::default()
        });
    }
    let what = if active {
        "blocked by browsers (active mixed content): the resource does not load"
    } else {
        "loaded over plain HTTP on an https page (passive mixed content): it can be read and swapped"
    };
    Check::from_failures(
        found
            .into_iter()
            .map(|(el, url)| element_evidence(el, &url, format!("{url} is {what}")))
            .collect(),
    )
}

fn mixed_content_active(page: &Page) -> Check {
    mixed_content(page, true)
}

fn mixed_content_passive(page: &Page) -> Check {
    mixed_content(page, false)
}

fn insecure_forms(page: &Page) -> Check {
    let forms: Vec<ElementRef<'_>> = page.select(sel!("form")).collect();
    if forms.is_empty() {
        return Check::not_applicable("the page has no forms");
    }
    let base = page.base_url();
    let failures = forms
        .into_iter()
        .filter_map(|form| {
            let action = form
                .attribute("action")
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .and_then(|a| base.join(a).ok())
                .unwrap_or_else(|| page.final_url.clone());
            let local_page =
                page.served == Served::LocalDirectory && action.origin() == page.final_url.origin();
            (action.scheme() == "http" && !local_page).then(|| {
                element_evidence(
                    form,
                    &action,
                    format!("the form sends what people type to {action} over plain HTTP"),
                )
            })
        })
        .collect();
    Check::from_failures(failures)
}

/// Headers that name the server software.
const DISCLOSING_HEADERS: &[&str] = &[
    "server",
    "x-powered-by",
    "x-aspnet-version",
    "x-aspnetmvc-version",
    "x-generator",
    "x-drupal-cache",
    "x-runtime",
];

fn has_version(value: &str) -> bool {
    value
        .split(|c: char| c == '/' || c.is_whitespace() || c == '(' || c == ')')
        .any(|part| {
            let mut chars = part.chars();
            chars.next().is_some_and(|c| c.is_ascii_digit()) && part.contains('.')
        })
}

fn version_disclosure(page: &Page) -> Check {
    let mut failures = Vec::new();
    if page.is_remote() {
        for name in DISCLOSING_HEADERS {
            for value in page.header_all(name) {
                let always = !matches!(*name, "server");
                if always || has_version(value) {
                    failures.push(Evidence {
                        snippet: Some(format!("{name}: {value}")),
                        detail: Some(format!("the `{name}` header tells attackers which software (and version) to target")),
                        ..Evidence::default()
                    });
                }
            }
        }
    }
    for meta in page.select(sel!("meta[name][content]")) {
        let generator = meta
            .attribute("name")
            .is_some_and(|n| n.trim().eq_ignore_ascii_case("generator"));
        if let Some(content) = meta
            .attribute("content")
            .filter(|c| generator && has_version(c))
        {
            failures.push(Evidence {
                selector: Some(css_path(meta)),
                snippet: Some(snippet(meta)),
                detail: Some(format!("<meta name=generator> reveals `{content}`")),
                ..Evidence::default()
            });
        }
    }
    Check::from_failures(failures)
}

/// Problems of a security.txt body, given the time to compare `Expires` with.
pub fn security_txt_problems(text: &str, now: DateTime<Utc>) -> Vec<String> {
    let mut contacts = Vec::new();
    let mut expires = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty()
            || line.starts_with('#')
            || line.starts_with("-----")
            || line.starts_with("Hash:")
        {
            continue;
        }
        let Some((field, value)) = line.split_once(':') else {
            continue;
        };
        match field.trim().to_ascii_lowercase().as_str() {
            "contact" => contacts.push(value.trim().to_owned()),
            "expires" => expires.push(value.trim().to_owned()),
            _ => {}
        }
    }
    let mut problems = Vec::new();
    if contacts.is_empty() {
        problems.push("no Contact field (required)".to_owned());
    }
    for c in &contacts {
        let lower = c.to_ascii_lowercase();
        if !(lower.starts_with("mailto:")
            || lower.starts_with("https://")
            || lower.starts_with("tel:"))
        {
            problems.push(format!(
                "Contact `{c}` is not a mailto:, https:// or tel: URI"
            ));
        }
    }
    match expires.as_slice() {
        [] => problems.push("no Expires field (required)".to_owned()),
        [one] => match DateTime::parse_from_rfc3339(one) {
            Err(_) => problems.push(format!("Expires `{one}` is not an RFC 3339 date-time")),
            Ok(date) => {
                let date = date.with_timezone(&Utc);
                if date <= now {
                    problems.push(format!("Expires {one} is in the past: the file is stale"));
                } else if (date - now).num_days() > SECURITY_TXT_MAX_DAYS {
                    problems.push(format!(
                        "Expires {one} is more than a year ahead; keep it under a year"
                    ));
                }
            }
        },
        _ => {
            problems.push("Expires appears more than once (it must appear exactly once)".to_owned())
        }
    }
    problems
}

fn security_txt(page: &Page) -> Check {
    let Some(probe) = &page.origin.security_txt else {
        return Check::not_applicable("security.txt was not fetched");
    };
    let url = probe.url.as_ref().map(|u| u.to_string());
    if !probe.ok() {
        return Check::fail(Evidence {
            url,
            detail: Some(
                "no /.well-known/security.txt: researchers who find a vulnerability have no \
                 published way to report it"
                    .into(),
            ),
            ..Evidence::default()
        });
    }
    let now = page
        .header("date")
        .and_then(|d| DateTime::parse_from_rfc2822(d).ok())
        .map_or_else(Utc::now, |d| d.with_timezone(&Utc));
    let mut problems = security_txt_problems(&probe.text, now);
    if let Some(ct) = probe.header("content-type")
        && !ct.to_ascii_lowercase().starts_with("text/plain")
    {
        problems.push(format!("served as `{ct}`, not text/plain"));
    }
    Check::from_failures(
        problems
            .into_iter()
            .map(|p| Evidence {
                url: url.clone(),
                detail: Some(p),
                ..Evidence::default()
            })
            .collect(),
    )
}

/// The extra security rules.
pub static RULES: &[Rule] = &[
    Rule {
        id: "security.mixed-content-active",
        category: Category::Security,
        title: "No active mixed content",
        description: "Scripts, stylesheets, frames and plugins loaded over plain HTTP on an https \
                      page can be rewritten by anyone on the network; browsers block them, so \
                      the page also breaks.",
        severity: Severity::Major,
        weight: 1.0,
        penalty: -20,
        fix: FixText {
            summary: "Load every script, stylesheet and frame over HTTPS.",
            steps: &[
                "Change the listed http:// URLs to https:// (or to relative URLs).",
                "Add the CSP directive `upgrade-insecure-requests` as a safety net.",
            ],
            minutes: 10,
        },
        refs: Refs::NONE,
        check: mixed_content_active,
    },
    Rule {
        id: "security.mixed-content-passive",
        category: Category::Security,
        title: "No passive mixed content",
        description: "Images, audio and video loaded over plain HTTP on an https page can be \
                      watched and swapped on the network, and browsers mark the page as not \
                      fully secure.",
        severity: Severity::Minor,
        weight: 1.0,
        penalty: -5,
        fix: FixText {
            summary: "Load media over HTTPS.",
            steps: &[
                "Change the listed http:// image and media URLs to https://.",
                "Add the CSP directive `upgrade-insecure-requests`.",
            ],
            minutes: 10,
        },
        refs: Refs::NONE,
        check: mixed_content_passive,
    },
    Rule {
        id: "security.insecure-form-action",
        category: Category::Security,
        title: "Forms submit over HTTPS",
        description: "A form whose action is a plain-http URL sends what people type (often \
                      passwords or personal data) unencrypted; browsers warn before submitting.",
        severity: Severity::Major,
        weight: 1.0,
        penalty: -20,
        fix: FixText {
            summary: "Point every form at an https:// URL.",
            steps: &[
                "Change the action of the listed forms to https:// (or a relative URL on an https page).",
                "Serve the page itself over HTTPS.",
            ],
            minutes: 10,
        },
        refs: Refs::NONE,
        check: insecure_forms,
    },
    Rule {
        id: "security.version-disclosure",
        category: Category::Security,
        title: "Software versions are not advertised",
        description: "Server, X-Powered-By, X-AspNet-Version and similar headers, or a versioned \
                      <meta name=generator>, tell attackers which known vulnerabilities to try.",
        severity: Severity::Minor,
        weight: 1.0,
        penalty: -5,
        fix: FixText {
            summary: "Stop sending version-revealing headers and meta tags.",
            steps: &[
                "nginx: `server_tokens off;`; Apache: `ServerTokens Prod` and `ServerSignature Off`.",
                "PHP: `expose_php = Off`; Express: `app.disable('x-powered-by')`.",
                "Remove the version from <meta name=\"generator\">.",
            ],
            minutes: 10,
        },
        refs: Refs::NONE,
        check: version_disclosure,
    },
    Rule {
        id: "security.security-txt",
        category: Category::Security,
        title: "security.txt tells researchers how to report",
        description: "/.well-known/security.txt (RFC 9116) gives a Contact for vulnerability \
                      reports and an Expires date after which it should not be trusted.",
        severity: Severity::Info,
        weight: 1.0,
        penalty: 0,
        fix: FixText {
            summary: "Publish a valid /.well-known/security.txt.",
            steps: &[
                "Add `Contact: mailto:security@your-domain` (or an https:// form).",
                "Add `Expires:` with a date-time less than a year ahead, and renew it.",
                "Serve it over HTTPS as text/plain.",
            ],
            minutes: 15,
        },
        refs: Refs::NONE,
        check: security_txt,
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::page::{OriginFacts, Probe};
    use crate::engine::rules::testing::{check, failing, page};
    use crate::report::Outcome;
    use std::sync::Arc;

    #[test]
    fn mixed_content_table() {
        let p = page(
            r#"<script id="s" src="http://cdn.example/a.js"></script>
               <link id="l" rel="stylesheet" href="http://cdn.example/a.css">
               <img id="i" src="http://cdn.example/a.png"><img id="j" srcset="/ok.png 1x, http://x.example/b.png 2x">
               <img id="k" src="https://ok.example/c.png"><iframe id="f" src="http://frame.example/"></iframe>"#,
        );
        assert_eq!(
            failing("security.mixed-content-active", &p),
            ["script#s", "link#l", "iframe#f"]
        );
        assert_eq!(
            failing("security.mixed-content-passive", &p),
            ["img#i", "img#j"]
        );
        let upgraded = page(
            r#"<meta http-equiv="Content-Security-Policy" content="upgrade-insecure-requests"><script src="http://x/a.js"></script>"#,
        );
        assert_eq!(
            check("security.mixed-content-active", &upgraded).outcome,
            Outcome::Pass
        );
        let plain = Page::from_html("http://site.example/", "<img src=http://x/a.png>");
        assert_eq!(
            check("security.mixed-content-passive", &plain).outcome,
            Outcome::NotApplicable
        );
    }

    #[test]
    fn forms_table() {
        let p = page(
            r#"<form id="a" action="http://site.example/login"></form><form id="b" action="/search"></form>
               <form id="c"></form>"#,
        );
        assert_eq!(failing("security.insecure-form-action", &p), ["form#a"]);
        let plain = Page::from_html(
            "http://site.example/",
            r#"<form id="x" action="/go"></form>"#,
        );
        assert_eq!(failing("security.insecure-form-action", &plain), ["form#x"]);
        assert_eq!(
            check("security.insecure-form-action", &page("<p>x")).outcome,
            Outcome::NotApplicable
        );
    }

    #[test]
    fn version_disclosure_table() {
        let p = page(r#"<meta name="generator" content="WordPress 6.4.2">"#).with_headers(&[
            ("content-type", "text/html"),
            ("server", "Apache/2.4.41 (Ubuntu)"),
            ("x-powered-by", "PHP/8.1.2"),
        ]);
        assert_eq!(check("security.version-disclosure", &p).failures.len(), 3);
        let quiet = page(r#"<meta name="generator" content="Hugo">"#)
            .with_headers(&[("content-type", "text/html"), ("server", "nginx")]);
        assert_eq!(
            check("security.version-disclosure", &quiet).outcome,
            Outcome::Pass
        );
    }

    #[test]
    fn security_txt_table() {
        let now = DateTime::parse_from_rfc3339("2026-06-01T00:00:00Z")
            .unwrap()
            .to_utc();
        let good = "Contact: mailto:security@site.example\nExpires: 2027-01-01T00:00:00Z\n";
        assert!(security_txt_problems(good, now).is_empty());
        assert_eq!(
            security_txt_problems("Expires: 2027-01-01T00:00:00Z", now).len(),
            1
        );
        assert!(
            security_txt_problems("Contact: me@x\nExpires: 2027-01-01T00:00:00Z", now)[0]
                .contains("mailto")
        );
        assert!(
            security_txt_problems("Contact: mailto:a@b\nExpires: 2026-01-01T00:00:00Z", now)[0]
                .contains("past")
        );
        assert!(
            security_txt_problems("Contact: mailto:a@b\nExpires: 2029-01-01T00:00:00Z", now)[0]
                .contains("year")
        );
        assert!(
            security_txt_problems("Contact: mailto:a@b\nExpires: soon", now)[0]
                .contains("RFC 3339")
        );

        let mut p = page("<p>x");
        assert_eq!(
            check("security.security-txt", &p).outcome,
            Outcome::NotApplicable
        );
        p.origin = Arc::new(OriginFacts {
            security_txt: Some(Probe {
                status: Some(404),
                ..Probe::default()
            }),
            ..OriginFacts::default()
        });
        assert_eq!(check("security.security-txt", &p).outcome, Outcome::Fail);
        p.origin = Arc::new(OriginFacts {
            security_txt: Some(Probe {
                status: Some(200),
                text: "Contact: https://site.example/report\nExpires: 2999-01-01T00:00:00Z\n"
                    .into(),
                ..Probe::default()
            }),
            ..OriginFacts::default()
        });
        // Far in the future is flagged, the rest is fine.
        assert_eq!(check("security.security-txt", &p).failures.len(), 1);
    }
}
