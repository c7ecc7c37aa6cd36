//! [`Check`]: what a rule's check function returns, and how it becomes findings.

use std::collections::HashMap;

use super::RuleInfo;
use crate::engine::score::log_normal_score;
use crate::report::{Evidence, Finding, Observatory, Outcome, Severity, fingerprint};

/// Control points of a log-normal scoring curve (Lighthouse's): a value at `p10` scores 0.9, a
/// value at `median` scores 0.5.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Curve {
    /// The value that scores 0.9.
    pub p10: f64,
    /// The value that scores 0.5.
    pub median: f64,
}

/// The result of one rule on one page.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    /// Pass, fail or not applicable. (Items needing review are in `reviews`.)
    pub outcome: Outcome,
    /// The rule's score on the page, 0–1 (1 for a pass).
    pub score: f64,
    /// One evidence per failing occurrence (only for `Fail`).
    pub failures: Vec<Evidence>,
    /// Occurrences a person must review; reported as `info` findings, never failures.
    pub reviews: Vec<Evidence>,
    /// Evidence for the page-level finding of a pass or not-applicable outcome (a measured
    /// value, or why the rule did not apply).
    pub evidence: Evidence,
    /// A severity other than the rule's default, for this page.
    pub severity: Option<Severity>,
    /// For Observatory tests: the result, copied into every finding's evidence.
    pub observatory: Option<Observatory>,
}

impl Check {
    /// The rule holds.
    pub fn pass() -> Check {
        Check {
            outcome: Outcome::Pass,
            score: 1.0,
            failures: Vec::new(),
            reviews: Vec::new(),
            evidence: Evidence::default(),
            severity: None,
            observatory: None,
        }
    }

    /// Nothing on the page to check; `why` says what was missing.
    pub fn not_applicable(why: impl Into<String>) -> Check {
        Check {
            outcome: Outcome::NotApplicable,
            score: 1.0,
            evidence: Evidence {
                detail: Some(why.into()),
                ..Evidence::default()
            },
            ..Check::pass()
        }
    }

    /// Fails with these occurrences; passes when there are none.
    pub fn from_failures(failures: Vec<Evidence>) -> Check {
        if failures.is_empty() {
            Check::pass()
        } else {
            Check {
                outcome: Outcome::Fail,
                score: 0.0,
                failures,
                ..Check::pass()
            }
        }
    }

    /// Fails with one occurrence.
    pub fn fail(evidence: Evidence) -> Check {
        Check::from_failures(vec![evidence])
    }

    /// Scores a measured value on a log-normal curve; fails below 0.9 (Lighthouse's pass
    /// threshold), with the value as evidence either way.
    pub fn measured(value: f64, unit: &str, curve: Curve, detail: impl Into<String>) -> Check {
        let score = log_normal_score(value, curve.p10, curve.median);
        let evidence = Evidence {
            value: Some(value),
            unit: Some(unit.to_owned()),
            threshold: Some(curve.p10),
            detail: Some(detail.into()),
            ..Evidence::default()
        };
        if score >= 0.9 {
            Check {
                score,
                evidence,
                ..Check::pass()
            }
        } else {
            Check {
                outcome: Outcome::Fail,
                score,
                failures: vec![evidence],
                ..Check::pass()
            }
        }
    }

    /// Adds occurrences to review.
    pub fn with_reviews(mut self, reviews: Vec<Evidence>) -> Check {
        self.reviews = reviews;
        self
    }

    /// Overrides the severity for this page.
    pub fn with_severity(mut self, severity: Severity) -> Check {
        self.severity = Some(severity);
        self
    }

    /// Sets the evidence of a pass or not-applicable outcome.
    pub fn with_evidence(mut self, evidence: Evidence) -> Check {
        self.evidence = evidence;
        self
    }

    /// Attaches an Observatory result.
    pub fn with_observatory(mut self, observatory: Observatory) -> Check {
        self.observatory = Some(observatory);
        self
    }

    /// Turns the check into findings of `rule` on `page_url` (its evidence moved, not copied).
    pub fn into_findings(self, rule: &RuleInfo, page_url: &str) -> Vec<Finding> {
        let Check {
            outcome,
            score,
            failures,
            reviews,
            evidence,
            severity,
            observatory,
        } = self;
        let severity = severity.unwrap_or(rule.severity);
        let attach = |mut e: Evidence| {
            if e.observatory.is_none() {
                e.observatory = observatory.clone();
            }
            e
        };
        let mut findings = Vec::with_capacity(failures.len().max(1) + reviews.len());
        match outcome {
            Outcome::Fail => {
                let failures = if failures.is_empty() {
                    vec![evidence]
                } else {
                    failures
                };
                for e in failures {
                    findings.push(rule.finding(
                        page_url,
                        Outcome::Fail,
                        severity,
                        Some(score),
                        attach(e),
                    ));
                }
            }
            Outcome::Pass => findings.push(rule.finding(
                page_url,
                Outcome::Pass,
                severity,
                Some(score),
                attach(evidence),
            )),
            Outcome::NotApplicable | Outcome::Review => findings.push(rule.finding(
                page_url,
                Outcome::NotApplicable,
                severity,
                None,
                attach(evidence),
            )),
        }
        for e in reviews {
            findings.push(rule.finding(page_url, Outcome::Review, Severity::Info, None, attach(e)));
        }
        distinct_fingerprints(&mut findings, page_url);
        findings
    }
}

/// Gives findings of one rule on one page that share an evidence key (several missing tags,
/// say, none with a selector) fingerprints of their own: the second of a key is keyed
/// `key#2`, and so on, in the order the rule found them.
fn distinct_fingerprints(findings: &mut [Finding], page_url: &str) {
    if findings.len() < 2 {
        return;
    }
    // Which findings repeat a key, found over borrowed keys, then re-keyed.
    let repeats: Vec<(usize, String)> = {
        let mut seen: HashMap<&str, u32, foldhash::fast::FixedState> = HashMap::default();
        findings
            .iter()
            .enumerate()
            .filter_map(|(i, f)| {
                let key = f.evidence.key();
                let n = seen.entry(key).or_insert(0);
                *n += 1;
                (*n > 1).then(|| (i, format!("{key}#{n}")))
            })
            .collect()
    };
    for (i, key) in repeats {
        let f = &mut findings[i];
        f.fingerprint = fingerprint(&f.rule_id, page_url, &key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rules;

    #[test]
    fn findings_of_one_rule_on_a_page_have_fingerprints_of_their_own() {
        let rule = rules::find("seo.social-previews").unwrap();
        let missing = |what: &str| Evidence {
            detail: Some(format!("no {what}")),
            ..Evidence::default()
        };
        let page = "https://site.example/";
        let findings = Check::from_failures(vec![missing("og:title"), missing("og:image")])
            .into_findings(&rule, page);
        assert_eq!(findings.len(), 2);
        assert_eq!(findings[0].fingerprint, fingerprint(rule.id, page, ""));
        assert_eq!(findings[1].fingerprint, fingerprint(rule.id, page, "#2"));
        // Findings with keys of their own keep their fingerprints.
        let at = |selector: &str| Evidence {
            selector: Some(selector.into()),
            ..Evidence::default()
        };
        let findings =
            Check::from_failures(vec![at("img"), at("p > img")]).into_findings(&rule, page);
        assert_eq!(
            findings[1].fingerprint,
            fingerprint(rule.id, page, "p > img")
        );
    }
}
