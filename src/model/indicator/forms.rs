// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The written forms of addresses, networks and domain names, and their canonical keys.
//!
//! Addresses: `a.b.c.d`, `a.b.c.d:port`, `v6`, `[v6]`, `[v6]:port`, `v6%zone` (the zone
//! is dropped: it names an interface of the host that wrote it, not the address), and
//! IPv4-mapped IPv6 (`::ffff:a.b.c.d`, stored as the IPv4 address). A bare `v6:port` is
//! read as an address and a port only where the feed declares `ip:port`
//! ([`normalise_ip_port`]): there the port is the text after the *last* colon.
//!
//! Networks are truncated to their network address with `ipnet` (`10.0.0.5/24` is
//! `10.0.0.0/24`), so equal networks merge. Domain names are keyed by their IDNA ASCII
//! (punycode) form; the Unicode form is derived for display by [`display_value`], so no
//! second copy is stored per indicator.

use std::borrow::Cow;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

use super::{IndicatorType, InvalidValue, Normalised, invalid, prepare};

/// An IPv6 address, with a trailing `%zone` allowed and dropped.
fn parse_v6(s: &str) -> Option<Ipv6Addr> {
    match s.split_once('%') {
        Some((addr, zone))
            if !zone.is_empty()
                && zone
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b)) =>
        {
            Ipv6Addr::from_str(addr).ok()
        }
        Some(_) => None,
        None => Ipv6Addr::from_str(s).ok(),
    }
}

/// A bare address of either family (zone allowed), no port.
fn parse_addr(s: &str) -> Option<IpAddr> {
    if let Ok(ip) = IpAddr::from_str(s) {
        return Some(ip);
    }
    parse_v6(s).map(IpAddr::V6)
}

/// Reads every written form of an address except the ambiguous `v6:port`.
pub(super) fn normalise_ip(s: &str) -> Result<Normalised, InvalidValue> {
    if let Some(ip) = parse_addr(s) {
        return Ok(ip_normalised(ip, None));
    }
    // `[v6]`, `[v6]:port` (and, leniently, `[v4]`/`[v4]:port`).
    if let Some(rest) = s.strip_prefix('[') {
        let bad = || invalid(IndicatorType::Ipv6, "bad address");
        let (inner, after) = rest.split_once(']').ok_or_else(bad)?;
        let ip = parse_addr(inner).ok_or_else(bad)?;
        let port = match after {
            "" => None,
            p => Some(parse_port(
                IndicatorType::Ipv6,
                p.strip_prefix(':').ok_or_else(bad)?,
            )?),
        };
        return Ok(ip_normalised(ip, port));
    }
    // `v4:port`
    if let Some((addr, port)) = s.rsplit_once(':')
        && let Ok(ip) = Ipv4Addr::from_str(addr)
    {
        let port = parse_port(IndicatorType::Ipv4, port)?;
        return Ok(ip_normalised(IpAddr::V4(ip), Some(port)));
    }
    Err(invalid(IndicatorType::Ipv4, "bad address"))
}

/// Normalises a value the feed declares as `ip:port` (ThreatFox): the port is the text
/// after the last colon, so `2001:db8:1::5:443` is `2001:db8:1::5` port 443. A value with
/// no port that is still an address (`2001:db8::1`, `[2001:db8::1]`) is taken as one.
///
/// # Errors
/// [`InvalidValue`] when the text is neither an address with a port nor an address.
pub fn normalise_ip_port(raw: &str) -> Result<Normalised, InvalidValue> {
    let refanged = prepare(IndicatorType::Ipv4, raw)?;
    let s = refanged.as_str();
    if !s.starts_with('[')
        && let Some((addr, port)) = s.rsplit_once(':')
        && !port.is_empty()
        && port.bytes().all(|b| b.is_ascii_digit())
        && let Some(ip) = parse_addr(addr)
    {
        let kind = if ip.is_ipv4() {
            IndicatorType::Ipv4
        } else {
            IndicatorType::Ipv6
        };
        return Ok(ip_normalised(ip, Some(parse_port(kind, port)?)));
    }
    normalise_ip(s)
}

pub(super) fn ip_normalised(ip: IpAddr, port: Option<u16>) -> Normalised {
    let v4 = |v4: Ipv4Addr| Normalised {
        kind: IndicatorType::Ipv4,
        value: v4.to_string(),
        port,
    };
    match ip {
        IpAddr::V4(a) => v4(a),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(a) => v4(a),
            None => Normalised {
                kind: IndicatorType::Ipv6,
                value: v6.to_string(),
                port,
            },
        },
    }
}

fn parse_port(kind: IndicatorType, s: &str) -> Result<u16, InvalidValue> {
    s.parse::<u16>()
        .ok()
        .filter(|p| *p != 0)
        .ok_or_else(|| invalid(kind, "bad port"))
}

/// `addr/prefix`, truncated to the network (`10.0.0.5/24` → `10.0.0.0/24`).
pub(super) fn normalise_cidr(s: &str) -> Result<String, InvalidValue> {
    let kind = IndicatorType::Cidr;
    let (addr, prefix) = s
        .split_once('/')
        .ok_or_else(|| invalid(kind, "no prefix"))?;
    let ip = parse_addr(addr).ok_or_else(|| invalid(kind, "bad address"))?;
    if prefix.is_empty() || !prefix.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid(kind, "bad prefix"));
    }
    let prefix: u8 = prefix.parse().map_err(|_| invalid(kind, "bad prefix"))?;
    let net = ipnet::IpNet::new(ip, prefix).map_err(|_| invalid(kind, "prefix too long"))?;
    Ok(net.trunc().to_string())
}

/// A domain name's key: IDNA ASCII (punycode), lower case, no trailing dot. Plain ASCII
/// names take a fast path that does not touch the IDNA tables.
pub(super) fn normalise_domain(s: &str) -> Result<String, InvalidValue> {
    let kind = IndicatorType::Domain;
    let s = s.strip_suffix('.').unwrap_or(s);
    let d = if s.is_ascii() {
        let d = s.to_ascii_lowercase();
        if d.contains("xn--") && idna::domain_to_unicode(&d).1.is_err() {
            return Err(invalid(kind, "bad punycode"));
        }
        d
    } else {
        let d = idna::domain_to_ascii(s).map_err(|_| invalid(kind, "bad international name"))?;
        d.strip_suffix('.').map(str::to_string).unwrap_or(d)
    };
    if d.len() > 253 {
        return Err(invalid(kind, "too long"));
    }
    if !d.contains('.') {
        return Err(invalid(kind, "no dot"));
    }
    for label in d.split('.') {
        if label.is_empty() || label.len() > 63 {
            return Err(invalid(kind, "bad label"));
        }
        let ok = label
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_');
        if !ok {
            return Err(invalid(kind, "bad character"));
        }
    }
    if d.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return Err(invalid(kind, "looks like an address"));
    }
    Ok(d)
}

/// A URL's host for its key: lower case, no trailing dot, an internationalised name as
/// IDNA ASCII; a port after it kept.
pub(super) fn push_url_host(out: &mut String, host: &str) -> Result<(), InvalidValue> {
    let (name, port) = match host.rsplit_once(':') {
        Some((n, p)) if !host.starts_with('[') && p.bytes().all(|b| b.is_ascii_digit()) => {
            (n, Some(p))
        }
        _ => (host, None),
    };
    let name = name.strip_suffix('.').unwrap_or(name);
    if name.is_ascii() {
        out.extend(name.chars().map(|c| c.to_ascii_lowercase()));
    } else {
        let ascii = idna::domain_to_ascii(name)
            .map_err(|_| invalid(IndicatorType::Url, "bad international host"))?;
        out.push_str(&ascii);
    }
    if let Some(p) = port {
        out.push(':');
        out.push_str(p);
    }
    Ok(())
}

/// The form of a stored value to show a person: a punycode domain (alone, as a URL's host
/// or an address's domain) in Unicode; anything else as it is, borrowed. The key stays the
/// ASCII form; this is derived on demand so no second copy is kept per indicator.
pub fn display_value(kind: IndicatorType, value: &str) -> Cow<'_, str> {
    if !value.contains("xn--") {
        return Cow::Borrowed(value);
    }
    let unicode = |name: &str| -> Option<String> {
        let (u, result) = idna::domain_to_unicode(name);
        (result.is_ok() && u != name).then_some(u)
    };
    let replaced = |start: usize, end: usize| -> Cow<'_, str> {
        match unicode(&value[start..end]) {
            Some(u) => Cow::Owned(format!("{}{u}{}", &value[..start], &value[end..])),
            None => Cow::Borrowed(value),
        }
    };
    match kind {
        IndicatorType::Domain => replaced(0, value.len()),
        IndicatorType::Email => match value.rfind('@') {
            Some(at) => replaced(at + 1, value.len()),
            None => Cow::Borrowed(value),
        },
        IndicatorType::Url => {
            let Some(start) = value.find("://").map(|i| i + 3) else {
                return Cow::Borrowed(value);
            };
            let rest = &value[start..];
            let auth_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
            let authority = &rest[..auth_end];
            let host_start = authority.rfind('@').map_or(0, |i| i + 1);
            let host = &authority[host_start..];
            let host_len = match host.rfind(':') {
                Some(i) if !host.starts_with('[') => i,
                _ => host.len(),
            };
            replaced(start + host_start, start + host_start + host_len)
        }
        _ => Cow::Borrowed(value),
    }
}

/// Splits `host[:port]` or `[v6]:port`; a bare IPv6 address is all host.
pub fn split_host_port(s: &str) -> (&str, Option<&str>) {
    if let Some(rest) = s.strip_prefix('[') {
        return match rest.split_once(']') {
            Some((h, tail)) => (h, tail.strip_prefix(':').filter(|p| !p.is_empty())),
            None => (rest, None),
        };
    }
    match s.rsplit_once(':') {
        Some((h, p))
            if !h.contains(':') && !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) =>
        {
            (h, Some(p))
        }
        _ => (s, None),
    }
}

/// The canonical form of an absolute URL, the one form `fetch`, `lookup` and `match`
/// share: scheme lower case; an address host canonical (in brackets for IPv6), a name
/// host lower-case IDNA ASCII without a trailing dot; the scheme's default port dropped;
/// an empty path written `/`; user info, path, query and fragment as given. Returns the
/// form and the byte range of its host (without brackets). Errors: no scheme, a bad
/// scheme, whitespace, no host, a bad international host.
pub fn canonical_url(s: &str) -> Result<(String, std::ops::Range<usize>), InvalidValue> {
    let kind = IndicatorType::Url;
    let (scheme, rest) = s
        .split_once("://")
        .ok_or_else(|| invalid(kind, "no scheme"))?;
    if scheme.is_empty()
        || !scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
    {
        return Err(invalid(kind, "bad scheme"));
    }
    if rest.is_empty() || s.chars().any(char::is_whitespace) {
        return Err(invalid(kind, "bad url"));
    }
    let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(host_end);
    if authority.is_empty() {
        return Err(invalid(kind, "no host"));
    }
    // Lowercase scheme and host (not user info, not path: those are case sensitive).
    let (userinfo, host) = match authority.rsplit_once('@') {
        Some((u, h)) => (Some(u), h),
        None => (None, authority),
    };
    let mut out = String::with_capacity(s.len());
    out.push_str(&scheme.to_ascii_lowercase());
    out.push_str("://");
    if let Some(u) = userinfo {
        out.push_str(u);
        out.push('@');
    }
    let (name, port) = split_host_port(host);
    let host_at;
    let parsed = name.parse::<IpAddr>();
    match parsed {
        Ok(IpAddr::V6(ip)) => {
            out.push('[');
            host_at = out.len();
            out.push_str(&ip.to_string());
        }
        Ok(ip) => {
            host_at = out.len();
            out.push_str(&ip.to_string());
        }
        Err(_) if name.is_empty() => return Err(invalid(kind, "no host")),
        Err(_) => {
            host_at = out.len();
            push_url_host(&mut out, name)?;
        }
    }
    let host_range = host_at..out.len();
    if matches!(parsed, Ok(IpAddr::V6(_))) {
        out.push(']');
    }
    let scheme = &out[..out.find("://").unwrap_or(0)];
    let default = matches!(
        (scheme, port),
        ("http", Some("80")) | ("https", Some("443")) | ("ftp", Some("21"))
    );
    if let Some(p) = port.filter(|_| !default) {
        out.push(':');
        out.push_str(p);
    }
    if !tail.starts_with('/') {
        out.push('/');
    }
    out.push_str(tail);
    Ok((out, host_range))
}
