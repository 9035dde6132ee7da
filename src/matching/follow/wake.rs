// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! What wakes the follower: a change in a followed file's folder (inotify, through
//! `notify`), or the poll period.

use std::collections::HashSet;
use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::{POLL, SLOW_POLL};

/// How often a sleeping follower looks whether it was asked to stop: a stop (SIGINT,
/// SIGTERM) ends `match --follow` within about this long, whatever the poll period.
pub const STOP_CHECK: Duration = Duration::from_millis(100);

/// Wakes the follower when a followed file's folder changes, or after a poll period.
pub(super) struct Wake {
    rx: mpsc::Receiver<()>,
    idle: Duration,
    /// Kept alive for its events; `None` where watching is not possible.
    _watcher: Option<notify::RecommendedWatcher>,
}

impl Wake {
    pub(super) fn new(paths: &[PathBuf]) -> Wake {
        let (tx, rx) = mpsc::channel();
        let names: HashSet<OsString> = paths
            .iter()
            .filter_map(|p| p.file_name().map(OsString::from))
            .collect();
        let watcher = notify::recommended_watcher(move |ev: notify::Result<notify::Event>| {
            // An open, a read or a close is no change (and the follower's own look
            // opens each file: heeding those would wake it forever).
            let ours = ev.is_ok_and(|e| {
                !e.kind.is_access()
                    && (e.paths.is_empty()
                        || e.paths
                            .iter()
                            .any(|p| p.file_name().is_some_and(|n| names.contains(n))))
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

    /// Sleeps until an event, the poll period, or `stop` (looked at every
    /// [`STOP_CHECK`]); events that piled up count as one.
    pub(super) fn wait(&self, stop: &AtomicBool) {
        let until = Instant::now() + self.idle;
        loop {
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() || stop.load(Ordering::Relaxed) {
                return;
            }
            match self.rx.recv_timeout(left.min(STOP_CHECK)) {
                Ok(_) => {
                    while self.rx.try_recv().is_ok() {}
                    return;
                }
                // No watcher sends any more (inotify could not start): sleep instead of
                // spinning on the closed channel.
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    std::thread::sleep(left.min(STOP_CHECK));
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
            }
        }
    }
}
