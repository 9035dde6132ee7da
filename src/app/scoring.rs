// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Keeping the scores true: the set is scored again when a source's snapshot changes it,
//! when our own evidence changes (a hit, a triage mark), and as time passes; decayed
//! indicators are hidden unless the analyst shows them.

use jiff::Timestamp;

use super::{App, Effect};
use crate::config::ScoringConfig;
use crate::model::IndicatorType;
use crate::store::Entry;
use crate::store::scored::{Scorer, UNKNOWN_WEIGHT};
use crate::trust::evidence::{Evidence, Finding};
use crate::trust::score::Breakdown;

/// How often scores are worked out again while nothing else changes them: a half-life
/// of days moves a score by well under a point an hour.
pub const RESCORE_EVERY_SECS: i64 = 3_600;

/// How long new hits wait before the scores they move are worked out again: a busy
/// log's hits are scored together, not one batch at a time.
pub const HITS_SCORED_WITHIN_SECS: i64 = 2;

/// The dashboard's scoring state.
#[derive(Debug, Clone, Default)]
pub struct Trust {
    /// `scoring:` from the config.
    pub config: ScoringConfig,
    /// Our own sightings and the analyst's findings.
    pub evidence: Evidence,
    /// Show decayed indicators in the table.
    pub show_decayed: bool,
    /// The scores no longer hold: work them out before the next filter.
    stale: bool,
    /// When the scores were last worked out.
    scored_at: Option<Timestamp>,
    /// Indicators decayed at the last scoring.
    pub decayed: usize,
    /// New hits moved a decay clock since the last scoring.
    hits_moved: bool,
}

impl Trust {
    pub fn new(config: ScoringConfig) -> Self {
        Trust {
            config,
            stale: true,
            ..Trust::default()
        }
    }

    /// The scores no longer hold (the set or the evidence changed).
    pub fn invalidate(&mut self) {
        self.stale = true;
    }
}

impl App {
    /// The scorer for the store as it is now.
    pub fn scorer(&self) -> Scorer<'_> {
        self.scorer_with(&self.trust.evidence)
    }

    /// The score of `e` with its parts (the details pane).
    pub fn score_breakdown(&self, e: &Entry) -> Breakdown {
        self.scorer().explain(e)
    }

    /// Works the scores out again if they no longer hold and no worker holds the
    /// store; returns whether it did (the rows must then be filtered again).
    pub(super) fn rescore_if_stale(&mut self) -> bool {
        if !self.trust.stale || self.lease.holders > 0 || self.store.is_empty() {
            return false;
        }
        let evidence = std::mem::take(&mut self.trust.evidence);
        // The scorer reads the store's source table: made before the store is taken.
        let scorer = self.scorer_with(&evidence);
        let mut store = std::mem::take(&mut self.store);
        let decayed = std::sync::Arc::make_mut(&mut store).rescore(&scorer);
        drop(scorer);
        self.trust.decayed = decayed;
        self.store = store;
        self.trust.evidence = evidence;
        self.trust.stale = false;
        self.trust.scored_at = Some(self.now);
        self.lease.store_version += 1;
        true
    }

    /// [`App::scorer`] reading `evidence` (taken out of `self` while the store is
    /// scored in place).
    fn scorer_with<'e>(&self, evidence: &'e Evidence) -> Scorer<'e> {
        let mut weights = vec![UNKNOWN_WEIGHT; self.store.source_names().len()];
        for s in &self.sources {
            if let Some(w) = weights.get_mut(usize::from(s.id.0)) {
                *w = s.spec.weight;
            }
        }
        let mut scorer = Scorer::new(&self.trust.config, weights, evidence, self.now.as_second());
        for s in &self.sources {
            let fetched = s.last_ok.or(s.cached_at).map(|t| t.as_second());
            scorer = scorer.fetched(s.id, fetched);
        }
        scorer
    }

    /// Once a tick: scores age, so they are worked out again every
    /// [`RESCORE_EVERY_SECS`].
    pub(super) fn score_tick(&mut self, fx: &mut Vec<Effect>) {
        let since = self
            .trust
            .scored_at
            .map(|t| self.now.as_second() - t.as_second());
        let due = since.is_some_and(|s| {
            s >= RESCORE_EVERY_SECS || (self.trust.hits_moved && s >= HITS_SCORED_WITHIN_SECS)
        });
        if due {
            self.trust.hits_moved = false;
            self.trust.invalidate();
            self.refilter(fx);
        }
    }

    /// Our own sightings move scores: a hit resets its indicator's decay clock.
    pub(super) fn score_hits<'a>(
        &mut self,
        hits: impl IntoIterator<Item = &'a crate::model::LogHit>,
    ) {
        let mut moved = false;
        for h in hits {
            moved |= self.trust.evidence.sighted_hit(h);
        }
        if moved {
            self.trust.invalidate();
            self.trust.hits_moved = true;
        }
    }

    /// The analyst's finding on `(kind, value)` changed: its score follows.
    pub fn score_finding(
        &mut self,
        kind: IndicatorType,
        value: &str,
        finding: Option<Finding>,
        fx: &mut Vec<Effect>,
    ) {
        self.trust.evidence.triage(kind, value, finding);
        self.trust.invalidate();
        self.refilter(fx);
    }

    /// Shows or hides decayed indicators.
    pub(super) fn toggle_decayed(&mut self, fx: &mut Vec<Effect>) {
        self.trust.show_decayed = !self.trust.show_decayed;
        self.select_first_match(fx);
    }

    /// The scores the table shows (`/` with `score>=N` and the like, else all but the
    /// decayed unless shown), inclusive.
    pub fn shown_scores(&self) -> (u8, u8) {
        match crate::store::filter::score_terms(&self.filter_text).1 {
            Some(range) => range,
            // Nothing decayed: nothing to hide (and no filter to run).
            None if self.trust.show_decayed || self.trust.decayed == 0 => (0, 100),
            None => (self.store.expire_below(), 100),
        }
    }

    /// Decayed indicators the table hides now (0 when shown).
    pub fn hidden_decayed(&self) -> usize {
        if self.shown_scores().0 == 0 {
            return 0;
        }
        self.trust.decayed
    }
}
