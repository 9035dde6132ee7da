// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

use super::*;
use crate::model::time::Secs;
use crate::model::{Observation, Sighting};

/// One sighting: type, value, threat, first seen, last seen (seconds; 0 = unknown).
type Row<'a> = (IndicatorType, &'a str, Option<&'a str>, i64, i64);

fn sighting((kind, value, threat, first, last): Row) -> Sighting {
    Sighting {
        kind,
        value: value.into(),
        obs: Observation {
            threat: threat.map(Into::into),
            first_seen: Secs::from_second(first),
            last_seen: Secs::from_second(last),
            ..Default::default()
        },
    }
}

fn store_of(source: &str, rows: &[Row]) -> Store {
    let mut st = Store::new();
    let id = st.source_id(source);
    st.replace_source(id, rows.iter().copied().map(sighting).collect());
    st
}

/// The values of the store's rows, sorted by `key` (reversed with `reverse`).
fn sorted(st: &Store, key: SortKey, reverse: bool) -> Vec<String> {
    let mut rows: Vec<u32> = st.iter().map(|(i, _)| i as u32).collect();
    sort(st, &mut rows, Sort { key, reverse });
    rows.iter()
        .map(|&r| {
            st.get(r as usize)
                .map_or(String::new(), |e| e.value.to_string())
        })
        .collect()
}

fn plain(kind: IndicatorType, value: &str) -> Row<'_> {
    (kind, value, None, 0, 0)
}

#[test]
fn addresses_sort_numerically_v4_before_v6_then_text() {
    use IndicatorType::*;
    let st = store_of(
        "a",
        &[
            plain(Domain, "alpha.example"),
            plain(Ipv6, "2001:db8::1"),
            plain(Ipv4, "45.0.0.110"),
            plain(Ipv6, "::1"),
            plain(Ipv4, "45.0.0.11"),
            plain(Ipv4, "9.9.9.9"),
            plain(Url, "http://45.0.0.2/x"),
            plain(Ipv4, "45.0.0.2"),
        ],
    );
    assert_eq!(
        sorted(&st, SortKey::Value, false),
        [
            "9.9.9.9",
            "45.0.0.2",
            "45.0.0.11",
            "45.0.0.110",
            "::1",
            "2001:db8::1",
            "alpha.example",
            "http://45.0.0.2/x",
        ]
    );
    let mut rev = sorted(&st, SortKey::Value, true);
    rev.reverse();
    assert_eq!(rev, sorted(&st, SortKey::Value, false));
}

#[test]
fn ranges_sort_by_network_then_prefix_among_addresses() {
    use IndicatorType::*;
    let st = store_of(
        "a",
        &[
            plain(Ipv4, "10.0.0.1"),
            plain(Cidr, "10.0.0.0/24"),
            plain(Cidr, "10.0.0.0/8"),
            plain(Cidr, "9.0.0.0/8"),
            plain(Ipv4, "10.0.0.0"),
            plain(Cidr, "2001:db8::/32"),
            plain(Cidr, "10.128.0.0/9"),
        ],
    );
    assert_eq!(
        sorted(&st, SortKey::Value, false),
        [
            "9.0.0.0/8",
            "10.0.0.0/8",
            "10.0.0.0/24",
            "10.0.0.0",
            "10.0.0.1",
            "10.128.0.0/9",
            "2001:db8::/32",
        ]
    );
}

#[test]
fn a_value_that_does_not_parse_as_its_type_sorts_as_text() {
    assert_eq!(
        ValueKey::of(IndicatorType::Ipv4, "45.0.0.300").class,
        ValueClass::Text
    );
    assert_eq!(
        ValueKey::of(IndicatorType::Cidr, "").class,
        ValueClass::Text
    );
    assert_eq!(
        ValueKey::of(IndicatorType::Domain, "1.2.3.4").class,
        ValueClass::Text
    );
    assert!(
        ValueKey::of(IndicatorType::Ipv4, "255.255.255.255")
            < ValueKey::of(IndicatorType::Ipv6, "::")
    );
}

#[test]
fn times_sort_newest_first_and_undated_rows_stay_last_both_ways() {
    use IndicatorType::*;
    let st = store_of(
        "a",
        &[
            (Domain, "undated-1.example", None, 0, 0),
            (Domain, "old.example", None, 0, 100),
            (Domain, "first-only.example", None, 250, 0),
            (Domain, "new.example", None, 10, 300),
            (Domain, "undated-2.example", None, 0, 0),
            (Domain, "mid.example", None, 0, 200),
        ],
    );
    assert_eq!(
        sorted(&st, SortKey::LastSeen, false),
        [
            "new.example",
            "first-only.example",
            "mid.example",
            "old.example",
            "undated-1.example",
            "undated-2.example",
        ]
    );
    assert_eq!(
        sorted(&st, SortKey::LastSeen, true),
        [
            "old.example",
            "mid.example",
            "first-only.example",
            "new.example",
            "undated-1.example",
            "undated-2.example",
        ]
    );
}

#[test]
fn sources_sort_by_count_then_name() {
    use IndicatorType::*;
    let mut st = Store::new();
    // Ids in the order the sources appear; names sort otherwise.
    let zeta = st.source_id("zeta");
    let alpha = st.source_id("alpha");
    let mid = st.source_id("mid");
    st.replace_source(
        zeta,
        vec![
            sighting(plain(Domain, "z-only.example")),
            sighting(plain(Domain, "all-three.example")),
            sighting(plain(Domain, "zeta-and-alpha.example")),
        ],
    );
    st.replace_source(
        alpha,
        vec![
            sighting(plain(Domain, "a-only.example")),
            sighting(plain(Domain, "all-three.example")),
            sighting(plain(Domain, "zeta-and-alpha.example")),
            sighting(plain(Domain, "alpha-and-mid.example")),
        ],
    );
    st.replace_source(
        mid,
        vec![
            sighting(plain(Domain, "m-only.example")),
            sighting(plain(Domain, "all-three.example")),
            sighting(plain(Domain, "alpha-and-mid.example")),
        ],
    );
    assert_eq!(
        sorted(&st, SortKey::Sources, false),
        [
            "all-three.example",
            "alpha-and-mid.example",
            "zeta-and-alpha.example",
            "a-only.example",
            "m-only.example",
            "z-only.example",
        ]
    );
    assert_eq!(sorted(&st, SortKey::Sources, true)[0], "z-only.example");
}

#[test]
fn threats_sort_by_name_regardless_of_case_and_unknown_last_both_ways() {
    use IndicatorType::*;
    let st = store_of(
        "a",
        &[
            (Domain, "none-1.example", None, 0, 0),
            (Domain, "qakbot.example", Some("qakbot"), 0, 0),
            (Domain, "dridex.example", Some("Dridex"), 0, 0),
            (Domain, "emotet.example", Some("Emotet"), 0, 0),
            (Domain, "qakbot-2.example", Some("QakBot"), 0, 0),
        ],
    );
    assert_eq!(
        sorted(&st, SortKey::Threat, false),
        [
            "dridex.example",
            "emotet.example",
            "qakbot.example",
            "qakbot-2.example",
            "none-1.example",
        ]
    );
    assert_eq!(
        sorted(&st, SortKey::Threat, true),
        [
            "qakbot.example",
            "qakbot-2.example",
            "emotet.example",
            "dridex.example",
            "none-1.example",
        ]
    );
}

#[test]
fn types_and_arrival_keep_arrival_order_within_ties() {
    use IndicatorType::*;
    let st = store_of(
        "a",
        &[
            plain(Domain, "b.example"),
            plain(Ipv4, "10.0.0.2"),
            plain(Domain, "a.example"),
            plain(Ipv4, "10.0.0.1"),
        ],
    );
    assert_eq!(
        sorted(&st, SortKey::Type, false),
        ["10.0.0.2", "10.0.0.1", "b.example", "a.example"]
    );
    assert_eq!(
        sorted(&st, SortKey::Type, true),
        ["b.example", "a.example", "10.0.0.2", "10.0.0.1"]
    );
    assert_eq!(
        sorted(&st, SortKey::Arrival, true),
        ["10.0.0.1", "a.example", "10.0.0.2", "b.example"]
    );
}

#[test]
fn the_default_order_is_newest_last_seen_first() {
    assert_eq!(
        Sort::default(),
        Sort {
            key: SortKey::LastSeen,
            reverse: false
        }
    );
}

#[test]
fn rows_that_name_no_entry_go_last_and_nothing_panics() {
    let st = store_of(
        "a",
        &[
            plain(IndicatorType::Ipv4, "10.0.0.1"),
            plain(IndicatorType::Ipv4, "10.0.0.0"),
        ],
    );
    for key in [
        SortKey::Type,
        SortKey::Value,
        SortKey::Sources,
        SortKey::Threat,
        SortKey::LastSeen,
    ] {
        let mut rows = vec![99, 0, 1];
        sort(
            &st,
            &mut rows,
            Sort {
                key,
                reverse: false,
            },
        );
        assert_eq!(rows.len(), 3, "{key:?}");
        if key != SortKey::Value {
            assert_eq!(rows[2], 99, "{key:?}");
        }
    }
    let mut empty: Vec<u32> = Vec::new();
    sort(&st, &mut empty, Sort::default());
    assert!(empty.is_empty());
}

#[test]
fn many_rows_sort_on_two_threads_as_on_one() {
    let mut rng = fastrand::Rng::with_seed(7);
    // Few distinct times and some unknown, so ties between halves are decided by the row.
    let times: Vec<Option<i64>> = (0..200_000)
        .map(|_| (rng.u8(..) > 20).then(|| rng.i64(-500..500)))
        .collect();
    for descending in [false, true] {
        let mut rows: Vec<u32> = (0..times.len() as u32).rev().collect();
        super::by_seconds(&mut rows, descending, |r| times[r as usize]);
        let mut want: Vec<u32> = (0..times.len() as u32).collect();
        want.sort_by(|&a, &b| {
            super::known_first(&times[a as usize], &times[b as usize], descending).then(a.cmp(&b))
        });
        assert_eq!(rows, want, "descending: {descending}");
    }
}

#[test]
fn sorted_parts_merge_into_one_order_however_many() {
    let mut rng = fastrand::Rng::with_seed(11);
    for k in 0..7 {
        let mut all = Vec::new();
        let parts: Vec<Vec<(u64, u32)>> = (0..k)
            .map(|_| {
                let mut p: Vec<(u64, u32)> = (0..rng.usize(0..300))
                    .map(|_| (rng.u64(0..50), rng.u32(..)))
                    .collect();
                p.sort_unstable();
                all.extend_from_slice(&p);
                p
            })
            .collect();
        all.sort_unstable();
        let want: Vec<u32> = all.iter().map(|p| p.1).collect();
        assert_eq!(super::merge_rows(parts), want, "{k} parts");
    }
}

proptest::proptest! {
    /// The folded key orders as the time does: known before unknown, in either direction.
    #[test]
    fn folded_times_order_as_the_times(a in proptest::option::of(-1i64 << 40..1i64 << 40), b in proptest::option::of(-1i64 << 40..1i64 << 40), descending: bool) {
        let want = super::known_first(&a, &b, descending);
        let got = super::ordered(a, descending).cmp(&super::ordered(b, descending));
        proptest::prop_assert_eq!(got, want);
    }
}

#[test]
fn a_newer_first_sighting_of_another_source_sorts_as_the_last_seen() {
    // `a.example`: one source saw it last at 200, another first at 900; `b.example`
    // was last seen at 500. Newest first: `a` (900) before `b` (500).
    let mut st = store_of("one", &[(IndicatorType::Domain, "a.example", None, 0, 200)]);
    let two = st.source_id("two");
    st.add(
        two,
        sighting((IndicatorType::Domain, "a.example", None, 900, 0)),
    );
    st.add(
        two,
        sighting((IndicatorType::Domain, "b.example", None, 0, 500)),
    );
    assert_eq!(
        sorted(&st, SortKey::LastSeen, false),
        ["a.example", "b.example"]
    );
}
