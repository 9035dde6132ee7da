// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Chaos: a local server that answers with 500s, 429s, resets, truncated bodies, slow
//! responses and, now and then, good data, while the engine refreshes repeatedly with
//! its cache. Afterwards every source holds its last good data, the cache opens cleanly,
//! and nothing panicked. Bounded: 40 rounds, 127.0.0.1 only.

#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use intellisiem::config::Config;
use intellisiem::engine;
use intellisiem::sources::FetchContext;
use intellisiem::store::persist::{SharedStore, Sqlite, SqliteStore};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The good document of round `n` for a source: values carry the round number.
fn good(path: &str, n: usize) -> String {
    match path {
        "/feodo.json" => format!(
            r#"[{{"ip_address":"192.0.2.{}","port":443,"malware":"round{n}"}}]"#,
            n % 250
        ),
        "/list.txt" => format!("round{n}-a.example\nround{n}-b.example\n"),
        _ => format!(
            r#"{{"{n}":[{{"ioc_value":"round{n}.example","ioc_type":"domain","malware_printable":"x"}}]}}"#
        ),
    }
}

const PATHS: [&str; 3] = ["/feodo.json", "/list.txt", "/tf.json"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sources_keep_their_last_good_data_through_chaos() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let counter = Arc::new(AtomicUsize::new(0));
    // What each path last served successfully: (round, body).
    let served: Arc<Mutex<Vec<(String, usize)>>> = Arc::new(Mutex::new(Vec::new()));
    {
        let counter = counter.clone();
        let served = served.clone();
        tokio::spawn(async move {
            while let Ok((mut sock, _)) = listener.accept().await {
                let n = counter.fetch_add(1, Ordering::SeqCst);
                let served = served.clone();
                tokio::spawn(async move {
                    let mut buf = vec![0u8; 8192];
                    let len = sock.read(&mut buf).await.unwrap_or(0);
                    let req = String::from_utf8_lossy(&buf[..len]).to_string();
                    let path = req.split_whitespace().nth(1).unwrap_or("/").to_string();
                    let reply = |status: &str, body: &str, extra: &str| {
                        format!(
                            "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n{extra}\r\n{body}",
                            body.len()
                        )
                    };
                    // Seven cases, coprime with the three sources, so each source meets all of them.
                    match n % 7 {
                        0 => {
                            let _ = sock
                                .write_all(
                                    reply("500 Internal Server Error", "boom", "").as_bytes(),
                                )
                                .await;
                        }
                        1 => {
                            let _ = sock
                                .write_all(reply("429 Too Many Requests", "", "").as_bytes())
                                .await;
                        }
                        2 => {
                            // Reset: close without a word.
                            drop(sock);
                            return;
                        }
                        3 => {
                            let body = good(&path, n);
                            let head = format!(
                                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                                body.len() + 50
                            );
                            let _ = sock.write_all(head.as_bytes()).await;
                            let _ = sock.write_all(&body.as_bytes()[..body.len() / 2]).await;
                        }
                        4 => {
                            tokio::time::sleep(Duration::from_millis(800)).await;
                            let _ = sock
                                .write_all(reply("200 OK", &good(&path, n), "").as_bytes())
                                .await;
                        }
                        _ => {
                            let body = good(&path, n);
                            served.lock().unwrap().push((path, n));
                            let _ = sock.write_all(reply("200 OK", &body, "").as_bytes()).await;
                        }
                    }
                    let _ = sock.shutdown().await;
                });
            }
        });
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cache.db");
    let yaml = format!(
        "http: {{ timeout: 300ms, retries: 0 }}\nsources:\n\
           - {{ name: feodo, kind: feodo, url: \"http://{addr}/feodo.json\" }}\n\
           - {{ name: list, kind: plain_list, url: \"http://{addr}/list.txt\" }}\n\
           - {{ name: tf, kind: threatfox, url: \"http://{addr}/tf.json\" }}\n"
    );
    let config = Config::from_yaml(
        &yaml,
        Path::new("chaos.yaml"),
        &|_| None,
        &intellisiem::sources::registry::kinds(),
    )
    .unwrap()
    .config;
    let ctx = FetchContext::new(&config).unwrap();
    let cache: SharedStore = Arc::new(SqliteStore::new(Sqlite::open(&db).unwrap().db));
    let mut outcomes = (0, 0);
    // Sequential rounds, so each request's fate is known from the counter.
    for _ in 0..40 {
        for spec in &config.sources {
            let (result, notes) = engine::fetch_cached(&ctx, spec, Some(&cache), false).await;
            assert!(notes.is_empty(), "cache trouble: {notes:?}");
            if result.is_ok() {
                outcomes.0 += 1
            } else {
                outcomes.1 += 1
            }
        }
    }
    assert!(outcomes.0 > 5 && outcomes.1 > 30, "{outcomes:?}");
    assert!(counter.load(Ordering::SeqCst) <= 120, "bounded");
    drop(cache);

    // Every source holds exactly its last good document.
    let reopened = Sqlite::open(&db).expect("the cache opens cleanly").db;
    let served = served.lock().unwrap().clone();
    for (name, p) in ["feodo", "list", "tf"].into_iter().zip(PATHS) {
        let last = served
            .iter()
            .rev()
            .find(|(sp, _)| sp == p)
            .map(|(_, n)| *n)
            .expect("one good answer");
        let stored = reopened.load_source(name).unwrap();
        assert!(!stored.is_empty(), "{name}");
        for s in &stored {
            let from_last = match name {
                "feodo" => *s.value == *format!("192.0.2.{}", last % 250),
                "list" => s.value.starts_with(&format!("round{last}-")),
                _ => *s.value == *format!("round{last}.example"),
            };
            assert!(from_last, "{name}: {} is not from round {last}", s.value);
        }
        let h = reopened.history(name).unwrap();
        assert_eq!(h.len(), 40, "{name}: every fetch recorded");
    }
}
