// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Snapshots of the Hits view, a hit's details, the table's hit marker and an
//! indicator's sightings, on a `TestBackend` with a fixed clock.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::app::tests::{loaded, t};
use crate::app::{App, Msg};
use crate::model::log_hit::sample;
use crate::model::{IndicatorType, LogHit};
use crate::ui::tests::screen;

fn key(app: &mut App, c: KeyCode) {
    let _ = app.update(Msg::Key(KeyEvent::new(c, KeyModifiers::NONE)));
}

fn hits() -> Vec<LogHit> {
    let mut a = sample(
        IndicatorType::Ipv4,
        "45.0.0.3",
        "/var/log/suricata/eve.json",
        1_204,
        t(100).as_second(),
    );
    a.found = t(101);
    let mut b = sample(
        IndicatorType::Domain,
        "evil.example",
        "/var/log/zeek/dns.log",
        88,
        t(50).as_second(),
    );
    b.field = "dns.question.name".into();
    b.atomic = "cdn.evil.example".into();
    b.module = "zeek".into();
    b.sources = Box::new(["feodo".into()]);
    b.sensor = "zeek-2".into();
    b.threat = None;
    b.retro = true;
    b.found = t(200);
    let mut c = a.clone();
    c.at = t(150);
    // A hostile log line cannot write to the terminal.
    c.origin = crate::model::Origin::File {
        path: "/var/log/\u{1b}]0;owned\u{7}.log".into(),
        offset: 2_048,
    };
    vec![a, b, c]
}

fn with_hits() -> App {
    let mut a = loaded();
    a.hits.enabled = true;
    let _ = a.update(Msg::Hits {
        hits: hits(),
        stored: false,
    });
    a
}

#[test]
fn hits_view() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut a = with_hits();
        key(&mut a, KeyCode::Char('h'));
        key(&mut a, KeyCode::Down);
        let s = screen(&mut a, w, h);
        assert!(!s.contains('\u{1b}'), "no raw escape reaches the screen");
        insta::assert_snapshot!(format!("hits_view_{w}x{h}"), s);
    }
}

#[test]
fn hit_details() {
    let mut a = with_hits();
    key(&mut a, KeyCode::Char('h'));
    key(&mut a, KeyCode::Char('G'));
    key(&mut a, KeyCode::Enter);
    insta::assert_snapshot!("hit_details_120x40", screen(&mut a, 120, 40));
}

#[test]
fn hits_view_empty() {
    let mut a = loaded();
    key(&mut a, KeyCode::Char('h'));
    insta::assert_snapshot!("hits_view_no_logs_80x24", screen(&mut a, 80, 24));
    a.hits.enabled = true;
    insta::assert_snapshot!("hits_view_none_yet_80x24", screen(&mut a, 80, 24));
}

/// A followed log that cannot be read is named, with why, where the hits would be.
#[test]
fn hits_view_empty_names_the_logs_that_cannot_be_read() {
    let mut a = loaded();
    a.hits.enabled = true;
    for (path, why) in [
        (
            "/var/log/suricata/eve.json",
            "cannot read /var/log/suricata/eve.json: permission denied",
        ),
        (
            "/var/log/zeek/conn.log",
            "/var/log/zeek/conn.log does not exist (yet); it is read once it appears",
        ),
    ] {
        let _ = a.update(Msg::LogStatus {
            path: path.into(),
            unreadable: Some(why.into()),
        });
    }
    key(&mut a, KeyCode::Char('h'));
    let s = screen(&mut a, 80, 24);
    assert!(s.contains("permission denied"), "{s}");
    insta::assert_snapshot!("hits_view_unreadable_80x24", s);
    // Readable again: no longer named.
    let _ = a.update(Msg::LogStatus {
        path: "/var/log/suricata/eve.json".into(),
        unreadable: None,
    });
    assert!(!screen(&mut a, 80, 24).contains("permission denied"));
}

#[test]
fn table_marks_indicators_seen_in_the_logs_and_details_list_sightings() {
    let mut a = with_hits();
    let s = screen(&mut a, 120, 40);
    assert!(s.contains("◉2 45.0.0.3"), "{s}");
    insta::assert_snapshot!("hits_marker_120x40", s);
    // 45.0.0.3 is the first row (newest last seen).
    while a
        .selected_entry()
        .and_then(|i| a.store.get(i))
        .is_some_and(|e| &*e.value != "45.0.0.3")
    {
        key(&mut a, KeyCode::Down);
    }
    key(&mut a, KeyCode::Enter);
    insta::assert_snapshot!("hits_indicator_details_120x40", screen(&mut a, 120, 40));
}

#[test]
fn in_ascii_the_hits_view_and_marks_keep_their_meaning_in_ascii() {
    let mut a = with_hits();
    a.ascii = true;
    let table = screen(&mut a, 120, 40);
    assert!(table.contains("@2 45.0.0.3"), "{table}");
    key(&mut a, KeyCode::Char('h'));
    let s = screen(&mut a, 120, 40);
    assert!(s.contains("R retro-hunt 1"), "{s}");
    assert!(
        s.contains("+ Hits (3)") || s.contains("+-"),
        "ASCII borders: {s}"
    );
    for line in s.lines().chain(table.lines()) {
        let body = line.trim_matches('"');
        assert!(
            body.chars().all(|c| c.is_ascii() && !c.is_ascii_control()),
            "{body:?}"
        );
    }
}
