//! Who is on the other end of a request: the TCP peer, or, when that peer is a trusted reverse
//! proxy, the client it names in `X-Forwarded-For` / `Forwarded`. Resolved once per request in
//! `connections`; every limit and every log line then uses the resulting
//! [`ClientAddr`](domain::client_addr::ClientAddr).

use std::{
    net::{IpAddr, Ipv4Addr},
    str::FromStr,
};

use axum::http::{HeaderMap, header};
use domain::client_addr::ClientAddr;

/// An address or a network (`10.0.0.0/8`, `::1`, `fd00::/8`) whose connections are proxies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TrustedNet {
    network: IpAddr,
    prefix: u8,
}

impl TrustedNet {
    /// Whether `addr` lies in this network (an IPv4-mapped IPv6 address counts as IPv4).
    pub fn contains(&self, addr: IpAddr) -> bool {
        ClientAddr::from(addr).in_network(self.network, self.prefix)
    }
}

impl FromStr for TrustedNet {
    type Err = String;

    fn from_str(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        let (addr, prefix) = match raw.split_once('/') {
            Some((addr, prefix)) => (addr, Some(prefix)),
            None => (raw, None),
        };
        let network = ClientAddr::from(
            addr.parse::<IpAddr>()
                .map_err(|_| format!("{raw:?} is not an IP address or CIDR network"))?,
        )
        .ip();
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("{raw:?}: the prefix length must be 0 to {max}"))?,
        };
        Ok(Self { network, prefix })
    }
}

/// Which header trusted proxies write the client into. Only one is read: a proxy that sets
/// one passes the other through from the client as it came, so reading both would let the
/// client pick its own address.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ForwardedHeader {
    /// `X-Forwarded-For: client, proxy1, …` (nginx, Caddy, most load balancers).
    #[default]
    XForwardedFor,
    /// RFC 7239 `Forwarded: for=client, for=proxy1`.
    Forwarded,
}

impl FromStr for ForwardedHeader {
    type Err = String;

    fn from_str(raw: &str) -> Result<Self, String> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "x-forwarded-for" => Ok(Self::XForwardedFor),
            "forwarded" => Ok(Self::Forwarded),
            _ => Err(format!(
                "{raw:?}: expected `x-forwarded-for` or `forwarded`"
            )),
        }
    }
}

/// Resolves the client of a request that arrived from `peer`. The forwarded header counts
/// only when `peer` is trusted; then the client is the rightmost forwarded address that is
/// not itself a trusted proxy (anything left of it was written by the client and may be
/// forged).
pub fn resolve(
    peer: IpAddr,
    headers: &HeaderMap,
    trusted: &[TrustedNet],
    which: ForwardedHeader,
) -> ClientAddr {
    let peer = ClientAddr::from(peer).ip();
    let is_trusted = |ip: IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(peer) {
        return ClientAddr::from(peer);
    }
    let forwarded = forwarded_chain(headers, which);
    let client = forwarded
        .iter()
        .rev()
        .copied()
        .map(|ip| ClientAddr::from(ip).ip())
        .find(|ip| !is_trusted(*ip))
        // Every hop trusted: the leftmost one is the furthest we know of.
        .or_else(|| {
            forwarded
                .first()
                .copied()
                .map(|ip| ClientAddr::from(ip).ip())
        })
        .unwrap_or(peer);
    ClientAddr::from(client)
}

/// The addresses proxies recorded in `header`, in the order they were added (client first).
/// An entry that is not an address (`unknown`, an obfuscated name, garbage) ends the chain
/// there: nothing left of it can be attributed.
fn forwarded_chain(headers: &HeaderMap, which: ForwardedHeader) -> Vec<IpAddr> {
    let values = |name| {
        headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect::<Vec<_>>()
    };
    let entries: Vec<Option<IpAddr>> = match which {
        ForwardedHeader::XForwardedFor => {
            values(header::HeaderName::from_static("x-forwarded-for"))
                .into_iter()
                .map(parse_node)
                .collect()
        }
        ForwardedHeader::Forwarded => values(header::FORWARDED)
            .into_iter()
            .map(|element| {
                element
                    .split(';')
                    .filter_map(|pair| pair.trim().split_once('='))
                    .find(|(name, _)| name.trim().eq_ignore_ascii_case("for"))
                    .and_then(|(_, value)| parse_node(value.trim().trim_matches('"')))
            })
            .collect(),
    };
    // Walk from the right (nearest hop) and stop at the first entry that is not an address.
    let usable = entries.iter().rev().take_while(|e| e.is_some()).count();
    entries[entries.len() - usable..]
        .iter()
        .flatten()
        .copied()
        .collect()
}

/// An address as proxies write it: `1.2.3.4`, `1.2.3.4:5678`, `2001:db8::1`, `[2001:db8::1]`,
/// `[2001:db8::1]:5678`.
fn parse_node(raw: &str) -> Option<IpAddr> {
    if let Ok(ip) = raw.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Some(rest) = raw.strip_prefix('[') {
        return rest.split_once(']').and_then(|(ip, _)| ip.parse().ok());
    }
    raw.rsplit_once(':')
        .and_then(|(ip, _)| ip.parse::<Ipv4Addr>().ok())
        .map(IpAddr::V4)
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    const XFF: ForwardedHeader = ForwardedHeader::XForwardedFor;

    fn nets(list: &[&str]) -> Vec<TrustedNet> {
        list.iter().map(|n| n.parse().expect("network")).collect()
    }

    fn ip(raw: &str) -> IpAddr {
        raw.parse().expect("address")
    }

    fn with(name: &'static str, value: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(name, HeaderValue::from_static(value));
        headers
    }

    #[test]
    fn networks_parse_and_match() {
        let net: TrustedNet = "10.0.0.0/8".parse().expect("cidr");
        assert!(net.contains(ip("10.2.3.4")));
        assert!(net.contains(ip("::ffff:10.2.3.4")));
        assert!(!net.contains(ip("11.0.0.1")));
        let v6: TrustedNet = "fd00::/8".parse().expect("cidr");
        assert!(v6.contains(ip("fd12::1")));
        assert!(!v6.contains(ip("fe80::1")));
        assert!("127.0.0.1".parse::<TrustedNet>().is_ok());
        assert!("10.0.0.0/33".parse::<TrustedNet>().is_err());
        assert!("proxy.local".parse::<TrustedNet>().is_err());
    }

    #[test]
    fn forwarded_headers_count_only_from_trusted_peers() {
        let headers = with("x-forwarded-for", "203.0.113.7");
        let trusted = nets(&["127.0.0.1"]);
        assert_eq!(
            resolve(ip("127.0.0.1"), &headers, &trusted, XFF).ip(),
            ip("203.0.113.7")
        );
        assert_eq!(
            resolve(ip("198.51.100.9"), &headers, &trusted, XFF).ip(),
            ip("198.51.100.9"),
            "an untrusted peer's header is ignored"
        );
        assert_eq!(
            resolve(ip("127.0.0.1"), &headers, &[], XFF).ip(),
            ip("127.0.0.1"),
            "nothing is trusted by default"
        );
    }

    #[test]
    fn the_rightmost_untrusted_hop_is_the_client() {
        // The client forged the first entry; the proxy appended the real address.
        let headers = with("x-forwarded-for", "1.1.1.1, 203.0.113.7, 10.0.0.2");
        let trusted = nets(&["127.0.0.1", "10.0.0.0/8"]);
        assert_eq!(
            resolve(ip("127.0.0.1"), &headers, &trusted, XFF).ip(),
            ip("203.0.113.7")
        );
        let garbage = with("x-forwarded-for", "1.1.1.1, nonsense, 203.0.113.7");
        assert_eq!(
            resolve(ip("127.0.0.1"), &garbage, &trusted, XFF).ip(),
            ip("203.0.113.7")
        );
        let only_garbage = with("x-forwarded-for", "nonsense");
        assert_eq!(
            resolve(ip("127.0.0.1"), &only_garbage, &trusted, XFF).ip(),
            ip("127.0.0.1")
        );
    }

    #[test]
    fn rfc_7239_forwarded_is_read() {
        let headers = with(
            "forwarded",
            r#"for=192.0.2.60;proto=http, for="[2001:db8:cafe::17]:4711""#,
        );
        let trusted = nets(&["127.0.0.1"]);
        let rfc = ForwardedHeader::Forwarded;
        assert_eq!(
            resolve(ip("127.0.0.1"), &headers, &trusted, rfc).ip(),
            ip("2001:db8:cafe::17")
        );
        assert_eq!(
            resolve(ip("127.0.0.1"), &headers, &trusted, XFF).ip(),
            ip("127.0.0.1"),
            "only the configured header is read"
        );
        let mut both = headers.clone();
        both.insert("x-forwarded-for", HeaderValue::from_static("198.51.100.4"));
        assert_eq!(
            resolve(ip("127.0.0.1"), &both, &trusted, XFF).ip(),
            ip("198.51.100.4"),
            "a client's own Forwarded header does not win over the proxy's X-Forwarded-For"
        );
        assert_eq!("Forwarded".parse::<ForwardedHeader>(), Ok(rfc));
        assert!("x-real-ip".parse::<ForwardedHeader>().is_err());
    }
}
