//! Shared test helpers: fixture HTTP servers on 127.0.0.1 (ephemeral ports), fixture files,
//! compression, and the built binary.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::PathBuf;

use axum::Router;
use tokio::io::AsyncReadExt;

/// A fixture server running until dropped.
pub struct FixtureServer {
    pub addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl FixtureServer {
    /// Serves `router` on an ephemeral loopback port.
    pub async fn start(router: Router) -> FixtureServer {
        Self::start_on(0, router).await
    }

    /// Serves `router` on a given loopback port (0 for an ephemeral one).
    pub async fn start_on(port: u16, router: Router) -> FixtureServer {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            axum::serve(listener, router)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await
                .unwrap();
        });
        FixtureServer {
            addr,
            shutdown: Some(tx),
        }
    }

    /// An absolute URL on this server.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }
}

impl Drop for FixtureServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// A fixture server on its own runtime thread, for tests that run the binary (which blocks).
pub struct BackgroundServer {
    pub addr: SocketAddr,
    _runtime: tokio::runtime::Runtime,
    _server: FixtureServer,
}

impl BackgroundServer {
    /// Serves `router` on its own runtime.
    pub fn start(router: impl FnOnce() -> Router) -> BackgroundServer {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let router = router();
        let server = runtime.block_on(FixtureServer::start(router));
        BackgroundServer {
            addr: server.addr,
            _runtime: runtime,
            _server: server,
        }
    }

    /// An absolute URL on this server.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }
}

/// The path of a fixture file.
pub fn fixture_path(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(relative)
}

/// The text of a fixture file.
pub fn fixture(relative: &str) -> String {
    std::fs::read_to_string(fixture_path(relative)).unwrap()
}

/// The example site shipped with the project.
pub fn example_site() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/site")
}

/// gzip-compresses bytes.
pub async fn gzip(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    async_compression::tokio::bufread::GzipEncoder::new(data)
        .read_to_end(&mut out)
        .await
        .unwrap();
    out
}

/// Brotli-compresses bytes.
pub async fn brotli(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    async_compression::tokio::bufread::BrotliEncoder::new(data)
        .read_to_end(&mut out)
        .await
        .unwrap();
    out
}

/// A command running the built `webaudit` binary with a database in `db_dir`, isolated from
/// the user's environment.
pub fn webaudit(db_dir: &tempfile::TempDir) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::new(env!("CARGO_BIN_EXE_webaudit"));
    cmd.env_remove("WEBAUDIT_ALLOW_PRIVATE")
        .env_remove("WEBAUDIT_LOG")
        .env("NO_COLOR", "1")
        .env("WEBAUDIT_DB", db_dir.path().join("webaudit.db"));
    cmd
}
