//! Recommendations: failing findings grouped by rule, with the exact score points fixing each
//! rule would gain (the site re-scored as if the rule passed on every page), ranked by severity
//! and, within a severity, by overall points gained per hour of estimated effort. A fix made
//! once for the whole site (a response header, a redirect, a file at the site's root) counts
//! its effort once, however many pages show the problem.
//!
//! [`RecommendationBuilder`] aggregates failures as they stream by (counts, pages, the first
//! places), so a crawl does not keep its findings; [`recommendations`] does the same for a list
//! of findings in memory.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::rules::site::URL_RULES;
use super::score::{PageScoreState, PageStates};
use crate::report::wording::counted;
use crate::report::{Finding, Gain, Place, Recommendation, Severity, Text};

/// How many places are listed per recommendation.
pub const PLACES_SHOWN: usize = 5;
/// Occurrences beyond this are not added to the effort estimate (repeated problems usually come
/// from one template).
pub const EFFORT_OCCURRENCE_CAP: u32 = 10;
/// The smallest effort assumed when ranking, in hours (so trivial fixes do not dominate).
pub const MIN_EFFORT_HOURS: f64 = 0.5;

/// Rules whose fix is made once for the whole site: a server or CDN setting (response time,
/// response headers, compression, caching, HTTPS and its redirect, HTTP/2) or a file at the
/// site's root. Their effort is counted once, not per page.
pub const SITE_WIDE_FIXES: &[&str] = &[
    "performance.server-response-time",
    "performance.text-compression",
    "performance.cache-lifetime",
    "performance.modern-http",
    "seo.robots-txt",
    "seo.llms-txt",
    "best-practices.is-on-https",
    "best-practices.favicon",
    "security.content-security-policy",
    "security.cookies",
    "security.cors",
    "security.redirection",
    "security.referrer-policy",
    "security.hsts",
    "security.x-content-type-options",
    "security.x-frame-options",
    "security.corp",
    "security.version-disclosure",
    "security.security-txt",
];

/// Minutes of work to fix `occurrences` failures of a rule whose fix takes `minutes` each.
fn effort_minutes(rule_id: &str, minutes: u32, occurrences: u32) -> u32 {
    if SITE_WIDE_FIXES.contains(&rule_id) {
        minutes
    } else {
        minutes * occurrences.min(EFFORT_OCCURRENCE_CAP)
    }
}

/// "3 occurrences on 2 pages"; "on 2 URLs" for a rule whose findings are about URLs that need
/// not be audited pages (a sitemap entry that answers 404); "one site-wide fix, seen on 12
/// pages" for a rule fixed once for the whole site (a response header repeats on every page).
fn summary(rule_id: &str, occurrences: u32, pages: u32) -> String {
    if SITE_WIDE_FIXES.contains(&rule_id) && pages > 1 {
        return format!(
            "one site-wide fix, seen on {}",
            counted(pages as usize, "page", "pages")
        );
    }
    let (one, many) = if URL_RULES.contains(&rule_id) {
        ("URL", "URLs")
    } else {
        ("page", "pages")
    };
    format!(
        "{} on {}",
        counted(occurrences as usize, "occurrence", "occurrences"),
        counted(pages as usize, one, many)
    )
}

/// Failures of one rule, aggregated.
#[derive(Debug, Clone)]
struct RuleFailures {
    first: Finding,
    severity: Severity,
    occurrences: u32,
    /// Distinct pages: counted per batch, whose pages no other batch has for this rule.
    pages: u32,
    places: Vec<Place>,
}

/// Aggregates failing findings into recommendations.
#[derive(Debug, Clone, Default)]
pub struct RecommendationBuilder {
    rules: BTreeMap<Text, RuleFailures>,
}

fn place(f: &Finding) -> Place {
    Place {
        page_url: f.page_url.clone(),
        selector: f.evidence.selector.clone(),
        snippet: f.evidence.snippet.clone(),
        url: f.evidence.url.clone(),
        detail: f.evidence.detail.clone(),
    }
}

impl RecommendationBuilder {
    /// Counts a batch of findings (only failures count). The pages a batch has findings of for
    /// a rule must not appear in another batch for that rule: a crawl hands over one batch per
    /// page and one per site rule, so distinct pages are counted without keeping them.
    pub fn add_batch(&mut self, findings: &[Finding]) {
        let mut seen: HashSet<(&str, &str)> = HashSet::new();
        for f in findings.iter().filter(|f| f.is_failure()) {
            let entry = self
                .rules
                .entry(f.rule_id.clone())
                .or_insert_with(|| RuleFailures {
                    first: f.clone(),
                    severity: f.severity,
                    occurrences: 0,
                    pages: 0,
                    places: Vec::new(),
                });
            entry.occurrences += 1;
            entry.severity = entry.severity.max(f.severity);
            if seen.insert((&f.rule_id, &f.page_url)) {
                entry.pages += 1;
            }
            if entry.places.len() < PLACES_SHOWN {
                entry.places.push(place(f));
            }
        }
    }

    /// Ranks the recommendations, with gains computed against the pages' scoring states.
    pub fn build(self, pages: &PageStates) -> Vec<Recommendation> {
        let baseline = pages.site_scores(&[]).scores;
        let mut out: Vec<Recommendation> = self
            .rules
            .into_iter()
            .map(|(rule_id, failures)| {
                let first = failures.first;
                let fixed = pages.site_scores(&[rule_id.as_ref()]).scores;
                let delta = |after: Option<u8>, before: Option<u8>| {
                    i32::from(after.unwrap_or(0)) - i32::from(before.unwrap_or(0))
                };
                let gain = Gain {
                    category_points: delta(fixed.get(first.category), baseline.get(first.category)),
                    overall_points: delta(fixed.overall, baseline.overall),
                };
                let occurrences = failures.occurrences;
                let pages = failures.pages;
                let estimated_minutes = effort_minutes(
                    &rule_id,
                    first.recommendation.estimated_minutes,
                    occurrences,
                );
                let hours = (f64::from(estimated_minutes) / 60.0).max(MIN_EFFORT_HOURS);
                let summary = summary(&rule_id, occurrences, pages);
                Recommendation {
                    rank: 0,
                    rule_id: rule_id.into_owned(),
                    title: first.title.into_owned(),
                    category: first.category,
                    severity: failures.severity,
                    why: first.description.into_owned(),
                    fix: first.recommendation,
                    estimated_minutes,
                    occurrences,
                    pages,
                    summary,
                    places: failures.places,
                    priority: (f64::from(gain.overall_points) / hours * 100.0).round() / 100.0,
                    gain,
                    references: first.references,
                }
            })
            .collect();
        out.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then(b.priority.total_cmp(&a.priority))
                .then(b.gain.overall_points.cmp(&a.gain.overall_points))
                .then(b.gain.category_points.cmp(&a.gain.category_points))
                .then(a.estimated_minutes.cmp(&b.estimated_minutes))
                .then(a.rule_id.cmp(&b.rule_id))
        });
        for (i, r) in out.iter_mut().enumerate() {
            r.rank = i as u32 + 1;
        }
        out
    }
}

/// The scoring states of the pages of a list of findings, in page order of first appearance.
pub fn page_states(findings: &[Finding]) -> PageStates {
    let mut order: Vec<&str> = Vec::new();
    let mut by_page: HashMap<&str, Vec<&Finding>> = HashMap::new();
    for f in findings {
        let entry = by_page.entry(f.page_url.as_str()).or_default();
        if entry.is_empty() {
            order.push(f.page_url.as_str());
        }
        entry.push(f);
    }
    order
        .into_iter()
        .map(|page| PageScoreState::from_findings(by_page[page].iter().copied()))
        .collect()
}

/// Recommendations of a list of findings (all outcomes: passes are needed to re-score).
pub fn recommendations(findings: &[Finding]) -> Vec<Recommendation> {
    let mut builder = RecommendationBuilder::default();
    builder.add_batch(findings);
    builder.build(&page_states(findings))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::check_page;
    use crate::engine::page::Page;
    use crate::engine::score::score_page;

    #[test]
    fn gains_are_exact_rescoring_differences() {
        let page = Page::from_html(
            "https://site.example/",
            r#"<!doctype html><html lang="en"><head><title>T</title></head>
               <body><img src="a.png"><img src="b.png"></body></html>"#,
        );
        let result = check_page(&page);
        let recs = recommendations(&result.findings);
        let images = recs
            .iter()
            .find(|r| r.rule_id == "performance.unsized-images")
            .expect("unsized images recommended");
        assert_eq!(images.occurrences, 2);
        assert_eq!(images.pages, 1);
        assert_eq!(images.summary, "2 occurrences on 1 page");
        let all: Vec<&Finding> = result.findings.iter().collect();
        let before = score_page(&all, &[]).scores;
        let after = score_page(&all, &["performance.unsized-images"]).scores;
        assert_eq!(
            images.gain.category_points,
            i32::from(after.performance.unwrap()) - i32::from(before.performance.unwrap())
        );
        assert!(images.gain.category_points > 0);
        assert_eq!(before, result.scores);
        let ranks: Vec<u32> = recs.iter().map(|r| r.rank).collect();
        assert_eq!(ranks, (1..=recs.len() as u32).collect::<Vec<_>>());
        // Severity first, then points per hour.
        assert!(recs.windows(2).all(|w| {
            w[0].severity > w[1].severity
                || (w[0].severity == w[1].severity && w[0].priority >= w[1].priority)
        }));
        assert!(recs.len() > 3 && recs.first().unwrap().severity > recs.last().unwrap().severity);
    }

    #[test]
    fn site_wide_fixes_count_their_effort_once() {
        for id in SITE_WIDE_FIXES {
            assert!(
                crate::engine::rules::find(id).is_some(),
                "{id} is not a rule"
            );
        }
        let html = r#"<!doctype html><html lang="en"><head><title>T</title></head>
               <body><img src="a.png"><img src="b.png"></body></html>"#;
        let mut builder = RecommendationBuilder::default();
        let mut states = PageStates::default();
        for i in 0..4 {
            let result = check_page(&Page::from_html(&format!("https://site.example/{i}"), html));
            builder.add_batch(&result.findings);
            states.push(PageScoreState::from_findings(&result.findings));
        }
        let recs = builder.build(&states);
        let by_id = |id: &str| recs.iter().find(|r| r.rule_id == id).expect(id);
        // The header is set once for the site…
        let csp = by_id("security.content-security-policy");
        let minutes = crate::engine::rules::find(&csp.rule_id)
            .unwrap()
            .fix
            .minutes;
        assert_eq!(csp.pages, 4);
        assert_eq!(csp.estimated_minutes, minutes);
        assert_eq!(csp.summary, "one site-wide fix, seen on 4 pages");
        // …while each image is fixed where it is.
        let images = by_id("performance.unsized-images");
        let minutes = crate::engine::rules::find(&images.rule_id)
            .unwrap()
            .fix
            .minutes;
        assert_eq!(images.estimated_minutes, minutes * 8);
    }

    #[test]
    fn pages_are_counted_per_batch() {
        let html = r#"<!doctype html><html lang="en"><head><title>T</title></head>
               <body><img src="a.png"><img src="b.png"></body></html>"#;
        let mut builder = RecommendationBuilder::default();
        let mut states = PageStates::default();
        for url in ["https://site.example/", "https://site.example/b"] {
            let result = check_page(&Page::from_html(url, html));
            builder.add_batch(&result.findings);
            states.push(PageScoreState::from_findings(&result.findings));
        }
        let recs = builder.build(&states);
        let images = recs
            .iter()
            .find(|r| r.rule_id == "performance.unsized-images")
            .expect("unsized images recommended");
        assert_eq!((images.occurrences, images.pages), (4, 2));
        assert_eq!(images.summary, "4 occurrences on 2 pages");
    }

    /// A rule about URLs (a sitemap entry that answers 404 or redirects is no audited page)
    /// counts them as URLs, not pages.
    #[test]
    fn rules_about_urls_count_urls_not_pages() {
        use crate::report::{Evidence, Outcome};
        let info = crate::engine::rules::site::RULES
            .iter()
            .find(|r| r.info.id == "seo.sitemap-entries")
            .unwrap()
            .info;
        let failure = |path: &str| {
            let url = format!("https://site.example{path}");
            let evidence = Evidence {
                url: Some(url.clone()),
                ..Evidence::default()
            };
            info.finding(&url, Outcome::Fail, info.severity, Some(0.0), evidence)
        };
        let findings = ["/", "/gone", "/moved"].map(failure);
        let recs = recommendations(&findings);
        assert_eq!((recs[0].occurrences, recs[0].pages), (3, 3));
        assert_eq!(recs[0].summary, "3 occurrences on 3 URLs");
        assert_eq!(
            recommendations(&findings[1..2])[0].summary,
            "1 occurrence on 1 URL"
        );
    }
}
