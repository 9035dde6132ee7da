// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

use std::collections::HashMap;
use std::ops::RangeInclusive;
use std::sync::atomic::{AtomicBool, Ordering};

use futures_util::future::BoxFuture;

use super::*;
use crate::model::log_hit::sample;
use crate::model::{IndicatorType, Sighting};
use crate::store::health::FetchRecord;
use crate::store::persist::{
    CachedSource, EnrichmentStore, FetchSkip, HitHour, HitsPage, PersistError, QuotaOp, QuotaReply,
    Snapshot, SnapshotStore, SourceDay, SourceMeta,
};
use crate::trust::triage::Mark;

/// A store whose hits cannot be saved while `down` is set (a server away).
struct Flaky {
    inner: SharedStore,
    down: Arc<AtomicBool>,
}

fn away() -> PersistError {
    PersistError::Unavailable("connection refused".into())
}

impl SnapshotStore for Flaky {
    fn describe(&self) -> String {
        self.inner.describe()
    }
    fn metas(&self) -> BoxFuture<'_, Result<HashMap<String, SourceMeta>, PersistError>> {
        self.inner.metas()
    }
    fn save(&self, s: Snapshot) -> BoxFuture<'_, (Snapshot, Result<usize, PersistError>)> {
        self.inner.save(s)
    }
    fn confirm(&self, s: String, now: Timestamp) -> BoxFuture<'_, Result<(), PersistError>> {
        self.inner.confirm(s, now)
    }
    fn record(&self, s: String, r: FetchRecord) -> BoxFuture<'_, Result<(), PersistError>> {
        self.inner.record(s, r)
    }
    fn history(&self, s: String) -> BoxFuture<'_, Result<Vec<FetchRecord>, PersistError>> {
        self.inner.history(s)
    }
    fn load_all(&self) -> BoxFuture<'_, Result<Vec<CachedSource>, PersistError>> {
        self.inner.load_all()
    }
    fn load_source(&self, s: String) -> BoxFuture<'_, Result<Vec<Sighting>, PersistError>> {
        self.inner.load_source(s)
    }
    fn read_source(&self, s: String) -> BoxFuture<'_, Result<Vec<Vec<u8>>, PersistError>> {
        self.inner.read_source(s)
    }
    fn apply_retention(
        &self,
        now: Timestamp,
        keep: Duration,
    ) -> BoxFuture<'_, Result<usize, PersistError>> {
        self.inner.apply_retention(now, keep)
    }
    fn save_hits(&self, hits: Vec<LogHit>) -> BoxFuture<'_, Result<usize, PersistError>> {
        if self.down.load(Ordering::SeqCst) {
            return Box::pin(async { Err(away()) });
        }
        self.inner.save_hits(hits)
    }
    fn load_hits(&self, limit: usize) -> BoxFuture<'_, Result<Vec<LogHit>, PersistError>> {
        self.inner.load_hits(limit)
    }
    fn hits_in(
        &self,
        ids: RangeInclusive<i64>,
        limit: usize,
    ) -> BoxFuture<'_, Result<HitsPage, PersistError>> {
        self.inner.hits_in(ids, limit)
    }
    fn last_hit_id(&self) -> BoxFuture<'_, Result<i64, PersistError>> {
        self.inner.last_hit_id()
    }
    fn load_hit_rows(&self, n: usize) -> BoxFuture<'_, Result<Vec<(i64, LogHit)>, PersistError>> {
        self.inner.load_hit_rows(n)
    }
    fn hit_rows_in(
        &self,
        ids: RangeInclusive<i64>,
        limit: usize,
    ) -> BoxFuture<'_, Result<crate::store::persist::HitRowsPage, PersistError>> {
        self.inner.hit_rows_in(ids, limit)
    }
    fn save_mark(&self, m: Mark) -> BoxFuture<'_, Result<i64, PersistError>> {
        self.inner.save_mark(m)
    }
    fn marks_after(
        &self,
        a: i64,
        n: usize,
    ) -> BoxFuture<'_, Result<Vec<(i64, Mark)>, PersistError>> {
        self.inner.marks_after(a, n)
    }
    fn prune_hits(
        &self,
        now: Timestamp,
        keep: Duration,
    ) -> BoxFuture<'_, Result<usize, PersistError>> {
        self.inner.prune_hits(now, keep)
    }
    fn source_days(&self, since: Timestamp) -> BoxFuture<'_, Result<Vec<SourceDay>, PersistError>> {
        self.inner.source_days(since)
    }
    fn hit_hours(&self, since: Timestamp) -> BoxFuture<'_, Result<Vec<HitHour>, PersistError>> {
        self.inner.hit_hours(since)
    }
    fn record_skips(
        &self,
        s: String,
        at: Timestamp,
        skips: Vec<(String, usize)>,
    ) -> BoxFuture<'_, Result<(), PersistError>> {
        self.inner.record_skips(s, at, skips)
    }
    fn fetch_skips(
        &self,
        s: String,
        since: Timestamp,
    ) -> BoxFuture<'_, Result<Vec<FetchSkip>, PersistError>> {
        self.inner.fetch_skips(s, since)
    }
    fn quota(&self, a: String, op: QuotaOp) -> BoxFuture<'_, Result<QuotaReply, PersistError>> {
        self.inner.quota(a, op)
    }
    fn push_state(
        &self,
        s: String,
        op: crate::store::persist::PushOp,
    ) -> BoxFuture<'_, Result<crate::store::persist::PushReply, PersistError>> {
        self.inner.push_state(s, op)
    }
    fn push_states(
        &self,
    ) -> BoxFuture<'_, Result<Vec<(String, crate::store::persist::PushRow)>, PersistError>> {
        self.inner.push_states()
    }
}

/// Keeps no look-up answers: the hits are what these tests are about.
impl EnrichmentStore for Flaky {}

struct Setup {
    _dir: tempfile::TempDir,
    store: SharedStore,
    down: Arc<AtomicBool>,
    spool: PathBuf,
    lines: Arc<Mutex<Vec<String>>>,
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let (inner, _) = crate::store::persist::open(Some(&dir.path().join("cache.db")));
    let down = Arc::new(AtomicBool::new(false));
    let store: SharedStore = Arc::new(Flaky {
        inner: inner.unwrap(),
        down: Arc::clone(&down),
    });
    let spool = dir.path().join("spool");
    Setup {
        _dir: dir,
        store,
        down,
        spool,
        lines: Arc::new(Mutex::new(Vec::new())),
    }
}

impl Setup {
    fn recorder(&self, batch: usize, memory: usize, spool: bool) -> Recorder {
        let settings = RecorderSettings {
            batch,
            interval: Duration::from_millis(100),
            memory,
            spool: spool.then(|| self.spool.clone()),
            retry_max: Duration::from_millis(200),
            retention: Some(Duration::from_secs(30 * 86_400)),
        };
        let lines = Arc::clone(&self.lines);
        Recorder::start(Arc::clone(&self.store), settings, move |l| {
            lines.lock().unwrap().push(l)
        })
        .unwrap()
    }

    fn stored(&self) -> Vec<LogHit> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(self.store.load_hits(usize::MAX)).unwrap()
    }

    fn said(&self, what: &str) -> bool {
        self.lines.lock().unwrap().iter().any(|l| l.contains(what))
    }
}

fn hits(from: u64, n: u64) -> Vec<LogHit> {
    let now = Timestamp::now().as_second();
    (from..from + n)
        .map(|i| sample(IndicatorType::Ipv4, "45.0.0.3", "/var/log/eve.json", i, now))
        .collect()
}

#[test]
fn recording_drops_hits_older_than_the_retention_when_it_starts() {
    let s = setup();
    let old = sample(
        IndicatorType::Ipv4,
        "45.0.0.9",
        "/var/log/eve.json",
        1,
        1_000,
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(s.store.save_hits(vec![old])).unwrap();
    let r = s.recorder(10, 100, true);
    r.push(hits(0, 2));
    r.sync().unwrap();
    drop(r);
    let kept = s.stored();
    assert_eq!(kept.len(), 2, "the hit of 1970 aged out: {kept:?}");
}

#[test]
fn hits_are_written_in_batches_and_sync_waits_for_the_commit() {
    let s = setup();
    let r = s.recorder(7, 100, true);
    r.push(hits(0, 20));
    r.sync().unwrap();
    assert_eq!(s.stored().len(), 20, "synced: every hit is committed");
    r.push(hits(0, 5));
    let st = r.close();
    assert_eq!((st.pushed, st.written, st.new), (25, 25, 20), "{st:?}");
    assert_eq!(s.stored().len(), 20, "a hit written twice is kept once");
}

#[test]
fn a_batch_goes_out_within_the_interval_without_a_sync() {
    let s = setup();
    let r = s.recorder(1_000, 100, true);
    r.push(hits(0, 3));
    let deadline = Instant::now() + Duration::from_secs(5);
    while s.stored().len() < 3 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(s.stored().len(), 3);
    drop(r);
}

#[test]
fn while_the_store_is_away_hits_wait_in_memory_then_on_disk_then_reach_it() {
    let s = setup();
    s.down.store(true, Ordering::SeqCst);
    let r = s.recorder(10, 30, true);
    r.push(hits(0, 25));
    std::thread::sleep(Duration::from_millis(400));
    let st = r.stats();
    assert_eq!(
        st.spooled, 0,
        "under the memory bound nothing is spooled: {st:?}"
    );
    assert!(st.failures > 0);
    assert!(s.said("unreachable"), "{:?}", s.lines.lock().unwrap());
    // Past the bound, the oldest go to disk.
    r.push(hits(25, 20));
    let deadline = Instant::now() + Duration::from_secs(5);
    while r.stats().spooled == 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(r.stats().spooled >= 15, "{:?}", r.stats());
    // A sync puts the rest on disk too: durable, though the store is away.
    r.sync().unwrap();
    assert_eq!(r.stats().spooled, 45);
    assert!(std::fs::read_dir(&s.spool).unwrap().count() >= 1);
    assert!(s.stored().is_empty());
    // The store is back: the spool is written, once, and removed.
    s.down.store(false, Ordering::SeqCst);
    let deadline = Instant::now() + Duration::from_secs(10);
    while s.stored().len() < 45 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let st = r.close();
    assert_eq!(s.stored().len(), 45, "{st:?}");
    assert_eq!((st.unspooled, st.lost), (45, 0), "{st:?}");
    assert_eq!(std::fs::read_dir(&s.spool).unwrap().count(), 0);
    assert!(s.said("back"));
}

#[test]
fn spool_files_left_by_an_earlier_run_are_written_at_start_and_torn_lines_counted() {
    let s = setup();
    s.down.store(true, Ordering::SeqCst);
    let r = s.recorder(10, 0, true);
    r.push(hits(0, 4));
    r.sync().unwrap();
    drop(r);
    let file = std::fs::read_dir(&s.spool)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    // A line torn by a crash mid-append, and a foreign one.
    let mut text = std::fs::read(&file).unwrap();
    text.extend_from_slice(b"{\"at\":\"2026-\n\xff\xfe not json\n");
    std::fs::write(&file, text).unwrap();
    s.down.store(false, Ordering::SeqCst);
    let r = s.recorder(10, 0, true);
    r.sync().unwrap();
    let st = r.close();
    assert_eq!(s.stored().len(), 4);
    assert_eq!((st.unspooled, st.spool_skipped), (4, 2), "{st:?}");
}

#[test]
fn with_no_spool_folder_hits_that_cannot_be_kept_are_counted_lost() {
    let s = setup();
    s.down.store(true, Ordering::SeqCst);
    let r = s.recorder(10, 100, false);
    r.push(hits(0, 3));
    assert!(r.sync().is_err());
    let st = r.close();
    assert_eq!(st.lost, 3);
    assert!(s.said("dropped"));
}

#[test]
fn a_spool_file_claimed_by_a_process_that_died_is_taken_back() {
    let s = setup();
    s.down.store(true, Ordering::SeqCst);
    let r = s.recorder(10, 0, true);
    r.push(hits(0, 6));
    r.sync().unwrap();
    drop(r);
    let file = std::fs::read_dir(&s.spool)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    // Claimed by a process that was killed while writing it back (no such pid runs).
    let mut dead = file.clone().into_os_string();
    dead.push(".taken-4194305");
    std::fs::rename(&file, &dead).unwrap();
    s.down.store(false, Ordering::SeqCst);
    let st = s.recorder(10, 0, true).close();
    assert_eq!((st.unspooled, s.stored().len()), (6, 6), "{st:?}");
    assert_eq!(std::fs::read_dir(&s.spool).unwrap().count(), 0);
}

/// CPU ticks of this process's threads named `sightings` (Linux).
#[cfg(target_os = "linux")]
fn writer_ticks() -> u64 {
    let mut total = 0;
    for task in std::fs::read_dir("/proc/self/task").unwrap().flatten() {
        let dir = task.path();
        let comm = std::fs::read_to_string(dir.join("comm")).unwrap_or_default();
        if comm.trim() != "sightings" {
            continue;
        }
        let stat = std::fs::read_to_string(dir.join("stat")).unwrap_or_default();
        let fields: Vec<&str> = stat
            .rsplit_once(')')
            .map(|(_, r)| r.split_whitespace().collect())
            .unwrap_or_default();
        let n = |i: usize| {
            fields
                .get(i)
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(0)
        };
        total += n(11) + n(12);
    }
    total
}

#[cfg(target_os = "linux")]
#[test]
fn an_outage_and_a_return_leave_the_writer_idle() {
    let s = setup();
    s.down.store(true, Ordering::SeqCst);
    let r = s.recorder(10, 100, true);
    r.push(hits(0, 3));
    let before = writer_ticks();
    std::thread::sleep(Duration::from_millis(1_500));
    let during = writer_ticks() - before;
    assert!(
        during < 30,
        "the writer spins while the store is away: {during} ticks"
    );
    r.sync().unwrap();
    s.down.store(false, Ordering::SeqCst);
    let deadline = Instant::now() + Duration::from_secs(10);
    while s.stored().len() < 3 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(s.stored().len(), 3, "written back from the spool");
    let before = writer_ticks();
    std::thread::sleep(Duration::from_millis(1_500));
    let after = writer_ticks() - before;
    assert!(
        after < 30,
        "the writer spins once the store is back: {after} ticks"
    );
    let st = r.close();
    assert_eq!((st.spooled, st.unspooled, st.lost), (3, 3, 0), "{st:?}");
}
