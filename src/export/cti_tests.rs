// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The ECS and Zeek Intel exports checked field by field, and `--defang`.

use super::*;
use crate::model::{Observation, Sighting};

fn store() -> Store {
    let mut st = Store::new();
    let s = st.source_id("cti");
    let obs = |threat: &str, refs: &[&str]| Observation {
        first_seen: crate::model::time::Secs::from_second(1_795_000_000),
        last_seen: crate::model::time::Secs::from_second(1_795_900_000),
        threat: Some(threat.into()),
        tags: vec!["tlp:clear".into()].into(),
        confidence: Some(80),
        references: refs.iter().map(|r| (*r).into()).collect(),
        ..Default::default()
    };
    let one = |kind, value: &str, o| Sighting {
        kind,
        value: value.into(),
        obs: o,
    };
    st.replace_source(
        s,
        vec![
            one(
                IndicatorType::Ipv4,
                "192.0.2.10",
                obs(
                    "C2\tserver",
                    &["indicator--0b0e0c9a-1c2d-4e5f-8a9b-000000000001"],
                ),
            ),
            one(IndicatorType::Ipv6, "2001:db8::bad", obs("-", &[])),
            one(IndicatorType::Cidr, "198.51.100.0/24", obs("", &[])),
            one(
                IndicatorType::Domain,
                "evil.example",
                obs("x\\y", &["https://ref.example/1"]),
            ),
            one(
                IndicatorType::Url,
                "http://evil.example:8080/a.php?q=1",
                obs("dl\x1b[31m", &[]),
            ),
            one(IndicatorType::Sha256, &"d".repeat(64), obs("(empty)", &[])),
            one(
                IndicatorType::Email,
                "phish@evil.example",
                obs("phish", &[]),
            ),
            one(IndicatorType::Cve, "CVE-2026-1234", obs("log4j", &[])),
        ],
    );
    // Scored as a source of weight 100 giving confidence 80 scores them, fresh.
    st.set_scores_for_test(10, |_| 80);
    st
}

fn render(opts: impl Into<Options>) -> String {
    let st = store();
    let mut buf = Vec::new();
    write(
        opts,
        &st,
        st.iter().map(|(_, e)| e),
        &mut buf,
        Timestamp::UNIX_EPOCH,
    )
    .unwrap();
    String::from_utf8(buf).unwrap()
}

/// ECS 9.x fields (generated/csv/fields.csv) the export may write, with their ECS type,
/// plus the custom `intellisiem.cidr`.
const ECS_FIELDS: &[(&str, &str)] = &[
    ("@timestamp", "date"),
    ("event.kind", "keyword"),
    ("event.category", "keyword"),
    ("event.type", "keyword"),
    ("event.dataset", "keyword"),
    ("threat.feed.name", "keyword"),
    ("threat.indicator.type", "keyword"),
    ("threat.indicator.name", "keyword"),
    ("threat.indicator.ip", "ip"),
    ("threat.indicator.port", "long"),
    ("threat.indicator.url.full", "wildcard"),
    ("threat.indicator.url.original", "wildcard"),
    ("threat.indicator.url.domain", "keyword"),
    ("threat.indicator.url.path", "wildcard"),
    ("threat.indicator.url.scheme", "keyword"),
    ("threat.indicator.url.port", "long"),
    ("threat.indicator.file.hash.md5", "keyword"),
    ("threat.indicator.file.hash.sha1", "keyword"),
    ("threat.indicator.file.hash.sha256", "keyword"),
    ("threat.indicator.email.address", "keyword"),
    ("threat.indicator.provider", "keyword"),
    ("threat.indicator.confidence", "keyword"),
    ("threat.indicator.first_seen", "date"),
    ("threat.indicator.last_seen", "date"),
    ("threat.indicator.description", "keyword"),
    ("threat.indicator.reference", "keyword"),
    ("threat.indicator.id", "keyword"),
    ("vulnerability.id", "keyword"),
    ("tags", "keyword"),
    ("related.ip", "ip"),
    ("related.hosts", "keyword"),
    ("related.hash", "keyword"),
    ("intellisiem.cidr", "keyword"),
];

/// Every leaf of `v` as (dotted path, value).
fn leaves(prefix: &str, v: &serde_json::Value, out: &mut Vec<(String, serde_json::Value)>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, v) in m {
                let p = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                leaves(&p, v, out);
            }
        }
        _ => out.push((prefix.to_string(), v.clone())),
    }
}

#[test]
fn ecs_documents_use_only_ecs_fields_with_values_of_their_type() {
    let out = render(Format::Ecs);
    let docs: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(docs.len(), 8);
    for d in &docs {
        assert_eq!(d["event"]["kind"], "enrichment");
        assert_eq!(d["event"]["category"][0], "threat");
        assert_eq!(d["event"]["type"][0], "indicator");
        let mut ls = Vec::new();
        leaves("", d, &mut ls);
        for (path, value) in ls {
            let Some((_, ty)) = ECS_FIELDS.iter().find(|(f, _)| *f == path) else {
                panic!("{path} is not an ECS field: {d}");
            };
            let scalars: Vec<&serde_json::Value> = match &value {
                serde_json::Value::Array(a) => a.iter().collect(),
                v => vec![v],
            };
            for s in scalars {
                match *ty {
                    "long" => assert!(s.is_u64(), "{path}: {s}"),
                    "ip" => assert!(
                        s.as_str()
                            .is_some_and(|v| v.parse::<std::net::IpAddr>().is_ok()),
                        "{path}: {s}"
                    ),
                    "date" => assert!(
                        s.as_str().is_some_and(|v| v.parse::<Timestamp>().is_ok()),
                        "{path}: {s}"
                    ),
                    _ => assert!(s.is_string(), "{path}: {s}"),
                }
            }
        }
        let conf = d["threat"]["indicator"]["confidence"].as_str().unwrap();
        assert!(["Not Specified", "None", "Low", "Medium", "High"].contains(&conf));
    }
    let by_name = |n: &str| {
        docs.iter()
            .find(|d| d["threat"]["indicator"]["name"] == n)
            .unwrap()
    };
    let ip = by_name("192.0.2.10");
    assert_eq!(ip["threat"]["indicator"]["type"], "ipv4-addr");
    assert_eq!(ip["threat"]["indicator"]["ip"], "192.0.2.10");
    assert_eq!(ip["threat"]["indicator"]["confidence"], "High");
    assert_eq!(
        ip["threat"]["indicator"]["id"][0],
        "indicator--0b0e0c9a-1c2d-4e5f-8a9b-000000000001"
    );
    let url = by_name("http://evil.example:8080/a.php?q=1");
    assert_eq!(url["threat"]["indicator"]["url"]["domain"], "evil.example");
    assert_eq!(url["threat"]["indicator"]["url"]["port"], 8080);
    assert_eq!(
        by_name(&"d".repeat(64))["threat"]["indicator"]["file"]["hash"]["sha256"],
        "d".repeat(64)
    );
    assert_eq!(
        by_name("phish@evil.example")["threat"]["indicator"]["email"]["address"],
        "phish@evil.example"
    );
    assert_eq!(
        by_name("evil.example")["threat"]["indicator"]["reference"],
        "https://ref.example/1"
    );
    assert_eq!(
        by_name("CVE-2026-1234")["vulnerability"]["id"],
        "CVE-2026-1234"
    );
    assert_eq!(
        by_name("198.51.100.0/24")["intellisiem"]["cidr"],
        "198.51.100.0/24"
    );
}

#[test]
fn zeek_intel_rows_are_checked_field_by_field() {
    let out = render(Format::ZeekIntel);
    let mut lines = out.lines();
    assert_eq!(
        lines.next().unwrap(),
        "#fields\tindicator\tindicator_type\tmeta.source\tmeta.desc\tmeta.url"
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split('\t').collect()).collect();
    // The CVE has no Intel type.
    assert_eq!(rows.len(), 7);
    for r in &rows {
        assert_eq!(r.len(), 5, "{r:?}");
        assert_eq!(r[2], "intellisiem:cti");
        assert!(
            r.iter()
                .all(|f| !f.is_empty() && !f.chars().any(char::is_control)),
            "{r:?}"
        );
    }
    let row = |v: &str| {
        rows.iter()
            .find(|r| r[0] == v)
            .unwrap_or_else(|| panic!("{v} in {rows:?}"))
    };
    assert_eq!(
        row("192.0.2.10")[1..],
        ["Intel::ADDR", "intellisiem:cti", "C2\\x09server", "-"]
    );
    assert_eq!(row("2001:db8::bad")[3], "\\x2d");
    assert_eq!(
        row("198.51.100.0/24")[1..4],
        ["Intel::SUBNET", "intellisiem:cti", "-"]
    );
    assert_eq!(
        row("evil.example")[1..],
        [
            "Intel::DOMAIN",
            "intellisiem:cti",
            "x\\\\y",
            "https://ref.example/1"
        ]
    );
    assert_eq!(
        row("evil.example:8080/a.php?q=1")[1..4],
        ["Intel::URL", "intellisiem:cti", "dl\\x1b[31m"]
    );
    assert_eq!(
        row(&"d".repeat(64))[1..4],
        ["Intel::FILE_HASH", "intellisiem:cti", "\\x28empty)"]
    );
    assert_eq!(row("phish@evil.example")[1], "Intel::EMAIL");
}

#[test]
fn defang_applies_to_txt_csv_and_jsonl_values() {
    let d = |f| Options {
        format: f,
        defang: true,
    };
    let txt = render(d(Format::Txt));
    assert!(
        txt.contains("hxxp://evil[.]example:8080/a.php?q=1\n"),
        "{txt}"
    );
    assert!(txt.contains("192[.]0[.]2[.]1\n") || txt.contains("192[.]0[.]2[.]10\n"));
    assert!(txt.contains("phish[@]evil[.]example\n"));
    assert!(!txt.contains("http://"));
    assert!(render(d(Format::Csv)).contains("hxxp://evil[.]example:8080/a.php?q=1"));
    let jsonl = render(d(Format::Jsonl));
    assert!(jsonl.contains(r#""value":"evil[.]example""#), "{jsonl}");
    // Formats read by machines keep the real values.
    assert!(render(d(Format::ZeekIntel)).contains("\nevil.example\t"));
    assert!(render(Format::Txt).contains("http://evil.example:8080/a.php?q=1\n"));
}
