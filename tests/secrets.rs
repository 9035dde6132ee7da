// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Keys never leak: run the commands with keys set and trace logging on, against servers
//! that fail, refuse, and even echo the key back in their error text; then scan every
//! output, log line, export and cache file for the key strings.

#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;

use assert_cmd::Command;
use common::*;
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The binary in a clean environment, with every key set and trace logging on: the
/// program's own, and that of the HTTP crates the keys pass through (a bare level is the
/// program's only).
fn bin(home: &Path) -> Command {
    let mut c = clean_bin(home);
    c.env(
        "INTELLISIEM_LOG",
        "trace,reqwest=trace,hyper=trace,hyper_util=trace,h2=trace,rustls=trace",
    )
    .env("INTELLISIEM_OTX_API_KEY", OTX_KEY)
    .env("INTELLISIEM_VT_API_KEY", VT_KEY)
    .env("INTELLISIEM_ABUSECH_AUTH_KEY", ABUSE_KEY);
    c
}

fn scan(what: &str, bytes: &[u8]) {
    for key in [OTX_KEY, VT_KEY, ABUSE_KEY] {
        let found = bytes.windows(key.len()).any(|w| w == key.as_bytes());
        if found {
            // Show where, without printing the key itself.
            let text = String::from_utf8_lossy(bytes);
            let lines: Vec<String> = text
                .lines()
                .filter(|l| l.contains(key))
                .map(|l| l.replace(key, "<KEY>"))
                .take(3)
                .collect();
            panic!("{what} contains a key: {lines:#?}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_key_appears_in_any_output_log_export_or_cache() {
    let server = MockServer::start().await;
    // Servers that echo the key back in their errors.
    Mock::given(path("/echo/otx/pulses/subscribed"))
        .respond_with(
            ResponseTemplate::new(500)
                .set_body_string(format!(r#"{{"detail": "bad request with key {OTX_KEY}"}}"#)),
        )
        .mount(&server)
        .await;
    Mock::given(path("/echo/vt/domains/evil.example"))
        .respond_with(ResponseTemplate::new(400).set_body_string(format!(
            r#"{{"error": {{"code": "BadRequestError", "message": "key {VT_KEY} is malformed"}}}}"#
        )))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/echo/tf/"))
        .respond_with(ResponseTemplate::new(200).set_body_string(format!(
            r#"{{"query_status": "unknown_auth_key {ABUSE_KEY}"}}"#
        )))
        .mount(&server)
        .await;
    Mock::given(path("/echo/redirect/pulses/subscribed"))
        .respond_with(
            ResponseTemplate::new(302).insert_header("location", "http://127.0.0.1:9/steal"),
        )
        .mount(&server)
        .await;
    Mock::given(path("/urlhaus-api/urls/recent/"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    mount_all(&server).await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;

    let dir = tempfile::tempdir().unwrap();
    let base = server.uri();
    let cfg = dir.path().join("config.yaml");
    std::fs::write(
        &cfg,
        format!(
            "http: {{ retries: 1, backoff: 10ms }}\nsources:\n\
  - {{ name: otx, kind: otx, url: \"{base}/otx/api/v1\" }}\n\
  - {{ name: otx_echo, kind: otx, url: \"{base}/echo/otx\" }}\n\
  - {{ name: vt, kind: virustotal, url: \"{base}/vt/api/v3\", watch: [\"45.0.0.3\"] }}\n\
  - {{ name: vt_echo, kind: virustotal, url: \"{base}/echo/vt\", watch: [\"evil.example\"] }}\n\
  - {{ name: tf_echo, kind: threatfox, url: \"{base}/threatfox/export/json/recent/\", api_url: \"{base}/echo/tf/\" }}\n\
  - {{ name: redirect, kind: otx, url: \"{base}/echo/redirect\" }}\n\
  - {{ name: urlhaus, kind: urlhaus, url: \"{base}/urlhaus/downloads/csv_recent/\", api_url: \"{base}/urlhaus-api\" }}\n\
  - {{ name: feodo, kind: feodo, url: \"{base}/feodo/downloads/ipblocklist.json\" }}\n"
        ),
    )
    .unwrap();

    for format in ["jsonl", "csv", "stix", "txt"] {
        let out_file = dir.path().join(format!("out.{format}"));
        let mut cmd = bin(dir.path());
        cmd.args(["fetch", "--format", format, "-o"])
            .arg(&out_file)
            .arg("--config")
            .arg(&cfg);
        let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
            .await
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert_eq!(out.status.code(), Some(1), "some sources fail: {stderr}");
        assert!(
            stderr.contains("REDACTED"),
            "the echoes were scrubbed: {stderr}"
        );
        assert!(stderr.lines().count() > 20, "trace logging was on");
        scan("stdout", &out.stdout);
        scan("stderr", &out.stderr);
        scan(format, &std::fs::read(&out_file).unwrap());
    }
    for args in [
        vec!["sources"],
        vec!["config", "check"],
        vec!["fetch", "--offline"],
    ] {
        let mut cmd = bin(dir.path());
        cmd.args(&args).arg("--config").arg(&cfg);
        let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
            .await
            .unwrap();
        scan("stdout", &out.stdout);
        scan("stderr", &out.stderr);
    }
    // The log file: every run above appended its warnings and trace lines to it.
    let log = dir.path().join(".local/state/intellisiem/intellisiem.log");
    let text = std::fs::read(&log).unwrap();
    assert!(
        String::from_utf8_lossy(&text).lines().count() > 100,
        "the log file holds the runs' lines"
    );
    scan("the log file", &text);
    // The cache, WAL included.
    let cache_dir = dir.path().join(".local/share/intellisiem");
    let mut scanned = 0;
    for entry in std::fs::read_dir(&cache_dir).unwrap() {
        let p = entry.unwrap().path();
        scan(&p.display().to_string(), &std::fs::read(&p).unwrap());
        scanned += 1;
    }
    assert!(scanned >= 1);
}
