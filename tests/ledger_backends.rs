// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The quota ledger and the enrichment cache through the `SnapshotStore` trait, on the
//! SQLite file and on PostgreSQL (when `INTELLISIEM_TEST_PG` names a server; see
//! tests/common/pg.rs): one budget for every user of a store, `429` corrections, answers
//! kept with their time, and the PostgreSQL migration from schema 1.

#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use intellisiem::config::RateLimitConfig;
use intellisiem::model::{Enrichment, IndicatorType, Verdict, VtStats};
use intellisiem::net::ratelimit::Denied;
use intellisiem::store::persist::{PgStore, QuotaOp, QuotaReply, SharedStore, Sqlite, SqliteStore};
use jiff::Timestamp;

fn t(s: i64) -> Timestamp {
    Timestamp::from_second(1_800_000_000 + s).unwrap()
}

const LIMITS: RateLimitConfig = RateLimitConfig {
    per_minute: 3,
    per_day: 5,
    per_month: None,
};

/// Two handles on each fresh backend, as two processes would hold them.
async fn backends(
    test: &str,
) -> Vec<(
    &'static str,
    SharedStore,
    SharedStore,
    Option<tempfile::TempDir>,
)> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.db");
    let open = || -> SharedStore { Arc::new(SqliteStore::new(Sqlite::open(&path).unwrap().db)) };
    let mut out = vec![("sqlite", open(), open(), Some(dir))];
    if let Some((pg, _)) = common::pg::fresh(test).await {
        let a: SharedStore = Arc::new(PgStore::new(&pg).unwrap());
        let b: SharedStore = Arc::new(PgStore::new(&pg).unwrap());
        out.push(("postgres", a, b, None));
    }
    out
}

async fn spend(store: &SharedStore, now: Timestamp) -> Result<(), Denied> {
    match store
        .quota(
            "virustotal:00ff".into(),
            QuotaOp::Spend {
                limits: LIMITS,
                now,
            },
        )
        .await
        .unwrap()
    {
        QuotaReply::Spent(r) => r,
        other => panic!("{other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_users_of_a_store_spend_one_budget_on_both_backends() {
    for (name, a, b, _dir) in
        backends("two_users_of_a_store_spend_one_budget_on_both_backends").await
    {
        assert_eq!(spend(&a, t(0)).await, Ok(()), "{name}");
        assert_eq!(spend(&b, t(1)).await, Ok(()), "{name}");
        assert_eq!(spend(&a, t(2)).await, Ok(()), "{name}");
        assert_eq!(
            spend(&b, t(3)).await,
            Err(Denied::Wait(Duration::from_secs(58))),
            "{name}: the minute (and its margin) is spent, whoever asks"
        );
        let usage = match b
            .quota(
                "virustotal:00ff".into(),
                QuotaOp::Usage {
                    limits: LIMITS,
                    now: t(3),
                },
            )
            .await
            .unwrap()
        {
            QuotaReply::Usage(u) => u,
            other => panic!("{other:?}"),
        };
        assert_eq!((usage.minute_used, usage.day_used), (3, 3), "{name}");
        assert_eq!(usage.next_slot, Some(t(61)), "{name}");
        // Two more fit today, then the day is spent.
        assert_eq!(spend(&a, t(61)).await, Ok(()), "{name}");
        assert_eq!(spend(&b, t(62)).await, Ok(()), "{name}");
        assert!(
            matches!(
                spend(&a, t(200)).await,
                Err(Denied::DailyQuota { limit: 5, .. })
            ),
            "{name}"
        );
        // Another account is another budget.
        let other = a
            .quota(
                "virustotal:abcd".into(),
                QuotaOp::Spend {
                    limits: LIMITS,
                    now: t(200),
                },
            )
            .await
            .unwrap();
        assert_eq!(other, QuotaReply::Spent(Ok(())), "{name}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_spends_never_exceed_the_minute_on_both_backends() {
    for (name, a, b, _dir) in
        backends("concurrent_spends_never_exceed_the_minute_on_both_backends").await
    {
        let mut tasks = Vec::new();
        for i in 0..12 {
            let s = if i % 2 == 0 { a.clone() } else { b.clone() };
            tasks.push(tokio::spawn(async move {
                let limits = RateLimitConfig {
                    per_minute: 4,
                    per_day: 500,
                    per_month: None,
                };
                s.quota(
                    "virustotal:race".into(),
                    QuotaOp::Spend { limits, now: t(0) },
                )
                .await
                .unwrap()
            }));
        }
        let mut granted = 0;
        for task in tasks {
            if task.await.unwrap() == QuotaReply::Spent(Ok(())) {
                granted += 1;
            }
        }
        assert_eq!(granted, 4, "{name}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_corrects_the_ledger_for_everyone_on_both_backends() {
    for (name, a, b, _dir) in
        backends("a_429_corrects_the_ledger_for_everyone_on_both_backends").await
    {
        assert_eq!(spend(&a, t(0)).await, Ok(()), "{name}");
        a.quota(
            "virustotal:00ff".into(),
            QuotaOp::Correct {
                limits: LIMITS,
                now: t(1),
                retry_after: Some(Duration::from_secs(20)),
            },
        )
        .await
        .unwrap();
        assert_eq!(
            spend(&b, t(2)).await,
            Err(Denied::Wait(Duration::from_secs(19))),
            "{name}"
        );
        assert_eq!(spend(&b, t(21)).await, Ok(()), "{name}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enrichment_answers_are_kept_with_their_time_on_both_backends() {
    for (name, a, b, _dir) in
        backends("enrichment_answers_are_kept_with_their_time_on_both_backends").await
    {
        let e = Enrichment {
            kind: IndicatorType::Domain,
            value: "evil.example".into(),
            service: "vt".into(),
            at: t(0),
            verdict: Some(Verdict {
                virustotal: Some(VtStats {
                    malicious: 8,
                    harmless: 60,
                    ..Default::default()
                }),
                threat: Some("Emotet".into()),
                ..Default::default()
            }),
        };
        a.save_enrichment(e.clone()).await.unwrap();
        let unknown = Enrichment {
            kind: IndicatorType::Ipv4,
            value: "192.0.2.1".into(),
            service: "vt".into(),
            at: t(5),
            verdict: None,
        };
        a.save_enrichment(unknown.clone()).await.unwrap();
        let get = |kind, v: &str, since| b.enrichment("vt".into(), kind, v.into(), since);
        assert_eq!(
            get(IndicatorType::Domain, "evil.example", t(-10))
                .await
                .unwrap(),
            Some(e.clone()),
            "{name}"
        );
        assert_eq!(
            get(IndicatorType::Ipv4, "192.0.2.1", t(0)).await.unwrap(),
            Some(unknown),
            "{name}: 'not known' is an answer too"
        );
        assert_eq!(
            get(IndicatorType::Domain, "evil.example", t(1))
                .await
                .unwrap(),
            None,
            "{name}: too old"
        );
        assert_eq!(
            get(IndicatorType::Url, "evil.example", t(-10))
                .await
                .unwrap(),
            None,
            "{name}: the type is part of the key"
        );
        assert_eq!(
            b.enrichment(
                "otx".into(),
                IndicatorType::Domain,
                "evil.example".into(),
                t(-10)
            )
            .await
            .unwrap(),
            None,
            "{name}: each service its own answers"
        );
        // A newer answer replaces the old.
        let newer = Enrichment {
            at: t(100),
            verdict: None,
            ..e
        };
        b.save_enrichment(newer.clone()).await.unwrap();
        assert_eq!(
            get(IndicatorType::Domain, "evil.example", t(50))
                .await
                .unwrap(),
            Some(newer),
            "{name}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_schema_1_shared_store_migrates_keeping_its_snapshots() {
    let Some((pg, url)) =
        common::pg::fresh("a_schema_1_shared_store_migrates_keeping_its_snapshots").await
    else {
        return;
    };
    let (client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    intellisiem::store::persist::postgres::create_v1(&client)
        .await
        .unwrap();
    client
        .batch_execute("INSERT INTO sources (name, kind, fetched_at, count) VALUES ('feodo', 'feodo', 1800000000, 0)")
        .await
        .unwrap();
    let store: SharedStore = Arc::new(PgStore::new(&pg).unwrap());
    let metas = store.metas().await.unwrap();
    assert_eq!(metas["feodo"].fetched_at, Some(t(0)));
    assert_eq!(spend(&store, t(0)).await, Ok(()));
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
