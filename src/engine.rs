// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Runs sources once, concurrently, and merges what they return: the core of
//! `intellisiem fetch`, and the same per-source fetch the dashboard schedules.

use std::sync::Arc;
use std::time::{Duration, Instant};

use jiff::Timestamp;
use tokio::task::JoinSet;

use crate::config::{Availability, Config, SourceSpec};
use crate::sources::{self, FetchContext, FetchError, FetchOutput, Prior};
use crate::store::Store;
use crate::store::health::FetchRecord;
use crate::store::persist::{self, PersistError, SharedStore, Snapshot, SourceMeta};

/// Opens the store at `location` and, when given, applies `retention`. Returns the
/// store (if usable) and lines to show the user.
pub async fn open_store(
    location: &persist::Location,
    retention: Option<Duration>,
) -> (Option<SharedStore>, Vec<String>) {
    let (store, mut notes) = persist::open_location(location);
    if let (Some(s), Some(r)) = (&store, retention)
        && let Err(e) = s.apply_retention(Timestamp::now(), r).await
    {
        notes.push(e.to_string());
    }
    (store, notes)
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

/// One fetch of a source with its store: conditional or incremental from the stored
/// state, then the result saved (snapshot, validators, cursor, history) before it is
/// returned. An incremental result comes back as the source's whole merged snapshot; a
/// `304` as the stored snapshot when `reload_unchanged`. Store failures never fail the
/// fetch: they come back as notes.
pub async fn fetch_cached(
    ctx: &FetchContext,
    spec: &SourceSpec,
    store: Option<&SharedStore>,
    reload_unchanged: bool,
) -> (Result<FetchOutput, FetchError>, Vec<String>) {
    fetch_cached_with(ctx, spec, store, reload_unchanged, false).await
}

/// [`fetch_cached`]; `forced` (the analyst asked for this fetch) fetches from a store
/// shared by a team even when another process fetched within the refresh interval.
pub async fn fetch_cached_with(
    ctx: &FetchContext,
    spec: &SourceSpec,
    store: Option<&SharedStore>,
    reload_unchanged: bool,
    forced: bool,
) -> (Result<FetchOutput, FetchError>, Vec<String>) {
    if let Some(s) = store.filter(|s| s.is_shared()) {
        return fetch_shared(ctx, spec, s, reload_unchanged, forced).await;
    }
    fetch_and_save(ctx, spec, store, reload_unchanged).await
}

/// A fetch of a source in a store shared by a team: at most one process fetches it per
/// refresh interval. This process fetches only while it holds the source's lease and the
/// stored snapshot is older than the refresh; otherwise it takes the stored snapshot,
/// waiting (up to the HTTP timeout) for a holder to finish first.
async fn fetch_shared(
    ctx: &FetchContext,
    spec: &SourceSpec,
    store: &SharedStore,
    reload_unchanged: bool,
    forced: bool,
) -> (Result<FetchOutput, FetchError>, Vec<String>) {
    let mut notes = Vec::new();
    let give_up = Instant::now() + ctx.http.timeout();
    let ttl = ctx.http.timeout() * 4 + Duration::from_secs(60);
    let fresh = |meta: Option<&SourceMeta>| {
        if forced {
            return false;
        }
        let refresh = jiff::SignedDuration::try_from(spec.refresh).unwrap_or_default();
        meta.and_then(|m| m.fetched_at)
            .and_then(|at| at.checked_add(refresh).ok())
            .is_some_and(|due| due > Timestamp::now())
    };
    loop {
        let meta = match store.metas().await {
            Ok(mut m) => m.remove(&spec.name),
            Err(e) => {
                // The team's store is out of reach: fetch alone, keep the data in memory.
                notes.push(e.to_string());
                let (r, more) = fetch_and_save(ctx, spec, None, reload_unchanged).await;
                notes.extend(more);
                return (r, notes);
            }
        };
        if fresh(meta.as_ref()) {
            match stored(store, spec, meta.as_ref()).await {
                Ok(out) => return (Ok(out), notes),
                // The store said fresh but cannot hand it over: fetch alone instead.
                Err(e) => {
                    notes.push(e.to_string());
                    let (r, more) = fetch_and_save(ctx, spec, None, reload_unchanged).await;
                    notes.extend(more);
                    return (r, notes);
                }
            }
        }
        match store.lease(spec.name.clone(), ttl).await {
            Ok(persist::LeaseState::Granted) => {
                // Someone may have saved between our look and the lease.
                let again = store
                    .metas()
                    .await
                    .ok()
                    .and_then(|mut m| m.remove(&spec.name));
                let result = if fresh(again.as_ref()) {
                    (stored(store, spec, again.as_ref()).await, Vec::new())
                } else {
                    // Renew the lease while a long fetch (many pages) runs, so no
                    // teammate takes it over and fetches the same source meanwhile.
                    let work = fetch_and_save(ctx, spec, Some(store), reload_unchanged);
                    tokio::pin!(work);
                    let mut renew = tokio::time::interval(ttl / 3);
                    renew.tick().await;
                    loop {
                        tokio::select! {
                            r = &mut work => break r,
                            _ = renew.tick() => {
                                if let Err(e) = store.lease(spec.name.clone(), ttl).await {
                                    tracing::debug!("{}: lease renewal: {e}", spec.name);
                                }
                            }
                        }
                    }
                };
                notes.extend(result.1);
                if let Err(e) = store.release(spec.name.clone()).await {
                    notes.push(e.to_string());
                }
                return (result.0, notes);
            }
            Ok(persist::LeaseState::HeldBy { holder, .. }) => {
                if Instant::now() >= give_up {
                    notes.push(format!(
                        "{}: {} is still fetching it; using the stored snapshot (stale)",
                        spec.name,
                        if holder.is_empty() {
                            "another process"
                        } else {
                            &holder
                        }
                    ));
                    return (stored(store, spec, meta.as_ref()).await, notes);
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(e) => {
                notes.push(e.to_string());
                let (r, more) = fetch_and_save(ctx, spec, None, reload_unchanged).await;
                notes.extend(more);
                return (r, notes);
            }
        }
    }
}

/// The stored snapshot of `spec`, as a fetch result (no request was made).
async fn stored(
    store: &SharedStore,
    spec: &SourceSpec,
    meta: Option<&SourceMeta>,
) -> Result<FetchOutput, FetchError> {
    let sightings = store
        .load_source(spec.name.clone())
        .await
        .map_err(|e| FetchError::Refused(format!("the shared store: {e}")))?;
    if sightings.is_empty() && meta.is_none_or(|m| m.fetched_at.is_none()) {
        return Err(FetchError::Refused(
            "nothing stored for this source yet".into(),
        ));
    }
    Ok(FetchOutput {
        batch: sources::ParsedBatch {
            sightings,
            skipped: Default::default(),
        },
        from_store: true,
        ..Default::default()
    })
}

/// One fetch, then the result saved to `store` (if any).
async fn fetch_and_save(
    ctx: &FetchContext,
    spec: &SourceSpec,
    store: Option<&SharedStore>,
    reload_unchanged: bool,
) -> (Result<FetchOutput, FetchError>, Vec<String>) {
    let mut notes = Vec::new();
    let meta = match store {
        Some(s) => match s.metas().await {
            Ok(mut m) => m.remove(&spec.name),
            Err(e) => {
                notes.push(e.to_string());
                None
            }
        },
        None => None,
    };
    let started = Instant::now();
    let mut result = sources::fetch(ctx, spec, &prior(meta.as_ref())).await;
    let Some(store) = store else {
        return (result, notes);
    };
    let elapsed = started.elapsed();
    let now = Timestamp::now();
    if let Err(e) = store_result(store, spec, &mut result, now, reload_unchanged).await {
        notes.push(e.to_string());
    }
    let held = meta.map_or(0, |m| m.count);
    let record = FetchRecord::from_result(&result, now, elapsed, held);
    if let Err(e) = store.record(spec.name.clone(), record).await {
        notes.push(e.to_string());
    }
    let skips = match &result {
        Ok(out) if !out.not_modified => persist::trends::skip_rows(&out.batch.skipped),
        _ => Vec::new(),
    };
    if !skips.is_empty()
        && let Err(e) = store.record_skips(spec.name.clone(), now, skips).await
    {
        notes.push(e.to_string());
    }
    (result, notes)
}

async fn store_result(
    store: &SharedStore,
    spec: &SourceSpec,
    result: &mut Result<FetchOutput, FetchError>,
    now: Timestamp,
    reload_unchanged: bool,
) -> Result<(), PersistError> {
    let Ok(out) = result else {
        return Ok(());
    };
    if out.not_modified {
        store.confirm(spec.name.clone(), now).await?;
        if reload_unchanged {
            out.batch.sightings = store.load_source(spec.name.clone()).await?;
        }
        return Ok(());
    }
    let snapshot = Snapshot {
        source: spec.name.clone(),
        kind: spec.kind.as_str(),
        sightings: std::mem::take(&mut out.batch.sightings),
        groups: std::mem::take(&mut out.groups),
        expires: std::mem::take(&mut out.expires),
        incremental: out.incremental,
        meta: SourceMeta {
            fetched_at: Some(now),
            etag: out.etag.clone(),
            last_modified: out.last_modified.clone(),
            cursor: out.cursor,
            count: 0,
            fetched_by: None,
        },
        now,
    };
    let (snapshot, saved) = store.save(snapshot).await;
    out.batch.sightings = snapshot.sightings;
    out.groups = snapshot.groups;
    out.expires = snapshot.expires;
    saved?;
    if out.incremental {
        out.batch.sightings = store.load_source(spec.name.clone()).await?;
    }
    Ok(())
}

/// How one source's run ended.
#[derive(Debug)]
pub enum RunOutcome {
    Ok(FetchOutput),
    Failed(FetchError),
    Disabled(String),
}

/// One source's run.
#[derive(Debug)]
pub struct SourceRun {
    pub name: String,
    /// Indicators the source returned (before merging).
    pub count: usize,
    pub outcome: RunOutcome,
    pub elapsed: Duration,
    /// For a failed run: the source's last good snapshot, exported in its place.
    pub stale: Option<Stale>,
}

/// A failed source's last good snapshot (from the cache, within `cache.retention`).
#[derive(Debug)]
pub struct Stale {
    /// When the snapshot was fetched.
    pub fetched_at: Timestamp,
    /// Indicators in the snapshot (still known after [`merge`] takes `sightings`).
    pub count: usize,
    pub sightings: Vec<crate::model::Sighting>,
}

/// Gives every failed run in `runs` its source's last good snapshot from `store`, if one
/// was fetched within `retention` before `now`, so an export keeps what the source last
/// said instead of losing it. Returns lines for the user (store errors).
pub async fn fill_stale(
    store: &SharedStore,
    runs: &mut [SourceRun],
    retention: Duration,
    now: Timestamp,
) -> Vec<String> {
    let mut notes = Vec::new();
    if !runs
        .iter()
        .any(|r| matches!(r.outcome, RunOutcome::Failed(_)))
    {
        return notes;
    }
    let metas = match store.metas().await {
        Ok(m) => m,
        Err(e) => {
            notes.push(e.to_string());
            return notes;
        }
    };
    let oldest = now
        .checked_sub(jiff::SignedDuration::try_from(retention).unwrap_or(jiff::SignedDuration::MAX))
        .unwrap_or(Timestamp::MIN);
    for run in runs.iter_mut() {
        if !matches!(run.outcome, RunOutcome::Failed(_)) {
            continue;
        }
        let Some(fetched_at) = metas
            .get(&run.name)
            .and_then(|m| m.fetched_at)
            .filter(|t| *t >= oldest)
        else {
            continue;
        };
        match store.load_source(run.name.clone()).await {
            Ok(sightings) if !sightings.is_empty() => {
                run.stale = Some(Stale {
                    fetched_at,
                    count: sightings.len(),
                    sightings,
                })
            }
            Ok(_) => {}
            Err(e) => notes.push(e.to_string()),
        }
    }
    notes
}

/// Progress of a run, for a progress line.
#[derive(Debug, Clone)]
pub enum Progress {
    Started(String),
    /// The source's fetch waits `wait` before its next request (a rate limit, a retry).
    Waiting {
        name: String,
        wait: Duration,
        why: crate::net::wait::WaitReason,
    },
    Finished {
        name: String,
        ok: bool,
    },
}

/// Fetches every spec concurrently (disabled ones are reported, not fetched) and returns
/// the runs in the order of `specs`.
pub async fn run(
    config: &Config,
    ctx: &FetchContext,
    store: Option<&SharedStore>,
    specs: &[SourceSpec],
    mut progress: impl FnMut(Progress),
) -> (Vec<SourceRun>, Vec<String>) {
    let mut notes = Vec::new();
    let mut set = JoinSet::new();
    let mut runs: Vec<Option<SourceRun>> = Vec::with_capacity(specs.len());
    let (wait_tx, mut waits) = tokio::sync::mpsc::unbounded_channel();
    for (i, spec) in specs.iter().enumerate() {
        match config.availability(spec) {
            Availability::Disabled(reason) => runs.push(Some(SourceRun {
                name: spec.name.clone(),
                count: 0,
                outcome: RunOutcome::Disabled(reason),
                elapsed: Duration::ZERO,
                stale: None,
            })),
            Availability::Enabled => {
                runs.push(None);
                progress(Progress::Started(spec.name.clone()));
                let ctx = ctx.clone();
                let spec = spec.clone();
                let store = store.cloned();
                let notice: crate::net::wait::WaitNotice = {
                    let (tx, name) = (wait_tx.clone(), spec.name.clone());
                    Arc::new(move |wait, why| {
                        let _ = tx.send(Progress::Waiting {
                            name: name.clone(),
                            wait,
                            why,
                        });
                    })
                };
                set.spawn(async move {
                    let started = Instant::now();
                    let (result, notes) = crate::net::wait::reported(
                        notice,
                        fetch_cached(&ctx, &spec, store.as_ref(), true),
                    )
                    .await;
                    (i, spec.name, result, started.elapsed(), notes)
                });
            }
        }
    }
    loop {
        let joined = tokio::select! {
            biased;
            Some(wait) = waits.recv() => {
                progress(wait);
                continue;
            }
            joined = set.join_next() => joined,
        };
        let Some(joined) = joined else {
            break;
        };
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
                Ok(out) => RunOutcome::Ok(out),
                Err(e) => RunOutcome::Failed(e),
            },
            elapsed,
            stale: None,
        });
    }
    let runs = runs
        .into_iter()
        .zip(specs)
        .map(|(r, spec)| {
            r.unwrap_or_else(|| SourceRun {
                name: spec.name.clone(),
                count: 0,
                outcome: RunOutcome::Failed(FetchError::Refused("the fetch task crashed".into())),
                elapsed: Duration::ZERO,
                stale: None,
            })
        })
        .collect();
    (runs, notes)
}

/// The stored snapshots of `specs`, as runs (`--offline`). A source with nothing stored
/// is a failed run.
pub async fn run_offline(
    config: &Config,
    store: Option<&SharedStore>,
    specs: &[SourceSpec],
) -> Result<Vec<SourceRun>, String> {
    let Some(store) = store else {
        return Err(
            "--offline needs the cache, and it is off (cache.path: none or --no-cache)".into(),
        );
    };
    let all = store.load_all().await.map_err(|e| e.to_string())?;
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
                    outcome: RunOutcome::Disabled(reason),
                    elapsed: Duration::ZERO,
                    stale: None,
                },
                (Some(c), _) => SourceRun {
                    name: spec.name.clone(),
                    count: c.sightings.len(),
                    outcome: RunOutcome::Ok(FetchOutput {
                        batch: sources::ParsedBatch {
                            sightings: c.sightings.clone(),
                            skipped: Default::default(),
                        },
                        ..Default::default()
                    }),
                    elapsed: Duration::ZERO,
                    stale: None,
                },
                (None, Availability::Enabled) => SourceRun {
                    name: spec.name.clone(),
                    count: 0,
                    outcome: RunOutcome::Failed(FetchError::Refused(
                        "nothing cached for this source".into(),
                    )),
                    elapsed: Duration::ZERO,
                    stale: None,
                },
            }
        })
        .collect())
}

/// Merges the successful runs, and the stale snapshots of failed ones, in order, into one
/// store, with the look-up answers the runs brought as their values' enrichment. Takes
/// the batches out of `runs`.
pub fn merge(runs: &mut [SourceRun]) -> Store {
    let mut store = Store::new();
    let mut total = 0;
    for r in runs.iter() {
        store.source_id(&r.name);
        if let RunOutcome::Ok(out) = &r.outcome {
            total += out.batch.sightings.len();
        }
        total += r.stale.as_ref().map_or(0, |s| s.sightings.len());
    }
    // One allocation of the table and index instead of a rehash per source.
    store.reserve(total);
    for r in runs.iter_mut() {
        let sightings = match (&mut r.outcome, &mut r.stale) {
            (RunOutcome::Ok(out), _) => std::mem::take(&mut out.batch.sightings),
            (_, Some(stale)) => std::mem::take(&mut stale.sightings),
            _ => continue,
        };
        let id = store.source_id(&r.name);
        store.replace_source(id, sightings);
        if let RunOutcome::Ok(out) = &mut r.outcome {
            // Look-up answers (a `watch` list's): beside the set, not in it.
            for a in std::mem::take(&mut out.answers) {
                store.enrich(a);
            }
        }
    }
    store
}
