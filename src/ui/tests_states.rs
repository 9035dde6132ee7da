// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! What the screen says about the dashboard's state: a first run with no network, the
//! header's state against its message, the sort's arrow, and ASCII stand-ins for every
//! symbol the program draws itself.

use std::path::PathBuf;
use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;

use super::tests::screen;
use crate::app::tests::{loaded, t};
use crate::app::{App, Msg};
use crate::config::{Availability, Config};
use crate::net::NetError;
use crate::sources::FetchError;

fn key(app: &mut App, c: KeyCode) {
    let _ = app.update(Msg::Key(KeyEvent::new(c, KeyModifiers::NONE)));
}

/// The built-in config with no keys, every enabled source's host name unresolved.
fn first_run_without_network() -> App {
    let config = Config::builtin(&|_| None, &crate::sources::registry::kinds());
    let mut a = App::new(&config, t(0));
    let _ = a.update(Msg::Tick(t(0)));
    for (i, spec) in config.sources.iter().enumerate() {
        if config.availability(spec) != Availability::Enabled {
            continue;
        }
        let _ = a.update(Msg::FetchDone {
            source: i,
            result: Err(FetchError::Net(NetError::Resolve {
                url: spec.url.to_string(),
                reason: "failed to lookup address information: Name or service not known".into(),
            })),
            at: t(1),
            elapsed: std::time::Duration::from_millis(3),
        });
    }
    let _ = a.update(Msg::Tick(t(5)));
    a
}

#[test]
fn a_first_run_without_network_says_so_and_suggests_the_demo() {
    let mut a = first_run_without_network();
    let failing = a.sources.iter().filter(|s| s.failing()).count();
    assert!(failing >= 5, "{failing}");
    assert!(a.sources.iter().all(|s| !s.failing() || s.unresolved));
    for (w, h) in [(80u16, 24u16), (120, 40)] {
        let text = screen(&mut a, w, h);
        let header = text.lines().next().unwrap_or_default();
        assert!(
            header.contains(&format!("{failing} failing (no network?)")),
            "{header}"
        );
        assert!(!header.contains(&format!("{failing}/")), "{header}");
        assert!(text.contains("intellisiem --demo"), "{text}");
        insta::assert_snapshot!(format!("no_network_{w}x{h}"), text);
    }
    // The full sources pane names the likely cause on each failing row.
    let text = screen(&mut a, 120, 40);
    let rows = text.lines().filter(|l| l.contains("no network? ")).count();
    assert_eq!(rows, failing, "{text}");
    assert!(
        text.contains(&format!(" Sources: {failing} failing · ")),
        "{text}"
    );
    // Other failures do not guess at the network.
    let mut b = loaded();
    key(&mut b, KeyCode::Char('R'));
    let _ = b.update(crate::app::tests::done(
        0,
        Err(FetchError::Net(NetError::Connect {
            url: "http://127.0.0.1:9/f".into(),
            reason: "connection refused".into(),
        })),
        9,
    ));
    let text = screen(&mut b, 120, 40);
    assert!(
        text.lines()
            .next()
            .unwrap_or_default()
            .contains("1 failing")
    );
    assert!(!text.contains("no network?"), "{text}");
}

/// The app with a filter, a type and a sort set, and a long export message.
fn busy_header() -> App {
    let mut a = loaded();
    let _ = a.update(Msg::Tick(t(100)));
    key(&mut a, KeyCode::Char('/'));
    for c in "45.0".chars() {
        key(&mut a, KeyCode::Char(c));
    }
    key(&mut a, KeyCode::Enter);
    key(&mut a, KeyCode::Char('t'));
    key(&mut a, KeyCode::Char('s'));
    key(&mut a, KeyCode::Char('S'));
    let store = Arc::clone(&a.store);
    let _ = a.update(Msg::ExportDone {
        store,
        result: Ok((
            PathBuf::from("/home/analyst/Downloads/a/rather/deep/folder/export.jsonl"),
            crate::export::Written::all(1),
            crate::export::Format::Jsonl.into(),
        )),
    });
    a
}

#[test]
fn the_header_keeps_filter_type_and_sort_in_view_and_cuts_the_message() {
    let mut a = busy_header();
    for w in [80u16, 100, 120] {
        let text = screen(&mut a, w, 24);
        let header = text.lines().next().unwrap_or_default();
        assert!(header.contains("/45.0"), "{w}: {header}");
        assert!(header.contains("type:ipv4"), "{w}: {header}");
        assert!(header.contains("sort:arrival ▼"), "{w}: {header}");
    }
    let text = screen(&mut a, 120, 24);
    let header = text.lines().next().unwrap_or_default();
    assert!(header.contains("exported 1 rows to /home/"), "{header}");
    assert!(
        header.trim_end_matches(['"', ' ']).ends_with('…'),
        "{header}"
    );
    // The message leaves after a few seconds; the state stays.
    let _ = a.update(Msg::Tick(t(110)));
    let text = screen(&mut a, 120, 24);
    let header = text.lines().next().unwrap_or_default();
    assert!(!header.contains("exported"), "{header}");
    assert!(header.contains("type:ipv4"), "{header}");
}

#[test]
fn the_sorted_column_shows_its_direction() {
    let mut a = loaded();
    let _ = a.update(Msg::Tick(t(100)));
    let text = screen(&mut a, 120, 40);
    assert!(text.contains("LAST SEEN ▼"), "{text}");
    // Newest first is the default; its column shows it, so the header need not.
    assert!(!text.lines().next().unwrap_or_default().contains("sort:"));
    // At 80 columns LAST SEEN gives way: the header says how the rows are sorted.
    let text = screen(&mut a, 80, 24);
    assert!(
        text.lines()
            .next()
            .unwrap_or_default()
            .contains("sort:last seen ▼")
    );
    for _ in 0..5 {
        key(&mut a, KeyCode::Char('s'));
    }
    assert_eq!(a.sort.key, crate::store::sort::SortKey::Threat);
    let text = screen(&mut a, 120, 40);
    assert!(text.contains("THREAT ▲"), "{text}");
    assert!(!text.contains("LAST SEEN ▼"), "{text}");
    key(&mut a, KeyCode::Char('S'));
    a.ascii = true;
    let text = screen(&mut a, 120, 40);
    assert!(text.contains("THREAT v"), "{text}");
    assert!(
        text.lines()
            .next()
            .unwrap_or_default()
            .contains("sort:threat v")
    );
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
