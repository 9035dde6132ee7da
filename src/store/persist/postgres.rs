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

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use futures_util::future::BoxFuture;
use jiff::Timestamp;
use secrecy::ExposeSecret;
use tokio::sync::{OnceCell, mpsc};

use super::codec::{CHUNK_ROWS, TYPE_CODES, decode_chunk, encode_chunk, type_of};
use super::{CachedSource, LeaseState, PersistError, Snapshot, SnapshotStore, SourceMeta};
use crate::config::PostgresConfig;
use crate::model::intern::Interner;
use crate::model::{IndicatorType, Sighting};
use crate::store::health::{FetchOutcome, FetchRecord, HISTORY_MAX};

/// The schema this build writes on PostgreSQL.
pub const PG_SCHEMA_VERSION: i32 = 1;

/// The channel every saved snapshot is announced on; the payload is
/// `<holder id>\t<schema>\t<source name>` (channels are per database, so the schema
/// tells stores in one database apart).
pub const CHANNEL: &str = "intellisiem_snapshots";

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
  fetched_by TEXT);
CREATE INDEX fetch_log_source ON fetch_log (source, at);
CREATE TABLE leases (source TEXT PRIMARY KEY, holder TEXT NOT NULL, expires_at BIGINT NOT NULL);
";

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
    schema: OnceCell<()>,
    /// Snapshots that could not be written while the server was away, by source.
    pending: std::sync::Mutex<HashMap<String, Prepared>>,
}

/// TLS when the connection string asks for it (`sslmode=require`), else none.
#[derive(Clone)]
enum Tls {
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
            recycling_method: RecyclingMethod::Fast,
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
        let client = self.pool.get().await.map_err(|e| {
            PersistError::Unavailable(format!(
                "store {} unreachable: {}",
                self.shown,
                crate::model::sanitize::one_line(&e.to_string(), 160)
            ))
        })?;
        self.schema
            .get_or_try_init(|| migrate(&client, &self.shown))
            .await?;
        Ok(client)
    }
}

/// `user@host pid N #xxxx`: who fetched, for `intellisiem sources`; never a secret.
fn holder_id() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "unknown".into());
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".into());
    crate::model::sanitize::one_line(
        &format!(
            "{user}@{host} pid {} #{:04x}",
            std::process::id(),
            fastrand::u16(..)
        ),
        120,
    )
}

fn pg_err(shown: &str, e: impl std::fmt::Display) -> PersistError {
    PersistError::Sqlite {
        path: shown.into(),
        reason: crate::model::sanitize::one_line(&e.to_string(), 200),
    }
}

/// A write refused for want of rights is [`PersistError::ReadOnly`]; a lost connection
/// [`PersistError::Unavailable`]; anything else keeps the server's message.
fn classify(shown: &str, e: tokio_postgres::Error) -> PersistError {
    if e.code() == Some(&tokio_postgres::error::SqlState::INSUFFICIENT_PRIVILEGE) {
        return PersistError::ReadOnly(shown.to_string());
    }
    if e.is_closed() || e.as_db_error().is_none() {
        return PersistError::Unavailable(format!(
            "store {shown} unreachable: {}",
            crate::model::sanitize::one_line(&e.to_string(), 160)
        ));
    }
    pg_err(shown, e)
}

/// Creates or migrates the schema under an advisory lock; refuses a newer one.
async fn migrate(client: &deadpool_postgres::Object, shown: &str) -> Result<(), PersistError> {
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

fn ts(v: Option<i64>) -> Option<Timestamp> {
    v.and_then(|s| Timestamp::from_second(s).ok())
}

impl SnapshotStore for PgStore {
    fn describe(&self) -> String {
        self.shown.clone()
    }

    fn is_shared(&self) -> bool {
        true
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
            Ok(rows
                .into_iter()
                .map(|r| {
                    (
                        r.get::<_, String>(0),
                        SourceMeta {
                            fetched_at: ts(r.get(1)),
                            etag: r.get(2),
                            last_modified: r.get(3),
                            cursor: ts(r.get(4)),
                            count: r.get::<_, i64>(5).max(0) as usize,
                            fetched_by: r.get(6),
                        },
                    )
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
        Box::pin(async move {
            let mut client = self.client().await?;
            let c = |e| classify(&self.shown, e);
            let tx = client.transaction().await.map_err(c)?;
            tx.execute(
                "INSERT INTO fetch_log (source, at, outcome, count, bytes, duration_ms, fetched_by)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
                &[
                    &source,
                    &r.at.as_millisecond(),
                    &r.outcome.as_str(),
                    &(r.count as i64),
                    &(r.bytes as i64),
                    &(r.duration.as_millis() as i64),
                    &self.holder,
                ],
            )
            .await
            .map_err(c)?;
            tx.execute(
                "DELETE FROM fetch_log WHERE source = $1 AND id NOT IN
                   (SELECT id FROM fetch_log WHERE source = $1 ORDER BY at DESC, id DESC LIMIT $2)",
                &[&source, &(HISTORY_MAX as i64)],
            )
            .await
            .map_err(c)?;
            tx.commit().await.map_err(c)
        })
    }

    fn history(&self, source: String) -> BoxFuture<'_, Result<Vec<FetchRecord>, PersistError>> {
        Box::pin(async move {
            let client = self.client().await?;
            let rows = client
                .query(
                    "SELECT at, outcome, count, bytes, duration_ms FROM
                       (SELECT * FROM fetch_log WHERE source = $1 ORDER BY at DESC, id DESC LIMIT $2) h
                     ORDER BY at, id",
                    &[&source, &(HISTORY_MAX as i64)],
                )
                .await
                .map_err(|e| classify(&self.shown, e))?;
            Ok(rows
                .into_iter()
                .map(|r| FetchRecord {
                    at: Timestamp::from_millisecond(r.get(0)).unwrap_or(Timestamp::UNIX_EPOCH),
                    outcome: FetchOutcome::parse(r.get(1)),
                    count: r.get::<_, i64>(2).max(0) as usize,
                    bytes: r.get::<_, i64>(3).max(0) as u64,
                    duration: Duration::from_millis(r.get::<_, i64>(4).max(0) as u64),
                    // Not kept in the fetch log: only the live fetch's count is known.
                    skipped: 0,
                })
                .collect())
        })
    }

    fn load_all(&self) -> BoxFuture<'_, Result<Vec<CachedSource>, PersistError>> {
        Box::pin(async move {
            let metas = self.metas().await?;
            let client = self.client().await?;
            let rows = client
                .query(
                    "SELECT source, data FROM chunks ORDER BY source, grp, seq",
                    &[],
                )
                .await
                .map_err(|e| classify(&self.shown, e))?;
            let mut strings = Interner::new();
            let mut by_source: HashMap<String, Vec<Sighting>> = HashMap::new();
            for r in rows {
                let name: String = r.get(0);
                let out = by_source.entry(name.clone()).or_default();
                decode_logged(&name, r.get(1), &mut strings, out);
            }
            let mut out: Vec<CachedSource> = metas
                .into_iter()
                .map(|(name, meta)| CachedSource {
                    sightings: by_source.remove(&name).unwrap_or_default(),
                    name,
                    meta,
                })
                .collect();
            out.sort_by(|a, b| a.name.cmp(&b.name));
            Ok(out)
        })
    }

    fn load_source(&self, source: String) -> BoxFuture<'_, Result<Vec<Sighting>, PersistError>> {
        Box::pin(async move {
            let client = self.client().await?;
            let rows = client
                .query(
                    "SELECT data FROM chunks WHERE source = $1 ORDER BY grp, seq",
                    &[&source],
                )
                .await
                .map_err(|e| classify(&self.shown, e))?;
            let mut strings = Interner::new();
            let mut out = Vec::new();
            for r in rows {
                decode_logged(&source, r.get(0), &mut strings, &mut out);
            }
            Ok(out)
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
            let n: i64 = tx
                .query_one(
                    "SELECT COALESCE(SUM(rows), 0)::BIGINT FROM chunks WHERE seen_at < $1",
                    &[&cutoff],
                )
                .await
                .map_err(c)?
                .get(0);
            if n > 0 {
                tx.execute("DELETE FROM chunks WHERE seen_at < $1", &[&cutoff])
                    .await
                    .map_err(c)?;
                tx.execute(
                    "UPDATE sources SET count = (SELECT COALESCE(SUM(rows), 0) FROM chunks WHERE chunks.source = sources.name)",
                    &[],
                )
                .await
                .map_err(c)?;
            }
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
            let until = now.as_second() + i64::try_from(ttl.as_secs()).unwrap_or(3600).max(1);
            let c = |e| classify(&self.shown, e);
            let taken = client
                .query_opt(
                    "INSERT INTO leases (source, holder, expires_at) VALUES ($1, $2, $3)
                     ON CONFLICT (source) DO UPDATE SET holder = EXCLUDED.holder,
                       expires_at = EXCLUDED.expires_at
                     WHERE leases.expires_at < $4 OR leases.holder = EXCLUDED.holder
                     RETURNING holder",
                    &[&source, &self.holder, &until, &now.as_second()],
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
                    holder: crate::model::sanitize::one_line(r.get::<_, &str>(0), 120),
                    until: ts(Some(r.get(1))).unwrap_or(now),
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

    fn changes(&self) -> Option<mpsc::UnboundedReceiver<String>> {
        let (tx, rx) = mpsc::unbounded_channel();
        let pg = self.pg.clone();
        let tls = self.tls.clone();
        let me = self.holder.clone();
        let shown = self.shown.clone();
        tokio::spawn(listen(pg, tls, me, shown, tx));
        Some(rx)
    }
}

impl PgStore {
    async fn save_inner(&self, s: &Snapshot) -> Result<usize, PersistError> {
        let prepared = Prepared::new(s);
        match self.write(&prepared).await {
            Err(e) if e.is_transient() => {
                // Kept, encoded, and written when the server answers again; a newer
                // snapshot of the same source replaces it.
                crate::model::lock(&self.pending).insert(prepared.source.clone(), prepared);
                Err(PersistError::Unavailable(format!(
                    "{e}; the snapshot is kept and saved when the store is back"
                )))
            }
            other => other,
        }
    }

    /// Writes snapshots kept while the server was away; those that still fail for a
    /// transient reason stay kept.
    async fn flush_pending(&self) {
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
                "INSERT INTO chunks (source, grp, seq, seen_at, rows, data) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .await
            .map_err(c)?;
        for (grp, seq, rows, data) in &s.chunks {
            tx.execute(&ins, &[&s.source, grp, seq, &s.now, rows, data])
                .await
                .map_err(c)?;
        }
        let count = match s.count {
            Some(n) => n,
            None => {
                let rows = tx
                    .query("SELECT data FROM chunks WHERE source = $1", &[&s.source])
                    .await
                    .map_err(c)?;
                let mut all = Vec::new();
                let mut strings = Interner::new();
                for r in rows {
                    decode_logged(&s.source, r.get(0), &mut strings, &mut all);
                }
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
struct Prepared {
    source: String,
    kind: String,
    group_ids: Vec<String>,
    /// Group, sequence number, rows, encoded chunk.
    chunks: Vec<(String, i32, i32, Vec<u8>)>,
    incremental: bool,
    etag: Option<String>,
    last_modified: Option<String>,
    cursor: Option<i64>,
    now: i64,
    /// The distinct keys of a whole snapshot; `None` for an incremental one (counted
    /// in the store, across its groups).
    count: Option<usize>,
}

impl Prepared {
    fn new(s: &Snapshot) -> Prepared {
        let groups: Vec<(&str, &[Sighting])> = if s.groups.is_empty() {
            vec![("", &s.sightings[..])]
        } else {
            s.groups
                .iter()
                .filter_map(|(id, r)| s.sightings.get(r.clone()).map(|v| (id.as_str(), v)))
                .collect()
        };
        let chunks = groups
            .iter()
            .flat_map(|(id, v)| {
                v.chunks(CHUNK_ROWS).enumerate().map(move |(seq, c)| {
                    (id.to_string(), seq as i32, c.len() as i32, encode_chunk(c))
                })
            })
            .collect();
        Prepared {
            source: s.source.clone(),
            kind: s.kind.to_string(),
            group_ids: groups.iter().map(|(id, _)| id.to_string()).collect(),
            chunks,
            incremental: s.incremental,
            etag: s.meta.etag.clone(),
            last_modified: s.meta.last_modified.clone(),
            cursor: s.meta.cursor.map(|t| t.as_second()),
            now: s.now.as_second(),
            count: (!s.incremental).then(|| distinct_keys(s.sightings.iter())),
        }
    }
}

fn distinct_keys<'a>(sightings: impl Iterator<Item = &'a Sighting>) -> usize {
    let mut keys: Vec<(IndicatorType, &str)> = sightings.map(|s| (s.kind, &*s.value)).collect();
    keys.sort_unstable();
    keys.dedup();
    keys.len()
}

fn decode_logged(source: &str, data: &[u8], strings: &mut Interner, out: &mut Vec<Sighting>) {
    match decode_chunk(data, strings, out) {
        Ok(0) => {}
        Ok(n) => tracing::warn!(
            "store: skipped {n} unreadable rows of `{}`",
            crate::model::sanitize::one_line(source, 40)
        ),
        Err(e) => tracing::warn!(
            "store: a chunk of `{}` is unreadable: {e}",
            crate::model::sanitize::one_line(source, 40)
        ),
    }
}

/// Listens for saved snapshots and forwards the names of sources that another process
/// saved; reconnects with backoff while the receiver lives.
async fn listen(
    pg: tokio_postgres::Config,
    tls: Tls,
    me: String,
    shown: String,
    tx: mpsc::UnboundedSender<String>,
) {
    let mut backoff = Duration::from_millis(500);
    loop {
        if tx.is_closed() {
            return;
        }
        let result = match &tls {
            Tls::None => listen_once(&pg, tokio_postgres::NoTls, &me, &tx).await,
            Tls::Rustls(t) => listen_once(&pg, t.clone(), &me, &tx).await,
        };
        match result {
            Ok(()) => return,
            Err(e) => {
                tracing::warn!(
                    "store {shown}: change feed lost ({}); retrying in {}",
                    crate::model::sanitize::one_line(&e.to_string(), 120),
                    crate::model::time::format_duration(backoff)
                );
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(30));
            }
        }
    }
}

async fn listen_once<T>(
    pg: &tokio_postgres::Config,
    tls: T,
    me: &str,
    tx: &mpsc::UnboundedSender<String>,
) -> Result<(), tokio_postgres::Error>
where
    T: tokio_postgres::tls::MakeTlsConnect<tokio_postgres::Socket>,
    T::Stream: Send + 'static,
{
    let (client, mut connection) = pg.connect(tls).await?;
    let (ntx, mut nrx) = mpsc::unbounded_channel();
    let driver = tokio::spawn(async move {
        let mut stream = futures_util::stream::poll_fn(move |cx| connection.poll_message(cx));
        use futures_util::StreamExt;
        while let Some(msg) = stream.next().await {
            match msg {
                Ok(tokio_postgres::AsyncMessage::Notification(n)) => {
                    if ntx.send(n.payload().to_string()).is_err() {
                        return Ok(());
                    }
                }
                Ok(_) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    });
    client.batch_execute(&format!("LISTEN {CHANNEL}")).await?;
    let schema: String = client
        .query_one("SELECT current_schema()::TEXT", &[])
        .await?
        .get(0);
    let client = Arc::new(client);
    while let Some(payload) = nrx.recv().await {
        let mut parts = payload.splitn(3, '\t');
        let (Some(holder), Some(their_schema), Some(source)) =
            (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        if holder != me && their_schema == schema && tx.send(source.to_string()).is_err() {
            break;
        }
    }
    drop(client);
    match driver.await {
        Ok(r) => r,
        Err(_) => Ok(()),
    }
}
