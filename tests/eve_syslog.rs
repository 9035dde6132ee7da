// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Suricata eve records written to syslog (Suricata docs "Eve JSON Output": `filetype:
//! syslog`, identity `suricata`), as syslog daemons store them: RFC 3164 with `<PRI>`,
//! RFC 5424, rsyslog's `RSYSLOG_FileFormat` (RFC 3339 time) and
//! `RSYSLOG_TraditionalFileFormat` (no `<PRI>`; rsyslog docs "Reserved template
//! names"). Read as eve — roles kept, `event.module: suricata` — under `auto` and
//! `syslog`; a record cut short by a syslog size limit is a skipped line, never text.
//! Documentation addresses and `.example` names only.

#![allow(clippy::unwrap_used)]

use intellisiem::matching::extract::Skip;
use intellisiem::matching::matcher::NewIndicator;
use intellisiem::matching::scan::{ScanStats, Settings, scan};
use intellisiem::matching::sink::EcsSink;
use intellisiem::matching::{LogFormat, MatchOptions, Matcher, MatcherBuilder, Warninglists};
use intellisiem::model::IndicatorType;

fn matcher() -> Matcher {
    let mut b = MatcherBuilder::new();
    let s = b.source("feodo");
    for (kind, v) in [
        (IndicatorType::Ipv4, "198.51.100.7"),
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

/// The ECS output of `log` (any bytes) read as `format`, and the counts.
fn scan_bytes(log: &[u8], format: LogFormat) -> (Vec<u8>, ScanStats) {
    let mut sink = EcsSink::new(Vec::new());
    let settings = Settings {
        log: format,
        threads: 1,
        read_ahead: false,
    };
    let mut st = ScanStats::default();
    scan(&matcher(), log, "-", settings, &mut sink, &mut st).unwrap();
    (sink.into_inner(), st)
}

fn scan_all(log: &str, format: LogFormat) -> (Vec<serde_json::Value>, ScanStats) {
    let (out, st) = scan_bytes(log.as_bytes(), format);
    let docs = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (docs, st)
}

const EVE: &str = r#"{"timestamp":"2026-04-05T19:32:29.481230+0200","flow_id":1187334009112233,"in_iface":"eth0","event_type":"dns","src_ip":"192.0.2.10","src_port":53514,"dest_ip":"198.51.100.7","dest_port":53,"proto":"UDP","dns":{"version":3,"type":"request","tx_id":0,"id":4242,"queries":[{"rrname":"c2.bad.example","rrtype":"A"}]}}"#;

/// The eve record under each syslog header.
fn lines() -> Vec<String> {
    vec![
        format!("<37>Apr  5 19:32:29 sensor1 suricata[91043]: {EVE}"),
        format!("Apr  5 19:32:29 sensor1 suricata[91043]: {EVE}"),
        format!(
            "<37>1 2026-04-05T19:32:29.481230+02:00 sensor1.corp.example suricata 91043 - - {EVE}"
        ),
        format!(
            "<37>1 2026-04-05T19:32:29.481230+02:00 sensor1.corp.example suricata 91043 - - \u{feff}{EVE}"
        ),
        format!("2026-04-05T19:32:29.481230+02:00 sensor1 suricata[91043]: {EVE}"),
        format!("<37>2026-04-05T19:32:29.481230+02:00 sensor1 suricata[91043]: @cee: {EVE}"),
    ]
}

#[test]
fn eve_in_syslog_is_read_as_eve_with_its_roles() {
    for format in [LogFormat::Auto, LogFormat::Syslog] {
        for line in lines() {
            let (docs, st) = scan_all(&format!("{line}\n"), format);
            assert_eq!(docs.len(), 1, "{format:?}: {line}");
            let d = &docs[0];
            assert_eq!(d["event"]["module"], "suricata", "{format:?}: {line}");
            assert_eq!(d["@timestamp"], "2026-04-05T17:32:29.48123Z", "{line}");
            assert_eq!(d["source"]["ip"], "192.0.2.10", "{line}");
            assert_eq!(d["destination"]["ip"], "198.51.100.7", "{line}");
            assert_eq!(d["dns"]["question"]["name"], "c2.bad.example", "{line}");
            let mut matched: Vec<&str> = d["threat"]["enrichments"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["matched"]["field"].as_str().unwrap())
                .collect();
            matched.sort_unstable();
            assert_eq!(matched, ["destination.ip", "dns.question.name"], "{line}");
            assert_eq!(st.skipped, [0; 4], "{line}");
        }
    }
}

/// A record cut short after the tag (at a byte limit, also inside a character) is
/// counted as a bad line; the listed address before the cut is not read as text.
#[test]
fn a_cut_eve_record_in_syslog_is_a_bad_line() {
    let cut = &EVE[..EVE.find("\"dest_port\"").unwrap()];
    for format in [LogFormat::Auto, LogFormat::Syslog] {
        for line in lines() {
            let whole = line.replace(EVE, cut);
            let (docs, st) = scan_all(&format!("{whole}\n"), format);
            assert!(docs.is_empty(), "{format:?}: {whole}: {docs:?}");
            assert_eq!(st.skipped[Skip::BadJson.index()], 1, "{format:?}: {whole}");
        }
    }
    // Cut inside a two-byte character.
    let mut bytes =
        format!("<37>Apr  5 19:32:29 sensor1 suricata[91043]: {cut}\"note\":\"caf\u{e9}")
            .into_bytes();
    bytes.pop();
    bytes.push(b'\n');
    let (out, st) = scan_bytes(&bytes, LogFormat::Syslog);
    assert!(out.is_empty());
    assert_eq!(st.skipped[Skip::InvalidUtf8.index()], 1);
}

/// Other syslog lines are read as before: JSON that is not eve and plain messages
/// through the text extractor.
#[test]
fn other_syslog_messages_are_still_text() {
    let log = "<38>Apr  5 19:32:30 gw1 sshd[2211]: Failed password for root from 198.51.100.7 port 50122 ssh2\n\
               <38>Apr  5 19:32:31 gw1 app[7]: {\"level\":\"warn\",\"peer\":\"198.51.100.7\"}\n";
    let (docs, st) = scan_all(log, LogFormat::Auto);
    assert_eq!(docs.len(), 2);
    for d in &docs {
        assert_eq!(d["event"]["module"], "syslog");
        assert_eq!(d["related"]["ip"], "198.51.100.7");
    }
    assert_eq!(st.skipped, [0; 4]);
}

/// A message that only starts like JSON, or holds a bad byte before its end, is not a
/// cut record: it is read as text, so a line cannot hide itself behind a `{"`.
#[test]
fn a_message_that_only_starts_like_json_is_text() {
    let log = "<38>Apr  5 19:32:30 gw1 app[1]: {\"user\":\"x\"} failed from 198.51.100.7\n";
    let (docs, st) = scan_all(log, LogFormat::Syslog);
    assert_eq!(docs.len(), 1, "{st:?}");
    assert_eq!(docs[0]["related"]["ip"], "198.51.100.7");
    let bytes =
        b"<38>Apr  5 19:32:30 gw1 app[1]: {\"user\":\"\xff\"} failed from 198.51.100.7\n".to_vec();
    let (out, st) = scan_bytes(&bytes, LogFormat::Syslog);
    assert_eq!(st.skipped, [0; 4], "a bad byte mid-line is no cut");
    assert!(!out.is_empty(), "the address after it is read");
}
