// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The `sightings` table (schema 5): hits found in the followed logs, kept so the Hits
//! view and each indicator's sightings survive a restart. A hit already stored (same
//! line, field and indicator) is kept once; the table holds at most
//! [`MAX_STORED_HITS`] rows (the oldest go first) and drops rows older than the
//! cache retention.

use std::time::Duration;

use jiff::Timestamp;
use rusqlite::params;

use super::{Sqlite, sql_err};
use crate::model::LogHit;
use crate::store::persist::codec::{type_code, type_of};
use crate::store::persist::{MAX_STORED_HITS, PersistError};

impl Sqlite {
    /// Adds `hits` in one transaction; returns how many were not stored yet.
    pub fn save_hits(&mut self, hits: &[LogHit]) -> Result<usize, PersistError> {
        let path = self.path.clone();
        let e = |e: rusqlite::Error| sql_err(&path, e);
        let tx = self.conn.transaction().map_err(e)?;
        let mut added = 0;
        {
            let mut ins = tx
                .prepare(
                    "INSERT OR IGNORE INTO sightings (found, at, log, line_offset, module, field, atomic,
                       kind, indicator, sources, threat, retro)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                )
                .map_err(e)?;
            for h in hits {
                added += ins
                    .execute(params![
                        h.found.as_second(),
                        h.at.as_second(),
                        &*h.log,
                        i64::try_from(h.offset).unwrap_or(i64::MAX),
                        &*h.module,
                        &*h.field,
                        &*h.atomic,
                        type_code(h.kind),
                        &*h.indicator,
                        &*h.sources,
                        h.threat.as_deref(),
                        h.retro,
                    ])
                    .map_err(e)?;
            }
        }
        tx.execute(
            "DELETE FROM sightings WHERE id <= (SELECT id FROM sightings ORDER BY id DESC LIMIT 1 OFFSET ?1)",
            params![MAX_STORED_HITS as i64],
        )
        .map_err(e)?;
        tx.commit().map_err(e)?;
        Ok(added)
    }

    /// The `limit` hits stored last, newest first. Rows whose type code is unknown here
    /// are left out.
    pub fn load_hits(&self, limit: usize) -> Result<Vec<LogHit>, PersistError> {
        let e = |e: rusqlite::Error| self.err(e);
        let mut stmt = self
            .conn
            .prepare(
                "SELECT found, at, log, line_offset, module, field, atomic, kind, indicator, sources,
                   threat, retro FROM sightings ORDER BY id DESC LIMIT ?1",
            )
            .map_err(e)?;
        let rows = stmt
            .query_map(params![i64::try_from(limit).unwrap_or(i64::MAX)], |r| {
                let ts = |s: i64| Timestamp::from_second(s).unwrap_or(Timestamp::UNIX_EPOCH);
                Ok(type_of(r.get(7)?).map(|kind| -> rusqlite::Result<LogHit> {
                    Ok(LogHit {
                        found: ts(r.get(0)?),
                        at: ts(r.get(1)?),
                        log: r.get::<_, String>(2)?.into(),
                        offset: r.get::<_, i64>(3)?.max(0) as u64,
                        module: r.get::<_, String>(4)?.into(),
                        field: r.get::<_, String>(5)?.into(),
                        atomic: r.get::<_, String>(6)?.into(),
                        kind,
                        indicator: r.get::<_, String>(8)?.into(),
                        sources: r.get::<_, String>(9)?.into(),
                        threat: r.get::<_, Option<String>>(10)?.map(Into::into),
                        retro: r.get(11)?,
                    })
                }))
            })
            .map_err(e)?;
        let mut out = Vec::new();
        for row in rows {
            if let Some(hit) = row.map_err(e)? {
                out.push(hit.map_err(e)?);
            }
        }
        Ok(out)
    }

    /// Drops hits found more than `keep` before `now`; returns how many.
    pub fn prune_hits(&mut self, now: Timestamp, keep: Duration) -> Result<usize, PersistError> {
        let cutoff = now.as_second() - i64::try_from(keep.as_secs()).unwrap_or(i64::MAX / 2);
        self.conn
            .execute("DELETE FROM sightings WHERE found < ?1", params![cutoff])
            .map_err(|e| self.err(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::IndicatorType;
    use crate::model::log_hit::sample;

    #[test]
    fn a_schema_4_file_gains_the_table_and_keeps_its_data() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.db");
        Sqlite::create_old(&path, 4).unwrap();
        rusqlite::Connection::open(&path)
            .unwrap()
            .execute_batch(
                "INSERT INTO fetch_log (source, at, outcome, count, bytes, duration_ms)
                 VALUES ('feodo', 1, 'ok', 3, 10, 5);",
            )
            .unwrap();
        let mut db = Sqlite::open(&path).unwrap().db;
        let v: i64 = db
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, crate::store::persist::SCHEMA_VERSION);
        assert_eq!(db.history("feodo").unwrap().len(), 1, "old data kept");
        let h = sample(
            IndicatorType::Ipv4,
            "45.0.0.3",
            "/var/log/eve.json",
            7,
            1000,
        );
        assert_eq!(db.save_hits(std::slice::from_ref(&h)).unwrap(), 1);
        assert_eq!(db.load_hits(10).unwrap(), vec![h]);
    }

    #[test]
    fn the_table_is_bounded_and_pruned_by_age() {
        let dir = tempfile::tempdir().unwrap();
        let mut db = Sqlite::open(&dir.path().join("c.db")).unwrap().db;
        let hits: Vec<LogHit> = (0..(MAX_STORED_HITS as u64 + 5))
            .map(|i| sample(IndicatorType::Ipv4, "45.0.0.3", "a.log", i, 1000))
            .collect();
        assert_eq!(db.save_hits(&hits).unwrap(), hits.len());
        let kept = db.load_hits(usize::MAX).unwrap();
        assert_eq!(kept.len(), MAX_STORED_HITS);
        assert_eq!(kept[0].offset, hits.len() as u64 - 1, "newest first");
        let old = Timestamp::from_second(1000 + 31 * 86_400).unwrap();
        assert_eq!(
            db.prune_hits(old, Duration::from_secs(30 * 86_400))
                .unwrap(),
            MAX_STORED_HITS
        );
        assert!(db.load_hits(10).unwrap().is_empty());
    }
}
