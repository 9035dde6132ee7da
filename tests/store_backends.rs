// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! One suite, two backends: every test here runs through the `SnapshotStore` trait
//! against the SQLite file and against PostgreSQL (when `INTELLISIEM_TEST_PG` names a
//! server; see tests/common/pg.rs), plus what only a shared store does: leases and the
//! change feed.

#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use intellisiem::model::time::Secs;
use intellisiem::model::{EntryId, IndicatorType, LogHit, Observation, Origin, Sighting};
use intellisiem::store::health::{FetchOutcome, FetchRecord};
use intellisiem::store::persist::{
    Change, LeaseState, PgStore, SharedStore, Snapshot, SnapshotStore, SourceMeta,
};
use jiff::Timestamp;

fn t(s: i64) -> Timestamp {
    Timestamp::from_second(1_800_000_000 + s).unwrap()
}

fn s(kind: IndicatorType, v: &str, threat: &str) -> Sighting {
    Sighting {
        kind,
        value: v.into(),
        obs: Observation {
            first_seen: Secs::from_second(1_799_999_000),
            threat: Some(threat.into()),
            tags: vec!["c2".into()].into(),
            ports: vec![443].into(),
            ..Default::default()
        },
    }
}

fn snapshot(source: &str, sightings: Vec<Sighting>, now: Timestamp) -> Snapshot {
    Snapshot {
        source: source.into(),
        kind: "feodo",
        sightings,
        groups: Vec::new(),
        expires: Default::default(),
        incremental: false,
        meta: SourceMeta {
            fetched_at: Some(now),
            etag: Some("\"v1\"".into()),
            ..Default::default()
        },
        now,
    }
}

fn values(v: &[Sighting]) -> Vec<String> {
    let mut out: Vec<String> = v.iter().map(|s| s.value.to_string()).collect();
    out.sort();
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn snapshots_round_trip_on_both_backends() {
    for (name, store, _dir) in common::pg::backends("snapshots_round_trip_on_both_backends").await {
        let a = vec![
            s(IndicatorType::Ipv4, "192.0.2.1", "Dridex"),
            s(IndicatorType::Domain, "evil.example", "Emotet"),
        ];
        // More than one chunk.
        let many: Vec<Sighting> = (0..20_000)
            .map(|i| s(IndicatorType::Domain, &format!("h{i}.example"), "bulk"))
            .collect();
        let (back, saved) = store.save(snapshot("feodo", a.clone(), t(0))).await;
        assert_eq!(saved.unwrap(), 2, "{name}");
        assert_eq!(back.sightings.len(), 2, "{name}: the snapshot comes back");
        store
            .save(snapshot("bulk", many.clone(), t(0)))
            .await
            .1
            .unwrap();
        let metas = store.metas().await.unwrap();
        assert_eq!(metas["feodo"].fetched_at, Some(t(0)), "{name}");
        assert_eq!(metas["feodo"].etag.as_deref(), Some("\"v1\""), "{name}");
        assert_eq!(metas["bulk"].count, 20_000, "{name}");
        let feodo = store.load_source("feodo".into()).await.unwrap();
        assert_eq!(feodo.len(), 2, "{name}");
        let ip = feodo.iter().find(|s| &*s.value == "192.0.2.1").unwrap();
        assert_eq!(ip.obs, a[0].obs, "{name}: every field survives");
        let all = store.load_all().await.unwrap();
        assert_eq!(all.len(), 2, "{name}");
        assert_eq!(values(&all[0].sightings), values(&many), "{name}");
        // A new snapshot replaces the old whole.
        store
            .save(snapshot("feodo", vec![a[1].clone()], t(60)))
            .await
            .1
            .unwrap();
        assert_eq!(
            values(&store.load_source("feodo".into()).await.unwrap()),
            ["evil.example"],
            "{name}"
        );
        // History.
        for (i, outcome) in [FetchOutcome::Ok, FetchOutcome::NetworkError]
            .into_iter()
            .enumerate()
        {
            let r = FetchRecord {
                at: t(i as i64),
                outcome,
                count: 2,
                bytes: 10,
                duration: Duration::from_millis(5),
                skipped: 3 - i,
            };
            store.record("feodo".into(), r).await.unwrap();
        }
        let h = store.history("feodo".into()).await.unwrap();
        assert_eq!(
            h.iter().map(|r| r.outcome).collect::<Vec<_>>(),
            [FetchOutcome::Ok, FetchOutcome::NetworkError],
            "{name}"
        );
        assert_eq!(
            h.iter().map(|r| r.skipped).collect::<Vec<_>>(),
            [3, 2],
            "{name}: skip counts are kept in the history"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn groups_merge_incrementally_and_304_confirms_on_both_backends() {
    for (name, store, _dir) in common::pg::backends("groups_merge_incrementally").await {
        let mut first = snapshot(
            "otx",
            vec![
                s(IndicatorType::Domain, "a.example", "pulse A"),
                s(IndicatorType::Domain, "b.example", "pulse B"),
            ],
            t(0),
        );
        first.groups = vec![("A".into(), 0..1), ("B".into(), 1..2)];
        store.save(first).await.1.unwrap();
        let mut second = snapshot(
            "otx",
            vec![
                s(IndicatorType::Domain, "b2.example", "pulse B"),
                s(IndicatorType::Domain, "a.example", "pulse B"),
            ],
            t(60),
        );
        second.groups = vec![("B".into(), 0..2)];
        second.incremental = true;
        let (_, count) = store.save(second).await;
        assert_eq!(count.unwrap(), 2, "{name}: a.example counts once");
        assert_eq!(
            values(&store.load_source("otx".into()).await.unwrap()),
            ["a.example", "a.example", "b2.example"],
            "{name}: pulse A stays, pulse B is replaced"
        );
        // A group id given twice (a feed listing one event twice) is one group.
        let mut twice = snapshot(
            "dup",
            vec![
                s(IndicatorType::Domain, "x.example", "e"),
                s(IndicatorType::Domain, "y.example", "e"),
            ],
            t(60),
        );
        twice.groups = vec![("E".into(), 0..1), ("E".into(), 1..2)];
        assert_eq!(store.save(twice).await.1.unwrap(), 2, "{name}");
        assert_eq!(
            values(&store.load_source("dup".into()).await.unwrap()),
            ["x.example", "y.example"],
            "{name}"
        );
        store.confirm("otx".into(), t(120)).await.unwrap();
        assert_eq!(
            store.metas().await.unwrap()["otx"].fetched_at,
            Some(t(120)),
            "{name}"
        );
        // Retention: nothing is older than a day after the confirmation...
        let gone = store
            .apply_retention(t(120 + 3600), Duration::from_secs(86_400))
            .await
            .unwrap();
        assert_eq!(gone, 0, "{name}");
        // ...and everything is a year on.
        let gone = store
            .apply_retention(t(400 * 86_400), Duration::from_secs(86_400))
            .await
            .unwrap();
        assert_eq!(gone, 5, "{name}: otx 3 and dup 2");
        assert!(store.load_source("otx".into()).await.unwrap().is_empty());
        let m = &store.metas().await.unwrap()["otx"];
        assert_eq!(m.count, 0, "{name}");
        assert!(
            m.fetched_at.is_none() && m.etag.is_none(),
            "{name}: an emptied source is fetched whole next time, not revalidated"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_one_process_holds_a_sources_lease_and_a_dead_holders_lease_expires() {
    let Some((pg, _)) = common::pg::fresh("leases").await else {
        return;
    };
    let a = PgStore::new(&pg).unwrap();
    let b = PgStore::new(&pg).unwrap();
    assert_eq!(
        a.lease("feodo".into(), Duration::from_secs(60))
            .await
            .unwrap(),
        LeaseState::Granted
    );
    match b
        .lease("feodo".into(), Duration::from_secs(60))
        .await
        .unwrap()
    {
        LeaseState::HeldBy { holder, .. } => assert_eq!(holder, a.holder()),
        LeaseState::Granted => panic!("two holders"),
    }
    assert_eq!(
        b.lease("urlhaus".into(), Duration::from_secs(60))
            .await
            .unwrap(),
        LeaseState::Granted,
        "leases are per source"
    );
    a.release("feodo".into()).await.unwrap();
    assert_eq!(
        b.lease("feodo".into(), Duration::from_secs(1))
            .await
            .unwrap(),
        LeaseState::Granted
    );
    // b dies holding it: the lease runs out and a takes it over.
    drop(b);
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert_eq!(
        a.lease("feodo".into(), Duration::from_secs(60))
            .await
            .unwrap(),
        LeaseState::Granted
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_process_hears_of_each_saved_snapshot() {
    let Some((pg, _)) = common::pg::fresh("changes").await else {
        return;
    };
    let writer = PgStore::new(&pg).unwrap();
    let reader: SharedStore = Arc::new(PgStore::new(&pg).unwrap());
    // Create the schema before listening.
    reader.metas().await.unwrap();
    let mut changes = reader.changes().expect("a shared store has a change feed");
    tokio::time::sleep(Duration::from_millis(300)).await;
    writer
        .save(snapshot(
            "feodo",
            vec![s(IndicatorType::Ipv4, "192.0.2.9", "x")],
            t(0),
        ))
        .await
        .1
        .unwrap();
    let heard = tokio::time::timeout(Duration::from_secs(2), changes.recv())
        .await
        .expect("heard within 2 s");
    assert_eq!(heard, Some(Change::Snapshot("feodo".into())));
    assert_eq!(
        reader.metas().await.unwrap()["feodo"].fetched_by.as_deref(),
        Some(writer.holder())
    );
    // The reader's own saves are not echoed back to it.
    let me: &dyn SnapshotStore = &*reader;
    me.save(snapshot("own", vec![], t(1))).await.1.unwrap();
    let echo = tokio::time::timeout(Duration::from_millis(500), changes.recv()).await;
    assert!(echo.is_err(), "{echo:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_newer_schema_is_refused_and_a_wrong_password_never_shows() {
    let Some((pg, url)) = common::pg::fresh("newer_schema").await else {
        return;
    };
    let store = PgStore::new(&pg).unwrap();
    store.metas().await.unwrap();
    let (client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    let count = async || -> i64 {
        client
            .query_one("SELECT count(*) FROM intellisiem_schema", &[])
            .await
            .unwrap()
            .get(0)
    };
    let before = count().await;
    client
        .batch_execute("INSERT INTO intellisiem_schema (version) VALUES (99)")
        .await
        .unwrap();
    let fresh = PgStore::new(&pg).unwrap();
    let e = fresh.metas().await.unwrap_err().to_string();
    assert!(e.contains("newer IntelliSIEM (schema 99"), "{e}");
    // Nothing was changed by the refused open.
    assert_eq!(count().await, before + 1);

    // A password that the server refuses (or never asks for) appears in no message.
    let secret = "hunter2-Z9q";
    let bad = intellisiem::config::PostgresConfig {
        url: secrecy::SecretString::from(format!(
            "postgresql://nobody:{secret}@127.0.0.1:1/db?connect_timeout=1"
        )),
        password: Some(secrecy::SecretString::from(secret.to_string())),
    };
    assert!(!format!("{bad:?}").contains(secret));
    assert!(!bad.redacted().contains(&format!(":{secret}@")));
    let store = PgStore::new(&bad).unwrap();
    let e = store.metas().await.unwrap_err().to_string();
    assert!(e.contains("unreachable"), "{e}");
    assert!(!e.contains(&format!(":{secret}")), "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_snapshot_saved_while_the_server_is_away_is_written_when_it_is_back() {
    let Some((_, url)) = common::pg::fresh("server_away").await else {
        return;
    };
    let flaky = common::pg::Flaky::start(&url).await;
    let options = url
        .split(['?', '&'])
        .find(|kv| kv.starts_with("options="))
        .unwrap_or_default()
        .to_string();
    let db = url
        .split('?')
        .next()
        .and_then(|u| u.rsplit('/').next())
        .unwrap_or("intellisiem_test")
        .to_string();
    let cfg = intellisiem::config::PostgresConfig {
        url: secrecy::SecretString::from(format!(
            "postgresql://127.0.0.1:{}/{db}?{options}&connect_timeout=2",
            flaky.port
        )),
        password: None,
    };
    let store = PgStore::new(&cfg).unwrap();
    let v1 = vec![s(IndicatorType::Ipv4, "192.0.2.1", "x")];
    store.save(snapshot("feodo", v1, t(0))).await.1.unwrap();
    flaky.down();
    let v2 = vec![
        s(IndicatorType::Ipv4, "192.0.2.1", "x"),
        s(IndicatorType::Ipv4, "192.0.2.2", "x"),
    ];
    let e = store
        .save(snapshot("feodo", v2, t(60)))
        .await
        .1
        .unwrap_err();
    assert!(e.is_transient(), "{e}");
    assert!(
        e.to_string().contains("saved when the store answers"),
        "{e}"
    );
    flaky.up();
    // The next call that reaches the server writes the kept snapshot first.
    let mut back = Vec::new();
    for _ in 0..20 {
        if let Ok(m) = store.metas().await {
            back = store.load_source("feodo".into()).await.unwrap();
            assert_eq!(m["feodo"].fetched_at, Some(t(60)));
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(values(&back), ["192.0.2.1", "192.0.2.2"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_role_that_may_only_read_reads_and_knows_it() {
    let Some((pg, url)) = common::pg::fresh("read_only_role").await else {
        return;
    };
    let writer = PgStore::new(&pg).unwrap();
    writer
        .save(snapshot(
            "feodo",
            vec![s(IndicatorType::Ipv4, "192.0.2.7", "x")],
            t(0),
        ))
        .await
        .1
        .unwrap();
    assert!(!writer.read_only());
    let (client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    let role = format!(
        "ro_{}_{:06x}",
        std::process::id(),
        fastrand::u32(..0xff_ffff)
    );
    let schema: String = client
        .query_one("SELECT current_schema()::TEXT", &[])
        .await
        .unwrap()
        .get(0);
    client
        .batch_execute(&format!(
            "CREATE ROLE {role} NOLOGIN; GRANT USAGE ON SCHEMA {schema} TO {role};
             GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {role};"
        ))
        .await
        .unwrap();
    use secrecy::ExposeSecret;
    let ro = intellisiem::config::PostgresConfig {
        url: secrecy::SecretString::from(format!(
            "{}%20-c%20role%3D{role}",
            pg.url.expose_secret()
        )),
        password: None,
    };
    let reader = PgStore::new(&ro).unwrap();
    assert_eq!(
        values(&reader.load_source("feodo".into()).await.unwrap()),
        ["192.0.2.7"]
    );
    assert!(reader.read_only(), "the role's missing rights are noticed");
    let e = reader
        .save(snapshot("feodo", vec![], t(60)))
        .await
        .1
        .unwrap_err();
    assert!(e.to_string().contains("read-only"), "{e}");
    drop(reader);
    // A store one schema behind, opened by a role that may not upgrade it: one clear
    // line, not a missing column.
    client
        .execute(
            "UPDATE intellisiem_schema SET version = $1 - 1 WHERE version = $1",
            &[&intellisiem::store::persist::postgres::PG_SCHEMA_VERSION],
        )
        .await
        .unwrap();
    let behind = PgStore::new(&ro).unwrap();
    let e = behind.load_source("feodo".into()).await.unwrap_err();
    assert!(e.to_string().contains("older than this build"), "{e}");
    drop(behind);
    // One that may create tables but does not own `sightings` cannot add its columns
    // (the step to schema 5; the step after it only adds a table).
    client
        .execute(
            "UPDATE intellisiem_schema SET version = 4 WHERE version = $1 - 1",
            &[&intellisiem::store::persist::postgres::PG_SCHEMA_VERSION],
        )
        .await
        .unwrap();
    client
        .batch_execute(&format!("GRANT CREATE ON SCHEMA {schema} TO {role}"))
        .await
        .unwrap();
    let creator = PgStore::new(&ro).unwrap();
    let e = creator.load_source("feodo".into()).await.unwrap_err();
    assert!(e.to_string().contains("older than this build"), "{e}");
    drop(creator);
    let _ = client
        .batch_execute(&format!("DROP OWNED BY {role}; DROP ROLE {role}"))
        .await;
}

fn hit(value: &str, log: &str, offset: u64, found: i64, retro: bool) -> LogHit {
    LogHit {
        at: t(found - 30),
        found: t(found),
        sensor: "edge-1".into(),
        origin: Origin::File {
            path: log.into(),
            offset,
        },
        module: "suricata".into(),
        field: "destination.ip".into(),
        atomic: value.into(),
        kind: IndicatorType::Ipv4,
        indicator: value.into(),
        sources: Box::new(["feodo".into(), "threatfox".into()]),
        threat: (!retro).then(|| "Emotet".into()),
        retro,
        host: None,
    }
}

/// A hit of a Redis stream entry, read by `sensor`.
fn entry_hit(value: &str, seq: u64, sensor: &str) -> LogHit {
    let mut h = hit(value, "suricata", 0, 500, false);
    h.sensor = sensor.into();
    h.origin = Origin::Stream {
        stream: "suricata".into(),
        id: EntryId {
            ms: 1_800_000_000_000,
            seq,
        },
        group: "soc".into(),
    };
    h
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sensors_and_stream_entries_are_kept_once_each_on_both_backends() {
    for (name, store, _dir) in common::pg::backends("sightings_sensors").await {
        let a = hit("45.0.0.3", "/var/log/suricata/eve.json", 0, 0, false);
        let mut other = a.clone();
        other.sensor = "edge-2".into();
        assert_eq!(
            store
                .save_hits(vec![a.clone(), other.clone()])
                .await
                .unwrap(),
            2,
            "{name}: the same path on two sensors is two lines"
        );
        let before = store.last_hit_id().await.unwrap();
        assert_eq!(
            store
                .save_hits(vec![
                    entry_hit("45.0.0.3", 1, "edge-1"),
                    entry_hit("45.0.0.3", 2, "edge-1")
                ])
                .await
                .unwrap(),
            2,
            "{name}"
        );
        // Entry 2, claimed by another consumer and read again, is kept once.
        assert_eq!(
            store
                .save_hits(vec![
                    entry_hit("45.0.0.3", 2, "edge-2"),
                    entry_hit("45.0.0.3", 3, "edge-2")
                ])
                .await
                .unwrap(),
            1,
            "{name}"
        );
        let (after, last) = store.hits_in(before + 1..=i64::MAX, 100).await.unwrap();
        assert_eq!(
            after,
            vec![
                entry_hit("45.0.0.3", 1, "edge-1"),
                entry_hit("45.0.0.3", 2, "edge-1"),
                entry_hit("45.0.0.3", 3, "edge-2")
            ],
            "{name}: oldest first, every field kept"
        );
        assert_eq!(last, Some(store.last_hit_id().await.unwrap()), "{name}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hits_another_process_stores_are_announced_with_their_ids() {
    let Some((pg, _)) = common::pg::fresh("hits_announced").await else {
        return;
    };
    let writer: SharedStore = Arc::new(PgStore::new(&pg).unwrap());
    let reader: SharedStore = Arc::new(PgStore::new(&pg).unwrap());
    reader.metas().await.unwrap();
    let mut changes = reader.changes().expect("a shared store has a change feed");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let sent = vec![
        hit("45.0.0.3", "/var/log/eve.json", 10, 100, false),
        hit("45.0.0.4", "/var/log/eve.json", 20, 100, false),
    ];
    assert_eq!(writer.save_hits(sent.clone()).await.unwrap(), 2);
    let heard = tokio::time::timeout(Duration::from_secs(2), changes.recv())
        .await
        .expect("heard within 2 s");
    let Some(Change::Hits(ids)) = heard else {
        panic!("{heard:?}");
    };
    let (got, _) = reader.hits_in(ids, 100).await.unwrap();
    assert_eq!(got, sent);
    // Nothing new: nothing announced.
    assert_eq!(writer.save_hits(sent).await.unwrap(), 0);
    let quiet = tokio::time::timeout(Duration::from_millis(500), changes.recv()).await;
    assert!(quiet.is_err(), "{quiet:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sightings_round_trip_once_each_and_age_out_on_both_backends() {
    for (name, store, _dir) in common::pg::backends("sightings_round_trip").await {
        let a = hit("45.0.0.3", "/var/log/suricata/eve.json", 0, 0, false);
        let b = hit("45.0.0.4", "/var/log/suricata/eve.json", 310, 100, true);
        let mut cidr = hit("45.0.0.9", "/var/log/zeek/conn.log", 12, 200, false);
        cidr.kind = IndicatorType::Cidr;
        cidr.indicator = "45.0.0.0/24".into();
        cidr.field = "source.ip".into();
        assert_eq!(
            store.save_hits(vec![a.clone(), b.clone()]).await.unwrap(),
            2,
            "{name}"
        );
        // The same line, field and indicator found again is kept once.
        assert_eq!(
            store
                .save_hits(vec![a.clone(), cidr.clone()])
                .await
                .unwrap(),
            1,
            "{name}"
        );
        assert_eq!(
            store.load_hits(10).await.unwrap(),
            vec![cidr.clone(), b.clone(), a.clone()],
            "{name}: newest stored first, every field kept"
        );
        assert_eq!(
            store.load_hits(1).await.unwrap(),
            vec![cidr.clone()],
            "{name}"
        );
        assert_eq!(
            store
                .prune_hits(t(150), Duration::from_secs(100))
                .await
                .unwrap(),
            1,
            "{name}: found before t(50)"
        );
        assert_eq!(store.load_hits(10).await.unwrap(), vec![cidr, b], "{name}");
        assert!(store.save_hits(Vec::new()).await.is_ok(), "{name}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_schema_1_postgres_store_gains_the_sightings_table() {
    let Some((pg, url)) = common::pg::fresh("pg_schema_1").await else {
        return;
    };
    let store = PgStore::new(&pg).unwrap();
    store
        .save(snapshot(
            "feodo",
            vec![s(IndicatorType::Ipv4, "192.0.2.7", "x")],
            t(0),
        ))
        .await
        .1
        .unwrap();
    drop(store);
    let (client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    // Back to what a build of schema 1 left.
    client
        .batch_execute(
            "DROP TABLE sightings; DROP TABLE quota_ledger; DROP TABLE enrichments; \
             ALTER TABLE chunks DROP COLUMN expires_at; \
             DELETE FROM intellisiem_schema; INSERT INTO intellisiem_schema (version) VALUES (1)",
        )
        .await
        .unwrap();
    let store = PgStore::new(&pg).unwrap();
    let h = hit("45.0.0.3", "/var/log/eve.json", 5, 10, false);
    assert_eq!(store.save_hits(vec![h.clone()]).await.unwrap(), 1);
    assert_eq!(store.load_hits(5).await.unwrap(), vec![h]);
    assert_eq!(
        values(&store.load_source("feodo".into()).await.unwrap()),
        ["192.0.2.7"],
        "the snapshot is kept"
    );
    let v: i32 = client
        .query_one("SELECT max(version) FROM intellisiem_schema", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(v, intellisiem::store::persist::postgres::PG_SCHEMA_VERSION);
}
