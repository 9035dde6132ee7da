// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! A team sharing one PostgreSQL store (`cache.url`): processes started together fetch
//! each source once between them, and every export holds every source. Needs
//! `INTELLISIEM_TEST_PG` (see tests/common/pg.rs).

#![allow(clippy::unwrap_used)]

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
            .args([
                "fetch",
                "--include-decayed",
                "--no-warninglists",
                "--config",
            ])
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

/// `kill -9` a `fetch` while it writes its snapshot into the shared store: the previous
/// snapshot stays whole, never a mix of the two.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_writer_killed_mid_transaction_leaves_the_previous_snapshot_whole() {
    let Some((pg, url)) = common::pg::fresh("killed_writer").await else {
        return;
    };
    const OLD: usize = 20_000;
    const NEW: usize = 300_000;
    let list = |generation: u32, n: usize| {
        (0..n)
            .map(|i| format!("gen{generation}-host{i}.example\n"))
            .collect::<String>()
    };
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
    let cfg = dir.path().join("config.yaml");
    std::fs::write(
        &cfg,
        format!(
            "cache: {{ url: \"{url}\" }}\nsources:\n  - {{ name: feed, kind: plain_list, url: \"{}/list.txt\", type: domain, refresh: 5m }}\n",
            server.uri()
        ),
    )
    .unwrap();
    let run = || {
        let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("intellisiem"));
        c.env("HOME", dir.path())
            .env_remove("INTELLISIEM_CONFIG")
            // Every run fetches: the stored snapshot counts as older than the refresh.
            .args(["fetch", "-o", "/dev/null", "--config"])
            .arg(&cfg)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        c
    };
    let status = run().status().unwrap();
    assert!(status.success());
    let store = intellisiem::store::persist::PgStore::new(&pg).unwrap();
    use intellisiem::store::persist::SnapshotStore;
    let generations = |rows: &[intellisiem::model::Sighting]| {
        let mut g: Vec<String> = rows
            .iter()
            .filter_map(|s| s.value.split('-').next().map(String::from))
            .collect();
        g.sort();
        g.dedup();
        g
    };
    assert_eq!(
        generations(&store.load_source("feed".into()).await.unwrap()),
        ["gen1"]
    );
    let (client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    let mut killed_mid_write = 0;
    for attempt in 0..4 {
        // Make the stored snapshot old, so the next fetch writes a new one, and let the
        // lease of the process killed last time run out (tested on its own elsewhere).
        client
            .batch_execute("UPDATE sources SET fetched_at = 0; DELETE FROM leases")
            .await
            .unwrap();
        let mut child = run().spawn().unwrap();
        let start = std::time::Instant::now();
        let writing = loop {
            // A backend of this database holding a transaction id, on the snapshot's
            // table, has begun writing it.
            let n: i64 = client
                .query_one(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
                       AND application_name = 'intellisiem' AND backend_xid IS NOT NULL
                       AND query ILIKE '%chunks%'",
                    &[],
                )
                .await
                .unwrap()
                .get(0);
            if n > 0 {
                break true;
            }
            if start.elapsed() > std::time::Duration::from_secs(60)
                || child.try_wait().unwrap().is_some()
            {
                break false;
            }
            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
        };
        let still_running = child.try_wait().unwrap().is_none();
        let _ = child.kill();
        let _ = child.wait();
        // The server notices the dead client and rolls its transaction back.
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let rows = store.load_source("feed".into()).await.unwrap();
        let g = generations(&rows);
        assert_eq!(g.len(), 1, "attempt {attempt}: a mixed snapshot {g:?}");
        match g[0].as_str() {
            "gen1" => assert_eq!(rows.len(), OLD, "attempt {attempt}"),
            "gen2" => assert_eq!(rows.len(), NEW, "attempt {attempt}"),
            other => panic!("{other}"),
        }
        if writing && still_running && g[0] == "gen1" {
            killed_mid_write += 1;
        }
        if g[0] == "gen2" {
            break;
        }
    }
    assert!(killed_mid_write > 0, "no kill landed during a write");
}

/// `match --follow` on a team's store: when another process saves a new snapshot, the
/// indicator set is rebuilt without a restart, and later lines are matched against it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn match_follow_picks_up_a_snapshot_another_process_saves() {
    use intellisiem::model::{IndicatorType, Observation, Sighting};
    use intellisiem::store::persist::{PgStore, Snapshot, SnapshotStore, SourceMeta};
    use std::io::Write;
    use std::time::{Duration, Instant};

    let Some((pg, url)) = common::pg::fresh("match_follow_pg").await else {
        return;
    };
    let store = PgStore::new(&pg).unwrap();
    let save = |values: &[&str], at: i64| {
        let at = jiff::Timestamp::from_second(at).unwrap();
        Snapshot {
            source: "feodo".into(),
            kind: "feodo",
            sightings: values
                .iter()
                .map(|v| Sighting {
                    kind: IndicatorType::Ipv4,
                    value: (*v).into(),
                    obs: Observation::default(),
                })
                .collect(),
            groups: Vec::new(),
            expires: Default::default(),
            incremental: false,
            meta: SourceMeta {
                fetched_at: Some(at),
                ..Default::default()
            },
            now: at,
        }
    };
    store
        .save(save(&["198.51.100.1"], 1_800_000_000))
        .await
        .1
        .unwrap();

    let home = tempfile::tempdir().unwrap();
    let cfg = home.path().join("config.yaml");
    std::fs::write(
        &cfg,
        format!(
            "cache: {{ url: \"{url}\" }}\nsources:\n  - {{ name: feodo, kind: feodo, url: \"http://127.0.0.1:9/feodo.json\" }}\n"
        ),
    )
    .unwrap();
    let log = home.path().join("eve.json");
    let out = home.path().join("alerts.jsonl");
    let err = home.path().join("stderr.txt");
    let line = |ip: &str| format!("{{\"event_type\":\"flow\",\"src_ip\":\"{ip}\"}}\n");
    std::fs::write(&log, line("198.51.100.1")).unwrap();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("intellisiem"))
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join(".config"))
        .env("XDG_STATE_HOME", home.path().join(".local/state"))
        .current_dir(home.path())
        .args(["match", "--no-warninglists", "--follow", "--config"])
        .arg(&cfg)
        .arg("-o")
        .arg(&out)
        .arg(&log)
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(&err).unwrap())
        .spawn()
        .unwrap();
    let wait = |file: &std::path::Path, what: &dyn Fn(&str) -> bool| {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let text = std::fs::read_to_string(file).unwrap_or_default();
            if what(&text) || Instant::now() > deadline {
                return text;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    let alerts = wait(&out, &|t| t.lines().count() >= 1);
    assert_eq!(
        alerts.lines().count(),
        1,
        "the first line matched: {alerts}"
    );

    store
        .save(save(&["198.51.100.1", "198.51.100.2"], 1_800_000_600))
        .await
        .1
        .unwrap();
    let said = wait(&err, &|t| t.contains("indicator set refreshed"));
    assert!(
        said.contains("indicator set refreshed: 2 indicators"),
        "the new snapshot was picked up: {said}"
    );
    let mut f = std::fs::OpenOptions::new().append(true).open(&log).unwrap();
    f.write_all(line("198.51.100.2").as_bytes()).unwrap();
    let alerts = wait(&out, &|t| t.lines().count() >= 2);
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        alerts
            .lines()
            .nth(1)
            .is_some_and(|l| l.contains("198.51.100.2")),
        "the indicator the new snapshot brought matched: {alerts}"
    );
}
