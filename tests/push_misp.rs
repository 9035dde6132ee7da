// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Sightings pushed back to MISP, against a local mock of `POST /sightings/add` in
//! MISP's own shapes: the request (key header, values, type, source, timestamp), one
//! request per minute of hits, nothing pushed twice across a restart, a 429 and a 503
//! sent again, a 403 that stops the push with MISP's reason, values MISP does not hold,
//! and a request that got no answer never sent again.

#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::sync::Arc;

use intellisiem::config::Config;
use intellisiem::model::{IndicatorType, LogHit, Origin};
use intellisiem::sources::FetchContext;
use intellisiem::store::persist::{PushOp, PushStream, SharedStore, Sqlite, SqliteStore};
use intellisiem::trust::push::{self, PushOutcome, PushReport};
use jiff::Timestamp;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "mISPpushK3y000000000000000000000000000000";
/// A whole minute (2027-01-15T08:00:00Z).
const T0: i64 = 1_800_000_000;

fn config(base: &str, http: &str) -> Config {
    let env = |n: &str| (n == "MISP_KEY").then(|| KEY.to_string());
    let yaml = format!(
        "api_keys: {{ misp: \"env:MISP_KEY\" }}\nhttp: {{ {http} }}\nsources:\n  \
         - {{ name: ourmisp, kind: misp, url: \"{base}/\", push: true }}\n"
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

fn open(path: &Path) -> SharedStore {
    Arc::new(SqliteStore::new(Sqlite::open(path).unwrap().db))
}

fn hit(kind: IndicatorType, value: &str, offset: u64, secs: i64, sources: &[&str]) -> LogHit {
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
        sources: sources.iter().map(|s| Box::<str>::from(*s)).collect(),
        threat: None,
        retro: false,
        host: None,
    }
}

async fn push(c: &Config, store: &SharedStore) -> PushReport {
    let ctx = FetchContext::new(c).unwrap();
    let mut reports = push::push_all(&ctx, store, &c.sources).await;
    assert_eq!(reports.len(), 1);
    reports.remove(0)
}

async fn bodies(server: &MockServer) -> Vec<Value> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == "/sightings/add")
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect()
}

fn added() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "saved": true, "success": true, "name": "2 sightings successfuly added.",
        "message": "2 sightings successfuly added.", "url": "/sightings/add"
    }))
}

async fn mount_ok(server: &MockServer) {
    Mock::given(method("POST"))
        .and(path("/sightings/add"))
        .respond_with(added())
        .mount(server)
        .await;
}

/// A store whose source was pushed once (so later hits are pending), and its file.
async fn started(c: &Config, dir: &tempfile::TempDir) -> SharedStore {
    let store = open(&dir.path().join("cache.db"));
    let first = push(c, &store).await;
    assert_eq!(first.outcome, PushOutcome::Done);
    assert_eq!(
        first.pushed, 0,
        "nothing found before push was on is pushed"
    );
    store
}

#[tokio::test]
async fn hits_go_as_one_request_per_minute_with_the_key_and_never_twice() {
    let server = MockServer::start().await;
    mount_ok(&server).await;
    let c = config(&server.uri(), "timeout: 5s, retries: 2, backoff: 10ms");
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir.path().join("cache.db"));
    // Found before push was turned on: stays home.
    store
        .save_hits(vec![hit(
            IndicatorType::Ipv4,
            "203.0.113.50",
            1,
            T0 - 500,
            &["ourmisp"],
        )])
        .await
        .unwrap();
    drop(store);
    let store = started(&c, &dir).await;
    store
        .save_hits(vec![
            hit(IndicatorType::Ipv4, "192.0.2.7", 10, T0 + 5, &["ourmisp"]),
            hit(
                IndicatorType::Ipv4,
                "192.0.2.7",
                20,
                T0 + 40,
                &["feodo", "ourmisp"],
            ),
            hit(
                IndicatorType::Domain,
                "bad.example",
                30,
                T0 + 20,
                &["ourmisp"],
            ),
            hit(
                IndicatorType::Ipv4,
                "198.51.100.9",
                40,
                T0 + 70,
                &["ourmisp"],
            ),
            // Another source's indicator: not MISP's business.
            hit(
                IndicatorType::Ipv4,
                "198.51.100.200",
                50,
                T0 + 10,
                &["feodo"],
            ),
        ])
        .await
        .unwrap();
    let r = push(&c, &store).await;
    assert_eq!(r.outcome, PushOutcome::Done, "{}", r.line());
    assert_eq!((r.pushed, r.passed), (3, 0));
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2, "one request per minute");
    for req in &requests {
        assert_eq!(req.method.as_str(), "POST");
        assert_eq!(req.headers["authorization"], KEY);
        assert_eq!(req.headers["accept"], "application/json");
        assert_eq!(req.headers["content-type"], "application/json");
    }
    assert_eq!(
        bodies(&server).await,
        [
            json!({"values": ["192.0.2.7", "bad.example"], "type": "0",
                   "source": "intellisiem", "timestamp": T0 + 40}),
            json!({"values": ["198.51.100.9"], "type": "0",
                   "source": "intellisiem", "timestamp": T0 + 70}),
        ]
    );

    // A restart: the mark is in the file, nothing goes twice.
    drop(store);
    let store = open(&dir.path().join("cache.db"));
    let again = push(&c, &store).await;
    assert_eq!((again.pushed, again.outcome), (0, PushOutcome::Done));
    assert_eq!(bodies(&server).await.len(), 2);
    store
        .save_hits(vec![hit(
            IndicatorType::Ipv4,
            "192.0.2.7",
            60,
            T0 + 200,
            &["ourmisp"],
        )])
        .await
        .unwrap();
    assert_eq!(push(&c, &store).await.pushed, 1);
    let sent = bodies(&server).await;
    assert_eq!(sent.len(), 3);
    assert_eq!(sent[2]["values"], json!(["192.0.2.7"]));
    assert_eq!(sent[2]["timestamp"], T0 + 200);
    let states = store.push_states().await.unwrap();
    assert_eq!(states[0].0, "ourmisp");
    assert_eq!((states[0].1.last_count, states[0].1.total), (1, 4));
    assert!(states[0].1.holder.is_empty(), "the lease is given back");
}

#[tokio::test]
async fn a_429_and_a_503_are_sent_again() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/sightings/add"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/sightings/add"))
        .respond_with(ResponseTemplate::new(503).set_body_string("busy"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    mount_ok(&server).await;
    let c = config(&server.uri(), "timeout: 5s, retries: 2, backoff: 10ms");
    let dir = tempfile::tempdir().unwrap();
    let store = started(&c, &dir).await;
    store
        .save_hits(vec![hit(
            IndicatorType::Ipv4,
            "192.0.2.7",
            1,
            T0,
            &["ourmisp"],
        )])
        .await
        .unwrap();
    let r = push(&c, &store).await;
    assert_eq!(
        (r.pushed, &r.outcome),
        (1, &PushOutcome::Done),
        "{}",
        r.line()
    );
    let sent = bodies(&server).await;
    assert_eq!(sent.len(), 3, "429, 503, then taken");
    assert!(
        sent.iter().all(|b| b == &sent[0]),
        "the same request each time"
    );
}

#[tokio::test]
async fn a_403_stops_with_misps_reason_and_the_hits_wait() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/sightings/add"))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({
            "name": "Authentication failed. Please make sure you pass the API key of an API enabled user along in the Authorization header.",
            "message": "Authentication failed. Please make sure you pass the API key of an API enabled user along in the Authorization header.",
            "url": "/sightings/add"
        })))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    let c = config(&server.uri(), "timeout: 5s, retries: 2, backoff: 10ms");
    let dir = tempfile::tempdir().unwrap();
    let store = started(&c, &dir).await;
    store
        .save_hits(vec![hit(
            IndicatorType::Ipv4,
            "192.0.2.7",
            1,
            T0,
            &["ourmisp"],
        )])
        .await
        .unwrap();
    let r = push(&c, &store).await;
    let PushOutcome::Failed(e) = &r.outcome else {
        panic!("{}", r.line())
    };
    assert!(e.is_refused(), "{e}");
    let line = r.line();
    assert!(
        line.contains("HTTP 403") && line.contains("Authentication failed"),
        "{line}"
    );
    assert!(!line.contains(KEY));
    assert_eq!(bodies(&server).await.len(), 1, "a refusal is not retried");
    let state = &store.push_states().await.unwrap()[0].1;
    assert!(state.last_error.as_deref().unwrap().contains("HTTP 403"));
    // The key is fixed: the same hit goes, once.
    mount_ok(&server).await;
    let r = push(&c, &store).await;
    assert_eq!(
        (r.pushed, &r.outcome),
        (1, &PushOutcome::Done),
        "{}",
        r.line()
    );
    assert_eq!(bodies(&server).await.len(), 2);
    assert_eq!(push(&c, &store).await.pushed, 0);
}

#[tokio::test]
async fn values_misp_does_not_hold_are_passed_over_not_an_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/sightings/add"))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({
            "saved": false, "name": "Could not add Sighting", "message": "Could not add Sighting",
            "url": "/sightings/add", "errors": "No valid attributes found that match the criteria."
        })))
        .mount(&server)
        .await;
    let c = config(&server.uri(), "timeout: 5s, retries: 0");
    let dir = tempfile::tempdir().unwrap();
    let store = started(&c, &dir).await;
    store
        .save_hits(vec![hit(
            IndicatorType::Ipv4,
            "192.0.2.7",
            1,
            T0,
            &["ourmisp"],
        )])
        .await
        .unwrap();
    let r = push(&c, &store).await;
    assert_eq!((r.pushed, r.passed, &r.outcome), (0, 1, &PushOutcome::Done));
    assert_eq!(push(&c, &store).await.passed, 0, "passed over once");
}

#[tokio::test]
async fn a_request_without_an_answer_is_never_sent_again() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/sightings/add"))
        .respond_with(added().set_delay(std::time::Duration::from_secs(3)))
        .mount(&server)
        .await;
    let c = config(&server.uri(), "timeout: 1s, retries: 3, backoff: 10ms");
    let dir = tempfile::tempdir().unwrap();
    let store = started(&c, &dir).await;
    store
        .save_hits(vec![hit(
            IndicatorType::Ipv4,
            "192.0.2.7",
            1,
            T0,
            &["ourmisp"],
        )])
        .await
        .unwrap();
    let r = push(&c, &store).await;
    assert_eq!((r.pushed, r.unanswered), (0, 1), "{}", r.line());
    assert_eq!(
        bodies(&server).await.len(),
        1,
        "the client did not send it again"
    );
    assert_eq!(push(&c, &store).await.unanswered, 0);
    assert_eq!(bodies(&server).await.len(), 1, "nor did the next run");

    // A process that died after it began a request: MISP cannot tell a repeat, so the
    // request is passed over, and the batch is through.
    store
        .save_hits(vec![hit(
            IndicatorType::Ipv4,
            "192.0.2.8",
            2,
            T0,
            &["ourmisp"],
        )])
        .await
        .unwrap();
    let long_ago = Timestamp::now() - jiff::SignedDuration::from_hours(1);
    let ttl = std::time::Duration::from_secs(600);
    let dead = || "dead@host pid 1 #0000".to_string();
    let newest = store.last_hit_id().await.unwrap();
    for op in [
        PushOp::Claim {
            holder: dead(),
            now: long_ago,
            ttl,
            identity: String::new(),
        },
        PushOp::Begin {
            holder: dead(),
            now: long_ago,
            ttl,
            stream: PushStream::Hits,
            upto: newest,
        },
        PushOp::Send {
            holder: dead(),
            now: long_ago,
            ttl,
            n: 0,
        },
    ] {
        store.push_state("ourmisp".into(), op).await.unwrap();
    }
    let r = push(&c, &store).await;
    assert_eq!((r.pushed, r.unanswered), (0, 1), "{}", r.line());
    assert_eq!(bodies(&server).await.len(), 1);
    assert_eq!(push(&c, &store).await.unanswered, 0);
}

#[tokio::test]
async fn false_positive_marks_on_the_sources_indicators_go_as_type_1_once() {
    use intellisiem::model::{Observation, Sighting};
    use intellisiem::store::persist::{Snapshot, SourceMeta};
    use intellisiem::trust::triage::{Mark, Verdict};
    let server = MockServer::start().await;
    mount_ok(&server).await;
    let c = config(&server.uri(), "timeout: 5s, retries: 2, backoff: 10ms");
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir.path().join("cache.db"));
    let mark = |v: &str, verdict, secs| Mark {
        kind: IndicatorType::Domain,
        indicator: v.into(),
        hit: None,
        verdict: Some(verdict),
        note: Some("our CDN".into()),
        by: "alice@soc-1.example".into(),
        at: Timestamp::from_second(secs).unwrap(),
    };
    // Marked before push was turned on: stays home.
    store
        .save_mark(mark("cdn.example", Verdict::FalsePositive, T0 - 100))
        .await
        .unwrap();
    drop(store);
    let store = started(&c, &dir).await;
    let held = |v: &str| Sighting {
        kind: IndicatorType::Domain,
        value: v.into(),
        obs: Observation::default(),
    };
    let (_, saved) = store
        .save(Snapshot {
            source: "ourmisp".into(),
            kind: "misp",
            sightings: vec![held("cdn.example"), held("bad.example")],
            groups: Vec::new(),
            expires: Default::default(),
            incremental: false,
            meta: SourceMeta::default(),
            now: Timestamp::from_second(T0).unwrap(),
        })
        .await;
    saved.unwrap();
    for m in [
        mark("cdn.example", Verdict::FalsePositive, T0 + 100),
        // A confirmation goes with its hits, as a sighting.
        mark("bad.example", Verdict::TruePositive, T0 + 110),
        // Not an indicator this MISP gave: not its business.
        mark("elsewhere.example", Verdict::FalsePositive, T0 + 120),
    ] {
        store.save_mark(m).await.unwrap();
    }
    let r = push(&c, &store).await;
    assert_eq!(r.outcome, PushOutcome::Done, "{}", r.line());
    assert_eq!(r.pushed, 1);
    assert_eq!(
        bodies(&server).await,
        [json!({"values": ["cdn.example"], "type": "1",
                "source": "intellisiem", "timestamp": T0 + 100})]
    );
    // Never twice, across a restart too.
    drop(store);
    let store = open(&dir.path().join("cache.db"));
    assert_eq!(push(&c, &store).await.pushed, 0);
    assert_eq!(bodies(&server).await.len(), 1);
}
