// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! `y`, `Y` and `c` copy; `v` and `V` mark; `keys:` remaps through `update`.

use super::*;

/// Selects the row showing `value`.
fn select(a: &mut App, value: &str) {
    let _ = a.update(ch('g'));
    for _ in 0..a.rows.len() {
        if selected_value(a).as_deref() == Some(value) {
            return;
        }
        let _ = a.update(ch('j'));
    }
    panic!("{value} is not shown");
}

fn copied(fx: &[Effect]) -> Option<&str> {
    fx.iter().find_map(|e| match e {
        Effect::Copy(text) => Some(text.as_str()),
        _ => None,
    })
}

#[test]
fn y_copies_the_value_and_shift_y_the_defanged_value() {
    let mut a = loaded();
    select(&mut a, "http://x.example/a");
    assert_eq!(copied(&a.update(ch('y'))), Some("http://x.example/a"));
    assert_eq!(copied(&a.update(ch('Y'))), Some("hxxp://x[.]example/a"));
    select(&mut a, "45.0.0.3");
    assert_eq!(copied(&a.update(ch('Y'))), Some("45[.]0[.]0[.]3"));
    // In the details too.
    let _ = a.update(key(KeyCode::Enter));
    assert_eq!(a.mode, Mode::Details);
    assert_eq!(copied(&a.update(ch('Y'))), Some("45[.]0[.]0[.]3"));
    // Nothing selected, nothing copied.
    let mut empty = app();
    assert!(copied(&empty.update(ch('Y'))).is_none());
}

#[test]
fn c_in_the_details_copies_the_record_as_its_jsonl_line() {
    let mut a = loaded();
    select(&mut a, "45.0.0.3");
    // Outside the details `c` does nothing.
    assert!(copied(&a.update(ch('c'))).is_none());
    let _ = a.update(key(KeyCode::Enter));
    let fx = a.update(ch('c'));
    let json = copied(&fx).expect("copied").to_string();
    let i = a.selected_entry().expect("selected");
    let mut line = Vec::new();
    let e = a.store.get(i).expect("entry");
    crate::export::write(
        crate::export::Format::Jsonl,
        &a.store,
        std::iter::once(e),
        &mut line,
        t(0),
    )
    .expect("jsonl");
    assert_eq!(format!("{json}\n").as_bytes(), &line[..]);
    let v: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(v["value"], "45.0.0.3");
    assert_eq!(v["sources"], serde_json::json!(["feodo", "urlhaus"]));
    assert_eq!(a.mode, Mode::Details, "copying keeps the details open");
}

#[test]
fn marks_survive_filtering_and_sorting_and_clear_all() {
    let mut a = loaded();
    select(&mut a, "45.0.0.3");
    let _ = a.update(ch('v'));
    select(&mut a, "evil.example");
    let _ = a.update(ch('v'));
    assert_eq!(a.marks.len(), 2);
    assert!(a.marks.contains(IndicatorType::Ipv4, "45.0.0.3"));
    // Filter the marked rows away and back, sort twice: still marked.
    let _ = a.update(ch('/'));
    for c in "zzz".chars() {
        let _ = a.update(ch(c));
    }
    assert!(a.rows.is_empty());
    assert_eq!(a.marks.len(), 2);
    assert_eq!(
        a.marked_rows().len(),
        2,
        "marked rows filtered out still export"
    );
    let _ = a.update(key(KeyCode::Esc));
    assert_eq!(a.rows.len(), 4);
    let _ = a.update(ch('s'));
    let _ = a.update(ch('S'));
    assert_eq!(a.marks.len(), 2);
    assert!(a.marks.contains(IndicatorType::Domain, "evil.example"));
    assert_eq!(a.marked_rows().len(), 2);
    // `v` again unmarks; `V` clears every mark.
    select(&mut a, "evil.example");
    let _ = a.update(ch('v'));
    assert_eq!(a.marks.len(), 1);
    assert!(!a.marks.contains(IndicatorType::Domain, "evil.example"));
    let _ = a.update(ch('V'));
    assert!(a.marks.is_empty());
    assert_eq!(a.notice.as_deref(), Some("1 marks cleared"));
}

#[test]
fn marks_follow_the_indicator_across_a_refresh() {
    let mut a = loaded();
    select(&mut a, "51.178.161.32");
    let _ = a.update(ch('v'));
    let _ = a.update(ch('R'));
    let _ = a.update(done(
        0,
        ok(vec![
            sighting(IndicatorType::Ipv4, "0.0.0.1", None, 1),
            sighting(IndicatorType::Ipv4, "51.178.161.32", Some("QakBot"), 40),
        ]),
        20,
    ));
    let rows = a.marked_rows();
    assert_eq!(rows.len(), 1);
    let e = a.store.get(rows[0] as usize).expect("entry");
    assert_eq!(&*e.value, "51.178.161.32");
}

/// An app whose config remaps keys.
fn remapped(keys: &str) -> App {
    let yaml = format!("{YAML}keys: {keys}\n");
    let cfg = Config::from_yaml(
        &yaml,
        Path::new("t.yaml"),
        &|_| None,
        &crate::sources::registry::kinds(),
    )
    .expect("config")
    .config;
    App::new(&cfg, t(0))
}

#[test]
fn a_remapped_key_works_through_update_and_the_old_one_does_not() {
    let mut a = remapped(r#"{ quit: ["Q"], mark: ["m"], filter: ["f"] }"#);
    let _ = a.update(Msg::Tick(t(0)));
    let _ = a.update(ch('q'));
    assert!(!a.quit, "q no longer quits");
    let _ = a.update(ch('f'));
    assert_eq!(a.mode, Mode::Filter);
    let _ = a.update(ch('Q'));
    assert!(!a.quit, "Q is typed into the filter");
    assert_eq!(a.filter_text, "Q");
    let _ = a.update(key(KeyCode::Esc));
    let _ = a.update(ch('Q'));
    assert!(a.quit);
    // Help and footer show the keys in effect.
    let help = a.keymap.help_lines();
    assert!(
        help.iter().any(|(k, t)| k == "Q  Ctrl-C" && *t == "quit"),
        "{help:?}"
    );
    assert!(help.iter().any(|(k, _)| k == "m  V"), "{help:?}");
    let footer = a.keymap.hints(keymap::Place::Footer);
    assert!(
        footer.iter().any(|(k, t)| k == "Q" && *t == "quit"),
        "{footer:?}"
    );
}

#[test]
fn e_with_rows_marked_looks_every_marked_row_up_queued_within_the_quota() {
    let mut a = loaded();
    select(&mut a, "45.0.0.3");
    let _ = a.update(ch('v'));
    select(&mut a, "evil.example");
    let _ = a.update(ch('v'));
    let fx = a.update(ch('e'));
    let mut asked: Vec<(String, bool)> = fx
        .iter()
        .filter_map(|f| match f {
            Effect::Enrich { value, wait, .. } => Some((value.to_string(), *wait)),
            _ => None,
        })
        .collect();
    asked.sort();
    asked.dedup();
    assert_eq!(
        asked,
        [
            ("45.0.0.3".to_string(), true),
            ("evil.example".to_string(), true)
        ],
        "every marked row, each one waiting for the quota rather than failing"
    );
    assert!(
        a.notice.as_deref().is_some_and(|n| n.contains("2 marked")),
        "{:?}",
        a.notice
    );
    // Without marks, `e` asks for the selected row only, without queueing.
    let _ = a.update(ch('V'));
    select(&mut a, "45.0.0.3");
    let fx = a.update(ch('e'));
    assert!(
        fx.iter().all(|f| matches!(
            f,
            Effect::Enrich { value, wait: false, .. } if &**value == "45.0.0.3"
        )) && !fx.is_empty()
    );
}
