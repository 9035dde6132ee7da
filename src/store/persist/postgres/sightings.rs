// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The `sightings` table on PostgreSQL (schema 2): hits found in the followed logs, as
//! in the SQLite store (`sqlite/sightings.rs`): one row per (line, field, indicator),
//! at most [`MAX_STORED_HITS`] rows, pruned by age with the cache retention.

use std::time::Duration;

use jiff::Timestamp;

use super::{PgStore, classify};
use crate::model::LogHit;
use crate::store::persist::codec::{type_code, type_of};
use crate::store::persist::{MAX_STORED_HITS, PersistError};

impl PgStore {
    pub(super) async fn save_hits_inner(&self, hits: &[LogHit]) -> Result<usize, PersistError> {
        let mut client = self.client().await?;
        let c = |e| classify(&self.shown, e);
        let tx = client.transaction().await.map_err(c)?;
        let ins = tx
            .prepare(
                "INSERT INTO sightings (found, at, log, line_offset, module, field, atomic, kind,
                   indicator, sources, threat, retro)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
                 ON CONFLICT DO NOTHING",
            )
            .await
            .map_err(c)?;
        let mut added = 0;
        for h in hits {
            let kind = type_code(h.kind) as i32;
            let offset = i64::try_from(h.offset).unwrap_or(i64::MAX);
            added += tx
                .execute(
                    &ins,
                    &[
                        &h.found.as_second(),
                        &h.at.as_second(),
                        &&*h.log,
                        &offset,
                        &&*h.module,
                        &&*h.field,
                        &&*h.atomic,
                        &kind,
                        &&*h.indicator,
                        &&*h.sources,
                        &h.threat.as_deref(),
                        &h.retro,
                    ],
                )
                .await
                .map_err(c)?;
        }
        tx.execute(
            "DELETE FROM sightings WHERE id <= (SELECT id FROM sightings ORDER BY id DESC LIMIT 1 OFFSET $1)",
            &[&(MAX_STORED_HITS as i64)],
        )
        .await
        .map_err(c)?;
        tx.commit().await.map_err(c)?;
        Ok(added as usize)
    }

    pub(super) async fn load_hits_inner(&self, limit: usize) -> Result<Vec<LogHit>, PersistError> {
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT found, at, log, line_offset, module, field, atomic, kind, indicator, sources,
                   threat, retro FROM sightings ORDER BY id DESC LIMIT $1",
                &[&i64::try_from(limit).unwrap_or(i64::MAX)],
            )
            .await
            .map_err(|e| classify(&self.shown, e))?;
        let ts = |s: i64| Timestamp::from_second(s).unwrap_or(Timestamp::UNIX_EPOCH);
        // Rows another client wrote oddly are skipped, not trusted.
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                Some(LogHit {
                    found: ts(r.try_get(0).ok()?),
                    at: ts(r.try_get(1).ok()?),
                    log: r.try_get::<_, String>(2).ok()?.into(),
                    offset: r.try_get::<_, i64>(3).ok()?.max(0) as u64,
                    module: r.try_get::<_, String>(4).ok()?.into(),
                    field: r.try_get::<_, String>(5).ok()?.into(),
                    atomic: r.try_get::<_, String>(6).ok()?.into(),
                    kind: type_of(i64::from(r.try_get::<_, i32>(7).ok()?))?,
                    indicator: r.try_get::<_, String>(8).ok()?.into(),
                    sources: r.try_get::<_, String>(9).ok()?.into(),
                    threat: r.try_get::<_, Option<String>>(10).ok()?.map(Into::into),
                    retro: r.try_get(11).ok()?,
                })
            })
            .collect())
    }

    pub(super) async fn prune_hits_inner(
        &self,
        now: Timestamp,
        keep: Duration,
    ) -> Result<usize, PersistError> {
        let cutoff = now.as_second() - i64::try_from(keep.as_secs()).unwrap_or(i64::MAX / 2);
        let client = self.client().await?;
        let n = client
            .execute("DELETE FROM sightings WHERE found < $1", &[&cutoff])
            .await
            .map_err(|e| classify(&self.shown, e))?;
        Ok(n as usize)
    }
}
