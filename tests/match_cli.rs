// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! `intellisiem match`: exit codes, both output formats, standard input, `.gz`, bad
//! lines, and `--follow` across appends, rotation and truncation.

#![allow(clippy::unwrap_used)]

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Stdio};
use std::time::{Duration, Instant};

use common::{clean_bin, text};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/logs")
}

fn alerts(stdout: &[u8]) -> Vec<serde_json::Value> {
    text(stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("jsonl"))
        .collect()
}

/// `match --no-warninglists --indicators <fixtures>/<set>` plus `args`.
fn matching(home: &Path, set: &str, args: &[&str]) -> assert_cmd::Command {
    let mut c = clean_bin(home);
    c.args(["match", "--no-warninglists", "--indicators"])
        .arg(fixtures().join(set))
        .args(args);
    c
}

/// `-o` naming an input (itself, through a symbolic link, or the indicators file) is
/// refused before anything is created: the input is left as it was.
#[test]
fn an_output_that_is_an_input_is_refused_and_left_whole() {
    let home = tempfile::tempdir().unwrap();
    let log = home.path().join("eve.json");
    std::fs::copy(fixtures().join("eve/eve.json"), &log).unwrap();
    let before = std::fs::read(&log).unwrap();
    let link = home.path().join("link.json");
    std::os::unix::fs::symlink(&log, &link).unwrap();
    let set = home.path().join("set.txt");
    std::fs::copy(fixtures().join("indicators.txt"), &set).unwrap();
    for (out, args) in [
        (&log, vec![log.clone()]),
        (&link, vec![log.clone()]),
        (&set, vec![log.clone()]),
    ] {
        let o = clean_bin(home.path())
            .args(["match", "--no-warninglists", "--indicators"])
            .arg(&set)
            .arg("-o")
            .arg(out)
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
        assert!(
            text(&o.stderr).contains("is also an input"),
            "{}",
            text(&o.stderr)
        );
    }
    assert_eq!(std::fs::read(&log).unwrap(), before);
    assert!(std::fs::metadata(&set).unwrap().len() > 0);
}

#[test]
fn every_format_matches_its_fixture() {
    let home = tempfile::tempdir().unwrap();
    for (file, module, want) in [
        ("eve/eve.json", "suricata", 5),
        ("zeek/zeek.log", "zeek", 2),
        ("zeek-json/dns.json", "zeek", 1),
        ("combined/access.log", "nginx", 2),
        ("syslog/messages", "syslog", 3),
        ("text/ticket.txt", "text", 2),
    ] {
        let path = fixtures().join(file);
        let out = matching(home.path(), "indicators.txt", &[])
            .arg(&path)
            .output()
            .unwrap();
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{file}: {stderr}");
        let docs = alerts(&out.stdout);
        assert_eq!(docs.len(), want, "{file}: {}", text(&out.stdout));
        for d in &docs {
            assert_eq!(d["event"]["kind"], "alert");
            assert_eq!(d["event"]["module"], module, "{file}");
            assert!(d["@timestamp"].is_string());
            assert!(d["log"]["offset"].is_u64());
            let e = &d["threat"]["enrichments"][0];
            assert_eq!(e["matched"]["type"], "indicator_match_rule");
            assert!(e["matched"]["field"].is_string());
            assert!(e["indicator"]["type"].is_string());
        }
    }
}

#[test]
fn eve_alert_carries_ecs_fields_and_enrichments() {
    let home = tempfile::tempdir().unwrap();
    let out = matching(home.path(), "indicators.jsonl", &[])
        .arg(fixtures().join("eve/eve.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let docs = alerts(&out.stdout);
    let dns = &docs[0];
    assert_eq!(dns["@timestamp"], "2026-11-29T09:15:02.503918Z");
    assert_eq!(dns["log"]["offset"], 0);
    assert_eq!(dns["source"]["ip"], "192.0.2.53");
    assert_eq!(dns["dns"]["question"]["name"], "c2.bad.example");
    let e = dns["threat"]["enrichments"].as_array().unwrap();
    let domain = e
        .iter()
        .find(|x| x["matched"]["field"] == "dns.question.name")
        .unwrap();
    assert_eq!(domain["matched"]["atomic"], "c2.bad.example");
    assert_eq!(domain["indicator"]["type"], "domain-name");
    assert_eq!(domain["indicator"]["provider"], "threatfox");
    assert_eq!(domain["indicator"]["confidence"], "High");
    assert_eq!(domain["indicator"]["description"], "botnet_cc");
    assert_eq!(domain["indicator"]["first_seen"], "2026-11-27T00:00:00Z");
    // The answer address hits its exact indicator and the covering range.
    let names: Vec<&str> = e
        .iter()
        .filter(|x| x["matched"]["atomic"] == "203.0.113.66")
        .map(|x| x["indicator"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["203.0.113.66", "203.0.113.0/24"]);
    let stderr = text(&out.stderr);
    assert!(stderr.contains("skipped 1 line: invalid UTF-8"), "{stderr}");
    assert!(stderr.contains("skipped 2 lines: bad JSON"), "{stderr}");
}

#[test]
fn exit_codes_are_like_grep() {
    let home = tempfile::tempdir().unwrap();
    let quiet = home.path().join("quiet.log");
    std::fs::write(&quiet, "nothing to see 192.0.2.200\n").unwrap();
    let none = matching(home.path(), "indicators.txt", &[])
        .arg(&quiet)
        .output()
        .unwrap();
    assert_eq!(none.status.code(), Some(1));
    assert!(none.stdout.is_empty());
    let missing = matching(home.path(), "indicators.txt", &[])
        .arg(home.path().join("absent.log"))
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(text(&missing.stderr).contains("cannot read"));
    // No indicators at all: exit 2 with a hint.
    let empty = home.path().join("empty.txt");
    std::fs::write(&empty, "# nothing\n").unwrap();
    let out = clean_bin(home.path())
        .args(["match", "--indicators"])
        .arg(&empty)
        .arg(&quiet)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("holds no indicators"), "{stderr}");
    assert!(
        !stderr.contains("pass --indicators"),
        "it was passed: {stderr}"
    );
    let bad = clean_bin(home.path())
        .args(["match", "--log-format", "nope"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn warninglists_suppress_documentation_addresses_by_default() {
    let home = tempfile::tempdir().unwrap();
    let out = clean_bin(home.path())
        .args(["match", "--indicators"])
        .arg(fixtures().join("indicators.txt"))
        .arg(fixtures().join("eve/eve.json"))
        .output()
        .unwrap();
    // Everything but the digest is a documentation address or an `.example` name.
    assert_eq!(out.status.code(), Some(0));
    assert!(
        text(&out.stderr).contains("warninglist suppressed 7"),
        "{}",
        text(&out.stderr)
    );
    let docs = alerts(&out.stdout);
    assert_eq!(docs.len(), 1);
    assert_eq!(
        docs[0]["threat"]["enrichments"][0]["matched"]["field"],
        "file.hash.md5"
    );
}

#[test]
fn stdin_gz_and_zeek_intel_output() {
    let home = tempfile::tempdir().unwrap();
    let eve = std::fs::read(fixtures().join("eve/eve.json")).unwrap();
    let out = matching(
        home.path(),
        "indicators.txt",
        &["--format", "zeek-intel", "-"],
    )
    .write_stdin(eve.clone())
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let tsv = text(&out.stdout);
    assert!(tsv.starts_with("#separator \\x09\n"));
    assert!(tsv.contains("#fields\tts\tuid\tid.orig_h"));
    let row = tsv
        .lines()
        .find(|l| l.contains("\tc2.bad.example\t"))
        .expect("a row for the domain");
    let cols: Vec<&str> = row.split('\t').collect();
    assert_eq!(cols.len(), 15, "{row}");
    assert_eq!(cols[7], "Intel::DOMAIN");
    assert_eq!(cols[8], "DNS::IN_REQUEST");
    assert_eq!(cols[11], "intellisiem:indicators.txt");

    let gz = home.path().join("eve.json.gz");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(&eve).unwrap();
    std::fs::write(&gz, enc.finish().unwrap()).unwrap();
    let out_file = home.path().join("alerts.jsonl");
    let out = matching(home.path(), "indicators.txt", &["-o"])
        .arg(&out_file)
        .arg(&gz)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(alerts(&std::fs::read(&out_file).unwrap()).len(), 5);
}

#[test]
fn a_huge_line_and_garbage_are_counted_and_skipped() {
    let home = tempfile::tempdir().unwrap();
    let path = home.path().join("hostile.log");
    let mut data = Vec::new();
    data.extend_from_slice(b"{\"event_type\":\"flow\",\"src_ip\":\"203.0.113.77\"}\n");
    data.extend(std::iter::repeat_n(b'a', 9 << 20));
    data.push(b'\n');
    data.extend_from_slice(b"\x00\x01\xff\xfe binary\n");
    data.extend_from_slice(b"{\"event_type\":\"flow\",\"src_ip\":\"203.0.113.77\"}\n");
    std::fs::write(&path, data).unwrap();
    let out = matching(home.path(), "indicators.txt", &["--log-format", "eve"])
        .arg(&path)
        .output()
        .unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(alerts(&out.stdout).len(), 2);
    assert!(stderr.contains("line too long"), "{stderr}");
    assert!(
        stderr.contains("bad JSON") || stderr.contains("invalid UTF-8"),
        "{stderr}"
    );
}

/// Waits (bounded) until `file` holds `n` lines.
fn wait_lines(file: &Path, n: usize) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let s = std::fs::read_to_string(file).unwrap_or_default();
        let lines: Vec<String> = s.lines().map(str::to_owned).collect();
        if lines.len() >= n || Instant::now() > deadline {
            return lines;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn follow_survives_appends_rotation_and_truncation() {
    let home = tempfile::tempdir().unwrap();
    let log = home.path().join("eve.json");
    let out = home.path().join("alerts.jsonl");
    let line = |ip: &str| format!("{{\"event_type\":\"flow\",\"src_ip\":\"{ip}\"}}\n");
    std::fs::write(&log, line("203.0.113.77")).unwrap();
    let mut child = StdCommand::new(assert_cmd::cargo::cargo_bin("intellisiem"))
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join(".config"))
        .env("XDG_DATA_HOME", home.path().join(".local/share"))
        .current_dir(home.path())
        .args(["match", "--no-warninglists", "--follow", "--indicators"])
        .arg(fixtures().join("indicators.txt"))
        .arg("-o")
        .arg(&out)
        .arg(&log)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let check = |n: usize, what: &str| {
        let got = wait_lines(&out, n);
        assert_eq!(got.len(), n, "{what}: {got:?}");
    };
    check(1, "the existing line");
    let append = |ip: &str| {
        let mut f = std::fs::OpenOptions::new().append(true).open(&log).unwrap();
        f.write_all(line(ip).as_bytes()).unwrap();
    };
    append("192.0.2.1");
    append("203.0.113.66");
    check(2, "an appended line");
    // Rotation: rename, then a new file at the same path.
    std::fs::rename(&log, home.path().join("eve.json.1")).unwrap();
    std::fs::write(&log, line("203.0.113.77")).unwrap();
    check(3, "a line in the new file after rotation");
    // Truncation: the file shrinks, then grows again.
    std::fs::write(&log, "").unwrap();
    std::thread::sleep(Duration::from_millis(600));
    append("203.0.113.66");
    check(4, "a line after truncation");
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn a_stray_byte_does_not_hide_the_rest_of_a_line() {
    let home = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let set = dir.path().join("set.txt");
    std::fs::write(&set, "198.51.100.23\nc2.stray.example\n").unwrap();
    for format in ["text", "syslog", "combined"] {
        let log = dir.path().join(format!("{format}.log"));
        let mut line =
            b"Nov 29 10:00:00 gw sshd[1]: user=\xff\xfe from 198.51.100.23 via c2.stray.example\n"
                .to_vec();
        line.extend_from_slice(b"clean line without indicators\n");
        std::fs::write(&log, &line).unwrap();
        let out = clean_bin(home.path())
            .args([
                "match",
                "--no-warninglists",
                "--log-format",
                format,
                "--indicators",
            ])
            .arg(&set)
            .arg(&log)
            .output()
            .unwrap();
        let stdout = text(&out.stdout);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{format}: {}",
            text(&out.stderr)
        );
        assert!(stdout.contains("198.51.100.23"), "{format}: {stdout}");
        assert!(stdout.contains("c2.stray.example"), "{format}: {stdout}");
    }
}

/// `match --fetch` fetches the configured feeds first (here a local mock), matches what
/// they gave, and keeps it in the store for a later `match` without `--fetch`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn match_fetch_takes_its_indicators_from_the_feeds() {
    use wiremock::matchers::path;
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    Mock::given(path("/feodo.json"))
        .respond_with(ResponseTemplate::new(200).set_body_string(
            r#"[{"ip_address":"45.0.0.3","port":443,"status":"online","malware":"Dridex"}]"#,
        ))
        .expect(1)
        .mount(&server)
        .await;
    let home = tempfile::tempdir().unwrap();
    let cfg = home.path().join("config.yaml");
    let db = home.path().join("cache.db");
    std::fs::write(
        &cfg,
        format!(
            "cache: {{ path: \"{}\" }}\nsources:\n  - {{ name: feodo, kind: feodo, url: \"{}/feodo.json\" }}\n",
            db.display(),
            server.uri()
        ),
    )
    .unwrap();
    let log = home.path().join("eve.json");
    std::fs::write(
        &log,
        concat!(
            r#"{"timestamp":"2026-11-29T10:20:31.000000+0000","event_type":"flow","src_ip":"10.0.0.1","src_port":1,"dest_ip":"45.0.0.3","dest_port":443,"proto":"TCP"}"#,
            "\n",
            r#"{"timestamp":"2026-11-29T10:20:32.000000+0000","event_type":"flow","src_ip":"10.0.0.1","src_port":1,"dest_ip":"45.0.0.4","dest_port":443,"proto":"TCP"}"#,
            "\n"
        ),
    )
    .unwrap();
    let run = |fetch: bool| {
        let mut c = clean_bin(home.path());
        c.arg("match").arg("--config").arg(&cfg);
        if fetch {
            c.arg("--fetch");
        }
        c.arg(&log);
        c
    };
    let before = run(false).output().unwrap();
    assert_eq!(before.status.code(), Some(2), "{}", text(&before.stderr));
    assert!(
        text(&before.stderr).contains("no indicators"),
        "{}",
        text(&before.stderr)
    );

    let out = run(true).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let a = alerts(&out.stdout);
    assert_eq!(a.len(), 1, "{}", text(&out.stdout));
    let e = &a[0]["threat"]["enrichments"][0];
    assert_eq!(e["matched"]["atomic"], "45.0.0.3");
    assert_eq!(e["indicator"]["provider"], "feodo");
    assert_eq!(e["indicator"]["description"], "Dridex");

    // The fetched set was stored: without --fetch it is matched again, offline.
    let again = run(false).output().unwrap();
    assert_eq!(again.status.code(), Some(0), "{}", text(&again.stderr));
    assert_eq!(alerts(&again.stdout).len(), 1);
    server.verify().await;
}

/// `--record` names a file by its absolute path: the same file under other spellings is
/// one log, and its hits are kept once.
#[test]
fn recorded_hits_name_the_file_once_however_it_is_spelled() {
    let home = tempfile::tempdir().unwrap();
    let logs = home.path().join("logs");
    std::fs::create_dir_all(&logs).unwrap();
    std::fs::copy(fixtures().join("eve/eve.json"), logs.join("eve.json")).unwrap();
    for spelling in ["logs/eve.json", "./logs/eve.json", "logs/../logs/eve.json"] {
        let out = matching(
            home.path(),
            "indicators.txt",
            &["--record", "--sensor", "edge-1", "-o", "/dev/null"],
        )
        .arg(spelling)
        .output()
        .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        assert!(
            text(&out.stderr).contains("recorded as sensor edge-1"),
            "{}",
            text(&out.stderr)
        );
    }
    let db = home.path().join(".local/share/intellisiem/cache.db");
    let c = rusqlite::Connection::open(db).unwrap();
    let (rows, logs_named): (i64, i64) = c
        .query_row(
            "SELECT COUNT(*), COUNT(DISTINCT log) FROM sightings",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(logs_named, 1);
    let path: String = c
        .query_row("SELECT log FROM sightings LIMIT 1", [], |r| r.get(0))
        .unwrap();
    assert!(
        path.starts_with('/') && path.ends_with("logs/eve.json"),
        "{path}"
    );
    assert!(rows >= 5, "{rows}");
    let once: i64 = c
        .query_row(
            "SELECT COUNT(*) FROM (SELECT DISTINCT line_offset, field, indicator FROM sightings)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(rows, once, "each hit kept once");
}

/// Reading a pipe, each line's alert is written as the line is scanned, before the next
/// line arrives (`tail -F eve.json | intellisiem match -`).
#[test]
fn alerts_from_a_pipe_come_out_as_its_lines_arrive() {
    use std::io::{BufRead, Write};
    let home = tempfile::tempdir().unwrap();
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("intellisiem"));
    cmd.env("HOME", home.path())
        .env("XDG_STATE_HOME", home.path().join("state"))
        .args([
            "match",
            "--no-warninglists",
            "--log-format",
            "text",
            "--indicators",
        ])
        .arg(fixtures().join("indicators.txt"))
        .arg("-")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null());
    let mut child = cmd.spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            if tx.send(line.unwrap()).is_err() {
                return;
            }
        }
    });
    let listed = std::fs::read_to_string(fixtures().join("indicators.txt")).unwrap();
    let value = listed
        .lines()
        .find(|l| !l.starts_with('#') && l.contains('.') && !l.contains('/'))
        .unwrap()
        .trim()
        .to_string();
    writeln!(stdin, "connection to {value} refused").unwrap();
    stdin.flush().unwrap();
    let first = rx.recv_timeout(std::time::Duration::from_secs(20));
    assert!(first.is_ok(), "no alert while the pipe stays open");
    drop(stdin);
    let _ = child.wait();
}

/// `--follow` names what it cannot read: a folder stops the run (exit 2); a file that
/// does not exist yet is a warning, then read once it appears.
#[test]
fn follow_says_what_it_cannot_read() {
    let home = tempfile::tempdir().unwrap();
    let o = matching(home.path(), "indicators.txt", &["--follow"])
        .arg(home.path())
        .timeout(Duration::from_secs(10))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "not followed as a file");
    assert!(
        text(&o.stderr).contains("is a folder, not a log"),
        "{}",
        text(&o.stderr)
    );
    let log = home.path().join("later.log");
    let (out, err) = (home.path().join("alerts"), home.path().join("stderr"));
    let mut child = StdCommand::new(assert_cmd::cargo::cargo_bin("intellisiem"))
        .env("HOME", home.path())
        .args(["match", "--no-warninglists", "--follow", "--indicators"])
        .arg(fixtures().join("indicators.txt"))
        .arg("-o")
        .arg(&out)
        .arg(&log)
        .stderr(std::fs::File::create(&err).unwrap())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    std::fs::write(&log, "connection to 203.0.113.66 refused\n").unwrap();
    assert_eq!(wait_lines(&out, 1).len(), 1, "read once it appears");
    let _ = StdCommand::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
    let stderr = std::fs::read_to_string(&err).unwrap();
    assert!(
        stderr.contains("later.log does not exist (yet)"),
        "{stderr}"
    );
    assert!(stderr.contains("reading "), "{stderr}");
}
