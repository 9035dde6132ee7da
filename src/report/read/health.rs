// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Section 5 and the summary's failing sources, from each source's fetch history
//! (`fetch_log`; the store keeps the last `HISTORY_MAX` fetches per source).

use std::collections::HashMap;

use jiff::Timestamp;

use super::{Buckets, Query};
use crate::report::model::{Health, StripCell};
use crate::store::health::FetchRecord;
use crate::store::persist::FetchSkip;

/// The reason given to skipped records a fetch kept no reasons for (history from
/// before the store kept them).
pub const UNSPECIFIED: &str = "unspecified";

/// Sources whose last fetch before `to` failed, in report order.
pub(crate) fn failing(
    covered: &[String],
    history: &[Vec<FetchRecord>],
    to: Timestamp,
) -> Vec<String> {
    covered
        .iter()
        .zip(history)
        .filter(|(_, h)| {
            h.iter()
                .rev()
                .find(|r| r.at < to)
                .is_some_and(|r| !r.outcome.is_success())
        })
        .map(|(s, _)| s.clone())
        .collect()
}

/// One row per covered source: its fetches in the period.
pub(crate) fn all(
    covered: &[String],
    history: &[Vec<FetchRecord>],
    skips: &[Vec<FetchSkip>],
    query: &Query,
    buckets: &Buckets,
) -> Vec<Health> {
    covered
        .iter()
        .zip(history)
        .zip(skips)
        .map(|((name, h), s)| {
            let inside = |at: Timestamp| at >= query.from && at < query.to;
            let records: Vec<&FetchRecord> = h.iter().filter(|r| inside(r.at)).collect();
            let skips: Vec<&FetchSkip> = s.iter().filter(|r| inside(r.at)).collect();
            // An outage under way when the period began counts from its start.
            let failing_at_start = h
                .iter()
                .rev()
                .find(|r| r.at < query.from)
                .is_some_and(|r| !r.outcome.is_success());
            let start = failing_at_start.then_some(query.from);
            // An outage still under way lasts until now, not to a period's end to come.
            let end = query.to.min(query.now);
            one(name, &records, &skips, (start, end), buckets)
        })
        .collect()
}

/// Skipped records by reason: the reasons kept per fetch, and for a fetch that skipped
/// records but kept no reasons, [`UNSPECIFIED`].
fn skipped(records: &[&FetchRecord], skips: &[&FetchSkip]) -> Vec<(String, u64)> {
    let mut by: HashMap<&str, u64> = HashMap::new();
    let mut with_reasons = std::collections::HashSet::new();
    for s in skips {
        *by.entry(s.reason.as_str()).or_default() += s.count as u64;
        with_reasons.insert(s.at);
    }
    for r in records {
        if r.skipped > 0 && !with_reasons.contains(&r.at) {
            *by.entry(UNSPECIFIED).or_default() += r.skipped as u64;
        }
    }
    by_count(by)
}

fn one(
    name: &str,
    records: &[&FetchRecord],
    skips: &[&FetchSkip],
    (outage_at_start, to): (Option<Timestamp>, Timestamp),
    buckets: &Buckets,
) -> Health {
    let mut failures: HashMap<&'static str, u64> = HashMap::new();
    let mut longest = 0_i64;
    let mut outage_from: Option<Timestamp> = outage_at_start;
    let mut cells = vec![(0_u32, 0_u32); buckets.starts.len()];
    for r in records {
        let ok = r.outcome.is_success();
        if ok {
            if let Some(start) = outage_from.take() {
                longest = longest.max(r.at.as_second() - start.as_second());
            }
        } else {
            *failures.entry(r.outcome.as_str()).or_default() += 1;
            outage_from.get_or_insert(r.at);
        }
        if let Some(b) = buckets.index(r.at) {
            if ok {
                cells[b].0 += 1;
            } else {
                cells[b].1 += 1;
            }
        }
    }
    if let Some(start) = outage_from {
        longest = longest.max(to.as_second() - start.as_second());
    }
    let mut durations: Vec<u64> = records
        .iter()
        .map(|r| u64::try_from(r.duration.as_millis()).unwrap_or(u64::MAX))
        .collect();
    durations.sort_unstable();
    Health {
        source: name.to_string(),
        fetches: records.len() as u64,
        failures: by_count(failures),
        longest_outage_secs: longest.max(0) as u64,
        median_fetch_ms: median(&durations),
        skipped: skipped(records, skips),
        strip: cells
            .into_iter()
            .map(|c| match c {
                (0, 0) => StripCell::None,
                (_, 0) => StripCell::Ok,
                (0, _) => StripCell::Failed,
                _ => StripCell::Mixed,
            })
            .collect(),
    }
}

/// The middle of sorted `values` (the lower middle for an even count); `None` when
/// empty.
pub fn median(values: &[u64]) -> Option<u64> {
    if values.is_empty() {
        None
    } else {
        Some(values[(values.len() - 1) / 2])
    }
}

/// `(name, count)` most first, ties by name.
pub(crate) fn by_count(m: HashMap<&str, u64>) -> Vec<(String, u64)> {
    let mut v: Vec<(String, u64)> = m.into_iter().map(|(k, n)| (k.to_string(), n)).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::health::FetchOutcome;
    use jiff::tz::TimeZone;

    fn rec(at: i64, outcome: FetchOutcome) -> FetchRecord {
        FetchRecord {
            at: Timestamp::from_second(at).unwrap(),
            outcome,
            count: 1,
            bytes: 1,
            duration: std::time::Duration::from_millis(at as u64),
            skipped: 2,
        }
    }

    #[test]
    fn outages_run_to_the_next_success_or_the_period_end() {
        let from = Timestamp::from_second(0).unwrap();
        let to = Timestamp::from_second(86_400).unwrap();
        let b = Buckets::new(from, to, &TimeZone::UTC, crate::report::model::Bucket::Hour);
        let rs = [
            rec(100, FetchOutcome::Ok),
            rec(200, FetchOutcome::NetworkError),
            rec(300, FetchOutcome::AuthError),
            rec(1_000, FetchOutcome::NotModified),
            rec(80_000, FetchOutcome::NetworkError),
        ];
        let refs: Vec<&FetchRecord> = rs.iter().collect();
        let kept = FetchSkip {
            at: rs[0].at,
            reason: "invalid value".into(),
            count: 2,
        };
        let h = one("x", &refs, &[&kept], (None, to), &b);
        assert_eq!(h.fetches, 5);
        assert_eq!(h.longest_outage_secs, 86_400 - 80_000);
        assert_eq!(
            h.failures,
            vec![("network_error".into(), 2), ("auth_error".into(), 1)]
        );
        assert_eq!(h.median_fetch_ms, Some(300));
        assert_eq!(
            h.skipped,
            vec![("unspecified".into(), 8), ("invalid value".into(), 2)]
        );
        assert_eq!(h.strip[0], StripCell::Mixed);
        assert_eq!(h.strip[1], StripCell::None);
        assert_eq!(h.strip[22], StripCell::Failed);
        assert_eq!(
            failing(&["x".into()], &[rs.to_vec()], to),
            vec!["x".to_string()]
        );
    }

    #[test]
    fn an_outage_under_way_when_the_period_begins_counts_from_its_start() {
        let day = 86_400;
        let from = Timestamp::from_second(day).unwrap();
        let to = Timestamp::from_second(3 * day).unwrap();
        let history = vec![
            rec(10, FetchOutcome::Ok),
            rec(20, FetchOutcome::NetworkError),
            rec(day + 7_200, FetchOutcome::NetworkError),
            rec(day + 36_000, FetchOutcome::Ok),
        ];
        let query = Query {
            from,
            to,
            sources: Vec::new(),
            sensors: Vec::new(),
            time_zone: TimeZone::UTC,
            lists: std::sync::Arc::new(crate::matching::Warninglists::load(&[]).unwrap()),
            now: to,
        };
        let b = Buckets::new(from, to, &TimeZone::UTC, crate::report::model::Bucket::Day);
        let h = all(
            &["x".into()],
            std::slice::from_ref(&history),
            &[Vec::new()],
            &query,
            &b,
        );
        assert_eq!(h[0].fetches, 2);
        assert_eq!(h[0].longest_outage_secs, 36_000);
        // Had the fetch before the period succeeded, the outage would begin inside it.
        let mut fine = history;
        fine[1].outcome = FetchOutcome::Ok;
        let h = all(&["x".into()], &[fine], &[Vec::new()], &query, &b);
        assert_eq!(h[0].longest_outage_secs, 36_000 - 7_200);
    }
}
