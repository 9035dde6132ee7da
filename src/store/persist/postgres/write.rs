// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Writing a snapshot: encoded first, then one transaction (chunks, the source's row,
//! the `NOTIFY`); kept in memory and written later when the server is away.

use super::super::decode::decode_all;
use super::{CHANNEL, PgStore, classify, distinct_keys};
use crate::store::persist::codec::{CHUNK_ROWS, encode_chunk};
use crate::store::persist::{PersistError, Snapshot};

impl PgStore {
    pub(super) async fn save_inner(&self, s: &Snapshot) -> Result<usize, PersistError> {
        let prepared = Prepared::new(s);
        match self.write(&prepared).await {
            Err(e) if e.is_transient() && !prepared.incremental => {
                // Kept in memory, encoded, and written when the server answers again (a
                // newer snapshot of the same source replaces it). An incremental
                // snapshot is not kept: it is only a part, and the next fetch asks
                // again from the stored cursor.
                crate::model::lock(&self.pending).insert(prepared.source.clone(), prepared);
                Err(PersistError::Unavailable(format!(
                    "{e}; the snapshot is kept in memory while this process runs and saved when the store answers"
                )))
            }
            Ok(n) => {
                // Anything kept from before is older than what was just written.
                let mut pending = crate::model::lock(&self.pending);
                if pending
                    .get(&prepared.source)
                    .is_some_and(|p| p.now <= prepared.now)
                {
                    pending.remove(&prepared.source);
                }
                Ok(n)
            }
            other => other,
        }
    }

    /// Writes snapshots kept while the server was away; those that still fail for a
    /// transient reason stay kept.
    pub(super) async fn flush_pending(&self) {
        let pending: Vec<Prepared> = {
            let mut p = crate::model::lock(&self.pending);
            if p.is_empty() {
                return;
            }
            p.drain().map(|(_, v)| v).collect()
        };
        for prepared in pending {
            match self.write(&prepared).await {
                Ok(_) => tracing::info!(
                    "store {}: saved the kept snapshot of `{}`",
                    self.shown,
                    crate::model::sanitize::one_line(&prepared.source, 40)
                ),
                Err(e) if e.is_transient() => {
                    let mut p = crate::model::lock(&self.pending);
                    p.entry(prepared.source.clone()).or_insert(prepared);
                }
                Err(e) => tracing::warn!("{e}"),
            }
        }
    }

    /// Writes one prepared snapshot in one transaction.
    async fn write(&self, s: &Prepared) -> Result<usize, PersistError> {
        let mut client = self.raw_client().await?;
        let c = |e| classify(&self.shown, e);
        let tx = client.transaction().await.map_err(c)?;
        // Never write over a newer snapshot (a teammate's, saved while this one waited):
        // the source's row is locked until commit, so the check holds.
        let stored: Option<Option<i64>> = tx
            .query_opt(
                "SELECT fetched_at FROM sources WHERE name = $1 FOR UPDATE",
                &[&s.source],
            )
            .await
            .map_err(c)?
            .map(|r| r.try_get(0).ok().flatten());
        if let Some(Some(at)) = stored
            && at > s.now
        {
            tracing::info!(
                "store {}: `{}` holds a newer snapshot; this one is not written",
                self.shown,
                crate::model::sanitize::one_line(&s.source, 40)
            );
            return Ok(0);
        }
        if s.incremental {
            for id in &s.group_ids {
                tx.execute(
                    "DELETE FROM chunks WHERE source = $1 AND grp = $2",
                    &[&s.source, id],
                )
                .await
                .map_err(c)?;
            }
        } else {
            tx.execute("DELETE FROM chunks WHERE source = $1", &[&s.source])
                .await
                .map_err(c)?;
        }
        let ins = tx
            .prepare(
                "INSERT INTO chunks (source, grp, seq, seen_at, rows, data, expires_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .await
            .map_err(c)?;
        for k in &s.chunks {
            let row: [&(dyn tokio_postgres::types::ToSql + Sync); 7] = [
                &s.source, &k.grp, &k.seq, &s.now, &k.rows, &k.data, &k.expires,
            ];
            tx.execute(&ins, &row).await.map_err(c)?;
        }
        let count = match s.count {
            Some(n) => n,
            None => {
                let rows = tx
                    .query(
                        "SELECT data FROM chunks WHERE source = $1
                           AND (expires_at IS NULL OR expires_at > $2)",
                        &[&s.source, &s.now],
                    )
                    .await
                    .map_err(c)?;
                let chunks = super::chunks_of(&rows, &s.source);
                let all: Vec<_> = decode_all(&chunks, "store").into_iter().flatten().collect();
                distinct_keys(all.iter())
            }
        };
        tx.execute(
            "INSERT INTO sources (name, kind, fetched_at, etag, last_modified, cursor, count, fetched_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (name) DO UPDATE SET kind = $2, fetched_at = $3, etag = $4,
               last_modified = $5, cursor = $6, count = $7, fetched_by = $8",
            &[
                &s.source,
                &s.kind,
                &s.now,
                &s.etag,
                &s.last_modified,
                &s.cursor,
                &(count as i64),
                &self.holder,
            ],
        )
        .await
        .map_err(c)?;
        super::trends::note_day(&tx, &s.source, s.now, count)
            .await
            .map_err(c)?;
        // Delivered at commit, to every other listener.
        tx.execute(
            "SELECT pg_notify($1, $2 || E'\\t' || current_schema() || E'\\t' || $3)",
            &[&CHANNEL, &self.holder, &s.source],
        )
        .await
        .map_err(c)?;
        tx.commit().await.map_err(c)?;
        Ok(count)
    }
}

/// A snapshot encoded for writing, owning everything it needs, so it can wait for a
/// server that is away.
pub(super) struct Prepared {
    source: String,
    kind: String,
    group_ids: Vec<String>,
    chunks: Vec<Encoded>,
    incremental: bool,
    etag: Option<String>,
    last_modified: Option<String>,
    cursor: Option<i64>,
    now: i64,
    /// The distinct keys of a whole snapshot's groups live at `now`; `None` for an
    /// incremental one (counted in the store, across its groups).
    count: Option<usize>,
}

/// One chunk of a group, encoded: its row in `chunks`.
struct Encoded {
    grp: String,
    seq: i32,
    /// Sightings in the chunk.
    rows: i32,
    data: Vec<u8>,
    /// When the group lapses (Unix seconds).
    expires: Option<i64>,
}

impl Prepared {
    fn new(s: &Snapshot) -> Prepared {
        let groups = s.grouped();
        let expires = |id: &str| s.expires.get(id).map(|t| t.as_second());
        let chunks = groups
            .iter()
            .flat_map(|(id, v)| {
                v.chunks(CHUNK_ROWS)
                    .enumerate()
                    .map(move |(seq, c)| Encoded {
                        grp: id.to_string(),
                        seq: seq as i32,
                        rows: c.len() as i32,
                        data: encode_chunk(c),
                        expires: expires(id),
                    })
            })
            .collect();
        let now = s.now.as_second();
        let live = groups
            .iter()
            .filter(|(id, _)| expires(id).is_none_or(|t| t > now))
            .flat_map(|(_, v)| v.iter());
        Prepared {
            source: s.source.clone(),
            kind: s.kind.to_string(),
            group_ids: groups.iter().map(|(id, _)| id.to_string()).collect(),
            chunks,
            incremental: s.incremental,
            etag: s.meta.etag.clone(),
            last_modified: s.meta.last_modified.clone(),
            cursor: s.meta.cursor.map(|t| t.as_second()),
            now,
            count: (!s.incremental).then(|| distinct_keys(live)),
        }
    }
}
