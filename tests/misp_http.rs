// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The MISP kinds against a local mock in MISP's real shapes: a feed (manifest.json +
//! events with objects, composites, `to_ids: false`, tags) fetched incrementally by
//! the manifest's timestamps, restSearch paged until a short page, and a 403.

#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::sync::Arc;

use common::fixture;
use intellisiem::config::Config;
use intellisiem::engine;
use intellisiem::sources::FetchContext;
use intellisiem::store::persist::{SharedStore, Sqlite, SqliteStore};
use serde_json::Value;
use wiremock::matchers::{body_partial_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const E1: &str = "5f0c3e1a-7b2d-4c8e-9a11-2b3c4d5e6f70";
const E2: &str = "6a1d4f2b-8c3e-4d9f-8b22-3c4d5e6f7a81";
const KEY: &str = "mISPk3y0000000000000000000000000000000000";

fn config(yaml: &str) -> Config {
    let env = |n: &str| (n == "MISP_KEY").then(|| KEY.to_string());
    Config::from_yaml(
        yaml,
        Path::new("t.yaml"),
        &env,
        &intellisiem::sources::registry::kinds(),
    )
    .unwrap_or_else(|e| panic!("{e}"))
    .config
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

async fn mount_feed(server: &MockServer, manifest: &Value, events: &[(&str, u64)]) {
    Mock::given(method("GET"))
        .and(path("/feed/manifest.json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(manifest))
        .mount(server)
        .await;
    for (uuid, times) in events {
        Mock::given(method("GET"))
            .and(path(format!("/feed/{uuid}.json")))
            .respond_with(
                ResponseTemplate::new(200).set_body_bytes(fixture(&format!("misp/{uuid}.json"))),
            )
            .expect(*times)
            .mount(server)
            .await;
    }
}

#[tokio::test]
async fn the_feed_reads_every_event_then_only_changed_ones() {
    let server = MockServer::start().await;
    let manifest: Value = serde_json::from_slice(&fixture("misp/manifest.json")).unwrap();
    mount_feed(&server, &manifest, &[(E1, 1), (E2, 1)]).await;
    let c = config(&format!(
        "http: {{ retries: 0 }}\nsources:\n  - {{ name: osint, kind: misp_feed, url: \"{}/feed/\" }}\n",
        server.uri()
    ));
    let spec = &c.sources[0];
    let ctx = FetchContext::new(&c).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store: SharedStore = Arc::new(SqliteStore::new(
        Sqlite::open(&dir.path().join("c.db")).unwrap().db,
    ));
    let (first, notes) = engine::fetch_cached(&ctx, spec, Some(&store), false).await;
    assert!(notes.is_empty(), "{notes:?}");
    let first = first.unwrap_or_else(|e| panic!("{e}"));
    let v = values(&first);
    for want in [
        "198.51.100.7",
        "bad.example",
        "192.0.2.66",
        "phish@bad.example",
        "CVE-2026-4242",
    ] {
        assert!(v.contains(&want.to_string()), "{want} not in {v:?}");
    }
    assert!(!v.contains(&"notids.example".to_string()));
    server.verify().await;

    // E2 changed; E1 did not and must not be fetched again.
    server.reset().await;
    let mut manifest = manifest;
    manifest[E2]["timestamp"] = Value::from(1_795_999_999);
    mount_feed(&server, &manifest, &[(E1, 0), (E2, 1)]).await;
    let (second, _) = engine::fetch_cached(&ctx, spec, Some(&store), false).await;
    let second = second.unwrap_or_else(|e| panic!("{e}"));
    assert!(second.incremental);
    assert_eq!(second.requests, 2, "manifest + the one changed event");
    assert!(
        values(&second).contains(&"198.51.100.7".to_string()),
        "E1 kept from the store"
    );
    server.verify().await;
}

#[tokio::test]
async fn rest_search_pages_until_a_short_page_and_a_403_is_clear() {
    let server = MockServer::start().await;
    let page1: Value = serde_json::from_slice(&fixture("misp/restsearch.json")).unwrap();
    Mock::given(method("POST"))
        .and(path("/attributes/restSearch"))
        .and(header("authorization", KEY))
        .and(body_partial_json(serde_json::json!({"page": 1, "limit": 2, "to_ids": true, "last": "7d", "returnFormat": "json"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(&page1))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/attributes/restSearch"))
        .and(body_partial_json(serde_json::json!({"page": 2})))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"response": {"Attribute": []}})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let c = config(&format!(
        "api_keys: {{ misp: \"env:MISP_KEY\" }}\nhttp: {{ retries: 0 }}\nsources:\n  - {{ name: m, kind: misp, url: \"{}\", lookback: 7d, page_size: 2 }}\n",
        server.uri()
    ));
    let ctx = FetchContext::new(&c).unwrap();
    let out = intellisiem::sources::fetch(&ctx, &c.sources[0], &Default::default())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.requests, 2);
    let s = out
        .batch
        .sightings
        .iter()
        .find(|s| &*s.value == "c2.bad.example")
        .unwrap();
    assert_eq!(s.obs.ports.as_slice(), [8080]);
    assert_eq!(s.obs.threat.as_deref(), Some("Emotet C2"));
    assert_eq!(&*s.obs.references[0], E1);
    server.verify().await;

    let denied = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(403).set_body_json(serde_json::json!({
            "name": "Authentication failed. Please make sure you pass the API key of an API enabled user along in the Authorization header.",
            "message": "Authentication failed.", "url": "/attributes/restSearch"})))
        .mount(&denied)
        .await;
    let c = config(&format!(
        "api_keys: {{ misp: \"env:MISP_KEY\" }}\nhttp: {{ retries: 0 }}\nsources:\n  - {{ name: m, kind: misp, url: \"{}\" }}\n",
        denied.uri()
    ));
    let ctx = FetchContext::new(&c).unwrap();
    let e = intellisiem::sources::fetch(&ctx, &c.sources[0], &Default::default())
        .await
        .unwrap_err();
    assert!(e.is_auth(), "{e}");
    let msg = e.to_string();
    assert!(
        msg.contains("HTTP 403") && msg.contains("API key was refused"),
        "{msg}"
    );
    assert!(!msg.contains(KEY));
}

/// One event that does not parse (cut short) or that the server refuses is skipped and
/// named in the log; the feed's other events are read, and the cursor stays before the
/// skipped one so the next fetch asks for it again.
#[tokio::test]
async fn one_bad_event_is_skipped_not_the_whole_feed() {
    for bad in [
        ResponseTemplate::new(200)
            .set_body_bytes(fixture(&format!("misp/{E1}.json"))[..600].to_vec()),
        ResponseTemplate::new(404).set_body_string("<html>gone</html>"),
        ResponseTemplate::new(200).set_body_string(""),
    ] {
        let server = MockServer::start().await;
        let manifest: Value = serde_json::from_slice(&fixture("misp/manifest.json")).unwrap();
        Mock::given(method("GET"))
            .and(path("/feed/manifest.json"))
            .respond_with(ResponseTemplate::new(200).set_body_json(&manifest))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path(format!("/feed/{E1}.json")))
            .respond_with(bad)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path(format!("/feed/{E2}.json")))
            .respond_with(
                ResponseTemplate::new(200).set_body_bytes(fixture(&format!("misp/{E2}.json"))),
            )
            .mount(&server)
            .await;
        let c = config(&format!(
            "http: {{ retries: 0 }}\nsources:\n  - {{ name: osint, kind: misp_feed, url: \"{}/feed/\" }}\n",
            server.uri()
        ));
        let ctx = FetchContext::new(&c).unwrap();
        let out = intellisiem::sources::fetch(&ctx, &c.sources[0], &Default::default())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let v = values(&out);
        assert!(v.contains(&"phish@bad.example".to_string()), "{v:?}");
        assert!(
            !v.contains(&"198.51.100.7".to_string()),
            "nothing of the cut event: {v:?}"
        );
        assert_eq!(
            out.groups.len(),
            1,
            "only the good event replaces its group"
        );
        assert_eq!(
            out.batch
                .skipped
                .count(intellisiem::sources::SkipReason::Malformed),
            1
        );
        // E1 (1795946400) failed: the cursor stays before it.
        assert_eq!(out.cursor.map(|t| t.as_second()), Some(1_795_946_399));
    }
}
