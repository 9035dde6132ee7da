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
    assert_eq!(rows[0]["match"], "exact");
    assert_eq!(rows[0]["local"][0]["sources"], serde_json::json!(["feodo"]));
    assert_eq!(rows[0]["local"][0]["threat"], "QakBot");
    assert_eq!(rows[0]["local"][0]["last_seen"], "2026-11-20T00:00:00Z");
    assert_eq!(rows[1]["match"], serde_json::Value::Null);
    assert_eq!(rows[1]["local"], serde_json::json!([]));
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
    assert!(
        csv.starts_with("input,type,value,match,indicator_type,indicator,sources"),
        "{csv}"
    );
    assert!(
        csv.contains("45.0.0.3,ipv4,45.0.0.3,exact,ipv4,45.0.0.3,feodo,"),
        "{csv}"
    );
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

/// The store holds sightings of the user's own logs: the folder the first run creates is
/// `0700` and the database `0600` (its `-wal` and `-shm` too, while they exist), like the
/// log file, even under a umask that lets everyone read.
#[cfg(unix)]
#[test]
fn the_store_a_first_run_creates_is_owner_only_under_a_permissive_umask() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    let mut c = std::process::Command::new("sh");
    c.arg("-c")
        .arg("umask 000 && exec \"$0\" \"$@\"")
        .arg(assert_cmd::cargo::cargo_bin("intellisiem"))
        .args(["lookup", "--format", "jsonl", "192.0.2.1"]);
    for v in common::ENV_TO_CLEAR {
        c.env_remove(v);
    }
    c.env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_DATA_HOME", home.join(".local/share"))
        .env("XDG_STATE_HOME", home.join(".local/state"))
        .env("NO_COLOR", "1")
        .current_dir(home);
    let out = c.output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let store = home.join(".local/share/intellisiem");
    assert_eq!(mode(&store), 0o700, "the store's folder");
    let mut files = 0;
    for f in std::fs::read_dir(&store).unwrap() {
        let p = f.unwrap().path();
        assert_eq!(mode(&p), 0o600, "{}", p.display());
        files += 1;
    }
    assert!(files >= 1, "cache.db was created");
    let log = home.join(".local/state/intellisiem");
    assert_eq!(mode(&log), 0o700);
    assert_eq!(mode(&log.join("intellisiem.log")), 0o600);
}

/// A list of ranges and a domain, served as a plain list.
async fn mount_ranges(server: &MockServer) {
    Mock::given(method("GET"))
        .and(wiremock::matchers::path("/ranges.txt"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string("198.51.100.0/24\n198.51.0.0/16\n203.0.113.5\nevil.example\n"),
        )
        .mount(server)
        .await;
}

/// `lookup` answers as `match` hits: an address inside held ranges names every covering
/// range, a name under a held domain names it as a parent match, in every format; and
/// `match` on a log line with the same address alerts on the same ranges.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lookup_names_covering_ranges_and_parent_domains_as_match_does() {
    let server = MockServer::start().await;
    mount_ranges(&server).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.yaml");
    std::fs::write(
        &cfg,
        format!(
            "cache: {{ path: \"{}\" }}\nhttp: {{ timeout: 5s, retries: 0 }}\nsources:\n  - {{ name: ranges, kind: plain_list, url: \"{}/ranges.txt\" }}\n",
            dir.path().join("cache.db").display(),
            server.uri()
        ),
    )
    .unwrap();
    let mut fetch = bin(dir.path());
    fetch
        .args(["fetch", "-o", "/dev/null", "--config"])
        .arg(&cfg);
    let out = run(fetch).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let lookup_as = |format: &str| {
        let mut c = bin(dir.path());
        c.args(["lookup", "--format", format, "--config"])
            .arg(&cfg)
            .args([
                "198.51.100.7",
                "a.b.evil[.]example",
                "203.0.113.5",
                "192.0.2.1",
            ]);
        c
    };
    let out = run(lookup_as("jsonl")).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let rows = lines(&out);
    assert_eq!(rows[0]["match"], "cidr", "{:?}", rows[0]);
    let covering: Vec<&str> = rows[0]["local"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            assert_eq!(l["match"], "cidr");
            assert_eq!(l["sources"], serde_json::json!(["ranges"]));
            l["indicator"].as_str().unwrap()
        })
        .collect();
    assert_eq!(
        covering,
        ["198.51.100.0/24", "198.51.0.0/16"],
        "narrowest first"
    );
    assert_eq!(rows[1]["match"], "parent_domain");
    assert_eq!(rows[1]["local"][0]["indicator"], "evil.example");
    assert_eq!(rows[2]["match"], "exact");
    assert_eq!(rows[3]["local"], serde_json::json!([]));
    let table = text(&run(lookup_as("table")).await.stdout);
    let lines_of = |needle: &str| table.lines().filter(|l| l.contains(needle)).count();
    assert_eq!(lines_of("  cidr  "), 2, "{table}");
    assert!(table.contains("198.51.0.0/16"), "{table}");
    assert_eq!(lines_of("parent_domain"), 1, "{table}");
    let csv = text(&run(lookup_as("csv")).await.stdout);
    assert!(
        csv.contains("198.51.100.7,ipv4,198.51.100.7,cidr,cidr,198.51.100.0/24,ranges,"),
        "{csv}"
    );
    assert!(csv.contains(",parent_domain,domain,evil.example,"), "{csv}");
    // `match` on the same store hits the same ranges.
    let log = dir.path().join("access.log");
    std::fs::write(&log, "seen 198.51.100.7 today\n").unwrap();
    let mut m = bin(dir.path());
    m.args([
        "match",
        "--no-warninglists",
        "--log-format",
        "text",
        "--config",
    ])
    .arg(&cfg)
    .arg(&log);
    let out = run(m).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let mut alerted: Vec<String> = lines(&out)
        .iter()
        .flat_map(|a| {
            a["threat"]["enrichments"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .map(|e| {
            e["indicator"]["name"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    alerted.sort();
    let mut looked: Vec<String> = covering.iter().map(|s| s.to_string()).collect();
    looked.sort();
    assert_eq!(alerted, looked);
}

/// Machine output carries whole values: the warninglist's name is not cut for a screen.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn machine_output_is_not_cut_for_a_screen() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = bin(dir.path());
    c.args(["lookup", "--no-cache", "--format", "jsonl", "192.0.2.1"]);
    let out = run(c).await;
    let rows = lines(&out);
    let name = rows[0]["warninglist"].as_str().unwrap();
    assert!(!name.contains('…'), "{name}");
    let mut c = bin(dir.path());
    c.args(["lookup", "--no-cache", "--format", "csv", "192.0.2.1"]);
    let csv = text(&run(c).await.stdout);
    assert!(csv.contains(name), "{csv}");
    assert!(!csv.contains('…'), "{csv}");
}

/// A mistyped file name is looked up as a domain, with a warning that says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_name_that_is_no_file_is_looked_up_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = bin(dir.path());
    c.args(["lookup", "--no-cache", "--format", "jsonl", "report.pdf"]);
    let out = run(c).await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("warning: no file `report.pdf` here: looked up as a domain"),
        "{stderr}"
    );
    assert_eq!(lines(&out)[0]["type"], "domain");
}
