// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Reading the store at start-up, in the background: the retention period applied,
//! then each configured source's snapshot sent as it is read ([`Msg::CachedSource`]),
//! then the fetch histories ([`Msg::CacheLoaded`]). A server that does not answer is
//! retried until it does.

use std::time::{Duration, Instant};

use jiff::Timestamp;
use tokio::sync::mpsc;

use crate::app::{App, Msg};
use crate::store::persist::{CachedSource, PersistError, SharedStore};

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

/// Sends each configured source's stored snapshot as it is read, so the dashboard
/// merges one while the next is decoded. Returns the sightings read.
async fn load_sources(
    store: &SharedStore,
    tx: &mpsc::UnboundedSender<Msg>,
    names: &[String],
) -> Result<usize, PersistError> {
    let mut metas = store.metas().await?;
    let mut n = 0;
    for name in names {
        let Some(meta) = metas.remove(name) else {
            continue;
        };
        let sightings = store.load_source(name.clone()).await?;
        n += sightings.len();
        let c = CachedSource {
            name: name.clone(),
            meta,
            sightings,
        };
        if tx.send(Msg::CachedSource(c)).is_err() {
            break;
        }
    }
    Ok(n)
}
