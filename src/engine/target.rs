//! Audit targets: an http(s) URL, or a local directory that webaudit serves on an ephemeral
//! loopback port for the duration of the audit (so a static build can be audited before it is
//! deployed).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use axum::Router;
use tokio::sync::oneshot;
use tower_http::services::ServeDir;
use url::Url;

use super::fetch::guard::without_password;

/// What to audit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A web page.
    Url(Url),
    /// A directory of static files (absolute path).
    Directory(PathBuf),
}

/// Why a target was rejected.
#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    /// Neither an existing directory nor a URL.
    #[error(
        "`{input}` is neither a directory nor a URL ({reason}); give a URL such as \
         https://example.com/ or the path of a folder with index.html"
    )]
    Unrecognised {
        /// What was given.
        input: String,
        /// The URL parser's complaint.
        reason: String,
    },
    /// A bare host name without a scheme.
    #[error("`{input}` has no scheme; did you mean https://{input} ?")]
    MissingScheme {
        /// What was given.
        input: String,
    },
    /// A URL with a scheme other than http(s).
    #[error(
        "the scheme `{scheme}:` is not supported; webaudit audits http:// and https:// URLs and \
         local directories"
    )]
    Scheme {
        /// The scheme.
        scheme: String,
    },
    /// A directory without an `index.html`.
    #[error(
        "`{0}` has no index.html; give the folder of a built static site (the one that contains index.html)"
    )]
    NoIndex(String),
    /// A path (or `file:` URL) that does not exist.
    #[error(
        "no such directory: {0} (it does not exist); give the folder of a built static site, or a \
         URL such as https://example.com/"
    )]
    NoSuchDirectory(String),
    /// A path that is a file, not a directory.
    #[error(
        "`{0}` is a file; give the directory that contains it (webaudit serves it and audits its index.html)"
    )]
    NotADirectory(String),
    /// The loopback server could not start.
    #[error("could not serve the directory on 127.0.0.1: {0}")]
    Serve(#[source] std::io::Error),
}

impl Target {
    /// Interprets command-line or tool input: an existing directory, else an http(s) URL.
    pub fn parse(input: &str) -> Result<Target, TargetError> {
        let trimmed = input.trim();
        if !trimmed.contains("://") {
            let path = Path::new(trimmed);
            if path.exists() {
                return local_path(path, trimmed);
            }
            // `https:/example.com` is a URL with a typo, not a path (it parses as a URL).
            let url = matches!(read_url(trimmed), UrlReading::Web(_) | UrlReading::File(_));
            if looks_like_path(trimmed) && !url {
                return Err(TargetError::NoSuchDirectory(trimmed.to_owned()));
            }
        }
        match read_url(trimmed) {
            UrlReading::Web(url) => Ok(Target::Url(url)),
            UrlReading::File(url) => match url.to_file_path() {
                Ok(p) if p.exists() => local_path(&p, trimmed),
                _ => Err(TargetError::NoSuchDirectory(trimmed.to_owned())),
            },
            UrlReading::MissingScheme => Err(TargetError::MissingScheme {
                input: trimmed.to_owned(),
            }),
            UrlReading::OtherScheme(scheme) => Err(TargetError::Scheme { scheme }),
            UrlReading::NotAUrl(reason) => Err(TargetError::Unrecognised {
                input: trimmed.to_owned(),
                reason,
            }),
        }
    }

    /// The URL stored as the report's `url`: the URL itself (any password masked), or
    /// `file:///…/` for a directory.
    pub fn report_url(&self) -> String {
        match self {
            Target::Url(url) => without_password(url),
            Target::Directory(path) => Url::from_directory_path(path)
                .map(|u| u.to_string())
                .unwrap_or_else(|_| format!("file://{}", path.display())),
        }
    }
}

/// An existing path: a directory to serve, or a file (refused).
fn local_path(path: &Path, input: &str) -> Result<Target, TargetError> {
    if path.is_dir() {
        directory(path, input)
    } else {
        Err(TargetError::NotADirectory(input.to_owned()))
    }
}

fn directory(path: &Path, input: &str) -> Result<Target, TargetError> {
    let absolute = std::fs::canonicalize(path).map_err(TargetError::Serve)?;
    if !absolute.join("index.html").is_file() {
        return Err(TargetError::NoIndex(input.to_owned()));
    }
    Ok(Target::Directory(absolute))
}

/// Whether input without a scheme is meant as a path: it starts like one (`/`, `./`, `../`,
/// `~`) or has a path separator without looking like a host name (`example.com/blog` does).
fn looks_like_path(input: &str) -> bool {
    let starts_like_a_path = ["/", "./", "../", "~", ".\\", "..\\"]
        .iter()
        .any(|start| input.starts_with(start));
    starts_like_a_path || (input.contains(['/', '\\']) && !looks_like_host(input))
}

/// What a text is when read as a URL only, without looking at the disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlReading {
    /// An http(s) URL.
    Web(Url),
    /// A `file:` URL.
    File(Url),
    /// A host name without a scheme (`example.com/blog`).
    MissingScheme,
    /// A URL with a scheme other than http(s) and file.
    OtherScheme(String),
    /// Not a URL; the parser's complaint.
    NotAUrl(String),
}

/// Reads `input` (trimmed) as a URL only: the one reading the CLI and the MCP and HTTP
/// servers share (the servers must never look at their own disk).
pub fn read_url(input: &str) -> UrlReading {
    match Url::parse(input) {
        Ok(url) => match url.scheme() {
            "http" | "https" => UrlReading::Web(url),
            "file" => UrlReading::File(url),
            _ if url.cannot_be_a_base() && looks_like_host(input) => UrlReading::MissingScheme,
            other => UrlReading::OtherScheme(other.to_owned()),
        },
        Err(url::ParseError::RelativeUrlWithoutBase) if looks_like_host(input) => {
            UrlReading::MissingScheme
        }
        Err(e) => UrlReading::NotAUrl(e.to_string()),
    }
}

/// True when `input` begins with what looks like a host name (`example.com/…`), for the
/// missing-scheme hint.
fn looks_like_host(input: &str) -> bool {
    let host = input.split(['/', ':']).next().unwrap_or_default();
    (host.contains('.') || host.eq_ignore_ascii_case("localhost"))
        && !host.starts_with('.')
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
}

/// A directory served on 127.0.0.1 until dropped.
#[derive(Debug)]
pub struct LocalServer {
    addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
}

impl LocalServer {
    /// Serves `dir` on an ephemeral loopback port.
    pub async fn start(dir: &Path) -> Result<LocalServer, TargetError> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .map_err(TargetError::Serve)?;
        let addr = listener.local_addr().map_err(TargetError::Serve)?;
        let app = Router::new().fallback_service(ServeDir::new(dir));
        let (tx, rx) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let served = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
            if let Err(e) = served {
                tracing::warn!(error = %e, "local directory server stopped");
            }
        });
        Ok(LocalServer {
            addr,
            shutdown: Some(tx),
        })
    }

    /// The socket it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The URL of the directory's root.
    pub fn root_url(&self) -> Url {
        Url::parse(&format!("http://{}/", self.addr)).expect("loopback URL parses")
    }
}

impl Drop for LocalServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_targets_with_helpful_errors() {
        assert!(matches!(
            Target::parse("https://example.com/"),
            Ok(Target::Url(_))
        ));
        assert!(matches!(
            Target::parse("examples/site"),
            Ok(Target::Directory(_))
        ));
        assert!(matches!(Target::parse("src"), Err(TargetError::NoIndex(_))));
        assert!(matches!(
            Target::parse("example.com"),
            Err(TargetError::MissingScheme { .. })
        ));
        assert!(matches!(
            Target::parse("example.com/path"),
            Err(TargetError::MissingScheme { .. })
        ));
        assert!(matches!(
            Target::parse("localhost:3000"),
            Err(TargetError::MissingScheme { .. })
        ));
        assert!(matches!(
            Target::parse("ftp://example.com/"),
            Err(TargetError::Scheme { .. })
        ));
        assert!(matches!(
            Target::parse("Cargo.toml"),
            Err(TargetError::NotADirectory(_))
        ));
        assert!(matches!(
            Target::parse("not a url"),
            Err(TargetError::Unrecognised { .. })
        ));
        let dir = Target::parse("examples/site/").unwrap();
        assert!(dir.report_url().starts_with("file:///"));
        assert!(dir.report_url().ends_with("/examples/site/"));
    }

    #[test]
    fn missing_paths_are_named_as_missing_directories() {
        for input in [
            "/nonexistent/dir",
            "./nonexistent",
            "../nonexistent/site",
            "~/nonexistent",
            "nonexistent/dir",
            "file:///nonexistent/",
        ] {
            let err = Target::parse(input).unwrap_err();
            assert!(
                matches!(err, TargetError::NoSuchDirectory(_)),
                "{input}: {err:?}"
            );
            let message = err.to_string();
            assert!(
                message.starts_with(&format!("no such directory: {input} ")),
                "{message}"
            );
            assert!(message.contains("does not exist"), "{message}");
        }
        // Host names with a path still ask for a scheme, and existing files are files.
        assert!(matches!(
            Target::parse("example.com/blog"),
            Err(TargetError::MissingScheme { .. })
        ));
        // A URL with one slash too few is a URL (read as MCP reads it), not a path.
        assert_eq!(
            Target::parse("https:/example.com").unwrap(),
            Target::Url(Url::parse("https://example.com/").unwrap())
        );
        let cargo_toml = format!("file://{}/Cargo.toml", env!("CARGO_MANIFEST_DIR"));
        assert!(matches!(
            Target::parse(&cargo_toml),
            Err(TargetError::NotADirectory(_))
        ));
    }

    #[test]
    fn a_stored_url_never_holds_a_password() {
        let url = Url::parse("http://user:secret@example.com/page").unwrap();
        assert_eq!(
            Target::Url(url).report_url(),
            "http://user:***@example.com/page"
        );
        let plain = Url::parse("https://example.com/").unwrap();
        assert_eq!(Target::Url(plain).report_url(), "https://example.com/");
    }
}
