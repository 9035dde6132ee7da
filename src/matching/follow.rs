// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! `match --follow` and the dashboard's `logs:`: like `tail -F`. Each file is read from
//! its start (or, for the dashboard, from its end), then read again whenever the kernel
//! says its folder changed (inotify, through `notify`), with a slow poll every
//! [`SLOW_POLL`] as a safety net (every [`POLL`] where no watch can be set). A rotation
//! (the path now names another inode) drains the old file and continues with the new
//! one from its start; a truncation (the file shrank) starts over at 0. A partial last
//! line waits for its newline (bounded by [`MAX_LINE`](super::scan::MAX_LINE)). Idle, the thread sleeps on the
//! watch: no busy loop. A new matcher (the store changed) is picked up at each wake.

mod reader;
mod tracked;
mod wake;

#[cfg(test)]
mod tests;

use std::io;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::extract::LogFormat;
use super::matcher::Matcher;
use super::scan::{ScanStats, Settings};
use super::sink::AlertSink;
use tracked::Tracked;
use wake::Wake;

/// How often files are checked for new bytes when their folders cannot be watched.
pub const POLL: Duration = Duration::from_millis(250);

/// How often files are checked anyway while their folders are watched (a file system
/// that sends no events, such as some network mounts).
pub const SLOW_POLL: Duration = Duration::from_secs(1);

/// How long a file the path named before a rotation is still read after its last new
/// byte: a writer goes on writing to it until it reopens the path (logrotate's
/// `postrotate` signal comes after the new file is created).
pub const OLD_FILE_GRACE: Duration = Duration::from_secs(30);

/// Where each file is first read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// From byte 0 (`match --follow`).
    Beginning,
    /// From its end when it already exists (the dashboard: the past is for retro-hunts);
    /// a file that appears later, or replaces it, is read from its start.
    End,
}

/// Every followed path, checked together at each wake.
struct Follower {
    files: Vec<Tracked>,
}

impl Follower {
    fn new(paths: &[PathBuf], log: LogFormat, start: Start) -> Follower {
        Follower {
            files: paths
                .iter()
                .map(|p| Tracked::new(p, log, start == Start::End))
                .collect(),
        }
    }

    /// One check of every file: what each path names now, then what is new in it,
    /// with alerts added to `part`. Returns whether anything was read.
    fn check<S: AlertSink + ?Sized>(
        &mut self,
        now: Instant,
        m: &Matcher,
        sink: &S,
        part: &mut S::Part,
        st: &mut ScanStats,
    ) -> bool {
        let mut any = false;
        for f in &mut self.files {
            any |= f.look(now, m, sink, part, st);
            any |= f.read(now, m, sink, part, st);
        }
        any
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
    let mut follower = Follower::new(paths, log, start);
    let wake = Wake::new(paths);
    while !stop.load(Ordering::Relaxed) {
        if let Some(m) = refresh() {
            matcher = m;
        }
        let mut part = S::Part::default();
        let any = follower.check(Instant::now(), &matcher, &*sink, &mut part, stats);
        sink.deliver(part)?;
        if any {
            sink.flush()?;
        } else {
            wake.wait();
        }
    }
    sink.flush()
}
