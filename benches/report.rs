// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The report over a store of 1,000,000 indicators and 100,000 hits (the fixture at
//! scale 500, `report::fixture`): reading the brief from the store, rendering it as
//! Markdown, JSON, HTML and PDF, and the whole report (read and written) as HTML and PDF:
//! at most 2 s for HTML and 4 s for PDF.
//!
//! `cargo bench --bench report` (`REPORT_SCALE=N` for another size)

#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use intellisiem::report::fixture::{self, Spec};
use intellisiem::report::read::{self, Query};
use intellisiem::report::{
    Paper, ReportWriter, Templates, html::Html, json::Json, md::Markdown, pdf::Pdf,
};
use jiff::{SignedDuration, Timestamp};

fn report(c: &mut Criterion) {
    let scale: u32 = std::env::var("REPORT_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(500);
    if std::env::var_os("RUST_LOG").is_some() {
        tracing_subscriber::fmt()
            .with_writer(std::io::stderr)
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .init();
    }
    let now = Timestamp::constant(1_795_996_800, 0);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("brief.db");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (store, _) = intellisiem::store::persist::open(Some(&db));
    let store = store.unwrap();
    let t = Instant::now();
    let facts = rt
        .block_on(fixture::write(
            store.as_ref(),
            &Spec {
                seed: 7,
                scale,
                now,
            },
        ))
        .unwrap();
    let held: usize = facts.held.iter().map(|(_, n)| n).sum();
    eprintln!(
        "fixture: {held} sightings, {} hits, {} marks, written in {:.1} s",
        facts.hits,
        facts.marks,
        t.elapsed().as_secs_f64()
    );
    let cfg = dir.path().join("config.yaml");
    std::fs::write(&cfg, fixture::config_yaml(&db)).unwrap();
    let config = intellisiem::sources::registry::load_config(Some(&cfg), &|_| None).unwrap();
    let query = Query {
        from: now - SignedDuration::from_hours(7 * 24),
        to: now,
        sources: Vec::new(),
        sensors: Vec::new(),
        time_zone: jiff::tz::TimeZone::UTC,
        lists: Arc::new(intellisiem::matching::Warninglists::load(&[]).unwrap()),
        now,
    };
    let templates = Templates::load(None).unwrap();
    let brief = rt
        .block_on(read::brief(store.as_ref(), &config, &query))
        .unwrap();
    eprintln!(
        "brief: {} indicators held, {} hits in the week",
        brief.summary.indicators_held, brief.summary.hits
    );
    let mut g = c.benchmark_group("report_1m");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(20));
    g.bench_function("read_brief", |b| {
        b.iter(|| {
            rt.block_on(read::brief(store.as_ref(), &config, &query))
                .unwrap()
        })
    });
    g.bench_function("render_md", |b| {
        b.iter(|| {
            let mut out = Vec::new();
            Markdown.write(&brief, &templates, &mut out).unwrap();
            out
        })
    });
    g.bench_function("render_json", |b| {
        b.iter(|| {
            let mut out = Vec::new();
            Json.write(&brief, &templates, &mut out).unwrap();
            out
        })
    });
    let pdf = Pdf { paper: Paper::A4 };
    let writers: [(&str, &dyn ReportWriter); 2] = [("html", &Html), ("pdf", &pdf)];
    for (name, writer) in writers {
        g.bench_function(format!("render_{name}"), |b| {
            b.iter(|| {
                let mut out = Vec::new();
                writer.write(&brief, &templates, &mut out).unwrap();
                out
            })
        });
        // The whole report as the command makes it: read from the store, then written.
        g.bench_function(format!("read_and_{name}"), |b| {
            b.iter(|| {
                let brief = rt
                    .block_on(read::brief(store.as_ref(), &config, &query))
                    .unwrap();
                let mut out = Vec::new();
                writer.write(&brief, &templates, &mut out).unwrap();
                out
            })
        });
    }
    g.finish();
}

criterion_group!(benches, report);
criterion_main!(benches);
