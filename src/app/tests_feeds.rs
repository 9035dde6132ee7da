// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Feeds in the dashboard: a failed source keeps its last data (also in the `x`
//! export), skipped records are counted per source and flagged when most are skipped.

use super::tests::{done, loaded, ok, sighting, t};
use super::*;
use crate::net::NetError;
use crate::sources::{ParsedBatch, SkipReason};

fn export_rows(a: &mut App) -> Vec<String> {
    for code in [
        crossterm::event::KeyCode::Char('x'),
        crossterm::event::KeyCode::Enter,
    ] {
        let fx = a.update(Msg::Key(KeyEvent::new(
            code,
            crossterm::event::KeyModifiers::NONE,
        )));
        if !fx.is_empty() {
            return export_of(fx);
        }
    }
    panic!("no export");
}

fn export_of(fx: Vec<Effect>) -> Vec<String> {
    let Some(Effect::Export { rows, store, .. }) = fx.into_iter().next() else {
        panic!("no export");
    };
    let mut v: Vec<String> = rows
        .iter()
        .map(|&i| store.get(i as usize).unwrap().value.to_string())
        .collect();
    v.sort();
    v
}

#[test]
fn a_failed_source_keeps_its_last_data_in_the_export() {
    let mut a = loaded();
    let before = export_rows(&mut a);
    let _ = a.update(Msg::ExportDone {
        store: Arc::clone(&a.store),
        result: Ok((
            "x.jsonl".into(),
            crate::export::Written::all(before.len()),
            crate::export::Format::Jsonl.into(),
        )),
    });
    let failed = Err(FetchError::Net(NetError::Status {
        url: "http://127.0.0.1:9/f".into(),
        status: 503,
        detail: String::new(),
    }));
    let _ = a.update(done(0, failed, 10));
    let _ = a.update(Msg::Tick(t(11)));
    assert!(a.sources[0].last_error.is_some());
    let after = export_rows(&mut a);
    assert_eq!(after, before);
    assert!(
        after.iter().any(|v| v == "51.178.161.32"),
        "feodo's own row"
    );
}

#[test]
fn skipped_records_are_counted_shown_and_flagged_when_most_are_skipped() {
    let mut a = loaded();
    let mut batch = ParsedBatch {
        sightings: vec![sighting(IndicatorType::Ipv4, "192.0.2.1", None, 5)],
        skipped: Default::default(),
    };
    for raw in ["192.0.2.300", "x y", "2001:db8::g"] {
        batch.skipped.add(SkipReason::InvalidValue, raw);
    }
    batch.skipped.add(SkipReason::UnsupportedType, "Mutex");
    let mut result = ok(Vec::new());
    if let Ok(out) = &mut result {
        out.batch = batch;
    }
    let fx = a.update(done(0, result, 20));
    let s = &a.sources[0];
    assert_eq!(s.skipped.total(), 4);
    assert_eq!(s.skipped.counts(), "3 invalid value, 1 unsupported type");
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::Log { text, .. } if text.contains("192.0.2.300"))),
        "the log lists the raw values"
    );
    assert_eq!(
        crate::store::health::anomaly(&s.history),
        Some(crate::store::health::Anomaly::MostlySkipped {
            skipped: 4,
            taken: 1
        })
    );
}
