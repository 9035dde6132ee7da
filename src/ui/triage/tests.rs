// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Snapshots of triage on screen: the Hits view with marks (glyphs, the selected hit's
//! mark under the list, the header's count), in ASCII, with only the untriaged hits,
//! the note prompt, and a hit's and an indicator's details with their marks.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::app::tests::{loaded, t};
use crate::app::triage::TriageMsg;
use crate::app::{App, CacheState, Msg};
use crate::model::IndicatorType;
use crate::model::log_hit::sample;
use crate::trust::triage::{Mark, Verdict};
use crate::ui::tests::screen;

fn key(app: &mut App, c: KeyCode) {
    let _ = app.update(Msg::Key(KeyEvent::new(c, KeyModifiers::NONE)));
}

fn mark(value: &str, hit: Option<i64>, verdict: Verdict, note: Option<&str>, by: &str) -> Mark {
    Mark {
        kind: IndicatorType::Ipv4,
        indicator: value.into(),
        hit,
        verdict: Some(verdict),
        note: note.map(Into::into),
        by: by.into(),
        at: t(3_600),
    }
}

/// Four stored hits (rows 21 to 24), newest first: 45.0.0.3's newest marked a false
/// positive with a hostile note; 51.178.161.32 confirmed as an indicator by another
/// analyst (so its hit is triaged by its indicator's mark); one of 45.0.0.3 left
/// untriaged; its oldest confirmed on its own. The Hits view open.
fn marked() -> App {
    let mut a = loaded();
    a.cache = CacheState::Ready;
    a.hits.enabled = true;
    let hit = |v: &str, offset: u64, secs: i64| {
        sample(
            IndicatorType::Ipv4,
            v,
            "/var/log/suricata/eve.json",
            offset,
            t(secs).as_second(),
        )
    };
    let _ = a.update(Msg::StoredHits(vec![
        (24, hit("45.0.0.3", 400, 400)),
        (23, hit("51.178.161.32", 300, 300)),
        (22, hit("45.0.0.3", 200, 200)),
        (21, hit("45.0.0.3", 100, 100)),
    ]));
    let _ = a.update(Msg::Triage(TriageMsg::Stored(vec![
        (
            1,
            mark(
                "45.0.0.3",
                Some(24),
                Verdict::FalsePositive,
                Some("CDN edge \u{202e}moc.live\u{1b}]0;x"),
                "alice@soc-1.example",
            ),
        ),
        (
            2,
            mark(
                "51.178.161.32",
                None,
                Verdict::TruePositive,
                Some("QakBot C2, blocked"),
                "bob@soc-2.example",
            ),
        ),
        (
            3,
            mark(
                "45.0.0.3",
                Some(21),
                Verdict::TruePositive,
                None,
                "bob@soc-2.example",
            ),
        ),
    ])));
    key(&mut a, KeyCode::Char('h'));
    a
}

#[test]
fn hits_with_marks() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut a = marked();
        let s = screen(&mut a, w, h);
        assert!(s.contains("1 untriaged hit "), "{s}");
        assert!(s.contains('✘') && s.contains('✔'), "{s}");
        assert!(!s.contains('\u{1b}') && !s.contains('\u{202e}'), "{s}");
        insta::assert_snapshot!(format!("hits_marked_{w}x{h}"), s);
    }
}

#[test]
fn hits_with_marks_in_ascii() {
    let mut a = marked();
    a.ascii = true;
    key(&mut a, KeyCode::Down);
    let s = screen(&mut a, 120, 40);
    assert!(s.contains("T true positive (on the indicator)"), "{s}");
    for line in s.lines() {
        let body = line.trim_matches('"');
        assert!(
            body.chars().all(|c| c.is_ascii() && !c.is_ascii_control()),
            "{body:?}"
        );
    }
    insta::assert_snapshot!("hits_marked_ascii_120x40", s);
}

#[test]
fn only_the_untriaged_hits() {
    let mut a = marked();
    key(&mut a, KeyCode::Char('U'));
    let s = screen(&mut a, 80, 24);
    assert!(s.contains("Hits (1) · untriaged only"), "{s}");
    insta::assert_snapshot!("hits_untriaged_only_80x24", s);
    // The last one marked: the list says every hit is triaged.
    key(&mut a, KeyCode::Char('t'));
    key(&mut a, KeyCode::Enter);
    let s = screen(&mut a, 80, 24);
    assert!(
        s.contains("Every hit here is triaged (U: show them all)."),
        "{s}"
    );
    assert!(s.contains("0 untriaged hits"), "{s}");
}

#[test]
fn the_note_prompt() {
    let mut a = marked();
    key(&mut a, KeyCode::Char('j'));
    key(&mut a, KeyCode::Char('j'));
    key(&mut a, KeyCode::Char('F'));
    for c in "our scanner".chars() {
        key(&mut a, KeyCode::Char(c));
    }
    let s = screen(&mut a, 80, 24);
    assert!(
        s.contains("✘ false positive + allowlist, note: our scanner▏  Enter save · Esc cancel"),
        "{s}"
    );
    insta::assert_snapshot!("note_prompt_80x24", s);
}

#[test]
fn details_with_marks() {
    let mut a = marked();
    key(&mut a, KeyCode::Enter);
    let s = screen(&mut a, 120, 40);
    assert!(s.contains("Triage"), "{s}");
    insta::assert_snapshot!("hit_details_marked_120x40", s);
    // An indicator's details: its own mark, and its hits' marks counted.
    key(&mut a, KeyCode::Esc);
    key(&mut a, KeyCode::Esc);
    let _ = a.update(Msg::Triage(TriageMsg::Stored(vec![(
        4,
        mark(
            "45.0.0.3",
            None,
            Verdict::FalsePositive,
            Some("shared hosting"),
            "carol@soc-3.example",
        ),
    )])));
    key(&mut a, KeyCode::Enter);
    // Below the score's parts (held at 0 by the mark): scrolled to.
    for _ in 0..10 {
        key(&mut a, KeyCode::Char('j'));
    }
    let s = screen(&mut a, 120, 40);
    assert!(s.contains("1 false positive · 1 true positive"), "{s}");
    assert!(s.contains("held at 0 until a source republishes it"), "{s}");
    insta::assert_snapshot!("indicator_details_marked_120x40", s);
}
