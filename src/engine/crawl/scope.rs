//! What belongs to the crawl: same-site URLs (the start page's origin) whose path matches the
//! include patterns and none of the exclude patterns.

use globset::{Glob, GlobSet, GlobSetBuilder};
use url::{Origin, Url};

/// Invalid crawl patterns.
#[derive(Debug, thiserror::Error)]
#[error(
    "`{pattern}` is not a valid URL pattern ({reason}); use globs on the path such as /blog/** or *.pdf"
)]
pub struct PatternError {
    /// The pattern.
    pub pattern: String,
    /// The parser's complaint.
    pub reason: String,
}

/// The scope of a crawl.
#[derive(Debug, Clone)]
pub struct Scope {
    origin: Origin,
    include: Option<GlobSet>,
    exclude: Option<GlobSet>,
}

fn build(patterns: &[String]) -> Result<Option<GlobSet>, PatternError> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut builder = GlobSetBuilder::new();
    for p in patterns {
        let glob = Glob::new(p.trim()).map_err(|e| PatternError {
            pattern: p.clone(),
            reason: e.kind().to_string(),
        })?;
        builder.add(glob);
    }
    builder.build().map(Some).map_err(|e| PatternError {
        pattern: patterns.join(", "),
        reason: e.to_string(),
    })
}

impl Scope {
    /// The scope of a crawl starting at `start`.
    pub fn new(start: &Url, include: &[String], exclude: &[String]) -> Result<Scope, PatternError> {
        Ok(Scope {
            origin: start.origin(),
            include: build(include)?,
            exclude: build(exclude)?,
        })
    }

    /// True for URLs on the start page's origin.
    pub fn same_site(&self, url: &Url) -> bool {
        url.origin() == self.origin
    }

    /// True when the patterns allow the URL's path (and query).
    pub fn matches(&self, url: &Url) -> bool {
        let path = match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        };
        self.include
            .as_ref()
            .is_none_or(|g| g.is_match(&path) || g.is_match(url.path()))
            && self
                .exclude
                .as_ref()
                .is_none_or(|g| !(g.is_match(&path) || g.is_match(url.path())))
    }

    /// True when the URL is same-site and allowed by the patterns.
    pub fn allows(&self, url: &Url) -> bool {
        self.same_site(url) && self.matches(url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_site_and_patterns() {
        let start = Url::parse("https://s.example/").unwrap();
        let scope = Scope::new(
            &start,
            &["/blog/**".into(), "/".into()],
            &["**/*.pdf".into()],
        )
        .unwrap();
        let u = |s: &str| Url::parse(s).unwrap();
        assert!(scope.allows(&u("https://s.example/blog/a")));
        assert!(scope.allows(&u("https://s.example/")));
        assert!(!scope.allows(&u("https://s.example/shop")));
        assert!(!scope.allows(&u("https://s.example/blog/file.pdf")));
        assert!(!scope.allows(&u("http://s.example/blog/a")));
        assert!(!scope.allows(&u("https://www.s.example/blog/a")));
        assert!(Scope::new(&start, &["[".into()], &[]).is_err());
    }
}
