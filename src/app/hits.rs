// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Hits in the logs — the dashboard's own `logs:` and every sensor recording to the
//! same store: the recent hits the Hits view lists, newest first, optionally of one
//! sensor; each indicator's sightings (count, first and last seen, files) for the
//! table's marker and the details; and when to hand the runtime a new indicator set to
//! hunt with (the store changed), which holds the store like a filter job does.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::hash::{BuildHasher, RandomState};
use std::sync::Arc;

use jiff::Timestamp;

use super::{App, Effect, Mode};
use crate::model::sanitize::one_line;
use crate::model::{IndicatorType, LogHit};
use crate::store::Store;

/// Hits the view keeps (the store keeps more; see `persist::MAX_STORED_HITS`).
pub const RECENT_MAX: usize = 5_000;

/// Files listed per indicator.
pub const FILES_MAX: usize = 8;

/// One indicator's sightings in the logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sightings {
    pub count: u64,
    /// Of them, found by a retro-hunt.
    pub retro: u64,
    /// Event times.
    pub first: Timestamp,
    pub last: Timestamp,
    /// The files (or streams), in the order first seen (at most [`FILES_MAX`]).
    pub files: Vec<Box<str>>,
    /// The sensors that saw it, in the order first seen (at most [`FILES_MAX`]).
    pub sensors: Vec<Box<str>>,
}

/// The Hits view's state.
#[derive(Debug, Default)]
pub struct Hits {
    /// Logs are configured: the runtime follows them.
    pub enabled: bool,
    /// Newest first.
    pub recent: VecDeque<LogHit>,
    /// Per indicator, by type then value.
    by_indicator: HashMap<IndicatorType, HashMap<Box<str>, Sightings>>,
    /// Hashes of the keys of the hits held, so a hit stored and found again counts once.
    seen: HashSet<u64>,
    hasher: RandomState,
    /// Selected hit and the first row on screen, as indices into the hits shown (those
    /// of [`Hits::sensor`], or all).
    pub selected: usize,
    pub offset: usize,
    /// Only this sensor's hits are shown (`f` cycles).
    pub sensor: Option<Box<str>>,
    /// Every sensor seen, by name.
    pub sensors: BTreeSet<Box<str>>,
    /// The store version the runtime last hunted with; a build in flight.
    hunted_version: Option<u64>,
    hunting: bool,
    /// Hits seen since start (live and retro-hunt), and of them retro-hunt ones.
    pub total: u64,
    pub total_retro: u64,
    /// The followed logs that cannot be read now, by path: why (one line).
    pub unreadable: BTreeMap<String, String>,
}

impl Hits {
    /// Empty; `enabled` when logs are configured.
    pub fn new(enabled: bool) -> Hits {
        Hits {
            enabled,
            ..Default::default()
        }
    }

    /// The sightings of one indicator, if any.
    pub fn of(&self, kind: IndicatorType, value: &str) -> Option<&Sightings> {
        self.by_indicator.get(&kind)?.get(value)
    }

    /// Whether `hit` is shown under the sensor filter.
    fn passes(&self, hit: &LogHit) -> bool {
        self.sensor.as_deref().is_none_or(|s| *hit.sensor == *s)
    }

    /// The hits shown, newest first.
    pub fn shown(&self) -> impl Iterator<Item = &LogHit> {
        self.recent.iter().filter(|h| self.passes(h))
    }

    /// How many hits are shown.
    pub fn shown_len(&self) -> usize {
        match self.sensor {
            None => self.recent.len(),
            Some(_) => self.shown().count(),
        }
    }

    /// The selected hit.
    pub fn selected_hit(&self) -> Option<&LogHit> {
        self.shown().nth(self.selected)
    }

    /// Shows the next sensor's hits only (all, then each sensor by name, then all).
    pub fn cycle_sensor(&mut self) {
        let next = match &self.sensor {
            None => self.sensors.iter().next().cloned(),
            Some(cur) => self
                .sensors
                .range::<str, _>((
                    std::ops::Bound::Excluded(&**cur),
                    std::ops::Bound::Unbounded,
                ))
                .next()
                .cloned(),
        };
        self.sensor = next;
        self.selected = 0;
        self.offset = 0;
    }

    /// Adds `hit` unless held already; whether it was new.
    fn add(&mut self, hit: LogHit) -> bool {
        let key = self.hasher.hash_one(hit.key());
        if !self.seen.insert(key) {
            return false;
        }
        let s = self
            .by_indicator
            .entry(hit.kind)
            .or_default()
            .entry(hit.indicator.clone())
            .or_insert_with(|| Sightings {
                count: 0,
                retro: 0,
                first: hit.at,
                last: hit.at,
                files: Vec::new(),
                sensors: Vec::new(),
            });
        s.count += 1;
        s.retro += u64::from(hit.retro);
        s.first = s.first.min(hit.at);
        s.last = s.last.max(hit.at);
        let place = hit.origin.name();
        if s.files.len() < FILES_MAX && !s.files.iter().any(|f| **f == *place) {
            s.files.push(place.into());
        }
        if !hit.sensor.is_empty() && s.sensors.len() < FILES_MAX && !s.sensors.contains(&hit.sensor)
        {
            s.sensors.push(hit.sensor.clone());
        }
        if !hit.sensor.is_empty() && !self.sensors.contains(&hit.sensor) {
            self.sensors.insert(hit.sensor.clone());
        }
        self.total += 1;
        self.total_retro += u64::from(hit.retro);
        // Newest (by event time) first; hits mostly arrive in order.
        let at = self
            .recent
            .iter()
            .position(|h| h.at <= hit.at)
            .unwrap_or(self.recent.len());
        let shown = self.passes(&hit);
        // Where it lands among the hits shown.
        let shown_at = if shown {
            self.recent
                .iter()
                .take(at)
                .filter(|h| self.passes(h))
                .count()
        } else {
            usize::MAX
        };
        self.recent.insert(at, hit);
        if shown_at <= self.selected && self.selected > 0 {
            self.selected += 1;
        }
        if self.recent.len() > RECENT_MAX {
            self.recent.pop_back();
            self.selected = self.selected.min(self.shown_len().saturating_sub(1));
        }
        if self.seen.len() > 4 * RECENT_MAX {
            // Forget keys of hits no longer listed (their counts stay).
            self.seen = self
                .recent
                .iter()
                .map(|h| self.hasher.hash_one(h.key()))
                .collect();
        }
        true
    }
}

impl App {
    /// Hits found in the logs (`stored`: read back from the store, so not saved again).
    pub(super) fn on_hits(&mut self, hits: Vec<LogHit>, stored: bool, fx: &mut Vec<Effect>) {
        let mut fresh = Vec::new();
        // The store hands them newest first: add the oldest first.
        let ordered: Box<dyn Iterator<Item = LogHit>> = if stored {
            Box::new(hits.into_iter().rev())
        } else {
            Box::new(hits.into_iter())
        };
        let mut added = Vec::new();
        for h in ordered {
            if self.hits.add(h.clone()) {
                if stored {
                    added.push(h);
                } else {
                    fresh.push(h);
                }
            }
        }
        // A hit resets its indicator's decay clock (scored again on a tick).
        self.score_hits(added.iter().chain(&fresh));
        if fresh.is_empty() {
            return;
        }
        self.dirty = true;
        for h in fresh.iter().take(3) {
            fx.push(Effect::Log {
                level: tracing::Level::WARN,
                text: format!(
                    "{}hit: {} ({}) in {} matches {} {} [{}]",
                    if h.retro { "retro-hunt " } else { "" },
                    one_line(&h.atomic, 80),
                    one_line(&h.field, 40),
                    one_line(h.origin.name(), 80),
                    h.kind,
                    one_line(&h.indicator, 80),
                    one_line(&h.sources_joined(), 60)
                ),
            });
        }
        if fresh.len() > 3 {
            fx.push(Effect::Log {
                level: tracing::Level::WARN,
                text: format!("… and {} more hits (h shows them)", fresh.len() - 3),
            });
        }
        fx.push(Effect::SaveHits(fresh));
    }

    /// Once a tick: when logs are followed and the store changed since the last hunt,
    /// hand the runtime the store to build a new indicator set from (it holds the store
    /// until [`App::on_hunt_ready`]).
    pub(super) fn hunt_tick(&mut self, fx: &mut Vec<Effect>) {
        let version = self.lease.store_version;
        if !self.hits.enabled
            || self.hits.hunting
            || self.hits.hunted_version == Some(version)
            || self.store.is_empty()
        {
            return;
        }
        self.hits.hunting = true;
        self.hits.hunted_version = Some(version);
        self.lease.holders += 1;
        fx.push(Effect::Hunt {
            store: Arc::clone(&self.store),
        });
    }

    /// The runtime built its indicator set and gave the store back.
    pub(super) fn on_hunt_ready(&mut self, store: Arc<Store>, fx: &mut Vec<Effect>) {
        drop(store);
        self.hits.hunting = false;
        // The runtime logged the new set's size: show it.
        self.dirty = true;
        self.lease.holders = self.lease.holders.saturating_sub(1);
        self.after_release(fx);
    }

    /// A followed log cannot be read (`unreadable`: why), or can again (`None`): kept
    /// for the Hits view, and said once in the log pane.
    pub(super) fn on_log_status(
        &mut self,
        path: String,
        unreadable: Option<String>,
        fx: &mut Vec<Effect>,
    ) {
        let (level, text) = match unreadable {
            Some(why) => {
                let line = format!("logs: {}", one_line(&why, 400));
                if self.hits.unreadable.insert(path, why.clone()).as_ref() == Some(&why) {
                    return;
                }
                (tracing::Level::WARN, line)
            }
            None => {
                if self.hits.unreadable.remove(&path).is_none() {
                    return;
                }
                (
                    tracing::Level::INFO,
                    format!("logs: reading {}", one_line(&path, 300)),
                )
            }
        };
        fx.push(Effect::Log { level, text });
        self.dirty = true;
    }

    /// `h`: open or close the Hits view.
    pub(super) fn toggle_hits(&mut self) {
        self.open_overlay(match self.mode {
            Mode::Hits | Mode::HitDetails => Mode::Normal,
            _ => Mode::Hits,
        });
    }

    /// `f` in the Hits view: the next sensor's hits only.
    pub(super) fn cycle_hits_sensor(&mut self) {
        self.hits.cycle_sensor();
        self.details_scroll = 0;
    }

    /// Moves the Hits view's selection by `delta`.
    pub(super) fn move_hit(&mut self, delta: isize) {
        let n = self.hits.shown_len();
        self.hits.selected = if n == 0 {
            0
        } else {
            (self.hits.selected as isize)
                .saturating_add(delta)
                .clamp(0, n as isize - 1) as usize
        };
        let page = self.hits_page();
        let h = &mut self.hits;
        if h.selected < h.offset {
            h.offset = h.selected;
        } else if h.selected >= h.offset + page {
            h.offset = h.selected + 1 - page;
        }
    }

    /// Rows of hits that fit on screen (the view takes the table's place, and its pane).
    pub fn hits_page(&self) -> usize {
        usize::from(self.height.saturating_sub(6)).max(1)
    }
}

#[cfg(test)]
mod tests;
