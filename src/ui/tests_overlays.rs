// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The overlays and prompts at 80x24: the help scrolling with its `more` marker, the
//! details' label column, hanging indent and scrollbar, the export prompt's questions,
//! warnings and errors, and the cursor of a line being typed.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::tests::screen;
use crate::app::tests::{done, loaded, ok, sighting, t};
use crate::app::{App, ExportError, Msg};
use crate::model::IndicatorType;

fn key(app: &mut App, c: KeyCode) {
    let _ = app.update(Msg::Key(KeyEvent::new(c, KeyModifiers::NONE)));
}

fn ctrl(app: &mut App, c: char) {
    let _ = app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char(c),
        KeyModifiers::CONTROL,
    )));
}

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c));
    }
}

/// Draws as the runtime does: a frame, then the overlay's scroll limit handed back.
fn frame(app: &mut App, w: u16, h: u16) -> String {
    let text = screen(app, w, h);
    let limit = super::scroll_limit(app, ratatui::layout::Rect::new(0, 0, w, h));
    if limit != app.scroll_limit {
        let _ = app.update(Msg::ScrollLimit(limit));
    }
    text
}

fn at_five_minutes(mut a: App) -> App {
    let _ = a.update(Msg::Tick(t(300)));
    a
}

#[test]
fn the_help_scrolls_at_80x24_and_says_more_follows() {
    let mut a = at_five_minutes(loaded());
    key(&mut a, KeyCode::Char('?'));
    let top = frame(&mut a, 80, 24);
    assert!(top.contains("↓ more"), "{top}");
    assert!(!top.contains("↑ more"), "{top}");
    let limit = a.scroll_limit.expect("the help scrolls at 80x24");
    assert!(limit > 0);
    // Past the end, scrolling stops at the last line: one step back shows a move.
    for _ in 0..100 {
        key(&mut a, KeyCode::Char('j'));
    }
    assert_eq!(a.help_scroll, limit);
    let end = frame(&mut a, 80, 24);
    assert!(end.contains("close details, help or the filter"), "{end}");
    assert!(end.contains("↑ more") && !end.contains("↓ more"), "{end}");
    insta::assert_snapshot!("help_end_80x24", end);
    key(&mut a, KeyCode::Up);
    assert_eq!(a.help_scroll, limit - 1);
    key(&mut a, KeyCode::Home);
    assert_eq!(a.help_scroll, 0);
    key(&mut a, KeyCode::End);
    assert_eq!(a.help_scroll, limit);
    // Any other key closes it; it opens at the top again.
    key(&mut a, KeyCode::Char('x'));
    assert_eq!(a.mode, crate::app::Mode::Normal);
    key(&mut a, KeyCode::Char('?'));
    assert_eq!(a.help_scroll, 0);
    // Where it all fits, nothing scrolls and nothing says more.
    let wide = frame(&mut a, 200, 60);
    assert_eq!(a.scroll_limit, Some(0));
    assert!(!wide.contains("more "), "{wide}");
    // ASCII: the marker too.
    a.ascii = true;
    let ascii = frame(&mut a, 80, 24);
    assert!(ascii.contains("v more"), "{ascii}");
}

/// An indicator whose details do not fit at 80x24: a long URL, long tags and several
/// sources.
fn crowded() -> App {
    let mut a = at_five_minutes(loaded());
    let url = format!("http://198.51.100.7/{}", "a-long-path/".repeat(12));
    let mut s = sighting(IndicatorType::Url, &url, Some("malware_download"), 80);
    s.obs.tags = (0..30)
        .map(|i| format!("tag-{i}").into())
        .collect::<Vec<std::sync::Arc<str>>>()
        .into();
    s.obs.confidence = Some(75);
    s.obs.references = vec!["https://urlhaus.abuse.ch/url/1/".into()].into();
    let _ = a.update(done(0, ok(vec![s.clone()]), 90));
    let _ = a.update(done(1, ok(vec![s]), 91));
    let _ = a.update(Msg::Tick(t(300)));
    key(&mut a, KeyCode::Char('/'));
    typed(&mut a, "198.51.100.7");
    key(&mut a, KeyCode::Enter);
    key(&mut a, KeyCode::Enter);
    a
}

#[test]
fn the_details_align_values_hang_wrapped_lines_and_show_a_scrollbar() {
    let mut a = crowded();
    let text = frame(&mut a, 80, 24);
    insta::assert_snapshot!("details_crowded_80x24", text);
    // Every label has a gap after it, and the values start in one column (below the
    // header, whose sort may say "last seen").
    let col = |label: &str| {
        text.lines()
            .skip(1)
            .find_map(|l| {
                let at = l.find(label)?;
                let rest = &l[at + label.len()..];
                let gap = rest.len() - rest.trim_start().len();
                Some(l[..at].chars().count() + label.chars().count() + gap)
            })
            .unwrap_or_else(|| panic!("no {label} in {text}"))
    };
    let value_col = col("seen");
    for label in ["threat", "confidence", "ports", "tags", "enrichment"] {
        assert_eq!(col(label), value_col, "{label}");
    }
    // A wrapped value goes on under its first line.
    let tags_at = text
        .lines()
        .position(|l| l.contains("tags ") && l.contains("tag-0"))
        .expect("tags");
    let next: Vec<&str> = text.lines().collect();
    let under = next[tags_at + 1];
    let cont = under.chars().skip(value_col).take(4).collect::<String>();
    assert!(cont.starts_with("tag-"), "{under:?}");
    // It scrolls, to its end and no further.
    let limit = a.scroll_limit.expect("the details scroll");
    assert!(limit > 0 && text.contains("↓ more"));
    for _ in 0..200 {
        key(&mut a, KeyCode::Char('j'));
    }
    assert_eq!(a.details_scroll, limit);
    let end = frame(&mut a, 80, 24);
    assert!(end.contains("https://urlhaus.abuse.ch/url/1/"), "{end}");
    // A source's fields, further in, still end at the value column with a gap.
    let own = end
        .lines()
        .find(|l| l.contains("  confidence  75"))
        .unwrap_or_else(|| panic!("{end}"));
    assert_eq!(own.find("75"), end.lines().find_map(|l| l.find("first -")));
    assert!(end.contains("↑ more") && !end.contains("↓ more"), "{end}");
}

fn export_prompt() -> App {
    let mut a = at_five_minutes(loaded());
    let _ = a.update(Msg::Remembered(crate::app::Remembered {
        export_dir: Some("/home/analyst".into()),
        ..Default::default()
    }));
    key(&mut a, KeyCode::Char('x'));
    key(&mut a, KeyCode::Tab);
    a
}

#[test]
fn the_export_prompt_hides_empty_choices_and_warns_of_a_foreign_extension() {
    let mut a = export_prompt();
    ctrl(&mut a, 'u');
    typed(&mut a, "~/out.csv");
    for _ in 0..4 {
        key(&mut a, KeyCode::Left);
    }
    let text = frame(&mut a, 80, 24);
    insta::assert_snapshot!("export_prompt_warning_80x24", text);
    assert!(
        text.contains("shown (4)") && text.contains("all (4)"),
        "{text}"
    );
    assert!(!text.contains("marked"), "marked (0) is offered: {text}");
    assert!(text.contains("~/out▏.csv"), "{text}");
    assert!(
        text.contains("⚠ .csv is a csv file name; jsonl files end in .jsonl"),
        "{text}"
    );
}

#[test]
fn the_export_prompt_asks_before_replacing_and_keeps_a_failure() {
    let mut a = export_prompt();
    ctrl(&mut a, 'u');
    typed(&mut a, "/srv/out.jsonl");
    key(&mut a, KeyCode::Enter);
    let writing = frame(&mut a, 80, 24);
    assert!(writing.contains("writing…"), "{writing}");
    let store = std::sync::Arc::clone(&a.store);
    let _ = a.update(Msg::ExportDone {
        store,
        result: Err(ExportError::Exists("/srv/out.jsonl".into())),
    });
    let ask = frame(&mut a, 80, 24);
    insta::assert_snapshot!("export_prompt_replace_80x24", ask);
    assert!(
        ask.contains("⚠ /srv/out.jsonl exists. Replace it?"),
        "{ask}"
    );
    assert!(ask.contains("y replace · n keep editing"), "{ask}");
    key(&mut a, KeyCode::Char('n'));
    key(&mut a, KeyCode::Enter);
    let store = std::sync::Arc::clone(&a.store);
    let _ = a.update(Msg::ExportDone {
        store,
        result: Err(ExportError::Write(
            "/srv/out.jsonl: Permission denied (os error 13)".into(),
        )),
    });
    let failed = frame(&mut a, 80, 24);
    assert!(
        failed.contains("✗ /srv/out.jsonl: Permission denied (os error 13)"),
        "{failed}"
    );
    assert!(
        failed.contains("/srv/out.jsonl▏"),
        "the path as typed: {failed}"
    );
}

#[test]
fn the_filter_shows_its_cursor_where_it_is() {
    let mut a = at_five_minutes(loaded());
    key(&mut a, KeyCode::Char('/'));
    typed(&mut a, "45.0");
    key(&mut a, KeyCode::Left);
    key(&mut a, KeyCode::Left);
    let text = frame(&mut a, 80, 24);
    let footer = text.lines().last().unwrap_or_default();
    assert!(footer.starts_with("\"/45▏.0  Enter keep"), "{footer}");
    // Editing at the cursor refilters.
    ctrl(&mut a, 'u');
    assert_eq!(a.filter_text, ".0");
    key(&mut a, KeyCode::Delete);
    key(&mut a, KeyCode::Delete);
    assert_eq!(a.filter_text, "");
    assert_eq!(a.rows.len(), 4);
}
