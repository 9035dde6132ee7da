// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Reading the store at start-up, in the background: the retention period applied,
//! then each configured source's snapshot sent part by part as it is decoded
//! ([`Msg::CachedSource`]), then the fetch histories ([`Msg::CacheLoaded`]). A server
//! that does not answer is retried until it does.

use std::time::{Duration, Instant};

use jiff::Timestamp;
use tokio::sync::mpsc;

use crate::app::{App, Msg};
use crate::model::Sighting;
use crate::store::persist::{CachedSource, PersistError, SharedStore, SourceMeta, decode_parts};

/// Tries the store every few seconds until it answers, then loads it as at start-up.
pub(super) fn retry_store_load(
    app: &App,
    store: &SharedStore,
    tx: &mpsc::UnboundedSender<Msg>,
    retention: Duration,
) {
    let store = store.clone();
    let tx = tx.clone();
    let names = source_names(app);
    tokio::spawn(async move {
        let mut wait = Duration::from_secs(2);
        loop {
            tokio::time::sleep(wait).await;
            match store.metas().await {
                Ok(metas) => {
                    tracing::info!("store {} is back", store.describe());
                    if tx.send(Msg::CacheMeta(metas)).is_err() {
                        return;
                    }
                    load_store(store, tx, retention, names).await;
                    return;
                }
                Err(e) if e.is_transient() => {
                    wait = (wait * 2).min(Duration::from_secs(30));
                }
                Err(e) => {
                    let _ = tx.send(Msg::CacheFailed(e.to_string()));
                    return;
                }
            }
        }
    });
}

/// Reads the stored snapshots and histories in the background, after applying the
/// retention period.
pub(super) fn start_store_load(
    app: &App,
    store: &SharedStore,
    tx: &mpsc::UnboundedSender<Msg>,
    retention: Duration,
) {
    let store = store.clone();
    let tx = tx.clone();
    let names = source_names(app);
    tokio::spawn(load_store(store, tx, retention, names));
}

/// The configured sources' names, whose snapshots are loaded.
fn source_names(app: &App) -> Vec<String> {
    app.sources.iter().map(|s| s.spec.name.clone()).collect()
}

async fn load_store(
    store: SharedStore,
    tx: mpsc::UnboundedSender<Msg>,
    retention: Duration,
    names: Vec<String>,
) {
    let started = Instant::now();
    match store.apply_retention(Timestamp::now(), retention).await {
        Ok(0) => {}
        Ok(n) => tracing::info!("cache: dropped {n} indicators not seen for the retention period"),
        Err(e) => tracing::warn!("{e}"),
    }
    // The answers kept beside the snapshots: the values' enrichment, shown before (or
    // without) asking again.
    match crate::store::persist::kept_answers(&store, retention).await {
        Ok(answers) if !answers.is_empty() => {
            let _ = tx.send(Msg::Enriched(answers));
        }
        Ok(_) => {}
        Err(e) => tracing::warn!("{e}"),
    }
    let msg = match load_sources(&store, &tx, &names).await {
        Ok(n) => {
            tracing::info!(
                "cache: read {n} cached sightings in {} ms",
                started.elapsed().as_millis()
            );
            let mut histories = Vec::new();
            for n in names {
                if let Ok(h) = store.history(n.clone()).await {
                    histories.push((n, h));
                }
            }
            Msg::CacheLoaded {
                sources: Vec::new(),
                histories,
            }
        }
        Err(e) => Msg::CacheFailed(e.to_string()),
    };
    let _ = tx.send(msg);
    if store.read_only() {
        let _ = tx.send(Msg::StoreReadOnly);
    }
}

/// Sends each configured source's stored snapshot as it is read, in parts of
/// [`crate::store::persist::PART_CHUNKS`] chunks decoded on the blocking pool: the
/// dashboard merges one part while the next is decoded. Returns the sightings sent.
async fn load_sources(
    store: &SharedStore,
    tx: &mpsc::UnboundedSender<Msg>,
    names: &[String],
) -> Result<usize, PersistError> {
    let mut metas = store.metas().await?;
    let what = if store.is_shared() { "store" } else { "cache" };
    let mut n = 0;
    for name in names {
        let Some(meta) = metas.remove(name) else {
            continue;
        };
        let chunks = store.read_source(name.clone()).await?;
        let (name, tx) = (name.clone(), tx.clone());
        let sent =
            tokio::task::spawn_blocking(move || send_parts(&name, &meta, &chunks, what, &tx))
                .await
                .map_err(|e| PersistError::Unavailable(e.to_string()))?;
        match sent {
            Some(sent) => n += sent,
            // The dashboard is gone.
            None => break,
        }
    }
    Ok(n)
}

/// Decodes `chunks` of source `name` part by part, sending each as it is decoded (an
/// empty snapshot as one empty part, so it still replaces what the source held).
/// Returns the sightings sent; `None` once the receiver is gone.
fn send_parts(
    name: &str,
    meta: &SourceMeta,
    chunks: &[Vec<u8>],
    what: &str,
    tx: &mpsc::UnboundedSender<Msg>,
) -> Option<usize> {
    let mut n = 0;
    let mut parts = decode_parts(chunks, name, what).peekable();
    let mut continues = false;
    if parts.peek().is_none() {
        return send(tx, name, meta, Vec::new(), false).then_some(0);
    }
    for sightings in parts {
        n += sightings.len();
        if !send(tx, name, meta, sightings, continues) {
            return None;
        }
        continues = true;
    }
    Some(n)
}

fn send(
    tx: &mpsc::UnboundedSender<Msg>,
    name: &str,
    meta: &SourceMeta,
    sightings: Vec<Sighting>,
    continues: bool,
) -> bool {
    let c = CachedSource {
        name: name.to_string(),
        meta: meta.clone(),
        sightings,
        continues,
    };
    tx.send(Msg::CachedSource(c)).is_ok()
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::Arc;

    use super::*;
    use crate::model::{IndicatorType, Observation};
    use crate::store::persist::{Snapshot, Sqlite, SqliteStore};

    async fn save(store: &SharedStore, source: &str, sightings: Vec<Sighting>) {
        let snap = Snapshot {
            source: source.into(),
            kind: "plain_list",
            sightings,
            groups: Vec::new(),
            expires: HashMap::new(),
            incremental: false,
            meta: SourceMeta::default(),
            now: Timestamp::now(),
        };
        store.save(snap).await.1.unwrap();
    }

    /// A SQLite store in `dir` holding the snapshot of source "big": 40,000 domains,
    /// which are five chunks. Returns the store and the snapshot.
    async fn store_with_40_000(dir: &std::path::Path) -> (SharedStore, Vec<Sighting>) {
        let db = Sqlite::open(&dir.join("cache.db")).unwrap().db;
        let store: SharedStore = Arc::new(SqliteStore::new(db));
        let many: Vec<Sighting> = (0..40_000)
            .map(|i| Sighting {
                kind: IndicatorType::Domain,
                value: format!("host{i}.evil.example").into(),
                obs: Observation::default(),
            })
            .collect();
        save(&store, "big", many.clone()).await;
        (store, many)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn snapshots_come_in_parts_that_add_up_and_an_empty_one_as_one_part() {
        let dir = tempfile::tempdir().unwrap();
        let (store, many) = store_with_40_000(dir.path()).await;
        save(&store, "empty", Vec::new()).await;
        let (tx, mut rx) = mpsc::unbounded_channel();
        let names = ["empty", "absent", "big"].map(String::from);
        assert_eq!(load_sources(&store, &tx, &names).await.unwrap(), 40_000);
        drop(tx);
        let mut parts = Vec::new();
        while let Some(msg) = rx.recv().await {
            if let Msg::CachedSource(c) = msg {
                parts.push(c);
            }
        }
        let shape: Vec<(&str, usize, bool)> = parts
            .iter()
            .map(|c| (c.name.as_str(), c.sightings.len(), c.continues))
            .collect();
        // 40,000 sightings are five chunks: a part of four, then one of one.
        assert_eq!(
            shape,
            [
                ("empty", 0, false),
                ("big", 4 * 8192, false),
                ("big", 40_000 - 4 * 8192, true)
            ]
        );
        let back: Vec<Sighting> = parts.into_iter().flat_map(|c| c.sightings).collect();
        assert_eq!(back, many);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_dashboard_gone_midway_stops_the_parts() {
        let dir = tempfile::tempdir().unwrap();
        let (store, _) = store_with_40_000(dir.path()).await;
        let chunks = store.read_source("big".into()).await.unwrap();
        let meta = SourceMeta::default();
        let (tx, mut rx) = mpsc::unbounded_channel();
        assert_eq!(
            send_parts("big", &meta, &chunks, "cache", &tx),
            Some(40_000)
        );
        assert!(matches!(rx.recv().await, Some(Msg::CachedSource(_))));
        drop(rx);
        assert_eq!(send_parts("big", &meta, &chunks, "cache", &tx), None);
        assert_eq!(send_parts("big", &meta, &[], "cache", &tx), None);
    }
}
