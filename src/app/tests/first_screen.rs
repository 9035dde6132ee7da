// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The first screen: the table opens on its first row, newest first, with the selection
//! there, however the sources arrive; a new filter selects its first match.

use super::*;
use crate::store::persist::{CachedSource, SourceMeta};

/// The selection is on the first row, that row is on screen, and it is the newest.
fn on_the_newest_first_row(a: &App) {
    assert_eq!((a.selected, a.offset), (0, 0));
    let newest = a
        .rows
        .iter()
        .filter_map(|&i| a.store.get(i as usize))
        .filter_map(|e| e.last_seen().or_else(|| e.first_seen()))
        .max();
    let first = a.store.get(a.rows[0] as usize).unwrap();
    assert_eq!(first.last_seen().or_else(|| first.first_seen()), newest);
    assert_eq!(a.selected_entry(), Some(a.rows[0] as usize));
}

#[test]
fn the_demo_opens_on_its_newest_row() {
    let now = Timestamp::from_second(crate::demo::PICTURE_TIME).unwrap();
    for (w, h) in [(80, 24), (120, 40)] {
        let a = crate::demo::loaded_app(now, w, h);
        assert!(a.rows.len() > 100);
        on_the_newest_first_row(&a);
    }
}

/// A stored snapshot of `name` whose values were last seen at `last`.
fn stored(name: &str, last: i64, values: &[&str]) -> CachedSource {
    CachedSource {
        name: name.into(),
        meta: SourceMeta {
            fetched_at: Some(t(-60)),
            count: values.len(),
            ..Default::default()
        },
        sightings: values
            .iter()
            .map(|v| sighting(IndicatorType::Domain, v, None, last))
            .collect(),
        continues: false,
    }
}

#[test]
fn a_warm_start_opens_on_the_newest_row_whatever_order_the_snapshots_come_in() {
    let mut a = app();
    let _ = a.update(Msg::Resize {
        width: 80,
        height: 24,
    });
    let metas = ["feodo", "urlhaus"]
        .into_iter()
        .map(|n| (n.to_string(), SourceMeta::default()))
        .collect();
    let _ = a.update(Msg::CacheMeta(metas));
    let _ = a.update(Msg::Tick(t(0)));
    // The older snapshot first: its first row is on screen before the newer arrive.
    let _ = a.update(Msg::CachedSource(stored("feodo", -500, &["old.example"])));
    assert_eq!(a.rows.len(), 1);
    let _ = a.update(Msg::CachedSource(stored(
        "urlhaus",
        -10,
        &["new1.example", "new2.example"],
    )));
    let _ = a.update(Msg::CacheLoaded {
        sources: vec![],
        histories: vec![],
    });
    assert_eq!(a.rows.len(), 3);
    on_the_newest_first_row(&a);
    // Live fetches with newer rows still: the selection stays on the first.
    let _ = a.update(done(
        0,
        ok(vec![sighting(IndicatorType::Ipv4, "45.0.0.9", None, 5)]),
        6,
    ));
    on_the_newest_first_row(&a);
    assert_eq!(selected_value(&a).as_deref(), Some("45.0.0.9"));
}

#[test]
fn a_chosen_row_is_followed_but_a_new_filter_selects_its_first_match() {
    let mut a = loaded();
    let _ = a.update(ch('j'));
    let _ = a.update(ch('j'));
    let chosen = selected_value(&a);
    // A refresh that adds a newer row keeps the analyst's choice.
    let _ = a.update(ch('R'));
    let _ = a.update(done(
        0,
        ok(vec![
            sighting(IndicatorType::Ipv4, "45.0.0.99", None, 500),
            sighting(IndicatorType::Ipv4, "45.0.0.3", Some("Dridex"), 50),
            sighting(IndicatorType::Ipv4, "51.178.161.32", Some("QakBot"), 40),
            sighting(IndicatorType::Domain, "evil.example", None, 30),
        ]),
        20,
    ));
    assert_eq!(selected_value(&a), chosen);
    assert_eq!(a.selected, 3);
    // Typing a filter: the first row that matches, at every keystroke.
    let _ = a.update(ch('/'));
    for c in "45.".chars() {
        let _ = a.update(ch(c));
        assert_eq!(a.selected, 0, "after {c:?}");
    }
    assert_eq!(shown(&a)[0], "45.0.0.99");
    assert_eq!(selected_value(&a).as_deref(), Some("45.0.0.99"));
    // Moving in the filter prompt, then narrowing: the first match again.
    let _ = a.update(key(KeyCode::Down));
    assert_eq!(a.selected, 1);
    let _ = a.update(ch('0'));
    assert_eq!(a.selected, 0);
    let _ = a.update(key(KeyCode::Backspace));
    assert_eq!(a.selected, 0);
    // The line-editing keys change the filter too.
    let _ = a.update(key(KeyCode::Down));
    let ctrl_u = KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL);
    let _ = a.update(Msg::Key(ctrl_u));
    assert_eq!(a.filter_text.as_str(), "");
    assert_eq!(a.selected, 0);
    let _ = a.update(key(KeyCode::Esc));
    assert_eq!(selected_value(&a).as_deref(), Some("45.0.0.99"));
    // The type filter and hiding a source are new filters too.
    let _ = a.update(ch('G'));
    let _ = a.update(ch('t'));
    assert_eq!(a.selected, 0);
    let _ = a.update(ch('t'));
    let _ = a.update(ch('G'));
    let _ = a.update(key(KeyCode::Tab));
    let _ = a.update(ch(' '));
    let _ = a.update(key(KeyCode::Tab));
    assert_eq!(a.selected, 0);
}
