// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! An export read back: `fetch --format jsonl` of every indicator type, then
//! `match --indicators` on that export finds each of them in a log.

#![allow(clippy::unwrap_used)]

mod common;

use common::clean_bin;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_type_exported_by_fetch_is_matched_by_match() {
    let sha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    let sha1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709";
    let md5 = "d41d8cd98f00b204e9800998ecf8427e";
    let values = [
        ("ipv4", "198.51.100.23"),
        ("ipv6", "2001:db8::c2"),
        ("domain", "c2.evil.example"),
        ("url", "http://drop.evil.example/payload.bin"),
        ("md5", md5),
        ("sha1", sha1),
        ("sha256", sha256),
        ("email", "phisher@mail.evil.example"),
    ];
    let server = MockServer::start().await;
    let list: String = values.iter().map(|(_, v)| format!("{v}\n")).collect();
    Mock::given(path("/list.txt"))
        .respond_with(ResponseTemplate::new(200).set_body_string(list))
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.yaml");
    std::fs::write(
        &cfg,
        format!(
            "cache: {{ path: none }}\nsources:\n  - {{ name: mixed, kind: plain_list, url: \"{}/list.txt\" }}\n",
            server.uri()
        ),
    )
    .unwrap();
    let export = dir.path().join("set.jsonl");
    let home = dir.path().to_path_buf();
    let out = tokio::task::spawn_blocking({
        let (cfg, export, home) = (cfg.clone(), export.clone(), home.clone());
        move || {
            clean_bin(&home)
                // Documentation addresses are on the built-in warninglist.
                .args([
                    "fetch",
                    "--no-warninglists",
                    "--format",
                    "jsonl",
                    "--config",
                ])
                .arg(&cfg)
                .arg("-o")
                .arg(&export)
                .output()
                .unwrap()
        }
    })
    .await
    .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // One log line per value, each where an analyst would see it.
    let log = dir.path().join("ticket.txt");
    let mut text = String::new();
    for (kind, v) in values {
        text.push_str(&format!(
            "2026-11-29 10:00:00 note: saw {kind} {v} in the proxy\n"
        ));
    }
    std::fs::write(&log, text).unwrap();
    let out = clean_bin(&home)
        .args([
            "match",
            "--no-warninglists",
            "--log-format",
            "text",
            "--indicators",
        ])
        .arg(&export)
        .arg(&log)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let matched: Vec<String> = stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .flat_map(|doc| {
            doc["threat"]["enrichments"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .filter_map(|e| e["indicator"]["name"].as_str().map(String::from))
        .collect();
    for (kind, v) in values {
        assert!(
            matched.iter().any(|m| m == v),
            "{kind} {v} was exported but not matched; alerts:\n{stdout}"
        );
    }
}
