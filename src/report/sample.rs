// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! A [`Brief`] with every section filled and hostile strings in every field that
//! comes from outside (markup, Markdown table pipes, links, control characters), for
//! the outputs' tests and examples. Deterministic: the same value every call.

use jiff::{SignedDuration, Timestamp};

use super::model::*;

/// The sample's period ends here: 2026-11-30T00:00:00Z.
pub const END: i64 = 1_764_460_800;

fn at(secs: i64) -> Timestamp {
    Timestamp::from_second(secs).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// A 14-day brief over seven sources, with hostile values.
pub fn brief() -> Brief {
    let to = at(END);
    let from = to - SignedDuration::from_hours(14 * 24);
    let sources: Vec<String> = [
        "feodo",
        "urlhaus",
        "threatfox",
        "otx",
        "kev",
        "isac-taxii",
        "<b>odd|name</b>",
    ]
    .map(String::from)
    .to_vec();
    let types = ["ipv4", "domain", "url", "sha256"]
        .map(String::from)
        .to_vec();
    let buckets = (0..14)
        .map(|d| TimeCount {
            start: from + SignedDuration::from_hours(24 * d),
            counts: vec![
                (d as u64 * 7) % 23 + 3,
                (d as u64 * 5) % 11,
                (d as u64 * 3) % 5,
                u64::from(d == 9) * 2,
            ],
        })
        .collect();
    let top = |value: &str, ty: &str, hits: u64, threat: Option<&str>| TopIndicator {
        value: value.to_string(),
        r#type: ty.to_string(),
        sources: vec!["feodo".into(), "threatfox".into()],
        hits,
        first_hit: from + SignedDuration::from_hours(5),
        last_hit: to - SignedDuration::from_hours(3),
        sensors: vec!["edge-1".into(), "dmz-zeek".into()],
        threat: threat.map(String::from),
    };
    let n = sources.len();
    let held = [1_873_u64, 40_211, 9_877, 120_554, 1_241, 3_310, 12];
    let mut shared = vec![vec![0_u64; n]; n];
    for i in 0..n {
        for j in 0..n {
            shared[i][j] = if i == j {
                held[i]
            } else {
                held[i].min(held[j]) / (2 + (i + j) as u64)
            };
        }
    }
    let strip = |fail_from: usize, fail_to: usize| {
        (0..14)
            .map(|d| match d {
                d if d >= fail_from && d < fail_to => StripCell::Failed,
                d if d == fail_to => StripCell::Mixed,
                13 => StripCell::None,
                _ => StripCell::Ok,
            })
            .collect::<Vec<_>>()
    };
    Brief {
        generated: to,
        period: Period {
            from,
            to,
            time_zone: "UTC".into(),
            bucket: Bucket::Day,
        },
        sources: sources.clone(),
        sensors: Vec::new(),
        summary: Summary {
            hits: 412,
            hits_previous: 355,
            hits_change_percent: Some(16.056_338),
            indicators_held: 171_020,
            indicators_new: 8_112,
            sources_failing: vec!["isac-taxii".into()],
            untriaged_hits: 97,
        },
        hits: HitsOverTime {
            types,
            buckets,
            top_indicators: vec![
                top("198.51.100.23", "ipv4", 88, Some("Emotet")),
                top(
                    "http://evil.example/a.php?x=<script>alert(1)</script>",
                    "url",
                    41,
                    Some("[click](javascript:alert(1))"),
                ),
                top(
                    "login-bank.example",
                    "domain",
                    17,
                    Some("phish | kit\nline"),
                ),
                top(
                    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                    "sha256",
                    2,
                    None,
                ),
            ],
            top_hosts: vec![
                TopHost {
                    host: "10.1.2.3".into(),
                    hits: 120,
                    indicators: 4,
                },
                TopHost {
                    host: "ws-<i>07</i>".into(),
                    hits: 33,
                    indicators: 2,
                },
            ],
        },
        efficacy: sources
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let hit = held[i] / (40 + 10 * i as u64);
                Efficacy {
                    source: s.clone(),
                    indicators: held[i],
                    indicators_hit: hit,
                    hits_per_10k: hit as f64 * 10_000.0 / held[i] as f64,
                    hits: hit * 3,
                    confirmed: hit / 2,
                    false_positives: u64::from(i % 3 == 0),
                    retro_finds: (i as u64) % 2,
                }
            })
            .collect(),
        overlap: Overlap {
            sources: sources.clone(),
            shared,
            per_source: sources
                .iter()
                .enumerate()
                .map(|(i, s)| SourceOverlap {
                    source: s.clone(),
                    unique: held[i] / 2,
                    unique_percent: 50.0,
                    on_warninglists: (i as u64) * 3,
                    on_allowlists: (i as u64) % 2,
                })
                .collect(),
        },
        health: sources
            .iter()
            .enumerate()
            .map(|(i, s)| Health {
                source: s.clone(),
                fetches: 140 + i as u64,
                failures: if i == 5 {
                    vec![("network_error".into(), 30), ("auth_error".into(), 2)]
                } else {
                    Vec::new()
                },
                longest_outage_secs: if i == 5 { 4 * 86_400 + 3_600 } else { 0 },
                median_fetch_ms: Some(180 + 40 * i as u64),
                skipped: vec![
                    ("bad_value".into(), i as u64 * 2),
                    ("missing_field".into(), 1),
                ],
                strip: if i == 5 { strip(8, 12) } else { strip(0, 0) },
            })
            .collect(),
        kev: vec![
            KevEntry {
                cve: "CVE-2026-0001".into(),
                vendor: "Example<Corp>".into(),
                product: "Gateway | VPN".into(),
                name: "Example Gateway Remote Code Execution".into(),
                date_added: from + SignedDuration::from_hours(30),
                due_date: Some("2026-12-08".into()),
                ransomware: true,
            },
            KevEntry {
                cve: "CVE-2025-9999".into(),
                vendor: "Acme".into(),
                product: "Router".into(),
                name: "Acme Router Path Traversal".into(),
                date_added: from + SignedDuration::from_hours(200),
                due_date: None,
                ransomware: false,
            },
        ],
        appendix: Appendix {
            sources: sources
                .iter()
                .map(|s| SourceLine {
                    name: s.clone(),
                    kind: "plain_list".into(),
                    url: Some(format!("https://feeds.example/{}.txt", s.len())),
                    refresh_secs: 3_600,
                    weight: 50,
                })
                .collect(),
            method: vec![(
                "Hits".into(),
                "Stored hits whose event time is in the period".into(),
            )],
            store: "/var/lib/intellisiem/cache.db".into(),
        },
    }
}
