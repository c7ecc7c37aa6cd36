//! What changed between two audits: failing findings fixed, new, and still open, matched by
//! fingerprint (rule + page path + evidence key), so the same problem is recognised across
//! audits even when the host changes.

use std::collections::HashSet;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::views::FindingBrief;
use crate::report::{Finding, ReportId};

/// How many findings of each kind a comparison lists.
pub const LISTED: usize = 20;

/// Differences between an older and a newer audit.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Comparison {
    /// The older report.
    pub before: ReportId,
    /// The newer report.
    pub after: ReportId,
    /// Failing before, not after.
    pub fixed: Vec<FindingBrief>,
    /// Failing after, not before.
    pub new: Vec<FindingBrief>,
    /// Failing in both.
    pub still_open: Vec<FindingBrief>,
    /// Counts of the three lists before truncation: (fixed, new, still open).
    pub counts: (usize, usize, usize),
}

fn failing_fingerprints(findings: &[Finding]) -> HashSet<&str> {
    findings
        .iter()
        .filter(|f| f.is_failure())
        .map(|f| f.fingerprint.as_str())
        .collect()
}

fn pick(findings: &[Finding], keep: impl Fn(&Finding) -> bool) -> Vec<&Finding> {
    findings
        .iter()
        .filter(|f| f.is_failure() && keep(f))
        .collect()
}

fn briefs(findings: &[&Finding]) -> Vec<FindingBrief> {
    findings
        .iter()
        .take(LISTED)
        .map(|f| FindingBrief::of(f))
        .collect()
}

/// Compares the findings of two reports (`before` older than `after`).
pub fn compare(
    before: &ReportId,
    old_findings: &[Finding],
    after: &ReportId,
    new_findings: &[Finding],
) -> Comparison {
    let old = failing_fingerprints(old_findings);
    let now = failing_fingerprints(new_findings);
    let fixed = pick(old_findings, |f| !now.contains(f.fingerprint.as_str()));
    let new = pick(new_findings, |f| !old.contains(f.fingerprint.as_str()));
    let still = pick(new_findings, |f| old.contains(f.fingerprint.as_str()));
    Comparison {
        before: before.clone(),
        after: after.clone(),
        counts: (fixed.len(), new.len(), still.len()),
        fixed: briefs(&fixed),
        new: briefs(&new),
        still_open: briefs(&still),
    }
}
