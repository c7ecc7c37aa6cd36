//! [`Verdict`] and [`judge`]: the shape shared by the accessibility rules, which test each
//! candidate element and fail with one piece of evidence per element that fails.

use scraper::ElementRef;

use crate::engine::page::dom::is_hidden;
use crate::engine::rules::{Check, element_evidence};

/// What a rule concluded about one candidate element.
pub enum Verdict {
    /// The element satisfies the rule.
    Pass,
    /// The element fails; the text says why.
    Fail(String),
    /// A person must look (axe's "incomplete"); the text says what to check.
    Review(String),
    /// The rule does not apply to this element after all.
    Skip,
}

/// Tests every candidate that is not hidden from everyone, and sums up: not applicable when
/// nothing was tested (the text names what was missing), else a pass or a failure with one
/// evidence per failing element, plus the elements to review.
pub fn judge<'a>(
    candidates: impl Iterator<Item = ElementRef<'a>>,
    none_found: &str,
    test: impl FnMut(ElementRef<'a>) -> Verdict,
) -> Check {
    judge_all(candidates.filter(|el| !is_hidden(*el)), none_found, test)
}

/// Like [`judge`], but hidden elements are tested too.
pub fn judge_all<'a>(
    candidates: impl Iterator<Item = ElementRef<'a>>,
    none_found: &str,
    mut test: impl FnMut(ElementRef<'a>) -> Verdict,
) -> Check {
    let mut tested = 0usize;
    let mut failures = Vec::new();
    let mut reviews = Vec::new();
    for el in candidates {
        match test(el) {
            Verdict::Pass => tested += 1,
            Verdict::Fail(why) => {
                tested += 1;
                failures.push(element_evidence(el, why));
            }
            Verdict::Review(what) => {
                tested += 1;
                reviews.push(element_evidence(el, what));
            }
            Verdict::Skip => {}
        }
    }
    if tested == 0 {
        return Check::not_applicable(none_found);
    }
    Check::from_failures(failures).with_reviews(reviews)
}

/// A verdict from a condition: pass when it holds, else fail with `why`.
pub fn require(holds: bool, why: impl FnOnce() -> String) -> Verdict {
    if holds {
        Verdict::Pass
    } else {
        Verdict::Fail(why())
    }
}
