// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! `serve --fetch`: the server also fetches every enabled source, each on its own
//! `refresh` interval, and saves what it gets into the store it serves from. The served
//! set never comes from here: the snapshot follower reads the saves back like any other
//! process's (one path for new data).
//!
//! Each source is [`engine::fetch_cached_with`], the dashboard's fetch: on a team's
//! PostgreSQL store under the source's lease (a source another process fetched within its
//! refresh is taken from the store, not fetched again), on SQLite the same call with a
//! lease that is always granted. A source fetched recently (by anyone) waits for its next
//! refresh, also across restarts. A failure is logged on one line with every configured
//! secret scrubbed, counted, and retried a whole refresh later (as the dashboard does);
//! it never stops the server. Every fetch, failed or not, goes into the store's fetch
//! history, which `/metrics` reads. `stop` ends every loop at once; a fetch in flight is
//! dropped and its lease given back.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use tokio::sync::watch;

use crate::config::{Availability, Config, SourceSpec};
use crate::engine;
use crate::model::sanitize::one_line;
use crate::model::time::format_duration;
use crate::sources::FetchContext;
use crate::store::persist::{SharedStore, SourceMeta};

/// After a source another process holds longer than a fetch may take (its stored
/// snapshot is older than its refresh), look again after this long, or after the
/// source's refresh if that is shorter.
pub const RETRY_HELD: Duration = Duration::from_secs(60);

/// How often the store's retention (`cache.retention`) is applied while serving.
pub const RETENTION_EVERY: Duration = Duration::from_secs(24 * 3600);

/// A batch this large leaves the allocator holding memory worth handing back.
const TRIM_AFTER: usize = 50_000;

/// How one fetch round of a source ended, as its schedule sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Round {
    /// This process fetched it (new data or unchanged).
    Fetched,
    /// The fetch failed.
    Failed,
    /// Another process of the team fetched it: the stored snapshot was taken, fetched at
    /// the given time (`None`: unknown).
    Stored(Option<Timestamp>),
}

/// `t` plus `d`, saturating at the latest time there is.
fn after(t: Timestamp, d: Duration) -> Timestamp {
    t.checked_add(SignedDuration::try_from(d).unwrap_or(SignedDuration::MAX))
        .unwrap_or(Timestamp::MAX)
}

/// When a source with `refresh` is first due: a whole refresh after its last good fetch
/// (`fetched_at`, by any process), else now.
pub fn first_due(now: Timestamp, refresh: Duration, fetched_at: Option<Timestamp>) -> Timestamp {
    fetched_at.map_or(now, |at| after(at, refresh).max(now))
}

/// When a source with `refresh` is due next after a round that ended at `now`: a whole
/// refresh later after a fetch or a failure; after a snapshot another process fetched,
/// a whole refresh after that fetch, or [`RETRY_HELD`] (at most the refresh) from now
/// when that time has already passed.
pub fn next_due(now: Timestamp, refresh: Duration, round: Round) -> Timestamp {
    match round {
        Round::Fetched | Round::Failed => after(now, refresh),
        Round::Stored(at) => match at.map(|at| after(at, refresh)) {
            Some(due) if due > now => due,
            _ => after(now, refresh.min(RETRY_HELD)),
        },
    }
}

/// `text` on one line, without any of `secrets`.
fn scrubbed(text: &str, secrets: &[String]) -> String {
    let mut s = text.to_string();
    for secret in secrets {
        s = crate::net::redact::scrub(&s, secret);
    }
    one_line(&s, 300)
}

/// Waits until `stop` is true (or its sender is gone).
async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await;
}

/// Starts the fetch loops of every enabled source in `config` against `store`, until
/// `stop` turns true. `ctx` should carry the store's quota ledger and answers
/// ([`crate::enrichment::with_store_ledger`]). The handle ends once every loop has.
pub fn spawn(
    config: Arc<Config>,
    ctx: FetchContext,
    store: SharedStore,
    stop: watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(run(config, ctx, store, stop))
}

async fn run(
    config: Arc<Config>,
    ctx: FetchContext,
    store: SharedStore,
    mut stop: watch::Receiver<bool>,
) {
    let specs: Vec<SourceSpec> = config
        .sources
        .iter()
        .filter(|s| match config.availability(s) {
            Availability::Enabled => true,
            Availability::Disabled(why) => {
                tracing::info!(
                    "serve: fetch: {}: not fetched: {}",
                    one_line(&s.name, 60),
                    one_line(&why, 200)
                );
                false
            }
        })
        .cloned()
        .collect();
    if specs.is_empty() {
        tracing::warn!(
            "serve: --fetch: every source in {} is disabled; nothing to fetch",
            config.origin
        );
        return;
    }
    let metas: HashMap<String, SourceMeta> = match store.metas().await {
        Ok(m) => m,
        Err(e) => {
            tracing::warn!(
                "serve: fetch: the store's sources cannot be read ({}); fetching every source now",
                one_line(&e.to_string(), 300)
            );
            HashMap::new()
        }
    };
    if store.read_only() {
        tracing::error!(
            "serve: --fetch: this role may only read the store {}; not fetching",
            store.describe()
        );
        return;
    }
    let secrets = Arc::new(config.secret_values());
    let now = Timestamp::now();
    let mut loops = tokio::task::JoinSet::new();
    for spec in specs {
        let due = first_due(
            now,
            spec.refresh,
            metas.get(&spec.name).and_then(|m| m.fetched_at),
        );
        if due > now {
            tracing::info!(
                "serve: fetch: {}: fetched within its refresh; next in {}",
                one_line(&spec.name, 60),
                format_duration(due.duration_since(now).unsigned_abs())
            );
        }
        loops.spawn(source_loop(
            ctx.clone(),
            spec,
            store.clone(),
            due,
            stop.clone(),
            secrets.clone(),
        ));
    }
    let retention = config.cache.retention;
    loop {
        if let Err(e) = store.apply_retention(Timestamp::now(), retention).await {
            tracing::warn!("serve: fetch: retention: {}", one_line(&e.to_string(), 300));
        }
        tokio::select! {
            () = stopped(&mut stop) => break,
            () = tokio::time::sleep(RETENTION_EVERY) => {}
        }
    }
    while loops.join_next().await.is_some() {}
}

/// Fetches `spec` when due, again and again, until `stop`.
async fn source_loop(
    ctx: FetchContext,
    spec: SourceSpec,
    store: SharedStore,
    mut due: Timestamp,
    mut stop: watch::Receiver<bool>,
    secrets: Arc<Vec<String>>,
) {
    let name = one_line(&spec.name, 60);
    let mut failures: u64 = 0;
    loop {
        let wait = due
            .duration_since(Timestamp::now())
            .unsigned_abs()
            .min(Duration::from_secs(u32::MAX.into()));
        if due > Timestamp::now() {
            tokio::select! {
                () = stopped(&mut stop) => return,
                () = tokio::time::sleep(wait) => {}
            }
        }
        let fetch = engine::fetch_cached_with(&ctx, &spec, Some(&store), false, false);
        let (result, notes) = tokio::select! {
            () = stopped(&mut stop) => {
                // Whatever the fetch held: the team may take the source over at once.
                let _ = tokio::time::timeout(
                    Duration::from_secs(2),
                    store.release(spec.name.clone()),
                )
                .await;
                return;
            }
            r = fetch => r,
        };
        for n in notes {
            tracing::warn!("serve: fetch: {name}: store: {}", scrubbed(&n, &secrets));
        }
        let now = Timestamp::now();
        let round = match &result {
            Ok(out) if out.from_store => Round::Stored(
                store
                    .metas()
                    .await
                    .ok()
                    .and_then(|mut m| m.remove(&spec.name))
                    .and_then(|m| m.fetched_at),
            ),
            Ok(_) => Round::Fetched,
            Err(_) => Round::Failed,
        };
        due = next_due(now, spec.refresh, round);
        let next = format_duration(due.duration_since(now).unsigned_abs());
        match (&result, round) {
            (Ok(out), Round::Fetched) if out.not_modified => {
                tracing::info!("serve: fetch: {name}: unchanged; next in {next}")
            }
            (Ok(out), Round::Fetched) => tracing::info!(
                "serve: fetch: {name}: {} indicators saved; next in {next}",
                out.batch.sightings.len()
            ),
            (Ok(_), _) => tracing::info!(
                "serve: fetch: {name}: another process fetched it; taken from the store; next in {next}"
            ),
            (Err(e), _) => {
                failures += 1;
                tracing::warn!(
                    "serve: fetch: {name}: failed ({failures} since start): {}; next in {next}",
                    scrubbed(&e.to_string(), &secrets)
                );
            }
        }
        let big = result
            .as_ref()
            .is_ok_and(|o| o.batch.sightings.len() >= TRIM_AFTER);
        drop(result);
        if big {
            tokio::task::spawn_blocking(crate::memory::release_free_memory);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + s).unwrap()
    }

    const HOUR: Duration = Duration::from_secs(3600);

    #[test]
    fn a_source_fetched_recently_waits_for_its_refresh() {
        assert_eq!(first_due(t(0), HOUR, None), t(0));
        assert_eq!(first_due(t(600), HOUR, Some(t(0))), t(3600));
        assert_eq!(
            first_due(t(7200), HOUR, Some(t(0))),
            t(7200),
            "overdue: now"
        );
    }

    #[test]
    fn after_a_round_the_next_is_a_refresh_away() {
        assert_eq!(next_due(t(10), HOUR, Round::Fetched), t(3610));
        assert_eq!(next_due(t(10), HOUR, Round::Failed), t(3610));
        // Another process fetched at 0: due when its snapshot is a refresh old.
        assert_eq!(next_due(t(10), HOUR, Round::Stored(Some(t(0)))), t(3600));
        // Its holder is still at it past the refresh: look again a minute later.
        assert_eq!(next_due(t(5000), HOUR, Round::Stored(Some(t(0)))), t(5060));
        assert_eq!(next_due(t(5000), HOUR, Round::Stored(None)), t(5060));
        // A refresh shorter than that minute is kept.
        let short = Duration::from_secs(5);
        assert_eq!(next_due(t(100), short, Round::Stored(None)), t(105));
        assert_eq!(
            next_due(t(0), Duration::MAX, Round::Fetched),
            Timestamp::MAX,
            "saturates"
        );
    }

    #[test]
    fn secrets_never_reach_the_line() {
        let line = scrubbed(
            "GET https://feed.example/x?key=hunter22-secret failed\nagain",
            &["hunter22-secret".into()],
        );
        assert!(!line.contains("hunter22"), "{line}");
        assert!(!line.contains('\n'), "{line}");
    }
}
