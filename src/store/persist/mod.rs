// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Persistence behind one trait, [`SnapshotStore`]: each source's last good snapshot,
//! the validators and cursors for its next conditional or incremental fetch, and its
//! fetch history; the quota ledger of rate-limited keys; and enrichment results.
//!
//! The engine and the dashboard's runtime see only the trait. Every call is async and
//! may fail; a failure never fails a fetch, it comes back as a note to show. SQLite
//! ([`sqlite`]) is the embedded default; a server-backed store implements the same trait.
//! Where the store lives, or whether there is one (`cache.path`, `--no-cache`), is
//! decided here too ([`location`], [`open`]).

mod answers;
mod codec;
mod decode;
mod hit_row;
mod ledger;
mod marks;
pub mod postgres;
pub mod push;
pub mod sqlite;
mod sqlite_store;
pub mod trends;

use std::collections::HashMap;
use std::ops::{Range, RangeInclusive};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use futures_util::future::BoxFuture;
use jiff::Timestamp;

use super::health::FetchRecord;
use crate::config::{CachePath, Config};
use crate::model::{LogHit, Sighting};
use crate::trust::triage::Mark;

pub use answers::{AnswerKey, EnrichmentStore, MAX_LOADED_ANSWERS, StoreAnswers, kept_answers};
pub use codec::{type_code, type_of};
pub use decode::{PART_CHUNKS, decode_parts};
pub use ledger::{QuotaOp, QuotaReply, StoreLedger};
pub use postgres::PgStore;
pub use push::{PushOp, PushReply, PushRow, PushStream};
pub use sqlite::{Opened, SCHEMA_VERSION, Sqlite};
pub use sqlite_store::SqliteStore;
pub use trends::{FetchSkip, HitHour, SourceDay};

/// The most hits found in the logs the store keeps (the oldest found go first).
pub const MAX_STORED_HITS: usize = 200_000;

/// Why the store could not do what was asked. One line; never holds a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PersistError {
    #[error(
        "cache {path} was written by a newer IntelliSIEM (schema {found}, this build reads up to {SCHEMA_VERSION}); it is left untouched and not used"
    )]
    Newer { path: PathBuf, found: i64 },
    #[error("cache {path}: {reason}")]
    Sqlite { path: PathBuf, reason: String },
    /// The store cannot be reached now (a server down, a worker gone); calls may
    /// succeed later.
    #[error("cache: {0}")]
    Unavailable(String),
    /// The store's schema is older than this build's and this role may not upgrade it.
    #[error(
        "store {path} has schema {found}, older than this build's {wanted}, and this role may not upgrade it: open it once with a role that may create tables"
    )]
    Older {
        path: PathBuf,
        found: i64,
        wanted: i64,
    },
    /// The role may read the store but not write it.
    #[error("store {0} is read-only for this role: snapshots are not saved")]
    ReadOnly(String),
}

impl PersistError {
    /// Whether a later call may succeed (the server is down, not the data wrong).
    pub fn is_transient(&self) -> bool {
        matches!(self, PersistError::Unavailable(_))
    }
}

/// Who may fetch a source now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LeaseState {
    /// This process holds the source's fetch until it releases it or the lease expires.
    Granted,
    /// Another process is fetching it.
    HeldBy { holder: String, until: Timestamp },
}

/// Stored hits, oldest first, and the highest row id among them (`None`: none).
pub type HitsPage = (Vec<LogHit>, Option<i64>);

/// Stored hits with their row ids, oldest first, and the highest row id read (`None`:
/// none).
pub type HitRowsPage = (Vec<(i64, LogHit)>, Option<i64>);

/// A change another process made to a shared store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// It saved this source's snapshot.
    Snapshot(String),
    /// It stored hits, with row ids in this range (a sensor's `match --record`, another
    /// dashboard's followed logs).
    Hits(RangeInclusive<i64>),
    /// It stored a triage mark with this row id (see [`SnapshotStore::marks_after`]).
    Marks(i64),
}

/// What a source's last good fetch left for the next one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceMeta {
    pub fetched_at: Option<Timestamp>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub cursor: Option<Timestamp>,
    /// Distinct indicators in the stored snapshot.
    pub count: usize,
    /// Who saved it (`user@host pid N`), on a shared store.
    pub fetched_by: Option<String>,
}

/// A source's stored snapshot, or a part of it.
#[derive(Debug, Clone)]
pub struct CachedSource {
    pub name: String,
    pub meta: SourceMeta,
    pub sightings: Vec<Sighting>,
    /// A further part of the snapshot whose first part came before: added to it. When
    /// `false`, these sightings replace what the source held.
    pub continues: bool,
}

/// A snapshot to save: the whole snapshot of `source`, or with `incremental` only the
/// `groups` it names (an OTX pulse is one group, replaced as a whole).
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub source: String,
    /// The source's kind name, kept for listings.
    pub kind: &'static str,
    pub sightings: Vec<Sighting>,
    /// Group ids with their range in `sightings`; empty: one unnamed group of all.
    pub groups: Vec<(String, Range<usize>)>,
    /// When groups lapse, by id (a TAXII indicator's `valid_until`): from then on the
    /// store reads them no more, and retention deletes them. Others never lapse.
    pub expires: HashMap<String, Timestamp>,
    pub incremental: bool,
    pub meta: SourceMeta,
    pub now: Timestamp,
}

/// Where snapshots persist. Async and fallible at every call, so a networked backend fits
/// behind it; implementations are shared across tasks (`Arc<dyn SnapshotStore>`).
pub trait SnapshotStore: EnrichmentStore + Send + Sync {
    /// Where the store is, for messages (a path, or a URL without credentials).
    fn describe(&self) -> String;

    /// What each stored source's last good fetch left, by source name.
    fn metas(&self) -> BoxFuture<'_, Result<HashMap<String, SourceMeta>, PersistError>>;

    /// Saves `snapshot` in one transaction and hands it back (its sightings are often
    /// still needed) with the source's stored indicator count (of the groups live at
    /// the snapshot's `now`).
    fn save(&self, snapshot: Snapshot) -> BoxFuture<'_, (Snapshot, Result<usize, PersistError>)>;

    /// A `304 Not Modified` at `now`: the stored snapshot is still current.
    fn confirm(&self, source: String, now: Timestamp) -> BoxFuture<'_, Result<(), PersistError>>;

    /// Remembers one fetch in the source's history.
    fn record(
        &self,
        source: String,
        record: FetchRecord,
    ) -> BoxFuture<'_, Result<(), PersistError>>;

    /// The fetch history of `source`, oldest first.
    fn history(&self, source: String) -> BoxFuture<'_, Result<Vec<FetchRecord>, PersistError>>;

    /// Every stored source's snapshot, without the groups whose expiry has passed.
    fn load_all(&self) -> BoxFuture<'_, Result<Vec<CachedSource>, PersistError>>;

    /// One source's snapshot (all its groups but those whose expiry has passed).
    fn load_source(&self, source: String) -> BoxFuture<'_, Result<Vec<Sighting>, PersistError>>;

    /// The stored chunks of what [`SnapshotStore::load_source`] reads, in their order and
    /// undecoded (see [`decode_parts`]): the caller decodes and shows them part by part.
    fn read_source(&self, source: String) -> BoxFuture<'_, Result<Vec<Vec<u8>>, PersistError>>;

    /// Drops sightings no source delivered within `keep` of `now`, and those whose group
    /// expired by `now`; returns how many. The trend tables ([`trends`]) older than
    /// `keep` go too.
    fn apply_retention(
        &self,
        now: Timestamp,
        keep: Duration,
    ) -> BoxFuture<'_, Result<usize, PersistError>>;

    /// Keeps hits found in the followed logs (the `sightings` table) in one
    /// transaction; a hit already stored (same line, field and indicator) is kept once,
    /// and at most [`MAX_STORED_HITS`] stay. Returns how many were new.
    fn save_hits(&self, hits: Vec<LogHit>) -> BoxFuture<'_, Result<usize, PersistError>>;

    /// The `limit` hits stored last, newest first.
    fn load_hits(&self, limit: usize) -> BoxFuture<'_, Result<Vec<LogHit>, PersistError>>;

    /// Up to `limit` stored hits whose row id is in `ids`, oldest first, with the highest
    /// id among them (`None`: none). Row ids grow as hits are stored; a [`Change::Hits`]
    /// names the ids one transaction added.
    fn hits_in(
        &self,
        ids: RangeInclusive<i64>,
        limit: usize,
    ) -> BoxFuture<'_, Result<HitsPage, PersistError>>;

    /// The row id of the newest stored hit (0: none).
    fn last_hit_id(&self) -> BoxFuture<'_, Result<i64, PersistError>>;

    /// [`SnapshotStore::load_hits`] with each hit's row id: the `limit` hits stored
    /// last, newest first.
    fn load_hit_rows(
        &self,
        limit: usize,
    ) -> BoxFuture<'_, Result<Vec<(i64, LogHit)>, PersistError>>;

    /// [`SnapshotStore::hits_in`] with each hit's row id.
    fn hit_rows_in(
        &self,
        ids: RangeInclusive<i64>,
        limit: usize,
    ) -> BoxFuture<'_, Result<HitRowsPage, PersistError>>;

    /// Keeps a triage mark (see [`crate::trust::triage`]); returns its row id, higher
    /// than every mark's stored before it. A shared store announces it
    /// ([`Change::Marks`]).
    fn save_mark(&self, mark: Mark) -> BoxFuture<'_, Result<i64, PersistError>>;

    /// Up to `limit` stored marks whose row id is above `after`, oldest first, with
    /// their row ids. Rows this build cannot read (a type or verdict it does not know)
    /// are left out.
    fn marks_after(
        &self,
        after: i64,
        limit: usize,
    ) -> BoxFuture<'_, Result<Vec<(i64, Mark)>, PersistError>>;

    /// Drops hits found more than `keep` before `now`, and the hit hours
    /// ([`SnapshotStore::hit_hours`]) older than that; returns how many hits.
    fn prune_hits(
        &self,
        now: Timestamp,
        keep: Duration,
    ) -> BoxFuture<'_, Result<usize, PersistError>>;

    /// Indicators held per source per UTC day, for the days from `since`'s day on,
    /// by source then day (see [`trends`]).
    fn source_days(&self, since: Timestamp) -> BoxFuture<'_, Result<Vec<SourceDay>, PersistError>>;

    /// Hits per UTC hour (of the event time), indicator type, sensor and threat, for the
    /// hours from `since`'s hour on, oldest first (see [`trends`]).
    fn hit_hours(&self, since: Timestamp) -> BoxFuture<'_, Result<Vec<HitHour>, PersistError>>;

    /// Keeps the records the fetch of `source` at `at` (its [`FetchRecord::at`])
    /// skipped, as `(reason label, count)`; see [`trends::skip_rows`]. Kept as long as
    /// the fetch stays in the history, and no longer than retention.
    fn record_skips(
        &self,
        source: String,
        at: Timestamp,
        skips: Vec<(String, usize)>,
    ) -> BoxFuture<'_, Result<(), PersistError>>;

    /// The skipped records of `source`'s fetches from `since` on, oldest fetch first,
    /// each fetch's reasons most frequent first.
    fn fetch_skips(
        &self,
        source: String,
        since: Timestamp,
    ) -> BoxFuture<'_, Result<Vec<FetchSkip>, PersistError>>;

    /// Whether other processes share this store (and so its leases and changes).
    fn is_shared(&self) -> bool {
        false
    }

    /// Whether this process may only read the store (known once a call has reached it).
    fn read_only(&self) -> bool {
        false
    }

    /// Asks to fetch `source` for up to `ttl`. A store used by one process always grants.
    fn lease(
        &self,
        _source: String,
        _ttl: Duration,
    ) -> BoxFuture<'_, Result<LeaseState, PersistError>> {
        Box::pin(async { Ok(LeaseState::Granted) })
    }

    /// Gives a granted lease back.
    fn release(&self, _source: String) -> BoxFuture<'_, Result<(), PersistError>> {
        Box::pin(async { Ok(()) })
    }

    /// What other processes change, as they change it: the sources whose snapshot they
    /// saved, and the hits they stored; `None` for a store no one else writes.
    fn changes(&self) -> Option<tokio::sync::mpsc::UnboundedReceiver<Change>> {
        None
    }

    /// Applies `op` to the quota `account` (a key's fingerprint) in one transaction
    /// that every process using the store serialises on (see [`crate::net::ledger`]).
    fn quota(
        &self,
        account: String,
        op: QuotaOp,
    ) -> BoxFuture<'_, Result<QuotaReply, PersistError>>;

    /// Applies `op` to `source`'s push-back state in one transaction that every process
    /// using the store serialises on (see [`push`]).
    fn push_state(
        &self,
        source: String,
        op: PushOp,
    ) -> BoxFuture<'_, Result<PushReply, PersistError>>;

    /// Every source's push-back state, by source name, for listings.
    fn push_states(&self) -> BoxFuture<'_, Result<Vec<(String, PushRow)>, PersistError>>;
}

impl Snapshot {
    /// The snapshot's groups, each id once (the sightings of an id given twice taken
    /// together), in the order they first appear; one unnamed group when there are none.
    pub fn grouped(&self) -> Vec<(&str, std::borrow::Cow<'_, [Sighting]>)> {
        use std::borrow::Cow;
        if self.groups.is_empty() {
            return vec![("", Cow::Borrowed(&self.sightings[..]))];
        }
        let mut out: Vec<(&str, Cow<'_, [Sighting]>)> = Vec::with_capacity(self.groups.len());
        let mut seen: HashMap<&str, usize> = HashMap::with_capacity(self.groups.len());
        for (id, range) in &self.groups {
            let Some(part) = self.sightings.get(range.clone()) else {
                continue;
            };
            match seen.get(id.as_str()) {
                Some(&i) => out[i].1.to_mut().extend_from_slice(part),
                None => {
                    seen.insert(id, out.len());
                    out.push((id, Cow::Borrowed(part)));
                }
            }
        }
        out
    }
}

/// A store shared by background tasks.
pub type SharedStore = Arc<dyn SnapshotStore>;

/// `$XDG_DATA_HOME/intellisiem/cache.db` (else `~/.local/share/...`).
pub fn default_path(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    env("XDG_DATA_HOME")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            env("HOME")
                .filter(|h| !h.is_empty())
                .map(|h| PathBuf::from(h).join(".local/share"))
        })
        .map(|d| d.join("intellisiem").join("cache.db"))
}

/// Where the store lives for this config, if anywhere (`no_cache` is `--no-cache`,
/// which wins over the file).
pub fn location(config: &Config, no_cache: bool) -> Option<PathBuf> {
    if no_cache {
        return None;
    }
    match &config.cache.path {
        CachePath::Off => None,
        CachePath::File(p) => Some(p.clone()),
        CachePath::Default => default_path(&crate::config::process_env),
    }
}

/// Where the store is: a team's PostgreSQL database, a SQLite file, or none.
#[derive(Debug, Clone)]
pub enum Location {
    Postgres(crate::config::PostgresConfig),
    File(PathBuf),
    None,
}

impl Location {
    /// The store for this config (`no_cache` is `--no-cache`, which wins over the file).
    pub fn of(config: &Config, no_cache: bool) -> Location {
        if no_cache {
            return Location::None;
        }
        if let Some(pg) = &config.cache.postgres {
            return Location::Postgres(pg.clone());
        }
        location(config, false).map_or(Location::None, Location::File)
    }
}

/// Opens the store at `location`. Returns it, if usable, and lines to show the user (a
/// file moved aside, a newer schema refused, an I/O problem). A PostgreSQL store
/// connects on first use, so a server that is down now is not an error here.
pub fn open_location(location: &Location) -> (Option<SharedStore>, Vec<String>) {
    match location {
        Location::None => (None, Vec::new()),
        Location::File(p) => open(Some(p)),
        Location::Postgres(pg) => match PgStore::new(pg) {
            Ok(s) => (Some(Arc::new(s)), Vec::new()),
            Err(e) => (None, vec![e.to_string()]),
        },
    }
}

/// Opens the SQLite store at `path` (none: no store). Returns it, if usable, and lines to
/// show the user (a file moved aside, a newer schema refused, an I/O problem).
pub fn open(path: Option<&std::path::Path>) -> (Option<SharedStore>, Vec<String>) {
    let Some(path) = path else {
        return (None, Vec::new());
    };
    match Sqlite::open(path) {
        Ok(opened) => {
            let notes = opened.warning.into_iter().collect();
            (Some(Arc::new(SqliteStore::new(opened.db))), notes)
        }
        Err(e) => (None, vec![e.to_string()]),
    }
}
