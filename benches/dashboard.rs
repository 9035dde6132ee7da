// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Dashboard costs with 1,000,000 indicators in the store: one frame drawn (only the
//! visible rows are built), and a re-filter on a keystroke (text, type, source).
//!
//! `cargo bench --bench dashboard`

#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use criterion::{Criterion, criterion_group, criterion_main};
use intellisiem::app::{App, Msg};
use intellisiem::config::Config;
use intellisiem::model::intern::Interner;
use intellisiem::model::list::List;
use intellisiem::model::time::Secs;
use intellisiem::model::{IndicatorType, Observation, Sighting};
use intellisiem::store::filter::{self, Query, Sort, SortKey};
use jiff::Timestamp;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

#[path = "deliver.rs"]
mod deliver;
use deliver::deliver;

const N: usize = 1_000_000;

fn config() -> Config {
    let yaml = "sources:\n\
        - { name: feodo, kind: feodo, url: \"http://127.0.0.1:9/a\" }\n\
        - { name: threatfox, kind: threatfox, url: \"http://127.0.0.1:9/b\" }\n\
        - { name: urlhaus, kind: urlhaus, url: \"http://127.0.0.1:9/c\" }\n";
    Config::from_yaml(
        yaml,
        Path::new("bench.yaml"),
        &|_| None,
        &intellisiem::sources::registry::kinds(),
    )
    .expect("config")
    .config
}

const THREATS: [&str; 6] = [
    "Dridex",
    "QakBot",
    "Emotet",
    "AsyncRAT",
    "Cobalt Strike",
    "Lumma",
];

/// Sightings as the parsers make them: threat names, tags and tag and port lists shared
/// through one interner per batch.
fn batch(source: usize, n: usize) -> Vec<Sighting> {
    let mut strings = Interner::new();
    let threats: Vec<Arc<str>> = THREATS.iter().filter_map(|t| strings.get(t)).collect();
    let tags: Vec<List<Arc<str>>> = ["c2", "elf", "phishing"]
        .iter()
        .map(|t| {
            let list = strings.list(t).into();
            strings.tags(list)
        })
        .collect();
    let ports = strings.ports(vec![443].into());
    (0..n)
        .map(|i| {
            let (kind, value) = match (i + source) % 3 {
                0 => (
                    IndicatorType::Ipv4,
                    std::net::Ipv4Addr::from(0x2d00_0000u32 + i as u32).to_string(),
                ),
                1 => (IndicatorType::Domain, format!("host-{i}-{source}.example")),
                _ => (
                    IndicatorType::Url,
                    format!("http://dl-{i}.example/{source}/x.sh"),
                ),
            };
            Sighting {
                kind,
                value: value.into(),
                obs: Observation {
                    threat: Some(Arc::clone(&threats[i % threats.len()])),
                    tags: tags[i % tags.len()].clone(),
                    last_seen: Secs::from_second(1_800_000_000 + (i as i64 % 86_400)),
                    ports: ports.clone(),
                    ..Default::default()
                },
            }
        })
        .collect()
}

/// An app holding `N` indicators from three sources, rows computed.
fn loaded_app() -> App {
    let now = Timestamp::from_second(1_800_090_000).expect("time");
    let mut app = App::new(&config(), now);
    let _ = app.update(Msg::Tick(now));
    let per = N / 3 + 1;
    for source in 0..3 {
        deliver(&mut app, source, batch(source, per), now);
    }
    assert!(app.store.len() >= N, "{}", app.store.len());
    assert_eq!(app.rows.len(), app.store.len());
    app
}

fn frames(c: &mut Criterion) {
    let mut app = loaded_app();
    let mut g = c.benchmark_group("frame_1m");
    for (w, h) in [(80u16, 24u16), (200, 60)] {
        let _ = app.update(Msg::Resize {
            width: w,
            height: h,
        });
        // Somewhere in the middle of the table.
        let _ = app.update(Msg::Key(crossterm::event::KeyEvent::from(
            crossterm::event::KeyCode::End,
        )));
        let mut term = Terminal::new(TestBackend::new(w, h)).expect("terminal");
        g.bench_function(format!("{w}x{h}"), |b| {
            b.iter(|| {
                term.draw(|f| intellisiem::ui::view(&app, f)).expect("draw");
            })
        });
    }
    g.finish();
}

fn filters(c: &mut Criterion) {
    let app = loaded_app();
    let store = &app.store;
    let no = AtomicBool::new(false);
    let hidden = vec![store.find_source("feodo").expect("source")];
    let mut g = c.benchmark_group("filter_1m");
    g.sample_size(20);
    let cases: [(&str, Query); 4] = [
        (
            "text",
            Query {
                text: "host-4242".into(),
                ..Default::default()
            },
        ),
        (
            "text_threat",
            Query {
                text: "cobalt".into(),
                ..Default::default()
            },
        ),
        (
            "type",
            Query {
                kind: Some(IndicatorType::Url),
                ..Default::default()
            },
        ),
        (
            "hidden_source",
            Query {
                hidden,
                ..Default::default()
            },
        ),
    ];
    for (name, q) in &cases {
        g.bench_function(*name, |b| b.iter(|| filter::filter(store, q, &no)));
    }
    // Typing one more character: only the rows the shorter query shows are searched.
    let shorter = Query {
        text: "host-42".into(),
        ..Default::default()
    };
    let shown = filter::filter(store, &shorter, &no).expect("rows");
    let longer = Query {
        text: "host-424".into(),
        ..Default::default()
    };
    assert!(filter::narrows(&shorter, &longer));
    g.bench_function("text_typed", |b| {
        b.iter(|| filter::narrow(store, &longer, &shown, &no))
    });
    let wide = Query {
        text: "h".into(),
        ..Default::default()
    };
    let shown = filter::filter(store, &wide, &no).expect("rows");
    let longer = Query {
        text: "ho".into(),
        ..Default::default()
    };
    g.bench_function("text_typed_second_key", |b| {
        b.iter(|| filter::narrow(store, &longer, &shown, &no))
    });
    let all = filter::filter(store, &Query::default(), &no).expect("rows");
    for key in [
        SortKey::LastSeen,
        SortKey::Value,
        SortKey::Threat,
        SortKey::Sources,
    ] {
        g.bench_function(format!("sort_{}", key.label().replace(' ', "_")), |b| {
            b.iter_batched(
                || all.clone(),
                |mut rows| {
                    filter::sort(
                        store,
                        &mut rows,
                        Sort {
                            key,
                            reverse: false,
                        },
                    )
                },
                criterion::BatchSize::LargeInput,
            )
        });
    }
    // What the dashboard computes once a warm start has merged every stored snapshot:
    // every row, in the default order.
    g.bench_function("view_default", |b| {
        b.iter(|| filter::view(store, &Query::default(), Sort::default(), &no))
    });
    g.finish();
}

criterion_group!(benches, frames, filters);
criterion_main!(benches);
