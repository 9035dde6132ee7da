// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The allowlists' index: every value of every list in one structure, asked once per
//! indicator. Addresses are hash sets of their bits, ranges a prefix trie per address
//! family (longest match first), domains a hash set walked label by label from the
//! full name up, and every other type a hash set of its canonical text. Each entry keeps
//! the list it came from; a value in several lists keeps the first.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

use hashbrown::HashMap;
use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use prefix_trie::PrefixMap;

use crate::model::IndicatorType;

/// A list's position among the allowlists.
pub type ListId = u16;

/// Every list's values, by how they compare.
#[derive(Default)]
pub(super) struct Index {
    v4: HashMap<u32, ListId>,
    v6: HashMap<u128, ListId>,
    nets4: PrefixMap<Ipv4Net, ListId>,
    nets6: PrefixMap<Ipv6Net, ListId>,
    /// Names in IDNA ASCII, lower case, without a trailing dot.
    domains: HashMap<Box<str>, ListId>,
    /// URLs, e-mail addresses, digests and CVE ids, by type: compared whole.
    exact: [HashMap<Box<str>, ListId>; IndicatorType::ALL.len()],
}

impl std::fmt::Debug for Index {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Index")
            .field("addresses", &(self.v4.len() + self.v6.len()))
            .field("ranges", &(self.nets4.len() + self.nets6.len()))
            .field("domains", &self.domains.len())
            .field(
                "others",
                &self.exact.iter().map(HashMap::len).sum::<usize>(),
            )
            .finish()
    }
}

/// The position of `kind` in [`IndicatorType::ALL`].
fn slot(kind: IndicatorType) -> usize {
    kind as usize
}

impl Index {
    /// Adds `value`, a canonical indicator of type `kind` (as
    /// [`crate::model::indicator::normalise`] gives it), for `list`. Returns whether it
    /// was new (a value already held keeps its first list). A value that does not parse
    /// as its type is not added.
    pub(super) fn insert(&mut self, kind: IndicatorType, value: &str, list: ListId) -> bool {
        use hashbrown::hash_map::Entry;
        fn put<K: std::hash::Hash + Eq>(m: &mut HashMap<K, ListId>, k: K, list: ListId) -> bool {
            match m.entry(k) {
                Entry::Occupied(_) => false,
                Entry::Vacant(v) => {
                    v.insert(list);
                    true
                }
            }
        }
        match kind {
            IndicatorType::Ipv4 | IndicatorType::Ipv6 => match IpAddr::from_str(value) {
                Ok(IpAddr::V4(a)) => put(&mut self.v4, u32::from(a), list),
                Ok(IpAddr::V6(a)) => match a.to_ipv4_mapped() {
                    Some(a) => put(&mut self.v4, u32::from(a), list),
                    None => put(&mut self.v6, u128::from(a), list),
                },
                Err(_) => false,
            },
            IndicatorType::Cidr => match IpNet::from_str(value).map(|n| n.trunc()) {
                Ok(IpNet::V4(n)) if self.nets4.get(&n).is_none() => {
                    self.nets4.insert(n, list);
                    true
                }
                Ok(IpNet::V6(n)) if self.nets6.get(&n).is_none() => {
                    self.nets6.insert(n, list);
                    true
                }
                _ => false,
            },
            IndicatorType::Domain => put(&mut self.domains, Box::from(value), list),
            _ => put(&mut self.exact[slot(kind)], Box::from(value), list),
        }
    }

    /// Values held.
    pub(super) fn len(&self) -> usize {
        self.v4.len()
            + self.v6.len()
            + self.nets4.len()
            + self.nets6.len()
            + self.domains.len()
            + self.exact.iter().map(HashMap::len).sum::<usize>()
    }

    /// The list that covers `value`, a canonical indicator of type `kind`:
    /// - an address: the address itself, or a range holding it;
    /// - a range: a range holding all of it (the same or a shorter prefix), or, for a
    ///   single-address range, that address;
    /// - a domain: the name or any parent name, at a label boundary;
    /// - a URL: the URL itself, else its host as an address or a domain (above);
    /// - an e-mail address, a digest or a CVE id: the same value.
    ///
    /// The most specific entry answers (the address before its range, the full name
    /// before its parents).
    pub(super) fn covers(&self, kind: IndicatorType, value: &str) -> Option<ListId> {
        match kind {
            IndicatorType::Ipv4 | IndicatorType::Ipv6 => self.address(parse_ip(value)?),
            IndicatorType::Cidr => match IpNet::from_str(value).ok()?.trunc() {
                IpNet::V4(n) => {
                    if n.prefix_len() == 32
                        && let Some(&l) = self.v4.get(&u32::from(n.addr()))
                    {
                        return Some(l);
                    }
                    self.nets4.get_lpm(&n).map(|(_, &l)| l)
                }
                IpNet::V6(n) => {
                    if n.prefix_len() == 128
                        && let Some(&l) = self.v6.get(&u128::from(n.addr()))
                    {
                        return Some(l);
                    }
                    self.nets6.get_lpm(&n).map(|(_, &l)| l)
                }
            },
            IndicatorType::Domain => self.domain(value),
            IndicatorType::Url => {
                if let Some(&l) = self.exact[slot(kind)].get(value) {
                    return Some(l);
                }
                match url_host(value)? {
                    Host::Ip(ip) => self.address(ip),
                    Host::Name(name) => self.domain(name),
                }
            }
            _ => self.exact[slot(kind)].get(value).copied(),
        }
    }

    fn address(&self, ip: IpAddr) -> Option<ListId> {
        match ip {
            IpAddr::V4(a) => {
                let bits = u32::from(a);
                if let Some(&l) = self.v4.get(&bits) {
                    return Some(l);
                }
                if self.nets4.is_empty() {
                    return None;
                }
                let host = Ipv4Net::new(a, 32).ok()?;
                self.nets4.get_lpm(&host).map(|(_, &l)| l)
            }
            IpAddr::V6(a) => {
                if let Some(&l) = self.v6.get(&u128::from(a)) {
                    return Some(l);
                }
                if self.nets6.is_empty() {
                    return None;
                }
                let host = Ipv6Net::new(a, 128).ok()?;
                self.nets6.get_lpm(&host).map(|(_, &l)| l)
            }
        }
    }

    /// The name or its nearest listed parent, label by label: `a.b.example` asks
    /// `a.b.example`, `b.example`, `example`; never a part of a label.
    fn domain(&self, name: &str) -> Option<ListId> {
        if self.domains.is_empty() {
            return None;
        }
        let mut rest = name;
        loop {
            if let Some(&l) = self.domains.get(rest) {
                return Some(l);
            }
            rest = &rest[rest.find('.')? + 1..];
        }
    }
}

/// An address as the store writes it (IPv4-mapped IPv6 as the IPv4 address).
fn parse_ip(value: &str) -> Option<IpAddr> {
    if let Ok(a) = Ipv4Addr::from_str(value) {
        return Some(IpAddr::V4(a));
    }
    let a = Ipv6Addr::from_str(value).ok()?;
    Some(match a.to_ipv4_mapped() {
        Some(v4) => IpAddr::V4(v4),
        None => IpAddr::V6(a),
    })
}

/// A URL's host.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Host<'a> {
    Ip(IpAddr),
    Name(&'a str),
}

/// The host of a canonical URL (`scheme://[user@]host[:port]/...`, host in lower case
/// and IDNA ASCII, an IPv6 address in brackets); `None` without `://` or a host.
pub(super) fn url_host(url: &str) -> Option<Host<'_>> {
    let rest = &url[url.find("://")? + 3..];
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if let Some(inner) = host_port.strip_prefix('[') {
        let (inside, _) = inner.split_once(']')?;
        return parse_ip(inside).map(Host::Ip);
    }
    let host = match host_port.rsplit_once(':') {
        Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => host_port,
    };
    if host.is_empty() {
        return None;
    }
    Some(match parse_ip(host) {
        Some(ip) => Host::Ip(ip),
        None => Host::Name(host.strip_suffix('.').unwrap_or(host)),
    })
}
