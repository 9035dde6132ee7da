// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

use super::*;
use crate::model::{Observation, Sighting};

fn store() -> Store {
    let mut st = Store::new();
    let a = st.source_id("feodo");
    let b = st.source_id("urlhaus");
    let mk = |kind, v: &str, threat: Option<&str>, tags: &[&str], last: i64| Sighting {
        kind,
        value: v.into(),
        obs: Observation {
            threat: threat.map(Into::into),
            tags: tags.iter().map(|t| (*t).into()).collect(),
            last_seen: crate::model::time::Secs::from_second(last),
            ..Default::default()
        },
    };
    st.replace_source(
        a,
        vec![
            mk(IndicatorType::Ipv4, "45.0.0.3", Some("Dridex"), &[], 300),
            mk(
                IndicatorType::Ipv4,
                "51.178.161.32",
                Some("QakBot"),
                &["c2"],
                100,
            ),
        ],
    );
    st.replace_source(
        b,
        vec![
            mk(
                IndicatorType::Url,
                "http://Evil.example/Mozi.m",
                None,
                &["elf", "Mozi"],
                200,
            ),
            mk(IndicatorType::Ipv4, "45.0.0.3", None, &[], 0),
        ],
    );
    st
}

#[test]
fn verdicts_stay_right_past_the_cache_bounds() {
    // More distinct tags than the verdict map keeps, some lists shared, some not.
    let mut st = Store::new();
    let id = st.source_id("drop");
    let mut strings = crate::model::intern::Interner::new();
    let shared = strings.tags(vec!["c2".into(), "shared-tag".into()].into());
    let batch = (0..Verdicts::MAP_MAX + 5_000)
        .map(|i| Sighting {
            kind: IndicatorType::Cidr,
            value: format!("10.{}.{}.0/24", i / 256, i % 256).into(),
            obs: Observation {
                tags: if i % 2 == 0 {
                    shared.clone()
                } else {
                    vec![std::sync::Arc::from(format!("SBL{i}"))].into()
                },
                ..Default::default()
            },
        })
        .collect();
    st.replace_source(id, batch);
    let no = AtomicBool::new(false);
    let count = |text: &str| {
        let q = Query {
            text: text.into(),
            ..Default::default()
        };
        filter(&st, &q, &no).expect("rows").len()
    };
    assert_eq!(count("sbl70001"), 1);
    let starting_with_1 = (0..Verdicts::MAP_MAX + 5_000)
        .filter(|i| i % 2 == 1 && i.to_string().starts_with('1'))
        .count();
    assert_eq!(count("sbl1"), starting_with_1);
    assert_eq!(count("shared-tag"), (Verdicts::MAP_MAX + 5_000) / 2);
    assert_eq!(count("nothing"), 0);
}

fn values(st: &Store, rows: &[u32]) -> Vec<String> {
    rows.iter()
        .map(|&i| st.slots()[i as usize].value.to_string())
        .collect()
}

fn run(st: &Store, q: &Query, s: Sort) -> Vec<String> {
    values(st, &view(st, q, s, &AtomicBool::new(false)).unwrap())
}

#[test]
fn text_matches_value_threat_and_tags_case_insensitively() {
    let st = store();
    let q = |t: &str| Query {
        text: t.into(),
        ..Default::default()
    };
    assert_eq!(
        run(&st, &q("MOZI"), Sort::default()),
        ["http://Evil.example/Mozi.m"]
    );
    assert_eq!(run(&st, &q("dridex"), Sort::default()), ["45.0.0.3"]);
    assert_eq!(run(&st, &q("C2"), Sort::default()), ["51.178.161.32"]);
    assert_eq!(run(&st, &q("45.0"), Sort::default()), ["45.0.0.3"]);
    assert_eq!(run(&st, &q(""), Sort::default()).len(), 3);
    assert!(run(&st, &q("nothing-like-this"), Sort::default()).is_empty());
}

#[test]
fn type_and_hidden_sources() {
    let st = store();
    let feodo = st.find_source("feodo").unwrap();
    let urlhaus = st.find_source("urlhaus").unwrap();
    let q = Query {
        kind: Some(IndicatorType::Url),
        ..Default::default()
    };
    assert_eq!(
        run(&st, &q, Sort::default()),
        ["http://Evil.example/Mozi.m"]
    );
    let q = Query {
        hidden: vec![feodo],
        ..Default::default()
    };
    // 45.0.0.3 is also in urlhaus, so it stays.
    assert_eq!(
        run(&st, &q, Sort::default()),
        ["45.0.0.3", "http://Evil.example/Mozi.m"]
    );
    let q = Query {
        hidden: vec![feodo, urlhaus],
        ..Default::default()
    };
    assert!(run(&st, &q, Sort::default()).is_empty());
}

#[test]
fn sorting() {
    let st = store();
    let q = Query::default();
    let s = |key, reverse| Sort { key, reverse };
    assert_eq!(
        run(&st, &q, s(SortKey::LastSeen, false)),
        ["45.0.0.3", "http://Evil.example/Mozi.m", "51.178.161.32"]
    );
    assert_eq!(
        run(&st, &q, s(SortKey::Value, true)),
        ["http://Evil.example/Mozi.m", "51.178.161.32", "45.0.0.3"]
    );
    assert_eq!(run(&st, &q, s(SortKey::Sources, false))[0], "45.0.0.3");
    assert_eq!(
        run(&st, &q, s(SortKey::Threat, false)),
        ["45.0.0.3", "51.178.161.32", "http://Evil.example/Mozi.m"]
    );
}

#[test]
fn cancellation_stops_early() {
    let st = store();
    assert!(filter(&st, &Query::default(), &AtomicBool::new(true)).is_none());
}

#[test]
fn parallel_and_serial_agree() {
    let mut st = Store::new();
    let a = st.source_id("a");
    let batch: Vec<Sighting> = (0..120_000u32)
        .map(|i| Sighting {
            kind: IndicatorType::Domain,
            value: format!("host{i}.example").into(),
            obs: Observation::default(),
        })
        .collect();
    st.replace_source(a, batch);
    let q = Query {
        text: "99".into(),
        ..Default::default()
    };
    let par = filter(&st, &q, &AtomicBool::new(false)).unwrap();
    let ser = filter_range(st.slots(), 0, &q, &AtomicBool::new(false)).unwrap();
    assert_eq!(par, ser);
    assert!(par.windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn the_view_by_last_seen_in_one_pass_is_the_filter_then_the_sort() {
    // Past the size where the work is split across threads, with times, ties, unknown
    // times, two sources and tombstones.
    let mut st = Store::new();
    let a = st.source_id("a");
    let b = st.source_id("b");
    let batch = |from: u32, to: u32| -> Vec<Sighting> {
        (from..to)
            .map(|i| Sighting {
                kind: if i % 3 == 0 {
                    IndicatorType::Url
                } else {
                    IndicatorType::Domain
                },
                value: format!("host{i}.example").into(),
                obs: Observation {
                    last_seen: crate::model::time::Secs::from_second(
                        1_700_000_000 + i64::from(i % 977),
                    )
                    .filter(|_| i % 11 != 0),
                    ..Default::default()
                },
            })
            .collect()
    };
    st.replace_source(a, batch(0, 90_000));
    st.replace_source(b, batch(60_000, 130_000));
    // a drops its first 10,000, which no other source holds: tombstones.
    st.replace_source(a, batch(10_000, 80_000));
    assert_eq!(st.len() + 10_000, st.slots().len());
    let queries = [
        Query::default(),
        Query {
            text: "99".into(),
            ..Default::default()
        },
        Query {
            kind: Some(IndicatorType::Url),
            hidden: vec![b],
            ..Default::default()
        },
    ];
    let no = AtomicBool::new(false);
    for q in &queries {
        for reverse in [false, true] {
            let s = Sort {
                key: SortKey::LastSeen,
                reverse,
            };
            let mut want = filter(&st, q, &no).unwrap();
            sort(&st, &mut want, s);
            assert_eq!(
                view(&st, q, s, &no).unwrap(),
                want,
                "{q:?}, reverse {reverse}"
            );
        }
    }
    assert!(
        view(
            &st,
            &Query::default(),
            Sort::default(),
            &AtomicBool::new(true)
        )
        .is_none()
    );
}

#[test]
fn needle_edge_cases() {
    let n = Needle::new("aB");
    assert!(n.is_match("xxAbyy"));
    assert!(n.is_match("ab"));
    assert!(!n.is_match("a"));
    assert!(!n.is_match("ba"));
    assert!(Needle::new("é").is_match("café"));
}

#[test]
fn a_pasted_indicator_finds_its_row_in_any_form() {
    let mut st = Store::new();
    let a = st.source_id("s");
    let mk = |kind, v: &str| Sighting {
        kind,
        value: v.into(),
        obs: Observation::default(),
    };
    st.replace_source(
        a,
        vec![
            mk(IndicatorType::Url, "https://login.bank.example/signin"),
            mk(IndicatorType::Domain, "xn--bcher-kva.example"),
            mk(IndicatorType::Email, "bob@corp.example"),
        ],
    );
    let q = |t: &str| Query {
        text: t.into(),
        ..Default::default()
    };
    for (pasted, row) in [
        (
            "hxxps[://]login[.]bank[.]example:443/signin",
            "https://login.bank.example/signin",
        ),
        (
            "HTTPS://LOGIN.BANK.EXAMPLE/signin",
            "https://login.bank.example/signin",
        ),
        ("b\u{fc}cher[.]example.", "xn--bcher-kva.example"),
        ("BÜCHER.EXAMPLE", "xn--bcher-kva.example"),
        ("bob[@]corp[.]example", "bob@corp.example"),
        ("bank", "https://login.bank.example/signin"),
        // Typing a URL: every prefix finds it, with or without the default port.
        (
            "https://login.bank.exa",
            "https://login.bank.example/signin",
        ),
        (
            "https://LOGIN.bank.example",
            "https://login.bank.example/signin",
        ),
        (
            "https://login.bank.example:443",
            "https://login.bank.example/signin",
        ),
    ] {
        assert_eq!(run(&st, &q(pasted), Sort::default()), [row], "{pasted}");
    }
}

#[test]
fn completing_a_pasted_indicator_is_not_a_narrowing_of_its_raw_start() {
    let q = |t: &str| Query {
        text: t.into(),
        ..Default::default()
    };
    // `evil[.` searches for itself and matches nothing; `evil[.]example` searches
    // for `evil.example`: the rows of the second are not within the first's.
    assert!(!narrows(&q("evil[."), &q("evil[.]example")));
    assert!(narrows(&q("evil[.]ex"), &q("evil[.]example")));
    assert!(narrows(&q("evil"), &q("evil[.]example")));
    assert!(narrows(&q("ev"), &q("EVIL")));
}
