// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Hits from every sensor on every screen: what a recording `match` on another machine
//! stores reaches a dashboard's Hits view and the table's markers within 2 s — through
//! `LISTEN`/`NOTIFY` on a team's PostgreSQL store, and by asking again on SQLite.

#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use intellisiem::app::{App, Msg};
use intellisiem::config::Config;
use intellisiem::matching::sink::Recorder;
use intellisiem::matching::sink::sightings::RecorderSettings;
use intellisiem::model::{IndicatorType, LogHit, Origin};
use intellisiem::runtime::hunt;
use intellisiem::store::persist::SharedStore;
use jiff::Timestamp;
use tokio::sync::mpsc;

fn hit(value: &str, sensor: &str, offset: u64) -> LogHit {
    LogHit {
        at: Timestamp::now(),
        found: Timestamp::now(),
        sensor: sensor.into(),
        origin: Origin::File {
            path: "/var/log/suricata/eve.json".into(),
            offset,
        },
        module: "suricata".into(),
        field: "destination.ip".into(),
        atomic: value.into(),
        kind: IndicatorType::Ipv4,
        indicator: value.into(),
        sources: Box::new(["feodo".into()]),
        threat: Some("Emotet".into()),
        retro: false,
        host: None,
    }
}

/// A dashboard's side: the stored hits it is handed, fed to an `App`, until `want`
/// hits are held or `within` passes; returns the app and how long it took.
async fn dashboard_sees(
    rx: &mut mpsc::UnboundedReceiver<Msg>,
    want: u64,
    within: Duration,
) -> (App, Duration) {
    let config = Config::builtin(&|_| None, &intellisiem::sources::registry::kinds());
    let mut app = App::new(&config, Timestamp::now());
    let started = Instant::now();
    while app.hits.total < want && started.elapsed() < within {
        if let Ok(Some(msg)) = tokio::time::timeout(Duration::from_millis(100), rx.recv()).await {
            let _ = app.update(msg);
        }
    }
    (app, started.elapsed())
}

/// A sensor's recorder writing `hits` to `store`, on a thread (as `match --record`).
fn record(store: SharedStore, hits: Vec<LogHit>) {
    std::thread::spawn(move || {
        let settings = RecorderSettings {
            interval: Duration::from_millis(200),
            ..RecorderSettings::default()
        };
        let r = Recorder::start(store, settings, |_| {}).expect("recorder");
        r.push(hits);
        r.close();
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sensors_hits_reach_every_dashboard_on_a_shared_store_within_2_s() {
    let Some((pg, _)) = common::pg::fresh("fleet_hits").await else {
        return;
    };
    let mut screens = Vec::new();
    for _ in 0..2 {
        let store: SharedStore = Arc::new(intellisiem::store::persist::PgStore::new(&pg).unwrap());
        store.metas().await.unwrap();
        let (tx, rx) = mpsc::unbounded_channel();
        let (snap_tx, snap_rx) = mpsc::unbounded_channel();
        let (marks_tx, _marks) = mpsc::unbounded_channel();
        let announced =
            hunt::split_changes(store.changes().expect("a change feed"), snap_tx, marks_tx);
        tokio::spawn(hunt::load(
            Arc::clone(&store),
            tx,
            Duration::from_secs(30 * 86_400),
            Some(announced),
            Default::default(),
        ));
        screens.push((rx, snap_rx, store));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let sensor: SharedStore = Arc::new(intellisiem::store::persist::PgStore::new(&pg).unwrap());
    record(
        sensor,
        vec![
            hit("45.0.0.3", "edge-1", 0),
            hit("45.0.0.3", "edge-1", 400),
            hit("45.0.0.9", "edge-1", 800),
        ],
    );
    for (rx, _, _) in &mut screens {
        let (app, took) = dashboard_sees(rx, 3, Duration::from_secs(5)).await;
        assert_eq!(app.hits.total, 3, "every hit on every screen");
        assert!(took < Duration::from_secs(2), "within 2 s: {took:?}");
        let marker = app
            .hits
            .of(IndicatorType::Ipv4, "45.0.0.3")
            .expect("the table's marker");
        assert_eq!(marker.count, 2);
        assert_eq!(marker.sensors, vec![Box::<str>::from("edge-1")]);
        assert!(app.hits.sensors.contains("edge-1"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_local_sensors_hits_reach_the_dashboard_on_sqlite_too() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cache.db");
    let (store, _) = intellisiem::store::persist::open(Some(&db));
    let store = store.unwrap();
    let (tx, mut rx) = mpsc::unbounded_channel();
    tokio::spawn(hunt::load(
        Arc::clone(&store),
        tx,
        Duration::from_secs(86_400),
        None,
        Default::default(),
    ));
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (other, _) = intellisiem::store::persist::open(Some(&db));
    record(other.unwrap(), vec![hit("45.0.0.3", "local", 7)]);
    let (app, took) = dashboard_sees(&mut rx, 1, Duration::from_secs(10)).await;
    assert_eq!(app.hits.total, 1);
    assert!(took < Duration::from_secs(5), "{took:?}");
}
