//! `--fail-under`: `80` (overall) or `seo=90,accessibility=95` (per category; `overall=` too).

use std::str::FromStr;

use crate::report::{Category, Scores};

/// Score thresholds a report must meet.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FailUnder {
    /// Minimum overall score.
    pub overall: Option<u8>,
    /// Minimum per category.
    pub categories: Vec<(Category, u8)>,
}

fn score(text: &str) -> Result<u8, String> {
    text.trim()
        .parse::<u8>()
        .ok()
        .filter(|v| *v <= 100)
        .ok_or_else(|| format!("`{text}` is not a score; use a whole number from 0 to 100"))
}

/// A category name `--fail-under` does not know: the names it does, `overall` included.
fn unknown_category(name: &str) -> String {
    let names: Vec<&str> = std::iter::once("overall")
        .chain(Category::ALL.iter().map(|c| c.as_str()))
        .collect();
    format!(
        "unknown category `{}`; use one of {}",
        name.trim(),
        names.join(", ")
    )
}

impl FromStr for FailUnder {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut out = FailUnder::default();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            match part.split_once('=') {
                None => out.overall = Some(score(part)?),
                Some((name, value)) if name.trim().eq_ignore_ascii_case("overall") => {
                    out.overall = Some(score(value)?)
                }
                Some((name, value)) => {
                    let category = name
                        .parse::<Category>()
                        .map_err(|_| unknown_category(name))?;
                    out.categories.push((category, score(value)?));
                }
            }
        }
        if out.overall.is_none() && out.categories.is_empty() {
            return Err(
                "give a score such as 80, or thresholds such as seo=90,accessibility=95".into(),
            );
        }
        Ok(out)
    }
}

impl FailUnder {
    /// The thresholds `scores` misses, as readable lines (empty when all are met). A category
    /// that was not scored counts as missed.
    pub fn misses(&self, scores: &Scores) -> Vec<String> {
        let mut misses = Vec::new();
        let mut check = |name: &str, got: Option<u8>, want: u8| match got {
            Some(got) if got >= want => {}
            Some(got) => misses.push(format!("{name} {got} < {want}")),
            None => misses.push(format!("{name} was not scored (needed {want})")),
        };
        if let Some(want) = self.overall {
            check("overall", scores.overall, want);
        }
        for (category, want) in &self.categories {
            check(category.as_str(), scores.get(*category), *want);
        }
        misses
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_checks() {
        let f: FailUnder = "80".parse().unwrap();
        assert_eq!(f.overall, Some(80));
        let f: FailUnder = "seo=90, accessibility=95,overall=70".parse().unwrap();
        assert_eq!(f.overall, Some(70));
        assert_eq!(
            f.categories,
            vec![(Category::Seo, 90), (Category::Accessibility, 95)]
        );
        assert!("101".parse::<FailUnder>().is_err());
        assert_eq!(
            "speed=3".parse::<FailUnder>(),
            Err(
                "unknown category `speed`; use one of overall, performance, seo, \
                 accessibility, best_practices, security"
                    .into()
            )
        );
        assert_eq!(
            "a11y=3,best-practices=4,Overall=5".parse::<FailUnder>(),
            Ok(FailUnder {
                overall: Some(5),
                categories: vec![(Category::Accessibility, 3), (Category::BestPractices, 4)],
            })
        );
        assert!("".parse::<FailUnder>().is_err());
        let scores = Scores {
            seo: Some(92),
            accessibility: Some(80),
            overall: Some(70),
            ..Scores::default()
        };
        assert_eq!(f.misses(&scores), vec!["accessibility 80 < 95".to_owned()]);
        let perf: FailUnder = "performance=50".parse().unwrap();
        assert_eq!(perf.misses(&scores).len(), 1);
    }
}
