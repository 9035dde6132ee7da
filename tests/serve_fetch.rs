// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! `serve --fetch` against mocked feeds: a fresh SQLite store filled and served with no
//! `fetch` run, a failing source logged, recorded and never stopping the server,
//! SIGTERM; without `--fetch` no feed is called. On a team's PostgreSQL store
//! (`INTELLISIEM_TEST_PG`, a schema per test): a second `serve --fetch` takes the source
//! the first fetched from the store instead of fetching it again, SIGTERM mid-fetch gives
//! the source's lease back, and a `fetch` run by someone else is served without a restart
//! (announced by the store's `NOTIFY`, else seen by the follower's poll).

#![allow(clippy::unwrap_used)]

mod common;
mod serve_common;

use std::sync::Arc;
use std::time::Duration;

use serve_common::*;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A home whose config has `cache` (a YAML mapping, `{db}` standing for the SQLite
/// file), `sources` (list entries) and `extra` top-level lines, with the usual users and
/// token.
fn home_with(cache: &str, sources: &[String], extra: &str) -> Home {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("store.db");
    let config = dir.path().join("config.yaml");
    let cache = cache.replace("{db}", &db.display().to_string());
    let sources: String = sources.iter().map(|s| format!("  - {s}\n")).collect();
    std::fs::write(
        &config,
        format!(
            "cache: {cache}\nlog_file: none\nscoring: {{ expire_below: 0 }}\n{extra}\
             sources:\n{sources}\
             serve:\n  users:\n    - {{ name: panos, password: \"env:T_PANOS_PW\", collections: [all] }}\n\
             \x20 tokens:\n    - {{ name: siem, token: \"env:T_TOKEN\", collections: [\"*\"] }}\n"
        ),
    )
    .expect("config");
    Home { dir, db, config }
}

/// A plain IPv4 list at `{base}{at}`.
fn list_source(name: &str, base: &str, at: &str) -> String {
    format!("{{ name: {name}, kind: plain_list, url: \"{base}{at}\", type: ipv4 }}")
}

/// `target`'s body with the token, or `None` unless it answered 200.
fn edl(s: &Server, target: &str) -> Option<String> {
    let bearer = format!("Bearer {TOKEN}");
    let (status, resp) = raw(s.addr, target, &[("Authorization", &bearer)]);
    (status == 200).then(|| {
        resp.split_once("\r\n\r\n")
            .map_or("", |(_, b)| b)
            .to_string()
    })
}

/// Whether the server has read its first snapshot of an empty store: the lists then
/// answer 503, never an empty list that would empty a device's.
fn empty_store(s: &Server) -> bool {
    let bearer = format!("Bearer {TOKEN}");
    snapshot_number(s.addr) >= 1
        && raw(s.addr, "/edl/all/ipv4.txt", &[("Authorization", &bearer)]).0 == 503
}

/// Mounts `body` at `at`, answered after `delay`.
async fn feed(server: &MockServer, at: &str, body: &str, delay: Duration) {
    Mock::given(method("GET"))
        .and(path(at))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(body)
                .set_delay(delay),
        )
        .mount(server)
        .await;
}

async fn calls(server: &MockServer, at: &str) -> usize {
    let got = server.received_requests().await.unwrap_or_default();
    got.iter().filter(|r| r.url.path() == at).count()
}

fn log(s: &Server) -> String {
    s.log.lock().unwrap().clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn serve_fetch_fills_a_fresh_store_and_a_failing_source_never_stops_it() {
    let mock = MockServer::start().await;
    feed(
        &mock,
        "/list.txt",
        "192.0.2.33\n203.0.113.44\n",
        Duration::ZERO,
    )
    .await;
    Mock::given(method("GET"))
        .and(path("/broken.txt"))
        .respond_with(ResponseTemplate::new(404).set_body_string("no such list"))
        .mount(&mock)
        .await;
    let h = home_with(
        "{ path: \"{db}\" }",
        &[
            list_source("list", &mock.uri(), "/list.txt"),
            list_source(
                "broken",
                &mock.uri(),
                "/broken.txt?auth_key=T0p-secret-feed-key",
            ),
        ],
        "",
    );
    assert!(!h.db.exists(), "a fresh store");
    let mut s = start(&h, &["--fetch"]);
    let want = "192.0.2.33\n203.0.113.44\n";
    assert!(
        eventually(Duration::from_secs(60), || edl(&s, "/edl/all/ipv4.txt")
            .as_deref()
            == Some(want)),
        "{:?}\n{}",
        edl(&s, "/edl/all/ipv4.txt"),
        log(&s)
    );
    assert_eq!(edl(&s, "/edl/list/ipv4.txt").as_deref(), Some(want));
    assert!(
        eventually(Duration::from_secs(30), || log(&s)
            .contains("serve: fetch: broken: failed (1 since start)")),
        "{}",
        log(&s)
    );
    let text = log(&s);
    assert!(
        text.contains("serve: fetch: list: 2 indicators saved; next in"),
        "{text}"
    );
    assert_eq!(
        text.matches("serve: fetch: broken: failed").count(),
        1,
        "one line per failure: {text}"
    );
    assert!(!text.contains("T0p-secret"), "{text}");
    assert_eq!(calls(&mock, "/list.txt").await, 1, "once per refresh");
    // Still serving after the failure; SIGTERM stops the server and the fetch loops.
    assert!(edl(&s, "/healthz").is_some_and(|b| b.starts_with("ok\n")));
    // SAFETY: signalling our own child by its pid.
    assert_eq!(unsafe { libc::kill(s.child.id() as i32, libc::SIGTERM) }, 0);
    let status = s.child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "{}", log(&s));
    assert!(
        eventually(Duration::from_secs(5), || log(&s)
            .contains("serve: stopped")),
        "{}",
        log(&s)
    );
    // The store holds what was fetched, for `fetch --offline` and the dashboards too.
    let out = bin(&h)
        .arg("--config")
        .arg(&h.config)
        .args([
            "fetch",
            "--offline",
            "--no-warninglists",
            "--format",
            "txt",
            "--source",
            "list",
        ])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), want);
    // Each fetch, the failed one too, is in the store's fetch history.
    let (store, notes) = intellisiem::store::persist::open(Some(&h.db));
    let store = store.unwrap_or_else(|| panic!("{notes:?}"));
    let outcomes = |source: &str| {
        let store = store.clone();
        let source = source.to_string();
        async move {
            let h = store.history(source).await.unwrap();
            h.iter().map(|r| r.outcome.as_str()).collect::<Vec<_>>()
        }
    };
    assert_eq!(outcomes("list").await, ["ok"]);
    assert_eq!(outcomes("broken").await.len(), 1);
    assert_ne!(outcomes("broken").await, ["ok"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn without_fetch_the_server_never_calls_a_feed() {
    let mock = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string("192.0.2.33\n"))
        .expect(0)
        .mount(&mock)
        .await;
    let h = home_with(
        "{ path: \"{db}\" }",
        &[list_source("list", &mock.uri(), "/list.txt")],
        "",
    );
    let s = start(&h, &[]);
    assert!(
        eventually(Duration::from_secs(30), || empty_store(&s)),
        "{}",
        log(&s)
    );
    // A save by another process is served: the follower has looked at the store since.
    serve_common::save(
        &h.db,
        "list",
        &[(intellisiem::model::IndicatorType::Ipv4, "198.51.100.7", 80)],
    )
    .await;
    assert!(
        eventually(Duration::from_secs(30), || edl(&s, "/edl/all/ipv4.txt")
            .as_deref()
            == Some("198.51.100.7\n")),
        "{}",
        log(&s)
    );
    assert!(!log(&s).contains("serve: fetch:"), "{}", log(&s));
    drop(s);
    mock.verify().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_server_on_the_team_store_takes_the_source_from_the_first() {
    let Some((_, url)) = common::pg::fresh("serve_fetch_lease").await else {
        return;
    };
    let mock = MockServer::start().await;
    // Slow enough that the second server asks while the first still fetches.
    feed(
        &mock,
        "/list.txt",
        "192.0.2.51\n203.0.113.52\n",
        Duration::from_secs(2),
    )
    .await;
    let h = home_with(
        &format!("{{ url: \"{url}\" }}"),
        &[list_source("list", &mock.uri(), "/list.txt")],
        "",
    );
    let first = start(&h, &["--fetch"]);
    let until = std::time::Instant::now() + Duration::from_secs(60);
    while calls(&mock, "/list.txt").await == 0 {
        assert!(std::time::Instant::now() < until, "{}", log(&first));
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // The first holds the source's lease now.
    let second = start(&h, &["--fetch"]);
    let want = "192.0.2.51\n203.0.113.52\n";
    for s in [&first, &second] {
        assert!(
            eventually(Duration::from_secs(60), || edl(s, "/edl/all/ipv4.txt")
                .as_deref()
                == Some(want)),
            "{:?}\n{}",
            edl(s, "/edl/all/ipv4.txt"),
            log(s)
        );
    }
    assert!(
        eventually(Duration::from_secs(60), || log(&second).contains(
            "serve: fetch: list: another process fetched it; taken from the store"
        )),
        "{}",
        log(&second)
    );
    assert!(
        log(&first).contains("serve: fetch: list: 2 indicators saved"),
        "{}",
        log(&first)
    );
    assert_eq!(
        calls(&mock, "/list.txt").await,
        1,
        "fetched by one server only"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_fetch_into_the_team_store_is_served_without_a_restart() {
    use intellisiem::store::persist::{Change, PgStore, SharedStore};
    let Some((pg, url)) = common::pg::fresh("serve_pg_notify").await else {
        return;
    };
    let mock = MockServer::start().await;
    feed(&mock, "/list.txt", "198.51.100.61\n", Duration::ZERO).await;
    let h = home_with(
        &format!("{{ url: \"{url}\" }}"),
        &[list_source("list", &mock.uri(), "/list.txt")],
        "",
    );
    let s = start(&h, &[]);
    assert!(
        eventually(Duration::from_secs(30), || empty_store(&s)),
        "{}",
        log(&s)
    );
    // Listening on the channel the server listens on, as another process would.
    let listener: SharedStore = Arc::new(PgStore::new(&pg).unwrap());
    listener.metas().await.unwrap();
    let mut changes = listener
        .changes()
        .expect("a shared store has a change feed");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let out = bin(&h)
        .arg("--config")
        .arg(&h.config)
        .args(["fetch", "--no-warninglists", "--format", "txt"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The `fetch` binary's save is announced.
    let heard = tokio::time::timeout(Duration::from_secs(30), changes.recv()).await;
    assert_eq!(heard.ok().flatten(), Some(Change::Snapshot("list".into())));
    assert!(
        eventually(Duration::from_secs(30), || edl(&s, "/edl/list/ipv4.txt")
            .as_deref()
            == Some("198.51.100.61\n")),
        "{:?}\n{}",
        edl(&s, "/edl/list/ipv4.txt"),
        log(&s)
    );
    assert_eq!(
        calls(&mock, "/list.txt").await,
        1,
        "the server fetched nothing"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_during_a_fetch_gives_the_lease_back() {
    let Some((_, url)) = common::pg::fresh("serve_fetch_sigterm").await else {
        return;
    };
    let mock = MockServer::start().await;
    // The server's fetch hangs; the next one answers at once.
    Mock::given(method("GET"))
        .and(path("/list.txt"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string("192.0.2.71\n")
                .set_delay(Duration::from_secs(120)),
        )
        .up_to_n_times(1)
        .mount(&mock)
        .await;
    feed(&mock, "/list.txt", "192.0.2.72\n", Duration::ZERO).await;
    let h = home_with(
        &format!("{{ url: \"{url}\" }}"),
        &[list_source("list", &mock.uri(), "/list.txt")],
        // A lease left behind would make the `fetch` below wait this long, then fail.
        "http: { timeout: 5s }\n",
    );
    let mut s = start(&h, &["--fetch"]);
    let until = std::time::Instant::now() + Duration::from_secs(60);
    while calls(&mock, "/list.txt").await == 0 {
        assert!(std::time::Instant::now() < until, "{}", log(&s));
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // SAFETY: signalling our own child by its pid.
    assert_eq!(unsafe { libc::kill(s.child.id() as i32, libc::SIGTERM) }, 0);
    let status = s.child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "{}", log(&s));
    // The source is free at once: this fetch takes the lease and fetches it.
    let out = bin(&h)
        .arg("--config")
        .arg(&h.config)
        .args(["fetch", "--no-warninglists", "--format", "txt"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "192.0.2.72\n");
    assert_eq!(calls(&mock, "/list.txt").await, 2);
}
