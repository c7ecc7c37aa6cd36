//! The Markdown rendering of a report, written as it goes. Texts are escaped so that a
//! Markdown renderer shows them instead of applying them: markup quoted in webaudit's own texts
//! (`<img>` in a fix) is shown as text, and texts that come from the audited pages (details,
//! URLs, error messages) cannot make links, images, emphasis or code either.

use std::fmt::Write as _;
use std::io::Write;

use super::{ExportError, FindingSource, Selection};
use crate::report::Recommendation;
use crate::report::wording::plural;
use crate::report::{Category, Outcome, PageReport, Report};

/// webaudit's own prose with the characters that start HTML escaped (`<center>` is shown, not
/// applied), except inside its code spans (`` `<html lang="en">` ``), which show their text as
/// it is.
fn text(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for (i, part) in raw.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        if i % 2 == 1 {
            out.push_str(part);
        } else {
            out.push_str(&escaped(part, ""));
        }
    }
    out
}

/// Text from an audited page: HTML and Markdown's link, emphasis and code characters escaped.
fn page_text(raw: &str) -> String {
    escaped(raw, "\\`*_[]")
}

/// `raw` with `&`, `<` and `>` as entities and each character of `also` behind a backslash.
fn escaped(raw: &str, also: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c if also.contains(c) => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// A table cell of page text, on one line, with `|` escaped.
fn cell(raw: &str) -> String {
    page_text(raw).replace('|', "\\|").replace('\n', " ")
}

/// A code span in a table cell with its text as it is, fenced by one backtick more than the
/// longest run of backticks in it.
fn code_cell(raw: &str) -> String {
    let longest = raw.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let inner = raw.replace('|', "\\|").replace('\n', " ");
    if longest > 0 {
        format!("{fence} {inner} {fence}")
    } else {
        format!("{fence}{inner}{fence}")
    }
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
    let audited = report.pages.iter().filter(|p| p.is_audited()).count();
    let others = report.pages.len() - audited;
    let mut pages = format!("- Pages audited: {audited}");
    if others > 0 {
        let _ = write!(
            pages,
            " (and {others} more {} checked but not audited as pages: errors, redirects or \
             other content)",
            plural(others, "URL", "URLs")
        );
    }
    writeln!(out, "{pages}")?;
    // The crawl's notes (stopped early, limits reached, sitemaps) travel with the start page.
    for note in report.pages.first().map_or(&[][..], |p| &p.notes[..]) {
        writeln!(out, "- Note: {}", page_text(note).replace('\n', " "))?;
    }
    if let Some(message) = &report.error_message {
        writeln!(out, "- Failed: {}", page_text(message))?;
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
                text(&r.title),
                r.rule_id,
                r.severity,
                text(&r.summary),
                r.gain.category_points,
                r.category.label(),
                r.gain.overall_points,
                r.estimated_minutes
            )?;
            writeln!(out, "   - Why: {}", text(&r.why))?;
            writeln!(out, "   - Fix: {}", text(&r.fix.summary))?;
            for step in &r.fix.steps {
                writeln!(out, "     - {}", text(step))?;
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
                    code_cell(place)
                },
                cell(e.detail.as_deref().unwrap_or_default())
            )
        })?;
        if !first {
            writeln!(out)?;
        }
    }
    write_pages(&report.pages, out)?;
    let passed = findings.count(Outcome::Pass)?;
    let not_applicable = findings.count(Outcome::NotApplicable)?;
    let review = findings.count(Outcome::Review)?;
    writeln!(
        out,
        "\n## Also checked\n\n{passed} rule results passed, {not_applicable} did not apply, {review} items need a person's review."
    )?;
    Ok(())
}

/// A page's cell in the pages table: its final URL, which its findings name, and the URL
/// requested when a redirect led there.
fn page_cell(page: &PageReport) -> String {
    if page.final_url.is_empty() || page.final_url == page.url {
        return cell(&page.url);
    }
    format!("{} (from {})", cell(&page.final_url), cell(&page.url))
}

/// The pages table: every page with its status and scores, or why it was not audited.
fn write_pages(pages: &[PageReport], out: &mut dyn Write) -> Result<(), ExportError> {
    if pages.is_empty() {
        return Ok(());
    }
    write!(out, "\n## Pages\n\n| Page | Status |")?;
    for c in Category::ALL {
        write!(out, " {} |", c.label())?;
    }
    write!(out, " Overall | Not audited because |\n|---|---|")?;
    for _ in Category::ALL {
        write!(out, "---|")?;
    }
    writeln!(out, "---|---|")?;
    for page in pages {
        // Status 0: no response arrived (the reason is in the last column).
        let status = match page.status {
            0 => "none".to_owned(),
            status => status.to_string(),
        };
        write!(out, "| {} | {status} |", page_cell(page))?;
        let scores = page.scores.unwrap_or_default();
        for c in Category::ALL {
            write!(out, " {} |", score_text(scores.get(c)))?;
        }
        let why = match (&page.scores, &page.error) {
            (Some(_), _) => String::new(),
            (None, Some(error)) => cell(error),
            (None, None) => "not an HTML page".to_owned(),
        };
        writeln!(out, " {} | {why} |", score_text(scores.overall))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Scores;
    use crate::store::tests::page_report;

    #[test]
    fn a_redirected_page_is_listed_under_its_final_url_and_where_it_came_from() {
        let scores = Scores {
            seo: Some(90),
            overall: Some(90),
            ..Scores::default()
        };
        let redirected = PageReport {
            final_url: "https://site.example/target".into(),
            ..page_report("https://site.example/redir1", scores)
        };
        let escaped = PageReport {
            final_url: "https://site.example/a|*b*".into(),
            ..page_report("https://site.example/[x]", scores)
        };
        let direct = page_report("https://site.example/", scores);
        let unanswered = PageReport {
            status: 0,
            scores: None,
            error: Some("https://site.example/loop redirects in a loop".into()),
            ..page_report("https://site.example/loop", scores)
        };
        let mut out = Vec::new();
        write_pages(&[direct, redirected, escaped, unanswered], &mut out).unwrap();
        let out = String::from_utf8(out).unwrap();
        let rows: Vec<&str> = out.lines().filter(|l| l.contains("site.example")).collect();
        assert_eq!(rows.len(), 4, "{out}");
        assert!(
            rows[3].starts_with("| https://site.example/loop | none |")
                && rows[3].ends_with("| https://site.example/loop redirects in a loop |"),
            "{out}"
        );
        assert!(
            rows[0].starts_with("| https://site.example/ | 200 |"),
            "{out}"
        );
        assert!(
            rows[1].starts_with(
                "| https://site.example/target (from https://site.example/redir1) | 200 |"
            ),
            "{out}"
        );
        assert!(
            rows[2].starts_with(
                "| https://site.example/a\\|\\*b\\* (from https://site.example/\\[x\\]) | 200 |"
            ),
            "{out}"
        );
    }

    #[test]
    fn code_spans_keep_backticks_and_page_text_cannot_link() {
        assert_eq!(code_cell("main > p"), "`main > p`");
        assert_eq!(code_cell("a`b"), "`` a`b ``");
        assert_eq!(code_cell("x | y"), "`x \\| y`");
        assert_eq!(
            page_text("![t](https://t.example/) *b* `c`"),
            "!\\[t\\](https://t.example/) \\*b\\* \\`c\\`"
        );
        // webaudit's own texts keep their code spans, with markup in them as it is.
        assert_eq!(text("use `alt` on <img>"), "use `alt` on &lt;img&gt;");
        assert_eq!(
            text("e.g. `<html lang=\"en\">` in <head>"),
            "e.g. `<html lang=\"en\">` in &lt;head&gt;"
        );
    }
}
