//! The MCP prompts: `analyze_site` (a full analysis with a prioritised fix plan, starting from
//! the latest report when there is one) and `compare_trend` (why the scores moved between the
//! last audits).

use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{GetPromptResult, PromptMessage, Role};
use rmcp::service::RequestContext;
use rmcp::{RoleServer, prompt, prompt_router};

use super::WebauditMcp;
use super::shapes::{AnalyzeSiteArgs, CompareTrendArgs};
use crate::report::Status;
use crate::report::wording::counted;
use crate::service::normalise_url;
use crate::service::views::WORST_SHOWN;
use crate::store::{FindingFilter, ListFilter};

fn json(value: &impl serde::Serialize) -> String {
    serde_json::to_string_pretty(value).expect("prompt data serialises")
}

#[prompt_router(vis = "pub(crate)")]
impl WebauditMcp {
    /// Audit a site and write a prioritised fix plan from the findings.
    #[prompt(name = "analyze_site")]
    async fn analyze_site(
        &self,
        Parameters(args): Parameters<AnalyzeSiteArgs>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<GetPromptResult, rmcp::ErrorData> {
        let owner = self.owner(&ctx);
        let url = normalise_url(&args.url);
        let focus = args
            .focus
            .as_deref()
            .map(str::trim)
            .filter(|f| !f.is_empty())
            .map(|f| format!("\nFocus especially on: {f}. Mention other categories only where they are severe."))
            .unwrap_or_default();
        let latest = self
            .service
            .list(
                ListFilter {
                    owner: owner.clone(),
                    url: Some(url.clone()),
                    status: Some(Status::Completed),
                },
                1,
                None,
            )
            .await
            .ok()
            .and_then(|page| page.reports.into_iter().next());
        let mut messages = vec![PromptMessage::new_text(
            Role::User,
            format!(
                "Analyse the website {url} with the webaudit tools and give me a prioritised fix plan.\n\n\
                 1. Call start_audit with {{\"url\": \"{url}\", \"wait\": true}} to audit it (skip this if \
                 the report below is recent and nothing changed on the site since).\n\
                 2. Call get_recommendations with the report id to get the failing rules ranked by \
                 severity, then by the score points each fix gains per hour of work.\n\
                 3. Where you need detail, call get_report with detail \"full\" and a category.\n\
                 4. Write the plan: start with the scores (performance is a static estimate from HTML and \
                 headers, not a browser measurement) and the security grade; then the fixes in order, each \
                 with what is wrong, where (selectors or URLs), why it matters, how to fix it, the effort and \
                 the points it gains; group quick wins (under 30 minutes) first. Do not invent problems the \
                 tools did not report.{focus}"
            ),
        )];
        if let Some(row) = latest
            && let Ok((overview, _)) = self
                .service
                .overview(&owner, &row.id, FindingFilter::default(), WORST_SHOWN)
                .await
        {
            messages.push(PromptMessage::new_text(
                Role::User,
                format!(
                    "The latest report of this URL ({}, audited {}) as a starting point:\n\n```json\n{}\n```",
                    overview.report.id,
                    overview.report.created_at.format("%Y-%m-%d %H:%M UTC"),
                    json(&overview)
                ),
            ));
        }
        Ok(GetPromptResult::new(messages)
            .with_description(format!("Analyse {url} and write a prioritised fix plan")))
    }

    /// Explain how a URL's scores moved between its audits and why.
    #[prompt(name = "compare_trend")]
    async fn compare_trend(
        &self,
        Parameters(args): Parameters<CompareTrendArgs>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<GetPromptResult, rmcp::ErrorData> {
        let owner = self.owner(&ctx);
        let url = normalise_url(&args.url);
        let history = self
            .service
            .history(&owner, &url, 10)
            .await
            .map_err(|e| rmcp::ErrorData::internal_error(e.to_string(), None))?;
        let text = if history.len() < 2 {
            format!(
                "I want to understand how the webaudit scores of {url} changed over time, but it has \
                 {}; at least two are needed. Call start_audit with {{\"url\": \
                 \"{url}\", \"wait\": true}} to add one, then explain what the comparison shows.",
                counted(history.len(), "completed audit", "completed audits")
            )
        } else {
            let before_id = &history[history.len() - 2].id;
            let after_id = &history[history.len() - 1].id;
            let diff = match self.service.compare(&owner, before_id, after_id).await {
                Ok(comparison) => json(&comparison),
                Err(_) => "(the two reports could not be read)".into(),
            };
            format!(
                "Explain how the webaudit scores of {url} changed and why.\n\n\
                 Score history (oldest first; `changes` is the difference from the audit before):\n\
                 ```json\n{}\n```\n\n\
                 Findings between the last two audits ({before_id} → {after_id}), matched by fingerprint; \
                 `counts` gives (fixed, new, still open) before the lists were shortened:\n\
                 ```json\n{diff}\n```\n\n\
                 Say which changes moved each score, whether the trend is good, what regressed and what to \
                 fix next. Use get_recommendations with {after_id} for the fix steps.",
                json(&history)
            )
        };
        Ok(
            GetPromptResult::new(vec![PromptMessage::new_text(Role::User, text)])
                .with_description(format!("How the scores of {url} moved and why")),
        )
    }
}
