//! What changed between two audits: failing findings fixed, new, and still open, matched by
//! fingerprint (rule + page path + evidence key), so the same problem is recognised across
//! audits even when the host changes.

use std::collections::HashSet;
use std::hash::BuildHasher;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::views::FindingBrief;
use crate::export::{ExportError, FindingSource, Selection};
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

/// A fingerprint as the comparison keeps it: a 64-bit hash (8 bytes instead of the 64-character
/// text; two of the two million failing findings of two 10,000-page reports collide with a
/// chance of about one in ten million).
fn key(fingerprint: &str) -> u64 {
    foldhash::fast::FixedState::default().hash_one(fingerprint)
}

/// The failing findings of a report, each passed to `visit`.
fn each_failing(
    findings: &dyn FindingSource,
    visit: &mut dyn FnMut(&Finding),
) -> Result<(), ExportError> {
    findings.each(Selection::FAILING, &mut |f| {
        visit(f);
        Ok(())
    })
}

/// The first [`LISTED`] findings of a kind, and how many there are.
#[derive(Default)]
struct Listed {
    briefs: Vec<FindingBrief>,
    count: usize,
}

impl Listed {
    fn add(&mut self, finding: &Finding) {
        self.count += 1;
        if self.briefs.len() < LISTED {
            self.briefs.push(FindingBrief::of(finding));
        }
    }
}

/// Compares the failing findings of two reports (`before` older than `after`), reading each
/// source in order: the older one twice, the newer one once. It keeps the fingerprints'
/// hashes and the findings it lists, not the findings.
pub fn compare(
    before: &ReportId,
    old_findings: &dyn FindingSource,
    after: &ReportId,
    new_findings: &dyn FindingSource,
) -> Result<Comparison, ExportError> {
    let mut old = HashSet::new();
    each_failing(old_findings, &mut |f| {
        old.insert(key(&f.fingerprint));
    })?;
    let (mut now, mut new, mut still) = (HashSet::new(), Listed::default(), Listed::default());
    each_failing(new_findings, &mut |f| {
        let k = key(&f.fingerprint);
        now.insert(k);
        if old.contains(&k) {
            still.add(f);
        } else {
            new.add(f);
        }
    })?;
    let mut fixed = Listed::default();
    each_failing(old_findings, &mut |f| {
        if !now.contains(&key(&f.fingerprint)) {
            fixed.add(f);
        }
    })?;
    Ok(Comparison {
        before: before.clone(),
        after: after.clone(),
        counts: (fixed.count, new.count, still.count),
        fixed: fixed.briefs,
        new: new.briefs,
        still_open: still.briefs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::tests::mixed_findings;

    /// The comparison of two lists done the plain way, on the fingerprints' texts.
    fn plain(old: &[Finding], new: &[Finding]) -> [Vec<FindingBrief>; 3] {
        let failing = |list: &[Finding]| -> HashSet<String> {
            list.iter()
                .filter(|f| f.is_failure())
                .map(|f| f.fingerprint.clone())
                .collect()
        };
        let (was, is) = (failing(old), failing(new));
        let pick = |list: &[Finding], keep: &dyn Fn(&str) -> bool| -> Vec<FindingBrief> {
            list.iter()
                .filter(|f| f.is_failure() && keep(&f.fingerprint))
                .map(FindingBrief::of)
                .collect()
        };
        [
            pick(old, &|fp| !is.contains(fp)),
            pick(new, &|fp| !was.contains(fp)),
            pick(new, &|fp| was.contains(fp)),
        ]
    }

    #[test]
    fn fixed_new_and_still_open_are_counted_in_full_and_listed_in_order() {
        let old = mixed_findings(40);
        // The newer audit: some pages gone, some new, the rest the same.
        let mut new: Vec<Finding> = mixed_findings(60).split_off(40 * 10);
        new.extend(old.iter().take(40 * 5).cloned());
        let (before, after) = (ReportId::generate(), ReportId::generate());
        let diff = compare(&before, &old, &after, &new).unwrap();
        let [fixed, added, still] = plain(&old, &new);
        assert!(fixed.len() > LISTED && added.len() > LISTED && still.len() > LISTED);
        assert_eq!(diff.counts, (fixed.len(), added.len(), still.len()));
        assert_eq!(diff.fixed, fixed[..LISTED]);
        assert_eq!(diff.new, added[..LISTED]);
        assert_eq!(diff.still_open, still[..LISTED]);
        assert_eq!((diff.before, diff.after), (before, after));
    }
}
