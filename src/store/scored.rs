// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Scoring the merged set: each entry's sightings turned into the formula's inputs
//! ([`crate::trust::score`]), with the sources' weights and our own evidence.

use smallvec::SmallVec;

use super::set::{Entry, SourceId, Store};
use crate::config::{Config, ScoringConfig};
use crate::trust::evidence::Evidence;
use crate::trust::score::{self, Breakdown, Decay, SourcePart, Unix};

/// A source's weight when the config does not name it (an indicator file given to
/// `match`, a store written by another config): the middle of the scale.
pub const UNKNOWN_WEIGHT: u8 = 50;

/// Everything the score of one entry reads besides the entry.
#[derive(Debug, Clone)]
pub struct Scorer<'a> {
    decays: [Decay; 10],
    config: ScoringConfig,
    /// By source id.
    weights: Vec<u8>,
    /// Each source's last good fetch, by source id: when a source without dates last
    /// listed what it holds.
    fetched: Vec<Option<Unix>>,
    evidence: &'a Evidence,
    now: Unix,
}

impl<'a> Scorer<'a> {
    /// A scorer with `weights` by source id (0–100; a source past the end weighs
    /// [`UNKNOWN_WEIGHT`]), `evidence`, and the time `now` (Unix seconds). Sources' fetch
    /// times are unknown until [`Scorer::fetched`] says.
    pub fn new(
        scoring: &ScoringConfig,
        weights: Vec<u8>,
        evidence: &'a Evidence,
        now: Unix,
    ) -> Self {
        Scorer {
            decays: Decay::all(scoring),
            config: scoring.clone(),
            weights,
            fetched: Vec::new(),
            evidence,
            now,
        }
    }

    /// A scorer for `store`'s sources with the weights `config` gives them (a source the
    /// config does not name weighs [`UNKNOWN_WEIGHT`]).
    pub fn for_config(store: &Store, config: &Config, evidence: &'a Evidence, now: Unix) -> Self {
        let weights = store
            .source_names()
            .iter()
            .map(|n| config.source(n).map_or(UNKNOWN_WEIGHT, |s| s.weight))
            .collect();
        Scorer::new(&config.scoring, weights, evidence, now)
    }

    /// Says when source `id` last fetched what it holds.
    pub fn fetched(mut self, id: SourceId, at: Option<Unix>) -> Self {
        let i = usize::from(id.0);
        if self.fetched.len() <= i {
            self.fetched.resize(i + 1, None);
        }
        self.fetched[i] = at;
        self
    }

    /// Below this score an entry is decayed.
    pub fn expire_below(&self) -> u8 {
        self.config.expire_below
    }

    fn parts(&self, e: &Entry) -> SmallVec<[SourcePart; 4]> {
        e.sightings
            .iter()
            .map(|(id, o)| {
                let i = usize::from(id.0);
                let date = crate::model::indicator::max_time(o.first_seen, o.last_seen);
                SourcePart {
                    weight: self.weights.get(i).copied().unwrap_or(UNKNOWN_WEIGHT),
                    confidence: o.confidence,
                    published: date
                        .map(|d| d.as_second())
                        .or_else(|| self.fetched.get(i).copied().flatten()),
                    dated: date.is_some(),
                }
            })
            .collect()
    }

    /// The score of `e`, 0–100.
    pub fn score(&self, e: &Entry) -> u8 {
        let own = if self.evidence.is_empty() {
            score::OwnPart::default()
        } else {
            self.evidence.get(e.kind, &e.value)
        };
        let decay = &self.decays[crate::config::scoring::type_index(e.kind)];
        score::score(&self.parts(e), &own, decay, self.now)
    }

    /// When `e`'s score falls below [`Scorer::expire_below`] through decay alone, in Unix
    /// seconds ([`score::decays_at`]: `None` when only a new listing moves it).
    pub fn decays_at(&self, e: &Entry) -> Option<Unix> {
        let own = if self.evidence.is_empty() {
            score::OwnPart::default()
        } else {
            self.evidence.get(e.kind, &e.value)
        };
        let decay = &self.decays[crate::config::scoring::type_index(e.kind)];
        score::decays_at(&self.parts(e), &own, decay, self.config.expire_below)
    }

    /// The score of `e` with its parts (the sources' parts in `e`'s source order).
    pub fn explain(&self, e: &Entry) -> Breakdown {
        let own = self.evidence.get(e.kind, &e.value);
        let decay = &self.decays[crate::config::scoring::type_index(e.kind)];
        score::explain(
            &self.parts(e),
            &own,
            decay,
            self.config.half_life(e.kind),
            self.now,
        )
    }
}

/// Scores `store` at `now` for a command (`fetch`, `match`, `lookup`): the weights
/// `config` gives, each source's last fetch as the persistent store `kept` records it
/// (else `now`: it was just fetched), and our own evidence, the hits `kept` holds.
/// Returns the scorer's evidence and lines for the user (a store that could not be
/// read: the scores then lack our own sightings).
pub async fn score_for_command(
    store: &mut Store,
    config: &Config,
    kept: Option<&super::persist::SharedStore>,
    now: jiff::Timestamp,
) -> (Evidence, Vec<String>) {
    let (inputs, notes) = CommandInputs::read(kept).await;
    let scorer = inputs.scorer(store, config, now);
    store.rescore(&scorer);
    (inputs.evidence, notes)
}

/// What a command's scores read from the persistent store besides the set: our own
/// sightings (the newest [`super::persist::MAX_STORED_HITS`]) and the evidence they and
/// the triage marks give, and each source's last good fetch (Unix seconds, by name).
#[derive(Debug, Default)]
pub struct CommandInputs {
    pub hits: Vec<crate::model::LogHit>,
    pub evidence: Evidence,
    pub fetched: std::collections::HashMap<String, Unix>,
}

impl CommandInputs {
    /// Reads them from `kept` (nothing without a store). Returns lines for the user for
    /// what could not be read.
    pub async fn read(kept: Option<&super::persist::SharedStore>) -> (CommandInputs, Vec<String>) {
        let mut notes = Vec::new();
        let mut evidence = Evidence::new();
        let mut hits = Vec::new();
        let mut fetched = std::collections::HashMap::new();
        if let Some(kept) = kept {
            match kept.load_hits(super::persist::MAX_STORED_HITS).await {
                Ok(h) => {
                    evidence = Evidence::from_hits(&h);
                    hits = h;
                }
                Err(e) => notes.push(format!("scores without our own sightings: {e}")),
            }
            match crate::trust::triage::load(&**kept).await {
                Ok(triage) => {
                    for (kind, value) in triage.marked() {
                        let f = crate::trust::evidence::finding(&triage, kind, value);
                        evidence.triage(kind, value, f);
                    }
                }
                Err(e) => notes.push(format!("scores without triage marks: {e}")),
            }
            match kept.metas().await {
                Ok(metas) => {
                    fetched = metas
                        .into_iter()
                        .filter_map(|(n, m)| Some((n, m.fetched_at?.as_second())))
                        .collect();
                }
                Err(e) => notes.push(format!("sources' fetch times unknown: {e}")),
            }
        }
        (
            CommandInputs {
                hits,
                evidence,
                fetched,
            },
            notes,
        )
    }

    /// The scorer for `store` at `now` (a source without a recorded fetch was fetched
    /// `now`).
    pub fn scorer<'a>(
        &'a self,
        store: &Store,
        config: &Config,
        now: jiff::Timestamp,
    ) -> Scorer<'a> {
        let mut scorer = Scorer::for_config(store, config, &self.evidence, now.as_second());
        for name in store.source_names() {
            if let Some(id) = store.find_source(name) {
                let at = self
                    .fetched
                    .get(&**name)
                    .copied()
                    .unwrap_or(now.as_second());
                scorer = scorer.fetched(id, Some(at));
            }
        }
        scorer
    }
}

impl Store {
    /// Scores every entry with `scorer` (on every core for a large set), and keeps its
    /// threshold for [`Store::is_decayed`]. Returns how many live entries are decayed.
    pub fn rescore(&mut self, scorer: &Scorer<'_>) -> usize {
        let below = scorer.expire_below();
        self.set_expire_below(below);
        let entries = self.entries_mut();
        let threads = std::thread::available_parallelism()
            .map_or(1, usize::from)
            .min(8);
        let part = |part: &mut [Entry]| {
            let mut decayed = 0;
            for e in part {
                e.score = scorer.score(e);
                decayed += usize::from(e.score < below && !e.sightings.is_empty());
            }
            decayed
        };
        if threads < 2 || entries.len() < 65_536 {
            return part(entries);
        }
        let chunk = entries.len().div_ceil(threads);
        std::thread::scope(|s| {
            let handles: Vec<_> = entries
                .chunks_mut(chunk)
                .map(|p| s.spawn(move || part(p)))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap_or(0)).sum()
        })
    }

    /// Sets each live entry's score to `score(value)` and the decayed threshold to
    /// `below`, without a scorer (tests of what reads scores).
    #[cfg(test)]
    pub(crate) fn set_scores_for_test(&mut self, below: u8, score: impl Fn(&str) -> u8) {
        self.set_expire_below(below);
        for e in self.entries_mut() {
            e.score = score(&e.value);
        }
    }

    /// Whether `e` scored below the threshold of the last [`Store::rescore`] (never,
    /// before the first).
    pub fn is_decayed(&self, e: &Entry) -> bool {
        e.score < self.expire_below()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::time::Secs;
    use crate::model::{IndicatorType, Observation, Sighting};

    fn config(yaml: &str) -> Config {
        let kinds = crate::sources::registry::kinds();
        Config::from_yaml(yaml, std::path::Path::new("t.yaml"), &|_| None, &kinds)
            .unwrap()
            .config
    }

    fn sighting(value: &str, last: Option<i64>, confidence: Option<u8>) -> Sighting {
        Sighting {
            kind: IndicatorType::Ipv4,
            value: value.into(),
            obs: Observation {
                last_seen: last.and_then(Secs::from_second),
                confidence,
                ..Observation::default()
            },
        }
    }

    const NOW: i64 = 1_800_000_000;
    const DAY: i64 = 86_400;

    #[test]
    fn rescoring_uses_weights_dates_evidence_and_marks_decayed() {
        let cfg = config(
            "sources:\n  - { name: feodo, kind: feodo }\n  - { name: mine, kind: plain_list, url: 'https://lists.example/a.txt', weight: 40 }\nscoring: { half_life: { ipv4: 14d }, expire_below: 20 }\n",
        );
        let mut st = Store::new();
        let feodo = st.source_id("feodo");
        let mine = st.source_id("mine");
        st.replace_source(
            feodo,
            vec![
                sighting("192.0.2.1", Some(NOW), None),
                sighting("192.0.2.2", Some(NOW - 40 * DAY), None),
                sighting("192.0.2.3", Some(NOW), Some(50)),
            ],
        );
        st.replace_source(mine, vec![sighting("192.0.2.1", None, None)]);
        let mut ev = Evidence::new();
        let scorer = Scorer::for_config(&st, &cfg, &ev, NOW).fetched(mine, Some(NOW - DAY));
        st.rescore(&scorer);
        let score = |st: &Store, v: &str| {
            let i = st.find_live(IndicatorType::Ipv4, v).unwrap();
            st.get(i).unwrap().score
        };
        // feodo 0.9 and mine 0.4 agree: 100·(1 − 0.1·0.6) = 94.
        assert_eq!(score(&st, "192.0.2.1"), 94);
        assert_eq!(score(&st, "192.0.2.2"), 0);
        assert_eq!(score(&st, "192.0.2.3"), 45);
        let stale = st
            .get(st.find_live(IndicatorType::Ipv4, "192.0.2.2").unwrap())
            .unwrap();
        assert!(st.is_decayed(stale));
        // Seen in our logs an hour ago: fresh again.
        ev.sighted(IndicatorType::Ipv4, "192.0.2.2", NOW - 3600);
        st.rescore(&Scorer::for_config(&st, &cfg, &ev, NOW));
        assert_eq!(score(&st, "192.0.2.2"), 90);
        let stale = st
            .get(st.find_live(IndicatorType::Ipv4, "192.0.2.2").unwrap())
            .unwrap();
        assert!(!st.is_decayed(stale));
        let b = Scorer::for_config(&st, &cfg, &ev, NOW).explain(stale);
        assert_eq!((b.score, b.sources.clone()), (90, vec![90]));
    }

    #[test]
    fn a_large_set_scores_the_same_on_every_core() {
        let cfg = config("");
        let mut st = Store::new();
        let id = st.source_id("x");
        let n = 70_000;
        st.replace_source(
            id,
            (0..n)
                .map(|i| {
                    let ip = std::net::Ipv4Addr::from(0xC000_0000u32 + i);
                    sighting(&ip.to_string(), Some(NOW - i64::from(i) * 60), None)
                })
                .collect(),
        );
        let ev = Evidence::new();
        let scorer = Scorer::for_config(&st, &cfg, &ev, NOW);
        st.rescore(&scorer);
        for (_, e) in st.iter() {
            assert_eq!(e.score, scorer.score(e));
        }
        assert!(st.iter().any(|(_, e)| e.score == 50));
        assert!(st.iter().any(|(_, e)| e.score < 50));
    }
}
