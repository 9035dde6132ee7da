// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The shared store's tables, created or migrated on first use under a
//! transaction-scoped advisory lock, and the check that its type codes mean what they
//! mean here.

use super::{classify, pg_err};
use crate::store::persist::PersistError;
use crate::store::persist::codec::{TYPE_CODES, type_of};

/// The schema this build writes on PostgreSQL. History: 1 = snapshots, fetch log,
/// leases; 2 = + the hits found in the followed logs; 3 = + the quota ledger and
/// enrichment answers; 4 = + `chunks.expires_at`, when a group lapses; 5 = +
/// `sightings.sensor`, `entry_id` and `stream_group` (who found a hit; Redis entries);
/// 6 = + `enrichment_claims`, the values being looked up; 7 = + `marks`, the analyst's
/// triage of hits and indicators; 8 = + `push_state`, how far each source's sightings
/// were pushed back; 9 = + `source_days`, `hit_hours`, `fetch_skips` and
/// `sightings.host`, what trends and reports read (see `store::persist::trends`).
pub const PG_SCHEMA_VERSION: i32 = 9;

/// The advisory lock key that serialises schema migrations ("ISIEM" in ASCII).
const MIGRATION_LOCK: i64 = 0x4953_4945_4d00;

const SCHEMA_V1: &str = "
CREATE TABLE indicator_types (code INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE sources (name TEXT PRIMARY KEY, kind TEXT NOT NULL, fetched_at BIGINT, etag TEXT,
  last_modified TEXT, cursor BIGINT, count BIGINT NOT NULL DEFAULT 0, fetched_by TEXT);
CREATE TABLE chunks (source TEXT NOT NULL, grp TEXT NOT NULL DEFAULT '', seq INTEGER NOT NULL,
  seen_at BIGINT NOT NULL, rows INTEGER NOT NULL, data BYTEA NOT NULL,
  PRIMARY KEY (source, grp, seq));
CREATE INDEX chunks_seen ON chunks (seen_at);
CREATE TABLE fetch_log (id BIGSERIAL PRIMARY KEY, source TEXT NOT NULL, at BIGINT NOT NULL,
  outcome TEXT NOT NULL, count BIGINT NOT NULL, bytes BIGINT NOT NULL, duration_ms BIGINT NOT NULL,
  skipped BIGINT NOT NULL DEFAULT 0, fetched_by TEXT);
CREATE INDEX fetch_log_source ON fetch_log (source, at);
CREATE TABLE leases (source TEXT PRIMARY KEY, holder TEXT NOT NULL, expires_at BIGINT NOT NULL);
";

/// Version 2: hits found in the followed logs (`sightings`; see `sightings.rs`). One
/// row per (line, field, indicator); `found`/`at` in Unix seconds; `kind` a code of
/// `indicator_types`.
const SCHEMA_V2: &str = "
CREATE TABLE sightings (id BIGSERIAL PRIMARY KEY, found BIGINT NOT NULL, at BIGINT NOT NULL,
  log TEXT NOT NULL, line_offset BIGINT NOT NULL, module TEXT NOT NULL, field TEXT NOT NULL,
  atomic TEXT NOT NULL, kind INTEGER NOT NULL, indicator TEXT NOT NULL, sources TEXT NOT NULL,
  threat TEXT, retro BOOLEAN NOT NULL,
  UNIQUE (log, line_offset, at, field, kind, indicator));
CREATE INDEX sightings_found ON sightings (found);
";

/// Version 3: the quota ledger and enrichment answers (as SQLite's `MIGRATE_LEDGER`).
/// Self-contained: it only adds tables.
const MIGRATE_LEDGER: &str = "
CREATE TABLE quota_ledger (account TEXT PRIMARY KEY, recent TEXT NOT NULL DEFAULT '',
  day BIGINT NOT NULL DEFAULT 0, day_used BIGINT NOT NULL DEFAULT 0,
  month BIGINT NOT NULL DEFAULT 0, month_used BIGINT NOT NULL DEFAULT 0,
  blocked_until BIGINT NOT NULL DEFAULT 0);
CREATE TABLE enrichments (source TEXT NOT NULL, kind INTEGER NOT NULL, value TEXT NOT NULL,
  at BIGINT NOT NULL, data BYTEA, PRIMARY KEY (source, kind, value));
";

/// Version 4: when a group lapses (`expires_at`, Unix seconds; NULL: never), as SQLite's
/// `MIGRATE_EXPIRY`: a TAXII indicator's `valid_until`. Reads pass over expired chunks;
/// retention deletes them.
const MIGRATE_EXPIRY: &str = "
ALTER TABLE chunks ADD COLUMN expires_at BIGINT;
CREATE INDEX chunks_expires ON chunks (expires_at) WHERE expires_at IS NOT NULL;
";

/// Version 5: who found each hit and where, as SQLite's `MIGRATE_SENSORS`: a file line
/// is one hit per sensor, file, offset, time, field and indicator; a stream entry one
/// per stream, entry, field and indicator, whichever sensor read it.
/// Written to be run again safely over a store a step of it already reached.
const MIGRATE_SENSORS: &str = "
ALTER TABLE sightings ADD COLUMN IF NOT EXISTS sensor TEXT NOT NULL DEFAULT '';
ALTER TABLE sightings ADD COLUMN IF NOT EXISTS entry_id TEXT NOT NULL DEFAULT '';
ALTER TABLE sightings ADD COLUMN IF NOT EXISTS stream_group TEXT NOT NULL DEFAULT '';
DO $$
DECLARE c record;
BEGIN
  -- The old one-line key, whatever the server named it.
  FOR c IN SELECT conname FROM pg_constraint
           WHERE conrelid = 'sightings'::regclass AND contype = 'u' LOOP
    EXECUTE 'ALTER TABLE sightings DROP CONSTRAINT ' || quote_ident(c.conname);
  END LOOP;
END $$;
CREATE UNIQUE INDEX IF NOT EXISTS sightings_line
  ON sightings (sensor, log, line_offset, at, field, kind, indicator) WHERE entry_id = '';
CREATE UNIQUE INDEX IF NOT EXISTS sightings_entry
  ON sightings (log, entry_id, field, kind, indicator) WHERE entry_id <> '';
";

/// Version 6: claims on values being looked up, as SQLite's `MIGRATE_CLAIMS`.
/// Self-contained: it only adds a table.
const MIGRATE_CLAIMS: &str = "
CREATE TABLE IF NOT EXISTS enrichment_claims (source TEXT NOT NULL, kind INTEGER NOT NULL,
  value TEXT NOT NULL, holder TEXT NOT NULL, until BIGINT NOT NULL,
  PRIMARY KEY (source, kind, value));
";

/// Version 7: the analyst's triage marks, as SQLite's `MIGRATE_MARKS`.
/// Self-contained: it only adds a table.
const MIGRATE_MARKS: &str = "
CREATE TABLE IF NOT EXISTS marks (id BIGSERIAL PRIMARY KEY, kind INTEGER NOT NULL,
  indicator TEXT NOT NULL, hit BIGINT, verdict TEXT, note TEXT, marked_by TEXT NOT NULL,
  at BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS marks_indicator ON marks (kind, indicator);
";

/// Version 8: each pushing source's push-back state, as SQLite's `MIGRATE_PUSH`.
/// Self-contained: it only adds a table.
const MIGRATE_PUSH: &str = "
CREATE TABLE IF NOT EXISTS push_state (source TEXT PRIMARY KEY,
  hits_upto BIGINT NOT NULL DEFAULT 0, marks_upto BIGINT, batch_stream TEXT, batch_upto BIGINT,
  sent BIGINT NOT NULL DEFAULT 0, acked BIGINT NOT NULL DEFAULT 0, identity TEXT NOT NULL,
  created_ms BIGINT NOT NULL, identity_sent BOOLEAN NOT NULL DEFAULT FALSE,
  holder TEXT NOT NULL DEFAULT '', lease_until BIGINT NOT NULL DEFAULT 0, last_at BIGINT,
  last_count BIGINT NOT NULL DEFAULT 0, last_error TEXT, total BIGINT NOT NULL DEFAULT 0);
";

/// Version 9: what trends need, as SQLite's `MIGRATE_TRENDS`: indicators held per
/// source per UTC day, hits per UTC hour by type code, sensor and threat, each fetch's
/// skipped records by reason, and each hit's internal host; the day counts filled from
/// the fetch history (each day's last fetch), the hour counts from the stored hits.
/// Written to be run again safely over a store a step of it already reached.
const MIGRATE_TRENDS: &str = "
CREATE TABLE IF NOT EXISTS source_days (source TEXT NOT NULL, day BIGINT NOT NULL,
  count BIGINT NOT NULL, PRIMARY KEY (source, day));
CREATE INDEX IF NOT EXISTS source_days_day ON source_days (day);
CREATE TABLE IF NOT EXISTS hit_hours (hour BIGINT NOT NULL, kind INTEGER NOT NULL,
  sensor TEXT NOT NULL, threat TEXT NOT NULL, hits BIGINT NOT NULL,
  PRIMARY KEY (hour, kind, sensor, threat));
CREATE TABLE IF NOT EXISTS fetch_skips (source TEXT NOT NULL, at BIGINT NOT NULL,
  reason TEXT NOT NULL, count BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS fetch_skips_source ON fetch_skips (source, at);
ALTER TABLE sightings ADD COLUMN IF NOT EXISTS host TEXT;
INSERT INTO source_days (source, day, count)
  SELECT DISTINCT ON (source, at / 86400000) source, (at / 86400000) * 86400, count
  FROM fetch_log ORDER BY source, at / 86400000, at DESC, id DESC
  ON CONFLICT (source, day) DO NOTHING;
INSERT INTO hit_hours (hour, kind, sensor, threat, hits)
  SELECT (at / 3600) * 3600, kind, sensor, COALESCE(threat, ''), COUNT(*) FROM sightings
  GROUP BY 1, 2, 3, 4
  ON CONFLICT (hour, kind, sensor, threat) DO NOTHING;
";

/// Creates or migrates the schema, all of it in one transaction that holds a
/// transaction-scoped advisory lock (so two first users do not race, and a cancelled
/// migration rolls back whole); refuses a newer schema and changes nothing then. A role
/// that may not create tables works with the tables that are there.
pub(super) async fn migrate(
    client: &mut deadpool_postgres::Object,
    shown: &str,
) -> Result<(), PersistError> {
    let c = |e| classify(shown, e);
    let version = |found: Option<i32>| found.unwrap_or(0);
    let tx = client.transaction().await.map_err(c)?;
    tx.query("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .await
        .map_err(c)?;
    let created = tx
        .batch_execute("CREATE TABLE IF NOT EXISTS intellisiem_schema (version INTEGER NOT NULL)")
        .await;
    match created {
        Ok(()) => {}
        Err(e) if e.code() == Some(&tokio_postgres::error::SqlState::INSUFFICIENT_PRIVILEGE) => {
            // Read-only: the transaction is aborted; read what is there outside it.
            drop(tx);
            let found: Option<i32> = client
                .query_opt("SELECT max(version) FROM intellisiem_schema", &[])
                .await
                .map_err(c)?
                .and_then(|r| r.try_get(0).ok());
            if version(found) > PG_SCHEMA_VERSION {
                return Err(PersistError::Newer {
                    path: shown.into(),
                    found: i64::from(version(found)),
                });
            }
            if version(found) < PG_SCHEMA_VERSION {
                // Its reads would name columns the older tables lack.
                return Err(PersistError::Older {
                    path: shown.into(),
                    found: i64::from(version(found)),
                    wanted: i64::from(PG_SCHEMA_VERSION),
                });
            }
            return check_type_codes(client, shown).await;
        }
        Err(e) => return Err(c(e)),
    }
    let found: Option<i32> = tx
        .query_opt("SELECT max(version) FROM intellisiem_schema", &[])
        .await
        .map_err(c)?
        .and_then(|r| r.try_get(0).ok());
    let found = version(found);
    if found > PG_SCHEMA_VERSION {
        // Dropping the transaction rolls back the (empty) CREATE IF NOT EXISTS.
        return Err(PersistError::Newer {
            path: shown.into(),
            found: i64::from(found),
        });
    }
    if found < 1 {
        tx.batch_execute(SCHEMA_V1).await.map_err(c)?;
        for (t, code) in TYPE_CODES {
            tx.execute(
                "INSERT INTO indicator_types (code, name) VALUES ($1, $2)",
                &[&(code as i32), &t.as_str()],
            )
            .await
            .map_err(c)?;
        }
    }
    // A role that may create tables but does not own the old ones cannot alter them:
    // the store is older than this build and stays so, said in one line.
    let step = |e: tokio_postgres::Error| {
        if e.code() == Some(&tokio_postgres::error::SqlState::INSUFFICIENT_PRIVILEGE) {
            PersistError::Older {
                path: shown.into(),
                found: i64::from(found),
                wanted: i64::from(PG_SCHEMA_VERSION),
            }
        } else {
            classify(shown, e)
        }
    };
    if found < 2 {
        tx.batch_execute(SCHEMA_V2).await.map_err(step)?;
    }
    if found < 3 {
        tx.batch_execute(MIGRATE_LEDGER).await.map_err(step)?;
    }
    if found < 4 {
        tx.batch_execute(MIGRATE_EXPIRY).await.map_err(step)?;
    }
    if found < 5 {
        tx.batch_execute(MIGRATE_SENSORS).await.map_err(step)?;
    }
    if found < 6 {
        tx.batch_execute(MIGRATE_CLAIMS).await.map_err(step)?;
    }
    if found < 7 {
        tx.batch_execute(MIGRATE_MARKS).await.map_err(step)?;
    }
    if found < 8 {
        tx.batch_execute(MIGRATE_PUSH).await.map_err(step)?;
    }
    if found < 9 {
        tx.batch_execute(MIGRATE_TRENDS).await.map_err(step)?;
    }
    if found < PG_SCHEMA_VERSION {
        tx.execute(
            "INSERT INTO intellisiem_schema (version) VALUES ($1)",
            &[&PG_SCHEMA_VERSION],
        )
        .await
        .map_err(c)?;
    }
    tx.commit().await.map_err(c)?;
    check_type_codes(client, shown).await
}

/// Creates the version-1 schema only, for migration tests.
#[doc(hidden)]
pub async fn create_v1(client: &tokio_postgres::Client) -> Result<(), tokio_postgres::Error> {
    client.batch_execute(SCHEMA_V1).await?;
    for (t, code) in TYPE_CODES {
        client
            .execute(
                "INSERT INTO indicator_types (code, name) VALUES ($1, $2)",
                &[&(code as i32), &t.as_str()],
            )
            .await?;
    }
    client
        .batch_execute(
            "CREATE TABLE intellisiem_schema (version INTEGER NOT NULL);
             INSERT INTO intellisiem_schema (version) VALUES (1);",
        )
        .await
}

async fn check_type_codes(
    client: &deadpool_postgres::Object,
    shown: &str,
) -> Result<(), PersistError> {
    let rows = client
        .query("SELECT code, name FROM indicator_types", &[])
        .await
        .map_err(|e| classify(shown, e))?;
    for r in rows {
        let (Ok(code), Ok(name)) = (r.try_get::<_, i32>(0), r.try_get::<_, String>(1)) else {
            continue;
        };
        if let Some(t) = type_of(i64::from(code))
            && t.as_str() != name
        {
            return Err(pg_err(
                shown,
                format!(
                    "indicator type code {code} means `{}` in this store but `{t}` here",
                    crate::model::sanitize::one_line(&name, 20)
                ),
            ));
        }
    }
    Ok(())
}
