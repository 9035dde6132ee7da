// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Every key path of triage through `update`: marking a hit or an indicator with and
//! without a note, cancelling, undoing, the allowlist key, the untriaged toggle, the
//! header's count, and how marks reach the store and come back from it.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::app::Msg;
use crate::app::tests::{loaded, t};
use crate::model::LogHit;
use crate::model::log_hit::sample;

fn key(a: &mut App, c: KeyCode) -> Vec<Effect> {
    a.update(Msg::Key(KeyEvent::new(c, KeyModifiers::NONE)))
}

fn ch(a: &mut App, c: char) -> Vec<Effect> {
    key(a, KeyCode::Char(c))
}

fn typed(a: &mut App, text: &str) {
    for c in text.chars() {
        let _ = ch(a, c);
    }
}

fn hit(value: &str, offset: u64, secs: i64) -> LogHit {
    sample(
        IndicatorType::Ipv4,
        value,
        "/var/log/eve.json",
        offset,
        t(secs).as_second(),
    )
}

/// Three hits read back from the store (rows 11, 12, 13; the newest, row 13, first),
/// two of 45.0.0.3 and one of 51.178.161.32, with a store in use; the Hits view open.
fn with_stored_hits() -> App {
    let mut a = loaded();
    a.cache = CacheState::Ready;
    a.triaging.analyst = "alice@soc.example".into();
    let _ = a.update(Msg::Tick(t(500)));
    let _ = a.update(Msg::StoredHits(vec![
        (13, hit("45.0.0.3", 300, 300)),
        (12, hit("51.178.161.32", 200, 200)),
        (11, hit("45.0.0.3", 100, 100)),
    ]));
    let _ = ch(&mut a, 'h');
    assert_eq!(a.mode, Mode::Hits);
    a
}

fn saves(fx: &[Effect]) -> Vec<Mark> {
    fx.iter()
        .filter_map(|f| match f {
            Effect::Triage(TriageEffect::Save(m)) => Some(m.clone()),
            _ => None,
        })
        .collect()
}

fn allowlists(fx: &[Effect]) -> Vec<(Box<str>, String)> {
    fx.iter()
        .filter_map(|f| match f {
            Effect::Triage(TriageEffect::Allowlist { value, comment }) => {
                Some((value.clone(), comment.clone()))
            }
            _ => None,
        })
        .collect()
}

fn selected_verdict(a: &App) -> Option<(Option<Verdict>, Scope)> {
    let h = a.hits.selected_hit()?;
    a.hits.verdict_of(h).map(|(held, s)| (held.verdict(), s))
}

#[test]
fn f_asks_for_a_note_and_enter_marks_the_selected_hit_a_false_positive() {
    let mut a = with_stored_hits();
    assert_eq!(a.hits.untriaged(), 3);
    assert!(
        ch(&mut a, 'f').is_empty(),
        "nothing happens before the note"
    );
    assert_eq!(a.mode, Mode::Note);
    assert_eq!(a.shown_mode(), Mode::Hits, "the Hits view stays on screen");
    assert_eq!(selected_verdict(&a), None);
    typed(&mut a, "cdn edge");
    let _ = key(&mut a, KeyCode::Backspace);
    typed(&mut a, "e");
    let fx = key(&mut a, KeyCode::Enter);
    assert_eq!(a.mode, Mode::Hits);
    assert!(a.triaging.prompt.is_none());
    let want = Mark {
        kind: IndicatorType::Ipv4,
        indicator: "45.0.0.3".into(),
        hit: Some(13),
        verdict: Some(Verdict::FalsePositive),
        note: Some("cdn edge".into()),
        by: "alice@soc.example".into(),
        at: t(500),
    };
    assert_eq!(saves(&fx), vec![want.clone()]);
    assert!(allowlists(&fx).is_empty());
    assert_eq!(
        selected_verdict(&a),
        Some((Some(Verdict::FalsePositive), Scope::Hit))
    );
    assert_eq!(a.hits.untriaged(), 2, "the header's count");
    let msg = a.export_status.clone().unwrap_or_default();
    assert!(
        msg.contains("this hit of ipv4 45.0.0.3 marked a false positive, with its note"),
        "{msg}"
    );
    // The other hit of the same indicator is not triaged by a hit's mark.
    let _ = ch(&mut a, 'G');
    assert_eq!(selected_verdict(&a), None);
    // The store keeps it: row 40 comes back, and the same mark read from the store
    // again changes nothing.
    let _ = a.update(Msg::Triage(TriageMsg::Saved {
        id: 40,
        mark: want.clone(),
    }));
    let held = a.hits.triage.hit_mark(IndicatorType::Ipv4, "45.0.0.3", 13);
    assert_eq!(held.map(|h| h.saved), Some(Saved::Stored(40)));
    let _ = a.take_dirty();
    let _ = a.update(Msg::Triage(TriageMsg::Stored(vec![(40, want)])));
    assert!(!a.take_dirty(), "nothing new to draw");
}

#[test]
fn t_marks_a_true_positive_and_an_empty_note_is_no_note() {
    let mut a = with_stored_hits();
    let _ = ch(&mut a, 't');
    assert_eq!(a.mode, Mode::Note);
    let fx = key(&mut a, KeyCode::Enter);
    let saved = saves(&fx);
    assert_eq!(saved.len(), 1);
    assert_eq!(saved[0].verdict, Some(Verdict::TruePositive));
    assert_eq!(saved[0].note, None);
    assert_eq!(
        selected_verdict(&a),
        Some((Some(Verdict::TruePositive), Scope::Hit))
    );
    // Spaces alone are no note either.
    let _ = ch(&mut a, 'j');
    let _ = ch(&mut a, 't');
    typed(&mut a, "   ");
    let fx = key(&mut a, KeyCode::Enter);
    assert_eq!(saves(&fx)[0].note, None);
}

#[test]
fn esc_in_the_note_prompt_cancels_the_mark() {
    let mut a = with_stored_hits();
    let _ = ch(&mut a, 'f');
    typed(&mut a, "not this one");
    let fx = key(&mut a, KeyCode::Esc);
    assert!(fx.is_empty(), "{fx:?}");
    assert_eq!(a.mode, Mode::Hits, "back in the Hits view, not closed");
    assert!(a.triaging.prompt.is_none());
    assert_eq!(selected_verdict(&a), None);
    assert_eq!(a.hits.untriaged(), 3);
    assert_eq!(a.notice.as_deref(), Some("mark cancelled"));
    // Typed letters went to the note, not to the keys they are elsewhere.
    assert_eq!(a.hits.sensor, None);
    assert!(!a.hits.untriaged_only);
}

#[test]
fn the_note_prompt_edits_its_line_and_takes_no_control_characters() {
    let mut a = with_stored_hits();
    let _ = ch(&mut a, 'f');
    typed(&mut a, "our scanner x");
    let _ = key(&mut a, KeyCode::Home);
    typed(&mut a, "it is ");
    let _ = a.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('e'),
        KeyModifiers::CONTROL,
    )));
    let _ = a.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('w'),
        KeyModifiers::CONTROL,
    )));
    typed(&mut a, "\u{1b}]0;x\u{7}");
    let note = a
        .triaging
        .prompt
        .as_ref()
        .map(|p| p.note.as_str().to_string());
    assert_eq!(note.as_deref(), Some("it is our scanner ]0;x"));
    // A note cannot grow past its limit.
    typed(&mut a, &"y".repeat(NOTE_MAX * 2));
    let fx = key(&mut a, KeyCode::Enter);
    let saved = saves(&fx);
    assert_eq!(
        saved[0].note.as_deref().map(|n| n.chars().count()),
        Some(NOTE_MAX)
    );
}

#[test]
fn u_undoes_the_hits_own_mark_then_its_indicators() {
    let mut a = with_stored_hits();
    // Nothing to undo yet.
    let fx = ch(&mut a, 'u');
    assert!(saves(&fx).is_empty());
    assert!(
        a.export_status
            .as_deref()
            .is_some_and(|m| m.starts_with("nothing to undo")),
        "{:?}",
        a.export_status
    );
    // The indicator marked from its details triages its every hit.
    let _ = key(&mut a, KeyCode::Esc);
    let _ = a.update(Msg::Triage(TriageMsg::Stored(vec![(
        5,
        Mark {
            kind: IndicatorType::Ipv4,
            indicator: "45.0.0.3".into(),
            hit: None,
            verdict: Some(Verdict::FalsePositive),
            note: None,
            by: "bob@soc.example".into(),
            at: t(400),
        },
    )])));
    let _ = ch(&mut a, 'h');
    assert_eq!(a.hits.untriaged(), 1);
    let _ = ch(&mut a, 't');
    let _ = key(&mut a, KeyCode::Enter);
    assert_eq!(
        selected_verdict(&a),
        Some((Some(Verdict::TruePositive), Scope::Hit)),
        "the hit's own mark is in effect over its indicator's"
    );
    // `u` undoes the hit's own mark: its indicator's shows again.
    let fx = ch(&mut a, 'u');
    let undone = saves(&fx);
    assert_eq!(undone.len(), 1);
    assert_eq!((undone[0].hit, undone[0].verdict), (Some(13), None));
    assert_eq!(
        selected_verdict(&a),
        Some((Some(Verdict::FalsePositive), Scope::Indicator))
    );
    // Again: the indicator's mark is undone, for every hit of it.
    let fx = ch(&mut a, 'u');
    let undone = saves(&fx);
    assert_eq!((undone[0].hit, undone[0].verdict), (None, None));
    assert_eq!(selected_verdict(&a), None);
    assert_eq!(a.hits.untriaged(), 3);
    assert!(
        a.export_status
            .as_deref()
            .is_some_and(|m| m.contains("ipv4 45.0.0.3: mark undone")),
        "{:?}",
        a.export_status
    );
}

#[test]
fn in_an_indicators_details_the_keys_mark_the_indicator() {
    let mut a = with_stored_hits();
    let _ = key(&mut a, KeyCode::Esc);
    // The table's first row is 45.0.0.3 (newest last seen).
    let e = a.store.get(a.selected_entry().unwrap()).unwrap();
    assert_eq!(&*e.value, "45.0.0.3");
    // In the table itself, `t` is still the type filter and `f`, `u` do nothing.
    let _ = ch(&mut a, 't');
    assert_eq!(a.type_filter, Some(IndicatorType::ALL[0]));
    let _ = ch(&mut a, 't');
    for _ in 1..IndicatorType::ALL.len() {
        let _ = ch(&mut a, 't');
    }
    assert_eq!(a.type_filter, None);
    assert!(ch(&mut a, 'f').is_empty());
    assert_eq!(a.mode, Mode::Normal);
    let _ = key(&mut a, KeyCode::Enter);
    assert_eq!(a.mode, Mode::Details);
    let _ = ch(&mut a, 'f');
    assert_eq!(a.shown_mode(), Mode::Details);
    typed(&mut a, "resolver");
    let fx = key(&mut a, KeyCode::Enter);
    assert_eq!(a.mode, Mode::Details);
    let saved = saves(&fx);
    assert_eq!(
        (saved[0].hit, saved[0].verdict),
        (None, Some(Verdict::FalsePositive))
    );
    assert_eq!(&*saved[0].indicator, "45.0.0.3");
    assert_eq!(
        a.hits
            .triage
            .false_positive_since(IndicatorType::Ipv4, "45.0.0.3"),
        Some(t(500))
    );
    assert_eq!(a.hits.untriaged(), 1, "both hits of 45.0.0.3 are triaged");
    let _ = ch(&mut a, 'u');
    assert_eq!(a.hits.untriaged(), 3);
    // Undoing again finds nothing on the indicator.
    let fx = ch(&mut a, 'u');
    assert!(saves(&fx).is_empty());
}

#[test]
fn shift_f_marks_a_false_positive_and_adds_the_value_to_the_local_allowlist() {
    let mut a = with_stored_hits();
    let _ = ch(&mut a, 'F');
    let prompt = a.triaging.prompt.clone().unwrap();
    assert!(prompt.allowlist);
    assert_eq!(prompt.verdict, Verdict::FalsePositive);
    typed(&mut a, "our CDN");
    let fx = key(&mut a, KeyCode::Enter);
    assert_eq!(saves(&fx).len(), 1);
    let added = allowlists(&fx);
    assert_eq!(added.len(), 1);
    assert_eq!(&*added[0].0, "45.0.0.3");
    assert!(
        added[0]
            .1
            .contains("false positive ipv4 45.0.0.3, marked by alice@soc.example"),
        "{}",
        added[0].1
    );
    assert!(added[0].1.ends_with(": our CDN"), "{}", added[0].1);
    assert!(
        a.export_status
            .as_deref()
            .is_some_and(|m| m.contains("adding it to the local allowlist")),
        "{:?}",
        a.export_status
    );
    let path = std::path::PathBuf::from("/home/alice/.local/share/intellisiem/allowlist.txt");
    for (result, says) in [
        (
            Ok((path.clone(), Appended::Added)),
            "false positive 45.0.0.3 added to the local allowlist /home/alice",
        ),
        (
            Ok((path, Appended::AlreadyListed)),
            "is in the local allowlist /home/alice/.local/share/intellisiem/allowlist.txt already",
        ),
        (
            Err("permission denied".into()),
            "not added to the local allowlist: permission denied",
        ),
    ] {
        let _ = a.update(Msg::Triage(TriageMsg::Allowlisted {
            value: "45.0.0.3".into(),
            result,
        }));
        let msg = a.export_status.clone().unwrap_or_default();
        assert!(msg.contains(says), "{msg}");
    }
}

#[test]
fn shift_u_shows_only_the_untriaged_hits_and_the_header_counts_them() {
    let mut a = with_stored_hits();
    let _ = ch(&mut a, 'f');
    let _ = key(&mut a, KeyCode::Enter);
    assert_eq!(a.hits.untriaged(), 2);
    let _ = ch(&mut a, 'U');
    assert!(a.hits.untriaged_only);
    assert_eq!(a.hits.shown_len(), 2);
    assert!(a.hits.shown().all(|h| a.hits.verdict_of(h).is_none()));
    // Marking one takes it out of the list; the selection stays on a hit shown.
    let _ = ch(&mut a, 'G');
    let _ = ch(&mut a, 't');
    let _ = key(&mut a, KeyCode::Enter);
    assert_eq!(a.hits.shown_len(), 1);
    assert_eq!(a.hits.selected, 0);
    assert!(a.hits.selected_hit().is_some());
    // Marks from another dashboard count too.
    let _ = a.update(Msg::Triage(TriageMsg::Stored(vec![(
        9,
        Mark {
            kind: IndicatorType::Ipv4,
            indicator: "51.178.161.32".into(),
            hit: Some(12),
            verdict: Some(Verdict::TruePositive),
            note: None,
            by: "bob@soc.example".into(),
            at: t(450),
        },
    )])));
    assert_eq!(a.hits.untriaged(), 0);
    assert_eq!(a.hits.shown_len(), 0);
    assert!(a.hits.selected_hit().is_none());
    // `u` with nothing shown does nothing; `U` shows every hit again.
    assert!(ch(&mut a, 'u').is_empty());
    let _ = ch(&mut a, 'U');
    assert!(!a.hits.untriaged_only);
    assert_eq!(a.hits.shown_len(), 3);
}

#[test]
fn a_hit_found_here_is_marked_at_once_and_saved_once_it_is_stored() {
    let mut a = loaded();
    a.cache = CacheState::Ready;
    a.hits.enabled = true;
    let _ = a.update(Msg::Tick(t(500)));
    let live = hit("45.0.0.3", 700, 450);
    let _ = a.update(Msg::Hits {
        hits: vec![live.clone()],
        stored: false,
    });
    let _ = ch(&mut a, 'h');
    let _ = ch(&mut a, 'f');
    let fx = key(&mut a, KeyCode::Enter);
    assert!(
        saves(&fx).is_empty(),
        "no row id yet: nothing to name it by"
    );
    assert_eq!(
        selected_verdict(&a),
        Some((Some(Verdict::FalsePositive), Scope::Hit))
    );
    assert!(
        a.export_status
            .as_deref()
            .is_some_and(|m| m.contains("saved once the hit is stored")),
        "{:?}",
        a.export_status
    );
    // Read back with its row id: the mark moves there and is saved.
    let fx = a.update(Msg::StoredHits(vec![(77, live)]));
    let saved = saves(&fx);
    assert_eq!(saved.len(), 1);
    assert_eq!(saved[0].hit, Some(77));
    assert_eq!(a.hits.total, 1, "held once");
    assert_eq!(
        selected_verdict(&a),
        Some((Some(Verdict::FalsePositive), Scope::Hit))
    );
    // Stored, it is not saved again.
    let _ = a.update(Msg::Triage(TriageMsg::Saved {
        id: 3,
        mark: saved[0].clone(),
    }));
    let fx = a.update(Msg::StoredHits(vec![(77, hit("45.0.0.3", 700, 450))]));
    assert!(saves(&fx).is_empty());
}

#[test]
fn without_a_store_marks_last_until_quitting_and_a_failed_save_says_so() {
    let mut a = loaded();
    a.hits.enabled = true;
    let _ = a.update(Msg::Hits {
        hits: vec![hit("45.0.0.3", 0, 10)],
        stored: false,
    });
    assert_eq!(a.cache, CacheState::Off);
    let _ = ch(&mut a, 'h');
    let _ = ch(&mut a, 't');
    let fx = key(&mut a, KeyCode::Enter);
    assert!(saves(&fx).is_empty());
    assert!(
        a.export_status
            .as_deref()
            .is_some_and(|m| m.contains("no store: kept until you quit")),
        "{:?}",
        a.export_status
    );
    assert_eq!(a.hits.untriaged(), 0);
    // With a store that refuses it, the mark stays shown and the header says why.
    let mut a = with_stored_hits();
    let _ = ch(&mut a, 'f');
    let fx = key(&mut a, KeyCode::Enter);
    let mark = saves(&fx).remove(0);
    let _ = a.update(Msg::Triage(TriageMsg::NotSaved {
        mark: mark.clone(),
        why: "store read-only for this role".into(),
    }));
    let msg = a.export_status.clone().unwrap_or_default();
    assert!(msg.contains("mark not saved (store read-only"), "{msg}");
    let held = a.hits.triage.hit_mark(IndicatorType::Ipv4, "45.0.0.3", 13);
    assert_eq!(held.map(|h| h.saved), Some(Saved::Unsaved));
    assert_eq!(selected_verdict(&a).map(|v| v.0), Some(mark.verdict));
}

#[test]
fn a_hit_marked_in_its_details_goes_back_to_the_list_when_it_leaves_it() {
    let mut a = with_stored_hits();
    let _ = ch(&mut a, 'U');
    let _ = key(&mut a, KeyCode::Enter);
    assert_eq!(a.mode, Mode::HitDetails);
    let _ = ch(&mut a, 'f');
    assert_eq!(a.shown_mode(), Mode::HitDetails);
    let _ = key(&mut a, KeyCode::Enter);
    // Another untriaged hit is selected now: its details would not be the hit marked.
    assert_eq!(a.hits.untriaged(), 2);
    assert_eq!(a.mode, Mode::Hits);
    let sel = a.hits.selected_hit().unwrap();
    assert!(a.hits.verdict_of(sel).is_none());
    // Without the toggle, the details stay on the hit marked.
    let _ = ch(&mut a, 'U');
    let _ = key(&mut a, KeyCode::Enter);
    let _ = ch(&mut a, 't');
    let _ = key(&mut a, KeyCode::Enter);
    assert_eq!(a.mode, Mode::HitDetails);
    assert!(a.hits.verdict_of(a.hits.selected_hit().unwrap()).is_some());
}

#[test]
fn the_pointer_moves_nothing_under_the_note_prompt() {
    let mut a = with_stored_hits();
    let _ = a.update(Msg::Resize {
        width: 80,
        height: 24,
    });
    let _ = ch(&mut a, 'f');
    for p in [
        crate::app::mouse::Pointer::ScrollDown { x: 5, y: 5 },
        crate::app::mouse::Pointer::Click { x: 5, y: 6 },
    ] {
        let _ = a.update(Msg::Pointer(p));
    }
    assert_eq!((a.hits.selected, a.mode), (0, Mode::Note));
    let fx = key(&mut a, KeyCode::Enter);
    assert_eq!(
        saves(&fx)[0].hit,
        Some(13),
        "the hit selected when f was pressed"
    );
}

#[test]
fn marks_read_before_their_hits_show_once_the_hits_arrive() {
    let mut a = loaded();
    a.cache = CacheState::Ready;
    let _ = a.update(Msg::Triage(TriageMsg::Stored(vec![(
        1,
        Mark {
            kind: IndicatorType::Ipv4,
            indicator: "45.0.0.3".into(),
            hit: Some(13),
            verdict: Some(Verdict::FalsePositive),
            note: None,
            by: "bob@soc.example".into(),
            at: t(400),
        },
    )])));
    let _ = a.update(Msg::StoredHits(vec![
        (13, hit("45.0.0.3", 300, 300)),
        (11, hit("45.0.0.3", 100, 100)),
    ]));
    assert_eq!(a.hits.untriaged(), 1);
    let _ = ch(&mut a, 'h');
    assert_eq!(
        selected_verdict(&a),
        Some((Some(Verdict::FalsePositive), Scope::Hit))
    );
    // A mark naming a row id the store gave another hit of another indicator (ids
    // reused after the table was emptied) does not triage it.
    let _ = a.update(Msg::Triage(TriageMsg::Stored(vec![(
        2,
        Mark {
            kind: IndicatorType::Ipv4,
            indicator: "192.0.2.99".into(),
            hit: Some(11),
            verdict: Some(Verdict::TruePositive),
            note: None,
            by: "bob@soc.example".into(),
            at: t(410),
        },
    )])));
    assert_eq!(a.hits.untriaged(), 1);
}
