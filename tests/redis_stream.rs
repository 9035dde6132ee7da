// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! `match --redis`: the release binary as consumers of a real Redis server's stream,
//! fed the way Suricata's `eve-log` (`filetype: redis`, `redis.mode: xadd`) feeds it:
//! `XADD <key> * eve <json>`. Two consumers split a stream; a consumer killed with
//! SIGKILL mid-run leaves entries another claims; the server stops and starts mid-run;
//! a stream trimmed under the group; hostile entries; a wrong password.

#![allow(clippy::unwrap_used)]

mod common;

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::redis_server::{RedisServer, eve, group_state, wait_drained, xadd};

const GROUP: &str = "intellisiem";

/// The binary the tests run (cargo's build of it, or the release one CI names).
fn bin() -> PathBuf {
    std::env::var_os("INTELLISIEM_E2E_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_intellisiem")))
}

/// The indicator list: one range, so every `198.51.100.x` destination is a hit.
fn indicators(dir: &Path) -> PathBuf {
    let p = dir.join("indicators.txt");
    std::fs::write(&p, "198.51.100.0/24\n").unwrap();
    p
}

/// Events, every tenth to a listed address; returns them and the indexes that hit.
fn events(from: usize, n: usize) -> (Vec<String>, Vec<usize>) {
    let mut hits = Vec::new();
    let ev = (from..from + n)
        .map(|i| {
            if i % 10 == 0 {
                hits.push(i);
                eve(i, &format!("198.51.100.{}", i % 250))
            } else {
                eve(i, &format!("192.0.2.{}", i % 250))
            }
        })
        .collect();
    (ev, hits)
}

/// `match --redis` in the test's own home, with the indicator list, writing its
/// alerts to `out`.
fn match_cmd(home: &Path, url: &str, key: &str, out: &Path) -> Command {
    let mut c = Command::new(bin());
    for v in ["INTELLISIEM_CONFIG", "INTELLISIEM_LOG", "REDIS_PW"] {
        c.env_remove(v);
    }
    c.env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_DATA_HOME", home.join(".local/share"))
        .env("XDG_STATE_HOME", home.join(".local/state"))
        .current_dir(home)
        .args(["match", "--no-warninglists", "--indicators"])
        .arg(indicators(home))
        .args(["--redis", url, "--stream", key, "--group", GROUP, "-o"])
        .arg(out)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    c
}

/// [`match_cmd`] started as the consumer `name`, reading eve, with `extra` options.
fn consumer(home: &Path, url: &str, key: &str, name: &str, out: &Path, extra: &[&str]) -> Child {
    match_cmd(home, url, key, out)
        .args(["--log-format", "eve", "--consumer", name])
        .args(extra)
        .spawn()
        .expect("match starts")
}

/// Sends SIGTERM and returns the exit code and stderr.
fn finish(mut child: Child) -> (Option<i32>, String) {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(Some(_)) = child.try_wait() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().expect("exit");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The entry ids of the alerts in an ECS output file, with how many times each came.
fn alerted(paths: &[&Path]) -> HashMap<String, usize> {
    let mut seen = HashMap::new();
    for p in paths {
        let text = std::fs::read_to_string(p).unwrap_or_default();
        for line in text.lines() {
            let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
                continue;
            };
            assert_eq!(v["labels"]["stream"], "suricata", "{line}");
            assert_eq!(v["labels"]["consumer_group"], GROUP, "{line}");
            let id = v["event"]["id"].as_str().expect("event.id").to_string();
            *seen.entry(id).or_insert(0) += 1;
        }
    }
    seen
}

fn ids_of(all: &[String], hits: &[usize], base: usize) -> BTreeSet<String> {
    hits.iter().map(|i| all[i - base].clone()).collect()
}

#[test]
fn two_consumers_split_a_stream() {
    let Some(server) = RedisServer::start("two_consumers_split_a_stream") else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let mut conn = server.conn();
    let (a_out, b_out) = (home.path().join("a.jsonl"), home.path().join("b.jsonl"));
    let a = consumer(home.path(), &server.url(), "suricata", "a", &a_out, &[]);
    let b = consumer(home.path(), &server.url(), "suricata", "b", &b_out, &[]);
    std::thread::sleep(Duration::from_millis(800));
    let mut ids = Vec::new();
    let mut want = BTreeSet::new();
    for chunk in 0..20 {
        let (ev, hits) = events(chunk * 1_000, 1_000);
        let got = xadd(&mut conn, "suricata", &ev);
        want.extend(ids_of(&got, &hits, chunk * 1_000));
        ids.extend(got);
        std::thread::sleep(Duration::from_millis(30));
    }
    let last = ids.last().unwrap().clone();
    wait_drained(&mut conn, "suricata", GROUP, &last, Duration::from_secs(60));
    let (ca, ea) = finish(a);
    let (cb, eb) = finish(b);
    assert_eq!(ca, Some(0), "{ea}");
    assert_eq!(cb, Some(0), "{eb}");
    let only_a = alerted(&[&a_out]);
    let only_b = alerted(&[&b_out]);
    assert!(
        !only_a.is_empty() && !only_b.is_empty(),
        "both took a share: {} and {}",
        only_a.len(),
        only_b.len()
    );
    let both = alerted(&[&a_out, &b_out]);
    let got: BTreeSet<String> = both.keys().cloned().collect();
    assert_eq!(got, want, "every hit matched");
    assert!(
        both.values().all(|&n| n == 1),
        "each entry matched exactly once"
    );
    assert!(ea.contains("entries read"), "{ea}");
}

#[test]
fn a_consumer_killed_mid_batch_leaves_its_entries_to_another_and_none_is_lost() {
    let Some(server) = RedisServer::start("killed_consumer") else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let mut conn = server.conn();
    // What a consumer killed after reading leaves: entries delivered, never acknowledged.
    let (ev, hits) = events(0, 3_000);
    let first = xadd(&mut conn, "suricata", &ev);
    let want_first = ids_of(&first, &hits, 0);
    let _: () = redis::cmd("XGROUP")
        .arg("CREATE")
        .arg("suricata")
        .arg(GROUP)
        .arg("0")
        .query(&mut conn)
        .unwrap();
    let _: redis::Value = redis::cmd("XREADGROUP")
        .arg("GROUP")
        .arg(GROUP)
        .arg("dead")
        .arg("COUNT")
        .arg(1_000)
        .arg("STREAMS")
        .arg("suricata")
        .arg(">")
        .query(&mut conn)
        .unwrap();
    assert_eq!(group_state(&mut conn, "suricata", GROUP).0, 1_000);
    // A real consumer, killed with SIGKILL while entries flow.
    let (k_out, s_out) = (home.path().join("k.jsonl"), home.path().join("s.jsonl"));
    let mut killed = consumer(
        home.path(),
        &server.url(),
        "suricata",
        "k",
        &k_out,
        &["--claim-idle", "1s", "--record"],
    );
    std::thread::sleep(Duration::from_millis(500));
    let (ev2, hits2) = events(3_000, 20_000);
    let mut second = Vec::new();
    for chunk in ev2.chunks(2_000) {
        second.extend(xadd(&mut conn, "suricata", chunk));
    }
    let _ = killed.kill();
    let _ = killed.wait();
    let (ev3, hits3) = events(23_000, 2_000);
    let third = xadd(&mut conn, "suricata", &ev3);
    let survivor = consumer(
        home.path(),
        &server.url(),
        "suricata",
        "s",
        &s_out,
        &["--claim-idle", "1s", "--record"],
    );
    let last = third.last().unwrap().clone();
    wait_drained(&mut conn, "suricata", GROUP, &last, Duration::from_secs(60));
    let (code, err) = finish(survivor);
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("claimed"), "{err}");
    let mut want = want_first;
    want.extend(ids_of(&second, &hits2, 3_000));
    want.extend(ids_of(&third, &hits3, 23_000));
    let got = alerted(&[&k_out, &s_out]);
    let missing: Vec<&String> = want.iter().filter(|id| !got.contains_key(*id)).collect();
    assert!(
        missing.is_empty(),
        "{} of {} hits never matched: {:?}",
        missing.len(),
        want.len(),
        &missing[..missing.len().min(5)]
    );
    // The store keeps each entry's hit once, whoever read it and however often.
    let db = home.path().join(".local/share/intellisiem/cache.db");
    let c = rusqlite_count(&db);
    assert_eq!(c, (want.len(), want.len()), "rows and distinct entries");
}

/// Rows of the store's sightings, and distinct entry ids among them.
fn rusqlite_count(db: &Path) -> (usize, usize) {
    let c = rusqlite::Connection::open(db).expect("the store");
    c.query_row(
        "SELECT COUNT(*), COUNT(DISTINCT entry_id) FROM sightings WHERE entry_id <> ''",
        [],
        |r| Ok((r.get::<_, i64>(0)? as usize, r.get::<_, i64>(1)? as usize)),
    )
    .expect("sightings")
}

#[test]
fn redis_stopped_and_started_mid_run() {
    let Some(mut server) = RedisServer::start("redis_restart") else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let out = home.path().join("out.jsonl");
    let mut conn = server.conn();
    let (ev, hits) = events(0, 500);
    let first = xadd(&mut conn, "suricata", &ev);
    let c = consumer(home.path(), &server.url(), "suricata", "c", &out, &[]);
    wait_drained(
        &mut conn,
        "suricata",
        GROUP,
        first.last().unwrap(),
        Duration::from_secs(30),
    );
    drop(conn);
    server.stop();
    std::thread::sleep(Duration::from_millis(1_500));
    server.restart();
    let mut conn = server.conn();
    let (ev2, hits2) = events(500, 500);
    let second = xadd(&mut conn, "suricata", &ev2);
    wait_drained(
        &mut conn,
        "suricata",
        GROUP,
        second.last().unwrap(),
        Duration::from_secs(60),
    );
    let (code, err) = finish(c);
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("reconnecting"), "{err}");
    assert!(err.contains("is back"), "{err}");
    let mut want = ids_of(&first, &hits, 0);
    want.extend(ids_of(&second, &hits2, 500));
    let got = alerted(&[&out]);
    let keys: BTreeSet<String> = got.keys().cloned().collect();
    assert_eq!(keys, want);
}

#[test]
fn a_stream_trimmed_under_the_group_is_a_counted_gap() {
    let Some(server) = RedisServer::start("trimmed") else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let out = home.path().join("out.jsonl");
    let mut conn = server.conn();
    let _: () = redis::cmd("XGROUP")
        .arg("CREATE")
        .arg("suricata")
        .arg(GROUP)
        .arg("0")
        .arg("MKSTREAM")
        .query(&mut conn)
        .unwrap();
    // Suricata's `MAXLEN`, exact here: 1,000 added, the oldest 900 gone unread.
    let (ev, hits) = events(0, 1_000);
    let mut ids = Vec::new();
    for e in &ev {
        let id: String = redis::cmd("XADD")
            .arg("suricata")
            .arg("MAXLEN")
            .arg(100)
            .arg("*")
            .arg("eve")
            .arg(e)
            .query(&mut conn)
            .unwrap();
        ids.push(id);
    }
    let c = consumer(home.path(), &server.url(), "suricata", "c", &out, &[]);
    wait_drained(
        &mut conn,
        "suricata",
        GROUP,
        ids.last().unwrap(),
        Duration::from_secs(30),
    );
    let (code, err) = finish(c);
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("900 entries"), "{err}");
    assert!(err.contains("trimmed"), "{err}");
    let kept: Vec<usize> = hits.into_iter().filter(|&i| i >= 900).collect();
    let got: BTreeSet<String> = alerted(&[&out]).keys().cloned().collect();
    assert_eq!(got, ids_of(&ids, &kept, 0));
}

#[test]
fn hostile_entries_are_counted_and_acknowledged_never_stuck() {
    let Some(server) = RedisServer::start("hostile") else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let out = home.path().join("out.jsonl");
    let mut conn = server.conn();
    let big = format!(
        "{{\"event_type\":\"flow\",\"dest_ip\":\"198.51.100.1\",\"pad\":\"{}\"}}",
        "x".repeat(2 << 20)
    );
    let mut last = String::new();
    for (field, value) in [
        ("eve", b"not json at all".to_vec()),
        ("eve", big.into_bytes()),
        ("other", b"{}".to_vec()),
        ("eve", b"\xff\xfe\x00garbage".to_vec()),
        ("eve", Vec::new()),
        (
            "eve",
            format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)).into_bytes(),
        ),
        (
            "eve",
            b"{\"event_type\":\"flow\",\"dest_ip\":\"198.51.100.\\u001b]0;x\\u0007\"}".to_vec(),
        ),
        ("eve", eve(7, "198.51.100.7").into_bytes()),
    ] {
        last = redis::cmd("XADD")
            .arg("suricata")
            .arg("*")
            .arg(field)
            .arg(value)
            .query(&mut conn)
            .unwrap();
    }
    let c = consumer(home.path(), &server.url(), "suricata", "c", &out, &[]);
    wait_drained(&mut conn, "suricata", GROUP, &last, Duration::from_secs(30));
    let (code, err) = finish(c);
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("8 entries read, 8 acknowledged"), "{err}");
    assert!(
        err.contains("2 entries had no event field, or an empty one"),
        "{err}"
    );
    assert!(err.contains("line too long"), "{err}");
    assert!(err.contains("bad JSON"), "{err}");
    assert!(!err.contains('\u{1b}'), "no escape reaches the terminal");
    let got = alerted(&[&out]);
    assert_eq!(got.len(), 1, "{got:?}");
}

#[test]
fn a_wrong_password_is_one_clear_line_and_no_password_is_shown() {
    let Some(server) = RedisServer::start_with("password", Some("s3cret-pw")) else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let out = home.path().join("out.jsonl");
    let url = format!("redis://:wrong-pw@127.0.0.1:{}/0", server.port);
    let c = consumer(home.path(), &url, "suricata", "c", &out, &[]);
    let o = c.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    let lines: Vec<&str> = err.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(lines.len(), 1, "{err}");
    assert!(lines[0].contains("authentication failed"), "{err}");
    assert!(!err.contains("wrong-pw"), "{err}");
    // The right one, from the environment: it works, and is never printed.
    let mut conn = server.conn();
    let (ev, hits) = events(0, 50);
    let ids = xadd(&mut conn, "suricata", &ev);
    let mut c = match_cmd(home.path(), &server.url(), "suricata", &out);
    c.env("REDIS_PW", "s3cret-pw")
        .args(["--redis-password", "env:REDIS_PW"]);
    let child = c.spawn().unwrap();
    wait_drained(
        &mut conn,
        "suricata",
        GROUP,
        ids.last().unwrap(),
        Duration::from_secs(30),
    );
    let (code, err) = finish(child);
    assert_eq!(code, Some(0), "{err}");
    assert!(!err.contains("s3cret-pw"), "{err}");
    assert_eq!(alerted(&[&out]).len(), hits.len());
    // A literal password on the command line is refused.
    let o = Command::new(bin())
        .args([
            "match",
            "--indicators",
            "x",
            "--redis",
            &server.url(),
            "--stream",
            "s",
            "--group",
            "g",
            "--redis-password",
            "s3cret-pw",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("env:VARNAME"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_reads_a_stream_as_one_more_consumer_once_it_has_indicators() {
    use intellisiem::app::Msg;
    use intellisiem::config::{Config, LogFormat, LogInput, LogSpec, RedisStream};
    use intellisiem::runtime::hunt::Hunter;

    let Some(server) = RedisServer::start("dashboard_stream") else {
        return;
    };
    let mut conn = server.conn();
    // Already in the stream before the dashboard starts. The dashboard keeps the
    // built-in warninglist, which holds the documentation ranges: a public range here.
    let (ev, hits) = events(0, 100);
    let ev: Vec<String> = ev
        .iter()
        .map(|e| e.replace("198.51.100.", "45.0.0."))
        .collect();
    let ids = xadd(&mut conn, "suricata", &ev);
    let mut config = Config::builtin(&|_| None, &intellisiem::sources::registry::kinds());
    config.logs = vec![LogSpec {
        input: LogInput::Redis(RedisStream::new(&server.url(), "suricata", "dashboards").unwrap()),
        format: LogFormat::Eve,
        retro: intellisiem::config::logs::DEFAULT_RETRO,
    }];
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let hunter = Hunter::start(&config, None, &tx).expect("logs configured");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut store = intellisiem::store::Store::new();
    let id = store.source_id("feodo");
    store.replace_source(
        id,
        vec![intellisiem::model::Sighting {
            kind: intellisiem::model::IndicatorType::Cidr,
            value: "45.0.0.0/24".into(),
            obs: Default::default(),
        }],
    );
    hunter.hunt(Arc::new(store));
    let mut got = BTreeSet::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    while got.len() < hits.len() && Instant::now() < deadline {
        if let Ok(Some(Msg::Hits { hits, .. })) =
            tokio::time::timeout(Duration::from_millis(200), rx.recv()).await
        {
            for h in hits {
                match h.origin {
                    intellisiem::model::Origin::Stream { id, group, .. } => {
                        assert_eq!(&*group, "dashboards");
                        got.insert(id.to_string());
                    }
                    other => panic!("{other:?}"),
                }
            }
        }
    }
    assert_eq!(
        got,
        ids_of(&ids, &hits, 0),
        "matched once the set was in force"
    );
}

#[test]
fn with_auto_each_entry_is_read_by_itself() {
    let Some(server) = RedisServer::start("auto_per_entry") else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let out = home.path().join("out.jsonl");
    let mut conn = server.conn();
    // An odd first entry must not decide how the eve entries after it are read.
    let mut events = vec!["hello".to_string(), String::new()];
    events.extend((0..3).map(|i| eve(i, &format!("198.51.100.{i}"))));
    let ids = xadd(&mut conn, "suricata", &events);
    let child = match_cmd(home.path(), &server.url(), "suricata", &out)
        .spawn()
        .unwrap();
    wait_drained(
        &mut conn,
        "suricata",
        GROUP,
        ids.last().unwrap(),
        Duration::from_secs(30),
    );
    let (code, err) = finish(child);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        err.contains("1 entry had no event field, or an empty one"),
        "{err}"
    );
    let text = std::fs::read_to_string(&out).unwrap();
    let modules: Vec<String> = text
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["event"]["module"].to_string()
        })
        .collect();
    assert_eq!(modules, ["\"suricata\""; 3], "{text}");
}

#[test]
fn stream_options_are_checked_before_any_work() {
    let home = tempfile::tempdir().unwrap();
    let list = indicators(home.path());
    for (extra, says) in [
        (vec!["--field", ""], "--field"),
        (vec!["--consumer", " "], "--consumer"),
        (vec!["--claim-idle", "0s"], "at least 1s"),
        (vec!["--log-format", "zeek"], "zeek"),
        (
            vec!["--redis-password", "env:INTELLISIEM_NO_SUCH_VAR"],
            "INTELLISIEM_NO_SUCH_VAR",
        ),
    ] {
        let o = Command::new(bin())
            .env("HOME", home.path())
            .env("XDG_STATE_HOME", home.path().join("state"))
            .env("XDG_DATA_HOME", home.path().join("data"))
            .env_remove("INTELLISIEM_CONFIG")
            .env_remove("INTELLISIEM_NO_SUCH_VAR")
            .args(["match", "--indicators"])
            .arg(&list)
            .args([
                "--redis",
                "redis://127.0.0.1:9/0",
                "--stream",
                "s",
                "--group",
                "g",
            ])
            .args(&extra)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{extra:?}: {err}");
        assert!(err.contains(says), "{extra:?}: {err}");
        assert!(
            !err.contains("indicators indexed"),
            "{extra:?}: refused before the work: {err}"
        );
    }
    let o = Command::new(bin())
        .env("HOME", home.path())
        .env("PW", "secret-pw")
        .env_remove("INTELLISIEM_CONFIG")
        .args(["match", "--indicators"])
        .arg(&list)
        .args([
            "--redis",
            "redis://:other-pw@127.0.0.1:9/0",
            "--stream",
            "s",
            "--group",
            "g",
        ])
        .args(["--redis-password", "env:PW"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("not both"), "{err}");
    assert!(
        !err.contains("other-pw") && !err.contains("secret-pw"),
        "{err}"
    );
}
