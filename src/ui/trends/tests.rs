// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Snapshots of the Trends view on a `TestBackend` with fixed data: filled, empty, with
//! no store; at 80x24 and 120x40, with `--ascii` and `NO_COLOR`.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;

use crate::app::tests::{app, done, loaded, t};
use crate::app::trends::TrendsData;
use crate::app::{App, CacheState, Msg};
use crate::model::IndicatorType;
use crate::net::NetError;
use crate::sources::FetchError;
use crate::store::persist::{HitHour, SourceDay};
use crate::ui::tests::screen;

/// The view's data at `t(7_200)`: two days of hits with five threats (one hostile
/// name), and 30 days of two sources' counts with a gap.
fn data() -> TrendsData {
    let at = t(7_200);
    let hour0 = at.as_second().div_euclid(3_600) * 3_600 - 1_800_000_000;
    let threats = [
        Some("Emotet"),
        Some("QakBot"),
        None,
        Some("evil\u{1b}[31m\u{202e}name"),
        Some("Cobalt Strike beacon with a very long family name"),
    ];
    let mut hours = Vec::new();
    for back in 0..48i64 {
        let threat = threats[(back % 5) as usize];
        hours.push(HitHour {
            hour: t(hour0 - back * 3_600),
            kind: IndicatorType::Ipv4,
            sensor: "edge-1".into(),
            threat: threat.map(Into::into),
            hits: ((back * 7) % 13 + (47 - back) / 4) as u64,
        });
    }
    hours.reverse();
    let mut days = Vec::new();
    for back in 0..30i64 {
        let day = t(-back * 86_400);
        days.push(SourceDay {
            source: "feodo".into(),
            day,
            count: (400 + back * 3) as usize,
        });
        if back != 4 {
            days.push(SourceDay {
                source: "urlhaus".into(),
                day,
                count: (1_200 - back * 20 + (back % 3) * 15) as usize,
            });
        }
    }
    TrendsData { at, hours, days }
}

/// The loaded app with a failing fetch of urlhaus, a store, and the view open.
fn opened(with: Option<TrendsData>) -> App {
    let mut a = loaded();
    let _ = a.update(done(
        1,
        Err(FetchError::Net(NetError::Status {
            url: "https://urlhaus.abuse.ch/downloads/csv_recent/".into(),
            status: 503,
            detail: "Service Unavailable".into(),
        })),
        200,
    ));
    a.cache = CacheState::Ready;
    let _ = a.update(Msg::Tick(t(7_200)));
    let _ = a.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('T'),
        KeyModifiers::NONE,
    )));
    if let Some(d) = with {
        let _ = a.update(Msg::TrendsLoaded(Ok(d)));
    }
    a
}

#[test]
fn the_view_at_80x24_and_120x40() {
    for (w, h) in [(80u16, 24u16), (120, 40)] {
        let mut a = opened(Some(data()));
        insta::assert_snapshot!(format!("trends_{w}x{h}"), screen(&mut a, w, h));
        let mut e = opened(Some(TrendsData {
            at: t(7_200),
            ..Default::default()
        }));
        insta::assert_snapshot!(format!("trends_empty_{w}x{h}"), screen(&mut e, w, h));
    }
}

#[test]
fn the_view_in_ascii_is_printable_ascii() {
    for (w, h) in [(80u16, 24u16), (120, 40)] {
        let mut a = opened(Some(data()));
        a.ascii = true;
        let text = screen(&mut a, w, h);
        // The TestBackend's text quotes each line; every cell is printable ASCII.
        assert!(
            text.chars().all(|c| c == '\n' || (' '..='~').contains(&c)),
            "{text}"
        );
        insta::assert_snapshot!(format!("trends_ascii_{w}x{h}"), text);
    }
}

#[test]
fn without_colour_no_cell_is_coloured_and_the_days_are_sparklines() {
    let mut a = opened(Some(data()));
    a.no_color = true;
    let _ = a.update(Msg::Resize {
        width: 80,
        height: 24,
    });
    let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
    term.draw(|f| crate::ui::view(&a, f)).unwrap();
    let buf = term.backend().buffer();
    for cell in buf.content() {
        assert_eq!(cell.fg, Color::Reset, "{cell:?}");
        assert_eq!(cell.bg, Color::Reset, "{cell:?}");
    }
    insta::assert_snapshot!("trends_no_color_80x24", term.backend().to_string());
}

#[test]
fn no_store_and_a_read_under_way_say_so() {
    let mut a = app();
    let _ = a.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('T'),
        KeyModifiers::NONE,
    )));
    let text = screen(&mut a, 80, 24);
    assert!(text.contains("no store"), "{text}");
    assert!(text.contains("no fetches yet"), "{text}");
    let mut r = opened(None);
    let text = screen(&mut r, 80, 24);
    assert!(text.contains("reading the store"), "{text}");
    let _ = r.update(Msg::TrendsLoaded(Err("store x: unreachable".into())));
    let text = screen(&mut r, 80, 24);
    assert!(text.contains("not read: store x: unreachable"), "{text}");
}

#[test]
fn sources_past_the_health_panels_height_are_counted() {
    let lists: String = (0..12)
        .map(|i| {
            format!("  - {{ name: list{i}, kind: plain_list, url: \"http://127.0.0.1:9/{i}\" }}\n")
        })
        .collect();
    let cfg = crate::config::Config::from_yaml(
        &format!("sources:\n{lists}"),
        std::path::Path::new("t.yaml"),
        &|_| None,
        &crate::sources::registry::kinds(),
    )
    .unwrap()
    .config;
    let mut a = App::new(&cfg, t(0));
    a.cache = CacheState::Ready;
    let _ = a.update(Msg::Tick(t(0)));
    for i in 0..12 {
        let _ = a.update(done(
            i,
            Err(FetchError::Net(NetError::Status {
                url: format!("http://127.0.0.1:9/{i}"),
                status: 503,
                detail: "Service Unavailable".into(),
            })),
            200,
        ));
    }
    let _ = a.update(Msg::Tick(t(7_200)));
    let _ = a.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('T'),
        KeyModifiers::NONE,
    )));
    let _ = a.update(Msg::TrendsLoaded(Ok(data())));
    let text = screen(&mut a, 80, 24);
    let rows = |text: &str| {
        (0..12)
            .filter(|i| text.contains(&format!(" list{i} ")))
            .count()
    };
    let shown = rows(&text);
    assert!(shown < 12, "every source fits at 80x24:\n{text}");
    assert!(text.contains(&format!("+{} more", 12 - shown)), "{text}");
    // With room for all, none is counted.
    let text = screen(&mut a, 120, 40);
    assert_eq!(rows(&text), 12, "{text}");
    assert!(!text.contains(" more"), "{text}");
}
