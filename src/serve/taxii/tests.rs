// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

use std::collections::{BTreeMap, HashMap};

use hyper::header::{HeaderMap, HeaderValue};

use super::ledger::{Object, us_uuid};
use super::query::{self, Query};
use super::*;
use crate::model::IndicatorType::{self, *};
use crate::model::time::Secs;
use crate::serve::snapshot::{Row, Sighted, Snapshot, SourceState, sort_rows};

const T0: i64 = 1_800_000_000_000_000;

fn snap(rows: &[(IndicatorType, &str, Option<&str>, &[u16])]) -> Snapshot {
    let mut rows: Vec<Row> = rows
        .iter()
        .map(|(k, v, threat, src)| {
            let mut r = Row::new(*k, v, 70, src);
            r.first_seen = Secs::from_second(1_790_000_000);
            r.threat = threat.map(Into::into);
            r
        })
        .collect();
    sort_rows(&mut rows);
    Snapshot {
        version: 1,
        sources: ["feodo", "urlhaus"]
            .iter()
            .map(|n| SourceState {
                name: n.to_string(),
                count: 0,
                fetched_at: None,
            })
            .collect(),
        rows,
        ..Snapshot::default()
    }
}

fn with_view(mut s: Snapshot, ledger: &mut Ledger, at: i64) -> Snapshot {
    s.taxii = ledger.advance_at(&s, at);
    s
}

/// Every object of collection `name`, paged `limit` at a time through `next`, as
/// `id → (modified, revoked)`.
fn read_all(s: &Snapshot, name: &str, added_after: Option<i64>, limit: usize) -> Vec<u32> {
    let c = s.taxii.collection(name).expect("collection");
    let mut q = Query {
        limit,
        added_after,
        spec_ok: true,
        ..Query::default()
    };
    let mut out = Vec::new();
    loop {
        let p = query::page(&s.taxii, c, &q);
        out.extend(&p.items);
        if !p.more {
            return out;
        }
        q.next = p.next.as_deref().and_then(|n| n.parse().ok());
    }
}

fn values(s: &Snapshot, items: &[u32]) -> BTreeMap<String, bool> {
    items
        .iter()
        .filter_map(|i| s.taxii.versions.get(*i as usize))
        .filter_map(|v| match &v.object {
            Object::Value { value, .. } => Some((value.to_string(), v.revoked)),
            _ => None,
        })
        .collect()
}

#[test]
fn versions_are_made_only_for_changes_and_removals_are_revoked() {
    let mut l = Ledger::new();
    let rows: &[(IndicatorType, &str, Option<&str>, &[u16])] = &[
        (Ipv4, "192.0.2.1", None, &[0]),
        (Domain, "a.example", Some("Emotet"), &[1]),
        (Cve, "CVE-2024-3400", None, &[0]),
    ];
    let s1 = with_view(snap(rows), &mut l, T0);
    assert_eq!(s1.taxii.versions.len(), 4, "ours and three");
    let added: Vec<i64> = s1.taxii.versions.iter().map(|v| v.added()).collect();
    assert!(added.windows(2).all(|w| w[0] < w[1]), "{added:?}");
    // The same set later: nothing new.
    let s2 = with_view(snap(rows), &mut l, T0 + 5_000_000);
    assert!(l.changed().is_empty());
    assert_eq!(s2.taxii.versions, s1.taxii.versions);
    // One changed (threat), one gone, one new.
    let s3 = with_view(
        snap(&[
            (Ipv4, "192.0.2.1", Some("Dridex"), &[0]),
            (Domain, "b.example", None, &[1]),
            (Cve, "CVE-2024-3400", None, &[0]),
        ]),
        &mut l,
        T0 + 10_000_000,
    );
    assert_eq!(l.changed().len(), 3);
    let by: HashMap<String, &ledger::Version> = s3
        .taxii
        .versions
        .iter()
        .filter_map(|v| match &v.object {
            Object::Value { value, .. } => Some((value.to_string(), v)),
            _ => None,
        })
        .collect();
    let old = |value: &str| {
        s1.taxii
            .versions
            .iter()
            .find(|v| matches!(&v.object, Object::Value { value: x, .. } if &**x == value))
            .unwrap()
    };
    assert!(by["a.example"].revoked);
    assert!(by["a.example"].modified > old("a.example").modified);
    assert!(!by["192.0.2.1"].revoked);
    assert_eq!(by["192.0.2.1"].created, old("192.0.2.1").created);
    assert!(by["192.0.2.1"].modified >= T0 + 10_000_000);
    assert_eq!(by["CVE-2024-3400"], old("CVE-2024-3400"));
    // The source's collection keeps the revocation of what it held.
    let urlhaus = values(&s3, &read_all(&s3, "urlhaus", None, 1000));
    assert_eq!(urlhaus.get("a.example"), Some(&true));
    assert_eq!(urlhaus.get("b.example"), Some(&false));
    assert!(!urlhaus.contains_key("192.0.2.1"));
    // A client that read s1 reads only what changed, and ends with the new set.
    let last = s1.taxii.versions.iter().map(|v| v.added()).max();
    let delta = values(&s3, &read_all(&s3, "all", last, 1000));
    assert_eq!(
        delta.keys().map(String::as_str).collect::<Vec<_>>(),
        ["192.0.2.1", "a.example", "b.example"]
    );
}

#[test]
fn next_stays_valid_while_the_snapshot_is_replaced() {
    let mut l = Ledger::new();
    let values_of = |n: std::ops::Range<u32>| -> Vec<String> {
        n.map(|i| format!("host{i}.example")).collect()
    };
    let first = values_of(0..50);
    let rows: Vec<(IndicatorType, &str, Option<&str>, &[u16])> = first
        .iter()
        .map(|v| (Domain, v.as_str(), None, &[0u16][..]))
        .collect();
    let s1 = with_view(snap(&rows), &mut l, T0);
    let c = s1.taxii.collection("all").unwrap();
    let q = Query {
        limit: 10,
        spec_ok: true,
        ..Query::default()
    };
    let p1 = query::page(&s1.taxii, c, &q);
    assert!(p1.more);
    let mut seen = values(&s1, &p1.items);
    // Meanwhile: 10 go, 10 come, one already read changes.
    let second = values_of(10..60);
    let rows2: Vec<(IndicatorType, &str, Option<&str>, &[u16])> = second
        .iter()
        .map(|v| {
            let t = (v == "host10.example").then_some("changed");
            (Domain, v.as_str(), t, &[0u16][..])
        })
        .collect();
    let s2 = with_view(snap(&rows2), &mut l, T0 + 1_000_000);
    let rest = read_all(
        &s2,
        "all",
        p1.next.as_deref().and_then(|n| n.parse().ok()),
        10,
    );
    seen.extend(values(&s2, &rest));
    let live: Vec<&String> = seen.iter().filter(|(_, r)| !**r).map(|(v, _)| v).collect();
    let want: Vec<&String> = {
        let mut w: Vec<&String> = second.iter().collect();
        w.sort();
        w
    };
    assert_eq!(live, want, "the client ends with exactly the new set");
    assert!(seen.iter().filter(|(_, r)| **r).count() == 10);
}

#[test]
fn empty_pages_say_where_the_client_stands() {
    let mut l = Ledger::new();
    let s = with_view(snap(&[(Ipv4, "192.0.2.1", None, &[0])]), &mut l, T0);
    let c = s.taxii.collection("all").unwrap();
    let end = s.taxii.versions.last().unwrap().added();
    let q = Query {
        limit: 10,
        added_after: Some(end),
        spec_ok: true,
        ..Query::default()
    };
    let p = query::page(&s.taxii, c, &q);
    assert!(p.items.is_empty() && !p.more);
    assert_eq!((p.first, p.last), (end, end));
    let q = Query {
        types: vec!["sighting".into()],
        ..q
    };
    let p = query::page(
        &s.taxii,
        c,
        &Query {
            added_after: None,
            ..q
        },
    );
    assert!(p.items.is_empty());
    assert_eq!(p.last, end, "all looked at: read on from the end");
}

#[test]
fn queries_are_read_or_refused_with_a_reason() {
    let q = query::parse(Some(
        "limit=5&added_after=2026-12-07T10%3A00%3A00Z&match%5Btype%5D=indicator,vulnerability&match[version]=all",
    ))
    .unwrap();
    assert_eq!(q.limit, 5);
    assert_eq!(q.added_after, parse_micros("2026-12-07T10:00:00Z"));
    assert_eq!(q.types, ["indicator", "vulnerability"]);
    assert_eq!(q.versions, None);
    assert_eq!(query::parse(Some("limit=0")).unwrap().limit, MAX_PAGE);
    assert_eq!(query::parse(Some("limit=99999")).unwrap().limit, MAX_PAGE);
    for bad in [
        "limit=-1",
        "added_after=yesterday",
        "next=abc",
        "match[id]=indicator",
        "match[version]=newest",
        "match[x]=1",
        "limit=%zz",
    ] {
        let e = query::parse(Some(bad)).unwrap_err();
        assert!(!e.contains('\n') && !e.is_empty(), "{bad}: {e}");
    }
    assert!(
        !query::parse(Some("match[spec_version]=2.0"))
            .unwrap()
            .spec_ok
    );
    // Other parameters are ignored, empty values are absent, an unencoded `+` offset
    // reads, repeats count once.
    let q = query::parse(Some("foo=1&next=&added_after=2026-12-07T11:00:00+01:00")).unwrap();
    assert_eq!(q.added_after, parse_micros("2026-12-07T10:00:00Z"));
    assert_eq!(q.next, None);
    let repeated = vec!["indicator"; 500].join(",");
    let q = query::parse(Some(&format!("match[type]={repeated}"))).unwrap();
    assert_eq!(q.types, ["indicator"]);
    let many: Vec<String> = (0..=query::MAX_MATCH).map(|i| format!("t{i}")).collect();
    assert!(query::parse(Some(&format!("match[type]={}", many.join(",")))).is_err());
}

#[test]
fn accept_headers() {
    let h = |v: &'static str| {
        let mut m = HeaderMap::new();
        m.insert(hyper::header::ACCEPT, HeaderValue::from_static(v));
        m
    };
    assert!(routes::accepts(&HeaderMap::new()));
    assert!(routes::accepts(&h("application/taxii+json;version=2.1")));
    assert!(routes::accepts(&h("application/taxii+json")));
    assert!(routes::accepts(&h("text/html, */*;q=0.1")));
    assert!(!routes::accepts(&h("application/taxii+json;version=2.0")));
    assert!(!routes::accepts(&h("text/html")));
    assert!(!routes::accepts(&h(
        "application/taxii+json;version=2.1;q=0"
    )));
}

#[test]
fn objects_are_stix() {
    let mut l = Ledger::new();
    let mut s = snap(&[
        (Url, "http://a.example/x'y", Some("Qakbot"), &[0, 1]),
        (Cve, "CVE-2024-3400", None, &[0]),
    ]);
    s.rows[0].valid_until = Secs::from_second(1_800_086_400);
    s.rows[0].labels = vec!["botnet".into()].into_boxed_slice();
    s.sighted = vec![Sighted {
        kind: Url,
        value: "http://a.example/x'y".into(),
        sensor: "zeek-dmz".into(),
        count: 3,
        first: 1_799_990_000,
        last: 1_799_999_000,
    }];
    let s = with_view(s, &mut l, T0);
    let mut objs: HashMap<String, serde_json::Value> = HashMap::new();
    for v in s.taxii.versions.iter() {
        let mut out = Vec::new();
        objects::write(v, &s, &mut out).unwrap();
        let o: serde_json::Value = serde_json::from_slice(&out).unwrap();
        objs.insert(
            o["type"].as_str().unwrap().to_string() + "/" + o["name"].as_str().unwrap_or(""),
            o,
        );
    }
    let ind = &objs["indicator/http://a.example/x'y"];
    assert_eq!(ind["pattern"], "[url:value = 'http://a.example/x\\'y']");
    assert_eq!(ind["confidence"], 70);
    assert_eq!(ind["valid_until"], "2027-01-16T08:00:00.000000Z");
    assert_eq!(ind["labels"][0], "botnet");
    assert_eq!(ind["description"], "Qakbot");
    assert_eq!(
        ind["created_by_ref"],
        format!("identity--{}", uuid::Uuid::from_u128(us_uuid()))
    );
    assert_eq!(
        ind["id"],
        format!(
            "indicator--{}",
            crate::export::stix::stix_uuid(Url, "http://a.example/x'y")
        )
    );
    let vuln = &objs["vulnerability/CVE-2024-3400"];
    assert_eq!(
        vuln["external_references"][0]["external_id"],
        "CVE-2024-3400"
    );
    let sighting = &objs["sighting/"];
    assert_eq!(sighting["count"], 3);
    assert_eq!(sighting["sighting_of_ref"], ind["id"]);
    assert_eq!(objs["identity/zeek-dmz"]["identity_class"], "system");
    assert!(
        ind.get("x_intellisiem_sources").is_none(),
        "no other source's name"
    );
    assert_eq!(
        s.taxii.collection("hits").unwrap().members.len(),
        4,
        "ours, the indicator, the sensor, the sighting"
    );
}

#[test]
fn sightings_point_at_their_object_and_go_with_it() {
    let mut l = Ledger::new();
    let mut s = snap(&[
        (Cve, "CVE-2024-3400", None, &[0]),
        (Ipv4, "192.0.2.1", None, &[0]),
    ]);
    let sighted = |kind, value: &str| Sighted {
        kind,
        value: value.into(),
        sensor: "zeek-dmz".into(),
        count: 1,
        first: 1_799_990_000,
        last: 1_799_990_000,
    };
    s.sighted = vec![sighted(Ipv4, "192.0.2.1"), sighted(Cve, "CVE-2024-3400")];
    let s1 = with_view(s, &mut l, T0);
    let sighting_of = |s: &Snapshot, value: &str| -> serde_json::Value {
        let kind = if value.starts_with("CVE") { Cve } else { Ipv4 };
        let want = crate::export::stix::stix_uuid(kind, value).as_u128();
        let v = s
            .taxii
            .versions
            .iter()
            .find(|v| matches!(&v.object, Object::Sighting(x) if x.indicator == want))
            .unwrap();
        let mut out = Vec::new();
        objects::write(v, s, &mut out).unwrap();
        serde_json::from_slice(&out).unwrap()
    };
    let cve = sighting_of(&s1, "CVE-2024-3400");
    assert!(
        cve["sighting_of_ref"]
            .as_str()
            .unwrap()
            .starts_with("vulnerability--")
    );
    // The address leaves the set: its sighting is revoked with it; the CVE's stays.
    let mut s = snap(&[(Cve, "CVE-2024-3400", None, &[0])]);
    s.sighted = vec![sighted(Cve, "CVE-2024-3400")];
    let s2 = with_view(s, &mut l, T0 + 1_000_000);
    assert_eq!(sighting_of(&s2, "192.0.2.1")["revoked"], true);
    assert!(sighting_of(&s2, "CVE-2024-3400").get("revoked").is_none());
}

#[test]
fn the_history_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.db.taxii");
    let rows: &[(IndicatorType, &str, Option<&str>, &[u16])] = &[
        (Ipv4, "192.0.2.1", None, &[0]),
        (Domain, "a.example", None, &[1]),
    ];
    let mut l = open_ledger(Some(&path));
    let s1 = with_view(snap(rows), &mut l, T0);
    drop(l);
    let mut l = open_ledger(Some(&path));
    let s2 = with_view(snap(rows), &mut l, T0 + 1_000_000);
    assert!(l.changed().is_empty(), "the same dates after a restart");
    let strip = |s: &Snapshot| -> Vec<(u128, i64, i64)> {
        s.taxii
            .versions
            .iter()
            .map(|v| (v.id, v.created, v.modified))
            .collect()
    };
    assert_eq!(strip(&s1), strip(&s2));
    drop(l);
    // Gone while the server was down: revoked at the next start.
    let mut l = open_ledger(Some(&path));
    let s3 = with_view(snap(&rows[..1]), &mut l, T0 + 2_000_000);
    assert!(
        values(&s3, &read_all(&s3, "all", None, 10))["a.example"],
        "revoked"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "owner-only");
    }
    // A file that is not ours: in memory, with a warning.
    std::fs::write(
        dir.path().join("junk"),
        b"not a database at all, not at all",
    )
    .unwrap();
    let l = open_ledger(Some(&dir.path().join("junk")));
    assert!(l.collections().len() == 2);
}

#[test]
fn timestamps() {
    assert_eq!(micros(T0 + 7), "2027-01-15T08:00:00.000007Z");
    assert_eq!(parse_micros("2027-01-15T08:00:00.000007Z"), Some(T0 + 7));
    assert_eq!(parse_micros("2027-01-15T09:00:00+01:00"), Some(T0));
}
