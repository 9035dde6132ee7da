// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Indicator types and the normalisation every value goes through before it is merged.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use thin_vec::ThinVec;

use crate::model::list::List;
use crate::model::time::Secs;

/// The kinds of indicator IntelliSIEM models.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IndicatorType {
    Ipv4,
    Ipv6,
    Cidr,
    Domain,
    Url,
    Md5,
    Sha1,
    Sha256,
    Email,
    Cve,
}

impl IndicatorType {
    pub const ALL: [IndicatorType; 10] = [
        IndicatorType::Ipv4,
        IndicatorType::Ipv6,
        IndicatorType::Cidr,
        IndicatorType::Domain,
        IndicatorType::Url,
        IndicatorType::Md5,
        IndicatorType::Sha1,
        IndicatorType::Sha256,
        IndicatorType::Email,
        IndicatorType::Cve,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            IndicatorType::Ipv4 => "ipv4",
            IndicatorType::Ipv6 => "ipv6",
            IndicatorType::Cidr => "cidr",
            IndicatorType::Domain => "domain",
            IndicatorType::Url => "url",
            IndicatorType::Md5 => "md5",
            IndicatorType::Sha1 => "sha1",
            IndicatorType::Sha256 => "sha256",
            IndicatorType::Email => "email",
            IndicatorType::Cve => "cve",
        }
    }

    pub fn is_hash(self) -> bool {
        matches!(
            self,
            IndicatorType::Md5 | IndicatorType::Sha1 | IndicatorType::Sha256
        )
    }
}

impl fmt::Display for IndicatorType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for IndicatorType {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        IndicatorType::ALL
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                format!(
                    "unknown indicator type `{s}` (expected one of: {})",
                    IndicatorType::ALL.map(IndicatorType::as_str).join(", ")
                )
            })
    }
}

/// VirusTotal's `last_analysis_stats`: part of its [`crate::model::Verdict`] on a value.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VtStats {
    pub malicious: u32,
    pub suspicious: u32,
    pub harmless: u32,
    pub undetected: u32,
    #[serde(default)]
    pub timeout: u32,
    /// VirusTotal's community reputation score.
    #[serde(default)]
    pub reputation: i32,
    /// When VirusTotal last analysed the object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_analysis: Option<Timestamp>,
}

/// What one source says about one indicator: everything except its key.
///
/// Kept compact, since the store holds one per source per indicator: second-resolution
/// times and `ThinVec` lists (8 bytes each, no allocation while empty) make it 64 bytes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Observation {
    pub first_seen: Option<Secs>,
    pub last_seen: Option<Secs>,
    pub threat: Option<Arc<str>>,
    /// Shared with every sighting of the batch that has the same tags.
    pub tags: List<Arc<str>>,
    pub confidence: Option<u8>,
    pub references: ThinVec<Arc<str>>,
    /// Sorted; shared like `tags`.
    pub ports: List<u16>,
}

impl Observation {
    /// Makes the dates agree: a `last_seen` before `first_seen` becomes `first_seen`.
    /// A source that first listed a value at a time vouched for it then, so the later
    /// of the two is the last time it was seen; the first sighting stays as given.
    /// Every parsed record passes through this ([`crate::sources::BatchBuilder`]), so
    /// `first_seen ≤ last_seen` holds for every source.
    pub fn settle_dates(&mut self) {
        if let (Some(f), Some(l)) = (self.first_seen, self.last_seen)
            && f > l
        {
            self.last_seen = Some(f);
        }
    }

    /// Folds another sighting of the same key by the same source into this one: first
    /// seen at the earliest date either gives, last seen at the latest (a first
    /// sighting after the other's last one moves it on), so `first_seen ≤ last_seen`
    /// still holds and no date is lost. A last sighting is not made up: with one date
    /// in all, given as a first sighting, there is none.
    pub fn absorb(&mut self, other: Observation) {
        let dates = [
            self.first_seen,
            self.last_seen,
            other.first_seen,
            other.last_seen,
        ];
        let said_last = self.last_seen.is_some() || other.last_seen.is_some();
        let first = dates.iter().flatten().min().copied();
        let last = dates.iter().flatten().max().copied();
        self.first_seen = first;
        self.last_seen = last.filter(|&l| said_last || Some(l) != first);
        if self.threat.is_none() {
            self.threat = other.threat;
        }
        self.tags = self.tags.union(&other.tags);
        self.confidence = self.confidence.max(other.confidence);
        union_into(&mut self.references, other.references);
        self.ports = sorted_union(&self.ports, &other.ports);
    }
}

/// One parsed record: the key `(kind, value)` and what the source says of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Sighting {
    pub kind: IndicatorType,
    pub value: Box<str>,
    pub obs: Observation,
}

pub(crate) fn max_time<T: Ord>(a: Option<T>, b: Option<T>) -> Option<T> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

/// `ports` and the ports of `extra` it lacks, sorted; `ports` again if none.
pub(crate) fn sorted_union(ports: &List<u16>, extra: &[u16]) -> List<u16> {
    let merged = ports.union(extra);
    if merged.shares(ports) {
        return merged;
    }
    let mut v = merged.to_vec();
    v.sort_unstable();
    List::from(v)
}

/// Appends the items of `extra` not yet in `into`, keeping first-seen order.
pub(crate) fn union_into<T: PartialEq>(into: &mut ThinVec<T>, extra: impl IntoIterator<Item = T>) {
    for item in extra {
        if !into.contains(&item) {
            into.push(item);
        }
    }
}

/// Undoes the usual ways analysts "defang" indicators so they cannot be clicked:
/// `hxxp://`, `[.]`, `(.)`, `{.}`, `[dot]`, `[:]`, `[://]`, `[@]`, `[at]`.
///
/// One left-to-right pass that reduces a pattern as soon as it ends at the tail of the
/// output, so nested defanging (`[[.]]`) is undone too and the result is a fixed point:
/// `refang(refang(x)) == refang(x)`.
pub fn refang(input: &str) -> String {
    const PATTERNS: [(&str, &str); 9] = [
        ("[.]", "."),
        ("(.)", "."),
        ("{.}", "."),
        ("[dot]", "."),
        ("(dot)", "."),
        ("[:]", ":"),
        ("[://]", "://"),
        ("[@]", "@"),
        ("[at]", "@"),
    ];
    let trimmed = input.trim();
    let mut s = String::with_capacity(trimmed.len());
    if trimmed.contains(['[', '(', '{']) {
        for c in trimmed.chars() {
            s.push(c);
            // Case-insensitive: `[DOT]` and `[At]` are defanging too, and the host of a URL
            // is lowercased later, which must not create a pattern a second pass would undo.
            if matches!(c, ']' | ')' | '}')
                && let Some((from, to)) = PATTERNS.iter().find(|(p, _)| {
                    s.len()
                        .checked_sub(p.len())
                        .and_then(|at| s.get(at..))
                        .is_some_and(|tail| tail.eq_ignore_ascii_case(p))
                })
            {
                s.truncate(s.len() - from.len());
                s.push_str(to);
            }
        }
    } else {
        s.push_str(trimmed);
    }
    for (from, to) in [("hxxps", "https"), ("hxxp", "http")] {
        if s.get(..from.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(from))
        {
            s.replace_range(..from.len(), to);
            break;
        }
    }
    s
}

/// Why a value could not be made into an indicator of the given type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a valid {kind}: {reason}")]
pub struct InvalidValue {
    pub kind: IndicatorType,
    pub reason: &'static str,
}

/// Longest value kept, in bytes: longer ones (a hostile feed's 100 KB "URL") are skipped.
pub const MAX_VALUE_LEN: usize = 4096;

/// A normalised value, with the port split off an `ip:port` form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalised {
    pub kind: IndicatorType,
    pub value: String,
    pub port: Option<u16>,
}

fn invalid(kind: IndicatorType, reason: &'static str) -> InvalidValue {
    InvalidValue { kind, reason }
}

/// Normalises `raw` as an indicator of type `kind`: refangs it, lowercases domains and
/// hashes, canonicalises IP addresses, uppercases CVE ids, strips a domain's trailing dot,
/// and splits `ip:port` into the address and its port.
pub fn normalise(kind: IndicatorType, raw: &str) -> Result<Normalised, InvalidValue> {
    let refanged = prepare(kind, raw)?;
    if kind == IndicatorType::Ipv4 && is_plain_ipv4(&refanged) {
        return Ok(Normalised {
            kind,
            value: refanged,
            port: None,
        });
    }
    let s = refanged.as_str();
    let plain = |value: String| Normalised {
        kind,
        value,
        port: None,
    };
    match kind {
        IndicatorType::Ipv4 | IndicatorType::Ipv6 => normalise_ip(s).and_then(|n| {
            // An IPv4-mapped IPv6 address (two colons or more, read as IPv4) is the IPv4
            // address, whichever family the feed declared.
            let mapped =
                n.kind == IndicatorType::Ipv4 && s.bytes().filter(|&b| b == b':').count() >= 2;
            if n.kind == kind || mapped {
                Ok(n)
            } else {
                Err(invalid(kind, "wrong address family"))
            }
        }),
        IndicatorType::Cidr => normalise_cidr(s).map(plain),
        IndicatorType::Domain => normalise_domain(s).map(plain),
        IndicatorType::Url => normalise_url(s).map(plain),
        IndicatorType::Md5 => normalise_hash(kind, s, 32).map(plain),
        IndicatorType::Sha1 => normalise_hash(kind, s, 40).map(plain),
        IndicatorType::Sha256 => normalise_hash(kind, s, 64).map(plain),
        IndicatorType::Email => normalise_email(s).map(plain),
        IndicatorType::Cve => normalise_cve(s).map(plain),
    }
}

/// Dotted-quad IPv4 as its own canonical form: four decimal octets, none above 255 and
/// none with a leading zero, so the address prints back as `s`.
fn is_plain_ipv4(s: &str) -> bool {
    s.len() <= 15
        && s.split('.').count() == 4
        && s.split('.').all(|o| {
            !o.is_empty()
                && o.len() <= 3
                && o.bytes().all(|b| b.is_ascii_digit())
                && (o.len() == 1 || !o.starts_with('0'))
                && o.parse::<u8>().is_ok()
        })
}

/// A value no step of [`prepare`] changes: printable ASCII without spaces or the
/// brackets defanging uses, not starting with `hxxp`.
fn is_plain_text(raw: &str) -> bool {
    !raw.is_empty()
        && raw.len() <= MAX_VALUE_LEN
        && raw
            .bytes()
            .all(|b| b.is_ascii_graphic() && !matches!(b, b'[' | b'(' | b'{'))
        && !raw.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("hxxp"))
}

/// The checks and clean-up every value gets first: bounded length, refanged, trimmed
/// (also of a stray byte-order mark), no control or invisible character left.
fn prepare(kind: IndicatorType, raw: &str) -> Result<String, InvalidValue> {
    if is_plain_text(raw) {
        return Ok(raw.to_owned());
    }
    prepare_general(kind, raw)
}

/// [`prepare`] step by step, for any value.
fn prepare_general(kind: IndicatorType, raw: &str) -> Result<String, InvalidValue> {
    if raw.len() > MAX_VALUE_LEN * 2 {
        return Err(invalid(kind, "too long"));
    }
    let raw = raw.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    let s = refang(raw);
    if s.is_empty() {
        return Err(invalid(kind, "empty value"));
    }
    if s.len() > MAX_VALUE_LEN {
        return Err(invalid(kind, "too long"));
    }
    if s.chars().any(super::sanitize::is_unsafe) {
        return Err(invalid(kind, "control or invisible character"));
    }
    Ok(s)
}

/// The current canonical form of a value stored in an earlier one, or `None` when it is
/// already canonical (the usual case, checked without allocating). URLs gained a dropped
/// default port, a `/` for an empty path and canonical address hosts, and e-mail
/// addresses a lower-case local part; a store written before reads back in today's form,
/// so `lookup`, `match` and the filter find what it holds.
pub fn recanonical(kind: IndicatorType, value: &str) -> Option<String> {
    let stale = match kind {
        IndicatorType::Email => value.bytes().any(|b| b.is_ascii_uppercase()),
        IndicatorType::Url => {
            let (_, rest) = value.split_once("://")?;
            let end = rest.find(['/', '?', '#']);
            let authority = &rest[..end.unwrap_or(rest.len())];
            end.is_none_or(|e| rest.as_bytes()[e] != b'/')
                || authority.contains('[')
                || authority.bytes().any(|b| b.is_ascii_uppercase())
                || [":80", ":443", ":21"]
                    .iter()
                    .any(|p| authority.ends_with(p))
        }
        _ => false,
    };
    if !stale {
        return None;
    }
    normalise(kind, value)
        .ok()
        .map(|n| n.value)
        .filter(|v| v != value)
}

/// Guesses the type of a bare value (for plain lists) and normalises it.
pub fn detect(raw: &str) -> Option<Normalised> {
    if raw.len() > MAX_VALUE_LEN * 2 {
        return None;
    }
    let refanged = refang(raw.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}'));
    let s = refanged.as_str();
    if s.is_empty() {
        return None;
    }
    if s.contains("://") {
        return normalise(IndicatorType::Url, s).ok();
    }
    if s.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("cve-")) {
        return normalise(IndicatorType::Cve, s).ok();
    }
    if s.contains('/') {
        return normalise(IndicatorType::Cidr, s).ok();
    }
    if let Ok(n) = normalise_ip(s) {
        return Some(n);
    }
    if s.bytes().all(|b| b.is_ascii_hexdigit()) {
        let kind = match s.len() {
            32 => IndicatorType::Md5,
            40 => IndicatorType::Sha1,
            64 => IndicatorType::Sha256,
            _ => return None,
        };
        return normalise(kind, s).ok();
    }
    if s.contains('@') {
        return normalise(IndicatorType::Email, s).ok();
    }
    normalise(IndicatorType::Domain, s).ok()
}

fn normalise_url(s: &str) -> Result<String, InvalidValue> {
    forms::canonical_url(s).map(|(key, _)| key)
}

fn normalise_hash(kind: IndicatorType, s: &str, len: usize) -> Result<String, InvalidValue> {
    if s.len() != len {
        return Err(invalid(kind, "wrong length"));
    }
    if !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(invalid(kind, "not hexadecimal"));
    }
    Ok(s.to_ascii_lowercase())
}

fn normalise_email(s: &str) -> Result<String, InvalidValue> {
    let kind = IndicatorType::Email;
    let (local, domain) = s.rsplit_once('@').ok_or_else(|| invalid(kind, "no @"))?;
    if local.is_empty() || local.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(invalid(kind, "bad local part"));
    }
    let domain = normalise_domain(domain).map_err(|_| invalid(kind, "bad domain"))?;
    // Lower case whole, as `match` keys addresses (`matching::keys::email`): mail
    // systems treat local parts case-insensitively in practice, and one form per value
    // lets a pasted `Bob@Corp.example` find what a log's `bob@corp.example` hit.
    Ok(format!("{}@{domain}", local.to_lowercase()))
}

fn normalise_cve(s: &str) -> Result<String, InvalidValue> {
    let kind = IndicatorType::Cve;
    let up = s.to_ascii_uppercase();
    let mut parts = up.splitn(3, '-');
    let ok = parts.next() == Some("CVE")
        && parts
            .next()
            .is_some_and(|y| y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()))
        && parts
            .next()
            .is_some_and(|n| n.len() >= 4 && n.len() <= 8 && n.bytes().all(|b| b.is_ascii_digit()));
    if ok {
        Ok(up)
    } else {
        Err(invalid(kind, "not CVE-YYYY-NNNN"))
    }
}

mod forms;

pub use forms::{canonical_url, display_value, normalise_ip_port, split_host_port};
use forms::{normalise_cidr, normalise_domain, normalise_ip};

#[cfg(test)]
mod tests;
