//! The MCP tools: `start_audit`, `list_reports`, `get_report`, `get_recommendations`,
//! `get_site_history`, `delete_report`. Failures a model can act on come back as tool errors
//! (`isError: true`) whose text says what to do.

use std::time::Duration;

use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{ProgressNotificationParam, ProgressToken};
use rmcp::service::RequestContext;
use rmcp::{Json, RoleServer, tool, tool_router};

use super::WebauditMcp;
use super::shapes::*;
use crate::jobs::JobState;
use crate::report::{Category, Outcome, ReportId, Severity, Status};
use crate::service::views::{FindingBrief, WORST_SHOWN};
use crate::service::{ServiceError, WaitOutcome, normalise_url};
use crate::store::{FindingFilter, ListFilter};

fn err(e: ServiceError) -> String {
    e.to_string()
}

/// Parses a report id given to a tool.
pub fn parse_id(input: &str) -> Result<ReportId, String> {
    input.parse::<ReportId>().map_err(|_| {
        format!(
            "`{input}` is not a report id; ids look like rpt_01JD3Z5K8X9V2M4N6P7Q8R9S0T. Call \
             list_reports to see the available reports."
        )
    })
}

fn bounded(name: &str, value: Option<u32>, default: u32, max: u32) -> Result<u32, String> {
    match value {
        None => Ok(default),
        Some(v) if (1..=max).contains(&v) => Ok(v),
        Some(v) => Err(format!(
            "`{name}` must be between 1 and {max} (got {v}); leave it out for the default {default}"
        )),
    }
}

fn parse_category(input: Option<&str>) -> Result<Option<Category>, String> {
    input.map(str::parse::<Category>).transpose()
}

fn parse_severity(input: Option<&str>) -> Result<Option<Severity>, String> {
    input.map(str::parse::<Severity>).transpose()
}

fn parse_offset(cursor: Option<&str>) -> Result<usize, String> {
    cursor.map_or(Ok(0), |c| {
        c.parse::<usize>().map_err(|_| {
            format!("`{c}` is not a cursor of this tool; pass the `next_cursor` it returned")
        })
    })
}

/// The resource URI of a report.
pub fn report_uri(id: &ReportId) -> String {
    format!("webaudit://reports/{id}")
}

/// Sends strictly increasing progress notifications for one request.
struct ProgressSender {
    token: Option<ProgressToken>,
    peer: rmcp::Peer<RoleServer>,
    last: f64,
}

impl ProgressSender {
    async fn send(&mut self, state: &JobState) {
        let Some(token) = &self.token else { return };
        let (value, total, message) = match state {
            JobState::Queued => (0.0, None, "queued: waiting for a worker".to_owned()),
            JobState::Running(event) => {
                let total = event.pages_total.max(1) as f64;
                let phase = match event.phase {
                    crate::engine::progress::Phase::Starting => 1.0,
                    crate::engine::progress::Phase::FetchingDocument => 2.0,
                    crate::engine::progress::Phase::FetchingSubresources => 3.0,
                    crate::engine::progress::Phase::CheckingRules => 4.0,
                    crate::engine::progress::Phase::Crawling
                    | crate::engine::progress::Phase::Done => 5.0,
                };
                // Five steps per page; pages_done counts finished pages.
                let value = event.pages_done as f64 * 5.0 + phase;
                let message = format!(
                    "{}: {} (pages {}/{})",
                    event.phase.label(),
                    event.message,
                    event.pages_done,
                    event.pages_total
                );
                (value, Some(total * 5.0), message)
            }
            JobState::Finished(_) => return,
        };
        if value <= self.last && self.last > 0.0 {
            return;
        }
        self.last = value;
        let mut param = ProgressNotificationParam::new(token.clone(), value).with_message(message);
        if let Some(total) = total {
            param = param.with_total(total);
        }
        let _ = self.peer.notify_progress(param).await;
    }
}

#[tool_router(vis = "pub(crate)")]
impl WebauditMcp {
    /// Audit a web page for performance, SEO, accessibility, best practices and security (no
    /// browser needed) and store the report. Returns the report id at once; with `wait: true`
    /// it waits for the result (sending progress notifications) and returns the scores and the
    /// worst problems. Then call get_recommendations for what to fix first.
    #[tool(annotations(
        title = "Start an audit",
        read_only_hint = false,
        destructive_hint = false,
        idempotent_hint = false,
        open_world_hint = true
    ))]
    async fn start_audit(
        &self,
        Parameters(args): Parameters<StartAuditArgs>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<Json<StartAuditOutput>, String> {
        let owner = self.owner(&ctx);
        let max_pages = bounded("max_pages", args.max_pages, 1, MAX_PAGES_LIMIT)?;
        let timeout = bounded(
            "timeout_seconds",
            args.timeout_seconds,
            DEFAULT_WAIT_SECONDS,
            MAX_WAIT_SECONDS,
        )?;
        let summary = self
            .service
            .start_audit(&owner, &args.url, Some(max_pages as usize))
            .await
            .map_err(err)?;
        if !args.wait.unwrap_or(false) {
            return Ok(Json(StartAuditOutput {
                message: format!(
                    "Audit queued. Call get_report with id {} in a few seconds, or call \
                     start_audit with wait: true next time to wait for it.",
                    summary.id
                ),
                id: summary.id,
                url: summary.url,
                status: summary.status,
                created_at: summary.created_at,
                error_message: None,
                summary: None,
            }));
        }
        // Progress goes through a channel to a task that sends the notifications, which is
        // awaited before answering: no progress is sent after the result.
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<JobState>();
        let mut progress = ProgressSender {
            token: ctx.meta.get_progress_token(),
            peer: ctx.peer.clone(),
            last: -1.0,
        };
        let sender = tokio::spawn(async move {
            while let Some(state) = rx.recv().await {
                progress.send(&state).await;
            }
        });
        let on_progress = move |state: &JobState| {
            let _ = tx.send(state.clone());
        };
        let outcome = self
            .service
            .wait(
                &owner,
                &summary.id,
                Duration::from_secs(u64::from(timeout)),
                &ctx.ct,
                &on_progress,
            )
            .await;
        drop(on_progress);
        let _ = sender.await;
        let outcome = outcome.map_err(err)?;
        let row = match outcome {
            WaitOutcome::Finished(row) => row,
            WaitOutcome::TimedOut(row) => {
                return Ok(Json(StartAuditOutput {
                    message: format!(
                        "Still {} after {timeout} s; the audit goes on. Call get_report with id \
                         {} later.",
                        row.status, row.id
                    ),
                    id: row.id,
                    url: row.url,
                    status: row.status,
                    created_at: row.created_at,
                    error_message: None,
                    summary: None,
                }));
            }
            WaitOutcome::Cancelled => {
                return Err(format!(
                    "cancelled while waiting; the audit {} goes on and will be stored",
                    summary.id
                ));
            }
        };
        if row.status == Status::Failed {
            return Ok(Json(StartAuditOutput {
                message:
                    "The audit failed; see error_message. Fix the cause and start a new audit."
                        .into(),
                error_message: row.error_message.clone(),
                id: row.id,
                url: row.url,
                status: row.status,
                created_at: row.created_at,
                summary: None,
            }));
        }
        let (summary, _) = self
            .service
            .overview(&owner, &row.id, FindingFilter::default(), WORST_SHOWN)
            .await
            .map_err(err)?;
        Ok(Json(StartAuditOutput {
            message: "Audit completed. Call get_recommendations for what to fix first, or \
                      get_report with detail: \"full\" for every failing finding."
                .into(),
            id: row.id,
            url: row.url,
            status: row.status,
            created_at: row.created_at,
            error_message: None,
            summary: Some(summary),
        }))
    }

    /// List stored audit reports, newest first, with their scores. Filter by URL or status;
    /// page with `cursor`.
    #[tool(annotations(
        title = "List reports",
        read_only_hint = true,
        idempotent_hint = true,
        open_world_hint = false
    ))]
    async fn list_reports(
        &self,
        Parameters(args): Parameters<ListReportsArgs>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<Json<ReportListOutput>, String> {
        let limit = bounded("limit", args.limit, LIST_DEFAULT, LIST_MAX)?;
        let cursor = args
            .cursor
            .as_deref()
            .map(parse_id)
            .transpose()
            .map_err(|_| {
                "`cursor` must be the `next_cursor` returned by the previous list_reports call"
                    .to_owned()
            })?;
        let filter = ListFilter {
            owner: self.owner(&ctx),
            url: args.url.as_deref().map(normalise_url),
            status: args.status,
        };
        let page = self
            .service
            .list(filter, limit as usize, cursor)
            .await
            .map_err(err)?;
        Ok(Json(ReportListOutput {
            reports: page.reports,
            next_cursor: page.next_cursor,
        }))
    }

    /// Read a report: by default its scores, counts of failing findings and the 10 worst
    /// problems; with `detail: "full"` every failing finding, paged (passed ones with
    /// `include_passed`). Filter by category and minimum severity.
    #[tool(annotations(
        title = "Get a report",
        read_only_hint = true,
        idempotent_hint = true,
        open_world_hint = false
    ))]
    async fn get_report(
        &self,
        Parameters(args): Parameters<GetReportArgs>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<Json<GetReportOutput>, String> {
        let owner = self.owner(&ctx);
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
        let (overview, failing_matching) = self
            .service
            .overview(&owner, &id, filter.clone(), WORST_SHOWN)
            .await
            .map_err(err)?;
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
                let (page, total) = self
                    .service
                    .findings(&owner, &id, filter, limit as usize, offset)
                    .await
                    .map_err(err)?;
                let next = (offset + page.len() < total).then(|| (offset + page.len()).to_string());
                (page.iter().map(FindingBrief::of).collect(), total, next)
            }
        };
        Ok(Json(GetReportOutput {
            resource_uri: report_uri(&overview.id),
            id: overview.id,
            url: overview.url,
            status: overview.status,
            created_at: overview.created_at,
            completed_at: overview.completed_at,
            error_message: overview.error_message,
            scores: overview.scores,
            security_grade: overview.security_grade,
            pages: overview.pages as u64,
            failing: overview.failing,
            detail,
            findings,
            total_matching,
            next_cursor,
        }))
    }

    /// What to fix first: failing rules grouped with where they occur, why they matter, the
    /// fix steps, the estimated effort, and the exact score points each fix gains (computed by
    /// re-scoring the report without it), ranked by points per hour of work.
    #[tool(annotations(
        title = "Get recommendations",
        read_only_hint = true,
        idempotent_hint = true,
        open_world_hint = false
    ))]
    async fn get_recommendations(
        &self,
        Parameters(args): Parameters<GetRecommendationsArgs>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<Json<RecommendationsOutput>, String> {
        let owner = self.owner(&ctx);
        let id = parse_id(&args.id)?;
        let limit = bounded(
            "limit",
            args.limit,
            RECOMMENDATIONS_DEFAULT,
            RECOMMENDATIONS_MAX,
        )?;
        let category = parse_category(args.category.as_deref())?;
        let (summary, mut recs) = self
            .service
            .recommendations(&owner, &id, category)
            .await
            .map_err(err)?;
        if summary.status != Status::Completed {
            return Err(format!(
                "report {id} is {}; recommendations exist once it is completed{}",
                summary.status,
                summary
                    .error_message
                    .map(|m| format!(" (it failed: {m})"))
                    .unwrap_or_default()
            ));
        }
        let total = recs.len();
        recs.truncate(limit as usize);
        Ok(Json(RecommendationsOutput {
            id: summary.id,
            url: summary.url,
            scores: summary.scores,
            total,
            recommendations: recs,
        }))
    }

    /// Score history of a URL (or, when it has none, of its site): the latest completed
    /// audits, oldest first, each with its scores and their change since the audit before.
    #[tool(annotations(
        title = "Get site history",
        read_only_hint = true,
        idempotent_hint = true,
        open_world_hint = false
    ))]
    async fn get_site_history(
        &self,
        Parameters(args): Parameters<GetSiteHistoryArgs>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<Json<HistoryOutput>, String> {
        let limit = bounded("limit", args.limit, HISTORY_DEFAULT, HISTORY_MAX)?;
        let entries = self
            .service
            .history(&self.owner(&ctx), &args.url, limit as usize)
            .await
            .map_err(err)?;
        Ok(Json(HistoryOutput {
            url: normalise_url(&args.url),
            entries,
        }))
    }

    /// Delete a report and all its findings. This cannot be undone.
    #[tool(annotations(
        title = "Delete a report",
        read_only_hint = false,
        destructive_hint = true,
        idempotent_hint = true,
        open_world_hint = false
    ))]
    async fn delete_report(
        &self,
        Parameters(args): Parameters<DeleteReportArgs>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<Json<DeleteOutput>, String> {
        let id = parse_id(&args.id)?;
        self.service
            .delete(&self.owner(&ctx), &id)
            .await
            .map_err(err)?;
        Ok(Json(DeleteOutput { id, deleted: true }))
    }
}
