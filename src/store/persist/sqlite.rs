// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The embedded store: one SQLite file (WAL) with each source's last good snapshot, the
//! validators and cursors for incremental fetches, and the fetch history. [`Sqlite`] is
//! the blocking connection; [`SqliteStore`] runs it on tokio's blocking pool behind
//! [`super::SnapshotStore`].
//!
//! Every snapshot is written in one transaction, so a crash at any point leaves the
//! previous snapshot readable. A file that is not a readable database is moved aside and
//! replaced; a file written by a newer version is refused and left untouched.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use jiff::Timestamp;
use rusqlite::{Connection, OpenFlags, params};

use super::codec::{CHUNK_ROWS, TYPE_CODES, encode_chunk, type_of};
use super::decode::{Chunk, by_source, decode_all, flatten};
use super::{CachedSource, PersistError, SourceMeta};
use crate::model::{IndicatorType, Sighting};
use crate::store::health::{FetchOutcome, FetchRecord, HISTORY_MAX};
use migrate::{
    MIGRATE_CLAIMS, MIGRATE_EXPIRY, MIGRATE_LEDGER, MIGRATE_MARKS, MIGRATE_PUSH, MIGRATE_SENSORS,
    MIGRATE_TRENDS, MIGRATE_V1_V2, MIGRATE_V2_V3, MIGRATE_V3_V4, MIGRATE_V4_V5, SCHEMA_V1,
    rows_to_chunks,
};

mod answers;
mod ledger;
mod push;
mod trends;

/// The schema this build writes. History: 1 = snapshots only; 2 = + validators, cursors,
/// pulse groups, `seen_at`, and the fetch log; 3 = + `indicator_types`, the explicit
/// code of each indicator type; 4 = snapshots as compact chunks (`chunks`) instead of
/// one JSON row per sighting; 5 = + `sightings`, the hits found in the followed logs;
/// 6 = + the quota ledger and enrichment answers; 7 = + `chunks.expires_at`, when a
/// group lapses (a TAXII indicator's `valid_until`); 8 = + `sightings.sensor`,
/// `entry_id` and `stream_group`: who found a hit, and Redis stream entries; 9 = +
/// `enrichment_claims`, the values being looked up; 10 = + `marks`, the analyst's
/// triage of hits and indicators; 11 = + `push_state`, how far each source's sightings
/// were pushed back; 12 = + `source_days`, `hit_hours`, `fetch_skips` and
/// `sightings.host`, what trends and reports read (see `store::persist::trends`).
pub const SCHEMA_VERSION: i64 = 12;

/// A group of sightings replaced as a whole (an OTX pulse); `""` for ungrouped feeds.
pub struct Group<'a> {
    pub id: &'a str,
    pub sightings: &'a [Sighting],
    /// When the group lapses: not read from then on, and deleted by retention.
    pub expires: Option<Timestamp>,
}

/// A blocking connection to one SQLite store file.
pub struct Sqlite {
    conn: Connection,
    path: PathBuf,
}

/// The store, and a line to show if the old file had to be moved aside.
#[derive(Debug)]
pub struct Opened {
    pub db: Sqlite,
    pub warning: Option<String>,
}

impl std::fmt::Debug for Sqlite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sqlite").field("path", &self.path).finish()
    }
}

fn sql_err(path: &Path, e: impl std::fmt::Display) -> PersistError {
    PersistError::Sqlite {
        path: path.to_path_buf(),
        reason: crate::model::sanitize::one_line(&e.to_string(), 200),
    }
}

fn is_corruption(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt)
    )
}

impl Sqlite {
    /// Opens (creating) the cache at `path`: migrates an older schema, refuses a newer
    /// one, and moves an unreadable file aside (`cache.db.corrupt-<time>`).
    pub fn open(path: &Path) -> Result<Opened, PersistError> {
        // It holds sightings of the user's own logs: owner-only, as the log file.
        crate::model::private_fs::create_parent(path).map_err(|e| sql_err(path, e))?;
        match Sqlite::try_open(path) {
            Ok(db) => Ok(Opened { db, warning: None }),
            Err(TryOpen::Newer(found)) => Err(PersistError::Newer {
                path: path.to_path_buf(),
                found,
            }),
            Err(TryOpen::Corrupt(reason)) => {
                let stamp = Timestamp::now().strftime("%Y%m%dT%H%M%SZ");
                let aside = PathBuf::from(format!("{}.corrupt-{stamp}", path.display()));
                std::fs::rename(path, &aside).map_err(|e| sql_err(path, e))?;
                for ext in ["-wal", "-shm"] {
                    let side = PathBuf::from(format!("{}{ext}", path.display()));
                    if side.exists() {
                        let _ = std::fs::rename(&side, format!("{}{ext}", aside.display()));
                    }
                }
                let db = Sqlite::try_open(path).map_err(|e| match e {
                    TryOpen::Newer(found) => PersistError::Newer {
                        path: path.to_path_buf(),
                        found,
                    },
                    TryOpen::Corrupt(r) | TryOpen::Other(r) => sql_err(path, r),
                })?;
                Ok(Opened {
                    db,
                    warning: Some(format!(
                        "cache {} could not be read ({reason}); moved it to {} and started a new one",
                        path.display(),
                        aside.display()
                    )),
                })
            }
            Err(TryOpen::Other(reason)) => Err(sql_err(path, reason)),
        }
    }

    fn try_open(path: &Path) -> Result<Sqlite, TryOpen> {
        // Created here, owner-only, rather than by SQLite with the umask's mode: SQLite
        // gives the `-wal` and `-shm` files the mode of the database file.
        crate::model::private_fs::touch(path)
            .map_err(|e| TryOpen::Other(crate::model::sanitize::one_line(&e.to_string(), 200)))?;
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
        )
        .map_err(TryOpen::from)?;
        conn.busy_timeout(Duration::from_secs(5))
            .map_err(TryOpen::from)?;
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(TryOpen::from)?;
        if version > SCHEMA_VERSION {
            return Err(TryOpen::Newer(version));
        }
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(TryOpen::from)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(TryOpen::from)?;
        let mut db = Sqlite {
            conn,
            path: path.to_path_buf(),
        };
        if version >= 3 {
            // Before any row is converted by these codes.
            db.check_type_codes()?;
        }
        db.migrate(version).map_err(TryOpen::from)?;
        db.check_type_codes()?;
        Ok(db)
    }

    fn migrate(&mut self, from: i64) -> rusqlite::Result<()> {
        let tx = self.conn.transaction()?;
        steps(&tx, from, SCHEMA_VERSION)?;
        tx.commit()
    }

    /// Every code the file names must mean the same type here: a file whose codes
    /// disagree is refused rather than read as other types.
    fn check_type_codes(&self) -> Result<(), TryOpen> {
        let mut stmt = self
            .conn
            .prepare("SELECT code, name FROM indicator_types")
            .map_err(TryOpen::from)?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
            .map_err(TryOpen::from)?;
        for row in rows {
            let (code, name) = row.map_err(TryOpen::from)?;
            if let Some(t) = type_of(code)
                && t.as_str() != name
            {
                return Err(TryOpen::Other(format!(
                    "indicator type code {code} means `{}` in this file but `{t}` here",
                    crate::model::sanitize::one_line(&name, 20)
                )));
            }
        }
        Ok(())
    }

    /// Creates a store with an old schema (1 to 6), for migration tests.
    #[doc(hidden)]
    pub fn create_old(path: &Path, version: i64) -> Result<(), PersistError> {
        let mut conn = Connection::open(path).map_err(|e| sql_err(path, e))?;
        let tx = conn.transaction().map_err(|e| sql_err(path, e))?;
        steps(&tx, 0, version.min(SCHEMA_VERSION)).map_err(|e| sql_err(path, e))?;
        tx.commit().map_err(|e| sql_err(path, e))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn err(&self, e: impl std::fmt::Display) -> PersistError {
        sql_err(&self.path, e)
    }

    /// What each cached source's last good fetch left.
    pub fn metas(&self) -> Result<HashMap<String, SourceMeta>, PersistError> {
        let mut stmt = self
            .conn
            .prepare("SELECT name, fetched_at, etag, last_modified, cursor, count FROM sources")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                let ts = |v: Option<i64>| v.and_then(|s| Timestamp::from_second(s).ok());
                Ok((
                    r.get::<_, String>(0)?,
                    SourceMeta {
                        fetched_at: ts(r.get(1)?),
                        etag: r.get(2)?,
                        last_modified: r.get(3)?,
                        cursor: ts(r.get(4)?),
                        count: r.get::<_, i64>(5)?.max(0) as usize,
                        fetched_by: None,
                    },
                ))
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    /// Replaces a source's whole snapshot (`groups` together are the new snapshot), or
    /// with `incremental`, only the groups given. One transaction. Returns the number
    /// of distinct indicators the source now holds in groups live at `now`.
    pub fn save(
        &mut self,
        source: &str,
        kind: &str,
        groups: &[Group<'_>],
        incremental: bool,
        meta: &SourceMeta,
        now: Timestamp,
    ) -> Result<usize, PersistError> {
        let path = self.path.clone();
        let e = |e: rusqlite::Error| sql_err(&path, e);
        // Encode before the transaction: the write lock is held only for the writes.
        let encoded: Vec<(&Group<'_>, usize, usize, Vec<u8>)> = groups
            .iter()
            .flat_map(|g| {
                g.sightings
                    .chunks(CHUNK_ROWS)
                    .enumerate()
                    .map(move |(seq, c)| (g, seq, c.len(), encode_chunk(c)))
            })
            .collect();
        let tx = self.conn.transaction().map_err(e)?;
        if incremental {
            for g in groups {
                tx.execute(
                    "DELETE FROM chunks WHERE source = ?1 AND grp = ?2",
                    params![source, g.id],
                )
                .map_err(e)?;
            }
        } else {
            tx.execute("DELETE FROM chunks WHERE source = ?1", params![source])
                .map_err(e)?;
        }
        {
            let mut ins = tx
                .prepare_cached(
                    "INSERT OR REPLACE INTO chunks (source, grp, seq, seen_at, rows, data, expires_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )
                .map_err(e)?;
            for (g, seq, rows, data) in &encoded {
                ins.execute(params![
                    source,
                    g.id,
                    *seq as i64,
                    now.as_second(),
                    *rows as i64,
                    data,
                    g.expires.map(Timestamp::as_second)
                ])
                .map_err(e)?;
            }
        }
        let count = if incremental {
            // Other groups of the source stay stored; count every key once.
            let blobs = read_chunks(&tx, Some(source), now).map_err(e)?;
            let all: Vec<Sighting> = decode_blobs(&blobs).flat_map(|(_, s)| s).collect();
            distinct_keys(all.iter())
        } else {
            let live = groups.iter().filter(|g| g.expires.is_none_or(|t| t > now));
            distinct_keys(live.flat_map(|g| g.sightings.iter()))
        };
        tx.execute(
            "INSERT INTO sources (name, kind, fetched_at, etag, last_modified, cursor, count)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT(name) DO UPDATE SET kind = ?2, fetched_at = ?3, etag = ?4,
               last_modified = ?5, cursor = ?6, count = ?7",
            params![
                source,
                kind,
                now.as_second(),
                meta.etag,
                meta.last_modified,
                meta.cursor.map(|c| c.as_second()),
                count as i64
            ],
        )
        .map_err(e)?;
        trends::note_day(&tx, source, now.as_second(), count).map_err(e)?;
        tx.commit().map_err(e)?;
        Ok(count)
    }

    /// A `304 Not Modified`: the snapshot is still current.
    pub fn confirm(&mut self, source: &str, now: Timestamp) -> Result<(), PersistError> {
        let path = self.path.clone();
        let e = |e: rusqlite::Error| sql_err(&path, e);
        let tx = self.conn.transaction().map_err(e)?;
        tx.execute(
            "UPDATE sources SET fetched_at = ?2 WHERE name = ?1",
            params![source, now.as_second()],
        )
        .map_err(e)?;
        tx.execute(
            "UPDATE chunks SET seen_at = ?2 WHERE source = ?1",
            params![source, now.as_second()],
        )
        .map_err(e)?;
        tx.commit().map_err(e)
    }

    /// Remembers a fetch; keeps the last [`HISTORY_MAX`] per source.
    pub fn record(&mut self, source: &str, r: &FetchRecord) -> Result<(), PersistError> {
        let path = self.path.clone();
        let e = |e: rusqlite::Error| sql_err(&path, e);
        let tx = self.conn.transaction().map_err(e)?;
        tx.execute(
            "INSERT INTO fetch_log (source, at, outcome, count, bytes, duration_ms, skipped) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                source,
                r.at.as_millisecond(),
                r.outcome.as_str(),
                r.count as i64,
                r.bytes as i64,
                r.duration.as_millis() as i64,
                r.skipped as i64
            ],
        )
        .map_err(e)?;
        tx.execute(
            "DELETE FROM fetch_log WHERE source = ?1 AND rowid NOT IN
               (SELECT rowid FROM fetch_log WHERE source = ?1 ORDER BY at DESC, rowid DESC LIMIT ?2)",
            params![source, HISTORY_MAX as i64],
        )
        .map_err(e)?;
        trends::note_day(&tx, source, r.at.as_second(), r.count).map_err(e)?;
        tx.commit().map_err(e)
    }

    /// The fetch history of `source`, oldest first.
    pub fn history(&self, source: &str) -> Result<Vec<FetchRecord>, PersistError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT at, outcome, count, bytes, duration_ms, skipped FROM
                   (SELECT rowid, * FROM fetch_log WHERE source = ?1 ORDER BY at DESC, rowid DESC LIMIT ?2)
                 ORDER BY at, rowid",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![source, HISTORY_MAX as i64], |r| {
                Ok(FetchRecord {
                    at: Timestamp::from_millisecond(r.get(0)?).unwrap_or(Timestamp::UNIX_EPOCH),
                    outcome: FetchOutcome::parse(&r.get::<_, String>(1)?),
                    count: r.get::<_, i64>(2)?.max(0) as usize,
                    bytes: r.get::<_, i64>(3)?.max(0) as u64,
                    duration: Duration::from_millis(r.get::<_, i64>(4)?.max(0) as u64),
                    skipped: r.get::<_, i64>(5)?.max(0) as usize,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    /// Every stored source's snapshot, without the groups expired by now.
    pub fn load_all(&self) -> Result<Vec<CachedSource>, PersistError> {
        let metas = self.metas()?;
        let blobs = read_chunks(&self.conn, None, Timestamp::now()).map_err(|e| self.err(e))?;
        let mut by_source = by_source(decode_blobs(&blobs));
        let mut out: Vec<CachedSource> = metas
            .into_iter()
            .map(|(name, meta)| CachedSource {
                sightings: by_source.remove(&name).unwrap_or_default(),
                name,
                meta,
                continues: false,
            })
            .collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    /// One source's snapshot (all its groups but those expired by now).
    pub fn load_source(&self, source: &str) -> Result<Vec<Sighting>, PersistError> {
        let blobs =
            read_chunks(&self.conn, Some(source), Timestamp::now()).map_err(|e| self.err(e))?;
        Ok(flatten(decode_blobs(&blobs).map(|(_, s)| s).collect()))
    }

    /// The stored chunks of [`Sqlite::load_source`], undecoded.
    pub fn read_source(&self, source: &str) -> Result<Vec<Vec<u8>>, PersistError> {
        let blobs =
            read_chunks(&self.conn, Some(source), Timestamp::now()).map_err(|e| self.err(e))?;
        Ok(blobs.into_iter().map(|(_, data)| data).collect())
    }

    /// Drops the groups no source has delivered for `retention`, and those expired by
    /// `now`; returns how many sightings went.
    pub fn apply_retention(
        &mut self,
        now: Timestamp,
        retention: Duration,
    ) -> Result<usize, PersistError> {
        let cutoff = now.as_second() - i64::try_from(retention.as_secs()).unwrap_or(i64::MAX / 2);
        let path = self.path.clone();
        let e = |e: rusqlite::Error| sql_err(&path, e);
        let tx = self.conn.transaction().map_err(e)?;
        let gone = "seen_at < ?1 OR expires_at <= ?2";
        let n: i64 = tx
            .query_row(
                &format!("SELECT COALESCE(SUM(rows), 0) FROM chunks WHERE {gone}"),
                params![cutoff, now.as_second()],
                |r| r.get(0),
            )
            .map_err(e)?;
        if n > 0 {
            tx.execute(
                &format!("DELETE FROM chunks WHERE {gone}"),
                params![cutoff, now.as_second()],
            )
            .map_err(e)?;
            tx.execute(
                "UPDATE sources SET count = (SELECT COALESCE(SUM(rows), 0) FROM chunks WHERE chunks.source = sources.name)",
                [],
            )
            .map_err(e)?;
            // A source left with nothing must be fetched whole again: forget its
            // validators, or a 304 would confirm an empty snapshot.
            tx.execute(
                "UPDATE sources SET fetched_at = NULL, etag = NULL, last_modified = NULL, cursor = NULL
                 WHERE NOT EXISTS (SELECT 1 FROM chunks WHERE chunks.source = sources.name)",
                [],
            )
            .map_err(e)?;
        }
        trends::age(&tx, cutoff, now, n > 0).map_err(e)?;
        tx.commit().map_err(e)?;
        Ok(n.max(0) as usize)
    }
}

/// Runs the schema steps after `from` up to and including `to`, in `tx`.
fn steps(tx: &rusqlite::Transaction<'_>, from: i64, to: i64) -> rusqlite::Result<()> {
    if from < 1 && to >= 1 {
        tx.execute_batch(SCHEMA_V1)?;
    }
    if from < 2 && to >= 2 {
        tx.execute_batch(MIGRATE_V1_V2)?;
    }
    if from < 3 && to >= 3 {
        tx.execute_batch(MIGRATE_V2_V3)?;
        let mut ins = tx.prepare("INSERT INTO indicator_types (code, name) VALUES (?1, ?2)")?;
        for (t, code) in TYPE_CODES {
            ins.execute(params![code, t.as_str()])?;
        }
    }
    if from < 4 && to >= 4 {
        tx.execute_batch(MIGRATE_V3_V4)?;
        rows_to_chunks(tx)?;
        tx.execute_batch("DROP TABLE sightings; PRAGMA user_version = 4;")?;
    }
    if from < 5 && to >= 5 {
        tx.execute_batch(MIGRATE_V4_V5)?;
    }
    if from < 6 && to >= 6 {
        tx.execute_batch(MIGRATE_LEDGER)?;
        tx.execute_batch("PRAGMA user_version = 6;")?;
    }
    if from < 7 && to >= 7 {
        tx.execute_batch(MIGRATE_EXPIRY)?;
        tx.execute_batch("PRAGMA user_version = 7;")?;
    }
    if from < 8 && to >= 8 {
        tx.execute_batch(MIGRATE_SENSORS)?;
        tx.execute_batch("PRAGMA user_version = 8;")?;
    }
    if from < 9 && to >= 9 {
        tx.execute_batch(MIGRATE_CLAIMS)?;
        tx.execute_batch("PRAGMA user_version = 9;")?;
    }
    if from < 10 && to >= 10 {
        tx.execute_batch(MIGRATE_MARKS)?;
        tx.execute_batch("PRAGMA user_version = 10;")?;
    }
    if from < 11 && to >= 11 {
        tx.execute_batch(MIGRATE_PUSH)?;
        tx.execute_batch("PRAGMA user_version = 11;")?;
    }
    if from < 12 && to >= 12 {
        tx.execute_batch(MIGRATE_TRENDS)?;
        tx.execute_batch("PRAGMA user_version = 12;")?;
    }
    Ok(())
}

/// Distinct (type, value) keys among `sightings`.
fn distinct_keys<'a>(sightings: impl Iterator<Item = &'a Sighting>) -> usize {
    let mut keys: Vec<(IndicatorType, &str)> = sightings.map(|s| (s.kind, &*s.value)).collect();
    keys.sort_unstable();
    keys.dedup();
    keys.len()
}

/// The chunks of `source` (or of every source) live at `now` (not expired), in order,
/// as (source, bytes).
fn read_chunks(
    conn: &Connection,
    source: Option<&str>,
    now: Timestamp,
) -> rusqlite::Result<Vec<(String, Vec<u8>)>> {
    let sql = match source {
        Some(_) => {
            "SELECT source, data FROM chunks WHERE source = ?2
               AND (expires_at IS NULL OR expires_at > ?1) ORDER BY grp, seq"
        }
        None => {
            "SELECT source, data FROM chunks WHERE expires_at IS NULL OR expires_at > ?1
             ORDER BY source, grp, seq"
        }
    };
    let mut stmt = conn.prepare(sql)?;
    let now = now.as_second();
    let mut rows = match source {
        Some(s) => stmt.query(params![now, s])?,
        None => stmt.query(params![now])?,
    };
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let name: String = r.get(0)?;
        let data = r.get_ref(1)?.as_blob().unwrap_or_default().to_vec();
        out.push((name, data));
    }
    Ok(out)
}

/// Decodes chunks read by [`read_chunks`] on every core; a chunk that does not decode is
/// skipped with a warning: the rest of the store stays readable.
fn decode_blobs(blobs: &[(String, Vec<u8>)]) -> impl Iterator<Item = (&str, Vec<Sighting>)> {
    let chunks: Vec<Chunk<'_>> = blobs
        .iter()
        .map(|(source, data)| Chunk { source, data })
        .collect();
    let decoded = decode_all(&chunks, "cache");
    blobs.iter().map(|(s, _)| s.as_str()).zip(decoded)
}

enum TryOpen {
    Newer(i64),
    Corrupt(String),
    Other(String),
}

impl From<rusqlite::Error> for TryOpen {
    fn from(e: rusqlite::Error) -> Self {
        let text = crate::model::sanitize::one_line(&e.to_string(), 200);
        if is_corruption(&e) {
            TryOpen::Corrupt(text)
        } else {
            TryOpen::Other(text)
        }
    }
}

mod marks;
mod migrate;
mod sightings;
#[cfg(test)]
mod tests;
