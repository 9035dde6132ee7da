// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Every written form of an address, a network and a domain name, through every parser
//! that can meet it, in each feed's real wire format: the same canonical key comes out.

#![allow(clippy::unwrap_used)]

use intellisiem::model::{IndicatorType, Sighting};
use intellisiem::sources::{
    ParsedBatch, feodo, otx, plain_list, spamhaus_drop, sslbl, threatfox, urlhaus,
};
use serde_json::json;

use IndicatorType::{Cidr, Domain, Ipv4, Ipv6, Url};

/// `(written, type, key, port)`: address forms without a port, as any field may hold.
const BARE_ADDRESSES: &[(&str, IndicatorType, &str)] = &[
    ("192.0.2.7", Ipv4, "192.0.2.7"),
    (" 192.0.2.8\t", Ipv4, "192.0.2.8"),
    ("2001:DB8:0:0::5", Ipv6, "2001:db8::5"),
    ("[2001:db8::6]", Ipv6, "2001:db8::6"),
    ("fe80::1%eth0", Ipv6, "fe80::1"),
    ("::ffff:198.51.100.4", Ipv4, "198.51.100.4"),
    ("[::ffff:198.51.100.5]", Ipv4, "198.51.100.5"),
];

/// Forms with a port, as an `ip:port` field holds them.
const WITH_PORT: &[(&str, IndicatorType, &str, u16)] = &[
    ("192.0.2.7:8080", Ipv4, "192.0.2.7", 8080),
    ("[2001:db8::6]:443", Ipv6, "2001:db8::6", 443),
    ("[fe80::1%eth0]:22", Ipv6, "fe80::1", 22),
    ("[::ffff:198.51.100.4]:53", Ipv4, "198.51.100.4", 53),
];

fn one(b: &ParsedBatch, what: &str) -> Sighting {
    assert!(b.skipped.is_empty(), "{what}: {:?}", b.skipped);
    assert_eq!(b.sightings.len(), 1, "{what}: {:#?}", b.sightings);
    b.sightings[0].clone()
}

fn check(s: &Sighting, kind: IndicatorType, key: &str, ports: &[u16], what: &str) {
    assert_eq!((s.kind, &*s.value), (kind, key), "{what}");
    assert_eq!(s.obs.ports.as_slice(), ports, "{what}");
}

fn feodo_doc(ip: &str) -> Vec<u8> {
    json!([{"ip_address": ip, "port": null, "status": "online", "hostname": null, "as_number": 64496,
            "as_name": "EXAMPLE", "country": "ZZ", "first_seen": "2026-11-01 10:00:00",
            "last_online": "2026-11-01", "malware": "Dridex"}])
    .to_string()
    .into_bytes()
}

fn sslbl_doc(ip: &str, port: &str) -> Vec<u8> {
    format!("# abuse.ch SSLBL Botnet C2 IP Blacklist (CSV)\r\n# Firstseen,DstIP,DstPort\r\n2026-11-01 10:00:00,{ip},{port}\r\n")
        .into_bytes()
}

fn threatfox_doc(value: &str, ioc_type: &str) -> Vec<u8> {
    json!({"9000001": [{"ioc_value": value, "ioc_type": ioc_type, "threat_type": "botnet_cc",
        "fk_malware": "win.x", "malware_alias": null, "malware_printable": "X",
        "first_seen_utc": "2026-11-01 10:00:00", "last_seen_utc": null, "confidence_level": 75,
        "reference": null, "tags": null, "anonymous": "0", "reporter": "someone"}]})
    .to_string()
    .into_bytes()
}

fn otx_doc(value: &str, kind: &str) -> Vec<u8> {
    json!({"count": 1, "next": null, "results": [{"id": "p1", "name": "pulse", "modified": "2026-11-01T00:00:00",
        "tags": [], "references": [], "indicators": [{"id": 1, "indicator": value, "type": kind,
        "created": "2026-11-01T00:00:00", "title": "", "description": "", "expiration": null,
        "is_active": 1, "role": null}]}]})
    .to_string()
    .into_bytes()
}

fn otx(body: &[u8]) -> ParsedBatch {
    otx::parse_page(body).expect("parses").0
}

#[test]
fn bare_address_forms_in_every_parser() {
    for &(written, kind, key) in BARE_ADDRESSES {
        let otx_type = if kind == Ipv4 && !written.contains(':') {
            "IPv4"
        } else {
            "IPv6"
        };
        let cases: Vec<(&str, ParsedBatch)> = vec![
            ("feodo", feodo::parse(&feodo_doc(written)).unwrap()),
            (
                "sslbl",
                sslbl::parse(&sslbl_doc(written.trim(), "")).unwrap(),
            ),
            (
                "threatfox ip:port",
                threatfox::parse_export(&threatfox_doc(written, "ip:port")).unwrap(),
            ),
            ("otx", otx(&otx_doc(written, otx_type))),
            (
                "plain_list detected",
                plain_list::parse(written.as_bytes(), None).unwrap(),
            ),
            (
                "plain_list typed",
                plain_list::parse(written.as_bytes(), Some(kind)).unwrap(),
            ),
        ];
        for (parser, b) in cases {
            let what = format!("{parser}: {written:?}");
            check(&one(&b, &what), kind, key, &[], &what);
        }
    }
}

#[test]
fn address_forms_with_a_port_in_every_parser() {
    for &(written, kind, key, port) in WITH_PORT {
        let cases: Vec<(&str, ParsedBatch)> = vec![
            ("feodo", feodo::parse(&feodo_doc(written)).unwrap()),
            (
                "threatfox ip:port",
                threatfox::parse_export(&threatfox_doc(written, "ip:port")).unwrap(),
            ),
            (
                "plain_list detected",
                plain_list::parse(written.as_bytes(), None).unwrap(),
            ),
            (
                "plain_list typed",
                plain_list::parse(written.as_bytes(), Some(kind)).unwrap(),
            ),
        ];
        for (parser, b) in cases {
            let what = format!("{parser}: {written:?}");
            check(&one(&b, &what), kind, key, &[port], &what);
        }
        // SSLBL keeps the port in its own column.
        let bare = written.rsplit_once(':').map_or(written, |(a, _)| a);
        let b = sslbl::parse(&sslbl_doc(bare, &port.to_string())).unwrap();
        check(
            &one(&b, bare),
            kind,
            key,
            &[port],
            &format!("sslbl: {bare}"),
        );
    }
    // Where the feed declares `ip:port`, a bare IPv6 with a port splits at the last colon.
    for (written, key, port) in [
        ("2001:db8:1::5:443", "2001:db8:1::5", 443),
        ("2001:db8:1::5:40669", "2001:db8:1::5", 40669),
    ] {
        let b = threatfox::parse_export(&threatfox_doc(written, "ip:port")).unwrap();
        check(&one(&b, written), Ipv6, key, &[port], written);
    }
}

#[test]
fn networks_with_host_bits_set_merge_in_every_parser() {
    for (written, key) in [
        ("10.0.0.5/24", "10.0.0.0/24"),
        ("198.51.100.77/25", "198.51.100.0/25"),
        ("2001:db8::1/32", "2001:db8::/32"),
    ] {
        let drop_doc = format!(
            "{}\n{}\n",
            json!({"cidr": written, "sblid": "SBL000001", "rir": "ripencc"}),
            json!({"type": "metadata", "timestamp": 1_767_225_600, "size": 1, "records": 1})
        );
        let cases: Vec<(&str, ParsedBatch)> = vec![
            (
                "spamhaus_drop",
                spamhaus_drop::parse(drop_doc.as_bytes()).unwrap(),
            ),
            ("otx", otx(&otx_doc(written, "CIDR"))),
            (
                "plain_list detected",
                plain_list::parse(written.as_bytes(), None).unwrap(),
            ),
            (
                "plain_list typed",
                plain_list::parse(written.as_bytes(), Some(Cidr)).unwrap(),
            ),
        ];
        for (parser, b) in cases {
            let what = format!("{parser}: {written}");
            check(&one(&b, &what), Cidr, key, &[], &what);
        }
    }
}

#[test]
fn internationalised_names_have_one_key_in_every_parser() {
    let key = "xn--bcher-kva.example";
    for written in ["bücher.example", "BÜCHER.example.", "xn--bcher-kva.example"] {
        let cases: Vec<(&str, ParsedBatch)> = vec![
            (
                "threatfox domain",
                threatfox::parse_export(&threatfox_doc(written, "domain")).unwrap(),
            ),
            ("otx domain", otx(&otx_doc(written, "domain"))),
            ("otx hostname", otx(&otx_doc(written, "hostname"))),
            (
                "plain_list detected",
                plain_list::parse(written.as_bytes(), None).unwrap(),
            ),
            (
                "plain_list typed",
                plain_list::parse(written.as_bytes(), Some(Domain)).unwrap(),
            ),
        ];
        for (parser, b) in cases {
            let what = format!("{parser}: {written}");
            check(&one(&b, &what), Domain, key, &[], &what);
        }
        let url = format!("http://{written}/Pfad#frag");
        let want = format!("http://{key}/Pfad#frag");
        let csv = format!(
            "# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter\n\"1\",\"2026-11-01 10:00:00\",\"{url}\",\"online\",\"\",\"malware_download\",\"\",\"https://urlhaus.abuse.ch/url/1/\",\"someone\"\n"
        );
        let cases: Vec<(&str, ParsedBatch)> = vec![
            ("urlhaus csv", urlhaus::parse_csv(csv.as_bytes()).unwrap()),
            (
                "threatfox url",
                threatfox::parse_export(&threatfox_doc(&url, "url")).unwrap(),
            ),
            ("otx URL", otx(&otx_doc(&url, "URL"))),
            (
                "plain_list detected",
                plain_list::parse(url.as_bytes(), None).unwrap(),
            ),
            (
                "plain_list typed",
                plain_list::parse(url.as_bytes(), Some(Url)).unwrap(),
            ),
        ];
        for (parser, b) in cases {
            let what = format!("{parser}: {url}");
            check(&one(&b, &what), Url, &want, &[], &what);
        }
    }
}

/// Field drift in JSON: added fields are ignored; a document none of whose records has a
/// required field fails the source, naming the field, instead of exporting nothing in
/// silence or shifted values.
#[test]
fn json_parsers_tolerate_added_fields_and_name_missing_required_ones() {
    let added = json!([{"ip_address": "192.0.2.7", "port": 443, "status": "online", "new_field": {"a": [1]}, "as_number": 64496}]);
    let b = feodo::parse(added.to_string().as_bytes()).unwrap();
    assert_eq!(one(&b, "feodo").value.as_ref(), "192.0.2.7");

    let renamed = json!([{"ip": "192.0.2.7", "port": 443}, {"ip": "192.0.2.8", "port": 80}]);
    let e = feodo::parse(renamed.to_string().as_bytes())
        .unwrap_err()
        .to_string();
    assert!(e.contains("`ip_address`") && e.contains("2 records"), "{e}");

    let api = json!({"query_status": "ok", "data": [{"id": "1", "value": "192.0.2.7:80", "ioc_type": "ip:port"}]});
    let e = threatfox::parse_api(api.to_string().as_bytes())
        .unwrap_err()
        .to_string();
    assert!(e.contains("`ioc`"), "{e}");
    let export = json!({"1": [{"value": "192.0.2.7:80", "type": "ip:port"}]});
    let e = threatfox::parse_export(export.to_string().as_bytes())
        .unwrap_err()
        .to_string();
    assert!(e.contains("`ioc_value`"), "{e}");

    let kev = json!({"title": "t", "count": 1, "vulnerabilities": [{"cve": "CVE-2021-44228"}]});
    let e = intellisiem::sources::cisa_kev::parse(kev.to_string().as_bytes())
        .unwrap_err()
        .to_string();
    assert!(e.contains("`cveID`"), "{e}");

    // One good record among bad ones is a document with bad records, not a new shape.
    let mixed = json!([{"ip_address": "192.0.2.7"}, {"ip": "192.0.2.8"}]);
    let b = feodo::parse(mixed.to_string().as_bytes()).unwrap();
    assert_eq!(b.sightings.len(), 1);
    assert_eq!(b.skipped.total(), 1);
}
