// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! What `match --follow` and `match --redis` watch for a newer indicator set, and the
//! refresh check that rebuilds the matcher when it changes.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Instant, SystemTime};

use super::build;
use crate::cli::MatchArgs;
use crate::config::Config;
use crate::matching::{Matcher, Warninglists};
use crate::model::sanitize::one_line;

/// What `--follow` and `--redis` watch for a newer indicator set: the `--indicators`
/// file (its modification time), or the store, SQLite or a team's PostgreSQL (its
/// sources' fetch times and counts, asked every few seconds). Not the store file's own
/// time: recording sightings writes to it too, and must not rebuild the set.
enum Watched {
    File(PathBuf),
    Shared {
        rt: tokio::runtime::Runtime,
        store: crate::store::persist::SharedStore,
    },
    Nothing,
}

/// A token that changes when the watched set does.
#[derive(PartialEq, Eq)]
enum Version {
    Modified(SystemTime),
    Fetched(Vec<(String, Option<i64>, usize)>),
}

impl Watched {
    fn of(config: &Config, no_cache: bool, args: &MatchArgs) -> Watched {
        use crate::store::persist::{Location, open_location};
        if let Some(p) = &args.indicators {
            return Watched::File(p.clone());
        }
        match Location::of(config, no_cache) {
            loc @ (Location::File(_) | Location::Postgres(_)) => {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build();
                match (rt, open_location(&loc).0) {
                    (Ok(rt), Some(store)) => Watched::Shared { rt, store },
                    _ => Watched::Nothing,
                }
            }
            Location::None => Watched::Nothing,
        }
    }

    /// The current version; `None` when it cannot be read (the store is away).
    fn version(&self) -> Option<Version> {
        match self {
            Watched::File(p) => std::fs::metadata(p)
                .and_then(|m| m.modified())
                .ok()
                .map(Version::Modified),
            Watched::Shared { rt, store } => {
                let metas = rt.block_on(store.metas()).ok()?;
                let mut v: Vec<(String, Option<i64>, usize)> = metas
                    .into_iter()
                    .map(|(name, m)| (name, m.fetched_at.map(|t| t.as_second()), m.count))
                    .collect();
                v.sort();
                Some(Version::Fetched(v))
            }
            Watched::Nothing => None,
        }
    }
}

/// A refresh check for `--follow`: when the watched set changes (see [`Watched`]), the
/// matcher is rebuilt; checked at most every two seconds.
pub(super) fn store_watch<'a>(
    config: &'a Config,
    no_cache: bool,
    args: &'a MatchArgs,
    lists: &'a Warninglists,
) -> impl FnMut() -> Option<Arc<Matcher>> + 'a {
    let watched = Watched::of(config, no_cache, args);
    let mut last = watched.version();
    let mut checked = Instant::now();
    move || {
        if checked.elapsed() < std::time::Duration::from_secs(2) {
            return None;
        }
        checked = Instant::now();
        let now = watched.version();
        if now == last || now.is_none() {
            return None;
        }
        last = now;
        match build(config, no_cache, args, lists) {
            Ok(m) => {
                eprintln!(
                    "indicator set refreshed: {}",
                    crate::model::count::noun(m.len() as u64, "indicator")
                );
                Some(Arc::new(m))
            }
            Err(e) => {
                eprintln!(
                    "warning: keeping the previous indicator set: {}",
                    one_line(&e, 300)
                );
                None
            }
        }
    }
}
