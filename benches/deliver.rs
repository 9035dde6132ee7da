// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Hands a batch to the dashboard's state as a finished fetch and runs the filter jobs
//! the runtime would run on a worker. Shared by `benches/dashboard.rs` and
//! `tests/draw_alloc.rs`.

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use intellisiem::app::{App, Effect, Msg};
use intellisiem::model::Sighting;
use intellisiem::sources::{FetchOutput, ParsedBatch};
use intellisiem::store::filter;
use jiff::Timestamp;

/// `sightings` as a successful fetch of `source` at `now`, filtered at once.
pub fn deliver(app: &mut App, source: usize, sightings: Vec<Sighting>, now: Timestamp) {
    let fx = app.update(Msg::FetchDone {
        source,
        result: Ok(FetchOutput {
            batch: ParsedBatch {
                sightings,
                skipped: Default::default(),
            },
            requests: 1,
            ..Default::default()
        }),
        at: now,
        elapsed: Duration::from_millis(1),
    });
    for f in fx {
        if let Effect::Filter {
            generation,
            store,
            query,
            sort,
            cancel,
            ..
        } = f
        {
            let rows = filter::view(&store, &query, sort, &cancel);
            let _ = app.update(Msg::FilterDone {
                generation,
                rows,
                store,
            });
        }
    }
}
