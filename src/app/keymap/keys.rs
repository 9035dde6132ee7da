// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Keys as the config writes them (`q`, `ctrl-c`, `shift-tab`, `pgdn`, `f5`) and as the
//! screen shows them (`q`, `Ctrl-C`, `Shift-Tab`, `PgDn`, `F5`).

use crossterm::event::{KeyCode, KeyModifiers};

use super::Key;

/// Why a key as written is not one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyNameError {
    #[error("empty key")]
    Empty,
    #[error(
        "unknown key `{0}` (a character, or enter, esc, tab, shift-tab, backspace, space, up, down, left, right, pgup, pgdn, home, end, insert, delete, f1-f12, each with optional ctrl- or alt-)"
    )]
    Unknown(String),
}

/// Named keys, in lower case, and their codes.
const NAMED: &[(&str, KeyCode)] = &[
    ("enter", KeyCode::Enter),
    ("return", KeyCode::Enter),
    ("esc", KeyCode::Esc),
    ("escape", KeyCode::Esc),
    ("tab", KeyCode::Tab),
    ("backtab", KeyCode::BackTab),
    ("backspace", KeyCode::Backspace),
    ("space", KeyCode::Char(' ')),
    ("up", KeyCode::Up),
    ("down", KeyCode::Down),
    ("left", KeyCode::Left),
    ("right", KeyCode::Right),
    ("pgup", KeyCode::PageUp),
    ("pageup", KeyCode::PageUp),
    ("pgdn", KeyCode::PageDown),
    ("pagedown", KeyCode::PageDown),
    ("home", KeyCode::Home),
    ("end", KeyCode::End),
    ("insert", KeyCode::Insert),
    ("delete", KeyCode::Delete),
    ("del", KeyCode::Delete),
];

/// Parses a key as written in `keys:`: one character (case matters: `S` is Shift-s), or
/// a named key, after any of the prefixes `ctrl-`, `alt-` and `shift-` (any case, `-`
/// or `+`). `ctrl-c` gives both cases of the letter, as terminals differ.
pub fn parse(written: &str) -> Result<Vec<Key>, KeyNameError> {
    let s = written.trim();
    if s.is_empty() {
        return Err(KeyNameError::Empty);
    }
    let unknown = || KeyNameError::Unknown(crate::model::sanitize::one_line(s, 40));
    let mut mods = KeyModifiers::NONE;
    let mut rest = s;
    loop {
        let lower = rest.to_ascii_lowercase();
        let prefix = ["ctrl", "alt", "shift"].into_iter().find(|p| {
            lower.starts_with(p)
                && matches!(lower.as_bytes().get(p.len()), Some(b'-' | b'+'))
                && rest.len() > p.len() + 1
        });
        let Some(p) = prefix else { break };
        mods |= match p {
            "ctrl" => KeyModifiers::CONTROL,
            "alt" => KeyModifiers::ALT,
            _ => KeyModifiers::SHIFT,
        };
        rest = &rest[p.len() + 1..];
    }
    let shift = mods.contains(KeyModifiers::SHIFT);
    mods -= KeyModifiers::SHIFT;
    let mut chars = rest.chars();
    let code = match (chars.next(), chars.next()) {
        (Some(c), None) if !c.is_control() => {
            KeyCode::Char(if shift { c.to_ascii_uppercase() } else { c })
        }
        _ => {
            let lower = rest.to_ascii_lowercase();
            let named = NAMED.iter().find(|(n, _)| *n == lower).map(|(_, c)| *c);
            match (
                named,
                lower.strip_prefix('f').and_then(|n| n.parse::<u8>().ok()),
            ) {
                (Some(KeyCode::Tab), _) if shift => KeyCode::BackTab,
                (Some(c), _) => c,
                (None, Some(n)) if (1..=12).contains(&n) => KeyCode::F(n),
                _ => return Err(unknown()),
            }
        }
    };
    if shift && !matches!(code, KeyCode::Char(_) | KeyCode::BackTab) {
        return Err(unknown());
    }
    let key = Key { code, mods };
    Ok(match code {
        KeyCode::Char(c) if mods.contains(KeyModifiers::CONTROL) && c.is_ascii_alphabetic() => {
            let other = if c.is_ascii_lowercase() {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            };
            vec![
                key,
                Key {
                    code: KeyCode::Char(other),
                    mods,
                },
            ]
        }
        _ => vec![key],
    })
}

/// How the screen names `key`: `q`, `Ctrl-C`, `Alt-x`, `Space`, `Enter`, `↑`, `PgDn`.
pub fn display(key: Key) -> String {
    let mut out = String::new();
    if key.mods.contains(KeyModifiers::CONTROL) {
        out.push_str("Ctrl-");
    }
    if key.mods.contains(KeyModifiers::ALT) {
        out.push_str("Alt-");
    }
    let ctrl = key.mods.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Char(' ') => out.push_str("Space"),
        KeyCode::Char(c) if ctrl => out.push(c.to_ascii_uppercase()),
        KeyCode::Char(c) => out.push(c),
        KeyCode::Enter => out.push_str("Enter"),
        KeyCode::Esc => out.push_str("Esc"),
        KeyCode::Tab => out.push_str("Tab"),
        KeyCode::BackTab => out.push_str("Shift-Tab"),
        KeyCode::Backspace => out.push_str("Backspace"),
        KeyCode::Up => out.push('↑'),
        KeyCode::Down => out.push('↓'),
        KeyCode::Left => out.push('←'),
        KeyCode::Right => out.push('→'),
        KeyCode::PageUp => out.push_str("PgUp"),
        KeyCode::PageDown => out.push_str("PgDn"),
        KeyCode::Home => out.push_str("Home"),
        KeyCode::End => out.push_str("End"),
        KeyCode::Insert => out.push_str("Insert"),
        KeyCode::Delete => out.push_str("Delete"),
        KeyCode::F(n) => out.push_str(&format!("F{n}")),
        other => out.push_str(&format!("{other:?}")),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_as_written_parse_and_show() {
        let one = |s: &str| parse(s).map(|k| display(k[0]));
        assert_eq!(one("q").as_deref(), Ok("q"));
        assert_eq!(one("S").as_deref(), Ok("S"));
        assert_eq!(one("shift-s").as_deref(), Ok("S"));
        assert_eq!(one("/").as_deref(), Ok("/"));
        assert_eq!(one("ctrl-c").as_deref(), Ok("Ctrl-C"));
        assert_eq!(one("Ctrl+X").as_deref(), Ok("Ctrl-X"));
        assert_eq!(one("alt-x").as_deref(), Ok("Alt-x"));
        assert_eq!(one("shift-tab").as_deref(), Ok("Shift-Tab"));
        assert_eq!(one("PgDn").as_deref(), Ok("PgDn"));
        assert_eq!(one("space").as_deref(), Ok("Space"));
        assert_eq!(one("F5").as_deref(), Ok("F5"));
        assert_eq!(one("-").as_deref(), Ok("-"));
        assert_eq!(one("ctrl--").as_deref(), Ok("Ctrl--"));
        assert_eq!(parse("ctrl-c").map(|k| k.len()), Ok(2));
        assert_eq!(parse(" q ").map(|k| k[0]), Ok(Key::ch('q')));
    }

    #[test]
    fn bad_keys_are_refused() {
        for bad in [
            "", "  ", "qq", "ctrl-", "f13", "f0", "shift-up", "hyper-x", "\u{1b}",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
        let long = "x".repeat(10_000);
        let e = parse(&long).unwrap_err().to_string();
        assert!(e.len() < 400, "{}", e.len());
    }
}
