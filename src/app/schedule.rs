// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! When each source fetches: at start-up, then every `refresh`; at most one fetch in
//! flight per source, and a refresh asked for meanwhile runs once right after it.

use std::time::Duration;

use jiff::{SignedDuration, Timestamp};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Schedule {
    /// When the next automatic fetch is due (`None` while one is in flight, or never).
    pub next_due: Option<Timestamp>,
    pub in_flight: bool,
    /// A refresh was asked for while in flight: run once when it ends.
    pub queued: bool,
}

impl Schedule {
    /// Due at once (start-up).
    pub fn new(now: Timestamp) -> Self {
        Schedule {
            next_due: Some(now),
            in_flight: false,
            queued: false,
        }
    }

    /// A schedule that never fires (disabled sources).
    pub fn never() -> Self {
        Schedule::default()
    }

    pub fn is_due(&self, now: Timestamp) -> bool {
        !self.in_flight && self.next_due.is_some_and(|d| now >= d)
    }

    /// A manual refresh. Returns `true` if a fetch should start now; otherwise it was
    /// coalesced into the fetch in flight.
    pub fn request(&mut self) -> bool {
        if self.in_flight {
            self.queued = true;
            false
        } else {
            true
        }
    }

    pub fn start(&mut self) {
        self.in_flight = true;
        self.next_due = None;
    }

    /// The fetch ended at `now`. Returns `true` if a queued refresh should start now.
    pub fn finish(&mut self, now: Timestamp, refresh: Duration) -> bool {
        self.in_flight = false;
        self.next_due = now
            .checked_add(SignedDuration::try_from(refresh).unwrap_or(SignedDuration::MAX))
            .ok();
        std::mem::take(&mut self.queued)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + s).unwrap()
    }

    #[test]
    fn due_at_start_then_every_refresh() {
        let mut s = Schedule::new(t(0));
        assert!(s.is_due(t(0)));
        s.start();
        assert!(!s.is_due(t(10_000)), "never twice in flight");
        assert!(!s.finish(t(5), Duration::from_secs(600)));
        assert!(!s.is_due(t(604)));
        assert!(s.is_due(t(605)));
    }

    #[test]
    fn refresh_during_a_fetch_runs_once_after_it() {
        let mut s = Schedule::new(t(0));
        s.start();
        assert!(!s.request());
        assert!(!s.request(), "asked twice, still one");
        assert!(s.finish(t(1), Duration::from_secs(60)));
        s.start();
        assert!(!s.finish(t(2), Duration::from_secs(60)), "only once");
    }

    #[test]
    fn never_is_never_due() {
        let s = Schedule::never();
        assert!(!s.is_due(t(1_000_000)));
    }
}
