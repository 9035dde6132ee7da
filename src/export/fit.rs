// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Fitting an export to its device: decayed indicators left out, a lowest score, the
//! types the device takes, and at most as many as it holds (the best by score, ties
//! broken by the newest last seen). What was cut is counted, so every export can say so.

use crate::model::IndicatorType;
use crate::model::count::noun;
use crate::store::set::{Entry, Store};
use crate::store::sort::score_key;

/// What an export keeps (`fetch --min-score --max --type --include-decayed`, and the
/// export prompt's same fields).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fit {
    /// Keep only scores of at least this (0–100).
    pub min_score: Option<u8>,
    /// Keep at most this many, the best by score.
    pub max: Option<usize>,
    /// Keep only these types (empty: every type).
    pub types: Vec<IndicatorType>,
    /// Keep decayed indicators too (scores below `scoring.expire_below`).
    pub include_decayed: bool,
}

/// What [`Fit::apply`] cut, and why.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cut {
    /// Indicators kept.
    pub kept: usize,
    /// Left out as another type.
    pub other_type: usize,
    /// Left out as decayed.
    pub decayed: usize,
    /// Left out for a score below `--min-score` (decayed ones counted above).
    pub below_min: usize,
    /// Left out past `--max`.
    pub over_max: usize,
    /// The lowest score kept (`None`: none kept).
    pub lowest_kept: Option<u8>,
    /// The `--min-score` and `--max` asked for, for the message.
    min_score: Option<u8>,
    max: Option<usize>,
}

impl Cut {
    /// Indicators left out, for any reason.
    pub fn total(&self) -> usize {
        self.other_type + self.decayed + self.below_min + self.over_max
    }

    /// One line for stderr or a file's header: `kept 10,000 of 12,345 indicators (cut:
    /// 2,000 decayed, 300 below score 50, 45 past --max 10,000); lowest score kept 62`.
    pub fn describe(&self) -> String {
        let mut why = Vec::new();
        if self.other_type > 0 {
            why.push(format!("{} of other types", count(self.other_type)));
        }
        if self.decayed > 0 {
            why.push(format!("{} decayed", count(self.decayed)));
        }
        if self.below_min > 0 {
            why.push(format!(
                "{} below score {}",
                count(self.below_min),
                self.min_score.unwrap_or(0)
            ));
        }
        if self.over_max > 0 {
            why.push(format!(
                "{} past --max {}",
                count(self.over_max),
                count(self.max.unwrap_or(0))
            ));
        }
        let all = self.kept + self.total();
        let mut line = format!(
            "kept {} of {}",
            count(self.kept),
            noun(all as u64, "indicator")
        );
        if !why.is_empty() {
            line.push_str(&format!(" (cut: {})", why.join(", ")));
        }
        match self.lowest_kept {
            Some(s) => line.push_str(&format!("; lowest score kept {s}")),
            None => line.push_str("; none kept"),
        }
        line
    }
}

fn count(n: usize) -> String {
    crate::model::count::grouped(n as u64)
}

impl Fit {
    /// Whether it keeps everything but the decayed (the default export).
    pub fn is_default(&self) -> bool {
        self.min_score.is_none() && self.max.is_none() && self.types.is_empty()
    }

    /// The entries of `entries` (live ones of `store`) this fit keeps: in their own
    /// order, or with `max` the best by score first, ties broken by the newest last
    /// seen. Scores are those of the store's last rescore.
    pub fn apply<'a>(
        &self,
        store: &'a Store,
        entries: impl Iterator<Item = &'a Entry>,
    ) -> (Vec<&'a Entry>, Cut) {
        let mut cut = Cut {
            min_score: self.min_score,
            max: self.max,
            ..Cut::default()
        };
        let mut kept: Vec<&Entry> = Vec::new();
        for e in entries {
            if !self.types.is_empty() && !self.types.contains(&e.kind) {
                cut.other_type += 1;
            } else if !self.include_decayed && store.is_decayed(e) {
                cut.decayed += 1;
            } else if self.min_score.is_some_and(|m| e.score < m) {
                cut.below_min += 1;
            } else {
                kept.push(e);
            }
        }
        if let Some(max) = self.max
            && kept.len() > max
        {
            kept.sort_by_key(|e| score_key(e));
            cut.over_max = kept.len() - max;
            kept.truncate(max);
        }
        cut.kept = kept.len();
        cut.lowest_kept = kept.iter().map(|e| e.score).min();
        (kept, cut)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::time::Secs;
    use crate::model::{Observation, Sighting};

    /// A store of `(type, value, score, last seen)` entries, scored as given, with
    /// scores below 10 decayed.
    fn store(rows: &[(IndicatorType, &str, u8, i64)]) -> Store {
        let mut st = Store::new();
        let id = st.source_id("feed");
        st.replace_source(
            id,
            rows.iter()
                .map(|(k, v, _, seen)| Sighting {
                    kind: *k,
                    value: (*v).into(),
                    obs: Observation {
                        last_seen: Secs::from_second(*seen),
                        ..Observation::default()
                    },
                })
                .collect(),
        );
        st.set_scores_for_test(10, |value| {
            rows.iter().find(|r| r.1 == value).map_or(0, |r| r.2)
        });
        st
    }

    fn values(kept: &[&Entry]) -> Vec<String> {
        kept.iter().map(|e| e.value.to_string()).collect()
    }

    const A: IndicatorType = IndicatorType::Ipv4;
    const D: IndicatorType = IndicatorType::Domain;

    #[test]
    fn the_default_leaves_out_only_the_decayed() {
        let st = store(&[
            (A, "192.0.2.1", 80, 5),
            (A, "192.0.2.2", 9, 5),
            (D, "a.example", 10, 5),
        ]);
        let (kept, cut) = Fit::default().apply(&st, st.iter().map(|(_, e)| e));
        assert_eq!(values(&kept), ["192.0.2.1", "a.example"]);
        assert_eq!((cut.decayed, cut.kept, cut.lowest_kept), (1, 2, Some(10)));
        assert_eq!(
            cut.describe(),
            "kept 2 of 3 indicators (cut: 1 decayed); lowest score kept 10"
        );
        let all = Fit {
            include_decayed: true,
            ..Fit::default()
        };
        assert_eq!(all.apply(&st, st.iter().map(|(_, e)| e)).1.total(), 0);
    }

    #[test]
    fn max_keeps_the_best_by_score_then_the_newest() {
        let st = store(&[
            (A, "192.0.2.1", 50, 100),
            (A, "192.0.2.2", 90, 100),
            (A, "192.0.2.3", 50, 300),
            (A, "192.0.2.4", 50, 200),
            (A, "192.0.2.5", 20, 900),
        ]);
        let fit = Fit {
            max: Some(3),
            ..Fit::default()
        };
        let (kept, cut) = fit.apply(&st, st.iter().map(|(_, e)| e));
        assert_eq!(values(&kept), ["192.0.2.2", "192.0.2.3", "192.0.2.4"]);
        assert_eq!((cut.over_max, cut.lowest_kept), (2, Some(50)));
        assert!(
            cut.describe().contains("2 past --max 3"),
            "{}",
            cut.describe()
        );
        // A max above the count cuts nothing and keeps the store's order.
        let fit = Fit {
            max: Some(10),
            ..Fit::default()
        };
        let (kept, cut) = fit.apply(&st, st.iter().map(|(_, e)| e));
        assert_eq!(kept.len(), 5);
        assert_eq!(kept[0].value.as_ref(), "192.0.2.1");
        assert_eq!(cut.total(), 0);
        let fit = Fit {
            max: Some(0),
            ..Fit::default()
        };
        let (kept, cut) = fit.apply(&st, st.iter().map(|(_, e)| e));
        assert!(kept.is_empty());
        assert!(cut.describe().ends_with("none kept"), "{}", cut.describe());
    }

    #[test]
    fn min_score_and_types_cut_and_say_why() {
        let st = store(&[
            (A, "192.0.2.1", 70, 1),
            (A, "192.0.2.2", 40, 1),
            (A, "192.0.2.3", 5, 1),
            (D, "a.example", 99, 1),
        ]);
        let fit = Fit {
            min_score: Some(50),
            types: vec![A],
            ..Fit::default()
        };
        let (kept, cut) = fit.apply(&st, st.iter().map(|(_, e)| e));
        assert_eq!(values(&kept), ["192.0.2.1"]);
        assert_eq!((cut.other_type, cut.decayed, cut.below_min), (1, 1, 1));
        assert_eq!(
            cut.describe(),
            "kept 1 of 4 indicators (cut: 1 of other types, 1 decayed, 1 below score 50); lowest score kept 70"
        );
    }
}
