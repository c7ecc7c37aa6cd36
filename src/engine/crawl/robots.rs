//! robots.txt rules for the `webaudit` user agent (the `texting_robots` crate, which is tested
//! against Google's robots.txt test suite), read from the origin's robots.txt probe.

use std::time::Duration;

use texting_robots::Robot;
use url::Url;

use crate::engine::page::Probe;
use crate::engine::page::site::upper_case_escapes;

/// The product token webaudit matches in robots.txt.
pub const USER_AGENT_TOKEN: &str = "webaudit";
/// Longest Crawl-delay honoured.
pub const MAX_CRAWL_DELAY: Duration = Duration::from_secs(10);

/// The rules that apply to webaudit on one origin.
#[derive(Debug, Default)]
pub struct RobotsRules {
    robot: Option<Robot>,
    /// Why no rules apply, when none do.
    pub note: Option<String>,
}

impl RobotsRules {
    /// Rules from the robots.txt probe (none when it is missing, 4xx, or unreadable).
    pub fn from_probe(probe: Option<&Probe>) -> RobotsRules {
        let Some(probe) = probe else {
            return RobotsRules::default();
        };
        match probe.status {
            // Percent-escapes in upper case, as crawled URLs have them (see `normalise`), so
            // that `/caf%c3%a9/` in a rule still matches.
            Some(200..=299) => match Robot::new(
                USER_AGENT_TOKEN,
                upper_case_escapes(&probe.text)
                    .as_deref()
                    .unwrap_or(&probe.text)
                    .as_bytes(),
            ) {
                Ok(robot) => RobotsRules {
                    robot: Some(robot),
                    note: None,
                },
                Err(e) => RobotsRules {
                    robot: None,
                    note: Some(format!(
                        "robots.txt could not be parsed ({e}); every URL was crawled"
                    )),
                },
            },
            Some(status) if status >= 500 => RobotsRules {
                robot: None,
                note: Some(format!(
                    "robots.txt answered HTTP {status}; search engines treat that as \"crawl nothing\" \
                     for a while, webaudit crawled anyway"
                )),
            },
            _ => RobotsRules::default(),
        }
    }

    /// Whether webaudit may fetch `url`.
    pub fn allowed(&self, url: &Url) -> bool {
        self.robot.as_ref().is_none_or(|r| r.allowed(url.as_str()))
    }

    /// Sitemap URLs listed in robots.txt.
    pub fn sitemaps(&self) -> Vec<String> {
        self.robot
            .as_ref()
            .map(|r| r.sitemaps.clone())
            .unwrap_or_default()
    }

    /// The Crawl-delay for webaudit, capped at [`MAX_CRAWL_DELAY`].
    pub fn delay(&self) -> Option<Duration> {
        self.robot
            .as_ref()
            .and_then(|r| r.delay)
            .filter(|d| d.is_finite() && *d > 0.0)
            .map(|d| Duration::from_secs_f32(d).min(MAX_CRAWL_DELAY))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn probe(status: u16, text: &str) -> Probe {
        Probe {
            status: Some(status),
            text: text.into(),
            ..Probe::default()
        }
    }

    #[test]
    fn applies_rules_for_webaudit() {
        let robots = "User-agent: *\nDisallow: /private/\n\nUser-agent: webaudit\nDisallow: /no-audit\nCrawl-delay: 0.5\n\nSitemap: https://s.example/sitemap.xml\n";
        let rules = RobotsRules::from_probe(Some(&probe(200, robots)));
        let url = |p: &str| Url::parse(&format!("https://s.example{p}")).unwrap();
        assert!(!rules.allowed(&url("/no-audit/page")));
        // The webaudit group replaces the * group.
        assert!(rules.allowed(&url("/private/x")));
        assert!(rules.allowed(&url("/")));
        assert_eq!(
            rules.sitemaps(),
            vec!["https://s.example/sitemap.xml".to_owned()]
        );
        assert_eq!(rules.delay(), Some(Duration::from_millis(500)));
        let missing = RobotsRules::from_probe(Some(&probe(404, "")));
        assert!(missing.allowed(&url("/no-audit")));
        // Escapes match whatever their case in the rule or the URL (URLs are crawled with
        // upper-case escapes).
        let rules =
            RobotsRules::from_probe(Some(&probe(200, "User-agent: *\nDisallow: /caf%c3%a9/\n")));
        assert!(!rules.allowed(&url("/caf%C3%A9/menu")));
        let broken = RobotsRules::from_probe(Some(&probe(503, "")));
        assert!(broken.allowed(&url("/x")) && broken.note.is_some());
    }
}
