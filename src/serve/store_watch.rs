// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! A SQLite store's file watched (inotify, through `notify`): a write by `fetch` or a
//! dashboard wakes the follower at once instead of at its next poll.

use std::collections::HashSet;
use std::ffi::OsString;
use std::path::Path;

use tokio::sync::mpsc;

/// A watch on one store file; its events arrive on [`StoreWatch::changed`].
pub struct StoreWatch {
    /// Kept alive for its events.
    _watcher: notify::RecommendedWatcher,
    /// A message when the store or its write-ahead log changed (many changes before it
    /// is read are one message).
    pub changed: mpsc::Receiver<()>,
}

impl std::fmt::Debug for StoreWatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoreWatch").finish_non_exhaustive()
    }
}

impl StoreWatch {
    /// Watches the folder of `store` for changes to the file and its `-wal` (not reads,
    /// not other files, such as the TAXII history beside it). `None` where watching is
    /// not possible (the poll still runs).
    pub fn new(store: &Path) -> Option<StoreWatch> {
        let name = store.file_name()?;
        let mut wal = name.to_os_string();
        wal.push("-wal");
        let names: HashSet<OsString> = [name.to_os_string(), wal].into_iter().collect();
        let (tx, changed) = mpsc::channel(1);
        let watcher = notify::recommended_watcher(move |ev: notify::Result<notify::Event>| {
            let ours = ev.is_ok_and(|e| {
                !e.kind.is_access()
                    && e.paths
                        .iter()
                        .any(|p| p.file_name().is_some_and(|n| names.contains(n)))
            });
            if ours {
                // Full: a wake-up is already waiting.
                let _ = tx.try_send(());
            }
        });
        let mut watcher = match watcher {
            Ok(w) => w,
            Err(e) => {
                tracing::debug!("serve: cannot watch the store ({e}); polling it");
                return None;
            }
        };
        let dir = match store.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        if let Err(e) =
            notify::Watcher::watch(&mut watcher, dir, notify::RecursiveMode::NonRecursive)
        {
            tracing::debug!("serve: cannot watch {} ({e}); polling it", dir.display());
            return None;
        }
        Some(StoreWatch {
            _watcher: watcher,
            changed,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_write_to_the_store_is_seen_and_other_files_are_not() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("store.db");
        std::fs::write(&db, b"x").unwrap();
        let Some(mut w) = StoreWatch::new(&db) else {
            // No inotify here: the poll covers it.
            return;
        };
        std::fs::write(dir.path().join("store.db.taxii"), b"y").unwrap();
        std::fs::write(dir.path().join("other"), b"y").unwrap();
        let quiet =
            tokio::time::timeout(std::time::Duration::from_millis(300), w.changed.recv()).await;
        assert!(quiet.is_err(), "another file woke it");
        std::fs::write(dir.path().join("store.db-wal"), b"z").unwrap();
        let woke = tokio::time::timeout(std::time::Duration::from_secs(5), w.changed.recv()).await;
        assert!(matches!(woke, Ok(Some(()))));
    }
}
