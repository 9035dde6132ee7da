// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! A team's shared store on PostgreSQL (`cache.url`): the same snapshots, validators and
//! fetch history as the SQLite file, in the same compact chunks, plus what a team needs
//! to share them — a lease per source so each source is fetched once per interval for
//! everyone (a row in `leases` with an expiry, taken over when its holder died), and a
//! `NOTIFY intellisiem_snapshots` after every saved snapshot so other dashboards load it.
//!
//! The pool connects lazily: a server that is down at start makes calls fail with
//! [`PersistError::Unavailable`] until it is back. The schema is created and migrated on
//! first use under a transaction-scoped advisory lock; a newer schema is refused and left
//! untouched. Client: `tokio-postgres` through a small `deadpool-postgres` pool; TLS with
//! rustls and the platform's certificate verifier when the URL asks for it.

mod answers;
mod errors;
mod history;
mod holder;
mod ledger;
mod listen;
mod marks;
mod push;
mod schema;
mod sightings;
mod trends;
mod write;

use std::collections::HashMap;
use std::ops::RangeInclusive;
use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use futures_util::future::BoxFuture;
use jiff::Timestamp;
use secrecy::ExposeSecret;
use tokio::sync::{OnceCell, mpsc};

use super::decode::{Chunk, by_source, decode_all, flatten};
use super::{CachedSource, Change, LeaseState, PersistError, QuotaOp, QuotaReply};
use super::{Snapshot, SnapshotStore, SourceMeta};
use crate::config::PostgresConfig;
use crate::model::{IndicatorType, LogHit, Sighting};
use crate::store::health::FetchRecord;
use crate::trust::triage::Mark;
use errors::{classify, pg_err};
use holder::holder_id;
pub use schema::{PG_SCHEMA_VERSION, create_v1};
use write::Prepared;

/// The channel every saved snapshot is announced on; the payload is
/// `<holder id>\t<schema>\t<source name>` (channels are per database, so the schema
/// tells stores in one database apart).
pub const CHANNEL: &str = "intellisiem_snapshots";

/// The channel every transaction of hits is announced on; the payload is
/// `<holder id>\t<schema>\t<first row id>\t<last row id>`.
pub const HITS_CHANNEL: &str = "intellisiem_hits";

/// The channel every saved triage mark is announced on; the payload is
/// `<holder id>\t<schema>\t<row id>`.
pub const MARKS_CHANNEL: &str = "intellisiem_marks";

/// The shared store.
pub struct PgStore {
    pool: Pool,
    pg: tokio_postgres::Config,
    tls: Tls,
    /// Where, without credentials, for messages.
    shown: String,
    /// Who this process is, in leases, the fetch history and `NOTIFY` payloads:
    /// `user@host pid N #random`.
    holder: String,
    /// Set once the schema is in place: whether this role may only read.
    schema: OnceCell<bool>,
    /// Snapshots that could not be written while the server was away, by source.
    pending: std::sync::Mutex<HashMap<String, Prepared>>,
}

/// TLS when the connection string asks for it (`sslmode=require`), else none.
#[derive(Clone)]
pub(super) enum Tls {
    None,
    Rustls(tokio_postgres_rustls::MakeRustlsConnect),
}

impl PgStore {
    /// Prepares the pool for `config`; connects on first use, so a server that is down
    /// now does not fail this. Errors: a connection string that does not parse, or no
    /// TLS configuration when TLS is asked for.
    pub fn new(config: &PostgresConfig) -> Result<PgStore, PersistError> {
        let shown = config.redacted();
        let mut pg: tokio_postgres::Config = config.url.expose_secret().parse().map_err(|_| {
            PersistError::Unavailable(format!("{shown}: not a PostgreSQL connection string"))
        })?;
        if let Some(p) = &config.password {
            pg.password(p.expose_secret());
        }
        if pg.get_application_name().is_none() {
            pg.application_name("intellisiem");
        }
        pg.connect_timeout(Duration::from_secs(5));
        let tls = if pg.get_ssl_mode() == tokio_postgres::config::SslMode::Disable {
            Tls::None
        } else {
            use rustls_platform_verifier::ConfigVerifierExt;
            match rustls::ClientConfig::with_platform_verifier() {
                Ok(c) => Tls::Rustls(tokio_postgres_rustls::MakeRustlsConnect::new(c)),
                Err(e) if pg.get_ssl_mode() == tokio_postgres::config::SslMode::Prefer => {
                    tracing::debug!("no TLS for the store: {e}");
                    Tls::None
                }
                Err(e) => {
                    return Err(PersistError::Unavailable(format!(
                        "{shown}: TLS is not available: {e}"
                    )));
                }
            }
        };
        let mgr_config = ManagerConfig {
            recycling_method: RecyclingMethod::Verified,
        };
        let mgr = match &tls {
            Tls::None => Manager::from_config(pg.clone(), tokio_postgres::NoTls, mgr_config),
            Tls::Rustls(t) => Manager::from_config(pg.clone(), t.clone(), mgr_config),
        };
        let pool = Pool::builder(mgr)
            .max_size(4)
            .wait_timeout(Some(Duration::from_secs(10)))
            .create_timeout(Some(Duration::from_secs(10)))
            .runtime(deadpool_postgres::Runtime::Tokio1)
            .build()
            .map_err(|e| PersistError::Unavailable(format!("{shown}: {e}")))?;
        Ok(PgStore {
            pool,
            pg,
            tls,
            shown,
            holder: holder_id(),
            schema: OnceCell::new(),
            pending: std::sync::Mutex::new(HashMap::new()),
        })
    }

    /// Who this process is to the other users of the store.
    pub fn holder(&self) -> &str {
        &self.holder
    }

    /// A pooled connection with the schema in place, after writing any snapshots kept
    /// while the server was away.
    async fn client(&self) -> Result<deadpool_postgres::Object, PersistError> {
        let client = self.raw_client().await?;
        self.flush_pending().await;
        Ok(client)
    }

    /// A pooled connection with the schema in place.
    async fn raw_client(&self) -> Result<deadpool_postgres::Object, PersistError> {
        let mut client = self.pool.get().await.map_err(|e| {
            PersistError::Unavailable(format!(
                "store {} unreachable: {}",
                self.shown,
                crate::model::sanitize::one_line(&e.to_string(), 160)
            ))
        })?;
        self.schema
            .get_or_try_init(|| async {
                schema::migrate(&mut client, &self.shown).await?;
                let writable: bool = client
                    .query_one(
                        "SELECT has_table_privilege(current_schema() || '.chunks', 'INSERT')",
                        &[],
                    )
                    .await
                    .ok()
                    .and_then(|r| r.try_get(0).ok())
                    .unwrap_or(true);
                if !writable {
                    tracing::warn!(
                        "store {} is read-only for this role: snapshots are not saved",
                        self.shown
                    );
                }
                Ok::<bool, PersistError>(!writable)
            })
            .await?;
        Ok(client)
    }
}

/// The chunks of one `source` from rows whose first column is `data`; a row that does
/// not read as bytes is passed over.
pub(super) fn chunks_of<'a>(rows: &'a [tokio_postgres::Row], source: &'a str) -> Vec<Chunk<'a>> {
    rows.iter()
        .filter_map(|r| {
            Some(Chunk {
                source,
                data: r.try_get::<_, &[u8]>(0).ok()?,
            })
        })
        .collect()
}

fn ts(v: Option<i64>) -> Option<Timestamp> {
    v.and_then(|s| Timestamp::from_second(s).ok())
}

impl PgStore {
    /// The rows holding `source`'s chunks that have not expired, in order.
    async fn source_rows(&self, source: &str) -> Result<Vec<tokio_postgres::Row>, PersistError> {
        let client = self.client().await?;
        client
            .query(
                "SELECT data FROM chunks WHERE source = $1
                   AND (expires_at IS NULL OR expires_at > $2) ORDER BY grp, seq",
                &[&source, &Timestamp::now().as_second()],
            )
            .await
            .map_err(|e| classify(&self.shown, e))
    }
}

impl SnapshotStore for PgStore {
    fn describe(&self) -> String {
        self.shown.clone()
    }

    fn save_hits(&self, hits: Vec<LogHit>) -> BoxFuture<'_, Result<usize, PersistError>> {
        Box::pin(async move { self.save_hits_inner(&hits).await })
    }

    fn load_hits(&self, limit: usize) -> BoxFuture<'_, Result<Vec<LogHit>, PersistError>> {
        Box::pin(self.load_hits_inner(limit))
    }

    fn hits_in(
        &self,
        ids: RangeInclusive<i64>,
        limit: usize,
    ) -> BoxFuture<'_, Result<super::HitsPage, PersistError>> {
        Box::pin(self.hits_in_inner(ids, limit))
    }

    fn last_hit_id(&self) -> BoxFuture<'_, Result<i64, PersistError>> {
        Box::pin(self.last_hit_id_inner())
    }

    fn load_hit_rows(
        &self,
        limit: usize,
    ) -> BoxFuture<'_, Result<Vec<(i64, LogHit)>, PersistError>> {
        Box::pin(self.load_hit_rows_inner(limit))
    }

    fn hit_rows_in(
        &self,
        ids: RangeInclusive<i64>,
        limit: usize,
    ) -> BoxFuture<'_, Result<super::HitRowsPage, PersistError>> {
        Box::pin(self.hit_rows_in_inner(ids, limit))
    }

    fn save_mark(&self, mark: Mark) -> BoxFuture<'_, Result<i64, PersistError>> {
        Box::pin(async move { self.save_mark_inner(&mark).await })
    }

    fn marks_after(
        &self,
        after: i64,
        limit: usize,
    ) -> BoxFuture<'_, Result<Vec<(i64, Mark)>, PersistError>> {
        Box::pin(self.marks_after_inner(after, limit))
    }

    fn prune_hits(
        &self,
        now: Timestamp,
        keep: Duration,
    ) -> BoxFuture<'_, Result<usize, PersistError>> {
        Box::pin(self.prune_hits_inner(now, keep))
    }

    fn is_shared(&self) -> bool {
        true
    }

    fn read_only(&self) -> bool {
        self.schema.get().copied().unwrap_or(false)
    }

    fn metas(&self) -> BoxFuture<'_, Result<HashMap<String, SourceMeta>, PersistError>> {
        Box::pin(async move {
            let client = self.client().await?;
            let rows = client
                .query(
                    "SELECT name, fetched_at, etag, last_modified, cursor, count, fetched_by FROM sources",
                    &[],
                )
                .await
                .map_err(|e| classify(&self.shown, e))?;
            // Rows another client wrote oddly are skipped, not trusted.
            Ok(rows
                .into_iter()
                .filter_map(|r| {
                    Some((
                        r.try_get::<_, String>(0).ok()?,
                        SourceMeta {
                            fetched_at: ts(r.try_get(1).ok()?),
                            etag: r.try_get(2).ok()?,
                            last_modified: r.try_get(3).ok()?,
                            cursor: ts(r.try_get(4).ok()?),
                            count: r.try_get::<_, i64>(5).ok()?.max(0) as usize,
                            fetched_by: r.try_get(6).ok()?,
                        },
                    ))
                })
                .collect())
        })
    }

    fn save(&self, snapshot: Snapshot) -> BoxFuture<'_, (Snapshot, Result<usize, PersistError>)> {
        Box::pin(async move {
            let result = self.save_inner(&snapshot).await;
            (snapshot, result)
        })
    }

    fn confirm(&self, source: String, now: Timestamp) -> BoxFuture<'_, Result<(), PersistError>> {
        Box::pin(async move {
            let mut client = self.client().await?;
            let c = |e| classify(&self.shown, e);
            let tx = client.transaction().await.map_err(c)?;
            tx.execute(
                "UPDATE sources SET fetched_at = $2, fetched_by = $3 WHERE name = $1",
                &[&source, &now.as_second(), &self.holder],
            )
            .await
            .map_err(c)?;
            tx.execute(
                "UPDATE chunks SET seen_at = $2 WHERE source = $1",
                &[&source, &now.as_second()],
            )
            .await
            .map_err(c)?;
            tx.commit().await.map_err(c)
        })
    }

    fn record(&self, source: String, r: FetchRecord) -> BoxFuture<'_, Result<(), PersistError>> {
        Box::pin(async move { self.record_inner(&source, &r).await })
    }

    fn history(&self, source: String) -> BoxFuture<'_, Result<Vec<FetchRecord>, PersistError>> {
        Box::pin(async move { self.history_inner(&source).await })
    }

    fn source_days(
        &self,
        since: Timestamp,
    ) -> BoxFuture<'_, Result<Vec<super::SourceDay>, PersistError>> {
        Box::pin(self.source_days_inner(since))
    }

    fn hit_hours(
        &self,
        since: Timestamp,
    ) -> BoxFuture<'_, Result<Vec<super::HitHour>, PersistError>> {
        Box::pin(self.hit_hours_inner(since))
    }

    fn record_skips(
        &self,
        source: String,
        at: Timestamp,
        skips: Vec<(String, usize)>,
    ) -> BoxFuture<'_, Result<(), PersistError>> {
        Box::pin(async move { self.record_skips_inner(&source, at, &skips).await })
    }

    fn fetch_skips(
        &self,
        source: String,
        since: Timestamp,
    ) -> BoxFuture<'_, Result<Vec<super::FetchSkip>, PersistError>> {
        Box::pin(async move { self.fetch_skips_inner(&source, since).await })
    }

    fn load_all(&self) -> BoxFuture<'_, Result<Vec<CachedSource>, PersistError>> {
        Box::pin(async move {
            let metas = self.metas().await?;
            let client = self.client().await?;
            let rows = client
                .query(
                    "SELECT source, data FROM chunks WHERE expires_at IS NULL OR expires_at > $1
                     ORDER BY source, grp, seq",
                    &[&Timestamp::now().as_second()],
                )
                .await
                .map_err(|e| classify(&self.shown, e))?;
            let chunks: Vec<Chunk<'_>> = rows
                .iter()
                .filter_map(|r| {
                    Some(Chunk {
                        source: r.try_get::<_, &str>(0).ok()?,
                        data: r.try_get::<_, &[u8]>(1).ok()?,
                    })
                })
                .collect();
            let decoded = decode_all(&chunks, "store");
            let mut by_source = by_source(chunks.iter().map(|c| c.source).zip(decoded));
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
        })
    }

    fn load_source(&self, source: String) -> BoxFuture<'_, Result<Vec<Sighting>, PersistError>> {
        Box::pin(async move {
            let rows = self.source_rows(&source).await?;
            let chunks = chunks_of(&rows, &source);
            Ok(flatten(decode_all(&chunks, "store")))
        })
    }

    fn read_source(&self, source: String) -> BoxFuture<'_, Result<Vec<Vec<u8>>, PersistError>> {
        Box::pin(async move {
            let rows = self.source_rows(&source).await?;
            Ok(chunks_of(&rows, &source)
                .into_iter()
                .map(|c| c.data.to_vec())
                .collect())
        })
    }

    fn apply_retention(
        &self,
        now: Timestamp,
        keep: Duration,
    ) -> BoxFuture<'_, Result<usize, PersistError>> {
        Box::pin(async move {
            let cutoff = now.as_second() - i64::try_from(keep.as_secs()).unwrap_or(i64::MAX / 2);
            let mut client = self.client().await?;
            let c = |e| classify(&self.shown, e);
            let tx = client.transaction().await.map_err(c)?;
            // Delivered too long ago, or expired (a TAXII indicator's `valid_until`).
            let gone = "seen_at < $1 OR expires_at <= $2";
            let at = [
                &cutoff as &(dyn tokio_postgres::types::ToSql + Sync),
                &now.as_second(),
            ];
            let n: i64 = tx
                .query_one(
                    &format!("SELECT COALESCE(SUM(rows), 0)::BIGINT FROM chunks WHERE {gone}"),
                    &at,
                )
                .await
                .map_err(c)?
                .try_get(0)
                .map_err(c)?;
            if n > 0 {
                tx.execute(&format!("DELETE FROM chunks WHERE {gone}"), &at)
                    .await
                    .map_err(c)?;
                tx.execute(
                    "UPDATE sources SET count = (SELECT COALESCE(SUM(rows), 0) FROM chunks WHERE chunks.source = sources.name)",
                    &[],
                )
                .await
                .map_err(c)?;
                // A source left with nothing must be fetched whole again: forget its
                // validators, or a 304 would confirm an empty snapshot.
                tx.execute(
                    "UPDATE sources SET fetched_at = NULL, etag = NULL, last_modified = NULL, cursor = NULL
                     WHERE NOT EXISTS (SELECT 1 FROM chunks WHERE chunks.source = sources.name)",
                    &[],
                )
                .await
                .map_err(c)?;
            }
            trends::age(&tx, cutoff, now, n > 0).await.map_err(c)?;
            tx.commit().await.map_err(c)?;
            Ok(n.max(0) as usize)
        })
    }

    fn lease(
        &self,
        source: String,
        ttl: Duration,
    ) -> BoxFuture<'_, Result<LeaseState, PersistError>> {
        Box::pin(async move {
            let client = self.client().await?;
            let now = Timestamp::now();
            let ttl = i64::try_from(ttl.as_secs()).unwrap_or(3600).max(1);
            let c = |e| classify(&self.shown, e);
            // Expiry on the server's clock, so a teammate whose clock runs ahead cannot
            // take over a live lease.
            let taken = client
                .query_opt(
                    "INSERT INTO leases (source, holder, expires_at)
                       VALUES ($1, $2, extract(epoch from now())::BIGINT + $3)
                     ON CONFLICT (source) DO UPDATE SET holder = EXCLUDED.holder,
                       expires_at = EXCLUDED.expires_at
                     WHERE leases.expires_at < extract(epoch from now())::BIGINT
                       OR leases.holder = EXCLUDED.holder
                     RETURNING holder",
                    &[&source, &self.holder, &ttl],
                )
                .await
                .map_err(c)?;
            if taken.is_some() {
                return Ok(LeaseState::Granted);
            }
            let held = client
                .query_opt(
                    "SELECT holder, expires_at FROM leases WHERE source = $1",
                    &[&source],
                )
                .await
                .map_err(c)?;
            Ok(match held {
                Some(r) => LeaseState::HeldBy {
                    holder: crate::model::sanitize::one_line(
                        r.try_get::<_, &str>(0).unwrap_or_default(),
                        120,
                    ),
                    until: ts(r.try_get(1).ok()).unwrap_or(now),
                },
                // Released between the two statements: try again later.
                None => LeaseState::HeldBy {
                    holder: String::new(),
                    until: now,
                },
            })
        })
    }

    fn release(&self, source: String) -> BoxFuture<'_, Result<(), PersistError>> {
        Box::pin(async move {
            let client = self.client().await?;
            client
                .execute(
                    "DELETE FROM leases WHERE source = $1 AND holder = $2",
                    &[&source, &self.holder],
                )
                .await
                .map_err(|e| classify(&self.shown, e))?;
            Ok(())
        })
    }

    fn quota(
        &self,
        account: String,
        op: QuotaOp,
    ) -> BoxFuture<'_, Result<QuotaReply, PersistError>> {
        Box::pin(ledger::quota(self, account, op))
    }

    fn push_state(
        &self,
        source: String,
        op: super::PushOp,
    ) -> BoxFuture<'_, Result<super::PushReply, PersistError>> {
        Box::pin(push::push_state(self, source, op))
    }

    fn push_states(&self) -> BoxFuture<'_, Result<Vec<(String, super::PushRow)>, PersistError>> {
        Box::pin(push::push_states(self))
    }

    fn changes(&self) -> Option<mpsc::UnboundedReceiver<Change>> {
        let (tx, rx) = mpsc::unbounded_channel();
        let pg = self.pg.clone();
        let tls = self.tls.clone();
        let me = self.holder.clone();
        let shown = self.shown.clone();
        tokio::spawn(listen::listen(pg, tls, me, shown, tx));
        Some(rx)
    }
}

pub(super) fn distinct_keys<'a>(sightings: impl Iterator<Item = &'a Sighting>) -> usize {
    let mut keys: Vec<(IndicatorType, &str)> = sightings.map(|s| (s.kind, &*s.value)).collect();
    keys.sort_unstable();
    keys.dedup();
    keys.len()
}
