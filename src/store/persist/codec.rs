// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! How an indicator is written into a store, whatever the backend: its type as a stable
//! code, its observation as compact JSON with short keys. Values read back go through
//! the same constructors as parsed ones, so odd rows are skipped, never trusted.

use serde::{Deserialize, Serialize};

use crate::model::intern::Interner;
use crate::model::time::Secs;
use crate::model::{IndicatorType, Observation, VtStats};

/// An observation as stored: compact JSON, short keys.
#[derive(Serialize, Deserialize, Default)]
pub(super) struct Stored {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    f: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    l: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    t: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    g: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    c: Option<u8>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    r: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    p: Vec<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    v: Option<VtStats>,
}

pub fn encode(o: &Observation) -> String {
    let s = Stored {
        f: o.first_seen.map(|t| t.as_second()),
        l: o.last_seen.map(|t| t.as_second()),
        t: o.threat.as_deref().map(String::from),
        g: o.tags.iter().map(|t| t.to_string()).collect(),
        c: o.confidence,
        r: o.references.iter().map(|t| t.to_string()).collect(),
        p: o.ports.to_vec(),
        v: o.virustotal.as_deref().copied(),
    };
    serde_json::to_string(&s).unwrap_or_else(|_| "{}".into())
}

pub fn decode(data: &str, strings: &mut Interner) -> Option<Observation> {
    let s: Stored = serde_json::from_str(data).ok()?;
    let ts = |v: Option<i64>| v.and_then(Secs::from_second);
    let tags = s.g.iter().filter_map(|t| strings.get(t)).collect();
    Some(Observation {
        first_seen: ts(s.f),
        last_seen: ts(s.l),
        threat: s.t.as_deref().and_then(|t| strings.get(t)),
        tags: strings.tags(tags),
        confidence: s.c,
        references: s.r.iter().filter_map(|t| strings.get(t)).collect(),
        ports: strings.ports(s.p.into()),
        virustotal: s.v.map(Box::new),
    })
}

/// The stored code of each indicator type. Written into every database
/// (`indicator_types`) and never renumbered: a new type takes the next free code.
pub const TYPE_CODES: [(IndicatorType, i64); 10] = [
    (IndicatorType::Ipv4, 0),
    (IndicatorType::Ipv6, 1),
    (IndicatorType::Cidr, 2),
    (IndicatorType::Domain, 3),
    (IndicatorType::Url, 4),
    (IndicatorType::Md5, 5),
    (IndicatorType::Sha1, 6),
    (IndicatorType::Sha256, 7),
    (IndicatorType::Email, 8),
    (IndicatorType::Cve, 9),
];

/// The stored code of `k`.
pub fn type_code(k: IndicatorType) -> i64 {
    match k {
        IndicatorType::Ipv4 => 0,
        IndicatorType::Ipv6 => 1,
        IndicatorType::Cidr => 2,
        IndicatorType::Domain => 3,
        IndicatorType::Url => 4,
        IndicatorType::Md5 => 5,
        IndicatorType::Sha1 => 6,
        IndicatorType::Sha256 => 7,
        IndicatorType::Email => 8,
        IndicatorType::Cve => 9,
    }
}

/// The type stored as `code`; `None` for a code this build does not know.
pub fn type_of(code: i64) -> Option<IndicatorType> {
    TYPE_CODES.iter().find(|(_, c)| *c == code).map(|(t, _)| *t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_codes_are_explicit_unique_and_cover_every_type() {
        for t in IndicatorType::ALL {
            assert_eq!(type_of(type_code(t)), Some(t));
            assert!(TYPE_CODES.contains(&(t, type_code(t))));
        }
        // Stored rows depend on these numbers: they must never change.
        assert_eq!(type_code(IndicatorType::Ipv4), 0);
        assert_eq!(type_code(IndicatorType::Sha256), 7);
        assert_eq!(type_code(IndicatorType::Cve), 9);
        assert_eq!(type_of(10), None);
        assert_eq!(type_of(-1), None);
    }
}
