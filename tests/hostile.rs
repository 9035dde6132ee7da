// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Feeds that fight back: escape sequences in every text field, invalid UTF-8, 100 KB
//! values, a million-line record, deeply nested JSON, numbers where strings belong. The
//! parsers must neither panic nor hang, and nothing raw may reach a text export.

#![allow(clippy::unwrap_used)]

use std::time::Instant;

use intellisiem::export::{self, Format};
use intellisiem::model::sanitize::is_unsafe;
use intellisiem::sources::{
    ParsedBatch, cisa_kev, feodo, otx, plain_list, spamhaus_drop, threatfox, urlhaus,
};
use intellisiem::store::Store;

const ESC: &str = "\\u001b]0;PWNED\\u0007\\u001b]52;c;aGk=\\u0007\\u202e\\u200b\\u009b";

fn exports_are_clean(batch: ParsedBatch) {
    let mut store = Store::new();
    let id = store.source_id("hostile");
    store.replace_source(id, batch.sightings);
    for f in [Format::Csv, Format::Txt] {
        let mut buf = Vec::new();
        export::write(
            f,
            &store,
            store.iter().map(|(_, e)| e),
            &mut buf,
            jiff::Timestamp::UNIX_EPOCH,
        )
        .unwrap();
        let text = String::from_utf8_lossy(&buf);
        assert!(
            !text.chars().any(|c| is_unsafe(c) && c != '\n' && c != '\r'),
            "{f:?} carries a raw control: {text:?}"
        );
    }
    // JSON escapes controls itself; the JSONL line stays one line.
    let mut buf = Vec::new();
    export::write(
        Format::Jsonl,
        &store,
        store.iter().map(|(_, e)| e),
        &mut buf,
        jiff::Timestamp::UNIX_EPOCH,
    )
    .unwrap();
    assert!(!buf.contains(&0x1b));
}

#[test]
fn escape_sequences_in_every_text_field() {
    let feodo_doc = format!(
        r#"[{{"ip_address":"192.0.2.1","port":443,"status":"{ESC}","country":"{ESC}","first_seen":"{ESC}","last_online":"{ESC}","malware":"{ESC}"}}]"#
    );
    let b = feodo::parse(feodo_doc.as_bytes()).unwrap();
    assert_eq!(b.sightings.len(), 1);
    exports_are_clean(b);

    let tf = format!(
        r#"{{"1":[{{"ioc_value":"evil.example","ioc_type":"domain","threat_type":"{ESC}","malware_printable":"{ESC}","first_seen_utc":"{ESC}","confidence_level":"{ESC}","reference":"{ESC}","tags":"{ESC},x"}}]}}"#
    );
    let b = threatfox::parse_export(tf.as_bytes()).unwrap();
    assert_eq!(b.sightings.len(), 1);
    exports_are_clean(b);

    let o = format!(
        r#"{{"next":null,"results":[{{"id":"{ESC}","name":"{ESC}","modified":"{ESC}","tags":["{ESC}"],"references":["{ESC}"],"adversary":"{ESC}","indicators":[{{"indicator":"evil.example","type":"domain","created":"{ESC}"}},{{"indicator":"{ESC}","type":"URL"}}]}}]}}"#
    );
    let (b, _) = otx::parse_page(o.as_bytes()).unwrap();
    assert_eq!(b.sightings.len(), 1, "the escape-laden URL is not a URL");
    exports_are_clean(b);

    let kev = format!(
        r#"{{"vulnerabilities":[{{"cveID":"CVE-2024-0001","vendorProject":"{ESC}","product":"{ESC}","vulnerabilityName":"{ESC}","dateAdded":"{ESC}","notes":"https://x.example/{ESC}","cwes":["{ESC}"]}}]}}"#
    );
    exports_are_clean(cisa_kev::parse(kev.as_bytes()).unwrap());

    let csv_doc = "\"1\",\"2024-01-01 00:00:00\",\"http://x.example/\u{1b}]0;PWNED\u{7}\",\"online\",\"\",\"\u{1b}[31mred\",\"\u{202e},\u{200b}\",\"https://u/\u{1b}\",\"r\"\n\"2\",\"2024-01-01 00:00:00\",\"http://y.example/ok\",\"\u{9b}\",\"\",\"\u{1b}\",\"\u{7}\",\"\",\"\"\n";
    let b = urlhaus::parse_csv(csv_doc.as_bytes()).unwrap();
    assert_eq!(b.sightings.len(), 1, "a URL with raw controls is not kept");
    exports_are_clean(b);

    let list = "http://z.example/\u{1b}]0;x\u{7}\nevil\u{202e}.example\n192.0.2.9\n";
    let b = plain_list::parse(list.as_bytes(), None).unwrap();
    exports_are_clean(b);
}

#[test]
fn invalid_utf8_never_panics() {
    let mut bad = b"[{\"ip_address\":\"192.0.2.1\",\"malware\":\"".to_vec();
    bad.extend_from_slice(&[0xff, 0xfe, 0xc3, 0x28, 0xa0, 0xa1]);
    bad.extend_from_slice(b"\"}]");
    assert!(feodo::parse(&bad).is_err(), "JSON must be UTF-8");
    let mut list = b"192.0.2.1\n".to_vec();
    list.extend_from_slice(&[0xff, 0xfe, b'\n']);
    list.extend_from_slice(b"evil.example\n");
    let b = plain_list::parse(&list, None).unwrap();
    assert_eq!(b.sightings.len(), 2);
    let mut csv_doc = b"\"1\",\"2024-01-01\",\"http://a.example/".to_vec();
    csv_doc.extend_from_slice(&[0xff, 0xfe]);
    csv_doc.extend_from_slice(b"\",\"online\",\"\",\"x\",\"\",\"\",\"\"\n");
    let b = urlhaus::parse_csv(&csv_doc).unwrap();
    exports_are_clean(b);
    assert!(spamhaus_drop::parse(&[0xff, 0xfe, b'\n', b'{']).is_err());
}

#[test]
fn huge_values_are_skipped_not_kept() {
    let big = "a".repeat(100 * 1024);
    let list = format!("http://x.example/{big}\n{big}.example\n192.0.2.1\n");
    let b = plain_list::parse(list.as_bytes(), None).unwrap();
    assert_eq!(b.sightings.len(), 1);
    assert_eq!(b.skipped.total(), 2);
    let doc = format!(r#"[{{"ip_address":"192.0.2.1","malware":"{big}"}}]"#);
    let b = feodo::parse(doc.as_bytes()).unwrap();
    assert_eq!(b.sightings.len(), 1, "a long threat name is data, kept");
}

#[test]
fn a_million_line_record_is_parsed_in_bounded_time() {
    let started = Instant::now();
    let mut doc = String::from("\"1\",\"2024-01-01 00:00:00\",\"http://x.example/");
    doc.push_str(&"\n".repeat(1_000_000));
    doc.push_str("\",\"online\",\"\",\"malware_download\",\"\",\"\",\"\"\n\"2\",\"2024-01-01 00:00:00\",\"http://ok.example/\",\"online\",\"\",\"m\",\"\",\"\",\"\"\n");
    let b = urlhaus::parse_csv(doc.as_bytes()).unwrap();
    assert_eq!(b.sightings.len(), 1);
    assert_eq!(b.skipped.total(), 1);
    let lines = "\n".repeat(1_000_000) + "192.0.2.1\n";
    let b = plain_list::parse(lines.as_bytes(), None).unwrap();
    assert_eq!(b.sightings.len(), 1);
    assert!(started.elapsed().as_secs() < 30);
}

#[test]
fn deeply_nested_json_never_overflows_the_stack() {
    let depth = 100_000;
    let nested = "[".repeat(depth) + &"]".repeat(depth);
    // A nested value where a string belongs is dropped (or the document refused).
    let doc = format!(r#"[{{"ip_address":"192.0.2.1","malware":{nested}}}]"#);
    if let Ok(b) = feodo::parse(doc.as_bytes()) {
        assert_eq!(b.sightings[0].obs.threat, None);
    }
    let doc = format!(r#"{{"next":null,"results":[{{"name":{nested},"indicators":[]}}]}}"#);
    if let Ok((b, _)) = otx::parse_page(doc.as_bytes()) {
        assert!(b.sightings.is_empty());
    }
    // Where a record belongs, it is refused.
    let doc = format!(r#"{{"query_status":"ok","data":[{nested}]}}"#);
    if let Ok(Ok(b)) = threatfox::parse_api(doc.as_bytes()) {
        assert!(b.sightings.is_empty());
    }
    let doc = format!("[{nested}]");
    assert!(feodo::parse(doc.as_bytes()).map_or(true, |b| b.sightings.is_empty()));
}

#[test]
fn numbers_and_objects_where_strings_belong() {
    let doc = r#"[{"ip_address":"192.0.2.1","port":"443","status":7,"country":{"a":1},"first_seen":1710848049,"last_online":true,"malware":["x"]},
                 {"ip_address":12345,"port":[1]}]"#;
    let b = feodo::parse(doc.as_bytes()).unwrap();
    assert_eq!(b.sightings.len(), 1);
    assert_eq!(b.skipped.total(), 1);
    assert_eq!(b.sightings[0].obs.ports.as_slice(), [443]);
    assert!(
        b.sightings[0].obs.first_seen.is_some(),
        "epoch numbers are times"
    );
    let tf = r#"{"1":[{"ioc_value":"evil.example","ioc_type":"domain","confidence_level":"high","tags":42,"first_seen_utc":null}]}"#;
    let b = threatfox::parse_export(tf.as_bytes()).unwrap();
    assert_eq!(b.sightings[0].obs.confidence, None);
}
