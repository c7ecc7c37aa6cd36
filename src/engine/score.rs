//! Scores from findings.
//!
//! - A rule's score on a page is 1 for a pass, 0 for a binary failure, or a log-normal score
//!   for a measured value ([`log_normal_score`], Lighthouse's curve, exactly). Not-applicable
//!   rules and items needing review do not count.
//! - A category score is the weighted mean of its rules' scores, rounded like Lighthouse
//!   (`round(mean × 100)`).
//! - Security follows the Mozilla HTTP Observatory, scoring algorithm version 5: start at
//!   100, add every modifier; bonuses (positive modifiers) count only when the penalties alone
//!   leave at least 90; clamp at 0. The grade comes from the Observatory's ten tests alone, so
//!   it matches the Observatory, and only when all ten were assessed on the page (a local
//!   folder, served by webaudit itself, gets none of the header tests, so no grade); the
//!   0–100 security score also includes the penalties of webaudit's extra security rules and
//!   is capped at 100.
//! - `overall` is the mean of the category scores present (equal weights).
//! - A site's scores are the means of its pages' scores (see README).

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use crate::engine::rules;
use crate::report::{Category, Finding, Outcome, Scores, Text};

/// The Observatory scoring algorithm version these scores follow.
pub const OBSERVATORY_ALGORITHM_VERSION: u32 = 5;
/// Bonuses count only when the penalties alone leave at least this score.
pub const OBSERVATORY_EXTRA_CREDIT_THRESHOLD: i32 = 90;

/// Lighthouse's `getLogNormalScore` followed by `computeLogNormalScore` (the boost above 0.9 and
/// flooring to two decimals): a value at `p10` scores 0.9, at `median` 0.5.
pub fn log_normal_score(value: f64, p10: f64, median: f64) -> f64 {
    assert!(
        p10 > 0.0 && median > p10,
        "curve control points must satisfy 0 < p10 < median"
    );
    if value <= 0.0 {
        return 1.0;
    }
    const INVERSE_ERFC_ONE_FIFTH: f64 = 0.906_193_802_436_823_2;
    let x_log_ratio = (value / median).max(f64::MIN_POSITIVE).ln();
    let p10_log_ratio = -(p10 / median).max(f64::MIN_POSITIVE).ln();
    let standardized = x_log_ratio * INVERSE_ERFC_ONE_FIFTH / p10_log_ratio;
    let complementary = (1.0 - erf(standardized)) / 2.0;
    let mut score = if value <= p10 {
        complementary.clamp(0.9, 1.0)
    } else if value <= median {
        complementary.clamp(0.5, 0.899_999_999_999_999_9)
    } else {
        complementary.clamp(0.0, 0.499_999_999_999_999_94)
    };
    if score > 0.9 {
        score += 0.05 * (score - 0.9);
    }
    (score * 100.0).floor() / 100.0
}

/// Abramowitz–Stegun 7.1.26, as Lighthouse computes erf.
fn erf(x: f64) -> f64 {
    let sign = x.signum();
    let x = x.abs();
    let (a1, a2, a3, a4, a5, p) = (
        0.254_829_592,
        -0.284_496_736,
        1.421_413_741,
        -1.453_152_027,
        1.061_405_429,
        0.327_591_1,
    );
    let t = 1.0 / (1.0 + p * x);
    let y = t * (a1 + t * (a2 + t * (a3 + t * (a4 + t * a5))));
    sign * (1.0 - y * (-x * x).exp())
}

/// The Observatory grade of a score (algorithm 5 chart).
pub fn observatory_grade(score: i32) -> &'static str {
    let key = (score.max(0) - score.max(0) % 5).min(100);
    match key {
        100 => "A+",
        90 | 95 => "A",
        85 => "A-",
        80 => "B+",
        70 | 75 => "B",
        65 => "B-",
        60 => "C+",
        50 | 55 => "C",
        45 => "C-",
        40 => "D+",
        30 | 35 => "D",
        25 => "D-",
        _ => "F",
    }
}

/// The Observatory arithmetic over a list of modifiers.
pub fn observatory_score(modifiers: impl IntoIterator<Item = i32>) -> i32 {
    let mut totals = Modifiers::default();
    for m in modifiers {
        totals.add(m);
    }
    totals.score().unwrap_or(100)
}

/// The scores of one page (or of a set of findings treated as one page).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ScoreCard {
    /// Category and overall scores.
    pub scores: Scores,
    /// The Observatory score of the ten Observatory tests (uncapped).
    pub observatory_score: Option<i32>,
}

impl ScoreCard {
    /// The grade of `observatory_score`.
    pub fn security_grade(&self) -> Option<&'static str> {
        self.observatory_score.map(observatory_grade)
    }
}

/// One rule's result on one page.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleResult {
    /// The rule: a finding's id, which borrows the catalogue's (no allocation; a crawl keeps
    /// one state per page), or a copy for a rule this version does not know.
    pub rule_id: Text,
    /// Its category.
    pub category: Category,
    /// Its weight.
    pub weight: f64,
    /// Its score, 0–1.
    pub score: f64,
    /// True when it failed.
    pub failed: bool,
    /// Its security modifier, for security rules.
    pub modifier: Option<i32>,
    /// True for the Observatory's own tests.
    pub observatory: bool,
}

/// How many of the Mozilla HTTP Observatory's tests the catalogue mirrors.
fn observatory_tests() -> u32 {
    static COUNT: LazyLock<u32> = LazyLock::new(|| {
        let mirrored = rules::all_rules()
            .iter()
            .filter(|r| r.refs.observatory.is_some())
            .count();
        u32::try_from(mirrored).expect("a few rules")
    });
    *COUNT
}

/// Observatory arithmetic running totals.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Modifiers {
    count: u32,
    uncurved: i32,
    with_credit: i32,
}

impl Modifiers {
    fn add(&mut self, m: i32) {
        self.count += 1;
        self.with_credit += m;
        if m < 0 {
            self.uncurved += m;
        }
    }

    /// The score with the Observatory's extra-credit rule, relative to 100.
    fn score(&self) -> Option<i32> {
        (self.count > 0).then(|| {
            let (uncurved, with_credit) = (100 + self.uncurved, 100 + self.with_credit);
            let score = if uncurved >= OBSERVATORY_EXTRA_CREDIT_THRESHOLD {
                with_credit
            } else {
                uncurved
            };
            score.max(0)
        })
    }

    /// The totals if a rule with modifier `m` were fixed (its best non-bonus result: no
    /// penalty).
    fn fixing(mut self, m: i32) -> Self {
        if m < 0 {
            self.with_credit -= m;
            self.uncurved -= m;
        }
        self
    }
}

/// A rule that did not fully pass, as a page's state keeps it: 6 bytes. The rule is named by
/// its index in the catalogue, which gives its category and weight; the score is kept in
/// hundredths (every score a rule gives is a whole number of hundredths: 0, 1 or a log-normal
/// score floored to two decimals). A crawl keeps these for every page.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Imperfect {
    /// Index in [`rules::all_rules`].
    rule: u16,
    /// Security modifier; [`Imperfect::NO_MODIFIER`] when there is none.
    modifier: i16,
    hundredths: u8,
    flags: u8,
}

impl Imperfect {
    const NO_MODIFIER: i16 = i16::MIN;
    const FAILED: u8 = 1;
    const OBSERVATORY: u8 = 2;

    /// The compact form of a result, when the catalogue knows its rule with the same category
    /// and weight, its score is a whole number of hundredths and its modifier fits.
    fn compact(result: &RuleResult) -> Option<Imperfect> {
        let rule = rules::index_of(&result.rule_id)?;
        let info = &rules::all_rules()[usize::from(rule)];
        let modifier = match result.modifier {
            None => Imperfect::NO_MODIFIER,
            Some(m) => i16::try_from(m)
                .ok()
                .filter(|m| *m != Imperfect::NO_MODIFIER)?,
        };
        let hundredths = (result.score * 100.0).round();
        let exact = (0.0..=100.0).contains(&hundredths) && hundredths / 100.0 == result.score;
        let flags = if result.failed { Imperfect::FAILED } else { 0 }
            | if result.observatory {
                Imperfect::OBSERVATORY
            } else {
                0
            };
        (exact && info.category == result.category && info.weight == result.weight).then_some(
            Imperfect {
                rule,
                modifier,
                hundredths: hundredths as u8,
                flags,
            },
        )
    }

    fn info(&self) -> &'static rules::RuleInfo {
        &rules::all_rules()[usize::from(self.rule)]
    }

    fn score(&self) -> f64 {
        f64::from(self.hundredths) / 100.0
    }

    fn modifier(&self) -> Option<i32> {
        (self.modifier != Imperfect::NO_MODIFIER).then_some(i32::from(self.modifier))
    }

    fn observatory(&self) -> bool {
        self.flags & Imperfect::OBSERVATORY != 0
    }
}

/// Rule ids treated as fixed, with their catalogue indices (resolved once per site score).
struct Fixed<'a> {
    ids: &'a [&'a str],
    indices: Vec<u16>,
}

impl<'a> Fixed<'a> {
    fn new(ids: &'a [&'a str]) -> Self {
        Fixed {
            ids,
            indices: ids.iter().filter_map(|id| rules::index_of(id)).collect(),
        }
    }
}

/// What every counted result adds to a page: per-category weighted sums and the security
/// modifiers' totals.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Totals {
    sums: [(f64, f64); 5],
    security: Modifiers,
    observatory: Modifiers,
}

fn category_index(category: Category) -> usize {
    Category::ALL
        .iter()
        .position(|c| *c == category)
        .expect("every category is in ALL")
}

impl Totals {
    /// Adds a result to the sums; true when it did not fully pass (and must be kept to score
    /// the page as if it were fixed).
    fn count(&mut self, result: &RuleResult) -> bool {
        if result.category == Category::Security {
            let m = result.modifier.unwrap_or(0);
            self.security.add(m);
            if result.observatory {
                self.observatory.add(m);
            }
        } else {
            let sum = &mut self.sums[category_index(result.category)];
            sum.0 += result.score * result.weight;
            sum.1 += result.weight;
        }
        result.failed || result.score < 1.0 || result.modifier.is_some_and(|m| m < 0)
    }

    /// The scores, with the rules in `fixed` among `imperfect` and `others` treated as passed.
    fn card<'a>(
        mut self,
        imperfect: impl Iterator<Item = &'a Imperfect>,
        others: &[RuleResult],
        fixed: &Fixed<'_>,
    ) -> ScoreCard {
        let mut fix = |category: Category, score: f64, weight: f64, m: Option<i32>, obs: bool| {
            if category == Category::Security {
                let m = m.unwrap_or(0);
                self.security = self.security.fixing(m);
                if obs {
                    self.observatory = self.observatory.fixing(m);
                }
            } else {
                self.sums[category_index(category)].0 += (1.0 - score) * weight;
            }
        };
        if !fixed.indices.is_empty() {
            for r in imperfect.filter(|r| fixed.indices.contains(&r.rule)) {
                let info = r.info();
                fix(
                    info.category,
                    r.score(),
                    info.weight,
                    r.modifier(),
                    r.observatory(),
                );
            }
        }
        for r in others
            .iter()
            .filter(|r| fixed.ids.contains(&r.rule_id.as_ref()))
        {
            fix(r.category, r.score, r.weight, r.modifier, r.observatory);
        }
        let mut card = ScoreCard::default();
        for (i, category) in Category::ALL.into_iter().enumerate() {
            let value = if category == Category::Security {
                self.security.score().map(|s| s.min(100) as u8)
            } else {
                let (sum, weight) = self.sums[i];
                (weight > 0.0).then(|| (sum / weight * 100.0).round().clamp(0.0, 100.0) as u8)
            };
            card.scores.set(category, value);
        }
        card.observatory_score = self
            .observatory
            .score()
            .filter(|_| self.observatory.count >= observatory_tests());
        card.scores.overall = overall(&card.scores);
        card
    }
}

/// One page's scoring state: per-category sums plus the rules that did not fully pass, which
/// is enough to re-score the page exactly with any rules treated as fixed. A crawl moves each
/// into [`PageStates`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageScoreState {
    totals: Totals,
    /// Imperfect results of catalogue rules.
    imperfect: Vec<Imperfect>,
    /// Imperfect results the compact form cannot hold (a rule this version does not know, as
    /// in a report stored by another version); usually empty.
    others: Vec<RuleResult>,
}

impl PageScoreState {
    /// The state of a page from its findings (passes, failures; other outcomes do not count).
    pub fn from_findings<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Self {
        let mut results: BTreeMap<&str, RuleResult> = BTreeMap::new();
        for f in findings {
            if !matches!(f.outcome, Outcome::Pass | Outcome::Fail) {
                continue;
            }
            let failed = f.outcome == Outcome::Fail;
            let score = f.score.unwrap_or(if failed { 0.0 } else { 1.0 });
            let observatory = f.evidence.observatory.as_ref();
            let modifier = if let Some(o) = observatory {
                Some(o.score_modifier)
            } else if f.category == Category::Security {
                Some(if failed {
                    rules::find(&f.rule_id).map_or(0, |r| r.penalty)
                } else {
                    0
                })
            } else {
                None
            };
            let entry = results.entry(f.rule_id.as_ref()).or_insert(RuleResult {
                rule_id: f.rule_id.clone(),
                category: f.category,
                weight: f.weight,
                score,
                failed,
                modifier,
                observatory: observatory.is_some(),
            });
            entry.score = entry.score.min(score);
            entry.failed |= failed;
        }
        let mut state = PageScoreState::default();
        for result in results.into_values() {
            state.add(result);
        }
        state
    }

    /// Adds one rule's result.
    pub fn add(&mut self, result: RuleResult) {
        if self.totals.count(&result) {
            keep(result, &mut self.imperfect, &mut self.others);
        }
    }

    /// The page's scores.
    pub fn scores(&self) -> ScoreCard {
        self.scores_fixing(&[])
    }

    /// The page's scores if the rules in `fixed` passed.
    pub fn scores_fixing(&self, fixed: &[&str]) -> ScoreCard {
        self.totals
            .card(self.imperfect.iter(), &self.others, &Fixed::new(fixed))
    }
}

/// Keeps a result that did not fully pass: in the compact form when it can, else in full.
fn keep(result: RuleResult, imperfect: &mut Vec<Imperfect>, others: &mut Vec<RuleResult>) {
    match Imperfect::compact(&result) {
        Some(compact) => imperfect.push(compact),
        None => others.push(result),
    }
}

/// Results added to a page of [`PageStates`] after it was pushed (the cross-page rules), and
/// results the compact form cannot hold.
#[derive(Debug, Clone, Default)]
struct Later {
    imperfect: Vec<Imperfect>,
    others: Vec<RuleResult>,
}

/// The scoring states of many pages, column-wise: each page costs its totals and 6 bytes per
/// rule that did not fully pass, in a few large vectors instead of an allocation per page (a
/// crawl keeps one state per page until the site is scored).
#[derive(Debug, Clone, Default)]
pub struct PageStates {
    totals: Vec<Totals>,
    imperfect: Vec<Imperfect>,
    /// Where each page's results end in `imperfect`.
    ends: Vec<u32>,
    later: HashMap<u32, Later>,
}

impl PageStates {
    /// Room for `pages` pages without growing (untouched room is never resident; growing
    /// would copy every column at once).
    pub fn with_capacity(pages: usize) -> Self {
        PageStates {
            totals: Vec::with_capacity(pages),
            imperfect: Vec::with_capacity(pages * 16),
            ends: Vec::with_capacity(pages),
            later: HashMap::new(),
        }
    }

    /// Adds a page's state; returns its index.
    pub fn push(&mut self, state: PageScoreState) -> usize {
        let page = self.totals.len();
        self.totals.push(state.totals);
        self.imperfect.extend_from_slice(&state.imperfect);
        self.ends
            .push(u32::try_from(self.imperfect.len()).expect("fewer than 2^32 imperfect results"));
        if !state.others.is_empty() {
            self.later_of(page).others = state.others;
        }
        page
    }

    fn later_of(&mut self, page: usize) -> &mut Later {
        self.later
            .entry(u32::try_from(page).expect("fewer than 2^32 pages"))
            .or_default()
    }

    /// Adds one rule's result to page `page`.
    pub fn add(&mut self, page: usize, result: RuleResult) {
        if self.totals[page].count(&result) {
            let later = self.later_of(page);
            keep(result, &mut later.imperfect, &mut later.others);
        }
    }

    /// How many pages there are.
    pub fn len(&self) -> usize {
        self.totals.len()
    }

    /// True when there is no page.
    pub fn is_empty(&self) -> bool {
        self.totals.is_empty()
    }

    /// The scores of page `page`.
    pub fn scores(&self, page: usize) -> ScoreCard {
        self.card(page, &Fixed::new(&[]))
    }

    fn card(&self, page: usize, fixed: &Fixed<'_>) -> ScoreCard {
        let start = page.checked_sub(1).map_or(0, |p| self.ends[p] as usize);
        let own = self.imperfect[start..self.ends[page] as usize].iter();
        match self.later.get(&(page as u32)) {
            Some(later) => {
                self.totals[page].card(own.chain(&later.imperfect), &later.others, fixed)
            }
            None => self.totals[page].card(own, &[], fixed),
        }
    }

    /// The site's scores (with some rules treated as fixed): per category the mean of the
    /// pages' scores; the Observatory score is the first (start) page's.
    pub fn site_scores(&self, fixed: &[&str]) -> ScoreCard {
        let fixed = Fixed::new(fixed);
        let cards: Vec<ScoreCard> = (0..self.len()).map(|p| self.card(p, &fixed)).collect();
        let scores: Vec<Scores> = cards.iter().map(|c| c.scores).collect();
        ScoreCard {
            scores: combine_pages(&scores),
            observatory_score: cards.first().and_then(|c| c.observatory_score),
        }
    }
}

impl FromIterator<PageScoreState> for PageStates {
    fn from_iter<I: IntoIterator<Item = PageScoreState>>(states: I) -> Self {
        let mut all = PageStates::default();
        for state in states {
            all.push(state);
        }
        all
    }
}

/// Scores one page's findings. `treat_as_passed` lists rule ids scored as if they passed (used
/// to compute exactly what fixing a rule would gain).
pub fn score_page(findings: &[&Finding], treat_as_passed: &[&str]) -> ScoreCard {
    PageScoreState::from_findings(findings.iter().copied()).scores_fixing(treat_as_passed)
}

/// The mean of the category scores present, rounded.
pub fn overall(scores: &Scores) -> Option<u8> {
    let present: Vec<f64> = Category::ALL
        .into_iter()
        .filter_map(|c| scores.get(c))
        .map(f64::from)
        .collect();
    (!present.is_empty())
        .then(|| (present.iter().sum::<f64>() / present.len() as f64).round() as u8)
}

/// Site scores: per category, the mean of the pages' scores (pages where the category was not
/// scored do not count).
pub fn combine_pages(pages: &[Scores]) -> Scores {
    let mut combined = Scores::default();
    for category in Category::ALL {
        let values: Vec<f64> = pages
            .iter()
            .filter_map(|s| s.get(category))
            .map(f64::from)
            .collect();
        let mean = (!values.is_empty())
            .then(|| (values.iter().sum::<f64>() / values.len() as f64).round() as u8);
        combined.set(category, mean);
    }
    combined.overall = overall(&combined);
    combined
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_normal_matches_lighthouse_vectors() {
        // Mobile control points and the vectors computed with Lighthouse's own formula.
        assert_eq!(log_normal_score(2500.0, 1800.0, 3000.0), 0.67); // FCP
        assert_eq!(log_normal_score(3000.0, 2500.0, 4000.0), 0.78); // LCP
        assert_eq!(log_normal_score(100.0, 200.0, 600.0), 0.98); // TBT
        assert_eq!(log_normal_score(0.05, 0.1, 0.25), 0.99); // CLS
        assert_eq!(log_normal_score(4500.0, 3387.0, 5800.0), 0.72); // SI
        // Desktop.
        assert_eq!(log_normal_score(1000.0, 934.0, 1600.0), 0.86);
        assert_eq!(log_normal_score(2500.0, 1200.0, 2400.0), 0.46);
        assert_eq!(log_normal_score(200.0, 150.0, 350.0), 0.80);
        // Edges.
        assert_eq!(log_normal_score(0.0, 1.0, 2.0), 1.0);
        assert_eq!(log_normal_score(1.0, 1.0, 2.0), 0.9);
        assert_eq!(log_normal_score(2.0, 1.0, 2.0), 0.5);
    }

    #[test]
    fn observatory_arithmetic_and_grades() {
        assert_eq!(observatory_score([5, 5, 0, 0]), 110);
        // Penalties below 90 cancel the bonuses.
        assert_eq!(observatory_score([-20, 10, -5]), 75);
        assert_eq!(observatory_score([-5, -5, 10]), 100);
        assert_eq!(observatory_score([-50, -40, -20]), 0);
        assert_eq!(observatory_grade(110), "A+");
        assert_eq!(observatory_grade(100), "A+");
        assert_eq!(observatory_grade(94), "A");
        assert_eq!(observatory_grade(85), "A-");
        assert_eq!(observatory_grade(75), "B");
        assert_eq!(observatory_grade(64), "C+");
        assert_eq!(observatory_grade(25), "D-");
        assert_eq!(observatory_grade(24), "F");
        assert_eq!(observatory_grade(-3), "F");
    }

    fn result(rule_id: &'static str, category: Category, weight: f64) -> RuleResult {
        RuleResult {
            rule_id: rule_id.into(),
            category,
            weight,
            score: 1.0,
            failed: false,
            modifier: None,
            observatory: false,
        }
    }

    fn first_rule(category: Category) -> &'static rules::RuleInfo {
        rules::all_rules()
            .iter()
            .find(|r| r.category == category && r.weight > 0.0)
            .expect("a weighted rule in every category")
    }

    #[test]
    fn compact_and_full_results_score_alike() {
        assert_eq!(std::mem::size_of::<Imperfect>(), 6);
        let seo = first_rule(Category::Seo);
        let known = RuleResult {
            score: 0.25,
            failed: true,
            ..result(seo.id, Category::Seo, seo.weight)
        };
        // The same result under an id this version does not know is kept in full.
        let retired = RuleResult {
            rule_id: "seo.retired-rule".into(),
            ..known.clone()
        };
        let passing = result("seo.some-pass", Category::Seo, 2.0);
        let state = |results: &[&RuleResult]| {
            let mut state = PageScoreState::default();
            for r in results {
                state.add((*r).clone());
            }
            state
        };
        let compact = state(&[&known, &passing]);
        let full = state(&[&retired, &passing]);
        assert_eq!((compact.imperfect.len(), compact.others.len()), (1, 0));
        assert_eq!((full.imperfect.len(), full.others.len()), (0, 1));
        assert_eq!(compact.scores(), full.scores());
        let fixed = compact.scores_fixing(&[seo.id]);
        assert_eq!(fixed, full.scores_fixing(&["seo.retired-rule"]));
        assert_eq!(fixed.scores.seo, Some(100));
        assert!(compact.scores().scores.seo < Some(100));
        // A weight the catalogue does not give is kept in full too, and counts as given.
        let reweighted = state(&[&RuleResult {
            weight: seo.weight + 1.0,
            ..known.clone()
        }]);
        assert_eq!(reweighted.others.len(), 1);
        assert_eq!(reweighted.scores().scores.seo, Some(25));
        // So is a score that is not a whole number of hundredths.
        let fine = state(&[&RuleResult {
            score: 0.254,
            ..known.clone()
        }]);
        assert_eq!((fine.imperfect.len(), fine.others.len()), (0, 1));
        assert_eq!(fine.scores().scores.seo, Some(25));

        // Security: Observatory modifiers survive the compact form.
        let security = first_rule(Category::Security);
        let penalty = RuleResult {
            failed: true,
            score: 0.0,
            modifier: Some(-25),
            observatory: true,
            ..result(security.id, Category::Security, security.weight)
        };
        let others = other_observatory_passes(security.id);
        let with_others = |first: &RuleResult| {
            let mut results = vec![first];
            results.extend(others.iter());
            state(&results)
        };
        let compact = with_others(&penalty);
        let full = with_others(&RuleResult {
            rule_id: "security.retired".into(),
            ..penalty.clone()
        });
        assert_eq!(compact.imperfect.len(), 1);
        assert_eq!(compact.scores(), full.scores());
        assert_eq!(compact.scores().observatory_score, Some(75));
        // With one of the Observatory's tests not assessed, there is no Observatory score.
        let partial = state(&[&penalty]);
        assert_eq!(partial.scores().observatory_score, None);
        assert_eq!(partial.scores().scores.security, Some(75));
        assert_eq!(
            compact.scores_fixing(&[security.id]).observatory_score,
            Some(100)
        );
    }

    /// Passes of every Observatory test but `except`.
    fn other_observatory_passes(except: &str) -> Vec<RuleResult> {
        rules::all_rules()
            .iter()
            .filter(|r| r.refs.observatory.is_some() && r.id != except)
            .map(|r| RuleResult {
                modifier: Some(0),
                observatory: true,
                ..result(r.id, r.category, r.weight)
            })
            .collect()
    }

    #[test]
    fn the_catalogue_mirrors_the_observatorys_ten_tests() {
        assert_eq!(observatory_tests(), 10);
    }

    /// Pages with failures, partial scores, Observatory modifiers and an unknown rule.
    fn sample_pages() -> Vec<Vec<RuleResult>> {
        let seo = first_rule(Category::Seo);
        let a11y = first_rule(Category::Accessibility);
        let security = first_rule(Category::Security);
        let failing = |info: &rules::RuleInfo, score: f64| RuleResult {
            score,
            failed: score == 0.0,
            ..result(info.id, info.category, info.weight)
        };
        let mut first = vec![
            failing(seo, 0.0),
            failing(a11y, 0.57),
            result("seo.other", Category::Seo, 3.0),
            RuleResult {
                modifier: Some(-20),
                observatory: true,
                ..failing(security, 0.0)
            },
        ];
        first.extend(other_observatory_passes(security.id));
        vec![
            first,
            vec![result("seo.other", Category::Seo, 3.0), failing(a11y, 0.0)],
            vec![
                RuleResult {
                    rule_id: "seo.retired".into(),
                    ..failing(seo, 0.0)
                },
                failing(seo, 0.31),
            ],
        ]
    }

    #[test]
    fn column_states_score_like_page_states() {
        let seo = first_rule(Category::Seo);
        let a11y = first_rule(Category::Accessibility);
        let security = first_rule(Category::Security);
        let pages: Vec<PageScoreState> = sample_pages()
            .into_iter()
            .map(|results| {
                let mut state = PageScoreState::default();
                results.into_iter().for_each(|r| state.add(r));
                state
            })
            .collect();
        let mut columns: PageStates = pages.iter().cloned().collect();
        assert_eq!(columns.len(), 3);
        let fixes: [&[&str]; 5] = [
            &[],
            &[seo.id],
            &[a11y.id, security.id],
            &["seo.retired"],
            &[seo.id, "seo.retired"],
        ];
        let check = |columns: &PageStates, pages: &[PageScoreState]| {
            for fixed in fixes {
                for (i, page) in pages.iter().enumerate() {
                    if fixed.is_empty() {
                        assert_eq!(columns.scores(i), page.scores());
                    }
                    assert_eq!(
                        columns.card(i, &Fixed::new(fixed)),
                        page.scores_fixing(fixed)
                    );
                }
                let cards: Vec<Scores> = pages
                    .iter()
                    .map(|p| p.scores_fixing(fixed).scores)
                    .collect();
                let site = columns.site_scores(fixed);
                assert_eq!(site.scores, combine_pages(&cards));
                assert_eq!(
                    site.observatory_score,
                    pages[0].scores_fixing(fixed).observatory_score
                );
                assert!(site.observatory_score.is_some());
            }
        };
        check(&columns, &pages);
        assert!(columns.site_scores(&[]).scores.seo < columns.site_scores(&[seo.id]).scores.seo);
        // Results added later (the cross-page rules) count like the page's own.
        let mut pages = pages;
        let late = [
            (
                1,
                RuleResult {
                    failed: true,
                    score: 0.0,
                    ..result(seo.id, Category::Seo, seo.weight)
                },
            ),
            (1, result("seo.other", Category::Seo, 3.0)),
            (
                2,
                RuleResult {
                    rule_id: "seo.late-unknown".into(),
                    failed: true,
                    score: 0.0,
                    ..result(seo.id, Category::Seo, 1.0)
                },
            ),
        ];
        for (page, r) in late {
            pages[page].add(r.clone());
            columns.add(page, r);
        }
        check(&columns, &pages);
        // The failure added to page 1 lowered its SEO score.
        assert!(columns.scores(1).scores.seo < Some(100));
    }

    #[test]
    fn combines_pages_by_mean() {
        let a = Scores {
            seo: Some(100),
            security: Some(50),
            ..Scores::default()
        };
        let b = Scores {
            seo: Some(81),
            ..Scores::default()
        };
        let site = combine_pages(&[a, b]);
        assert_eq!(site.seo, Some(91));
        assert_eq!(site.security, Some(50));
        assert_eq!(site.performance, None);
        assert_eq!(site.overall, Some(71));
    }
}
