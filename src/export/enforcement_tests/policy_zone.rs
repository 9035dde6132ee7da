// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Response policy zones: triggers in BIND's canonical form, valid names only.

use std::net::IpAddr;

use super::*;
use crate::model::IndicatorType as T;

#[test]
fn rpz_ip_triggers_follow_the_draft_and_binds_canonical_form() {
    use rpz::ip_trigger;
    let ip = |s: &str| s.parse::<IpAddr>().unwrap();
    assert_eq!(
        ip_trigger(ip("192.0.2.7"), 32).unwrap(),
        "32.7.2.0.192.rpz-ip"
    );
    assert_eq!(
        ip_trigger(ip("198.51.100.0"), 24).unwrap(),
        "24.0.100.51.198.rpz-ip"
    );
    assert_eq!(
        ip_trigger(ip("2001:db8::1"), 128).unwrap(),
        "128.1.zz.db8.2001.rpz-ip"
    );
    assert_eq!(
        ip_trigger(ip("2001:db8::"), 48).unwrap(),
        "48.zz.db8.2001.rpz-ip"
    );
    // Equal runs of zero words: the first (in the address's order) is `zz`, as BIND
    // writes 2001:db8:0:0:1:0:0:1.
    assert_eq!(
        ip_trigger(ip("2001:db8:0:0:1:0:0:1"), 128).unwrap(),
        "128.1.0.0.1.zz.db8.2001.rpz-ip"
    );
    // A single zero word is not `zz`.
    assert_eq!(
        ip_trigger(ip("2001:db8:0:1:1:1:1:1"), 128).unwrap(),
        "128.1.1.1.1.1.0.db8.2001.rpz-ip"
    );
    assert_eq!(ip_trigger(ip("::"), 1).unwrap(), "1.zz.rpz-ip");
    assert_eq!(
        ip_trigger(ip("::ffff:192.0.2.1"), 128).unwrap(),
        "32.1.2.0.192.rpz-ip"
    );
    assert_eq!(ip_trigger(ip("0.0.0.0"), 0), None);
    assert_eq!(ip_trigger(ip("::"), 0), None);
}

#[test]
fn rpz_names_are_valid_dns_names_or_cut() {
    use rpz::dns_name;
    assert_eq!(dns_name("evil.example").as_deref(), Some("evil.example"));
    assert_eq!(dns_name("Evil.Example").as_deref(), Some("evil.example"));
    assert_eq!(
        dns_name("_dmarc.evil.example").as_deref(),
        Some("_dmarc.evil.example")
    );
    assert_eq!(
        dns_name("bücher.example").as_deref(),
        Some("xn--bcher-kva.example")
    );
    for bad in [
        "",
        "a..example",
        ".example",
        "semi;colon.example",
        "two\nlines.example",
        "a\u{202e}b.example",
        "x.rpz-ip",
        "x.rpz-nsdname",
        "*.example",
        "sp ace.example",
        "paren(.example",
    ] {
        assert_eq!(dns_name(bad), None, "{bad:?}");
    }
    let label = "a".repeat(63);
    assert!(dns_name(&format!("{label}.example")).is_some());
    assert!(
        dns_name(&format!("{label}a.example")).is_none(),
        "64-character label"
    );
    let long = format!("{}.exa", ["a"; 92].join("."));
    assert_eq!(long.len(), rpz::NAME_MAX);
    assert!(dns_name(&long).is_some());
    assert!(dns_name(&format!("a{long}")).is_none());
}

#[test]
fn an_rpz_zone_has_its_soa_ns_and_a_trigger_per_name_and_address() {
    let st = store_of(&[
        (T::Domain, "evil.example", None),
        (T::Url, "http://evil.example/a", None),
        (T::Url, "https://cdn.evil.example:8443/x", None),
        (T::Url, "http://192.0.2.5/x", None),
        (T::Ipv4, "192.0.2.7", None),
        (T::Ipv6, "2001:db8::1", None),
        (T::Cidr, "198.51.100.0/24", None),
        (T::Sha1, &"a".repeat(40), None),
        (T::Domain, "bad name.example", None),
    ]);
    let now = Timestamp::from_second(1_767_225_600).unwrap();
    let (out, w) = render(&st, Format::Rpz).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines,
        [
            "; IntelliSIEM response policy zone (RPZ), written 2026-01-01T00:00:00Z",
            "; 6 indicators as 7 triggers, each answered NXDOMAIN",
            "; left out 3: 1 trigger already written (by another entry); 1 hash (a policy zone holds names and addresses); 1 domain (not a valid DNS name)",
            "$TTL 300",
            "@ SOA localhost. hostmaster.localhost. ( 1767225600 3600 600 864000 300 )",
            "@ NS localhost.",
            "evil.example CNAME .",
            "*.evil.example CNAME .",
            "cdn.evil.example CNAME .",
            "32.5.2.0.192.rpz-ip CNAME .",
            "32.7.2.0.192.rpz-ip CNAME .",
            "128.1.zz.db8.2001.rpz-ip CNAME .",
            "24.0.100.51.198.rpz-ip CNAME .",
        ]
    );
    assert_eq!(w.count, 6);
    assert_eq!(rpz::serial(now), 1_767_225_600);
}

#[test]
fn hostile_values_make_no_broken_rpz_line() {
    let (out, w) = render(&hostile_store(), Format::Rpz).unwrap();
    no_raw_controls(&out);
    let records: Vec<&str> = out
        .lines()
        .filter(|l| !l.starts_with(';') && !l.starts_with('$') && !l.starts_with('@'))
        .collect();
    for r in &records {
        let owner = r
            .strip_suffix(" CNAME .")
            .unwrap_or_else(|| panic!("{r:.80}"));
        let name = owner.strip_prefix("*.").unwrap_or(owner);
        assert!(
            name.ends_with(".rpz-ip") || rpz::dns_name(name).as_deref() == Some(name),
            "{r:.80}"
        );
    }
    assert!(
        records.contains(&"xn--bcher-kva.example CNAME ."),
        "{records:?}"
    );
    assert!(records.contains(&"128.7.zz.db8.2001.rpz-ip CNAME ."));
    assert!(
        w.left_out
            .summary()
            .unwrap()
            .contains("domain (not a valid DNS name)")
    );
}
