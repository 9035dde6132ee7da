// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! What the local set holds of a looked-up value, found by the same [`Matcher`] that
//! `match` hunts with: the value itself, every held range that covers an address or a
//! range, every held parent domain of a name, a URL's host. Each hit says how it
//! matched. Warninglisted indicators stay in (the report names the list), and parent
//! domains always count (as `match --subdomains`): they are marked as such.

use jiff::Timestamp;

use super::input::Item;
use crate::matching::{Hit, MatchOptions, Matcher, MatcherBuilder, Meta, Warninglists};
use crate::model::IndicatorType;
use crate::store::set::Store;

/// How a held indicator covers a looked-up value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum How {
    /// The value itself is held.
    Exact,
    /// A URL's host (a name or an address) is held.
    Host,
    /// A held range holds the address or range.
    Cidr,
    /// A held domain is a parent of the name (or of a URL's host).
    ParentDomain,
}

impl How {
    /// `exact`, `host`, `cidr`, `parent_domain`: the `match` field of the outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            How::Exact => "exact",
            How::Host => "host",
            How::Cidr => "cidr",
            How::ParentDomain => "parent_domain",
        }
    }
}

/// One held indicator that covers a looked-up value, with what its sources say.
#[derive(Debug, Clone, PartialEq)]
pub struct Local {
    pub how: How,
    /// The held indicator's type and value (canonical).
    pub kind: IndicatorType,
    pub indicator: String,
    pub sources: Vec<String>,
    pub threat: Option<String>,
    pub first_seen: Option<Timestamp>,
    pub last_seen: Option<Timestamp>,
    /// Its score, 0–100 (filled from the set by [`scores`]).
    pub score: Option<u8>,
}

/// Gives every held indicator in `locals` its score in `set`.
pub fn scores(set: &Store, locals: &mut [Local]) {
    for l in locals {
        l.score = set
            .find_live(l.kind, &l.indicator)
            .and_then(|i| set.get(i))
            .map(|e| e.score);
    }
}

/// The index of `set` that look-ups go through: every entry, warninglisted ones too,
/// with parent domains matching.
pub fn index(set: &Store) -> Matcher {
    MatcherBuilder::from_store(set).build(&Warninglists::none(), MatchOptions { subdomains: true })
}

/// Every indicator of `m` that covers `item`, closest first: the value itself, a URL's
/// host, then ranges from the narrowest and parent domains from the nearest. `hits` is
/// scratch space, reused across calls.
pub fn of(m: &Matcher, item: &Item, hits: &mut Vec<Hit>) -> Vec<Local> {
    hits.clear();
    m.lookup_indicator(item.kind, &item.value, hits);
    let mut out: Vec<(usize, Local)> = Vec::with_capacity(hits.len());
    let mut seen: Vec<u32> = Vec::with_capacity(hits.len());
    for (order, h) in hits.iter().enumerate() {
        let Some(meta) = m.meta(h.meta) else {
            continue;
        };
        if seen.contains(&h.meta) {
            continue;
        }
        seen.push(h.meta);
        let how = how(item.kind, meta, &h.atomic);
        // The matcher gives ranges widest first; narrowest first reads better.
        let rank = match how {
            How::Cidr => usize::MAX - prefix_len(&meta.name),
            _ => order,
        };
        out.push((
            rank,
            Local {
                how,
                kind: meta.kind,
                indicator: meta.name.to_string(),
                sources: m.sources_of(meta).map(str::to_string).collect(),
                threat: meta.threat.as_deref().map(str::to_string),
                first_seen: meta.first_seen.and_then(|s| Timestamp::from_second(s).ok()),
                last_seen: meta.last_seen.and_then(|s| Timestamp::from_second(s).ok()),
                score: None,
            },
        ));
    }
    out.sort_by_key(|(rank, l)| (l.how, *rank));
    out.into_iter().map(|(_, l)| l).collect()
}

fn prefix_len(cidr: &str) -> usize {
    cidr.rsplit_once('/')
        .and_then(|(_, n)| n.parse().ok())
        .unwrap_or(0)
}

/// How `meta` (a hit of a value of type `kind`, written `atomic` in canonical form)
/// covers the value.
fn how(kind: IndicatorType, meta: &Meta, atomic: &str) -> How {
    let is_ip = |k| matches!(k, IndicatorType::Ipv4 | IndicatorType::Ipv6);
    match meta.kind {
        IndicatorType::Cidr if kind == IndicatorType::Cidr && *meta.name == *atomic => How::Exact,
        IndicatorType::Cidr => How::Cidr,
        IndicatorType::Domain if *meta.name != *atomic => How::ParentDomain,
        k if k == kind || (is_ip(k) && is_ip(kind)) => How::Exact,
        _ => How::Host,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Sighting;
    use crate::model::{IndicatorType::*, Observation};

    fn set() -> Store {
        let mut s = Store::new();
        let rows: Vec<Sighting> = [
            (Cidr, "198.51.100.0/24", Some("Botnet")),
            (Cidr, "198.51.0.0/16", None),
            (Ipv4, "198.51.100.9", None),
            (Domain, "evil.example", Some("Phish")),
            (Url, "http://evil.example/a", None),
            (Cve, "CVE-2021-44228", None),
        ]
        .into_iter()
        .map(|(kind, v, threat)| Sighting {
            kind,
            value: v.into(),
            obs: Observation {
                threat: threat.map(Into::into),
                ..Default::default()
            },
        })
        .collect();
        let id = s.source_id("drop");
        s.replace_source(id, rows);
        s
    }

    fn item(kind: IndicatorType, v: &str) -> Item {
        Item {
            input: v.into(),
            kind,
            value: v.into(),
        }
    }

    fn found(m: &Matcher, kind: IndicatorType, v: &str) -> Vec<(How, String)> {
        of(m, &item(kind, v), &mut Vec::new())
            .into_iter()
            .map(|l| (l.how, l.indicator))
            .collect()
    }

    #[test]
    fn each_hit_says_how_it_covers_the_value() {
        let m = index(&set());
        assert_eq!(
            found(&m, Ipv4, "198.51.100.7"),
            [
                (How::Cidr, "198.51.100.0/24".into()),
                (How::Cidr, "198.51.0.0/16".into())
            ]
        );
        assert_eq!(
            found(&m, Ipv4, "198.51.100.9")[0],
            (How::Exact, "198.51.100.9".into())
        );
        assert_eq!(
            found(&m, Cidr, "198.51.100.0/24"),
            [
                (How::Exact, "198.51.100.0/24".into()),
                (How::Cidr, "198.51.0.0/16".into())
            ]
        );
        assert_eq!(
            found(&m, Domain, "a.b.evil.example"),
            [(How::ParentDomain, "evil.example".into())]
        );
        assert_eq!(
            found(&m, Url, "http://evil.example/a"),
            [
                (How::Exact, "http://evil.example/a".into()),
                (How::Host, "evil.example".into())
            ]
        );
        assert_eq!(
            found(&m, Url, "https://www.evil.example/"),
            [(How::ParentDomain, "evil.example".into())]
        );
        assert_eq!(
            found(&m, Cve, "CVE-2021-44228"),
            [(How::Exact, "CVE-2021-44228".into())]
        );
        assert!(found(&m, Domain, "good.example").is_empty());
        let hit = &of(&m, &item(Ipv4, "198.51.100.7"), &mut Vec::new())[0];
        assert_eq!(hit.sources, ["drop"]);
        assert_eq!(hit.threat.as_deref(), Some("Botnet"));
    }
}
