// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The set as `serve` holds it: read from the store like `fetch --offline` (merged,
//! scored, screened by the allow- and warninglists, decayed values left out), frozen into
//! an immutable [`Snapshot`] with a version, and replaced as a whole when the store
//! changes (see [`follow`]). It fetches no feed itself: with `serve --fetch`, the
//! fetcher saves into the store, and the set comes back through [`follow`] like any
//! other save.

use std::cmp::Ordering;
use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, AtomicU64};
use std::sync::{Arc, RwLock};

use smallvec::SmallVec;

use crate::model::time::Secs;
use crate::store::scored::{CommandInputs, Scorer};
use std::time::Duration;

use jiff::Timestamp;

use crate::config::Config;
use crate::engine;
use crate::matching::Warninglists;
use crate::model::IndicatorType;
use crate::store::persist::SharedStore;
use crate::trust::allowlist::Screened;

/// The collection that holds the whole set.
pub const ALL: &str = "all";

/// How often the store's sources are looked at for a change (a shared PostgreSQL store
/// also announces its changes at once).
pub const POLL: Duration = Duration::from_secs(2);

/// How often the sources' figures for `/metrics` are read between snapshots (a failed
/// fetch saves no snapshot, but is a failure to count).
pub const METRICS_EVERY: Duration = Duration::from_secs(15);

/// The least time between two snapshots read for new hits alone: sensors that record
/// all the time would otherwise have the whole set read at every poll.
pub const HITS_EVERY: Duration = Duration::from_secs(20);

/// How long after a failed read of the set the next is tried (a store that answers
/// `metas` but not the set is not read again at every write).
pub const LOAD_RETRY: Duration = Duration::from_secs(10);

/// How long after a write to a watched SQLite store the set is read (a save is many
/// writes, taken as one).
pub const WRITE_SETTLE: Duration = Duration::from_millis(150);

/// One served value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub kind: IndicatorType,
    /// The canonical value, never defanged (shared with the TAXII history).
    pub value: Arc<str>,
    /// 0-100, as of the snapshot's scoring.
    pub score: u8,
    /// Indexes into [`Snapshot::sources`] (most values have one or two: inline).
    pub sources: SmallVec<[u16; 2]>,
    /// The earliest date a source gives.
    pub first_seen: Option<Secs>,
    /// When its score decays below `scoring.expire_below` (`None`: only a new listing
    /// moves it; see [`crate::trust::score::decays_at`]).
    pub valid_until: Option<Secs>,
    /// The first threat name a source gives.
    pub threat: Option<Arc<str>>,
    /// The sources' tags, each once.
    pub labels: Box<[Arc<str>]>,
}

impl Row {
    /// A row with a value's type, value, score and sources, and nothing else known.
    pub fn new(kind: IndicatorType, value: &str, score: u8, sources: &[u16]) -> Row {
        Row {
            kind,
            value: value.into(),
            score,
            sources: SmallVec::from_slice(sources),
            first_seen: None,
            valid_until: None,
            threat: None,
            labels: Box::default(),
        }
    }
}

/// Our own sightings of one served value by one sensor, summed over the stored hits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sighted {
    pub kind: IndicatorType,
    pub value: Box<str>,
    /// The sensor (`observer.name`) that saw it.
    pub sensor: Box<str>,
    pub count: u64,
    /// The first and last event times, Unix seconds.
    pub first: i64,
    pub last: i64,
}

/// A source as the snapshot saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceState {
    pub name: String,
    /// Distinct indicators in its stored snapshot.
    pub count: usize,
    /// Its last good fetch.
    pub fetched_at: Option<Timestamp>,
}

/// The immutable set a server answers from, shared behind an [`Arc`].
#[derive(Debug, Default)]
pub struct Snapshot {
    /// Grows by one with each snapshot a server loads (0: none loaded yet).
    pub version: u64,
    /// When it was built.
    pub built: Option<Timestamp>,
    pub sources: Vec<SourceState>,
    /// In a stable order: by type (ipv4, ipv6, cidr, domain, url, ...), then IPs and
    /// CIDRs numerically, other values by their bytes.
    pub rows: Vec<Row>,
    /// Our own sightings of served values, by value then sensor.
    pub sighted: Vec<Sighted>,
    /// The stored hits' figures for `/metrics`, rendered when the snapshot was read (the
    /// sources' are in [`Shared::sources_metrics`], read more often).
    pub metrics: String,
    /// The TAXII 2.1 collections as of this snapshot.
    pub taxii: super::taxii::View,
}

impl Snapshot {
    /// The index of the source `name` (a collection), if the snapshot has it.
    pub fn source(&self, name: &str) -> Option<u16> {
        self.sources
            .iter()
            .position(|s| s.name == name)
            .and_then(|i| u16::try_from(i).ok())
    }

    /// Whether `name` is a collection: [`ALL`] or a source's name.
    pub fn has_collection(&self, name: &str) -> bool {
        name == ALL || self.source(name).is_some()
    }

    /// The newest good fetch of the collection's sources (`Last-Modified`).
    pub fn modified(&self, collection: &str) -> Option<Timestamp> {
        self.sources
            .iter()
            .filter(|s| collection == ALL || s.name == collection)
            .filter_map(|s| s.fetched_at)
            .max()
    }
}

/// The snapshot being served, and the store's state.
#[derive(Debug, Default)]
pub struct Shared {
    current: RwLock<Arc<Snapshot>>,
    /// False while the store cannot be read (the last good snapshot is served).
    pub store_up: AtomicBool,
    /// Snapshot loads that failed.
    pub load_failures: AtomicU64,
    /// The sources' figures for `/metrics` ([`super::metrics::sources_text`]), read with
    /// each snapshot and every [`METRICS_EVERY`] between them.
    sources_metrics: RwLock<Arc<String>>,
}

impl Shared {
    /// The snapshot to answer one request from.
    pub fn get(&self) -> Arc<Snapshot> {
        match self.current.read() {
            Ok(g) => g.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    /// The sources' figures for `/metrics`.
    pub fn sources_metrics(&self) -> Arc<String> {
        match self.sources_metrics.read() {
            Ok(g) => g.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    /// Replaces the sources' figures.
    pub fn set_sources_metrics(&self, text: String) {
        let text = Arc::new(text);
        match self.sources_metrics.write() {
            Ok(mut g) => *g = text,
            Err(p) => *p.into_inner() = text,
        }
    }

    /// Reads the sources' figures from `store` again.
    pub async fn refresh_sources_metrics(&self, config: &Config, store: &SharedStore) {
        match store.metas().await {
            Ok(metas) => {
                let configured: Vec<String> = config
                    .sources
                    .iter()
                    .filter(|s| s.enabled)
                    .map(|s| s.name.clone())
                    .collect();
                let text = super::metrics::sources_text(store, &metas, &configured).await;
                self.set_sources_metrics(text);
            }
            Err(e) => tracing::debug!("serve: metrics: {e}"),
        }
    }

    /// Replaces the snapshot.
    pub fn set(&self, snap: Snapshot) {
        let snap = Arc::new(snap);
        match self.current.write() {
            Ok(mut g) => *g = snap,
            Err(p) => *p.into_inner() = snap,
        }
    }
}

/// A value's place within its type: address family, address, prefix length.
type Place = (u8, u128, u8);

/// The sort key of a value within its type: IPs and CIDRs numerically.
fn numeric(kind: IndicatorType, value: &str) -> Place {
    let ip = |a: IpAddr| match a {
        IpAddr::V4(v) => (4, u128::from(u32::from(v))),
        IpAddr::V6(v) => (6, u128::from(v)),
    };
    match kind {
        IndicatorType::Ipv4 | IndicatorType::Ipv6 => value
            .parse::<IpAddr>()
            .map_or((9, 0, 0), |a| (ip(a).0, ip(a).1, 255)),
        IndicatorType::Cidr => value.parse::<ipnet::IpNet>().map_or((9, 0, 0), |n| {
            let (f, x) = ip(n.network());
            (f, x, n.prefix_len())
        }),
        _ => (0, 0, 0),
    }
}

/// Sorts `rows` into the served order (see [`Snapshot::rows`]).
pub fn sort_rows(rows: &mut Vec<Row>) {
    let mut keyed: Vec<((u8, Place), Row)> = rows
        .drain(..)
        .map(|r| ((r.kind as u8, numeric(r.kind, &r.value)), r))
        .collect();
    keyed.sort_unstable_by(|a, b| match a.0.cmp(&b.0) {
        Ordering::Equal => a.1.value.cmp(&b.1.value),
        o => o,
    });
    rows.extend(keyed.into_iter().map(|(_, r)| r));
}

/// Reads the set from `store` into a snapshot numbered `version`, and brings `ledger`
/// (the TAXII collections' history) up to it.
///
/// # Errors
/// The store cannot be read (the message says why).
pub async fn load(
    config: &Config,
    store: &SharedStore,
    lists: &Warninglists,
    version: u64,
    ledger: &mut super::taxii::Ledger,
) -> Result<Snapshot, String> {
    let metas = store.metas().await.map_err(|e| e.to_string())?;
    let mut runs = engine::run_offline(config, Some(store), &config.sources).await?;
    let mut set = engine::merge(&mut runs);
    let now = Timestamp::now();
    let (inputs, notes) = CommandInputs::read(Some(store)).await;
    for n in notes {
        tracing::warn!("serve: {}", crate::model::sanitize::one_line(&n, 300));
    }
    let metrics = super::metrics::hits_text(store).await;
    // CPU work on a 1M set: off the async workers' hands (the runtime is multi-threaded).
    let (rows, sighted) = tokio::task::block_in_place(|| {
        let scorer = inputs.scorer(&set, config, now);
        set.rescore(&scorer);
        let rows = rows_of(&set, lists, &scorer);
        let sighted = sighted_of(&inputs.hits, &rows);
        (rows, sighted)
    });
    let mut sources: Vec<SourceState> = set
        .source_names()
        .iter()
        .map(|n| SourceState {
            name: n.to_string(),
            count: metas.get(&**n).map_or(0, |m| m.count),
            fetched_at: metas.get(&**n).and_then(|m| m.fetched_at),
        })
        .collect();
    sources.truncate(usize::from(u16::MAX));
    // The merged set and the hits are done with: freed before the history's turn, so the
    // read's peak is not both at once.
    drop(set);
    drop(runs);
    drop(inputs);
    let mut snap = Snapshot {
        version,
        built: Some(now),
        sources,
        rows,
        sighted,
        metrics,
        taxii: super::taxii::View::default(),
    };
    snap.taxii = tokio::task::block_in_place(|| ledger.advance(&snap));
    Ok(snap)
}

/// The served rows of `set`: neither decayed nor on a list, in the served order.
fn rows_of(set: &crate::store::set::Store, lists: &Warninglists, scorer: &Scorer<'_>) -> Vec<Row> {
    let screened = Screened::of(set, lists);
    let mut rows: Vec<Row> = set
        .iter()
        .filter(|(i, e)| !screened.holds(*i) && !set.is_decayed(e))
        .map(|(_, e)| {
            let mut labels: Vec<Arc<str>> = e.tags().into_iter().cloned().collect();
            labels.sort_unstable();
            labels.dedup();
            Row {
                kind: e.kind,
                value: Arc::from(&*e.value),
                score: e.score,
                sources: e.source_ids().map(|id| id.0).collect(),
                first_seen: e.first_seen().and_then(Secs::new),
                valid_until: scorer.decays_at(e).and_then(Secs::from_second),
                threat: e.threat().cloned(),
                labels: labels.into_boxed_slice(),
            }
        })
        .collect();
    sort_rows(&mut rows);
    rows
}

/// The index of the row holding `kind` `value` in `rows` (in the served order).
pub fn find_row(rows: &[Row], kind: IndicatorType, value: &str) -> Option<usize> {
    let key = (kind as u8, numeric(kind, value));
    rows.binary_search_by(|r| {
        (r.kind as u8, numeric(r.kind, &r.value))
            .cmp(&key)
            .then_with(|| (*r.value).cmp(value))
    })
    .ok()
}

/// Our sightings of served values, summed by value and sensor, in the rows' order.
/// Hits summed: count, first and last event time (Unix seconds).
type Summed = (u64, i64, i64);

fn sighted_of(hits: &[crate::model::LogHit], rows: &[Row]) -> Vec<Sighted> {
    let mut by: std::collections::HashMap<(usize, &str), Summed> = std::collections::HashMap::new();
    for h in hits {
        let Some(i) = find_row(rows, h.kind, &h.indicator) else {
            continue;
        };
        let at = h.at.as_second();
        // Hits recorded before sensors were named have none.
        let sensor: &str = if h.sensor.is_empty() {
            "unnamed"
        } else {
            &h.sensor
        };
        let e = by.entry((i, sensor)).or_insert((0, at, at));
        e.0 += 1;
        e.1 = e.1.min(at);
        e.2 = e.2.max(at);
    }
    let mut out: Vec<((usize, &str), Summed)> = by.into_iter().collect();
    out.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    out.into_iter()
        .map(|((i, sensor), (count, first, last))| Sighted {
            kind: rows[i].kind,
            value: Box::from(&*rows[i].value),
            sensor: sensor.into(),
            count,
            first,
            last,
        })
        .collect()
}

/// What the store looks like: each source's last fetch and count, and the newest stored
/// hit (a hit moves scores and the `hits` collection). Two equal versions mean nothing
/// was saved in between.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreVersion {
    sources: Vec<(String, Option<i64>, usize)>,
    last_hit: i64,
}

impl StoreVersion {
    /// Whether `other` differs from this one by new hits only.
    pub fn only_hits_differ(&self, other: &StoreVersion) -> bool {
        self.sources == other.sources && self.last_hit != other.last_hit
    }
}

/// The store's [`StoreVersion`] now.
///
/// # Errors
/// The store cannot be read.
pub async fn store_version(store: &SharedStore) -> Result<StoreVersion, String> {
    let metas = store.metas().await.map_err(|e| e.to_string())?;
    let mut sources: Vec<(String, Option<i64>, usize)> = metas
        .into_iter()
        .map(|(n, m)| (n, m.fetched_at.map(|t| t.as_millisecond()), m.count))
        .collect();
    sources.sort();
    // Hits that cannot be read are no reason to stop following the sources.
    let last_hit = store.last_hit_id().await.unwrap_or_else(|e| {
        tracing::debug!("serve: newest hit: {e}");
        0
    });
    Ok(StoreVersion { sources, last_hit })
}

/// Keeps `shared` on the store's newest set until `stop` is set: a change announced by
/// a shared store (PostgreSQL's NOTIFY), a write to the SQLite file `watch` (inotify),
/// or a change seen in the sources' fetch times every [`POLL`], loads a new snapshot; while the store cannot be read, the last good one stays and
/// [`Shared::store_up`] is false. `seen`: the store's version the snapshot being
/// served was read at (taken before it was read), if any.
#[allow(clippy::too_many_arguments)]
pub async fn follow(
    mut seen: Option<StoreVersion>,
    mut ledger: super::taxii::Ledger,
    watch: Option<std::path::PathBuf>,
    config: Arc<Config>,
    store: SharedStore,
    lists: Arc<Warninglists>,
    shared: Arc<Shared>,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    use std::sync::atomic::Ordering::Relaxed;
    let mut changes = store.changes();
    let mut metrics_read = tokio::time::Instant::now();
    let mut loaded_at = tokio::time::Instant::now();
    // The last failed read of the set: the next waits [`LOAD_RETRY`].
    let mut failed_at: Option<tokio::time::Instant> = None;
    let mut watch = watch
        .as_deref()
        .and_then(super::store_watch::StoreWatch::new);
    let mut version = shared.get().version;
    loop {
        match store_version(&store).await {
            Err(e) => {
                if shared.store_up.swap(false, Relaxed) {
                    tracing::warn!(
                        "serve: the store is unreachable ({}); serving the last good set",
                        crate::model::sanitize::one_line(&e, 300)
                    );
                }
            }
            Ok(v)
                if seen.as_ref() == Some(&v)
                    || (seen.as_ref().is_some_and(|s| s.only_hits_differ(&v))
                        && loaded_at.elapsed() < HITS_EVERY)
                    || failed_at.is_some_and(|t| t.elapsed() < LOAD_RETRY) =>
            {
                if failed_at.is_none() {
                    shared.store_up.store(true, Relaxed);
                }
            }
            Ok(v) => match load(&config, &store, &lists, version + 1, &mut ledger).await {
                Ok(snap) => {
                    version += 1;
                    tracing::info!(
                        "serve: snapshot {version}: {} values from {} sources",
                        snap.rows.len(),
                        snap.sources.len()
                    );
                    shared.set(snap);
                    shared.store_up.store(true, Relaxed);
                    seen = Some(v);
                    loaded_at = tokio::time::Instant::now();
                    failed_at = None;
                    shared.refresh_sources_metrics(&config, &store).await;
                    metrics_read = tokio::time::Instant::now();
                    // The merged set and the snapshot before are freed: give the pages
                    // back, or the resident size stays at the read's peak.
                    tokio::task::block_in_place(crate::memory::release_free_memory);
                }
                Err(e) => {
                    failed_at = Some(tokio::time::Instant::now());
                    shared.load_failures.fetch_add(1, Relaxed);
                    shared.store_up.store(false, Relaxed);
                    tracing::warn!(
                        "serve: cannot read the set ({}); serving the last good one",
                        crate::model::sanitize::one_line(&e, 300)
                    );
                }
            },
        }
        // Failed fetches save no snapshot: their figures are read on their own.
        if metrics_read.elapsed() >= METRICS_EVERY {
            shared.refresh_sources_metrics(&config, &store).await;
            metrics_read = tokio::time::Instant::now();
        }
        let announced = async {
            match changes.as_mut() {
                Some(rx) => rx.recv().await.is_some(),
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = stop.changed() => return,
            alive = announced => {
                if !alive {
                    changes = None;
                }
            }
            () = tokio::time::sleep(POLL) => {}
            written = async {
                match watch.as_mut() {
                    Some(w) => w.changed.recv().await,
                    None => std::future::pending().await,
                }
            } => {
                if written.is_none() {
                    watch = None;
                }
                // A save is many writes: let it settle, and take them as one.
                tokio::time::sleep(WRITE_SETTLE).await;
                if let Some(w) = watch.as_mut() {
                    while w.changed.try_recv().is_ok() {}
                }
            }
        }
        if *stop.borrow() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(kind: IndicatorType, value: &str) -> Row {
        Row::new(kind, value, 50, &[0])
    }

    #[test]
    fn order_is_by_type_then_numeric() {
        use IndicatorType::*;
        let mut rows = vec![
            row(Domain, "b.example"),
            row(Ipv4, "192.0.2.10"),
            row(Cidr, "198.51.100.0/24"),
            row(Ipv4, "192.0.2.9"),
            row(Domain, "a.example"),
            row(Ipv6, "2001:db8::1"),
            row(Cidr, "198.51.100.0/25"),
        ];
        sort_rows(&mut rows);
        let v: Vec<&str> = rows.iter().map(|r| &*r.value).collect();
        assert_eq!(
            v,
            [
                "192.0.2.9",
                "192.0.2.10",
                "2001:db8::1",
                "198.51.100.0/24",
                "198.51.100.0/25",
                "a.example",
                "b.example"
            ]
        );
    }
}
