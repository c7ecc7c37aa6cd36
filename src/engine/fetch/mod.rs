//! The only HTTP client of webaudit: timeouts, redirects recorded hop by hop, body caps,
//! decompression, timings, and the address guard that keeps audits off private networks.
//!
//! # Layout
//! - [`settings`] — named limits and their defaults.
//! - [`guard`] — the address policy (which URLs and IPs may be fetched).
//! - [`resolver`] — the DNS resolver that enforces the policy on resolved addresses.
//! - [`body`] — body reading under caps, with decompression.
//! - [`tls`] — the TLS configuration, built once per process.
//! - [`client`] — [`Fetcher`], [`Request`], [`Response`].
//! - [`error`] — [`FetchError`].

pub mod body;
pub mod client;
pub mod error;
pub mod guard;
pub mod resolver;
pub mod settings;
pub mod tls;

pub use body::{Body, BodyLimits};
pub use client::{Fetcher, RedirectFilter, Request, Response, media_type, millis};
pub use error::FetchError;
pub use guard::{AddressPolicy, Refusal};
pub use settings::FetchSettings;
