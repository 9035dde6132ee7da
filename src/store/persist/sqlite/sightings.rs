// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The `sightings` table (schema 5, sensors and stream entries since 8): hits found in
//! the logs, by the dashboard or a recording `match`, kept so the Hits view and each
//! indicator's sightings survive a restart and reach every dashboard. A hit already
//! stored (see [`crate::model::log_hit::HitKey`]) is kept once; the table holds at most
//! [`MAX_STORED_HITS`] rows (the oldest go first) and drops rows older than the
//! cache retention.

use std::ops::RangeInclusive;
use std::time::Duration;

use jiff::Timestamp;
use rusqlite::params;

use super::{Sqlite, sql_err, trends};
use crate::model::LogHit;
use crate::store::persist::codec::{type_code, type_of};
use crate::store::persist::hit_row::{origin_columns, origin_of, sources_of, sources_text};
use crate::store::persist::{MAX_STORED_HITS, PersistError};

impl Sqlite {
    /// Adds `hits` in one transaction; returns how many were not stored yet.
    pub fn save_hits(&mut self, hits: &[LogHit]) -> Result<usize, PersistError> {
        let path = self.path.clone();
        let e = |e: rusqlite::Error| sql_err(&path, e);
        let tx = self.conn.transaction().map_err(e)?;
        let mut new: Vec<&LogHit> = Vec::new();
        {
            let mut ins = tx
                .prepare(
                    "INSERT OR IGNORE INTO sightings (found, at, log, line_offset, module, field, atomic,
                       kind, indicator, sources, threat, retro, sensor, entry_id, stream_group, host)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
                )
                .map_err(e)?;
            for h in hits {
                let (log, offset, entry_id, group) = origin_columns(&h.origin);
                let added = ins
                    .execute(params![
                        h.found.as_second(),
                        h.at.as_second(),
                        log,
                        offset,
                        &*h.module,
                        &*h.field,
                        &*h.atomic,
                        type_code(h.kind),
                        &*h.indicator,
                        sources_text(&h.sources),
                        h.threat.as_deref(),
                        h.retro,
                        &*h.sensor,
                        entry_id,
                        group,
                        h.host.as_deref(),
                    ])
                    .map_err(e)?;
                if added > 0 {
                    new.push(h);
                }
            }
        }
        trends::count_hits(&tx, &trends::hour_counts(new.iter().copied())).map_err(e)?;
        tx.execute(
            "DELETE FROM sightings WHERE id <= (SELECT id FROM sightings ORDER BY id DESC LIMIT 1 OFFSET ?1)",
            params![MAX_STORED_HITS as i64],
        )
        .map_err(e)?;
        tx.commit().map_err(e)?;
        Ok(new.len())
    }

    /// The `limit` hits stored last, newest first. Rows whose type code is unknown here
    /// are left out.
    pub fn load_hits(&self, limit: usize) -> Result<Vec<LogHit>, PersistError> {
        let rows = self.load_hit_rows(limit)?;
        Ok(rows.into_iter().map(|(_, h)| h).collect())
    }

    /// [`Sqlite::load_hits`] with each hit's row id.
    pub fn load_hit_rows(&self, limit: usize) -> Result<Vec<(i64, LogHit)>, PersistError> {
        self.select_hits(
            &format!("SELECT {COLUMNS} FROM sightings ORDER BY id DESC LIMIT ?1"),
            params![i64::try_from(limit).unwrap_or(i64::MAX)],
        )
    }

    /// Up to `limit` hits whose row id is in `ids`, oldest first, and the highest id
    /// among them (`None` when there are none).
    pub fn hits_in(
        &self,
        ids: RangeInclusive<i64>,
        limit: usize,
    ) -> Result<(Vec<LogHit>, Option<i64>), PersistError> {
        let (rows, last) = self.hit_rows_in(ids, limit)?;
        Ok((rows.into_iter().map(|(_, h)| h).collect(), last))
    }

    /// [`Sqlite::hits_in`] with each hit's row id.
    pub fn hit_rows_in(
        &self,
        ids: RangeInclusive<i64>,
        limit: usize,
    ) -> Result<crate::store::persist::HitRowsPage, PersistError> {
        let rows = self.select_hits(
            &format!(
                "SELECT {COLUMNS} FROM sightings WHERE id BETWEEN ?1 AND ?2 ORDER BY id LIMIT ?3"
            ),
            params![
                ids.start(),
                ids.end(),
                i64::try_from(limit).unwrap_or(i64::MAX)
            ],
        )?;
        // The last row read, whether or not it could be used: paging goes on past it.
        let last: Option<i64> = self
            .conn
            .query_row(
                "SELECT MAX(id) FROM (SELECT id FROM sightings WHERE id BETWEEN ?1 AND ?2
                   ORDER BY id LIMIT ?3)",
                params![
                    ids.start(),
                    ids.end(),
                    i64::try_from(limit).unwrap_or(i64::MAX)
                ],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))?;
        Ok((rows, last))
    }

    /// The id of the newest stored hit (0 when there is none).
    pub fn last_hit_id(&self) -> Result<i64, PersistError> {
        self.conn
            .query_row("SELECT COALESCE(MAX(id), 0) FROM sightings", [], |r| {
                r.get(0)
            })
            .map_err(|e| self.err(e))
    }

    fn select_hits(
        &self,
        sql: &str,
        args: impl rusqlite::Params,
    ) -> Result<Vec<(i64, LogHit)>, PersistError> {
        let e = |e: rusqlite::Error| self.err(e);
        let mut stmt = self.conn.prepare(sql).map_err(e)?;
        let rows = stmt
            .query_map(args, |r| {
                let ts = |s: i64| Timestamp::from_second(s).unwrap_or(Timestamp::UNIX_EPOCH);
                let origin = origin_of(r.get(3)?, r.get(4)?, &r.get::<_, String>(14)?, r.get(15)?);
                let Some((kind, origin)) = type_of(r.get(8)?).zip(origin) else {
                    return Ok(None);
                };
                Ok(Some((
                    r.get::<_, i64>(0)?,
                    LogHit {
                        found: ts(r.get(1)?),
                        at: ts(r.get(2)?),
                        sensor: r.get::<_, String>(13)?.into(),
                        origin,
                        module: r.get::<_, String>(5)?.into(),
                        field: r.get::<_, String>(6)?.into(),
                        atomic: r.get::<_, String>(7)?.into(),
                        kind,
                        indicator: r.get::<_, String>(9)?.into(),
                        sources: sources_of(&r.get::<_, String>(10)?),
                        threat: r.get::<_, Option<String>>(11)?.map(Into::into),
                        retro: r.get(12)?,
                        host: r.get::<_, Option<String>>(16)?.map(Into::into),
                    },
                )))
            })
            .map_err(e)?;
        let mut out = Vec::new();
        for row in rows {
            if let Some(hit) = row.map_err(e)? {
                out.push(hit);
            }
        }
        Ok(out)
    }

    /// Drops hits found more than `keep` before `now`; returns how many.
    pub fn prune_hits(&mut self, now: Timestamp, keep: Duration) -> Result<usize, PersistError> {
        let cutoff = now.as_second() - i64::try_from(keep.as_secs()).unwrap_or(i64::MAX / 2);
        self.conn
            .execute(
                "DELETE FROM hit_hours WHERE hour < ?1",
                params![crate::store::persist::trends::hour_of(cutoff)],
            )
            .map_err(|e| self.err(e))?;
        self.conn
            .execute("DELETE FROM sightings WHERE found < ?1", params![cutoff])
            .map_err(|e| self.err(e))
    }
}

/// The columns [`Sqlite::select_hits`] reads, in its order.
const COLUMNS: &str = "id, found, at, log, line_offset, module, field, atomic, kind, indicator,
  sources, threat, retro, sensor, entry_id, stream_group, host";

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
        assert_eq!(kept[0], hits[hits.len() - 1], "newest first");
        let old = Timestamp::from_second(1000 + 31 * 86_400).unwrap();
        assert_eq!(
            db.prune_hits(old, Duration::from_secs(30 * 86_400))
                .unwrap(),
            MAX_STORED_HITS
        );
        assert!(db.load_hits(10).unwrap().is_empty());
    }

    #[test]
    fn a_schema_7_file_gains_sensors_and_keeps_its_hits() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.db");
        Sqlite::create_old(&path, 7).unwrap();
        rusqlite::Connection::open(&path)
            .unwrap()
            .execute_batch(
                "INSERT INTO sightings (found, at, log, line_offset, module, field, atomic, kind,
                   indicator, sources, threat, retro)
                 VALUES (5, 4, '/var/log/eve.json', 9, 'suricata', 'destination.ip', '45.0.0.3',
                   1, '45.0.0.3', 'feodo,threatfox', NULL, 0);",
            )
            .unwrap();
        let mut db = Sqlite::open(&path).unwrap().db;
        let old = db.load_hits(10).unwrap();
        assert_eq!(old.len(), 1, "the old hit is kept");
        assert_eq!(&*old[0].sensor, "");
        assert_eq!(old[0].sources.len(), 2, "comma-separated names are read");
        // The same line seen by another sensor is another hit.
        let mut h = old[0].clone();
        h.sensor = "edge-2".into();
        assert_eq!(db.save_hits(&[h.clone(), h]).unwrap(), 1);
    }

    #[test]
    fn a_stream_entry_is_kept_once_whoever_read_it_and_read_back_by_id() {
        use crate::model::{EntryId, Origin};
        let dir = tempfile::tempdir().unwrap();
        let mut db = Sqlite::open(&dir.path().join("c.db")).unwrap().db;
        let entry = |sensor: &str, seq: u64| {
            let mut h = sample(IndicatorType::Ipv4, "45.0.0.3", "suricata", 0, 1000);
            h.sensor = sensor.into();
            h.origin = Origin::Stream {
                stream: "suricata".into(),
                id: EntryId {
                    ms: 1_800_000_000_000,
                    seq,
                },
                group: "intellisiem".into(),
            };
            h
        };
        assert_eq!(db.save_hits(&[entry("a", 0), entry("a", 1)]).unwrap(), 2);
        let first = db.last_hit_id().unwrap();
        assert_eq!(
            db.save_hits(&[entry("b", 1), entry("b", 2)]).unwrap(),
            1,
            "entry 1, claimed and read again by b, is kept once"
        );
        let (after, last) = db.hits_in(first + 1..=i64::MAX, 100).unwrap();
        assert_eq!(after, vec![entry("b", 2)]);
        assert_eq!(last, Some(db.last_hit_id().unwrap()));
        let (none, last) = db.hits_in(last.unwrap() + 1..=i64::MAX, 100).unwrap();
        assert!(none.is_empty() && last.is_none());
    }
}
