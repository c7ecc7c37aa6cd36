//! The MCP tools: `start_audit`, `list_reports`, `get_report`, `get_recommendations`,
//! `get_site_history`, `delete_report`. Failures a model can act on come back as tool errors
//! (`isError: true`) whose text says what to do.

use std::time::Duration;

use rmcp::handler::server::wrapper::Parameters;
use rmcp::service::RequestContext;
use rmcp::{Json, RoleServer, tool, tool_router};

use super::WebauditMcp;
use super::calls::{self, CallError};
use super::progress;
use super::shapes::*;
use crate::jobs::JobState;
use crate::report::Status;
use crate::service::WaitOutcome;
use crate::service::views::WORST_SHOWN;
use crate::store::FindingFilter;

fn text(e: CallError) -> String {
    e.to_string()
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
        let principal = self.principal(&ctx);
        let owner = principal.owner.clone();
        let timeout = calls::bounded(
            "timeout_seconds",
            args.timeout_seconds,
            DEFAULT_WAIT_SECONDS,
            MAX_WAIT_SECONDS,
        )
        .map_err(text)?;
        if let Some(gate) = &self.start_gate {
            gate.check(&principal).map_err(text)?;
        }
        let summary = calls::start_audit(&self.service, &owner, &args.url, args.max_pages)
            .await
            .map_err(text)?;
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
        // Progress goes through a channel to a task that sends the notifications (throttled),
        // which is awaited before answering: no progress is sent after the result.
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel::<JobState>();
        let sender = tokio::spawn(progress::forward(
            rx,
            ctx.meta.get_progress_token(),
            ctx.peer.clone(),
        ));
        let finished = tx.clone();
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
        if let Ok(WaitOutcome::Finished(row)) = &outcome {
            let _ = finished.send(JobState::Finished(row.status));
        }
        drop(finished);
        let _ = sender.await;
        let outcome = outcome.map_err(|e| text(e.into()))?;
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
            .map_err(|e| text(e.into()))?;
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
        calls::list_reports(&self.service, &self.owner(&ctx), args)
            .await
            .map(Json)
            .map_err(text)
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
        calls::get_report(&self.service, &self.owner(&ctx), args)
            .await
            .map(Json)
            .map_err(text)
    }

    /// What to fix first: failing rules grouped with where they occur, why they matter, the
    /// fix steps, the estimated effort, and the exact score points each fix gains (computed by
    /// re-scoring the report without it), ranked by severity, then by points per hour of work.
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
        calls::get_recommendations(&self.service, &self.owner(&ctx), args)
            .await
            .map(Json)
            .map_err(text)
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
        calls::get_site_history(&self.service, &self.owner(&ctx), args)
            .await
            .map(Json)
            .map_err(text)
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
        calls::delete_report(&self.service, &self.owner(&ctx), args)
            .await
            .map(Json)
            .map_err(text)
    }
}
