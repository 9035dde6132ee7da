// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! What the screen says about the dashboard's state: ASCII stand-ins for every symbol
//! the program draws itself.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;

use crate::app::{App, Msg};

fn key(app: &mut App, c: KeyCode) {
    let _ = app.update(Msg::Key(KeyEvent::new(c, KeyModifiers::NONE)));
}

fn buffer(app: &mut App, w: u16, h: u16) -> Buffer {
    let _ = app.update(Msg::Resize {
        width: w,
        height: h,
    });
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| super::view(app, f)).unwrap();
    term.backend().buffer().clone()
}

#[test]
fn every_symbol_the_program_draws_has_an_ascii_stand_in() {
    // The demo's data is ASCII: every other character on its screens is the program's
    // own, and none may fold to the `?` that stands for unknown text.
    let now = jiff::Timestamp::from_second(crate::demo::PICTURE_TIME).unwrap();
    let mut screens = Vec::new();
    for (w, h) in [(80u16, 24u16), (120, 40)] {
        let mut a = crate::demo::loaded_app(now, w, h);
        screens.push(("table", buffer(&mut a, w, h)));
        key(&mut a, KeyCode::Tab);
        key(&mut a, KeyCode::Char('R'));
        screens.push(("sources", buffer(&mut a, w, h)));
        key(&mut a, KeyCode::Tab);
        key(&mut a, KeyCode::Char('s'));
        key(&mut a, KeyCode::Char('S'));
        key(&mut a, KeyCode::Enter);
        screens.push(("details", buffer(&mut a, w, h)));
        key(&mut a, KeyCode::Esc);
        key(&mut a, KeyCode::Char('?'));
        screens.push(("help", buffer(&mut a, w, h)));
        key(&mut a, KeyCode::Esc);
        key(&mut a, KeyCode::Char('x'));
        screens.push(("export", buffer(&mut a, w, h)));
        key(&mut a, KeyCode::Esc);
        key(&mut a, KeyCode::Char('/'));
        key(&mut a, KeyCode::Char('e'));
        screens.push(("filter", buffer(&mut a, w, h)));
    }
    for (what, buf) in screens {
        for cell in &buf.content {
            let Some(c) = cell.symbol().chars().next() else {
                continue;
            };
            assert!(
                c.is_ascii() || super::ascii::fold(c) != '?',
                "{what}: {c:?} has no ASCII stand-in"
            );
        }
    }
}
