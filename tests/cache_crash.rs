// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Crash safety: `kill -9` the real binary while it writes a new snapshot into the cache,
//! then reopen the cache: the previous snapshot must be there, whole.

#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::ENV_TO_CLEAR;
use intellisiem::store::persist::Sqlite;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn list(generation: u32, n: usize) -> String {
    let mut s = String::with_capacity(n * 32);
    for i in 0..n {
        s.push_str(&format!("gen{generation}-host{i}.example\n"));
    }
    s
}

/// The generations present in the cached snapshot of `feed`, and its size.
fn snapshot(db: &Path) -> (Vec<String>, usize) {
    let c = Sqlite::open(db).expect("the cache reopens").db;
    let rows = c.load_source("feed").expect("readable");
    let mut gens: Vec<String> = rows
        .iter()
        .filter_map(|s| s.value.split('-').next().map(String::from))
        .collect();
    gens.sort();
    gens.dedup();
    (gens, rows.len())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kill_during_a_write_leaves_the_previous_snapshot_whole() {
    const OLD: usize = 40_000;
    const NEW: usize = 400_000;
    let server = MockServer::start().await;
    Mock::given(path("/list.txt"))
        .respond_with(ResponseTemplate::new(200).set_body_string(list(1, OLD)))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/list.txt"))
        .respond_with(ResponseTemplate::new(200).set_body_string(list(2, NEW)))
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cache.db");
    let cfg = dir.path().join("config.yaml");
    std::fs::write(
        &cfg,
        format!(
            "cache: {{ path: \"{}\" }}\nsources:\n  - {{ name: feed, kind: plain_list, url: \"{}/list.txt\", type: domain }}\n",
            db.display(),
            server.uri()
        ),
    )
    .unwrap();
    let bin = env!("CARGO_BIN_EXE_intellisiem");
    let run = |cfg: &Path| {
        let mut c = Command::new(bin);
        for v in ENV_TO_CLEAR {
            c.env_remove(v);
        }
        c.args(["fetch", "-o", "/dev/null", "--config"])
            .arg(cfg)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        c
    };

    // The first snapshot, written in full.
    let status = tokio::task::spawn_blocking({
        let mut c = run(&cfg);
        move || c.status()
    })
    .await
    .unwrap()
    .unwrap();
    assert!(status.success());
    assert_eq!(snapshot(&db), (vec!["gen1".to_string()], OLD));

    // Now kill the next writes at different points. Each time, what is cached is one whole
    // snapshot, never a mix; and at least once the kill lands mid-write.
    let mut killed_mid_write = 0;
    for attempt in 0..6u64 {
        let wal = dir.path().join("cache.db-wal");
        let base = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
        let mut child = run(&cfg).spawn().unwrap();
        let start = Instant::now();
        // Wait until the write is under way (the WAL grows), then a little more: a
        // snapshot is a few compressed chunks, so the window is short.
        let grew = loop {
            let len = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
            if len > base {
                break true;
            }
            if start.elapsed() > Duration::from_secs(30) || child.try_wait().unwrap().is_some() {
                break false;
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        };
        tokio::time::sleep(Duration::from_millis(attempt)).await;
        let still_running = child.try_wait().unwrap().is_none();
        let _ = child.kill();
        let _ = child.wait();
        let (gens, n) = snapshot(&db);
        assert_eq!(
            gens.len(),
            1,
            "attempt {attempt}: a mixed snapshot: {gens:?}"
        );
        match gens[0].as_str() {
            "gen1" => assert_eq!(n, OLD, "attempt {attempt}"),
            "gen2" => assert_eq!(n, NEW, "attempt {attempt}"),
            other => panic!("{other}"),
        }
        if grew && still_running && gens[0] == "gen1" {
            killed_mid_write += 1;
        }
    }
    assert!(killed_mid_write > 0, "no kill landed during a write");
}
