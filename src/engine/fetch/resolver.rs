//! The DNS resolver installed on the HTTP client: it resolves a host name and refuses the whole
//! lookup when any returned address is refused by the [`AddressPolicy`]. Because reqwest
//! connects to exactly the addresses this resolver returns, the address checked is the address
//! connected to, which also defeats DNS rebinding.

use std::net::SocketAddr;
use std::sync::Arc;

use futures::future::BoxFuture;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use super::guard::{AddressPolicy, Refusal};

/// Looks a host name up (the system resolver by default; tests substitute their own).
pub type Lookup = fn(String) -> BoxFuture<'static, std::io::Result<Vec<SocketAddr>>>;

/// The system resolver (getaddrinfo on a blocking thread).
pub fn system_lookup(host: String) -> BoxFuture<'static, std::io::Result<Vec<SocketAddr>>> {
    Box::pin(async move { Ok(tokio::net::lookup_host((host.as_str(), 0)).await?.collect()) })
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A resolver that enforces an [`AddressPolicy`] on every name it resolves.
#[derive(Debug, Clone)]
pub struct GuardedResolver {
    policy: Arc<AddressPolicy>,
    lookup: Lookup,
}

impl GuardedResolver {
    /// A resolver enforcing `policy` on the system resolver's answers.
    pub fn new(policy: Arc<AddressPolicy>) -> Self {
        Self::with_lookup(policy, system_lookup)
    }

    /// A resolver enforcing `policy` on the answers of `lookup`.
    pub fn with_lookup(policy: Arc<AddressPolicy>, lookup: Lookup) -> Self {
        GuardedResolver { policy, lookup }
    }

    /// Resolves `host` and checks every address; fails closed when any is refused.
    pub async fn resolve_checked(&self, host: String) -> Result<Vec<SocketAddr>, BoxError> {
        self.policy.check_name(&host)?;
        let addrs = (self.lookup)(host.clone()).await?;
        if addrs.is_empty() {
            return Err(Box::new(Refusal::NoAddresses(host)));
        }
        for addr in &addrs {
            self.policy.check_ip_any_port(addr.ip())?;
        }
        Ok(addrs)
    }
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let resolver = self.clone();
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let addrs = resolver.resolve_checked(host).await?;
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fake DNS: names map to fixed answers, as a hostile zone would give them.
    fn fake_dns(host: String) -> BoxFuture<'static, std::io::Result<Vec<SocketAddr>>> {
        let answer: &[&str] = match host.as_str() {
            "public.example" => &["93.184.215.14:0"],
            "rebind.example" => &["127.0.0.1:0"],
            "mixed.example" => &["93.184.215.14:0", "10.0.0.7:0"],
            "metadata.example" => &["169.254.169.254:0"],
            "mapped.example" => &["[::ffff:127.0.0.1]:0"],
            "v6-loopback.example" => &["[::1]:0"],
            _ => &[],
        };
        let addrs = answer.iter().map(|a| a.parse().unwrap()).collect();
        Box::pin(async move { Ok(addrs) })
    }

    async fn verdict(policy: AddressPolicy, host: &str) -> Result<Vec<SocketAddr>, String> {
        GuardedResolver::with_lookup(Arc::new(policy), fake_dns)
            .resolve_checked(host.to_owned())
            .await
            .map_err(|e| e.to_string())
    }

    #[tokio::test]
    async fn names_resolving_to_refused_addresses_are_refused() {
        let strict = AddressPolicy::public_only;
        assert!(verdict(strict(), "public.example").await.is_ok());
        for host in [
            "rebind.example",
            "mixed.example",
            "metadata.example",
            "mapped.example",
            "v6-loopback.example",
        ] {
            let err = verdict(strict(), host).await.unwrap_err();
            assert!(err.contains("refused address range"), "{host}: {err}");
        }
        let none = verdict(strict(), "nothing.example").await.unwrap_err();
        assert!(none.contains("did not resolve"), "{none}");
        let local = verdict(strict(), "localhost").await.unwrap_err();
        assert!(local.contains("internal name"), "{local}");
        // With private targets allowed, loopback names pass; metadata never does.
        let private = AddressPolicy::allow_private;
        assert!(verdict(private(), "rebind.example").await.is_ok());
        assert!(verdict(private(), "v6-loopback.example").await.is_ok());
        assert!(verdict(private(), "metadata.example").await.is_err());
    }
}
