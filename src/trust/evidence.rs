// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Our own evidence about indicators, which the score reads beside the sources': when we
//! last saw each in our logs, and the analyst's triage marks in effect.

use hashbrown::HashMap;

use super::score::{OwnPart, Unix};
use crate::model::{IndicatorType, LogHit};

/// Our own part of each indicator's score, by type and canonical value (as the store
/// keys it). Hash maps with randomly seeded hashers: the values come from logs.
#[derive(Debug, Clone, Default)]
pub struct Evidence {
    by_type: [HashMap<Box<str>, OwnPart>; 10],
}

fn slot(kind: IndicatorType) -> usize {
    crate::config::scoring::type_index(kind)
}

impl Evidence {
    pub fn new() -> Self {
        Self::default()
    }

    /// Evidence from hits found in our logs.
    pub fn from_hits<'a>(hits: impl IntoIterator<Item = &'a LogHit>) -> Self {
        let mut e = Evidence::new();
        for h in hits {
            e.sighted_hit(h);
        }
        e
    }

    /// Whether nothing is known.
    pub fn is_empty(&self) -> bool {
        self.by_type.iter().all(HashMap::is_empty)
    }

    /// Indicators with any evidence.
    pub fn len(&self) -> usize {
        self.by_type.iter().map(HashMap::len).sum()
    }

    /// Our own part for `(kind, value)`; empty when nothing is known.
    pub fn get(&self, kind: IndicatorType, value: &str) -> OwnPart {
        self.by_type[slot(kind)]
            .get(value)
            .copied()
            .unwrap_or_default()
    }

    fn entry(&mut self, kind: IndicatorType, value: &str) -> &mut OwnPart {
        self.by_type[slot(kind)].entry_ref(value).or_default()
    }

    /// `value` was seen in our logs at `at`; returns whether that moved its latest
    /// sighting on.
    pub fn sighted(&mut self, kind: IndicatorType, value: &str, at: Unix) -> bool {
        let own = self.entry(kind, value);
        if own.sighted.is_some_and(|s| s >= at) {
            return false;
        }
        own.sighted = Some(at);
        true
    }

    /// A hit: its indicator seen at the event's time (never later than when it was
    /// found: a log's clock may run ahead).
    pub fn sighted_hit(&mut self, h: &LogHit) -> bool {
        let at = h.at.min(h.found).as_second();
        self.sighted(h.kind, &h.indicator, at)
    }

    /// Sets the analyst's finding on `value`: a false positive or a confirmation since
    /// `at`, or none (`None`: undone).
    pub fn triage(&mut self, kind: IndicatorType, value: &str, finding: Option<Finding>) {
        let own = self.entry(kind, value);
        own.false_positive = None;
        own.confirmed = None;
        match finding {
            Some(Finding::FalsePositive(at)) => own.false_positive = Some(at),
            Some(Finding::Confirmed(at)) => own.confirmed = Some(at),
            None => {}
        }
    }
}

/// The analyst's finding on an indicator, as the score reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finding {
    /// A false positive since this time.
    FalsePositive(Unix),
    /// Confirmed (a true positive) at this time.
    Confirmed(Unix),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::log_hit::sample;

    #[test]
    fn the_latest_sighting_is_kept_and_capped_at_when_it_was_found() {
        let mut h = sample(IndicatorType::Ipv4, "192.0.2.1", "eve.json", 0, 1);
        h.at = jiff::Timestamp::from_second(2_000).unwrap();
        h.found = jiff::Timestamp::from_second(1_500).unwrap();
        let mut e = Evidence::from_hits([&h]);
        assert_eq!(e.get(h.kind, "192.0.2.1").sighted, Some(1_500));
        assert!(!e.sighted(h.kind, "192.0.2.1", 1_000), "older: no change");
        assert!(e.sighted(h.kind, "192.0.2.1", 1_600));
        assert_eq!(
            e.get(IndicatorType::Domain, "192.0.2.1"),
            OwnPart::default()
        );
        assert_eq!(e.len(), 1);
    }

    #[test]
    fn triage_replaces_the_finding_and_undo_clears_it() {
        let mut e = Evidence::new();
        let k = IndicatorType::Domain;
        e.triage(k, "cdn.example", Some(Finding::FalsePositive(10)));
        assert_eq!(e.get(k, "cdn.example").false_positive, Some(10));
        e.triage(k, "cdn.example", Some(Finding::Confirmed(20)));
        let own = e.get(k, "cdn.example");
        assert_eq!((own.false_positive, own.confirmed), (None, Some(20)));
        e.triage(k, "cdn.example", None);
        assert_eq!(e.get(k, "cdn.example"), OwnPart::default());
    }
}
