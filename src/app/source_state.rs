// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! One source as the dashboard tracks it: its spec, schedule, counts, last error and
//! recent fetches.

use std::time::Duration;

use jiff::Timestamp;

use crate::config::{Availability, SourceSpec};
use crate::store::SourceId;
use crate::store::health::FetchRecord;
#[cfg(doc)]
use crate::store::health::HISTORY_MAX;

use super::schedule::Schedule;

/// One source as the dashboard tracks it.
#[derive(Debug, Clone)]
pub struct SourceState {
    pub spec: SourceSpec,
    pub id: SourceId,
    pub availability: Availability,
    pub schedule: Schedule,
    pub started: Option<Timestamp>,
    pub count: usize,
    pub last_ok: Option<Timestamp>,
    pub last_duration: Option<Duration>,
    /// The last failure, sanitised, one line. Cleared by the next success.
    pub last_error: Option<String>,
    /// The last failure was a host name that did not resolve: no network, most likely.
    pub unresolved: bool,
    pub hidden: bool,
    /// When the cached snapshot was fetched (shown until the first live fetch of this run).
    pub cached_at: Option<Timestamp>,
    /// A fetch of this run has finished (successfully or not).
    pub live: bool,
    /// The store holds this run's live data for the source (not the cache's).
    pub(super) live_data: bool,
    /// Recent fetches, oldest first (at most [`HISTORY_MAX`]).
    pub history: Vec<FetchRecord>,
    /// What the last document of this run could not give, counted by reason.
    pub skipped: crate::sources::Skips,
    /// A rate-limited source's quota, as the store's ledger last said.
    pub quota: Option<crate::net::ledger::QuotaUsage>,
    /// The running fetch waits until this time, and why (cleared when it ends).
    pub waiting: Option<(Timestamp, crate::net::wait::WaitReason)>,
}

impl SourceState {
    pub fn enabled(&self) -> bool {
        self.availability == Availability::Enabled
    }

    pub fn fetching(&self) -> bool {
        self.schedule.in_flight
    }

    /// The last fetch failed (and no success came since).
    pub fn failing(&self) -> bool {
        self.last_error.is_some()
    }
}
