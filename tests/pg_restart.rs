// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The real server stopped and started again (`pg_ctlcluster stop` / `start`), not a
//! proxy playing one: a snapshot saved while it is down is kept and written once it is
//! back, and nothing saved before is lost. Its own test binary, with one test, because
//! it stops the server every other PostgreSQL test uses (cargo runs test binaries one
//! at a time). Needs `INTELLISIEM_TEST_PG`, Debian's `pg_ctlcluster` and the right to
//! run it (root); `.ci/run` provides all three.

#![allow(clippy::unwrap_used)]

mod common;

use std::process::Command;
use std::time::Duration;

use intellisiem::model::{IndicatorType, Observation, Sighting};
use intellisiem::store::persist::{PgStore, Snapshot, SnapshotStore, SourceMeta};
use jiff::Timestamp;

/// The cluster `pg_ctlcluster` manages: (version, name).
fn cluster() -> Option<(String, String)> {
    let out = Command::new("pg_lsclusters")
        .arg("--no-header")
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let line = text.lines().find(|l| l.contains("online"))?;
    let mut f = line.split_whitespace();
    Some((f.next()?.to_string(), f.next()?.to_string()))
}

fn ctl(action: &str, (version, name): &(String, String)) -> bool {
    Command::new("pg_ctlcluster")
        .args([version.as_str(), name.as_str(), action])
        .args(if action == "stop" {
            &["-m", "fast"][..]
        } else {
            &[][..]
        })
        .status()
        .is_ok_and(|s| s.success())
}

/// Starts the cluster again however the test ends, so the tests after it find it up.
struct Restart((String, String));

impl Drop for Restart {
    fn drop(&mut self) {
        ctl("start", &self.0);
    }
}

fn s(v: &str) -> Sighting {
    Sighting {
        kind: IndicatorType::Ipv4,
        value: v.into(),
        obs: Observation::default(),
    }
}

fn snapshot(sightings: Vec<Sighting>, at: Timestamp) -> Snapshot {
    Snapshot {
        source: "feodo".into(),
        kind: "feodo",
        sightings,
        groups: Vec::new(),
        expires: Default::default(),
        incremental: false,
        meta: SourceMeta {
            fetched_at: Some(at),
            ..Default::default()
        },
        now: at,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_snapshot_saved_while_the_server_is_stopped_is_written_once_it_is_started() {
    let test = "pg_restart";
    let Some((cfg, _)) = common::pg::fresh(test).await else {
        return;
    };
    let Some(cluster) = cluster() else {
        assert!(
            std::env::var("CI").is_err(),
            "{test}: no online cluster that pg_ctlcluster manages"
        );
        eprintln!("{test}: skipped: needs Debian's pg_ctlcluster and an online cluster");
        return;
    };
    let t0 = Timestamp::from_second(1_800_000_000).unwrap();
    let t1 = Timestamp::from_second(1_800_000_060).unwrap();
    let store = PgStore::new(&cfg).unwrap();
    store
        .save(snapshot(vec![s("192.0.2.1")], t0))
        .await
        .1
        .unwrap();

    let restart = Restart(cluster);
    assert!(ctl("stop", &restart.0), "{test}: pg_ctlcluster stop failed");
    let e = store
        .save(snapshot(vec![s("192.0.2.1"), s("192.0.2.2")], t1))
        .await
        .1
        .unwrap_err();
    assert!(
        e.is_transient(),
        "a stopped server is a passing failure: {e}"
    );
    assert!(store.metas().await.is_err(), "the server is really down");

    assert!(
        ctl("start", &restart.0),
        "{test}: pg_ctlcluster start failed"
    );
    // The pool reconnects; the first call that reaches the server writes the kept
    // snapshot before it answers.
    let mut metas = None;
    for _ in 0..50 {
        if let Ok(m) = store.metas().await {
            metas = Some(m);
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let metas = metas.expect("the store answers again after the restart");
    assert_eq!(metas["feodo"].fetched_at, Some(t1));
    let mut back: Vec<String> = store
        .load_source("feodo".into())
        .await
        .unwrap()
        .iter()
        .map(|s| s.value.to_string())
        .collect();
    back.sort();
    assert_eq!(back, ["192.0.2.1", "192.0.2.2"]);
}
