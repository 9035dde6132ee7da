// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Allowlists and warninglists in `fetch` and `match`: what they cover is left out of
//! exports and never alerted on, each list's count is in the summary, and
//! `--no-allowlists` / `--no-warninglists` keep it. A list that cannot be read is a
//! config error before anything is fetched.

#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use common::*;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn bin(home: &Path) -> Command {
    common::quiet_bin(home)
}

async fn run(cmd: Command) -> Output {
    common::output_of(cmd).await
}

/// A feed of one value per line (types detected).
const FEED: &str = "cdn.partner.example\n\
https://files.partner.example/a.exe\n\
notpartner.example\n\
198.51.100.7\n\
198.51.100.200\n\
2001:db8:1::5\n";

/// The config's allowlist: a domain, a range, a comment and a line that is no value.
const CORP: &str = "# partners and our own ranges\n\
Partner.Example.   # pasted with a capital and a trailing dot\n\
198[.]51[.]100[.]0/25\n\
not a value\n";

async fn feed(server: &MockServer, body: &str) {
    Mock::given(path("/list.txt"))
        .respond_with(ResponseTemplate::new(200).set_body_string(body.to_string()))
        .mount(server)
        .await;
}

/// A config with one plain-list source at `server`, and `extra` lines.
fn config(dir: &Path, server: &MockServer, extra: &str) -> PathBuf {
    let p = dir.join("config.yaml");
    std::fs::write(
        &p,
        format!(
            "cache: {{ path: none }}\n\
             sources:\n  - {{ name: list, kind: plain_list, url: \"{}/list.txt\" }}\n{extra}",
            server.uri()
        ),
    )
    .unwrap();
    p
}

/// The local allowlist of a run whose home is `home` (`XDG_DATA_HOME` points there).
fn local_allowlist(home: &Path, text: &str) {
    let dir = home.join(".local/share/intellisiem");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("allowlist.txt"), text).unwrap();
}

fn lines(out: &Output) -> Vec<String> {
    let mut v: Vec<String> = text(&out.stdout).lines().map(str::to_string).collect();
    v.sort();
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fetch_leaves_allowlisted_values_out_and_counts_each_list() {
    let server = MockServer::start().await;
    feed(&server, FEED).await;
    let dir = tempfile::tempdir().unwrap();
    let corp = dir.path().join("corp.txt");
    std::fs::write(&corp, CORP).unwrap();
    local_allowlist(dir.path(), "# marked false positive\n2001:db8:1::/48\n");
    let cfg = config(
        dir.path(),
        &server,
        &format!("allowlists: [\"{}\"]\n", corp.display()),
    );
    // The feed's names and addresses are documentation ones, on the built-in
    // warninglist: only the allowlists are tried here.
    let mut cmd = bin(dir.path());
    cmd.args(["fetch", "--no-warninglists", "--format", "txt", "--config"])
        .arg(&cfg);
    let out = run(cmd).await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    // A subdomain and a URL on an allowlisted domain, an address in an allowlisted
    // range and one in the local allowlist's range are left out; a name that only ends
    // like the allowlisted one and an address outside the range are kept.
    assert_eq!(
        lines(&out),
        ["198.51.100.200", "notpartner.example"],
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "warning: allowlist {}, line 4: not a value: `not a value` (skipped)",
            corp.display()
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains("allowlist corp: left out 3 indicators (--no-allowlists keeps them)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("allowlist local: left out 1 indicator (--no-allowlists keeps them)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("6 unique indicators from 1 source in")
            && stderr.contains(", 4 of them left out by lists -> stdout (txt)"),
        "{stderr}"
    );

    let mut cmd = bin(dir.path());
    cmd.args([
        "fetch",
        "--no-warninglists",
        "--no-allowlists",
        "--format",
        "txt",
        "--config",
    ])
    .arg(&cfg);
    let out = run(cmd).await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(lines(&out).len(), 6, "--no-allowlists keeps them: {stderr}");
    assert!(!stderr.contains("left out"), "{stderr}");
    assert!(!stderr.contains("not a value"), "not read at all: {stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fetch_leaves_warninglisted_values_out_unless_no_warninglists() {
    let server = MockServer::start().await;
    feed(&server, "10.1.2.3\n45.0.0.3\nlocalhost.localdomain.test\n").await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path(), &server, "");
    let mut cmd = bin(dir.path());
    cmd.args(["fetch", "--format", "txt", "--config"]).arg(&cfg);
    let out = run(cmd).await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(lines(&out), ["45.0.0.3"], "{stderr}");
    assert!(
        stderr.contains(
            "warninglist built-in: IANA special-purpose addresses and names (RFC 6890, RFC 6761): \
             left out 2 indicators (--no-warninglists keeps them)"
        ),
        "{stderr}"
    );
    let mut cmd = bin(dir.path());
    cmd.args(["fetch", "--no-warninglists", "--format", "txt", "--config"])
        .arg(&cfg);
    let out = run(cmd).await;
    assert_eq!(lines(&out).len(), 3, "{}", text(&out.stderr));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_list_that_cannot_be_used_is_a_config_error_before_any_fetch() {
    let server = MockServer::start().await;
    feed(&server, FEED).await;
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.txt");
    let cfg = config(
        dir.path(),
        &server,
        &format!("allowlists:\n  - \"{}\"\n", missing.display()),
    );
    let mut cmd = bin(dir.path());
    cmd.args(["fetch", "--config"]).arg(&cfg);
    let out = run(cmd).await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(
        stderr.trim_end(),
        format!(
            "error: allowlists: cannot read {}: no such file or directory",
            missing.display()
        )
    );
    assert!(
        server.received_requests().await.unwrap().is_empty(),
        "nothing fetched"
    );
    // `config check` names the field and the line.
    let mut cmd = bin(dir.path());
    cmd.args(["config", "check", "--config"]).arg(&cfg);
    let out = run(cmd).await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "error: config {}, line 5: allowlists: cannot read {}: no such file or directory",
            cfg.display(),
            missing.display()
        )),
        "{stderr}"
    );
    // `match` refuses it the same way; `--no-allowlists` does without.
    let log = dir.path().join("dns.log");
    std::fs::write(&log, "query 45.0.0.3\n").unwrap();
    let set = dir.path().join("set.txt");
    std::fs::write(&set, "45.0.0.3\n").unwrap();
    for (flag, code) in [(None, 2), (Some("--no-allowlists"), 0)] {
        let mut cmd = bin(dir.path());
        cmd.args(["match", "--log-format", "text", "--indicators"])
            .arg(&set)
            .arg("--config")
            .arg(&cfg)
            .args(flag)
            .arg(&log);
        let out = run(cmd).await;
        assert_eq!(out.status.code(), Some(code), "{}", text(&out.stderr));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_check_lists_the_lists_and_warns_of_skipped_lines() {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let corp = dir.path().join("corp.txt");
    std::fs::write(&corp, CORP).unwrap();
    local_allowlist(dir.path(), "fp.example\n");
    let cfg = config(
        dir.path(),
        &server,
        &format!("allowlists: [\"{}\"]\n", corp.display()),
    );
    let mut cmd = bin(dir.path());
    cmd.args(["config", "check", "--config"]).arg(&cfg);
    let out = run(cmd).await;
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stdout.contains("  allowlists: 2 lists, 3 values: corp (2), local (1)"),
        "{stdout}"
    );
    assert!(
        stderr.contains(&format!(
            "warning: allowlist {}, line 4: not a value",
            corp.display()
        )),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn match_suppresses_allowlisted_indicators_and_counts_them() {
    let dir = tempfile::tempdir().unwrap();
    let corp = dir.path().join("corp.txt");
    std::fs::write(&corp, CORP).unwrap();
    let cfg = dir.path().join("config.yaml");
    std::fs::write(
        &cfg,
        format!(
            "cache: {{ path: none }}\nallowlists: [\"{}\"]\n",
            corp.display()
        ),
    )
    .unwrap();
    let set = dir.path().join("set.txt");
    std::fs::write(
        &set,
        "www.partner.example\nnotpartner.example\n198.51.100.9\n198.51.100.130\n",
    )
    .unwrap();
    let log = dir.path().join("dns.log");
    std::fs::write(
        &log,
        "query www.partner.example\nquery notpartner.example\nconn 198.51.100.9\nconn 198.51.100.130\n",
    )
    .unwrap();
    let run_match = |extra: &'static [&'static str]| {
        let mut cmd = bin(dir.path());
        cmd.args(["match", "--log-format", "text", "--no-warninglists"])
            .args(extra)
            .arg("--indicators")
            .arg(&set)
            .arg("--config")
            .arg(&cfg)
            .arg(&log);
        cmd
    };
    let out = run(run_match(&[])).await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("2 indicators indexed"), "{stderr}");
    assert!(
        stderr.contains("  allowlist suppressed 2 indicators: corp"),
        "{stderr}"
    );
    assert!(stderr.contains("2 alerts"), "{stderr}");
    let alerts = text(&out.stdout);
    assert!(
        !alerts.contains("www.partner.example") && !alerts.contains("198.51.100.9\""),
        "{alerts}"
    );
    assert!(
        alerts.contains("notpartner.example") && alerts.contains("198.51.100.130"),
        "{alerts}"
    );

    let out = run(run_match(&["--no-allowlists"])).await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("4 indicators indexed"), "{stderr}");
    assert!(stderr.contains("4 alerts"), "{stderr}");
    assert!(!stderr.contains("suppressed"), "{stderr}");
}
