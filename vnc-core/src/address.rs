//! Server addresses as people type them (`host`, `host:display`, `host::port`, `[v6]:display`,
//! `vnc://host:port`, a Unix socket path), and the connection order for Happy Eyeballs
//! (RFC 8305) over the addresses a name resolves to. No I/O here: adapters resolve and connect.

use std::fmt;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

/// The base TCP port: display N listens on 5900 + N.
pub const BASE_PORT: u16 = 5900;

/// How long a connection attempt may go unanswered before the next address is tried in
/// parallel (RFC 8305's recommended "Connection Attempt Delay").
pub const CONNECTION_ATTEMPT_DELAY: Duration = Duration::from_millis(250);

/// Where a VNC server listens.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Address {
    /// A TCP host (name or IP literal) and port.
    Tcp {
        /// Host name or IP address (without brackets).
        host: String,
        /// TCP port.
        port: u16,
    },
    /// A Unix-domain socket.
    Unix(PathBuf),
}

/// The accepted forms, for error messages and help texts.
pub const ADDRESS_FORMS: &str = "host (display 0, port 5900), host:N (display N, port 5900+N; N of 100 or more is a port), \
host::PORT, [IPv6]:N, [IPv6]::PORT, a bare IPv6 address such as fe80::1, vnc://host[:PORT], \
or a Unix socket path (anything containing '/'); an empty host means localhost";

/// A string that is not a server address.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid server address {input:?}: {problem}; accepted forms: {ADDRESS_FORMS}")]
pub struct AddressError {
    /// What was typed.
    pub input: String,
    /// What is wrong with it.
    pub problem: &'static str,
}

impl Address {
    /// Parses an address.
    ///
    /// ```
    /// use vnc_core::Address;
    /// let tcp = |h: &str, p| Address::Tcp { host: h.into(), port: p };
    /// assert_eq!("vm1".parse(), Ok(tcp("vm1", 5900)));
    /// assert_eq!("vm1:2".parse(), Ok(tcp("vm1", 5902)));
    /// assert_eq!("vm1::5999".parse(), Ok(tcp("vm1", 5999)));
    /// assert_eq!("[::1]:1".parse(), Ok(tcp("::1", 5901)));
    /// assert_eq!(":3".parse(), Ok(tcp("localhost", 5903)));
    /// assert_eq!("vnc://10.0.0.5:5910".parse(), Ok(tcp("10.0.0.5", 5910)));
    /// assert_eq!("/run/vm.sock".parse(), Ok(Address::Unix("/run/vm.sock".into())));
    /// ```
    pub fn parse(input: &str) -> Result<Address, AddressError> {
        let err = |problem| AddressError {
            input: input.to_owned(),
            problem,
        };
        let s = input.trim();
        if let Some(rest) = s.strip_prefix("vnc://") {
            return parse_uri(rest).map_err(err);
        }
        if let Some(path) = s.strip_prefix("unix:") {
            return Ok(Address::Unix(PathBuf::from(path)));
        }
        if s.contains('/') {
            return Ok(Address::Unix(PathBuf::from(s)));
        }
        let (host, rest) = if let Some(inner) = s.strip_prefix('[') {
            let end = inner
                .find(']')
                .ok_or_else(|| err("missing ']' after an IPv6 address"))?;
            let host = &inner[..end];
            host.parse::<Ipv6Addr>()
                .map_err(|_| err("the part in brackets is not an IPv6 address"))?;
            (host, &inner[end + 1..])
        } else if !s.starts_with("::") && s.parse::<Ipv6Addr>().is_ok() {
            // A bare IPv6 literal has no room for a display: use display 0.
            (s, "")
        } else {
            match s.find(':') {
                Some(i) => (&s[..i], &s[i..]),
                None => (s, ""),
            }
        };
        let port = if rest.is_empty() {
            BASE_PORT
        } else if let Some(p) = rest.strip_prefix("::") {
            parse_number(p)
                .ok_or_else(|| err("the port after '::' is not a number from 1 to 65535"))?
        } else if let Some(d) = rest.strip_prefix(':') {
            let n = parse_number(d)
                .or_else(|| (d == "0").then_some(0))
                .ok_or_else(|| err("the display after ':' is not a number"))?;
            // As in TigerVNC and RealVNC: small numbers are displays, large ones ports.
            if n < 100 { BASE_PORT + n } else { n }
        } else {
            return Err(err("unexpected text after the host"));
        };
        if host.contains(':') && host.parse::<Ipv6Addr>().is_err() {
            return Err(err(
                "a host cannot contain ':' (put IPv6 addresses in brackets)",
            ));
        }
        if host.chars().any(|c| c.is_whitespace()) {
            return Err(err("a host cannot contain spaces"));
        }
        if host.contains(['[', ']']) {
            return Err(err("a host cannot contain brackets"));
        }
        Ok(tcp(host, port))
    }
}

/// Parses `host[:port]` of a `vnc://` URI (RFC 7869): the port is a TCP port, default 5900;
/// user information and query parameters are ignored.
fn parse_uri(rest: &str) -> Result<Address, &'static str> {
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let authority = authority.rsplit('@').next().unwrap_or("");
    let (host, port) = if let Some(inner) = authority.strip_prefix('[') {
        let end = inner.find(']').ok_or("missing ']' after an IPv6 address")?;
        let host = &inner[..end];
        host.parse::<Ipv6Addr>()
            .map_err(|_| "the part in brackets is not an IPv6 address")?;
        (host, &inner[end + 1..])
    } else {
        match authority.rfind(':') {
            Some(i) => (&authority[..i], &authority[i..]),
            None => (authority, ""),
        }
    };
    if host.contains(['[', ']']) || host.chars().any(char::is_whitespace) {
        return Err("the host contains brackets or spaces");
    }
    if host.contains(':') && !authority.starts_with('[') {
        return Err("an IPv6 address in a URI goes in brackets");
    }
    let port = match port {
        "" => BASE_PORT,
        p => p
            .strip_prefix(':')
            .and_then(parse_number)
            .ok_or("the port in the URI is not a number from 1 to 65535")?,
    };
    Ok(tcp(host, port))
}

/// A TCP address; an empty host means localhost.
fn tcp(host: &str, port: u16) -> Address {
    let host = if host.is_empty() { "localhost" } else { host };
    Address::Tcp {
        host: host.to_owned(),
        port,
    }
}

fn parse_number(s: &str) -> Option<u16> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse::<u16>().ok().filter(|&n| n > 0)
}

impl FromStr for Address {
    type Err = AddressError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Address::parse(s)
    }
}

impl fmt::Display for Address {
    /// Prints `host::port` (`[v6]::port`), which reads back as the same address; where that
    /// form would read back as something else (a host named `unix`, or one that with the port
    /// looks like an IPv6 address) it prints `vnc://host:port`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Address::Tcp { host, port } => {
                let plain = if host.contains(':') {
                    format!("[{host}]::{port}")
                } else {
                    format!("{host}::{port}")
                };
                if Address::parse(&plain).as_ref() == Ok(self) {
                    f.write_str(&plain)
                } else if host.contains(':') {
                    write!(f, "vnc://[{host}]:{port}")
                } else {
                    write!(f, "vnc://{host}:{port}")
                }
            }
            // A path reads back as itself when it has a '/' and no other meaning (such as
            // `vnc://...`); else it needs the `unix:` prefix.
            Address::Unix(p) => {
                let plain = p.display().to_string();
                if Address::parse(&plain).as_ref() == Ok(self) {
                    f.write_str(&plain)
                } else {
                    write!(f, "unix:{plain}")
                }
            }
        }
    }
}

/// Orders resolved addresses for Happy Eyeballs (RFC 8305 §4): keep the resolver's first
/// address first, then alternate between the address families, so that a broken IPv6 (or
/// IPv4) path costs one [`CONNECTION_ATTEMPT_DELAY`], not a timeout per address.
///
/// ```
/// use vnc_core::address::happy_eyeballs_order;
/// let a: Vec<std::net::SocketAddr> =
///     ["[::1]:1", "[::2]:1", "127.0.0.1:1", "10.0.0.1:1"].iter().map(|s| s.parse().unwrap()).collect();
/// let order = happy_eyeballs_order(a);
/// assert_eq!(order.iter().map(|a| a.to_string()).collect::<Vec<_>>(),
///            ["[::1]:1", "127.0.0.1:1", "[::2]:1", "10.0.0.1:1"]);
/// ```
pub fn happy_eyeballs_order(addrs: Vec<SocketAddr>) -> Vec<SocketAddr> {
    let Some(first) = addrs.first().copied() else {
        return addrs;
    };
    let (mut same, mut other): (Vec<_>, Vec<_>) = addrs
        .into_iter()
        .partition(|a| a.is_ipv6() == first.is_ipv6());
    same.dedup();
    other.dedup();
    let mut out = Vec::with_capacity(same.len() + other.len());
    let (mut a, mut b) = (same.into_iter(), other.into_iter());
    loop {
        match (a.next(), b.next()) {
            (None, None) => break,
            (x, y) => out.extend(x.into_iter().chain(y)),
        }
    }
    out
}

/// True for an IP literal (so a certificate check uses the IP SAN, and no lookup is needed).
pub fn is_ip_literal(host: &str) -> bool {
    host.parse::<IpAddr>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tcp(h: &str, p: u16) -> Address {
        Address::Tcp {
            host: h.into(),
            port: p,
        }
    }

    #[test]
    fn forms() {
        let cases = [
            ("host", tcp("host", 5900)),
            ("host:0", tcp("host", 5900)),
            ("host:1", tcp("host", 5901)),
            ("host:99", tcp("host", 5999)),
            ("host:5901", tcp("host", 5901)),
            ("host::5901", tcp("host", 5901)),
            ("host::22", tcp("host", 22)),
            ("127.0.0.1:2", tcp("127.0.0.1", 5902)),
            ("[::1]", tcp("::1", 5900)),
            ("[::1]:3", tcp("::1", 5903)),
            ("[::1]::6000", tcp("::1", 6000)),
            ("fe80::1", tcp("fe80::1", 5900)),
            ("2001:db8::7", tcp("2001:db8::7", 5900)),
            ("", tcp("localhost", 5900)),
            (":1", tcp("localhost", 5901)),
            ("::5905", tcp("localhost", 5905)),
            ("vnc://example.org", tcp("example.org", 5900)),
            ("vnc://example.org:5999", tcp("example.org", 5999)),
            ("vnc://user@[::1]:6001/?x=y", tcp("::1", 6001)),
            ("vnc://", tcp("localhost", 5900)),
            ("  vm  ", tcp("vm", 5900)),
        ];
        for (s, want) in cases {
            assert_eq!(Address::parse(s), Ok(want), "{s:?}");
        }
        assert_eq!(
            Address::parse("./vnc.sock"),
            Ok(Address::Unix("./vnc.sock".into()))
        );
        assert_eq!(
            Address::parse("unix:sock"),
            Ok(Address::Unix("sock".into()))
        );
    }

    #[test]
    fn bad_forms_list_the_accepted_ones() {
        for s in [
            "host:x",
            "host::0",
            "host::70000",
            "[::1",
            "[nothost]:1",
            "host:1:2",
            "a b",
            "host:-1",
            "vnc://h:x",
            "[::1]x",
            "vnc://[[]",
            "vnc://[x]:1",
            "vnc://::51990",
            "a]b",
        ] {
            let e = Address::parse(s).unwrap_err();
            assert!(e.to_string().contains(ADDRESS_FORMS), "{s}: {e}");
        }
    }

    #[test]
    fn display_round_trips() {
        for a in [
            tcp("h", 5901),
            tcp("::1", 5900),
            tcp("127.0.0.1", 6000),
            Address::Unix("sock".into()),
            Address::Unix("/run/vnc.sock".into()),
        ] {
            assert_eq!(Address::parse(&a.to_string()), Ok(a));
        }
    }

    /// Found by the address fuzzer: a Unix path without '/' printed without its `unix:`
    /// prefix read back as a TCP address.
    #[test]
    fn unix_path_without_slash_round_trips() {
        for s in ["unix:]::6\u{c}@0", "unix:vnc://:"] {
            let a = Address::parse(s).unwrap();
            assert_eq!(Address::parse(&a.to_string()), Ok(a));
        }
    }

    /// Found by the address fuzzer: host `3`, port 5900 printed as `3::5900`, an IPv6 address.
    #[test]
    fn hosts_that_look_like_ipv6_halves_round_trip() {
        for h in ["3", "ab", "ffff", "unix"] {
            let a = tcp(h, 5900);
            assert_eq!(Address::parse(&a.to_string()), Ok(a));
        }
    }

    #[test]
    fn interleaving() {
        let v4: SocketAddr = "127.0.0.1:1".parse().unwrap();
        let v6: SocketAddr = "[::1]:1".parse().unwrap();
        assert_eq!(happy_eyeballs_order(vec![v4, v4, v6]), vec![v4, v6]);
        assert_eq!(happy_eyeballs_order(vec![]), vec![]);
    }
}
