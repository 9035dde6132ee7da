// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The `sightings` table on PostgreSQL (schema 2; sensors and stream entries since 5):
//! hits found in the logs, as in the SQLite store (`sqlite/sightings.rs`): one row per
//! hit (see [`crate::model::log_hit::HitKey`]), at most [`MAX_STORED_HITS`] rows,
//! pruned by age with the cache retention. Each transaction that adds rows announces
//! their ids on [`HITS_CHANNEL`] at commit, so every dashboard shows them.

use std::ops::RangeInclusive;
use std::time::Duration;

use jiff::Timestamp;

use super::{HITS_CHANNEL, PgStore, classify};
use crate::model::LogHit;
use crate::store::persist::codec::{type_code, type_of};
use crate::store::persist::hit_row::{origin_columns, origin_of, sources_of, sources_text};
use crate::store::persist::{HitRowsPage, MAX_STORED_HITS, PersistError};

/// The columns [`row`] reads, in its order.
const COLUMNS: &str = "id, found, at, log, line_offset, module, field, atomic, kind, indicator,
  sources, threat, retro, sensor, entry_id, stream_group, host";

/// A stored hit and its row id; `None` for a row another client wrote oddly (skipped,
/// not trusted).
fn row(r: &tokio_postgres::Row) -> Option<(i64, LogHit)> {
    let ts = |s: i64| Timestamp::from_second(s).unwrap_or(Timestamp::UNIX_EPOCH);
    let origin = origin_of(
        r.try_get(3).ok()?,
        r.try_get(4).ok()?,
        &r.try_get::<_, String>(14).ok()?,
        r.try_get(15).ok()?,
    )?;
    Some((
        r.try_get(0).ok()?,
        LogHit {
            found: ts(r.try_get(1).ok()?),
            at: ts(r.try_get(2).ok()?),
            sensor: r.try_get::<_, String>(13).ok()?.into(),
            origin,
            module: r.try_get::<_, String>(5).ok()?.into(),
            field: r.try_get::<_, String>(6).ok()?.into(),
            atomic: r.try_get::<_, String>(7).ok()?.into(),
            kind: type_of(i64::from(r.try_get::<_, i32>(8).ok()?))?,
            indicator: r.try_get::<_, String>(9).ok()?.into(),
            sources: sources_of(&r.try_get::<_, String>(10).ok()?),
            threat: r.try_get::<_, Option<String>>(11).ok()?.map(Into::into),
            retro: r.try_get(12).ok()?,
            host: r.try_get::<_, Option<String>>(16).ok()?.map(Into::into),
        },
    ))
}

impl PgStore {
    /// One statement for the whole batch (`unnest` of one array per column), so a
    /// batch costs one round trip however far the server is.
    pub(super) async fn save_hits_inner(&self, hits: &[LogHit]) -> Result<usize, PersistError> {
        if hits.is_empty() {
            return Ok(0);
        }
        let n = hits.len();
        let mut found = Vec::with_capacity(n);
        let mut at = Vec::with_capacity(n);
        let mut log = Vec::with_capacity(n);
        let mut offset = Vec::with_capacity(n);
        let mut module = Vec::with_capacity(n);
        let mut field = Vec::with_capacity(n);
        let mut atomic = Vec::with_capacity(n);
        let mut kind = Vec::with_capacity(n);
        let mut indicator = Vec::with_capacity(n);
        let mut sources = Vec::with_capacity(n);
        let mut threat = Vec::with_capacity(n);
        let mut retro = Vec::with_capacity(n);
        let mut sensor = Vec::with_capacity(n);
        let mut entry_id = Vec::with_capacity(n);
        let mut group = Vec::with_capacity(n);
        let mut host = Vec::with_capacity(n);
        for h in hits {
            let (l, o, e, g) = origin_columns(&h.origin);
            found.push(h.found.as_second());
            at.push(h.at.as_second());
            log.push(l);
            offset.push(o);
            module.push(&*h.module);
            field.push(&*h.field);
            atomic.push(&*h.atomic);
            kind.push(type_code(h.kind) as i32);
            indicator.push(&*h.indicator);
            sources.push(sources_text(&h.sources));
            threat.push(h.threat.as_deref());
            retro.push(h.retro);
            sensor.push(&*h.sensor);
            entry_id.push(e);
            group.push(g);
            host.push(h.host.as_deref());
        }
        let mut client = self.client().await?;
        let c = |e| classify(&self.shown, e);
        let tx = client.transaction().await.map_err(c)?;
        // The new rows (and only they) are counted into their hours, in the same
        // statement.
        let rows = tx
            .query(
                "WITH new AS (
                   INSERT INTO sightings (found, at, log, line_offset, module, field, atomic, kind,
                     indicator, sources, threat, retro, sensor, entry_id, stream_group, host)
                   SELECT * FROM unnest($1::BIGINT[], $2::BIGINT[], $3::TEXT[], $4::BIGINT[],
                     $5::TEXT[], $6::TEXT[], $7::TEXT[], $8::INTEGER[], $9::TEXT[], $10::TEXT[],
                     $11::TEXT[], $12::BOOLEAN[], $13::TEXT[], $14::TEXT[], $15::TEXT[], $16::TEXT[])
                   ON CONFLICT DO NOTHING RETURNING id, at, kind, sensor, threat),
                 counted AS (
                   INSERT INTO hit_hours (hour, kind, sensor, threat, hits)
                   SELECT (at / 3600) * 3600, kind, sensor, COALESCE(threat, ''), COUNT(*)
                   FROM new GROUP BY 1, 2, 3, 4
                   ON CONFLICT (hour, kind, sensor, threat)
                   DO UPDATE SET hits = hit_hours.hits + excluded.hits)
                 SELECT id FROM new",
                &[
                    &found, &at, &log, &offset, &module, &field, &atomic, &kind, &indicator,
                    &sources, &threat, &retro, &sensor, &entry_id, &group, &host,
                ],
            )
            .await
            .map_err(c)?;
        let ids: Vec<i64> = rows.iter().filter_map(|r| r.try_get(0).ok()).collect();
        tx.execute(
            "DELETE FROM sightings WHERE id <= (SELECT id FROM sightings ORDER BY id DESC LIMIT 1 OFFSET $1)",
            &[&(MAX_STORED_HITS as i64)],
        )
        .await
        .map_err(c)?;
        if !ids.is_empty() {
            super::trends::bound_hours(&tx).await.map_err(c)?;
        }
        if let (Some(first), Some(last)) = (ids.iter().min(), ids.iter().max()) {
            // Delivered at commit, to every listener.
            tx.execute(
                "SELECT pg_notify($1, $2 || E'\\t' || current_schema() || E'\\t' || $3 || E'\\t' || $4)",
                &[&HITS_CHANNEL, &self.holder, &first.to_string(), &last.to_string()],
            )
            .await
            .map_err(c)?;
        }
        tx.commit().await.map_err(c)?;
        Ok(ids.len())
    }

    pub(super) async fn load_hits_inner(&self, limit: usize) -> Result<Vec<LogHit>, PersistError> {
        let rows = self.load_hit_rows_inner(limit).await?;
        Ok(rows.into_iter().map(|(_, h)| h).collect())
    }

    pub(super) async fn load_hit_rows_inner(
        &self,
        limit: usize,
    ) -> Result<Vec<(i64, LogHit)>, PersistError> {
        let client = self.client().await?;
        let rows = client
            .query(
                &format!("SELECT {COLUMNS} FROM sightings ORDER BY id DESC LIMIT $1"),
                &[&i64::try_from(limit).unwrap_or(i64::MAX)],
            )
            .await
            .map_err(|e| classify(&self.shown, e))?;
        Ok(rows.iter().filter_map(row).collect())
    }

    pub(super) async fn hits_in_inner(
        &self,
        ids: RangeInclusive<i64>,
        limit: usize,
    ) -> Result<(Vec<LogHit>, Option<i64>), PersistError> {
        let (rows, last) = self.hit_rows_in_inner(ids, limit).await?;
        Ok((rows.into_iter().map(|(_, h)| h).collect(), last))
    }

    pub(super) async fn hit_rows_in_inner(
        &self,
        ids: RangeInclusive<i64>,
        limit: usize,
    ) -> Result<HitRowsPage, PersistError> {
        let client = self.client().await?;
        let rows = client
            .query(
                &format!(
                    "SELECT {COLUMNS} FROM sightings WHERE id BETWEEN $1 AND $2 ORDER BY id LIMIT $3"
                ),
                &[
                    ids.start(),
                    ids.end(),
                    &i64::try_from(limit).unwrap_or(i64::MAX),
                ],
            )
            .await
            .map_err(|e| classify(&self.shown, e))?;
        // The last row read, whether or not it could be used: paging goes on past it.
        let last = rows.last().and_then(|r| r.try_get::<_, i64>(0).ok());
        Ok((rows.iter().filter_map(row).collect(), last))
    }

    pub(super) async fn last_hit_id_inner(&self) -> Result<i64, PersistError> {
        let client = self.client().await?;
        let r = client
            .query_one("SELECT COALESCE(MAX(id), 0)::BIGINT FROM sightings", &[])
            .await
            .map_err(|e| classify(&self.shown, e))?;
        r.try_get(0).map_err(|e| classify(&self.shown, e))
    }

    pub(super) async fn prune_hits_inner(
        &self,
        now: Timestamp,
        keep: Duration,
    ) -> Result<usize, PersistError> {
        let cutoff = now.as_second() - i64::try_from(keep.as_secs()).unwrap_or(i64::MAX / 2);
        let client = self.client().await?;
        client
            .execute(
                "DELETE FROM hit_hours WHERE hour < $1",
                &[&crate::store::persist::trends::hour_of(cutoff)],
            )
            .await
            .map_err(|e| classify(&self.shown, e))?;
        let n = client
            .execute("DELETE FROM sightings WHERE found < $1", &[&cutoff])
            .await
            .map_err(|e| classify(&self.shown, e))?;
        Ok(n as usize)
    }
}
