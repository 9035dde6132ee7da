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

/// A TCP front for the test server's Unix socket that can be switched off and on, to
/// play a server that goes away and comes back. Connections through it are still
/// local socket connections to the server, so the same role works.
pub struct Flaky {
    pub port: u16,
    up: std::sync::Arc<std::sync::atomic::AtomicBool>,
    conns: std::sync::Arc<std::sync::Mutex<Vec<tokio::task::JoinHandle<()>>>>,
}

impl Flaky {
    /// Fronts the server of `base` (`...?host=/var/run/postgresql`), on 127.0.0.1.
    pub async fn start(base: &str) -> Flaky {
        use std::sync::atomic::Ordering;
        let dir = base
            .split(['?', '&'])
            .find_map(|kv| kv.strip_prefix("host="))
            .unwrap_or("/var/run/postgresql")
            .to_string();
        let socket = format!("{dir}/.s.PGSQL.5432");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let up = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
        let conns = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let (u, c) = (up.clone(), conns.clone());
        tokio::spawn(async move {
            while let Ok((mut tcp, _)) = listener.accept().await {
                if !u.load(Ordering::SeqCst) {
                    continue;
                }
                let socket = socket.clone();
                let task = tokio::spawn(async move {
                    if let Ok(mut unix) = tokio::net::UnixStream::connect(&socket).await {
                        let _ = tokio::io::copy_bidirectional(&mut tcp, &mut unix).await;
                    }
                });
                c.lock().unwrap().push(task);
            }
        });
        Flaky { port, up, conns }
    }

    /// Drops every connection and refuses new ones.
    pub fn down(&self) {
        self.up.store(false, std::sync::atomic::Ordering::SeqCst);
        for t in self.conns.lock().unwrap().drain(..) {
            t.abort();
        }
    }

    pub fn up(&self) {
        self.up.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

/// The two backends of the one-suite-two-backends tests, each fresh: (name, store, the
/// temp dir that holds the SQLite file). PostgreSQL only when a server is named.
pub async fn backends(
    test: &str,
) -> Vec<(
    &'static str,
    intellisiem::store::persist::SharedStore,
    Option<tempfile::TempDir>,
)> {
    use intellisiem::store::persist::{PgStore, SharedStore, Sqlite, SqliteStore};
    let dir = tempfile::tempdir().unwrap();
    let sqlite = Sqlite::open(&dir.path().join("cache.db")).unwrap().db;
    let mut out: Vec<(&'static str, SharedStore, Option<tempfile::TempDir>)> = vec![(
        "sqlite",
        std::sync::Arc::new(SqliteStore::new(sqlite)),
        Some(dir),
    )];
    if let Some((pg, _)) = fresh(test).await {
        out.push((
            "postgres",
            std::sync::Arc::new(PgStore::new(&pg).unwrap()),
            None,
        ));
    }
    out
}
