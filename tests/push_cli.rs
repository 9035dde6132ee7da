// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Push-back through the binary, against a local MISP mock: a sensor's `match --record`
//! pushes what it recorded when it ends, a cron job's `fetch` pushes what other sensors
//! recorded, `sources` lists each pushing source's last push, and `push` on a kind
//! that cannot push is an error naming its line.

#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::sync::Arc;

use common::{clean_bin, fixture};
use intellisiem::model::{IndicatorType, LogHit, Origin};
use intellisiem::store::persist::{SharedStore, Sqlite, SqliteStore};
use serde_json::Value;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "mISPcliK3y00000000000000000000000000000000";

fn run(home: &Path, args: &[&str]) -> (i32, String, String) {
    let out = clean_bin(home)
        .env("INTELLISIEM_MISP_API_KEY", KEY)
        .arg("--config")
        .arg(home.join("c.yaml"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

async fn sightings(server: &MockServer) -> Vec<Value> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == "/sightings/add")
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sensor_and_a_cron_fetch_push_and_sources_lists_the_last_push() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/attributes/restSearch"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(fixture("misp/restsearch.json")))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/sightings/add"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "saved": true, "success": true, "name": "1 sighting successfuly added.",
            "message": "1 sighting successfuly added.", "url": "/sightings/add"})))
        .mount(&server)
        .await;
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let db = h.join("cache.db");
    std::fs::write(
        h.join("c.yaml"),
        format!(
            "cache: {{ path: \"{}\" }}\nhttp: {{ retries: 0, timeout: 5s }}\nsources:\n  \
             - {{ name: ourmisp, kind: misp, url: \"{}/\", push: true }}\n",
            db.display(),
            server.uri()
        ),
    )
    .unwrap();

    // A first fetch: the indicators, and where pushing starts.
    let (code, _, err) = run(h, &["fetch", "-o", h.join("out.jsonl").to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("push to"), "nothing to push yet: {err}");
    let (code, out, _) = run(h, &["sources"]);
    assert_eq!(code, 0);
    assert!(out.contains("push-back:"), "{out}");

    // A sensor records a hit and pushes it when it ends.
    let log = h.join("fw.log");
    std::fs::write(
        &log,
        "Dec  7 10:00:00 fw kernel: DROP SRC=203.0.113.9 DST=192.0.2.1\n",
    )
    .unwrap();
    let (code, _, err) = run(
        h,
        &[
            "match",
            "--record",
            "--no-warninglists",
            "--log-format",
            "text",
            log.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("push to ourmisp: 1 sighting"), "{err}");
    let sent = sightings(&server).await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0]["values"], serde_json::json!(["203.0.113.9"]));
    assert_eq!(sent[0]["type"], "0");

    // Another sensor without push records one; the cron job's fetch pushes it.
    let store: SharedStore = Arc::new(SqliteStore::new(Sqlite::open(&db).unwrap().db));
    let at = jiff::Timestamp::now();
    store
        .save_hits(vec![LogHit {
            at,
            found: at,
            sensor: "edge-2".into(),
            origin: Origin::File {
                path: "/var/log/eve.json".into(),
                offset: 7,
            },
            module: "suricata".into(),
            field: "destination.domain".into(),
            atomic: "c2.bad.example".into(),
            kind: IndicatorType::Domain,
            indicator: "c2.bad.example".into(),
            sources: Box::new(["ourmisp".into()]),
            threat: None,
            retro: false,
            host: None,
        }])
        .await
        .unwrap();
    drop(store);
    let (code, _, err) = run(h, &["fetch", "-o", h.join("out.jsonl").to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("push to ourmisp: 1 sighting"), "{err}");
    let sent = sightings(&server).await;
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[1]["values"], serde_json::json!(["c2.bad.example"]));

    // Nothing twice; and the listing says what the last push did.
    let (_, _, err) = run(h, &["fetch", "-o", h.join("out.jsonl").to_str().unwrap()]);
    assert!(!err.contains("push to"), "{err}");
    assert_eq!(sightings(&server).await.len(), 2);
    let (_, out, _) = run(h, &["sources"]);
    let line = out
        .lines()
        .skip_while(|l| !l.starts_with("push-back:"))
        .find(|l| l.starts_with("ourmisp"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(line.contains("ok") && line.contains(" 2"), "{line}");
    assert!(!out.contains(KEY));
}

#[test]
fn push_on_a_kind_that_cannot_push_is_an_error_naming_its_line() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    for (yaml, line, want) in [
        (
            "sources:\n  - name: f\n    kind: feodo\n    push: true\n",
            "line 4",
            "field `push` does not apply to kind `feodo`",
        ),
        (
            "sources:\n  - name: m\n    kind: misp\n    url: https://misp.example/\n    rate_limit: { per_minute: 5, per_day: 50 }\n",
            "line 5",
            "applies only with `push: true`",
        ),
    ] {
        std::fs::write(h.join("c.yaml"), yaml).unwrap();
        let (code, out, err) = run(h, &["config", "check"]);
        let text = format!("{out}{err}");
        assert_eq!(code, 2, "{text}");
        assert!(text.contains(line) && text.contains(want), "{text}");
    }
    // Accepted where it applies, pacing included; without a store it warns.
    std::fs::write(
        h.join("c.yaml"),
        "cache: { path: none }\nsources:\n  - { name: m, kind: misp, url: \"https://misp.example/\", push: true, rate_limit: { per_minute: 5, per_day: 50 } }\n",
    )
    .unwrap();
    let (code, out, err) = run(h, &["config", "check"]);
    let text = format!("{out}{err}");
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("need a store to remember what was pushed"),
        "{text}"
    );
}
