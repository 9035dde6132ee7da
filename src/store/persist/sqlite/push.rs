// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The push-back state in the SQLite file (`push_state`, schema 10). A change is one
//! `BEGIN IMMEDIATE` transaction: it takes the file's write lock before reading, so two
//! processes sharing the file never both hold a source's push lease.

use rusqlite::{OptionalExtension, TransactionBehavior, params};

use super::Sqlite;
use crate::store::persist::PersistError;
use crate::store::persist::push::{PushOp, PushReply, PushRow, PushStream, StoreFacts};

/// The columns read into a [`PushRow`], in [`row_of`]'s order.
const COLUMNS: &str = "hits_upto, marks_upto, batch_stream, batch_upto, sent, acked, identity,
  created_ms, identity_sent, holder, lease_until, last_at, last_count, last_error, total";

fn count(v: i64) -> u32 {
    u32::try_from(v.max(0)).unwrap_or(u32::MAX)
}

/// One row, read leniently: a stored value out of range is clamped, an unknown batch
/// stream is no batch.
fn row_of(r: &rusqlite::Row<'_>) -> rusqlite::Result<PushRow> {
    let stream = r.get::<_, Option<String>>(2)?;
    let upto = r.get::<_, Option<i64>>(3)?;
    Ok(PushRow {
        hits_upto: r.get(0)?,
        marks_upto: r.get(1)?,
        batch: stream.as_deref().and_then(PushStream::parse).zip(upto),
        sent: count(r.get(4)?),
        acked: count(r.get(5)?),
        identity: r.get(6)?,
        created_ms: r.get(7)?,
        identity_sent: r.get(8)?,
        holder: r.get(9)?,
        lease_until: r.get(10)?,
        last_at: r.get(11)?,
        last_count: r.get::<_, i64>(12)?.max(0) as u64,
        last_error: r.get(13)?,
        total: r.get::<_, i64>(14)?.max(0) as u64,
    })
}

impl Sqlite {
    /// Applies `op` to `source`'s push state in one transaction.
    pub fn push_state(&mut self, source: &str, op: PushOp) -> Result<PushReply, PersistError> {
        let path = self.path.clone();
        let e = |e: rusqlite::Error| super::sql_err(&path, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(e)?;
        let mut row = tx
            .query_row(
                &format!("SELECT {COLUMNS} FROM push_state WHERE source = ?1"),
                [source],
                row_of,
            )
            .optional()
            .map_err(e)?;
        let newest_hit: i64 = tx
            .query_row("SELECT COALESCE(MAX(id), 0) FROM sightings", [], |r| {
                r.get(0)
            })
            .map_err(e)?;
        let facts = StoreFacts {
            newest_hit,
            reuses_ids: true,
        };
        let reply = op.apply(&mut row, facts);
        if let (Some(r), PushReply::Done(_)) = (&row, &reply) {
            let (stream, upto) = match r.batch {
                Some((s, u)) => (Some(s.as_str()), Some(u)),
                None => (None, None),
            };
            tx.execute(
                &format!(
                    "INSERT OR REPLACE INTO push_state (source, {COLUMNS})
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"
                ),
                params![
                    source,
                    r.hits_upto,
                    r.marks_upto,
                    stream,
                    upto,
                    r.sent,
                    r.acked,
                    r.identity,
                    r.created_ms,
                    r.identity_sent,
                    r.holder,
                    r.lease_until,
                    r.last_at,
                    i64::try_from(r.last_count).unwrap_or(i64::MAX),
                    r.last_error,
                    i64::try_from(r.total).unwrap_or(i64::MAX),
                ],
            )
            .map_err(e)?;
        }
        tx.commit().map_err(e)?;
        Ok(reply)
    }

    /// Every source's push state, by source name.
    pub fn push_states(&self) -> Result<Vec<(String, PushRow)>, PersistError> {
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT {COLUMNS}, source FROM push_state ORDER BY source"
            ))
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, String>(15)?, row_of(r)?)))
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::IndicatorType;
    use crate::model::log_hit::sample;
    use jiff::Timestamp;
    use std::time::Duration;

    #[test]
    fn a_schema_9_file_gains_the_table_and_two_connections_share_one_lease() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.db");
        Sqlite::create_old(&path, 9).unwrap();
        let mut a = Sqlite::open(&path).unwrap().db;
        let mut b = Sqlite::open(&path).unwrap().db;
        let hits: Vec<_> = (0..3)
            .map(|i| sample(IndicatorType::Ipv4, "192.0.2.9", "eve.json", i, 1000))
            .collect();
        a.save_hits(&hits).unwrap();
        let now = Timestamp::from_second(1_800_000_000).unwrap();
        let claim = |who: &str| PushOp::Claim {
            holder: who.into(),
            now,
            ttl: Duration::from_secs(60),
            identity: "identity--x".into(),
        };
        let PushReply::Done(r) = a.push_state("ourmisp", claim("a")).unwrap() else {
            panic!("not granted")
        };
        assert_eq!(r.hits_upto, 3, "push starts after the hits stored before");
        assert!(matches!(
            b.push_state("ourmisp", claim("b")).unwrap(),
            PushReply::HeldBy { .. }
        ));
        let listed = b.push_states().unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].0, "ourmisp");
        assert_eq!(listed[0].1.holder, "a");
    }
}
