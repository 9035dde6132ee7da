// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

use super::*;

fn flag(json: &str) -> Option<bool> {
    serde_json::from_str::<Flag>(json).unwrap().0
}

/// Every boolean encoding MISP's writers use: the API's `true`, PyMISP's and the ZeroMQ
/// feed's `1`/`"1"`, and `"true"` (MISP `app/Model/Attribute.php` casts; ZMQ examples
/// in the MISP book, "ZeroMQ"), each both ways.
#[test]
fn misp_booleans_in_every_encoding_both_ways() {
    for t in ["true", "1", "\"1\"", "\"true\"", "\"True\"", "\" 1 \""] {
        assert_eq!(flag(t), Some(true), "{t}");
    }
    for f in ["false", "0", "\"0\"", "\"false\"", "\"FALSE\"", "\"\""] {
        assert_eq!(flag(f), Some(false), "{f}");
    }
    for none in ["null", "2", "-1", "0.5", "\"yes\"", "[]", "{}", "[true]"] {
        assert_eq!(flag(none), None, "{none}");
    }
}

fn attributes(body: &str) -> Vec<(Option<Attribute<'static>>, bool)> {
    let mut out = Vec::new();
    event_attributes(body.as_bytes(), &mut |a, gone| {
        out.push((a.map(owned), gone));
    })
    .unwrap();
    out
}

fn owned(a: &Attribute<'_>) -> Attribute<'static> {
    let t = |t: &Text<'_>| Text(t.0.as_ref().map(|c| Cow::Owned(c.to_string())));
    Attribute {
        kind: t(&a.kind),
        value: t(&a.value),
        to_ids: a.to_ids,
        deleted: a.deleted,
        timestamp: t(&a.timestamp),
        first_seen: t(&a.first_seen),
        tags: Tags(a.tags.0.iter().map(|c| Cow::Owned(c.to_string())).collect()),
        event: None,
        event_uuid: t(&a.event_uuid),
    }
}

const EVENT: &str = r##"{"Event": {
  "Attribute": [
    {"type": "ip-dst", "value": "198.51.100.7", "to_ids": "1", "timestamp": 1764000000,
     "Tag": [{"name": "tlp:clear"}, {"colour": "#fff"}, 7]},
    7,
    {"type": "domain", "value": "bad.example", "value": "worse.example", "to_ids": 0}
  ],
  "Object": [
    {"Attribute": [{"type": "md5", "value": "0123456789abcdef0123456789abcdef"}],
     "deleted": "1", "name": "file"},
    {"name": "url", "deleted": false,
     "Attribute": [{"type": "url", "value": "http://a.example/x", "deleted": true}]},
    "junk"
  ],
  "info": "A campaign",
  "uuid": "5f0c3e1a-7b2d-4c8e-9a11-2b3c4d5e6f70",
  "Tag": [{"name": "misp-galaxy:threat-actor=\"X\""}]
}}"##;

#[test]
fn an_event_streams_its_attributes_in_order_whatever_the_key_order() {
    let head = event_head(EVENT.as_bytes()).unwrap().unwrap();
    assert_eq!(head.info.get(), Some("A campaign"));
    assert_eq!(
        head.uuid.get(),
        Some("5f0c3e1a-7b2d-4c8e-9a11-2b3c4d5e6f70")
    );
    assert_eq!(head.tags.0, ["misp-galaxy:threat-actor=\"X\""]);
    let got = attributes(EVENT);
    assert_eq!(got.len(), 5, "{got:?}");
    let first = got[0].0.as_ref().unwrap();
    assert_eq!(first.value.get(), Some("198.51.100.7"));
    assert_eq!(first.to_ids, Flag(Some(true)));
    assert_eq!(
        first.timestamp.get(),
        Some("1764000000"),
        "a number reads as text"
    );
    assert_eq!(first.tags.0, ["tlp:clear"]);
    assert!(got[1].0.is_none(), "a list element that is not an object");
    let third = got[2].0.as_ref().unwrap();
    assert_eq!(
        third.value.get(),
        Some("worse.example"),
        "the last of a repeated key"
    );
    assert_eq!(third.to_ids, Flag(Some(false)));
    assert!(
        got[3].1,
        "the deleted object's attribute, though `deleted` came after it"
    );
    assert!(!got[4].1);
    assert_eq!(got[4].0.as_ref().unwrap().deleted, Flag(Some(true)));
}

#[test]
fn strings_without_escapes_borrow_from_the_body() {
    let body =
        br#"{"Event": {"info": "plain", "Attribute": [{"value": "a\u0041", "type": "domain"}]}}"#;
    let head = event_head(body).unwrap().unwrap();
    assert!(matches!(head.info.0, Some(Cow::Borrowed("plain"))));
    let mut seen = Vec::new();
    event_attributes(body, &mut |a, _| {
        let a = a.unwrap();
        seen.push((
            matches!(a.kind.0, Some(Cow::Borrowed(_))),
            a.value.get().map(str::to_string),
        ));
    })
    .unwrap();
    assert_eq!(seen, [(true, Some("aA".to_string()))]);
}

#[test]
fn odd_shapes_read_as_absent_and_broken_json_is_an_error() {
    assert_eq!(event_head(b"{}").unwrap(), None);
    assert_eq!(event_head(br#"{"Event": []}"#).unwrap(), None);
    assert_eq!(event_head(br#"[1, 2]"#).unwrap(), None);
    let weird = br#"{"Event": {"info": {"x": 1}, "Tag": "t", "Attribute": {"a": 1}, "Object": 3}}"#;
    let head = event_head(weird).unwrap().unwrap();
    assert_eq!((head.info.get(), head.tags.0.len()), (None, 0));
    let mut n = 0;
    event_attributes(weird, &mut |_, _| n += 1).unwrap();
    assert_eq!(n, 0);
    assert!(
        event_head(br#"{"Event": {"info": "x""#).is_err(),
        "truncated"
    );
    assert!(
        event_attributes(
            br#"{"Event": {"Attribute": [{"type": "md5""#,
            &mut |_, _| {}
        )
        .is_err()
    );
    assert!(event_head(b"{} trailing").is_err());
}

#[test]
fn rest_search_pages_in_both_shapes() {
    let count = |body: &str| {
        let mut n = 0;
        let page = page_attributes(body.as_bytes(), &mut |a, _| {
            if a.is_some() {
                n += 1
            }
        })
        .unwrap();
        (page, n)
    };
    assert_eq!(
        count(r#"{"response": {"Attribute": [{"value": "x"}, {"value": "y"}]}}"#),
        (Page::Attributes(2), 2)
    );
    assert_eq!(
        count(r#"{"response": [{"value": "x"}]}"#),
        (Page::Attributes(1), 1)
    );
    assert_eq!(count(r#"{"response": {}}"#), (Page::Empty, 0));
    assert_eq!(
        count(r#"{"response": {"Attribute": 5}}"#),
        (Page::NotAList, 0)
    );
    assert_eq!(count(r#"{"other": 1}"#), (Page::NoResponse, 0));
    let mut events = Vec::new();
    page_attributes(
        br#"{"response": {"Attribute": [{"value": "x", "event_uuid": "u1",
            "Event": {"info": "E", "uuid": "u0", "Tag": [{"name": "t"}]}}]}}"#,
        &mut |a, _| {
            let a = a.unwrap();
            let e = a.event.as_ref().unwrap();
            events.push((
                e.info.get().map(str::to_string),
                e.tags.0.len(),
                a.event_uuid.get().map(str::to_string),
            ));
        },
    )
    .unwrap();
    assert_eq!(events, [(Some("E".into()), 1, Some("u1".into()))]);
}

/// A URLhaus-sized feed event (MISP #9092): 200,000 attributes, half of them in
/// objects, all read, none held.
#[test]
fn a_200k_attribute_event_is_read_as_a_stream() {
    let mut body = String::from(r#"{"Event": {"info": "big", "Attribute": ["#);
    for i in 0..100_000u32 {
        if i > 0 {
            body.push(',');
        }
        body.push_str(&format!(
            r#"{{"type":"url","value":"http://h{i}.example/p","to_ids":true}}"#
        ));
    }
    body.push_str(r#"], "Object": ["#);
    for i in 0..50_000u32 {
        if i > 0 {
            body.push(',');
        }
        body.push_str(&format!(
            r#"{{"name":"file","Attribute":[{{"type":"md5","value":"{i:032x}"}},{{"type":"sha1","value":"{i:040x}"}}]}}"#
        ));
    }
    body.push_str("]}}");
    let (mut n, mut urls) = (0usize, 0usize);
    event_attributes(body.as_bytes(), &mut |a, _| {
        n += 1;
        if a.and_then(|a| a.kind.get()) == Some("url") {
            urls += 1;
        }
    })
    .unwrap();
    assert_eq!((n, urls), (200_000, 100_000));
}
