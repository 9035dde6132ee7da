// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The fetch history on PostgreSQL (`fetch_log`, with who fetched), as in the SQLite
//! store: the last [`HISTORY_MAX`] fetches per source; each one recorded also writes the
//! source's count of the day (`source_days`, schema 9).

use std::time::Duration;

use jiff::Timestamp;

use super::{PgStore, classify, trends};
use crate::store::health::{FetchOutcome, FetchRecord, HISTORY_MAX};
use crate::store::persist::PersistError;

impl PgStore {
    pub(super) async fn record_inner(
        &self,
        source: &str,
        r: &FetchRecord,
    ) -> Result<(), PersistError> {
        let mut client = self.client().await?;
        let c = |e| classify(&self.shown, e);
        let tx = client.transaction().await.map_err(c)?;
        tx.execute(
            "INSERT INTO fetch_log (source, at, outcome, count, bytes, duration_ms, skipped, fetched_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            &[
                &source,
                &r.at.as_millisecond(),
                &r.outcome.as_str(),
                &(r.count as i64),
                &(r.bytes as i64),
                &(r.duration.as_millis() as i64),
                &(r.skipped as i64),
                &self.holder,
            ],
        )
        .await
        .map_err(c)?;
        tx.execute(
            "DELETE FROM fetch_log WHERE source = $1 AND id NOT IN
               (SELECT id FROM fetch_log WHERE source = $1 ORDER BY at DESC, id DESC LIMIT $2)",
            &[&source, &(HISTORY_MAX as i64)],
        )
        .await
        .map_err(c)?;
        trends::note_day(&tx, source, r.at.as_second(), r.count)
            .await
            .map_err(c)?;
        tx.commit().await.map_err(c)
    }

    pub(super) async fn history_inner(
        &self,
        source: &str,
    ) -> Result<Vec<FetchRecord>, PersistError> {
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT at, outcome, count, bytes, duration_ms, skipped FROM
                   (SELECT * FROM fetch_log WHERE source = $1 ORDER BY at DESC, id DESC LIMIT $2) h
                 ORDER BY at, id",
                &[&source, &(HISTORY_MAX as i64)],
            )
            .await
            .map_err(|e| classify(&self.shown, e))?;
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                let n = |i| r.try_get::<_, i64>(i).map(|v| v.max(0));
                Some(FetchRecord {
                    at: Timestamp::from_millisecond(n(0).ok()?).unwrap_or(Timestamp::UNIX_EPOCH),
                    outcome: FetchOutcome::parse(r.try_get(1).ok()?),
                    count: n(2).ok()? as usize,
                    bytes: n(3).ok()? as u64,
                    duration: Duration::from_millis(n(4).ok()? as u64),
                    skipped: n(5).ok()? as usize,
                })
            })
            .collect())
    }
}
