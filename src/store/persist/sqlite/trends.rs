// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The trend tables on SQLite (schema 12; see `store::persist::trends`): indicators held
//! per source per day, hits per hour, and each fetch's skipped records by reason.

use std::collections::HashMap;

use jiff::Timestamp;
use rusqlite::{Connection, params};

use super::Sqlite;
use crate::model::LogHit;
use crate::store::health::HISTORY_MAX;
use crate::store::persist::PersistError;
use crate::store::persist::codec::{type_code, type_of};
use crate::store::persist::trends::{
    DAY, FetchSkip, HitHour, MAX_HIT_HOURS, MAX_SOURCE_DAYS, SourceDay, at, day_of, hour_of,
    threat_of, threat_text,
};

/// Writes that `source` held `count` indicators on the UTC day of `secs` (the day's
/// last write wins), and forgets its days beyond [`MAX_SOURCE_DAYS`] before it.
pub(super) fn note_day(
    conn: &Connection,
    source: &str,
    secs: i64,
    count: usize,
) -> rusqlite::Result<()> {
    let day = day_of(secs);
    conn.execute(
        "INSERT INTO source_days (source, day, count) VALUES (?1, ?2, ?3)
         ON CONFLICT (source, day) DO UPDATE SET count = excluded.count",
        params![source, day, i64::try_from(count).unwrap_or(i64::MAX)],
    )?;
    conn.execute(
        "DELETE FROM source_days WHERE source = ?1 AND day <= ?2",
        params![source, day - MAX_SOURCE_DAYS * DAY],
    )?;
    Ok(())
}

/// Drops what is older than `cutoff` (Unix seconds): whole days and hours before it,
/// and the skips of fetches before it. With `recount`, the sources' counts (changed by
/// retention) are written as the day of `now`'s.
pub(super) fn age(
    conn: &Connection,
    cutoff: i64,
    now: Timestamp,
    recount: bool,
) -> rusqlite::Result<()> {
    conn.execute(
        "DELETE FROM source_days WHERE day < ?1",
        params![day_of(cutoff)],
    )?;
    conn.execute(
        "DELETE FROM hit_hours WHERE hour < ?1",
        params![hour_of(cutoff)],
    )?;
    conn.execute(
        "DELETE FROM fetch_skips WHERE at < ?1",
        params![cutoff.saturating_mul(1000)],
    )?;
    if recount {
        conn.execute(
            "INSERT INTO source_days (source, day, count)
               SELECT name, ?1, count FROM sources WHERE true
             ON CONFLICT (source, day) DO UPDATE SET count = excluded.count",
            params![day_of(now.as_second())],
        )?;
    }
    Ok(())
}

/// The hour counts of `new` hits, by (hour, type code, sensor, threat).
pub(crate) fn hour_counts<'a>(
    new: impl Iterator<Item = &'a LogHit>,
) -> HashMap<(i64, i64, &'a str, &'a str), i64> {
    let mut out = HashMap::new();
    for h in new {
        let key = (
            hour_of(h.at.as_second()),
            type_code(h.kind),
            &*h.sensor,
            threat_text(h.threat.as_deref()),
        );
        *out.entry(key).or_insert(0) += 1;
    }
    out
}

/// Adds `counts` to the hit hours, then keeps the newest [`MAX_HIT_HOURS`] rows.
pub(super) fn count_hits(
    conn: &Connection,
    counts: &HashMap<(i64, i64, &str, &str), i64>,
) -> rusqlite::Result<()> {
    let mut up = conn.prepare_cached(
        "INSERT INTO hit_hours (hour, kind, sensor, threat, hits) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (hour, kind, sensor, threat) DO UPDATE SET hits = hits + excluded.hits",
    )?;
    for ((hour, kind, sensor, threat), n) in counts {
        up.execute(params![hour, kind, sensor, threat, n])?;
    }
    if !counts.is_empty() {
        conn.execute(
            "DELETE FROM hit_hours WHERE hour < (SELECT hour FROM hit_hours
               ORDER BY hour DESC LIMIT 1 OFFSET ?1)",
            params![MAX_HIT_HOURS as i64],
        )?;
    }
    Ok(())
}

impl Sqlite {
    /// See [`crate::store::persist::SnapshotStore::source_days`].
    pub fn source_days(&self, since: Timestamp) -> Result<Vec<SourceDay>, PersistError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT source, day, count FROM source_days WHERE day >= ?1 ORDER BY source, day",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![day_of(since.as_second())], |r| {
                Ok(SourceDay {
                    source: r.get(0)?,
                    day: at(r.get(1)?),
                    count: r.get::<_, i64>(2)?.max(0) as usize,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    /// See [`crate::store::persist::SnapshotStore::hit_hours`]. Rows of a type code this
    /// build does not know are left out.
    pub fn hit_hours(&self, since: Timestamp) -> Result<Vec<HitHour>, PersistError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT hour, kind, sensor, threat, hits FROM hit_hours WHERE hour >= ?1
                 ORDER BY hour, kind, sensor, threat",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![hour_of(since.as_second())], |r| {
                Ok(type_of(r.get(1)?).map(|kind| {
                    Ok::<_, rusqlite::Error>(HitHour {
                        hour: at(r.get(0)?),
                        kind,
                        sensor: r.get(2)?,
                        threat: threat_of(r.get(3)?),
                        hits: r.get::<_, i64>(4)?.max(0) as u64,
                    })
                }))
            })
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for row in rows {
            if let Some(h) = row.map_err(|e| self.err(e))? {
                out.push(h.map_err(|e| self.err(e))?);
            }
        }
        Ok(out)
    }

    /// See [`crate::store::persist::SnapshotStore::record_skips`].
    pub fn record_skips(
        &mut self,
        source: &str,
        when: Timestamp,
        skips: &[(String, usize)],
    ) -> Result<(), PersistError> {
        let path = self.path.clone();
        let e = |e: rusqlite::Error| super::sql_err(&path, e);
        let tx = self.conn.transaction().map_err(e)?;
        {
            let mut ins = tx
                .prepare_cached(
                    "INSERT INTO fetch_skips (source, at, reason, count) VALUES (?1, ?2, ?3, ?4)",
                )
                .map_err(e)?;
            for (reason, count) in skips.iter().filter(|(_, n)| *n > 0) {
                let n = i64::try_from(*count).unwrap_or(i64::MAX);
                ins.execute(params![source, when.as_millisecond(), reason, n])
                    .map_err(e)?;
            }
        }
        // Only the fetches the history keeps keep their skips.
        tx.execute(
            "DELETE FROM fetch_skips WHERE source = ?1 AND at < (SELECT MIN(at) FROM
               (SELECT at FROM fetch_log WHERE source = ?1 ORDER BY at DESC LIMIT ?2))",
            params![source, HISTORY_MAX as i64],
        )
        .map_err(e)?;
        tx.commit().map_err(e)
    }

    /// See [`crate::store::persist::SnapshotStore::fetch_skips`].
    pub fn fetch_skips(
        &self,
        source: &str,
        since: Timestamp,
    ) -> Result<Vec<FetchSkip>, PersistError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT at, reason, count FROM fetch_skips WHERE source = ?1 AND at >= ?2
                 ORDER BY at, count DESC, reason",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![source, since.as_millisecond()], |r| {
                Ok(FetchSkip {
                    at: Timestamp::from_millisecond(r.get(0)?).unwrap_or(Timestamp::UNIX_EPOCH),
                    reason: r.get(1)?,
                    count: r.get::<_, i64>(2)?.max(0) as usize,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }
}
