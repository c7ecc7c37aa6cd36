//! The DNS resolver installed on the HTTP client: it resolves a host name and refuses the whole
//! lookup when any returned address is refused by the [`AddressPolicy`]. Because reqwest
//! connects to exactly the addresses this resolver returns, the address checked is the address
//! connected to, which also defeats DNS rebinding.

use std::net::SocketAddr;
use std::sync::Arc;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use super::guard::{AddressPolicy, Refusal};

/// A resolver that enforces an [`AddressPolicy`] on every name it resolves.
#[derive(Debug, Clone)]
pub struct GuardedResolver {
    policy: Arc<AddressPolicy>,
}

impl GuardedResolver {
    /// A resolver enforcing `policy`.
    pub fn new(policy: Arc<AddressPolicy>) -> Self {
        GuardedResolver { policy }
    }
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = self.policy.clone();
        let host = name.as_str().to_owned();
        Box::pin(async move {
            policy.check_name(&host)?;
            let addrs: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if addrs.is_empty() {
                return Err(Box::new(Refusal::NoAddresses(host)) as _);
            }
            // Fail closed: one refused address refuses the name.
            for addr in &addrs {
                policy.check_ip_any_port(addr.ip())?;
            }
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}
