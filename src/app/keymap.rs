// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Keys to actions, per mode. The one table of bindings, also shown by the help overlay.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// What the analyst asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    Help,
    Close,
    FilterStart,
    FilterChar(char),
    FilterBackspace,
    FilterKeep,
    FilterClear,
    FocusNext,
    FocusPrev,
    RefreshSelected,
    RefreshAll,
    ToggleSource,
    CycleType,
    CycleSort,
    ReverseSort,
    Details,
    Enrich,
    Copy,
    Export,
    LogSize,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
}

/// Which input the keys go to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    #[default]
    Normal,
    /// Typing a `/` filter.
    Filter,
    Details,
    Help,
}

/// Every binding with its description, for the help overlay.
pub const BINDINGS: [(&str, &str); 19] = [
    ("q  Ctrl-C", "quit"),
    ("?", "this help"),
    ("/", "filter as you type (Enter keeps it, Esc clears it)"),
    (
        "Tab  Shift-Tab",
        "move focus between sources and indicators",
    ),
    ("r", "refresh the selected source now"),
    ("R", "refresh every source now"),
    ("Space", "show / hide the selected source's rows"),
    ("t", "cycle the type filter (all, ipv4, ipv6, domain, ...)"),
    ("s", "sort by the next column"),
    ("S", "reverse the sort"),
    ("Enter", "details of the selected indicator"),
    ("e", "enrich the selected indicator (VirusTotal, OTX)"),
    (
        "y",
        "copy the value to the clipboard (OSC 52, works over SSH)",
    ),
    ("x", "export the rows shown to a file (path in the log)"),
    ("l", "log pane size: small, large, hidden"),
    ("j  k  ↑  ↓", "move the selection"),
    ("PgUp  PgDn", "move a page"),
    ("g Home  G End", "first / last row"),
    ("Esc", "close details, help or the filter"),
];

pub fn action(mode: Mode, key: KeyEvent) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && matches!(key.code, KeyCode::Char('c') | KeyCode::Char('C')) {
        return Some(Action::Quit);
    }
    match mode {
        Mode::Filter => match key.code {
            KeyCode::Enter => Some(Action::FilterKeep),
            KeyCode::Esc => Some(Action::FilterClear),
            KeyCode::Backspace => Some(Action::FilterBackspace),
            KeyCode::Up => Some(Action::Up),
            KeyCode::Down => Some(Action::Down),
            KeyCode::PageUp => Some(Action::PageUp),
            KeyCode::PageDown => Some(Action::PageDown),
            KeyCode::Char(c) if !ctrl => Some(Action::FilterChar(c)),
            _ => None,
        },
        Mode::Help => match key.code {
            KeyCode::Char('q') => Some(Action::Quit),
            _ => Some(Action::Close),
        },
        Mode::Details => match key.code {
            KeyCode::Esc | KeyCode::Enter | KeyCode::Backspace => Some(Action::Close),
            KeyCode::Char('q') => Some(Action::Quit),
            KeyCode::Char('?') => Some(Action::Help),
            KeyCode::Char('e') => Some(Action::Enrich),
            KeyCode::Char('y') => Some(Action::Copy),
            KeyCode::Char('j') | KeyCode::Down => Some(Action::Down),
            KeyCode::Char('k') | KeyCode::Up => Some(Action::Up),
            KeyCode::PageDown => Some(Action::PageDown),
            KeyCode::PageUp => Some(Action::PageUp),
            KeyCode::Char('g') | KeyCode::Home => Some(Action::Top),
            _ => None,
        },
        Mode::Normal => Some(match key.code {
            KeyCode::Char('q') => Action::Quit,
            KeyCode::Char('?') => Action::Help,
            KeyCode::Char('/') => Action::FilterStart,
            KeyCode::Tab => Action::FocusNext,
            KeyCode::BackTab => Action::FocusPrev,
            KeyCode::Char('r') => Action::RefreshSelected,
            KeyCode::Char('R') => Action::RefreshAll,
            KeyCode::Char(' ') => Action::ToggleSource,
            KeyCode::Char('t') => Action::CycleType,
            KeyCode::Char('s') => Action::CycleSort,
            KeyCode::Char('S') => Action::ReverseSort,
            KeyCode::Enter => Action::Details,
            KeyCode::Char('e') => Action::Enrich,
            KeyCode::Char('y') => Action::Copy,
            KeyCode::Char('x') => Action::Export,
            KeyCode::Char('l') => Action::LogSize,
            KeyCode::Char('j') | KeyCode::Down => Action::Down,
            KeyCode::Char('k') | KeyCode::Up => Action::Up,
            KeyCode::PageDown => Action::PageDown,
            KeyCode::PageUp => Action::PageUp,
            KeyCode::Char('g') | KeyCode::Home => Action::Top,
            KeyCode::Char('G') | KeyCode::End => Action::Bottom,
            KeyCode::Esc => Action::Close,
            _ => return None,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
