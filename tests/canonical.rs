// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! One canonical form per type, everywhere: a value pasted from a report (defanged, with
//! an explicit default port, a trailing dot, in Unicode or punycode, in upper case) is
//! read by `lookup` (and by `fetch`, the filter, allowlists and exports, which share
//! `normalise`/`detect`) as the same value `match` keys on, and `match` finds it.

#![allow(clippy::unwrap_used)]

use intellisiem::matching::matcher::NewIndicator;
use intellisiem::matching::{MatchOptions, Matcher, MatcherBuilder, ValueKind, Warninglists};
use intellisiem::model::IndicatorType;
use intellisiem::model::indicator::{detect, normalise};
use proptest::prelude::*;

fn matcher(value: &str) -> Matcher {
    let mut b = MatcherBuilder::new();
    let src = b.source("test");
    let n = detect(value).unwrap_or_else(|| panic!("not an indicator: {value}"));
    b.add(
        n.kind,
        &n.value,
        NewIndicator {
            sources: &[src],
            ..Default::default()
        },
    );
    b.build(&Warninglists::none(), MatchOptions::default())
}

fn found(m: &Matcher, kind: ValueKind, logged: &str) -> bool {
    let mut out = Vec::new();
    m.lookup(kind, logged, &mut out);
    !out.is_empty()
}

/// A label of lower-case letters and digits (not all digits).
fn label() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9]{0,9}"
}

/// A canonical host name under `.example`, sometimes with an internationalised label.
fn host() -> impl Strategy<Value = (String, String)> {
    (label(), prop::bool::ANY).prop_map(|(l, idn)| {
        if idn {
            // `bücher` and its punycode.
            (
                format!("b\u{fc}cher{l}.example"),
                format!("{}.example", idna_ascii(&format!("b\u{fc}cher{l}"))),
            )
        } else {
            (format!("{l}.example"), format!("{l}.example"))
        }
    })
}

fn idna_ascii(label: &str) -> String {
    detect(&format!("{label}.example"))
        .unwrap()
        .value
        .trim_end_matches(".example")
        .to_string()
}

fn defang(s: &str) -> String {
    s.replace('.', "[.]")
        .replacen("https://", "hxxps[://]", 1)
        .replacen("http://", "hxxp://", 1)
        .replace('@', "[@]")
}

/// Every way an analyst's paste differs from the canonical form, for one value.
fn variants(written: &str, upper_ok: bool) -> Vec<String> {
    let mut v = vec![
        written.to_string(),
        defang(written),
        format!("  {written}\t"),
    ];
    if upper_ok {
        v.push(written.to_uppercase());
    }
    v
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn domains_agree(h in host(), trailing_dot in prop::bool::ANY) {
        let (unicode, ascii) = h;
        for written in [unicode.clone(), ascii.clone()] {
            let written = if trailing_dot { format!("{written}.") } else { written };
            for v in variants(&written, true) {
                let n = detect(&v).unwrap_or_else(|| panic!("{v}"));
                prop_assert_eq!(n.kind, IndicatorType::Domain);
                prop_assert_eq!(&n.value, &ascii, "lookup of {}", v);
                prop_assert!(found(&matcher(&ascii), ValueKind::Host, &n.value));
            }
            // A log line's own form (trailing dot, upper case, Unicode) finds it too.
            prop_assert!(found(&matcher(&ascii), ValueKind::Host, &written.to_uppercase()));
            prop_assert!(found(&matcher(&written), ValueKind::Host, &ascii), "a feed's form {}", written);
        }
    }

    #[test]
    fn urls_agree(
        h in host(),
        https in prop::bool::ANY,
        default_port in prop::bool::ANY,
        path in prop::option::of("[a-z0-9]{1,8}(/[a-zA-Z0-9]{1,6})?(\\?q=[A-Z0-9]{1,4})?"),
        trailing_dot in prop::bool::ANY,
    ) {
        let (unicode, ascii) = h;
        let scheme = if https { "https" } else { "http" };
        let port = match (default_port, https) {
            (false, _) => "",
            (true, true) => ":443",
            (true, false) => ":80",
        };
        let path = path.map(|p| format!("/{p}")).unwrap_or_default();
        let canonical = format!("{scheme}://{ascii}{}", if path.is_empty() { "/" } else { &path });
        let dot = if trailing_dot { "." } else { "" };
        for host in [&unicode, &ascii] {
            let written = format!("{scheme}://{host}{dot}{port}{path}");
            // Upper case only where URLs are case-insensitive: scheme and host.
            let shouted = format!("{}://{}{dot}{port}{path}", scheme.to_uppercase(), host.to_uppercase());
            let mut vs = variants(&written, false);
            vs.push(shouted);
            for v in vs {
                let n = detect(&v).unwrap_or_else(|| panic!("{v}"));
                prop_assert_eq!(n.kind, IndicatorType::Url);
                prop_assert_eq!(&n.value, &canonical, "lookup of {}", v);
                prop_assert_eq!(normalise(IndicatorType::Url, &v).unwrap().value, canonical.clone());
                prop_assert!(found(&matcher(&canonical), ValueKind::Url, &n.value));
            }
            prop_assert!(found(&matcher(&canonical), ValueKind::Url, &written), "a log's {}", written);
            prop_assert!(found(&matcher(&written), ValueKind::Url, &canonical), "a feed's {}", written);
        }
    }

    #[test]
    fn addresses_hashes_emails_and_cves_agree(
        a in 1u8..=254, b in 0u8..=255,
        hash in "[0-9a-f]{64}",
        local in "[a-z][a-z0-9.]{0,8}[a-z0-9]",
        cve in 1000u32..99999,
    ) {
        let ip = format!("198.51.{a}.{b}");
        for v in variants(&ip, false) {
            prop_assert_eq!(&detect(&v).unwrap().value, &ip);
        }
        prop_assert!(found(&matcher(&ip), ValueKind::Ip, &ip));
        let v6 = format!("2001:db8::{a:x}:{b:x}");
        for v in [v6.to_uppercase(), format!("2001:0db8:0:0:0:0:{a:x}:{b:x}")] {
            prop_assert_eq!(&detect(&v).unwrap().value, &v6);
            prop_assert!(found(&matcher(&v6), ValueKind::Ip, &v));
        }
        for v in variants(&hash, true) {
            prop_assert_eq!(&detect(&v).unwrap().value, &hash);
            prop_assert!(found(&matcher(&hash), ValueKind::Hash, &v.trim().to_lowercase()));
        }
        prop_assert!(found(&matcher(&hash), ValueKind::Hash, &hash.to_uppercase()));
        let email = format!("{local}@mail.example");
        for v in variants(&email, true) {
            prop_assert_eq!(&detect(&v).unwrap().value, &email, "{}", v);
        }
        prop_assert!(found(&matcher(&email), ValueKind::Email, &email.to_uppercase()));
        let id = format!("CVE-2026-{cve:04}");
        for v in variants(&id, false) {
            prop_assert_eq!(&detect(&v).unwrap().value, &id);
        }
        prop_assert_eq!(&detect(&id.to_lowercase()).unwrap().value, &id);
    }
}

#[test]
fn the_default_port_that_lookup_kept_is_gone() {
    let n = detect("hxxps[://]login[.]bank[.]example:443/signin").unwrap();
    assert_eq!(n.value, "https://login.bank.example/signin");
    assert_eq!(
        detect("http://a.example:8080").unwrap().value,
        "http://a.example:8080/"
    );
    assert_eq!(
        detect("http://[2001:DB8:0::1]:80/x").unwrap().value,
        "http://[2001:db8::1]/x"
    );
}
