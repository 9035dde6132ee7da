// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Sightings pushed back to a real TAXII 2.1 server (medallion, memory backend): hits
//! on a collection's indicators go back as STIX 2.1 `sighting` objects of our
//! `identity`, read back from the collection and parsed by OASIS's Python library
//! `stix2` (`allow_custom=False`); a request repeated after a crash is kept once; a
//! read-only collection and a wrong password stop the push with the reason.

#![allow(clippy::unwrap_used)]

mod common;
mod medallion;

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;

use intellisiem::config::Config;
use intellisiem::engine;
use intellisiem::model::{IndicatorType, LogHit, Origin};
use intellisiem::sources::FetchContext;
use intellisiem::store::persist::{SharedStore, Sqlite, SqliteStore};
use intellisiem::trust::push::{self, PushOutcome, PushReport};
use jiff::Timestamp;
use medallion::{Medallion, PASSWORD, USER};
use serde_json::{Value, json};

const BAD: &str = "indicator--4f1a9c7e-2d3b-4c5a-8e6f-7a8b9c0d1e2f";
const IP: &str = "indicator--5e2b8d6f-3c4a-4b6d-9f70-8b9c0d1e2f3a";
const T0: i64 = 1_800_000_000;

fn start() -> Option<Medallion> {
    match Medallion::start() {
        Ok(m) => Some(m),
        Err(why) => {
            medallion::unavailable(&why);
            None
        }
    }
}

fn config(root: &str, collection: &str, password: &str) -> Config {
    let pw = password.to_string();
    let env = move |n: &str| (n == "TAXII_PW").then(|| pw.clone());
    let yaml = format!(
        "http: {{ timeout: 10s, retries: 1, backoff: 10ms }}\nsources:\n  - {{ name: isac, kind: taxii, \
         url: \"{root}\", collection: \"{collection}\", push: true, \
         auth: {{ user: {USER}, password: \"env:TAXII_PW\" }} }}\n"
    );
    Config::from_yaml(
        &yaml,
        Path::new("t.yaml"),
        &env,
        &intellisiem::sources::registry::kinds(),
    )
    .unwrap_or_else(|e| panic!("{e}"))
    .config
}

fn indicator(id: &str, pattern: &str) -> Value {
    json!({
        "type": "indicator", "spec_version": "2.1", "id": id,
        "created": "2026-11-01T10:00:00.000Z", "modified": "2026-11-01T10:00:00.000Z",
        "name": "C2", "pattern": pattern, "pattern_type": "stix",
        "valid_from": "2026-11-01T10:00:00.000Z"
    })
}

fn hit(kind: IndicatorType, value: &str, offset: u64, secs: i64) -> LogHit {
    let at = Timestamp::from_second(secs).unwrap();
    LogHit {
        at,
        found: at,
        sensor: "edge-1".into(),
        origin: Origin::File {
            path: "/var/log/suricata/eve.json".into(),
            offset,
        },
        module: "suricata".into(),
        field: "destination.ip".into(),
        atomic: value.into(),
        kind,
        indicator: value.into(),
        sources: Box::new(["isac".into()]),
        threat: None,
        retro: false,
        host: None,
    }
}

fn open(path: &Path) -> SharedStore {
    Arc::new(SqliteStore::new(Sqlite::open(path).unwrap().db))
}

async fn push(c: &Config, store: &SharedStore) -> PushReport {
    let ctx = FetchContext::new(c).unwrap();
    push::push_all(&ctx, store, &c.sources).await.remove(0)
}

/// Parses every object with the venv's `stix2`, custom properties refused.
fn validate(objects: &[Value]) -> Result<(), String> {
    let python = medallion::python_with("stix2")?;
    let script = "import json, sys, stix2\n\
                  objs = json.load(sys.stdin)\n\
                  for o in objs:\n    stix2.parse(o, allow_custom=False, version='2.1')\n\
                  print('parsed', len(objs))\n";
    let mut child = Command::new(python)
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(serde_json::to_string(objects).unwrap().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "stix2 refused the objects: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn hits_go_back_as_stix_sightings_of_our_identity_once() {
    let Some(m) = start() else { return };
    m.add(&[
        indicator(BAD, "[domain-name:value = 'bad.example']"),
        indicator(IP, "[ipv4-addr:value = '192.0.2.7']"),
    ])
    .await;
    let c = config(&m.root(), medallion::COLLECTION, PASSWORD);
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir.path().join("cache.db"));
    let ctx = FetchContext::new(&c).unwrap();
    let (fetched, _) = engine::fetch_cached(&ctx, &c.sources[0], Some(&store), false).await;
    fetched.unwrap_or_else(|e| panic!("{e}"));
    let first = push(&c, &store).await;
    assert_eq!(first.outcome, PushOutcome::Done, "{}", first.line());
    let identity = m.objects("identity").await;
    assert_eq!(identity.len(), 1, "our identity is posted once, first");

    store
        .save_hits(vec![
            hit(IndicatorType::Domain, "bad.example", 1, T0 + 10),
            hit(IndicatorType::Domain, "bad.example", 2, T0 + 90),
            hit(IndicatorType::Ipv4, "192.0.2.7", 3, T0 + 30),
            // Not one of the collection's indicators.
            hit(IndicatorType::Ipv4, "198.51.100.77", 4, T0 + 40),
        ])
        .await
        .unwrap();
    // The state as it is before the push, to play a process that died after the
    // server took its request and before the store heard of it.
    drop(store);
    std::fs::copy(dir.path().join("cache.db"), dir.path().join("before.db")).unwrap();
    let store = open(&dir.path().join("cache.db"));
    let r = push(&c, &store).await;
    assert_eq!(r.outcome, PushOutcome::Done, "{}", r.line());
    assert_eq!((r.pushed, r.passed), (2, 1));

    let sightings = m.objects("sighting").await;
    assert_eq!(sightings.len(), 2, "{sightings:#?}");
    let id = identity[0]["id"].as_str().unwrap();
    let of = |ind: &str| {
        sightings
            .iter()
            .find(|s| s["sighting_of_ref"] == ind)
            .unwrap()
    };
    let bad = of(BAD);
    assert_eq!(bad["count"], 2);
    assert_eq!(bad["first_seen"], "2027-01-15T08:00:10.000Z");
    assert_eq!(bad["last_seen"], "2027-01-15T08:01:30.000Z");
    assert_eq!(bad["where_sighted_refs"], json!([id]));
    assert_eq!(bad["created_by_ref"], id);
    assert_eq!(of(IP)["count"], 1);
    let mut all = identity.clone();
    all.extend(sightings.iter().cloned());
    if let Err(why) = validate(&all) {
        medallion::unavailable(&why);
    }

    // Nothing twice: again, and after a restart.
    assert_eq!(push(&c, &store).await.pushed, 0);
    // The request repeated from the state before it: the same objects, kept once.
    let before = open(&dir.path().join("before.db"));
    let repeat = push(&c, &before).await;
    assert_eq!(repeat.outcome, PushOutcome::Done, "{}", repeat.line());
    assert_eq!(
        repeat.pushed, 2,
        "the server holds them: a repeat, not a failure"
    );
    assert_eq!(m.objects("sighting").await.len(), 2, "no sighting twice");
    assert_eq!(m.objects("identity").await.len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_read_only_collection_and_a_wrong_password_stop_with_the_reason() {
    let Some(m) = start() else { return };
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir.path().join("cache.db"));
    let c = config(&m.root(), medallion::READ_ONLY, PASSWORD);
    let r = push(&c, &store).await;
    let PushOutcome::Failed(e) = &r.outcome else {
        panic!("{}", r.line())
    };
    assert!(e.is_refused(), "{e}");
    assert!(r.line().contains("can_write: false"), "{}", r.line());

    let wrong = "Wr0ng-h0rse-battery";
    let c = config(&m.root(), medallion::COLLECTION, wrong);
    let r = push(&c, &store).await;
    let PushOutcome::Failed(e) = &r.outcome else {
        panic!("{}", r.line())
    };
    assert!(e.is_refused(), "{e}");
    let line = r.line();
    assert!(line.contains("HTTP 401") && line.contains("auth"), "{line}");
    assert!(!line.contains(wrong) && !line.contains(PASSWORD), "{line}");
    assert!(m.objects("identity,sighting").await.is_empty());
}
