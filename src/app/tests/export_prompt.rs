// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The `x` export prompt through `update`: fields, choices, the path and its editing,
//! rows, Enter and Esc, replacing a file, failures, and what is remembered.

use super::*;
use crate::app::export::{ExportError, Stage, Target};
use crate::export::Format;

pub(super) fn opened(dir: &str) -> App {
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

pub(super) fn prompt(a: &App) -> &ExportPrompt {
    a.prompt.as_ref().expect("prompt open")
}

/// The export effect's rows (as values), options and target.
pub(super) fn export(fx: Vec<Effect>) -> (Vec<String>, crate::export::Options, Target) {
    let Some(Effect::Export {
        rows,
        options,
        target,
        store,
        ..
    }) = fx.into_iter().next()
    else {
        panic!("no export");
    };
    let values = rows
        .iter()
        .map(|&i| store.get(i as usize).expect("entry").value.to_string())
        .collect();
    (values, options, target)
}

/// The path as typed that an export effect carries.
fn typed(target: &Target) -> &str {
    match target {
        Target::Typed { path, .. } => path,
        Target::Replace(p) => panic!("replace {}", p.display()),
    }
}

/// The runtime's answer to an export.
pub(super) fn answer(
    a: &mut App,
    result: Result<(PathBuf, crate::export::Written, crate::export::Options), ExportError>,
) -> Vec<Effect> {
    a.update(Msg::ExportDone {
        store: Arc::clone(&a.store),
        result,
    })
}

fn written(
    path: &str,
    format: Format,
) -> Result<(PathBuf, crate::export::Written, crate::export::Options), ExportError> {
    Ok((
        path.into(),
        crate::export::Written::all(4),
        crate::export::Options::new(format),
    ))
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
    let (rows, options, target) = export(a.update(key(KeyCode::Enter)));
    assert_eq!(rows, shown(&a));
    assert_eq!(options.format, Format::Jsonl);
    assert!(typed(&target).starts_with("/data/exports/"));
    // The prompt shows the export running, and closes once the file is written.
    assert_eq!(a.mode, Mode::Prompt);
    assert_eq!(prompt(&a).stage, Stage::Writing);
    assert!(a.update(key(KeyCode::Enter)).is_empty(), "no second export");
    let _ = answer(&mut a, written("/data/exports/f.jsonl", Format::Jsonl));
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
    assert_eq!(prompt(&a).format, Format::Rpz, "wraps round");
    assert!(prompt(&a).path.ends_with(".rpz"));
    for (f, ext) in [
        (Format::WazuhCdb, ".wazuh"),
        (Format::SuricataIprep, ".list"),
        (Format::SuricataDataset, ".lst"),
        (Format::ZeekIntel, ".dat"),
    ] {
        let _ = a.update(key(KeyCode::Left));
        assert_eq!(prompt(&a).format, f);
        assert!(prompt(&a).path.ends_with(ext), "{}", prompt(&a).path);
    }
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
    // The runtime finds the file (`~`, a folder with or without `/`): see `target`.
    let (_, _, target) = export(a.update(key(KeyCode::Enter)));
    let Target::Typed { path, default_name } = target else {
        panic!("{target:?}");
    };
    assert_eq!(path, "/tmp/q x/");
    assert!(default_name.starts_with("intellisiem-export-") && default_name.ends_with(".jsonl"));
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
    // Nothing is marked: `marked (0)` is not offered.
    let _ = a.update(key(KeyCode::Tab));
    assert_eq!(prompt(&a).rows, RowChoice::Shown);
    let _ = a.update(key(KeyCode::Right));
    assert_eq!(prompt(&a).rows, RowChoice::All);
    let _ = a.update(key(KeyCode::Right));
    assert_eq!(prompt(&a).rows, RowChoice::Shown);
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
    for _ in 0..5 {
        let _ = a.update(key(KeyCode::Tab));
    }
    let _ = a.update(ch(' '));
    assert!(prompt(&a).defang);
    let (mut rows, options, _) = export(a.update(key(KeyCode::Enter)));
    rows.sort();
    assert_eq!(rows, ["45.0.0.3", "evil.example"]);
    assert_eq!(options.format, Format::Csv);
    assert!(options.defang);
    let _ = answer(&mut a, written("/d/a.csv", Format::Csv));
    // All rows.
    let _ = a.update(ch('x'));
    let _ = a.update(key(KeyCode::Tab));
    let _ = a.update(key(KeyCode::Tab));
    let _ = a.update(key(KeyCode::Right));
    assert_eq!(prompt(&a).rows, RowChoice::All);
    let (all, _, _) = export(a.update(key(KeyCode::Enter)));
    assert_eq!(all.len(), 4);
    let _ = answer(&mut a, written("/d/b.csv", Format::Csv));
    // The first result: shown in the header status and the log, and remembered.
    let dir = PathBuf::from("/data/out");
    let fx = a.update(Msg::ExportDone {
        store: Arc::clone(&a.store),
        result: Ok((dir.join("f.csv"), crate::export::Written::all(2), options)),
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
    let _ = a.update(key(KeyCode::Enter));
    // A failure: header and log, nothing remembered.
    let fx = answer(
        &mut a,
        Err(ExportError::Write(
            "/ro/f.csv: Permission denied (os error 13)".into(),
        )),
    );
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
    // The prompt stays open with the path as typed and the reason, to be corrected.
    assert_eq!(a.mode, Mode::Prompt);
    let p = prompt(&a);
    assert_eq!((&p.stage, p.field), (&Stage::Editing, PromptField::Path));
    assert!(p.path.starts_with("/data/out/intellisiem-export-"));
    assert!(
        p.error
            .as_deref()
            .is_some_and(|e| e.contains("Permission denied"))
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
fn a_file_that_is_there_is_replaced_only_after_y() {
    let mut a = typing("/d/out.jsonl");
    let (_, _, target) = export(a.update(key(KeyCode::Enter)));
    assert_eq!(typed(&target), "/d/out.jsonl");
    let there = PathBuf::from("/d/out.jsonl");
    // The runtime found it there and wrote nothing: the prompt asks.
    let fx = answer(&mut a, Err(ExportError::Exists(there.clone())));
    assert!(fx.iter().all(|e| !matches!(e, Effect::Export { .. })));
    assert_eq!(a.mode, Mode::Prompt);
    assert_eq!(prompt(&a).stage, Stage::Confirm(there.clone()));
    assert!(
        a.notice
            .as_deref()
            .is_some_and(|n| n.contains("replace it?"))
    );
    assert_eq!(a.export_status, None, "not a failure");
    // Enter and other keys do not answer; `n` goes back to the path as typed.
    assert!(a.update(key(KeyCode::Enter)).is_empty());
    assert!(a.update(ch('q')).is_empty());
    assert!(!a.quit);
    let _ = a.update(ch('n'));
    let p = prompt(&a);
    assert_eq!((&p.stage, p.field), (&Stage::Editing, PromptField::Path));
    assert_eq!(p.path, "/d/out.jsonl");
    // Asked again, Esc also keeps editing rather than closing the prompt.
    let _ = export(a.update(key(KeyCode::Enter)));
    let _ = answer(&mut a, Err(ExportError::Exists(there.clone())));
    let _ = a.update(key(KeyCode::Esc));
    assert_eq!((a.mode, &prompt(&a).stage), (Mode::Prompt, &Stage::Editing));
    // `y` replaces that very file.
    let _ = export(a.update(key(KeyCode::Enter)));
    let _ = answer(&mut a, Err(ExportError::Exists(there.clone())));
    let (rows, _, target) = export(a.update(ch('y')));
    assert_eq!(target, Target::Replace(there));
    assert_eq!(rows, shown(&a));
    assert_eq!(prompt(&a).stage, Stage::Writing);
    let _ = answer(&mut a, written("/d/out.jsonl", Format::Jsonl));
    assert!(a.prompt.is_none());
    assert_eq!(a.mode, Mode::Normal);
}

#[test]
fn a_failure_while_the_prompt_is_hidden_keeps_it_for_x() {
    let mut a = typing("/ro/out.jsonl");
    let _ = export(a.update(key(KeyCode::Enter)));
    // Esc while writing hides the prompt; the export goes on.
    assert!(a.update(key(KeyCode::Esc)).is_empty());
    assert_eq!(a.mode, Mode::Normal);
    assert_eq!(prompt(&a).stage, Stage::Writing);
    let _ = answer(
        &mut a,
        Err(ExportError::Write(
            "/ro/out.jsonl: Read-only file system (os error 30)".into(),
        )),
    );
    assert_eq!(a.mode, Mode::Normal, "a failure does not pop up");
    assert!(
        a.notice
            .as_deref()
            .is_some_and(|n| n.contains("x to correct it"))
    );
    // `x` shows it again, with the path as typed and the reason.
    let _ = a.update(ch('x'));
    assert_eq!(a.mode, Mode::Prompt);
    assert_eq!(prompt(&a).path, "/ro/out.jsonl");
    assert!(
        prompt(&a)
            .error
            .as_deref()
            .is_some_and(|e| e.contains("Read-only"))
    );
    // Trying again clears the reason.
    let _ = a.update(key(KeyCode::Backspace));
    let _ = export(a.update(key(KeyCode::Enter)));
    assert_eq!(prompt(&a).error, None);
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

#[test]
fn an_extension_of_another_format_is_warned_about() {
    let mut a = typing("/d/out.csv");
    assert_eq!(prompt(&a).format, Format::Jsonl);
    assert!(
        prompt(&a)
            .warning()
            .is_some_and(|w| w.contains(".csv") && w.contains("jsonl")),
        "{:?}",
        prompt(&a).warning()
    );
    // Choosing csv settles it.
    let _ = a.update(key(KeyCode::BackTab));
    let _ = a.update(key(KeyCode::Right));
    assert_eq!(prompt(&a).format, Format::Csv);
    assert_eq!(prompt(&a).warning(), None);
}

#[test]
fn the_rows_choice_starts_on_one_that_holds_something() {
    let mut a = loaded();
    // A filter that shows nothing: the prompt offers all the rows.
    let _ = a.update(ch('/'));
    for c in "nothing-matches".chars() {
        let _ = a.update(ch(c));
    }
    let _ = a.update(key(KeyCode::Enter));
    assert!(a.rows.is_empty());
    let _ = a.update(ch('x'));
    assert_eq!(prompt(&a).rows, RowChoice::All);
    let _ = a.update(key(KeyCode::Tab));
    let _ = a.update(key(KeyCode::Tab));
    let _ = a.update(key(KeyCode::Right));
    assert_eq!(prompt(&a).rows, RowChoice::All, "the only choice");
    // Nothing at all to export: Enter says so and the prompt stays.
    let mut empty = app();
    let _ = empty.update(ch('x'));
    assert!(empty.update(key(KeyCode::Enter)).is_empty());
    assert_eq!(empty.mode, Mode::Prompt);
    assert!(
        empty
            .notice
            .as_deref()
            .is_some_and(|n| n.starts_with("export: no "))
    );
    assert_eq!(prompt(&empty).stage, Stage::Editing);
}

#[test]
fn the_default_name_follows_the_format_after_time_has_passed() {
    let mut a = opened("/d");
    let first = prompt(&a).path.to_string();
    // The clock moves on while the prompt is open.
    let _ = a.update(Msg::Tick(t(5)));
    let _ = a.update(key(KeyCode::Right));
    let p = prompt(&a);
    assert_eq!(p.format, Format::Csv);
    assert_eq!(p.path.to_string(), first.replace(".jsonl", ".csv"));
    assert_eq!(
        p.warning(),
        None,
        "the prompt's own name is not warned about"
    );
}

#[test]
fn marks_on_indicators_no_source_holds_count_for_nothing() {
    let mut a = loaded();
    let _ = a.update(ch('v'));
    assert_eq!(a.marks.len(), 1);
    // Every source drops everything: the mark stays but holds nothing.
    let _ = a.update(done(0, ok(vec![]), 3));
    let _ = a.update(done(1, ok(vec![]), 4));
    assert_eq!(a.marks.len(), 1);
    assert!(
        a.row_counts().iter().all(|(_, n)| *n == 0),
        "{:?}",
        a.row_counts()
    );
}
