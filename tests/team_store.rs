// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! A team sharing one PostgreSQL store (`cache.url`): processes started together fetch
//! each source once between them, and every export holds every source. Needs
//! `INTELLISIEM_TEST_PG` (see tests/common/pg.rs).

mod common;

use std::collections::BTreeSet;

use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn values(jsonl: &str) -> BTreeSet<String> {
    jsonl
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["value"].as_str().map(String::from))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_fetches_at_once_hit_each_feed_once_and_export_the_same() {
    let Some((_, url)) = common::pg::fresh("four_fetches_at_once").await else {
        return;
    };
    let server = MockServer::start().await;
    let feodo = serde_json::json!([
        {"ip_address": "192.0.2.10", "port": 443, "status": "online", "first_seen": "2026-11-01 10:00:00", "malware": "Dridex"},
        {"ip_address": "198.51.100.20", "port": 8080, "status": "offline", "malware": "Emotet"}
    ]);
    Mock::given(method("GET"))
        .and(path("/feodo.json"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(feodo)
                .set_delay(std::time::Duration::from_millis(300)),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/list.txt"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string("203.0.113.5\n203.0.113.6\n")
                .set_delay(std::time::Duration::from_millis(300)),
        )
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let secret = "pw-never-shown-7Qx";
    let cfg = dir.path().join("config.yaml");
    std::fs::write(
        &cfg,
        format!(
            "cache: {{ url: \"{url}\", password: \"env:TEAM_PG_PASSWORD\" }}\n\
             sources:\n\
             \x20 - {{ name: feodo, kind: feodo, url: \"{base}/feodo.json\" }}\n\
             \x20 - {{ name: list, kind: plain_list, url: \"{base}/list.txt\", type: ipv4 }}\n",
            base = server.uri()
        ),
    )
    .unwrap();
    let mut children = Vec::new();
    for i in 0..4 {
        let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("intellisiem"));
        c.env("HOME", dir.path())
            .env("XDG_DATA_HOME", dir.path().join("data"))
            .env("TEAM_PG_PASSWORD", secret)
            .env_remove("INTELLISIEM_CONFIG")
            .args(["fetch", "--config"])
            .arg(&cfg)
            .arg("-o")
            .arg(dir.path().join(format!("out{i}.jsonl")))
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        children.push(c.spawn().expect("start fetch"));
    }
    let mut exports = Vec::new();
    for (i, child) in children.into_iter().enumerate() {
        let out = tokio::task::spawn_blocking(move || child.wait_with_output().expect("wait"))
            .await
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(0), "fetch {i}: {stderr}");
        assert!(!stderr.contains(secret), "{stderr}");
        let text = std::fs::read_to_string(dir.path().join(format!("out{i}.jsonl"))).unwrap();
        assert!(!text.contains(secret));
        exports.push(values(&text));
    }
    let want: BTreeSet<String> = ["192.0.2.10", "198.51.100.20", "203.0.113.5", "203.0.113.6"]
        .into_iter()
        .map(String::from)
        .collect();
    for e in &exports {
        assert_eq!(e, &want);
    }
    let hits = server.received_requests().await.unwrap_or_default();
    for p in ["/feodo.json", "/list.txt"] {
        let n = hits.iter().filter(|r| r.url.path() == p).count();
        assert_eq!(n, 1, "{p} was fetched {n} times by four processes");
    }
}
