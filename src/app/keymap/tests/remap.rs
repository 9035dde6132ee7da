// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! `keys:` remapping: what a remap replaces, what it refuses, and the README naming
//! every action it takes.

use super::*;

fn remap(entries: &[(&str, &[&str])]) -> Result<Keymap, RemapError> {
    let remaps: Vec<KeyRemap> = entries
        .iter()
        .enumerate()
        .map(|(i, (action, keys))| KeyRemap {
            action: (*action).to_string(),
            keys: keys.iter().map(|k| (*k).to_string()).collect(),
            line: Some(10 + i),
            key_lines: keys.iter().map(|_| Some(10 + i)).collect(),
        })
        .collect();
    Keymap::with_remaps(&remaps)
}

#[test]
fn remapped_keys_replace_an_actions_own_in_its_modes() {
    let map = remap(&[("quit", &["Q", "ctrl-q"]), ("filter", &["f"])]).unwrap();
    assert_eq!(
        map.action(Mode::Normal, k(KeyCode::Char('Q'))),
        Some(Action::Quit)
    );
    assert_eq!(map.action(Mode::Normal, k(KeyCode::Char('q'))), None);
    let ctrl_q = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::CONTROL);
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert_eq!(map.action(Mode::Filter, ctrl_q), Some(Action::Quit));
    assert_eq!(
        map.action(Mode::Filter, ctrl_c),
        Some(Action::Quit),
        "Ctrl-C quits whatever `keys:` says"
    );
    // A plain character never leaves the prompts where it is typed.
    assert_eq!(
        map.action(Mode::Filter, k(KeyCode::Char('Q'))),
        Some(Action::FilterChar('Q'))
    );
    assert_eq!(
        map.action(Mode::Normal, k(KeyCode::Char('f'))),
        Some(Action::FilterStart)
    );
    assert_eq!(map.action(Mode::Normal, k(KeyCode::Char('/'))), None);
    // Help and hints name the keys in effect.
    let help = map.help_lines();
    assert!(
        help.iter()
            .any(|(k, t)| k == "Q  Ctrl-Q  Ctrl-C" && *t == "quit"),
        "{help:?}"
    );
    assert!(help.iter().any(|(k, _)| k == "f"), "{help:?}");
    let footer = map.hints(Place::Footer);
    assert!(
        footer.iter().any(|(k, t)| k == "Q" && *t == "quit"),
        "{footer:?}"
    );
    assert!(
        footer.iter().any(|(k, t)| k == "f" && *t == "filter"),
        "{footer:?}"
    );
}

#[test]
fn ctrl_c_quits_in_every_mode_whatever_keys_says() {
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    let ctrl_shift_c = KeyEvent::new(
        KeyCode::Char('C'),
        KeyModifiers::CONTROL | KeyModifiers::SHIFT,
    );
    for remaps in [
        &[("quit", &["Q"][..])][..],
        &[("quit", &["ctrl-q"]), ("close", &["ctrl-g"])],
        &[("quit", &["q", "ctrl-c"])],
    ] {
        let map = remap(remaps).unwrap();
        for mode in Mode::ALL {
            for key in [ctrl_c, ctrl_shift_c] {
                assert_eq!(
                    map.action(mode, key),
                    Some(Action::Quit),
                    "{remaps:?} in {mode:?}"
                );
            }
        }
        let help = map.help_lines();
        let quit = help.iter().find(|(_, t)| *t == "quit");
        assert!(quit.is_some_and(|(k, _)| k.ends_with("Ctrl-C")), "{help:?}");
    }
    // No other action may take it, in any case of the letter.
    for key in ["ctrl-c", "Ctrl-C", "ctrl+C"] {
        let e = remap(&[("copy", &[key])]).unwrap_err();
        assert_eq!(e.line, Some(10));
        assert!(e.message.contains("`Ctrl-C` always quits"), "{e}");
    }
    // Ctrl with another modifier is another key.
    let ctrl_alt_c = KeyEvent::new(
        KeyCode::Char('c'),
        KeyModifiers::CONTROL | KeyModifiers::ALT,
    );
    let map = remap(&[("copy", &["ctrl-alt-c"])]).unwrap();
    assert_eq!(map.action(Mode::Normal, ctrl_alt_c), Some(Action::Copy));
}

#[test]
fn a_key_taken_by_another_action_in_the_same_mode_is_refused() {
    let e = remap(&[("export", &["q"])]).unwrap_err();
    assert_eq!(e.line, Some(10));
    assert_eq!(e.action, "export");
    assert!(
        e.message.contains("`q`") && e.message.contains("`quit`"),
        "{e}"
    );
    // Two remapped actions on one key.
    let e = remap(&[("mark", &["m"]), ("clear_marks", &["m"])]).unwrap_err();
    assert_eq!(e.line, Some(11));
    // Moving a key away first frees it.
    let map = remap(&[("quit", &["ctrl-q"]), ("export", &["q"])]).unwrap();
    assert_eq!(
        map.action(Mode::Normal, k(KeyCode::Char('q'))),
        Some(Action::Export)
    );
    // The same key in modes that do not meet is fine: `c` in the details only.
    assert!(remap(&[("refresh", &["c"])]).is_ok());
}

#[test]
fn unknown_actions_and_keys_and_empty_lists_are_refused() {
    let e = remap(&[("qiut", &["q"])]).unwrap_err();
    assert!(e.message.starts_with("unknown action"), "{e}");
    assert!(e.to_string().starts_with("keys.qiut: "), "{e}");
    let e = remap(&[("quit", &["ctrl-"])]).unwrap_err();
    assert!(e.message.contains("unknown key"), "{e}");
    assert!(remap(&[("quit", &[])]).is_err());
    assert!(remap(&[("quit", &["q"]), ("quit", &["x"])]).is_err());
    let hostile = "\u{1b}]0;x\u{7}".repeat(50);
    let e = remap(&[(hostile.as_str(), &["q"])])
        .unwrap_err()
        .to_string();
    assert!(!e.contains('\u{1b}') && e.len() < 2_000, "{e:?}");
}

#[test]
fn the_readme_names_every_action_keys_can_remap() {
    let readme = include_str!("../../../../README.md");
    let start = readme
        .find("### Key bindings")
        .expect("a Key bindings section");
    let section = &readme[start..];
    let words: Vec<&str> = section
        .split(|c: char| c.is_whitespace() || c == '`' || c == '.' || c == ':')
        .collect();
    for (name, _) in Action::NAMED {
        assert!(words.contains(name), "the README does not name `{name}`");
    }
}

#[test]
fn both_prompts_take_the_line_editing_keys() {
    let ctrl = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL);
    for mode in [Mode::Filter, Mode::Prompt, Mode::Note] {
        for (key, edit) in [
            (ctrl('a'), Edit::Start),
            (k(KeyCode::Home), Edit::Start),
            (ctrl('e'), Edit::End),
            (k(KeyCode::End), Edit::End),
            (ctrl('u'), Edit::DeleteToStart),
            (ctrl('w'), Edit::DeleteWord),
            (k(KeyCode::Delete), Edit::Delete),
        ] {
            assert_eq!(
                action(mode, key),
                Some(Action::Edit(edit)),
                "{mode:?} {key:?}"
            );
        }
    }
    // ←/→ move the filter's cursor; in the export prompt they change a choice, or move
    // the cursor in the file.
    assert_eq!(
        action(Mode::Filter, k(KeyCode::Left)),
        Some(Action::Edit(Edit::Left))
    );
    assert_eq!(
        action(Mode::Filter, k(KeyCode::Right)),
        Some(Action::Edit(Edit::Right))
    );
    assert_eq!(
        action(Mode::Prompt, k(KeyCode::Left)),
        Some(Action::PromptLeft)
    );
    // Elsewhere these keys keep their own meaning.
    assert_eq!(action(Mode::Normal, k(KeyCode::Home)), Some(Action::Top));
    assert_eq!(action(Mode::Normal, ctrl('u')), None);
    // A line-editing key can be remapped like any other.
    let map = remap(&[("delete_word", &["ctrl-h"])]).unwrap();
    assert_eq!(
        map.action(Mode::Filter, ctrl('h')),
        Some(Action::Edit(Edit::DeleteWord))
    );
    assert_eq!(map.action(Mode::Filter, ctrl('w')), None);
}
