// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! What the store keeps for trends and reports, on both backends through the
//! `SnapshotStore` trait (the SQLite file, and PostgreSQL when `INTELLISIEM_TEST_PG`
//! names a server; see tests/common/pg.rs): indicators held per source per UTC day,
//! hits per hour counted once per new hit, skipped records by reason per fetch, each
//! hit's internal host; all ageing with retention; and the migrations from the schema
//! before (SQLite 11, PostgreSQL 8) that fill the counts from what is stored.

#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use intellisiem::model::{IndicatorType, LogHit, Observation, Origin, Sighting};
use intellisiem::store::health::{FetchOutcome, FetchRecord};
use intellisiem::store::persist::{
    FetchSkip, HitHour, PgStore, SharedStore, Snapshot, SnapshotStore, SourceDay, SourceMeta,
    Sqlite, SqliteStore,
};
use jiff::Timestamp;

const DAY: i64 = 86_400;
/// 2027-01-15 00:00:00 UTC.
const BASE: i64 = 1_800_000_000 - 1_800_000_000 % DAY;

fn t(s: i64) -> Timestamp {
    Timestamp::from_second(BASE + s).unwrap()
}

fn ip(v: &str) -> Sighting {
    Sighting {
        kind: IndicatorType::Ipv4,
        value: v.into(),
        obs: Observation::default(),
    }
}

fn snapshot(source: &str, values: &[&str], now: Timestamp) -> Snapshot {
    Snapshot {
        source: source.into(),
        kind: "feodo",
        sightings: values.iter().map(|v| ip(v)).collect(),
        groups: Vec::new(),
        expires: Default::default(),
        incremental: false,
        meta: SourceMeta::default(),
        now,
    }
}

fn fetch(at: Timestamp, outcome: FetchOutcome, count: usize, skipped: usize) -> FetchRecord {
    FetchRecord {
        at,
        outcome,
        count,
        bytes: 100,
        duration: Duration::from_millis(20),
        skipped,
    }
}

fn hit(value: &str, offset: u64, at: i64, threat: Option<&str>, sensor: &str) -> LogHit {
    LogHit {
        at: t(at),
        found: t(at),
        sensor: sensor.into(),
        origin: Origin::File {
            path: "/var/log/suricata/eve.json".into(),
            offset,
        },
        module: "suricata".into(),
        field: "destination.ip".into(),
        atomic: value.into(),
        kind: IndicatorType::Ipv4,
        indicator: value.into(),
        sources: Box::new(["feodo".into()]),
        threat: threat.map(Into::into),
        retro: false,
        host: Some("198.51.100.20".into()),
    }
}

fn day(source: &str, d: i64, count: usize) -> SourceDay {
    SourceDay {
        source: source.into(),
        day: t(d * DAY),
        count,
    }
}

fn hour(h: i64, sensor: &str, threat: Option<&str>, hits: u64) -> HitHour {
    HitHour {
        hour: t(h * 3600),
        kind: IndicatorType::Ipv4,
        sensor: sensor.into(),
        threat: threat.map(Into::into),
        hits,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_source_keeps_its_count_per_utc_day_aged_by_retention_on_both_backends() {
    for (name, store, _dir) in common::pg::backends("trends_source_days").await {
        // Day 0: two snapshots (the last of the day wins); day 1: a failed fetch keeps
        // the count held; day 2: a smaller snapshot, and another source.
        let (_, n) = store.save(snapshot("feodo", &["192.0.2.1"], t(60))).await;
        assert_eq!(n.unwrap(), 1, "{name}");
        let two = ["192.0.2.1", "192.0.2.2", "192.0.2.3"];
        store
            .save(snapshot("feodo", &two, t(3_600)))
            .await
            .1
            .unwrap();
        store
            .record("feodo".into(), fetch(t(3_600), FetchOutcome::Ok, 3, 0))
            .await
            .unwrap();
        store
            .record(
                "feodo".into(),
                fetch(t(DAY + 60), FetchOutcome::NetworkError, 3, 0),
            )
            .await
            .unwrap();
        store
            .save(snapshot("feodo", &["192.0.2.9"], t(2 * DAY + 5)))
            .await
            .1
            .unwrap();
        store
            .save(snapshot(
                "spamhaus",
                &["198.51.100.1", "198.51.100.2"],
                t(2 * DAY + 9),
            ))
            .await
            .1
            .unwrap();
        assert_eq!(
            store.source_days(t(0)).await.unwrap(),
            vec![
                day("feodo", 0, 3),
                day("feodo", 1, 3),
                day("feodo", 2, 1),
                day("spamhaus", 2, 2)
            ],
            "{name}"
        );
        // From a time within day 1: day 1 on.
        assert_eq!(
            store.source_days(t(DAY + 7_000)).await.unwrap().len(),
            3,
            "{name}"
        );
        // Retention of 1 day at day 3: days 0 and 1 go; the source whose snapshot aged
        // out is counted again (0) on day 3.
        store
            .apply_retention(t(3 * DAY + 10), Duration::from_secs(DAY as u64))
            .await
            .unwrap();
        assert_eq!(
            store.source_days(t(0)).await.unwrap(),
            vec![
                day("feodo", 2, 1),
                day("feodo", 3, 0),
                day("spamhaus", 2, 2),
                day("spamhaus", 3, 0)
            ],
            "{name}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hits_are_counted_per_hour_once_each_and_pruned_on_both_backends() {
    for (name, store, _dir) in common::pg::backends("trends_hit_hours").await {
        assert_eq!(store.hit_hours(t(0)).await.unwrap(), vec![], "{name}");
        let first = vec![
            hit("203.0.113.9", 0, 10, Some("Emotet"), "edge-1"),
            hit("203.0.113.9", 1, 20, Some("Emotet"), "edge-1"),
            hit("203.0.113.7", 2, 30, None, "edge-2"),
            hit("203.0.113.7", 3, 3_700, Some("QakBot"), "edge-1"),
        ];
        assert_eq!(store.save_hits(first.clone()).await.unwrap(), 4, "{name}");
        // The same hits again, and one new: only the new one counts.
        let mut again = first.clone();
        again.push(hit("203.0.113.9", 4, 40, Some("Emotet"), "edge-1"));
        assert_eq!(store.save_hits(again).await.unwrap(), 1, "{name}");
        assert_eq!(
            store.hit_hours(t(0)).await.unwrap(),
            vec![
                hour(0, "edge-1", Some("Emotet"), 3),
                hour(0, "edge-2", None, 1),
                hour(1, "edge-1", Some("QakBot"), 1),
            ],
            "{name}"
        );
        assert_eq!(store.hit_hours(t(3_601)).await.unwrap().len(), 1, "{name}");
        // The host is kept with each hit.
        let back = store.load_hits(10).await.unwrap();
        assert!(
            back.iter()
                .all(|h| h.host.as_deref() == Some("198.51.100.20")),
            "{name}: {back:?}"
        );
        // Pruned with the hits: keep 1 h at hour 2 + 10 s drops hour 0 only.
        store
            .prune_hits(t(2 * 3_600 + 10), Duration::from_secs(3_600))
            .await
            .unwrap();
        assert_eq!(
            store.hit_hours(t(0)).await.unwrap(),
            vec![hour(1, "edge-1", Some("QakBot"), 1)],
            "{name}"
        );
        // And with retention.
        store
            .apply_retention(t(5 * 3_600), Duration::from_secs(3_600))
            .await
            .unwrap();
        assert_eq!(store.hit_hours(t(0)).await.unwrap(), vec![], "{name}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn skipped_records_are_kept_by_reason_with_each_fetch_on_both_backends() {
    for (name, store, _dir) in common::pg::backends("trends_fetch_skips").await {
        for (i, skips) in [
            vec![
                ("invalid value".to_string(), 4),
                ("unsupported type".to_string(), 1),
            ],
            vec![],
            vec![("AND pattern".to_string(), 2)],
        ]
        .into_iter()
        .enumerate()
        {
            let at = t(i as i64 * 600);
            let total = skips.iter().map(|(_, n)| n).sum();
            store
                .record("cti".into(), fetch(at, FetchOutcome::Ok, 10, total))
                .await
                .unwrap();
            store.record_skips("cti".into(), at, skips).await.unwrap();
        }
        let skip = |s: i64, reason: &str, count| FetchSkip {
            at: t(s),
            reason: reason.into(),
            count,
        };
        assert_eq!(
            store.fetch_skips("cti".into(), t(0)).await.unwrap(),
            vec![
                skip(0, "invalid value", 4),
                skip(0, "unsupported type", 1),
                skip(1_200, "AND pattern", 2)
            ],
            "{name}"
        );
        assert_eq!(
            store.fetch_skips("cti".into(), t(1)).await.unwrap().len(),
            1,
            "{name}: from a time on"
        );
        assert!(
            store
                .fetch_skips("feodo".into(), t(0))
                .await
                .unwrap()
                .is_empty(),
            "{name}"
        );
        store
            .apply_retention(t(1_300), Duration::from_secs(200))
            .await
            .unwrap();
        assert_eq!(
            store.fetch_skips("cti".into(), t(0)).await.unwrap(),
            vec![skip(1_200, "AND pattern", 2)],
            "{name}: aged by retention"
        );
    }
}

/// What a store of the schema before holds: a source's fetches on two days, and hits.
fn old_rows_sql() -> String {
    let ms = |s: i64| (BASE + s) * 1000;
    let secs = |s: i64| BASE + s;
    format!(
        "INSERT INTO fetch_log (source, at, outcome, count, bytes, duration_ms, skipped) VALUES
           ('feodo', {}, 'ok', 5, 1, 1, 0), ('feodo', {}, 'ok', 7, 1, 1, 0),
           ('feodo', {}, 'network_error', 7, 0, 1, 0);
         INSERT INTO sightings (found, at, log, line_offset, module, field, atomic, kind,
           indicator, sources, threat, retro, sensor) VALUES
           ({}, {}, 'eve.json', 1, 'suricata', 'destination.ip', '203.0.113.9', 0,
            '203.0.113.9', '[\"feodo\"]', 'Emotet', false, 'edge-1'),
           ({}, {}, 'eve.json', 2, 'suricata', 'destination.ip', '203.0.113.9', 0,
            '203.0.113.9', '[\"feodo\"]', 'Emotet', false, 'edge-1');",
        ms(10),
        ms(500),
        ms(DAY + 3),
        secs(10),
        secs(10),
        secs(20),
        secs(20),
    )
}

async fn assert_filled(name: &str, store: &dyn SnapshotStore) {
    assert_eq!(
        store.source_days(t(0)).await.unwrap(),
        vec![day("feodo", 0, 7), day("feodo", 1, 7)],
        "{name}: each day's last fetch"
    );
    assert_eq!(
        store.hit_hours(t(0)).await.unwrap(),
        vec![hour(0, "edge-1", Some("Emotet"), 2)],
        "{name}: the stored hits"
    );
    let hits = store.load_hits(10).await.unwrap();
    assert_eq!(hits.len(), 2, "{name}");
    assert!(hits.iter().all(|h| h.host.is_none()), "{name}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stores_of_the_schema_before_gain_the_trend_tables_filled_from_their_history() {
    // SQLite: a file of schema 11.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.db");
    Sqlite::create_old(&path, 11).unwrap();
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch(&old_rows_sql().replace("false", "0"))
        .unwrap();
    let store: SharedStore = Arc::new(SqliteStore::new(Sqlite::open(&path).unwrap().db));
    assert_filled("sqlite", &*store).await;
    let v: i64 = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, 12);
    // PostgreSQL: a store of schema 8.
    let Some((pg, url)) = common::pg::fresh("trends_schema_8").await else {
        return;
    };
    PgStore::new(&pg).unwrap().metas().await.unwrap();
    let (client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    client
        .batch_execute(
            "DROP TABLE source_days, hit_hours, fetch_skips; ALTER TABLE sightings DROP COLUMN host;
             DELETE FROM intellisiem_schema; INSERT INTO intellisiem_schema (version) VALUES (8);",
        )
        .await
        .unwrap();
    client.batch_execute(&old_rows_sql()).await.unwrap();
    let store = PgStore::new(&pg).unwrap();
    assert_filled("postgres", &store).await;
    let v: i32 = client
        .query_one("SELECT max(version) FROM intellisiem_schema", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(v, intellisiem::store::persist::postgres::PG_SCHEMA_VERSION);
    assert_eq!(v, 9);
}
