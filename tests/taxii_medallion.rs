// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The `taxii` kind against a real TAXII 2.1 server (medallion, memory backend): every
//! pattern form, an OR list, skipped complex patterns, a vulnerability, a revoked
//! indicator, paging, `added_after` on the second fetch, an indicator whose
//! `valid_until` passes after it was fetched, basic auth and a wrong password through
//! the binary.

#![allow(clippy::unwrap_used)]

mod common;
mod medallion;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use intellisiem::config::Config;
use intellisiem::engine;
use intellisiem::sources::{FetchContext, SkipReason};
use intellisiem::store::persist::{SharedStore, Sqlite, SqliteStore};
use medallion::{Medallion, PASSWORD, USER};
use serde_json::{Value, json};

fn bundle_objects() -> Vec<Value> {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/taxii/bundle.json"
    ))
    .unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    v["objects"].as_array().unwrap().clone()
}

fn config(root: &str, auth: &str, env: &dyn Fn(&str) -> Option<String>) -> Config {
    let yaml = format!(
        "http: {{ timeout: 10s, retries: 0 }}\n\
         sources:\n  - {{ name: cti, kind: taxii, url: \"{root}\", collection: \"{}\", page_size: 5{auth} }}\n",
        medallion::COLLECTION
    );
    Config::from_yaml(
        &yaml,
        Path::new("t.yaml"),
        env,
        &intellisiem::sources::registry::kinds(),
    )
    .unwrap_or_else(|e| panic!("{e}"))
    .config
}

fn start() -> Option<Medallion> {
    match Medallion::start() {
        Ok(m) => Some(m),
        Err(why) => {
            medallion::unavailable(&why);
            None
        }
    }
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

fn indicator(id: &str, pattern: &str, modified: &str, revoked: bool) -> Value {
    json!({
        "type": "indicator", "spec_version": "2.1", "id": id,
        "created": "2026-11-01T10:00:00.000Z", "modified": modified,
        "name": "late", "pattern": pattern, "pattern_type": "stix",
        "valid_from": "2026-11-01T10:00:00.000Z", "revoked": revoked
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn pages_then_asks_only_for_what_was_added_after() {
    let Some(m) = start() else { return };
    m.add(&bundle_objects()).await;
    tokio::time::sleep(Duration::from_millis(1_200)).await;
    m.add(&[json!({"type": "url", "spec_version": "2.1",
        "id": "url--0b0e0c9a-1c2d-4e5f-8a9b-0000000000b3", "value": "http://second.example/x"})])
        .await;

    let env = |n: &str| (n == "TAXII_PW").then(|| PASSWORD.to_string());
    let auth = format!(", auth: {{ user: {USER}, password: \"env:TAXII_PW\" }}");
    let c = config(&m.root(), &auth, &env);
    let spec = &c.sources[0];
    let ctx = FetchContext::new(&c).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store: SharedStore = Arc::new(SqliteStore::new(
        Sqlite::open(&dir.path().join("cache.db")).unwrap().db,
    ));

    let (first, notes) = engine::fetch_cached(&ctx, spec, Some(&store), false).await;
    assert!(notes.is_empty(), "{notes:?}");
    let first = first.unwrap_or_else(|e| panic!("{e}"));
    // 18 objects of the asked types at 5 a page.
    assert!(first.requests >= 4, "{} requests", first.requests);
    assert!(!first.incremental);
    let v = values(&first);
    for want in [
        "192.0.2.10",
        "2001:db8::bad",
        "evil.example",
        "http://evil.example/payload",
        "phish@evil.example",
        "or-one.example",
        "or-two.example",
        "198.51.100.7",
        "sco.example",
        "CVE-2026-1234",
        "http://second.example/x",
    ] {
        assert!(v.contains(&want.to_string()), "{want} missing from {v:?}");
    }
    assert!(!v.contains(&"revoked.example".to_string()));
    assert!(!v.contains(&"expired.example".to_string()));
    assert!(!v.contains(&"192.0.2.99".to_string()));
    let sk = &first.batch.skipped;
    assert_eq!(
        sk.count(SkipReason::Unsupported("STIX pattern with AND")),
        1,
        "{}",
        sk.summary()
    );
    assert_eq!(
        sk.count(SkipReason::Unsupported("STIX pattern with a qualifier")),
        1
    );
    assert_eq!(
        sk.count(SkipReason::Unsupported(
            "STIX indicator with another pattern_type"
        )),
        1
    );
    assert!(first.cursor.is_some());

    // A new indicator and a revocation, more than a second later.
    tokio::time::sleep(Duration::from_millis(1_200)).await;
    m.add(&[
        indicator(
            "indicator--0b0e0c9a-1c2d-4e5f-8a9b-0000000000f1",
            "[ipv4-addr:value = '203.0.113.50']",
            "2026-11-02T10:00:00.000Z",
            false,
        ),
        indicator(
            "indicator--0b0e0c9a-1c2d-4e5f-8a9b-000000000003",
            "[domain-name:value = 'evil.example']",
            "2026-11-02T10:00:00.000Z",
            true,
        ),
    ])
    .await;
    let ctx = FetchContext::new(&c).unwrap();
    let (second, _) = engine::fetch_cached(&ctx, spec, Some(&store), false).await;
    let second = second.unwrap_or_else(|e| panic!("{e}"));
    assert!(second.incremental);
    // Only what was added since the cursor came over the wire: at most the second
    // addition (same second as the cursor) and the third, on one page.
    assert_eq!(
        second.requests, 1,
        "the second fetch paged through the whole collection"
    );
    let merged = values(&second);
    assert!(merged.contains(&"203.0.113.50".to_string()), "{merged:?}");
    assert!(
        merged.contains(&"192.0.2.10".to_string()),
        "merge kept the earlier objects"
    );
    assert!(
        !merged.contains(&"evil.example".to_string()),
        "the revocation removes it"
    );
}

/// The values of `runs` that came out whole (an offline run reads the store).
fn run_values(runs: &[engine::SourceRun]) -> Vec<String> {
    let mut v = Vec::new();
    for r in runs {
        match &r.outcome {
            engine::RunOutcome::Ok(out) => v.extend(values(out)),
            other => panic!("{}: {other:?}", r.name),
        }
    }
    v
}

#[tokio::test(flavor = "multi_thread")]
async fn an_indicator_whose_valid_until_passes_is_read_no_more() {
    let Some(m) = start() else { return };
    // Seconds ahead (time enough for the first fetch on a loaded machine), to the
    // millisecond, as STIX writes it.
    let until = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(5);
    let lapsing = json!({
        "type": "indicator", "spec_version": "2.1",
        "id": "indicator--0b0e0c9a-1c2d-4e5f-8a9b-0000000000e1",
        "created": "2026-11-01T10:00:00.000Z", "modified": "2026-11-01T10:00:00.000Z",
        "name": "short-lived", "pattern": "[ipv4-addr:value = '203.0.113.77']",
        "pattern_type": "stix", "valid_from": "2026-11-01T10:00:00.000Z",
        "valid_until": until.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
    });
    let lasting = indicator(
        "indicator--0b0e0c9a-1c2d-4e5f-8a9b-0000000000e2",
        "[ipv4-addr:value = '203.0.113.78']",
        "2026-11-01T10:00:00.000Z",
        false,
    );
    m.add(&[lapsing, lasting]).await;

    let env = |n: &str| (n == "TAXII_PW").then(|| PASSWORD.to_string());
    let auth = format!(", auth: {{ user: {USER}, password: \"env:TAXII_PW\" }}");
    let c = config(&m.root(), &auth, &env);
    let spec = &c.sources[0];
    let dir = tempfile::tempdir().unwrap();
    let store: SharedStore = Arc::new(SqliteStore::new(
        Sqlite::open(&dir.path().join("cache.db")).unwrap().db,
    ));
    let ctx = FetchContext::new(&c).unwrap();
    let (first, notes) = engine::fetch_cached(&ctx, spec, Some(&store), false).await;
    assert!(notes.is_empty(), "{notes:?}");
    let first = first.unwrap_or_else(|e| panic!("{e}"));
    assert!(
        jiff::Timestamp::now() < until,
        "the first fetch took too long"
    );
    assert_eq!(values(&first), ["203.0.113.77", "203.0.113.78"]);
    let offline = engine::run_offline(&c, Some(&store), &c.sources)
        .await
        .unwrap();
    assert_eq!(run_values(&offline), ["203.0.113.77", "203.0.113.78"]);

    // Past `valid_until`: the store reads it no more, offline or after the next
    // (incremental) fetch, though the server never sends the object again.
    let wait =
        until.duration_since(jiff::Timestamp::now()) + jiff::SignedDuration::from_millis(300);
    tokio::time::sleep(wait.try_into().unwrap_or_default()).await;
    let offline = engine::run_offline(&c, Some(&store), &c.sources)
        .await
        .unwrap();
    assert_eq!(run_values(&offline), ["203.0.113.78"]);
    let (second, _) = engine::fetch_cached(&ctx, spec, Some(&store), false).await;
    let second = second.unwrap_or_else(|e| panic!("{e}"));
    assert!(second.incremental);
    assert_eq!(values(&second), ["203.0.113.78"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn without_credentials_the_server_refuses() {
    let Some(m) = start() else { return };
    let c = config(&m.root(), "", &|_| None);
    let ctx = FetchContext::new(&c).unwrap();
    let e = intellisiem::sources::fetch(&ctx, &c.sources[0], &Default::default())
        .await
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("refused access without credentials (HTTP 401)"),
        "{e}"
    );
}

#[test]
fn a_wrong_password_exits_1_with_a_clear_message_and_no_password() {
    let Some(m) = start() else { return };
    let home = tempfile::tempdir().unwrap();
    let wrong = "Wr0ng-but-secret-pw";
    let yaml = format!(
        "cache: {{ path: none }}\nhttp: {{ retries: 0 }}\nsources:\n  - {{ name: cti, kind: taxii, url: \"{}\", collection: \"{}\", auth: {{ user: {USER}, password: \"env:TAXII_PW\" }} }}\n",
        m.root(),
        medallion::COLLECTION
    );
    let cfg = home.path().join("c.yaml");
    std::fs::write(&cfg, yaml).unwrap();
    let out = common::clean_bin(home.path())
        .env("TAXII_PW", wrong)
        .args(["--config"])
        .arg(&cfg)
        .args(["fetch", "--format", "jsonl"])
        .output()
        .unwrap();
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(all.contains("refused the credentials (HTTP 401)"), "{all}");
    assert!(!all.contains(wrong), "{all}");
    assert!(!all.contains(PASSWORD), "{all}");
}
