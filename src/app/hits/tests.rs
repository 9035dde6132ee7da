// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::app::Msg;
use crate::app::tests::{done, ok, sighting};
use crate::model::log_hit::sample;

fn app(logs: bool) -> App {
    let mut a = crate::app::tests::app();
    a.hits.enabled = logs;
    a
}

fn key(c: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

fn hit(value: &str, offset: u64, secs: i64) -> LogHit {
    sample(
        IndicatorType::Ipv4,
        value,
        "/var/log/eve.json",
        offset,
        secs,
    )
}

/// The line offset of a file hit.
fn offset(h: &LogHit) -> u64 {
    match h.origin {
        crate::model::Origin::File { offset, .. } => offset,
        crate::model::Origin::Stream { .. } => u64::MAX,
    }
}

#[test]
fn found_hits_are_listed_newest_first_counted_and_saved() {
    let mut a = app(true);
    let fx = a.update(Msg::Hits {
        hits: vec![hit("45.0.0.3", 0, 100), hit("45.0.0.3", 90, 300)],
        stored: false,
    });
    let saved: Vec<&Vec<LogHit>> = fx
        .iter()
        .filter_map(|f| match f {
            Effect::SaveHits(h) => Some(h),
            _ => None,
        })
        .collect();
    assert_eq!(saved.len(), 1);
    assert_eq!(saved[0].len(), 2);
    assert!(
        fx.iter()
            .any(|f| matches!(f, Effect::Log { text, .. } if text.contains("45.0.0.3")))
    );
    let fx = a.update(Msg::Hits {
        hits: vec![hit("45.0.0.9", 40, 200)],
        stored: false,
    });
    assert_eq!(
        fx.iter()
            .filter(|f| matches!(f, Effect::SaveHits(_)))
            .count(),
        1
    );
    let order: Vec<u64> = a.hits.recent.iter().map(offset).collect();
    assert_eq!(order, [90, 40, 0], "newest event first");
    let s = a.hits.of(IndicatorType::Ipv4, "45.0.0.3").unwrap();
    assert_eq!(s.count, 2);
    assert_eq!((s.first.as_second(), s.last.as_second()), (100, 300));
    assert_eq!(s.files, vec![Box::<str>::from("/var/log/eve.json")]);
    assert!(a.hits.of(IndicatorType::Ipv4, "45.0.0.4").is_none());
}

#[test]
fn a_hit_seen_twice_counts_once_and_stored_hits_are_not_saved_again() {
    let mut a = app(true);
    let fx = a.update(Msg::Hits {
        hits: vec![hit("45.0.0.3", 0, 100)],
        stored: true,
    });
    assert!(fx.is_empty(), "{fx:?}");
    let fx = a.update(Msg::Hits {
        hits: vec![hit("45.0.0.3", 0, 100)],
        stored: false,
    });
    assert!(
        fx.is_empty(),
        "a hit already held is not saved again: {fx:?}"
    );
    assert_eq!(a.hits.of(IndicatorType::Ipv4, "45.0.0.3").unwrap().count, 1);
    assert_eq!(a.hits.total, 1);
}

#[test]
fn retro_hits_are_counted_as_such() {
    let mut a = app(true);
    let mut h = hit("45.0.0.3", 0, 100);
    h.retro = true;
    let fx = a.update(Msg::Hits {
        hits: vec![h],
        stored: false,
    });
    assert!(
        fx.iter()
            .any(|f| matches!(f, Effect::Log { text, .. } if text.starts_with("retro-hunt hit")))
    );
    assert_eq!(a.hits.of(IndicatorType::Ipv4, "45.0.0.3").unwrap().retro, 1);
    assert_eq!(a.hits.total_retro, 1);
}

#[test]
fn the_view_opens_with_h_and_moves_and_shows_details() {
    let mut a = app(true);
    let _ = a.update(Msg::Hits {
        hits: (0..5).map(|i| hit("45.0.0.3", i, 100 + i as i64)).collect(),
        stored: true,
    });
    let _ = a.update(key(KeyCode::Char('h')));
    assert_eq!(a.mode, Mode::Hits);
    let _ = a.update(key(KeyCode::Char('j')));
    let _ = a.update(key(KeyCode::Down));
    assert_eq!(a.hits.selected, 2);
    let _ = a.update(key(KeyCode::Char('G')));
    assert_eq!(a.hits.selected, 4);
    let _ = a.update(key(KeyCode::Char('g')));
    assert_eq!(a.hits.selected, 0);
    let _ = a.update(key(KeyCode::Enter));
    assert_eq!(a.mode, Mode::HitDetails);
    let fx = a.update(key(KeyCode::Char('y')));
    assert!(
        fx.iter()
            .any(|f| matches!(f, Effect::Copy(v) if v == "45.0.0.3"))
    );
    let _ = a.update(key(KeyCode::Esc));
    assert_eq!(a.mode, Mode::Hits);
    let _ = a.update(key(KeyCode::Char('h')));
    assert_eq!(a.mode, Mode::Normal);
}

#[test]
fn a_new_hit_keeps_the_selection_on_the_same_hit() {
    let mut a = app(true);
    let _ = a.update(Msg::Hits {
        hits: (0..3).map(|i| hit("45.0.0.3", i, 100 + i as i64)).collect(),
        stored: false,
    });
    let _ = a.update(key(KeyCode::Char('h')));
    let _ = a.update(key(KeyCode::Down));
    let before = offset(a.hits.selected_hit().unwrap());
    let _ = a.update(Msg::Hits {
        hits: vec![hit("45.0.0.3", 9, 500)],
        stored: false,
    });
    assert_eq!(offset(a.hits.selected_hit().unwrap()), before);
}

#[test]
fn a_changed_store_is_handed_to_the_runtime_once_and_given_back() {
    let mut a = app(true);
    // An empty set is not worth hunting with.
    let fx = a.update(Msg::Tick(a.now));
    assert!(!fx.iter().any(|f| matches!(f, Effect::Hunt { .. })));
    let _ = a.update(done(
        0,
        ok(vec![sighting(IndicatorType::Ipv4, "45.0.0.3", None, 0)]),
        1,
    ));
    let fx = a.update(Msg::Tick(a.now));
    let store = fx
        .into_iter()
        .find_map(|f| match f {
            Effect::Hunt { store } => Some(store),
            _ => None,
        })
        .expect("a hunt");
    assert_eq!(
        a.lease.holders, 1,
        "the store is held while the set is built"
    );
    let fx = a.update(Msg::Tick(a.now));
    assert!(
        !fx.iter().any(|f| matches!(f, Effect::Hunt { .. })),
        "one at a time"
    );
    let _ = a.update(Msg::HuntReady { store });
    assert_eq!(a.lease.holders, 0);
    let fx = a.update(Msg::Tick(a.now));
    assert!(
        !fx.iter().any(|f| matches!(f, Effect::Hunt { .. })),
        "nothing changed"
    );
}

#[test]
fn without_logs_nothing_is_hunted() {
    let mut a = app(false);
    let _ = a.update(done(
        0,
        ok(vec![sighting(IndicatorType::Ipv4, "45.0.0.3", None, 0)]),
        1,
    ));
    let fx = a.update(Msg::Tick(a.now));
    assert!(!fx.iter().any(|f| matches!(f, Effect::Hunt { .. })));
}

#[test]
fn s_shows_one_sensors_hits_at_a_time_and_the_selection_follows() {
    let mut a = app(true);
    let mut hits: Vec<LogHit> = (0..6).map(|i| hit("45.0.0.3", i, 100 + i as i64)).collect();
    for (i, h) in hits.iter_mut().enumerate() {
        h.sensor = if i % 2 == 0 { "edge-a" } else { "edge-b" }.into();
    }
    let _ = a.update(Msg::Hits {
        hits,
        stored: false,
    });
    let _ = a.update(key(KeyCode::Char('h')));
    assert_eq!(a.hits.shown_len(), 6);
    let _ = a.update(key(KeyCode::Char('s')));
    assert_eq!(a.hits.sensor.as_deref(), Some("edge-a"));
    assert_eq!(a.hits.shown_len(), 3);
    assert!(a.hits.shown().all(|h| &*h.sensor == "edge-a"));
    let _ = a.update(key(KeyCode::Char('G')));
    assert_eq!(a.hits.selected, 2, "the last of the three shown");
    let kept = offset(a.hits.selected_hit().unwrap());
    // A newer hit of the sensor shown keeps the selection on the same hit; another
    // sensor's hit changes nothing shown.
    let mut newer = hit("45.0.0.3", 50, 900);
    newer.sensor = "edge-a".into();
    let mut other = hit("45.0.0.3", 51, 901);
    other.sensor = "edge-b".into();
    let _ = a.update(Msg::Hits {
        hits: vec![newer, other],
        stored: false,
    });
    assert_eq!(a.hits.shown_len(), 4);
    assert_eq!(offset(a.hits.selected_hit().unwrap()), kept);
    let _ = a.update(key(KeyCode::Char('s')));
    assert_eq!(a.hits.sensor.as_deref(), Some("edge-b"));
    assert_eq!(a.hits.selected, 0);
    let _ = a.update(key(KeyCode::Char('s')));
    assert_eq!(a.hits.sensor, None, "after the last sensor: all again");
    assert_eq!(a.hits.shown_len(), 8);
}

/// A followed log that cannot be read is said once in the log pane and kept for the
/// Hits view; once it can be read again, that is said and it is forgotten.
#[test]
fn an_unreadable_log_is_said_once_and_forgotten_once_readable() {
    let mut a = app(true);
    let status = |why: Option<&str>| Msg::LogStatus {
        path: "/var/log/eve.json".into(),
        unreadable: why.map(str::to_owned),
    };
    let why = "cannot read /var/log/eve.json: permission denied";
    let logs = |fx: &[Effect]| -> Vec<(tracing::Level, String)> {
        fx.iter()
            .filter_map(|f| match f {
                Effect::Log { level, text } => Some((*level, text.clone())),
                _ => None,
            })
            .collect()
    };
    let fx = a.update(status(Some(why)));
    assert_eq!(logs(&fx), [(tracing::Level::WARN, format!("logs: {why}"))]);
    assert_eq!(a.hits.unreadable.get("/var/log/eve.json").unwrap(), why);
    assert!(a.take_dirty());
    assert_eq!(logs(&a.update(status(Some(why)))), [], "said once");
    let fx = a.update(status(None));
    assert_eq!(
        logs(&fx),
        [(
            tracing::Level::INFO,
            "logs: reading /var/log/eve.json".into()
        )]
    );
    assert!(a.hits.unreadable.is_empty());
    assert_eq!(logs(&a.update(status(None))), []);
}
