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
    let n = detect(&raw).expect("a URL");
    assert_eq!(normalise(n.kind, &n.value).unwrap().value, n.value);
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
