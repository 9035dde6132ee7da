// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Warninglists: indicators known to be false positives, never alerted on.
//!
//! The built-in list holds the IANA special-purpose address ranges (RFC 6890 and the
//! registries it set up: RFC 1122 "this network" and loopback, RFC 1918 private, RFC 6598
//! shared address space, RFC 3927 link-local, RFC 5737 documentation, RFC 2544
//! benchmarking, RFC 5771 multicast, RFC 1112 reserved, RFC 919 limited broadcast, RFC 4291
//! IPv6 unspecified/loopback/link-local/multicast, RFC 4193 unique local, RFC 3849 IPv6
//! documentation) and the special-use names of RFC 6761 (`localhost`, `test`, `invalid`,
//! `example`, the `example.com/net/org` second-level names), RFC 6762 (`local`) and
//! RFC 8375 (`home.arpa`).
//!
//! Further lists are MISP warninglists (`misp-warninglists`, FORMATS-LOGS.md §8): JSON
//! files `{name, version, description, type, list, matching_attributes?}` with `type`
//! one of `string` (exact), `substring`, `hostname` (the name or a parent domain; the
//! host of a URL), `cidr` (an address inside a listed range; other values exact) and
//! `regex`. A folder is searched for `*.json` files (`lists/<dir>/list.json`).

use std::collections::HashSet;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use ipnet::IpNet;
use serde::Deserialize;

use super::keys;
use crate::model::IndicatorType;

/// The IANA special-purpose ranges of the built-in list.
const SPECIAL_RANGES: &[&str] = &[
    "0.0.0.0/8",          // RFC 1122 "this network"
    "10.0.0.0/8",         // RFC 1918
    "100.64.0.0/10",      // RFC 6598 shared address space
    "127.0.0.0/8",        // RFC 1122 loopback
    "169.254.0.0/16",     // RFC 3927 link-local
    "172.16.0.0/12",      // RFC 1918
    "192.0.0.0/24",       // RFC 6890 IETF protocol assignments
    "192.0.2.0/24",       // RFC 5737 TEST-NET-1
    "192.168.0.0/16",     // RFC 1918
    "198.18.0.0/15",      // RFC 2544 benchmarking
    "198.51.100.0/24",    // RFC 5737 TEST-NET-2
    "203.0.113.0/24",     // RFC 5737 TEST-NET-3
    "224.0.0.0/4",        // RFC 5771 multicast
    "240.0.0.0/4",        // RFC 1112 reserved
    "255.255.255.255/32", // RFC 919 limited broadcast
    "::/128",             // RFC 4291 unspecified
    "::1/128",            // RFC 4291 loopback
    "fc00::/7",           // RFC 4193 unique local
    "fe80::/10",          // RFC 4291 link-local
    "ff00::/8",           // RFC 4291 multicast
    "2001:db8::/32",      // RFC 3849 documentation
];

/// The special-use names of the built-in list (the name and every name under it).
const SPECIAL_NAMES: &[&str] = &[
    "localhost",   // RFC 6761 §6.3
    "test",        // RFC 6761 §6.2
    "invalid",     // RFC 6761 §6.4
    "example",     // RFC 6761 §6.5
    "example.com", // RFC 6761 §6.5
    "example.net", // RFC 6761 §6.5
    "example.org", // RFC 6761 §6.5
    "local",       // RFC 6762 multicast DNS
    "home.arpa",   // RFC 8375
];

/// Why a warninglist could not be read.
#[derive(Debug, thiserror::Error)]
pub enum WarninglistError {
    #[error("cannot read warninglist {path}: {reason}")]
    Read { path: PathBuf, reason: String },
    #[error("warninglist {path} is not a MISP warninglist: {reason}")]
    Shape { path: PathBuf, reason: String },
}

/// A MISP warninglist file as written (FORMATS-LOGS.md §8): its name, its `type` (how
/// entries compare), its entries and, when given, the MISP attribute types it applies to.
#[derive(Debug, Clone, Deserialize)]
pub struct MispList {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub list: Vec<String>,
    #[serde(default)]
    pub matching_attributes: Option<Vec<String>>,
}

impl MispList {
    /// Reads a warninglist's JSON.
    ///
    /// # Errors
    /// serde's reason, one line, when it is not a JSON object with `name`, `type` and a
    /// `list` of strings.
    pub fn parse(bytes: &[u8]) -> Result<MispList, String> {
        serde_json::from_slice(bytes).map_err(|e| e.to_string())
    }
}

/// How a list compares values.
#[derive(Debug)]
enum Rule {
    Builtin,
    Exact(HashSet<String>),
    Substring(Vec<String>),
    Hostname(HashSet<String>),
    Cidr(Vec<IpNet>, HashSet<String>),
    Regex(regex::RegexSet),
}

/// One list: its name, the indicator types it applies to, and its entries.
#[derive(Debug)]
pub struct Warninglist {
    pub name: String,
    /// `None`: every type.
    types: Option<Vec<IndicatorType>>,
    rule: Rule,
}

impl Warninglist {
    /// The built-in list of special-purpose addresses and names.
    pub fn builtin() -> Self {
        Warninglist {
            name: "built-in: IANA special-purpose addresses and names (RFC 6890, RFC 6761)".into(),
            types: None,
            rule: Rule::Builtin,
        }
    }

    /// Reads one MISP warninglist file.
    pub fn from_file(path: &Path) -> Result<Self, WarninglistError> {
        let bytes = std::fs::read(path).map_err(|e| WarninglistError::Read {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        let shape = |reason: String| WarninglistError::Shape {
            path: path.to_path_buf(),
            reason,
        };
        Warninglist::from_misp(MispList::parse(&bytes).map_err(shape)?).map_err(shape)
    }

    /// The list a parsed MISP warninglist describes.
    ///
    /// # Errors
    /// Why its entries cannot be used, one line: an unknown `type`, a `regex` entry that
    /// does not compile.
    pub fn from_misp(raw: MispList) -> Result<Self, String> {
        let lower = |v: &[String]| v.iter().map(|s| s.trim().to_lowercase()).collect();
        let rule = match raw.kind.as_str() {
            "string" => Rule::Exact(lower(&raw.list)),
            "substring" => Rule::Substring(lower(&raw.list).into_iter().collect()),
            "hostname" => Rule::Hostname(
                raw.list
                    .iter()
                    .filter_map(|h| keys::domain(h.trim().trim_start_matches('.')))
                    .map(|h| h.into_owned())
                    .collect(),
            ),
            "cidr" => {
                let mut nets = Vec::new();
                let mut exact = HashSet::new();
                for e in &raw.list {
                    let e = e.trim();
                    match e.parse::<IpNet>() {
                        Ok(n) => nets.push(n),
                        Err(_) => match e.parse::<IpAddr>() {
                            Ok(ip) => nets.push(IpNet::from(ip)),
                            Err(_) => {
                                exact.insert(e.to_lowercase());
                            }
                        },
                    }
                }
                Rule::Cidr(nets, exact)
            }
            "regex" => Rule::Regex(
                regex::RegexSetBuilder::new(&raw.list)
                    .case_insensitive(true)
                    .size_limit(64 << 20)
                    .build()
                    .map_err(|e| e.to_string())?,
            ),
            other => {
                return Err(format!(
                    "unknown type `{}` (expected string, substring, hostname, cidr or regex)",
                    crate::model::sanitize::one_line(other, 40)
                ));
            }
        };
        let types = raw.matching_attributes.map(|attrs| {
            let mut t: Vec<IndicatorType> =
                attrs.iter().flat_map(|a| misp_types(a)).copied().collect();
            t.sort_unstable();
            t.dedup();
            t
        });
        Ok(Warninglist {
            name: raw.name,
            types,
            rule,
        })
    }

    /// Whether this list holds `value` (a canonical indicator of type `kind`).
    pub fn holds(&self, kind: IndicatorType, value: &str) -> bool {
        if self.types.as_ref().is_some_and(|t| !t.contains(&kind)) {
            return false;
        }
        match &self.rule {
            Rule::Builtin => builtin_holds(kind, value),
            Rule::Exact(set) => set.contains(value) || set.contains(&value.to_lowercase()),
            Rule::Substring(parts) => {
                let v = value.to_lowercase();
                parts
                    .iter()
                    .any(|p| !p.is_empty() && v.contains(p.as_str()))
            }
            Rule::Hostname(set) => {
                host_of(kind, value).is_some_and(|h| under(&h, |n| set.contains(n)))
            }
            Rule::Cidr(nets, exact) => match ip_of(kind, value) {
                Some(Ip::Addr(ip)) => nets.iter().any(|n| n.contains(&ip)),
                Some(Ip::Net(net)) => nets.iter().any(|n| n.contains(&net)),
                None => exact.contains(&value.to_lowercase()),
            },
            Rule::Regex(set) => set.is_match(value),
        }
    }
}

/// The indicator types a MISP attribute type names.
fn misp_types(attr: &str) -> &'static [IndicatorType] {
    use IndicatorType::*;
    match attr {
        "ip-src" | "ip-dst" | "ip-src|port" | "ip-dst|port" | "domain|ip" => &[Ipv4, Ipv6, Cidr],
        "domain" | "hostname" | "hostname|port" => &[Domain],
        "url" | "uri" | "link" => &[Url],
        "md5" | "filename|md5" => &[Md5],
        "sha1" | "filename|sha1" | "x509-fingerprint-sha1" => &[Sha1],
        "sha256" | "filename|sha256" | "x509-fingerprint-sha256" => &[Sha256],
        "email" | "email-src" | "email-dst" | "target-email" => &[Email],
        "vulnerability" => &[Cve],
        _ => &[],
    }
}

enum Ip {
    Addr(IpAddr),
    Net(IpNet),
}

fn ip_of(kind: IndicatorType, value: &str) -> Option<Ip> {
    match kind {
        IndicatorType::Ipv4 | IndicatorType::Ipv6 => keys::ip(value).map(Ip::Addr),
        IndicatorType::Cidr => value.parse::<IpNet>().ok().map(Ip::Net),
        IndicatorType::Url => keys::url(value)
            .and_then(|u| keys::ip(&u.host))
            .map(Ip::Addr),
        _ => None,
    }
}

fn host_of(kind: IndicatorType, value: &str) -> Option<std::borrow::Cow<'_, str>> {
    use std::borrow::Cow;
    match kind {
        IndicatorType::Domain => keys::domain(value),
        IndicatorType::Url => keys::url(value).map(|u| Cow::Owned(u.host)),
        IndicatorType::Email => value.rsplit_once('@').and_then(|(_, d)| keys::domain(d)),
        _ => None,
    }
}

/// Whether `name` or a parent domain of it satisfies `listed`.
fn under(name: &str, listed: impl Fn(&str) -> bool) -> bool {
    let mut rest = name;
    loop {
        if listed(rest) {
            return true;
        }
        match rest.find('.') {
            Some(dot) => rest = &rest[dot + 1..],
            None => return false,
        }
    }
}

static SPECIAL_NETS: std::sync::LazyLock<Vec<IpNet>> = std::sync::LazyLock::new(|| {
    SPECIAL_RANGES
        .iter()
        .filter_map(|r| r.parse::<IpNet>().ok())
        .collect()
});

fn builtin_holds(kind: IndicatorType, value: &str) -> bool {
    let special_net = |n: &IpNet| SPECIAL_NETS.iter().any(|r| r.contains(n));
    if let Some(ip) = ip_of(kind, value) {
        return match ip {
            Ip::Addr(a) => special_net(&IpNet::from(a)),
            Ip::Net(n) => special_net(&n),
        };
    }
    host_of(kind, value).is_some_and(|h| under(&h, |n| SPECIAL_NAMES.contains(&n)))
}

/// Lists consulted after the warninglists, by rules of their own (the config's
/// allowlists, `trust::allowlist`): the matcher, `fetch` and the dashboard leave out what
/// they hold exactly as they leave out what a warninglist holds.
pub trait MoreLists: std::fmt::Debug + Send + Sync {
    /// How many lists there are.
    fn count(&self) -> usize;
    /// The name of list `i` (`0..count()`); `""` past the end.
    fn name(&self, i: usize) -> &str;
    /// The list that holds `value`, a canonical indicator of type `kind`, if any.
    fn holding(&self, kind: IndicatorType, value: &str) -> Option<usize>;
}

/// The lists in force: the warninglists, built-in first, then any [`MoreLists`]
/// ([`Warninglists::with_more`]). A list is named by its position in that order
/// ([`Warninglists::suppresses`], [`Warninglists::names`]).
#[derive(Debug, Default)]
pub struct Warninglists {
    lists: Vec<Warninglist>,
    more: Option<std::sync::Arc<dyn MoreLists>>,
}

impl Warninglists {
    /// No lists at all (`--no-warninglists`).
    pub fn none() -> Self {
        Self::default()
    }

    /// The built-in list plus every MISP list under `paths` (files, or folders searched
    /// recursively for `*.json`). A list that cannot be read is an error.
    pub fn load(paths: &[PathBuf]) -> Result<Self, WarninglistError> {
        let mut lists = vec![Warninglist::builtin()];
        for p in paths {
            let mut files = Vec::new();
            collect(p, &mut files, 0)?;
            files.sort();
            for f in files {
                lists.push(Warninglist::from_file(&f)?);
            }
        }
        Ok(Warninglists { lists, more: None })
    }

    /// These lists, then `more` (positions `warninglists()..len()`).
    pub fn with_more(mut self, more: std::sync::Arc<dyn MoreLists>) -> Self {
        self.more = Some(more);
        self
    }

    /// Every list: the warninglists and the further lists.
    pub fn len(&self) -> usize {
        self.lists.len() + self.more.as_ref().map_or(0, |m| m.count())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many of the lists are warninglists: positions from here on are the further
    /// lists of [`Warninglists::with_more`].
    pub fn warninglists(&self) -> usize {
        self.lists.len()
    }

    /// Every list's name, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        let more = self.more.as_deref();
        self.lists
            .iter()
            .map(|l| l.name.as_str())
            .chain((0..more.map_or(0, |m| m.count())).map(move |i| more.map_or("", |m| m.name(i))))
    }

    /// The name of the list at position `i`.
    pub fn name(&self, i: usize) -> &str {
        match self.lists.get(i) {
            Some(l) => &l.name,
            None => self
                .more
                .as_deref()
                .map_or("", |m| m.name(i - self.lists.len())),
        }
    }

    /// The first list holding the indicator, by position.
    pub fn suppresses(&self, kind: IndicatorType, value: &str) -> Option<usize> {
        if let Some(i) = self.lists.iter().position(|l| l.holds(kind, value)) {
            return Some(i);
        }
        let more = self.more.as_deref()?;
        more.holding(kind, value).map(|i| self.lists.len() + i)
    }
}

fn collect(path: &Path, out: &mut Vec<PathBuf>, depth: usize) -> Result<(), WarninglistError> {
    let read_err = |e: std::io::Error| WarninglistError::Read {
        path: path.to_path_buf(),
        reason: e.to_string(),
    };
    let meta = std::fs::metadata(path).map_err(read_err)?;
    if meta.is_file() {
        out.push(path.to_path_buf());
        return Ok(());
    }
    if depth > 4 {
        return Ok(());
    }
    for entry in std::fs::read_dir(path).map_err(read_err)? {
        let p = entry.map_err(read_err)?.path();
        if p.is_dir() {
            collect(&p, out, depth + 1)?;
        } else if p.extension().is_some_and(|e| e == "json") {
            out.push(p);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_holds_special_purpose_values_only() {
        let b = Warninglist::builtin();
        assert!(b.holds(IndicatorType::Ipv4, "10.1.2.3"));
        assert!(b.holds(IndicatorType::Ipv4, "192.0.2.7"));
        assert!(b.holds(IndicatorType::Cidr, "198.51.100.0/25"));
        assert!(b.holds(IndicatorType::Ipv6, "2001:db8::1"));
        assert!(b.holds(IndicatorType::Domain, "evil.example"));
        assert!(b.holds(IndicatorType::Url, "http://localhost/x"));
        assert!(!b.holds(IndicatorType::Ipv4, "8.8.8.8"));
        assert!(!b.holds(IndicatorType::Domain, "example.io"));
        assert!(!b.holds(IndicatorType::Cidr, "0.0.0.0/0"));
    }
}
