//! Content-Security-Policy: the Observatory's CSP parser and its `content-security-policy` test.
//!
//! The parser follows the Observatory's exactly, quirks included:
//! - every header value and `<meta>` policy is split on commas into separate policies;
//! - a policy shorter than 6 characters, or one that repeats a directive other than
//!   `report-uri`/`report-to`, makes the whole set invalid;
//! - several policies are intersected: a source survives a later policy only when that policy
//!   lists it too (or a path under it), and a directive that only a later policy names ends up
//!   `'none'`;
//! - sources are lower-cased and sorted the way `Intl.Collator("en")` sorts them (punctuation
//!   before digits before letters), and a source that merely extends the previous one in the
//!   same policy is dropped;
//! - a source directive written without sources means `'none'`.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use super::{LOCAL_SERVER, Verdict, header_snippet, is_js_space, joined_header, js_trim};
use crate::engine::page::Page;
use crate::engine::page::dom::{Attribute, SNIPPET_MAX, shorten};
use crate::engine::rules::Check;
use crate::sel;

/// The Observatory test name.
const TEST: &str = "content-security-policy";

/// A policy shorter than this many characters is invalid (`"img-src".length - 1`).
const SHORTEST_POLICY: usize = 6;
/// Directives a `<meta>` policy may not set.
const META_FORBIDDEN: [&str; 3] = ["frame-ancestors", "report-uri", "sandbox"];
/// Directives that may repeat inside one policy.
const REPEATABLE: [&str; 2] = ["report-uri", "report-to"];
/// Sources that allow far too much.
const DANGEROUSLY_BROAD: [&str; 8] = [
    "ftp:",
    "http:",
    "https:",
    "*",
    "http://*",
    "http://*.*",
    "https://*",
    "https://*.*",
];
/// Sources that allow inline code.
const UNSAFE_INLINE: [&str; 2] = ["'unsafe-inline'", "data:"];
/// Directives for passive content.
const PASSIVE_DIRECTIVES: [&str; 2] = ["img-src", "media-src"];
/// How nonce and hash sources start.
const NONCE_OR_HASH: [&str; 4] = ["'sha256-", "'sha384-", "'sha512-", "'nonce-"];

const NO_UNSAFE_DEFAULT_NONE: Verdict = Verdict {
    test: TEST,
    id: "csp-implemented-with-no-unsafe-default-src-none",
    modifier: 10,
    pass: true,
    meaning: "a CSP starting from default-src 'none' with no unsafe sources",
};
const NO_UNSAFE: Verdict = Verdict {
    test: TEST,
    id: "csp-implemented-with-no-unsafe",
    modifier: 5,
    pass: true,
    meaning: "a CSP with no unsafe sources (default-src 'none' would earn the full bonus)",
};
const UNSAFE_INLINE_IN_STYLE_ONLY: Verdict = Verdict {
    test: TEST,
    id: "csp-implemented-with-unsafe-inline-in-style-src-only",
    modifier: 0,
    pass: true,
    meaning: "the CSP is safe for scripts but style-src allows inline styles, data: or a whole scheme",
};
const INSECURE_PASSIVE_ONLY: Verdict = Verdict {
    test: TEST,
    id: "csp-implemented-with-insecure-scheme-in-passive-content-only",
    modifier: -10,
    pass: true,
    meaning: "the CSP allows images or media over plain http or ftp",
};
const UNSAFE_EVAL: Verdict = Verdict {
    test: TEST,
    id: "csp-implemented-with-unsafe-eval",
    modifier: -10,
    pass: false,
    meaning: "the CSP allows 'unsafe-eval', so strings can run as code",
};
const UNSAFE_INLINE_RESULT: Verdict = Verdict {
    test: TEST,
    id: "csp-implemented-with-unsafe-inline",
    modifier: -20,
    pass: false,
    meaning: "the CSP lets scripts or plugins run inline or from anywhere, so it does not stop cross-site scripting",
};
const INSECURE_SCHEME: Verdict = Verdict {
    test: TEST,
    id: "csp-implemented-with-insecure-scheme",
    modifier: -20,
    pass: false,
    meaning: "the CSP allows active content over plain http or ftp on an https page",
};
const DUPLICATE_DIRECTIVES: Verdict = Verdict {
    test: TEST,
    id: "csp-implemented-but-duplicate-directives",
    modifier: 0,
    pass: true,
    meaning: "a passing CSP, but report-uri or report-to is repeated inside one policy",
};
const HEADER_INVALID: Verdict = Verdict {
    test: TEST,
    id: "csp-header-invalid",
    modifier: -25,
    pass: false,
    meaning: "the Content Security Policy cannot be parsed",
};
const NOT_IMPLEMENTED: Verdict = Verdict {
    test: TEST,
    id: "csp-not-implemented",
    modifier: -25,
    pass: false,
    meaning: "no Content Security Policy is enforced",
};
const NOT_IMPLEMENTED_REPORTING: Verdict = Verdict {
    test: TEST,
    id: "csp-not-implemented-but-reporting-enabled",
    modifier: -25,
    pass: false,
    meaning: "only Content-Security-Policy-Report-Only is sent, which reports violations but blocks nothing",
};

/// Why a set of policies is invalid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum CspError {
    /// An empty or too short policy.
    TooShort(String),
    /// A directive repeated inside one policy.
    Repeated(String),
    /// A malformed `%` escape met while intersecting policies.
    BadEscape(String),
}

impl CspError {
    fn describe(&self) -> String {
        match self {
            CspError::TooShort(p) if p.is_empty() => "an empty policy".into(),
            CspError::TooShort(p) => format!("the policy `{p}` is too short"),
            CspError::Repeated(d) => format!("the directive {d} is repeated in one policy"),
            CspError::BadEscape(s) => format!("the source {s} has a malformed % escape"),
        }
    }
}

/// A parsed (and, for several policies, intersected) policy set.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Policy {
    /// Directive → its sources (lower-case).
    pub directives: BTreeMap<String, BTreeSet<String>>,
    /// `report-uri` or `report-to` was repeated inside one policy.
    pub repeated_reporting: bool,
}

impl Policy {
    /// How many entries the Observatory's map has (the repeated-reporting marker counts).
    fn size(&self) -> usize {
        self.directives.len() + usize::from(self.repeated_reporting)
    }
}

/// One source while parsing: its text, the policy it came from, and whether it survives.
struct Source {
    text: String,
    policy: usize,
    keep: bool,
}

/// Parses and intersects policies the way the Observatory does.
pub(super) fn parse(policies: &[String]) -> Result<Policy, CspError> {
    let cleaned: Vec<String> = policies
        .iter()
        .map(|p| js_trim(&p.replace(['\r', '\n'], "")).to_owned())
        .collect();
    if let Some(short) = cleaned
        .iter()
        .find(|p| p.encode_utf16().count() < SHORTEST_POLICY)
    {
        return Err(CspError::TooShort(short.clone()));
    }
    let several = cleaned.len() > 1;
    let mut arena: Vec<Source> = Vec::new();
    let mut map: HashMap<String, Vec<usize>> = HashMap::new();
    let mut repeated_reporting = false;
    for (index, policy) in cleaned.iter().enumerate() {
        let mut seen = HashSet::new();
        for entry in policy.split(';') {
            let mut tokens = js_trim(entry).split(is_js_space).filter(|t| !t.is_empty());
            let Some(name) = tokens.next() else { continue };
            let directive = name.to_lowercase();
            if !seen.insert(directive.clone()) {
                if REPEATABLE.contains(&directive.as_str()) {
                    repeated_reporting = true;
                } else {
                    return Err(CspError::Repeated(directive));
                }
            }
            let keep = index == 0;
            let start = arena.len();
            arena.extend(tokens.map(|t| Source {
                text: t.to_lowercase(),
                policy: index,
                keep,
            }));
            if arena.len() == start && directive.ends_with("-src") {
                arena.push(Source {
                    text: "'none'".into(),
                    policy: index,
                    keep,
                });
            }
            let mut combined: Vec<usize> = if index == 0 {
                Vec::new()
            } else {
                map.get(&directive).cloned().unwrap_or_default()
            };
            combined.extend(start..arena.len());
            combined.sort_by(|&a, &b| collate(&arena[a].text, &arena[b].text));
            for pair in combined.windows(2) {
                let (prev, cur) = (pair[0], pair[1]);
                if arena[cur].policy == arena[prev].policy
                    && arena[cur].text.starts_with(arena[prev].text.as_str())
                {
                    arena[cur].keep = false;
                }
                if arena[cur].policy != arena[prev].policy
                    && path_part_match(&arena[prev].text, &arena[cur].text)?
                {
                    arena[cur].keep = true;
                }
            }
            let kept: Vec<usize> = combined.into_iter().filter(|&i| arena[i].keep).collect();
            if index == 0 && several {
                for &i in &kept {
                    arena[i].keep = false;
                }
            }
            map.insert(directive, kept);
        }
    }
    let directives = map
        .into_iter()
        .map(|(directive, sources)| {
            let mut set: BTreeSet<String> =
                sources.iter().map(|&i| arena[i].text.clone()).collect();
            if set.is_empty() {
                set.insert("'none'".into());
            }
            (directive, set)
        })
        .collect();
    Ok(Policy {
        directives,
        repeated_reporting,
    })
}

/// [`parse`] for `<meta>` policies: the directives a meta policy may not set are dropped.
fn parse_meta(policies: &[String]) -> Result<Policy, CspError> {
    let mut policy = parse(policies)?;
    for directive in META_FORBIDDEN {
        policy.directives.remove(directive);
    }
    Ok(policy)
}

/// Whether two sources name the same path (the second under the first when the first ends
/// with `/`), comparing percent-decoded segments.
fn path_part_match(a: &str, b: &str) -> Result<bool, CspError> {
    if a.is_empty() || (a == "/" && b.is_empty()) {
        return Ok(true);
    }
    let exact = !a.ends_with('/');
    let mut left: Vec<&str> = a.split('/').collect();
    let right: Vec<&str> = b.split('/').collect();
    if left.len() > right.len() || (exact && left.len() != right.len()) {
        return Ok(false);
    }
    if !exact {
        left.pop();
    }
    for (x, y) in left.iter().zip(&right) {
        if decode_component(x)? != decode_component(y)? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// JavaScript's `decodeURIComponent`: fails on a malformed escape or invalid UTF-8.
fn decode_component(text: &str) -> Result<String, CspError> {
    let bad = || CspError::BadEscape(text.to_owned());
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3).ok_or_else(bad)?;
            let hex = std::str::from_utf8(hex).map_err(|_| bad())?;
            out.push(u8::from_str_radix(hex, 16).map_err(|_| bad())?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| bad())
}

/// The printable ASCII characters in `Intl.Collator("en")` order (primary strength, so a letter
/// and its capital share a place).
const COLLATION_ORDER: &str =
    " _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$0123456789abcdefghijklmnopqrstuvwxyz";

/// A character's primary collation weight: printable ASCII by [`COLLATION_ORDER`], everything
/// else after it by code point (an approximation of ICU beyond ASCII).
fn weight(c: char) -> u32 {
    let lower = c.to_ascii_lowercase();
    COLLATION_ORDER
        .find(lower)
        .map_or(COLLATION_ORDER.len() as u32 + u32::from(c), |i| i as u32)
}

/// Compares like `Intl.Collator("en").compare`: primary weights first, then case (lower
/// before upper), then code points.
fn collate(a: &str, b: &str) -> Ordering {
    a.chars()
        .map(weight)
        .cmp(b.chars().map(weight))
        .then_with(|| {
            a.chars()
                .map(|c| c.is_ascii_uppercase())
                .cmp(b.chars().map(|c| c.is_ascii_uppercase()))
        })
        .then_with(|| a.cmp(b))
}

/// Splits header values (or meta contents) into policies on commas.
fn split_policies<'a>(values: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    values
        .into_iter()
        .flat_map(|v| v.split(','))
        .map(|p| js_trim(p).to_owned())
        .collect()
}

/// The contents of `<meta http-equiv="Content-Security-Policy">` tags, in document order
/// (a meta with an empty content is skipped, as the Observatory does).
fn meta_policies(page: &Page) -> Vec<String> {
    page.select(sel!("meta[http-equiv][content]"))
        .filter(|m| {
            m.attribute("http-equiv")
                .is_some_and(|h| js_trim(h).eq_ignore_ascii_case("content-security-policy"))
        })
        .filter_map(|m| m.attribute("content"))
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .collect()
}

/// What the CSP test concluded.
#[derive(Debug, Clone)]
pub(super) struct Analysis {
    /// The result.
    pub verdict: Verdict,
    /// What was seen, for the evidence.
    pub seen: String,
    /// The combined policy, when the test got as far as reading its directives (the
    /// x-frame-options test looks for frame-ancestors here).
    pub policy: Option<Policy>,
}

/// The inputs of the CSP test.
#[derive(Debug, Clone, Default)]
pub(super) struct Inputs {
    /// `Content-Security-Policy` header values.
    pub headers: Vec<String>,
    /// `<meta http-equiv>` policies.
    pub metas: Vec<String>,
    /// A non-empty `Content-Security-Policy-Report-Only` header was sent.
    pub report_only: bool,
    /// The page is https (http: sources are then insecure).
    pub https: bool,
}

impl Inputs {
    /// The inputs of a page: its headers (when its server is the site's) and meta policies.
    pub fn of(page: &Page) -> Inputs {
        let remote = page.is_remote();
        Inputs {
            headers: if remote {
                joined_header(&page.headers, "content-security-policy")
                    .into_iter()
                    .collect()
            } else {
                Vec::new()
            },
            metas: meta_policies(page),
            report_only: remote
                && joined_header(&page.headers, "content-security-policy-report-only")
                    .is_some_and(|v| !v.is_empty()),
            https: page.is_https(),
        }
    }
}

/// Runs the Observatory's CSP test.
pub(super) fn analyze(inputs: &Inputs) -> Analysis {
    let header = split_policies(inputs.headers.iter().map(String::as_str));
    let meta = split_policies(inputs.metas.iter().map(String::as_str));
    let all: Vec<String> = header.iter().chain(&meta).cloned().collect();
    let combined = match parse(&all) {
        Ok(policy) => policy,
        Err(e) => {
            return Analysis {
                verdict: HEADER_INVALID,
                seen: e.describe(),
                policy: None,
            };
        }
    };
    let header_only = parse(&header).unwrap_or_default();
    let meta_only = parse_meta(&meta).unwrap_or_default();
    if header_only.size() + meta_only.size() == 0 {
        let (verdict, seen) = if inputs.report_only {
            (NOT_IMPLEMENTED_REPORTING, String::new())
        } else if meta.is_empty() {
            (
                NOT_IMPLEMENTED,
                "no Content-Security-Policy header or <meta> policy".into(),
            )
        } else {
            (
                NOT_IMPLEMENTED,
                "the <meta> policy has only directives a <meta> cannot set (frame-ancestors, report-uri, sandbox)".into(),
            )
        };
        return Analysis {
            verdict,
            seen,
            policy: None,
        };
    }
    judge(combined, inputs.https)
}

/// Which directive governs a kind of content: the first of `names` the policy has, or none
/// (anything allowed).
fn governing(policy: &Policy, names: &[&'static str]) -> Option<&'static str> {
    names
        .iter()
        .copied()
        .find(|n| policy.directives.contains_key(*n))
}

fn has_nonce_or_hash(sources: &BTreeSet<String>) -> bool {
    sources
        .iter()
        .any(|s| NONCE_OR_HASH.iter().any(|p| s.starts_with(p)))
}

fn is_insecure_scheme(source: &str) -> bool {
    source.starts_with("http:") || source.starts_with("ftp:")
}

/// The sources of a governing directive, or `*` when none governs.
fn sources_of(policy: &Policy, directive: Option<&str>) -> BTreeSet<String> {
    directive
        .and_then(|d| policy.directives.get(d))
        .cloned()
        .unwrap_or_else(|| BTreeSet::from(["*".to_owned()]))
}

/// `directive allows source`, or a note that nothing governs this content.
fn describe(directive: Option<&str>, kind: &str, source: &str) -> String {
    match directive {
        Some(d) => format!("{d} allows {source}"),
        None => format!("no {kind}-src or default-src, so {kind}s may come from anywhere"),
    }
}

/// The checks of the CSP test on a parsed policy, in the Observatory's order: the first that
/// applies sets the result.
fn judge(mut policy: Policy, https: bool) -> Analysis {
    let script_dir = governing(&policy, &["script-src", "default-src"]);
    let style_dir = governing(&policy, &["style-src", "default-src"]);
    let object_dir = governing(&policy, &["object-src", "default-src"]);
    // A nonce or hash disables 'unsafe-inline' (the Observatory edits the shared directive).
    for directive in [script_dir, style_dir].into_iter().flatten() {
        if let Some(set) = policy.directives.get_mut(directive)
            && has_nonce_or_hash(set)
        {
            set.remove("'unsafe-inline'");
        }
    }
    let mut result: Option<(Verdict, String)> = None;
    let script = sources_of(&policy, script_dir);
    if script.contains("'strict-dynamic'") {
        if has_nonce_or_hash(&script) {
            if let Some(set) = script_dir.and_then(|d| policy.directives.get_mut(d)) {
                set.retain(|s| {
                    !(DANGEROUSLY_BROAD.iter().any(|b| s.starts_with(b))
                        || s == "'self'"
                        || s == "'unsafe-inline'")
                });
            }
        } else {
            result = Some((
                HEADER_INVALID,
                "'strict-dynamic' without a nonce or hash in script-src".into(),
            ));
        }
    }
    let script = sources_of(&policy, script_dir);
    let style = sources_of(&policy, style_dir);
    let object = sources_of(&policy, object_dir);
    let mut set = |verdict: Verdict, seen: String| {
        if result.is_none() {
            result = Some((verdict, seen));
        }
    };

    let inline_script = script
        .iter()
        .find(|s| DANGEROUSLY_BROAD.contains(&s.as_str()) || UNSAFE_INLINE.contains(&s.as_str()));
    let broad_object = object
        .iter()
        .find(|s| DANGEROUSLY_BROAD.contains(&s.as_str()));
    if let Some(source) = inline_script {
        set(UNSAFE_INLINE_RESULT, describe(script_dir, "script", source));
    } else if let Some(source) = broad_object {
        set(UNSAFE_INLINE_RESULT, describe(object_dir, "object", source));
    }

    if https {
        let active = policy
            .directives
            .iter()
            .filter(|(d, _)| !PASSIVE_DIRECTIVES.contains(&d.as_str()) && *d != "script-src")
            .flat_map(|(d, sources)| sources.iter().map(move |s| (d.as_str(), s)))
            .chain(
                script
                    .iter()
                    .map(|s| (script_dir.unwrap_or("script-src"), s)),
            )
            .find(|(_, s)| is_insecure_scheme(s));
        if let Some((directive, source)) = active {
            set(INSECURE_SCHEME, format!("{directive} allows {source}"));
        }
    }

    if script.contains("'unsafe-eval'") || style.contains("'unsafe-eval'") {
        let directive = if script.contains("'unsafe-eval'") {
            script_dir
        } else {
            style_dir
        };
        set(
            UNSAFE_EVAL,
            format!("{} allows 'unsafe-eval'", directive.unwrap_or("script-src")),
        );
    }

    if https {
        let passive = PASSIVE_DIRECTIVES.iter().find_map(|d| {
            let sources = policy
                .directives
                .get(*d)
                .or_else(|| policy.directives.get("default-src"))?;
            sources
                .iter()
                .find(|s| is_insecure_scheme(s))
                .map(|s| format!("{d} allows {s}"))
        });
        if let Some(seen) = passive {
            set(INSECURE_PASSIVE_ONLY, seen);
        }
    }

    let inline_style = style
        .iter()
        .find(|s| DANGEROUSLY_BROAD.contains(&s.as_str()) || UNSAFE_INLINE.contains(&s.as_str()));
    if let Some(source) = inline_style {
        set(
            UNSAFE_INLINE_IN_STYLE_ONLY,
            describe(style_dir, "style", source),
        );
    }

    let default_none = policy
        .directives
        .get("default-src")
        .is_some_and(|d| d.len() == 1 && d.contains("'none'"));
    if default_none {
        set(NO_UNSAFE_DEFAULT_NONE, String::new());
    } else {
        set(NO_UNSAFE, String::new());
    }

    let (mut verdict, mut seen) = result.unwrap_or((NO_UNSAFE, String::new()));
    if verdict.pass && policy.repeated_reporting {
        seen = format!("the result would be {}", verdict.id);
        verdict = DUPLICATE_DIRECTIVES;
    }
    Analysis {
        verdict,
        seen,
        policy: Some(policy),
    }
}

/// The `content-security-policy` test of a page.
pub(super) fn content_security_policy(page: &Page) -> Check {
    let inputs = Inputs::of(page);
    if !page.is_remote() && inputs.metas.is_empty() {
        return Check::not_applicable(format!(
            "{LOCAL_SERVER}, and the page has no <meta http-equiv=\"Content-Security-Policy\">"
        ));
    }
    let snippet = inputs
        .headers
        .first()
        .map(|h| header_snippet("Content-Security-Policy", h))
        .or_else(|| {
            inputs.metas.first().map(|m| {
                shorten(
                    &format!("<meta http-equiv=\"Content-Security-Policy\" content=\"{m}\">"),
                    SNIPPET_MAX,
                )
            })
        });
    let analysis = analyze(&inputs);
    analysis.verdict.report(&analysis.seen, snippet)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rules::testing::{check, page};
    use crate::report::Outcome;

    const RULE: &str = "security.content-security-policy";

    fn result_of(headers: &[(&str, &str)], html: &str) -> String {
        let c = check(RULE, &page(html).with_headers(headers));
        c.observatory.expect("observatory result").result
    }

    fn header(policy: &str) -> String {
        result_of(&[("content-security-policy", policy)], "")
    }

    #[test]
    fn header_table() {
        let table = [
            (
                "default-src 'none'",
                "csp-implemented-with-no-unsafe-default-src-none",
            ),
            (
                "default-src",
                "csp-implemented-with-no-unsafe-default-src-none",
            ),
            (
                "default-src https://site.example",
                "csp-implemented-with-no-unsafe",
            ),
            ("", "csp-header-invalid"),
            ("img", "csp-header-invalid"),
            ("script-src 'self'; script-src 'none'", "csp-header-invalid"),
            (
                "default-src 'none'; script-src 'strict-dynamic'",
                "csp-header-invalid",
            ),
            (
                "default-src 'none';",
                "csp-implemented-with-no-unsafe-default-src-none",
            ),
            (
                "script-src 'unsafe-inline'",
                "csp-implemented-with-unsafe-inline",
            ),
            (
                "default-src 'none'; script-src https:",
                "csp-implemented-with-unsafe-inline",
            ),
            (
                "object-src *; script-src 'none'",
                "csp-implemented-with-unsafe-inline",
            ),
            ("img-src 'self'", "csp-implemented-with-unsafe-inline"),
            (
                "default-src 'none'; script-src http://cdn.example",
                "csp-implemented-with-insecure-scheme",
            ),
            (
                "default-src 'none'; script-src 'unsafe-eval'",
                "csp-implemented-with-unsafe-eval",
            ),
            (
                "default-src 'none'; img-src http:",
                "csp-implemented-with-insecure-scheme-in-passive-content-only",
            ),
            (
                "default-src 'none'; style-src 'unsafe-inline'",
                "csp-implemented-with-unsafe-inline-in-style-src-only",
            ),
            // A nonce disables 'unsafe-inline'; 'strict-dynamic' with a nonce drops broad sources.
            (
                "default-src 'none'; script-src 'nonce-a' 'unsafe-inline'",
                "csp-implemented-with-no-unsafe-default-src-none",
            ),
            (
                "default-src 'none'; script-src 'strict-dynamic' 'sha256-x' https:",
                "csp-implemented-with-no-unsafe-default-src-none",
            ),
            // Comma-separated policies are intersected.
            (
                "default-src 'none', default-src 'none'",
                "csp-implemented-with-no-unsafe-default-src-none",
            ),
            (
                "default-src 'none'; report-uri /a; report-uri /b",
                "csp-implemented-but-duplicate-directives",
            ),
            ("default-src 'none',", "csp-header-invalid"),
        ];
        for (policy, expected) in table {
            assert_eq!(header(policy), expected, "{policy:?}");
        }
    }

    #[test]
    fn meta_policies_count_except_header_only_directives() {
        let meta = |content: &str| {
            format!(r#"<meta http-equiv=" Content-SECURITY-Policy " content="{content}">"#)
        };
        assert_eq!(
            result_of(&[], &meta("default-src 'none'")),
            "csp-implemented-with-no-unsafe-default-src-none"
        );
        assert_eq!(
            result_of(&[], &meta("frame-ancestors 'none'")),
            "csp-not-implemented"
        );
        // The header and the meta policy are intersected: http: is not in both.
        assert_eq!(
            result_of(
                &[("content-security-policy", "default-src http:")],
                &meta("default-src https:")
            ),
            "csp-implemented-with-no-unsafe-default-src-none"
        );
        assert_eq!(
            result_of(&[], r#"<meta http-equiv="x" content="default-src 'none'">"#),
            "csp-not-implemented"
        );
    }

    #[test]
    fn missing_and_report_only() {
        let c = check(RULE, &page("<p>x</p>").with_headers(&[]));
        assert_eq!(c.outcome, Outcome::Fail);
        let o = c.observatory.unwrap();
        assert_eq!(
            (o.result.as_str(), o.score_modifier),
            ("csp-not-implemented", -25)
        );
        assert_eq!(
            result_of(
                &[("content-security-policy-report-only", "default-src 'none'")],
                ""
            ),
            "csp-not-implemented-but-reporting-enabled"
        );
    }

    #[test]
    fn passing_with_a_penalty_is_still_a_pass() {
        let c = check(
            RULE,
            &page("").with_headers(&[(
                "content-security-policy",
                "default-src 'self'; img-src http:",
            )]),
        );
        assert_eq!(c.outcome, Outcome::Pass);
        assert_eq!(c.observatory.unwrap().score_modifier, -10);
    }

    #[test]
    fn insecure_schemes_only_matter_on_https_pages() {
        let p = crate::engine::page::Page::from_html("http://site.example/", "").with_headers(&[(
            "content-security-policy",
            "default-src 'none'; script-src http://a.example",
        )]);
        assert_eq!(
            check(RULE, &p).observatory.unwrap().result,
            "csp-implemented-with-no-unsafe-default-src-none"
        );
    }

    #[test]
    fn parser_intersects_and_sorts_like_the_observatory() {
        let policies = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let p = parse(&policies(&[
            "style-src 'self' 'unsafe-inline'",
            "style-src 'self'",
            "style-src 'self' 'unsafe-inline'",
        ]))
        .unwrap();
        assert_eq!(
            p.directives["style-src"],
            BTreeSet::from(["'self'".to_owned()])
        );
        // A directive only a later policy names ends up 'none'.
        let p = parse(&policies(&["default-src 'none'", "img-src 'self'"])).unwrap();
        assert_eq!(
            p.directives["img-src"],
            BTreeSet::from(["'none'".to_owned()])
        );
        // A source extending the previous one in the same policy is dropped.
        let p = parse(&policies(&["script-src https://a.example https:"])).unwrap();
        assert_eq!(
            p.directives["script-src"],
            BTreeSet::from(["https:".to_owned()])
        );
        // A path under a folder source survives the intersection.
        let p = parse(&policies(&[
            "img-src https://a.example/x/",
            "img-src https://a.example/x/y.png",
        ]))
        .unwrap();
        assert_eq!(
            p.directives["img-src"],
            BTreeSet::from(["https://a.example/x/y.png".to_owned()])
        );
        assert!(matches!(
            parse(&policies(&[
                "img-src https://a.example/%zz",
                "img-src https://a.example/%zz"
            ])),
            Err(CspError::BadEscape(_))
        ));
    }

    #[test]
    fn collation_matches_intl_collator() {
        let mut v = vec![
            "https://a",
            "ab",
            "a:",
            "'self'",
            "http:",
            "a-b",
            "*",
            "a_c",
            "https:",
            "a",
            "http://*",
        ];
        v.sort_by(|a, b| collate(a, b));
        assert_eq!(
            v,
            [
                "'self'",
                "*",
                "a",
                "a_c",
                "a-b",
                "a:",
                "ab",
                "http:",
                "http://*",
                "https:",
                "https://a"
            ]
        );
    }
}
