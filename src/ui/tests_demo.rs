// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The `--demo` dashboard on a `TestBackend` at the sizes analysts use: snapshots, the
//! rows the table keeps at 80x24, columns giving way on narrow terminals, and ASCII mode.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;

use crate::app::{App, Msg, layout};

/// The clock of every demo picture.
fn now() -> jiff::Timestamp {
    jiff::Timestamp::from_second(crate::demo::PICTURE_TIME).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
}

fn demo(w: u16, h: u16) -> App {
    crate::demo::loaded_app(now(), w, h)
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

fn lines(buf: &Buffer) -> Vec<String> {
    let area = buf.area;
    (0..area.height)
        .map(|y| (0..area.width).map(|x| buf[(x, y)].symbol()).collect())
        .collect()
}

fn key(app: &mut App, c: KeyCode) {
    let _ = app.update(Msg::Key(KeyEvent::new(c, KeyModifiers::NONE)));
}

/// Table rows holding an indicator on screen: the lines between the table's heading and
/// its bottom border that show an indicator type.
pub(crate) fn drawn_table_rows(screen: &[String]) -> usize {
    let Some(head) = screen
        .iter()
        .position(|l| l.contains("TYPE") && l.contains("VALUE"))
    else {
        return 0;
    };
    screen[head + 1..]
        .iter()
        .take_while(|l| l.starts_with('│') || l.starts_with('|'))
        .filter(|l| {
            let cell = l.chars().skip(1).take(6).collect::<String>();
            crate::model::IndicatorType::ALL
                .iter()
                .any(|t| cell.trim_end() == t.as_str())
        })
        .count()
}

#[test]
fn demo_dashboard_snapshots_at_four_sizes() {
    for (w, h) in [(80u16, 24u16), (100, 30), (120, 40), (200, 60)] {
        let mut a = demo(w, h);
        let text = lines(&buffer(&mut a, w, h)).join("\n");
        insta::assert_snapshot!(format!("demo_{w}x{h}"), text);
    }
}

#[test]
fn at_80x24_the_table_keeps_14_rows_and_every_source_shows() {
    let mut a = demo(80, 24);
    let screen = lines(&buffer(&mut a, 80, 24));
    let rows = drawn_table_rows(&screen);
    assert!(rows >= 14, "{rows} rows:\n{}", screen.join("\n"));
    assert_eq!(rows, layout::table_rows(&a), "paging and drawing agree");
    let top = screen[1..3].join("\n");
    for s in &a.sources {
        let start: String = s.spec.name.chars().take(4).collect();
        assert!(top.contains(&start), "{}:\n{top}", s.spec.name);
    }
    for glyph in ["✓ otx", "✗ et_co", "– virus"] {
        assert!(top.contains(glyph), "{glyph}:\n{top}");
    }
    // The log is one line: the latest message, right above the footer.
    assert!(!screen.iter().any(|l| l.contains(" Log (")));
}

#[test]
fn drawn_rows_match_paging_at_every_size() {
    let mut a = demo(80, 24);
    for h in layout::MIN_HEIGHT..64 {
        for w in [60u16, 80, 100, 133, 200] {
            let screen = lines(&buffer(&mut a, w, h));
            let want = layout::table_rows(&a).min(a.rows.len());
            assert_eq!(drawn_table_rows(&screen), want, "{w}x{h}");
        }
    }
}

#[test]
fn tab_opens_the_strip_into_the_full_pane_and_back() {
    let mut a = demo(80, 24);
    key(&mut a, KeyCode::Tab);
    key(&mut a, KeyCode::Char('G'));
    let screen = lines(&buffer(&mut a, 80, 24));
    let text = screen.join("\n");
    assert!(text.contains(" Sources: "), "{text}");
    assert!(text.contains("disabled: no API key"), "{text}");
    assert_eq!(drawn_table_rows(&screen), layout::table_rows(&a));
    key(&mut a, KeyCode::Tab);
    let screen = lines(&buffer(&mut a, 80, 24));
    assert!(!screen.join("\n").contains(" Sources: "));
    // The cursor's source, last in the list, stays marked in the strip.
    let last = a.sources.len() - 1;
    let buf = buffer(&mut a, 80, 24);
    let strip = crate::app::strip::layout(&a, 80);
    let cell = strip.cells.iter().find(|c| c.source == last);
    let cell = cell.unwrap_or_else(|| panic!("source {last} not in the strip"));
    let x = cell.x + 2;
    let y = 1 + cell.line;
    assert!(
        buf[(x, y)]
            .modifier
            .contains(ratatui::style::Modifier::UNDERLINED)
    );
}

#[test]
fn narrow_tables_drop_last_seen_before_cutting_values() {
    let mut a = demo(80, 24);
    let screen = lines(&buffer(&mut a, 80, 24));
    let head = screen.iter().find(|l| l.contains("VALUE")).cloned();
    let head = head.unwrap_or_default();
    assert!(!head.contains("LAST SEEN"), "{head}");
    assert!(head.contains("THREAT"), "{head}");
    let screen = lines(&buffer(&mut a, 100, 30));
    let head = screen.iter().find(|l| l.contains("VALUE")).cloned();
    assert!(head.unwrap_or_default().contains("LAST SEEN"));
}

fn assert_ascii(buf: &Buffer, what: &str) {
    for (i, cell) in buf.content.iter().enumerate() {
        let sym = cell.symbol();
        assert!(
            sym.bytes().all(|b| (b' '..=b'~').contains(&b)),
            "{what}: cell {i} holds {sym:?}:\n{}",
            lines(buf).join("\n")
        );
    }
}

#[test]
fn ascii_mode_draws_only_printable_ascii() {
    for (w, h) in [(80u16, 24u16), (100, 30), (120, 40), (200, 60)] {
        let mut a = demo(w, h);
        a.ascii = true;
        assert_ascii(&buffer(&mut a, w, h), &format!("{w}x{h}"));
        // A fetch in flight (the spinner), the full sources pane, details and help.
        key(&mut a, KeyCode::Char('R'));
        key(&mut a, KeyCode::Tab);
        assert_ascii(&buffer(&mut a, w, h), &format!("{w}x{h} fetching"));
        key(&mut a, KeyCode::Tab);
        key(&mut a, KeyCode::Enter);
        assert_ascii(&buffer(&mut a, w, h), &format!("{w}x{h} details"));
        key(&mut a, KeyCode::Esc);
        key(&mut a, KeyCode::Char('?'));
        assert_ascii(&buffer(&mut a, w, h), &format!("{w}x{h} help"));
    }
    let mut a = demo(120, 40);
    a.ascii = true;
    let text = lines(&buffer(&mut a, 120, 40)).join("\n");
    insta::assert_snapshot!("demo_ascii_120x40", text);
}
