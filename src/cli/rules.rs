//! `webaudit rules`: the rule catalogue as a text table, JSON or Markdown.

use std::fmt::Write as _;

use clap::{Args, ValueEnum};
use serde::Serialize;

use super::{CliError, exit, output};
use crate::engine::rules::{RuleInfo, all_rules};
use crate::report::{Category, Fix, References, Severity};

/// Output formats of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    /// An aligned table for the terminal.
    #[value(alias = "table")]
    Text,
    /// JSON.
    Json,
    /// A Markdown table.
    Markdown,
}

/// Arguments of `webaudit rules`.
#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = RulesFormat::Text)]
    pub format: RulesFormat,
    /// Only this category.
    #[arg(long)]
    pub category: Option<Category>,
}

/// A rule as printed.
#[derive(Debug, Serialize)]
struct RuleEntry {
    id: &'static str,
    category: Category,
    severity: Severity,
    weight: f64,
    title: &'static str,
    description: &'static str,
    fix: Fix,
    references: References,
}

fn references_text(r: &RuleInfo) -> String {
    let mut parts = Vec::new();
    if let Some(id) = r.refs.lighthouse {
        parts.push(format!("lighthouse:{id}"));
    }
    if let Some(id) = r.refs.axe {
        parts.push(format!("axe:{id}"));
    }
    if !r.refs.wcag.is_empty() {
        parts.push(format!("wcag:{}", r.refs.wcag.join("+")));
    }
    if let Some(id) = r.refs.observatory {
        parts.push(format!("observatory:{id}"));
    }
    parts.join(" ")
}

/// A weight as printed: at most two decimals, none for whole numbers (`3`, `0.5`, `4.04`).
fn weight_text(weight: f64) -> String {
    let rounded = format!("{weight:.2}");
    rounded
        .trim_end_matches('0')
        .trim_end_matches('.')
        .to_owned()
}

fn json(rules: &[&RuleInfo]) -> String {
    let entries: Vec<RuleEntry> = rules
        .iter()
        .map(|r| RuleEntry {
            id: r.id,
            category: r.category,
            severity: r.severity,
            weight: r.weight,
            title: r.title,
            description: r.description,
            fix: r.fix(),
            references: r.references(),
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&entries).expect("rules serialise");
    out.push('\n');
    out
}

fn markdown(rules: &[&RuleInfo]) -> String {
    let mut out = String::from(
        "| id | category | severity | weight | title | references |\n|---|---|---|---|---|---|\n",
    );
    for r in rules {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} | {} |",
            r.id,
            r.category,
            r.severity,
            weight_text(r.weight),
            r.title,
            references_text(r)
        );
    }
    out
}

fn table(rules: &[&RuleInfo]) -> String {
    let width = rules.iter().map(|r| r.id.len()).max().unwrap_or(2);
    let mut out = format!(
        "{:<width$}  {:<14}  {:<8}  {:>6}  REFERENCES\n",
        "ID", "CATEGORY", "SEVERITY", "WEIGHT"
    );
    for r in rules {
        let _ = writeln!(
            out,
            "{:<width$}  {:<14}  {:<8}  {:>6}  {}",
            r.id,
            r.category.as_str(),
            r.severity.as_str(),
            weight_text(r.weight),
            references_text(r)
        );
    }
    let _ = writeln!(out, "\n{} rules", rules.len());
    out
}

/// Runs `webaudit rules`.
pub fn run(args: RulesArgs) -> Result<u8, CliError> {
    let rules: Vec<&RuleInfo> = all_rules()
        .iter()
        .filter(|r| args.category.is_none_or(|c| r.category == c))
        .collect();
    let text = match args.format {
        RulesFormat::Json => json(&rules),
        RulesFormat::Markdown => markdown(&rules),
        RulesFormat::Text => table(&rules),
    };
    output::print(&text)?;
    Ok(exit::OK)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_have_at_most_two_decimals() {
        assert_eq!(weight_text(4.043478260869565), "4.04");
        assert_eq!(weight_text(3.0), "3");
        assert_eq!(weight_text(0.5), "0.5");
        assert_eq!(weight_text(0.0), "0");
        assert_eq!(weight_text(2.999), "3");
        for rule in all_rules() {
            let text = weight_text(rule.weight);
            let decimals = text.split_once('.').map_or(0, |(_, d)| d.len());
            assert!(decimals <= 2, "{}: {text}", rule.id);
        }
    }
}
