// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! `match` and SIGINT / SIGTERM: `--follow`, `--redis` and a plain scan of a silent
//! pipe stop promptly, write what they hold and print their summary. Each test prints
//! how long the process took to exit after the signal (`--nocapture` shows it); the
//! bound asserted is a generous 5 s so a loaded machine does not fail the test, the
//! aim being well under 0.5 s.

#![allow(clippy::unwrap_used)]

mod common;

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::redis_server::{RedisServer, eve, xadd};
use common::{ENV_TO_CLEAR, text};

/// The longest a stop may take before the test fails.
const BOUND: Duration = Duration::from_secs(5);

fn bin() -> PathBuf {
    std::env::var_os("INTELLISIEM_E2E_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| assert_cmd::cargo::cargo_bin("intellisiem"))
}

/// `match --no-warninglists --indicators <one range>` in `home`, standard error to
/// `home/stderr`.
fn match_cmd(home: &Path) -> Command {
    let set = home.join("indicators.txt");
    std::fs::write(&set, "198.51.100.0/24\n").unwrap();
    let mut c = Command::new(bin());
    for v in ENV_TO_CLEAR {
        c.env_remove(v);
    }
    c.env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_DATA_HOME", home.join(".local/share"))
        .env("XDG_STATE_HOME", home.join(".local/state"))
        .current_dir(home)
        .args(["match", "--no-warninglists", "--indicators"])
        .arg(set)
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(home.join("stderr")).unwrap());
    c
}

/// Waits (bounded) until `file` holds `n` lines.
fn wait_lines(file: &Path, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let got = std::fs::read_to_string(file).unwrap_or_default();
        if got.lines().count() >= n {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{n} line(s) in {}",
            file.display()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Sends `signal` (`INT`, `TERM`) to `child` once it has been idle a moment; returns
/// its exit code, how long it took to exit, and its standard error.
fn stop(mut child: Child, signal: &str, home: &Path, what: &str) -> (Option<i32>, String) {
    std::thread::sleep(Duration::from_millis(400));
    let sent = Instant::now();
    let kill = Command::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if sent.elapsed() > BOUND {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: still running {BOUND:?} after SIG{signal}");
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let took = sent.elapsed();
    eprintln!("{what}: exited {took:?} after SIG{signal}");
    let stderr = std::fs::read_to_string(home.join("stderr")).unwrap();
    (status.code(), stderr)
}

/// An eve flow to a listed address.
fn hit() -> String {
    eve(1, "198.51.100.7") + "\n"
}

fn follow_stops_on(signal: &str) {
    let home = tempfile::tempdir().unwrap();
    let log = home.path().join("eve.json");
    let out = home.path().join("alerts.jsonl");
    std::fs::write(&log, hit()).unwrap();
    let child = match_cmd(home.path())
        .arg("--follow")
        .arg("-o")
        .arg(&out)
        .arg(&log)
        .spawn()
        .unwrap();
    wait_lines(&out, 1);
    let (code, stderr) = stop(child, signal, home.path(), "match --follow");
    assert_eq!(code, Some(0), "a follow that matched: {stderr}");
    assert!(
        stderr.contains(&format!("stopped by SIG{signal}")),
        "{stderr}"
    );
    assert!(stderr.contains("1 event, 1 alert"), "the summary: {stderr}");
    wait_lines(&out, 1);
}

#[test]
fn follow_prints_its_summary_and_exits_promptly_on_sigint() {
    follow_stops_on("INT");
}

#[test]
fn follow_prints_its_summary_and_exits_promptly_on_sigterm() {
    follow_stops_on("TERM");
}

/// A plain `match` of a pipe whose writer is alive but silent: it stops, prints its
/// summary and exits 128 + the signal's number, its input not read to the end.
fn silent_pipe_stops_on(signal: &str, code: i32) {
    let home = tempfile::tempdir().unwrap();
    let mut child = match_cmd(home.path())
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    stdin.write_all(hit().as_bytes()).unwrap();
    stdin.flush().unwrap();
    let mut first = String::new();
    std::io::BufReader::new(stdout)
        .read_line(&mut first)
        .unwrap();
    assert!(first.contains("198.51.100.7"), "{first}");
    let (got, stderr) = stop(child, signal, home.path(), "match from a silent pipe");
    drop(stdin);
    assert_eq!(got, Some(code), "{stderr}");
    assert!(
        stderr.contains(&format!("stopped by SIG{signal}")),
        "{stderr}"
    );
    assert!(stderr.contains("1 event, 1 alert"), "the summary: {stderr}");
}

#[test]
fn a_plain_match_of_a_silent_pipe_stops_on_sigint() {
    silent_pipe_stops_on("INT", 130);
}

#[test]
fn a_plain_match_of_a_silent_pipe_stops_on_sigterm() {
    silent_pipe_stops_on("TERM", 143);
}

/// `match --redis` on a quiet stream: its blocking read is short, so a stop is prompt
/// whichever thread the signal lands on; the summary counts the entry read.
#[test]
fn a_stream_consumer_prints_its_summary_and_exits_promptly_on_sigint_and_sigterm() {
    let Some(server) = RedisServer::start("stream_consumer_signals") else {
        return;
    };
    let mut conn = server.conn();
    xadd(&mut conn, "suricata", &[eve(1, "198.51.100.7")]);
    for signal in ["INT", "TERM"] {
        let home = tempfile::tempdir().unwrap();
        let out = home.path().join("alerts.jsonl");
        let child = match_cmd(home.path())
            .args(["--redis", &server.url(), "--stream", "suricata"])
            .args(["--group", &format!("g{signal}"), "-o"])
            .arg(&out)
            .spawn()
            .unwrap();
        wait_lines(&out, 1);
        let (code, stderr) = stop(child, signal, home.path(), "match --redis");
        assert_eq!(code, Some(0), "{stderr}");
        assert!(
            stderr.contains(&format!("stopped by SIG{signal}")),
            "{stderr}"
        );
        assert!(stderr.contains("1 entry read, 1 acknowledged"), "{stderr}");
        assert!(text(&std::fs::read(&out).unwrap()).contains("198.51.100.7"));
    }
}
