// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

use super::*;

#[test]
fn windows_by_time_and_size() {
    let now = Timestamp::from_second(100_000).unwrap();
    let (w, since) = window(Retro::Time(Duration::from_secs(3600)), now);
    assert_eq!(since, Timestamp::from_second(96_400).ok());
    assert_eq!(w, Window::Since(Timestamp::from_second(96_400).unwrap()));
    assert_eq!(window(Retro::Size(50), now), (Window::LastBytes(50), None));
    let (_, since) = window(Retro::Time(Duration::MAX), now);
    assert_eq!(since, Some(Timestamp::MIN));
}

fn store_of(values: &[&str]) -> Arc<Store> {
    let mut s = Store::new();
    let id = s.source_id("feodo");
    let sightings = values
        .iter()
        .map(|v| crate::model::Sighting {
            kind: crate::model::IndicatorType::Ipv4,
            value: (*v).into(),
            obs: Default::default(),
        })
        .collect();
    s.replace_source(id, sightings);
    Arc::new(s)
}

fn eve(ts: Timestamp, dest: &str) -> String {
    format!(
        r#"{{"timestamp":"{}","event_type":"flow","src_ip":"10.0.0.1","src_port":1,"dest_ip":"{dest}","dest_port":443,"proto":"TCP"}}"#,
        ts.strftime("%Y-%m-%dT%H:%M:%S%.6f%z")
    ) + "\n"
}

/// Waits for the next message that carries hits, handing every store back.
async fn next_hits(rx: &mut mpsc::UnboundedReceiver<Msg>) -> Vec<LogHit> {
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(10), rx.recv())
            .await
            .expect("hits within 10 s")
            .expect("open channel");
        if let Msg::Hits { hits, stored } = msg {
            assert!(!stored);
            return hits;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_hits_then_a_retro_hunt_of_new_indicators_only() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("eve.json");
    let now = Timestamp::now();
    let two_days = SignedDuration::from_hours(48);
    let past = [
        // Older than the 24 h window: never retro-hunted.
        eve(now - two_days, "45.0.0.4"),
        eve(now - SignedDuration::from_hours(2), "45.0.0.4"),
        eve(now - SignedDuration::from_hours(1), "45.0.0.3"),
    ]
    .concat();
    std::fs::write(&log, &past).unwrap();
    let mut config = Config::builtin(&|_| None, &crate::sources::registry::kinds());
    config.logs = vec![LogSpec::path(&log.display().to_string())];
    let (tx, mut rx) = mpsc::unbounded_channel();
    let hunter = Hunter::start(&config, None, &tx).expect("logs configured");
    // The first set is no refresh: the past is not hunted for it.
    hunter.hunt(store_of(&["45.0.0.3"]));
    match tokio::time::timeout(Duration::from_secs(10), rx.recv()).await {
        Ok(Some(Msg::HuntReady { .. })) => {}
        other => panic!("{other:?}"),
    }
    // A line appended now is a live hit.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut f = std::fs::OpenOptions::new().append(true).open(&log).unwrap();
    std::io::Write::write_all(&mut f, eve(now, "45.0.0.3").as_bytes()).unwrap();
    let live = next_hits(&mut rx).await;
    assert_eq!(live.len(), 1);
    assert_eq!((&*live[0].atomic, live[0].retro), ("45.0.0.3", false));
    assert_eq!(
        live[0].origin,
        crate::model::Origin::File {
            path: log.display().to_string().into(),
            offset: past.len() as u64
        }
    );
    // 45.0.0.4 joins the set: its recent past is hunted; 45.0.0.3 is not again.
    hunter.hunt(store_of(&["45.0.0.3", "45.0.0.4"]));
    let retro = next_hits(&mut rx).await;
    assert_eq!(retro.len(), 1, "{retro:?}");
    let h = &retro[0];
    assert_eq!((&*h.indicator, h.retro), ("45.0.0.4", true));
    let first_len = eve(now - two_days, "45.0.0.4").len() as u64;
    assert!(
        matches!(h.origin, crate::model::Origin::File { offset, .. } if offset == first_len),
        "the event older than the window is left: {h:?}"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    while let Ok(m) = rx.try_recv() {
        assert!(!matches!(m, Msg::Hits { .. }), "{m:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_that_appears_later_under_a_glob_is_followed_from_its_start() {
    let dir = tempfile::tempdir().unwrap();
    let now = Timestamp::now();
    std::fs::write(dir.path().join("eve-13.json"), eve(now, "192.0.2.1")).unwrap();
    let mut config = Config::builtin(&|_| None, &crate::sources::registry::kinds());
    config.logs = vec![LogSpec::path(&format!(
        "{}/eve-*.json",
        dir.path().display()
    ))];
    let (tx, mut rx) = mpsc::unbounded_channel();
    let hunter = Hunter::start(&config, None, &tx).expect("logs configured");
    hunter.hunt(store_of(&["45.0.0.3"]));
    match tokio::time::timeout(Duration::from_secs(10), rx.recv()).await {
        Ok(Some(Msg::HuntReady { .. })) => {}
        other => panic!("{other:?}"),
    }
    // The next hour's file: its first line is a hit.
    let later = dir.path().join("eve-14.json");
    std::fs::write(&later, eve(now, "45.0.0.3")).unwrap();
    let hits = tokio::time::timeout(RESCAN * 4, next_hits(&mut rx))
        .await
        .expect("the new file is followed");
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].origin.name(), later.display().to_string());
}

/// A followed log that is empty when the dashboard starts (format `auto`) is read as
/// the lines that arrive: eve events keep their time and module.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_log_at_start_up_is_read_as_the_eve_lines_that_arrive() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("eve.json");
    std::fs::write(&log, "").unwrap();
    let mut config = Config::builtin(&|_| None, &crate::sources::registry::kinds());
    config.logs = vec![LogSpec::path(&log.display().to_string())];
    let (tx, mut rx) = mpsc::unbounded_channel();
    let hunter = Hunter::start(&config, None, &tx).expect("logs configured");
    hunter.hunt(store_of(&["45.0.0.3"]));
    match tokio::time::timeout(Duration::from_secs(10), rx.recv()).await {
        Ok(Some(Msg::HuntReady { .. })) => {}
        other => panic!("{other:?}"),
    }
    // The follower has looked at the empty file by now.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let at = Timestamp::from_second(1_795_943_702).unwrap();
    let mut f = std::fs::OpenOptions::new().append(true).open(&log).unwrap();
    std::io::Write::write_all(&mut f, eve(at, "45.0.0.3").as_bytes()).unwrap();
    let hits = next_hits(&mut rx).await;
    assert_eq!(hits.len(), 1);
    assert_eq!(&*hits[0].module, "suricata");
    assert_eq!(hits[0].at, at);
    assert_eq!(&*hits[0].field, "destination.ip");
}

/// Waits for the next [`Msg::LogStatus`], handing every other message over.
async fn next_status(rx: &mut mpsc::UnboundedReceiver<Msg>) -> (String, Option<String>) {
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(10), rx.recv())
            .await
            .expect("a log status within 10 s")
            .expect("open channel");
        if let Msg::LogStatus { path, unreadable } = msg {
            return (path, unreadable);
        }
    }
}

/// A followed log that cannot be read is told to the app (a folder, nothing there
/// yet), and again once it can be read.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_log_that_cannot_be_read_is_told_to_the_app() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("suricata");
    std::fs::create_dir(&folder).unwrap();
    let later = dir.path().join("eve.json");
    let mut config = Config::builtin(&|_| None, &crate::sources::registry::kinds());
    config.logs = vec![
        LogSpec::path(&folder.display().to_string()),
        LogSpec::path(&later.display().to_string()),
    ];
    let (tx, mut rx) = mpsc::unbounded_channel();
    let _hunter = Hunter::start(&config, None, &tx).expect("logs configured");
    let mut told = [next_status(&mut rx).await, next_status(&mut rx).await];
    told.sort();
    let (folder, later) = (folder.display().to_string(), later.display().to_string());
    assert_eq!(told[0].0, later);
    assert!(
        told[0]
            .1
            .as_deref()
            .unwrap()
            .contains("does not exist (yet)")
    );
    assert_eq!(told[1].0, folder);
    assert!(told[1].1.as_deref().unwrap().contains("is a folder"));
    std::fs::write(&later, "").unwrap();
    assert_eq!(next_status(&mut rx).await, (later, None));
}
