// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Runs sources once, concurrently, and merges what they return: the core of
//! `intellisiem fetch`, and the same per-source fetch the dashboard schedules.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use jiff::Timestamp;
use tokio::task::JoinSet;

use crate::config::{Availability, CachePath, Config, SourceSpec};
use crate::sources::{self, FetchContext, FetchError, FetchOutput, Prior};
use crate::store::Store;
use crate::store::cache::{self, Cache, CacheError, Group, SharedCache, SourceMeta};
use crate::store::health::FetchRecord;

/// Where the cache lives for this config, if anywhere (`no_cache` is `--no-cache`).
pub fn cache_path(config: &Config, no_cache: bool) -> Option<PathBuf> {
    if no_cache {
        return None;
    }
    match &config.cache.path {
        CachePath::Off => None,
        CachePath::File(p) => Some(p.clone()),
        CachePath::Default => cache::default_path(&crate::config::process_env),
    }
}

/// Opens the cache and applies `retention` (when given). Returns the cache (if usable)
/// and lines to show the user (a file moved aside, a newer schema refused, an I/O
/// problem).
pub fn open_cache(
    path: Option<&std::path::Path>,
    retention: Option<Duration>,
) -> (Option<SharedCache>, Vec<String>) {
    let Some(path) = path else {
        return (None, Vec::new());
    };
    match Cache::open(path) {
        Ok(opened) => {
            let mut notes: Vec<String> = opened.warning.into_iter().collect();
            let mut cache = opened.cache;
            if let Some(r) = retention
                && let Err(e) = cache.apply_retention(Timestamp::now(), r)
            {
                notes.push(e.to_string());
            }
            (
                Some(std::sync::Arc::new(std::sync::Mutex::new(cache))),
                notes,
            )
        }
        Err(e) => (None, vec![e.to_string()]),
    }
}

fn lock(cache: &SharedCache) -> std::sync::MutexGuard<'_, Cache> {
    cache.lock().unwrap_or_else(|p| p.into_inner())
}

/// The stored state of `spec` for a conditional or incremental fetch.
pub fn prior(meta: Option<&SourceMeta>) -> Prior {
    meta.map(|m| Prior {
        etag: m.etag.clone(),
        last_modified: m.last_modified.clone(),
        cursor: m.cursor,
    })
    .unwrap_or_default()
}

/// One fetch of a source with its cache: conditional or incremental from the stored
/// state, then the result saved (snapshot, validators, cursor, history) in one
/// transaction before it is returned. An incremental result comes back as the source's
/// whole merged snapshot; a `304` as the stored snapshot when `reload_unchanged`.
/// Cache failures never fail the fetch: they come back as notes.
pub async fn fetch_cached(
    ctx: &FetchContext,
    spec: &SourceSpec,
    cache: Option<&SharedCache>,
    reload_unchanged: bool,
) -> (Result<FetchOutput, FetchError>, Vec<String>) {
    let mut notes = Vec::new();
    let meta = match cache {
        Some(c) => {
            let c = c.clone();
            let name = spec.name.clone();
            match tokio::task::spawn_blocking(move || lock(&c).metas().map(|mut m| m.remove(&name)))
                .await
            {
                Ok(Ok(m)) => m,
                Ok(Err(e)) => {
                    notes.push(e.to_string());
                    None
                }
                Err(_) => None,
            }
        }
        None => None,
    };
    let started = Instant::now();
    let result = sources::fetch(ctx, spec, &prior(meta.as_ref())).await;
    let Some(c) = cache.cloned() else {
        return (result, notes);
    };
    let elapsed = started.elapsed();
    let spec = spec.clone();
    let held = meta.map_or(0, |m| m.count);
    let joined = tokio::task::spawn_blocking(move || {
        let mut result = result;
        let mut c = lock(&c);
        let now = Timestamp::now();
        let saved = store_result(&mut c, &spec, &mut result, now, reload_unchanged);
        let record = FetchRecord::from_result(&result, now, elapsed, held);
        let recorded = c.record(&spec.name, &record);
        let notes: Vec<String> = [saved.err(), recorded.err()]
            .into_iter()
            .flatten()
            .map(|e| e.to_string())
            .collect();
        (result, notes)
    })
    .await;
    match joined {
        Ok((result, more)) => {
            notes.extend(more);
            (result, notes)
        }
        Err(_) => (
            Err(FetchError::Refused("the cache task crashed".into())),
            notes,
        ),
    }
}

fn store_result(
    c: &mut Cache,
    spec: &SourceSpec,
    result: &mut Result<FetchOutput, FetchError>,
    now: Timestamp,
    reload_unchanged: bool,
) -> Result<(), CacheError> {
    let Ok(out) = result else {
        return Ok(());
    };
    if out.not_modified {
        c.confirm(&spec.name, now)?;
        if reload_unchanged {
            out.batch.sightings = c.load_source(&spec.name)?;
        }
        return Ok(());
    }
    let all = &out.batch.sightings;
    let groups: Vec<Group<'_>> = if out.groups.is_empty() {
        vec![Group {
            id: "",
            sightings: all,
        }]
    } else {
        out.groups
            .iter()
            .filter_map(|(id, r)| all.get(r.clone()).map(|s| Group { id, sightings: s }))
            .collect()
    };
    let meta = SourceMeta {
        fetched_at: Some(now),
        etag: out.etag.clone(),
        last_modified: out.last_modified.clone(),
        cursor: out.cursor,
        count: 0,
    };
    c.save(
        &spec.name,
        spec.kind.as_str(),
        &groups,
        out.incremental,
        &meta,
        now,
    )?;
    if out.incremental {
        out.batch.sightings = c.load_source(&spec.name)?;
    }
    Ok(())
}

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
    cache: Option<&SharedCache>,
    specs: &[SourceSpec],
    mut progress: impl FnMut(Progress),
) -> (Vec<SourceRun>, Vec<String>) {
    let mut notes = Vec::new();
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
                let cache = cache.cloned();
                set.spawn(async move {
                    let started = Instant::now();
                    let (result, notes) = fetch_cached(&ctx, &spec, cache.as_ref(), true).await;
                    (i, spec.name, result, started.elapsed(), notes)
                });
            }
        }
    }
    while let Some(joined) = set.join_next().await {
        let Ok((i, name, result, elapsed, more)) = joined else {
            // A task can only fail to join by panicking; report it against no source.
            continue;
        };
        notes.extend(more);
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
    let runs = runs
        .into_iter()
        .zip(specs)
        .map(|(r, spec)| {
            r.unwrap_or_else(|| SourceRun {
                name: spec.name.clone(),
                count: 0,
                outcome: Outcome::Failed(FetchError::Refused("the fetch task crashed".into())),
                elapsed: Duration::ZERO,
            })
        })
        .collect();
    (runs, notes)
}

/// The cached snapshots of `specs`, as runs (`--offline`). A source with nothing cached
/// is a failed run.
pub fn run_offline(
    config: &Config,
    cache: Option<&SharedCache>,
    specs: &[SourceSpec],
) -> Result<Vec<SourceRun>, String> {
    let Some(cache) = cache else {
        return Err(
            "--offline needs the cache, and it is off (cache.path: none or --no-cache)".into(),
        );
    };
    let all = lock(cache).load_all().map_err(|e| e.to_string())?;
    Ok(specs
        .iter()
        .map(|spec| {
            let cached = all
                .iter()
                .find(|c| c.name == spec.name && c.meta.fetched_at.is_some());
            match (cached, config.availability(spec)) {
                (None, Availability::Disabled(reason)) => SourceRun {
                    name: spec.name.clone(),
                    count: 0,
                    outcome: Outcome::Disabled(reason),
                    elapsed: Duration::ZERO,
                },
                (Some(c), _) => SourceRun {
                    name: spec.name.clone(),
                    count: c.sightings.len(),
                    outcome: Outcome::Ok(FetchOutput {
                        batch: sources::ParsedBatch {
                            sightings: c.sightings.clone(),
                            skipped: 0,
                        },
                        ..Default::default()
                    }),
                    elapsed: Duration::ZERO,
                },
                (None, Availability::Enabled) => SourceRun {
                    name: spec.name.clone(),
                    count: 0,
                    outcome: Outcome::Failed(FetchError::Refused(
                        "nothing cached for this source".into(),
                    )),
                    elapsed: Duration::ZERO,
                },
            }
        })
        .collect())
}

/// Merges the successful runs, in order, into one store. Takes the batches out of `runs`.
pub fn merge(runs: &mut [SourceRun]) -> Store {
    let mut store = Store::new();
    let mut total = 0;
    for r in runs.iter() {
        store.source_id(&r.name);
        if let Outcome::Ok(out) = &r.outcome {
            total += out.batch.sightings.len();
        }
    }
    // One allocation of the table and index instead of a rehash per source.
    store.reserve(total);
    for r in runs.iter_mut() {
        if let Outcome::Ok(out) = &mut r.outcome {
            let id = store.source_id(&r.name);
            let sightings = std::mem::take(&mut out.batch.sightings);
            store.replace_source(id, sightings);
        }
    }
    store
}
