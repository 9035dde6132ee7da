// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The `marks` table on PostgreSQL (schema 7), as in the SQLite store
//! (`sqlite/marks.rs`; columns in `persist/marks.rs`). Each mark is written under a
//! transaction-scoped advisory lock, so marks commit in the order of their row ids and
//! "the marks after row N" never misses one that commits late; its id is announced on
//! [`MARKS_CHANNEL`] at commit, so every dashboard shows it.

use super::{MARKS_CHANNEL, PgStore, classify};
use crate::store::persist::PersistError;
use crate::store::persist::codec::type_code;
use crate::store::persist::marks::{COLUMNS, mark_of, verdict_text};
use crate::trust::triage::Mark;

/// The advisory lock key that serialises writes of marks ("ISIEMm" in ASCII).
const MARKS_LOCK: i64 = 0x4953_4945_4d6d;

impl PgStore {
    pub(super) async fn save_mark_inner(&self, mark: &Mark) -> Result<i64, PersistError> {
        let mut client = self.client().await?;
        let c = |e| classify(&self.shown, e);
        let tx = client.transaction().await.map_err(c)?;
        tx.query("SELECT pg_advisory_xact_lock($1)", &[&MARKS_LOCK])
            .await
            .map_err(c)?;
        let row = tx
            .query_one(
                "INSERT INTO marks (kind, indicator, hit, verdict, note, marked_by, at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                &[
                    &(type_code(mark.kind) as i32),
                    &&*mark.indicator,
                    &mark.hit,
                    &verdict_text(mark),
                    &mark.note.as_deref(),
                    &&*mark.by,
                    &mark.at.as_second(),
                ],
            )
            .await
            .map_err(c)?;
        let id: i64 = row.try_get(0).map_err(c)?;
        // Delivered at commit, to every listener.
        tx.execute(
            "SELECT pg_notify($1, $2 || E'\\t' || current_schema() || E'\\t' || $3)",
            &[&MARKS_CHANNEL, &self.holder, &id.to_string()],
        )
        .await
        .map_err(c)?;
        tx.commit().await.map_err(c)?;
        Ok(id)
    }

    pub(super) async fn marks_after_inner(
        &self,
        after: i64,
        limit: usize,
    ) -> Result<Vec<(i64, Mark)>, PersistError> {
        let client = self.client().await?;
        let rows = client
            .query(
                &format!("SELECT {COLUMNS} FROM marks WHERE id > $1 ORDER BY id LIMIT $2"),
                &[&after, &i64::try_from(limit).unwrap_or(i64::MAX)],
            )
            .await
            .map_err(|e| classify(&self.shown, e))?;
        // Rows another client wrote oddly are skipped, not trusted.
        Ok(rows
            .iter()
            .filter_map(|r| {
                let id: i64 = r.try_get(0).ok()?;
                let mark = mark_of(
                    i64::from(r.try_get::<_, i32>(1).ok()?),
                    r.try_get(2).ok()?,
                    r.try_get(3).ok()?,
                    r.try_get(4).ok()?,
                    r.try_get(5).ok()?,
                    r.try_get(6).ok()?,
                    r.try_get(7).ok()?,
                );
                if mark.is_none() {
                    tracing::debug!(id, "a triage mark this build cannot read is skipped");
                }
                Some((id, mark?))
            })
            .collect())
    }
}
