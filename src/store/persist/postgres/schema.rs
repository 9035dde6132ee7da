// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The shared store's tables, created or migrated on first use under a
//! transaction-scoped advisory lock, and the check that its type codes mean what they
//! mean here.

use super::{classify, pg_err};
use crate::store::persist::PersistError;
use crate::store::persist::codec::{TYPE_CODES, type_of};

/// The schema this build writes on PostgreSQL.
pub const PG_SCHEMA_VERSION: i32 = 1;

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

/// Creates or migrates the schema under an advisory lock; refuses a newer one.
pub(super) async fn migrate(
    client: &deadpool_postgres::Object,
    shown: &str,
) -> Result<(), PersistError> {
    let c = |e| classify(shown, e);
    client
        .batch_execute("CREATE TABLE IF NOT EXISTS intellisiem_schema (version INTEGER NOT NULL)")
        .await
        .or_else(|e| {
            // A read-only role cannot create; the tables may exist all the same.
            if e.code() == Some(&tokio_postgres::error::SqlState::INSUFFICIENT_PRIVILEGE) {
                Ok(())
            } else {
                Err(c(e))
            }
        })?;
    let found: Option<i32> = client
        .query_opt("SELECT max(version) FROM intellisiem_schema", &[])
        .await
        .map_err(c)?
        .and_then(|r| r.get(0));
    let found = found.unwrap_or(0);
    if found > PG_SCHEMA_VERSION {
        return Err(PersistError::Newer {
            path: shown.into(),
            found: i64::from(found),
        });
    }
    if found == PG_SCHEMA_VERSION {
        return check_type_codes(client, shown).await;
    }
    client.batch_execute("BEGIN").await.map_err(c)?;
    let result = async {
        client
            .query("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
            .await?;
        // Someone may have migrated while we waited for the lock.
        let now: Option<i32> = client
            .query_opt("SELECT max(version) FROM intellisiem_schema", &[])
            .await?
            .and_then(|r| r.get(0));
        if now.unwrap_or(0) < 1 {
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
                .execute(
                    "INSERT INTO intellisiem_schema (version) VALUES ($1)",
                    &[&PG_SCHEMA_VERSION],
                )
                .await?;
        }
        client.batch_execute("COMMIT").await
    }
    .await;
    if let Err(e) = result {
        let _ = client.batch_execute("ROLLBACK").await;
        return Err(c(e));
    }
    check_type_codes(client, shown).await
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
        let (code, name): (i32, String) = (r.get(0), r.get(1));
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
