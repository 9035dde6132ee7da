// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The SQLite schema's history, one step per version, and the step that turns the
//! per-row JSON snapshots of schema 3 into chunks.

use rusqlite::params;

use crate::model::Sighting;
use crate::model::intern::Interner;
use crate::store::persist::codec::{CHUNK_ROWS, decode, encode_chunk, type_of};

pub(super) const SCHEMA_V1: &str = "
CREATE TABLE sources (name TEXT PRIMARY KEY, kind TEXT NOT NULL, fetched_at INTEGER, count INTEGER NOT NULL DEFAULT 0);
CREATE TABLE sightings (source TEXT NOT NULL, kind INTEGER NOT NULL, value TEXT NOT NULL, data TEXT NOT NULL,
  PRIMARY KEY (source, kind, value)) WITHOUT ROWID;
PRAGMA user_version = 1;
";

pub(super) const MIGRATE_V1_V2: &str = "
ALTER TABLE sources ADD COLUMN etag TEXT;
ALTER TABLE sources ADD COLUMN last_modified TEXT;
ALTER TABLE sources ADD COLUMN cursor INTEGER;
CREATE TABLE sightings_v2 (source TEXT NOT NULL, grp TEXT NOT NULL DEFAULT '', kind INTEGER NOT NULL,
  value TEXT NOT NULL, seen_at INTEGER NOT NULL, data TEXT NOT NULL,
  PRIMARY KEY (source, grp, kind, value)) WITHOUT ROWID;
INSERT INTO sightings_v2 (source, grp, kind, value, seen_at, data)
  SELECT s.source, '', s.kind, s.value, COALESCE(src.fetched_at, 0), s.data
  FROM sightings s LEFT JOIN sources src ON src.name = s.source;
DROP TABLE sightings;
ALTER TABLE sightings_v2 RENAME TO sightings;
CREATE INDEX sightings_seen ON sightings (seen_at);
CREATE TABLE fetch_log (source TEXT NOT NULL, at INTEGER NOT NULL, outcome TEXT NOT NULL,
  count INTEGER NOT NULL, bytes INTEGER NOT NULL, duration_ms INTEGER NOT NULL);
CREATE INDEX fetch_log_source ON fetch_log (source, at);
PRAGMA user_version = 2;
";

/// Version 3: the type codes written out, so a row's type never depends on an order in
/// the code. Filled by [`Sqlite::migrate`] from [`TYPE_CODES`].
pub(super) const MIGRATE_V2_V3: &str = "
CREATE TABLE indicator_types (code INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
PRAGMA user_version = 3;
";

/// Version 4: a snapshot is a few rows of chunks (see `codec`), each group's chunks
/// numbered from 0; `rows` is the number of sightings in the chunk.
pub(super) const MIGRATE_V3_V4: &str = "
CREATE TABLE chunks (source TEXT NOT NULL, grp TEXT NOT NULL DEFAULT '', seq INTEGER NOT NULL,
  seen_at INTEGER NOT NULL, rows INTEGER NOT NULL, data BLOB NOT NULL);
CREATE UNIQUE INDEX chunks_key ON chunks (source, grp, seq);
CREATE INDEX chunks_seen ON chunks (seen_at);
ALTER TABLE fetch_log ADD COLUMN skipped INTEGER NOT NULL DEFAULT 0;
";

/// Version 6: the quota ledger (one row per key fingerprint: the last minute's spend
/// times in ms, the UTC day and month with their counts, a `429`'s block) and
/// enrichment answers with their time (`data` NULL: the service does not know the
/// value). Self-contained: it only adds tables.
pub(super) const MIGRATE_LEDGER: &str = "
CREATE TABLE quota_ledger (account TEXT PRIMARY KEY, recent TEXT NOT NULL DEFAULT '',
  day INTEGER NOT NULL DEFAULT 0, day_used INTEGER NOT NULL DEFAULT 0,
  month INTEGER NOT NULL DEFAULT 0, month_used INTEGER NOT NULL DEFAULT 0,
  blocked_until INTEGER NOT NULL DEFAULT 0);
CREATE TABLE enrichments (source TEXT NOT NULL, kind INTEGER NOT NULL, value TEXT NOT NULL,
  at INTEGER NOT NULL, data BLOB, PRIMARY KEY (source, kind, value)) WITHOUT ROWID;
";

/// Schema 3 -> 4: each (source, group)'s JSON rows become chunks.
pub(super) fn rows_to_chunks(tx: &rusqlite::Transaction<'_>) -> rusqlite::Result<()> {
    let mut strings = Interner::new();
    let mut stmt = tx.prepare(
        "SELECT source, grp, kind, value, seen_at, data FROM sightings ORDER BY source, grp",
    )?;
    let mut rows = stmt.query([])?;
    let mut ins = tx.prepare(
        "INSERT INTO chunks (source, grp, seq, seen_at, rows, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    let mut current: Option<(String, String, i64)> = None;
    let mut pending: Vec<Sighting> = Vec::new();
    let mut flush =
        |key: &(String, String, i64), pending: &mut Vec<Sighting>| -> rusqlite::Result<()> {
            for (seq, c) in pending.chunks(CHUNK_ROWS).enumerate() {
                ins.execute(params![
                    key.0,
                    key.1,
                    seq as i64,
                    key.2,
                    c.len() as i64,
                    encode_chunk(c)
                ])?;
            }
            pending.clear();
            Ok(())
        };
    while let Some(r) = rows.next()? {
        let (source, grp): (String, String) = (r.get(0)?, r.get(1)?);
        let seen_at: i64 = r.get(4)?;
        if current
            .as_ref()
            .is_none_or(|(s, g, _)| *s != source || *g != grp)
        {
            if let Some(key) = current.take() {
                flush(&key, &mut pending)?;
            }
            current = Some((source, grp, seen_at));
        }
        if let Some(key) = current.as_mut() {
            key.2 = key.2.min(seen_at);
        }
        let (Some(kind), Ok(value), Ok(data)) = (
            type_of(r.get(2)?),
            r.get::<_, String>(3),
            r.get::<_, String>(5),
        ) else {
            continue;
        };
        if let Some(obs) = decode(&data, &mut strings) {
            pending.push(Sighting {
                kind,
                value: value.into_boxed_str(),
                obs,
            });
        }
    }
    if let Some(key) = current.take() {
        flush(&key, &mut pending)?;
    }
    Ok(())
}

/// Version 5: hits found in the followed logs (`sightings`; see `sqlite/sightings.rs`).
/// One row per (line, field, indicator); `found`/`at` in Unix seconds; `kind` a code of
/// `indicator_types`; `retro` 1 for a retro-hunt hit.
pub(super) const MIGRATE_V4_V5: &str = "
CREATE TABLE sightings (id INTEGER PRIMARY KEY, found INTEGER NOT NULL, at INTEGER NOT NULL,
  log TEXT NOT NULL, line_offset INTEGER NOT NULL, module TEXT NOT NULL, field TEXT NOT NULL,
  atomic TEXT NOT NULL, kind INTEGER NOT NULL, indicator TEXT NOT NULL, sources TEXT NOT NULL,
  threat TEXT, retro INTEGER NOT NULL);
CREATE UNIQUE INDEX sightings_key ON sightings (log, line_offset, at, field, kind, indicator);
CREATE INDEX sightings_found ON sightings (found);
PRAGMA user_version = 5;
";

/// Version 8: who found each hit and where (`sightings.sensor`, and for a Redis stream
/// entry `entry_id` and `stream_group`, with the stream's key in `log`). A file line is
/// one hit per sensor, file, offset, time, field and indicator; a stream entry one per
/// stream, entry, field and indicator, whichever sensor read it.
pub(super) const MIGRATE_SENSORS: &str = "
ALTER TABLE sightings ADD COLUMN sensor TEXT NOT NULL DEFAULT '';
ALTER TABLE sightings ADD COLUMN entry_id TEXT NOT NULL DEFAULT '';
ALTER TABLE sightings ADD COLUMN stream_group TEXT NOT NULL DEFAULT '';
DROP INDEX sightings_key;
CREATE UNIQUE INDEX sightings_line ON sightings (sensor, log, line_offset, at, field, kind, indicator)
  WHERE entry_id = '';
CREATE UNIQUE INDEX sightings_entry ON sightings (log, entry_id, field, kind, indicator)
  WHERE entry_id <> '';
";

/// Version 7: when a group lapses (`expires_at`, Unix seconds; NULL: never), for a TAXII
/// indicator's `valid_until`. Reads pass over expired chunks; retention deletes them.
pub(super) const MIGRATE_EXPIRY: &str = "
ALTER TABLE chunks ADD COLUMN expires_at INTEGER;
CREATE INDEX chunks_expires ON chunks (expires_at) WHERE expires_at IS NOT NULL;
";

/// Version 9: claims on values being looked up (one holder at a time asks a service
/// about a value; `until` in ms, when an unrenewed claim lapses). Self-contained: it
/// only adds a table.
pub(super) const MIGRATE_CLAIMS: &str = "
CREATE TABLE enrichment_claims (source TEXT NOT NULL, kind INTEGER NOT NULL, value TEXT NOT NULL,
  holder TEXT NOT NULL, until INTEGER NOT NULL, PRIMARY KEY (source, kind, value)) WITHOUT ROWID;
";

/// Version 10: the analyst's triage marks (see `persist/marks.rs`). Self-contained: it
/// only adds a table.
pub(super) const MIGRATE_MARKS: &str = "
CREATE TABLE marks (id INTEGER PRIMARY KEY AUTOINCREMENT, kind INTEGER NOT NULL,
  indicator TEXT NOT NULL, hit INTEGER, verdict TEXT, note TEXT, marked_by TEXT NOT NULL,
  at INTEGER NOT NULL);
CREATE INDEX marks_indicator ON marks (kind, indicator);
";

/// Version 11: each pushing source's push-back state (see `store::persist::push`): how
/// far hits and marks were pushed, the batch in flight with its requests begun and
/// answered, our STIX identity, the push lease (`holder`, `lease_until` in ms) and the
/// last run's outcome. Self-contained: it only adds a table.
pub(super) const MIGRATE_PUSH: &str = "
CREATE TABLE push_state (source TEXT PRIMARY KEY, hits_upto INTEGER NOT NULL DEFAULT 0,
  marks_upto INTEGER, batch_stream TEXT, batch_upto INTEGER, sent INTEGER NOT NULL DEFAULT 0,
  acked INTEGER NOT NULL DEFAULT 0, identity TEXT NOT NULL, created_ms INTEGER NOT NULL,
  identity_sent INTEGER NOT NULL DEFAULT 0, holder TEXT NOT NULL DEFAULT '',
  lease_until INTEGER NOT NULL DEFAULT 0, last_at INTEGER, last_count INTEGER NOT NULL DEFAULT 0,
  last_error TEXT, total INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;
";

/// Version 12: what trends need (see `store::persist::trends`): indicators held per
/// source per UTC day (`day` in Unix seconds at 00:00 UTC), hits per UTC hour of the
/// event time by type code, sensor and threat (`''`: none), each fetch's skipped records
/// by reason (`at` in ms, as `fetch_log.at`), and each hit's internal host. The day
/// counts are filled from the fetch history (each day's last fetch) and the hour counts
/// from the stored hits.
pub(super) const MIGRATE_TRENDS: &str = "
CREATE TABLE source_days (source TEXT NOT NULL, day INTEGER NOT NULL, count INTEGER NOT NULL,
  PRIMARY KEY (source, day)) WITHOUT ROWID;
CREATE INDEX source_days_day ON source_days (day);
CREATE TABLE hit_hours (hour INTEGER NOT NULL, kind INTEGER NOT NULL, sensor TEXT NOT NULL,
  threat TEXT NOT NULL, hits INTEGER NOT NULL, PRIMARY KEY (hour, kind, sensor, threat))
  WITHOUT ROWID;
CREATE TABLE fetch_skips (source TEXT NOT NULL, at INTEGER NOT NULL, reason TEXT NOT NULL,
  count INTEGER NOT NULL);
CREATE INDEX fetch_skips_source ON fetch_skips (source, at);
ALTER TABLE sightings ADD COLUMN host TEXT;
INSERT INTO source_days (source, day, count)
  SELECT f.source, (f.at / 86400000) * 86400, f.count FROM fetch_log f
  WHERE f.rowid = (SELECT g.rowid FROM fetch_log g WHERE g.source = f.source
    AND g.at / 86400000 = f.at / 86400000 ORDER BY g.at DESC, g.rowid DESC LIMIT 1);
INSERT INTO hit_hours (hour, kind, sensor, threat, hits)
  SELECT (at / 3600) * 3600, kind, sensor, COALESCE(threat, ''), COUNT(*) FROM sightings
  GROUP BY 1, 2, 3, 4;
";
