// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The effective bindings: [`BINDINGS`] with the keys the config's `keys:` gives some
//! actions in place of their own. A remapped action keeps the modes of its rows; a
//! character without Ctrl or Alt never binds where characters are typed as text (the
//! filter and export prompts). Two actions on one key in one mode are refused, naming
//! the line. `Ctrl-C` quits in every mode whatever `keys:` says ([`ALWAYS_QUITS`]).

use std::borrow::Cow;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::{ALWAYS_QUITS, Action, BINDINGS, Binding, Key, Listing, Mode, Place, display, parse};
use crate::config::keys::KeyRemap;

/// Why `keys:` cannot be used: one line, with the line of the file it concerns.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("keys.{action}: {message}")]
pub struct RemapError {
    /// The action's name as written.
    pub action: String,
    /// The 1-based line in the config file, when known.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
}

/// One row of the effective table.
#[derive(Debug, Clone)]
struct Row {
    binding: &'static Binding,
    keys: Vec<Key>,
    /// The keys came from `keys:`.
    remapped: bool,
}

impl Row {
    fn binds(&self, mode: Mode, event: &KeyEvent, exact: bool) -> bool {
        self.binding.modes.contains(&mode)
            && self.keys.iter().any(|k| {
                !(mode.types_text() && k.is_text())
                    && if exact {
                        k.matches_exactly(event)
                    } else {
                        k.matches(event)
                    }
            })
    }
}

/// The bindings in effect: every key handling, help line and key hint reads this.
#[derive(Debug, Clone)]
pub struct Keymap {
    rows: Vec<Row>,
}

impl Default for Keymap {
    /// The built-in bindings, [`BINDINGS`].
    fn default() -> Self {
        Keymap {
            rows: BINDINGS
                .iter()
                .map(|b| Row {
                    binding: b,
                    keys: b.keys.to_vec(),
                    remapped: false,
                })
                .collect(),
        }
    }
}

impl Keymap {
    /// The built-in bindings with `remaps` applied. An unknown action or key, an action
    /// given no key, or a key two actions would share in one mode is an error.
    pub fn with_remaps(remaps: &[KeyRemap]) -> Result<Keymap, RemapError> {
        let mut map = Keymap::default();
        let mut seen: Vec<Action> = Vec::new();
        for r in remaps {
            let err = |line: Option<usize>, message: String| RemapError {
                action: crate::model::sanitize::one_line(&r.action, 40),
                line: line.or(r.line),
                message,
            };
            let Some(action) = Action::named(&r.action) else {
                let names: Vec<&str> = Action::NAMED.iter().map(|(n, _)| *n).collect();
                return Err(err(
                    r.line,
                    format!("unknown action (known: {})", names.join(", ")),
                ));
            };
            if seen.contains(&action) {
                return Err(err(r.line, "given twice".into()));
            }
            seen.push(action);
            if r.keys.is_empty() {
                return Err(err(r.line, "give at least one key".into()));
            }
            let mut keys = Vec::new();
            for (i, written) in r.keys.iter().enumerate() {
                let parsed = parse(written)
                    .map_err(|e| err(r.key_lines.get(i).copied().flatten(), e.to_string()))?;
                if action != Action::Quit && parsed.iter().any(|k| ALWAYS_QUITS.contains(k)) {
                    return Err(err(
                        r.key_lines.get(i).copied().flatten(),
                        "`Ctrl-C` always quits; choose another key".into(),
                    ));
                }
                for k in parsed {
                    if !keys.contains(&k) {
                        keys.push(k);
                    }
                }
            }
            if action == Action::Quit {
                for k in ALWAYS_QUITS {
                    if !keys.contains(&k) {
                        keys.push(k);
                    }
                }
            }
            for row in map
                .rows
                .iter_mut()
                .filter(|row| row.binding.action == action)
            {
                row.keys.clone_from(&keys);
                row.remapped = true;
            }
        }
        map.check(remaps)?;
        Ok(map)
    }

    /// Refuses a key that two actions share in one mode (a remapped one among them).
    fn check(&self, remaps: &[KeyRemap]) -> Result<(), RemapError> {
        for mode in Mode::ALL {
            let rows: Vec<&Row> = self
                .rows
                .iter()
                .filter(|r| r.binding.modes.contains(&mode))
                .collect();
            for (i, a) in rows.iter().enumerate() {
                for b in &rows[i + 1..] {
                    if a.binding.action == b.binding.action || !(a.remapped || b.remapped) {
                        continue;
                    }
                    let live = |k: &&Key| !(mode.types_text() && k.is_text());
                    let shared = a.keys.iter().filter(live).find(|k| b.keys.contains(k));
                    if let Some(k) = shared {
                        // Blame the remapped action, the later one in the file if both are.
                        let place = |r: &Row| {
                            let name = r.binding.action.name().unwrap_or("");
                            remaps.iter().position(|m| r.remapped && m.action == name)
                        };
                        let (mine, other) = if place(a) >= place(b) { (a, b) } else { (b, a) };
                        let name = mine.binding.action.name().unwrap_or("?");
                        let remap = remaps.iter().find(|r| r.action == name);
                        let line = remap.and_then(|r| {
                            r.keys
                                .iter()
                                .position(|w| parse(w).is_ok_and(|p| p.contains(k)))
                                .and_then(|i| r.key_lines.get(i).copied().flatten())
                                .or(r.line)
                        });
                        return Err(RemapError {
                            action: name.to_string(),
                            line,
                            message: format!(
                                "`{}` is also the key of `{}` in {}",
                                display(*k),
                                other.binding.action.name().unwrap_or("?"),
                                mode.name()
                            ),
                        });
                    }
                }
            }
        }
        Ok(())
    }

    /// The action `key` asks for in `mode`: [`Action::Quit`] for `Ctrl-C`
    /// ([`ALWAYS_QUITS`]); else the row whose key it is exactly (no other modifier than
    /// Shift), else one whose key it holds with more modifiers (`Ctrl-S` still sorts),
    /// else the mode's fallback (typing into a prompt, closing help). Key releases ask
    /// nothing.
    pub fn action(&self, mode: Mode, key: KeyEvent) -> Option<Action> {
        if key.kind == KeyEventKind::Release {
            return None;
        }
        if ALWAYS_QUITS.iter().any(|k| k.matches_exactly(&key)) {
            return Some(Action::Quit);
        }
        let find = |exact| {
            self.rows
                .iter()
                .find(|r| r.binds(mode, &key, exact))
                .map(|r| r.binding.action)
        };
        find(true)
            .or_else(|| find(false))
            .or_else(|| fallback(mode, &key))
    }

    /// The help overlay's lines, in order: the keys as shown, and what they do. A line
    /// whose keys were remapped names the keys in effect.
    pub fn help_lines(&self) -> Vec<(Cow<'static, str>, &'static str)> {
        self.rows
            .iter()
            .filter_map(|r| match r.binding.help {
                Listing::Line(label, text) => Some((label, text)),
                _ => None,
            })
            .map(|(label, text)| {
                let group = self.rows.iter().filter(|r| {
                    matches!(r.binding.help, Listing::Line(l, _) | Listing::Under(l) if l == label)
                });
                if !group.clone().any(|r| r.remapped) {
                    return (Cow::Borrowed(label), text);
                }
                let mut names: Vec<String> = Vec::new();
                for k in group.flat_map(|r| r.keys.iter()) {
                    let n = display(*k);
                    if !names.contains(&n) {
                        names.push(n);
                    }
                }
                (Cow::Owned(names.join("  ")), text)
            })
            .collect()
    }

    /// The key hints shown at `place`, in order: the keys as shown, and a word or two.
    /// A remapped action's hint names its first key in effect.
    pub fn hints(&self, place: Place) -> Vec<(Cow<'static, str>, &'static str)> {
        self.rows
            .iter()
            .filter_map(|r| r.binding.hint.map(|h| (r, h)))
            .filter(|(_, h)| h.at.contains(&place))
            .map(|(r, h)| {
                let keys = match r.keys.first() {
                    Some(k) if r.remapped => Cow::Owned(display(*k)),
                    _ => Cow::Borrowed(h.keys),
                };
                (keys, h.text)
            })
            .collect()
    }
}

/// What a key no row binds does in `mode`: a character typed without Ctrl goes into the
/// filter, the export prompt or the note prompt; in help any key closes it.
fn fallback(mode: Mode, key: &KeyEvent) -> Option<Action> {
    let typed = !key.modifiers.contains(KeyModifiers::CONTROL);
    match (mode, key.code) {
        (Mode::Filter, KeyCode::Char(c)) if typed => Some(Action::FilterChar(c)),
        (Mode::Prompt, KeyCode::Char(c)) if typed => Some(Action::PromptChar(c)),
        (Mode::Note, KeyCode::Char(c)) if typed => Some(Action::NoteChar(c)),
        (Mode::Help, _) => Some(Action::Close),
        _ => None,
    }
}
