//! webaudit: a website auditor for AI assistants, CI jobs and people at a terminal.
//!
//! It fetches pages itself (no browser), runs a catalogue of rules in five categories
//! (performance, SEO, accessibility, best practices, security), scores them 0–100 and keeps
//! every report in an embedded SQLite store. See `DESIGN.md` in the shared folder for the map;
//! the modules below follow it:
//!
//! - [`report`] — the vocabulary and JSON contract.
//! - [`engine`] — fetching, parsing, rules, scoring.
//! - [`store`] — SQLite persistence.
//! - [`jobs`] — the audit queue and worker pool.
//! - [`mcp`] — the MCP server (tools, prompts, resources).
//! - [`service`] — the application API every surface calls.
//! - [`export`] — renderings of a report (JSON, Markdown, text).
//! - [`cli`] — the `webaudit` command line.

pub mod cli;
pub mod engine;
pub mod export;
pub mod http;
pub mod jobs;
pub mod mcp;
pub mod report;
pub mod service;
pub mod store;
