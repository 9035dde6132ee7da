// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Indicators on an allowlist or a warninglist on screen: the mark before the value
//! (`⊘`, `-` in ASCII), the list named in the details, each list's count in the sources
//! pane's border, the total in the header over the strip, and the export prompt's
//! choice to keep them.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::tests::screen;
use crate::app::tests::listed::with_lists;
use crate::app::tests::t;
use crate::app::{App, Msg};

fn key(app: &mut App, c: KeyCode) {
    let _ = app.update(Msg::Key(KeyEvent::new(c, KeyModifiers::NONE)));
}

fn listed_app() -> App {
    let mut a = with_lists();
    let _ = a.update(Msg::Tick(t(300)));
    a
}

#[test]
fn a_listed_row_is_marked_and_each_list_counted() {
    let mut a = listed_app();
    let s = screen(&mut a, 120, 40);
    assert!(s.contains("⊘ 45.0.0.3"), "{s}");
    assert!(s.contains("⊘ listed: built-in 2 · corp 1"), "{s}");
    assert!(!s.contains("⊘ 51.178.161.32"), "{s}");
    insta::assert_snapshot!("listed_rows_120x40", s);
}

#[test]
fn the_details_name_the_list() {
    let mut a = listed_app();
    // 45.0.0.3 is the newest: the first row.
    key(&mut a, KeyCode::Enter);
    let s = screen(&mut a, 120, 40);
    assert!(
        s.contains("⊘ allowlist corp: left out of exports and not hunted for"),
        "{s}"
    );
    insta::assert_snapshot!("listed_details_120x40", s);
}

#[test]
fn over_the_strip_the_header_counts_them_in_ascii_too() {
    let mut a = listed_app();
    a.ascii = true;
    let s = screen(&mut a, 80, 24);
    assert!(s.contains("- 45.0.0.3"), "{s}");
    assert!(s.lines().next().unwrap().contains("- 3 listed"), "{s}");
    insta::assert_snapshot!("listed_rows_ascii_80x24", s);
}

#[test]
fn the_export_prompt_offers_to_keep_them() {
    let mut a = listed_app();
    key(&mut a, KeyCode::Char('x'));
    let s = screen(&mut a, 80, 24);
    assert!(s.contains("Listed   [leave out (3)] keep "), "{s}");
    insta::assert_snapshot!("listed_export_prompt_80x24", s);
}
