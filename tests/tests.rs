//! One integration-test binary (one link step), as ripgrep does: each module tests one surface
//! against real parts (loopback HTTP servers, SQLite files in temp dirs, the built binary).

mod cli;
mod common;
mod crash;
mod crawl;
mod engine;
mod hostile;
mod http;
mod mcp;
