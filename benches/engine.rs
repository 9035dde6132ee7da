// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Engine costs: parse throughput per feed format, merging 1,000,000 indicators, and
//! saving / loading 1,000,000 in the cache.
//!
//! `cargo bench --bench engine`

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use intellisiem::model::Sighting;
use intellisiem::model::indicator::IndicatorType;
use intellisiem::sources::{
    ParsedBatch, cisa_kev, feodo, plain_list, spamhaus_drop, threatfox, urlhaus,
};
use intellisiem::store::Store;
use intellisiem::store::persist::sqlite::Group;
use intellisiem::store::persist::{SourceMeta, Sqlite};

mod feeds;

const RECORDS: usize = 100_000;

fn parsers(c: &mut Criterion) {
    let mut g = c.benchmark_group("parse_100k");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(8));
    type Parse = fn(&[u8]) -> ParsedBatch;
    let cases: [(&str, String, Parse); 6] = [
        ("feodo_json", feeds::feodo(RECORDS), |b| {
            feodo::parse(b).expect("parses")
        }),
        ("threatfox_json", feeds::threatfox(RECORDS), |b| {
            threatfox::parse_export(b).expect("parses")
        }),
        ("urlhaus_csv", feeds::urlhaus(RECORDS), |b| {
            urlhaus::parse_csv(b).expect("parses")
        }),
        ("plain_list", feeds::plain(RECORDS), |b| {
            plain_list::parse(b, Some(IndicatorType::Domain)).expect("parses")
        }),
        ("spamhaus_ndjson", feeds::drop_list(RECORDS), |b| {
            spamhaus_drop::parse(b).expect("parses")
        }),
        ("cisa_kev_json", feeds::kev(RECORDS), |b| {
            cisa_kev::parse(b).expect("parses")
        }),
    ];
    for (name, body, parse) in &cases {
        assert_eq!(parse(body.as_bytes()).sightings.len(), RECORDS, "{name}");
        g.throughput(Throughput::Bytes(body.len() as u64));
        g.bench_function(format!("{name}_bytes"), |b| {
            b.iter(|| parse(body.as_bytes()))
        });
        g.throughput(Throughput::Elements(RECORDS as u64));
        g.bench_function(format!("{name}_records"), |b| {
            b.iter(|| parse(body.as_bytes()))
        });
    }
    g.finish();
}

/// Six sources of about 166,667 indicators each, as the load generator serves them.
fn batches() -> Vec<Vec<Sighting>> {
    let per = 1_000_000 / 6 + 1;
    vec![
        feodo::parse(feeds::feodo(per).as_bytes())
            .expect("feodo")
            .sightings,
        threatfox::parse_export(feeds::threatfox(per).as_bytes())
            .expect("tf")
            .sightings,
        urlhaus::parse_csv(feeds::urlhaus(per).as_bytes())
            .expect("urlhaus")
            .sightings,
        plain_list::parse(feeds::plain(per).as_bytes(), None)
            .expect("list")
            .sightings,
        spamhaus_drop::parse(feeds::drop_list(per).as_bytes())
            .expect("drop")
            .sightings,
        cisa_kev::parse(feeds::kev(per).as_bytes())
            .expect("kev")
            .sightings,
    ]
}

fn merge(c: &mut Criterion) {
    let input = batches();
    let mut g = c.benchmark_group("merge_1m");
    g.sample_size(10);
    g.throughput(Throughput::Elements(
        input.iter().map(Vec::len).sum::<usize>() as u64,
    ));
    g.bench_function("six_sources", |b| {
        b.iter_batched(
            || input.clone(),
            |batches| {
                let mut store = Store::new();
                for (i, batch) in batches.into_iter().enumerate() {
                    let id = store.source_id(&format!("s{i}"));
                    store.replace_source(id, batch);
                }
                store
            },
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

/// Scoring the merged million (six sources, with 10,000 of our own sightings), as the
/// dashboard does at start-up and after each refresh: the target is under 100 ms.
fn score(c: &mut Criterion) {
    let mut store = Store::new();
    for (i, batch) in batches().into_iter().enumerate() {
        let id = store.source_id(&format!("s{i}"));
        store.replace_source(id, batch);
    }
    let config = intellisiem::config::ScoringConfig::default();
    let mut evidence = intellisiem::trust::evidence::Evidence::new();
    for (n, (_, e)) in store.iter().enumerate().step_by(100).take(10_000) {
        evidence.sighted(e.kind, &e.value, 1_800_000_000 - n as i64);
    }
    let weights = vec![90, 75, 80, 50, 95, 100];
    let mut g = c.benchmark_group("score_1m");
    g.sample_size(20);
    g.throughput(Throughput::Elements(store.len() as u64));
    g.bench_function("rescore", |b| {
        b.iter(|| {
            let scorer = intellisiem::store::scored::Scorer::new(
                &config,
                weights.clone(),
                &evidence,
                1_800_000_000,
            );
            store.rescore(&scorer)
        })
    });
    g.finish();
}

fn cache(c: &mut Criterion) {
    let input = batches();
    let dir = tempfile::tempdir().expect("tempdir");
    let now = jiff::Timestamp::now();
    let mut g = c.benchmark_group("cache_1m");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(30));
    g.throughput(Throughput::Elements(
        input.iter().map(Vec::len).sum::<usize>() as u64,
    ));
    let path = dir.path().join("bench.db");
    let save_all = || {
        let mut cache = Sqlite::open(&path).expect("open").db;
        for (i, batch) in input.iter().enumerate() {
            let groups = [Group {
                id: "",
                sightings: batch,
                expires: None,
            }];
            cache
                .save(
                    &format!("s{i}"),
                    "feodo",
                    &groups,
                    false,
                    &SourceMeta::default(),
                    now,
                )
                .expect("save");
        }
    };
    g.bench_function("save", |b| b.iter(save_all));
    // The load reads what a save wrote, also when only `load` is asked for.
    save_all();
    // What was loaded is freed outside the timing: a load's cost is reading, not the
    // eventual drop of what it read (the dashboard keeps it).
    g.bench_function("load", |b| {
        b.iter_with_large_drop(|| {
            let cache = Sqlite::open(&path).expect("open").db;
            cache.load_all().expect("load")
        })
    });
    g.finish();
}

/// The same snapshots saved to and loaded from PostgreSQL over the local socket, when
/// `INTELLISIEM_TEST_PG` names a database (each run in a fresh schema).
fn cache_postgres(c: &mut Criterion) {
    let Ok(base) = std::env::var("INTELLISIEM_TEST_PG") else {
        eprintln!("cache_1m_postgres: skipped (set INTELLISIEM_TEST_PG)");
        return;
    };
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let schema = format!("bench_{}", std::process::id());
    rt.block_on(async {
        let (client, conn) = tokio_postgres::connect(&base, tokio_postgres::NoTls)
            .await
            .expect("connect");
        tokio::spawn(conn);
        client
            .batch_execute(&format!(
                "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
            ))
            .await
            .expect("schema");
    });
    let sep = if base.contains('?') { '&' } else { '?' };
    let pg = intellisiem::config::PostgresConfig {
        url: secrecy::SecretString::from(format!("{base}{sep}options=-c%20search_path%3D{schema}")),
        password: None,
    };
    let store = intellisiem::store::persist::PgStore::new(&pg).expect("store");
    use intellisiem::store::persist::{Snapshot, SnapshotStore};
    let input = batches();
    let now = jiff::Timestamp::now();
    let mut g = c.benchmark_group("cache_1m_postgres");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(30));
    g.throughput(Throughput::Elements(
        input.iter().map(Vec::len).sum::<usize>() as u64,
    ));
    g.bench_function("save", |b| {
        b.iter_batched(
            || input.clone(),
            |batches| {
                rt.block_on(async {
                    for (i, sightings) in batches.into_iter().enumerate() {
                        let snap = Snapshot {
                            source: format!("s{i}"),
                            kind: "feodo",
                            sightings,
                            groups: Vec::new(),
                            expires: Default::default(),
                            incremental: false,
                            meta: SourceMeta::default(),
                            now,
                        };
                        store.save(snap).await.1.expect("save");
                    }
                })
            },
            BatchSize::LargeInput,
        )
    });
    g.bench_function("load", |b| {
        b.iter_with_large_drop(|| rt.block_on(store.load_all()).expect("load"))
    });
    g.finish();
}

criterion_group!(benches, parsers, merge, score, cache, cache_postgres);
criterion_main!(benches);
