// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The matching semantics, one row each, and properties of the generic text extractor.

#![allow(clippy::unwrap_used)]

use intellisiem::matching::extract::text;
use intellisiem::matching::matcher::NewIndicator;
use intellisiem::matching::{MatchOptions, Matcher, MatcherBuilder, ValueKind, Warninglists};
use intellisiem::model::indicator::detect;
use proptest::prelude::*;

fn matcher(values: &[&str], options: MatchOptions, lists: &Warninglists) -> Matcher {
    let mut b = MatcherBuilder::new();
    let src = b.source("test");
    for v in values {
        let n = detect(v).unwrap_or_else(|| panic!("not an indicator: {v}"));
        b.add(
            n.kind,
            &n.value,
            NewIndicator {
                sources: &[src],
                ..Default::default()
            },
        );
    }
    b.build(lists, options)
}

/// (indicator name, atomic) of every hit.
fn hits(m: &Matcher, kind: ValueKind, value: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    m.lookup(kind, value, &mut out);
    out.iter()
        .map(|h| (m.meta(h.meta).unwrap().name.to_string(), h.atomic.clone()))
        .collect()
}

fn pair(a: &str, b: &str) -> (String, String) {
    (a.to_owned(), b.to_owned())
}

/// What, which matcher, kind, logged value, expected (indicator, atomic) pairs.
type Row<'a> = (
    &'a str,
    &'a Matcher,
    ValueKind,
    &'a str,
    Vec<(String, String)>,
);

#[test]
fn the_semantics_table() {
    let none = Warninglists::none();
    let set = [
        "198.51.100.7",
        "198.51.100.0/24",
        "198.51.0.0/16",
        "2001:db8::/32",
        "2001:db8:1::/48",
        "evil.example",
        "http://dl.bad.example/stage2/payload.bin",
        "xn--bcher-kva.example",
        "münchen.example",
        &"ab".repeat(32),
        "phish@bad.example",
    ];
    let m = matcher(&set, MatchOptions::default(), &none);
    let sub = matcher(&set, MatchOptions { subdomains: true }, &none);
    use ValueKind::*;
    let upper = "AB".repeat(32);
    let rows: Vec<Row<'_>> = vec![
        (
            "exact IP and every covering v4 CIDR",
            &m,
            Ip,
            "198.51.100.7",
            vec![
                pair("198.51.100.7", "198.51.100.7"),
                pair("198.51.0.0/16", "198.51.100.7"),
                pair("198.51.100.0/24", "198.51.100.7"),
            ],
        ),
        (
            "covering v6 CIDRs, expanded form",
            &m,
            Ip,
            "2001:0db8:0001:0000:0000:0000:0000:0005",
            vec![
                pair("2001:db8::/32", "2001:db8:1::5"),
                pair("2001:db8:1::/48", "2001:db8:1::5"),
            ],
        ),
        ("no range covers", &m, Ip, "192.0.2.1", vec![]),
        ("label boundary", &m, Host, "notevil.example", vec![]),
        (
            "exact domain, any case, trailing dot",
            &m,
            Host,
            "Evil.Example.",
            vec![pair("evil.example", "evil.example")],
        ),
        ("subdomain off", &m, Host, "a.b.evil.example", vec![]),
        (
            "subdomain on",
            &sub,
            Host,
            "a.b.evil.example",
            vec![pair("evil.example", "a.b.evil.example")],
        ),
        (
            "URL normalised",
            &m,
            Url,
            "HTTP://DL.Bad.Example:80/stage2/payload.bin",
            vec![pair(
                "http://dl.bad.example/stage2/payload.bin",
                "http://dl.bad.example/stage2/payload.bin",
            )],
        ),
        (
            "URL path is case sensitive",
            &m,
            Url,
            "http://dl.bad.example/STAGE2/payload.bin",
            vec![],
        ),
        (
            "URL host checked as a domain",
            &m,
            Url,
            "https://evil.example/login",
            vec![pair("evil.example", "evil.example")],
        ),
        (
            "URL host checked as an address",
            &m,
            Url,
            "http://198.51.100.7:8080/x",
            vec![
                pair("198.51.100.7", "198.51.100.7"),
                pair("198.51.0.0/16", "198.51.100.7"),
                pair("198.51.100.0/24", "198.51.100.7"),
            ],
        ),
        (
            "IDN: Unicode in the log, punycode listed",
            &m,
            Host,
            "bücher.example",
            vec![pair("xn--bcher-kva.example", "xn--bcher-kva.example")],
        ),
        (
            "IDN: punycode in the log, Unicode listed",
            &m,
            Host,
            "xn--mnchen-3ya.example",
            vec![pair("xn--mnchen-3ya.example", "xn--mnchen-3ya.example")],
        ),
        (
            "hash in upper case",
            &m,
            Hash,
            &upper,
            vec![pair(&"ab".repeat(32), &"ab".repeat(32))],
        ),
        (
            "e-mail with display name, any case",
            &m,
            Email,
            "\"Billing\" <Phish@Bad.EXAMPLE>",
            vec![pair("phish@bad.example", "phish@bad.example")],
        ),
        (
            "a host slot holding an address",
            &m,
            Host,
            "198.51.100.7:443",
            vec![
                pair("198.51.100.7", "198.51.100.7"),
                pair("198.51.0.0/16", "198.51.100.7"),
                pair("198.51.100.0/24", "198.51.100.7"),
            ],
        ),
    ];
    for (what, m, kind, value, want) in rows {
        let mut got = hits(m, kind, value);
        let mut want = want;
        got.sort();
        want.sort();
        assert_eq!(got, want, "{what}: {value}");
    }
}

#[test]
fn refanged_text_matches() {
    let m = matcher(
        &["http://dl.bad.example/stage2/payload.bin", "c2.bad.example"],
        MatchOptions::default(),
        &Warninglists::none(),
    );
    let mut found = Vec::new();
    for v in
        text::values("beacon hxxp://dl[.]bad[.]example/stage2/payload.bin and c2[.]bad[.]example")
    {
        found.extend(hits(&m, ValueKind::Any, &v));
    }
    assert_eq!(found.len(), 2, "{found:?}");
}

#[test]
fn warninglisted_indicators_are_never_alerted_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let lists = dir.path().join("lists");
    std::fs::create_dir_all(lists.join("cdn")).unwrap();
    std::fs::create_dir_all(lists.join("dns")).unwrap();
    std::fs::write(
        lists.join("cdn/list.json"),
        r#"{"name":"CDN hosts","version":1,"description":"d","type":"hostname","list":[".cdn.io"],"matching_attributes":["domain","hostname","url"]}"#,
    )
    .unwrap();
    std::fs::write(
        lists.join("dns/list.json"),
        r#"{"name":"Public resolvers","version":1,"description":"d","type":"cidr","list":["9.9.9.0/24","149.112.112.112"]}"#,
    )
    .unwrap();
    let wl = Warninglists::load(&[lists]).unwrap();
    let set = [
        "192.0.2.7",
        "evil.example",
        "a.cdn.io",
        "9.9.9.9",
        "149.112.112.112",
        "93.184.0.1",
        "bad.io",
    ];
    let m = matcher(&set, MatchOptions::default(), &wl);
    assert!(hits(&m, ValueKind::Ip, "192.0.2.7").is_empty());
    assert!(hits(&m, ValueKind::Host, "a.cdn.io").is_empty());
    assert!(hits(&m, ValueKind::Ip, "9.9.9.9").is_empty());
    assert_eq!(hits(&m, ValueKind::Ip, "93.184.0.1").len(), 1);
    assert_eq!(hits(&m, ValueKind::Host, "bad.io").len(), 1);
    let names: Vec<&str> = wl.names().collect();
    let counts: Vec<(&str, usize)> = names
        .into_iter()
        .zip(m.suppressed().iter().copied())
        .collect();
    assert_eq!(counts[0].1, 2, "{counts:?}");
    assert_eq!(counts[1], ("CDN hosts", 1));
    assert_eq!(counts[2], ("Public resolvers", 2));
    // Without lists, all of them are indexed.
    assert_eq!(
        matcher(&set, MatchOptions::default(), &Warninglists::none()).len(),
        set.len()
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn text_extractor_never_panics_and_returns_only_what_is_there(
        s in "(\\PC|[ .:/@\\[\\]()a-f0-9]|hxxp|\\[\\.\\]|://){0,80}"
    ) {
        let refanged = text::refang_text(&s);
        for v in text::values(&s) {
            prop_assert!(refanged.contains(v.as_str()), "{v:?} not in {refanged:?}");
        }
    }

    #[test]
    fn text_extractor_survives_any_bytes(b in proptest::collection::vec(any::<u8>(), 0..300)) {
        let s = String::from_utf8_lossy(&b);
        let refanged = text::refang_text(&s);
        for v in text::values(&s) {
            prop_assert!(refanged.contains(v.as_str()));
        }
    }
}

/// A Zeek log followed from its end (as the dashboard does): the header above the rows
/// already there is still read, so a row appended later parses and matches, whether
/// the format is given or decided by `auto`, and whether the header is `#` lines or
/// the `tsv = T` row of names.
#[test]
fn a_zeek_log_followed_from_its_end_still_reads_its_header() {
    use intellisiem::matching::LogFormat;
    use intellisiem::matching::follow::{Start, follow_from};
    use intellisiem::matching::scan::{ScanStats, Settings};
    use intellisiem::matching::sink::EcsSink;
    use std::io::Write;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};

    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);
    impl Write for Shared {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    // The `#` header, and the `tsv = T` form's one row of names (zeek
    // `base/frameworks/logging/writers/ascii.zeek`).
    let hash_header = "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tconn\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\n#types\ttime\tstring\taddr\tport\taddr\tport\tenum\n";
    let plain_header = "ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\n";
    for (log, header) in [
        (LogFormat::Zeek, hash_header),
        (LogFormat::Auto, hash_header),
        (LogFormat::Zeek, plain_header),
        (LogFormat::Auto, plain_header),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("conn.log");
        let row = |ip: &str| format!("1795943702.481230\tCx1\t192.0.2.10\t53514\t{ip}\t443\ttcp\n");
        std::fs::write(&path, format!("{header}{}", row("203.0.113.9"))).unwrap();
        let m = Arc::new(matcher(
            &["203.0.113.66", "203.0.113.9"],
            MatchOptions::default(),
            &Warninglists::none(),
        ));
        let out = Shared::default();
        let stop = Arc::new(AtomicBool::new(false));
        let runner = {
            let (paths, out, stop, m) = (vec![path.clone()], out.clone(), stop.clone(), m.clone());
            std::thread::spawn(move || {
                let mut out = EcsSink::new(out);
                let mut stats = ScanStats::default();
                let settings = Settings {
                    log,
                    threads: 1,
                    read_ahead: false,
                };
                follow_from(
                    &paths,
                    Start::End,
                    settings,
                    m,
                    || None,
                    &mut |_, _| {},
                    &mut out,
                    &mut stats,
                    &stop,
                )
            })
        };
        std::thread::sleep(Duration::from_millis(500));
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        f.write_all(row("203.0.113.66").as_bytes()).unwrap();
        drop(f);
        let deadline = Instant::now() + Duration::from_secs(10);
        let text = loop {
            let text = String::from_utf8_lossy(&out.0.lock().unwrap()).into_owned();
            if text.contains("203.0.113.66") || Instant::now() > deadline {
                break text;
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        stop.store(true, Ordering::Relaxed);
        let _ = runner.join();
        assert!(
            text.contains("203.0.113.66"),
            "{log:?}: the appended row matched: {text}"
        );
        assert!(
            !text.contains("203.0.113.9\""),
            "{log:?}: the row already there is the past: {text}"
        );
    }
}

/// A Zeek log of several blocks whose header changes mid-block (columns reordered, a
/// new separator), scanned on one and on two threads from a reader that hands out a
/// few bytes at a time: the same alerts, at the same offsets, and every row counted.
#[test]
fn a_zeek_log_over_many_blocks_with_a_new_header_mid_block_scans_alike_on_any_threads() {
    use intellisiem::matching::LogFormat;
    use intellisiem::matching::scan::{self, ScanStats, Settings};
    use intellisiem::matching::sink::EcsSink;
    use std::io::Read;

    struct Trickle<'a>(&'a [u8]);
    impl Read for Trickle<'_> {
        fn read(&mut self, b: &mut [u8]) -> std::io::Result<usize> {
            let n = b.len().min(self.0.len()).min(65_521);
            b[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    let first = "#separator \\x09\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\n#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\n";
    let second =
        "#separator \\x7c\n#fields|id.resp_h|ts|uid|id.orig_h\n#types|addr|time|string|addr\n";
    let mut log = String::from(first);
    let mut want = Vec::new();
    let rows = 160_000;
    for i in 0..rows {
        if i == 90_000 {
            log.push_str(second);
        }
        let hit = i % 9_973 == 0;
        let resp = if hit { "203.0.113.9" } else { "198.51.100.1" };
        if hit {
            want.push(log.len() as u64);
        }
        if i < 90_000 {
            log.push_str(&format!(
                "1795943702.{i:06}\tC{i}\t192.0.2.10\t53514\t{resp}\t443\ttcp\t-\t0.5\n"
            ));
        } else {
            log.push_str(&format!("{resp}|1795943702.{i:06}|C{i}|192.0.2.10\n"));
        }
    }
    assert!(log.len() > 2 * scan::BLOCK, "several blocks: {}", log.len());
    let m = matcher(
        &["203.0.113.9"],
        MatchOptions::default(),
        &Warninglists::none(),
    );
    for (threads, read_ahead) in [(1, false), (2, true), (2, false)] {
        let mut out = EcsSink::new(Vec::new());
        let mut st = ScanStats::default();
        let settings = Settings {
            log: LogFormat::Auto,
            threads,
            read_ahead,
        };
        let used = scan::scan(
            &m,
            Trickle(log.as_bytes()),
            "conn.log",
            settings,
            &mut out,
            &mut st,
        )
        .unwrap();
        assert_eq!(used, LogFormat::Zeek);
        assert_eq!(st.events, rows as u64, "{threads} thread(s)");
        assert_eq!(st.bytes, log.len() as u64);
        assert_eq!(st.skipped, [0; 4]);
        let offsets: Vec<u64> = String::from_utf8(out.into_inner())
            .unwrap()
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                assert_eq!(v["destination"]["ip"], "203.0.113.9", "{l}");
                v["log"]["offset"].as_u64().unwrap()
            })
            .collect();
        assert_eq!(offsets, want, "{threads} thread(s)");
    }
}
