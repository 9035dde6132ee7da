// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

use super::reply::stream_entries;
use super::*;

fn bulk(s: &str) -> Value {
    Value::BulkString(s.as_bytes().to_vec())
}

#[test]
fn replies_are_read_with_hostile_shapes_counted_not_trusted() {
    let reply = Value::Array(vec![Value::Array(vec![
        bulk("suricata"),
        Value::Array(vec![
            Value::Array(vec![
                bulk("1-0"),
                Value::Array(vec![bulk("eve"), bulk("{}")]),
            ]),
            Value::Array(vec![bulk("1-1"), Value::Nil]),
            Value::Array(vec![
                bulk("1-2"),
                Value::Array(vec![bulk("other"), bulk("x")]),
            ]),
            Value::Array(vec![bulk("1-3"), Value::Array(vec![bulk("eve")])]),
            Value::Int(7),
            Value::Array(vec![]),
        ]),
    ])]);
    let got = stream_entries(reply, "eve");
    let ids: Vec<&str> = got.iter().map(|e| &*e.id).collect();
    assert_eq!(ids, ["1-0", "1-1", "1-2", "1-3"]);
    assert_eq!(got[0].event.as_deref(), Some(&b"{}"[..]));
    assert!(got[1].deleted && got[1].event.is_none());
    assert!(!got[2].deleted && got[2].event.is_none(), "no such field");
    assert!(got[3].event.is_none(), "a field without a value");
    assert!(stream_entries(Value::Nil, "eve").is_empty());
    assert!(stream_entries(bulk("x"), "eve").is_empty());
}

#[test]
fn percent_encoded_passwords_are_known_so_they_can_be_hidden() {
    let spec = RedisStream::new("redis://:p%40ss@127.0.0.1:1/0", "s", "g").unwrap();
    let r = Reader::new(&spec, "c", LogFormat::Eve);
    assert_eq!(r.clean("bad p@ss and p%40ss"), "bad *** and ***");
}
