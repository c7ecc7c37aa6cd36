//! [`Bounds`]: where a crawl may go. A URL is inside when it is on the start page's site,
//! within the URL patterns and, unless robots.txt is ignored, allowed by it; the start page
//! itself is always inside (it is audited whatever the patterns say), under the URL given as
//! well as under the URL it redirected to. The crawl loop applies the same scope and robots.txt
//! rules before it queues a URL, and the fetcher asks [`Bounds::outside`] before it follows a
//! redirect, so a redirect never leads a crawl off its site, out of its patterns or into a
//! disallowed URL.

use std::fmt;
use std::sync::Arc;

use url::Url;

use super::Scope;
use super::robots::RobotsRules;
use crate::engine::fetch::RedirectFilter;
use crate::engine::page::site::normalise;

/// Why a URL is outside a crawl.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outside {
    /// Another origin than the start page's.
    OtherSite,
    /// No include pattern matches it, or an exclude pattern does.
    Patterns,
    /// robots.txt disallows it for webaudit.
    Robots,
}

impl fmt::Display for Outside {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Outside::OtherSite => "is on another site",
            Outside::Patterns => "is outside the crawl's URL patterns (include/exclude)",
            Outside::Robots => "is disallowed by robots.txt",
        })
    }
}

/// Where a crawl may go.
#[derive(Debug)]
pub struct Bounds {
    /// Same site and URL patterns.
    pub scope: Scope,
    /// robots.txt's rules (read even when they are ignored, for its `Sitemap:` lines).
    pub robots: RobotsRules,
    /// True when robots.txt's rules are applied.
    pub robots_applied: bool,
    /// The start URL as given and as it ended after its redirects (normalised), always inside.
    starts: [Url; 2],
}

impl Bounds {
    /// The bounds of a crawl from `starts`: the start URL as given and where it ended after
    /// its redirects, normalised (the scope's site is the latter's).
    pub fn new(
        scope: Scope,
        robots: RobotsRules,
        robots_applied: bool,
        starts: [Url; 2],
    ) -> Bounds {
        Bounds {
            scope,
            robots,
            robots_applied,
            starts,
        }
    }

    /// The pause robots.txt asks between requests, unless its rules are ignored.
    pub fn crawl_delay(&self) -> Option<std::time::Duration> {
        self.robots.delay().filter(|_| self.robots_applied)
    }

    /// True when robots.txt lets webaudit fetch `url` (always, when it is ignored).
    pub fn robots_allow(&self, url: &Url) -> bool {
        !self.robots_applied || self.robots.allowed(url)
    }

    /// Why the crawl does not go to `url` (normalised); `None` when it may.
    pub fn outside(&self, url: &Url) -> Option<Outside> {
        if self.starts.contains(url) {
            None
        } else if !self.scope.same_site(url) {
            Some(Outside::OtherSite)
        } else if !self.scope.matches(url) {
            Some(Outside::Patterns)
        } else if !self.robots_allow(url) {
            Some(Outside::Robots)
        } else {
            None
        }
    }

    /// A redirect filter that follows redirects to URLs inside these bounds only.
    pub fn redirect_filter(self: &Arc<Self>) -> RedirectFilter {
        let bounds = Arc::clone(self);
        RedirectFilter::new(move |url| bounds.outside(&normalise(url)).is_none())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::page::Probe;

    fn bounds(robots_applied: bool) -> Arc<Bounds> {
        let start = Url::parse("https://s.example/start").unwrap();
        let robots = RobotsRules::from_probe(Some(&Probe {
            status: Some(200),
            text: "User-agent: *\nDisallow: /private/\nDisallow: /start\n".into(),
            ..Probe::default()
        }));
        let scope = Scope::new(&start, &["/blog/**".into()], &["/blog/drafts/**".into()]).unwrap();
        let given = Url::parse("http://s.example/").unwrap();
        Arc::new(Bounds::new(scope, robots, robots_applied, [given, start]))
    }

    #[test]
    fn tells_why_a_url_is_outside() {
        let b = bounds(true);
        let u = |s: &str| Url::parse(s).unwrap();
        assert_eq!(b.outside(&u("https://s.example/blog/a")), None);
        assert_eq!(
            b.outside(&u("https://other.example/blog/a")),
            Some(Outside::OtherSite)
        );
        assert_eq!(
            b.outside(&u("https://s.example/blog/drafts/x")),
            Some(Outside::Patterns)
        );
        assert_eq!(
            b.outside(&u("https://s.example/about")),
            Some(Outside::Patterns)
        );
        let open = Scope::new(&u("https://s.example/"), &[], &[]).unwrap();
        let robots_only = Bounds::new(
            open,
            RobotsRules::from_probe(Some(&Probe {
                status: Some(200),
                text: "User-agent: *\nDisallow: /private/\n".into(),
                ..Probe::default()
            })),
            true,
            [u("https://s.example/"), u("https://s.example/")],
        );
        assert_eq!(
            robots_only.outside(&u("https://s.example/private/x")),
            Some(Outside::Robots)
        );
        assert_eq!(robots_only.outside(&u("https://s.example/x")), None);
    }

    #[test]
    fn the_start_page_is_always_inside() {
        // Outside the patterns and disallowed by robots.txt, but the start page; and the URL
        // given for it, though on another origin, since it redirected there.
        let b = bounds(true);
        assert_eq!(
            b.outside(&Url::parse("https://s.example/start").unwrap()),
            None
        );
        assert_eq!(b.outside(&Url::parse("http://s.example/").unwrap()), None);
        assert_eq!(
            b.outside(&Url::parse("http://s.example/blog/a").unwrap()),
            Some(Outside::OtherSite)
        );
    }

    #[test]
    fn ignored_robots_rules_allow_everything_and_the_filter_follows_the_bounds() {
        let b = bounds(false);
        let u = |s: &str| Url::parse(s).unwrap();
        assert!(b.robots_allow(&u("https://s.example/private/x")));
        let filter = b.redirect_filter();
        assert!(filter.follows(&u("https://s.example/blog/a#top")));
        assert!(!filter.follows(&u("https://other.example/blog/a")));
        assert!(
            !bounds(true)
                .redirect_filter()
                .follows(&u("https://s.example/private/x"))
        );
    }
}
