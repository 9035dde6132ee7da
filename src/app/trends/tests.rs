// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::app::tests::{app, loaded, t};
use crate::model::IndicatorType;

fn key(a: &mut App, c: KeyCode) -> Vec<Effect> {
    a.update(Msg::Key(KeyEvent::new(c, KeyModifiers::NONE)))
}

fn loads(fx: &[Effect]) -> Vec<Timestamp> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::LoadTrends { at } => Some(*at),
            _ => None,
        })
        .collect()
}

fn with_store() -> App {
    let mut a = loaded();
    a.cache = CacheState::Ready;
    a
}

fn hour(secs: i64, threat: Option<&str>, hits: u64) -> HitHour {
    HitHour {
        hour: t(secs),
        kind: IndicatorType::Ipv4,
        sensor: "edge-1".into(),
        threat: threat.map(Into::into),
        hits,
    }
}

#[test]
fn t_opens_the_view_and_reads_the_store_and_esc_or_t_close_it() {
    for close in [KeyCode::Esc, KeyCode::Char('T')] {
        let mut a = with_store();
        let fx = key(&mut a, KeyCode::Char('T'));
        assert_eq!(a.mode, Mode::Trends);
        assert_eq!(loads(&fx), vec![a.now], "read when opened");
        assert!(a.trends.loading);
        let fx = key(&mut a, close);
        assert_eq!(a.mode, Mode::Normal, "{close:?} closes");
        assert!(!a.quit, "{close:?} does not quit");
        assert!(loads(&fx).is_empty());
    }
    // `q` quits there as in every view where letters are keys.
    let mut a = with_store();
    let _ = key(&mut a, KeyCode::Char('T'));
    let _ = key(&mut a, KeyCode::Char('q'));
    assert!(a.quit);
}

#[test]
fn without_a_store_nothing_is_read() {
    let mut a = app();
    let fx = key(&mut a, KeyCode::Char('T'));
    assert_eq!(a.mode, Mode::Trends);
    assert!(loads(&fx).is_empty());
    assert!(!a.trends_have_store());
}

#[test]
fn new_hits_while_open_read_again_at_the_next_tick_one_read_at_a_time() {
    let mut a = with_store();
    let _ = key(&mut a, KeyCode::Char('T'));
    // Hits arrive while the first read is in flight: no second read yet.
    let hit = crate::model::log_hit::sample(IndicatorType::Ipv4, "45.0.0.3", "eve", 1, 5);
    let fx = a.update(Msg::Hits {
        hits: vec![hit],
        stored: false,
    });
    assert!(loads(&fx).is_empty());
    assert!(
        loads(&a.update(Msg::Tick(t(10)))).is_empty(),
        "one at a time"
    );
    // The read ends: the change seen meanwhile asks for one more.
    let fx = a.update(Msg::TrendsLoaded(Ok(TrendsData::default())));
    assert_eq!(loads(&fx).len(), 1);
    let fx = a.update(Msg::TrendsLoaded(Ok(TrendsData {
        at: t(10),
        ..Default::default()
    })));
    assert!(loads(&fx).is_empty(), "nothing new since");
    assert_eq!(a.trends.data.as_ref().map(|d| d.at), Some(t(10)));
    // A snapshot of another process: read again at the next tick.
    let _ = a.update(Msg::SharedSnapshot {
        source: "feodo".into(),
        sightings: Vec::new(),
        meta: None,
    });
    assert_eq!(loads(&a.update(Msg::Tick(t(11)))).len(), 1);
    // Closed: changes read nothing.
    let _ = a.update(Msg::TrendsLoaded(Err("store unreachable".into())));
    assert_eq!(a.trends.error.as_deref(), Some("store unreachable"));
    let _ = key(&mut a, KeyCode::Esc);
    let _ = a.update(Msg::StoredHits(Vec::new()));
    assert!(loads(&a.update(Msg::Tick(t(12)))).is_empty());
}

#[test]
fn the_windows_are_folded_into_hours_threats_and_days() {
    let at = t(0);
    let this_hour = at.as_second().div_euclid(3_600) * 3_600 - 1_800_000_000;
    let data = TrendsData {
        at,
        hours: vec![
            hour(this_hour - 47 * 3_600, Some("QakBot"), 2),
            hour(this_hour - 48 * 3_600, Some("Old"), 9),
            hour(this_hour, Some("Emotet"), 3),
            hour(this_hour, None, 4),
            hour(this_hour, Some("QakBot"), 1),
        ],
        days: vec![
            SourceDay {
                source: "urlhaus".into(),
                day: t(0),
                count: 5,
            },
            SourceDay {
                source: "feodo".into(),
                day: t(-86_400),
                count: 7,
            },
        ],
    };
    let per = data.hits_per_hour();
    assert_eq!(per.len(), HOURS_SHOWN as usize);
    assert_eq!(
        (per[0], per[47]),
        (2, 8),
        "the oldest hour first, the newest last"
    );
    assert_eq!(
        per.iter().sum::<u64>(),
        10,
        "the hour before the window is left out"
    );
    assert_eq!(data.top_threats(), vec![("Emotet", 3), ("QakBot", 3)]);
    let held = data.held_per_source();
    assert_eq!(held[0].0, "feodo");
    assert_eq!(held[0].1[DAYS_SHOWN as usize - 2], Some(7));
    assert_eq!(held[1].1[DAYS_SHOWN as usize - 1], Some(5));
    assert_eq!(held[1].1[0], None);
}
