// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! [`Triage`]: the marks in effect, by indicator and by hit, built from marks applied
//! in the order the store numbered them (and this dashboard's own, not stored yet).

use std::collections::HashMap;

use jiff::Timestamp;

use super::{Mark, Verdict};
use crate::model::IndicatorType;

/// Where a mark held stands with the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    /// Stored, with this row id.
    Stored(i64),
    /// Sent to the store; its row id comes back.
    Saving,
    /// Kept here only: there is no store, the store refused it, or its hit is not
    /// stored yet.
    Unsaved,
}

/// The latest mark on one target, and where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    pub saved: Saved,
    pub mark: Mark,
}

impl Held {
    /// The finding in effect (`None`: the last mark undid).
    pub fn verdict(&self) -> Option<Verdict> {
        self.mark.verdict
    }
}

/// Where the mark in effect on a hit was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// On the hit itself.
    Hit,
    /// On its indicator, which covers every hit of it.
    Indicator,
}

/// One indicator's marks: on it, and on each of its hits by row id.
#[derive(Debug, Default, Clone)]
struct Target {
    own: Option<Held>,
    hits: HashMap<i64, Held>,
}

/// The marks in effect. Hits are named by their row id in the store; a dashboard names
/// a hit it holds but that is not stored yet by a negative id of its own, and
/// [`Triage::rekey_hit`] moves its marks once the row id is known.
#[derive(Debug, Default, Clone)]
pub struct Triage {
    by_type: HashMap<IndicatorType, HashMap<Box<str>, Target>>,
    /// Marks applied, undoing ones included.
    applied: u64,
}

/// Whether a mark (`saved`, `mark`) takes the place of what `slot` holds. A stored
/// mark replaces an older stored one (row ids grow), and one this dashboard sent when
/// it is that mark coming back stored; a mark being saved is newer than any stored
/// before it came back. A mark made here always replaces.
fn replaces(slot: Option<&Held>, saved: Saved, mark: &Mark) -> bool {
    match (slot, saved) {
        (None, _) | (_, Saved::Saving | Saved::Unsaved) => true,
        (Some(held), Saved::Stored(id)) => match held.saved {
            Saved::Stored(c) => id > c,
            Saved::Saving => held.mark == *mark,
            Saved::Unsaved => true,
        },
    }
}

impl Triage {
    /// Nothing marked.
    pub fn new() -> Triage {
        Triage::default()
    }

    /// Whether no mark was ever applied.
    pub fn is_empty(&self) -> bool {
        self.applied == 0
    }

    fn target(&self, kind: IndicatorType, value: &str) -> Option<&Target> {
        self.by_type.get(&kind)?.get(value)
    }

    /// Applies `mark` (its hit, if any, named by the id in `mark.hit`); returns whether
    /// it took effect (an older stored mark, or one seen before, does not).
    pub fn apply(&mut self, saved: Saved, mark: Mark) -> bool {
        let target = self
            .by_type
            .entry(mark.kind)
            .or_default()
            .entry(mark.indicator.clone())
            .or_default();
        let slot = match mark.hit {
            None => &mut target.own,
            Some(id) => {
                let held = target.hits.get(&id);
                if !replaces(held, saved, &mark) {
                    return false;
                }
                target.hits.insert(id, Held { saved, mark });
                self.applied += 1;
                return true;
            }
        };
        if !replaces(slot.as_ref(), saved, &mark) {
            return false;
        }
        *slot = Some(Held { saved, mark });
        self.applied += 1;
        true
    }

    /// Every indicator a mark names (on it or on one of its hits), in no order.
    pub fn marked(&self) -> impl Iterator<Item = (IndicatorType, &str)> + '_ {
        self.by_type
            .iter()
            .flat_map(|(k, m)| m.keys().map(move |v| (*k, &**v)))
    }

    /// The indicator's own mark in effect (not one of its hits'), if any.
    pub fn on_indicator(&self, kind: IndicatorType, value: &str) -> Option<&Held> {
        self.target(kind, value)?
            .own
            .as_ref()
            .filter(|h| h.verdict().is_some())
    }

    /// The latest mark on the hit itself (an undoing one too), if any.
    pub fn hit_mark(&self, kind: IndicatorType, value: &str, hit: i64) -> Option<&Held> {
        self.target(kind, value)?.hits.get(&hit)
    }

    /// The mark in effect on a hit of `(kind, value)` with row id `hit` (`None`: not
    /// stored, so only its indicator's marks count): its own, else its indicator's.
    pub fn on_hit(
        &self,
        kind: IndicatorType,
        value: &str,
        hit: Option<i64>,
    ) -> Option<(&Held, Scope)> {
        let t = self.target(kind, value)?;
        if let Some(own) = hit.and_then(|id| t.hits.get(&id))
            && own.verdict().is_some()
        {
            return Some((own, Scope::Hit));
        }
        t.own
            .as_ref()
            .filter(|h| h.verdict().is_some())
            .map(|h| (h, Scope::Indicator))
    }

    /// Since when a false positive is in effect on `(kind, value)`, if one is: the time
    /// of the indicator's own mark when it has one in effect (a true positive there
    /// means none); else of the latest mark in effect on any of its hits, when that is a
    /// false positive.
    pub fn false_positive_since(&self, kind: IndicatorType, value: &str) -> Option<Timestamp> {
        if self.is_empty() {
            return None;
        }
        let t = self.target(kind, value)?;
        if let Some(own) = t.own.as_ref().filter(|h| h.verdict().is_some()) {
            return (own.verdict() == Some(Verdict::FalsePositive)).then_some(own.mark.at);
        }
        let latest = t
            .hits
            .iter()
            .filter(|(_, h)| h.verdict().is_some())
            .max_by_key(|(id, h)| (h.mark.at, **id))?
            .1;
        (latest.verdict() == Some(Verdict::FalsePositive)).then_some(latest.mark.at)
    }

    /// How many hits of `(kind, value)` have a mark of their own in effect: false
    /// positives, true positives.
    pub fn hit_counts(&self, kind: IndicatorType, value: &str) -> (usize, usize) {
        let Some(t) = self.target(kind, value) else {
            return (0, 0);
        };
        t.hits
            .values()
            .fold((0, 0), |(fp, tp), h| match h.verdict() {
                Some(Verdict::FalsePositive) => (fp + 1, tp),
                Some(Verdict::TruePositive) => (fp, tp + 1),
                None => (fp, tp),
            })
    }

    /// A hit named `from` (a dashboard's own id for it) is stored as row `to`: its
    /// marks move there and name it so. Returns the mark now held on it, if any (one not
    /// stored yet is the caller's to save).
    pub fn rekey_hit(
        &mut self,
        kind: IndicatorType,
        value: &str,
        from: i64,
        to: i64,
    ) -> Option<&Held> {
        let t = self.by_type.get_mut(&kind)?.get_mut(value)?;
        let mut held = t.hits.remove(&from)?;
        held.mark.hit = Some(to);
        if !replaces(t.hits.get(&to), held.saved, &held.mark) {
            return t.hits.get(&to);
        }
        t.hits.insert(to, held);
        t.hits.get(&to)
    }

    /// Marks the mark held on the target of `mark` as `saved` when it is that mark (a
    /// save that failed leaves it [`Saved::Unsaved`]); returns whether it was.
    pub fn set_saved(&mut self, mark: &Mark, saved: Saved) -> bool {
        let Some(t) = self
            .by_type
            .get_mut(&mark.kind)
            .and_then(|m| m.get_mut(&*mark.indicator))
        else {
            return false;
        };
        let slot = match mark.hit {
            None => t.own.as_mut(),
            Some(id) => t.hits.get_mut(&id),
        };
        match slot {
            Some(h) if h.mark == *mark => {
                h.saved = saved;
                true
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + s).unwrap()
    }

    fn mark(hit: Option<i64>, verdict: Option<Verdict>, s: i64) -> Mark {
        Mark {
            kind: IndicatorType::Ipv4,
            indicator: "203.0.113.9".into(),
            hit,
            verdict,
            note: None,
            by: "alice@soc.example".into(),
            at: at(s),
        }
    }

    const FP: Option<Verdict> = Some(Verdict::FalsePositive);
    const TP: Option<Verdict> = Some(Verdict::TruePositive);
    const V: &str = "203.0.113.9";
    const K: IndicatorType = IndicatorType::Ipv4;

    #[test]
    fn the_latest_mark_on_a_target_is_in_effect_and_an_undo_clears_it() {
        let mut t = Triage::new();
        assert!(t.is_empty());
        assert_eq!(t.false_positive_since(K, V), None);
        assert!(t.apply(Saved::Stored(1), mark(None, FP, 10)));
        assert_eq!(t.on_indicator(K, V).map(Held::verdict), Some(FP));
        assert_eq!(t.false_positive_since(K, V), Some(at(10)));
        assert!(t.apply(Saved::Stored(2), mark(None, TP, 20)));
        assert_eq!(t.false_positive_since(K, V), None);
        assert!(t.apply(Saved::Stored(3), mark(None, None, 30)));
        assert_eq!(t.on_indicator(K, V), None);
        assert_eq!(t.on_hit(K, V, Some(5)), None);
        // An older mark read late, or one read twice, changes nothing.
        assert!(!t.apply(Saved::Stored(2), mark(None, TP, 20)));
        assert!(!t.apply(Saved::Stored(3), mark(None, None, 30)));
        assert_eq!(t.on_indicator(K, V), None);
        // Other values and types are untouched.
        assert_eq!(t.on_indicator(K, "203.0.113.10"), None);
        assert_eq!(t.on_indicator(IndicatorType::Domain, V), None);
    }

    #[test]
    fn a_hit_is_triaged_by_its_own_mark_else_by_its_indicators() {
        let mut t = Triage::new();
        t.apply(Saved::Stored(1), mark(None, FP, 10));
        assert_eq!(
            t.on_hit(K, V, Some(7)).map(|(h, s)| (h.verdict(), s)),
            Some((FP, Scope::Indicator))
        );
        assert_eq!(
            t.on_hit(K, V, None).map(|(_, s)| s),
            Some(Scope::Indicator),
            "a hit not stored yet is covered by its indicator's mark"
        );
        t.apply(Saved::Stored(2), mark(Some(7), TP, 20));
        assert_eq!(
            t.on_hit(K, V, Some(7)).map(|(h, s)| (h.verdict(), s)),
            Some((TP, Scope::Hit))
        );
        assert_eq!(
            t.on_hit(K, V, Some(8)).map(|(_, s)| s),
            Some(Scope::Indicator)
        );
        // Undoing the hit's own mark leaves its indicator's in effect on it.
        t.apply(Saved::Stored(3), mark(Some(7), None, 30));
        assert_eq!(
            t.on_hit(K, V, Some(7)).map(|(_, s)| s),
            Some(Scope::Indicator)
        );
        assert_eq!(t.hit_mark(K, V, 7).map(Held::verdict), Some(None));
        assert_eq!(t.hit_counts(K, V), (0, 0));
    }

    #[test]
    fn false_positive_since_is_the_indicators_mark_else_its_hits_latest() {
        let mut t = Triage::new();
        t.apply(Saved::Stored(1), mark(Some(1), FP, 10));
        assert_eq!(t.false_positive_since(K, V), Some(at(10)));
        t.apply(Saved::Stored(2), mark(Some(2), TP, 20));
        assert_eq!(t.false_positive_since(K, V), None, "a later confirmed hit");
        t.apply(Saved::Stored(3), mark(Some(3), FP, 30));
        assert_eq!(t.false_positive_since(K, V), Some(at(30)));
        assert_eq!(t.hit_counts(K, V), (2, 1));
        // The indicator's own mark decides over its hits'.
        t.apply(Saved::Stored(4), mark(None, TP, 5));
        assert_eq!(t.false_positive_since(K, V), None);
        t.apply(Saved::Stored(5), mark(None, FP, 40));
        assert_eq!(t.false_positive_since(K, V), Some(at(40)));
        t.apply(Saved::Stored(6), mark(None, None, 50));
        assert_eq!(
            t.false_positive_since(K, V),
            Some(at(30)),
            "back to its hits"
        );
    }

    #[test]
    fn a_mark_being_saved_waits_for_itself_and_is_not_undone_by_older_ones() {
        let mut t = Triage::new();
        let ours = mark(None, FP, 10);
        assert!(t.apply(Saved::Saving, ours.clone()));
        // Another dashboard's mark, stored before ours came back: ours is newer.
        assert!(!t.apply(Saved::Stored(4), mark(None, TP, 9)));
        assert_eq!(t.on_indicator(K, V).map(Held::verdict), Some(FP));
        // Ours comes back stored.
        assert!(t.apply(Saved::Stored(5), ours.clone()));
        assert_eq!(
            t.on_indicator(K, V).map(|h| h.saved),
            Some(Saved::Stored(5))
        );
        // A save that failed leaves it here only; any stored mark then replaces it.
        let mut t = Triage::new();
        t.apply(Saved::Saving, ours.clone());
        assert!(t.set_saved(&ours, Saved::Unsaved));
        assert!(!t.set_saved(&mark(None, TP, 1), Saved::Unsaved));
        assert!(t.apply(Saved::Stored(2), mark(None, TP, 11)));
        assert_eq!(t.on_indicator(K, V).map(Held::verdict), Some(TP));
    }

    #[test]
    fn a_hits_marks_move_to_its_row_id_once_it_is_stored() {
        let mut t = Triage::new();
        t.apply(Saved::Unsaved, mark(Some(-1), FP, 10));
        assert_eq!(t.on_hit(K, V, Some(-1)).map(|(_, s)| s), Some(Scope::Hit));
        let moved = t.rekey_hit(K, V, -1, 42).cloned();
        assert_eq!(
            moved.map(|h| (h.saved, h.mark.hit)),
            Some((Saved::Unsaved, Some(42)))
        );
        assert_eq!(t.on_hit(K, V, Some(-1)), None);
        assert_eq!(t.on_hit(K, V, Some(42)).map(|(h, _)| h.verdict()), Some(FP));
        assert!(t.rekey_hit(K, V, -1, 43).is_none(), "nothing left there");
        assert!(t.rekey_hit(K, "198.51.100.1", -1, 43).is_none());
    }
}
