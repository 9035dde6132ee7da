// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! What is pushed, typed: one [`PushItem`] per indicator of a source in a batch of
//! findings, built from the stored hits ([`from_hits`]) or, once triage keeps them,
//! from false-positive marks.

use std::collections::BTreeMap;

use jiff::Timestamp;

use crate::model::{IndicatorType, LogHit};

/// What we found about an indicator: a MISP sighting type (MISP core format,
/// "Sighting": `0` sighting, `1` false positive, `2` expiration).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Finding {
    /// Seen in our logs (a hit).
    Sighted,
    /// The analyst found a hit, or the indicator, to be a false positive.
    FalsePositive,
}

impl Finding {
    /// MISP's sighting `type`: `"0"` or `"1"`.
    pub fn misp_type(self) -> &'static str {
        match self {
            Finding::Sighted => "0",
            Finding::FalsePositive => "1",
        }
    }
}

/// One indicator's findings in one batch, for one source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushItem {
    pub finding: Finding,
    pub kind: IndicatorType,
    /// The indicator as the store keys it (canonical; the CIDR when a range matched).
    pub value: Box<str>,
    /// The configured source it goes to.
    pub source: Box<str>,
    /// How many hits (or marks) it stands for, at least 1.
    pub count: u32,
    /// The earliest and latest event time among them (for a mark: when it was made).
    pub first_seen: Timestamp,
    pub last_seen: Timestamp,
    /// When the latest of them was found (for a mark: when it was made). A repeated
    /// batch has the same, so objects made from it are the same objects.
    pub found: Timestamp,
}

impl PushItem {
    /// The time the item is reported at: its latest event.
    pub fn time(&self) -> Timestamp {
        self.last_seen
    }
}

/// The hits of `hits` on indicators of `source`, one item per indicator, in the order
/// of (type, value). Hits of other sources' indicators are left out.
pub fn from_hits(hits: &[LogHit], source: &str) -> Vec<PushItem> {
    let mut by: BTreeMap<(IndicatorType, &str), PushItem> = BTreeMap::new();
    for h in hits
        .iter()
        .filter(|h| h.sources.iter().any(|s| &**s == source))
    {
        by.entry((h.kind, &h.indicator))
            .and_modify(|i| {
                i.count = i.count.saturating_add(1);
                i.first_seen = i.first_seen.min(h.at);
                i.last_seen = i.last_seen.max(h.at);
                i.found = i.found.max(h.found);
            })
            .or_insert_with(|| PushItem {
                finding: Finding::Sighted,
                kind: h.kind,
                value: h.indicator.clone(),
                source: source.into(),
                count: 1,
                first_seen: h.at,
                last_seen: h.at,
                found: h.found,
            });
    }
    by.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::log_hit::sample;

    #[test]
    fn hits_of_one_indicator_make_one_item_with_their_count_and_span() {
        let mut hits = vec![
            sample(IndicatorType::Ipv4, "192.0.2.7", "eve.json", 1, 1_000),
            sample(IndicatorType::Ipv4, "192.0.2.7", "eve.json", 2, 1_300),
            sample(IndicatorType::Ipv4, "192.0.2.7", "eve.json", 3, 900),
            sample(IndicatorType::Domain, "bad.example", "eve.json", 4, 1_100),
            sample(IndicatorType::Ipv4, "198.51.100.1", "eve.json", 5, 1_000),
        ];
        hits[4].sources = Box::new(["urlhaus".into()]);
        hits[1].found = Timestamp::from_second(5_000).unwrap();
        let items = from_hits(&hits, "feodo");
        assert_eq!(items.len(), 2, "another source's hit is left out");
        let ip = items.iter().find(|i| &*i.value == "192.0.2.7").unwrap();
        assert_eq!(ip.count, 3);
        assert_eq!(ip.first_seen.as_second(), 900);
        assert_eq!(ip.last_seen.as_second(), 1_300);
        assert_eq!(ip.time(), ip.last_seen);
        assert_eq!(ip.found.as_second(), 5_000);
        assert_eq!((ip.finding, &*ip.source), (Finding::Sighted, "feodo"));
        assert_eq!(Finding::FalsePositive.misp_type(), "1");
        assert!(from_hits(&hits, "nobody").is_empty());
    }
}
