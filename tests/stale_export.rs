// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Nothing lost in exports: with the cache on, a source that fails contributes its last
//! good snapshot to `fetch -o FILE` (marked stale, exit 1); with nothing cached and every
//! source failed the file is left as it was; `--strict` exports fresh data only.

#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::process::Output;

use common::*;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

const IPS: [&str; 3] = ["192.0.2.10", "198.51.100.20", "203.0.113.30"];
const URLS: [&str; 2] = ["http://files.example/a.exe", "https://drop.example/b#x"];

async fn run(home: &Path, args: &[&str]) -> Output {
    let mut cmd = clean_bin(home);
    cmd.env("NO_COLOR", "1").args(args);
    tokio::task::spawn_blocking(move || cmd.output().expect("run"))
        .await
        .expect("join")
}

/// A config with the default cache (under `home`) and the given sources.
fn config(home: &Path, sources: &str) -> String {
    let p = home.join("config.yaml");
    let yaml = format!("http: {{ timeout: 2s, retries: 0 }}\nsources:\n{sources}");
    std::fs::write(&p, yaml).unwrap();
    p.display().to_string()
}

/// Serves `body` once at `at`, then `503` for ever.
async fn once_then_503(server: &MockServer, at: &str, body: &str) {
    Mock::given(path(at.to_string()))
        .respond_with(ResponseTemplate::new(200).set_body_string(body.to_string()))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(server)
        .await;
    Mock::given(path(at.to_string()))
        .respond_with(ResponseTemplate::new(503).set_body_string("maintenance"))
        .with_priority(2)
        .mount(server)
        .await;
}

/// Issue 10, example 5, for every export format: run 1 writes the feed's addresses;
/// run 2, with the feed down, keeps them (from the cache), says so, and exits 1.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_refresh_keeps_the_last_good_snapshot_in_every_format() {
    for format in ["jsonl", "csv", "stix", "txt"] {
        let server = MockServer::start().await;
        once_then_503(&server, "/blocklist.txt", &format!("{}\n", IPS.join("\n"))).await;
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path();
        let cfg = config(
            home,
            &format!(
                "  - {{ name: blocklist, kind: plain_list, url: \"{}/blocklist.txt\", type: ipv4 }}\n",
                server.uri()
            ),
        );
        let out_file = home.join(format!("blocklist.{format}"));
        let out_arg = out_file.display().to_string();
        let args = [
            "fetch",
            "--no-warninglists",
            "--format",
            format,
            "-o",
            &out_arg,
            "--config",
            &cfg,
        ];
        let first = run(home, &args).await;
        assert_eq!(
            first.status.code(),
            Some(0),
            "{format}: {}",
            text(&first.stderr)
        );
        let written = std::fs::read_to_string(&out_file).unwrap();
        for ip in IPS {
            assert!(
                written.contains(ip),
                "{format}: run 1 lacks {ip}: {written}"
            );
        }

        let second = run(home, &args).await;
        let stderr = text(&second.stderr);
        assert_eq!(second.status.code(), Some(1), "{format}: {stderr}");
        let kept = std::fs::read_to_string(&out_file).unwrap();
        for ip in IPS {
            assert!(
                kept.contains(ip),
                "{format}: run 2 lost {ip}: {kept}\n{stderr}"
            );
        }
        assert!(
            stderr
                .lines()
                .any(|l| l.starts_with("blocklist") && l.contains("STALE") && l.contains("503")),
            "{format}: {stderr}"
        );
        assert!(
            stderr.contains("last good snapshot (3 indicators"),
            "{format}: {stderr}"
        );
    }
}

/// Two sources, one failing: the failed one's indicators stay in the new file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_two_sources_the_failed_ones_indicators_stay() {
    let server = MockServer::start().await;
    once_then_503(&server, "/ips.txt", &IPS.join("\r\n")).await;
    Mock::given(path("/urls.txt"))
        .respond_with(ResponseTemplate::new(200).set_body_string(URLS.join("\n")))
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    let cfg = config(
        home,
        &format!(
            "  - {{ name: ips, kind: plain_list, url: \"{0}/ips.txt\", type: ipv4 }}\n  - {{ name: urls, kind: plain_list, url: \"{0}/urls.txt\", type: url }}\n",
            server.uri()
        ),
    );
    let out_file = home.join("all.txt");
    let out_arg = out_file.display().to_string();
    let args = [
        "fetch",
        "--no-warninglists",
        "--format",
        "txt",
        "-o",
        &out_arg,
        "--config",
        &cfg,
    ];
    assert_eq!(run(home, &args).await.status.code(), Some(0));
    let second = run(home, &args).await;
    assert_eq!(second.status.code(), Some(1), "{}", text(&second.stderr));
    let mut lines: Vec<String> = std::fs::read_to_string(&out_file)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    lines.sort();
    let mut want: Vec<String> = IPS.iter().chain(&URLS).map(|s| s.to_string()).collect();
    want.sort();
    assert_eq!(lines, want);

    // --strict: fresh data only, so the failed source's indicators go.
    let strict = [
        "fetch",
        "--strict",
        "--no-warninglists",
        "--format",
        "txt",
        "-o",
        &out_arg,
        "--config",
        &cfg,
    ];
    let out = run(home, &strict).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        !text(&out.stderr).contains("STALE"),
        "{}",
        text(&out.stderr)
    );
    let lines: Vec<String> = std::fs::read_to_string(&out_file)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    assert_eq!(lines.len(), URLS.len(), "{lines:?}");
}

/// Nothing cached and every source failed: the output file is not replaced (unless
/// `--strict`), and no temporary file is left behind.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_nothing_cached_and_every_source_failed_the_file_is_untouched() {
    let server = MockServer::start().await;
    Mock::given(path("/ips.txt"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    let cfg = config(
        home,
        &format!(
            "  - {{ name: ips, kind: plain_list, url: \"{}/ips.txt\", type: ipv4 }}\n",
            server.uri()
        ),
    );
    let out_file = home.join("blocklist.txt");
    std::fs::write(&out_file, "192.0.2.99\n").unwrap();
    let out_arg = out_file.display().to_string();
    let out = run(
        home,
        &[
            "fetch",
            "--no-warninglists",
            "--format",
            "txt",
            "-o",
            &out_arg,
            "--config",
            &cfg,
        ],
    )
    .await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("left as it was"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&out_file).unwrap(), "192.0.2.99\n");
    let leftovers: Vec<_> = std::fs::read_dir(home)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    let out = run(
        home,
        &[
            "fetch",
            "--strict",
            "--no-warninglists",
            "--format",
            "txt",
            "-o",
            &out_arg,
            "--config",
            &cfg,
        ],
    )
    .await;
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&out_file).unwrap(), "");
}
