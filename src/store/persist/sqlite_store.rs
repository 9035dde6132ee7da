// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! [`SnapshotStore`] over the blocking [`Sqlite`] connection: each call runs on tokio's
//! blocking pool, one at a time (the connection sits behind a mutex), so the async
//! callers never block a runtime thread.

use std::collections::HashMap;
use std::ops::RangeInclusive;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::future::BoxFuture;
use jiff::Timestamp;

use super::sqlite::{Group, Sqlite};
use super::{
    AnswerKey, CachedSource, EnrichmentStore, PersistError, QuotaOp, QuotaReply, Snapshot,
    SnapshotStore, SourceMeta,
};
use crate::model::{Enrichment, IndicatorType, LogHit, Sighting, lock};
use crate::sources::answers::Claim;
use crate::store::health::FetchRecord;
use crate::trust::triage::Mark;

/// The SQLite store, shareable across tasks.
#[derive(Clone)]
pub struct SqliteStore {
    db: Arc<Mutex<Sqlite>>,
    path: String,
}

impl SqliteStore {
    pub fn new(db: Sqlite) -> SqliteStore {
        let path = db.path().display().to_string();
        SqliteStore {
            db: Arc::new(Mutex::new(db)),
            path,
        }
    }

    /// Runs `f` with the connection on the blocking pool.
    fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Sqlite) -> Result<T, PersistError> + Send + 'static,
    ) -> BoxFuture<'static, Result<T, PersistError>> {
        let db = Arc::clone(&self.db);
        Box::pin(async move {
            tokio::task::spawn_blocking(move || f(&mut lock(&db)))
                .await
                .unwrap_or_else(|e| Err(PersistError::Unavailable(e.to_string())))
        })
    }
}

impl SnapshotStore for SqliteStore {
    fn describe(&self) -> String {
        self.path.clone()
    }

    fn metas(&self) -> BoxFuture<'_, Result<HashMap<String, SourceMeta>, PersistError>> {
        self.run(|db| db.metas())
    }

    fn save(&self, snapshot: Snapshot) -> BoxFuture<'_, (Snapshot, Result<usize, PersistError>)> {
        let db = Arc::clone(&self.db);
        Box::pin(async move {
            let joined = tokio::task::spawn_blocking(move || {
                let result = save(&mut lock(&db), &snapshot);
                (snapshot, result)
            })
            .await;
            joined.unwrap_or_else(|e| {
                // The task panicked and took the snapshot with it.
                let lost = Snapshot {
                    source: String::new(),
                    kind: "",
                    sightings: Vec::new(),
                    groups: Vec::new(),
                    expires: HashMap::new(),
                    incremental: false,
                    meta: SourceMeta::default(),
                    now: Timestamp::UNIX_EPOCH,
                };
                (lost, Err(PersistError::Unavailable(e.to_string())))
            })
        })
    }

    fn confirm(&self, source: String, now: Timestamp) -> BoxFuture<'_, Result<(), PersistError>> {
        self.run(move |db| db.confirm(&source, now))
    }

    fn record(
        &self,
        source: String,
        record: FetchRecord,
    ) -> BoxFuture<'_, Result<(), PersistError>> {
        self.run(move |db| db.record(&source, &record))
    }

    fn history(&self, source: String) -> BoxFuture<'_, Result<Vec<FetchRecord>, PersistError>> {
        self.run(move |db| db.history(&source))
    }

    fn load_all(&self) -> BoxFuture<'_, Result<Vec<CachedSource>, PersistError>> {
        self.run(|db| db.load_all())
    }

    fn load_source(&self, source: String) -> BoxFuture<'_, Result<Vec<Sighting>, PersistError>> {
        self.run(move |db| db.load_source(&source))
    }

    fn read_source(&self, source: String) -> BoxFuture<'_, Result<Vec<Vec<u8>>, PersistError>> {
        self.run(move |db| db.read_source(&source))
    }

    fn apply_retention(
        &self,
        now: Timestamp,
        keep: Duration,
    ) -> BoxFuture<'_, Result<usize, PersistError>> {
        self.run(move |db| db.apply_retention(now, keep))
    }

    fn save_hits(&self, hits: Vec<LogHit>) -> BoxFuture<'_, Result<usize, PersistError>> {
        self.run(move |db| db.save_hits(&hits))
    }

    fn load_hits(&self, limit: usize) -> BoxFuture<'_, Result<Vec<LogHit>, PersistError>> {
        self.run(move |db| db.load_hits(limit))
    }

    fn hits_in(
        &self,
        ids: RangeInclusive<i64>,
        limit: usize,
    ) -> BoxFuture<'_, Result<super::HitsPage, PersistError>> {
        self.run(move |db| db.hits_in(ids, limit))
    }

    fn last_hit_id(&self) -> BoxFuture<'_, Result<i64, PersistError>> {
        self.run(|db| db.last_hit_id())
    }

    fn load_hit_rows(
        &self,
        limit: usize,
    ) -> BoxFuture<'_, Result<Vec<(i64, LogHit)>, PersistError>> {
        self.run(move |db| db.load_hit_rows(limit))
    }

    fn hit_rows_in(
        &self,
        ids: RangeInclusive<i64>,
        limit: usize,
    ) -> BoxFuture<'_, Result<super::HitRowsPage, PersistError>> {
        self.run(move |db| db.hit_rows_in(ids, limit))
    }

    fn save_mark(&self, mark: Mark) -> BoxFuture<'_, Result<i64, PersistError>> {
        self.run(move |db| db.save_mark(&mark))
    }

    fn marks_after(
        &self,
        after: i64,
        limit: usize,
    ) -> BoxFuture<'_, Result<Vec<(i64, Mark)>, PersistError>> {
        self.run(move |db| db.marks_after(after, limit))
    }

    fn prune_hits(
        &self,
        now: Timestamp,
        keep: Duration,
    ) -> BoxFuture<'_, Result<usize, PersistError>> {
        self.run(move |db| db.prune_hits(now, keep))
    }

    fn source_days(
        &self,
        since: Timestamp,
    ) -> BoxFuture<'_, Result<Vec<super::SourceDay>, PersistError>> {
        self.run(move |db| db.source_days(since))
    }

    fn hit_hours(
        &self,
        since: Timestamp,
    ) -> BoxFuture<'_, Result<Vec<super::HitHour>, PersistError>> {
        self.run(move |db| db.hit_hours(since))
    }

    fn record_skips(
        &self,
        source: String,
        at: Timestamp,
        skips: Vec<(String, usize)>,
    ) -> BoxFuture<'_, Result<(), PersistError>> {
        self.run(move |db| db.record_skips(&source, at, &skips))
    }

    fn fetch_skips(
        &self,
        source: String,
        since: Timestamp,
    ) -> BoxFuture<'_, Result<Vec<super::FetchSkip>, PersistError>> {
        self.run(move |db| db.fetch_skips(&source, since))
    }

    fn quota(
        &self,
        account: String,
        op: QuotaOp,
    ) -> BoxFuture<'_, Result<QuotaReply, PersistError>> {
        self.run(move |db| db.quota(&account, op))
    }

    fn push_state(
        &self,
        source: String,
        op: super::PushOp,
    ) -> BoxFuture<'_, Result<super::PushReply, PersistError>> {
        self.run(move |db| db.push_state(&source, op))
    }

    fn push_states(&self) -> BoxFuture<'_, Result<Vec<(String, super::PushRow)>, PersistError>> {
        self.run(|db| db.push_states())
    }
}

impl EnrichmentStore for SqliteStore {
    fn enrichment(
        &self,
        source: String,
        kind: IndicatorType,
        value: String,
        since: Timestamp,
    ) -> BoxFuture<'_, Result<Option<Enrichment>, PersistError>> {
        let key = AnswerKey {
            source,
            kind,
            value,
        };
        self.run(move |db| db.enrichment(&key, since))
    }

    fn save_enrichment(&self, answer: Enrichment) -> BoxFuture<'_, Result<(), PersistError>> {
        self.run(move |db| db.save_enrichment(&answer))
    }

    fn claim_enrichment(
        &self,
        key: AnswerKey,
        holder: String,
        since: Timestamp,
        hold: Duration,
    ) -> BoxFuture<'_, Result<Claim, PersistError>> {
        self.run(move |db| db.claim_enrichment(&key, &holder, since, Timestamp::now(), hold))
    }

    fn enrichments_since(
        &self,
        since: Timestamp,
    ) -> BoxFuture<'_, Result<Vec<Enrichment>, PersistError>> {
        self.run(move |db| db.enrichments_since(since))
    }

    fn release_enrichment(
        &self,
        key: AnswerKey,
        holder: String,
    ) -> BoxFuture<'_, Result<(), PersistError>> {
        self.run(move |db| db.release_enrichment(&key, &holder))
    }
}

/// Writes `s` with its groups as [`Sqlite::save`] takes them.
fn save(db: &mut Sqlite, s: &Snapshot) -> Result<usize, PersistError> {
    let grouped = s.grouped();
    let groups: Vec<Group<'_>> = grouped
        .iter()
        .map(|(id, v)| Group {
            id,
            sightings: v,
            expires: s.expires.get(*id).copied(),
        })
        .collect();
    db.save(&s.source, s.kind, &groups, s.incremental, &s.meta, s.now)
}
