// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The PostgreSQL server of the shared-store tests: `INTELLISIEM_TEST_PG` names a
//! database (`.ci/run` starts Debian's `postgresql` and sets it). Each test gets a
//! schema of its own, so tests run side by side.

#![allow(dead_code)]

use intellisiem::config::PostgresConfig;
use secrecy::SecretString;

/// The test database's connection string, or `None` with one printed line saying how
/// to run these tests. Under `CI=true` a missing server is a failure.
pub fn url(test: &str) -> Option<String> {
    match std::env::var("INTELLISIEM_TEST_PG") {
        Ok(u) if !u.trim().is_empty() => Some(u),
        _ => {
            assert!(
                std::env::var("CI").is_err(),
                "{test}: INTELLISIEM_TEST_PG is not set; CI must start PostgreSQL"
            );
            eprintln!(
                "{test}: skipped: set INTELLISIEM_TEST_PG=postgresql:///DB?host=/var/run/postgresql to run it against a PostgreSQL server"
            );
            None
        }
    }
}

/// A fresh, empty schema in the test database, and a store config whose connections
/// use it.
pub async fn fresh(test: &str) -> Option<(PostgresConfig, String)> {
    let base = url(test)?;
    let schema = format!("t_{}_{:08x}", std::process::id(), fastrand::u32(..));
    let (client, conn) = tokio_postgres::connect(&base, tokio_postgres::NoTls)
        .await
        .unwrap_or_else(|e| panic!("{test}: cannot reach INTELLISIEM_TEST_PG: {e}"));
    tokio::spawn(conn);
    client
        .batch_execute(&format!("CREATE SCHEMA {schema}"))
        .await
        .expect("create schema");
    let sep = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
    Some((
        PostgresConfig {
            url: SecretString::from(url.clone()),
            password: None,
        },
        url,
    ))
}
