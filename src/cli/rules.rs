//! `webaudit rules`: the rule catalogue as a table, JSON or Markdown.

use clap::{Args, ValueEnum};
use serde::Serialize;

use super::{CliError, exit};
use crate::engine::rules::{RuleInfo, all_rules};
use crate::report::{Category, Fix, References, Severity};

/// Output formats of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    /// An aligned table.
    Table,
    /// JSON.
    Json,
    /// A Markdown table.
    Markdown,
}

/// Arguments of `webaudit rules`.
#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = RulesFormat::Table)]
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

/// Runs `webaudit rules`.
pub fn run(args: RulesArgs) -> Result<u8, CliError> {
    let rules: Vec<&RuleInfo> = all_rules()
        .iter()
        .filter(|r| args.category.is_none_or(|c| r.category == c))
        .collect();
    match args.format {
        RulesFormat::Json => {
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
            println!(
                "{}",
                serde_json::to_string_pretty(&entries).expect("rules serialise")
            );
        }
        RulesFormat::Markdown => {
            println!("| id | category | severity | weight | title | references |");
            println!("|---|---|---|---|---|---|");
            for r in &rules {
                println!(
                    "| `{}` | {} | {} | {} | {} | {} |",
                    r.id,
                    r.category,
                    r.severity,
                    r.weight,
                    r.title,
                    references_text(r)
                );
            }
        }
        RulesFormat::Table => {
            let width = rules.iter().map(|r| r.id.len()).max().unwrap_or(2);
            println!(
                "{:<width$}  {:<14}  {:<8}  {:>6}  REFERENCES",
                "ID", "CATEGORY", "SEVERITY", "WEIGHT"
            );
            for r in &rules {
                println!(
                    "{:<width$}  {:<14}  {:<8}  {:>6}  {}",
                    r.id,
                    r.category.as_str(),
                    r.severity.as_str(),
                    r.weight,
                    references_text(r)
                );
            }
            println!("\n{} rules", rules.len());
        }
    }
    Ok(exit::OK)
}
