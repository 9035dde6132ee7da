// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Reading Redis replies (RESP2 arrays, or RESP3 maps) into stream entries: nothing here
//! trusts a reply's shape; what does not fit is passed over.

use redis::Value;

use super::Entry;

/// A reply value as text (bulk or simple string).
pub(super) fn text(v: &Value) -> Option<String> {
    match v {
        Value::BulkString(b) => Some(String::from_utf8_lossy(b).into_owned()),
        Value::SimpleString(s) => Some(s.clone()),
        Value::Okay => Some("OK".into()),
        _ => None,
    }
}

/// A RESP2 flat key/value array (or a RESP3 map) as pairs.
pub(super) fn fields(v: &Value) -> Vec<(String, &Value)> {
    match v {
        Value::Array(items) => items
            .chunks(2)
            .filter_map(|kv| Some((text(kv.first()?)?, kv.get(1)?)))
            .collect(),
        Value::Map(pairs) => pairs
            .iter()
            .filter_map(|(k, v)| Some((text(k)?, v)))
            .collect(),
        _ => Vec::new(),
    }
}

/// The entries of an `XREADGROUP` reply (`[[key, [[id, [f, v, ...]], ...]]]`, or a
/// RESP3 map), each with the value of `field`.
pub(super) fn stream_entries(reply: Value, field: &str) -> Vec<Entry> {
    match reply {
        Value::Array(streams) => streams
            .into_iter()
            .flat_map(|s| match s {
                Value::Array(mut kv) if kv.len() >= 2 => entry_list(kv.swap_remove(1), field),
                _ => Vec::new(),
            })
            .collect(),
        Value::Map(pairs) => pairs
            .into_iter()
            .flat_map(|(_, v)| entry_list(v, field))
            .collect(),
        _ => Vec::new(),
    }
}

/// `[[id, [f, v, ...]], ...]`; an entry whose fields are nil was deleted from the stream
/// while pending.
pub(super) fn entry_list(v: Value, field: &str) -> Vec<Entry> {
    let Value::Array(items) = v else {
        return Vec::new();
    };
    items
        .into_iter()
        .filter_map(|item| {
            let Value::Array(mut parts) = item else {
                return None;
            };
            if parts.is_empty() {
                return None;
            }
            let body = if parts.len() >= 2 {
                std::mem::take(&mut parts[1])
            } else {
                Value::Nil
            };
            let id = text(&parts[0])?;
            let (event, deleted) = match body {
                Value::Nil => (None, true),
                Value::Array(kv) => (value_of(kv, field), false),
                Value::Map(pairs) => (
                    pairs
                        .into_iter()
                        .find(|(k, _)| text(k).as_deref() == Some(field))
                        .and_then(|(_, v)| bytes(v)),
                    false,
                ),
                _ => (None, false),
            };
            Some(Entry { id, event, deleted })
        })
        .collect()
}

/// The value of `field` in a flat `[f, v, ...]` list.
fn value_of(kv: Vec<Value>, field: &str) -> Option<Vec<u8>> {
    let mut it = kv.into_iter();
    while let (Some(k), Some(v)) = (it.next(), it.next()) {
        if text(&k).as_deref() == Some(field) {
            return bytes(v);
        }
    }
    None
}

fn bytes(v: Value) -> Option<Vec<u8>> {
    match v {
        Value::BulkString(b) => Some(b),
        Value::SimpleString(s) => Some(s.into_bytes()),
        _ => None,
    }
}
