// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The dashboard's side of log hunting, run by the runtime: follows each configured
//! `logs:` entry on a thread of its own (the follower, matcher and extractors of
//! `match --follow`, reading from each file's end; a Redis stream as one more consumer
//! of its group), hands the hits to the app as [`Msg::Hits`] through a
//! [`HitSink`], and keeps them in the store. Each [`Effect::Hunt`] rebuilds the
//! matcher from the app's store and swaps it into every follower; the indicators the
//! previous matcher did not hold are retro-hunted over each file's `retro` window.
//!
//! Globs are expanded when the dashboard starts and again every [`RESCAN`], so a file
//! that appears later (an hourly `eve-2026-12-06-14.json`) is followed from its start;
//! a plain path that names no file yet is followed as a path, so a log that appears
//! later is picked up. A followed path that cannot be read (a folder, nothing there
//! yet, permission denied) is handed to the app as [`Msg::LogStatus`], and again once
//! it can be read: the log pane and the Hits view say so.
//!
//! [`Effect::Hunt`]: crate::app::Effect::Hunt

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use tokio::sync::{mpsc, watch};

use crate::app::Msg;
use crate::config::{Config, LogInput, LogSpec, RedisStream, Retro};
use crate::matching::follow::{self, Start};
use crate::matching::input::redis as stream;
use crate::matching::log_paths::Unreadable;
use crate::matching::log_paths::{expand, is_glob};
use crate::matching::retro::{self, Window};
use crate::matching::scan::{ScanStats, Settings};
use crate::matching::sink::sightings::RecorderSettings;
use crate::matching::sink::{HitSink, Recorder, SightingsSink, Tee};
use crate::matching::{MatchOptions, Matcher, MatcherBuilder, Warninglists};
use crate::model::sanitize::one_line;
use crate::model::{LogHit, lock};
use crate::store::Store;
use crate::store::persist::{Change, SharedStore};

/// Hits read back from the store at start-up.
pub const LOAD_HITS: usize = crate::app::hits::RECENT_MAX;

/// How often globs in `logs:` are expanded again.
pub const RESCAN: Duration = Duration::from_secs(2);

/// How often a store no other process announces changes of (SQLite) is asked for hits
/// that other processes (a recording `match` on this machine) stored.
pub const POLL_STORED: Duration = Duration::from_secs(2);

/// How often a shared store is asked anyway for the hits stored since the previous
/// time, in case a notification was lost while the change feed reconnected.
pub const CATCH_UP: Duration = Duration::from_secs(15);

/// A `logs:` entry and the files it names so far.
type Followed = (LogSpec, Vec<PathBuf>);

/// The followers and what each hunt needs.
pub struct Hunter {
    logs: Arc<Mutex<Vec<Followed>>>,
    lists: Arc<Warninglists>,
    matcher: watch::Sender<Arc<Matcher>>,
    /// The matcher of the last hunt; `None` before the first (which is no refresh, so
    /// it starts no retro-hunt).
    previous: Arc<Mutex<Option<Arc<Matcher>>>>,
    tx: mpsc::UnboundedSender<Msg>,
    sensor: Arc<str>,
}

impl Hunter {
    /// Starts following `config.logs`; `None` when there are none. A Redis stream's
    /// hits are recorded in `store` before their entries are acknowledged. Indicators
    /// the config's warninglists hold are not hunted for.
    pub fn start(
        config: &Config,
        store: Option<&SharedStore>,
        tx: &mpsc::UnboundedSender<Msg>,
    ) -> Option<Hunter> {
        let lists = match Warninglists::load(&config.warninglists) {
            Ok(l) => l,
            Err(e) => {
                tracing::warn!(
                    "warninglists: {}; using the built-in list only",
                    one_line(&e.to_string(), 300)
                );
                Warninglists::load(&[]).unwrap_or_default()
            }
        };
        Hunter::start_with(config, store, tx, Arc::new(lists))
    }

    /// [`Hunter::start`] with the lists in force given: what `lists` (the warninglists
    /// and allowlists) hold is never hunted for.
    pub fn start_with(
        config: &Config,
        store: Option<&SharedStore>,
        tx: &mpsc::UnboundedSender<Msg>,
        lists: Arc<Warninglists>,
    ) -> Option<Hunter> {
        if config.logs.is_empty() {
            return None;
        }
        let empty = MatcherBuilder::new().build(&lists, MatchOptions::default());
        let (matcher, _) = watch::channel(Arc::new(empty));
        let sensor: Arc<str> = config.sensor.name.as_str().into();
        let mut logs: Vec<Followed> = Vec::new();
        for spec in &config.logs {
            match &spec.input {
                LogInput::Path(p) => {
                    let paths = expand(p);
                    if !paths.is_empty() {
                        let follower = Follower {
                            spec: spec.clone(),
                            paths: paths.clone(),
                            start: Start::End,
                        };
                        follower.spawn(matcher.subscribe(), tx.clone(), Arc::clone(&sensor));
                    }
                    logs.push((spec.clone(), paths));
                }
                LogInput::Redis(r) => {
                    tracing::info!(
                        "reading {} as group {}",
                        r.describe(),
                        one_line(&r.group, 80)
                    );
                    let recording = store.and_then(|s| stream_recorder(config, s));
                    spawn_stream(
                        r.clone(),
                        spec.format,
                        &config.sensor.name,
                        recording,
                        matcher.subscribe(),
                        tx.clone(),
                    );
                }
            }
        }
        let logs = Arc::new(Mutex::new(logs));
        spawn_rescan(
            Arc::clone(&logs),
            matcher.clone(),
            tx.clone(),
            Arc::clone(&sensor),
        );
        Some(Hunter {
            logs,
            lists,
            matcher,
            previous: Arc::new(Mutex::new(None)),
            tx: tx.clone(),
            sensor,
        })
    }

    /// Builds the matcher from `store` on a blocking thread, swaps it in, gives the store
    /// back ([`Msg::HuntReady`]: the new set is in force), then retro-hunts the
    /// indicators new to the set.
    pub fn hunt(&self, store: Arc<Store>) {
        let lists = Arc::clone(&self.lists);
        let sender = self.matcher.clone();
        let previous = Arc::clone(&self.previous);
        let tx = self.tx.clone();
        let logs = lock(&self.logs).clone();
        let sensor = Arc::clone(&self.sensor);
        tokio::task::spawn_blocking(move || {
            let builder = MatcherBuilder::from_store(&store);
            let old = lock(&previous).clone();
            let fresh = old.as_ref().map(|old| builder.not_in(old));
            let matcher = Arc::new(builder.build(&lists, MatchOptions::default()));
            tracing::info!(
                "matching the followed logs against {} indicators",
                matcher.len()
            );
            *lock(&previous) = Some(Arc::clone(&matcher));
            sender.send_replace(matcher);
            let _ = tx.send(Msg::HuntReady { store });
            let Some(fresh) = fresh.filter(|f| !f.is_empty()) else {
                return;
            };
            let n = fresh.len();
            let m = fresh.build(&lists, MatchOptions::default());
            if m.is_empty() {
                return;
            }
            tracing::info!("retro-hunt: {n} new indicator(s) over the followed logs' recent past");
            let now = Timestamp::now();
            let mut found = 0usize;
            for (spec, paths) in &logs {
                let (window, since) = window(spec.retro, now);
                for p in paths {
                    let tx = tx.clone();
                    let mut sink = HitSink::new(true, since, &sensor, |hits: Vec<LogHit>| {
                        found += hits.len();
                        let _ = tx.send(Msg::Hits {
                            hits,
                            stored: false,
                        });
                    });
                    let mut st = ScanStats::default();
                    let r = retro::scan_window(p, window, spec.format, &m, &mut sink, &mut st);
                    drop(sink);
                    if let Err(e) = r
                        && e.kind() != std::io::ErrorKind::NotFound
                    {
                        tracing::warn!(
                            "retro-hunt: {}: {e}",
                            one_line(&p.display().to_string(), 200)
                        );
                    }
                }
            }
            tracing::info!("retro-hunt done: {found} hit(s)");
        });
    }
}

/// The scan window of `retro` at `now`, and the event time hits must reach.
fn window(retro: Retro, now: Timestamp) -> (Window, Option<Timestamp>) {
    match retro {
        Retro::Size(n) => (Window::LastBytes(n), None),
        Retro::Time(d) => {
            let d = SignedDuration::try_from(d).unwrap_or(SignedDuration::MAX);
            let since = now.checked_sub(d).unwrap_or(Timestamp::MIN);
            (Window::Since(since), Some(since))
        }
    }
}

/// Expands every glob again every [`RESCAN`]; the files that are new are followed from
/// their start on a thread of their own.
fn spawn_rescan(
    logs: Arc<Mutex<Vec<Followed>>>,
    matcher: watch::Sender<Arc<Matcher>>,
    tx: mpsc::UnboundedSender<Msg>,
    sensor: Arc<str>,
) {
    let any_glob = lock(&logs)
        .iter()
        .any(|(spec, _)| matches!(&spec.input, LogInput::Path(p) if is_glob(p)));
    if !any_glob {
        return;
    }
    let spawned = std::thread::Builder::new()
        .name("rescan".into())
        .spawn(move || {
            while !tx.is_closed() {
                std::thread::sleep(RESCAN);
                rescan(&logs, &matcher, &tx, &sensor);
            }
        });
    if let Err(e) = spawned {
        tracing::warn!("cannot watch the log globs for new files: {e}");
    }
}

/// One pass of [`spawn_rescan`].
fn rescan(
    logs: &Mutex<Vec<Followed>>,
    matcher: &watch::Sender<Arc<Matcher>>,
    tx: &mpsc::UnboundedSender<Msg>,
    sensor: &Arc<str>,
) {
    let mut logs = lock(logs);
    for (spec, paths) in logs.iter_mut() {
        let LogInput::Path(pattern) = &spec.input else {
            continue;
        };
        if !is_glob(pattern) {
            continue;
        }
        let known: HashSet<&PathBuf> = paths.iter().collect();
        let new: Vec<PathBuf> = expand(pattern)
            .into_iter()
            .filter(|p| !known.contains(p))
            .collect();
        if new.is_empty() {
            continue;
        }
        let follower = Follower {
            spec: spec.clone(),
            paths: new.clone(),
            start: Start::Beginning,
        };
        follower.spawn(matcher.subscribe(), tx.clone(), Arc::clone(sensor));
        paths.extend(new);
    }
}

/// The matcher sent since the last look, if one was: a follower's refresh check.
fn newer(matcher: &mut watch::Receiver<Arc<Matcher>>) -> Option<Arc<Matcher>> {
    if matcher.has_changed().unwrap_or(false) {
        Some(Arc::clone(&matcher.borrow_and_update()))
    } else {
        None
    }
}

/// Files followed on one thread.
struct Follower {
    spec: LogSpec,
    paths: Vec<PathBuf>,
    start: Start,
}

impl Follower {
    /// Follows the files on a thread of its own until the process ends.
    fn spawn(
        self,
        mut matcher: watch::Receiver<Arc<Matcher>>,
        tx: mpsc::UnboundedSender<Msg>,
        sensor: Arc<str>,
    ) {
        let names: Vec<String> = self.paths.iter().map(|p| p.display().to_string()).collect();
        tracing::info!(
            "following {}{} ({})",
            if self.start == Start::Beginning {
                "new file(s) "
            } else {
                ""
            },
            one_line(&names.join(", "), 300),
            self.spec.format.as_str()
        );
        let settings = Settings {
            log: self.spec.format,
            threads: 1,
            read_ahead: true,
        };
        let spawned = std::thread::Builder::new()
            .name("follow".into())
            .spawn(move || {
                let stop = AtomicBool::new(false);
                let first = Arc::clone(&matcher.borrow_and_update());
                let refresh = || newer(&mut matcher);
                let mut sink = HitSink::new(false, None, &sensor, |hits| {
                    let _ = tx.send(Msg::Hits {
                        hits,
                        stored: false,
                    });
                });
                let mut stats = ScanStats::default();
                let status = tx.clone();
                let mut report = |path: &std::path::Path, why: Option<&Unreadable>| {
                    let _ = status.send(Msg::LogStatus {
                        path: path.display().to_string(),
                        unreadable: why.map(ToString::to_string),
                    });
                };
                if let Err(e) = follow::follow_from(
                    &self.paths,
                    self.start,
                    settings,
                    first,
                    refresh,
                    &mut report,
                    &mut sink,
                    &mut stats,
                    &stop,
                ) {
                    tracing::warn!("following logs stopped: {e}");
                }
            });
        if let Err(e) = spawned {
            tracing::warn!("cannot follow the logs: {e}");
        }
    }
}

/// The sightings sink of a stream the dashboard reads: its entries are acknowledged
/// only once their hits are in the store (or spooled), as `match --redis --record` does.
fn stream_recorder(config: &Config, store: &SharedStore) -> Option<SightingsSink> {
    match Recorder::start(Arc::clone(store), RecorderSettings::of(config), |line| {
        tracing::warn!("{}", one_line(&line, 400))
    }) {
        Ok(r) => Some(SightingsSink::new(&config.sensor.name, r)),
        Err(e) => {
            tracing::warn!("cannot record the stream's hits: {e}");
            None
        }
    }
}

/// Reads a Redis stream as one more consumer of its group, on a thread of its own;
/// with `recording`, an entry is acknowledged once its hits are in the store.
fn spawn_stream(
    spec: RedisStream,
    log: crate::config::LogFormat,
    sensor: &str,
    recording: Option<SightingsSink>,
    mut matcher: watch::Receiver<Arc<Matcher>>,
    tx: mpsc::UnboundedSender<Msg>,
) {
    let consumer = spec
        .consumer
        .clone()
        .unwrap_or_else(|| stream::default_consumer(sensor));
    let sensor: Arc<str> = sensor.into();
    let spawned = std::thread::Builder::new()
        .name("redis".into())
        .spawn(move || {
            // Entries read before the first indicator set is in force would be
            // acknowledged unmatched: wait for it.
            while !matcher.has_changed().unwrap_or(true) {
                if tx.is_closed() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            let stop = AtomicBool::new(false);
            let first = Arc::clone(&matcher.borrow_and_update());
            let refresh = || newer(&mut matcher);
            let hits = HitSink::new(false, None, &sensor, |hits| {
                let _ = tx.send(Msg::Hits {
                    hits,
                    stored: false,
                });
            });
            let mut sink = Tee(hits, recording);
            let report = |line: String| tracing::warn!("{}", one_line(&line, 400));
            let reader = stream::Reader::new(&spec, &consumer, log);
            let mut stats = stream::StreamStats::default();
            if let Err(e) = reader.run(first, refresh, &mut sink, &mut stats, &stop, &report) {
                tracing::warn!("{}: {}", spec.describe(), one_line(&e.to_string(), 300));
            }
            if let Some(r) = sink.1 {
                r.close();
            }
        });
    if let Err(e) = spawned {
        tracing::warn!("cannot read the Redis stream: {e}");
    }
}

/// Saves hits in the store in the background.
pub fn save(store: &SharedStore, hits: Vec<LogHit>) {
    let store = Arc::clone(store);
    tokio::spawn(async move {
        if let Err(e) = store.save_hits(hits).await {
            tracing::warn!("sightings not saved: {e}");
        }
    });
}

/// Reads the stored hits (after dropping those older than `retention`) for the app,
/// then keeps reading the hits other processes store: those a shared store announces
/// ([`Change::Hits`], handed in by the change feed through `announced`), or on a store
/// that announces nothing, those with a higher row id every [`POLL_STORED`].
pub async fn load(
    store: SharedStore,
    tx: mpsc::UnboundedSender<Msg>,
    retention: Duration,
    mut announced: Option<mpsc::UnboundedReceiver<std::ops::RangeInclusive<i64>>>,
) {
    if let Err(e) = store.prune_hits(Timestamp::now(), retention).await {
        tracing::warn!("{e}");
    }
    let mut last = store.last_hit_id().await.unwrap_or(0);
    match store.load_hits(LOAD_HITS).await {
        Ok(hits) if !hits.is_empty() => {
            let _ = tx.send(Msg::Hits { hits, stored: true });
        }
        Ok(_) => {}
        Err(e) => tracing::warn!("sightings not read: {e}"),
    }
    // Every CATCH_UP, what came since the previous catch-up is read again: a
    // notification lost while the change feed reconnected costs at most that long.
    let mut catch_up = tokio::time::interval(CATCH_UP);
    catch_up.tick().await;
    let mut checkpoint = last;
    loop {
        let ids = match &mut announced {
            Some(rx) => tokio::select! {
                got = rx.recv() => match got {
                    Some(ids) => ids,
                    None => return,
                },
                _ = catch_up.tick() => {
                    let from = checkpoint.saturating_add(1);
                    checkpoint = last;
                    from..=i64::MAX
                }
            },
            None => {
                tokio::time::sleep(POLL_STORED).await;
                // Row ids start again once the table was emptied (SQLite reuses them).
                if store.last_hit_id().await.is_ok_and(|top| top < last) {
                    last = 0;
                }
                last.saturating_add(1)..=i64::MAX
            }
        };
        if tx.is_closed() {
            return;
        }
        // A range may hold more than one read: page through it, oldest first.
        let mut from = *ids.start();
        let to = *ids.end();
        while from <= to {
            match store.hits_in(from..=to, LOAD_HITS).await {
                Ok((mut hits, high)) => {
                    if let Some(h) = high {
                        last = last.max(h);
                        from = h.saturating_add(1);
                    }
                    if !hits.is_empty() {
                        // Newest first, as stored hits are handed over.
                        hits.reverse();
                        tracing::debug!(n = hits.len(), "hits from the store");
                        // Each hit's arrival, for the fleet benchmark's delays (`trace`).
                        for h in &hits {
                            tracing::trace!(
                                atomic = %one_line(&h.atomic, 80),
                                sensor = %one_line(&h.sensor, 64),
                                "hit from the store"
                            );
                        }
                        let _ = tx.send(Msg::Hits { hits, stored: true });
                    }
                    // Until a read finds no row past the last one.
                    if high.is_none_or(|h| h == i64::MAX) {
                        break;
                    }
                }
                Err(e) => {
                    tracing::debug!("stored hits not read: {e}");
                    break;
                }
            }
        }
    }
}

/// Splits a shared store's change feed: snapshots to `snapshots`, hit ranges to the
/// receiver returned.
pub fn split_changes(
    mut changes: mpsc::UnboundedReceiver<Change>,
    snapshots: mpsc::UnboundedSender<String>,
) -> mpsc::UnboundedReceiver<std::ops::RangeInclusive<i64>> {
    let (hits_tx, hits_rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Some(c) = changes.recv().await {
            let gone = match c {
                Change::Snapshot(source) => snapshots.send(source).is_err(),
                Change::Hits(ids) => hits_tx.send(ids).is_err(),
            };
            if gone && snapshots.is_closed() && hits_tx.is_closed() {
                return;
            }
        }
    });
    hits_rx
}

#[cfg(test)]
mod tests;
