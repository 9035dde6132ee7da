// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The report tests' fixture: the seeded store (`report::fixture`) in a temporary SQLite
//! file with its config, and a brief of it over a given period in UTC.

#![allow(dead_code, clippy::unwrap_used)]

use std::path::PathBuf;
use std::sync::Arc;

use intellisiem::config::Config;
use intellisiem::report::Brief;
use intellisiem::report::fixture::{self, Spec};
use intellisiem::report::read::{self, Query};
use intellisiem::store::persist::SharedStore;
use jiff::{SignedDuration, Timestamp};

/// The fixture's "now": 2026-11-30T00:00:00Z.
pub const NOW: Timestamp = Timestamp::constant(1_795_996_800, 0);

pub fn day(n: i64) -> SignedDuration {
    SignedDuration::from_hours(24 * n)
}

pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
    pub config_path: PathBuf,
    pub config: Config,
    pub store: SharedStore,
    pub facts: fixture::Facts,
}

impl Fixture {
    /// The fixture at `scale`, seed 7, ending at [`NOW`].
    pub async fn new(scale: u32) -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("brief.db");
        let (store, notes) = intellisiem::store::persist::open(Some(&db));
        let store = store.unwrap_or_else(|| panic!("{notes:?}"));
        let facts = fixture::write(
            store.as_ref(),
            &Spec {
                seed: 7,
                scale,
                now: NOW,
            },
        )
        .await
        .unwrap();
        let config_path = dir.path().join("config.yaml");
        std::fs::write(&config_path, fixture::config_yaml(&db)).unwrap();
        let config =
            intellisiem::sources::registry::load_config(Some(&config_path), &|_| None).unwrap();
        Fixture {
            dir,
            db,
            config_path,
            config,
            store,
            facts,
        }
    }

    /// The brief of `[from, to)` in UTC, with the built-in warninglist.
    pub async fn brief(
        &self,
        from: Timestamp,
        to: Timestamp,
        sources: &[String],
        sensors: &[String],
    ) -> Brief {
        let query = Query {
            from,
            to,
            sources: sources.to_vec(),
            sensors: sensors.to_vec(),
            time_zone: jiff::tz::TimeZone::UTC,
            lists: Arc::new(intellisiem::matching::Warninglists::load(&[]).unwrap()),
            now: NOW,
        };
        read::brief(self.store.as_ref(), &self.config, &query)
            .await
            .unwrap()
    }
}
