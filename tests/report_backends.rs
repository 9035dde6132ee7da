// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The same fixture written to PostgreSQL (`INTELLISIEM_TEST_PG`, see common/pg.rs) and
//! to SQLite gives the same brief, number for number: the report reads every figure
//! through the store trait, so what `report_numbers` checks against SQL on SQLite holds
//! on PostgreSQL too. Skipped without a server, a failure under `CI=true`.

#![allow(clippy::unwrap_used)]

mod common;
mod report_common;

use std::sync::Arc;

use intellisiem::report::fixture::{self, Spec};
use intellisiem::report::read::{self, Query};
use report_common::{Fixture, NOW, day};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_gives_the_brief_sqlite_gives() {
    let Some((pg, _)) = common::pg::fresh("report_postgres").await else {
        return;
    };
    let store = intellisiem::store::persist::PgStore::new(&pg).unwrap();
    let spec = Spec {
        seed: 7,
        scale: 1,
        now: NOW,
    };
    let facts = fixture::write(&store, &spec).await.unwrap();
    let fx = Fixture::new(1).await;
    assert_eq!(facts, fx.facts);
    for (from, to) in [
        (NOW - day(7), NOW),
        (NOW - day(2), NOW),
        (NOW - day(30), NOW),
    ] {
        let query = Query {
            from,
            to,
            sources: Vec::new(),
            sensors: Vec::new(),
            time_zone: jiff::tz::TimeZone::UTC,
            lists: Arc::new(intellisiem::matching::Warninglists::load(&[]).unwrap()),
            now: NOW,
        };
        let mut on_pg = read::brief(&store, &fx.config, &query).await.unwrap();
        let on_sqlite = fx.brief(from, to, &[], &[]).await;
        on_pg.appendix.store = on_sqlite.appendix.store.clone();
        assert_eq!(on_pg, on_sqlite, "{from}..{to}");
    }
}
