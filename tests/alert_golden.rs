// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The alert outputs of `match`, byte for byte: `tests/fixtures/golden/alerts.jsonl`
//! (ECS) and `intel.log` (Zeek Intel) were written by the printers that worked inside
//! the scan, before alerts became data handed to sinks. The sinks must write the same
//! bytes for the same events, hostile strings and multi-indicator events included.
//! Changes since: `intel.log`'s `seen.where` holds Zeek's where-locations, not ECS field
//! names, and its URLs have no scheme, as Zeek writes them; the alerts keep the
//! connection the log names (ECS `source.port` and `destination.port`, `intel.log`'s
//! `id.orig_p`, `id.resp_p` and, from Zeek logs, `uid`).

#![allow(clippy::unwrap_used)]

mod common;

fn run(format: &str) -> Vec<u8> {
    let home = tempfile::tempdir().expect("a temporary home");
    let out = common::clean_bin(home.path())
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "match",
            "--no-warninglists",
            "--indicators",
            "tests/fixtures/golden/indicators.jsonl",
            "--format",
            format,
            "tests/fixtures/golden/eve.json",
            "tests/fixtures/logs/zeek/zeek.log",
        ])
        .output()
        .expect("match runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn golden(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/golden/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("golden file")
}

#[test]
fn ecs_alerts_are_byte_for_byte_the_golden_file() {
    let got = run("jsonl");
    assert!(
        got == golden("alerts.jsonl"),
        "{}",
        String::from_utf8_lossy(&got)
    );
}

#[test]
fn zeek_intel_rows_are_byte_for_byte_the_golden_file() {
    let got = run("zeek-intel");
    assert!(
        got == golden("intel.log"),
        "{}",
        String::from_utf8_lossy(&got)
    );
}

/// Zeek's `Intel::Where` values: `Intel::IN_ANYWHERE` (`base/frameworks/intel/main.zeek`)
/// and those of `policy/frameworks/intel/seen/where-locations.zeek`.
const ZEEK_WHERE: &[&str] = &[
    "Intel::IN_ANYWHERE",
    "Conn::IN_ORIG",
    "Conn::IN_RESP",
    "Files::IN_HASH",
    "Files::IN_NAME",
    "DNS::IN_REQUEST",
    "DNS::IN_RESPONSE",
    "HTTP::IN_HOST_HEADER",
    "HTTP::IN_REFERRER_HEADER",
    "HTTP::IN_USER_AGENT_HEADER",
    "HTTP::IN_X_FORWARDED_FOR_HEADER",
    "HTTP::IN_URL",
    "SMTP::IN_MAIL_FROM",
    "SMTP::IN_RCPT_TO",
    "SMTP::IN_FROM",
    "SMTP::IN_TO",
    "SMTP::IN_CC",
    "SMTP::IN_RECEIVED_HEADER",
    "SMTP::IN_REPLY_TO",
    "SMTP::IN_X_ORIGINATING_IP_HEADER",
    "SMTP::IN_MESSAGE",
    "SSH::IN_SERVER_HOST_KEY",
    "SSL::IN_SERVER_NAME",
    "SMTP::IN_HEADER",
    "X509::IN_CERT",
    "SMB::IN_FILE_NAME",
];

/// The header lines, columns and enums Zeek's own tools expect: `#fields` and `#types`
/// exactly as in Zeek's test baselines
/// (`testing/btest/Baseline/scripts.base.frameworks.intel.input-and-match/zeekproc.intel.log`,
/// kept in `tests/fixtures/zeek/intel-baseline-header.log`), every row as wide as
/// `#fields`, `seen.where` one of Zeek's where-locations, and URLs without a scheme.
#[test]
fn intel_log_reads_as_zeeks_own() {
    let got = String::from_utf8(run("zeek-intel")).unwrap();
    let baseline = String::from_utf8(
        std::fs::read(format!(
            "{}/tests/fixtures/zeek/intel-baseline-header.log",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap(),
    )
    .unwrap();
    for prefix in [
        "#separator",
        "#set_separator",
        "#empty_field",
        "#unset_field",
        "#path",
        "#fields",
        "#types",
    ] {
        let line = |t: &str| {
            t.lines()
                .find(|l| l.starts_with(prefix))
                .map(str::to_string)
                .unwrap_or_else(|| panic!("no {prefix} in {t}"))
        };
        assert_eq!(line(&got), line(&baseline), "{prefix}");
    }
    let columns = baseline
        .lines()
        .find(|l| l.starts_with("#fields"))
        .unwrap()
        .split('\t')
        .skip(1)
        .collect::<Vec<_>>();
    let at = |name: &str| columns.iter().position(|c| *c == name).unwrap();
    let rows: Vec<Vec<&str>> = got
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.split('\t').collect())
        .collect();
    assert!(rows.len() > 5, "{got}");
    let mut wheres = std::collections::BTreeSet::new();
    for r in &rows {
        assert_eq!(r.len(), columns.len(), "{r:?}");
        let w = r[at("seen.where")];
        assert!(ZEEK_WHERE.contains(&w), "{w} is not a Zeek where-location");
        wheres.insert(w);
        if r[at("seen.indicator_type")] == "Intel::URL" {
            assert!(!r[at("seen.indicator")].contains("://"), "{r:?}");
        }
        for c in ["id.orig_p", "id.resp_p"] {
            let p = r[at(c)];
            assert!(p == "-" || p.parse::<u16>().is_ok(), "{c}: {r:?}");
        }
    }
    // The connection as the logs name it: an eve flow's ports; a Zeek row's ports and uid.
    let conns: std::collections::BTreeSet<(&str, &str, &str)> = rows
        .iter()
        .map(|r| (r[at("uid")], r[at("id.orig_p")], r[at("id.resp_p")]))
        .collect();
    assert!(conns.contains(&("-", "50100", "8080")), "{conns:?}");
    assert!(
        conns.contains(&("CxT9aQ2bQw0nW1x3k", "53514", "53")),
        "{conns:?}"
    );
    assert!(
        conns.contains(&("-", "-", "-")),
        "an event without one: {conns:?}"
    );
    for w in [
        "Conn::IN_ORIG",
        "DNS::IN_REQUEST",
        "Files::IN_HASH",
        "HTTP::IN_URL",
    ] {
        assert!(wheres.contains(w), "{w} missing from {wheres:?}");
    }
}
