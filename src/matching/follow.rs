// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! `match --follow` and the dashboard's `logs:`: like `tail -F`. Each file is read from
//! its start (or, for the dashboard, from its end), then read again whenever the kernel
//! says its folder changed (inotify, through `notify`), with a slow poll every
//! [`SLOW_POLL`] as a safety net (every [`POLL`] where no watch can be set). A rotation
//! (the path now names another inode) drains the old file and continues with the new
//! one from its start; a truncation (the file shrank) starts over at 0. A partial last
//! line waits for its newline (bounded by [`MAX_LINE`]). Idle, the thread sleeps on the
//! watch: no busy loop. A new matcher (the store changed) is picked up at each wake.

use std::collections::HashSet;
use std::ffi::OsString;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use super::extract::{Extractor, LogFormat, Skip, zeek};
use super::matcher::Matcher;
use super::scan::{LineMatcher, MAX_LINE, ScanStats, Settings};
use super::sink::{AlertSink, Discard};

/// How often files are checked for new bytes when their folders cannot be watched.
pub const POLL: Duration = Duration::from_millis(250);

/// How often files are checked anyway while their folders are watched (a file system
/// that sends no events, such as some network mounts).
pub const SLOW_POLL: Duration = Duration::from_secs(1);

/// Where each file is first read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// From byte 0 (`match --follow`).
    Beginning,
    /// From its end when it already exists (the dashboard: the past is for retro-hunts);
    /// a file that appears later, or replaces it, is read from its start.
    End,
}

#[cfg(unix)]
fn inode(m: &std::fs::Metadata) -> u64 {
    use std::os::unix::fs::MetadataExt;
    m.ino()
}

#[cfg(not(unix))]
fn inode(_: &std::fs::Metadata) -> u64 {
    0
}

/// One followed file.
struct Followed {
    path: PathBuf,
    display: String,
    file: Option<File>,
    ino: u64,
    offset: u64,
    carry: Vec<u8>,
    discarding: bool,
    log: LogFormat,
    extractor: Option<Extractor>,
    /// Skip what the file holds when it is first opened.
    skip_existing: bool,
}

impl Followed {
    fn new(path: &Path, log: LogFormat) -> Self {
        Followed {
            path: path.to_path_buf(),
            display: path.display().to_string(),
            file: None,
            ino: 0,
            offset: 0,
            carry: Vec::new(),
            discarding: false,
            log,
            extractor: None,
            skip_existing: false,
        }
    }

    fn reset(&mut self) {
        self.offset = 0;
        self.carry.clear();
        self.discarding = false;
        // A new file may be another format (`auto`) or carry a new Zeek header.
        self.extractor = None;
    }

    /// Before following `f` from its end: its head decides an `auto` format, and a Zeek
    /// header (`#separator`, `#fields`, ..., or a `tsv = T` row of names) is read, so
    /// the rows appended later parse.
    /// The rows already under the header are the past and are not read.
    fn prime(&mut self, f: &mut File, m: &Matcher) {
        const HEAD: u64 = 64 * 1024;
        let mut head = Vec::new();
        if Read::by_ref(f).take(HEAD).read_to_end(&mut head).is_err() {
            return;
        }
        let log = if self.log == LogFormat::Auto {
            LogFormat::detect(&head[..head.len().min(8192)])
        } else {
            self.log
        };
        let mut lm = LineMatcher::new(m, LogFormat::Text);
        lm.extractor = Extractor::new(log);
        let end = zeek::header_end(&head);
        if end > 0 {
            let mut seen = ScanStats::default();
            lm.lines(
                &head[..end - 1],
                &self.display,
                0,
                &Discard,
                &mut (),
                &mut seen,
            );
        }
        self.extractor = Some(lm.extractor);
    }

    /// Reads what is new, adding alerts to `part`; returns whether anything was.
    fn poll<S: AlertSink + ?Sized>(
        &mut self,
        m: &Matcher,
        sink: &S,
        part: &mut S::Part,
        st: &mut ScanStats,
    ) -> bool {
        let meta = std::fs::metadata(&self.path).ok();
        let mut any = false;
        if let Some(meta) = &meta {
            let ino = inode(meta);
            if self.file.is_some() && ino != self.ino {
                // Rotated: finish the old file, then switch.
                any |= self.drain(m, sink, part, st);
                self.file = None;
            }
            if self.file.is_none() {
                if let Ok(mut f) = File::open(&self.path) {
                    self.reset();
                    if self.skip_existing {
                        self.prime(&mut f, m);
                        if let Ok(end) = f.seek(SeekFrom::End(0)) {
                            self.offset = end;
                        }
                    }
                    self.file = Some(f);
                    self.ino = ino;
                }
            } else if meta.len() < self.offset {
                // Truncated: start over.
                if let Some(f) = &mut self.file {
                    let _ = f.seek(SeekFrom::Start(0));
                }
                self.reset();
            }
        }
        self.skip_existing = false;
        if meta.is_some_and(|m| m.len() <= self.offset) && self.file.is_some() {
            // Nothing appended: no read (and no read buffer) at all.
            return any;
        }
        any | self.drain(m, sink, part, st)
    }

    /// Reads the open file to its current end.
    fn drain<S: AlertSink + ?Sized>(
        &mut self,
        m: &Matcher,
        sink: &S,
        part: &mut S::Part,
        st: &mut ScanStats,
    ) -> bool {
        let Some(file) = &mut self.file else {
            return false;
        };
        let mut any = false;
        let mut chunk = vec![0u8; 1 << 20];
        loop {
            let n = match file.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(_) => break,
            };
            any = true;
            st.bytes += n as u64;
            let data = &chunk[..n];
            let start_offset = self.offset - self.carry.len() as u64;
            self.offset += n as u64;
            self.carry.extend_from_slice(data);
            let Some(last_nl) = memchr::memrchr(b'\n', &self.carry) else {
                if self.carry.len() > MAX_LINE {
                    if !self.discarding {
                        st.lines += 1;
                        st.skipped[Skip::TooLong.index()] += 1;
                    }
                    self.discarding = true;
                    self.carry.clear();
                }
                continue;
            };
            let mut from = 0;
            if self.discarding {
                from = memchr::memchr(b'\n', &self.carry).map_or(0, |i| i + 1);
                self.discarding = false;
            }
            let region = &self.carry[from..=last_nl];
            if self.extractor.is_none() {
                let log = if self.log == LogFormat::Auto {
                    LogFormat::detect(&region[..region.len().min(8192)])
                } else {
                    self.log
                };
                self.extractor = Some(Extractor::new(log));
            }
            let mut lm = LineMatcher::new(m, LogFormat::Text);
            if let Some(e) = self.extractor.take() {
                lm.extractor = e;
            }
            let body = &region[..region.len() - 1];
            lm.lines(
                body,
                &self.display,
                start_offset + from as u64,
                sink,
                part,
                st,
            );
            self.extractor = Some(lm.extractor);
            self.carry.drain(..=last_nl);
        }
        any
    }
}

/// Wakes the follower when a followed file's folder changes, or after a poll period.
struct Wake {
    rx: mpsc::Receiver<()>,
    idle: Duration,
    /// Kept alive for its events; `None` where watching is not possible.
    _watcher: Option<notify::RecommendedWatcher>,
}

impl Wake {
    fn new(paths: &[PathBuf]) -> Wake {
        let (tx, rx) = mpsc::channel();
        let names: HashSet<OsString> = paths
            .iter()
            .filter_map(|p| p.file_name().map(OsString::from))
            .collect();
        let watcher = notify::recommended_watcher(move |ev: notify::Result<notify::Event>| {
            let ours = ev.is_ok_and(|e| {
                e.paths.is_empty()
                    || e.paths
                        .iter()
                        .any(|p| p.file_name().is_some_and(|n| names.contains(n)))
            });
            if ours {
                let _ = tx.send(());
            }
        });
        let mut watcher = match watcher {
            Ok(w) => w,
            Err(e) => {
                tracing::debug!("cannot watch the followed files ({e}); polling every {POLL:?}");
                return Wake {
                    rx,
                    idle: POLL,
                    _watcher: None,
                };
            }
        };
        let mut dirs: Vec<PathBuf> = paths
            .iter()
            .map(|p| match p.parent() {
                Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
                _ => PathBuf::from("."),
            })
            .collect();
        dirs.sort();
        dirs.dedup();
        let mut all = true;
        for d in &dirs {
            if let Err(e) =
                notify::Watcher::watch(&mut watcher, d, notify::RecursiveMode::NonRecursive)
            {
                tracing::debug!("cannot watch {} ({e}); polling it", d.display());
                all = false;
            }
        }
        Wake {
            rx,
            idle: if all { SLOW_POLL } else { POLL },
            _watcher: Some(watcher),
        }
    }

    /// Sleeps until an event or the poll period; events that piled up count as one.
    fn wait(&self) {
        if self.rx.recv_timeout(self.idle).is_ok() {
            while self.rx.try_recv().is_ok() {}
        }
    }
}

/// Follows `paths` from their start until `stop` is set, handing alerts to `sink` as
/// they are found (each wake's alerts delivered and flushed together). `refresh` is
/// asked at each wake for a newer matcher (`None`: keep the current one). Errors: the
/// sink's.
pub fn follow<S: AlertSink + ?Sized>(
    paths: &[PathBuf],
    settings: Settings,
    matcher: Arc<Matcher>,
    refresh: impl FnMut() -> Option<Arc<Matcher>>,
    sink: &mut S,
    stats: &mut ScanStats,
    stop: &AtomicBool,
) -> io::Result<()> {
    follow_from(
        paths,
        Start::Beginning,
        settings,
        matcher,
        refresh,
        sink,
        stats,
        stop,
    )
}

/// [`follow`], reading each file first from `start`.
#[allow(clippy::too_many_arguments)]
pub fn follow_from<S: AlertSink + ?Sized>(
    paths: &[PathBuf],
    start: Start,
    settings: Settings,
    mut matcher: Arc<Matcher>,
    mut refresh: impl FnMut() -> Option<Arc<Matcher>>,
    sink: &mut S,
    stats: &mut ScanStats,
    stop: &AtomicBool,
) -> io::Result<()> {
    let Settings { log, .. } = settings;
    let mut files: Vec<Followed> = paths
        .iter()
        .map(|p| {
            let mut f = Followed::new(p, log);
            f.skip_existing = start == Start::End;
            f
        })
        .collect();
    let wake = Wake::new(paths);
    while !stop.load(Ordering::Relaxed) {
        if let Some(m) = refresh() {
            matcher = m;
        }
        let mut any = false;
        let mut part = S::Part::default();
        for f in &mut files {
            any |= f.poll(&matcher, &*sink, &mut part, stats);
        }
        sink.deliver(part)?;
        if any {
            sink.flush()?;
        } else {
            wake.wait();
        }
    }
    sink.flush()
}
