//! Security rules: the ten tests of the Mozilla HTTP Observatory, scoring algorithm version 5
//! (release v1.6.3), with its exact result ids, score modifiers and pass flags.
//!
//! Every check ends in one Observatory result ([`Verdict`]) attached to the check on every
//! outcome, passes included; the rule fails exactly when the Observatory's `pass` flag is false,
//! and the failure's severity follows the modifier (≤ −40 critical, ≤ −20 major, otherwise
//! minor). The modifier itself lives in the finding's `observatory` field, which the security
//! score and grade add up (see `engine::score`).
//!
//! Inputs mirror what the Observatory reads:
//! - the page's response headers (a repeated header is read as its values joined with `, `, the
//!   way the Observatory's HTTP client hands it over), plus `<meta http-equiv=content-security-policy>`
//!   and `<meta name=referrer>` from the HTML;
//! - the `Set-Cookie` lines of the page and of the `/robots.txt` probe;
//! - the probes of the page's origin: `http://host/` followed through its redirects, `https://host/`
//!   for http pages, and the CORS preflight sent with the Observatory's `Origin`.
//!
//! Where a probe was not run, the check picks the result the Observatory gives when that response
//! is missing and says so in the evidence. Certificates count as valid and the HSTS preload list
//! is empty, so `hsts-preloaded`, `hsts-invalid-cert`, `redirection-all-redirects-preloaded` and
//! `redirection-invalid-cert` never occur.
//!
//! On webaudit's own directory server the headers are not the site's: header-based tests are not
//! applicable, subresource-integrity still applies, and the CSP and referrer-policy tests judge
//! the page's `<meta>` tags when it has them.
//!
//! Layout: [`csp`] (the Observatory's CSP parser and test), [`cookies`], [`hsts`],
//! [`redirection`], [`sri`], and [`headers`] (referrer-policy, X-Content-Type-Options,
//! X-Frame-Options, Cross-Origin-Resource-Policy, CORS).

mod cookies;
mod csp;
pub mod extras;
mod headers;
mod hsts;
mod redirection;
mod sri;

use http::HeaderMap;

use super::{Check, FixText, Refs, Rule};
use crate::engine::page::dom::{SNIPPET_MAX, shorten};
use crate::report::{Category, Evidence, Observatory, Severity};

/// Why header-based tests do not apply to a local directory.
const LOCAL_SERVER: &str =
    "the page is served by webaudit's local directory server, whose headers are not the site's";

/// A modifier at or below this makes a failure critical.
const CRITICAL_MODIFIER: i32 = -40;
/// A modifier at or below this (and above [`CRITICAL_MODIFIER`]) makes a failure major.
const MAJOR_MODIFIER: i32 = -20;

/// One Observatory result: its test, id, score modifier (algorithm 5), pass flag and meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Verdict {
    /// The Observatory test name.
    test: &'static str,
    /// The result id, e.g. `csp-implemented-with-unsafe-inline`.
    id: &'static str,
    /// Its score modifier.
    modifier: i32,
    /// Whether the Observatory counts it as passed.
    pass: bool,
    /// What it means, in a few words.
    meaning: &'static str,
}

impl Verdict {
    /// The result as it appears in a finding.
    fn observatory(&self) -> Observatory {
        Observatory {
            test: self.test.to_owned(),
            result: self.id.to_owned(),
            score_modifier: self.modifier,
            pass: self.pass,
        }
    }

    /// `<id>: <meaning>`, followed by what was seen when `seen` is not empty.
    fn detail(&self, seen: &str) -> String {
        if seen.is_empty() {
            format!("{}: {}", self.id, self.meaning)
        } else {
            format!("{}: {} ({seen})", self.id, self.meaning)
        }
    }

    /// The check for this result. `evidence` describes the page; a failing result reports
    /// `items` (one per offending element) when there are any, else `evidence`.
    fn check(&self, evidence: Evidence, items: Vec<Evidence>) -> Check {
        let check = if self.pass {
            Check::pass().with_evidence(evidence)
        } else {
            let failures = if items.is_empty() {
                vec![evidence]
            } else {
                items
            };
            Check::from_failures(failures).with_severity(severity_for(self.modifier))
        };
        check.with_observatory(self.observatory())
    }

    /// The check for this result with a page-level detail (meaning plus `seen`) and an
    /// optional snippet (the header or policy read).
    fn report(&self, seen: &str, snippet: Option<String>) -> Check {
        let evidence = Evidence {
            detail: Some(self.detail(seen)),
            snippet,
            ..Evidence::default()
        };
        self.check(evidence, Vec::new())
    }
}

/// The severity of a failing result with this modifier.
fn severity_for(modifier: i32) -> Severity {
    if modifier <= CRITICAL_MODIFIER {
        Severity::Critical
    } else if modifier <= MAJOR_MODIFIER {
        Severity::Major
    } else {
        Severity::Minor
    }
}

/// Every value of a header joined with `, ` (how the Observatory receives a repeated header);
/// `None` when the header is absent. Bytes that are not UTF-8 are replaced, not dropped.
fn joined_header(headers: &HeaderMap, name: &str) -> Option<String> {
    let values: Vec<String> = headers
        .get_all(name)
        .iter()
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .collect();
    (!values.is_empty()).then(|| values.join(", "))
}

/// `Name: value`, shortened for evidence.
fn header_snippet(name: &str, value: &str) -> String {
    shorten(&format!("{name}: {value}"), SNIPPET_MAX)
}

/// The first `max` UTF-16 units of `text` (JavaScript's `slice(0, max)`), so limits match the
/// Observatory's.
fn js_slice(text: &str, max: usize) -> &str {
    let mut units = 0;
    for (i, c) in text.char_indices() {
        units += c.len_utf16();
        if units > max {
            return &text[..i];
        }
    }
    text
}

/// JavaScript's `String.prototype.trim` (Unicode white space and the byte-order mark).
fn js_trim(text: &str) -> &str {
    text.trim_matches(is_js_space)
}

/// White space as JavaScript's `\s` and `trim` see it.
fn is_js_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

/// The rules of this category.
pub static RULES: &[Rule] = &[
    Rule {
        id: "security.content-security-policy",
        category: Category::Security,
        title: "A Content Security Policy blocks injected scripts",
        description: "The Observatory's content-security-policy test: reads the \
                      Content-Security-Policy headers and <meta http-equiv> policies, intersects \
                      them, and checks that scripts and plugins cannot come from anywhere, from \
                      inline code or over plain http. A strict policy is the strongest defence \
                      against cross-site scripting.",
        severity: Severity::Major,
        weight: 1.0,
        penalty: 0,
        fix: FixText {
            summary: "Send a Content-Security-Policy header that starts from default-src 'none' and allows only what the page needs, with no 'unsafe-inline', 'unsafe-eval' or bare schemes.",
            steps: &[
                "Start from `default-src 'none'` and add script-src, style-src, img-src, connect-src and font-src with 'self' and the exact hosts the page uses.",
                "Replace inline scripts with external files, or allow them by nonce or hash (with 'strict-dynamic' for script loaders) instead of 'unsafe-inline'.",
                "Set `object-src 'none'`, `base-uri 'none'` and `frame-ancestors 'none'`, and never allow http:, https:, data: or * for scripts.",
                "Roll it out with Content-Security-Policy-Report-Only first, then enforce it; write each directive once per policy.",
            ],
            minutes: 120,
        },
        refs: Refs {
            lighthouse: Some("csp-xss"),
            observatory: Some("content-security-policy"),
            ..Refs::NONE
        },
        check: csp::content_security_policy,
    },
    Rule {
        id: "security.cookies",
        category: Category::Security,
        title: "Cookies are Secure, HttpOnly and SameSite",
        description: "The Observatory's cookies test: every cookie set by the page (and by \
                      /robots.txt) should carry Secure; session cookies (names with 'login' or \
                      'sess') also HttpOnly; anti-CSRF cookies a SameSite attribute. Cookies \
                      without these can be stolen over plain http, read by injected scripts or \
                      sent along with cross-site requests.",
        severity: Severity::Major,
        weight: 1.0,
        penalty: 0,
        fix: FixText {
            summary: "Set every cookie with Secure and SameSite, and session cookies also with HttpOnly.",
            steps: &[
                "Add `Secure` to every Set-Cookie header, and `HttpOnly` to session and login cookies.",
                "Add `SameSite=Lax` or `SameSite=Strict` to every cookie (`SameSite=None` only with Secure and only when cross-site use is needed).",
                "Check the cookie settings of your framework and load balancer too: they often set their own cookies.",
            ],
            minutes: 30,
        },
        refs: Refs::observatory("cookies"),
        check: cookies::cookies,
    },
    Rule {
        id: "security.cors",
        category: Category::Security,
        title: "Cross-origin access is not open to every site with credentials",
        description: "The Observatory's cross-origin-resource-sharing test: sends a CORS \
                      preflight with a foreign Origin and fails when the page echoes that origin \
                      in Access-Control-Allow-Origin together with \
                      Access-Control-Allow-Credentials: true, which lets any site read the \
                      page as the signed-in user.",
        severity: Severity::Critical,
        weight: 1.0,
        penalty: 0,
        fix: FixText {
            summary: "Allow credentialed cross-origin requests only from an explicit list of trusted origins.",
            steps: &[
                "Never copy the request's Origin into Access-Control-Allow-Origin without checking it against an allow-list.",
                "Send Access-Control-Allow-Credentials: true only for origins on that list.",
                "Leave CORS headers off pages that no other site needs to read.",
            ],
            minutes: 30,
        },
        refs: Refs::observatory("cross-origin-resource-sharing"),
        check: headers::cors,
    },
    Rule {
        id: "security.redirection",
        category: Category::Security,
        title: "Plain http redirects straight to https",
        description: "The Observatory's redirection test: loads http://host/ and follows its \
                      redirects. The first hop should go to https on the same host and the chain \
                      should end on https; otherwise visitors who type the bare name stay on an \
                      unencrypted connection, or meet a hop an attacker can intercept.",
        severity: Severity::Major,
        weight: 1.0,
        penalty: 0,
        fix: FixText {
            summary: "Answer every plain-http request with a redirect to the same host over https.",
            steps: &[
                "Configure the http listener (port 80) to answer 301 to https://<same host><same path>.",
                "Move to another host (e.g. www) only after the switch to https, in a second hop.",
                "Then send Strict-Transport-Security so browsers skip the http hop entirely.",
            ],
            minutes: 20,
        },
        refs: Refs::observatory("redirection"),
        check: redirection::redirection,
    },
    Rule {
        id: "security.referrer-policy",
        category: Category::Security,
        title: "A private Referrer-Policy is set",
        description: "The Observatory's referrer-policy test: reads the Referrer-Policy headers \
                      and <meta name=referrer>. A policy that sends full URLs to other sites \
                      (unsafe-url, no-referrer-when-downgrade, origin-when-cross-origin, origin) \
                      leaks paths and query strings; a private one earns a bonus.",
        severity: Severity::Minor,
        weight: 1.0,
        penalty: 0,
        fix: FixText {
            summary: "Send `Referrer-Policy: strict-origin-when-cross-origin` (or no-referrer, same-origin, strict-origin).",
            steps: &[
                "Add the header in the web server or CDN configuration for every HTML response.",
                "Remove unsafe values from <meta name=referrer> tags, which the browser applies after the header.",
            ],
            minutes: 10,
        },
        refs: Refs::observatory("referrer-policy"),
        check: headers::referrer_policy,
    },
    Rule {
        id: "security.hsts",
        category: Category::Security,
        title: "HTTP Strict Transport Security is set for at least six months",
        description: "The Observatory's strict-transport-security test: the https response \
                      should carry one Strict-Transport-Security header with max-age of at least \
                      15,552,000 seconds (six months), so browsers refuse plain http to the site \
                      and a network attacker cannot downgrade it.",
        severity: Severity::Major,
        weight: 1.0,
        penalty: 0,
        fix: FixText {
            summary: "Send `Strict-Transport-Security: max-age=63072000; includeSubDomains` on every https response.",
            steps: &[
                "Serve the site over https with a valid certificate first.",
                "Add the header once (a repeated header is invalid) with max-age of at least 15552000 seconds.",
                "Add includeSubDomains once every subdomain serves https, then consider the browsers' preload list.",
            ],
            minutes: 15,
        },
        refs: Refs {
            lighthouse: Some("has-hsts"),
            observatory: Some("strict-transport-security"),
            ..Refs::NONE
        },
        check: hsts::strict_transport_security,
    },
    Rule {
        id: "security.subresource-integrity",
        category: Category::Security,
        title: "Third-party scripts load over https with Subresource Integrity",
        description: "The Observatory's subresource-integrity test: scripts from another site \
                      should load over https and carry an integrity hash, so a compromised CDN or \
                      a network attacker cannot swap the code the page runs.",
        severity: Severity::Critical,
        weight: 1.0,
        penalty: 0,
        fix: FixText {
            summary: "Load every third-party script over https with an integrity attribute (and crossorigin=\"anonymous\").",
            steps: &[
                "Change http:// and protocol-relative (//host/…) script URLs to https://.",
                "Add `integrity=\"sha384-…\"` with the hash of the exact file version, and `crossorigin=\"anonymous\"`.",
                "Pin versioned URLs so the hash stays valid, or self-host the script.",
            ],
            minutes: 15,
        },
        refs: Refs::observatory("subresource-integrity"),
        check: sri::subresource_integrity,
    },
    Rule {
        id: "security.x-content-type-options",
        category: Category::Security,
        title: "X-Content-Type-Options is nosniff",
        description: "The Observatory's x-content-type-options test: `X-Content-Type-Options: \
                      nosniff` stops browsers from guessing a response's type, which attackers \
                      use to run uploaded files as scripts or styles.",
        severity: Severity::Minor,
        weight: 1.0,
        penalty: 0,
        fix: FixText {
            summary: "Send `X-Content-Type-Options: nosniff` once on every response.",
            steps: &[
                "Add the header in the web server or CDN configuration.",
                "Make sure it is sent once, with exactly the value nosniff.",
            ],
            minutes: 5,
        },
        refs: Refs::observatory("x-content-type-options"),
        check: headers::x_content_type_options,
    },
    Rule {
        id: "security.x-frame-options",
        category: Category::Security,
        title: "The page cannot be framed by other sites",
        description: "The Observatory's x-frame-options test: X-Frame-Options DENY or SAMEORIGIN, \
                      or a CSP frame-ancestors directive, stops other sites from framing the page \
                      to trick users into clicking it (clickjacking).",
        severity: Severity::Major,
        weight: 1.0,
        penalty: 0,
        fix: FixText {
            summary: "Add `frame-ancestors 'none'` (or 'self') to the Content-Security-Policy header, and `X-Frame-Options: DENY` for old browsers.",
            steps: &[
                "Add frame-ancestors to the CSP header (it has no effect in a <meta> policy).",
                "Send X-Frame-Options once, with DENY or SAMEORIGIN.",
            ],
            minutes: 10,
        },
        refs: Refs {
            lighthouse: Some("clickjacking-mitigation"),
            observatory: Some("x-frame-options"),
            ..Refs::NONE
        },
        check: headers::x_frame_options,
    },
    Rule {
        id: "security.corp",
        category: Category::Security,
        title: "Cross-Origin-Resource-Policy is valid",
        description: "The Observatory's cross-origin-resource-policy test: \
                      Cross-Origin-Resource-Policy same-origin or same-site keeps other sites from \
                      embedding the response (and earns a bonus); an unknown value is an error.",
        severity: Severity::Minor,
        weight: 1.0,
        penalty: 0,
        fix: FixText {
            summary: "Send `Cross-Origin-Resource-Policy: same-origin` (or same-site) on responses other sites do not need to embed.",
            steps: &[
                "Add the header with one of same-origin, same-site or cross-origin.",
                "Use cross-origin only for resources meant to be embedded anywhere (public images, fonts, scripts).",
            ],
            minutes: 10,
        },
        refs: Refs::observatory("cross-origin-resource-policy"),
        check: headers::cross_origin_resource_policy,
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::page::Served;
    use crate::engine::rules::testing::{check, outcome, page};
    use crate::report::Outcome;

    #[test]
    fn ten_observatory_tests_with_weight_one() {
        assert_eq!(RULES.len(), 10);
        let tests: Vec<&str> = RULES.iter().filter_map(|r| r.refs.observatory).collect();
        assert_eq!(tests.len(), 10);
        for rule in RULES {
            assert_eq!(rule.weight, 1.0, "{}", rule.id);
            assert_eq!(rule.penalty, 0, "{}", rule.id);
        }
    }

    #[test]
    fn severity_follows_the_modifier() {
        assert_eq!(severity_for(-50), Severity::Critical);
        assert_eq!(severity_for(-40), Severity::Critical);
        assert_eq!(severity_for(-25), Severity::Major);
        assert_eq!(severity_for(-20), Severity::Major);
        assert_eq!(severity_for(-10), Severity::Minor);
        assert_eq!(severity_for(-5), Severity::Minor);
    }

    #[test]
    fn every_outcome_carries_its_observatory_result() {
        let p = page("<p>x</p>");
        for rule in RULES {
            let c = check(rule.id, &p);
            let o = c
                .observatory
                .unwrap_or_else(|| panic!("{} has no result", rule.id));
            assert_eq!(Some(o.test.as_str()), rule.refs.observatory);
            assert_eq!(c.outcome == Outcome::Fail, !o.pass, "{}", rule.id);
            if !o.pass {
                assert_eq!(
                    c.severity,
                    Some(severity_for(o.score_modifier)),
                    "{}",
                    rule.id
                );
                assert!(
                    c.failures[0]
                        .detail
                        .as_deref()
                        .unwrap_or("")
                        .starts_with(&o.result)
                );
            } else {
                assert!(
                    c.evidence
                        .detail
                        .as_deref()
                        .unwrap_or("")
                        .starts_with(&o.result)
                );
            }
        }
    }

    #[test]
    fn local_directory_keeps_content_tests_only() {
        let mut p = page(r#"<script src="https://cdn.example/x.js"></script>"#);
        p.served = Served::LocalDirectory;
        let applicable: Vec<&str> = RULES
            .iter()
            .filter(|r| check(r.id, &p).outcome != Outcome::NotApplicable)
            .map(|r| r.id)
            .collect();
        assert_eq!(applicable, ["security.subresource-integrity"]);
        let mut p = page(
            r#"<meta http-equiv="Content-Security-Policy" content="default-src 'none'">
               <meta name="referrer" content="no-referrer">"#,
        );
        p.served = Served::LocalDirectory;
        for id in [
            "security.content-security-policy",
            "security.referrer-policy",
        ] {
            assert_eq!(check(id, &p).outcome, Outcome::Pass, "{id}");
        }
        // The same page from a real server: its (missing) headers are judged.
        assert_eq!(
            outcome("security.x-content-type-options", "<p>x</p>"),
            Outcome::Fail
        );
    }

    #[test]
    fn joined_header_and_js_helpers() {
        let p = page("").with_headers(&[("x-a", "one"), ("x-a", "two")]);
        assert_eq!(
            joined_header(&p.headers, "x-a").as_deref(),
            Some("one, two")
        );
        assert_eq!(joined_header(&p.headers, "x-b"), None);
        assert_eq!(js_slice("abcdef", 3), "abc");
        assert_eq!(js_slice("ab", 3), "ab");
        assert_eq!(js_trim("\u{feff} x \n"), "x");
    }
}
