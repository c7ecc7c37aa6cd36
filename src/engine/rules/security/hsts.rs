//! Strict-Transport-Security: the Observatory's `strict-transport-security` test.
//!
//! The header is read from the https response: the page itself when it is https, else the
//! `https://host/` probe. Only one header is valid (a repeated header arrives comma-joined and
//! is invalid), `max-age` is required, and six months means 15,552,000 seconds. When the page
//! is plain http and the `https://host/` probe fails certificate verification, the result is
//! `hsts-invalid-cert` (an https page with a bad certificate cannot be fetched at all, so its
//! audit fails instead). The preload list is empty.

use super::{LOCAL_SERVER, Verdict, header_snippet, joined_header, js_slice};
use crate::engine::page::Page;
use crate::engine::rules::Check;

/// The Observatory test name.
const TEST: &str = "strict-transport-security";
/// Six months as the Observatory counts it (180 days), in seconds.
pub(super) const SIX_MONTHS_SECS: f64 = 15_552_000.0;
/// The Observatory reads at most this many characters of the header.
const MAX_HEADER_CHARS: usize = 1024;
/// It parses at most this many characters of a `max-age` value.
const MAX_AGE_CHARS: usize = 128;

const AT_LEAST_SIX_MONTHS: Verdict = Verdict {
    test: TEST,
    id: "hsts-implemented-max-age-at-least-six-months",
    modifier: 0,
    pass: true,
    meaning: "browsers will use only https for this site for at least six months",
};
const LESS_THAN_SIX_MONTHS: Verdict = Verdict {
    test: TEST,
    id: "hsts-implemented-max-age-less-than-six-months",
    modifier: -10,
    pass: false,
    meaning: "HSTS is set, but max-age is under six months (15552000 seconds)",
};
const NOT_IMPLEMENTED: Verdict = Verdict {
    test: TEST,
    id: "hsts-not-implemented",
    modifier: -20,
    pass: false,
    meaning: "no Strict-Transport-Security header on the https response",
};
const HEADER_INVALID: Verdict = Verdict {
    test: TEST,
    id: "hsts-header-invalid",
    modifier: -20,
    pass: false,
    meaning: "the Strict-Transport-Security header cannot be parsed",
};
const INVALID_CERT: Verdict = Verdict {
    test: TEST,
    id: "hsts-invalid-cert",
    modifier: -20,
    pass: false,
    meaning: "https://host/ presents a certificate that does not verify, so browsers refuse the \
              https site and HSTS cannot protect it",
};
const NO_HTTPS: Verdict = Verdict {
    test: TEST,
    id: "hsts-not-implemented-no-https",
    modifier: -20,
    pass: false,
    meaning: "the site does not answer over https, so it cannot use HSTS",
};

/// The HSTS result and what was seen.
pub(super) struct Analysis {
    verdict: Verdict,
    seen: String,
    header: Option<String>,
}

impl Analysis {
    /// True when the Observatory counts HSTS as passed (cookies without Secure are then
    /// "protected by HSTS").
    pub fn passes(&self) -> bool {
        self.verdict.pass
    }
}

/// JavaScript's `parseInt(text, 10)`: optional white space and sign, then the leading digits;
/// NaN when there are none.
fn js_parse_int(text: &str) -> f64 {
    let text = super::js_trim(text);
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => (-1.0, rest),
        None => (1.0, text.strip_prefix('+').unwrap_or(text)),
    };
    let digits: String = digits.chars().take_while(char::is_ascii_digit).collect();
    if digits.is_empty() {
        f64::NAN
    } else {
        sign * digits.parse::<f64>().unwrap_or(f64::NAN)
    }
}

/// Judges one header value as the Observatory does.
fn judge_header(value: &str) -> (Verdict, String) {
    let data = js_slice(value, MAX_HEADER_CHARS);
    if data.contains(',') {
        return (
            HEADER_INVALID,
            "the header is sent more than once or contains a comma".into(),
        );
    }
    let mut max_age = None;
    for parameter in data.split(';').map(|p| super::js_trim(p).to_lowercase()) {
        if let Some(rest) = parameter.strip_prefix("max-age=") {
            max_age = Some(js_parse_int(js_slice(
                rest,
                MAX_AGE_CHARS - "max-age=".len(),
            )));
        }
    }
    match max_age {
        None => (HEADER_INVALID, "max-age is missing".into()),
        // NaN compares false, so an unreadable max-age passes, as it does upstream.
        Some(age) if age < SIX_MONTHS_SECS => (LESS_THAN_SIX_MONTHS, format!("max-age={age}")),
        Some(age) => (AT_LEAST_SIX_MONTHS, format!("max-age={age}")),
    }
}

/// The Observatory's HSTS test on a page (also used by the cookies test).
pub(super) fn analyze(page: &Page) -> Analysis {
    // Either the https response's header, or the verdict when there is no usable one.
    let (header, failure) = if page.is_https() {
        (
            joined_header(&page.headers, "strict-transport-security"),
            None,
        )
    } else {
        match page.origin.https_probe.as_ref() {
            None => (
                None,
                Some((
                    NO_HTTPS,
                    "https://host/ was not probed; treated as no https".to_owned(),
                )),
            ),
            Some(probe) if probe.certificate_invalid => (
                None,
                Some((
                    INVALID_CERT,
                    format!(
                        "https://host/ did not verify: {}",
                        probe.error.as_deref().unwrap_or("invalid certificate")
                    ),
                )),
            ),
            Some(probe) if probe.status.is_none() => (
                None,
                Some((
                    NO_HTTPS,
                    match &probe.error {
                        Some(e) => format!("https://host/ did not answer: {e}"),
                        None => "https://host/ did not answer".to_owned(),
                    },
                )),
            ),
            Some(probe) => (
                joined_header(&probe.headers, "strict-transport-security"),
                None,
            ),
        }
    };
    let (verdict, seen) = match (&header, failure) {
        (_, Some(failure)) => failure,
        (None, None) => (NOT_IMPLEMENTED, String::new()),
        (Some(value), None) => judge_header(value),
    };
    Analysis {
        verdict,
        seen,
        header,
    }
}

/// The `strict-transport-security` test of a page.
pub(super) fn strict_transport_security(page: &Page) -> Check {
    if !page.is_remote() {
        return Check::not_applicable(LOCAL_SERVER);
    }
    let analysis = analyze(page);
    let snippet = analysis
        .header
        .as_deref()
        .map(|h| header_snippet("Strict-Transport-Security", h));
    analysis.verdict.report(&analysis.seen, snippet)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::engine::page::{OriginFacts, Probe};
    use crate::engine::rules::testing::{check, page};
    use crate::report::Outcome;

    const RULE: &str = "security.hsts";

    fn result(p: &Page) -> (String, Outcome) {
        let c = check(RULE, p);
        (c.observatory.unwrap().result, c.outcome)
    }

    #[test]
    fn header_table() {
        let table = [
            (
                "max-age=15552000",
                "hsts-implemented-max-age-at-least-six-months",
            ),
            (
                "max-age=63072000; includeSubDomains; preload",
                "hsts-implemented-max-age-at-least-six-months",
            ),
            (
                "MAX-AGE=86400",
                "hsts-implemented-max-age-less-than-six-months",
            ),
            (
                "max-age=-1",
                "hsts-implemented-max-age-less-than-six-months",
            ),
            ("includeSubDomains; preload", "hsts-header-invalid"),
            ("max-age = 31536000", "hsts-header-invalid"),
            ("max-age=31536000, max-age=31536000", "hsts-header-invalid"),
            (
                "max-age=abc",
                "hsts-implemented-max-age-at-least-six-months",
            ),
        ];
        for (value, expected) in table {
            let p = page("").with_headers(&[("strict-transport-security", value)]);
            assert_eq!(result(&p).0, expected, "{value}");
        }
        assert_eq!(
            result(&page("")),
            ("hsts-not-implemented".to_owned(), Outcome::Fail)
        );
        // Two headers arrive comma-joined: invalid.
        let p = page("").with_headers(&[
            ("strict-transport-security", "max-age=31536000"),
            ("strict-transport-security", "max-age=31536000"),
        ]);
        assert_eq!(result(&p).0, "hsts-header-invalid");
    }

    #[test]
    fn http_pages_read_the_https_probe() {
        let mut p = Page::from_html("http://site.example/", "")
            .with_headers(&[("strict-transport-security", "max-age=31536000")]);
        assert_eq!(result(&p).0, "hsts-not-implemented-no-https");
        let mut probe = Probe {
            status: Some(200),
            ..Probe::default()
        };
        probe.headers.insert(
            "strict-transport-security",
            http::HeaderValue::from_static("max-age=31536000"),
        );
        p.origin = Arc::new(OriginFacts {
            https_probe: Some(probe),
            ..OriginFacts::default()
        });
        assert_eq!(
            result(&p),
            (
                "hsts-implemented-max-age-at-least-six-months".to_owned(),
                Outcome::Pass
            )
        );
        p.origin = Arc::new(OriginFacts {
            https_probe: Some(Probe {
                error: Some("connection refused".into()),
                ..Probe::default()
            }),
            ..OriginFacts::default()
        });
        let c = check(RULE, &p);
        assert!(
            c.failures[0]
                .detail
                .as_deref()
                .unwrap()
                .contains("connection refused")
        );
        assert_eq!(result(&p).0, "hsts-not-implemented-no-https");
        // TLS answered, but the certificate did not verify.
        p.origin = Arc::new(OriginFacts {
            https_probe: Some(Probe {
                error: Some("invalid peer certificate: UnknownIssuer".into()),
                certificate_invalid: true,
                ..Probe::default()
            }),
            ..OriginFacts::default()
        });
        let c = check(RULE, &p);
        let observatory = c.observatory.unwrap();
        assert_eq!(
            (observatory.result.as_str(), observatory.score_modifier),
            ("hsts-invalid-cert", -20)
        );
        assert!(
            c.failures[0]
                .detail
                .as_deref()
                .unwrap()
                .contains("UnknownIssuer")
        );
    }

    #[test]
    fn parse_int_is_javascript_like() {
        assert_eq!(js_parse_int("15552000"), 15_552_000.0);
        assert_eq!(js_parse_int(" 12abc"), 12.0);
        assert_eq!(js_parse_int("-5"), -5.0);
        assert!(js_parse_int("abc").is_nan());
    }
}
