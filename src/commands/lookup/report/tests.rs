// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

use super::*;
use crate::commands::lookup::local::How;
use crate::model::{IndicatorType, VtStats};

const LIST: &str =
    "built-in: IANA special-purpose addresses and names (RFC 6890, RFC 6761, RFC 2606)";

fn local(how: How, kind: IndicatorType, indicator: &str, threat: &str) -> Local {
    Local {
        how,
        kind,
        indicator: indicator.into(),
        sources: vec!["feodo".into(), "urlhaus".into()],
        threat: Some(threat.into()),
        first_seen: None,
        last_seen: Timestamp::from_second(1_800_000_000).ok(),
        score: Some(90),
    }
}

fn row() -> Row {
    Row {
        item: Item {
            input: "=a.evil[.]example".into(),
            kind: IndicatorType::Domain,
            value: "a.evil.example".into(),
        },
        local: vec![local(
            How::ParentDomain,
            IndicatorType::Domain,
            "evil.example",
            "Emo\x1btet, a threat named at length by a feed that writes long names",
        )],
        warninglist: Some(LIST.into()),
        verdicts: vec![
            Verdict::Found {
                verdict: crate::model::Verdict {
                    virustotal: Some(VtStats {
                        malicious: 8,
                        harmless: 90,
                        undetected: 1,
                        ..Default::default()
                    }),
                    threat: Some("Trojan.Generic.LongFamilyNameThatGoesOnAndOn".into()),
                    ..Default::default()
                },
                at: Timestamp::from_second(1_800_000_000).unwrap(),
                cached: true,
            },
            Verdict::Failed("OTX: HTTP 500".into()),
        ],
    }
}

#[test]
fn jsonl_carries_whole_values_escaped_as_json() {
    let services = vec!["vt".to_string(), "otx".to_string()];
    let line = jsonl(&row(), &services);
    assert!(!line.contains('\x1b'), "{line}");
    assert!(line.contains("Emo\\u001btet"), "a JSON escape: {line}");
    let j: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(j["warninglist"], LIST, "the list's name whole");
    assert_eq!(j["match"], "parent_domain");
    assert_eq!(j["local"][0]["match"], "parent_domain");
    assert_eq!(j["local"][0]["indicator"], "evil.example");
    assert_eq!(j["local"][0]["sources"], json!(["feodo", "urlhaus"]));
    assert_eq!(
        j["local"][0]["threat"],
        "Emo\x1btet, a threat named at length by a feed that writes long names"
    );
    assert_eq!(j["enrichment"]["vt"]["virustotal"]["malicious"], 8);
    assert_eq!(
        j["enrichment"]["vt"]["threat"],
        "Trojan.Generic.LongFamilyNameThatGoesOnAndOn"
    );
    assert_eq!(j["enrichment"]["vt"]["cached"], true);
    assert_eq!(j["enrichment"]["otx"]["status"], "error");
    let mut none = row();
    none.local.clear();
    let j: Value = serde_json::from_str(&jsonl(&none, &services)).unwrap();
    assert_eq!(j["match"], Value::Null);
    assert_eq!(j["local"], json!([]));
}

#[test]
fn csv_carries_whole_values_one_record_per_covering_indicator() {
    let services = vec!["vt".to_string(), "otx".to_string()];
    let mut r = row();
    r.local.push(local(
        How::Cidr,
        IndicatorType::Cidr,
        "198.51.100.0/24",
        "x",
    ));
    let text = csv_text(std::iter::once(csv_header(&services)).chain(csv(&r)));
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let head: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(head.len(), 14);
    let recs: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(recs.len(), 2, "{text}");
    let cell = |r: &csv::StringRecord, name: &str| {
        r.get(head.iter().position(|h| h == name).unwrap())
            .unwrap()
            .to_string()
    };
    assert_eq!(
        cell(&recs[0], "input"),
        "'=a.evil[.]example",
        "formula-safe"
    );
    assert_eq!(cell(&recs[0], "match"), "parent_domain");
    assert_eq!(cell(&recs[0], "indicator"), "evil.example");
    assert_eq!(cell(&recs[1], "match"), "cidr");
    assert_eq!(cell(&recs[1], "indicator"), "198.51.100.0/24");
    assert_eq!(cell(&recs[0], "warninglist"), LIST, "whole, quoted");
    assert_eq!(
        cell(&recs[0], "threat"),
        "Emo\\x1btet, a threat named at length by a feed that writes long names"
    );
    assert_eq!(
        cell(&recs[0], "vt"),
        "8/99 malicious (Trojan.Generic.LongFamilyNameThatGoesOnAndOn)"
    );
    assert_eq!(cell(&recs[1], "otx"), "error: OTX: HTTP 500");
    assert!(!text.contains('\x1b'));
    assert!(!text.contains('…'), "no display cut: {text}");
}

#[test]
fn the_table_names_each_covering_indicator_on_its_own_line() {
    let services = vec!["vt".to_string(), "otx".to_string()];
    let mut r = row();
    r.local.push(local(
        How::Cidr,
        IndicatorType::Cidr,
        "198.51.100.0/24",
        "x",
    ));
    let t = table(&[r], &services);
    let lines: Vec<&str> = t.lines().collect();
    assert_eq!(lines.len(), 3, "{t}");
    assert!(lines[0].starts_with("TYPE"), "{t}");
    assert!(
        lines[0].ends_with("VT  OTX") || lines[0].contains("  VT  "),
        "{t}"
    );
    assert!(
        lines[1].contains("parent_domain")
            && lines[1].contains("evil.example")
            && lines[1].contains("2027-01-15")
            && lines[1].contains("8/99 malicious"),
        "{t}"
    );
    assert!(lines[2].trim_start().starts_with("cidr"), "{t}");
    let col = |l: &str, what: &str| l.find(what).unwrap();
    assert_eq!(
        col(lines[1], "parent_domain"),
        col(lines[2], "cidr"),
        "aligned: {t}"
    );
    assert!(!t.contains('\x1b'));
}
