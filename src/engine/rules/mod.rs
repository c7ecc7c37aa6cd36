//! The rule catalogue and the machinery that runs it.
//!
//! A [`Rule`] is static metadata (stable id `category.kebab-name`, title, description, default
//! severity, weight, fix, references) plus a pure `check` function of a [`Page`]. Each category
//! keeps its rules in its own file; [`catalogue`] lists them all. [`run_page_rules`] runs every
//! rule on a page and turns each [`Check`] into findings.
//!
//! # Layout
//! - [`check`] — [`Check`], what a rule returns, and its constructors.
//! - [`catalogue`] — the registry and lookups.
//! - [`langs`] — registered language subtags, shared by the SEO and accessibility rules.
//! - one file per category: [`performance`], [`seo`], [`accessibility`], [`best_practices`],
//!   [`security`].

pub mod accessibility;
pub mod best_practices;
pub mod catalogue;
mod check;
pub mod js_libraries;
pub mod langs;
pub mod performance;
pub mod security;
pub mod seo;
pub mod site;
#[cfg(test)]
pub(crate) mod testing;

pub use catalogue::{all_rules, catalogue, find, index_of};
pub use check::{Check, Curve};

use std::panic::{AssertUnwindSafe, catch_unwind};

use scraper::ElementRef;

use crate::engine::page::Page;
use crate::engine::page::dom::{css_path, snippet};
use crate::report::{Category, Evidence, Finding, Fix, Outcome, References, Severity, fingerprint};

/// How to fix a rule's failures.
#[derive(Debug, Clone, Copy)]
pub struct FixText {
    /// One sentence.
    pub summary: &'static str,
    /// Concrete steps.
    pub steps: &'static [&'static str],
    /// Rough minutes of work per occurrence.
    pub minutes: u32,
}

/// Equivalent checks in other tools.
#[derive(Debug, Clone, Copy)]
pub struct Refs {
    /// Lighthouse audit id.
    pub lighthouse: Option<&'static str>,
    /// axe-core rule id.
    pub axe: Option<&'static str>,
    /// WCAG success criteria.
    pub wcag: &'static [&'static str],
    /// Mozilla HTTP Observatory test name.
    pub observatory: Option<&'static str>,
}

impl Refs {
    /// No equivalent anywhere.
    pub const NONE: Refs = Refs {
        lighthouse: None,
        axe: None,
        wcag: &[],
        observatory: None,
    };

    /// Mirrors a Lighthouse audit.
    pub const fn lighthouse(id: &'static str) -> Refs {
        Refs {
            lighthouse: Some(id),
            ..Refs::NONE
        }
    }

    /// Mirrors an axe-core rule (and the Lighthouse accessibility audit of the same id).
    pub const fn axe(id: &'static str, wcag: &'static [&'static str]) -> Refs {
        Refs {
            lighthouse: Some(id),
            axe: Some(id),
            wcag,
            observatory: None,
        }
    }

    /// Mirrors an axe-core rule that Lighthouse does not run.
    pub const fn axe_only(id: &'static str, wcag: &'static [&'static str]) -> Refs {
        Refs {
            lighthouse: None,
            axe: Some(id),
            wcag,
            observatory: None,
        }
    }

    /// Mirrors a Mozilla HTTP Observatory test.
    pub const fn observatory(test: &'static str) -> Refs {
        Refs {
            observatory: Some(test),
            ..Refs::NONE
        }
    }
}

/// A rule's metadata, shared by page rules and site rules.
#[derive(Debug, Clone, Copy)]
pub struct RuleInfo {
    /// Stable id `category.kebab-name`.
    pub id: &'static str,
    /// Category.
    pub category: Category,
    /// Short title, phrased as the good state.
    pub title: &'static str,
    /// What it checks and why it matters.
    pub description: &'static str,
    /// Default severity of a failure.
    pub severity: Severity,
    /// Weight within the category.
    pub weight: f64,
    /// Score modifier of a failure, for security rules outside the Observatory's tests.
    pub penalty: i32,
    /// How to fix it.
    pub fix: FixText,
    /// References.
    pub refs: Refs,
}

impl RuleInfo {
    /// The fix as report JSON.
    pub fn fix(&self) -> Fix {
        Fix {
            summary: self.fix.summary.into(),
            steps: self.fix.steps.iter().map(|s| (*s).into()).collect(),
            estimated_minutes: self.fix.minutes,
        }
    }

    /// The references as report JSON.
    pub fn references(&self) -> References {
        References {
            lighthouse: self.refs.lighthouse.map(Into::into),
            axe: self.refs.axe.map(Into::into),
            wcag: self.refs.wcag.iter().map(|s| (*s).into()).collect(),
            observatory: self.refs.observatory.map(Into::into),
        }
    }

    /// A finding of this rule.
    pub fn finding(
        &self,
        page_url: &str,
        outcome: Outcome,
        severity: Severity,
        score: Option<f64>,
        evidence: Evidence,
    ) -> Finding {
        Finding {
            rule_id: self.id.into(),
            category: self.category,
            severity,
            passed: outcome.passed(),
            outcome,
            title: self.title.into(),
            description: self.description.into(),
            page_url: page_url.to_owned(),
            fingerprint: fingerprint(self.id, page_url, evidence.key()),
            evidence,
            recommendation: self.fix(),
            references: self.references(),
            score,
            weight: self.weight,
        }
    }
}

/// A page rule: metadata and a pure check of a page.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// Stable id `category.kebab-name`.
    pub id: &'static str,
    /// Category.
    pub category: Category,
    /// Short title, phrased as the good state ("Images have alt text").
    pub title: &'static str,
    /// What it checks and why it matters.
    pub description: &'static str,
    /// Default severity of a failure.
    pub severity: Severity,
    /// Weight within the category (Lighthouse's weights where the rule mirrors an audit).
    pub weight: f64,
    /// For security rules outside the Observatory's ten tests: the score modifier a failure
    /// applies (negative). Observatory tests carry their modifier in the check instead.
    pub penalty: i32,
    /// How to fix it.
    pub fix: FixText,
    /// References.
    pub refs: Refs,
    /// The check.
    pub check: fn(&Page) -> Check,
}

impl Rule {
    /// The rule's metadata.
    pub fn info(&self) -> RuleInfo {
        RuleInfo {
            id: self.id,
            category: self.category,
            title: self.title,
            description: self.description,
            severity: self.severity,
            weight: self.weight,
            penalty: self.penalty,
            fix: self.fix,
            refs: self.refs,
        }
    }

    /// A finding of this rule.
    pub fn finding(
        &self,
        page_url: &str,
        outcome: Outcome,
        severity: Severity,
        score: Option<f64>,
        evidence: Evidence,
    ) -> Finding {
        self.info()
            .finding(page_url, outcome, severity, score, evidence)
    }

    /// Runs the check on a page and turns the result into findings. A rule that panics (a
    /// bug) is reported as not applicable with the panic message, so one rule cannot sink an
    /// audit.
    pub fn run(&self, page: &Page) -> Vec<Finding> {
        let check = catch_unwind(AssertUnwindSafe(|| (self.check)(page))).unwrap_or_else(|panic| {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            tracing::error!(rule = self.id, %message, "rule panicked");
            Check::not_applicable(format!("internal error in this rule: {message}"))
        });
        check.into_findings(&self.info(), page.final_url.as_str())
    }
}

/// Evidence pointing at one element: its CSS path, its opening tag, and what is wrong.
pub(crate) fn element_evidence(el: ElementRef<'_>, detail: impl Into<String>) -> Evidence {
    Evidence {
        selector: Some(css_path(el)),
        snippet: Some(snippet(el)),
        detail: Some(detail.into()),
        ..Evidence::default()
    }
}

/// Runs every page rule of the catalogue on `page`.
pub fn run_page_rules(page: &Page) -> Vec<Finding> {
    // About one finding per rule, more where a rule fails several times.
    let mut findings = Vec::with_capacity(catalogue().len() + catalogue().len() / 4);
    for rule in catalogue() {
        findings.extend(rule.run(page));
    }
    findings
}
