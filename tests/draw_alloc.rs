// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Drawing the indicator table allocates nothing per row: a page of 50 rows costs the
//! same allocations as a page of 10. Counted by a global allocator, per thread, so other
//! tests running at the same time do not disturb the count.

#![allow(clippy::unwrap_used)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::path::Path;
use std::sync::Arc;

use intellisiem::app::{App, Msg};
use intellisiem::config::Config;
use intellisiem::model::time::Secs;
use intellisiem::model::{Enrichment, IndicatorType, Observation, Sighting, Verdict, VtStats};
use intellisiem::ui::theme::Theme;
use jiff::Timestamp;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;

#[path = "../benches/deliver.rs"]
mod deliver;
use deliver::deliver;

struct Counting;

thread_local! {
    static ALLOCS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: forwards every call to the system allocator unchanged; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCS.try_with(|a| a.set(a.get() + 1));
        // SAFETY: the caller upholds `alloc`'s contract, passed on as is.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let _ = ALLOCS.try_with(|a| a.set(a.get() + 1));
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations() -> usize {
    ALLOCS.with(Cell::get)
}

fn config() -> Config {
    let yaml = "sources:\n\
        - { name: feodo, kind: feodo, url: \"http://127.0.0.1:9/a\" }\n\
        - { name: threatfox, kind: threatfox, url: \"http://127.0.0.1:9/b\" }\n";
    Config::from_yaml(
        yaml,
        Path::new("t.yaml"),
        &|_| None,
        &intellisiem::sources::registry::kinds(),
    )
    .expect("config")
    .config
}

/// Rows of every shape the table draws: cut values, escapes, wide characters, a
/// VirusTotal flag, two sources, recent and old times.
fn batch(source: usize, now: i64) -> Vec<Sighting> {
    let threat: Arc<str> = Arc::from("Cobalt Strike beacon with a long family name");
    (0..200)
        .map(|i| {
            let value = match i % 4 {
                0 => format!("host-{i}.example"),
                1 => format!("http://x{i}.example/{}", "a".repeat(200)),
                2 => format!("evil\u{202e}{i}\x1b]0;t\x07.example"),
                _ => format!("漢字{i}.example"),
            };
            Sighting {
                kind: IndicatorType::Domain,
                value: value.into(),
                obs: Observation {
                    threat: (i % 2 == 0).then(|| Arc::clone(&threat)),
                    last_seen: Secs::from_second(now - (i as i64 % 3) * 50_000),
                    ..Default::default()
                },
            }
        })
        .filter(|s| source == 0 || s.value.len() % 2 == 0)
        .collect()
}

fn app() -> App {
    let now = Timestamp::from_second(1_800_090_000).expect("time");
    let mut app = App::new(&config(), now);
    let _ = app.update(Msg::Tick(now));
    for source in 0..2 {
        deliver(&mut app, source, batch(source, now.as_second()), now);
    }
    // Every fifth value looked up on VirusTotal: a flag in its row.
    for s in batch(0, now.as_second()).into_iter().step_by(5) {
        let answer = Enrichment {
            kind: s.kind,
            value: s.value.clone(),
            service: "virustotal".into(),
            at: now,
            verdict: Some(Verdict {
                virustotal: Some(VtStats {
                    malicious: 12,
                    ..Default::default()
                }),
                ..Default::default()
            }),
        };
        let _ = app.update(Msg::EnrichDone {
            source: 0,
            value: s.value,
            result: Ok(answer),
        });
    }
    assert_eq!(app.rows.len(), 200);
    app
}

/// Allocations made while drawing the table into a `height`-line area.
fn table_allocations(app: &mut App, width: u16, height: u16) -> (usize, String) {
    let _ = app.update(Msg::Resize { width, height });
    let mut term = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    let theme = Theme::new(false, false);
    let mut counted = 0;
    // Twice: the first draw sizes the terminal's buffers.
    for _ in 0..2 {
        term.draw(|f| {
            let before = allocations();
            intellisiem::ui::table::render(app, f, Rect::new(0, 0, width, height), &theme);
            counted = allocations() - before;
        })
        .expect("draw");
    }
    let screen = format!("{:?}", term.backend().buffer());
    (counted, screen)
}

#[test]
fn drawing_more_rows_allocates_nothing_more() {
    let mut app = app();
    let (small, small_screen) = table_allocations(&mut app, 120, 12);
    let (large, large_screen) = table_allocations(&mut app, 120, 52);
    // The pages really were drawn: cut values, escapes, the VirusTotal flag.
    for screen in [&small_screen, &large_screen] {
        assert!(screen.contains('…'), "{screen}");
        assert!(screen.contains("\\u{202e}"), "{screen}");
        assert!(screen.contains("⚠12"), "{screen}");
    }
    eprintln!("table draw allocations: {small} for 10 rows, {large} for 50 rows");
    assert_eq!(
        small, large,
        "a page of 50 rows allocated {large} times, a page of 10 {small} times"
    );
}
