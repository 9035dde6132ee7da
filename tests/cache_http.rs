// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Fetches with the local cache against a local mock: OTX asks only for what changed
//! since the stored cursor and merges it; dumps revalidate with their ETag /
//! Last-Modified and a 304 keeps the snapshot; a failed fetch writes nothing.

#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::sync::Arc;

use common::*;
use intellisiem::config::Config;
use intellisiem::engine;
use intellisiem::sources::FetchContext;
use intellisiem::store::health::FetchOutcome;
use intellisiem::store::persist::{SharedStore, Sqlite, SqliteStore};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn config(yaml: &str) -> Config {
    Config::from_yaml(
        yaml,
        Path::new("t.yaml"),
        &|_| None,
        &intellisiem::sources::registry::kinds(),
    )
    .unwrap_or_else(|e| panic!("{e}"))
    .config
}

fn cache(dir: &Path) -> SharedStore {
    Arc::new(SqliteStore::new(
        Sqlite::open(&dir.join("cache.db")).unwrap().db,
    ))
}

fn values(out: &intellisiem::sources::FetchOutput) -> Vec<String> {
    let mut v: Vec<String> = out
        .batch
        .sightings
        .iter()
        .map(|s| s.value.to_string())
        .collect();
    v.sort();
    v.dedup();
    v
}

#[tokio::test]
async fn otx_second_fetch_asks_since_the_cursor_and_merges_changed_pulses() {
    let server = MockServer::start().await;
    let pulse = |id: &str, modified: &str, domains: &[&str]| {
        serde_json::json!({
            "id": id, "name": format!("pulse {id}"), "modified": modified, "tags": [],
            "indicators": domains.iter().map(|d| serde_json::json!({"indicator": d, "type": "domain", "created": modified})).collect::<Vec<_>>()
        })
    };
    // Second fetch: only pulses modified since the cursor (B changed, C is new).
    Mock::given(method("GET"))
        .and(path("/otx/pulses/subscribed"))
        .and(query_param("modified_since", "2026-11-20T08:00:00"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "count": 2, "next": null,
            "results": [pulse("B", "2026-11-25T10:00:00", &["b2.example"]), pulse("C", "2026-11-26T10:00:00", &["c.example"])]
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/otx/pulses/subscribed"))
        .and(header("x-otx-api-key", OTX_KEY))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "count": 2, "next": null,
            "results": [pulse("A", "2026-11-19T08:00:00", &["a.example"]), pulse("B", "2026-11-20T08:00:00", &["b.example"])]
        })))
        .mount(&server)
        .await;
    let c = config(&format!(
        "api_keys: {{ alien_vault: \"{OTX_KEY}\" }}\nsources:\n  - {{ name: otx, kind: otx, url: \"{}/otx\" }}\n",
        server.uri()
    ));
    let dir = tempfile::tempdir().unwrap();
    let cache = cache(dir.path());
    let ctx = FetchContext::new(&c).unwrap();
    let spec = &c.sources[0];

    let (first, notes) = engine::fetch_cached(&ctx, spec, Some(&cache), false).await;
    assert!(notes.is_empty(), "{notes:?}");
    let first = first.unwrap();
    assert!(!first.incremental);
    assert_eq!(values(&first), ["a.example", "b.example"]);

    let (second, _) = engine::fetch_cached(&ctx, spec, Some(&cache), false).await;
    let second = second.unwrap();
    assert!(second.incremental);
    // The whole merged snapshot: A kept, B replaced, C added.
    assert_eq!(values(&second), ["a.example", "b2.example", "c.example"]);

    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 2);
    let since = |i: usize| {
        reqs[i]
            .url
            .query_pairs()
            .find(|(k, _)| k == "modified_since")
            .map(|(_, v)| v.into_owned())
            .unwrap()
    };
    assert_ne!(
        since(0),
        "2026-11-20T08:00:00",
        "the first fetch uses the lookback window"
    );
    assert_eq!(
        since(1),
        "2026-11-20T08:00:00",
        "the second asks since the newest pulse seen"
    );
    let c = &cache;
    assert_eq!(
        c.metas().await.unwrap()["otx"]
            .cursor
            .map(|t| t.to_string())
            .as_deref(),
        Some("2026-11-26T10:00:00Z")
    );
    assert_eq!(c.history("otx".into()).await.unwrap().len(), 2);
}

#[tokio::test]
async fn dumps_revalidate_and_a_304_keeps_the_snapshot() {
    let server = MockServer::start().await;
    Mock::given(path("/feodo.json"))
        .and(header("if-none-match", "\"v1\""))
        .respond_with(ResponseTemplate::new(304).insert_header("etag", "\"v1\""))
        .mount(&server)
        .await;
    Mock::given(path("/feodo.json"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("etag", "\"v1\"")
                .insert_header("last-modified", "Fri, 27 Nov 2026 10:00:00 GMT")
                .set_body_bytes(fixture("feodo/ipblocklist.json")),
        )
        .mount(&server)
        .await;
    let c = config(&format!(
        "sources:\n  - {{ name: feodo, kind: feodo, url: \"{}/feodo.json\" }}\n",
        server.uri()
    ));
    let dir = tempfile::tempdir().unwrap();
    let cache = cache(dir.path());
    let ctx = FetchContext::new(&c).unwrap();
    let spec = &c.sources[0];

    let (first, _) = engine::fetch_cached(&ctx, spec, Some(&cache), true).await;
    let first = first.unwrap();
    assert!(!first.not_modified);
    assert_eq!(first.batch.sightings.len(), 3);

    // The dashboard form: a 304 costs no parsing and returns nothing to replace.
    let (second, _) = engine::fetch_cached(&ctx, spec, Some(&cache), false).await;
    let second = second.unwrap();
    assert!(second.not_modified);
    assert!(second.batch.sightings.is_empty());
    // The headless form: the stored snapshot comes back.
    let (third, _) = engine::fetch_cached(&ctx, spec, Some(&cache), true).await;
    assert_eq!(third.unwrap().batch.sightings.len(), 3);

    let reqs = server.received_requests().await.unwrap();
    assert!(reqs[0].headers.get("if-none-match").is_none());
    assert_eq!(reqs[1].headers.get("if-none-match").unwrap(), "\"v1\"");
    assert_eq!(
        reqs[1].headers.get("if-modified-since").unwrap(),
        "Fri, 27 Nov 2026 10:00:00 GMT"
    );
    let c = &cache;
    let outcomes: Vec<FetchOutcome> = c
        .history("feodo".into())
        .await
        .unwrap()
        .iter()
        .map(|r| r.outcome)
        .collect();
    assert_eq!(
        outcomes,
        [
            FetchOutcome::Ok,
            FetchOutcome::NotModified,
            FetchOutcome::NotModified
        ]
    );
    assert_eq!(
        c.history("feodo".into()).await.unwrap()[1].count,
        3,
        "a 304 keeps the count"
    );
}

#[tokio::test]
async fn a_failed_fetch_writes_nothing_to_the_snapshot() {
    let server = MockServer::start().await;
    Mock::given(path("/feodo.json"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(fixture("feodo/ipblocklist.json")))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    // Then a truncated document.
    Mock::given(path("/feodo.json"))
        .respond_with(ResponseTemplate::new(200).set_body_string("[{\"ip_address\": \"9.9.9.9\""))
        .mount(&server)
        .await;
    let c = config(&format!(
        "sources:\n  - {{ name: feodo, kind: feodo, url: \"{}/feodo.json\" }}\n",
        server.uri()
    ));
    let dir = tempfile::tempdir().unwrap();
    let cache = cache(dir.path());
    let ctx = FetchContext::new(&c).unwrap();
    let spec = &c.sources[0];
    assert!(
        engine::fetch_cached(&ctx, spec, Some(&cache), false)
            .await
            .0
            .is_ok()
    );
    let (bad, _) = engine::fetch_cached(&ctx, spec, Some(&cache), false).await;
    assert!(bad.is_err());
    let c = &cache;
    assert_eq!(
        c.load_source("feodo".into()).await.unwrap().len(),
        3,
        "the good snapshot stays"
    );
    let h = c.history("feodo".into()).await.unwrap();
    assert_eq!(h.last().unwrap().outcome, FetchOutcome::ParseError);
}

#[tokio::test]
async fn a_fetch_keeps_its_skipped_records_by_reason_and_the_days_count() {
    let server = MockServer::start().await;
    Mock::given(path("/list.txt"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string("192.0.2.1\nnot an address\n192.0.2.2\n999.1.1.1\n"),
        )
        .mount(&server)
        .await;
    let c = config(&format!(
        "sources:\n  - {{ name: list, kind: plain_list, url: \"{}/list.txt\" }}\n",
        server.uri()
    ));
    let dir = tempfile::tempdir().unwrap();
    let cache = cache(dir.path());
    let ctx = FetchContext::new(&c).unwrap();
    let since = jiff::Timestamp::now() - jiff::SignedDuration::from_secs(60);
    let (out, notes) = engine::fetch_cached(&ctx, &c.sources[0], Some(&cache), true).await;
    assert_eq!(out.unwrap().batch.sightings.len(), 2, "{notes:?}");
    let skips = cache.fetch_skips("list".into(), since).await.unwrap();
    let by_reason: Vec<(&str, usize)> = skips.iter().map(|s| (&*s.reason, s.count)).collect();
    assert_eq!(by_reason, [("invalid value", 2)]);
    let h = cache.history("list".into()).await.unwrap();
    assert_eq!(skips[0].at, h[0].at, "kept with the fetch record");
    let days = cache.source_days(since).await.unwrap();
    assert_eq!(days.len(), 1);
    assert_eq!((&*days[0].source, days[0].count), ("list", 2));
}
