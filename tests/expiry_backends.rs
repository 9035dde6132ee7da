// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Groups that lapse (a TAXII indicator's `valid_until`) through the `SnapshotStore`
//! trait, on the SQLite file and on PostgreSQL (when `INTELLISIEM_TEST_PG` names a
//! server; see tests/common/pg.rs): not read once expired (whole or as undecoded
//! chunks), not counted, deleted by
//! retention; and the PostgreSQL migration that adds the expiry to a schema-3 store.

#![allow(clippy::unwrap_used)]

mod common;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use intellisiem::model::{IndicatorType, Observation, Sighting};
use intellisiem::store::persist::{
    PgStore, SharedStore, Snapshot, SnapshotStore, SourceMeta, decode_parts,
};
use jiff::{SignedDuration, Timestamp};

/// The clock moved by `secs`: reads compare expiries with the current time.
fn from_now(secs: i64) -> Timestamp {
    Timestamp::now() + SignedDuration::from_secs(secs)
}

fn domain(v: &str) -> Sighting {
    Sighting {
        kind: IndicatorType::Domain,
        value: v.into(),
        obs: Observation {
            threat: Some("c2".into()),
            ..Default::default()
        },
    }
}

/// A TAXII-like snapshot: one group per value, named `indicator--<value>`, with the
/// expiries given.
fn snapshot(values: &[&str], expires: &[(&str, Timestamp)], incremental: bool) -> Snapshot {
    let id = |v: &str| format!("indicator--{v}");
    Snapshot {
        source: "cti".into(),
        kind: "taxii",
        sightings: values.iter().map(|v| domain(v)).collect(),
        groups: values
            .iter()
            .enumerate()
            .map(|(i, v)| (id(v), i..i + 1))
            .collect(),
        expires: expires
            .iter()
            .map(|(v, t)| (id(v), *t))
            .collect::<HashMap<_, _>>(),
        incremental,
        meta: SourceMeta::default(),
        now: Timestamp::now(),
    }
}

async fn values(store: &SharedStore) -> Vec<String> {
    let loaded = store.load_source("cti".into()).await.unwrap();
    // The undecoded chunks, decoded part by part as a start-up load does, hold the same.
    let chunks = store.read_source("cti".into()).await.unwrap();
    let parts: Vec<Sighting> = decode_parts(&chunks, "cti", "store").flatten().collect();
    assert_eq!(parts, loaded);
    let mut out: Vec<String> = loaded.iter().map(|s| s.value.to_string()).collect();
    out.sort();
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_groups_are_not_read_nor_counted_and_retention_drops_them_on_both_backends() {
    for (name, store, _dir) in common::pg::backends("expired_groups").await {
        let first = snapshot(
            &["gone.example", "live.example", "later.example"],
            &[
                ("gone.example", from_now(-60)),
                ("later.example", from_now(3600)),
            ],
            false,
        );
        let (back, count) = store.save(first).await;
        assert_eq!(
            count.unwrap(),
            2,
            "{name}: the expired group is not counted"
        );
        assert_eq!(back.expires.len(), 2, "{name}: the expiries come back");
        assert_eq!(
            values(&store).await,
            ["later.example", "live.example"],
            "{name}"
        );
        let all = store.load_all().await.unwrap();
        assert_eq!(all.len(), 1, "{name}");
        assert_eq!(all[0].sightings.len(), 2, "{name}");
        // An incremental save counts what is live in the store.
        let (_, count) = store.save(snapshot(&["more.example"], &[], true)).await;
        assert_eq!(count.unwrap(), 3, "{name}");
        // A later version of an expired object without an expiry brings it back.
        let (_, count) = store.save(snapshot(&["gone.example"], &[], true)).await;
        assert_eq!(count.unwrap(), 4, "{name}");
        let (_, count) = store
            .save(snapshot(
                &["gone.example"],
                &[("gone.example", from_now(-1))],
                true,
            ))
            .await;
        assert_eq!(count.unwrap(), 3, "{name}");
        // Retention deletes the expired chunk, however recent, and counts it.
        let keep = Duration::from_secs(30 * 86_400);
        let gone = store.apply_retention(Timestamp::now(), keep).await.unwrap();
        assert_eq!(gone, 1, "{name}");
        assert_eq!(store.metas().await.unwrap()["cti"].count, 3, "{name}");
        // Once the later one's time has come, it goes too.
        let gone = store.apply_retention(from_now(3600), keep).await.unwrap();
        assert_eq!(gone, 1, "{name}");
        assert_eq!(store.metas().await.unwrap()["cti"].count, 2, "{name}");
        assert_eq!(
            values(&store).await,
            ["live.example", "more.example"],
            "{name}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_schema_3_postgres_store_gains_expiries_and_keeps_its_chunks() {
    let Some((pg, url)) = common::pg::fresh("pg_schema_3").await else {
        return;
    };
    let store = PgStore::new(&pg).unwrap();
    store
        .save(snapshot(&["kept.example"], &[], false))
        .await
        .1
        .unwrap();
    drop(store);
    let (client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    // Back to what a build of schema 3 left.
    client
        .batch_execute(
            "ALTER TABLE chunks DROP COLUMN expires_at; \
             ALTER TABLE sightings DROP COLUMN sensor, DROP COLUMN entry_id, \
               DROP COLUMN stream_group; \
             ALTER TABLE sightings ADD UNIQUE (log, line_offset, at, field, kind, indicator); \
             DELETE FROM intellisiem_schema; INSERT INTO intellisiem_schema (version) VALUES (3)",
        )
        .await
        .unwrap();
    let store: SharedStore = Arc::new(PgStore::new(&pg).unwrap());
    assert_eq!(
        values(&store).await,
        ["kept.example"],
        "the chunks are kept"
    );
    let (_, count) = store
        .save(snapshot(
            &["lapsed.example"],
            &[("lapsed.example", from_now(-1))],
            true,
        ))
        .await;
    assert_eq!(count.unwrap(), 1);
    assert_eq!(values(&store).await, ["kept.example"]);
    // The old one-line key is gone: the same line seen by two sensors is two hits.
    let line = |sensor: &str| intellisiem::model::LogHit {
        at: Timestamp::now(),
        found: Timestamp::now(),
        sensor: sensor.into(),
        origin: intellisiem::model::Origin::File {
            path: "/var/log/suricata/eve.json".into(),
            offset: 9,
        },
        module: "suricata".into(),
        field: "destination.ip".into(),
        atomic: "45.0.0.3".into(),
        kind: intellisiem::model::IndicatorType::Ipv4,
        indicator: "45.0.0.3".into(),
        sources: Box::new(["feodo".into()]),
        threat: None,
        retro: false,
        host: None,
    };
    assert_eq!(
        store
            .save_hits(vec![line("edge-1"), line("edge-2"), line("edge-1")])
            .await
            .unwrap(),
        2
    );
    // One row for the whole migration (3 -> 5), as every migration adds; the newest
    // is the schema.
    let rows: Vec<i32> = client
        .query(
            "SELECT version FROM intellisiem_schema ORDER BY version",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(
        rows,
        [3, intellisiem::store::persist::postgres::PG_SCHEMA_VERSION]
    );
}
