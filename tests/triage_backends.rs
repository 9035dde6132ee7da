// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Triage marks in the store, on both backends through the `SnapshotStore` trait (the
//! SQLite file, and PostgreSQL when `INTELLISIEM_TEST_PG` names a server; see
//! tests/common/pg.rs): kept with who and when, read back in order after a row, naming
//! hits by the row ids the store reads them back with; announced to other processes on
//! a shared store; and stores of the schema before gain the table.

#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use intellisiem::model::{IndicatorType, LogHit, Origin};
use intellisiem::store::persist::{
    Change, PgStore, SharedStore, SnapshotStore, Sqlite, SqliteStore,
};
use intellisiem::trust::triage::{self, Mark, Scope, Verdict};
use jiff::Timestamp;

fn t(s: i64) -> Timestamp {
    Timestamp::from_second(1_800_000_000 + s).unwrap()
}

fn hit(value: &str, offset: u64) -> LogHit {
    LogHit {
        at: t(offset as i64),
        found: t(offset as i64),
        sensor: "edge-1".into(),
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
        threat: Some("Emotet".into()),
        retro: false,
        host: None,
    }
}

fn mark(
    value: &str,
    hit: Option<i64>,
    verdict: Option<Verdict>,
    note: Option<&str>,
    s: i64,
) -> Mark {
    Mark {
        kind: IndicatorType::Ipv4,
        indicator: value.into(),
        hit,
        verdict,
        note: note.map(Into::into),
        by: "alice@soc-1.example".into(),
        at: t(s),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn marks_round_trip_in_order_with_who_and_when_on_both_backends() {
    for (name, store, _dir) in common::pg::backends("marks_round_trip").await {
        assert_eq!(store.marks_after(0, 10).await.unwrap(), vec![], "{name}");
        let sent = vec![
            mark(
                "203.0.113.9",
                Some(7),
                Some(Verdict::FalsePositive),
                Some("CDN edge \u{202e}x"),
                10,
            ),
            mark("203.0.113.9", None, Some(Verdict::TruePositive), None, 20),
            mark("203.0.113.9", None, None, None, 30),
            Mark {
                kind: IndicatorType::Domain,
                indicator: "cdn.example".into(),
                ..mark("", None, Some(Verdict::FalsePositive), Some(""), 40)
            },
        ];
        let mut ids = Vec::new();
        for m in &sent {
            ids.push(store.save_mark(m.clone()).await.unwrap());
        }
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "{name}: {ids:?}");
        let back = store.marks_after(0, 100).await.unwrap();
        let mut want: Vec<(i64, Mark)> = ids.iter().copied().zip(sent.clone()).collect();
        // An empty note is kept as none.
        want[3].1.note = None;
        assert_eq!(back, want, "{name}: oldest first, every field kept");
        assert_eq!(
            store.marks_after(ids[1], 100).await.unwrap(),
            want[2..].to_vec(),
            "{name}: after a row"
        );
        assert_eq!(
            store.marks_after(0, 2).await.unwrap(),
            want[..2].to_vec(),
            "{name}: up to the limit"
        );
        assert_eq!(
            store.marks_after(ids[3], 10).await.unwrap(),
            vec![],
            "{name}"
        );
        // What is in effect, read from the store as a command would.
        let t9 = triage::load(&*store).await.unwrap();
        assert_eq!(
            t9.on_indicator(IndicatorType::Ipv4, "203.0.113.9"),
            None,
            "{name}: undone"
        );
        assert_eq!(
            t9.on_hit(IndicatorType::Ipv4, "203.0.113.9", Some(7))
                .map(|(h, s)| (h.verdict(), s)),
            Some((Some(Verdict::FalsePositive), Scope::Hit)),
            "{name}"
        );
        assert_eq!(
            t9.false_positive_since(IndicatorType::Domain, "cdn.example"),
            Some(t(40)),
            "{name}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hits_read_back_with_the_row_ids_marks_name_them_by_on_both_backends() {
    for (name, store, _dir) in common::pg::backends("hit_rows").await {
        let sent = vec![
            hit("45.0.0.3", 10),
            hit("45.0.0.4", 20),
            hit("45.0.0.5", 30),
        ];
        assert_eq!(store.save_hits(sent.clone()).await.unwrap(), 3, "{name}");
        let newest = store.load_hit_rows(2).await.unwrap();
        assert_eq!(
            newest.iter().map(|(_, h)| h.clone()).collect::<Vec<_>>(),
            vec![sent[2].clone(), sent[1].clone()],
            "{name}: newest first"
        );
        let top = store.last_hit_id().await.unwrap();
        assert_eq!(newest[0].0, top, "{name}");
        let (rows, last) = store.hit_rows_in(0..=i64::MAX, 10).await.unwrap();
        assert_eq!(last, Some(top), "{name}");
        assert_eq!(
            rows.iter().map(|(_, h)| h.clone()).collect::<Vec<_>>(),
            sent,
            "{name}: oldest first"
        );
        // The ids are the rows' own: reading one by its id finds it.
        let (one, _) = store.hits_in(rows[1].0..=rows[1].0, 10).await.unwrap();
        assert_eq!(one, vec![sent[1].clone()], "{name}");
        let (none, last) = store.hit_rows_in(top + 1..=i64::MAX, 10).await.unwrap();
        assert!(none.is_empty() && last.is_none(), "{name}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_process_hears_of_each_mark_within_2_s() {
    let Some((pg, _)) = common::pg::fresh("marks_announced").await else {
        return;
    };
    let writer: SharedStore = Arc::new(PgStore::new(&pg).unwrap());
    let reader: SharedStore = Arc::new(PgStore::new(&pg).unwrap());
    reader.metas().await.unwrap();
    let mut changes = reader.changes().expect("a shared store has a change feed");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let m = mark(
        "203.0.113.9",
        None,
        Some(Verdict::FalsePositive),
        Some("cdn"),
        1,
    );
    let id = writer.save_mark(m.clone()).await.unwrap();
    let heard = tokio::time::timeout(Duration::from_secs(2), changes.recv())
        .await
        .expect("heard within 2 s");
    assert_eq!(heard, Some(Change::Marks(id)));
    assert_eq!(reader.marks_after(id - 1, 10).await.unwrap(), vec![(id, m)]);
    // The reader's own marks are not echoed back to it.
    reader
        .save_mark(mark("203.0.113.10", None, None, None, 2))
        .await
        .unwrap();
    let echo = tokio::time::timeout(Duration::from_millis(500), changes.recv()).await;
    assert!(echo.is_err(), "{echo:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn marks_saved_at_once_by_many_writers_are_all_read_in_order() {
    for (name, store, _dir) in common::pg::backends("marks_concurrent").await {
        let mut tasks = Vec::new();
        for i in 0..40 {
            let store = Arc::clone(&store);
            tasks.push(tokio::spawn(async move {
                store
                    .save_mark(mark(
                        &format!("198.51.100.{i}"),
                        None,
                        Some(Verdict::FalsePositive),
                        None,
                        i,
                    ))
                    .await
                    .unwrap()
            }));
        }
        let mut ids = Vec::new();
        for t in tasks {
            ids.push(t.await.unwrap());
        }
        ids.sort_unstable();
        let mut read = Vec::new();
        let mut after = 0;
        loop {
            let page = store.marks_after(after, 7).await.unwrap();
            let Some(&(last, _)) = page.last() else { break };
            read.extend(page.iter().map(|(id, _)| *id));
            after = last;
        }
        assert_eq!(read, ids, "{name}: every mark, once, in order");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stores_of_the_schema_before_gain_the_marks_table() {
    // SQLite: a file of schema 9.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.db");
    Sqlite::create_old(&path, 9).unwrap();
    let store: SharedStore = Arc::new(SqliteStore::new(Sqlite::open(&path).unwrap().db));
    let id = store
        .save_mark(mark(
            "192.0.2.1",
            None,
            Some(Verdict::TruePositive),
            None,
            0,
        ))
        .await
        .unwrap();
    assert_eq!(store.marks_after(0, 10).await.unwrap().len(), 1);
    assert!(id > 0);
    // PostgreSQL: a store of schema 6.
    let Some((pg, url)) = common::pg::fresh("marks_schema_6").await else {
        return;
    };
    PgStore::new(&pg).unwrap().metas().await.unwrap();
    let (client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    client
        .batch_execute(
            "DROP TABLE marks; DELETE FROM intellisiem_schema; \
             INSERT INTO intellisiem_schema (version) VALUES (6)",
        )
        .await
        .unwrap();
    let store = PgStore::new(&pg).unwrap();
    let id = store
        .save_mark(mark(
            "192.0.2.1",
            Some(3),
            Some(Verdict::FalsePositive),
            Some("x"),
            0,
        ))
        .await
        .unwrap();
    assert!(id > 0);
    let v: i32 = client
        .query_one("SELECT max(version) FROM intellisiem_schema", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(v, intellisiem::store::persist::postgres::PG_SCHEMA_VERSION);
    assert_eq!(v, 9);
}
