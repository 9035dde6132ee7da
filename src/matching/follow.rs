// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! `match --follow` and the dashboard's `logs:`: like `tail -F`. Each file is read from
//! its start (or, for the dashboard, from its end), then read again whenever the kernel
//! says its folder changed (inotify, through `notify`; an open, read or close is not a
//! change), with a slow poll every [`SLOW_POLL`] as a safety net (every [`POLL`] where
//! no watch can be set). Idle, the thread sleeps on the watch (looking every
//! [`STOP_CHECK`] whether it is asked to stop): no busy loop. A new
//! matcher (the store changed) is picked up at each wake.
//!
//! # Rotation rules
//!
//! At each wake every path is checked in two steps, a look and then a read.
//!
//! **The look** opens the path and takes, from that one handle, the identity of the
//! file it names (device and inode numbers), its length and its first bytes. It is
//! still the file being read only if all three agree:
//!
//! 1. the same identity (where the platform has no inode numbers, this always holds);
//! 2. at least as long as what was read (the offset);
//! 3. it starts with the *fingerprint*: the first bytes read from the file, up to
//!    1 KiB, kept as read (so it grows while a young file does).
//!
//! Otherwise the path names new content, read from byte 0 (for the dashboard too: only
//! the file found at the start is read from its end). The file that was being read:
//!
//! - if it still starts with its fingerprint and is not certainly the file now at the
//!   path (another identity, or the same numbers on a file with no name left: deleted,
//!   its number given to the new one), it was renamed or deleted. It becomes the *old
//!   file*: read at each check before the new one (a writer goes on writing to it until
//!   it reopens the path), and closed once it has given nothing for
//!   [`OLD_FILE_GRACE`], its last line then read even without a newline. One old file
//!   at a time: a second rotation reads the first to its end, last line included, and
//!   closes it.
//! - otherwise it was truncated or rewritten in place, and what it held past the offset
//!   is gone.
//!
//! **The read** reads each open file from its offset to its end. Each read is kept
//! only if the file still starts with the fingerprint afterwards (with the bytes just
//! read added while it is under 1 KiB) and is not shorter than the offset; otherwise
//! the file was truncated or rewritten in place before or during the read, what was
//! just read is dropped (old bytes past the offset, or new ones at the old offset), and
//! the file is read from byte 0. A partial last line waits for its newline (bounded by
//! [`MAX_LINE`](super::scan::MAX_LINE)). Alerts from the old file carry the followed
//! path and offsets in the old file.
//!
//! What that gives:
//!
//! - rename, then a new file (logrotate's `create`), even one written before the look:
//!   the old file's unread tail, then the new file from byte 0, then whatever is still
//!   written to the old file within the grace; nothing twice.
//! - delete, then a new file, with a new inode number or the old one: the same (the
//!   identity or else the fingerprint tells them apart).
//! - truncation, then writes of any length before the look (longer than what was read
//!   included): the new content from byte 0.
//! - `copytruncate` (the file copied, then truncated in place): no line read before is
//!   read again, and every line written after the truncation is read once. Lines
//!   written after the last read and before the copy are in the copy only, which is
//!   not read (its name is not known); lines written between the copy and the
//!   truncation are lost by copytruncate itself; a partial line read before the
//!   truncation is dropped. A writer that does not append (`O_APPEND`) goes on at its
//!   old offset, and the zeros it leaves before it are read as part of a line.
//!
//! Not told apart: new content whose first bytes are exactly the fingerprint, with the
//! same identity and at least as long — a file read only a few bytes into has a short
//! fingerprint, and logs that all start with the same header of 1 KiB or more look
//! alike (a file system that reuses an inode number at once, or a platform without
//! inode numbers, then takes the new file for the old one).

mod reader;
mod tracked;
mod wake;

#[cfg(test)]
mod tests;

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::extract::LogFormat;
use super::log_paths::Unreadable;
use super::matcher::Matcher;
use super::scan::{ScanStats, Settings};
use super::sink::AlertSink;
use tracked::Tracked;
pub use wake::STOP_CHECK;
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

/// What a follower says about each path's readability: `Some(why)` when the path
/// cannot be read (once, when that begins or its reason changes), `None` when it can
/// again.
pub type Report<'a> = &'a mut dyn FnMut(&Path, Option<&Unreadable>);

/// Follows `paths` from their start until `stop` is set (seen within
/// [`STOP_CHECK`] while idle), handing alerts to `sink` as
/// they are found (each wake's alerts delivered and flushed together). `refresh` is
/// asked at each wake for a newer matcher (`None`: keep the current one); `report` is
/// told when a path cannot be read, and when it can again. Errors: the sink's.
#[allow(clippy::too_many_arguments)]
pub fn follow<S: AlertSink + ?Sized>(
    paths: &[PathBuf],
    settings: Settings,
    matcher: Arc<Matcher>,
    refresh: impl FnMut() -> Option<Arc<Matcher>>,
    report: Report<'_>,
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
        report,
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
    report: Report<'_>,
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
        for f in &mut follower.files {
            if let Some(why) = f.take_change() {
                report(f.path(), why.as_ref());
            }
        }
        sink.deliver(part)?;
        if any {
            sink.flush()?;
        } else {
            wake.wait(stop);
        }
    }
    sink.flush()
}
