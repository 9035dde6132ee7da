// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Zeek logs in each form the ASCII writer has, through the whole scan: the ECS
//! `@timestamp` and roles of `match`, and the retro-hunt's windows. Shapes from the
//! zeek-docs "Logging framework" page and zeek `scripts/base/frameworks/logging/
//! writers/ascii.zeek` (`#separator`, the `tsv = T` filter config), `init-bare.zeek`
//! (`JSON::TS_EPOCH`, `JSON::TS_MILLIS`, `JSON::TS_ISO8601`), the zeek-kafka README
//! (`JSON::TS_MILLIS` as its default) and `Log::default_scope_sep`. Documentation
//! addresses and `.example` names only.

#![allow(clippy::unwrap_used)]

use std::path::Path;

use intellisiem::matching::matcher::NewIndicator;
use intellisiem::matching::retro::{Window, scan_window};
use intellisiem::matching::scan::{ScanStats, Settings, scan};
use intellisiem::matching::sink::{EcsSink, HitSink};
use intellisiem::matching::{LogFormat, MatchOptions, Matcher, MatcherBuilder, Warninglists};
use intellisiem::model::{IndicatorType, LogHit};

fn matcher() -> Matcher {
    let mut b = MatcherBuilder::new();
    let s = b.source("feodo");
    for (kind, v) in [
        (IndicatorType::Ipv4, "203.0.113.9"),
        (IndicatorType::Domain, "c2.bad.example"),
    ] {
        b.add(
            kind,
            v,
            NewIndicator {
                sources: &[s],
                ..Default::default()
            },
        );
    }
    b.build(&Warninglists::none(), MatchOptions::default())
}

/// The ECS alerts of `log` read with `format`.
fn ecs(log: &str, format: LogFormat) -> Vec<serde_json::Value> {
    let m = matcher();
    let mut sink = EcsSink::new(Vec::new());
    let settings = Settings {
        log: format,
        threads: 1,
        read_ahead: false,
    };
    let mut st = ScanStats::default();
    scan(&m, log.as_bytes(), "-", settings, &mut sink, &mut st).unwrap();
    String::from_utf8(sink.into_inner())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// A conn row at 2026-11-29T09:15:02.481Z from 192.0.2.10 to 203.0.113.9, in each
/// writer form; `ts` holds the time as that form writes it.
fn forms() -> Vec<(&'static str, String)> {
    let tsv_row = |sep: &str| {
        [
            "1795943702.481000",
            "Cx",
            "192.0.2.10",
            "50100",
            "203.0.113.9",
            "443",
            "tcp",
        ]
        .join(sep)
    };
    let head = |sep: &str, names: &str| {
        let names: Vec<&str> = names.split(' ').collect();
        names.join(sep)
    };
    let hash_header = |declared: &str, sep: &str| {
        format!(
            "#separator {declared}\n#set_separator{sep},\n#empty_field{sep}(empty)\n#unset_field{sep}-\n#path{sep}conn\n#fields{sep}{}\n#types{sep}{}\n",
            head(sep, "ts uid id.orig_h id.orig_p id.resp_h id.resp_p proto"),
            head(sep, "time string addr port addr port enum"),
        )
    };
    let json = |ts: &str| {
        format!(
            r#"{{"ts":{ts},"uid":"Cx","id_orig_h":"192.0.2.10","id_orig_p":50100,"id_resp_h":"203.0.113.9","id_resp_p":443,"proto":"tcp"}}"#
        ) + "\n"
    };
    vec![
        (
            "tab",
            format!("{}{}\n", hash_header("\\x09", "\t"), tsv_row("\t")),
        ),
        (
            "pipe",
            format!("{}{}\n", hash_header("\\x7c", "|"), tsv_row("|")),
        ),
        (
            "double pipe",
            format!("{}{}\n", hash_header("\\x7c\\x7c", "||"), tsv_row("||")),
        ),
        (
            "tsv=T, scope _",
            format!(
                "{}\n{}\n",
                head("\t", "ts uid id_orig_h id_orig_p id_resp_h id_resp_p proto"),
                tsv_row("\t")
            ),
        ),
        ("json epoch", json("1795943702.481")),
        ("json millis", json("1795943702481")),
        ("json iso8601", json("\"2026-11-29T09:15:02.481000Z\"")),
    ]
}

#[test]
fn every_writer_form_gives_the_event_time_and_roles() {
    for (form, log) in forms() {
        let docs = ecs(&log, LogFormat::Auto);
        assert_eq!(docs.len(), 1, "{form}: {log}");
        let d = &docs[0];
        assert_eq!(d["@timestamp"], "2026-11-29T09:15:02.481Z", "{form}");
        assert_eq!(d["event"]["module"], "zeek", "{form}");
        assert_eq!(d["source"]["ip"], "192.0.2.10", "{form}");
        assert_eq!(d["destination"]["ip"], "203.0.113.9", "{form}");
        let e = &d["threat"]["enrichments"][0];
        assert_eq!(e["matched"]["field"], "destination.ip", "{form}");
    }
}

fn retro(path: &Path, window: Window) -> Vec<LogHit> {
    let m = matcher();
    let mut got: Vec<LogHit> = Vec::new();
    let since = match window {
        Window::Since(t) => Some(t),
        Window::LastBytes(_) => None,
    };
    let mut sink = HitSink::new(true, since, "", |h| got.extend(h));
    let mut st = ScanStats::default();
    scan_window(path, window, LogFormat::Auto, &m, &mut sink, &mut st).unwrap();
    drop(sink);
    got
}

/// A retro-hunt by time keeps the events at or after the window's start, whatever
/// unit `ts` is in; a retro-hunt over the last bytes reads a `tsv = T` file's header row
/// first.
#[test]
fn retro_hunt_windows_hold_in_every_form() {
    let dir = tempfile::tempdir().unwrap();
    // 2026-11-28T09:15:02Z (a day old) and 2026-11-29T09:15:02Z.
    let json = |ts: &str| {
        format!(r#"{{"ts":{ts},"uid":"C","id.orig_h":"192.0.2.10","id.resp_h":"203.0.113.9"}}"#)
            + "\n"
    };
    let since: jiff::Timestamp = "2026-11-29T00:00:00Z".parse().unwrap();
    for (form, old, new) in [
        ("epoch", "1795857302.0", "1795943702.0"),
        ("millis", "1795857302000", "1795943702000"),
        (
            "iso8601",
            "\"2026-11-28T09:15:02.000000Z\"",
            "\"2026-11-29T09:15:02.000000Z\"",
        ),
    ] {
        let path = dir.path().join(format!("conn-{form}.json"));
        std::fs::write(&path, [json(old), json(new)].concat()).unwrap();
        let hits = retro(&path, Window::Since(since));
        let at: Vec<String> = hits.iter().map(|h| h.at.to_string()).collect();
        assert_eq!(at, ["2026-11-29T09:15:02Z"], "{form}");
    }
    let path = dir.path().join("conn.log");
    let header = "ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\n";
    let row = |ts: &str| format!("{ts}\tC\t192.0.2.10\t1\t203.0.113.9\t443\ttcp\n");
    let body = [row("1795857302.0"), row("1795943702.0")].concat();
    std::fs::write(&path, format!("{header}{body}")).unwrap();
    let last = row("1795943702.0").len() as u64;
    let hits = retro(&path, Window::LastBytes(last + 1));
    let at: Vec<String> = hits.iter().map(|h| h.at.to_string()).collect();
    assert_eq!(at, ["2026-11-29T09:15:02Z"]);
}
