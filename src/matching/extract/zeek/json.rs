// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Zeek's JSON writer (`LogAscii::use_json=T`, FORMATS-LOGS.md §2): one flat object per
//! line with dotted keys (`"id.orig_h"`), or underscored ones with
//! `Log::default_scope_sep = "_"` (`"id_orig_h"`). `ts` is read in each of the writer's
//! `LogAscii::json_timestamps` forms: `JSON::TS_EPOCH` (float seconds, the default),
//! `JSON::TS_MILLIS` (integer milliseconds, zeek-kafka's default) and `JSON::TS_ISO8601`
//! (`"2026-11-29T09:15:02.481230Z"`); see [`EventTime::Epoch`] for how the unit of a
//! number is told.

use std::borrow::Cow;

use super::super::{Event, EventTime, Port, Skip};
use super::{column, push_url};

/// The event time of a JSON `ts` value: a number is epoch time (unit by magnitude); a
/// string is epoch time if it is a number, else ISO 8601.
fn ts(v: &serde_json::Value) -> Option<EventTime<'static>> {
    match v {
        serde_json::Value::Number(n) => Some(EventTime::Epoch(Cow::Owned(n.to_string()))),
        serde_json::Value::String(s) if s.trim().parse::<f64>().is_ok() => {
            Some(EventTime::Epoch(Cow::Owned(s.clone())))
        }
        serde_json::Value::String(s) => Some(EventTime::Iso(Cow::Owned(s.clone()))),
        _ => None,
    }
}

/// Reads one Zeek JSON line. Errors: [`Skip::InvalidUtf8`] for bytes that are not
/// UTF-8, [`Skip::BadJson`] for anything that is not one JSON object.
pub fn extract_json(line: &[u8]) -> Result<Event<'static>, Skip> {
    let map: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(line).map_err(|_| {
            if std::str::from_utf8(line).is_err() {
                Skip::InvalidUtf8
            } else {
                Skip::BadJson
            }
        })?;
    let mut ev = Event::new("zeek");
    ev.time = map.get("ts").and_then(ts);
    let port = |names: [&str; 2]| {
        names
            .iter()
            .find_map(|n| map.get(*n))
            .and_then(|v| match v {
                serde_json::Value::Number(n) => n.as_u64().and_then(|p| u16::try_from(p).ok()),
                serde_json::Value::String(s) => Port::parse(s),
                _ => None,
            })
    };
    ev.conn.source_port = port(["id.orig_p", "id_orig_p"]);
    ev.conn.destination_port = port(["id.resp_p", "id_resp_p"]);
    ev.conn.uid = map
        .get("uid")
        .and_then(|v| v.as_str())
        .filter(|u| !u.is_empty())
        .map(|u| Cow::Owned(u.to_owned()));
    for (k, v) in &map {
        let Some((name, kind)) = column(k, "") else {
            continue;
        };
        match v {
            serde_json::Value::String(s) => ev.push(name, s.clone(), kind),
            serde_json::Value::Array(a) => {
                for s in a.iter().filter_map(|x| x.as_str()) {
                    ev.push(name, s.to_owned(), kind);
                }
            }
            _ => {}
        }
    }
    if let (Some(host), Some(uri)) = (
        map.get("host").and_then(|v| v.as_str()),
        map.get("uri").and_then(|v| v.as_str()),
    ) {
        push_url(&mut ev, host, uri);
    }
    Ok(ev)
}
