//! The address guard (SSRF policy): which URLs and socket addresses webaudit may connect to.
//!
//! Every URL an assistant hands us is hostile until checked. The policy refuses non-http(s)
//! schemes, credentials in URLs, internal host-name suffixes, and every non-public address range,
//! including their IPv4-mapped, IPv4-compatible, NAT64 and 6to4 forms. Host names are checked
//! where they are resolved ([`super::resolver`]), so the address checked is the address
//! connected to; literal IPs are checked here before connecting and at every redirect hop.
//!
//! `allow_private` (the CLI's `--allow-private`) opens loopback and private ranges for local
//! development but never the cloud metadata endpoints. A directory target is served on one
//! loopback socket, which the engine adds with [`AddressPolicy::allow_socket`].

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use ipnet::{Ipv4Net, Ipv6Net};
use url::{Host, Url};

use super::error::FetchError;

/// Why a URL or address was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// A scheme other than http or https.
    #[error("the scheme `{0}:` is not supported; only http:// and https:// URLs can be audited")]
    Scheme(String),
    /// `user:password@` in the URL.
    #[error(
        "URLs with a user name or password are refused; remove the `user:password@` part \
         (webaudit never sends credentials)"
    )]
    UserInfo,
    /// No host in the URL.
    #[error("the URL has no host name")]
    NoHost,
    /// A name reserved for internal networks.
    #[error(
        "the host `{host}` is an internal name (`{suffix}`); it is refused unless private targets \
         are allowed (--allow-private or WEBAUDIT_ALLOW_PRIVATE=1)"
    )]
    InternalName {
        /// The host name.
        host: String,
        /// The reserved suffix it matched.
        suffix: &'static str,
    },
    /// An address in a refused range.
    #[error("{ip} is in a refused address range ({range}); {hint}")]
    Address {
        /// The address.
        ip: IpAddr,
        /// The name of the range, e.g. `loopback 127.0.0.0/8`.
        range: &'static str,
        /// What the user can do.
        hint: &'static str,
    },
    /// The name resolved to no address.
    #[error("the host `{0}` did not resolve to any address")]
    NoAddresses(String),
}

impl Refusal {
    /// A short machine-readable name of the rule that refused.
    pub fn rule(&self) -> &'static str {
        match self {
            Refusal::Scheme(_) => "scheme",
            Refusal::UserInfo => "userinfo",
            Refusal::NoHost => "no-host",
            Refusal::InternalName { .. } => "internal-name",
            Refusal::Address { .. } => "address-range",
            Refusal::NoAddresses(_) => "no-addresses",
        }
    }
}

/// `url` as text with its password, if any, replaced by `***` (`http://user:***@host/`).
pub fn without_password(url: &Url) -> String {
    let mut masked = url.clone();
    if masked.password().is_some() {
        let _ = masked.set_password(Some("***"));
    }
    masked.to_string()
}

const HINT_PRIVATE: &str = "to audit a local development server, allow private targets with \
                            --allow-private or WEBAUDIT_ALLOW_PRIVATE=1";
const HINT_NEVER: &str = "this range is never reachable through webaudit";

/// How a blocked range reacts to `allow_private`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Openable {
    /// Opened by `allow_private`.
    Private,
    /// Never opened (metadata endpoints, multicast, reserved, documentation …).
    Never,
}

struct Range4 {
    net: Ipv4Net,
    name: &'static str,
    openable: Openable,
}

struct Range6 {
    net: Ipv6Net,
    name: &'static str,
    openable: Openable,
}

fn v4(s: &str) -> Ipv4Net {
    s.parse().expect("static IPv4 range")
}

fn v6(s: &str) -> Ipv6Net {
    s.parse().expect("static IPv6 range")
}

/// Exact addresses that stay refused even when private targets are allowed.
const METADATA: [IpAddr; 3] = [
    IpAddr::V4(Ipv4Addr::new(169, 254, 169, 254)),
    IpAddr::V4(Ipv4Addr::new(100, 100, 100, 200)),
    IpAddr::V6(Ipv6Addr::new(0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x0254)),
];

fn ranges4() -> &'static [Range4] {
    use std::sync::OnceLock;
    static RANGES: OnceLock<Vec<Range4>> = OnceLock::new();
    RANGES.get_or_init(|| {
        use Openable::*;
        [
            ("0.0.0.0/8", "unspecified/\"this network\" 0.0.0.0/8", Never),
            ("10.0.0.0/8", "private 10.0.0.0/8", Private),
            ("100.64.0.0/10", "carrier-grade NAT 100.64.0.0/10", Private),
            ("127.0.0.0/8", "loopback 127.0.0.0/8", Private),
            ("169.254.0.0/16", "link-local 169.254.0.0/16", Never),
            ("172.16.0.0/12", "private 172.16.0.0/12", Private),
            (
                "192.0.0.0/24",
                "IETF protocol assignments 192.0.0.0/24",
                Never,
            ),
            ("192.0.2.0/24", "documentation 192.0.2.0/24", Never),
            ("192.88.99.0/24", "6to4 relay anycast 192.88.99.0/24", Never),
            ("192.168.0.0/16", "private 192.168.0.0/16", Private),
            ("198.18.0.0/15", "benchmarking 198.18.0.0/15", Never),
            ("198.51.100.0/24", "documentation 198.51.100.0/24", Never),
            ("203.0.113.0/24", "documentation 203.0.113.0/24", Never),
            ("224.0.0.0/4", "multicast 224.0.0.0/4", Never),
            ("240.0.0.0/4", "reserved 240.0.0.0/4 (and broadcast)", Never),
        ]
        .into_iter()
        .map(|(net, name, openable)| Range4 {
            net: v4(net),
            name,
            openable,
        })
        .collect()
    })
}

fn ranges6() -> &'static [Range6] {
    use std::sync::OnceLock;
    static RANGES: OnceLock<Vec<Range6>> = OnceLock::new();
    RANGES.get_or_init(|| {
        use Openable::*;
        [
            ("::1/128", "loopback ::1", Private),
            ("::/128", "unspecified ::", Never),
            ("100::/64", "discard-only 100::/64", Never),
            (
                "2001::/23",
                "IETF protocol assignments 2001::/23 (incl. Teredo)",
                Never,
            ),
            ("2001:db8::/32", "documentation 2001:db8::/32", Never),
            ("fc00::/7", "unique-local fc00::/7", Private),
            ("fe80::/10", "link-local fe80::/10", Never),
            ("fec0::/10", "site-local fec0::/10", Never),
            ("ff00::/8", "multicast ff00::/8", Never),
        ]
        .into_iter()
        .map(|(net, name, openable)| Range6 {
            net: v6(net),
            name,
            openable,
        })
        .collect()
    })
}

/// Host-name suffixes reserved for internal networks.
const INTERNAL_SUFFIXES: [&str; 4] = [".local", ".internal", ".localhost", ".home.arpa"];

/// The IPv4 address an IPv6 address embeds, for the forms that reach an IPv4 host:
/// IPv4-mapped `::ffff:a.b.c.d`, IPv4-compatible `::a.b.c.d`, NAT64 `64:ff9b::/96` and
/// `64:ff9b:1::/48`, and 6to4 `2002::/16`.
fn embedded_v4(ip: Ipv6Addr) -> Option<(Ipv4Addr, &'static str)> {
    let s = ip.segments();
    let tail = Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    if let Some(mapped) = ip.to_ipv4_mapped() {
        return Some((mapped, "IPv4-mapped"));
    }
    if s[..6] == [0, 0, 0, 0, 0, 0] && (s[6] != 0 || s[7] > 1) {
        return Some((tail, "IPv4-compatible"));
    }
    if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return Some((tail, "NAT64 64:ff9b::/96"));
    }
    if s[0] == 0x64 && s[1] == 0xff9b && s[2] == 1 {
        return Some((tail, "NAT64 64:ff9b:1::/48"));
    }
    if s[0] == 0x2002 {
        let inner = Ipv4Addr::new((s[1] >> 8) as u8, s[1] as u8, (s[2] >> 8) as u8, s[2] as u8);
        return Some((inner, "6to4 2002::/16"));
    }
    None
}

/// The refused range an address falls in, if any, and whether `allow_private` opens it.
fn classify(ip: IpAddr) -> Option<(&'static str, Openable)> {
    if METADATA.contains(&ip) {
        return Some(("cloud metadata endpoint", Openable::Never));
    }
    match ip {
        IpAddr::V4(a) => ranges4()
            .iter()
            .find(|r| r.net.contains(&a))
            .map(|r| (r.name, r.openable)),
        IpAddr::V6(a) => {
            if let Some((inner, _form)) = embedded_v4(a) {
                // Judge the embedded IPv4 address; the wrapper form never widens access.
                return classify(IpAddr::V4(inner));
            }
            ranges6()
                .iter()
                .find(|r| r.net.contains(&a))
                .map(|r| (r.name, r.openable))
        }
    }
}

/// Which addresses webaudit may connect to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddressPolicy {
    allow_private: bool,
    allowed_sockets: Vec<SocketAddr>,
}

impl AddressPolicy {
    /// The default policy: public addresses only.
    pub fn public_only() -> Self {
        Self::default()
    }

    /// Public addresses plus loopback and private ranges (never metadata endpoints).
    pub fn allow_private() -> Self {
        AddressPolicy {
            allow_private: true,
            allowed_sockets: Vec::new(),
        }
    }

    /// Whether private ranges are open.
    pub fn allows_private(&self) -> bool {
        self.allow_private
    }

    /// Also allow exactly this socket (the loopback server of a directory target, or a test
    /// server).
    pub fn allow_socket(mut self, socket: SocketAddr) -> Self {
        self.allowed_sockets.push(socket);
        self
    }

    /// Checks an address we are about to connect to.
    pub fn check_ip(&self, ip: IpAddr, port: u16) -> Result<(), Refusal> {
        let canonical = ip.to_canonical();
        if self
            .allowed_sockets
            .iter()
            .any(|s| s.ip().to_canonical() == canonical && s.port() == port)
        {
            return Ok(());
        }
        self.check_ip_any_port(ip)
    }

    /// Checks an address without a port (as the resolver sees it). Sockets allowed one by one
    /// do not count here; they are matched with their port in [`Self::check_ip`].
    pub fn check_ip_any_port(&self, ip: IpAddr) -> Result<(), Refusal> {
        match classify(ip) {
            None => Ok(()),
            Some((_, Openable::Private)) if self.allow_private => Ok(()),
            Some((range, openable)) => Err(Refusal::Address {
                ip,
                range,
                hint: if openable == Openable::Private {
                    HINT_PRIVATE
                } else {
                    HINT_NEVER
                },
            }),
        }
    }

    /// [`AddressPolicy::check_url`] as the fetch error that names the URL (its password
    /// masked).
    pub fn admit(&self, url: &Url) -> Result<(), FetchError> {
        self.check_url(url).map_err(|refusal| FetchError::Refused {
            url: without_password(url),
            refusal,
        })
    }

    /// Checks a URL before any connection: scheme, credentials, internal names and literal
    /// IP hosts (in every encoding the `url` crate accepts; it normalises them all).
    pub fn check_url(&self, url: &Url) -> Result<(), Refusal> {
        match url.scheme() {
            "http" | "https" => {}
            other => return Err(Refusal::Scheme(other.to_owned())),
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(Refusal::UserInfo);
        }
        let port = url.port_or_known_default().unwrap_or(80);
        match url.host() {
            None => Err(Refusal::NoHost),
            Some(Host::Ipv4(a)) => self.check_ip(IpAddr::V4(a), port),
            Some(Host::Ipv6(a)) => self.check_ip(IpAddr::V6(a), port),
            Some(Host::Domain(name)) => self.check_name(name),
        }
    }

    /// Checks a host name before resolving it.
    pub fn check_name(&self, name: &str) -> Result<(), Refusal> {
        if self.allow_private {
            return Ok(());
        }
        let lower = name.trim_end_matches('.').to_ascii_lowercase();
        if lower == "localhost" {
            return Err(Refusal::InternalName {
                host: name.to_owned(),
                suffix: "localhost",
            });
        }
        match INTERNAL_SUFFIXES.iter().find(|s| lower.ends_with(*s)) {
            Some(suffix) => Err(Refusal::InternalName {
                host: name.to_owned(),
                suffix,
            }),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url_verdict(policy: &AddressPolicy, url: &str) -> Result<(), &'static str> {
        let url = Url::parse(url).expect("test URL parses");
        policy.check_url(&url).map_err(|r| r.rule())
    }

    fn ip_verdict(policy: &AddressPolicy, ip: &str) -> Result<(), &'static str> {
        let ip: IpAddr = ip.parse().expect("test IP parses");
        policy.check_ip(ip, 80).map_err(|r| r.rule())
    }

    #[test]
    fn address_table() {
        let strict = AddressPolicy::public_only();
        let private = AddressPolicy::allow_private();
        // (address, allowed by default, allowed with --allow-private)
        let cases: &[(&str, bool, bool)] = &[
            ("93.184.215.14", true, true),
            ("1.1.1.1", true, true),
            ("8.8.8.8", true, true),
            ("2606:4700:4700::1111", true, true),
            ("127.0.0.1", false, true),
            ("127.255.255.254", false, true),
            ("0.0.0.0", false, false),
            ("10.0.0.1", false, true),
            ("172.16.0.1", false, true),
            ("172.31.255.255", false, true),
            ("172.32.0.1", true, true),
            ("192.168.1.1", false, true),
            ("100.64.0.1", false, true),
            ("100.100.100.200", false, false),
            ("169.254.169.254", false, false),
            ("169.254.1.1", false, false),
            ("192.0.0.8", false, false),
            ("192.0.2.1", false, false),
            ("198.51.100.7", false, false),
            ("203.0.113.9", false, false),
            ("198.18.0.1", false, false),
            ("198.19.255.255", false, false),
            ("224.0.0.1", false, false),
            ("239.255.255.250", false, false),
            ("240.0.0.1", false, false),
            ("255.255.255.255", false, false),
            ("::1", false, true),
            ("::", false, false),
            ("fe80::1", false, false),
            ("fc00::1", false, true),
            ("fd00:ec2::254", false, false),
            ("ff02::1", false, false),
            ("2001:db8::1", false, false),
            ("::ffff:127.0.0.1", false, true),
            ("::ffff:169.254.169.254", false, false),
            ("::ffff:8.8.8.8", true, true),
            ("::127.0.0.1", false, true),
            ("64:ff9b::a9fe:a9fe", false, false),
            ("64:ff9b::7f00:1", false, true),
            ("64:ff9b::808:808", true, true),
            ("64:ff9b:1::a00:1", false, true),
            ("2002:7f00:1::", false, true),
            ("2002:a9fe:a9fe::", false, false),
            ("2002:808:808::", true, true),
            ("2001::1", false, false),
        ];
        assert!(cases.len() >= 40);
        for (ip, default_ok, private_ok) in cases {
            assert_eq!(
                ip_verdict(&strict, ip).is_ok(),
                *default_ok,
                "{ip} under the default policy"
            );
            assert_eq!(
                ip_verdict(&private, ip).is_ok(),
                *private_ok,
                "{ip} with --allow-private"
            );
        }
    }

    #[test]
    fn url_table() {
        let strict = AddressPolicy::public_only();
        let private = AddressPolicy::allow_private();
        let refused = [
            ("ftp://example.com/", "scheme"),
            ("file:///etc/passwd", "scheme"),
            ("data:text/html,hi", "scheme"),
            ("javascript:alert(1)", "scheme"),
            ("gopher://example.com/", "scheme"),
            ("http://user:pw@example.com/", "userinfo"),
            ("http://user:pw@example.com@127.0.0.1/", "userinfo"),
            ("http://2130706433/", "address-range"),
            ("http://0x7f.1/", "address-range"),
            ("http://0177.0.0.1/", "address-range"),
            ("http://127.1/", "address-range"),
            ("http://%31%32%37.0.0.1/", "address-range"),
            ("http://[::1]:8080/", "address-range"),
            ("http://[::ffff:7f00:1]/", "address-range"),
            ("http://[::ffff:a9fe:a9fe]/", "address-range"),
            ("http://169.254.169.254/latest/meta-data/", "address-range"),
            ("http://localhost:3000/", "internal-name"),
            ("http://printer.local/", "internal-name"),
            ("http://db.internal/", "internal-name"),
            ("http://app.localhost/", "internal-name"),
        ];
        for (url, rule) in refused {
            assert_eq!(url_verdict(&strict, url), Err(rule), "{url}");
        }
        assert_eq!(url_verdict(&strict, "https://example.com/"), Ok(()));
        assert_eq!(url_verdict(&strict, "http://93.184.215.14:8080/x"), Ok(()));
        assert_eq!(url_verdict(&private, "http://localhost:3000/"), Ok(()));
        assert_eq!(url_verdict(&private, "http://127.0.0.1:3000/"), Ok(()));
        assert_eq!(
            url_verdict(&private, "http://169.254.169.254/"),
            Err("address-range")
        );
        assert_eq!(
            url_verdict(&private, "http://[fd00:ec2::254]/"),
            Err("address-range")
        );
        assert_eq!(url_verdict(&private, "ftp://localhost/"), Err("scheme"));
    }

    #[test]
    fn one_socket_can_be_allowed() {
        let socket: SocketAddr = "127.0.0.1:4321".parse().unwrap();
        let policy = AddressPolicy::public_only().allow_socket(socket);
        assert_eq!(url_verdict(&policy, "http://127.0.0.1:4321/a"), Ok(()));
        assert_eq!(
            url_verdict(&policy, "http://127.0.0.1:4322/a"),
            Err("address-range")
        );
        assert_eq!(
            url_verdict(&policy, "http://127.0.0.2:4321/a"),
            Err("address-range")
        );
        assert!(policy.check_ip_any_port(socket.ip()).is_err());
    }

    #[test]
    fn refusal_messages_say_what_to_do() {
        let err = AddressPolicy::public_only()
            .check_url(&Url::parse("http://127.0.0.1/").unwrap())
            .unwrap_err();
        assert!(err.to_string().contains("--allow-private"), "{err}");
        let err = AddressPolicy::allow_private()
            .check_url(&Url::parse("http://169.254.169.254/").unwrap())
            .unwrap_err();
        assert!(err.to_string().contains("never reachable"), "{err}");
    }
}
