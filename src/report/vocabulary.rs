//! The small closed sets of the vocabulary: categories, severities and report statuses.

use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One of the five audit categories.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Static performance signals.
    Performance,
    /// Search-engine optimisation.
    Seo,
    /// Accessibility.
    Accessibility,
    /// Best practices.
    BestPractices,
    /// Security.
    Security,
}

impl Category {
    /// Every category, in report order.
    pub const ALL: [Category; 5] = [
        Category::Performance,
        Category::Seo,
        Category::Accessibility,
        Category::BestPractices,
        Category::Security,
    ];

    /// The snake_case name used in JSON and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Performance => "performance",
            Category::Seo => "seo",
            Category::Accessibility => "accessibility",
            Category::BestPractices => "best_practices",
            Category::Security => "security",
        }
    }

    /// The prefix of rule ids in this category (`best-practices`, not `best_practices`).
    pub fn rule_prefix(self) -> &'static str {
        match self {
            Category::BestPractices => "best-practices",
            other => other.as_str(),
        }
    }

    /// A human label.
    pub fn label(self) -> &'static str {
        match self {
            Category::Performance => "Performance",
            Category::Seo => "SEO",
            Category::Accessibility => "Accessibility",
            Category::BestPractices => "Best practices",
            Category::Security => "Security",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Category {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase().replace('-', "_");
        Category::ALL
            .into_iter()
            .find(|c| c.as_str() == wanted || (wanted == "a11y" && *c == Category::Accessibility))
            .ok_or_else(|| {
                format!(
                    "unknown category `{s}`; use one of performance, seo, accessibility, \
                     best_practices, security"
                )
            })
    }
}

/// How much a failing finding matters. Ordered from least to most severe.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth knowing; no direct harm.
    Info,
    /// A small loss of quality.
    Minor,
    /// A clear problem for some users, crawlers or attackers.
    Major,
    /// Blocks users or search engines, or exposes the site.
    Critical,
}

impl Severity {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Minor => "minor",
            Severity::Major => "major",
            Severity::Critical => "critical",
        }
    }

    /// Every severity from most to least severe.
    pub const DESCENDING: [Severity; 4] = [
        Severity::Critical,
        Severity::Major,
        Severity::Minor,
        Severity::Info,
    ];
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "info" => Ok(Severity::Info),
            "minor" => Ok(Severity::Minor),
            "major" => Ok(Severity::Major),
            "critical" => Ok(Severity::Critical),
            _ => Err(format!(
                "unknown severity `{s}`; use one of info, minor, major, critical"
            )),
        }
    }
}

/// Where an audit is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Stored, waiting for a worker.
    Queued,
    /// A worker is fetching and checking the target.
    Running,
    /// Finished; scores and findings are present.
    Completed,
    /// Could not be completed; `error_message` says why.
    Failed,
}

impl Status {
    /// The snake_case name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Queued => "queued",
            Status::Running => "running",
            Status::Completed => "completed",
            Status::Failed => "failed",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Status {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "queued" => Ok(Status::Queued),
            "running" => Ok(Status::Running),
            "completed" => Ok(Status::Completed),
            "failed" => Ok(Status::Failed),
            _ => Err(format!(
                "unknown status `{s}`; use one of queued, running, completed, failed"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for c in Category::ALL {
            assert_eq!(c.as_str().parse::<Category>().unwrap(), c);
            assert_eq!(serde_json::to_value(c).unwrap(), c.as_str());
        }
        assert_eq!(
            "best-practices".parse::<Category>().unwrap(),
            Category::BestPractices
        );
        assert!("speed".parse::<Category>().is_err());
        for s in Severity::DESCENDING {
            assert_eq!(s.as_str().parse::<Severity>().unwrap(), s);
        }
        assert!(Severity::Critical > Severity::Info);
    }
}
