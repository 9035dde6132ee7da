// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

use super::*;
use crate::model::{IndicatorType, Observation};
use crate::store::persist::codec::encode;
use crate::store::persist::default_path;

fn t(s: i64) -> Timestamp {
    Timestamp::from_second(1_800_000_000 + s).unwrap()
}

fn s(kind: IndicatorType, v: &str, threat: Option<&str>) -> Sighting {
    Sighting {
        kind,
        value: v.into(),
        obs: Observation {
            first_seen: crate::model::time::Secs::new(t(-100)),
            threat: threat.map(Into::into),
            tags: vec!["c2".into(), "elf".into()].into(),
            confidence: Some(80),
            references: thin_vec::thin_vec!["https://ref.example/1".into()],
            ports: vec![443, 8080].into(),
            ..Default::default()
        },
    }
}

fn open(dir: &Path) -> Sqlite {
    Sqlite::open(&dir.join("cache.db")).unwrap().db
}

fn whole<'a>(sightings: &'a [Sighting]) -> [Group<'a>; 1] {
    [Group {
        id: "",
        sightings,
        expires: None,
    }]
}

#[test]
fn snapshots_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = open(dir.path());
    let feodo = vec![
        s(IndicatorType::Ipv4, "45.0.0.3", Some("Dridex")),
        s(IndicatorType::Ipv6, "2001:db8::7", None),
    ];
    let meta = SourceMeta {
        etag: Some("\"abc\"".into()),
        last_modified: Some("Wed, 21 Oct 2026 07:28:00 GMT".into()),
        ..Default::default()
    };
    assert_eq!(
        c.save("feodo", "feodo", &whole(&feodo), false, &meta, t(0))
            .unwrap(),
        2
    );
    c.save(
        "kev",
        "cisa_kev",
        &whole(&[s(IndicatorType::Cve, "CVE-2021-44228", None)]),
        false,
        &SourceMeta::default(),
        t(5),
    )
    .unwrap();
    drop(c);
    let c = open(dir.path());
    let all = c.load_all().unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].name, "feodo");
    let mut got = all[0].sightings.clone();
    got.sort_by(|a, b| a.value.cmp(&b.value));
    let mut want = feodo.clone();
    want.sort_by(|a, b| a.value.cmp(&b.value));
    assert_eq!(got, want);
    assert_eq!(all[0].meta.etag.as_deref(), Some("\"abc\""));
    assert_eq!(all[0].meta.fetched_at, Some(t(0)));
    assert_eq!(all[0].meta.count, 2);
    assert_eq!(c.metas().unwrap()["kev"].fetched_at, Some(t(5)));
}

#[test]
fn a_new_snapshot_replaces_the_old_and_groups_merge_incrementally() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = open(dir.path());
    let a = [s(IndicatorType::Domain, "a.example", Some("pulse A"))];
    let b = [s(IndicatorType::Domain, "b.example", Some("pulse B"))];
    let groups = [
        Group {
            id: "pA",
            sightings: &a,
            expires: None,
        },
        Group {
            id: "pB",
            sightings: &b,
            expires: None,
        },
    ];
    let meta = SourceMeta {
        cursor: Some(t(0)),
        ..Default::default()
    };
    assert_eq!(
        c.save("otx", "otx", &groups, false, &meta, t(0)).unwrap(),
        2
    );
    // Pulse B changed: its indicators are replaced; pulse C is new; A stays.
    let b2 = [s(IndicatorType::Domain, "b2.example", Some("pulse B"))];
    let c3 = [s(IndicatorType::Url, "http://c.example/", Some("pulse C"))];
    let groups = [
        Group {
            id: "pB",
            sightings: &b2,
            expires: None,
        },
        Group {
            id: "pC",
            sightings: &c3,
            expires: None,
        },
    ];
    let meta = SourceMeta {
        cursor: Some(t(60)),
        ..Default::default()
    };
    assert_eq!(
        c.save("otx", "otx", &groups, true, &meta, t(60)).unwrap(),
        3
    );
    let mut values: Vec<String> = c
        .load_source("otx")
        .unwrap()
        .iter()
        .map(|s| s.value.to_string())
        .collect();
    values.sort();
    assert_eq!(values, ["a.example", "b2.example", "http://c.example/"]);
    assert_eq!(c.metas().unwrap()["otx"].cursor, Some(t(60)));
    // A full save replaces everything.
    c.save(
        "otx",
        "otx",
        &whole(&a),
        false,
        &SourceMeta::default(),
        t(90),
    )
    .unwrap();
    assert_eq!(c.load_source("otx").unwrap().len(), 1);
}

#[test]
fn not_modified_confirms_the_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = open(dir.path());
    c.save(
        "f",
        "feodo",
        &whole(&[s(IndicatorType::Ipv4, "1.2.3.4", None)]),
        false,
        &SourceMeta::default(),
        t(0),
    )
    .unwrap();
    c.confirm("f", t(500)).unwrap();
    assert_eq!(c.metas().unwrap()["f"].fetched_at, Some(t(500)));
    // Retention counts from the confirmation.
    assert_eq!(
        c.apply_retention(t(500 + 86_400), Duration::from_secs(2 * 86_400))
            .unwrap(),
        0
    );
}

#[test]
fn retention_drops_what_no_source_delivered_lately() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = open(dir.path());
    c.save(
        "old",
        "feodo",
        &whole(&[s(IndicatorType::Ipv4, "1.1.1.1", None)]),
        false,
        &SourceMeta::default(),
        t(0),
    )
    .unwrap();
    c.save(
        "new",
        "feodo",
        &whole(&[s(IndicatorType::Ipv4, "2.2.2.2", None)]),
        false,
        &SourceMeta::default(),
        t(40 * 86_400),
    )
    .unwrap();
    let dropped = c
        .apply_retention(t(41 * 86_400), Duration::from_secs(30 * 86_400))
        .unwrap();
    assert_eq!(dropped, 1);
    assert!(c.load_source("old").unwrap().is_empty());
    assert_eq!(c.load_source("new").unwrap().len(), 1);
    assert_eq!(c.metas().unwrap()["old"].count, 0);
}

#[test]
fn history_keeps_the_last_500() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = open(dir.path());
    for i in 0..520 {
        let r = FetchRecord {
            at: t(i),
            outcome: if i % 10 == 0 {
                FetchOutcome::NetworkError
            } else {
                FetchOutcome::Ok
            },
            count: i as usize,
            bytes: 10,
            duration: Duration::from_millis(5),
            skipped: 0,
        };
        c.record("f", &r).unwrap();
    }
    let h = c.history("f").unwrap();
    assert_eq!(h.len(), HISTORY_MAX);
    assert_eq!(h[0].at, t(20));
    assert_eq!(h.last().unwrap().count, 519);
    assert_eq!(h[0].outcome, FetchOutcome::NetworkError);
    assert!(c.history("other").unwrap().is_empty());
}

#[test]
fn migrates_from_schema_1() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.db");
    Sqlite::create_old(&path, 1).unwrap();
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute(
            "INSERT INTO sources (name, kind, fetched_at, count) VALUES ('feodo', 'feodo', ?1, 1)",
            params![t(0).as_second()],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO sightings (source, kind, value, data) VALUES ('feodo', 0, '45.0.0.3', ?1)",
            params![encode(
                &s(IndicatorType::Ipv4, "45.0.0.3", Some("Dridex")).obs
            )],
        )
        .unwrap();
    }
    let opened = Sqlite::open(&path).unwrap();
    assert!(opened.warning.is_none());
    let c = opened.db;
    let version: i64 = c
        .conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, SCHEMA_VERSION);
    let all = c.load_all().unwrap();
    assert_eq!(all[0].sightings[0].obs.threat.as_deref(), Some("Dridex"));
    assert_eq!(all[0].meta.fetched_at, Some(t(0)));
    assert!(c.history("feodo").unwrap().is_empty(), "fetch_log exists");
}

#[test]
fn a_corrupt_file_is_moved_aside_and_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.db");
    let garbage = b"this is not a database, it is a shopping list\n".repeat(200);
    std::fs::write(&path, &garbage).unwrap();
    let opened = Sqlite::open(&path).unwrap();
    let warning = opened.warning.expect("a warning");
    assert!(
        warning.contains("moved it to") && warning.contains(".corrupt-"),
        "{warning}"
    );
    assert!(!warning.contains('\n'));
    let aside: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("cache.db.corrupt-")
        })
        .collect();
    assert_eq!(aside.len(), 1);
    assert_eq!(
        std::fs::read(aside[0].path()).unwrap(),
        garbage,
        "nothing lost"
    );
    assert!(opened.db.load_all().unwrap().is_empty());
}

#[test]
fn a_newer_schema_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.db");
    {
        let conn = Connection::open(&path).unwrap();
        let newer = SCHEMA_VERSION + 1;
        conn.execute_batch(&format!(
            "CREATE TABLE future (x); PRAGMA user_version = {newer};"
        ))
        .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let err = Sqlite::open(&path).unwrap_err();
    let msg = err.to_string();
    let newer = format!("newer IntelliSIEM (schema {}", SCHEMA_VERSION + 1);
    assert!(
        msg.contains(&newer) && msg.contains("left untouched"),
        "{msg}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn default_path_follows_xdg() {
    let env = |k: &str| (k == "XDG_DATA_HOME").then(|| "/data".to_string());
    assert_eq!(
        default_path(&env),
        Some(PathBuf::from("/data/intellisiem/cache.db"))
    );
    let env = |k: &str| (k == "HOME").then(|| "/home/a".to_string());
    assert_eq!(
        default_path(&env),
        Some(PathBuf::from("/home/a/.local/share/intellisiem/cache.db"))
    );
}

#[test]
fn a_key_in_two_groups_counts_once_and_rows_come_back_whatever_their_order() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = open(dir.path());
    let a = [
        s(IndicatorType::Url, "http://z.example/", Some("pulse A")),
        s(IndicatorType::Domain, "shared.example", Some("pulse A")),
        s(IndicatorType::Domain, "a.example", Some("pulse A")),
    ];
    let b = [s(IndicatorType::Domain, "shared.example", Some("pulse B"))];
    let groups = [
        Group {
            id: "pB",
            sightings: &b,
            expires: None,
        },
        Group {
            id: "pA",
            sightings: &a,
            expires: None,
        },
    ];
    let n = c
        .save("otx", "otx", &groups, false, &SourceMeta::default(), t(0))
        .unwrap();
    assert_eq!(n, 3);
    let mut got: Vec<(IndicatorType, String)> = c
        .load_source("otx")
        .unwrap()
        .into_iter()
        .map(|s| (s.kind, s.value.to_string()))
        .collect();
    got.sort();
    got.dedup();
    assert_eq!(got.len(), 3);
}

#[test]
fn migrates_from_schema_2_with_explicit_type_codes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.db");
    Sqlite::create_old(&path, 2).unwrap();
    {
        // Rows as the schema-2 build wrote them: the code was the type's position.
        let conn = Connection::open(&path).unwrap();
        conn.execute(
            "INSERT INTO sources (name, kind, fetched_at, count) VALUES ('kev', 'cisa_kev', ?1, 2)",
            params![t(0).as_second()],
        )
        .unwrap();
        for (code, value) in [(9, "CVE-2021-44228"), (7, &*"ab".repeat(32))] {
            conn.execute(
                "INSERT INTO sightings (source, grp, kind, value, seen_at, data) VALUES ('kev', '', ?1, ?2, ?3, '{}')",
                params![code, value, t(0).as_second()],
            )
            .unwrap();
        }
    }
    let c = Sqlite::open(&path).unwrap().db;
    let version: i64 = c
        .conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, SCHEMA_VERSION);
    let mut kinds: Vec<IndicatorType> = c
        .load_source("kev")
        .unwrap()
        .iter()
        .map(|s| s.kind)
        .collect();
    kinds.sort_by_key(|k| k.as_str());
    assert_eq!(kinds, [IndicatorType::Cve, IndicatorType::Sha256]);
    let names: Vec<(i64, String)> = c
        .conn
        .prepare("SELECT code, name FROM indicator_types ORDER BY code")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(names.len(), IndicatorType::ALL.len());
    assert_eq!(names[0], (0, "ipv4".to_string()));
    assert_eq!(names[9], (9, "cve".to_string()));
}

#[test]
fn a_file_whose_type_codes_disagree_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.db");
    drop(Sqlite::open(&path).unwrap());
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute(
            "UPDATE indicator_types SET name = 'sha512' WHERE code = 7",
            [],
        )
        .unwrap();
    }
    let err = Sqlite::open(&path).unwrap_err().to_string();
    assert!(err.contains("type code 7 means `sha512`"), "{err}");
}

/// `now` moved by `secs` (the reads compare expiries with the clock).
fn from_now(secs: i64) -> Timestamp {
    Timestamp::now() + jiff::SignedDuration::from_secs(secs)
}

#[test]
fn expired_groups_are_not_read_not_counted_and_retention_drops_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = open(dir.path());
    let gone = [s(IndicatorType::Domain, "gone.example", None)];
    let live = [s(IndicatorType::Domain, "live.example", None)];
    let later = [s(IndicatorType::Domain, "later.example", None)];
    let group = |id, sightings, expires| Group {
        id,
        sightings,
        expires,
    };
    let groups = [
        group("indicator--gone", &gone[..], Some(from_now(-60))),
        group("indicator--live", &live[..], None),
        group("indicator--later", &later[..], Some(from_now(3600))),
    ];
    let now = Timestamp::now();
    let meta = SourceMeta::default();
    assert_eq!(
        c.save("cti", "taxii", &groups, false, &meta, now).unwrap(),
        2,
        "the expired group is not counted"
    );
    let values = |c: &Sqlite| {
        let mut v: Vec<String> = c
            .load_source("cti")
            .unwrap()
            .iter()
            .map(|s| s.value.to_string())
            .collect();
        v.sort();
        v
    };
    assert_eq!(values(&c), ["later.example", "live.example"]);
    let all = c.load_all().unwrap();
    assert_eq!(all[0].sightings.len(), 2);
    // An incremental save counts what is live in the store.
    let more = [s(IndicatorType::Ipv4, "192.0.2.1", None)];
    let groups = [group("indicator--more", &more[..], None)];
    assert_eq!(
        c.save("cti", "taxii", &groups, true, &meta, now).unwrap(),
        3
    );
    // Retention deletes the expired chunk (however recent) and counts it.
    assert_eq!(
        c.apply_retention(now, Duration::from_secs(30 * 86_400))
            .unwrap(),
        1
    );
    let stored: i64 = c
        .conn
        .query_row(
            "SELECT COUNT(*) FROM chunks WHERE source = 'cti'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(stored, 3);
    assert_eq!(c.metas().unwrap()["cti"].count, 3);
    // Once the later one's time has come, it goes too.
    assert_eq!(
        c.apply_retention(from_now(3600), Duration::from_secs(30 * 86_400))
            .unwrap(),
        1
    );
    assert_eq!(values(&c), ["192.0.2.1", "live.example"]);
    assert_eq!(c.metas().unwrap()["cti"].count, 2);
}

#[test]
fn migrates_from_schema_6_keeping_chunks_that_never_expire() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.db");
    Sqlite::create_old(&path, 6).unwrap();
    {
        let conn = Connection::open(&path).unwrap();
        let v: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, 6);
        conn.execute(
            "INSERT INTO sources (name, kind, fetched_at, count) VALUES ('cti', 'taxii', ?1, 1)",
            params![t(0).as_second()],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO chunks (source, grp, seq, seen_at, rows, data) VALUES ('cti', 'indicator--a', 0, ?1, 1, ?2)",
            params![
                t(0).as_second(),
                encode_chunk(&[s(IndicatorType::Ipv4, "192.0.2.7", Some("kept"))])
            ],
        )
        .unwrap();
    }
    let mut c = Sqlite::open(&path).unwrap().db;
    let version: i64 = c
        .conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, SCHEMA_VERSION);
    let kept = c.load_source("cti").unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].obs.threat.as_deref(), Some("kept"));
    // The new column takes an expiry.
    let b = [s(IndicatorType::Ipv4, "192.0.2.8", None)];
    let groups = [Group {
        id: "indicator--b",
        sightings: &b,
        expires: Some(from_now(-1)),
    }];
    let meta = SourceMeta::default();
    let n = c
        .save("cti", "taxii", &groups, true, &meta, Timestamp::now())
        .unwrap();
    assert_eq!(n, 1);
    assert_eq!(c.load_source("cti").unwrap().len(), 1);
}

/// The store holds sightings of the user's own logs: its folder is created `0700`, the
/// database and its `-wal` and `-shm` files `0600`, whatever the umask leaves.
#[cfg(unix)]
#[test]
fn the_store_folder_and_files_are_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("data/intellisiem");
    let mut c = open(&folder);
    let rows = vec![s(IndicatorType::Ipv4, "192.0.2.1", None)];
    c.save(
        "a",
        "feodo",
        &whole(&rows),
        false,
        &SourceMeta::default(),
        t(0),
    )
    .unwrap();
    let mode = |name: &str| {
        std::fs::metadata(folder.join(name))
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .permissions()
            .mode()
            & 0o777
    };
    assert_eq!(mode(""), 0o700);
    for f in ["cache.db", "cache.db-wal", "cache.db-shm"] {
        assert_eq!(mode(f), 0o600, "{f}");
    }
    drop(c);
}
