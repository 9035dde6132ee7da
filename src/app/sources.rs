// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Source scheduling and status: when each source is due, what its last fetch did, and
//! what the store remembered of it at start-up.

use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;

use super::rows::Mutation;
use super::{App, CacheState, Effect, SourceState};
use crate::model::Sighting;
use crate::model::sanitize::one_line;
use crate::sources::{FetchError, FetchOutput};
use crate::store::health::{FetchRecord, HISTORY_MAX};
use crate::store::persist::{CachedSource, SourceMeta};

/// Most entries reserved ahead of a start-up load; a larger store grows as it loads.
const RESERVE_MAX: usize = 4_000_000;

impl App {
    pub(super) fn on_cache_meta(&mut self, metas: &std::collections::HashMap<String, SourceMeta>) {
        self.cache = CacheState::Loading;
        if self.store.is_empty() && self.lease.holders == 0 {
            // Room for every stored snapshot at once (they follow one by one), rather
            // than growing the table per source.
            let shown = |name: &String| self.sources.iter().any(|s| &s.spec.name == name);
            let total = metas
                .iter()
                .filter(|(name, _)| shown(name))
                .fold(0usize, |n, (_, m)| n.saturating_add(m.count));
            // The counts are the store's word: a hint, capped.
            Arc::make_mut(&mut self.store).reserve(total.min(RESERVE_MAX));
        }
        for s in &mut self.sources {
            let Some(at) = metas.get(&s.spec.name).and_then(|m| m.fetched_at) else {
                continue;
            };
            s.cached_at = Some(at);
            if s.enabled()
                && let Some(due) = s.schedule.next_due
            {
                let next = at
                    .checked_add(jiff::SignedDuration::try_from(s.spec.refresh).unwrap_or_default())
                    .unwrap_or(due);
                s.schedule.next_due = Some(next.max(due));
            }
        }
        self.dirty = true;
    }

    /// Another process saved a snapshot of a source this dashboard shows: show it, and
    /// wait a whole refresh from when it was fetched before fetching it here.
    pub(super) fn on_shared_snapshot(
        &mut self,
        name: &str,
        sightings: Vec<Sighting>,
        meta: Option<SourceMeta>,
        fx: &mut Vec<Effect>,
    ) {
        let Some(i) = self.sources.iter().position(|s| s.spec.name == name) else {
            return;
        };
        let s = &mut self.sources[i];
        let at = meta.as_ref().and_then(|m| m.fetched_at).unwrap_or(self.now);
        s.cached_at = Some(at);
        s.last_ok = Some(at);
        s.last_error = None;
        s.unresolved = false;
        s.live_data = true;
        if s.enabled() && !s.schedule.in_flight {
            let next = at
                .checked_add(jiff::SignedDuration::try_from(s.spec.refresh).unwrap_or_default())
                .unwrap_or(at);
            s.schedule.next_due = Some(next.max(self.now));
        }
        let by = meta
            .and_then(|m| m.fetched_by)
            .map(|b| format!(" (fetched by {})", one_line(&b, 60)))
            .unwrap_or_default();
        fx.push(Effect::Log {
            level: tracing::Level::INFO,
            text: format!(
                "{name}: {} indicators from the shared store{by}",
                sightings.len()
            ),
        });
        self.mutate(Mutation::Replace(i, sightings), fx);
        self.dirty = true;
    }

    pub(super) fn on_tick(&mut self, now: Timestamp, fx: &mut Vec<Effect>) {
        self.now = now;
        for i in 0..self.sources.len() {
            if self.sources[i].schedule.is_due(now) {
                self.start_fetch(i, false, fx);
            }
        }
        // Relative times ("3m ago", "next 5m") change once a minute; a spinner every tick.
        let minute = now.as_second().div_euclid(60);
        if minute != self.last_minute || self.busy() {
            self.last_minute = minute;
            self.dirty = true;
        }
    }

    /// Starts a fetch of source `i`; `forced` when the analyst asked for it (`r`, `R`),
    /// which a store shared by a team honours even within the refresh interval.
    pub(super) fn start_fetch(&mut self, i: usize, forced: bool, fx: &mut Vec<Effect>) {
        let s = &mut self.sources[i];
        if !s.enabled() {
            return;
        }
        s.schedule.start();
        s.started = Some(self.now);
        fx.push(Effect::Fetch {
            source: i,
            spec: s.spec.clone(),
            forced,
        });
        self.dirty = true;
    }

    pub(super) fn refresh(&mut self, i: usize, fx: &mut Vec<Effect>) {
        if !self.sources.get(i).is_some_and(SourceState::enabled) {
            return;
        }
        if self.sources[i].schedule.request() {
            self.start_fetch(i, true, fx);
        }
    }

    pub(super) fn on_fetch_done(
        &mut self,
        i: usize,
        result: Result<FetchOutput, FetchError>,
        at: Timestamp,
        elapsed: Duration,
        fx: &mut Vec<Effect>,
    ) {
        let Some(s) = self.sources.get_mut(i) else {
            return;
        };
        let again = s.schedule.finish(at, s.spec.refresh);
        s.waiting = None;
        s.last_duration = Some(elapsed);
        s.history
            .push(FetchRecord::from_result(&result, at, elapsed, s.count));
        if s.history.len() > HISTORY_MAX {
            s.history.remove(0);
        }
        s.live = true;
        match result {
            Ok(out) if out.not_modified => {
                // The cached snapshot is current: nothing to parse or replace.
                s.last_ok = Some(at);
                s.last_error = None;
                s.unresolved = false;
            }
            Ok(out) => {
                s.last_ok = Some(at);
                s.last_error = None;
                s.unresolved = false;
                s.live_data = true;
                s.skipped = out.batch.skipped.clone();
                if !out.batch.skipped.is_empty() {
                    fx.push(Effect::Log {
                        level: tracing::Level::INFO,
                        text: format!(
                            "{}: skipped {} records: {}",
                            s.spec.name,
                            out.batch.skipped.total(),
                            out.batch.skipped.summary()
                        ),
                    });
                }
                self.mutate(Mutation::Replace(i, out.batch.sightings), fx);
                self.enrich_store(out.answers);
            }
            Err(e) => {
                // The previous indicators stay; the error shows in the pane and the log.
                fx.push(Effect::Log {
                    level: tracing::Level::WARN,
                    text: format!("{}: {}", s.spec.name, one_line(&e.to_string(), 600)),
                });
                s.last_error = Some(one_line(&e.short(), 300));
                s.unresolved = e.is_unresolved();
            }
        }
        if again {
            // A refresh asked for while the fetch ran.
            self.start_fetch(i, true, fx);
        }
        self.dirty = true;
    }

    /// The stored snapshots and histories arrived: merge each history under this run's,
    /// and show each snapshot unless live data of this run came first.
    pub(super) fn on_cache_loaded(
        &mut self,
        sources: Vec<CachedSource>,
        histories: Vec<(String, Vec<FetchRecord>)>,
        fx: &mut Vec<Effect>,
    ) {
        self.cache = CacheState::Ready;
        for (name, h) in histories {
            if let Some(s) = self.sources.iter_mut().find(|s| s.spec.name == name) {
                let mut h = h;
                h.append(&mut s.history);
                let excess = h.len().saturating_sub(HISTORY_MAX);
                h.drain(..excess);
                s.history = h;
            }
        }
        self.on_cached_sources(sources, fx);
        if std::mem::take(&mut self.lease.deferred) {
            self.refilter(fx);
        }
        self.dirty = true;
    }

    /// Stored snapshots: each shown unless this run already has live data of it.
    pub(super) fn on_cached_sources(&mut self, sources: Vec<CachedSource>, fx: &mut Vec<Effect>) {
        let mut ms = Vec::with_capacity(sources.len());
        for c in sources {
            let Some(i) = self.sources.iter().position(|s| s.spec.name == c.name) else {
                continue;
            };
            let s = &mut self.sources[i];
            s.cached_at = c.meta.fetched_at;
            // Live data of this run is newer than anything cached.
            if s.live_data {
                continue;
            }
            ms.push(if c.continues {
                Mutation::CachedMore(i, c.sightings)
            } else {
                Mutation::Cached(i, c.sightings)
            });
        }
        if self.cache == CacheState::Loading
            && self.lease.holders == 0
            && self.lease.cache_shown
            && !ms.is_empty()
        {
            // The first snapshot is on screen: merge the rest as they come and filter
            // once when the store is read, rather than once per snapshot.
            for m in ms {
                self.apply(m);
            }
            self.lease.deferred = true;
        } else if !ms.is_empty() {
            self.mutate_all(ms, fx);
            self.lease.cache_shown = true;
        }
        self.dirty = true;
    }
}
