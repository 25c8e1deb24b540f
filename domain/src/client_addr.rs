//! The client of a request, as the HTTP side resolved it (the TCP peer, or the client a trusted
//! proxy named). Every per-address limit counts under its [`ClientAddr::limit_key`]; IPv6
//! clients are counted per /64, since one home or phone gets a whole /64 and could otherwise
//! walk through any per-address limit.

use std::{
    fmt,
    net::{IpAddr, Ipv4Addr, Ipv6Addr},
};

/// The client of a request, as resolved once per connection or request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientAddr(IpAddr);

impl ClientAddr {
    /// The client's address.
    pub fn ip(self) -> IpAddr {
        self.0
    }

    /// The key per-address limits count under: the address itself for IPv4, its /64 for IPv6.
    pub fn limit_key(self) -> String {
        match self.0 {
            IpAddr::V4(ip) => ip.to_string(),
            IpAddr::V6(ip) => format!("{}/64", Ipv6Addr::from(prefix_bits_v6(ip, 64))),
        }
    }

    /// Whether the address lies in `network`/`prefix` (an IPv4-mapped IPv6 address counts as
    /// IPv4, so `10.0.0.0/8` holds `::ffff:10.2.3.4`).
    pub fn in_network(self, network: IpAddr, prefix: u8) -> bool {
        match (canonical(network), self.0) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                prefix_bits_v4(ip, prefix) == prefix_bits_v4(net, prefix)
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                prefix_bits_v6(ip, prefix) == prefix_bits_v6(net, prefix)
            }
            _ => false,
        }
    }
}

impl From<IpAddr> for ClientAddr {
    fn from(ip: IpAddr) -> Self {
        Self(canonical(ip))
    }
}

impl Default for ClientAddr {
    fn default() -> Self {
        Self(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
    }
}

impl fmt::Display for ClientAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// IPv4-mapped IPv6 addresses (`::ffff:1.2.3.4`, what a dual-stack socket reports) as IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

fn prefix_bits_v4(ip: Ipv4Addr, prefix: u8) -> u32 {
    let bits = u32::from(ip);
    if prefix == 0 {
        0
    } else {
        bits & (u32::MAX << (32 - u32::from(prefix)))
    }
}

fn prefix_bits_v6(ip: Ipv6Addr, prefix: u8) -> u128 {
    let bits = u128::from(ip);
    if prefix == 0 {
        0
    } else {
        bits & (u128::MAX << (128 - u32::from(prefix)))
    }
}

#[cfg(test)]
mod tests {
    use std::net::IpAddr;

    use super::ClientAddr;

    fn ip(raw: &str) -> IpAddr {
        raw.parse().expect("address")
    }

    #[test]
    fn networks_hold_their_addresses() {
        assert!(ClientAddr::from(ip("10.2.3.4")).in_network(ip("10.0.0.0"), 8));
        assert!(ClientAddr::from(ip("::ffff:10.2.3.4")).in_network(ip("10.0.0.0"), 8));
        assert!(!ClientAddr::from(ip("11.0.0.1")).in_network(ip("10.0.0.0"), 8));
        assert!(ClientAddr::from(ip("fd12::1")).in_network(ip("fd00::"), 8));
        assert!(!ClientAddr::from(ip("fe80::1")).in_network(ip("fd00::"), 8));
    }

    #[test]
    fn ipv6_clients_share_a_key_per_64() {
        let a = ClientAddr::from(ip("2001:db8:1:2::1"));
        let b = ClientAddr::from(ip("2001:db8:1:2:ffff::9"));
        let c = ClientAddr::from(ip("2001:db8:1:3::1"));
        assert_eq!(a.limit_key(), b.limit_key());
        assert_ne!(a.limit_key(), c.limit_key());
        assert_eq!(a.limit_key(), "2001:db8:1:2::/64");
        assert_eq!(
            ClientAddr::from(ip("::ffff:1.2.3.4")).limit_key(),
            "1.2.3.4"
        );
    }
}
