// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Scores through the real binary: two plain lists of different weights (a list has no
//! dates, so its indicators are as fresh as its fetch), `fetch --min-score --max --type`
//! with what was cut said on stderr, the `score` in the export, and `match --min-score`
//! on that export.

#![allow(clippy::unwrap_used)]

mod common;

use common::{output_of, quiet_bin, text};
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn lists() -> (MockServer, tempfile::TempDir, std::path::PathBuf) {
    let server = MockServer::start().await;
    for (p, body) in [
        ("/strong.txt", "192.0.2.1\n192.0.2.2\nstrong.example\n"),
        ("/weak.txt", "192.0.2.2\n198.51.100.9\n"),
    ] {
        Mock::given(path(p))
            .respond_with(ResponseTemplate::new(200).set_body_string(body))
            .mount(&server)
            .await;
    }
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.yaml");
    std::fs::write(
        &cfg,
        format!(
            "cache: {{ path: none }}\nsources:\n  - {{ name: strong, kind: plain_list, url: \"{0}/strong.txt\", weight: 90 }}\n  - {{ name: weak, kind: plain_list, url: \"{0}/weak.txt\", weight: 40 }}\n",
            server.uri()
        ),
    )
    .unwrap();
    (server, dir, cfg)
}

fn scores(jsonl: &str) -> Vec<(String, u64)> {
    let mut v: Vec<(String, u64)> = jsonl
        .lines()
        .map(|l| {
            let j: serde_json::Value = serde_json::from_str(l).unwrap();
            (
                j["value"].as_str().unwrap().to_string(),
                j["score"].as_u64().unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fetch_scores_cuts_to_fit_and_says_what_it_cut() {
    let (_server, dir, cfg) = lists().await;
    let fetch = |extra: &[&str]| {
        let mut c = quiet_bin(dir.path());
        // Documentation addresses are on the built-in warninglist.
        c.args(["fetch", "--no-warninglists", "--config"])
            .arg(&cfg)
            .args(extra);
        c
    };
    let out = output_of(fetch(&[])).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // 90 alone, 90 and 40 agreeing (100·(1 − 0.1·0.6) = 94), 40 alone.
    assert_eq!(
        scores(&text(&out.stdout)),
        [
            ("192.0.2.1".to_string(), 90),
            ("192.0.2.2".to_string(), 94),
            ("198.51.100.9".to_string(), 40),
            ("strong.example".to_string(), 90),
        ]
    );

    let out = output_of(fetch(&["--min-score", "50"])).await;
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert_eq!(scores(&text(&out.stdout)).len(), 3);
    assert!(
        err.contains("kept 3 of 4 indicators (cut: 1 below score 50); lowest score kept 90"),
        "{err}"
    );

    let out = output_of(fetch(&["--max", "2", "--format", "txt"])).await;
    let err = text(&out.stderr);
    // The best by score first: 94, then a 90.
    let kept: Vec<String> = text(&out.stdout).lines().map(String::from).collect();
    assert_eq!(kept.len(), 2, "{err}");
    assert_eq!(kept[0], "192.0.2.2");
    assert!(err.contains("2 past --max 2"), "{err}");

    let out = output_of(fetch(&["--type", "domain,cidr", "--format", "txt"])).await;
    assert_eq!(text(&out.stdout), "strong.example\n");
    assert!(text(&out.stderr).contains("3 of other types"));

    let out = output_of(fetch(&["--min-score", "101"])).await;
    assert_eq!(
        out.status.code(),
        Some(2),
        "a score past 100 is a usage error"
    );
    let out = output_of(fetch(&["--type", "ipv5"])).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("ipv5"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn match_judges_an_exports_records_by_their_score() {
    let (_server, dir, cfg) = lists().await;
    let mut c = quiet_bin(dir.path());
    let export = dir.path().join("set.jsonl");
    c.args(["fetch", "--no-warninglists", "--config"])
        .arg(&cfg)
        .arg("-o")
        .arg(&export);
    let out = output_of(c).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let log = dir.path().join("app.log");
    std::fs::write(&log, "conn from 198.51.100.9 to 192.0.2.1\n").unwrap();
    let run = |min: Option<&str>| {
        let mut c = quiet_bin(dir.path());
        c.args([
            "match",
            "--no-warninglists",
            "--log-format",
            "text",
            "--indicators",
        ])
        .arg(&export)
        .arg("--config")
        .arg(&cfg);
        if let Some(m) = min {
            c.args(["--min-score", m]);
        }
        c.arg(&log);
        c
    };
    let out = output_of(run(None)).await;
    assert_eq!(
        text(&out.stdout).lines().count(),
        1,
        "{}",
        text(&out.stderr)
    );
    let alerts = text(&out.stdout);
    assert!(
        alerts.contains("\"name\":\"198.51.100.9\"") && alerts.contains("\"name\":\"192.0.2.1\"")
    );
    let out = output_of(run(Some("50"))).await;
    let alerts = text(&out.stdout);
    let err = text(&out.stderr);
    assert!(
        alerts.contains("192.0.2.1") && !alerts.contains("\"name\":\"198.51.100.9\""),
        "{alerts}"
    );
    assert!(
        err.contains("1 indicator of") && err.contains("scored below 50"),
        "{err}"
    );
}
