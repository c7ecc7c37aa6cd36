//! The operations behind the MCP tools, independent of the transport: argument checks and
//! answer shaping shared by the MCP tools and the REST API, so both answer the same way.

use crate::report::{Category, Outcome, ReportId, Severity, Status};
use crate::service::views::{FindingBrief, WORST_SHOWN};
use crate::service::{Service, ServiceError, normalise_url};
use crate::store::{FindingFilter, ListFilter, ReportSummary};

use super::shapes::*;

/// Why a call failed; each kind maps to an HTTP status in the REST API.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallError {
    /// An argument is out of range or malformed (400).
    #[error("{0}")]
    BadRequest(String),
    /// The URL is not auditable or the address policy refuses it (422).
    #[error("{0}")]
    InvalidUrl(String),
    /// No such report for this caller (404).
    #[error("{0}")]
    NotFound(String),
    /// Too many requests (429); the number of seconds to wait.
    #[error("{0}")]
    RateLimited(String, u64),
    /// Something broke on our side (500).
    #[error("{0}")]
    Internal(String),
}

impl From<ServiceError> for CallError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::NotFound(_) => CallError::NotFound(e.to_string()),
            ServiceError::Invalid(m) => CallError::BadRequest(m),
            ServiceError::InvalidUrl(m) | ServiceError::Refused(m) => CallError::InvalidUrl(m),
            other => CallError::Internal(other.to_string()),
        }
    }
}

/// Parses a report id.
pub fn parse_id(input: &str) -> Result<ReportId, CallError> {
    input.parse::<ReportId>().map_err(|_| {
        CallError::BadRequest(format!(
            "`{input}` is not a report id; ids look like rpt_01JD3Z5K8X9V2M4N6P7Q8R9S0T. Call \
             list_reports to see the available reports."
        ))
    })
}

/// A number argument within 1..=max, or the default.
pub fn bounded(name: &str, value: Option<u32>, default: u32, max: u32) -> Result<u32, CallError> {
    match value {
        None => Ok(default),
        Some(v) if (1..=max).contains(&v) => Ok(v),
        Some(v) => Err(CallError::BadRequest(format!(
            "`{name}` must be between 1 and {max} (got {v}); leave it out for the default {default}"
        ))),
    }
}

fn parse_category(input: Option<&str>) -> Result<Option<Category>, CallError> {
    input
        .map(str::parse::<Category>)
        .transpose()
        .map_err(CallError::BadRequest)
}

fn parse_severity(input: Option<&str>) -> Result<Option<Severity>, CallError> {
    input
        .map(str::parse::<Severity>)
        .transpose()
        .map_err(CallError::BadRequest)
}

fn parse_offset(cursor: Option<&str>) -> Result<usize, CallError> {
    cursor.map_or(Ok(0), |c| {
        c.parse::<usize>().map_err(|_| {
            CallError::BadRequest(format!(
                "`{c}` is not a cursor of this call; pass the `next_cursor` it returned"
            ))
        })
    })
}

/// The resource URI of a report.
pub fn report_uri(id: &ReportId) -> String {
    format!("webaudit://reports/{id}")
}

/// Queues an audit (the `start_audit` tool without waiting; `POST /audits`).
pub async fn start_audit(
    service: &Service,
    owner: &str,
    url: &str,
    max_pages: Option<u32>,
) -> Result<ReportSummary, CallError> {
    let max_pages = bounded("max_pages", max_pages, 1, MAX_PAGES_LIMIT)?;
    Ok(service
        .start_audit(owner, url, Some(max_pages as usize))
        .await?)
}

/// `list_reports`.
pub async fn list_reports(
    service: &Service,
    owner: &str,
    args: ListReportsArgs,
) -> Result<ReportListOutput, CallError> {
    let limit = bounded("limit", args.limit, LIST_DEFAULT, LIST_MAX)?;
    let cursor = args
        .cursor
        .as_deref()
        .map(parse_id)
        .transpose()
        .map_err(|_| {
            CallError::BadRequest(
                "`cursor` must be the `next_cursor` returned by the previous list_reports call"
                    .into(),
            )
        })?;
    let filter = ListFilter {
        owner: owner.to_owned(),
        url: args.url.as_deref().map(normalise_url),
        status: args.status,
    };
    let page = service.list(filter, limit as usize, cursor).await?;
    Ok(ReportListOutput {
        reports: page.reports,
        next_cursor: page.next_cursor,
    })
}

/// `get_report`.
pub async fn get_report(
    service: &Service,
    owner: &str,
    args: GetReportArgs,
) -> Result<GetReportOutput, CallError> {
    let id = parse_id(&args.id)?;
    let detail = args.detail.unwrap_or_default();
    let category = parse_category(args.category.as_deref())?;
    let min_severity = parse_severity(args.min_severity.as_deref())?;
    let limit = bounded(
        "limit",
        args.limit,
        FINDINGS_PAGE_DEFAULT,
        FINDINGS_PAGE_MAX,
    )?;
    let offset = parse_offset(args.cursor.as_deref())?;
    let filter = FindingFilter {
        category,
        min_severity,
        outcomes: Vec::new(),
    };
    let (overview, failing_matching) = service
        .overview(owner, &id, filter.clone(), WORST_SHOWN)
        .await?;
    let (findings, total_matching, next_cursor) = match detail {
        Detail::Summary => (overview.worst.clone(), failing_matching, None),
        Detail::Full => {
            let filter = FindingFilter {
                outcomes: if args.include_passed.unwrap_or(false) {
                    Vec::new()
                } else {
                    vec![Outcome::Fail]
                },
                ..filter
            };
            let (page, total) = service
                .findings(owner, &id, filter, limit as usize, offset)
                .await?;
            let next = (offset + page.len() < total).then(|| (offset + page.len()).to_string());
            (page.iter().map(FindingBrief::of).collect(), total, next)
        }
    };
    Ok(GetReportOutput {
        resource_uri: report_uri(&overview.report.id),
        report: overview.report,
        failing: overview.failing,
        detail,
        findings,
        total_matching,
        next_cursor,
    })
}

/// `get_recommendations`.
pub async fn get_recommendations(
    service: &Service,
    owner: &str,
    args: GetRecommendationsArgs,
) -> Result<RecommendationsOutput, CallError> {
    let id = parse_id(&args.id)?;
    let limit = bounded(
        "limit",
        args.limit,
        RECOMMENDATIONS_DEFAULT,
        RECOMMENDATIONS_MAX,
    )?;
    let category = parse_category(args.category.as_deref())?;
    let (summary, mut recs) = service.recommendations(owner, &id, category).await?;
    if summary.status != Status::Completed {
        return Err(CallError::BadRequest(format!(
            "report {id} is {}; recommendations exist once it is completed{}",
            summary.status,
            summary
                .error_message
                .map(|m| format!(" (it failed: {m})"))
                .unwrap_or_default()
        )));
    }
    let total = recs.len();
    recs.truncate(limit as usize);
    Ok(RecommendationsOutput {
        id: summary.id,
        url: summary.url,
        scores: summary.scores,
        total,
        recommendations: recs,
    })
}

/// `get_site_history`.
pub async fn get_site_history(
    service: &Service,
    owner: &str,
    args: GetSiteHistoryArgs,
) -> Result<HistoryOutput, CallError> {
    let limit = bounded("limit", args.limit, HISTORY_DEFAULT, HISTORY_MAX)?;
    let entries = service.history(owner, &args.url, limit as usize).await?;
    Ok(HistoryOutput {
        url: normalise_url(&args.url),
        entries,
    })
}

/// `delete_report`.
pub async fn delete_report(
    service: &Service,
    owner: &str,
    args: DeleteReportArgs,
) -> Result<DeleteOutput, CallError> {
    let id = parse_id(&args.id)?;
    service.delete(owner, &id).await?;
    Ok(DeleteOutput { id, deleted: true })
}
