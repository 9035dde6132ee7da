// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The Trends view's side in the runtime: reads hits per hour and indicators held per
//! source from the store on a task of its own ([`crate::app::Effect::LoadTrends`]) and
//! hands them to the app ([`Msg::TrendsLoaded`]); the event loop never waits on it.

use jiff::Timestamp;
use tokio::sync::mpsc;

use crate::app::Msg;
use crate::app::trends::TrendsData;
use crate::store::persist::SharedStore;

/// Reads the view's data for windows ending `at`; answers [`Msg::TrendsLoaded`].
pub(super) fn load(store: Option<&SharedStore>, at: Timestamp, tx: &mpsc::UnboundedSender<Msg>) {
    let tx = tx.clone();
    let Some(store) = store.cloned() else {
        let _ = tx.send(Msg::TrendsLoaded(Err("no store".into())));
        return;
    };
    tokio::spawn(async move {
        let _ = tx.send(Msg::TrendsLoaded(read(&store, at).await));
    });
}

/// The view's data from `store`, or why it could not be read (one line).
pub async fn read(store: &SharedStore, at: Timestamp) -> Result<TrendsData, String> {
    let hours = store.hit_hours(TrendsData::hours_since(at));
    let days = store.source_days(TrendsData::days_since(at));
    let (hours, days) = futures_util::future::join(hours, days).await;
    Ok(TrendsData {
        at,
        hours: hours.map_err(|e| e.to_string())?,
        days: days.map_err(|e| e.to_string())?,
    })
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::model::IndicatorType;
    use crate::model::log_hit::sample;
    use crate::store::persist::{Sqlite, SqliteStore};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_view_reads_the_windows_from_the_store() {
        let dir = tempfile::tempdir().unwrap();
        let db = Sqlite::open(&dir.path().join("c.db")).unwrap().db;
        let store: SharedStore = Arc::new(SqliteStore::new(db));
        let at = Timestamp::from_second(1_800_001_800).unwrap();
        let old = at.as_second() - 49 * 3_600;
        let hits = vec![
            sample(
                IndicatorType::Ipv4,
                "203.0.113.9",
                "eve.json",
                1,
                at.as_second() - 60,
            ),
            sample(IndicatorType::Ipv4, "203.0.113.9", "eve.json", 2, old),
        ];
        store.save_hits(hits).await.unwrap();
        let data = read(&store, at).await.unwrap();
        assert_eq!(
            data.hours.len(),
            1,
            "the hit of 49 h ago is outside the window"
        );
        assert_eq!(data.hits_per_hour().last(), Some(&1));
        assert_eq!(data.top_threats(), vec![("Emotet", 1)]);
        let (tx, mut rx) = mpsc::unbounded_channel();
        load(None, at, &tx);
        assert!(matches!(rx.recv().await, Some(Msg::TrendsLoaded(Err(_)))));
    }
}
