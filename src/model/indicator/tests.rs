// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

use super::*;

fn norm(kind: IndicatorType, s: &str) -> String {
    normalise(kind, s)
        .map(|n| n.value)
        .unwrap_or_else(|e| panic!("{s}: {e}"))
}

#[test]
fn refang_undoes_common_defanging() {
    assert_eq!(
        refang("hxxp://evil[.]example(.)com/a"),
        "http://evil.example.com/a"
    );
    assert_eq!(refang("hXXps://x[dot]y"), "https://x.y");
    assert_eq!(refang("1.2.3[.]4"), "1.2.3.4");
    assert_eq!(refang("bob[@]mail[.]example"), "bob@mail.example");
    assert_eq!(refang("x[DOT]y[At]z"), "x.y@z");
    assert_eq!(refang("  plain.example  "), "plain.example");
}

#[test]
fn refang_is_idempotent() {
    for s in [
        "hxxp://a[.]b",
        "x(.)y",
        "http://a.b/[c]",
        "hxxps[://]q[.]r",
        "[[.]]",
        "a[[[.].].]b",
        "(d[dot]ot)",
    ] {
        let once = refang(s);
        assert_eq!(refang(&once), once, "{s}");
    }
}

#[test]
fn domains_lowercase_and_lose_trailing_dot() {
    assert_eq!(norm(IndicatorType::Domain, "Evil.Example."), "evil.example");
    assert!(normalise(IndicatorType::Domain, "nodot").is_err());
    assert!(normalise(IndicatorType::Domain, "bad domain.example").is_err());
    assert!(normalise(IndicatorType::Domain, "a..b").is_err());
}

#[test]
fn ips_are_canonical_and_ports_split() {
    assert_eq!(norm(IndicatorType::Ipv6, "2001:DB8:0:0::1"), "2001:db8::1");
    let n = normalise(IndicatorType::Ipv4, "94.228.166.168:56003").unwrap();
    assert_eq!((n.value.as_str(), n.port), ("94.228.166.168", Some(56003)));
    let n = normalise(IndicatorType::Ipv6, "[2001:db8::1]:443").unwrap();
    assert_eq!((n.value.as_str(), n.port), ("2001:db8::1", Some(443)));
    assert!(normalise(IndicatorType::Ipv4, "2001:db8::1").is_err());
    assert!(normalise(IndicatorType::Ipv4, "1.2.3.4:99999").is_err());
    assert!(normalise(IndicatorType::Ipv4, "300.1.1.1").is_err());
    assert_eq!(norm(IndicatorType::Ipv4, "::ffff:1.2.3.4"), "1.2.3.4");
}

#[test]
fn hashes_cves_and_cidrs() {
    let md5 = "44D88612FEA8A8F36DE82E1278ABB02F";
    assert_eq!(norm(IndicatorType::Md5, md5), md5.to_ascii_lowercase());
    assert!(normalise(IndicatorType::Sha1, md5).is_err());
    assert!(normalise(IndicatorType::Md5, "zz".repeat(16).as_str()).is_err());
    assert_eq!(norm(IndicatorType::Cve, "cve-2021-44228"), "CVE-2021-44228");
    assert!(normalise(IndicatorType::Cve, "CVE-21-1").is_err());
    assert_eq!(norm(IndicatorType::Cidr, "1.10.16.0/20"), "1.10.16.0/20");
    assert!(normalise(IndicatorType::Cidr, "1.10.16.0/40").is_err());
}

#[test]
fn urls_keep_path_case_but_lowercase_host() {
    assert_eq!(
        norm(IndicatorType::Url, "HXXP://Evil[.]Example:8080/Mozi.M?x=Y"),
        "http://evil.example:8080/Mozi.M?x=Y"
    );
    assert!(normalise(IndicatorType::Url, "not a url").is_err());
    assert!(normalise(IndicatorType::Url, "http://").is_err());
}

#[test]
fn detect_guesses_types() {
    let cases = [
        ("1.2.3.4", IndicatorType::Ipv4),
        ("2001:db8::1", IndicatorType::Ipv6),
        ("10.0.0.0/8", IndicatorType::Cidr),
        ("evil.example", IndicatorType::Domain),
        ("https://x.example/a", IndicatorType::Url),
        ("44d88612fea8a8f36de82e1278abb02f", IndicatorType::Md5),
        ("CVE-2024-3400", IndicatorType::Cve),
        ("a@b.example", IndicatorType::Email),
        ("1.2.3.4:8080", IndicatorType::Ipv4),
    ];
    for (s, kind) in cases {
        assert_eq!(detect(s).map(|n| n.kind), Some(kind), "{s}");
    }
    assert_eq!(detect("just words"), None);
    assert_eq!(detect(""), None);
}

#[test]
fn normalise_is_idempotent() {
    for (kind, s) in [
        (IndicatorType::Url, "hxxp://A[.]b/C"),
        (IndicatorType::Domain, "X.Y."),
        (IndicatorType::Ipv6, "2001:DB8::0001"),
    ] {
        let once = norm(kind, s);
        assert_eq!(norm(kind, &once), once);
    }
}

#[test]
fn fuzz_found_refang_after_lowercasing() {
    // A host with `[At]`: lowercasing must not leave a pattern for a second pass.
    let raw = String::from_utf8_lossy(&[
        104, 120, 120, 112, 58, 47, 47, 101, 118, 46, 57, 101, 120, 225, 91, 151, 91, 194, 162,
        151, 104, 91, 65, 116, 93, 135, 97, 116, 95, 109, 158, 194, 162, 135, 112, 93, 158, 208,
        48, 91, 97,
    ])
    .into_owned();
    // The host is not a valid name (IDNA refuses it); whatever is made of it is a fixed point.
    if let Some(n) = detect(&raw) {
        assert_eq!(normalise(n.kind, &n.value).unwrap().value, n.value);
    }
}

#[test]
fn observations_stay_compact() {
    // The store holds one per source per indicator; growing this costs megabytes.
    assert!(std::mem::size_of::<Observation>() <= 72);
}

#[test]
fn observations_absorb_each_other() {
    let t1 = Secs::from_second(100).unwrap();
    let t2 = Secs::from_second(200).unwrap();
    let mut a = Observation {
        first_seen: Some(t2),
        ports: vec![443].into(),
        tags: vec![Arc::from("a")].into(),
        ..Default::default()
    };
    a.absorb(Observation {
        first_seen: Some(t1),
        last_seen: Some(t2),
        threat: Some(Arc::from("Dridex")),
        ports: vec![80, 443].into(),
        tags: vec![Arc::from("a"), Arc::from("b")].into(),
        confidence: Some(50),
        ..Default::default()
    });
    assert_eq!(a.first_seen, Some(t1));
    assert_eq!(a.last_seen, Some(t2));
    assert_eq!(a.ports.as_slice(), [80, 443]);
    assert_eq!(a.tags.len(), 2);
    assert_eq!(a.threat.as_deref(), Some("Dridex"));
    assert_eq!(a.confidence, Some(50));
}

/// Every written form of an address: (input, type, canonical value, port).
const ADDRESS_FORMS: &[(&str, IndicatorType, &str, Option<u16>)] = &[
    ("192.0.2.7", IndicatorType::Ipv4, "192.0.2.7", None),
    (
        "192.0.2.7:8080",
        IndicatorType::Ipv4,
        "192.0.2.7",
        Some(8080),
    ),
    ("[2001:db8::5]", IndicatorType::Ipv6, "2001:db8::5", None),
    (
        "[2001:DB8::5]:443",
        IndicatorType::Ipv6,
        "2001:db8::5",
        Some(443),
    ),
    ("2001:db8:0:0::5", IndicatorType::Ipv6, "2001:db8::5", None),
    ("fe80::1%eth0", IndicatorType::Ipv6, "fe80::1", None),
    ("[fe80::1%25]:22", IndicatorType::Ipv6, "fe80::1", Some(22)),
    (
        "::ffff:198.51.100.4",
        IndicatorType::Ipv4,
        "198.51.100.4",
        None,
    ),
    (
        "[::ffff:198.51.100.4]:53",
        IndicatorType::Ipv4,
        "198.51.100.4",
        Some(53),
    ),
    (
        "\u{feff}203.0.113.9\r",
        IndicatorType::Ipv4,
        "203.0.113.9",
        None,
    ),
    ("  203.0.113.9\t", IndicatorType::Ipv4, "203.0.113.9", None),
];

#[test]
fn every_written_form_of_an_address_normalises_and_is_detected() {
    for &(input, kind, value, port) in ADDRESS_FORMS {
        let n = normalise(kind, input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
        assert_eq!(
            (n.kind, n.value.as_str(), n.port),
            (kind, value, port),
            "{input:?}"
        );
        let d = detect(input).unwrap_or_else(|| panic!("detect {input:?}"));
        assert_eq!(
            (d.kind, d.value.as_str(), d.port),
            (kind, value, port),
            "{input:?}"
        );
        let p = normalise_ip_port(input).unwrap_or_else(|e| panic!("ip:port {input:?}: {e}"));
        assert_eq!(
            (p.kind, p.value.as_str(), p.port),
            (kind, value, port),
            "{input:?}"
        );
    }
    for bad in [
        "[2001:db8::5",
        "[2001:db8::5]x",
        "192.0.2.7:0",
        "fe80::1%",
        "[zz]:1",
    ] {
        assert!(
            detect(bad).is_none_or(|n| n.kind != IndicatorType::Ipv6),
            "{bad:?}"
        );
        assert!(normalise(IndicatorType::Ipv6, bad).is_err(), "{bad:?}");
    }
}

#[test]
fn a_declared_ip_port_takes_the_port_after_the_last_colon() {
    for (input, value, port) in [
        ("2001:db8:1::5:443", "2001:db8:1::5", Some(443)),
        ("2001:db8:1::5:40669", "2001:db8:1::5", Some(40669)),
        ("2001:db8::1", "2001:db8::1", None),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2:3:4:5:6", None),
        ("[2001:db8::1]:8443", "2001:db8::1", Some(8443)),
        ("192.0.2.10:56003", "192.0.2.10", Some(56003)),
    ] {
        let n = normalise_ip_port(input).unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!((n.value.as_str(), n.port), (value, port), "{input}");
    }
    // Undeclared, a bare `v6:port` is an IPv6 address: the text cannot say otherwise.
    assert_eq!(
        detect("2001:db8:1::5:443").unwrap().value,
        "2001:db8:1::5:443"
    );
    assert!(normalise_ip_port("2001:db8::5:99999").is_err());
}

#[test]
fn networks_with_host_bits_set_are_truncated_so_equal_networks_merge() {
    for (input, value) in [
        ("10.0.0.5/24", "10.0.0.0/24"),
        ("198.51.100.77/25", "198.51.100.0/25"),
        ("192.0.2.1/32", "192.0.2.1/32"),
        ("2001:db8::1/32", "2001:db8::/32"),
        ("2001:DB8:abcd::7/48", "2001:db8:abcd::/48"),
        ("\u{feff}203.0.113.9/30 ", "203.0.113.8/30"),
    ] {
        assert_eq!(norm(IndicatorType::Cidr, input), value, "{input}");
        assert_eq!(
            detect(input).map(|n| n.value).as_deref(),
            Some(value),
            "{input}"
        );
    }
    for bad in [
        "10.0.0.0/33",
        "10.0.0.0/",
        "10.0.0.0/+8",
        "2001:db8::/129",
        "x/8",
    ] {
        assert!(normalise(IndicatorType::Cidr, bad).is_err(), "{bad}");
    }
}

#[test]
fn internationalised_names_have_one_ascii_key_and_show_in_unicode() {
    for (kind, input, key) in [
        (
            IndicatorType::Domain,
            "bücher.example",
            "xn--bcher-kva.example",
        ),
        (
            IndicatorType::Domain,
            "BÜCHER.example.",
            "xn--bcher-kva.example",
        ),
        (
            IndicatorType::Domain,
            "xn--bcher-kva.example",
            "xn--bcher-kva.example",
        ),
        (
            IndicatorType::Domain,
            "XN--BCHER-KVA.EXAMPLE",
            "xn--bcher-kva.example",
        ),
        (
            IndicatorType::Url,
            "https://Bücher.example:8443/Pfad#frag",
            "https://xn--bcher-kva.example:8443/Pfad#frag",
        ),
        (
            IndicatorType::Email,
            "info@bücher.example",
            "info@xn--bcher-kva.example",
        ),
    ] {
        let n = normalise(kind, input).unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(n.value, key, "{input}");
        let shown = display_value(kind, &n.value);
        assert!(shown.contains("bücher.example"), "{shown}");
    }
    assert_eq!(
        display_value(IndicatorType::Url, "https://xn--bcher-kva.example:8443/a"),
        "https://bücher.example:8443/a"
    );
    assert!(matches!(
        display_value(IndicatorType::Domain, "plain.example"),
        std::borrow::Cow::Borrowed(_)
    ));
    assert!(normalise(IndicatorType::Domain, "xn--zz--.example").is_err());
}

#[test]
fn urls_keep_fragments_and_semicolons_whole() {
    for url in [
        "http://198.51.100.9/a#frag",
        "http://files.example/x;jsessionid=1?q=a;b#top",
    ] {
        assert_eq!(norm(IndicatorType::Url, url), url);
        assert_eq!(detect(url).map(|n| n.value).as_deref(), Some(url));
    }
}

#[test]
fn the_plain_value_shortcuts_agree_with_the_full_path() {
    for v in [
        "192.0.2.1",
        "01.2.3.4",
        "1.2.3.256",
        "1.2.3",
        "1.2.3.4.",
        "0.0.0.0",
        "255.255.255.255",
        "1.2.3.04",
        "HXXP://a.example",
        "hxxps://a.example",
        "a[.]example",
        "x(dot)y.example",
        " 192.0.2.1",
        "Evil.Example",
        "::ffff:192.0.2.1",
        "",
        "\u{feff}192.0.2.1",
    ] {
        for kind in IndicatorType::ALL {
            assert_eq!(prepare(kind, v), prepare_general(kind, v), "{kind} {v:?}");
        }
        if is_plain_ipv4(v) {
            assert_eq!(
                forms::normalise_ip(v).map(|n| n.value),
                Ok(v.to_owned()),
                "{v}"
            );
        }
    }
    assert!(is_plain_ipv4("198.51.100.255"));
    assert!(!is_plain_ipv4("198.51.100.09"));
    assert!(is_plain_text("evil.example"));
    assert!(!is_plain_text("evil[.]example"));
}

mod plain_props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2048))]
        #[test]
        fn prepare_takes_the_same_path_for_any_text(v in "[ -~\u{a0}\u{feff}]{0,24}") {
            for kind in IndicatorType::ALL {
                prop_assert_eq!(prepare(kind, &v), prepare_general(kind, &v));
            }
        }

        #[test]
        fn a_plain_ipv4_prints_back_as_itself(v in "[0-9]{1,4}\\.[0-9]{1,4}\\.[0-9]{1,4}\\.[0-9]{1,4}") {
            if is_plain_ipv4(&v) {
                prop_assert_eq!(forms::normalise_ip(&v).map(|n| n.value), Ok(v.clone()));
            } else {
                // Exact: any other dotted quad is refused or printed differently.
                prop_assert_ne!(forms::normalise_ip(&v).map(|n| n.value), Ok(v.clone()));
            }
        }
    }
}
