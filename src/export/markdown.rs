//! The Markdown rendering of a report.

use std::fmt::Write as _;

use crate::report::Recommendation;
use crate::report::{Category, Outcome, Report};

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn score_text(score: Option<u8>) -> String {
    score.map_or_else(|| "n/a".to_owned(), |s| s.to_string())
}

/// The report as Markdown, with `recommendations` as "Fix first".
pub fn markdown(report: &Report, recommendations: &[Recommendation]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# webaudit report: {}\n", report.url);
    let _ = writeln!(
        out,
        "- Report `{}`, status **{}**, created {}{}",
        report.id,
        report.status,
        report.created_at.format("%Y-%m-%d %H:%M UTC"),
        report
            .completed_at
            .map(|t| format!(", completed {}", t.format("%Y-%m-%d %H:%M UTC")))
            .unwrap_or_default()
    );
    let _ = writeln!(out, "- Pages audited: {}", report.pages.len());
    if let Some(message) = &report.error_message {
        let _ = writeln!(out, "- Failed: {message}");
    }
    if let Some(scores) = &report.scores {
        let _ = writeln!(out, "\n## Scores\n\n| Category | Score |\n|---|---|");
        for c in Category::ALL {
            let _ = writeln!(out, "| {} | {} |", c.label(), score_text(scores.get(c)));
        }
        let _ = writeln!(out, "| **Overall** | **{}** |", score_text(scores.overall));
        if let Some(grade) = &report.security_grade {
            let _ = writeln!(
                out,
                "\nSecurity grade **{grade}** (Mozilla HTTP Observatory scoring, algorithm 5{}).",
                report
                    .observatory_score
                    .map(|s| format!(", score {s}"))
                    .unwrap_or_default()
            );
        }
        let _ = writeln!(
            out,
            "\nThe performance score is a static estimate from the HTML and response headers, not a browser measurement."
        );
    }
    if !recommendations.is_empty() {
        let _ = writeln!(out, "\n## Fix first\n");
        for r in recommendations {
            let _ = writeln!(
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
            );
            let _ = writeln!(out, "   - Why: {}", r.why);
            let _ = writeln!(out, "   - Fix: {}", r.fix.summary);
            for step in &r.fix.steps {
                let _ = writeln!(out, "     - {step}");
            }
        }
    }
    let failing: Vec<_> = report.findings.iter().filter(|f| f.is_failure()).collect();
    if !failing.is_empty() {
        let _ = writeln!(out, "\n## Failing findings\n");
        for c in Category::ALL {
            let in_category: Vec<_> = failing.iter().filter(|f| f.category == c).collect();
            if in_category.is_empty() {
                continue;
            }
            let _ = writeln!(
                out,
                "### {}\n\n| Severity | Rule | Page | Where | Detail |\n|---|---|---|---|---|",
                c.label()
            );
            for f in in_category {
                let e = &f.evidence;
                let place = e
                    .selector
                    .as_deref()
                    .or(e.url.as_deref())
                    .unwrap_or_default();
                let _ = writeln!(
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
                );
            }
            out.push('\n');
        }
    }
    let passed = report
        .findings
        .iter()
        .filter(|f| f.outcome == Outcome::Pass)
        .count();
    let not_applicable = report
        .findings
        .iter()
        .filter(|f| f.outcome == Outcome::NotApplicable)
        .count();
    let review = report
        .findings
        .iter()
        .filter(|f| f.outcome == Outcome::Review)
        .count();
    let _ = writeln!(
        out,
        "\n## Also checked\n\n{passed} rule results passed, {not_applicable} did not apply, {review} items need a person's review."
    );
    out
}
