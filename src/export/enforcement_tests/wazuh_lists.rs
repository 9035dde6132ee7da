// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Wazuh CDB lists, read back as Wazuh's list compiler reads them.

use super::*;
use crate::model::IndicatorType as T;

/// How Wazuh's list compiler reads a line (`Lists_OP_MakeCDB`, wazuh 4.x): the key
/// ends at the first `:`; when a `"` comes before that `:`, the key is what lies
/// between that quote and the next; the value follows the next `:`, and when it holds
/// a `"`, it is what lies between that quote and the next. `None`: the line is skipped.
fn wazuh_reads(line: &str) -> Option<(String, String)> {
    let colon = line.find(':')?;
    let (key, rest) = match line.find('"') {
        Some(q) if colon > q => {
            let after = &line[q + 1..];
            let end = after.find('"')?;
            (&after[..end], &after[end + 1..])
        }
        _ => (&line[..colon], &line[colon..]),
    };
    let sep = rest.find(':')?;
    let mut value = &rest[sep + 1..];
    if let Some(q) = value.find('"') {
        let after = &value[q + 1..];
        value = &after[..after.find('"')?];
    }
    Some((key.to_string(), value.to_string()))
}

#[test]
fn the_model_of_wazuhs_compiler_reads_the_documented_examples() {
    assert_eq!(
        wazuh_reads("key1:value1"),
        Some(("key1".into(), "value1".into()))
    );
    assert_eq!(wazuh_reads("key2:"), Some(("key2".into(), String::new())));
    assert_eq!(
        wazuh_reads("\"a0:a0:a0:a0:a0:a0\":"),
        Some(("a0:a0:a0:a0:a0:a0".into(), String::new()))
    );
    assert_eq!(
        wazuh_reads("192.168.:"),
        Some(("192.168.".into(), String::new()))
    );
    assert_eq!(wazuh_reads("no separator"), None);
}

fn cdb(st: &Store) -> (Vec<(String, String)>, Written) {
    let (out, w) = render(st, Format::WazuhCdb).unwrap();
    let read = out
        .lines()
        .map(|l| wazuh_reads(l).unwrap_or_else(|| panic!("skipped by Wazuh: {l:.80}")))
        .collect();
    (read, w)
}

#[test]
fn wazuh_keys_follow_its_rules_for_addresses_masks_and_colons() {
    let st = store_of(&[
        (T::Ipv4, "192.0.2.1", Some("botnet_cc")),
        (T::Ipv6, "2001:db8::1", Some("Dridex")),
        (T::Cidr, "10.0.0.0/8", None),
        (T::Cidr, "172.16.0.0/16", None),
        (T::Cidr, "198.51.100.0/24", None),
        (T::Cidr, "203.0.113.7/32", None),
        (T::Cidr, "100.64.16.0/20", None),
        (T::Cidr, "192.0.2.128/30", None),
        (T::Cidr, "10.0.0.0/7", None),
        (T::Cidr, "2001:db8::/32", None),
        (T::Cidr, "2001:db8::5/128", None),
        (
            T::Url,
            "http://evil.example/a?b=c",
            Some("malware_download"),
        ),
        (T::Sha256, &"a".repeat(64), None),
    ]);
    let mut st = st;
    st.set_scores_for_test(0, |v| if v == "192.0.2.1" { 97 } else { 80 });
    let (out, w) = render(&st, Format::WazuhCdb).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    // The value: the score, then the threat when known.
    assert_eq!(lines[0], "192.0.2.1:97 botnet_cc");
    assert_eq!(lines[1], "\"2001:db8::1\":80 Dridex", "IPv6 keys quoted");
    assert_eq!(
        &lines[2..6],
        ["10.:80", "172.16.:80", "198.51.100.:80", "203.0.113.7:80"]
    );
    let expanded: Vec<String> = (16..32).map(|o| format!("100.64.{o}.:80")).collect();
    assert_eq!(&lines[6..22], expanded.as_slice(), "/20: 16 keys of /24");
    assert_eq!(
        &lines[22..26],
        [
            "192.0.2.128:80",
            "192.0.2.129:80",
            "192.0.2.130:80",
            "192.0.2.131:80"
        ]
    );
    assert_eq!(lines[26], "\"2001:db8::5\":80");
    assert_eq!(
        lines[27],
        "\"http://evil.example/a?b=c\":80 malware_download"
    );
    assert_eq!(lines.len(), 29);
    assert_eq!(w.count, 11);
    assert_eq!(
        w.left_out.summary().as_deref(),
        Some(
            "left out 2: 1 cidr (wider than /8: Wazuh masks whole octets only); 1 cidr (an IPv6 range: Wazuh lists have no IPv6 mask)"
        )
    );
    assert_eq!(
        w.notes,
        ["2 ranges written as 20 keys (Wazuh masks whole octets only)"]
    );
    // And Wazuh reads back exactly the keys meant.
    let (read, _) = cdb(&st);
    assert_eq!(read[1], ("2001:db8::1".into(), "80 Dridex".into()));
    assert_eq!(read[27].0, "http://evil.example/a?b=c");
}

#[test]
fn every_whole_octet_prefix_expands_into_keys_covering_exactly_the_range() {
    for p in 8..=32u8 {
        let net: ipnet::Ipv4Net = format!("10.200.0.0/{p}").parse().unwrap();
        let keys = wazuh_cdb::ipv4_keys(net).unwrap();
        assert!(keys.len() <= 128, "/{p}: {}", keys.len());
        // The addresses the keys match, as Wazuh's address lookup does: the address
        // itself, or a key ending in a dot that it starts with.
        let covers = |a: std::net::Ipv4Addr| {
            let s = a.to_string();
            keys.iter()
                .any(|k| *k == s || (k.ends_with('.') && s.starts_with(k.as_str())))
        };
        let first = u32::from(net.network());
        let last = u32::from(net.broadcast());
        for a in [first, last, first + (last - first) / 2] {
            assert!(
                covers(a.into()),
                "/{p} covers {}",
                std::net::Ipv4Addr::from(a)
            );
        }
        if first > 0 {
            assert!(!covers((first - 1).into()), "/{p} stops at its start");
        }
        if last < u32::MAX {
            assert!(!covers((last + 1).into()), "/{p} stops at its end");
        }
    }
    assert_eq!(wazuh_cdb::ipv4_keys("10.0.0.0/7".parse().unwrap()), None);
}

#[test]
fn hostile_values_make_no_broken_wazuh_line_and_keys_read_back_whole() {
    let st = hostile_store();
    let (read, w) = cdb(&st);
    let (out, _) = render(&st, Format::WazuhCdb).unwrap();
    no_raw_controls(&out);
    assert_eq!(
        read.len(),
        w.count,
        "one key each (the /24 is one key): {out:.400}"
    );
    let keys: Vec<&str> = read.iter().map(|(k, _)| k.as_str()).collect();
    assert!(keys.contains(&"evil.example"));
    assert!(keys.contains(&"CVE-2021-44228"));
    assert!(keys.contains(&"http://[2001:db8::7]/x"), "{keys:?}");
    assert!(!keys.iter().any(|k| k.contains('"') || k.is_empty()));
    // A threat with quotes, colons or line breaks stays in its line.
    let evil = read.iter().find(|(k, _)| k == "evil.example").unwrap();
    assert_eq!(evil.1, "80 botnet_cc");
    let nine = read.iter().find(|(k, _)| k == "192.0.2.9").unwrap();
    assert_eq!(nine.1, "80 line  break");
    assert!(
        w.left_out
            .summary()
            .unwrap()
            .contains("key with a quote or control character"),
        "{:?}",
        w.left_out
    );
}
