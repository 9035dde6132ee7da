// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The push-back state on both backends (SQLite, and PostgreSQL when
//! `INTELLISIEM_TEST_PG` names a server): a source pushed for the first time starts
//! after the stored hits, one holder at a time among processes racing for the lease,
//! the mark and the batch in flight kept across a reopened store, and the listing.

#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use intellisiem::model::{IndicatorType, LogHit, Origin};
use intellisiem::store::persist::{
    PgStore, PushOp, PushReply, PushRow, PushStream, SharedStore, Sqlite, SqliteStore,
};
use jiff::Timestamp;

const TTL: Duration = Duration::from_secs(600);

fn hit(offset: u64) -> LogHit {
    let at = Timestamp::from_second(1_800_000_000).unwrap();
    LogHit {
        at,
        found: at,
        sensor: "edge-1".into(),
        origin: Origin::File {
            path: "/var/log/eve.json".into(),
            offset,
        },
        module: "suricata".into(),
        field: "destination.ip".into(),
        atomic: "192.0.2.7".into(),
        kind: IndicatorType::Ipv4,
        indicator: "192.0.2.7".into(),
        sources: Box::new(["ourmisp".into()]),
        threat: None,
        retro: false,
        host: None,
    }
}

fn claim(who: &str) -> PushOp {
    PushOp::Claim {
        holder: who.into(),
        now: Timestamp::now(),
        ttl: TTL,
        identity: format!("identity--{who}"),
    }
}

async fn done(store: &SharedStore, op: PushOp) -> PushRow {
    match store.push_state("ourmisp".into(), op).await.unwrap() {
        PushReply::Done(r) => r,
        other => panic!("{other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn one_holder_at_a_time_and_the_mark_survives_a_reopened_store() {
    for (name, store, dir) in common::pg::backends("push_store").await {
        store.save_hits((0..3).map(hit).collect()).await.unwrap();
        let newest = store.last_hit_id().await.unwrap();
        // Processes race for the lease: one gets it.
        let racers: Vec<_> = (0..8)
            .map(|i| {
                let store = Arc::clone(&store);
                tokio::spawn(async move {
                    store
                        .push_state("ourmisp".into(), claim(&format!("p{i}")))
                        .await
                        .unwrap()
                })
            })
            .collect();
        let mut granted = Vec::new();
        for r in racers {
            if let PushReply::Done(row) = r.await.unwrap() {
                granted.push(row);
            }
        }
        assert_eq!(granted.len(), 1, "{name}: one holder");
        let row = &granted[0];
        let who = row.holder.clone();
        assert_eq!(
            row.hits_upto, newest,
            "{name}: starts after the stored hits"
        );
        assert_eq!(row.identity, format!("identity--{who}"), "{name}");

        // A batch of the next hits, begun and half answered.
        store.save_hits((3..6).map(hit).collect()).await.unwrap();
        let upto = store.last_hit_id().await.unwrap();
        let now = Timestamp::now;
        done(
            &store,
            PushOp::Begin {
                holder: who.clone(),
                now: now(),
                ttl: TTL,
                stream: PushStream::Hits,
                upto,
            },
        )
        .await;
        done(
            &store,
            PushOp::Send {
                holder: who.clone(),
                now: now(),
                ttl: TTL,
                n: 0,
            },
        )
        .await;
        done(
            &store,
            PushOp::Acked {
                holder: who.clone(),
                now: now(),
                ttl: TTL,
                n: 0,
                pushed: 2,
            },
        )
        .await;
        done(
            &store,
            PushOp::Send {
                holder: who.clone(),
                now: now(),
                ttl: TTL,
                n: 1,
            },
        )
        .await;
        assert_eq!(
            store
                .push_state(
                    "ourmisp".into(),
                    PushOp::Finish {
                        holder: "other".into(),
                        now: now(),
                        ttl: TTL
                    }
                )
                .await
                .unwrap(),
            PushReply::Lost,
            "{name}: only the holder moves the mark"
        );

        // Reopened: the batch in flight, its request begun and not answered.
        let store: SharedStore = match name {
            "sqlite" => {
                drop(store);
                let path = dir.as_ref().unwrap().path().join("cache.db");
                Arc::new(SqliteStore::new(Sqlite::open(&path).unwrap().db))
            }
            _ => store,
        };
        let listed = store.push_states().await.unwrap();
        assert_eq!(listed.len(), 1, "{name}");
        let (source, row) = &listed[0];
        assert_eq!(source, "ourmisp");
        assert_eq!(row.batch, Some((PushStream::Hits, upto)), "{name}");
        assert_eq!((row.sent, row.acked, row.total), (2, 1, 2), "{name}");
        assert!(matches!(
            store.push_state("ourmisp".into(), claim("late")).await.unwrap(),
            PushReply::HeldBy { holder, .. } if holder == who
        ));
        done(
            &store,
            PushOp::PassOver {
                holder: who.clone(),
                now: now(),
                ttl: TTL,
            },
        )
        .await;
        let row = done(
            &store,
            PushOp::Finish {
                holder: who.clone(),
                now: now(),
                ttl: TTL,
            },
        )
        .await;
        assert_eq!((row.hits_upto, row.batch), (upto, None), "{name}");
        let row = done(
            &store,
            PushOp::Release {
                holder: who.clone(),
                now: now(),
                count: 2,
                error: Some("HTTP 503".into()),
            },
        )
        .await;
        assert_eq!(row.last_error.as_deref(), Some("HTTP 503"), "{name}");
        // Free again: another process takes over, with the same identity and mark.
        let row = done(&store, claim("late")).await;
        assert_eq!(
            (row.holder.as_str(), row.hits_upto),
            ("late", upto),
            "{name}"
        );
        assert_eq!(row.identity, format!("identity--{who}"), "{name}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_postgres_store_of_an_older_schema_gains_the_push_table() {
    let Some((pg, url)) = common::pg::fresh("push_store_migration").await else {
        return;
    };
    let (client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    intellisiem::store::persist::postgres::create_v1(&client)
        .await
        .unwrap();
    let store: SharedStore = Arc::new(PgStore::new(&pg).unwrap());
    let row = done(&store, claim("a")).await;
    assert_eq!(row.hits_upto, 0);
    let version: i32 = client
        .query_one("SELECT max(version) FROM intellisiem_schema", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(
        version,
        intellisiem::store::persist::postgres::PG_SCHEMA_VERSION
    );
}
