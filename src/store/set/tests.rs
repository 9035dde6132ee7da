// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

use super::*;
use crate::model::time::Secs;

fn s(kind: IndicatorType, value: &str, obs: Observation) -> Sighting {
    Sighting {
        kind,
        value: value.into(),
        obs,
    }
}

fn ts(secs: i64) -> Option<Secs> {
    Secs::from_second(secs)
}

proptest::proptest! {
    /// Whatever the sources replace, add and drop, each source's count is the
    /// entries that hold it.
    #[test]
    fn each_source_counts_the_entries_that_hold_it(
        ops in proptest::collection::vec((0u8..4, 0u16..3, proptest::collection::vec(0u16..2000, 0..400)), 1..24)
    ) {
        let mut st = Store::new();
        let ids: Vec<SourceId> = ["a", "b", "c"].iter().map(|n| st.source_id(n)).collect();
        for (op, src, values) in ops {
            let id = ids[usize::from(src)];
            let sightings: Vec<Sighting> = values
                .iter()
                .map(|v| s(IndicatorType::Domain, &format!("h{v}.example"), Observation::default()))
                .collect();
            match op {
                0 | 1 => {
                    st.replace_source(id, sightings);
                }
                2 => {
                    for x in sightings {
                        st.add(id, x);
                    }
                }
                _ => {
                    st.remove_source(id);
                }
            }
            for &id in &ids {
                let held = st.slots().iter().filter(|e| e.has_source(id)).count();
                proptest::prop_assert_eq!(st.count_for(id), held);
            }
            proptest::prop_assert_eq!(st.len(), st.slots().iter().filter(|e| !e.sightings.is_empty()).count());
        }
    }
}

#[test]
fn entries_keep_one_sighting_inline() {
    assert!(std::mem::size_of::<Entry>() <= 112);
    let mut st = Store::new();
    let id = st.source_id("feodo");
    st.replace_source(
        id,
        vec![s(IndicatorType::Ipv4, "192.0.2.1", Observation::default())],
    );
    assert!(!st.slots()[0].sightings.spilled());
}

#[test]
fn merges_across_sources_keeping_provenance() {
    let mut st = Store::new();
    let feodo = st.source_id("feodo");
    let tfox = st.source_id("threatfox");
    st.replace_source(
        feodo,
        vec![s(
            IndicatorType::Ipv4,
            "45.0.0.3",
            Observation {
                first_seen: ts(200),
                threat: Some("Dridex".into()),
                ports: vec![443].into(),
                ..Default::default()
            },
        )],
    );
    st.replace_source(
        tfox,
        vec![
            s(
                IndicatorType::Ipv4,
                "45.0.0.3",
                Observation {
                    first_seen: ts(100),
                    last_seen: ts(300),
                    threat: Some("QakBot".into()),
                    ports: vec![8080, 443].into(),
                    tags: vec!["c2".into()].into(),
                    confidence: Some(90),
                    ..Default::default()
                },
            ),
            s(
                IndicatorType::Domain,
                "evil.example",
                Observation::default(),
            ),
        ],
    );
    assert_eq!(st.len(), 2);
    let e = st
        .get(st.find(IndicatorType::Ipv4, "45.0.0.3").unwrap())
        .unwrap();
    let names: Vec<_> = e.source_ids().map(|i| st.source_name(i)).collect();
    assert_eq!(names, ["feodo", "threatfox"]);
    assert_eq!(e.first_seen(), ts(100).map(Secs::timestamp));
    assert_eq!(e.last_seen(), ts(300).map(Secs::timestamp));
    assert_eq!(e.threat().map(|t| &**t), Some("Dridex"));
    assert_eq!(e.ports(), [443, 8080]);
    assert_eq!(e.confidence(), Some(90));
    assert_eq!(st.count_for(tfox), 2);
    let r = st.replace_source(tfox, Vec::new());
    assert_eq!(
        r,
        Replaced {
            count: 0,
            compacted: false
        }
    );
    assert_eq!(st.len(), 1);
}

#[test]
fn compacts_when_tombstones_outnumber_the_living() {
    let mut st = Store::new();
    let a = st.source_id("a");
    let b = st.source_id("b");
    let d = |i: u32| {
        s(
            IndicatorType::Domain,
            &format!("h{i}.example"),
            Observation::default(),
        )
    };
    st.replace_source(b, vec![d(999_999)]);
    let r = st.replace_source(a, (0..3000).map(d).collect());
    assert_eq!(
        r,
        Replaced {
            count: 3000,
            compacted: false
        }
    );
    let r = st.replace_source(a, vec![d(1)]);
    assert!(r.compacted);
    assert_eq!(st.slots().len(), 2);
    assert!(st.find_live(IndicatorType::Domain, "h1.example").is_some());
    assert!(
        st.find_live(IndicatorType::Domain, "h999999.example")
            .is_some()
    );
}

#[test]
fn same_key_type_matters() {
    let mut st = Store::new();
    let a = st.source_id("a");
    st.replace_source(
        a,
        vec![
            s(IndicatorType::Md5, "x", Observation::default()),
            s(IndicatorType::Domain, "x", Observation::default()),
            s(
                IndicatorType::Md5,
                "x",
                Observation {
                    ports: vec![1].into(),
                    ..Default::default()
                },
            ),
        ],
    );
    assert_eq!(st.len(), 2);
    let e = st.get(st.find(IndicatorType::Md5, "x").unwrap()).unwrap();
    assert_eq!(e.sightings.len(), 1, "same source folds");
    assert_eq!(e.ports(), [1]);
}

#[test]
fn replacing_a_source_drops_only_its_stale_rows() {
    let mut st = Store::new();
    let a = st.source_id("a");
    let b = st.source_id("b");
    let d = |v: &str| s(IndicatorType::Domain, v, Observation::default());
    st.replace_source(a, vec![d("one.example"), d("both.example")]);
    st.replace_source(b, vec![d("both.example")]);
    st.replace_source(a, vec![d("three.example")]);
    let mut values: Vec<_> = st.iter().map(|(_, e)| &*e.value).collect();
    values.sort();
    assert_eq!(values, ["both.example", "three.example"]);
    assert_eq!(st.len(), 2);
    assert!(st.find_live(IndicatorType::Domain, "one.example").is_none());
    // Positions are stable until compaction.
    let both_before = st.find(IndicatorType::Domain, "both.example");
    st.replace_source(a, vec![d("one.example"), d("three.example")]);
    assert_eq!(st.find(IndicatorType::Domain, "both.example"), both_before);
    assert_eq!(st.len(), 3, "the tombstone came back to life");
    st.compact();
    assert_eq!(st.slots().len(), 3);
    let both = st
        .get(st.find(IndicatorType::Domain, "both.example").unwrap())
        .unwrap();
    assert_eq!(both.source_ids().collect::<Vec<_>>(), [b]);
    // The index still finds everything after compaction.
    for (i, e) in st.slots().iter().enumerate() {
        assert_eq!(st.find(e.kind, &e.value), Some(i));
    }
}

#[test]
fn merged_dates_span_every_sources_dates() {
    const FEB: i64 = 1_801_000_000;
    const MAR: i64 = 1_803_500_000;
    let mut st = Store::new();
    let a = st.source_id("a");
    let b = st.source_id("b");
    let only_first = Observation {
        first_seen: ts(MAR),
        ..Default::default()
    };
    let only_last = Observation {
        last_seen: ts(FEB),
        ..Default::default()
    };
    st.replace_source(a, vec![s(IndicatorType::Domain, "x.example", only_first)]);
    st.replace_source(b, vec![s(IndicatorType::Domain, "x.example", only_last)]);
    let e = st.get(0).unwrap();
    assert_eq!(e.first_seen(), ts(FEB).map(Secs::timestamp));
    assert_eq!(e.last_seen(), ts(MAR).map(Secs::timestamp));
}

#[test]
fn one_source_saying_a_key_twice_keeps_its_dates_in_order() {
    const FEB: i64 = 1_801_000_000;
    const MAR: i64 = 1_803_500_000;
    let mut first = Observation {
        first_seen: ts(MAR),
        ..Default::default()
    };
    first.absorb(Observation {
        last_seen: ts(FEB),
        ..Default::default()
    });
    assert_eq!((first.first_seen, first.last_seen), (ts(FEB), ts(MAR)));
    // Two first sightings: the source saw it at both.
    let mut o = Observation {
        first_seen: ts(MAR),
        ..Default::default()
    };
    o.absorb(Observation {
        first_seen: ts(FEB),
        ..Default::default()
    });
    assert_eq!((o.first_seen, o.last_seen), (ts(FEB), ts(MAR)));
    // One date in all, a first sighting: no last sighting is made up.
    let mut once = Observation {
        first_seen: ts(FEB),
        ..Default::default()
    };
    once.absorb(Observation {
        first_seen: ts(FEB),
        ..Default::default()
    });
    assert_eq!((once.first_seen, once.last_seen), (ts(FEB), None));
}
