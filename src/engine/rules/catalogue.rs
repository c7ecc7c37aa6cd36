//! The registry: every rule of every category, and lookups by id.

use std::collections::HashMap;
use std::sync::LazyLock;

use super::{Rule, RuleInfo, accessibility, best_practices, performance, security, seo, site};
use crate::report::Category;

static CATALOGUE: LazyLock<Vec<Rule>> = LazyLock::new(|| {
    let mut all = Vec::new();
    all.extend_from_slice(performance::RULES);
    all.extend_from_slice(seo::RULES);
    all.extend_from_slice(seo::extras::RULES);
    all.extend_from_slice(accessibility::rules());
    all.extend_from_slice(best_practices::RULES);
    all.extend_from_slice(security::RULES);
    all.extend_from_slice(security::extras::RULES);
    all
});

static ALL: LazyLock<Vec<RuleInfo>> = LazyLock::new(|| {
    CATALOGUE
        .iter()
        .map(Rule::info)
        .chain(site::RULES.iter().map(|r| r.info))
        .collect()
});

/// Each rule's index in [`all_rules`].
static BY_ID: LazyLock<HashMap<&'static str, u16>> = LazyLock::new(|| {
    ALL.iter()
        .enumerate()
        .map(|(i, r)| (r.id, u16::try_from(i).expect("fewer than 65,536 rules")))
        .collect()
});

/// Every page rule, grouped by category in report order.
pub fn catalogue() -> &'static [Rule] {
    &CATALOGUE
}

/// The metadata of every rule: page rules, then site (cross-page) rules.
pub fn all_rules() -> &'static [RuleInfo] {
    &ALL
}

/// The metadata of the rule (page or site) with this id.
pub fn find(id: &str) -> Option<RuleInfo> {
    index_of(id).map(|i| ALL[usize::from(i)])
}

/// The index in [`all_rules`] of the rule with this id (a compact key for scoring states).
pub fn index_of(id: &str) -> Option<u16> {
    BY_ID.get(id).copied()
}

/// The rules (page and site) of one category.
pub fn in_category(category: Category) -> impl Iterator<Item = &'static RuleInfo> {
    all_rules().iter().filter(move |r| r.category == category)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_are_unique_well_formed_and_in_their_category() {
        let mut seen = HashSet::new();
        for rule in all_rules() {
            assert!(seen.insert(rule.id), "duplicate rule id {}", rule.id);
            let (prefix, name) = rule.id.split_once('.').expect("id has a dot");
            assert_eq!(prefix, rule.category.rule_prefix(), "{}", rule.id);
            assert!(
                !name.is_empty()
                    && name
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{} is not kebab-case",
                rule.id
            );
            assert!(rule.weight >= 0.0, "{}", rule.id);
            assert!(!rule.title.is_empty() && !rule.description.is_empty());
            assert!(
                !rule.fix.summary.is_empty() && !rule.fix.steps.is_empty(),
                "{}",
                rule.id
            );
            assert!(rule.penalty <= 0, "{}", rule.id);
        }
    }

    #[test]
    fn every_category_has_at_least_eight_rules() {
        for category in Category::ALL {
            let n = in_category(category).count();
            assert!(n >= 8, "{category} has only {n} rules");
        }
    }
}
