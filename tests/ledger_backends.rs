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
use intellisiem::sources::answers::Claim;
use intellisiem::store::persist::{
    AnswerKey, PgStore, QuotaOp, QuotaReply, SharedStore, Sqlite, SqliteStore,
};
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

/// One holder at a time claims a value to look up; the others are told it is taken
/// until it is answered, given back, or the claim lapses.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_value_is_claimed_by_one_holder_at_a_time_on_both_backends() {
    for (name, a, b, _dir) in
        backends("a_value_is_claimed_by_one_holder_at_a_time_on_both_backends").await
    {
        let key = AnswerKey {
            source: "vt".into(),
            kind: IndicatorType::Ipv4,
            value: "192.0.2.9".into(),
        };
        let since = Timestamp::now() - jiff::SignedDuration::from_hours(1);
        let hold = Duration::from_secs(60);
        let claim = |s: SharedStore, who: &str| {
            let (key, who) = (key.clone(), who.to_string());
            async move { s.claim_enrichment(key, who, since, hold).await }
        };
        assert_eq!(
            claim(a.clone(), "a").await.unwrap(),
            Claim::Granted,
            "{name}"
        );
        assert!(
            matches!(claim(b.clone(), "b").await.unwrap(), Claim::Taken { .. }),
            "{name}"
        );
        assert_eq!(
            claim(a.clone(), "a").await.unwrap(),
            Claim::Granted,
            "{name}: renewed"
        );
        a.release_enrichment(key.clone(), "a".into()).await.unwrap();
        assert_eq!(
            claim(b.clone(), "b").await.unwrap(),
            Claim::Granted,
            "{name}"
        );
        let answer = Enrichment {
            kind: key.kind,
            value: key.value.as_str().into(),
            service: "vt".into(),
            at: Timestamp::from_millisecond(Timestamp::now().as_millisecond()).unwrap(),
            verdict: None,
        };
        b.save_enrichment(answer.clone()).await.unwrap();
        assert_eq!(
            claim(a.clone(), "a").await.unwrap(),
            Claim::Answered(answer),
            "{name}"
        );
        // A claim that lapsed frees the value.
        let short = AnswerKey {
            value: "192.0.2.10".into(),
            ..key.clone()
        };
        a.claim_enrichment(short.clone(), "a".into(), since, Duration::from_millis(200))
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(
            b.claim_enrichment(short, "b".into(), since, hold)
                .await
                .unwrap(),
            Claim::Granted,
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

/// A VirusTotal mock whose IP reports take a moment (so two askers overlap), and the
/// config of a `vt` source on it watching `watch`.
async fn slow_vt(watch: &[&str]) -> (wiremock::MockServer, intellisiem::config::Config) {
    use wiremock::matchers::{method, path_regex};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path_regex("^/vt/ip_addresses/"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_bytes(common::fixture("virustotal/ip_address.json"))
                .set_delay(Duration::from_millis(300)),
        )
        .mount(&server)
        .await;
    let yaml = format!(
        "api_keys: {{ virus_total: \"{}\" }}\nhttp: {{ timeout: 5s, retries: 0 }}\nsources:\n  - {{ name: vt, kind: virustotal, url: \"{}/vt\", rate_limit: {{ per_minute: 30, per_day: 500 }}, watch: [{}] }}\n",
        common::VT_KEY,
        server.uri(),
        watch
            .iter()
            .map(|w| format!("\"{w}\""))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let config = intellisiem::config::Config::from_yaml(
        &yaml,
        std::path::Path::new("t.yaml"),
        &|_| None,
        &intellisiem::sources::registry::kinds(),
    )
    .unwrap()
    .config;
    (server, config)
}

/// Two enrichers on one store (as two processes would hold it) asked about the same
/// values at once spend one request per value: the first claims a value, the other
/// waits for its answer. The `watch` list then reuses those answers, spending nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_look_ups_on_one_store_ask_about_each_value_once_on_both_backends() {
    use intellisiem::enrichment::{Enricher, with_store_ledger};
    use intellisiem::sources::{self, FetchContext};
    const VALUES: [&str; 3] = ["192.0.2.1", "192.0.2.2", "192.0.2.3"];
    for (name, a, b, _dir) in
        backends("parallel_look_ups_on_one_store_ask_about_each_value_once_on_both_backends").await
    {
        let (server, config) = slow_vt(&VALUES).await;
        let spec = &config.sources[0];
        let ctx = |s: &SharedStore| with_store_ledger(FetchContext::new(&config).unwrap(), Some(s));
        let (one, two) = (Enricher::new(ctx(&a)), Enricher::new(ctx(&b)));
        let ask = |e: &Enricher| {
            let e = e.clone();
            let spec = spec.clone();
            async move {
                let mut out = Vec::new();
                let jobs = VALUES
                    .iter()
                    .map(|v| e.lookup(&spec, IndicatorType::Ipv4, v, true));
                for r in futures_util::future::join_all(jobs).await {
                    out.push(r.unwrap());
                }
                out
            }
        };
        let (x, y) = tokio::join!(ask(&one), ask(&two));
        let requests = server.received_requests().await.unwrap().len();
        assert_eq!(requests, VALUES.len(), "{name}: one request per value");
        for answer in x.iter().chain(&y) {
            let vt = answer.answer.verdict.as_ref().and_then(|v| v.virustotal);
            assert_eq!(vt.map(|v| v.malicious), Some(8), "{name}");
        }
        assert_eq!(
            x.iter().chain(&y).filter(|a| !a.cached).count(),
            VALUES.len(),
            "{name}: the others came from the store"
        );
        // The watch list of the same values, within `enrich_ttl`: nothing is asked.
        let out = sources::fetch(&ctx(&a), spec, &Default::default())
            .await
            .unwrap();
        assert_eq!(out.requests, 0, "{name}");
        assert_eq!(out.answers.len(), VALUES.len(), "{name}");
        assert_eq!(
            server.received_requests().await.unwrap().len(),
            VALUES.len(),
            "{name}: the watch list reused the kept answers"
        );
    }
}
