//! The TLS client configuration, built once per process and shared by every [`Fetcher`].
//!
//! It is what reqwest's rustls backend builds by default (aws-lc-rs, TLS 1.2 and 1.3, the
//! platform's certificate verifier, ALPN `h2` then `http/1.1`), but loading the platform's root
//! certificates took a few milliseconds of CPU per client, more than auditing a page.
//!
//! [`Fetcher`]: super::Fetcher

use std::sync::{Arc, LazyLock};

use rustls::ClientConfig;
use rustls::crypto::CryptoProvider;

static CONFIG: LazyLock<Result<ClientConfig, String>> = LazyLock::new(build);

fn build() -> Result<ClientConfig, String> {
    let provider = CryptoProvider::get_default()
        .cloned()
        .unwrap_or_else(|| Arc::new(rustls::crypto::aws_lc_rs::default_provider()));
    let verifier = rustls_platform_verifier::Verifier::new(provider.clone())
        .map_err(|e| format!("could not load the platform's root certificates: {e}"))?;
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(rustls::ALL_VERSIONS)
        .map_err(|e| format!("could not configure TLS: {e}"))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

/// A copy of the shared configuration (cheap: its parts are reference-counted), or why it
/// could not be built.
pub fn client_config() -> Result<ClientConfig, String> {
    CONFIG.clone()
}
