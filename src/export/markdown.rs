//! The Markdown rendering of a report, written as it goes.

use std::io::Write;

use super::{ExportError, FindingSource, Selection};
use crate::report::Recommendation;
use crate::report::{Category, Outcome, Report};

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn score_text(score: Option<u8>) -> String {
    score.map_or_else(|| "n/a".to_owned(), |s| s.to_string())
}

/// Writes the report as Markdown, with `recommendations` as "Fix first" and the findings of
/// `findings` (the report's own list is not read).
pub fn write_markdown(
    report: &Report,
    recommendations: &[Recommendation],
    findings: &dyn FindingSource,
    out: &mut dyn Write,
) -> Result<(), ExportError> {
    writeln!(out, "# webaudit report: {}\n", report.url)?;
    writeln!(
        out,
        "- Report `{}`, status **{}**, created {}{}",
        report.id,
        report.status,
        report.created_at.format("%Y-%m-%d %H:%M UTC"),
        report
            .completed_at
            .map(|t| format!(", completed {}", t.format("%Y-%m-%d %H:%M UTC")))
            .unwrap_or_default()
    )?;
    writeln!(out, "- Pages audited: {}", report.pages.len())?;
    if let Some(message) = &report.error_message {
        writeln!(out, "- Failed: {message}")?;
    }
    if let Some(scores) = &report.scores {
        writeln!(out, "\n## Scores\n\n| Category | Score |\n|---|---|")?;
        for c in Category::ALL {
            writeln!(out, "| {} | {} |", c.label(), score_text(scores.get(c)))?;
        }
        writeln!(out, "| **Overall** | **{}** |", score_text(scores.overall))?;
        if let Some(grade) = &report.security_grade {
            writeln!(
                out,
                "\nSecurity grade **{grade}** (Mozilla HTTP Observatory scoring, algorithm 5{}).",
                report
                    .observatory_score
                    .map(|s| format!(", score {s}"))
                    .unwrap_or_default()
            )?;
        }
        writeln!(
            out,
            "\nThe performance score is a static estimate from the HTML and response headers, not a browser measurement."
        )?;
    }
    if !recommendations.is_empty() {
        writeln!(out, "\n## Fix first\n")?;
        for r in recommendations {
            writeln!(
                out,
                "{}. **{}** (`{}`, {}) — {}; +{} {} points, +{} overall; about {} min.",
                r.rank,
                r.title,
                r.rule_id,
                r.severity,
                r.summary,
                r.gain.category_points,
                r.category.as_str(),
                r.gain.overall_points,
                r.estimated_minutes
            )?;
            writeln!(out, "   - Why: {}", r.why)?;
            writeln!(out, "   - Fix: {}", r.fix.summary)?;
            for step in &r.fix.steps {
                writeln!(out, "     - {step}")?;
            }
        }
    }
    let mut header_written = false;
    for c in Category::ALL {
        let selection = Selection {
            category: Some(c),
            ..Selection::FAILING
        };
        let mut first = true;
        findings.each(selection, &mut |f| {
            if !header_written {
                writeln!(out, "\n## Failing findings\n")?;
                header_written = true;
            }
            if first {
                writeln!(
                    out,
                    "### {}\n\n| Severity | Rule | Page | Where | Detail |\n|---|---|---|---|---|",
                    c.label()
                )?;
                first = false;
            }
            let e = &f.evidence;
            let place = e
                .selector
                .as_deref()
                .or(e.url.as_deref())
                .unwrap_or_default();
            writeln!(
                out,
                "| {} | `{}` | {} | {} | {} |",
                f.severity,
                f.rule_id,
                cell(&f.page_url),
                if place.is_empty() {
                    String::new()
                } else {
                    format!("`{}`", cell(place))
                },
                cell(e.detail.as_deref().unwrap_or_default())
            )
        })?;
        if !first {
            writeln!(out)?;
        }
    }
    let passed = findings.count(Outcome::Pass)?;
    let not_applicable = findings.count(Outcome::NotApplicable)?;
    let review = findings.count(Outcome::Review)?;
    writeln!(
        out,
        "\n## Also checked\n\n{passed} rule results passed, {not_applicable} did not apply, {review} items need a person's review."
    )?;
    Ok(())
}
