// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Canonical lookup forms shared by the index and the lookups, so a value in a log and
//! an indicator meet in one form: domains lower-case IDNA ASCII without a trailing dot,
//! URLs with lower-case scheme and host and no default port, e-mail addresses
//! lower-cased, hashes as bytes.

use std::borrow::Cow;
use std::net::IpAddr;
use std::str::FromStr;

/// The canonical form of a host name: lower-case, no trailing dot, IDNA ASCII
/// (`bücher.example` → `xn--bcher-kva.example`). `None` when it is not a usable name.
/// Borrows when `raw` is already canonical (the usual case in logs).
pub fn domain(raw: &str) -> Option<Cow<'_, str>> {
    let s = raw.strip_suffix('.').unwrap_or(raw);
    if s.is_empty() || s.len() > 253 {
        return None;
    }
    let bytes = s.as_bytes();
    if bytes
        .iter()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'_'))
    {
        return Some(Cow::Borrowed(s));
    }
    if s.is_ascii() {
        if !bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
        {
            return None;
        }
        return Some(Cow::Owned(s.to_ascii_lowercase()));
    }
    idna::domain_to_ascii(s).ok().map(Cow::Owned)
}

/// The parts of a URL the index keys on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlKey {
    /// `scheme://[userinfo@]host[:port]/path?query#fragment`, scheme and host canonical,
    /// default port (80 for http, 443 for https) dropped, an empty path written `/`.
    pub key: String,
    /// The canonical host (a name, or an address without brackets).
    pub host: String,
}

/// The canonical key of an absolute URL (`scheme://host...`), the form `normalise`
/// gives ([`crate::model::indicator::canonical_url`]); `None` when it has no scheme or
/// host.
pub fn url(raw: &str) -> Option<UrlKey> {
    let (key, host) = crate::model::indicator::canonical_url(raw).ok()?;
    let host = key.get(host)?.to_string();
    Some(UrlKey { key, host })
}

pub use crate::model::indicator::split_host_port;

/// The `addr-spec` of an address as logged (`"Bob" <bob@corp.example>`, `<a@b.example>`,
/// `mailto:a@b.example`), lower-cased; `None` when there is no `local@domain`.
pub fn email(raw: &str) -> Option<String> {
    let mut s = raw.trim();
    if let Some(open) = s.rfind('<') {
        let inner = &s[open + 1..];
        s = inner.split('>').next().unwrap_or(inner);
    }
    let s = s.strip_prefix("mailto:").unwrap_or(s).trim();
    let (local, dom) = s.rsplit_once('@')?;
    if local.is_empty() || dom.is_empty() || s.contains(char::is_whitespace) {
        return None;
    }
    let dom = domain(dom)?;
    let mut out = local.to_lowercase();
    out.push('@');
    out.push_str(&dom);
    Some(out)
}

/// A hex digest as bytes: 16 (MD5), 20 (SHA-1) or 32 (SHA-256); any case; `None`
/// otherwise.
pub fn hash(raw: &str) -> Option<HashKey> {
    let b = raw.as_bytes();
    match b.len() {
        32 => hex::<16>(b).map(HashKey::Md5),
        40 => hex::<20>(b).map(HashKey::Sha1),
        64 => hex::<32>(b).map(HashKey::Sha256),
        _ => None,
    }
}

/// A decoded digest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HashKey {
    Md5([u8; 16]),
    Sha1([u8; 20]),
    Sha256([u8; 32]),
}

fn hex<const N: usize>(b: &[u8]) -> Option<[u8; N]> {
    let mut out = [0u8; N];
    for (i, pair) in b.chunks_exact(2).enumerate() {
        let hi = nibble(pair[0])?;
        let lo = nibble(pair[1])?;
        *out.get_mut(i)? = hi << 4 | lo;
    }
    Some(out)
}

fn nibble(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// An address as logged: plain, `[v6]`, IPv4-mapped IPv6 folded to IPv4, expanded
/// zero-padded IPv6 (Suricata) accepted.
pub fn ip(raw: &str) -> Option<IpAddr> {
    let s = raw.trim();
    let s = s
        .strip_prefix('[')
        .and_then(|r| r.strip_suffix(']'))
        .unwrap_or(s);
    let ip = IpAddr::from_str(s).ok()?;
    Some(match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_forms() {
        assert_eq!(domain("Evil.Example.").as_deref(), Some("evil.example"));
        assert_eq!(
            domain("bücher.example").as_deref(),
            Some("xn--bcher-kva.example")
        );
        assert_eq!(domain("a b.example"), None);
        let u = url("HTTP://Dl.Bad.Example:80/X?y").unwrap();
        assert_eq!(u.key, "http://dl.bad.example/X?y");
        assert_eq!(u.host, "dl.bad.example");
        assert_eq!(
            url("https://[2001:DB8::1]:443").unwrap().key,
            "https://[2001:db8::1]/"
        );
        assert_eq!(
            url("http://h.example:8080/a").unwrap().key,
            "http://h.example:8080/a"
        );
        assert_eq!(
            email("\"Billing\" <Billing@Sender.Example>").as_deref(),
            Some("billing@sender.example")
        );
        assert_eq!(email("nobody"), None);
        assert!(matches!(hash(&"AB".repeat(16)), Some(HashKey::Md5(_))));
        assert_eq!(hash("zz"), None);
        assert_eq!(
            ip("2001:0db8:0000:0000:0000:0000:0000:0010")
                .map(|i| i.to_string())
                .as_deref(),
            Some("2001:db8::10")
        );
        assert_eq!(
            ip("::ffff:192.0.2.1").map(|i| i.to_string()).as_deref(),
            Some("192.0.2.1")
        );
        assert_eq!(
            split_host_port("dl.bad.example:8080"),
            ("dl.bad.example", Some("8080"))
        );
        assert_eq!(split_host_port("2001:db8::1"), ("2001:db8::1", None));
    }
}
