//! What belongs to the crawl: same-site URLs (the start page's origin) whose path matches the
//! include patterns and none of the exclude patterns.
//!
//! Patterns are globs in which `*` stays within one path segment and `**` spans any depth. A
//! pattern with a `/` is matched against the whole path (`/blog/**`; `blog/**` is taken from
//! the site root, as `/blog/**`); a pattern without one against the last path segment, as in
//! .gitignore (`*.pdf` is any PDF at any depth). Each is also tried with the query appended
//! (`/search?q=*`).

use std::borrow::Cow;

use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};
use percent_encoding::percent_decode_str;

use crate::engine::page::site::upper_case_escapes;
use url::{Origin, Url};

/// Invalid crawl patterns.
#[derive(Debug, thiserror::Error)]
pub enum PatternError {
    /// An empty pattern, which would match nothing.
    #[error(
        "an empty URL pattern matches nothing; use globs on the path such as /blog/** or *.pdf"
    )]
    Empty,
    /// A pattern the glob parser refuses.
    #[error(
        "`{pattern}` is not a valid URL pattern ({reason}); use globs on the path such as /blog/** or *.pdf"
    )]
    Invalid {
        /// The pattern.
        pattern: String,
        /// The parser's complaint.
        reason: String,
    },
}

/// The include or the exclude patterns, by what they are matched against.
#[derive(Debug, Clone)]
struct Patterns {
    /// Patterns with a `/`, matched against the whole path.
    on_path: GlobSet,
    /// Patterns without a `/`, matched against the last path segment.
    on_last_segment: GlobSet,
}

impl Patterns {
    fn new(patterns: &[String]) -> Result<Patterns, PatternError> {
        let mut on_path = GlobSetBuilder::new();
        let mut on_last_segment = GlobSetBuilder::new();
        for raw in patterns {
            let pattern = raw.trim();
            if pattern.is_empty() {
                return Err(PatternError::Empty);
            }
            // Escapes in upper case, as crawled URLs have them (see `normalise`).
            let upper = upper_case_escapes(pattern);
            let pattern = upper.as_deref().unwrap_or(pattern);
            if pattern.contains('/') {
                on_path.add(glob(raw, &from_root(pattern))?);
            } else {
                on_last_segment.add(glob(raw, pattern)?);
            }
        }
        Ok(Patterns {
            on_path: finish(on_path, patterns)?,
            on_last_segment: finish(on_last_segment, patterns)?,
        })
    }

    fn is_empty(&self) -> bool {
        self.on_path.is_empty() && self.on_last_segment.is_empty()
    }

    /// True when some pattern matches the URL's path (and query) as it is, or percent-decoded
    /// (`/café/*` matches `/caf%C3%A9/menu`, and `/a%20b/*` still matches too).
    ///
    /// With `slashes`, the path is also tried with `%2F` and `%3F` decoded, as many servers
    /// decode them (nginx serves `/admin%2Fx` as `/admin/x`): exclude patterns are matched so,
    /// to keep out what they name however it is written.
    fn match_any(&self, url: &Url, slashes: bool) -> bool {
        if self.is_empty() {
            // No pattern: nothing to decode (this runs for every URL a crawl finds).
            return false;
        }
        let (path, query) = (url.path(), url.query());
        if self.match_path(path, query) {
            return true;
        }
        let (decoded_path, decoded_query) = (decoded(path), query.map(decoded));
        let changed = decoded_path != path || decoded_query.as_deref() != query;
        if changed && self.match_path(&decoded_path, decoded_query.as_deref()) {
            return true;
        }
        if slashes && structural_escape(path).is_some() {
            let fully = percent_decode_str(path).decode_utf8_lossy();
            return self.match_path(&fully, decoded_query.as_deref());
        }
        false
    }

    fn match_path(&self, path: &str, query: Option<&str>) -> bool {
        let last_segment = path.rsplit('/').next().unwrap_or(path);
        matches_with_query(&self.on_path, path, query)
            || matches_with_query(&self.on_last_segment, last_segment, query)
    }
}

/// `text` percent-decoded, except `%2F` and `%3F`, which decoded would add a path segment or
/// start a query; bytes that are not UTF-8 become U+FFFD.
fn decoded(text: &str) -> Cow<'_, str> {
    if !text.contains('%') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = structural_escape(rest) {
        out.push_str(&percent_decode_str(&rest[..at]).decode_utf8_lossy());
        out.push_str(&rest[at..at + 3]);
        rest = &rest[at + 3..];
    }
    out.push_str(&percent_decode_str(rest).decode_utf8_lossy());
    Cow::Owned(out)
}

/// Where the first `%2F` or `%3F` (either case) in `text` is.
fn structural_escape(text: &str) -> Option<usize> {
    text.as_bytes().windows(3).position(|w| {
        w[0] == b'%'
            && matches!(
                (w[1], w[2].to_ascii_uppercase()),
                (b'2', b'F') | (b'3', b'F')
            )
    })
}

/// A pattern with a `/` as written from the site root: URL paths start with `/`, so
/// `blog/**` means `/blog/**`. Patterns starting with `**` match at any depth already.
fn from_root(pattern: &str) -> String {
    if pattern.starts_with('/') || pattern.starts_with("**") {
        pattern.to_owned()
    } else {
        format!("/{pattern}")
    }
}

/// `pattern` compiled so that `*` and `?` do not match `/`; `raw` names it in errors.
fn glob(raw: &str, pattern: &str) -> Result<Glob, PatternError> {
    GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
        .map_err(|e| PatternError::Invalid {
            pattern: raw.to_owned(),
            reason: e.kind().to_string(),
        })
}

fn finish(builder: GlobSetBuilder, patterns: &[String]) -> Result<GlobSet, PatternError> {
    builder.build().map_err(|e| PatternError::Invalid {
        pattern: patterns.join(", "),
        reason: e.to_string(),
    })
}

/// True when `set` matches `text`, or `text?query`.
fn matches_with_query(set: &GlobSet, text: &str, query: Option<&str>) -> bool {
    set.is_match(text) || query.is_some_and(|q| set.is_match(format!("{text}?{q}")))
}

/// The scope of a crawl.
#[derive(Debug, Clone)]
pub struct Scope {
    origin: Origin,
    include: Patterns,
    exclude: Patterns,
}

impl Scope {
    /// The scope of a crawl starting at `start`.
    pub fn new(start: &Url, include: &[String], exclude: &[String]) -> Result<Scope, PatternError> {
        Ok(Scope {
            origin: start.origin(),
            include: Patterns::new(include)?,
            exclude: Patterns::new(exclude)?,
        })
    }

    /// True for URLs on the start page's origin.
    pub fn same_site(&self, url: &Url) -> bool {
        url.origin() == self.origin
    }

    /// True when the patterns allow the URL's path (and query): some include pattern matches
    /// (or none was given) and no exclude pattern does.
    pub fn matches(&self, url: &Url) -> bool {
        (self.include.is_empty() || self.include.match_any(url, false))
            && !self.exclude.match_any(url, true)
    }

    /// True when the URL is same-site and allowed by the patterns.
    pub fn allows(&self, url: &Url) -> bool {
        self.same_site(url) && self.matches(url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(include: &[&str], exclude: &[&str]) -> Scope {
        let owned = |p: &[&str]| p.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let start = Url::parse("https://s.example/").unwrap();
        Scope::new(&start, &owned(include), &owned(exclude)).unwrap()
    }

    /// The paths among `paths` that `scope` allows.
    fn allowed<'a>(scope: &Scope, paths: &[&'a str]) -> Vec<&'a str> {
        paths
            .iter()
            .copied()
            .filter(|p| scope.allows(&Url::parse(&format!("https://s.example{p}")).unwrap()))
            .collect()
    }

    const PATHS: [&str; 8] = [
        "/",
        "/blog",
        "/blog/",
        "/blog/a.html",
        "/blog/deep/c.html",
        "/docs/guide.pdf",
        "/guide.pdf",
        "/shop/blog/x.html",
    ];

    #[test]
    fn same_site_and_patterns() {
        let scope = scope(&["/blog/**", "/"], &["**/*.pdf"]);
        let u = |s: &str| Url::parse(s).unwrap();
        assert!(scope.allows(&u("https://s.example/blog/a")));
        assert!(scope.allows(&u("https://s.example/")));
        assert!(!scope.allows(&u("https://s.example/shop")));
        assert!(!scope.allows(&u("https://s.example/blog/file.pdf")));
        assert!(!scope.allows(&u("http://s.example/blog/a")));
        assert!(!scope.allows(&u("https://www.s.example/blog/a")));
    }

    #[test]
    fn a_star_stays_within_one_segment_and_two_span_any_depth() {
        assert_eq!(
            allowed(&scope(&["/blog/*"], &[]), &PATHS),
            ["/blog/", "/blog/a.html"]
        );
        // Everything under /blog/, not the page /blog itself.
        assert_eq!(
            allowed(&scope(&["/blog/**"], &[]), &PATHS),
            ["/blog/", "/blog/a.html", "/blog/deep/c.html"]
        );
        assert_eq!(allowed(&scope(&["/*.pdf"], &[]), &PATHS), ["/guide.pdf"]);
        assert_eq!(
            allowed(&scope(&["**/*.pdf"], &[]), &PATHS),
            ["/docs/guide.pdf", "/guide.pdf"]
        );
    }

    #[test]
    fn a_pattern_without_a_slash_matches_the_last_segment_at_any_depth() {
        assert_eq!(
            allowed(&scope(&["*.pdf"], &[]), &PATHS),
            ["/docs/guide.pdf", "/guide.pdf"]
        );
        assert_eq!(
            allowed(&scope(&[], &["*.html"]), &PATHS),
            ["/", "/blog", "/blog/", "/docs/guide.pdf", "/guide.pdf"]
        );
        // A directory name is not a last segment: `blog` is the page /blog only.
        assert_eq!(allowed(&scope(&["blog"], &[]), &PATHS), ["/blog"]);
    }

    #[test]
    fn a_pattern_without_a_leading_slash_is_taken_from_the_site_root() {
        assert_eq!(
            allowed(&scope(&["blog/**"], &[]), &PATHS),
            allowed(&scope(&["/blog/**"], &[]), &PATHS)
        );
        assert_eq!(
            allowed(&scope(&["blog/*"], &[]), &PATHS),
            ["/blog/", "/blog/a.html"]
        );
        assert_eq!(
            allowed(&scope(&[" /blog/* "], &[]), &PATHS),
            ["/blog/", "/blog/a.html"]
        );
    }

    #[test]
    fn patterns_see_the_query() {
        let scope = scope(&[], &["/search?q=*"]);
        let allows = |s: &str| scope.allows(&Url::parse(s).unwrap());
        assert!(!allows("https://s.example/search?q=lamps"));
        assert!(allows("https://s.example/search"));
        assert!(allows("https://s.example/search/q=lamps"));
    }

    #[test]
    fn patterns_match_the_decoded_path_and_the_encoded_one() {
        let allows =
            |include: &str, url: &str| scope(&[include], &[]).allows(&Url::parse(url).unwrap());
        assert!(allows("/café/*", "https://s.example/café/menu"));
        assert!(allows("/café/*", "https://s.example/caf%C3%A9/menu"));
        assert!(allows("/a%20b/*", "https://s.example/a%20b/c"));
        assert!(allows("/a b/*", "https://s.example/a%20b/c"));
        assert!(allows(
            "/search?q=é*",
            "https://s.example/search?q=%C3%A9t%C3%A9"
        ));
        assert!(!allows("/café/*", "https://s.example/cafe/menu"));
        // Bytes that are not UTF-8 are matched as written, and do not stop the rest of the
        // path from being decoded.
        assert!(allows("/x%FF/*", "https://s.example/x%FF/y"));
        assert!(allows("/café/*", "https://s.example/caf%C3%A9/%FF"));
        // An encoded slash or question mark stays one: it neither adds a segment nor starts
        // a query.
        assert!(!allows("/admin/**", "https://s.example/admin%2Fx"));
        assert!(allows("/admin%2Fx", "https://s.example/admin%2Fx"));
        assert!(!allows("/a?b", "https://s.example/a%3Fb"));
        assert!(allows("/é%2F*", "https://s.example/%C3%A9%2Fx"));
        // Escapes in a pattern match whatever their case.
        assert!(allows("/caf%c3%a9/*", "https://s.example/caf%C3%A9/menu"));
        let excludes =
            |exclude: &str, url: &str| !scope(&[], &[exclude]).allows(&Url::parse(url).unwrap());
        assert!(excludes("/caf%c3%a9/**", "https://s.example/caf%C3%A9/x"));
        // An exclude pattern also keeps out a path that names it with an encoded slash, as
        // servers that decode it would serve the same page.
        assert!(excludes("/admin/**", "https://s.example/admin%2Fdelete"));
        // A glob on the last segment sees it decoded.
        assert!(allows(
            "résumé.pdf",
            "https://s.example/docs/r%C3%A9sum%C3%A9.pdf"
        ));
    }

    #[test]
    fn empty_and_invalid_patterns_are_refused() {
        let start = Url::parse("https://s.example/").unwrap();
        for empty in ["", "  "] {
            let err = Scope::new(&start, &[empty.into()], &[]).unwrap_err();
            assert!(matches!(err, PatternError::Empty), "{err:?}");
            assert!(err.to_string().contains("empty URL pattern"), "{err}");
            assert!(Scope::new(&start, &[], &["/a".into(), empty.into()]).is_err());
        }
        let err = Scope::new(&start, &["[".into()], &[]).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("`[` is not a valid URL pattern"),
            "{err}"
        );
    }
}
