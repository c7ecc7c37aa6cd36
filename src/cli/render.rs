//! Terminal rendering: scores with coloured bars, what to fix first, where the report is stored.
//! Colours go through `anstream`, which strips them when stdout is not a terminal or
//! `NO_COLOR` is set.

use std::fmt::Write as _;

use anstyle::{AnsiColor, Style};

use super::display::display_url;
use crate::report::{Category, PageReport, Scores};
use crate::report::{Recommendation, wording};
use crate::service::views::ReportOverview;
use crate::store::ReportSummary;

const BAR_WIDTH: usize = 20;
/// How many URLs that were not audited as pages the text summary lists.
const NOT_AUDITED_SHOWN: usize = 5;
/// How many recommendations the text summary shows.
pub const FIXES_SHOWN: usize = 5;

/// Shown under the scores of a local folder: its response headers are webaudit's own.
const LOCAL_FOLDER_NOTE: &str = "Local folder: security and HTTPS checks cover its HTML only (headers, TLS\n  \
    and redirects belong to the server); audit the deployed URL for the full grade.";

const BOLD: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();

fn colour_for(score: u8) -> Style {
    // Lighthouse's bands: 90–100 good, 50–89 needs improvement, 0–49 poor.
    let colour = match score {
        90..=100 => AnsiColor::Green,
        50..=89 => AnsiColor::Yellow,
        _ => AnsiColor::Red,
    };
    Style::new().fg_color(Some(colour.into()))
}

/// A page's URL as the summary shows it: its path on the site of the report at `report_url`
/// (for a folder, the path under the folder), or the whole URL when it is elsewhere.
fn shown_url(url: &str, report_url: &str) -> String {
    if report_url.starts_with("file:")
        && let Some(under) = display_url(url).strip_prefix(&display_url(report_url))
    {
        return format!("/{under}");
    }
    match (url::Url::parse(url), url::Url::parse(report_url)) {
        (Ok(page), Ok(report)) if page.origin() == report.origin() => {
            page[url::Position::BeforePath..].to_owned()
        }
        _ => url.to_owned(),
    }
}

fn paint(style: Style, text: impl std::fmt::Display) -> String {
    format!("{style}{text}{style:#}")
}

fn bar(score: Option<u8>) -> String {
    match score {
        None => format!("{}  n/a", paint(DIM, "·".repeat(BAR_WIDTH))),
        Some(s) => {
            let filled = (usize::from(s) * BAR_WIDTH + 50) / 100;
            let style = colour_for(s);
            format!(
                "{}{} {}",
                paint(style, "█".repeat(filled)),
                paint(DIM, "░".repeat(BAR_WIDTH - filled)),
                paint(style.bold(), format!("{s:>3}"))
            )
        }
    }
}

/// The score block.
pub fn scores(out: &mut String, scores: &Scores, grade: Option<&str>) {
    for category in Category::ALL {
        let mut label = category.label().to_owned();
        if category == Category::Performance {
            label.push('*');
        }
        let _ = write!(out, "  {label:<16}{}", bar(scores.get(category)));
        if category == Category::Security
            && let Some(grade) = grade
        {
            let _ = write!(out, "  grade {}", paint(BOLD, grade));
        }
        out.push('\n');
    }
    let _ = writeln!(out, "  {:<16}{}", "Overall", bar(scores.overall));
    let _ = writeln!(
        out,
        "  {}",
        paint(
            DIM,
            "* static estimate from the HTML and headers, not a browser measurement"
        )
    );
}

/// The recommendations block.
pub fn fixes(out: &mut String, recommendations: &[Recommendation], report_url: &str) {
    if recommendations.is_empty() {
        let _ = writeln!(out, "\n{}", paint(BOLD, "Nothing failed. Well done."));
        return;
    }
    let _ = writeln!(
        out,
        "\n{} ({} of {} rules failing)",
        paint(BOLD, "Fix first"),
        recommendations.len().min(FIXES_SHOWN),
        recommendations.len()
    );
    for r in recommendations.iter().take(FIXES_SHOWN) {
        let severity = match r.severity {
            crate::report::Severity::Critical | crate::report::Severity::Major => {
                Style::new().fg_color(Some(AnsiColor::Red.into()))
            }
            crate::report::Severity::Minor => Style::new().fg_color(Some(AnsiColor::Yellow.into())),
            crate::report::Severity::Info => DIM,
        };
        let _ = writeln!(
            out,
            "\n {:>2}. {} {}  {}",
            r.rank,
            paint(severity, format!("[{}]", r.severity)),
            paint(BOLD, &r.title),
            paint(DIM, &r.rule_id)
        );
        let mut gain = format!("+{} {}", r.gain.category_points, r.category.label());
        if r.gain.overall_points != 0 {
            let _ = write!(gain, ", +{} overall", r.gain.overall_points);
        }
        let _ = writeln!(
            out,
            "     {} · {} · ~{} min",
            r.summary, gain, r.estimated_minutes
        );
        for place in r.places.iter().take(3) {
            let page = shown_url(&place.page_url, report_url);
            let location = match (&place.selector, &place.url) {
                (Some(selector), _) => format!("{page} {selector}"),
                (None, Some(url)) if *url != place.page_url => {
                    format!("{page} → {}", shown_url(url, report_url))
                }
                _ => page,
            };
            let _ = write!(out, "     at {}", paint(DIM, location));
            if let Some(detail) = &place.detail {
                let _ = write!(out, " — {detail}");
            }
            out.push('\n');
        }
        let _ = writeln!(out, "     Fix: {}", r.fix.summary);
        for step in &r.fix.steps {
            let _ = writeln!(out, "       - {step}");
        }
    }
}

/// A report as the terminal summary.
pub fn report(
    overview: &ReportOverview,
    pages: &[PageReport],
    recommendations: &[Recommendation],
) -> String {
    let mut out = String::new();
    let (audited, not_audited): (Vec<&PageReport>, Vec<&PageReport>) =
        pages.iter().partition(|p| p.is_audited());
    let mut counted = format!(
        "{} audited",
        wording::counted(audited.len(), "page", "pages")
    );
    if !not_audited.is_empty() {
        let _ = write!(
            counted,
            ", {} more {} checked",
            not_audited.len(),
            wording::plural(not_audited.len(), "URL", "URLs")
        );
    }
    let _ = writeln!(
        out,
        "{} {}  {}",
        paint(BOLD, "webaudit"),
        display_url(&overview.report.url),
        paint(DIM, format!("({counted})"))
    );
    for page in pages.iter().take(1) {
        for note in &page.notes {
            let _ = writeln!(
                out,
                "  {} {note}",
                paint(
                    Style::new().fg_color(Some(AnsiColor::Yellow.into())),
                    "note:"
                )
            );
        }
    }
    out.push('\n');
    if let Some(s) = &overview.report.scores {
        scores(&mut out, s, overview.report.security_grade.as_deref());
        if overview.report.url.starts_with("file:") {
            let _ = writeln!(out, "  {}", paint(DIM, LOCAL_FOLDER_NOTE));
        }
    }
    if !not_audited.is_empty() {
        let _ = writeln!(
            out,
            "\n  Not audited as pages (errors, redirects or other content):"
        );
        for page in not_audited.iter().take(NOT_AUDITED_SHOWN) {
            let why = page
                .error
                .clone()
                .unwrap_or_else(|| match &page.content_type {
                    Some(kind) => format!("HTTP {}, {kind}", page.status),
                    None => format!("HTTP {}", page.status),
                });
            let _ = writeln!(
                out,
                "    {} {}",
                shown_url(&page.url, &overview.report.url),
                paint(DIM, format!("— {why}"))
            );
        }
        if not_audited.len() > NOT_AUDITED_SHOWN {
            let _ = writeln!(
                out,
                "    {}",
                paint(
                    DIM,
                    format!(
                        "and {} more (all of them: webaudit reports show {} --format json, \
                         under pages)",
                        not_audited.len() - NOT_AUDITED_SHOWN,
                        overview.report.id
                    )
                )
            );
        }
    }
    let f = &overview.failing;
    let mut counts: Vec<String> = crate::report::Severity::DESCENDING
        .iter()
        .filter_map(|s| f.by_severity.get(s).map(|n| format!("{n} {s}")))
        .collect();
    if f.needs_review > 0 {
        counts.push(format!("{} to review", f.needs_review));
    }
    if !counts.is_empty() {
        let _ = writeln!(
            out,
            "\n  {} failing findings: {}",
            f.total,
            counts.join(", ")
        );
    }
    fixes(&mut out, recommendations, &overview.report.url);
    out
}

/// What an empty listing says: no reports at all, or none matching the filters given.
pub fn empty_list(filtered: bool) -> &'static str {
    if filtered {
        "No reports match these filters; `webaudit reports list` without them lists every report.\n"
    } else {
        "No reports yet. Run `webaudit audit <URL|DIR>` to make one.\n"
    }
}

/// A listing as a table (see [`empty_list`] for an empty one).
pub fn report_list(rows: &[ReportSummary]) -> String {
    let mut out = format!(
        "{}\n",
        paint(
            BOLD,
            format!(
                "{:<30} {:<20} {:<9} {:>7}  URL",
                "ID", "CREATED (UTC)", "STATUS", "OVERALL"
            )
        )
    );
    for r in rows {
        let overall = r
            .scores
            .and_then(|s| s.overall)
            .map(|s| paint(colour_for(s), format!("{s:>7}")))
            .unwrap_or_else(|| format!("{:>7}", "-"));
        let _ = writeln!(
            out,
            "{:<30} {:<20} {:<9} {}  {}",
            r.id,
            r.created_at.format("%Y-%m-%d %H:%M:%S"),
            r.status,
            overall,
            r.url
        );
    }
    out
}

/// A listing as a Markdown table.
pub fn report_list_markdown(rows: &[ReportSummary]) -> String {
    let mut out =
        String::from("| id | created (UTC) | status | overall | url |\n|---|---|---|---:|---|\n");
    for r in rows {
        let overall = r
            .scores
            .and_then(|s| s.overall)
            .map_or_else(|| "-".to_owned(), |s| s.to_string());
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} |",
            r.id,
            r.created_at.format("%Y-%m-%d %H:%M:%S"),
            r.status,
            overall,
            r.url.replace('|', "\\|")
        );
    }
    out
}
