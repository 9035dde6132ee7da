// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! A real Redis server (Debian's `redis-server`) for one test: its own loopback port
//! and folder, append-only so a restart keeps the stream. Absent, a test prints one
//! line and skips; under `CI=true` that is a failure.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct RedisServer {
    child: Option<Child>,
    pub port: u16,
    dir: tempfile::TempDir,
    password: Option<String>,
}

fn binary() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/bin"), PathBuf::from("/usr/sbin")])
        .map(|d| d.join("redis-server"))
        .find(|p| p.is_file())
}

impl RedisServer {
    /// A fresh server, or `None` (with one line) when `redis-server` is not installed.
    pub fn start(test: &str) -> Option<RedisServer> {
        Self::start_with(test, None)
    }

    /// A fresh server that asks for `password`.
    pub fn start_with(test: &str, password: Option<&str>) -> Option<RedisServer> {
        if binary().is_none() {
            assert!(
                std::env::var("CI").is_err(),
                "{test}: redis-server is not installed; CI must install it"
            );
            eprintln!("{test}: skipped: redis-server is not installed");
            return None;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port");
        let mut s = RedisServer {
            child: None,
            port,
            dir: tempfile::tempdir().expect("a folder"),
            password: password.map(str::to_string),
        };
        s.run();
        Some(s)
    }

    fn run(&mut self) {
        let mut cmd = Command::new(binary().expect("redis-server"));
        cmd.args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .arg("--dir")
            .arg(self.dir.path())
            .args([
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",
                "--save",
                "",
                "--daemonize",
                "no",
                "--protected-mode",
                "no",
            ]);
        if let Some(p) = &self.password {
            cmd.args(["--requirepass", p]);
        }
        let child = cmd
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server starts");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(Instant::now() < deadline, "redis-server did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// `redis://127.0.0.1:PORT/0` (without the password).
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/0", self.port)
    }

    /// A connection for the test's own commands (`XADD` as Suricata does).
    pub fn conn(&self) -> redis::Connection {
        let url = match &self.password {
            Some(p) => format!("redis://:{p}@127.0.0.1:{}/0", self.port),
            None => self.url(),
        };
        redis::Client::open(url)
            .and_then(|c| c.get_connection())
            .expect("a connection")
    }

    /// Stops the server at once (its append-only file keeps what it held).
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Starts it again on the same port and folder.
    pub fn restart(&mut self) {
        self.stop();
        self.run();
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// An eve.json flow event as Suricata writes it, to `dest`.
pub fn eve(i: usize, dest: &str) -> String {
    format!(
        r#"{{"timestamp":"2026-12-06T10:{:02}:{:02}.{:06}+0000","flow_id":{i},"event_type":"flow","src_ip":"192.0.2.10","src_port":{},"dest_ip":"{dest}","dest_port":443,"proto":"TCP","flow":{{"pkts_toserver":3,"bytes_toserver":180}}}}"#,
        (i / 60) % 60,
        i % 60,
        i % 1_000_000,
        1024 + i % 60_000
    )
}

/// `XADD key * eve <json>` for each event, pipelined; returns the entry ids.
pub fn xadd(conn: &mut redis::Connection, key: &str, events: &[String]) -> Vec<String> {
    let mut pipe = redis::pipe();
    for e in events {
        pipe.cmd("XADD").arg(key).arg("*").arg("eve").arg(e);
    }
    pipe.query(conn).expect("XADD")
}

/// The group's pending count and last delivered id.
pub fn group_state(conn: &mut redis::Connection, key: &str, group: &str) -> (i64, String) {
    let groups: Vec<std::collections::HashMap<String, redis::Value>> = redis::cmd("XINFO")
        .arg("GROUPS")
        .arg(key)
        .query(conn)
        .unwrap_or_default();
    for g in groups {
        let name: Option<String> = g
            .get("name")
            .and_then(|v| redis::from_redis_value_ref(v).ok());
        if name.as_deref() == Some(group) {
            let pending: i64 = g
                .get("pending")
                .and_then(|v| redis::from_redis_value_ref(v).ok())
                .unwrap_or(-1);
            let last: String = g
                .get("last-delivered-id")
                .and_then(|v| redis::from_redis_value_ref(v).ok())
                .unwrap_or_default();
            return (pending, last);
        }
    }
    (-1, String::new())
}

/// Waits until the group has delivered `last` and nothing is pending.
pub fn wait_drained(
    conn: &mut redis::Connection,
    key: &str,
    group: &str,
    last: &str,
    within: Duration,
) {
    let deadline = Instant::now() + within;
    loop {
        let (pending, delivered) = group_state(conn, key, group);
        if pending == 0 && delivered == last {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "group {group} not drained: {pending} pending, delivered {delivered}, last {last}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}
