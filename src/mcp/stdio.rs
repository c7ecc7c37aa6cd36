//! Serving the MCP server on stdin/stdout. stdout carries only the protocol; logs go to
//! stderr through `tracing`.

use rmcp::ServiceExt;

use super::WebauditMcp;
use crate::service::Service;

/// Serves until the client closes stdin.
pub async fn serve(service: Service) -> anyhow::Result<()> {
    let running = WebauditMcp::new(service.clone())
        .serve(rmcp::transport::stdio())
        .await?;
    tracing::info!("MCP server running on stdio");
    let quit = running.waiting().await;
    service.shutdown();
    quit?;
    Ok(())
}
