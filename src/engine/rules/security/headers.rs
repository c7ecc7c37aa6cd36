//! The Observatory's single-header tests: `referrer-policy`, `x-content-type-options`,
//! `x-frame-options`, `cross-origin-resource-policy` and `cross-origin-resource-sharing`.
//!
//! A repeated header is read as its values joined with `, ` (so a repeated X-Frame-Options or
//! X-Content-Type-Options is invalid), except Cross-Origin-Resource-Policy, of which the
//! Observatory reads only the first value. An empty header counts as absent.

use super::csp;
use super::{LOCAL_SERVER, Verdict, header_snippet, joined_header, js_slice, js_trim};
use crate::engine::page::dom::Attribute;
use crate::engine::page::{CORS_PROBE_ORIGIN, Page};
use crate::engine::rules::Check;
use crate::sel;

/// The Observatory reads at most this many characters of most headers.
const SHORT_HEADER_CHARS: usize = 256;
/// … and of X-Frame-Options.
const XFO_HEADER_CHARS: usize = 1024;

/// Referrer policies that keep paths and queries from other sites.
const PRIVATE_REFERRERS: [&str; 4] = [
    "no-referrer",
    "same-origin",
    "strict-origin",
    "strict-origin-when-cross-origin",
];
/// Referrer policies that leak them.
const UNSAFE_REFERRERS: [&str; 4] = [
    "origin",
    "origin-when-cross-origin",
    "unsafe-url",
    "no-referrer-when-downgrade",
];

const REFERRER: &str = "referrer-policy";
const REFERRER_PRIVATE: Verdict = Verdict {
    test: REFERRER,
    id: "referrer-policy-private",
    modifier: 5,
    pass: true,
    meaning: "the referrer policy keeps paths and queries from other sites",
};
const REFERRER_NOT_IMPLEMENTED: Verdict = Verdict {
    test: REFERRER,
    id: "referrer-policy-not-implemented",
    modifier: 0,
    pass: true,
    meaning: "no Referrer-Policy, so the browser default applies (a private policy would earn a bonus)",
};
const REFERRER_UNSAFE: Verdict = Verdict {
    test: REFERRER,
    id: "referrer-policy-unsafe",
    modifier: -5,
    pass: false,
    meaning: "the referrer policy sends full URLs or origins to other sites",
};
const REFERRER_INVALID: Verdict = Verdict {
    test: REFERRER,
    id: "referrer-policy-header-invalid",
    modifier: -5,
    pass: false,
    meaning: "the Referrer-Policy has no valid policy value",
};

const XCTO: &str = "x-content-type-options";
const XCTO_NOSNIFF: Verdict = Verdict {
    test: XCTO,
    id: "x-content-type-options-nosniff",
    modifier: 0,
    pass: true,
    meaning: "browsers will not guess content types",
};
const XCTO_NOT_IMPLEMENTED: Verdict = Verdict {
    test: XCTO,
    id: "x-content-type-options-not-implemented",
    modifier: -5,
    pass: false,
    meaning: "no X-Content-Type-Options header, so browsers may sniff content types",
};
const XCTO_INVALID: Verdict = Verdict {
    test: XCTO,
    id: "x-content-type-options-header-invalid",
    modifier: -5,
    pass: false,
    meaning: "X-Content-Type-Options is not exactly nosniff (or is sent twice)",
};

const XFO: &str = "x-frame-options";
const XFO_VIA_CSP: Verdict = Verdict {
    test: XFO,
    id: "x-frame-options-implemented-via-csp",
    modifier: 5,
    pass: true,
    meaning: "the CSP's frame-ancestors directive controls who may frame the page",
};
const XFO_SAMEORIGIN_OR_DENY: Verdict = Verdict {
    test: XFO,
    id: "x-frame-options-sameorigin-or-deny",
    modifier: 5,
    pass: true,
    meaning: "X-Frame-Options keeps other sites from framing the page",
};
const XFO_ALLOW_FROM: Verdict = Verdict {
    test: XFO,
    id: "x-frame-options-allow-from-origin",
    modifier: 0,
    pass: true,
    meaning: "X-Frame-Options ALLOW-FROM names who may frame the page (modern browsers ignore it; use frame-ancestors)",
};
const XFO_NOT_IMPLEMENTED: Verdict = Verdict {
    test: XFO,
    id: "x-frame-options-not-implemented",
    modifier: -20,
    pass: false,
    meaning: "neither X-Frame-Options nor CSP frame-ancestors stops other sites from framing the page",
};
const XFO_INVALID: Verdict = Verdict {
    test: XFO,
    id: "x-frame-options-header-invalid",
    modifier: -20,
    pass: false,
    meaning: "X-Frame-Options is not DENY, SAMEORIGIN or ALLOW-FROM (or is sent twice)",
};

const CORP: &str = "cross-origin-resource-policy";
const CORP_SAME_ORIGIN: Verdict = Verdict {
    test: CORP,
    id: "corp-implemented-with-same-origin",
    modifier: 10,
    pass: true,
    meaning: "only this origin may embed the response",
};
const CORP_SAME_SITE: Verdict = Verdict {
    test: CORP,
    id: "corp-implemented-with-same-site",
    modifier: 10,
    pass: true,
    meaning: "only this site may embed the response",
};
const CORP_CROSS_ORIGIN: Verdict = Verdict {
    test: CORP,
    id: "corp-implemented-with-cross-origin",
    modifier: 0,
    pass: true,
    meaning: "any site may embed the response, by choice",
};
const CORP_NOT_IMPLEMENTED: Verdict = Verdict {
    test: CORP,
    id: "corp-not-implemented",
    modifier: 0,
    pass: true,
    meaning: "no Cross-Origin-Resource-Policy (same-origin or same-site would earn a bonus)",
};
const CORP_INVALID: Verdict = Verdict {
    test: CORP,
    id: "corp-header-invalid",
    modifier: -5,
    pass: false,
    meaning: "Cross-Origin-Resource-Policy is not same-origin, same-site or cross-origin",
};

const CORS: &str = "cross-origin-resource-sharing";
const CORS_NOT_IMPLEMENTED: Verdict = Verdict {
    test: CORS,
    id: "cross-origin-resource-sharing-not-implemented",
    modifier: 0,
    pass: true,
    meaning: "the page does not allow cross-origin reads",
};
const CORS_PUBLIC: Verdict = Verdict {
    test: CORS,
    id: "cross-origin-resource-sharing-implemented-with-public-access",
    modifier: 0,
    pass: true,
    meaning: "any site may read the page, without credentials",
};
const CORS_RESTRICTED: Verdict = Verdict {
    test: CORS,
    id: "cross-origin-resource-sharing-implemented-with-restricted-access",
    modifier: 0,
    pass: true,
    meaning: "only chosen origins may read the page",
};
const CORS_UNIVERSAL: Verdict = Verdict {
    test: CORS,
    id: "cross-origin-resource-sharing-implemented-with-universal-access",
    modifier: -50,
    pass: false,
    meaning: "the page echoes any Origin with credentials allowed, so any site can read it as the signed-in user",
};

/// A header's joined value, treating an empty value as absent (the Observatory tests it for
/// truthiness).
fn present(page: &Page, name: &str) -> Option<String> {
    joined_header(&page.headers, name).filter(|v| !v.is_empty())
}

/// The content of the last `<meta name="referrer">` with a non-empty content (a meta that
/// also has `http-equiv` and `content` is not one, as upstream reads it).
fn meta_referrer(page: &Page) -> Option<String> {
    page.select(sel!("meta[name]"))
        .filter(|m| !(m.attribute("http-equiv").is_some() && m.attribute("content").is_some()))
        .filter(|m| {
            m.attribute("name")
                .is_some_and(|n| js_trim(n).eq_ignore_ascii_case("referrer"))
        })
        .filter_map(|m| m.attribute("content").filter(|c| !c.is_empty()))
        .last()
        .map(str::to_owned)
}

/// The `referrer-policy` test of a page: the last valid token of the header values and the
/// `<meta name=referrer>`, in that order.
pub(super) fn referrer_policy(page: &Page) -> Check {
    let meta = meta_referrer(page);
    let header = if page.is_remote() {
        joined_header(&page.headers, "referrer-policy")
    } else if meta.is_some() {
        None
    } else {
        return Check::not_applicable(format!(
            "{LOCAL_SERVER}, and the page has no <meta name=\"referrer\">"
        ));
    };
    let data: Vec<String> = header.iter().chain(meta.iter()).cloned().collect();
    if data.is_empty() {
        return REFERRER_NOT_IMPLEMENTED.report("", None);
    }
    let data = data.join(", ");
    let policy = data
        .split(',')
        .map(|t| js_trim(t).to_lowercase())
        .rfind(|t| {
            PRIVATE_REFERRERS.contains(&t.as_str()) || UNSAFE_REFERRERS.contains(&t.as_str())
        });
    let verdict = match policy.as_deref() {
        Some(p) if PRIVATE_REFERRERS.contains(&p) => REFERRER_PRIVATE,
        Some(_) => REFERRER_UNSAFE,
        None => REFERRER_INVALID,
    };
    let seen = match &policy {
        Some(p) => format!("effective policy {p}"),
        None => String::new(),
    };
    verdict.report(&seen, Some(header_snippet("Referrer-Policy", &data)))
}

/// The `x-content-type-options` test of a page.
pub(super) fn x_content_type_options(page: &Page) -> Check {
    if !page.is_remote() {
        return Check::not_applicable(LOCAL_SERVER);
    }
    let Some(value) = present(page, "x-content-type-options") else {
        return XCTO_NOT_IMPLEMENTED.report("", None);
    };
    let verdict = if js_trim(js_slice(&value, SHORT_HEADER_CHARS)).eq_ignore_ascii_case("nosniff") {
        XCTO_NOSNIFF
    } else {
        XCTO_INVALID
    };
    verdict.report("", Some(header_snippet("X-Content-Type-Options", &value)))
}

/// The `x-frame-options` test of a page: a CSP `frame-ancestors` directive overrides the
/// header (meta tags count for neither).
pub(super) fn x_frame_options(page: &Page) -> Check {
    if !page.is_remote() {
        return Check::not_applicable(LOCAL_SERVER);
    }
    let header = present(page, "x-frame-options");
    let mut verdict = match &header {
        None => XFO_NOT_IMPLEMENTED,
        Some(value) => {
            let xfo = js_trim(js_slice(value, XFO_HEADER_CHARS)).to_lowercase();
            if xfo == "deny" || xfo == "sameorigin" {
                XFO_SAMEORIGIN_OR_DENY
            } else if xfo.starts_with("allow-from") {
                XFO_ALLOW_FROM
            } else {
                XFO_INVALID
            }
        }
    };
    let analysis = csp::analyze(&csp::Inputs::of(page));
    let frame_ancestors = analysis
        .policy
        .as_ref()
        .and_then(|p| p.directives.get("frame-ancestors"));
    let mut seen = String::new();
    if let Some(sources) = frame_ancestors {
        verdict = XFO_VIA_CSP;
        let list: Vec<&str> = sources.iter().map(String::as_str).collect();
        seen = format!("frame-ancestors {}", list.join(" "));
    }
    verdict.report(&seen, header.map(|h| header_snippet("X-Frame-Options", &h)))
}

/// The `cross-origin-resource-policy` test of a page (first header value only).
pub(super) fn cross_origin_resource_policy(page: &Page) -> Check {
    if !page.is_remote() {
        return Check::not_applicable(LOCAL_SERVER);
    }
    let value = page
        .headers
        .get("cross-origin-resource-policy")
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let policy = value
        .as_deref()
        .map(|v| js_trim(js_slice(v, SHORT_HEADER_CHARS)).to_lowercase())
        .filter(|v| !v.is_empty());
    let verdict = match policy.as_deref() {
        None => CORP_NOT_IMPLEMENTED,
        Some("same-origin") => CORP_SAME_ORIGIN,
        Some("same-site") => CORP_SAME_SITE,
        Some("cross-origin") => CORP_CROSS_ORIGIN,
        Some(_) => CORP_INVALID,
    };
    verdict.report(
        "",
        value.map(|v| header_snippet("Cross-Origin-Resource-Policy", &v)),
    )
}

/// The `cross-origin-resource-sharing` test of a page: the CORS preflight's answer.
pub(super) fn cors(page: &Page) -> Check {
    if !page.is_remote() {
        return Check::not_applicable(LOCAL_SERVER);
    }
    let probe = match page.origin.cors_preflight.as_ref() {
        None => return CORS_NOT_IMPLEMENTED.report("the CORS preflight was not sent", None),
        Some(p) if p.status.is_none() => {
            let why = p.error.as_deref().unwrap_or("no answer");
            return CORS_NOT_IMPLEMENTED.report(&format!("the CORS preflight failed: {why}"), None);
        }
        Some(p) => p,
    };
    let Some(allow_origin) =
        joined_header(&probe.headers, "access-control-allow-origin").filter(|v| !v.is_empty())
    else {
        return CORS_NOT_IMPLEMENTED.report("", None);
    };
    let credentials = joined_header(&probe.headers, "access-control-allow-credentials")
        .is_some_and(|c| js_trim(&c).eq_ignore_ascii_case("true"));
    let verdict = if js_trim(js_slice(&allow_origin, SHORT_HEADER_CHARS)).to_lowercase() == "*" {
        CORS_PUBLIC
    } else if allow_origin == CORS_PROBE_ORIGIN && credentials {
        CORS_UNIVERSAL
    } else {
        CORS_RESTRICTED
    };
    verdict.report(
        &format!("preflight with Origin {CORS_PROBE_ORIGIN}"),
        Some(header_snippet("Access-Control-Allow-Origin", &allow_origin)),
    )
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::engine::page::{OriginFacts, Probe};
    use crate::engine::rules::testing::{check, page};
    use crate::report::Outcome;

    /// Response headers of a fixture.
    type Headers<'a> = &'a [(&'a str, &'a str)];

    fn result(rule: &str, headers: Headers<'_>, html: &str) -> (String, Outcome) {
        let c = check(rule, &page(html).with_headers(headers));
        (c.observatory.unwrap().result, c.outcome)
    }

    #[test]
    fn referrer_policy_table() {
        const RULE: &str = "security.referrer-policy";
        let meta = r#"<meta name="referrer" content="no-referrer, same-origin">"#;
        let table: [(Headers<'_>, &str, &str); 9] = [
            (&[], "", "referrer-policy-not-implemented"),
            (
                &[("referrer-policy", "strict-origin-when-cross-origin")],
                "",
                "referrer-policy-private",
            ),
            (
                &[("referrer-policy", "STRICT-ORIGIN")],
                "",
                "referrer-policy-private",
            ),
            (
                &[("referrer-policy", "unsafe-url")],
                "",
                "referrer-policy-unsafe",
            ),
            (
                &[("referrer-policy", "no-referrer, unsafe-url")],
                "",
                "referrer-policy-unsafe",
            ),
            (
                &[("referrer-policy", "no-referrer, whimsy")],
                "",
                "referrer-policy-private",
            ),
            (
                &[("referrer-policy", "whimsy")],
                "",
                "referrer-policy-header-invalid",
            ),
            (&[], meta, "referrer-policy-private"),
            // The meta tag comes after the header, so it wins.
            (
                &[("referrer-policy", "unsafe-url")],
                meta,
                "referrer-policy-private",
            ),
        ];
        for (headers, html, expected) in table {
            assert_eq!(
                result(RULE, headers, html).0,
                expected,
                "{headers:?} {html}"
            );
        }
        assert_eq!(
            result(RULE, &[], "").1,
            Outcome::Pass,
            "not implemented passes with 0"
        );
    }

    #[test]
    fn x_content_type_options_table() {
        const RULE: &str = "security.x-content-type-options";
        let table: [(Headers<'_>, &str); 5] = [
            (&[], "x-content-type-options-not-implemented"),
            (
                &[("x-content-type-options", "nosniff")],
                "x-content-type-options-nosniff",
            ),
            (
                &[("x-content-type-options", "NoSniff ")],
                "x-content-type-options-nosniff",
            ),
            (
                &[("x-content-type-options", "whimsy")],
                "x-content-type-options-header-invalid",
            ),
            (
                &[
                    ("x-content-type-options", "nosniff"),
                    ("x-content-type-options", "nosniff"),
                ],
                "x-content-type-options-header-invalid",
            ),
        ];
        for (headers, expected) in table {
            assert_eq!(result(RULE, headers, "").0, expected, "{headers:?}");
        }
    }

    #[test]
    fn x_frame_options_table() {
        const RULE: &str = "security.x-frame-options";
        let table: [(Headers<'_>, &str, &str); 7] = [
            (&[], "", "x-frame-options-not-implemented"),
            (
                &[("x-frame-options", "DENY")],
                "",
                "x-frame-options-sameorigin-or-deny",
            ),
            (
                &[("x-frame-options", "sameorigin")],
                "",
                "x-frame-options-sameorigin-or-deny",
            ),
            (
                &[("x-frame-options", "ALLOW-FROM https://site.example")],
                "",
                "x-frame-options-allow-from-origin",
            ),
            (
                &[
                    ("x-frame-options", "SAMEORIGIN"),
                    ("x-frame-options", "SAMEORIGIN"),
                ],
                "",
                "x-frame-options-header-invalid",
            ),
            (
                &[
                    ("x-frame-options", "whimsy"),
                    ("content-security-policy", "frame-ancestors 'none'"),
                ],
                "",
                "x-frame-options-implemented-via-csp",
            ),
            (
                &[],
                r#"<meta http-equiv="X-Frame-Options" content="DENY">"#,
                "x-frame-options-not-implemented",
            ),
        ];
        for (headers, html, expected) in table {
            assert_eq!(
                result(RULE, headers, html).0,
                expected,
                "{headers:?} {html}"
            );
        }
    }

    #[test]
    fn corp_table() {
        const RULE: &str = "security.corp";
        let table: [(Headers<'_>, &str, Outcome); 6] = [
            (&[], "corp-not-implemented", Outcome::Pass),
            (
                &[("cross-origin-resource-policy", "same-origin")],
                "corp-implemented-with-same-origin",
                Outcome::Pass,
            ),
            (
                &[("cross-origin-resource-policy", "Same-Site")],
                "corp-implemented-with-same-site",
                Outcome::Pass,
            ),
            (
                &[("cross-origin-resource-policy", "cross-origin")],
                "corp-implemented-with-cross-origin",
                Outcome::Pass,
            ),
            (
                &[("cross-origin-resource-policy", "whimsy")],
                "corp-header-invalid",
                Outcome::Fail,
            ),
            // Only the first value is read.
            (
                &[
                    ("cross-origin-resource-policy", "same-site"),
                    ("cross-origin-resource-policy", "x"),
                ],
                "corp-implemented-with-same-site",
                Outcome::Pass,
            ),
        ];
        for (headers, expected, outcome) in table {
            assert_eq!(
                result(RULE, headers, ""),
                (expected.to_owned(), outcome),
                "{headers:?}"
            );
        }
    }

    #[test]
    fn cors_table() {
        const RULE: &str = "security.cors";
        let with = |headers: &[(&'static str, &'static str)]| {
            let mut p = page("");
            let mut probe = Probe {
                status: Some(200),
                ..Probe::default()
            };
            for (k, v) in headers {
                probe.headers.append(*k, http::HeaderValue::from_static(v));
            }
            p.origin = Arc::new(OriginFacts {
                cors_preflight: Some(probe),
                ..OriginFacts::default()
            });
            let c = check(RULE, &p);
            (c.observatory.unwrap().result, c.outcome)
        };
        assert_eq!(with(&[]).0, "cross-origin-resource-sharing-not-implemented");
        assert_eq!(
            with(&[("access-control-allow-origin", "*")]).0,
            "cross-origin-resource-sharing-implemented-with-public-access"
        );
        assert_eq!(
            with(&[("access-control-allow-origin", "https://site.example")]).0,
            "cross-origin-resource-sharing-implemented-with-restricted-access"
        );
        assert_eq!(
            with(&[
                ("access-control-allow-origin", CORS_PROBE_ORIGIN),
                ("access-control-allow-credentials", "true")
            ]),
            (
                "cross-origin-resource-sharing-implemented-with-universal-access".to_owned(),
                Outcome::Fail
            )
        );
        // Not probed: nothing to judge, reported as not implemented.
        let c = check(RULE, &page(""));
        assert!(c.evidence.detail.unwrap().contains("not sent"));
    }
}
