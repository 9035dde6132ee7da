// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The `intellisiem` binary: exit codes, formats, summaries, config checks.

#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
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

fn write_config(dir: &Path, yaml: &str) -> std::path::PathBuf {
    let p = dir.join("config.yaml");
    std::fs::write(&p, yaml).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    p
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fetch_with_the_sample_config_merges_every_source_and_exits_0() {
    let server = MockServer::start().await;
    mount_all(&server).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(dir.path(), &sample_config(&server.uri()));
    let mut cmd = bin(dir.path());
    // The fixtures are dated years back (every indicator, decayed ones too), and their
    // documentation addresses and names are on the built-in warninglist.
    cmd.args([
        "fetch",
        "--include-decayed",
        "--no-warninglists",
        "--config",
    ])
    .arg(&cfg);
    let out = run(cmd).await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let lines: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("jsonl"))
        .collect();
    assert!(lines.len() > 15, "{}", lines.len());
    let ip = lines
        .iter()
        .find(|v| v["value"] == "45.0.0.3")
        .expect("merged IP");
    assert_eq!(ip["type"], "ipv4");
    assert_eq!(
        ip["sources"],
        serde_json::json!(["otx", "feodo", "threatfox", "vt"])
    );
    assert_eq!(ip["ports"], serde_json::json!([443]));
    // VirusTotal's verdict on the watched value is its enrichment, under its own field.
    assert_eq!(ip["enrichment"]["vt"]["virustotal"]["malicious"], 8);
    assert_eq!(ip["enrichment"]["vt"]["known"], true);
    assert!(ip.get("virustotal").is_none());
    for field in [
        "first_seen",
        "last_seen",
        "threat",
        "tags",
        "confidence",
        "references",
    ] {
        assert!(ip.get(field).is_some(), "{field}");
    }
    // Summary on stderr: every source with its count.
    for name in ["otx", "urlhaus", "feodo", "threatfox", "kev", "phish", "vt"] {
        assert!(
            stderr
                .lines()
                .any(|l| l.starts_with(name) && l.contains(" ok ")),
            "{name}: {stderr}"
        );
    }
    assert!(
        stderr.contains("unique indicators from 7 sources"),
        "{stderr}"
    );
    // Skipped records, counted per reason for each source that skipped any.
    let skips: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains(": skipped "))
        .collect();
    assert_eq!(
        skips,
        [
            "otx: skipped 2: 2 unsupported type",
            "urlhaus: skipped 1: 1 invalid value",
            "feodo: skipped 1: 1 invalid value",
            "threatfox: skipped 1: 1 unsupported type",
            "kev: skipped 1: 1 invalid value",
            "phish: skipped 1: 1 invalid value",
        ],
        "{stderr}"
    );
    for key in [OTX_KEY, VT_KEY] {
        assert!(!stderr.contains(key) && !text(&out.stdout).contains(key));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_source_gives_exit_1_and_the_others_are_still_written() {
    let server = MockServer::start().await;
    Mock::given(path("/feodo/downloads/ipblocklist.json"))
        .respond_with(ResponseTemplate::new(500).set_body_string("boom"))
        .mount(&server)
        .await;
    mount_all(&server).await;
    let dir = tempfile::tempdir().unwrap();
    let yaml = sample_config(&server.uri()).replace(
        "http: { timeout: 5s, max_body: 10MiB }",
        "http: { timeout: 5s, max_body: 10MiB, retries: 1, backoff: 10ms }",
    );
    let cfg = write_config(dir.path(), &yaml);
    let out_file = dir.path().join("out.txt");
    let mut cmd = bin(dir.path());
    cmd.args(["fetch", "--format", "txt", "-o"])
        .arg(&out_file)
        .arg("--config")
        .arg(&cfg);
    let out = run(cmd).await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr
            .lines()
            .any(|l| l.starts_with("feodo") && l.contains("FAILED") && l.contains("HTTP 500")),
        "{stderr}"
    );
    let written = std::fs::read_to_string(&out_file).unwrap();
    assert!(written.lines().any(|l| l == "CVE-2021-44228"), "{written}");
    assert!(
        written.lines().any(|l| l == "45.0.0.3"),
        "threatfox still reports it"
    );
    assert!(
        !written.lines().any(|l| l == "51.178.161.32"),
        "only feodo had it"
    );
    assert!(out.stdout.is_empty(), "output went to the file");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn formats_csv_stix_and_source_selection() {
    let server = MockServer::start().await;
    mount_all(&server).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(dir.path(), &sample_config(&server.uri()));

    let mut cmd = bin(dir.path());
    cmd.args([
        "fetch",
        "--include-decayed",
        "--source",
        "feodo",
        "--source",
        "kev",
        "--format",
        "csv",
        "--no-warninglists",
        "--config",
    ])
    .arg(&cfg);
    let out = run(cmd).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let csv = text(&out.stdout);
    let mut rdr = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(&rdr.headers().unwrap()[0], "type");
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 5, "3 feodo + 2 kev: {csv}");
    assert!(rows.iter().all(|r| &r[2] == "feodo" || &r[2] == "kev"));
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        2,
        "only the two selected"
    );

    let mut cmd = bin(dir.path());
    cmd.args([
        "fetch",
        "--source",
        "threatfox",
        "--format",
        "stix",
        "--include-decayed",
        "--no-warninglists",
        "--config",
    ])
    .arg(&cfg);
    let out = run(cmd).await;
    assert_eq!(out.status.code(), Some(0));
    let bundle: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(bundle["type"], "bundle");
    let objs = bundle["objects"].as_array().unwrap();
    assert_eq!(objs.len(), 4);
    assert!(
        objs.iter()
            .all(|o| o["type"] == "indicator" && o["pattern"].is_string())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_or_disabled_sources_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(
        dir.path(),
        "sources:\n  - { name: otx, kind: otx, url: \"http://127.0.0.1:9/otx\" }\n  - { name: f, kind: feodo, url: \"http://127.0.0.1:9/f\" }\n",
    );
    let mut cmd = bin(dir.path());
    cmd.args(["fetch", "--source", "nope", "--config"])
        .arg(&cfg);
    let out = run(cmd).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("unknown source `nope` (configured: otx, f)"));

    let mut cmd = bin(dir.path());
    cmd.args(["fetch", "--source", "otx", "--config"]).arg(&cfg);
    let out = run(cmd).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr)
            .contains("source `otx` is disabled: no API key (set INTELLISIEM_OTX_API_KEY)"),
        "{}",
        text(&out.stderr)
    );

    let mut cmd = bin(dir.path());
    cmd.args(["fetch", "--format", "xml"]);
    assert_eq!(run(cmd).await.status.code(), Some(2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_env_key_enables_a_source_and_never_shows() {
    let server = MockServer::start().await;
    mount_all(&server).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(
        dir.path(),
        &format!(
            "sources:\n  - {{ name: otx, kind: otx, url: \"{}/otx/api/v1\" }}\n",
            server.uri()
        ),
    );
    let mut cmd = bin(dir.path());
    cmd.env("INTELLISIEM_OTX_API_KEY", OTX_KEY)
        .args(["fetch", "--include-decayed", "--config"])
        .arg(&cfg);
    let out = run(cmd).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("1woat.top"));

    let mut cmd = bin(dir.path());
    cmd.env("INTELLISIEM_OTX_API_KEY", OTX_KEY)
        .args(["sources", "--config"])
        .arg(&cfg);
    let out = run(cmd).await;
    let listing = text(&out.stdout);
    assert!(listing.contains("alien_vault: set"), "{listing}");
    assert!(!listing.contains(OTX_KEY));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_check_reports_errors_with_file_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "sources:\n  - name: a\n    kind: feodo\n    colour: red\n",
            "line 4",
            "unknown field `colour`",
        ),
        (
            "sources:\n  - name: a\n    kind: feodo\n    refresh: soon\n",
            "line 4",
            "refresh",
        ),
        (
            "sources:\n  - name: a\n    kind: feodo\n  - name: a\n    kind: urlhaus\n",
            "line 4",
            "duplicate source name `a`",
        ),
        (
            "sources:\n  - name: a\n    kind: gopher\n",
            "line 3",
            "unknown variant `gopher`",
        ),
        (
            "sources:\n  - name: hits\n    kind: feodo\n",
            "line 2",
            "source name `hits` is reserved",
        ),
        (
            "sources:\n  - name: a\n    kind: feodo\n    url: file:///etc/passwd\n",
            "line 4",
            "must start with http:// or https://",
        ),
        (
            "sources: []\nkeys:\n  quit: [\"q\"]\n  qiut: [\"Q\"]\n",
            "line 4",
            "keys.qiut: unknown action",
        ),
        (
            "sources: []\nkeys:\n  quit:\n    - q\n    - \"ctrl-\"\n",
            "line 5",
            "keys.quit: unknown key `ctrl-`",
        ),
        (
            "sources: []\nkeys:\n  filter: [\"/\"]\n  export: [\"q\"]\n",
            "line 4",
            "keys.export: `q` is also the key of `quit` in the table",
        ),
        (
            "sources: []\nkeys:\n  quit: { key: q }\n",
            "line 3",
            "keys.quit: expected a key or a list of keys",
        ),
    ];
    for (yaml, line, what) in cases {
        let cfg = write_config(dir.path(), yaml);
        let mut cmd = bin(dir.path());
        cmd.args(["config", "check", "--config"]).arg(&cfg);
        let out = run(cmd).await;
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{yaml}");
        assert_eq!(err.lines().count(), 1, "one line: {err}");
        assert!(err.contains(&cfg.display().to_string()), "{err}");
        assert!(err.contains(line) && err.contains(what), "{yaml}\n{err}");
    }
    let mut cmd = bin(dir.path());
    cmd.args(["config", "check", "--config", "/no/such/file.yaml"]);
    let out = run(cmd).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("cannot read config /no/such/file.yaml"));

    let cfg = write_config(dir.path(), &sample_config("http://127.0.0.1:9"));
    let mut cmd = bin(dir.path());
    cmd.args(["config", "check", "--config"]).arg(&cfg);
    let out = run(cmd).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("config OK"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_init_writes_a_private_template_and_keeps_existing_files() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = bin(dir.path());
    cmd.args(["config", "init"]);
    let out = run(cmd).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let p = dir.path().join(".config/intellisiem/config.yaml");
    let written = std::fs::read_to_string(&p).unwrap();
    assert!(written.contains("api_keys:") && written.contains("alien_vault"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    let mut cmd = bin(dir.path());
    cmd.args(["config", "init"]);
    let out = run(cmd).await;
    assert_eq!(out.status.code(), Some(2), "does not overwrite");
    // The written template is found by lookup and is valid.
    let mut cmd = bin(dir.path());
    cmd.args(["config", "check"]);
    let out = run(cmd).await;
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains(&p.display().to_string()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn builtin_defaults_list_the_real_feeds_with_otx_and_vt_waiting_for_keys() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = bin(dir.path());
    cmd.arg("sources");
    let out = run(cmd).await;
    let listing = text(&out.stdout);
    assert!(
        listing.starts_with("config: built-in defaults"),
        "{listing}"
    );
    assert!(listing.contains("https://feodotracker.abuse.ch/downloads/ipblocklist.json"));
    assert!(listing.contains("no API key (set INTELLISIEM_OTX_API_KEY)"));
    let mut cmd = bin(dir.path());
    cmd.env("INTELLISIEM_VT_API_KEY", VT_KEY).arg("sources");
    let listing = text(&run(cmd).await.stdout);
    let vt = listing
        .lines()
        .find(|l| l.starts_with("virustotal"))
        .unwrap();
    assert!(
        vt.contains("enabled") && vt.contains("virus_total: set"),
        "{vt}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn help_is_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        vec!["--help"],
        vec!["fetch", "--help"],
        vec!["sources", "--help"],
        vec!["config", "--help"],
        vec!["config", "check", "--help"],
    ] {
        let mut cmd = bin(dir.path());
        cmd.args(&args);
        let out = run(cmd).await;
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        assert!(text(&out.stdout).contains("Usage:"), "{args:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_exports_the_cached_set_when_the_network_is_gone() {
    // Outside the shared pool, so dropping it really stops it.
    let server = MockServer::builder().start().await;
    mount_all(&server).await;
    let dir = tempfile::tempdir().unwrap();
    let yaml = sample_config(&server.uri()).replace(
        "cache: { path: none }\nhttp: { timeout: 5s, max_body: 10MiB }",
        "http: { timeout: 2s, retries: 0 }",
    );
    let cfg = write_config(dir.path(), &yaml);
    let mut cmd = bin(dir.path());
    cmd.args(["fetch", "--format", "txt", "--config"]).arg(&cfg);
    let online = run(cmd).await;
    assert_eq!(online.status.code(), Some(0), "{}", text(&online.stderr));
    assert!(
        dir.path()
            .join(".local/share/intellisiem/cache.db")
            .is_file(),
        "default cache path"
    );
    let uri = server.uri();
    drop(server);

    // The services are gone: a live fetch fails...
    let mut cmd = bin(dir.path());
    cmd.args(["fetch", "--source", "feodo", "--config"])
        .arg(&cfg);
    let out = run(cmd).await;
    assert_eq!(out.status.code(), Some(1), "{} {}", uri, text(&out.stderr));
    // ...but the last good data is still there.
    let mut cmd = bin(dir.path());
    cmd.args(["fetch", "--offline", "--format", "txt", "--config"])
        .arg(&cfg);
    let offline = run(cmd).await;
    assert_eq!(offline.status.code(), Some(0), "{}", text(&offline.stderr));
    let mut a: Vec<String> = text(&online.stdout).lines().map(String::from).collect();
    let mut b: Vec<String> = text(&offline.stdout).lines().map(String::from).collect();
    a.sort();
    b.sort();
    assert_eq!(a, b, "the cached set is what was fetched");
    assert!(
        text(&offline.stderr).contains("cached"),
        "{}",
        text(&offline.stderr)
    );

    // The watch list's VirusTotal verdicts are kept too: exported as enrichment.
    let mut cmd = bin(dir.path());
    cmd.args(["fetch", "--offline", "--config"]).arg(&cfg);
    let out = run(cmd).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let ip: serde_json::Value = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|v| v["value"] == "45.0.0.3")
        .expect("the watched IP");
    assert_eq!(ip["enrichment"]["vt"]["virustotal"]["malicious"], 8, "{ip}");

    // --no-cache turns it off.
    let mut cmd = bin(dir.path());
    cmd.args(["fetch", "--offline", "--no-cache", "--config"])
        .arg(&cfg);
    let out = run(cmd).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--offline needs the cache"));

    // The history shows in `sources`.
    let mut cmd = bin(dir.path());
    cmd.args(["sources", "--config"]).arg(&cfg);
    let listing = text(&run(cmd).await.stdout);
    assert!(listing.contains("history (cache"), "{listing}");
    let feodo = listing
        .lines()
        .filter(|l| l.starts_with("feodo"))
        .nth(1)
        .unwrap();
    assert!(
        feodo.contains("network_error") && feodo.contains("1/2"),
        "{feodo}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_corrupt_cache_is_moved_aside_with_one_line() {
    let server = MockServer::start().await;
    mount_all(&server).await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("my.db");
    std::fs::write(
        &db,
        b"garbage garbage garbage garbage garbage garbage garbage".repeat(100),
    )
    .unwrap();
    let yaml = format!(
        "cache: {{ path: \"{}\" }}\nsources:\n  - {{ name: feodo, kind: feodo, url: \"{}/feodo/downloads/ipblocklist.json\" }}\n",
        db.display(),
        server.uri()
    );
    let cfg = write_config(dir.path(), &yaml);
    let mut cmd = bin(dir.path());
    cmd.args([
        "fetch",
        "--include-decayed",
        "--no-warninglists",
        "--config",
    ])
    .arg(&cfg);
    let out = run(cmd).await;
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let warning: Vec<&str> = err.lines().filter(|l| l.starts_with("warning:")).collect();
    assert_eq!(warning.len(), 1, "{err}");
    assert!(
        warning[0].contains("moved it to") && warning[0].contains("my.db.corrupt-"),
        "{err}"
    );
    assert_eq!(text(&out.stdout).lines().count(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cache_from_a_newer_version_is_refused_not_overwritten() {
    let server = MockServer::start().await;
    mount_all(&server).await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("new.db");
    {
        let c = rusqlite::Connection::open(&db).unwrap();
        c.execute_batch("CREATE TABLE x(y); PRAGMA user_version = 99;")
            .unwrap();
    }
    let before = std::fs::read(&db).unwrap();
    let yaml = format!(
        "cache: {{ path: \"{}\" }}\nsources:\n  - {{ name: feodo, kind: feodo, url: \"{}/feodo/downloads/ipblocklist.json\" }}\n",
        db.display(),
        server.uri()
    );
    let cfg = write_config(dir.path(), &yaml);
    let mut cmd = bin(dir.path());
    cmd.args(["fetch", "--config"]).arg(&cfg);
    let out = run(cmd).await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "the fetch still works without the cache"
    );
    assert!(
        text(&out.stderr).contains("newer IntelliSIEM (schema 99"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

/// Warnings outlive the run: they are appended to `$XDG_STATE_HOME/intellisiem/
/// intellisiem.log` (or `log_file:`); `log_file: none` writes none; `sources`
/// names the file.
#[test]
fn warnings_are_kept_in_the_log_file() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    // A source that cannot be reached: its failure is a warning.
    let cfg = home.join("config.yaml");
    std::fs::write(
        &cfg,
        "http: { retries: 0 }\nsources:\n  - { name: gone, kind: plain_list, url: \"http://127.0.0.1:9/\" }\n",
    )
    .unwrap();
    let out = common::clean_bin(home)
        .args(["fetch", "--no-cache", "--config"])
        .arg(&cfg)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let log = home.join(".local/state/intellisiem/intellisiem.log");
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.contains("WARN") && text.contains("gone"), "{text}");

    let listed = common::clean_bin(home)
        .args(["sources", "--config"])
        .arg(&cfg)
        .output()
        .unwrap();
    let listed = String::from_utf8_lossy(&listed.stdout);
    assert!(
        listed.contains(&format!("log file: {}", log.display())),
        "{listed}"
    );

    let elsewhere = home.join("logs/mine.log");
    std::fs::write(
        &cfg,
        format!(
            "log_file: {}\nhttp: {{ retries: 0 }}\nsources:\n  - {{ name: gone, kind: plain_list, url: \"http://127.0.0.1:9/\" }}\n",
            elsewhere.display()
        ),
    )
    .unwrap();
    std::fs::remove_file(&log).unwrap();
    common::clean_bin(home)
        .args(["fetch", "--no-cache", "--config"])
        .arg(&cfg)
        .output()
        .unwrap();
    assert!(
        std::fs::read_to_string(&elsewhere)
            .unwrap()
            .contains("gone")
    );
    assert!(!log.exists(), "`log_file:` replaces the default");

    std::fs::write(
        &cfg,
        "log_file: none\nhttp: { retries: 0 }\nsources:\n  - { name: gone, kind: plain_list, url: \"http://127.0.0.1:9/\" }\n",
    )
    .unwrap();
    std::fs::remove_file(&elsewhere).unwrap();
    common::clean_bin(home)
        .args(["fetch", "--no-cache", "--config"])
        .arg(&cfg)
        .output()
        .unwrap();
    assert!(
        !log.exists() && !elsewhere.exists(),
        "`log_file: none` writes no file"
    );
}

/// `INTELLISIEM_LOG=debug` is the program's own debug lines: other crates stay at warn
/// unless a directive names them. Off a terminal, stderr and the log file carry no
/// colour codes (colour is for a terminal only, even without `NO_COLOR`).
#[test]
fn debug_logging_is_the_programs_own_and_plain_off_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    let cfg = home.join("config.yaml");
    std::fs::write(
        &cfg,
        "http: { retries: 0 }\nsources:\n  - { name: gone, kind: plain_list, url: \"http://127.0.0.1:9/\" }\n",
    )
    .unwrap();
    let run = |level: &str| {
        let out = common::clean_bin(home)
            .env_remove("NO_COLOR")
            .env("INTELLISIEM_LOG", level)
            .args(["fetch", "--no-cache", "-o", "/dev/null", "--config"])
            .arg(&cfg)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let stderr = run("debug");
    assert!(
        stderr.contains("DEBUG") && stderr.contains("fetch failed"),
        "the program's own debug lines: {stderr}"
    );
    // reqwest and hyper-util say these at debug.
    assert!(
        !stderr.contains("connecting to") && !stderr.contains("starting new connection"),
        "other crates stay at warn: {stderr}"
    );
    assert!(
        !stderr.contains('\x1b'),
        "no colour off a terminal: {stderr:?}"
    );
    let named = run("debug,hyper_util=debug");
    assert!(named.contains("connecting to"), "a named crate: {named}");
    let log =
        std::fs::read_to_string(home.join(".local/state/intellisiem/intellisiem.log")).unwrap();
    assert!(log.contains("fetch failed"), "{log}");
    assert!(
        !log.contains('\x1b') && !log.contains("\\x1b["),
        "no colour codes in the log file: {log}"
    );
}

#[tokio::test]
async fn ascii_goes_with_the_dashboard_only() {
    let home = tempfile::tempdir().unwrap();
    let mut cmd = bin(home.path());
    cmd.args(["--ascii", "sources"]);
    let out = run(cmd).await;
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("--ascii is for the dashboard"), "{err}");
    // The dashboard itself with --ascii still wants a terminal, and says so.
    let mut cmd = bin(home.path());
    cmd.args(["--ascii", "--demo"]);
    let out = run(cmd).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("needs a terminal"));
}

/// The demo does not depend on the config: one that does not load is warned about and
/// the demo goes on (here to its need of a terminal), instead of stopping on it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_config_does_not_stop_the_demo() {
    let home = tempfile::tempdir().unwrap();
    let cfg = write_config(home.path(), "sources: [ {name: x, kind: no_such_kind} ]\n");
    let mut cmd = bin(home.path());
    cmd.arg("--config").arg(&cfg).arg("--demo");
    let out = run(cmd).await;
    let err = text(&out.stderr);
    assert!(
        err.contains("warning: the config is not used by the demo"),
        "{err}"
    );
    assert!(err.contains("needs a terminal"), "{err}");
}

/// `-o` into a folder that does not exist fails before anything is fetched (no request,
/// no quota spent) with exit 2 and one line; `match -o` the same, before it reads.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_output_in_a_missing_folder_fails_before_any_work() {
    let server = MockServer::start().await;
    mount_all(&server).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(dir.path(), &sample_config(&server.uri()));
    let target = dir.path().join("no-such-folder/out.jsonl");
    let mut cmd = bin(dir.path());
    cmd.args(["fetch", "--config"])
        .arg(&cfg)
        .arg("-o")
        .arg(&target);
    let out = run(cmd).await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: cannot write ")
            && stderr.contains("no-such-folder does not exist"),
        "{stderr}"
    );
    assert!(
        server
            .received_requests()
            .await
            .unwrap_or_default()
            .is_empty(),
        "nothing fetched"
    );
    assert!(!target.exists());
    let log = dir.path().join("access.log");
    std::fs::write(
        &log,
        "192.0.2.1 - - [01/Dec/2026:00:00:00 +0000] \"GET / HTTP/1.1\" 200 1\n",
    )
    .unwrap();
    let set = dir.path().join("set.txt");
    std::fs::write(&set, "192.0.2.1\n").unwrap();
    let mut cmd = bin(dir.path());
    cmd.args(["match", "--no-warninglists", "--indicators"])
        .arg(&set)
        .arg("-o")
        .arg(&target)
        .arg(&log);
    let out = run(cmd).await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("no-such-folder does not exist"), "{stderr}");
}

/// A run that leaves its output as it was (every source failed, nothing cached) does not
/// claim to have written it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_success_line_for_an_output_that_was_not_written() {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    // Every feed answers 404 (VirusTotal's 404 means "not known": left out).
    let yaml: String = sample_config(&server.uri())
        .replace(
            "http: { timeout: 5s, max_body: 10MiB }",
            "http: { timeout: 5s, max_body: 10MiB, retries: 0 }",
        )
        .lines()
        .filter(|l| !l.contains("kind: virustotal"))
        .map(|l| format!("{l}\n"))
        .collect();
    let cfg = write_config(dir.path(), &yaml);
    let target = dir.path().join("out.jsonl");
    let mut cmd = bin(dir.path());
    cmd.args(["fetch", "--config"])
        .arg(&cfg)
        .arg("-o")
        .arg(&target);
    let out = run(cmd).await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(!target.exists(), "{stderr}");
    assert!(stderr.contains("left as it was"), "{stderr}");
    assert!(!stderr.contains("-> "), "no success line: {stderr}");
    assert!(
        stderr
            .lines()
            .last()
            .unwrap_or("")
            .contains("nothing written to"),
        "{stderr}"
    );
}

/// Counts read one way in every command (`1,234`, thousands grouped; `1 source`, not
/// `1 sources`), and the summary tables align: numbers on the right edge of their column.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn counts_read_one_way_and_tables_align() {
    let server = MockServer::start().await;
    let big: String = (0..1234).map(|i| format!("host{i}.example\n")).collect();
    Mock::given(path("/big.txt"))
        .respond_with(ResponseTemplate::new(200).set_body_string(big))
        .mount(&server)
        .await;
    Mock::given(path("/one.txt"))
        .respond_with(ResponseTemplate::new(200).set_body_string("one.example\n"))
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let yaml = |sources: &[&str]| {
        let mut y = format!(
            "cache: {{ path: \"{}\" }}\nhttp: {{ timeout: 5s, retries: 0 }}\nsources:\n",
            dir.path().join("cache.db").display()
        );
        for s in sources {
            y.push_str(&format!(
                "  - {{ name: {s}, kind: plain_list, url: \"{}/{s}.txt\" }}\n",
                server.uri()
            ));
        }
        y
    };
    let cfg = write_config(dir.path(), &yaml(&["big", "one"]));
    let mut cmd = bin(dir.path());
    cmd.args(["fetch", "-o"])
        .arg(dir.path().join("out.jsonl"))
        .arg("--config")
        .arg(&cfg);
    let out = run(cmd).await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    let edge = lines[0].find("COUNT").unwrap() + "COUNT".len();
    let count_of = |name: &str| {
        let l = lines.iter().find(|l| l.starts_with(name)).unwrap();
        l[..edge].rsplit(' ').next().unwrap().to_string()
    };
    assert_eq!(
        count_of("big"),
        "1,234",
        "right-aligned under COUNT: {stderr}"
    );
    assert_eq!(count_of("one"), "1", "right-aligned under COUNT: {stderr}");
    assert!(
        stderr.contains("1,235 unique indicators from 2 sources"),
        "{stderr}"
    );
    // `sources`: the history's count.
    let mut cmd = bin(dir.path());
    cmd.args(["sources", "--config"]).arg(&cfg);
    let listing = text(&run(cmd).await.stdout);
    assert!(
        listing
            .lines()
            .any(|l| l.starts_with("big") && l.contains(" 1,234 ")),
        "{listing}"
    );
    // `match`: one line, one event, one alert, one hit.
    let log = dir.path().join("dns.log");
    std::fs::write(&log, "query one.example\n").unwrap();
    let mut cmd = bin(dir.path());
    cmd.args([
        "match",
        "--log-format",
        "text",
        "--no-warninglists",
        "--config",
    ])
    .arg(&cfg)
    .arg(&log);
    let out = run(cmd).await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("1,235 indicators indexed"), "{stderr}");
    assert!(
        stderr.contains("1 line, ") && stderr.contains("1 event, 1 alert"),
        "{stderr}"
    );
    assert!(stderr.contains("1 hit on indicators from one"), "{stderr}");
    // `config check`: one source.
    let one = write_config(dir.path(), &yaml(&["one"]));
    let mut cmd = bin(dir.path());
    cmd.args(["config", "check", "--config"]).arg(&one);
    let out = text(&run(cmd).await.stdout);
    assert!(out.contains("(1 source, 1 enabled)"), "{out}");
}
