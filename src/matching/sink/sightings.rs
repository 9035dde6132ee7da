// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Alerts kept as sightings in the store (`match --record`, `sensor.record`), so every
//! dashboard on a shared store sees every sensor's hits. The [`SightingsSink`] turns
//! each alert into [`LogHit`]s named by the sensor; the [`Recorder`] writes them on a
//! thread of its own in transactions of up to `batch` rows or every second, whichever
//! comes first.
//!
//! When the store cannot be reached the hits wait in memory, up to `memory` of them
//! (counted and reported), then go to spool files in the state folder (JSON lines,
//! written whole, fsynced and renamed into place), and are written when the store is
//! back, by this process or the next one that starts. [`Recorder::sync`] returns once
//! everything pushed is durable: committed, or in a spool file. What a `kill -9` can
//! lose: the hits not yet committed nor spooled — at most one batch (one second of
//! hits) while the store is up, and the memory queue while it is down.

use std::collections::VecDeque;
use std::io;
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use jiff::Timestamp;

use super::AlertSink;
use super::hits::log_hits;
use crate::matching::alert::Alert;
use crate::model::LogHit;
use crate::model::sanitize::one_line;
use crate::store::persist::SharedStore;
use spool::write_spool;

/// How the recorder batches and where it spools.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecorderSettings {
    /// Rows per transaction, at most.
    pub batch: usize,
    /// Longest a hit waits before its batch is written.
    pub interval: Duration,
    /// Hits held in memory while the store is away, before they go to disk.
    pub memory: usize,
    /// The spool folder; `None`: hits past `memory` are counted as lost.
    pub spool: Option<PathBuf>,
    /// The longest wait between two tries of an unreachable store.
    pub retry_max: Duration,
    /// Hits found longer ago than this are dropped from the store when recording starts
    /// (`cache.retention`, as the dashboard does); `None`: left as they are.
    pub retention: Option<Duration>,
}

impl Default for RecorderSettings {
    fn default() -> Self {
        RecorderSettings {
            batch: 5_000,
            interval: Duration::from_secs(1),
            memory: 10_000,
            spool: None,
            retry_max: Duration::from_secs(30),
            retention: None,
        }
    }
}

impl RecorderSettings {
    /// The config's: `sensor.batch` and `sensor.queue`, its spool folder, and
    /// `cache.retention`.
    pub fn of(config: &crate::config::Config) -> RecorderSettings {
        RecorderSettings {
            batch: config.sensor.batch,
            memory: config.sensor.queue,
            spool: config.sensor.spool.clone(),
            retention: Some(config.cache.retention),
            ..RecorderSettings::default()
        }
    }
}

/// What the recorder did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecorderStats {
    /// Hits handed to it.
    pub pushed: u64,
    /// Hits committed to the store (including those read back from spool files).
    pub written: u64,
    /// Of them, new to the store (the rest were there: a re-read line, a claimed entry).
    pub new: u64,
    /// Hits written to spool files.
    pub spooled: u64,
    /// Hits read back from spool files and committed.
    pub unspooled: u64,
    /// Spool lines that could not be read back (a torn or foreign line).
    pub spool_skipped: u64,
    /// Hits neither committed nor spooled (no spool folder, or it could not be written).
    pub lost: u64,
    /// Failed tries to reach the store.
    pub failures: u64,
    /// The most hits that waited in memory at once.
    pub peak_queue: usize,
}

struct State {
    queue: VecDeque<LogHit>,
    /// Hits pushed, and of them (from the front) those committed, spooled or lost.
    pushed: u64,
    settled: u64,
    urgent: bool,
    closing: bool,
    stats: RecorderStats,
}

struct Shared {
    state: Mutex<State>,
    changed: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Writes hits to the store in the background (see the module docs).
pub struct Recorder {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Recorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recorder").finish_non_exhaustive()
    }
}

impl Recorder {
    /// Starts the writer thread for `store`; `report` gets one line whenever the store
    /// goes away or comes back, or hits go to disk (for stderr and the log file).
    /// Errors: the thread or its runtime cannot be started.
    pub fn start(
        store: SharedStore,
        settings: RecorderSettings,
        report: impl Fn(String) + Send + 'static,
    ) -> io::Result<Recorder> {
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                queue: VecDeque::new(),
                pushed: 0,
                settled: 0,
                urgent: false,
                closing: false,
                stats: RecorderStats::default(),
            }),
            changed: Condvar::new(),
        });
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let writer = Writer {
            shared: Arc::clone(&shared),
            store,
            settings,
            report: Box::new(report),
            rt,
            down: None,
            next_try: Instant::now(),
            backoff: Duration::from_millis(500),
            spool_seq: 0,
            spool_pending: false,
        };
        let thread = std::thread::Builder::new()
            .name("sightings".into())
            .spawn(move || writer.run())?;
        Ok(Recorder {
            shared,
            thread: Some(thread),
        })
    }

    /// Queues `hits` (in order) for the store.
    pub fn push(&self, hits: Vec<LogHit>) {
        if hits.is_empty() {
            return;
        }
        let mut st = self.shared.lock();
        st.pushed += hits.len() as u64;
        st.stats.pushed += hits.len() as u64;
        st.queue.extend(hits);
        st.stats.peak_queue = st.stats.peak_queue.max(st.queue.len());
        drop(st);
        self.shared.changed.notify_all();
    }

    /// Waits until every hit pushed so far is committed or spooled. Errors: some could
    /// be neither (they are counted as lost).
    pub fn sync(&self) -> io::Result<()> {
        let mut st = self.shared.lock();
        let target = st.pushed;
        let lost_before = st.stats.lost;
        if st.settled < target {
            st.urgent = true;
            self.shared.changed.notify_all();
        }
        while st.settled < target && self.thread.as_ref().is_some_and(|t| !t.is_finished()) {
            st = self
                .shared
                .changed
                .wait_timeout(st, Duration::from_millis(200))
                .map_or_else(|e| e.into_inner().0, |(g, _)| g);
        }
        if st.settled < target || st.stats.lost > lost_before {
            return Err(io::Error::other(
                "sightings could be neither written to the store nor spooled to disk",
            ));
        }
        Ok(())
    }

    /// What it did so far.
    pub fn stats(&self) -> RecorderStats {
        self.shared.lock().stats.clone()
    }

    /// Writes what is queued (to the store, else to the spool), stops the thread and
    /// returns what it did.
    pub fn close(mut self) -> RecorderStats {
        self.stop();
        self.stats()
    }

    fn stop(&mut self) {
        self.shared.lock().closing = true;
        self.shared.changed.notify_all();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The writer thread's side.
struct Writer {
    shared: Arc<Shared>,
    store: SharedStore,
    settings: RecorderSettings,
    report: Box<dyn Fn(String) + Send>,
    rt: tokio::runtime::Runtime,
    /// Since when the store has been unreachable, and why.
    down: Option<(Instant, String)>,
    next_try: Instant,
    backoff: Duration,
    spool_seq: u64,
    /// Spool files may be waiting to be written back.
    spool_pending: bool,
}

/// Under a steady load, a spool file is written back after this many batches.
const UNSPOOL_EVERY: u64 = 8;

/// How long one write may take before the store counts as unreachable.
const WRITE_TIMEOUT: Duration = Duration::from_secs(15);

impl Writer {
    fn run(mut self) {
        self.spool_pending = self.settings.spool.is_some();
        if let Some(keep) = self.settings.retention {
            let store = Arc::clone(&self.store);
            let pruned = self.rt.block_on(async move {
                tokio::time::timeout(WRITE_TIMEOUT, store.prune_hits(Timestamp::now(), keep)).await
            });
            if let Ok(Ok(n)) = pruned
                && n > 0
            {
                tracing::debug!("sightings: {n} hit(s) older than the retention dropped");
            }
        }
        let mut last_write = Instant::now();
        let mut batches = 0u64;
        let shared = Arc::clone(&self.shared);
        loop {
            let mut st = shared.lock();
            loop {
                let now = Instant::now();
                let up = self.down.is_none();
                let work = !st.queue.is_empty() || self.spool_pending;
                // While the store is away only a sync, the end, a full memory queue or
                // the next try wake the writer.
                let due = up
                    && now.duration_since(last_write) >= self.settings.interval
                    && !st.queue.is_empty();
                let retry = !up && work && now >= self.next_try;
                // Spool files are written back while nothing new waits (and, under a
                // steady load, every few batches: see below).
                let unspool = up && self.spool_pending && st.queue.is_empty();
                let full = (up && st.queue.len() >= self.settings.batch)
                    || st.queue.len() > self.settings.memory;
                if st.closing || st.urgent || full || due || retry || unspool {
                    break;
                }
                let wait = if !up && work {
                    self.next_try.saturating_duration_since(now)
                } else if up && !st.queue.is_empty() {
                    self.settings
                        .interval
                        .saturating_sub(now.duration_since(last_write))
                } else {
                    self.settings.interval
                };
                st = shared
                    .changed
                    .wait_timeout(st, wait.max(Duration::from_millis(5)))
                    .map_or_else(|e| e.into_inner().0, |(g, _)| g);
            }
            let closing = st.closing;
            let urgent = std::mem::take(&mut st.urgent);
            // At the end the store gets one more try, whatever the backoff says.
            let away = self.down.is_some() && Instant::now() < self.next_try && !closing;
            if st.queue.is_empty() {
                drop(st);
                if closing {
                    // The store is here: what waits on disk goes too, now.
                    while !away && self.spool_pending && self.down.is_none() {
                        self.spool_pending = self.unspool_one();
                    }
                    return;
                }
                if !away && self.spool_pending {
                    self.spool_pending = self.unspool_one();
                }
                last_write = Instant::now();
                continue;
            }
            if away {
                // Still away: wait for the next try, spooling what must not wait.
                self.spool_if_due(st, urgent, closing);
                if closing {
                    self.finish_closing();
                    return;
                }
                continue;
            }
            let n = st.queue.len().min(self.settings.batch);
            let batch: Vec<LogHit> = st.queue.iter().take(n).cloned().collect();
            drop(st);
            match self.write(batch) {
                Ok(new) => {
                    let mut st = shared.lock();
                    st.queue.drain(..n);
                    st.settled += n as u64;
                    st.stats.written += n as u64;
                    st.stats.new += new as u64;
                    // More to write now: do not wait for the interval.
                    st.urgent |= urgent && !st.queue.is_empty();
                    drop(st);
                    shared.changed.notify_all();
                    last_write = Instant::now();
                    self.came_back();
                    // Under a steady load the queue is never empty: spool files are
                    // written back every few batches too.
                    batches += 1;
                    if self.spool_pending && batches.is_multiple_of(UNSPOOL_EVERY) {
                        self.spool_pending = self.unspool_one();
                    }
                }
                Err(e) => {
                    self.went_down(e);
                    let mut st = shared.lock();
                    st.urgent |= urgent;
                    self.spool_if_due(st, urgent, closing);
                    if closing {
                        self.finish_closing();
                        return;
                    }
                }
            }
        }
    }

    /// A write went through: if the store was away, it is back.
    fn came_back(&mut self) {
        if self.down.take().is_some() {
            self.backoff = Duration::from_millis(500);
            (self.report)("sightings: the store is back; writing the queued hits".into());
            self.spool_pending = self.settings.spool.is_some();
        }
    }

    /// With the store away: spools the whole queue when asked (a sync) or at the end,
    /// or what is over the memory bound.
    fn spool_if_due(&mut self, st: MutexGuard<'_, State>, urgent: bool, closing: bool) {
        if urgent || closing {
            self.spool_front(st, 0);
        } else if st.queue.len() > self.settings.memory {
            let keep = self.settings.memory;
            self.spool_front(st, keep);
        }
    }

    /// At close with the store away: everything left goes to disk.
    fn finish_closing(&mut self) {
        let shared = Arc::clone(&self.shared);
        let st = shared.lock();
        if !st.queue.is_empty() {
            self.spool_front(st, 0);
        }
    }

    /// One transaction; the count of new rows. Errors: the store's, one line.
    fn write(&self, batch: Vec<LogHit>) -> Result<usize, String> {
        let store = Arc::clone(&self.store);
        self.rt.block_on(async move {
            match tokio::time::timeout(WRITE_TIMEOUT, store.save_hits(batch)).await {
                Ok(Ok(n)) => Ok(n),
                Ok(Err(e)) => Err(e.to_string()),
                Err(_) => Err(format!("no answer within {}s", WRITE_TIMEOUT.as_secs())),
            }
        })
    }

    fn went_down(&mut self, why: String) {
        let mut st = self.shared.lock();
        st.stats.failures += 1;
        let queued = st.queue.len();
        drop(st);
        if self.down.is_none() {
            let spool = self.settings.spool.as_ref().map_or_else(
                || "no spool folder: more are dropped".to_owned(),
                |d| format!("then on disk in {}", d.display()),
            );
            (self.report)(format!(
                "sightings: the store is unreachable ({}); {queued} hit(s) wait in memory (up to {}), {spool}",
                one_line(&why, 200),
                self.settings.memory
            ));
            self.down = Some((Instant::now(), why));
        }
        self.next_try = Instant::now() + self.backoff;
        self.backoff = (self.backoff * 2).min(self.settings.retry_max);
    }

    /// Moves the front of the queue, all but `keep`, to a spool file (or counts it as
    /// lost), settling it.
    fn spool_front(&mut self, mut st: MutexGuard<'_, State>, keep: usize) {
        let n = st.queue.len().saturating_sub(keep);
        if n == 0 {
            return;
        }
        let rows: Vec<LogHit> = st.queue.drain(..n).collect();
        drop(st);
        let result = match &self.settings.spool {
            Some(dir) => {
                self.spool_seq += 1;
                write_spool(dir, self.spool_seq, &rows)
            }
            None => Err(io::Error::other("no spool folder")),
        };
        let mut st = self.shared.lock();
        st.settled += n as u64;
        match result {
            Ok(path) => {
                st.stats.spooled += n as u64;
                drop(st);
                self.spool_pending = true;
                (self.report)(format!(
                    "sightings: {n} hit(s) spooled to {} until the store is back",
                    path.display()
                ));
            }
            Err(e) => {
                st.stats.lost += n as u64;
                drop(st);
                (self.report)(format!(
                    "sightings: {n} hit(s) dropped: the store is away and they cannot be spooled ({e})"
                ));
            }
        }
        self.shared.changed.notify_all();
    }
}

/// Alerts as sightings of `sensor`, handed to a [`Recorder`]. A file is named by its
/// absolute path, so `eve.json`, `./eve.json` and `/var/log/eve.json` are one log.
pub struct SightingsSink {
    sensor: Box<str>,
    recorder: Recorder,
    /// Paths as given, and as they resolve.
    absolute: Mutex<std::collections::HashMap<Box<str>, Box<str>>>,
}

impl SightingsSink {
    pub fn new(sensor: &str, recorder: Recorder) -> Self {
        SightingsSink {
            sensor: sensor.into(),
            recorder,
            absolute: Mutex::new(std::collections::HashMap::new()),
        }
    }

    /// `path` made absolute (symbolic links resolved); `None` for standard input or a
    /// path that no longer resolves (kept as given).
    fn absolute(&self, path: &str) -> Option<Box<str>> {
        if path == "-" {
            return None;
        }
        let mut known = crate::model::lock(&self.absolute);
        if let Some(a) = known.get(path) {
            return Some(a.clone());
        }
        let a: Box<str> = std::fs::canonicalize(path).ok()?.to_string_lossy().into();
        if known.len() >= 4_096 {
            known.clear();
        }
        known.insert(path.into(), a.clone());
        Some(a)
    }

    /// What the recorder did so far.
    pub fn stats(&self) -> RecorderStats {
        self.recorder.stats()
    }

    /// Writes what is queued and stops.
    pub fn close(self) -> RecorderStats {
        self.recorder.close()
    }
}

impl AlertSink for SightingsSink {
    type Part = Vec<LogHit>;

    fn add(&self, part: &mut Vec<LogHit>, alert: &Alert<'_>) {
        let from = part.len();
        part.extend(log_hits(alert, Timestamp::now(), false, &self.sensor));
        if let crate::matching::alert::Location::File { path, .. } = alert.location
            && let Some(abs) = self.absolute(path)
        {
            for h in &mut part[from..] {
                if let crate::model::Origin::File { path, .. } = &mut h.origin {
                    *path = abs.clone();
                }
            }
        }
    }

    fn deliver(&mut self, part: Vec<LogHit>) -> io::Result<()> {
        self.recorder.push(part);
        Ok(())
    }

    /// Waits until every hit delivered is committed or spooled.
    fn sync(&mut self) -> io::Result<()> {
        self.recorder.sync()
    }
}

mod spool;
#[cfg(test)]
mod tests;
