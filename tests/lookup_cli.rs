// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! `intellisiem lookup` against a local mock of VirusTotal and the feeds: the local
//! set's view, bad values, and with `--enrich` the quota ledger across processes, the
//! reuse of answers within `enrich_ttl`, and a `429` correcting the ledger.

#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::process::Output;
use std::time::Duration;

use assert_cmd::Command;
use common::{VT_KEY, fixture, mount_all, text};
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn bin(home: &Path) -> Command {
    common::quiet_bin(home)
}

async fn run(cmd: Command) -> Output {
    common::output_of(cmd).await
}

/// feodo and a VirusTotal source with `rate_limit`, the store in `dir`.
fn config(dir: &Path, base: &str, rate_limit: &str) -> std::path::PathBuf {
    let p = dir.join("config.yaml");
    let yaml = format!(
        r#"api_keys: {{ virus_total: "{VT_KEY}" }}
cache: {{ path: "{}" }}
http: {{ timeout: 5s, retries: 0 }}
sources:
  - {{ name: feodo, kind: feodo, url: "{base}/feodo/downloads/ipblocklist.json" }}
  - {{ name: vt, kind: virustotal, url: "{base}/vt/api/v3", rate_limit: {rate_limit} }}
"#,
        dir.join("cache.db").display()
    );
    std::fs::write(&p, yaml).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    p
}

/// Any VirusTotal IP report answers with the fixture.
async fn mount_vt(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path_regex("^/vt/api/v3/ip_addresses/"))
        .respond_with(
            ResponseTemplate::new(200).set_body_bytes(fixture("virustotal/ip_address.json")),
        )
        .mount(server)
        .await;
}

async fn vt_requests(server: &MockServer) -> usize {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path().starts_with("/vt/"))
        .count()
}

/// `lookup --enrich` of `values`; with `--enrich-listed`, since the documentation
/// ranges these tests use are on the built-in warninglist.
fn lookup(dir: &Path, cfg: &Path, values: &[&str]) -> Command {
    let mut c = bin(dir);
    c.arg("lookup")
        .arg("--config")
        .arg(cfg)
        .args(["--enrich", "--enrich-listed"])
        .args(values);
    c
}

fn lines(out: &Output) -> Vec<serde_json::Value> {
    text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lookup_reports_the_local_set_warninglists_and_bad_values() {
    let server = MockServer::start().await;
    mount_all(&server).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path(), &server.uri(), "{ per_minute: 4, per_day: 500 }");
    let mut fetch = bin(dir.path());
    fetch
        .args(["fetch", "--source", "feodo", "-o", "/dev/null", "--config"])
        .arg(&cfg);
    let out = run(fetch).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let list = dir.path().join("values.txt");
    std::fs::write(&list, "# from a ticket\n45.0.0[.]3\n192.0.2.1\n").unwrap();
    let mut c = bin(dir.path());
    c.args(["lookup", "--config"])
        .arg(&cfg)
        .arg(&list)
        .args(["not a value", "-"])
        .write_stdin("hxxp://evil[.]example/a\n");
    let out = run(c).await;
    let stderr = text(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a bad value fails the run: {stderr}"
    );
    assert!(
        stderr.contains("error: not an indicator: `not a value`"),
        "{stderr}"
    );
    let rows = lines(&out);
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert_eq!(rows[0]["value"], "45.0.0.3");
    assert_eq!(rows[0]["local"]["sources"], serde_json::json!(["feodo"]));
    assert_eq!(rows[0]["local"]["threat"], "QakBot");
    assert_eq!(rows[0]["local"]["last_seen"], "2026-11-20T00:00:00Z");
    assert_eq!(rows[1]["local"], serde_json::Value::Null);
    assert!(
        rows[1]["warninglist"].is_string(),
        "documentation range: {:?}",
        rows[1]
    );
    assert_eq!(rows[2]["type"], "url");
    assert_eq!(rows[2]["value"], "http://evil.example/a");
    assert_eq!(
        vt_requests(&server).await,
        0,
        "nothing spent without --enrich"
    );
    // CSV, formula-safe.
    let mut c = bin(dir.path());
    c.args(["lookup", "--format", "csv", "--config"])
        .arg(&cfg)
        .arg("45.0.0.3");
    let out = run(c).await;
    assert_eq!(out.status.code(), Some(0));
    let csv = text(&out.stdout);
    assert!(csv.starts_with("input,type,value,sources"), "{csv}");
    assert!(csv.contains("45.0.0.3,ipv4,45.0.0.3,feodo,"), "{csv}");
    // Usage errors.
    let mut c = bin(dir.path());
    c.args(["lookup", "--config"]).arg(&cfg);
    assert_eq!(run(c).await.status.code(), Some(2));
    let mut c = bin(dir.path());
    c.args(["lookup", "--config"])
        .arg(&cfg)
        .arg("-")
        .write_stdin("");
    assert_eq!(run(c).await.status.code(), Some(2), "no values at all");
}

/// A warninglisted value (here a documentation range, on the built-in list) is not
/// worth quota: `--enrich` leaves it out and says so, `--enrich-listed` asks.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn warninglisted_values_spend_nothing_unless_asked_for() {
    let server = MockServer::start().await;
    mount_vt(&server).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(
        dir.path(),
        &server.uri(),
        "{ per_minute: 100, per_day: 500 }",
    );
    let mut c = bin(dir.path());
    c.args(["lookup", "--enrich", "--config"])
        .arg(&cfg)
        .args(["198.51.100.5", "45.0.0.3"]);
    let out = run(c).await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("1 warninglisted value not looked up (--enrich-listed asks about them)"),
        "{stderr}"
    );
    assert!(stderr.contains("vt: 1 look-up: 1 of 500"), "{stderr}");
    let rows = lines(&out);
    let listed = &rows[0]["enrichment"]["vt"];
    assert_eq!(listed["status"], "not_asked", "{listed}");
    assert!(
        listed["reason"].as_str().unwrap().contains("warninglist"),
        "{listed}"
    );
    assert_eq!(rows[1]["enrichment"]["vt"]["status"], "found");
    assert_eq!(vt_requests(&server).await, 1, "only the unlisted value");
    // The table says why too.
    let mut c = bin(dir.path());
    c.args(["lookup", "--enrich", "--format", "table", "--config"])
        .arg(&cfg)
        .arg("198.51.100.5");
    let out = run(c).await;
    assert!(text(&out.stdout).contains("not asked: warninglisted"));
    assert_eq!(vt_requests(&server).await, 1);
    // Asked for, it is looked up.
    let out = run(lookup(dir.path(), &cfg, &["198.51.100.5"])).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(lines(&out)[0]["enrichment"]["vt"]["status"], "found");
    assert_eq!(vt_requests(&server).await, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_runs_in_a_row_spend_one_daily_budget() {
    let server = MockServer::start().await;
    mount_vt(&server).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path(), &server.uri(), "{ per_minute: 100, per_day: 3 }");
    let out = run(lookup(dir.path(), &cfg, &["198.51.100.1", "198.51.100.2"])).await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("vt: 2 look-ups: 2 of 3 left today"),
        "{stderr}"
    );
    assert_eq!(
        lines(&out)[0]["enrichment"]["vt"]["virustotal"]["malicious"],
        8
    );
    assert_eq!(vt_requests(&server).await, 2);
    // A second process knows the first spent two of three.
    let out = run(lookup(dir.path(), &cfg, &["198.51.100.3", "198.51.100.4"])).await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("2 look-ups: 1 of 1 left today"), "{stderr}");
    assert!(
        stderr.contains("daily quota of 3 lookups is used up"),
        "{stderr}"
    );
    assert_eq!(
        vt_requests(&server).await,
        3,
        "never more than the day's budget"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_run_waits_for_the_minute_the_first_spent() {
    let server = MockServer::start().await;
    mount_vt(&server).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path(), &server.uri(), "{ per_minute: 2, per_day: 500 }");
    let out = run(lookup(dir.path(), &cfg, &["198.51.100.1", "198.51.100.2"])).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(vt_requests(&server).await, 2);
    // The next slot is a minute away: the second run waits instead of asking.
    let mut second = lookup(dir.path(), &cfg, &["198.51.100.3"]);
    second.timeout(Duration::from_secs(4));
    let out = run(second).await;
    assert_ne!(out.status.code(), Some(0), "still waiting when stopped");
    assert_eq!(
        vt_requests(&server).await,
        2,
        "no request beyond the minute's budget"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repeat_lookup_within_the_ttl_spends_nothing() {
    let server = MockServer::start().await;
    mount_vt(&server).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path(), &server.uri(), "{ per_minute: 4, per_day: 500 }");
    let out = run(lookup(dir.path(), &cfg, &["198.51.100.9"])).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(lines(&out)[0]["enrichment"]["vt"]["cached"], false);
    let out = run(lookup(dir.path(), &cfg, &["198[.]51.100.9"])).await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("look-up"), "no cost to announce: {stderr}");
    let row = &lines(&out)[0];
    assert_eq!(row["enrichment"]["vt"]["cached"], true);
    assert_eq!(row["enrichment"]["vt"]["virustotal"]["malicious"], 8);
    assert_eq!(
        vt_requests(&server).await,
        1,
        "the answer came from the store"
    );
    // A TTL of zero asks again.
    let yaml = std::fs::read_to_string(&cfg).unwrap();
    std::fs::write(&cfg, format!("enrich_ttl: 0s\n{yaml}")).unwrap();
    let out = run(lookup(dir.path(), &cfg, &["198.51.100.9"])).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(vt_requests(&server).await, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_corrects_the_ledger_so_the_next_run_does_not_ask() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path_regex("^/vt/api/v3/ip_addresses/"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "90000")
                .set_body_string(
                    r#"{"error":{"code":"QuotaExceededError","message":"Quota exceeded"}}"#,
                ),
        )
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path(), &server.uri(), "{ per_minute: 4, per_day: 500 }");
    let out = run(lookup(dir.path(), &cfg, &["198.51.100.1"])).await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("429"), "{stderr}");
    assert_eq!(vt_requests(&server).await, 1);
    let out = run(lookup(dir.path(), &cfg, &["198.51.100.2"])).await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("quota is used up"), "{stderr}");
    assert_eq!(
        vt_requests(&server).await,
        1,
        "the ledger knew the window was spent"
    );
    let listing = {
        let mut c = bin(dir.path());
        c.args(["sources", "--config"]).arg(&cfg);
        text(&run(c).await.stdout)
    };
    assert!(!listing.contains(VT_KEY));
    assert!(
        listing.contains("vt: quota 4/4 min · 500/500 day · next in 1d"),
        "a 25-hour wait spends the day: {listing}"
    );
}

/// A cron `fetch` of a VirusTotal source that draws a `429` without `Retry-After` waits
/// `http.max_retry_wait` (2 s here), not a fixed minute, and says so on stderr.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_without_retry_after_waits_max_retry_wait_and_says_so() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path_regex("^/vt/api/v3/ip_addresses/"))
        .respond_with(ResponseTemplate::new(429))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    mount_vt(&server).await;
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("config.yaml");
    let yaml = format!(
        r#"api_keys: {{ virus_total: "{VT_KEY}" }}
cache: {{ path: "{}" }}
http: {{ timeout: 5s, retries: 2, max_retry_wait: 2s }}
sources:
  - {{ name: vt, kind: virustotal, url: "{}/vt/api/v3", watch: ["198.51.100.1"] }}
"#,
        dir.path().join("cache.db").display(),
        server.uri()
    );
    std::fs::write(&p, yaml).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let mut c = bin(dir.path());
    c.arg("fetch")
        .arg("--config")
        .arg(&p)
        .arg("-o")
        .arg(dir.path().join("out.jsonl"));
    let started = std::time::Instant::now();
    let out = run(c).await;
    let took = started.elapsed();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("vt: waiting 2s (rate limit)"), "{stderr}");
    assert!(took >= Duration::from_secs(2), "{took:?}");
    assert!(took < Duration::from_secs(30), "a fixed minute: {took:?}");
    assert_eq!(vt_requests(&server).await, 2);
}
