// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The `serve` tests' server: the real binary on 127.0.0.1 port 0 over a SQLite store
//! the test fills through the library, with users `panos` (all, feodo), `limited`
//! (urlhaus) and the token `siem` (every collection).

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use intellisiem::model::time::Secs;
use intellisiem::model::{IndicatorType, Observation, Sighting};
use intellisiem::store::persist::{Snapshot, SourceMeta};

pub const PANOS_PW: &str = "pan-s3cret";
pub const LIMITED_PW: &str = "lim-s3cret";
pub const TOKEN: &str = "tok-s3cret-0123456789";

/// A test's home folder, store and config.
pub struct Home {
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
    pub config: PathBuf,
}

/// The config with `extra` appended under `serve:` (e.g. a `tls:` line).
pub fn home(extra_serve: &str) -> Home {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("store.db");
    let config = dir.path().join("config.yaml");
    std::fs::write(
        &config,
        format!(
            "cache: {{ path: \"{}\" }}\nlog_file: none\nscoring: {{ expire_below: 0 }}\n\
             sources:\n  - {{ name: feodo, kind: feodo }}\n  - {{ name: urlhaus, kind: urlhaus }}\n\
             serve:\n  users:\n    - {{ name: panos, password: \"env:T_PANOS_PW\", collections: [all, feodo] }}\n\
             \x20   - {{ name: limited, password: \"env:T_LIMITED_PW\", collections: [urlhaus] }}\n\
             \x20 tokens:\n    - {{ name: siem, token: \"env:T_TOKEN\", collections: [\"*\"] }}\n{extra_serve}",
            db.display()
        ),
    )
    .expect("config");
    Home { dir, db, config }
}

/// Saves `source`'s snapshot: `(type, value, confidence)` rows, seen now.
pub async fn save(db: &Path, source: &str, rows: &[(IndicatorType, &str, u8)]) {
    let (store, notes) = intellisiem::store::persist::open(Some(db));
    let store = store.unwrap_or_else(|| panic!("store: {notes:?}"));
    let now = jiff::Timestamp::now();
    let snap = Snapshot {
        source: source.into(),
        kind: if source == "urlhaus" {
            "urlhaus"
        } else {
            "feodo"
        },
        sightings: rows
            .iter()
            .map(|(k, v, c)| Sighting {
                kind: *k,
                value: (*v).into(),
                obs: Observation {
                    last_seen: Secs::from_second(now.as_second()),
                    confidence: Some(*c),
                    ..Observation::default()
                },
            })
            .collect(),
        groups: Vec::new(),
        expires: Default::default(),
        incremental: false,
        meta: SourceMeta {
            fetched_at: Some(now),
            count: rows.len(),
            ..Default::default()
        },
        now,
    };
    let (_, r) = store.save(snap).await;
    r.expect("save");
}

/// Remembers fetches of `source`: `(seconds ago, ok?, duration in ms)`.
pub async fn history(db: &Path, source: &str, fetches: &[(i64, bool, u64)]) {
    use intellisiem::store::health::{FetchOutcome, FetchRecord};
    let (store, notes) = intellisiem::store::persist::open(Some(db));
    let store = store.unwrap_or_else(|| panic!("store: {notes:?}"));
    let now = jiff::Timestamp::now().as_second();
    for (ago, ok, ms) in fetches {
        let record = FetchRecord {
            at: jiff::Timestamp::from_second(now - ago).expect("time"),
            outcome: if *ok {
                FetchOutcome::Ok
            } else {
                FetchOutcome::NetworkError
            },
            count: 4,
            bytes: 100,
            duration: Duration::from_millis(*ms),
            skipped: 0,
        };
        store.record(source.into(), record).await.expect("record");
    }
}

/// The binary with a clean environment and the test's secrets: `$INTELLISIEM_E2E_BIN`
/// when set (the release build `.ci/run` makes first), else this build's.
pub fn bin(home: &Home) -> Command {
    let exe = std::env::var_os("INTELLISIEM_E2E_BIN")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| assert_cmd::cargo::cargo_bin("intellisiem"));
    let mut c = Command::new(exe);
    c.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home.dir.path())
        .env("XDG_CONFIG_HOME", home.dir.path().join(".config"))
        .env("XDG_STATE_HOME", home.dir.path().join(".local/state"))
        .env("XDG_DATA_HOME", home.dir.path().join(".local/share"))
        .env("NO_COLOR", "1")
        .env("T_PANOS_PW", PANOS_PW)
        .env("T_LIMITED_PW", LIMITED_PW)
        .env("T_TOKEN", TOKEN)
        .current_dir(home.dir.path());
    c
}

/// A running server.
pub struct Server {
    pub child: Child,
    pub addr: SocketAddr,
    /// Everything it wrote on stderr so far.
    pub log: Arc<Mutex<String>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `serve` on 127.0.0.1 port 0 with `args`, and waits for its address.
pub fn start(home: &Home, args: &[&str]) -> Server {
    let mut child = bin(home)
        .args(["--config"])
        .arg(&home.config)
        .args(["serve", "--listen", "127.0.0.1:0", "--no-warninglists"])
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn serve");
    let stderr = child.stderr.take().expect("stderr");
    let log = Arc::new(Mutex::new(String::new()));
    let (tx, rx) = std::sync::mpsc::channel();
    let sink = log.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(a) = line.split("listening on ").nth(1) {
                let _ = tx.send(a.split("://").nth(1).unwrap_or("").to_string());
            }
            let mut l = sink.lock().unwrap();
            l.push_str(&line);
            l.push('\n');
        }
    });
    let addr = rx
        .recv_timeout(Duration::from_secs(60))
        .unwrap_or_else(|_| panic!("serve did not start: {}", log.lock().unwrap()));
    Server {
        child,
        addr: addr.parse().expect("address"),
        log,
    }
}

/// `user:password` as a Basic header value.
pub fn basic(user: &str, pw: &str) -> String {
    use base64::Engine;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pw}"))
    )
}

/// One raw HTTP/1.1 request (`target` sent as is); the status and the whole answer.
pub fn raw(addr: SocketAddr, target: &str, headers: &[(&str, &str)]) -> (u16, String) {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let mut req = format!("GET {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    let _ = s.write_all(req.as_bytes());
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, text)
}

/// The number of the snapshot the server answers from, as `/healthz` says (0: none yet,
/// or no answer).
pub fn snapshot_number(addr: SocketAddr) -> u64 {
    let bearer = format!("Bearer {TOKEN}");
    raw(addr, "/healthz", &[("Authorization", &bearer)])
        .1
        .split("snapshot ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// `curl` with `args`, or `None` when it is not installed (a failure under `CI=true`).
pub fn curl(args: &[&str]) -> Option<std::process::Output> {
    match Command::new("curl").args(args).output() {
        Ok(o) => Some(o),
        Err(_) => {
            assert!(std::env::var("CI").is_err(), "curl is missing under CI");
            eprintln!("curl not installed; skipped");
            None
        }
    }
}

/// Waits up to `limit` for `check` to hold.
pub fn eventually(limit: Duration, mut check: impl FnMut() -> bool) -> bool {
    let until = Instant::now() + limit;
    while Instant::now() < until {
        if check() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    check()
}

/// The fixture set: feodo holds two IPv4s, a CIDR and an IPv6; urlhaus a URL, a domain
/// and an IPv4 both hold.
pub async fn fill(db: &Path) {
    use IndicatorType::*;
    save(
        db,
        "feodo",
        &[
            (Ipv4, "192.0.2.10", 90),
            (Ipv4, "192.0.2.9", 20),
            (Cidr, "198.51.100.0/24", 60),
            (Ipv6, "2001:db8::5", 50),
        ],
    )
    .await;
    save(
        db,
        "urlhaus",
        &[
            (Url, "http://bad.example/x.exe", 80),
            (Domain, "bad.example", 70),
            (Ipv4, "192.0.2.10", 80),
        ],
    )
    .await;
}
