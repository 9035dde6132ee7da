// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Snapshots of whole screens on a `TestBackend` with a fixed clock.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::app::tests::{app, done, loaded, ok, sighting, t};
use crate::app::{App, Msg};
use crate::model::IndicatorType;
use crate::net::NetError;
use crate::sources::FetchError;

pub(crate) fn screen(app: &mut App, w: u16, h: u16) -> String {
    let _ = app.update(Msg::Resize {
        width: w,
        height: h,
    });
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| super::view(app, f)).unwrap();
    term.backend().to_string()
}

/// Draws without reading the buffer back (a zero-width `TestBackend` cannot print).
fn draw(app: &mut App, w: u16, h: u16) {
    let _ = app.update(Msg::Resize {
        width: w,
        height: h,
    });
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| super::view(app, f)).unwrap();
}

fn key(app: &mut App, c: KeyCode) {
    let _ = app.update(Msg::Key(KeyEvent::new(c, KeyModifiers::NONE)));
}

fn at_five_minutes(mut a: App) -> App {
    let _ = a.update(Msg::Tick(t(300)));
    a
}

fn with_error() -> App {
    let mut a = loaded();
    let _ = a.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('R'),
        KeyModifiers::NONE,
    )));
    let _ = a.update(done(
        0,
        Err(FetchError::Net(NetError::Status {
            url: "https://feodotracker.abuse.ch/downloads/ipblocklist.json".into(),
            status: 503,
            detail: "Service Unavailable".into(),
        })),
        200,
    ));
    a
}

#[test]
fn snapshots_at_80x24_and_120x40() {
    for (w, h) in [(80u16, 24u16), (120, 40)] {
        let mut start = app();
        let _ = start.update(Msg::Tick(t(0)));
        insta::assert_snapshot!(format!("empty_start_{w}x{h}"), screen(&mut start, w, h));

        let mut a = at_five_minutes(loaded());
        insta::assert_snapshot!(format!("loaded_{w}x{h}"), screen(&mut a, w, h));

        let mut f = at_five_minutes(loaded());
        key(&mut f, KeyCode::Char('/'));
        for c in "45.0".chars() {
            key(&mut f, KeyCode::Char(c));
        }
        key(&mut f, KeyCode::Enter);
        key(&mut f, KeyCode::Char('t'));
        insta::assert_snapshot!(format!("filter_active_{w}x{h}"), screen(&mut f, w, h));

        let mut e = at_five_minutes(with_error());
        insta::assert_snapshot!(format!("error_state_{w}x{h}"), screen(&mut e, w, h));

        let mut d = at_five_minutes(loaded());
        key(&mut d, KeyCode::Enter);
        insta::assert_snapshot!(format!("details_{w}x{h}"), screen(&mut d, w, h));

        let mut hlp = at_five_minutes(loaded());
        key(&mut hlp, KeyCode::Char('?'));
        insta::assert_snapshot!(format!("help_{w}x{h}"), screen(&mut hlp, w, h));
    }
    let mut small = loaded();
    insta::assert_snapshot!("too_small_40x10", screen(&mut small, 40, 10));
}

#[test]
fn no_size_panics() {
    let mut a = with_error();
    key(&mut a, KeyCode::Enter);
    for w in 0..130u16 {
        for h in [0u16, 1, 2, 5, 14, 15, 16, 24, 40] {
            draw(&mut a, w, h);
        }
    }
    let mut b = loaded();
    key(&mut b, KeyCode::Char('?'));
    for w in [0u16, 1, 10, 59, 60, 61, 200] {
        for h in 0..45u16 {
            draw(&mut b, w, h);
        }
    }
}

#[test]
fn hostile_feed_strings_never_reach_the_screen_raw() {
    let mut a = app();
    let _ = a.update(Msg::Tick(t(0)));
    let mut s = sighting(
        IndicatorType::Domain,
        "evil.example",
        Some("\x1b]0;PWNED\x07x"),
        0,
    );
    s.obs.tags = vec![
        "\x1b]52;c;aGVsbG8=\x07".into(),
        "rtl\u{202e}gpj.exe".into(),
        "zw\u{200b}j".into(),
    ]
    .into();
    let _ = a.update(done(0, ok(vec![s]), 1));
    let _ = a.update(done(
        1,
        Err(FetchError::Api("bad \x1b[2J\x1b[31mred\u{9b}".into())),
        1,
    ));
    for mode in [None, Some(KeyCode::Enter)] {
        if let Some(k) = mode {
            key(&mut a, k);
        }
        let text = screen(&mut a, 120, 40);
        for bad in ['\x1b', '\x07', '\u{9b}', '\u{202e}', '\u{200b}'] {
            assert!(!text.contains(bad), "{bad:?} on screen");
        }
        assert!(text.contains("\\x1b]0;PWNED\\x07x"), "{text}");
    }
    assert!(screen(&mut a, 120, 40).contains("\\x1b]52;c;aGVsbG8=\\x07"));
}

#[test]
fn no_color_screens_carry_no_colour() {
    let mut a = at_five_minutes(with_error());
    a.no_color = true;
    let _ = a.update(Msg::Resize {
        width: 80,
        height: 24,
    });
    let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
    term.draw(|f| super::view(&a, f)).unwrap();
    for cell in term.backend().buffer().content() {
        assert_eq!(cell.fg, ratatui::style::Color::Reset, "{:?}", cell.symbol());
        assert_eq!(cell.bg, ratatui::style::Color::Reset);
    }
    let text = term.backend().to_string();
    assert!(text.contains('✗'), "state is also a glyph");
}

#[test]
fn the_frame_builds_only_visible_rows() {
    // A million rows in the store: drawing reads only the entries on screen.
    const ROWS: u32 = 1_000_000;
    let mut a = app();
    let _ = a.update(Msg::Tick(t(0)));
    let many = (0..ROWS)
        .map(|i| sighting(IndicatorType::Domain, &format!("h{i}.example"), None, 0))
        .collect();
    let _ = a.update(done(0, ok(many), 1));
    assert_eq!(a.store.len(), ROWS as usize);
    a.rows = (0..ROWS).collect();
    for (w, h, at) in [(80u16, 24u16, KeyCode::Char('G')), (120, 40, KeyCode::Home)] {
        key(&mut a, at);
        let _ = a.update(Msg::Resize {
            width: w,
            height: h,
        });
        let visible = crate::app::layout::table_rows(&a);
        let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
        crate::store::set::reads::take();
        term.draw(|f| super::view(&a, f)).unwrap();
        let reads = crate::store::set::reads::take();
        // Each row on screen once; a little slack, but nothing like a scan.
        assert!(
            (visible..=visible + 2).contains(&reads),
            "{w}x{h}: {reads} entries read for {visible} rows on screen"
        );
        let text = term.backend().to_string();
        let (first, last) = if at == KeyCode::Home {
            (0, visible - 1)
        } else {
            (ROWS as usize - visible, ROWS as usize - 1)
        };
        assert!(text.contains(&format!(" h{first}.example ")), "{text}");
        assert!(text.contains(&format!(" h{last}.example ")), "{text}");
    }
}

#[test]
fn sources_pane_with_history_cache_and_anomaly() {
    use crate::store::health::{FetchOutcome, FetchRecord};
    let mut a = loaded();
    let rec = |count, outcome| FetchRecord {
        at: t(0),
        outcome,
        count,
        bytes: 0,
        duration: std::time::Duration::ZERO,
        skipped: 0,
    };
    a.sources[0].history = vec![
        rec(100, FetchOutcome::Ok),
        rec(120, FetchOutcome::Ok),
        rec(120, FetchOutcome::NetworkError),
        rec(110, FetchOutcome::NotModified),
        rec(20, FetchOutcome::Ok),
    ];
    a.sources[1].history = vec![rec(2, FetchOutcome::Ok), rec(2, FetchOutcome::AuthError)];
    // urlhaus as it shows before its first live fetch of this run.
    a.sources[1].cached_at = Some(t(-7_200));
    a.sources[1].live = false;
    a.sources[1].last_ok = None;
    let _ = a.update(Msg::Tick(t(300)));
    let text = screen(&mut a, 120, 40);
    assert!(text.contains("⚠ dropped 84% (120 → 20)"), "{text}");
    assert!(text.contains("⚠ key refused since last success"), "{text}");
    assert!(text.contains("cached, 2h ago"), "{text}");
    insta::assert_snapshot!("sources_history_120x40", text);
}

#[test]
fn the_filter_prompt_shows_its_keys_from_the_binding_table() {
    let mut a = at_five_minutes(loaded());
    key(&mut a, KeyCode::Char('/'));
    key(&mut a, KeyCode::Char('4'));
    let text = screen(&mut a, 80, 24);
    let footer = text.lines().last().unwrap_or_default();
    assert!(
        footer.starts_with("\"/4▏  Enter keep · Esc clear "),
        "{footer}"
    );
}

#[test]
fn the_sources_pane_shows_skipped_counts_and_the_details_their_reasons() {
    use crate::sources::SkipReason;
    let mut a = loaded();
    for raw in ["192.0.2.300", "2001:db8::g"] {
        a.sources[0].skipped.add(SkipReason::InvalidValue, raw);
    }
    a.sources[0]
        .skipped
        .add(SkipReason::UnsupportedType, "Mutex");
    let _ = a.update(Msg::Tick(t(300)));
    let text = screen(&mut a, 120, 40);
    assert!(text.contains("skipped 3"), "{text}");
    // feodo's indicator, in the details: the reasons of feodo's last document.
    key(&mut a, KeyCode::Char('/'));
    for c in "51.178".chars() {
        key(&mut a, KeyCode::Char(c));
    }
    key(&mut a, KeyCode::Enter);
    key(&mut a, KeyCode::Enter);
    let text = screen(&mut a, 120, 40);
    assert!(
        text.contains("3 records of its last document: 2 invalid value, 1 unsupported type"),
        "{text}"
    );
}

#[test]
fn export_prompt_snapshot() {
    let mut a = at_five_minutes(loaded());
    let _ = a.update(Msg::Remembered(crate::app::Remembered {
        export_dir: Some("/home/analyst/Downloads".into()),
        ..Default::default()
    }));
    key(&mut a, KeyCode::Char('v'));
    key(&mut a, KeyCode::Char('x'));
    key(&mut a, KeyCode::Right);
    key(&mut a, KeyCode::Tab);
    insta::assert_snapshot!("export_prompt_80x24", screen(&mut a, 80, 24));
    insta::assert_snapshot!("export_prompt_120x40", screen(&mut a, 120, 40));
}

#[test]
fn a_waiting_fetch_says_how_long_and_why_in_the_sources_pane() {
    let mut a = app();
    let _ = a.update(Msg::Tick(t(0)));
    assert!(a.sources[0].fetching());
    let _ = a.update(Msg::FetchWaiting {
        source: 0,
        until: t(42),
        why: crate::net::wait::WaitReason::RateLimit,
    });
    let _ = a.update(Msg::Tick(t(30)));
    let s = screen(&mut a, 120, 40);
    assert!(s.contains("waiting 12s"), "{s}");
    assert!(s.contains("(rate limit)"), "{s}");
    // The fetch ends: no more waiting, and a late notice for an idle source is dropped.
    let _ = a.update(done(0, ok(vec![]), 45));
    let _ = a.update(Msg::FetchWaiting {
        source: 0,
        until: t(99),
        why: crate::net::wait::WaitReason::Retry,
    });
    assert_eq!(a.sources[0].waiting, None);
    let s = screen(&mut a, 120, 40);
    assert!(!s.contains("waiting"), "{s}");
}
