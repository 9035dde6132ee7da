// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Sorting rows by what each column means: addresses numerically (IPv4 before IPv6, a
//! range by its network then its prefix, next to the addresses it holds), times
//! chronologically, sources by how many then by name, threats by name regardless of
//! case.
//!
//! Each row's key is computed once, into a vector sorted in place: no comparison
//! allocates, and only text values (domains, URLs, hashes) compare strings. Rows with no
//! key (no date, no threat) go last in both directions: reversing a sort reverses what is
//! known, and the unknown stays out of the way. Ties keep arrival order.

use std::cmp::{Ordering, Reverse};
use std::net::{Ipv4Addr, Ipv6Addr};

use super::set::{Entry, Store};
use crate::model::IndicatorType;

/// What rows are ordered by: arrival, or the column of the column table that names
/// the key ([`crate::store::columns`] cycles through them). How each orders is in
/// [`sort`]; the default is newest last seen first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    /// The order the sources delivered.
    Arrival,
    /// Indicator type.
    Type,
    /// Addresses numerically (IPv4 before IPv6, ranges by network then prefix), then
    /// other values bytewise.
    Value,
    /// Most sources first, then by their names.
    Sources,
    /// Known threats first, by name regardless of case.
    Threat,
    /// Newest first (last seen, else first seen); undated last, in both directions.
    #[default]
    LastSeen,
    /// Highest score first, ties newest first (the order `fetch --max` keeps).
    Score,
}

/// A sort: the key, and whether its order is reversed (rows without a key stay last).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Sort {
    /// What rows are ordered by.
    pub key: SortKey,
    /// Reverse the key's order.
    pub reverse: bool,
}

/// Sorts row positions of `store` by `sort`; positions that name no entry go last.
pub fn sort(store: &Store, rows: &mut [u32], sort: Sort) {
    let slots = store.slots();
    let entry = |r: u32| slots.get(r as usize);
    let desc = sort.reverse;
    match sort.key {
        SortKey::Arrival => {
            rows.sort_unstable();
            if desc {
                rows.reverse();
            }
        }
        SortKey::Type => by_key(rows, desc, |r| entry(r).map(|e| e.kind)),
        SortKey::Value => by_value(store, rows, desc),
        SortKey::Sources => {
            let rank = name_ranks(store);
            by_key(rows, desc, |r| entry(r).map(|e| sources_key(e, &rank)))
        }
        SortKey::Threat => {
            let ranks = ThreatRanks::new(store, rows);
            by_key(rows, desc, |r| entry(r).and_then(|e| ranks.of(e)))
        }
        // Newest first unless reversed.
        SortKey::LastSeen => by_seconds(rows, !desc, |r| entry(r).and_then(seen)),
        SortKey::Score => by_key(rows, desc, |r| entry(r).map(score_key)),
    }
}

/// Sorts `rows` by `key`, computed once per row: ascending (descending with
/// `descending`), `None` last either way, ties by position.
fn by_key<K: Ord + Copy>(rows: &mut [u32], descending: bool, key: impl Fn(u32) -> Option<K>) {
    let mut keyed: Vec<(Option<K>, u32)> = rows.iter().map(|&r| (key(r), r)).collect();
    keyed.sort_unstable_by(|a, b| known_first(&a.0, &b.0, descending).then(a.1.cmp(&b.1)));
    for (dst, (_, r)) in rows.iter_mut().zip(keyed) {
        *dst = r;
    }
}

/// Sorts `rows` by a time in seconds as [`by_key`] does, each key folded with its row
/// into one pair of integers, and the halves sorted on two cores: the default order,
/// sorted again whenever the analyst picks it.
fn by_seconds(rows: &mut [u32], descending: bool, key: impl Fn(u32) -> Option<i64>) {
    let mut keyed: Vec<(u64, u32)> = rows
        .iter()
        .map(|&r| (ordered(key(r), descending), r))
        .collect();
    let two = std::thread::available_parallelism().is_ok_and(|n| n.get() > 1);
    if keyed.len() < PARALLEL_SORT_MIN || !two {
        keyed.sort_unstable();
        for (dst, (_, r)) in rows.iter_mut().zip(keyed) {
            *dst = r;
        }
        return;
    }
    let (a, b) = keyed.split_at_mut(rows.len() / 2);
    std::thread::scope(|s| {
        s.spawn(|| a.sort_unstable());
        b.sort_unstable();
    });
    merge_into(a, b, rows);
}

/// The key [`SortKey::Score`] sorts `e` by: highest score first, then newest.
pub fn score_key(e: &Entry) -> (Reverse<u8>, u64) {
    (Reverse(e.score), seen_key(e, true))
}

/// The key [`SortKey::LastSeen`] sorts `e` by, in the asked direction (see [`ordered`]).
pub(crate) fn seen_key(e: &Entry, descending: bool) -> u64 {
    ordered(seen(e), descending)
}

/// `k` as an unsigned key in the asked direction; unknown last (`u64::MAX`, which no
/// known key reaches).
fn ordered(k: Option<i64>, descending: bool) -> u64 {
    let Some(x) = k else {
        return u64::MAX;
    };
    // Flipping the sign bit keeps the order of signed numbers among unsigned ones.
    let u = (x as u64) ^ (1 << 63);
    let u = if descending { !u } else { u };
    u.min(u64::MAX - 1)
}

/// Below this many rows one thread sorts faster than two and a merge.
const PARALLEL_SORT_MIN: usize = 1 << 16;

/// The rows of `parts`, each sorted by `(key, row)`, in one order: merged two by two.
pub(crate) fn merge_rows(mut parts: Vec<Vec<(u64, u32)>>) -> Vec<u32> {
    while parts.len() > 2 {
        let mut next = Vec::with_capacity(parts.len().div_ceil(2));
        let mut it = parts.into_iter();
        while let Some(a) = it.next() {
            match it.next() {
                Some(b) => {
                    let mut both = Vec::with_capacity(a.len() + b.len());
                    merge_with(&a, &b, |p| both.push(p));
                    next.push(both);
                }
                None => next.push(a),
            }
        }
        parts = next;
    }
    let mut it = parts.into_iter();
    let a = it.next().unwrap_or_default();
    let b = it.next().unwrap_or_default();
    let mut rows = vec![0; a.len() + b.len()];
    merge_into(&a, &b, &mut rows);
    rows
}

/// Merges sorted `a` and `b` into `rows` (as long as both), keeping only the rows.
fn merge_into(a: &[(u64, u32)], b: &[(u64, u32)], rows: &mut [u32]) {
    let mut out = rows.iter_mut();
    merge_with(a, b, |(_, r)| {
        if let Some(dst) = out.next() {
            *dst = r;
        }
    });
}

/// Calls `put` with the items of sorted `a` and `b` in order.
fn merge_with(a: &[(u64, u32)], b: &[(u64, u32)], mut put: impl FnMut((u64, u32))) {
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if b[j] < a[i] {
            put(b[j]);
            j += 1;
        } else {
            put(a[i]);
            i += 1;
        }
    }
    a[i..].iter().chain(&b[j..]).for_each(|&p| put(p));
}

/// Known before unknown; known keys in the asked direction.
fn known_first<K: Ord>(a: &Option<K>, b: &Option<K>, descending: bool) -> Ordering {
    match (a, b) {
        (Some(x), Some(y)) if descending => y.cmp(x),
        (Some(x), Some(y)) => x.cmp(y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// When an entry was last reported, in seconds: the latest date any source gives
/// ([`Entry::last_seen`], what the SEEN column shows).
fn seen(e: &Entry) -> Option<i64> {
    e.dates().max().map(|s| s.as_second())
}

/// Where a value sorts among addresses: IPv4 (addresses and ranges) before IPv6, both
/// before every other value, which compares as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum ValueClass {
    /// An IPv4 address or range.
    V4,
    /// An IPv6 address or range.
    V6,
    /// Anything else, compared as text.
    Text,
}

/// A value's numeric sort key: class, address (a range's network) and prefix length
/// (32 or 128 for an address, so a range comes just before its network address).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct ValueKey {
    pub(crate) class: ValueClass,
    pub(crate) addr: u128,
    pub(crate) prefix: u8,
}

impl ValueKey {
    const TEXT: ValueKey = ValueKey {
        class: ValueClass::Text,
        addr: 0,
        prefix: 0,
    };

    /// The key of `value`, a canonical value of type `kind`. A value of an address type
    /// that does not parse sorts as text.
    pub(crate) fn of(kind: IndicatorType, value: &str) -> ValueKey {
        let v4 = |a: Ipv4Addr, prefix| ValueKey {
            class: ValueClass::V4,
            addr: u128::from(u32::from(a)),
            prefix,
        };
        let v6 = |a: Ipv6Addr, prefix| ValueKey {
            class: ValueClass::V6,
            addr: u128::from(a),
            prefix,
        };
        let parsed = match kind {
            IndicatorType::Ipv4 => value.parse().ok().map(|a| v4(a, 32)),
            IndicatorType::Ipv6 => value.parse().ok().map(|a| v6(a, 128)),
            IndicatorType::Cidr => value.parse::<ipnet::IpNet>().ok().map(|n| match n {
                ipnet::IpNet::V4(n) => v4(n.network(), n.prefix_len()),
                ipnet::IpNet::V6(n) => v6(n.network(), n.prefix_len()),
            }),
            _ => None,
        };
        parsed.unwrap_or(ValueKey::TEXT)
    }
}

/// Sorts by value: the numeric key first, then (for text) the value bytewise.
fn by_value(store: &Store, rows: &mut [u32], descending: bool) {
    let slots = store.slots();
    let text = |r: u32| slots.get(r as usize).map_or("", |e| &*e.value);
    let mut keyed: Vec<(ValueKey, u32)> = rows
        .iter()
        .map(|&r| {
            let key = slots
                .get(r as usize)
                .map_or(ValueKey::TEXT, |e| ValueKey::of(e.kind, &e.value));
            (key, r)
        })
        .collect();
    keyed.sort_unstable_by(|a, b| {
        let mut o = a.0.cmp(&b.0);
        if o == Ordering::Equal && a.0.class == ValueClass::Text {
            o = text(a.1).cmp(text(b.1));
        }
        if descending {
            o = o.reverse();
        }
        o.then(a.1.cmp(&b.1))
    });
    for (dst, (_, r)) in rows.iter_mut().zip(keyed) {
        *dst = r;
    }
}

/// Each source id's place among the source names in alphabetical order.
fn name_ranks(store: &Store) -> Vec<u16> {
    let names = store.source_names();
    let mut order: Vec<usize> = (0..names.len()).collect();
    order.sort_by(|&a, &b| names[a].cmp(&names[b]));
    let mut rank = vec![0u16; names.len()];
    for (place, id) in order.into_iter().enumerate() {
        rank[id] = u16::try_from(place).unwrap_or(u16::MAX);
    }
    rank
}

/// Most sources first, then by their names as the column lists them (the first four
/// names decide; each packed into 16 bits, shifted by one so that a shorter list sorts
/// first).
fn sources_key(e: &Entry, rank: &[u16]) -> (Reverse<usize>, u64) {
    let mut names = 0u64;
    for (i, id) in e.source_ids().take(4).enumerate() {
        let r = rank.get(usize::from(id.0)).copied().unwrap_or(u16::MAX);
        names |= u64::from(r.saturating_add(1)) << (48 - 16 * i);
    }
    (Reverse(e.sightings.len()), names)
}

/// Each distinct threat name's place in case-insensitive order, found once per name
/// (names are shared between rows, so this is small next to the rows).
struct ThreatRanks {
    by_addr: hashbrown::HashMap<usize, u32>,
}

impl ThreatRanks {
    fn new(store: &Store, rows: &[u32]) -> ThreatRanks {
        let slots = store.slots();
        let mut names: Vec<(usize, &str)> = Vec::new();
        let mut seen = hashbrown::HashSet::new();
        for &r in rows {
            if let Some(t) = slots.get(r as usize).and_then(Entry::threat)
                && seen.insert(t.as_ptr() as usize)
            {
                names.push((t.as_ptr() as usize, &**t));
            }
        }
        names.sort_unstable_by(|a, b| caseless(a.1, b.1));
        let mut by_addr = hashbrown::HashMap::with_capacity(names.len());
        let mut rank = 0u32;
        for (i, (addr, name)) in names.iter().enumerate() {
            if i > 0 && caseless(names[i - 1].1, name) != Ordering::Equal {
                rank += 1;
            }
            by_addr.insert(*addr, rank);
        }
        ThreatRanks { by_addr }
    }

    fn of(&self, e: &Entry) -> Option<u32> {
        let t = e.threat()?;
        self.by_addr.get(&(t.as_ptr() as usize)).copied()
    }
}

/// Compares ASCII case-insensitively, without allocating.
fn caseless(a: &str, b: &str) -> Ordering {
    a.bytes()
        .map(|c| c.to_ascii_lowercase())
        .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
}

#[cfg(test)]
mod tests;
