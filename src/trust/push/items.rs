// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! What is pushed, typed: one [`PushItem`] per indicator of a source in a batch of
//! findings, built from the stored hits ([`from_hits`]) or from the analyst's
//! false-positive marks ([`from_marks`]).

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

/// The false-positive marks of `marks` (on a hit or on the indicator) on indicators
/// `source` holds (`holds`), one item per indicator with its count and span, in the
/// order of (type, value). Other verdicts and undoing marks are left out: a true
/// positive is a sighting already pushed with its hit.
pub fn from_marks(
    marks: &[(i64, crate::trust::triage::Mark)],
    source: &str,
    holds: impl Fn(IndicatorType, &str) -> bool,
) -> Vec<PushItem> {
    let mut by: BTreeMap<(IndicatorType, &str), PushItem> = BTreeMap::new();
    for (_, m) in marks.iter().filter(|(_, m)| {
        m.verdict == Some(crate::trust::triage::Verdict::FalsePositive)
            && holds(m.kind, &m.indicator)
    }) {
        by.entry((m.kind, &m.indicator))
            .and_modify(|i| {
                i.count = i.count.saturating_add(1);
                i.first_seen = i.first_seen.min(m.at);
                i.last_seen = i.last_seen.max(m.at);
                i.found = i.found.max(m.at);
            })
            .or_insert_with(|| PushItem {
                finding: Finding::FalsePositive,
                kind: m.kind,
                value: m.indicator.clone(),
                source: source.into(),
                count: 1,
                first_seen: m.at,
                last_seen: m.at,
                found: m.at,
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

    #[test]
    fn false_positive_marks_on_the_sources_indicators_make_type_1_items() {
        use crate::trust::triage::{Mark, Verdict};
        let mark = |v: &str, hit, verdict, at| Mark {
            kind: IndicatorType::Domain,
            indicator: v.into(),
            hit,
            verdict,
            note: None,
            by: "alice@soc.example".into(),
            at: Timestamp::from_second(at).unwrap(),
        };
        let marks = vec![
            (
                1,
                mark("cdn.example", Some(7), Some(Verdict::FalsePositive), 100),
            ),
            (
                2,
                mark("cdn.example", None, Some(Verdict::FalsePositive), 300),
            ),
            (
                3,
                mark("bad.example", None, Some(Verdict::TruePositive), 200),
            ),
            (
                4,
                mark("other.example", None, Some(Verdict::FalsePositive), 200),
            ),
            (5, mark("gone.example", None, None, 200)),
        ];
        let held = |_: IndicatorType, v: &str| v != "other.example";
        let items = from_marks(&marks, "misp", held);
        assert_eq!(items.len(), 1, "{items:?}");
        let i = &items[0];
        assert_eq!(
            (&*i.value, i.finding, i.count),
            ("cdn.example", Finding::FalsePositive, 2)
        );
        assert_eq!(
            (i.first_seen.as_second(), i.last_seen.as_second()),
            (100, 300)
        );
        assert_eq!(i.finding.misp_type(), "1");
    }
}
