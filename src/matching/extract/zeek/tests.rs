// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Tests of the Zeek TSV reader.

use super::*;

const DNS: &str = "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tdns\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tquery\tanswers\n#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tvector[string]\n1795943702.481230\tCx\t192.0.2.10\t53514\t192.0.2.53\t53\tudp\tc2.bad.example\tedge.bad.example,203.0.113.66\n";

#[test]
fn tsv_is_read_by_its_header() {
    let mut t = Tsv::default();
    let mut events = Vec::new();
    for line in DNS.lines() {
        if let Some(ev) = t.extract(line.as_bytes()).unwrap() {
            events.push(
                ev.fields
                    .iter()
                    .map(|f| (f.name, f.value.to_string()))
                    .collect::<Vec<_>>(),
            );
        }
    }
    assert_eq!(events.len(), 1);
    let f = &events[0];
    assert!(f.contains(&("dns.question.name", "c2.bad.example".into())));
    assert!(f.contains(&("dns.answers.data", "203.0.113.66".into())));
    assert!(f.contains(&("destination.ip", "192.0.2.53".into())));
}

#[test]
fn row_before_header_is_skipped_and_escapes_are_undone() {
    let mut t = Tsv::default();
    assert_eq!(t.extract(b"1\t2").unwrap_err(), Skip::BadLine);
    assert_eq!(unescape("a\\x2cb\\\\c"), "a,b\\c");
}

fn fields(tsv: &mut Tsv, line: &str) -> Vec<(String, String)> {
    let ev = tsv.extract(line.as_bytes()).unwrap().unwrap();
    let mut out: Vec<(String, String)> = ev
        .fields
        .iter()
        .map(|f| (f.name.to_owned(), f.value.to_string()))
        .collect();
    if let Some(EventTime::Epoch(t)) = &ev.time {
        out.push(("ts".into(), t.to_string()));
    }
    out
}

#[test]
fn columns_after_the_last_one_used_are_not_read_but_ts_and_uri_are() {
    let mut tsv = Tsv::default();
    for h in [
        "#separator \\x09",
        "#fields\tid.resp_h\tnote\thost\tpayload\tts\turi\trest",
        "#types\taddr\tstring\tstring\tstring\ttime\tstring\tstring",
    ] {
        assert!(tsv.extract(h.as_bytes()).unwrap().is_none());
    }
    assert_eq!(tsv.header.read_upto, 6, "up to uri, not rest");
    let row = "203.0.113.9\t-\tevil.example\t(empty)\t1795943702.5\t/a\tx\ty\tz";
    assert_eq!(
        fields(&mut tsv, row),
        [
            ("destination.ip".to_owned(), "203.0.113.9".to_owned()),
            ("url.domain".into(), "evil.example".into()),
            ("url.full".into(), "http://evil.example/a".into()),
            ("ts".into(), "1795943702.5".into()),
        ]
    );
    // A short row (cut off) gives what it has.
    assert_eq!(fields(&mut tsv, "203.0.113.9").len(), 1);
}

#[test]
fn a_separator_that_is_not_ascii_splits_by_its_character() {
    let mut tsv = Tsv::default();
    for h in ["#separator \\xa7", "#fields\u{a7}ts\u{a7}id.orig_h"] {
        assert!(tsv.extract(h.as_bytes()).unwrap().is_none());
    }
    assert_eq!(
        fields(&mut tsv, "1795943702.5\u{a7}192.0.2.1"),
        [
            ("source.ip".to_owned(), "192.0.2.1".to_owned()),
            ("ts".into(), "1795943702.5".into()),
        ]
    );
}

/// (name, value) of every field of each row of `log`, read line by line.
fn rows(log: &str) -> Vec<Vec<(String, String)>> {
    let mut tsv = Tsv::default();
    log.lines()
        .filter_map(|l| tsv.extract(l.as_bytes()).unwrap())
        .map(|ev| {
            ev.fields
                .iter()
                .map(|f| (f.name.to_owned(), f.value.to_string()))
                .collect()
        })
        .collect()
}

fn has(row: &[(String, String)], name: &str, value: &str) -> bool {
    row.iter().any(|(n, v)| n == name && v == value)
}

/// The separator is whatever `#separator` declares, escaped as `\xNN` and of any
/// length (zeek-docs "Logging framework / ASCII writer"; `LogAscii::separator` is a
/// string); values written with the separator, a backslash or a control byte in them
/// come back unescaped.
#[test]
fn a_separator_of_any_length_splits_rows_and_escapes_are_undone() {
    for (declared, sep) in [
        ("\\x09", "\t"),
        ("\\x7c", "|"),
        ("\\x7c\\x7c", "||"),
        ("\\x3b\\x20", "; "),
    ] {
        let log = [
            format!("#separator {declared}"),
            format!("#set_separator{sep},"),
            format!("#empty_field{sep}(empty)"),
            format!("#unset_field{sep}-"),
            format!("#path{sep}http"),
            format!("#fields{sep}ts{sep}uid{sep}id.orig_h{sep}id.resp_h{sep}host{sep}uri"),
            format!("#types{sep}time{sep}string{sep}addr{sep}addr{sep}string{sep}string"),
            format!(
                "1795943710.000000{sep}Cz{sep}192.0.2.10{sep}198.51.100.20{sep}dl.bad.example{sep}/a\\x7cb\\x5cc\\x09d"
            ),
        ]
        .join("\n");
        let got = rows(&log);
        assert_eq!(got.len(), 1, "{declared}");
        let row = &got[0];
        assert!(has(row, "source.ip", "192.0.2.10"), "{declared}: {row:?}");
        assert!(
            has(row, "destination.ip", "198.51.100.20"),
            "{declared}: {row:?}"
        );
        assert!(
            has(row, "url.domain", "dl.bad.example"),
            "{declared}: {row:?}"
        );
        assert!(
            has(row, "url.full", "http://dl.bad.example/a|b\\c\td"),
            "{declared}: {row:?}"
        );
    }
}

/// `tsv = T` (zeek `base/frameworks/logging/writers/ascii.zeek`: "only a single header
/// row with the column names is printed out as meta information, with no `#fields`
/// prepended"): told by its column names, also with the `_` scope separator
/// (`Log::default_scope_sep = "_"`), and read again when a concatenated file repeats it.
#[test]
fn a_tsv_t_header_row_is_recognised_and_read() {
    let header = "ts\tuid\tid_orig_h\tid_orig_p\tid_resp_h\tid_resp_p\tproto\tquery\tanswers";
    let row = "1795943702.481230\tCx\t192.0.2.10\t53514\t192.0.2.53\t53\tudp\tc2.bad.example\tedge.bad.example,203.0.113.66";
    let log = format!("{header}\n{row}\n");
    assert_eq!(
        crate::matching::LogFormat::detect(log.as_bytes()),
        crate::matching::LogFormat::Zeek
    );
    let conn = "ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\n1795943703.0\tCy\t192.0.2.11\t1\t203.0.113.9\t443\ttcp";
    let got = rows(&format!("{log}{conn}\n"));
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(has(&got[0], "source.ip", "192.0.2.10"), "{:?}", got[0]);
    assert!(has(&got[0], "dns.question.name", "c2.bad.example"));
    assert!(has(&got[0], "dns.answers.data", "203.0.113.66"));
    assert!(
        has(&got[1], "destination.ip", "203.0.113.9"),
        "{:?}",
        got[1]
    );
    assert_eq!(plain_header(header), Some("\t"));
    assert_eq!(header_end(log.as_bytes()), header.len() + 1);
    // A line of words, a row and a syslog line are not header rows.
    for not in [
        "ts is the time and uid the id",
        row,
        "Nov 29 10:22:05 gw1 sshd[2211]: Failed password",
        "ts\tfoo\tbar",
    ] {
        assert_eq!(plain_header(not), None, "{not}");
    }
    // The header row is read before the rows after it, also in a block of many.
    let tsv = Tsv::default();
    let block = format!("{log}{row}\n");
    assert_eq!(tsv.header_cut(block.as_bytes()), Some(header.len() + 1));
}

/// Zeek JSON with the `_` scope separator keeps its roles; `ts` in each
/// `LogAscii::json_timestamps` form (`JSON::TS_EPOCH`, `JSON::TS_MILLIS` — zeek-kafka's
/// default — and `JSON::TS_ISO8601`, zeek `init-bare.zeek` `JSON::TimestampFormat`) is
/// the same instant.
#[test]
fn zeek_json_ts_in_every_form_is_the_same_instant() {
    use crate::matching::alert::event_time;
    let want: jiff::Timestamp = "2026-11-29T09:15:02.481Z".parse().unwrap();
    for ts in [
        "1795943702.481",
        "1795943702481",
        "\"2026-11-29T09:15:02.481000Z\"",
        "\"1795943702.481\"",
    ] {
        let line = format!(
            r#"{{"ts":{ts},"uid":"Cx","id_orig_h":"192.0.2.10","id_orig_p":53514,"id_resp_h":"192.0.2.53","id_resp_p":53,"query":"c2.bad.example"}}"#
        );
        let ev = extract_json(line.as_bytes()).unwrap();
        let got = ev.time.as_ref().and_then(event_time);
        assert_eq!(got, Some(want), "{ts}");
        let f: Vec<(&str, &str)> = ev.fields.iter().map(|f| (f.name, &*f.value)).collect();
        assert!(f.contains(&("source.ip", "192.0.2.10")), "{f:?}");
        assert!(f.contains(&("destination.ip", "192.0.2.53")), "{f:?}");
    }
}

/// A row's connection: its ports and uid, from the TSV header's columns (either scope
/// separator) and from the JSON writer's keys; a value that is no port is none.
#[test]
fn the_connection_is_read_in_every_form() {
    use crate::matching::extract::Conn;
    let want = Conn {
        source_port: Some(53514),
        destination_port: Some(53),
        uid: Some("Cx".into()),
    };
    let mut t = Tsv::default();
    let events: Vec<Conn<'static>> = DNS
        .lines()
        .filter_map(|l| t.extract(l.as_bytes()).unwrap())
        .map(|ev| ev.into_owned().conn)
        .collect();
    assert_eq!(events, std::slice::from_ref(&want));
    let mut t = Tsv::default();
    for h in [
        "#separator \\x09",
        "#fields\tts\tuid\tid_orig_h\tid_orig_p\tid_resp_p",
    ] {
        assert!(t.extract(h.as_bytes()).unwrap().is_none());
    }
    let ev = t
        .extract(b"1795943702.0\tCx\t192.0.2.10\t53514\t53")
        .unwrap()
        .unwrap();
    assert_eq!(ev.conn, want, "underscored names");
    let ev = t
        .extract(b"1795943702.0\t-\t192.0.2.10\t99999\tx")
        .unwrap()
        .unwrap();
    assert_eq!(ev.conn, Conn::default(), "no port, no uid");
    let json = r#"{"ts":1795943702.0,"uid":"Cx","id.orig_h":"192.0.2.10","id.orig_p":53514,"id.resp_p":53}"#;
    assert_eq!(extract_json(json.as_bytes()).unwrap().conn, want);
    let json = r#"{"ts":1795943702.0,"uid":"Cx","id_orig_p":"53514","id_resp_p":53}"#;
    assert_eq!(extract_json(json.as_bytes()).unwrap().conn, want);
    let json = r#"{"ts":1795943702.0,"id.orig_p":-1,"id.resp_p":70000}"#;
    assert_eq!(extract_json(json.as_bytes()).unwrap().conn, Conn::default());
}
