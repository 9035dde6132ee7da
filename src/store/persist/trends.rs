// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! What the store keeps for trends (schema 12 on SQLite, 9 on PostgreSQL), on both
//! backends alike:
//!
//! - `source_days`: how many distinct indicators each source held on each UTC day, the
//!   last count written that day (by a saved snapshot, a recorded fetch or retention);
//! - `hit_hours`: hits per UTC hour of the event time (`LogHit::at`), indicator type,
//!   sensor and threat, counted as new hits are stored (backfilled from the stored hits
//!   by the migration), so the counts outlive the [`super::MAX_STORED_HITS`] bound;
//! - `fetch_skips`: the records each fetch skipped, by reason, with the fetch's time.
//!
//! All three age out with the cache retention ([`super::SnapshotStore::apply_retention`];
//! hit hours also with [`super::SnapshotStore::prune_hits`]) and are bounded besides:
//! [`MAX_SOURCE_DAYS`] days per source, [`MAX_HIT_HOURS`] rows of hit hours, and skip
//! rows only for the fetches the history keeps ([`crate::store::health::HISTORY_MAX`]).

use jiff::Timestamp;

use crate::model::IndicatorType;

/// The most days kept per source in `source_days`.
pub const MAX_SOURCE_DAYS: i64 = 400;

/// The most rows kept in `hit_hours` (the oldest hours go first).
pub const MAX_HIT_HOURS: usize = 200_000;

/// Seconds in a UTC day and hour.
pub(super) const DAY: i64 = 86_400;
pub(super) const HOUR: i64 = 3_600;

/// Indicators one source held on one UTC day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceDay {
    pub source: String,
    /// The day's start, 00:00 UTC.
    pub day: Timestamp,
    /// Distinct indicators held, as last written that day.
    pub count: usize,
}

/// The hits of one UTC hour for one indicator type, sensor and threat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HitHour {
    /// The hour's start (of the events' time, `LogHit::at`).
    pub hour: Timestamp,
    pub kind: IndicatorType,
    /// `sensor.name`; empty for hits stored before sensors were named.
    pub sensor: String,
    /// The threat the indicator's source names; `None` when none does.
    pub threat: Option<String>,
    pub hits: u64,
}

/// The records one fetch of a source skipped for one reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchSkip {
    /// The fetch's time, as in its [`crate::store::health::FetchRecord`].
    pub at: Timestamp,
    /// The reason's label ([`crate::sources::SkipReason::label`]).
    pub reason: String,
    pub count: usize,
}

/// The start of the UTC day of `secs` (Unix seconds).
pub(super) fn day_of(secs: i64) -> i64 {
    secs.div_euclid(DAY) * DAY
}

/// The start of the UTC hour of `secs` (Unix seconds).
pub(super) fn hour_of(secs: i64) -> i64 {
    secs.div_euclid(HOUR) * HOUR
}

/// Unix seconds as a timestamp (the epoch for one out of range).
pub(super) fn at(secs: i64) -> Timestamp {
    Timestamp::from_second(secs).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// A [`HitHour`]'s threat column: `''` stands for none (it is part of the key).
pub(super) fn threat_text(threat: Option<&str>) -> &str {
    threat.unwrap_or("")
}

/// A threat column read back.
pub(super) fn threat_of(text: String) -> Option<String> {
    (!text.is_empty()).then_some(text)
}

/// The skip counts of a fetch as the store keeps them: `(reason label, count)` of
/// each reason with a count, most frequent first.
pub fn skip_rows(skips: &crate::sources::Skips) -> Vec<(String, usize)> {
    skips
        .reasons()
        .into_iter()
        .filter(|c| c.count > 0)
        .map(|c| (c.reason.label().to_string(), c.count))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_and_hours_start_at_utc_boundaries() {
        assert_eq!(day_of(86_400 * 3 + 5), 86_400 * 3);
        assert_eq!(day_of(-1), -86_400);
        assert_eq!(hour_of(7_199), 3_600);
        assert_eq!(threat_of(threat_text(None).to_string()), None);
        assert_eq!(threat_of("Emotet".into()).as_deref(), Some("Emotet"));
    }

    #[test]
    fn skips_become_rows_by_reason() {
        use crate::sources::{SkipReason, Skips};
        let mut s = Skips::default();
        s.add(SkipReason::InvalidValue, "x");
        s.add(SkipReason::InvalidValue, "y");
        s.add(SkipReason::Unsupported("AND pattern"), "");
        assert_eq!(
            skip_rows(&s),
            vec![
                ("invalid value".to_string(), 2),
                ("AND pattern".to_string(), 1)
            ]
        );
    }
}
