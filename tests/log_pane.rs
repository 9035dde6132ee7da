// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The log pane drawn from tui-logger's own buffer, as the dashboard draws it: the small
//! pane shows the head of each message on one line (the newest last), never the tail of
//! a wrapped one; the large pane wraps at word boundaries. tui-logger's buffer is global,
//! so this binary has it to itself and draws it in one test.

#![allow(clippy::unwrap_used)]

use std::path::Path;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use intellisiem::app::{App, Msg};
use intellisiem::config::Config;
use jiff::Timestamp;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tracing_subscriber::layer::SubscriberExt;

/// Long enough to wrap over more than the small pane's three lines at 120 columns.
const LONG: &str = "feodo: https://feodotracker.abuse.ch/downloads/ipblocklist.json: \
    the host name does not resolve: failed to lookup address information: Name or \
    service not known; the previous indicators stay and the source tries again at its \
    next refresh, which is in ten minutes from now, or at once when asked to with the \
    refresh keys of the sources pane, as many times as it takes until the network \
    answers again, and this sentence ends only here: TAILEND";

fn app() -> App {
    let yaml = "sources:\n  - { name: feodo, kind: feodo, url: \"http://127.0.0.1:9/a\" }\n";
    let config = Config::from_yaml(
        yaml,
        Path::new("t.yaml"),
        &|_| None,
        &intellisiem::sources::registry::kinds(),
    )
    .unwrap()
    .config;
    App::new(&config, Timestamp::from_second(1_800_000_000).unwrap())
}

fn screen(app: &mut App, w: u16, h: u16) -> Vec<String> {
    let _ = app.update(Msg::Resize {
        width: w,
        height: h,
    });
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| intellisiem::ui::view(app, f)).unwrap();
    let buf = term.backend().buffer().clone();
    (0..h)
        .map(|y| (0..w).map(|x| buf[(x, y)].symbol()).collect())
        .collect()
}

/// The lines inside the log pane's border.
fn log_pane(screen: &[String]) -> Vec<String> {
    let top = screen.iter().position(|l| l.contains(" Log (")).unwrap();
    screen[top + 1..]
        .iter()
        .take_while(|l| l.starts_with('│'))
        .map(|l| {
            let inner: String = l.chars().skip(1).collect();
            inner.trim_end_matches('│').trim_end().to_string()
        })
        .collect()
}

#[test]
fn the_log_pane_shows_heads_when_small_and_wraps_words_when_large() {
    tui_logger::set_default_level(tui_logger::LevelFilter::Info);
    let subscriber = tracing_subscriber::registry().with(tui_logger::TuiTracingSubscriberLayer);
    tracing::subscriber::with_default(subscriber, || {
        tracing::info!("urlhaus: 150 indicators");
        tracing::warn!("{LONG}");
    });
    tui_logger::move_events();

    // Small: one line per message, the newest last, from its head, cut with `…`.
    let mut a = app();
    let pane = log_pane(&screen(&mut a, 120, 40));
    assert_eq!(pane.len(), 3, "{pane:#?}");
    assert_eq!(pane[2], "", "two messages, two lines: {pane:#?}");
    assert!(pane[0].ends_with(" I urlhaus: 150 indicators"), "{pane:#?}");
    let newest = &pane[1];
    assert!(
        newest.contains(" W feodo: https://feodotracker"),
        "{pane:#?}"
    );
    assert!(newest.ends_with('…'), "{pane:#?}");
    assert!(!pane.iter().any(|l| l.contains("TAILEND")), "{pane:#?}");

    // The compact layout's one line: the newest message's head.
    let mut b = app();
    let small = screen(&mut b, 80, 24);
    let line = &small[small.len() - 2];
    assert!(line.contains(" W feodo: https://"), "{small:#?}");
    assert!(line.trim_end().ends_with('…'), "{line}");

    // Large: the whole message, broken between words, indented under its text.
    let _ = a.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('l'),
        KeyModifiers::NONE,
    )));
    let pane = log_pane(&screen(&mut a, 120, 40));
    let start = pane
        .iter()
        .position(|l| l.contains(" W feodo: https://"))
        .unwrap();
    let head = pane[start].find("feodo:").unwrap();
    let lines: Vec<&str> = pane[start..]
        .iter()
        .take_while(|l| !l.is_empty())
        .map(|l| &l[head..])
        .collect();
    assert!(lines.len() > 3, "{pane:#?}");
    for l in &lines[1..] {
        assert!(
            !l.starts_with(' '),
            "hanging indent under the text: {pane:#?}"
        );
    }
    let words: Vec<&str> = LONG.split_whitespace().collect();
    assert_eq!(
        lines.join(" ").split_whitespace().collect::<Vec<_>>(),
        words
    );
    // No word is cut: each line ends where a word of the message ends.
    for l in &lines {
        let last = l.split_whitespace().last().unwrap();
        assert!(words.contains(&last), "{last:?} cut in {pane:#?}");
    }
}
