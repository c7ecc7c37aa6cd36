//! May search engines index the page (robots `<meta>`, `X-Robots-Tag`, robots.txt), and is
//! robots.txt well-formed? Both follow Lighthouse's `is-crawlable` and `robots-txt` audits.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use scraper::ElementRef;
use texting_robots::Robot;

use super::head_meta;
use crate::engine::page::dom::{Attribute, css_path, shorten, snippet};
use crate::engine::page::{Page, Probe};
use crate::engine::rules::Check;
use crate::report::Evidence;

/// The crawlers Lighthouse checks (`None` = every crawler: `User-agent: *`, `<meta name=robots>`,
/// an `X-Robots-Tag` without a user agent). The page fails only when all of them are blocked.
const CRAWLERS: [Option<&str>; 5] = [
    None,
    Some("Googlebot"),
    Some("bingbot"),
    Some("DuckDuckBot"),
    Some("archive.org_bot"),
];
/// Directives that keep a page out of the index.
const BLOCKING_DIRECTIVES: [&str; 2] = ["noindex", "none"];
/// `unavailable_after: <date>` blocks the page once the date has passed.
const UNAVAILABLE_AFTER: &str = "unavailable_after";
/// The response header carrying robots directives.
const ROBOTS_HEADER: &str = "x-robots-tag";
/// The `<meta>` name for every crawler.
const GENERIC_META: &str = "robots";

/// robots.txt directives Lighthouse accepts (standard, widely supported, or common in the wild).
const DIRECTIVE_SAFELIST: [&str; 12] = [
    "user-agent",
    "disallow",
    "allow",
    "sitemap",
    "crawl-delay",
    "clean-param",
    "host",
    "request-rate",
    "visit-time",
    "noindex",
    "content-signal",
    "license",
];
/// URL schemes a `Sitemap:` may use.
const SITEMAP_SCHEMES: [&str; 3] = ["http", "https", "ftp"];
/// Status from which robots.txt counts as a server error (crawlers then stop crawling).
const SERVER_ERROR: u16 = 500;
/// Status from which robots.txt counts as missing (crawlers then crawl everything).
const CLIENT_ERROR: u16 = 400;
/// "Too many requests": treated like a server error.
const TOO_MANY_REQUESTS: u16 = 429;

/// The robots.txt of the page's origin, when it was fetched with a 2xx answer and has content.
struct RobotsTxt<'a> {
    text: &'a str,
    url: String,
}

impl<'a> RobotsTxt<'a> {
    fn of(page: &'a Page) -> Option<RobotsTxt<'a>> {
        let probe = page.origin.robots_txt.as_ref()?;
        (probe.ok() && !probe.text.is_empty()).then(|| RobotsTxt {
            text: &probe.text,
            url: robots_url(page, probe),
        })
    }

    /// True when robots.txt disallows `url` for `agent` (`*` for the generic group).
    fn disallows(&self, agent: &str, url: &str) -> bool {
        Robot::new(agent, self.text.as_bytes()).is_ok_and(|robot| !robot.allowed(url))
    }

    /// True when the file names `agent` in some line (so it may have its own group).
    fn mentions(&self, agent: &str) -> bool {
        self.text
            .to_ascii_lowercase()
            .contains(&agent.to_ascii_lowercase())
    }
}

fn robots_url(page: &Page, probe: &Probe) -> String {
    probe
        .url
        .as_ref()
        .map(ToString::to_string)
        .or_else(|| {
            page.final_url
                .join("/robots.txt")
                .ok()
                .map(|u| u.to_string())
        })
        .unwrap_or_default()
}

/// The moment `unavailable_after` dates are compared with: the response's `Date`, else now.
fn reference_time(page: &Page) -> DateTime<Utc> {
    page.header("date")
        .and_then(|d| DateTime::parse_from_rfc2822(d.trim()).ok())
        .map_or_else(Utc::now, |d| d.with_timezone(&Utc))
}

/// Parses the date of an `unavailable_after` directive (RFC 822/850, ISO 8601).
fn parse_directive_date(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    let utc = |naive: NaiveDateTime| naive.and_utc();
    DateTime::parse_from_rfc2822(text)
        .or_else(|_| DateTime::parse_from_rfc3339(text))
        .or_else(|_| DateTime::parse_from_rfc2822(&text.replace('-', " ")))
        .map(|d| d.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S")
                .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S"))
                .ok()
                .map(utc)
        })
        .or_else(|| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(utc)
        })
}

/// True when a comma-separated directive list keeps the page out of the index.
fn has_blocking_directive(directives: &str, now: DateTime<Utc>) -> bool {
    directives.split(',').any(|directive| {
        let directive = directive.trim();
        let lower = directive.to_lowercase();
        if BLOCKING_DIRECTIVES.contains(&lower.as_str()) {
            return true;
        }
        let Some((name, date)) = directive.split_once(':') else {
            return false;
        };
        name.to_lowercase() == UNAVAILABLE_AFTER
            && parse_directive_date(date).is_some_and(|date| date < now)
    })
}

/// The user agent an `X-Robots-Tag` value is aimed at (`googlebot: noindex`), if any.
fn header_user_agent(value: &str) -> Option<&str> {
    let (prefix, _) = value.split_once(':')?;
    (!prefix.trim().is_empty()
        && !prefix.contains(',')
        && !prefix.trim().eq_ignore_ascii_case(UNAVAILABLE_AFTER))
    .then(|| prefix.trim())
}

/// The robots `<meta>` that applies to a crawler: its own (`<meta name=googlebot>`), else
/// `<meta name=robots>`.
fn robots_meta<'a>(page: &'a Page, crawler: Option<&str>) -> Option<ElementRef<'a>> {
    crawler
        .and_then(|c| head_meta(page, &c.to_lowercase()))
        .or_else(|| head_meta(page, GENERIC_META))
}

/// What blocks one crawler (`None`: every crawler) from indexing the page; empty when nothing
/// does.
fn blockers(
    page: &Page,
    crawler: Option<&str>,
    robots: Option<&RobotsTxt<'_>>,
    now: DateTime<Utc>,
) -> Vec<Evidence> {
    let mut found = Vec::new();
    if let Some(meta) = robots_meta(page, crawler) {
        let content = meta.attribute("content").unwrap_or_default();
        if has_blocking_directive(content, now) {
            found.push(Evidence {
                selector: Some(css_path(meta)),
                snippet: Some(snippet(meta)),
                detail: Some(format!(
                    "<meta name=\"{}\" content=\"{content}\"> keeps the page out of the index",
                    meta.attribute("name").unwrap_or_default()
                )),
                ..Evidence::default()
            });
        }
    }
    for value in page.header_all(ROBOTS_HEADER) {
        let directives = match header_user_agent(value) {
            None => value,
            Some(agent) if crawler.is_some_and(|c| c.eq_ignore_ascii_case(agent)) => {
                value.split_once(':').map_or(value, |(_, rest)| rest)
            }
            Some(_) => continue,
        };
        if has_blocking_directive(directives, now) {
            found.push(Evidence {
                snippet: Some(format!("X-Robots-Tag: {value}")),
                detail: Some(format!(
                    "the response header X-Robots-Tag: {value} keeps the page out of the index"
                )),
                ..Evidence::default()
            });
        }
    }
    if let Some(robots) = robots {
        let agent = crawler.unwrap_or("*");
        if robots.disallows(agent, page.final_url.as_str()) {
            found.push(Evidence {
                url: Some(robots.url.clone()),
                detail: Some(format!(
                    "robots.txt disallows this URL for User-agent: {agent}"
                )),
                ..Evidence::default()
            });
        }
    }
    found
}

/// One review item for crawlers that are blocked while another crawler may index the page
/// (Lighthouse passes such a page with a warning).
fn partial_block_review(generic: &[Evidence], blocked: &[(&str, Vec<Evidence>)]) -> Evidence {
    let mut names: Vec<&str> = blocked.iter().map(|(name, _)| *name).collect();
    if !generic.is_empty() {
        names.push("crawlers without rules of their own");
    }
    let all = generic
        .iter()
        .chain(blocked.iter().flat_map(|(_, found)| found));
    let mut reasons: Vec<&str> = Vec::new();
    for e in all.clone() {
        if let Some(detail) = e.detail.as_deref().filter(|d| !reasons.contains(d)) {
            reasons.push(detail);
        }
    }
    let first = all.clone().next();
    Evidence {
        selector: all.clone().find_map(|e| e.selector.clone()),
        snippet: first.and_then(|e| e.snippet.clone()),
        url: all.clone().find_map(|e| e.url.clone()),
        detail: Some(format!(
            "blocked for {} ({}); the page passes because another crawler may index it",
            names.join(", "),
            reasons.join("; ")
        )),
        ..Evidence::default()
    }
}

/// `seo.is-crawlable`: fails when every crawler Lighthouse checks is blocked; crawlers blocked
/// while others are allowed are listed for review.
pub fn is_crawlable(page: &Page) -> Check {
    let robots = RobotsTxt::of(page);
    let now = reference_time(page);
    let generic = blockers(page, None, robots.as_ref(), now);
    let generic_robots: Vec<Evidence> = generic
        .iter()
        .filter(|e| e.url.is_some())
        .cloned()
        .collect();
    let blocked: Vec<(&str, Vec<Evidence>)> = CRAWLERS
        .iter()
        .flatten()
        .filter_map(|crawler| {
            // A crawler without its own group in robots.txt follows the generic group.
            let own_group = robots.as_ref().filter(|r| r.mentions(crawler));
            let mut found = blockers(page, Some(crawler), own_group, now);
            if own_group.is_none() {
                found.extend(generic_robots.iter().cloned());
            }
            (!found.is_empty()).then_some((*crawler, found))
        })
        .collect();
    if !generic.is_empty() && blocked.len() == CRAWLERS.len() - 1 {
        return Check::from_failures(generic);
    }
    if generic.is_empty() && blocked.is_empty() {
        return Check::pass();
    }
    Check::pass().with_reviews(vec![partial_block_review(&generic, &blocked)])
}

/// One invalid line of robots.txt.
#[derive(Debug, PartialEq)]
struct LineError {
    /// 1-based line number.
    line: usize,
    /// The line as written.
    text: String,
    /// What is wrong.
    message: &'static str,
}

/// Trims like JavaScript's `String.prototype.trim` (which also strips a byte-order mark).
fn js_trim(text: &str) -> &str {
    text.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
}

/// Parses one line into (directive, value); `Ok(None)` for blank and comment lines.
fn parse_robots_line(line: &str) -> Result<Option<(String, &str)>, &'static str> {
    let line = js_trim(line.split('#').next().unwrap_or_default());
    if line.is_empty() {
        return Ok(None);
    }
    let (name, value) = line.split_once(':').ok_or("syntax not understood")?;
    let name = js_trim(name).to_lowercase();
    let value = js_trim(value);
    verify_directive(&name, value)?;
    Ok(Some((name, value)))
}

fn verify_directive(name: &str, value: &str) -> Result<(), &'static str> {
    if !DIRECTIVE_SAFELIST.contains(&name) {
        return Err("unknown directive");
    }
    match name {
        "sitemap" => {
            let url = url::Url::parse(value).map_err(|e| match e {
                url::ParseError::RelativeUrlWithoutBase => {
                    "relative sitemap URL; it must be an absolute URL (https://host/path)"
                }
                _ => "invalid sitemap URL",
            })?;
            if !SITEMAP_SCHEMES.contains(&url.scheme()) {
                return Err("invalid sitemap URL protocol");
            }
        }
        "user-agent" if value.is_empty() => return Err("no user-agent specified"),
        "allow" | "disallow" => {
            if !(value.is_empty() || value.starts_with('/') || value.starts_with('*')) {
                return Err("pattern should either be empty, start with \"/\" or \"*\"");
            }
            if value.find('$').is_some_and(|i| i != value.len() - 1) {
                return Err("\"$\" should only be used at the end of the pattern");
            }
        }
        _ => {}
    }
    Ok(())
}

/// Every invalid line of a robots.txt file.
fn validate_robots(content: &str) -> Vec<LineError> {
    let mut errors = Vec::new();
    let mut in_group = false;
    let lines = content.split("\r\n").flat_map(|l| l.split(['\r', '\n']));
    for (index, line) in lines.enumerate() {
        let error = |message| LineError {
            line: index + 1,
            text: line.to_owned(),
            message,
        };
        match parse_robots_line(line) {
            Err(message) => errors.push(error(message)),
            Ok(None) => {}
            Ok(Some((directive, _))) => {
                if directive == "user-agent" {
                    in_group = true;
                } else if !in_group && (directive == "allow" || directive == "disallow") {
                    errors.push(error("no user-agent specified"));
                }
            }
        }
    }
    errors
}

/// `seo.robots-txt`: robots.txt answers (no server error) and every line is understood.
pub fn robots_txt(page: &Page) -> Check {
    let Some(probe) = page.origin.robots_txt.as_ref() else {
        return Check::not_applicable("robots.txt was not fetched");
    };
    let url = robots_url(page, probe);
    let fail = |detail: String, value: Option<f64>| {
        Check::fail(Evidence {
            url: Some(url.clone()),
            value,
            detail: Some(detail),
            ..Evidence::default()
        })
    };
    match probe.status {
        None => {
            return fail(
                format!(
                    "fetching robots.txt failed: {}",
                    probe.error.as_deref().unwrap_or("no answer")
                ),
                None,
            );
        }
        Some(status) if status >= SERVER_ERROR || status == TOO_MANY_REQUESTS => {
            return fail(
                format!("robots.txt answered HTTP {status}: crawlers may stop crawling the site"),
                Some(f64::from(status)),
            );
        }
        Some(status) if status >= CLIENT_ERROR => {
            return Check::not_applicable(format!(
                "robots.txt answered HTTP {status}: there is none, so crawlers may fetch everything"
            ));
        }
        Some(_) => {}
    }
    if probe.text.is_empty() {
        return Check::not_applicable("robots.txt is empty");
    }
    let failures = validate_robots(&probe.text)
        .into_iter()
        .map(|e| Evidence {
            url: Some(url.clone()),
            snippet: Some(shorten(&e.text, 200)),
            value: Some(e.line as f64),
            unit: Some("line".into()),
            detail: Some(format!("line {}: {}", e.line, e.message)),
            ..Evidence::default()
        })
        .collect();
    Check::from_failures(failures)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::page::OriginFacts;
    use crate::engine::rules::testing::{check, failing, page};
    use crate::report::Outcome;
    use std::sync::Arc;

    fn with_robots(mut p: Page, status: Option<u16>, text: &str) -> Page {
        p.origin = Arc::new(OriginFacts {
            robots_txt: Some(Probe {
                url: url::Url::parse("https://site.example/robots.txt").ok(),
                status,
                text: text.to_owned(),
                error: status.is_none().then(|| "connection refused".to_owned()),
                ..Probe::default()
            }),
            ..OriginFacts::default()
        });
        p
    }

    const ROBOTS_URL: &str = "https://site.example/robots.txt";

    #[test]
    fn crawlable_table() {
        let meta = |content: &str, name: &str| {
            page(&format!(
                r#"<html><head><meta name="{name}" content="{content}"></head><body></body></html>"#
            ))
        };
        let fails = |p: &Page| check("seo.is-crawlable", p).outcome == Outcome::Fail;
        assert!(!fails(&page("<p>hi</p>")));
        assert!(fails(&meta("nofollow, NOINDEX, all", "RoBots")));
        assert!(fails(&meta("none", "robots")));
        assert!(!fails(&meta("nofollow", "robots")));
        assert!(fails(&meta(
            "unavailable_after: 25 Jun 2010 15:00:00 PST",
            "robots"
        )));
        assert!(fails(&meta("unavailable_after: 2010-06-25", "robots")));
        assert!(!fails(&meta("unavailable_after: 2999-06-25", "robots")));
        // Only Googlebot is blocked: passes, with the block listed for review.
        let googlebot = meta("noindex", "googlebot");
        let c = check("seo.is-crawlable", &googlebot);
        assert_eq!(c.outcome, Outcome::Pass);
        assert_eq!(c.reviews.len(), 1);
        // A Googlebot-specific meta overrides the generic one for Googlebot.
        let p = page(
            r#"<head><meta name="robots" content="noindex"><meta name="googlebot" content="index"></head>"#,
        );
        assert!(!fails(&p));
    }

    #[test]
    fn crawlable_headers() {
        let header = |v: &str| page("<p>x</p>").with_headers(&[("x-robots-tag", v)]);
        let fails = |p: &Page| check("seo.is-crawlable", p).outcome == Outcome::Fail;
        assert!(fails(&header("none")));
        assert!(fails(&header("noarchive, noindex")));
        assert!(!fails(&header("googlebot: noindex")));
        assert!(!fails(&header("unavailable_after: 2999-01-01")));
        assert!(fails(&header("unavailable_after: 2001-01-01")));
        // Every value of a repeated header counts.
        let two = page("<p>x</p>")
            .with_headers(&[("x-robots-tag", "noarchive"), ("x-robots-tag", "noindex")]);
        assert!(fails(&two));
        let meta_and_header = page(r#"<head><meta name="robots" content="noindex"></head>"#)
            .with_headers(&[("x-robots-tag", "none")]);
        assert_eq!(
            failing("seo.is-crawlable", &meta_and_header),
            ["head > meta", "X-Robots-Tag: none"]
        );
    }

    #[test]
    fn crawlable_robots_txt() {
        let fails = |text: &str| {
            check(
                "seo.is-crawlable",
                &with_robots(page("<p>x</p>"), Some(200), text),
            )
            .outcome
                == Outcome::Fail
        };
        assert!(!fails("User-agent: *\nDisallow:\n"));
        assert!(fails("User-agent: *\nDisallow: /"));
        assert!(fails("User-agent: *\nDisallow: /page"));
        assert!(!fails("User-agent: *\nDisallow: /other"));
        // Googlebot has its own group that allows it: passes, generic block under review.
        let own = with_robots(
            page("<p>x</p>"),
            Some(200),
            "User-agent: *\nDisallow: /\n\nUser-agent: Googlebot\nAllow: /\n",
        );
        let c = check("seo.is-crawlable", &own);
        assert_eq!(c.outcome, Outcome::Pass);
        assert_eq!(c.reviews.len(), 1);
        assert!(
            c.reviews[0]
                .detail
                .as_deref()
                .unwrap()
                .starts_with("blocked for bingbot, DuckDuckBot")
        );
        assert_eq!(
            failing(
                "seo.is-crawlable",
                &with_robots(page("<p>x</p>"), Some(200), "User-agent: *\nDisallow: /")
            ),
            [ROBOTS_URL]
        );
        // A robots.txt that did not answer 2xx is ignored.
        assert!(
            check(
                "seo.is-crawlable",
                &with_robots(page("<p>x</p>"), Some(404), "Disallow: /")
            )
            .outcome
                == Outcome::Pass
        );
    }

    #[test]
    fn robots_lines() {
        let text = "# comment\nuser-agent: *\nDisallow: /a$\n\u{feff}Allow: *.pdf$\nSitemap: https://site.example/s.xml\n\
                    Crawl-delay: 2\nDisallow: /x$y\nAllow: page\nSitemap: /rel.xml\nSitemap: mailto:a@b.example\n\
                    Unknown: x\njust words\nUser-agent:\nSitemap: https://exa mple.com/s.xml\n";
        let errors: Vec<(usize, &str)> = validate_robots(text)
            .iter()
            .map(|e| (e.line, e.message))
            .collect();
        assert_eq!(
            errors,
            [
                (7, "\"$\" should only be used at the end of the pattern"),
                (
                    8,
                    "pattern should either be empty, start with \"/\" or \"*\""
                ),
                (
                    9,
                    "relative sitemap URL; it must be an absolute URL (https://host/path)"
                ),
                (10, "invalid sitemap URL protocol"),
                (11, "unknown directive"),
                (12, "syntax not understood"),
                (13, "no user-agent specified"),
                (14, "invalid sitemap URL"),
            ]
        );
        let before_group = validate_robots("Disallow: /\r\nUser-agent: *\rDisallow: /x");
        assert_eq!(before_group.len(), 1);
        assert_eq!(before_group[0].line, 1);
    }

    #[test]
    fn robots_txt_table() {
        let p = |status, text| with_robots(page("<p>x</p>"), status, text);
        assert_eq!(
            check("seo.robots-txt", &page("<p>x</p>")).outcome,
            Outcome::NotApplicable
        );
        assert_eq!(
            check("seo.robots-txt", &p(Some(404), "nope")).outcome,
            Outcome::NotApplicable
        );
        assert_eq!(
            check("seo.robots-txt", &p(Some(200), "")).outcome,
            Outcome::NotApplicable
        );
        assert_eq!(failing("seo.robots-txt", &p(Some(503), "")), [ROBOTS_URL]);
        assert_eq!(failing("seo.robots-txt", &p(Some(429), "")), [ROBOTS_URL]);
        assert_eq!(failing("seo.robots-txt", &p(None, "")), [ROBOTS_URL]);
        assert_eq!(
            check("seo.robots-txt", &p(Some(200), "User-agent: *\nDisallow:")).outcome,
            Outcome::Pass
        );
        let bad = check("seo.robots-txt", &p(Some(200), "User-agent: *\nNoise here"));
        assert_eq!(bad.outcome, Outcome::Fail);
        assert_eq!(
            bad.failures[0].detail.as_deref(),
            Some("line 2: syntax not understood")
        );
        let relative = check(
            "seo.robots-txt",
            &p(Some(200), "User-agent: *\nSitemap: /sitemap-rel.xml"),
        );
        assert_eq!(
            relative.failures[0].detail.as_deref(),
            Some("line 2: relative sitemap URL; it must be an absolute URL (https://host/path)")
        );
    }
}
