// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The Trends view's state (`T`): what was read from the store for it — hits per hour
//! over the last [`HOURS_SHOWN`] hours, indicators held per source over the last
//! [`DAYS_SHOWN`] days — and when to read it again. It is read when the view opens and,
//! while it stays open, at the next tick after new snapshots or hits arrive; one read is
//! in flight at a time, and a change seen meanwhile asks for one more after it. The
//! reading itself is [`Effect::LoadTrends`], carried out by the runtime on a worker;
//! its answer comes back as [`Msg::TrendsLoaded`]. Fetch health comes from the
//! sources' histories the app already holds.

use jiff::{SignedDuration, Timestamp};

use super::{App, CacheState, Effect, Mode, Msg};
use crate::store::persist::{HitHour, SourceDay};

/// The hours of hits shown.
pub const HOURS_SHOWN: i64 = 48;

/// The days of indicators held shown.
pub const DAYS_SHOWN: i64 = 30;

/// The threats listed by hits.
pub const TOP_THREATS: usize = 10;

/// What the store held for the view when it was read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrendsData {
    /// When it was read: the windows end here.
    pub at: Timestamp,
    /// Hits per hour since [`TrendsData::hours_since`], oldest first.
    pub hours: Vec<HitHour>,
    /// Indicators held per source and day since [`TrendsData::days_since`].
    pub days: Vec<SourceDay>,
}

impl TrendsData {
    /// The start of the hits window for a read at `at`.
    pub fn hours_since(at: Timestamp) -> Timestamp {
        at - SignedDuration::from_hours(HOURS_SHOWN - 1)
    }

    /// The start of the days window for a read at `at`.
    pub fn days_since(at: Timestamp) -> Timestamp {
        at - SignedDuration::from_hours(24 * (DAYS_SHOWN - 1))
    }

    /// Hits per hour, one value per hour of the window, oldest first (the last is the
    /// hour of [`TrendsData::at`]).
    pub fn hits_per_hour(&self) -> Vec<u64> {
        let mut out = vec![0u64; HOURS_SHOWN as usize];
        for h in &self.hours {
            if let Some(back) = self.hours_back(h) {
                out[(HOURS_SHOWN - 1 - back) as usize] += h.hits;
            }
        }
        out
    }

    /// How many hours before the newest one `h` is; `None` outside the window.
    fn hours_back(&self, h: &HitHour) -> Option<i64> {
        let back = self.at.as_second().div_euclid(3_600) - h.hour.as_second().div_euclid(3_600);
        (0..HOURS_SHOWN).contains(&back).then_some(back)
    }

    /// The [`TOP_THREATS`] threats with the most hits in the window, most first (ties
    /// by name); hits with no threat named are left out.
    pub fn top_threats(&self) -> Vec<(&str, u64)> {
        let mut by: std::collections::BTreeMap<&str, u64> = Default::default();
        for h in self.hours.iter().filter(|h| self.hours_back(h).is_some()) {
            if let Some(t) = h.threat.as_deref() {
                *by.entry(t).or_default() += h.hits;
            }
        }
        let mut v: Vec<(&str, u64)> = by.into_iter().collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        v.truncate(TOP_THREATS);
        v
    }

    /// Each source's indicators held per day of the window, oldest first (`None`: no
    /// count that day), by source name.
    pub fn held_per_source(&self) -> Vec<(&str, Vec<Option<u64>>)> {
        let last = self.at.as_second().div_euclid(86_400);
        let mut out: Vec<(&str, Vec<Option<u64>>)> = Vec::new();
        for d in &self.days {
            let back = last - d.day.as_second().div_euclid(86_400);
            if !(0..DAYS_SHOWN).contains(&back) {
                continue;
            }
            let i = match out.iter().position(|(s, _)| *s == d.source) {
                Some(i) => i,
                None => {
                    out.push((&d.source, vec![None; DAYS_SHOWN as usize]));
                    out.len() - 1
                }
            };
            out[i].1[(DAYS_SHOWN - 1 - back) as usize] = Some(d.count as u64);
        }
        out.sort_by(|a, b| a.0.cmp(b.0));
        out
    }
}

/// The view's state.
#[derive(Debug, Clone, Default)]
pub struct Trends {
    /// The last read, if any came back.
    pub data: Option<TrendsData>,
    /// A read is in flight.
    pub loading: bool,
    /// Snapshots or hits arrived since the last read was asked for.
    stale: bool,
    /// Why the last read failed (one line).
    pub error: Option<String>,
}

impl App {
    /// `T`: opens the Trends view (reading the store), or closes it.
    pub(super) fn toggle_trends(&mut self, fx: &mut Vec<Effect>) {
        if self.mode == Mode::Trends {
            self.open_overlay(Mode::Normal);
            return;
        }
        self.open_overlay(Mode::Trends);
        self.load_trends(fx);
    }

    /// Whether there is a store to read trends from.
    pub fn trends_have_store(&self) -> bool {
        !matches!(self.cache, CacheState::Off | CacheState::Failed(_))
    }

    /// Asks for a read now, or after the one in flight.
    fn load_trends(&mut self, fx: &mut Vec<Effect>) {
        if !self.trends_have_store() {
            return;
        }
        if self.trends.loading {
            self.trends.stale = true;
            return;
        }
        self.trends.loading = true;
        self.trends.stale = false;
        fx.push(Effect::LoadTrends { at: self.now });
    }

    /// A read ended.
    pub(super) fn on_trends_loaded(
        &mut self,
        result: Result<TrendsData, String>,
        fx: &mut Vec<Effect>,
    ) {
        self.trends.loading = false;
        match result {
            Ok(data) => {
                self.trends.data = Some(data);
                self.trends.error = None;
            }
            Err(why) => self.trends.error = Some(crate::model::sanitize::one_line(&why, 200)),
        }
        if self.trends.stale && self.mode == Mode::Trends {
            self.load_trends(fx);
        }
        self.dirty = true;
    }

    /// After `msg` was applied: new snapshots or hits make an open view stale.
    pub(super) fn trends_note(&mut self, changed: bool) {
        if changed && self.mode == Mode::Trends {
            self.trends.stale = true;
        }
    }

    /// At a tick: reads again what went stale while the view is open.
    pub(super) fn trends_tick(&mut self, fx: &mut Vec<Effect>) {
        if self.mode == Mode::Trends && self.trends.stale && !self.trends.loading {
            self.load_trends(fx);
        }
    }
}

/// Whether `msg` brings new snapshots or hits (what the Trends view shows).
pub(super) fn changes_trends(msg: &Msg) -> bool {
    matches!(
        msg,
        Msg::FetchDone { .. }
            | Msg::SharedSnapshot { .. }
            | Msg::Hits { .. }
            | Msg::StoredHits(_)
            | Msg::CacheLoaded { .. }
    )
}

#[cfg(test)]
mod tests;
