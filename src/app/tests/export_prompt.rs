// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The `x` export prompt through `update`: fields, choices, the path and its editing,
//! rows, Enter and Esc, and what is remembered.

use super::*;
use crate::export::Format;

fn opened(dir: &str) -> App {
    let mut a = loaded();
    let _ = a.update(Msg::Remembered(Remembered {
        export_dir: Some(dir.into()),
        ..Default::default()
    }));
    let fx = a.update(ch('x'));
    assert!(fx.is_empty(), "opening the prompt does nothing outside");
    assert_eq!(a.mode, Mode::Prompt);
    a
}

fn prompt(a: &App) -> &ExportPrompt {
    a.prompt.as_ref().expect("prompt open")
}

/// The export effect's rows (as values), options and path.
fn export(fx: Vec<Effect>) -> (Vec<String>, crate::export::Options, PathBuf) {
    let Some(Effect::Export {
        rows,
        options,
        path,
        store,
    }) = fx.into_iter().next()
    else {
        panic!("no export");
    };
    let values = rows
        .iter()
        .map(|&i| store.get(i as usize).expect("entry").value.to_string())
        .collect();
    (values, options, path)
}

#[test]
fn enter_exports_the_shown_rows_as_jsonl_into_the_remembered_folder() {
    let mut a = opened("/data/exports");
    let p = prompt(&a);
    assert_eq!(p.format, Format::Jsonl);
    assert_eq!(p.rows, RowChoice::Shown);
    assert!(!p.defang);
    assert!(
        p.path.starts_with("/data/exports/intellisiem-export-") && p.path.ends_with(".jsonl"),
        "{}",
        p.path
    );
    let (rows, options, path) = export(a.update(key(KeyCode::Enter)));
    assert_eq!(rows, shown(&a));
    assert_eq!(options.format, Format::Jsonl);
    assert!(path.starts_with("/data/exports"));
    assert_eq!(a.mode, Mode::Normal);
    assert!(a.prompt.is_none());
}

#[test]
fn choices_cycle_and_the_default_name_follows_the_format() {
    let mut a = opened("/d");
    let _ = a.update(key(KeyCode::Right));
    assert_eq!(prompt(&a).format, Format::Csv);
    assert!(prompt(&a).path.ends_with(".csv"), "{}", prompt(&a).path);
    let _ = a.update(key(KeyCode::Left));
    let _ = a.update(key(KeyCode::Left));
    assert_eq!(prompt(&a).format, Format::ZeekIntel, "wraps round");
    assert!(prompt(&a).path.ends_with(".dat"));
    // Defanging is only offered where the format supports it.
    let _ = a.update(key(KeyCode::BackTab));
    assert_eq!(prompt(&a).field, PromptField::Defang);
    let _ = a.update(ch(' '));
    assert!(!prompt(&a).defang, "zeek-intel cannot be defanged");
    let _ = a.update(key(KeyCode::Tab));
    let _ = a.update(key(KeyCode::Left));
    assert_eq!(prompt(&a).format, Format::Ecs);
    let _ = a.update(key(KeyCode::Left));
    assert_eq!(prompt(&a).format, Format::Txt);
    let _ = a.update(key(KeyCode::Up));
    let _ = a.update(key(KeyCode::Right));
    assert!(prompt(&a).defang);
    // Leaving for a format that cannot defang drops it.
    let _ = a.update(key(KeyCode::Down));
    let _ = a.update(key(KeyCode::Left));
    assert_eq!(prompt(&a).format, Format::Stix);
    assert!(!prompt(&a).defang);
}

#[test]
fn the_path_is_typed_and_a_folder_gets_the_default_name() {
    let mut a = opened("/d");
    let _ = a.update(key(KeyCode::Tab));
    assert_eq!(prompt(&a).field, PromptField::Path);
    let n = prompt(&a).path.chars().count();
    for _ in 0..n + 3 {
        let _ = a.update(key(KeyCode::Backspace));
    }
    assert_eq!(prompt(&a).path, "");
    // Letters are text here, not keys: `q` does not quit, `x` does not reopen.
    for c in "/tmp/q x/".chars() {
        let _ = a.update(ch(c));
    }
    assert!(!a.quit);
    assert_eq!(prompt(&a).path, "/tmp/q x/");
    let (_, _, path) = export(a.update(key(KeyCode::Enter)));
    let name = path
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    assert!(path.starts_with("/tmp/q x"), "{}", path.display());
    assert!(name.starts_with("intellisiem-export-") && name.ends_with(".jsonl"));
}

#[test]
fn an_empty_path_or_no_rows_keeps_the_prompt_open_with_a_reason() {
    let mut a = opened("/d");
    let _ = a.update(key(KeyCode::Tab));
    for _ in 0..200 {
        let _ = a.update(key(KeyCode::Backspace));
    }
    assert!(a.update(key(KeyCode::Enter)).is_empty());
    assert_eq!(a.mode, Mode::Prompt);
    assert!(
        a.notice
            .as_deref()
            .is_some_and(|n| n.contains("give a file"))
    );
    for c in "/x.jsonl".chars() {
        let _ = a.update(ch(c));
    }
    // Nothing is marked.
    let _ = a.update(key(KeyCode::Tab));
    let _ = a.update(key(KeyCode::Right));
    assert_eq!(prompt(&a).rows, RowChoice::Marked);
    assert!(a.update(key(KeyCode::Enter)).is_empty());
    assert_eq!(a.notice.as_deref(), Some("export: no marked rows"));
    // A hostile or huge path is bounded.
    let _ = a.update(key(KeyCode::BackTab));
    for _ in 0..(export::PATH_MAX + 50) {
        let _ = a.update(ch('a'));
    }
    assert_eq!(prompt(&a).path.chars().count(), export::PATH_MAX);
    let _ = a.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('\u{1b}'),
        KeyModifiers::NONE,
    )));
    assert!(!prompt(&a).path.contains('\u{1b}'));
}

#[test]
fn esc_cancels_without_exporting() {
    let mut a = opened("/d");
    assert!(a.update(key(KeyCode::Esc)).is_empty());
    assert_eq!(a.mode, Mode::Normal);
    assert!(a.prompt.is_none());
    assert_eq!(a.notice.as_deref(), Some("export cancelled"));
}

#[test]
fn marked_and_all_rows_and_the_result_in_header_log_and_memory() {
    let mut a = loaded();
    let _ = a.update(ch('/'));
    for c in "evil".chars() {
        let _ = a.update(ch(c));
    }
    let _ = a.update(key(KeyCode::Enter));
    assert_eq!(shown(&a), ["evil.example"]);
    let _ = a.update(ch('v'));
    let _ = a.update(ch('/'));
    let _ = a.update(key(KeyCode::Esc));
    let _ = a.update(ch('/'));
    for c in "45.0".chars() {
        let _ = a.update(ch(c));
    }
    let _ = a.update(key(KeyCode::Enter));
    let _ = a.update(ch('v'));
    // With marks, the prompt starts on the marked rows; one of them is filtered out.
    let _ = a.update(ch('x'));
    assert_eq!(prompt(&a).rows, RowChoice::Marked);
    let _ = a.update(key(KeyCode::Right));
    let _ = a.update(key(KeyCode::Tab));
    let _ = a.update(key(KeyCode::Tab));
    let _ = a.update(key(KeyCode::Tab));
    let _ = a.update(ch(' '));
    assert!(prompt(&a).defang);
    let (mut rows, options, _) = export(a.update(key(KeyCode::Enter)));
    rows.sort();
    assert_eq!(rows, ["45.0.0.3", "evil.example"]);
    assert_eq!(options.format, Format::Csv);
    assert!(options.defang);
    // All rows.
    let _ = a.update(ch('x'));
    let _ = a.update(key(KeyCode::Tab));
    let _ = a.update(key(KeyCode::Tab));
    let _ = a.update(key(KeyCode::Right));
    assert_eq!(prompt(&a).rows, RowChoice::All);
    let (all, _, _) = export(a.update(key(KeyCode::Enter)));
    assert_eq!(all.len(), 4);
    // The first result: shown in the header status and the log, and remembered.
    let dir = PathBuf::from("/data/out");
    let fx = a.update(Msg::ExportDone {
        store: Arc::clone(&a.store),
        result: Ok((dir.join("f.csv"), 2, options)),
    });
    assert!(
        fx.iter().any(
            |e| matches!(e, Effect::Log { text, .. } if text == "exported 2 rows to /data/out/f.csv")
        ),
        "{fx:?}"
    );
    let remembered = fx.iter().find_map(|e| match e {
        Effect::Remember(r) => Some(r.clone()),
        _ => None,
    });
    let want = Remembered {
        export_dir: Some(dir),
        export_format: Some("csv".into()),
        export_defang: Some(true),
    };
    assert_eq!(remembered.as_ref(), Some(&want));
    assert_eq!(
        a.export_status.as_deref(),
        Some("exported 2 rows to /data/out/f.csv")
    );
    // The next prompt starts from it.
    let _ = a.update(ch('x'));
    assert_eq!(prompt(&a).format, Format::Csv);
    assert!(prompt(&a).defang);
    assert!(prompt(&a).path.starts_with("/data/out/"));
    let _ = a.update(key(KeyCode::Esc));
    // A failure: header and log, nothing remembered.
    let fx = a.update(Msg::ExportDone {
        store: Arc::clone(&a.store),
        result: Err("/ro/f.csv: Permission denied (os error 13)".into()),
    });
    assert!(fx.iter().all(|e| !matches!(e, Effect::Remember(_))));
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::Log { text, .. } if text.contains("Permission denied")))
    );
    assert!(
        a.export_status
            .as_deref()
            .is_some_and(|s| s.starts_with("export failed: /ro/f.csv"))
    );
}

/// The prompt open on the file field, the path replaced by `path`.
fn typing(path: &str) -> App {
    let mut a = opened("/d");
    let _ = a.update(key(KeyCode::Tab));
    let _ = a.update(ctrl('u'));
    for c in path.chars() {
        let _ = a.update(ch(c));
    }
    a
}

fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

#[test]
fn the_file_is_edited_at_its_cursor() {
    let mut a = typing("/tmp/out.csv");
    // Home, then right past `/tmp`, and a folder typed there.
    let _ = a.update(key(KeyCode::Home));
    for _ in 0..4 {
        let _ = a.update(key(KeyCode::Right));
    }
    for c in "/x".chars() {
        let _ = a.update(ch(c));
    }
    assert_eq!(prompt(&a).path, "/tmp/x/out.csv");
    assert_eq!(prompt(&a).path.cursor(), 6);
    // Ctrl-W deletes the folder just typed, Delete the `/` after the cursor.
    let _ = a.update(ctrl('w'));
    assert_eq!(prompt(&a).path, "/tmp//out.csv");
    let _ = a.update(key(KeyCode::Delete));
    assert_eq!(prompt(&a).path, "/tmp/out.csv");
    // Ctrl-E and Left, Backspace there, Ctrl-A and Ctrl-U (nothing before the cursor).
    let _ = a.update(ctrl('e'));
    let _ = a.update(key(KeyCode::Left));
    let _ = a.update(key(KeyCode::Backspace));
    assert_eq!(prompt(&a).path, "/tmp/out.cv");
    let _ = a.update(ctrl('a'));
    let _ = a.update(ctrl('u'));
    assert_eq!(prompt(&a).path, "/tmp/out.cv");
    let _ = a.update(key(KeyCode::End));
    let _ = a.update(ctrl('u'));
    assert_eq!(prompt(&a).path, "");
    // On another field the same keys edit nothing.
    for c in "/a/b".chars() {
        let _ = a.update(ch(c));
    }
    let _ = a.update(key(KeyCode::Tab));
    let _ = a.update(ctrl('u'));
    let _ = a.update(ctrl('w'));
    assert_eq!(prompt(&a).path, "/a/b");
}
