// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The triage marks in effect, as `crate::trust::triage` defines them (the latest mark
//! on a target wins, a mark without a verdict undoes; a hit's own mark, else its
//! indicator's), keyed for the report's counts, with the row id of each mark kept so
//! "the latest of an indicator's hit marks" can be told.

use std::collections::HashMap;

use crate::model::IndicatorType;
use crate::trust::triage::{Mark, Verdict};

/// The latest mark (row id, verdict) on one indicator and on each of its hits.
#[derive(Default)]
struct Target {
    own: Option<(i64, Option<Verdict>)>,
    hits: HashMap<i64, (i64, Option<Verdict>)>,
}

/// Every target's latest mark.
#[derive(Default)]
pub(crate) struct Effect {
    by: HashMap<(IndicatorType, Box<str>), Target>,
}

impl Effect {
    /// Applies `marks` (row id, mark) in row-id order.
    pub fn of(mut marks: Vec<(i64, Mark)>) -> Effect {
        marks.sort_by_key(|(id, _)| *id);
        let mut out = Effect::default();
        for (id, m) in marks {
            let t = out.by.entry((m.kind, m.indicator)).or_default();
            match m.hit {
                None => t.own = Some((id, m.verdict)),
                Some(h) => {
                    t.hits.insert(h, (id, m.verdict));
                }
            }
        }
        out
    }

    /// The verdict in effect on hit `id` of `(kind, value)`: its own, else its
    /// indicator's.
    pub fn on_hit(&self, kind: IndicatorType, value: &str, id: i64) -> Option<Verdict> {
        let t = self.by.get(&(kind, Box::from(value)))?;
        t.hits
            .get(&id)
            .and_then(|(_, v)| *v)
            .or_else(|| t.own.and_then(|(_, v)| v))
    }

    /// The verdict on an indicator: its own mark in effect, else the latest mark in
    /// effect on one of its hits.
    pub fn on_indicator(&self, kind: IndicatorType, value: &str) -> Option<Verdict> {
        let t = self.by.get(&(kind, Box::from(value)))?;
        if let Some((_, Some(v))) = t.own {
            return Some(v);
        }
        t.hits
            .values()
            .filter_map(|(id, v)| v.map(|v| (*id, v)))
            .max_by_key(|(id, _)| *id)
            .map(|(_, v)| v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mark(hit: Option<i64>, verdict: Option<Verdict>) -> Mark {
        Mark {
            kind: IndicatorType::Domain,
            indicator: "a.example".into(),
            hit,
            verdict,
            note: None,
            by: "a@b".into(),
            at: jiff::Timestamp::UNIX_EPOCH,
        }
    }

    #[test]
    fn the_latest_mark_wins_and_a_hit_mark_overrides_its_indicator() {
        let e = Effect::of(vec![
            (3, mark(None, None)),
            (1, mark(None, Some(Verdict::FalsePositive))),
            (2, mark(Some(7), Some(Verdict::TruePositive))),
        ]);
        // The undo (3) came after the false positive (1).
        assert_eq!(e.on_hit(IndicatorType::Domain, "a.example", 8), None);
        assert_eq!(
            e.on_hit(IndicatorType::Domain, "a.example", 7),
            Some(Verdict::TruePositive)
        );
        assert_eq!(
            e.on_indicator(IndicatorType::Domain, "a.example"),
            Some(Verdict::TruePositive)
        );
        assert_eq!(e.on_indicator(IndicatorType::Url, "a.example"), None);
    }
}
