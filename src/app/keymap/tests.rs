// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The binding table against key handling, the help overlay and the hints.

use super::*;
use crate::config::keys::KeyRemap;
use crossterm::event::KeyEventKind;

fn action(mode: Mode, key: KeyEvent) -> Option<Action> {
    Keymap::default().action(mode, key)
}

fn help_lines() -> Vec<(String, &'static str)> {
    Keymap::default()
        .help_lines()
        .into_iter()
        .map(|(k, t)| (k.into_owned(), t))
        .collect()
}

fn hints(place: Place) -> Vec<(String, &'static str)> {
    Keymap::default()
        .hints(place)
        .into_iter()
        .map(|(k, t)| (k.into_owned(), t))
        .collect()
}

fn k(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

#[test]
fn every_design_key_is_bound_in_normal_mode() {
    let expect = [
        (KeyCode::Char('q'), Action::Quit),
        (KeyCode::Char('?'), Action::Help),
        (KeyCode::Char('/'), Action::FilterStart),
        (KeyCode::Tab, Action::FocusNext),
        (KeyCode::BackTab, Action::FocusPrev),
        (KeyCode::Char('r'), Action::RefreshSelected),
        (KeyCode::Char('R'), Action::RefreshAll),
        (KeyCode::Char(' '), Action::ToggleSource),
        (KeyCode::Char('t'), Action::CycleType),
        (KeyCode::Char('s'), Action::CycleSort),
        (KeyCode::Char('S'), Action::ReverseSort),
        (KeyCode::Enter, Action::Details),
        (KeyCode::Char('e'), Action::Enrich),
        (KeyCode::Char('y'), Action::Copy),
        (KeyCode::Char('x'), Action::Export),
        (KeyCode::Char('l'), Action::LogSize),
        (KeyCode::Char('j'), Action::Down),
        (KeyCode::Char('k'), Action::Up),
        (KeyCode::Down, Action::Down),
        (KeyCode::Up, Action::Up),
        (KeyCode::PageUp, Action::PageUp),
        (KeyCode::PageDown, Action::PageDown),
        (KeyCode::Char('g'), Action::Top),
        (KeyCode::Char('G'), Action::Bottom),
        (KeyCode::Home, Action::Top),
        (KeyCode::End, Action::Bottom),
    ];
    for (code, want) in expect {
        assert_eq!(action(Mode::Normal, k(code)), Some(want), "{code:?}");
    }
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    for mode in [Mode::Normal, Mode::Filter, Mode::Details, Mode::Help] {
        assert_eq!(action(mode, ctrl_c), Some(Action::Quit), "{mode:?}");
    }
}

#[test]
fn filter_mode_types_letters() {
    assert_eq!(
        action(Mode::Filter, k(KeyCode::Char('q'))),
        Some(Action::FilterChar('q'))
    );
    assert_eq!(
        action(Mode::Filter, k(KeyCode::Char('/'))),
        Some(Action::FilterChar('/'))
    );
    assert_eq!(
        action(Mode::Filter, k(KeyCode::Enter)),
        Some(Action::FilterKeep)
    );
    assert_eq!(
        action(Mode::Filter, k(KeyCode::Esc)),
        Some(Action::FilterClear)
    );
}

#[test]
fn no_key_is_bound_twice_in_normal_mode() {
    let codes: Vec<KeyCode> = (0u8..128)
        .map(|c| KeyCode::Char(c as char))
        .chain([KeyCode::Enter, KeyCode::Tab, KeyCode::BackTab, KeyCode::Esc])
        .collect();
    // Each action other than movement/top/bottom has exactly one key.
    let mut seen = std::collections::HashMap::new();
    for c in codes {
        if let Some(a) = action(Mode::Normal, k(c)) {
            *seen.entry(format!("{a:?}")).or_insert(0) += 1;
        }
    }
    for (a, n) in seen {
        let multi = ["Up", "Down", "Top", "Bottom"].contains(&a.as_str());
        assert!(n == 1 || multi, "{a} bound {n} times");
    }
}

/// Every name a key goes by on screen.
fn names(k: Key) -> Vec<String> {
    let ctrl = k.mods.contains(KeyModifiers::CONTROL);
    assert!(
        (k.mods - KeyModifiers::CONTROL).is_empty(),
        "name the modifiers of {k:?}"
    );
    let name = |s: &str| vec![s.to_string()];
    match k.code {
        KeyCode::Char(c) if ctrl => vec![format!("Ctrl-{}", c.to_ascii_uppercase())],
        KeyCode::Char(' ') => name("Space"),
        KeyCode::Char(c) => vec![c.to_string()],
        KeyCode::Enter => vec!["Enter".into(), "⏎".into()],
        KeyCode::Esc => name("Esc"),
        KeyCode::Tab => name("Tab"),
        KeyCode::BackTab => name("Shift-Tab"),
        KeyCode::Backspace => name("Backspace"),
        KeyCode::Up => name("↑"),
        KeyCode::Down => name("↓"),
        KeyCode::Left => name("←"),
        KeyCode::Right => name("→"),
        KeyCode::PageUp => name("PgUp"),
        KeyCode::PageDown => name("PgDn"),
        KeyCode::Home => name("Home"),
        KeyCode::End => name("End"),
        KeyCode::Delete => name("Delete"),
        other => panic!("name {other:?}"),
    }
}

/// The keys a label names: words, and `r/R` for two keys (`/` alone is the key).
fn tokens(label: &str) -> Vec<&str> {
    label
        .split_whitespace()
        .flat_map(|w| {
            if w.len() > 1 && w.contains('/') {
                w.split('/').collect()
            } else {
                vec![w]
            }
        })
        .collect()
}

fn names_any(token: &str, mut keys: impl Iterator<Item = Key>) -> bool {
    keys.any(|k| names(k).iter().any(|n| n == token))
}

/// Every key event the table names, and a typed letter.
fn events() -> Vec<KeyEvent> {
    BINDINGS
        .iter()
        .flat_map(|b| b.keys)
        .map(|k| KeyEvent::new(k.code, k.mods))
        .chain([k(KeyCode::Char('a'))])
        .collect()
}

#[test]
fn every_action_is_reachable_by_some_key() {
    // No wildcard: a new action does not compile here until it is counted.
    fn variant(a: Action) -> usize {
        match a {
            Action::Quit => 0,
            Action::Help => 1,
            Action::Close => 2,
            Action::FilterStart => 3,
            Action::FilterChar(_) => 4,
            Action::FilterBackspace => 5,
            Action::FilterKeep => 6,
            Action::FilterClear => 7,
            Action::FocusNext => 8,
            Action::FocusPrev => 9,
            Action::RefreshSelected => 10,
            Action::RefreshAll => 11,
            Action::ToggleSource => 12,
            Action::CycleType => 13,
            Action::CycleSort => 14,
            Action::ReverseSort => 15,
            Action::Details => 16,
            Action::Enrich => 17,
            Action::Copy => 18,
            Action::Export => 19,
            Action::LogSize => 20,
            Action::Up => 21,
            Action::Down => 22,
            Action::PageUp => 23,
            Action::PageDown => 24,
            Action::Top => 25,
            Action::Bottom => 26,
            Action::CopyDefanged => 27,
            Action::CopyRecord => 28,
            Action::Mark => 29,
            Action::ClearMarks => 30,
            Action::PromptNext => 31,
            Action::PromptPrev => 32,
            Action::PromptLeft => 33,
            Action::PromptRight => 34,
            Action::PromptChar(_) => 35,
            Action::PromptBackspace => 36,
            Action::PromptSubmit => 37,
            Action::Hits => 38,
            Action::HitsSensor => 39,
            Action::Edit(_) => 40,
            Action::HitsUntriaged => 41,
            Action::MarkFalsePositive => 42,
            Action::MarkTruePositive => 43,
            Action::AllowlistFalsePositive => 44,
            Action::Unmark => 45,
            Action::NoteChar(_) => 46,
            Action::NoteSubmit => 47,
            Action::ToggleDecayed => 48,
            Action::Trends => 49,
        }
    }
    let mut reached = [false; 50];
    for mode in Mode::ALL {
        for e in events() {
            if let Some(a) = action(mode, e) {
                reached[variant(a)] = true;
            }
        }
    }
    let missing: Vec<usize> = (0..reached.len()).filter(|&i| !reached[i]).collect();
    assert!(missing.is_empty(), "actions no key reaches: {missing:?}");
}

#[test]
fn no_key_is_bound_twice_in_any_mode() {
    // A key (code and modifiers) names one action per mode, and the lookup finds that
    // action for the key pressed exactly, and with Shift or Alt held too.
    for mode in Mode::ALL {
        let mut seen = std::collections::HashMap::new();
        for b in BINDINGS.iter().filter(|b| b.modes.contains(&mode)) {
            for key in b.keys {
                if let Some(before) = seen.insert((key.code, key.mods), b.action)
                    && before != b.action
                {
                    panic!("{mode:?}: {key:?} bound to {before:?} and {:?}", b.action);
                }
                let e = KeyEvent::new(key.code, key.mods);
                assert_eq!(action(mode, e), Some(b.action), "{mode:?}: {key:?}");
            }
        }
    }
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert_eq!(action(Mode::Details, ctrl_c), Some(Action::Quit));
    assert_eq!(
        action(Mode::Details, k(KeyCode::Char('c'))),
        Some(Action::CopyRecord)
    );
}

#[test]
fn the_filter_prompt_binds_no_character_it_could_type() {
    for b in BINDINGS.iter().filter(|b| b.modes.contains(&Mode::Filter)) {
        for key in b.keys {
            if let KeyCode::Char(c) = key.code {
                assert!(
                    key.mods.contains(KeyModifiers::CONTROL),
                    "{c:?} would never reach the filter"
                );
            }
        }
    }
}

#[test]
fn details_help_and_filter_keep_their_own_keys() {
    for c in [KeyCode::Esc, KeyCode::Enter, KeyCode::Backspace] {
        assert_eq!(action(Mode::Details, k(c)), Some(Action::Close), "{c:?}");
    }
    for c in [KeyCode::Char('G'), KeyCode::End, KeyCode::Tab] {
        assert_eq!(action(Mode::Details, k(c)), None, "{c:?}");
    }
    assert_eq!(action(Mode::Details, k(KeyCode::Home)), Some(Action::Top));
    assert_eq!(
        action(Mode::Help, k(KeyCode::Char('q'))),
        Some(Action::Quit)
    );
    for c in [
        KeyCode::Char('?'),
        KeyCode::Esc,
        KeyCode::Enter,
        KeyCode::Tab,
    ] {
        assert_eq!(action(Mode::Help, k(c)), Some(Action::Close), "{c:?}");
    }
    let ctrl_x = KeyEvent::new(KeyCode::Char('x'), KeyModifiers::CONTROL);
    assert_eq!(action(Mode::Filter, ctrl_x), None);
    assert_eq!(action(Mode::Filter, k(KeyCode::Tab)), None);
    assert_eq!(
        action(Mode::Filter, k(KeyCode::Backspace)),
        Some(Action::FilterBackspace)
    );
    let shift_r = KeyEvent::new(KeyCode::Char('R'), KeyModifiers::SHIFT);
    assert_eq!(action(Mode::Normal, shift_r), Some(Action::RefreshAll));
    let release = KeyEvent::new_with_kind(
        KeyCode::Char('q'),
        KeyModifiers::NONE,
        KeyEventKind::Release,
    );
    assert_eq!(action(Mode::Normal, release), None);
}

#[test]
fn help_lines_name_exactly_the_keys_of_their_rows() {
    let lines = help_lines();
    let labels: Vec<&str> = lines.iter().map(|(keys, _)| keys.as_str()).collect();
    for b in BINDINGS {
        if let Listing::Under(label) = b.help {
            assert!(labels.contains(&label), "no help line {label:?}");
        }
    }
    for label in labels {
        let rows: Vec<&Binding> = BINDINGS
            .iter()
            .filter(|b| matches!(b.help, Listing::Line(l, _) | Listing::Under(l) if l == label))
            .collect();
        let keys = || rows.iter().flat_map(|b| b.keys.iter().copied());
        for t in tokens(label) {
            assert!(names_any(t, keys()), "help line {label:?} names {t:?}");
        }
        for key in keys() {
            assert!(
                names(key)
                    .iter()
                    .any(|n| tokens(label).contains(&n.as_str())),
                "help line {label:?} leaves out {key:?}"
            );
        }
    }
}

#[test]
fn hints_name_only_keys_bound_where_they_show() {
    let places = [
        Place::Footer,
        Place::FilterPrompt,
        Place::DetailsTitle,
        Place::LogTitle,
        Place::ExportPrompt,
        Place::HelpTitle,
        Place::HitsTitle,
        Place::HitDetailsTitle,
        Place::HitsFooter,
        Place::HitDetailsFooter,
        Place::DetailsFooter,
        Place::NotePrompt,
    ];
    for place in places {
        let mode = place.mode();
        assert!(!hints(place).is_empty(), "no hints for {place:?}");
        for b in BINDINGS
            .iter()
            .filter(|b| b.hint.is_some_and(|h| h.at.contains(&place)))
        {
            let Some(h) = b.hint else { continue };
            assert!(
                b.modes.contains(&mode),
                "{place:?}: {h:?} not bound in {mode:?}"
            );
            let bound = || {
                BINDINGS
                    .iter()
                    .filter(|r| r.modes.contains(&mode))
                    .flat_map(|r| r.keys.iter().copied())
            };
            for t in tokens(h.keys) {
                assert!(names_any(t, bound()), "{place:?}: {h:?} names {t:?}");
            }
            let own = tokens(h.keys)
                .into_iter()
                .any(|t| names_any(t, b.keys.iter().copied()));
            assert!(own, "{place:?}: {h:?} names none of its own keys");
        }
    }
}

#[test]
fn the_help_scrolls_and_any_other_key_closes_it() {
    for (code, want) in [
        (KeyCode::Char('j'), Action::Down),
        (KeyCode::Down, Action::Down),
        (KeyCode::Char('k'), Action::Up),
        (KeyCode::Up, Action::Up),
        (KeyCode::PageDown, Action::PageDown),
        (KeyCode::PageUp, Action::PageUp),
        (KeyCode::Char('g'), Action::Top),
        (KeyCode::Home, Action::Top),
        (KeyCode::Char('G'), Action::Bottom),
        (KeyCode::End, Action::Bottom),
        (KeyCode::Char('x'), Action::Close),
    ] {
        assert_eq!(action(Mode::Help, k(code)), Some(want), "{code:?}");
    }
    let title = hints(Place::HelpTitle);
    assert_eq!(
        title,
        [("↑/↓".to_string(), "scroll"), ("Esc".to_string(), "closes")]
    );
}

mod remap;
