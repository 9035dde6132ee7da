// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The push-back state on the shared store (`push_state`, schema 7). A change holds a
//! transaction-scoped advisory lock on the source for one transaction (the row may not
//! exist yet, so a row lock would not do), so every teammate's process sees one push
//! lease and one mark per source.

use super::{PgStore, classify};
use crate::store::persist::PersistError;
use crate::store::persist::push::{PushOp, PushReply, PushRow, PushStream, StoreFacts};

/// The advisory lock class of push state changes ("ISIP"); the source's hash is the
/// second key.
const PUSH_LOCK: i32 = 0x4953_4950;

/// The columns read into a [`PushRow`], in [`row_of`]'s order.
const COLUMNS: &str = "hits_upto, marks_upto, batch_stream, batch_upto, sent, acked, identity,
  created_ms, identity_sent, holder, lease_until, last_at, last_count, last_error, total";

fn count(v: i64) -> u32 {
    u32::try_from(v.max(0)).unwrap_or(u32::MAX)
}

/// One row, read leniently (a value another client wrote oddly is taken as its default).
fn row_of(r: &tokio_postgres::Row) -> PushRow {
    let stream: Option<String> = r.try_get(2).ok().flatten();
    let upto: Option<i64> = r.try_get(3).ok().flatten();
    PushRow {
        hits_upto: r.try_get(0).unwrap_or_default(),
        marks_upto: r.try_get(1).ok().flatten(),
        batch: stream.as_deref().and_then(PushStream::parse).zip(upto),
        sent: count(r.try_get(4).unwrap_or_default()),
        acked: count(r.try_get(5).unwrap_or_default()),
        identity: r.try_get(6).unwrap_or_default(),
        created_ms: r.try_get(7).unwrap_or_default(),
        identity_sent: r.try_get(8).unwrap_or_default(),
        holder: r.try_get(9).unwrap_or_default(),
        lease_until: r.try_get(10).unwrap_or_default(),
        last_at: r.try_get(11).ok().flatten(),
        last_count: r.try_get::<_, i64>(12).unwrap_or_default().max(0) as u64,
        last_error: r.try_get(13).ok().flatten(),
        total: r.try_get::<_, i64>(14).unwrap_or_default().max(0) as u64,
    }
}

/// Applies `op` to `source`'s push state in one transaction.
pub(super) async fn push_state(
    store: &PgStore,
    source: String,
    op: PushOp,
) -> Result<PushReply, PersistError> {
    let mut client = store.client().await?;
    let c = |e| classify(&store.shown, e);
    let tx = client.transaction().await.map_err(c)?;
    tx.query(
        "SELECT pg_advisory_xact_lock($1, hashtext($2))",
        &[&PUSH_LOCK, &source],
    )
    .await
    .map_err(c)?;
    let mut row = tx
        .query_opt(
            &format!("SELECT {COLUMNS} FROM push_state WHERE source = $1"),
            &[&source],
        )
        .await
        .map_err(c)?
        .map(|r| row_of(&r));
    let newest_hit: i64 = tx
        .query_one("SELECT COALESCE(MAX(id), 0)::BIGINT FROM sightings", &[])
        .await
        .map_err(c)?
        .try_get(0)
        .map_err(c)?;
    let facts = StoreFacts {
        newest_hit,
        reuses_ids: false,
    };
    let reply = op.apply(&mut row, facts);
    if let (Some(r), PushReply::Done(_)) = (&row, &reply) {
        let (stream, upto) = match r.batch {
            Some((s, u)) => (Some(s.as_str()), Some(u)),
            None => (None, None),
        };
        tx.execute(
            &format!(
                "INSERT INTO push_state (source, {COLUMNS})
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
                 ON CONFLICT (source) DO UPDATE SET hits_upto = EXCLUDED.hits_upto,
                   marks_upto = EXCLUDED.marks_upto, batch_stream = EXCLUDED.batch_stream,
                   batch_upto = EXCLUDED.batch_upto, sent = EXCLUDED.sent, acked = EXCLUDED.acked,
                   identity = EXCLUDED.identity, created_ms = EXCLUDED.created_ms,
                   identity_sent = EXCLUDED.identity_sent, holder = EXCLUDED.holder,
                   lease_until = EXCLUDED.lease_until, last_at = EXCLUDED.last_at,
                   last_count = EXCLUDED.last_count, last_error = EXCLUDED.last_error,
                   total = EXCLUDED.total"
            ),
            &[
                &source,
                &r.hits_upto,
                &r.marks_upto,
                &stream,
                &upto,
                &i64::from(r.sent),
                &i64::from(r.acked),
                &r.identity,
                &r.created_ms,
                &r.identity_sent,
                &r.holder,
                &r.lease_until,
                &r.last_at,
                &i64::try_from(r.last_count).unwrap_or(i64::MAX),
                &r.last_error,
                &i64::try_from(r.total).unwrap_or(i64::MAX),
            ],
        )
        .await
        .map_err(c)?;
    }
    tx.commit().await.map_err(c)?;
    Ok(reply)
}

/// Every source's push state, by source name.
pub(super) async fn push_states(store: &PgStore) -> Result<Vec<(String, PushRow)>, PersistError> {
    let client = store.client().await?;
    let rows = client
        .query(
            &format!("SELECT {COLUMNS}, source FROM push_state ORDER BY source"),
            &[],
        )
        .await
        .map_err(|e| classify(&store.shown, e))?;
    Ok(rows
        .iter()
        .filter_map(|r| Some((r.try_get::<_, String>(15).ok()?, row_of(r))))
        .collect())
}
