// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Every number of the brief (`report::read::brief`) checked against plain SQL on the
//! fixture store's SQLite file, read with rusqlite. Snapshots are stored as encoded
//! chunks, so the indicator sets are read with `SELECT source, data FROM chunks` and
//! decoded with the store's own chunk decoder; every count over them is done here.

#![allow(clippy::unwrap_used)]

mod report_common;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use intellisiem::model::IndicatorType;
use intellisiem::report::Brief;
use intellisiem::store::persist::{decode_parts, type_of};
use report_common::{Fixture, NOW, day};
use rusqlite::{Connection, params};

type Key = (IndicatorType, String);

/// Each source's set, decoded from its chunks: key -> first sighting (Unix s).
fn sets(db: &Connection) -> BTreeMap<String, HashMap<Key, Option<i64>>> {
    let mut stmt = db
        .prepare("SELECT source, data FROM chunks ORDER BY source, grp, seq")
        .unwrap();
    let mut blobs: BTreeMap<String, Vec<Vec<u8>>> = BTreeMap::new();
    for r in stmt
        .query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?))
        })
        .unwrap()
    {
        let (s, d) = r.unwrap();
        blobs.entry(s).or_default().push(d);
    }
    blobs
        .into_iter()
        .map(|(s, chunks)| {
            let set = decode_parts(&chunks, &s, "test")
                .flatten()
                .map(|x| {
                    (
                        (x.kind, x.value.to_string()),
                        x.obs.first_seen.map(|f| f.as_second()),
                    )
                })
                .collect();
            (s, set)
        })
        .collect()
}

fn count(db: &Connection, sql: &str, p: impl rusqlite::Params) -> u64 {
    db.query_row(sql, p, |r| r.get::<_, i64>(0)).unwrap() as u64
}

/// The verdict in effect on an indicator: its own latest mark, else the latest mark in
/// effect on one of its hits.
fn indicator_verdict(db: &Connection, code: i64, value: &str) -> Option<String> {
    let own: Option<Option<String>> = db
        .query_row(
            "SELECT verdict FROM marks WHERE kind = ?1 AND indicator = ?2 AND hit IS NULL
             ORDER BY id DESC LIMIT 1",
            params![code, value],
            |r| r.get(0),
        )
        .ok();
    if let Some(Some(v)) = own {
        return Some(v);
    }
    db.query_row(
        "SELECT m.verdict FROM marks m WHERE m.kind = ?1 AND m.indicator = ?2 AND m.hit IS NOT NULL
           AND m.id = (SELECT MAX(id) FROM marks x WHERE x.kind = m.kind AND x.indicator = m.indicator AND x.hit = m.hit)
           AND m.verdict IS NOT NULL ORDER BY m.id DESC LIMIT 1",
        params![code, value],
        |r| r.get(0),
    )
    .ok()
}

fn check_summary(b: &Brief, db: &Connection, sets: &BTreeMap<String, HashMap<Key, Option<i64>>>) {
    let (from, to) = (b.period.from.as_second(), b.period.to.as_second());
    let len = to - from;
    let hits = count(
        db,
        "SELECT COUNT(*) FROM sightings WHERE at >= ?1 AND at < ?2",
        params![from, to],
    );
    let before = count(
        db,
        "SELECT COUNT(*) FROM sightings WHERE at >= ?1 AND at < ?2",
        params![from - len, from],
    );
    assert!(
        hits > 20 && before > 10,
        "the fixture has hits: {hits} {before}"
    );
    assert_eq!(b.summary.hits, hits);
    assert_eq!(b.summary.hits_previous, before);
    let change = (hits as f64 - before as f64) * 100.0 / before as f64;
    assert!((b.summary.hits_change_percent.unwrap() - change).abs() < 1e-9);
    let mut all: HashMap<&Key, Option<i64>> = HashMap::new();
    for set in sets.values() {
        for (k, f) in set {
            let e = all.entry(k).or_insert(*f);
            *e = match (*e, *f) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        }
    }
    assert_eq!(b.summary.indicators_held, all.len() as u64);
    let new = all
        .values()
        .filter(|f| f.is_some_and(|f| f >= from && f < to))
        .count() as u64;
    assert!(new > 0);
    assert_eq!(b.summary.indicators_new, new);
    let mut failing: Vec<String> = db
        .prepare(
            "SELECT f.source FROM fetch_log f WHERE f.at = (SELECT MAX(at) FROM fetch_log g
               WHERE g.source = f.source AND g.at < ?1) AND f.outcome NOT IN ('ok', 'not_modified')",
        )
        .unwrap()
        .query_map(params![to * 1000], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    failing.sort();
    let mut said = b.summary.sources_failing.clone();
    said.sort();
    assert_eq!(said, failing);
    let untriaged = count(
        db,
        "SELECT COUNT(*) FROM sightings s WHERE s.at >= ?1 AND s.at < ?2
           AND (SELECT verdict FROM marks m WHERE m.kind = s.kind AND m.indicator = s.indicator
                AND m.hit = s.id ORDER BY m.id DESC LIMIT 1) IS NULL
           AND (SELECT verdict FROM marks m WHERE m.kind = s.kind AND m.indicator = s.indicator
                AND m.hit IS NULL ORDER BY m.id DESC LIMIT 1) IS NULL",
        params![from, to],
    );
    assert!(untriaged < hits, "some hits are triaged");
    assert_eq!(b.summary.untriaged_hits, untriaged);
}

fn check_hits(b: &Brief, db: &Connection) {
    let (from, to) = (b.period.from.as_second(), b.period.to.as_second());
    let mut per: BTreeMap<(i64, String), u64> = BTreeMap::new();
    let mut stmt = db
        .prepare(
            "SELECT (at - ?1) / 86400, kind, COUNT(*) FROM sightings WHERE at >= ?1 AND at < ?2
             GROUP BY 1, 2",
        )
        .unwrap();
    for r in stmt
        .query_map(params![from, to], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
            ))
        })
        .unwrap()
    {
        let (d, kind, n) = r.unwrap();
        per.insert((d, type_of(kind).unwrap().as_str().to_string()), n as u64);
    }
    assert_eq!(b.hits.buckets.len() as i64, (to - from) / 86_400);
    for (d, bucket) in b.hits.buckets.iter().enumerate() {
        assert_eq!(bucket.start.as_second(), from + d as i64 * 86_400);
        for (t, ty) in b.hits.types.iter().enumerate() {
            let want = per.get(&(d as i64, ty.clone())).copied().unwrap_or(0);
            assert_eq!(bucket.counts[t], want, "day {d} {ty}");
        }
    }
    let types: BTreeSet<&str> = per.keys().map(|(_, t)| t.as_str()).collect();
    assert_eq!(b.hits.types.len(), types.len());
    // Top indicators: count, then latest hit, then value.
    let mut stmt = db
        .prepare(
            "SELECT kind, indicator, COUNT(*), MIN(at), MAX(at), GROUP_CONCAT(DISTINCT sensor)
             FROM sightings WHERE at >= ?1 AND at < ?2 GROUP BY kind, indicator
             ORDER BY COUNT(*) DESC, MAX(at) DESC, indicator LIMIT 20",
        )
        .unwrap();
    let top: Vec<(String, String, u64, i64, i64, String)> = stmt
        .query_map(params![from, to], |r| {
            Ok((
                type_of(r.get(0)?).unwrap().as_str().to_string(),
                r.get(1)?,
                r.get::<_, i64>(2)? as u64,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(b.hits.top_indicators.len(), top.len());
    for (row, want) in b.hits.top_indicators.iter().zip(&top) {
        assert_eq!(
            (&row.r#type, &row.value, row.hits),
            (&want.0, &want.1, want.2)
        );
        assert_eq!(row.first_hit.as_second(), want.3);
        assert_eq!(row.last_hit.as_second(), want.4);
        let mut sensors: Vec<&str> = want.5.split(',').collect();
        sensors.sort();
        assert_eq!(row.sensors, sensors);
    }
    assert_eq!(
        b.hits.top_indicators[0].value,
        intellisiem::report::fixture::HOSTILE_URL
    );
    // Top hosts: most hits first, then by name.
    let mut stmt = db
        .prepare(
            "SELECT host, COUNT(*), COUNT(DISTINCT kind || ' ' || indicator) FROM sightings
             WHERE at >= ?1 AND at < ?2 AND host IS NOT NULL AND host <> ''
             GROUP BY host ORDER BY COUNT(*) DESC, host LIMIT 20",
        )
        .unwrap();
    let hosts: Vec<(String, u64, u64)> = stmt
        .query_map(params![from, to], |r| {
            Ok((
                r.get(0)?,
                r.get::<_, i64>(1)? as u64,
                r.get::<_, i64>(2)? as u64,
            ))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(hosts.len() > 5);
    let said: Vec<(String, u64, u64)> = b
        .hits
        .top_hosts
        .iter()
        .map(|h| (h.host.clone(), h.hits, h.indicators))
        .collect();
    assert_eq!(said, hosts);
}

fn check_feeds(b: &Brief, db: &Connection, sets: &BTreeMap<String, HashMap<Key, Option<i64>>>) {
    let (from, to) = (b.period.from.as_second(), b.period.to.as_second());
    let mut stmt = db
        .prepare("SELECT kind, indicator, at, found, retro FROM sightings")
        .unwrap();
    let hits: Vec<(Key, i64, i64, bool, i64)> = stmt
        .query_map([], |r| {
            let code: i64 = r.get(0)?;
            Ok((
                (type_of(code).unwrap(), r.get::<_, String>(1)?),
                r.get(2)?,
                r.get(3)?,
                r.get::<_, i64>(4)? == 1,
                code,
            ))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let empty = HashMap::new();
    for e in &b.efficacy {
        let set = sets.get(&e.source).unwrap_or(&empty);
        assert_eq!(e.indicators, set.len() as u64, "{}", e.source);
        let ever: HashSet<(&Key, i64)> = hits
            .iter()
            .filter(|h| set.contains_key(&h.0))
            .map(|h| (&h.0, h.4))
            .collect();
        assert_eq!(e.indicators_hit, ever.len() as u64, "{}", e.source);
        let want = if set.is_empty() {
            0.0
        } else {
            ever.len() as f64 * 10_000.0 / set.len() as f64
        };
        assert!((e.hits_per_10k - want).abs() < 1e-9);
        let in_period = hits
            .iter()
            .filter(|h| set.contains_key(&h.0) && h.1 >= from && h.1 < to)
            .count() as u64;
        assert_eq!(e.hits, in_period, "{}", e.source);
        let retro = hits
            .iter()
            .filter(|h| set.contains_key(&h.0) && h.3 && h.2 >= from && h.2 < to)
            .count() as u64;
        assert_eq!(e.retro_finds, retro, "{}", e.source);
        let verdicts: Vec<Option<String>> = ever
            .iter()
            .map(|(k, code)| indicator_verdict(db, *code, &k.1))
            .collect();
        let n = |v: &str| verdicts.iter().filter(|x| x.as_deref() == Some(v)).count() as u64;
        assert_eq!(e.confirmed, n("true_positive"), "{}", e.source);
        assert_eq!(e.false_positives, n("false_positive"), "{}", e.source);
    }
    assert!(
        b.efficacy
            .iter()
            .any(|e| e.confirmed > 0 && e.false_positives > 0 && e.retro_finds > 0)
    );
    // Overlap pairs and unique shares.
    let o = &b.overlap;
    for (i, a) in o.sources.iter().enumerate() {
        let sa = sets.get(a).unwrap_or(&empty);
        for (j, c) in o.sources.iter().enumerate() {
            let sc = sets.get(c).unwrap_or(&empty);
            let shared = sa.keys().filter(|k| sc.contains_key(*k)).count() as u64;
            assert_eq!(o.shared[i][j], shared, "{a} x {c}");
        }
        let unique = sa
            .keys()
            .filter(|k| sets.iter().all(|(n, s)| n == a || !s.contains_key(*k)))
            .count() as u64;
        assert_eq!(o.per_source[i].unique, unique, "{a}");
    }
    assert!(o.shared[0][2] > 0, "feodo and threatfox share");
}

fn check_health(b: &Brief, db: &Connection) {
    let (from, to) = (b.period.from.as_millisecond(), b.period.to.as_millisecond());
    for h in &b.health {
        let mut stmt = db
            .prepare("SELECT at, outcome, duration_ms FROM fetch_log WHERE source = ?1 AND at >= ?2 AND at < ?3 ORDER BY at")
            .unwrap();
        let rows: Vec<(i64, String, i64)> = stmt
            .query_map(params![h.source, from, to], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(h.fetches, rows.len() as u64, "{}", h.source);
        let mut failures: BTreeMap<&str, u64> = BTreeMap::new();
        let (mut longest, mut start) = (0, None);
        for (at, outcome, _) in &rows {
            if outcome == "ok" || outcome == "not_modified" {
                if let Some(s) = start.take() {
                    longest = i64::max(longest, at / 1000 - s);
                }
            } else {
                *failures.entry(outcome).or_default() += 1;
                start.get_or_insert(at / 1000);
            }
        }
        if let Some(s) = start {
            longest = longest.max(to / 1000 - s);
        }
        let said: BTreeMap<&str, u64> = h.failures.iter().map(|(k, n)| (k.as_str(), *n)).collect();
        assert_eq!(said, failures, "{}", h.source);
        assert_eq!(h.longest_outage_secs, longest as u64, "{}", h.source);
        let mut stmt = db
            .prepare(
                "SELECT reason, SUM(count) FROM fetch_skips WHERE source = ?1 AND at >= ?2 AND at < ?3
                 GROUP BY reason",
            )
            .unwrap();
        let skipped: BTreeMap<String, u64> = stmt
            .query_map(params![h.source, from, to], |r| {
                Ok((r.get(0)?, r.get::<_, i64>(1)? as u64))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let said: BTreeMap<String, u64> = h.skipped.iter().cloned().collect();
        assert_eq!(said, skipped, "{}", h.source);
        assert!(
            !said.is_empty() && !said.contains_key("unspecified"),
            "{}",
            h.source
        );
        let mut d: Vec<i64> = rows.iter().map(|r| r.2).collect();
        d.sort();
        assert_eq!(
            h.median_fetch_ms,
            d.get((d.len().max(1) - 1) / 2).map(|x| *x as u64)
        );
    }
}

fn check_kev(b: &Brief, sets: &BTreeMap<String, HashMap<Key, Option<i64>>>) {
    let (from, to) = (b.period.from.as_second(), b.period.to.as_second());
    let mut want: Vec<(i64, String)> = sets["kev"]
        .iter()
        .filter(|(_, f)| f.is_some_and(|f| f >= from && f < to))
        .map(|((_, v), f)| (f.unwrap(), v.clone()))
        .collect();
    want.sort();
    let said: Vec<(i64, String)> = b
        .kev
        .iter()
        .map(|k| (k.date_added.as_second(), k.cve.clone()))
        .collect();
    assert!(!want.is_empty());
    assert_eq!(said, want);
    for k in &b.kev {
        assert!(!k.vendor.is_empty() && !k.product.is_empty());
        let due: jiff::civil::Date = k.due_date.as_deref().unwrap().parse().unwrap();
        assert!(due > k.date_added.to_string()[..10].parse().unwrap());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_number_of_a_weekly_brief_matches_sql() {
    let fx = Fixture::new(1).await;
    let b = fx.brief(NOW - day(7), NOW, &[], &[]).await;
    let db = Connection::open(&fx.db).unwrap();
    let sets = sets(&db);
    assert_eq!(sets.len(), 6);
    check_summary(&b, &db, &sets);
    check_hits(&b, &db);
    check_feeds(&b, &db, &sets);
    check_health(&b, &db);
    check_kev(&b, &sets);
    assert_eq!(b.summary.sources_failing, vec!["urlhaus".to_string()]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_outages_show_in_a_month_and_a_short_period_is_hourly() {
    let fx = Fixture::new(1).await;
    let b = fx.brief(NOW - day(30), NOW, &[], &[]).await;
    let db = Connection::open(&fx.db).unwrap();
    check_health(&b, &db);
    let tf = b.health.iter().find(|h| h.source == "threatfox").unwrap();
    assert_eq!(tf.failures[0].0, "network_error");
    assert!(
        tf.longest_outage_secs >= 4 * 86_400 - 2 * 3_600,
        "{}",
        tf.longest_outage_secs
    );
    let uh = b.health.iter().find(|h| h.source == "urlhaus").unwrap();
    assert_eq!(uh.failures[0].0, "auth_error");
    assert!(
        tf.strip
            .contains(&intellisiem::report::model::StripCell::Failed)
    );
    let short = fx.brief(NOW - day(2), NOW, &[], &[]).await;
    assert_eq!(
        short.period.bucket,
        intellisiem::report::model::Bucket::Hour
    );
    assert_eq!(short.hits.buckets.len(), 48);
    let total: u64 = short.hits.buckets.iter().flat_map(|b| &b.counts).sum();
    assert_eq!(total, short.summary.hits);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn source_and_sensor_filters_narrow_the_counts() {
    let fx = Fixture::new(1).await;
    let b = fx
        .brief(NOW - day(7), NOW, &["feodo".into()], &["edge-1".into()])
        .await;
    let db = Connection::open(&fx.db).unwrap();
    let (from, to) = (b.period.from.as_second(), b.period.to.as_second());
    let want = count(
        &db,
        r#"SELECT COUNT(*) FROM sightings WHERE at >= ?1 AND at < ?2 AND sensor = 'edge-1'
           AND sources LIKE '%"feodo"%'"#,
        params![from, to],
    );
    assert_eq!(b.sources, vec!["feodo".to_string()]);
    assert_eq!(b.summary.hits, want);
    assert!(
        b.hits
            .top_indicators
            .iter()
            .all(|t| t.sensors == vec!["edge-1".to_string()])
    );
    assert_eq!(b.efficacy.len(), 1);
    assert!(b.kev.is_empty(), "kev is not covered");
}
