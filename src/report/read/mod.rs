// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The numbers of a [`Brief`], read from the store only (never the network): the
//! sources' snapshots, their fetch history, the stored hits and the triage marks.
//!
//! One read of each, then every section is computed in memory: [`hits`] (summary, hits
//! over time, top indicators and hosts), [`feeds`] (efficacy and overlap), [`health`]
//! (fetches and the state strip), [`kev`] (new CISA KEV entries and the appendix).
//! What each figure counts is said in the appendix's method lines ([`kev::method`]).

mod feeds;
mod health;
mod hits;
mod kev;
mod triage;

use std::collections::HashMap;
use std::sync::Arc;

use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan, ZonedDateTime as Zoned};

use super::ReportError;
use super::model::{Brief, Bucket, Period};
use crate::config::Config;
use crate::matching::Warninglists;
use crate::model::{IndicatorType, LogHit, Sighting};
use crate::store::persist::{MAX_STORED_HITS, SnapshotStore};
use crate::trust::triage::MARKS_PAGE;

/// What a report covers.
#[derive(Clone)]
pub struct Query {
    /// The period's start (inclusive).
    pub from: Timestamp,
    /// The period's end (exclusive).
    pub to: Timestamp,
    /// Only these sources (`--source`); empty: every configured source.
    pub sources: Vec<String>,
    /// Only hits these sensors found (`--sensor`); empty: every sensor.
    pub sensors: Vec<String>,
    /// Where days begin (from `TZ` or the system).
    pub time_zone: TimeZone,
    /// The warninglists and allowlists in force (see `commands::load_lists`).
    pub lists: Arc<Warninglists>,
    /// When the report is made.
    pub now: Timestamp,
}

/// Periods of this length or less are charted per hour, longer ones per day.
pub const HOURLY_UP_TO_SECS: i64 = 2 * 86_400;

/// The most bars a chart has (a period of years per day is cut to its last ones).
pub const MAX_BUCKETS: usize = 1_000;

/// Everything read from the store for one brief.
pub(crate) struct Loaded {
    /// Covered sources, in report order, with their sightings.
    pub sets: Vec<(String, Vec<Sighting>)>,
    /// Stored hits with their row ids (all of them, every sensor filter applied).
    pub hits: Vec<(i64, LogHit)>,
    /// The event time from which every stored hit is still held: `None` while the store
    /// holds fewer than [`MAX_STORED_HITS`] (none was dropped), else the oldest event
    /// time among those it holds (older ones may have gone to make room).
    pub hits_complete_from: Option<Timestamp>,
    pub triage: triage::Effect,
    pub history: Vec<Vec<crate::store::health::FetchRecord>>,
    /// Each covered source's skipped records by reason, per fetch from the period's start.
    pub skips: Vec<Vec<crate::store::persist::FetchSkip>>,
}

/// The period's buckets: each bar's start, oldest first; the last ends at `to`.
pub(crate) struct Buckets {
    pub starts: Vec<Timestamp>,
    pub to: Timestamp,
}

impl Buckets {
    fn new(from: Timestamp, to: Timestamp, tz: &TimeZone, bucket: Bucket) -> Buckets {
        let zoned = Zoned::new(from, tz.clone());
        let first = match bucket {
            Bucket::Hour => zoned
                .with()
                .minute(0)
                .second(0)
                .subsec_nanosecond(0)
                .build()
                .ok(),
            Bucket::Day => zoned.start_of_day().ok(),
        };
        let mut starts = Vec::new();
        let mut at = first.unwrap_or(zoned);
        while at.timestamp() < to {
            starts.push(at.timestamp());
            let next = match bucket {
                Bucket::Hour => at.checked_add(1.hour()),
                Bucket::Day => at.checked_add(1.day()),
            };
            match next {
                Ok(n) if n.timestamp() > at.timestamp() => at = n,
                _ => break,
            }
        }
        if starts.len() > MAX_BUCKETS {
            starts.drain(..starts.len() - MAX_BUCKETS);
        }
        Buckets { starts, to }
    }

    /// The bucket `t` falls in, if inside the period's buckets.
    pub fn index(&self, t: Timestamp) -> Option<usize> {
        if t >= self.to || self.starts.first().is_none_or(|s| t < *s) {
            return None;
        }
        Some(self.starts.partition_point(|s| *s <= t) - 1)
    }
}

/// The brief of `query` from `store`, with the sources of `config`.
///
/// # Errors
/// [`ReportError::Store`] when a store call fails (one line, no credentials).
pub async fn brief(
    store: &dyn SnapshotStore,
    config: &Config,
    query: &Query,
) -> Result<Brief, ReportError> {
    let covered: Vec<String> = if query.sources.is_empty() {
        config.sources.iter().map(|s| s.name.clone()).collect()
    } else {
        query.sources.clone()
    };
    let started = std::time::Instant::now();
    let loaded = load(store, &covered, query).await?;
    let read_ms = started.elapsed().as_millis();
    let span = query.to.as_second() - query.from.as_second();
    let bucket = if span <= HOURLY_UP_TO_SECS {
        Bucket::Hour
    } else {
        Bucket::Day
    };
    let buckets = Buckets::new(query.from, query.to, &query.time_zone, bucket);
    let union = feeds::Union::of(&loaded.sets);
    let union_ms = started.elapsed().as_millis();
    let (summary, hits) = hits::sections(&loaded, &union, query, &buckets);
    let summary = super::model::Summary {
        indicators_held: union.len() as u64,
        indicators_new: union.new_in(query.from, query.to),
        sources_failing: health::failing(&covered, &loaded.history, query.to),
        ..summary
    };
    let efficacy = feeds::efficacy(&loaded, &union, query);
    let overlap = feeds::overlap(&loaded, &union, &query.lists);
    tracing::debug!(
        read_ms,
        union_ms,
        overlap_ms = started.elapsed().as_millis(),
        "report: brief read"
    );
    let health = health::all(&covered, &loaded.history, &loaded.skips, query, &buckets);
    let kinds: HashMap<&str, &str> = config
        .sources
        .iter()
        .map(|s| (s.name.as_str(), s.kind.info().name))
        .collect();
    let kev = kev::entries(&loaded.sets, &kinds, query);
    let appendix = kev::appendix(config, &covered, store.describe());
    Ok(Brief {
        generated: query.now,
        period: Period {
            from: query.from,
            to: query.to,
            time_zone: query.time_zone.iana_name().unwrap_or("UTC").to_string(),
            bucket,
        },
        sources: covered,
        sensors: query.sensors.clone(),
        summary,
        hits,
        efficacy,
        overlap,
        health,
        kev,
        appendix,
    })
}

/// One read of each part of the store the brief needs.
async fn load(
    store: &dyn SnapshotStore,
    covered: &[String],
    query: &Query,
) -> Result<Loaded, ReportError> {
    let err = |e: crate::store::persist::PersistError| ReportError::Store(e.to_string());
    let mut all = store.load_all().await.map_err(err)?;
    let mut sets = Vec::with_capacity(covered.len());
    for name in covered {
        let sightings = all
            .iter_mut()
            .find(|c| c.name == *name)
            .map(|c| std::mem::take(&mut c.sightings))
            .unwrap_or_default();
        sets.push((name.clone(), sightings));
    }
    drop(all);
    let mut hits = store.load_hit_rows(MAX_STORED_HITS).await.map_err(err)?;
    let hits_complete_from = (hits.len() >= MAX_STORED_HITS)
        .then(|| hits.iter().map(|(_, h)| h.at).min())
        .flatten();
    if !query.sensors.is_empty() {
        hits.retain(|(_, h)| query.sensors.iter().any(|s| **s == *h.sensor));
    }
    let mut marks = Vec::new();
    let mut after = 0;
    loop {
        let page = store.marks_after(after, MARKS_PAGE).await.map_err(err)?;
        let Some((last, _)) = page.last() else { break };
        after = *last;
        let full = page.len() >= MARKS_PAGE;
        marks.extend(page);
        if !full {
            break;
        }
    }
    let mut history = Vec::with_capacity(covered.len());
    let mut skips = Vec::with_capacity(covered.len());
    for name in covered {
        history.push(store.history(name.clone()).await.map_err(err)?);
        skips.push(
            store
                .fetch_skips(name.clone(), query.from)
                .await
                .map_err(err)?,
        );
    }
    Ok(Loaded {
        sets,
        hits,
        hits_complete_from,
        triage: triage::Effect::of(marks),
        history,
        skips,
    })
}

/// Whether a hit counts for the covered sources: with `--source`, one of its sources
/// must be covered; without, every hit counts.
pub(crate) fn hit_covered(hit: &LogHit, query: &Query) -> bool {
    query.sources.is_empty()
        || hit
            .sources
            .iter()
            .any(|s| query.sources.iter().any(|q| **q == **s))
}

/// `(kind, value)` as a key borrowed from a hit.
pub(crate) fn key(hit: &LogHit) -> (IndicatorType, &str) {
    (hit.kind, &hit.indicator)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn day_buckets_follow_the_zone_and_its_daylight_saving() {
        let tz = TimeZone::get("Europe/Berlin").unwrap();
        let b = Buckets::new(
            t("2026-03-27T12:00:00Z"),
            t("2026-03-31T00:00:00Z"),
            &tz,
            Bucket::Day,
        );
        assert_eq!(b.starts[0], t("2026-03-26T23:00:00Z"));
        // The day clocks go forward is 23 hours long.
        assert_eq!(b.starts[2], t("2026-03-28T23:00:00Z"));
        assert_eq!(b.starts[3], t("2026-03-29T22:00:00Z"));
        assert_eq!(b.index(t("2026-03-29T22:30:00Z")), Some(3));
        assert_eq!(b.index(t("2026-03-31T00:00:00Z")), None);
        assert_eq!(b.index(t("2026-03-26T22:59:59Z")), None);
    }

    #[test]
    fn hour_buckets_cover_the_period() {
        let b = Buckets::new(
            t("2026-11-01T10:30:00Z"),
            t("2026-11-02T10:30:00Z"),
            &TimeZone::UTC,
            Bucket::Hour,
        );
        assert_eq!(b.starts.len(), 25);
        assert_eq!(b.starts[0], t("2026-11-01T10:00:00Z"));
        assert_eq!(b.index(t("2026-11-01T11:59:59Z")), Some(1));
    }
}
