//! Recommendations: failing findings grouped by rule, with the exact score points fixing each
//! rule would gain (the site re-scored as if the rule passed on every page), ranked by points
//! gained per hour of estimated effort.
//!
//! [`RecommendationBuilder`] aggregates failures as they stream by (counts, pages, the first
//! places), so a crawl does not keep its findings; [`recommendations`] does the same for a list
//! of findings in memory.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::score::{PageScoreState, score_site};
use crate::report::{Finding, Gain, Place, Recommendation, Severity, Text};

/// How many places are listed per recommendation.
pub const PLACES_SHOWN: usize = 5;
/// Occurrences beyond this are not added to the effort estimate (repeated problems usually come
/// from one template).
pub const EFFORT_OCCURRENCE_CAP: u32 = 10;
/// The smallest effort assumed when ranking, in hours (so trivial fixes do not dominate).
pub const MIN_EFFORT_HOURS: f64 = 0.5;

/// Failures of one rule, aggregated.
#[derive(Debug, Clone)]
struct RuleFailures {
    first: Finding,
    severity: Severity,
    occurrences: u32,
    /// Hashes of the pages' URLs (a crawl's pages are many; their URLs are kept elsewhere).
    pages: HashSet<u64>,
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

/// A page URL's key in a rule's set of pages.
fn page_key(url: &str) -> u64 {
    use std::hash::{BuildHasher, BuildHasherDefault};
    BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default().hash_one(url)
}

impl RecommendationBuilder {
    /// Counts a finding (only failures count).
    pub fn add(&mut self, f: &Finding) {
        if !f.is_failure() {
            return;
        }
        let entry = self
            .rules
            .entry(f.rule_id.clone())
            .or_insert_with(|| RuleFailures {
                first: f.clone(),
                severity: f.severity,
                occurrences: 0,
                pages: HashSet::new(),
                places: Vec::new(),
            });
        entry.occurrences += 1;
        entry.severity = entry.severity.max(f.severity);
        entry.pages.insert(page_key(&f.page_url));
        if entry.places.len() < PLACES_SHOWN {
            entry.places.push(place(f));
        }
    }

    /// Ranks the recommendations, with gains computed against the pages' scoring states.
    pub fn build(self, pages: &[PageScoreState]) -> Vec<Recommendation> {
        let baseline = score_site(pages, &[]).scores;
        let mut out: Vec<Recommendation> = self
            .rules
            .into_iter()
            .map(|(rule_id, failures)| {
                let first = failures.first;
                let fixed = score_site(pages, &[rule_id.as_ref()]).scores;
                let delta = |after: Option<u8>, before: Option<u8>| {
                    i32::from(after.unwrap_or(0)) - i32::from(before.unwrap_or(0))
                };
                let gain = Gain {
                    category_points: delta(fixed.get(first.category), baseline.get(first.category)),
                    overall_points: delta(fixed.overall, baseline.overall),
                };
                let occurrences = failures.occurrences;
                let pages = failures.pages.len() as u32;
                let estimated_minutes =
                    first.recommendation.estimated_minutes * occurrences.min(EFFORT_OCCURRENCE_CAP);
                let hours = (f64::from(estimated_minutes) / 60.0).max(MIN_EFFORT_HOURS);
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
                    summary: format!(
                        "{occurrences} occurrence{} on {pages} page{}",
                        if occurrences == 1 { "" } else { "s" },
                        if pages == 1 { "" } else { "s" }
                    ),
                    places: failures.places,
                    priority: (f64::from(gain.overall_points) / hours * 100.0).round() / 100.0,
                    gain,
                    references: first.references,
                }
            })
            .collect();
        out.sort_by(|a, b| {
            b.priority
                .total_cmp(&a.priority)
                .then(b.gain.overall_points.cmp(&a.gain.overall_points))
                .then(b.severity.cmp(&a.severity))
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
pub fn page_states(findings: &[Finding]) -> Vec<PageScoreState> {
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
    for f in findings {
        builder.add(f);
    }
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
        assert!(recs.windows(2).all(|w| w[0].priority >= w[1].priority));
    }
}
