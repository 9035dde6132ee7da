// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Runs sources once, concurrently, and merges what they return: the core of
//! `intellisiem fetch`, and the same per-source fetch the dashboard schedules.

use std::time::{Duration, Instant};

use tokio::task::JoinSet;

use crate::config::{Availability, Config, SourceSpec};
use crate::sources::{self, FetchContext, FetchError, FetchOutput};
use crate::store::Store;

/// How one source's run ended.
#[derive(Debug)]
pub enum Outcome {
    Ok(FetchOutput),
    Failed(FetchError),
    Disabled(String),
}

#[derive(Debug)]
pub struct SourceRun {
    pub name: String,
    /// Indicators the source returned (before merging).
    pub count: usize,
    pub outcome: Outcome,
    pub elapsed: Duration,
}

/// Progress of a run, for a progress line.
#[derive(Debug, Clone)]
pub enum Progress {
    Started(String),
    Finished { name: String, ok: bool },
}

/// Fetches every spec concurrently (disabled ones are reported, not fetched) and returns
/// the runs in the order of `specs`.
pub async fn run(
    config: &Config,
    ctx: &FetchContext,
    specs: &[SourceSpec],
    mut progress: impl FnMut(Progress),
) -> Vec<SourceRun> {
    let mut set = JoinSet::new();
    let mut runs: Vec<Option<SourceRun>> = Vec::with_capacity(specs.len());
    for (i, spec) in specs.iter().enumerate() {
        match config.availability(spec) {
            Availability::Disabled(reason) => runs.push(Some(SourceRun {
                name: spec.name.clone(),
                count: 0,
                outcome: Outcome::Disabled(reason),
                elapsed: Duration::ZERO,
            })),
            Availability::Enabled => {
                runs.push(None);
                progress(Progress::Started(spec.name.clone()));
                let ctx = ctx.clone();
                let spec = spec.clone();
                set.spawn(async move {
                    let started = Instant::now();
                    let result = sources::fetch(&ctx, &spec).await;
                    (i, spec.name, result, started.elapsed())
                });
            }
        }
    }
    while let Some(joined) = set.join_next().await {
        let Ok((i, name, result, elapsed)) = joined else {
            // A task can only fail to join by panicking; report it against no source.
            continue;
        };
        progress(Progress::Finished {
            name: name.clone(),
            ok: result.is_ok(),
        });
        runs[i] = Some(SourceRun {
            name,
            count: result.as_ref().map_or(0, |o| o.batch.sightings.len()),
            outcome: match result {
                Ok(out) => Outcome::Ok(out),
                Err(e) => Outcome::Failed(e),
            },
            elapsed,
        });
    }
    runs.into_iter()
        .zip(specs)
        .map(|(r, spec)| {
            r.unwrap_or_else(|| SourceRun {
                name: spec.name.clone(),
                count: 0,
                outcome: Outcome::Failed(FetchError::Refused("the fetch task crashed".into())),
                elapsed: Duration::ZERO,
            })
        })
        .collect()
}

/// Merges the successful runs, in order, into one store. Takes the batches out of `runs`.
pub fn merge(runs: &mut [SourceRun]) -> Store {
    let mut store = Store::new();
    for r in runs.iter() {
        store.source_id(&r.name);
    }
    for r in runs.iter_mut() {
        if let Outcome::Ok(out) = &mut r.outcome {
            let id = store.source_id(&r.name);
            let sightings = std::mem::take(&mut out.batch.sightings);
            store.replace_source(id, sightings);
        }
    }
    store
}
