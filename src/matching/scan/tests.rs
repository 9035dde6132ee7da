// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Tests of the scan: one alert per event, a pipe read line by line, the format of a
//! stream decided by its first lines.

use super::*;
use crate::matching::matcher::NewIndicator;
use crate::matching::sink::EcsSink;
use crate::matching::{MatchOptions, MatcherBuilder, Warninglists};
use crate::model::IndicatorType;

const SHA256: &str = "5e8a3c1b9d7f2a4e6c0b8d1f3a5c7e9b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a1c";
const MD5: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
const SHA1: &str = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678";

fn matcher() -> Matcher {
    let mut b = MatcherBuilder::new();
    let s = b.source("bazaar");
    for (kind, v) in [
        (IndicatorType::Sha256, SHA256),
        (IndicatorType::Md5, MD5),
        (IndicatorType::Sha1, SHA1),
        (IndicatorType::Domain, "dl.bad.example"),
        (IndicatorType::Ipv4, "203.0.113.66"),
        (IndicatorType::Url, "http://lure.example/landing?id=7"),
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

/// The ECS alerts of `log` read as `format`: (matched.atomic, matched.field) of each.
fn alerts(log: &str, format: LogFormat) -> Vec<Vec<(String, String)>> {
    let m = matcher();
    let mut sink = EcsSink::new(Vec::new());
    let settings = Settings {
        log: format,
        threads: 1,
        read_ahead: false,
    };
    let mut st = ScanStats::default();
    scan(&m, log.as_bytes(), "-", settings, &mut sink, &mut st).unwrap();
    let out = String::from_utf8(sink.into_inner()).unwrap();
    assert_eq!(st.alerts as usize, out.lines().count());
    out.lines()
        .map(|l| {
            let d: serde_json::Value = serde_json::from_str(l).unwrap();
            d["threat"]["enrichments"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| {
                    let m = &e["matched"];
                    (
                        m["atomic"].as_str().unwrap().to_owned(),
                        m["field"].as_str().unwrap().to_owned(),
                    )
                })
                .collect()
        })
        .collect()
}

fn atomics(alert: &[(String, String)]) -> Vec<&str> {
    let mut v: Vec<&str> = alert.iter().map(|(a, _)| a.as_str()).collect();
    v.sort_unstable();
    v
}

/// An event holding several listed indicators gives one alert with each of them
/// once: digests in a download path and after `label:` (shapes of antivirus and
/// sandbox syslog lines, FORMATS-LOGS.md §5), the same value in several fields of
/// a Suricata record (eve `fileinfo` and `files[]`, DNS query and answer names:
/// Suricata docs "Eve JSON Format").
#[test]
fn every_indicator_of_an_event_is_in_its_one_alert_once() {
    let mut want = vec![SHA256, MD5, SHA1, "dl.bad.example"];
    want.sort_unstable();
    let upper = SHA1.to_ascii_uppercase();
    for (format, line) in [
        (
            LogFormat::Syslog,
            format!(
                "<14>Nov 29 10:22:05 av1 scand[311]: blocked https://dl.bad.example/files/{SHA256}/x.bin md5:{MD5} SHA1:{upper} md5={MD5}"
            ),
        ),
        (
            LogFormat::Text,
            format!(
                "sample {SHA256} (MD5:{MD5}, sha1:{SHA1}) from dl.bad.example and dl.bad.example"
            ),
        ),
        (
            LogFormat::Eve,
            format!(
                r#"{{"event_type":"fileinfo","src_ip":"198.51.100.7","dest_ip":"192.0.2.10","http":{{"hostname":"dl.bad.example","url":"/x.bin"}},"fileinfo":{{"md5":"{MD5}","sha1":"{SHA1}","sha256":"{SHA256}"}},"files":[{{"md5":"{MD5}","sha256":"{SHA256}"}}],"dns":{{"queries":[{{"rrname":"dl.bad.example"}}],"answers":[{{"rrname":"dl.bad.example","rdata":"203.0.113.66"}}]}}}}"#
            ),
        ),
    ] {
        let got = alerts(&format!("{line}\n"), format);
        assert_eq!(got.len(), 1, "{format:?}: one alert");
        let mut want = want.clone();
        if format == LogFormat::Eve {
            want.push("203.0.113.66");
            want.sort_unstable();
        }
        assert_eq!(atomics(&got[0]), want, "{format:?}: {:?}", got[0]);
    }
}

/// A pipe's lines are scanned and their alerts delivered as they come: the reader
/// is asked for more only after the first line's alert went out.
#[test]
fn a_pipe_is_scanned_line_by_line_not_per_block() {
    use std::sync::{Arc, Mutex};
    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);
    impl io::Write for Shared {
        fn write(&mut self, b: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    struct Slow {
        reads: usize,
        out: Shared,
    }
    impl Read for Slow {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.reads += 1;
            let line: &[u8] = match self.reads {
                1 => b"fetch from 203.0.113.66 failed\n",
                2 => {
                    assert!(
                        !self.out.0.lock().unwrap().is_empty(),
                        "the first line's alert is out before more is read"
                    );
                    b"and dl.bad.example\n"
                }
                _ => b"",
            };
            buf[..line.len()].copy_from_slice(line);
            Ok(line.len())
        }
    }
    let out = Shared::default();
    let mut sink = EcsSink::new(out.clone());
    let mut st = ScanStats::default();
    let settings = Settings {
        log: LogFormat::Text,
        threads: 1,
        read_ahead: false,
    };
    let slow = Slow {
        reads: 0,
        out: out.clone(),
    };
    scan(&matcher(), slow, "-", settings, &mut sink, &mut st).unwrap();
    assert_eq!(st.lines, 2);
    assert_eq!(
        String::from_utf8_lossy(&out.0.lock().unwrap())
            .lines()
            .count(),
        2
    );
}

/// A pipe whose first read brings only a blank line decides nothing: the format is
/// decided by the first line that is not blank, so eve events keep their time and
/// module.
#[test]
fn a_pipe_that_starts_with_a_blank_line_is_decided_by_its_first_event() {
    struct Pipe(Vec<&'static [u8]>);
    impl Read for Pipe {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.0.is_empty() {
                return Ok(0);
            }
            let chunk = self.0.remove(0);
            buf[..chunk.len()].copy_from_slice(chunk);
            Ok(chunk.len())
        }
    }
    let pipe = Pipe(vec![
        b"\n",
        b" \r\n",
        br#"{"timestamp":"2026-11-29T10:15:02.503918+0100","event_type":"flow","src_ip":"192.0.2.10","dest_ip":"203.0.113.66"}"#,
        b"\n",
    ]);
    let mut sink = EcsSink::new(Vec::new());
    let mut st = ScanStats::default();
    let settings = Settings {
        log: LogFormat::Auto,
        threads: 1,
        read_ahead: false,
    };
    let used = scan(&matcher(), pipe, "-", settings, &mut sink, &mut st).unwrap();
    assert_eq!(used, LogFormat::Eve);
    let out = String::from_utf8(sink.into_inner()).unwrap();
    let d: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(d["event"]["module"], "suricata", "{out}");
    assert_eq!(d["@timestamp"], "2026-11-29T09:15:02.503918Z", "{out}");
    assert_eq!(st.lines, 3);
}

/// An access log's referrer is a URL: checked against URL indicators, and named
/// `http.request.referrer` (Zeek Intel's `HTTP::IN_REFERRER_HEADER`).
#[test]
fn an_access_log_referrer_is_checked_against_url_indicators() {
    let line = r#"192.0.2.44 - - [29/Nov/2026:10:20:31 +0000] "GET /index.html HTTP/1.1" 200 153 "http://lure.example/landing?id=7" "Mozilla/5.0""#;
    for format in [LogFormat::Auto, LogFormat::Combined] {
        let got = alerts(&format!("{line}\n"), format);
        assert_eq!(
            got,
            [[(
                "http://lure.example/landing?id=7".to_owned(),
                "http.request.referrer".to_owned()
            )]],
            "{format:?}"
        );
    }
    assert_eq!(
        crate::matching::sink::zeek_intel::where_of("http.request.referrer"),
        "HTTP::IN_REFERRER_HEADER"
    );
}
