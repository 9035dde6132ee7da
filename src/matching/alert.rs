// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Alert output (FORMATS-LOGS.md §3 and §6).
//!
//! `jsonl`: one ECS document per matched event — `@timestamp` (the event's time, UTC
//! RFC 3339), `log.file.path`, `log.offset` (byte offset of the line), `event.kind:
//! "alert"`, `event.module`, `event.dataset: "intellisiem.match"`, the event's values
//! under their ECS names, and `threat.enrichments[]` with one entry per (field,
//! indicator): `matched.{atomic, field, type: "indicator_match_rule"}` and
//! `indicator.{type, name, provider, confidence, first_seen, last_seen, description}`.
//!
//! `zeek-intel`: an `intel.log`-shaped TSV, one row per (value, indicator): `ts uid
//! id.orig_h id.orig_p id.resp_h id.resp_p seen.indicator seen.indicator_type seen.where
//! seen.node matched sources fuid file_mime_type file_desc`; `seen.where` holds the ECS
//! field name. Every string from the log is sanitised.

use std::io::Write;

use jiff::Timestamp;
use serde_json::{Map, Value, json};

use super::extract::{Event, EventTime};
use super::matcher::{Hit, Matcher, Meta};
use crate::model::IndicatorType;
use crate::model::sanitize::sanitize;

/// The output formats of `match`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AlertFormat {
    /// ECS alert documents, one per line.
    Jsonl,
    /// Zeek `intel.log` TSV.
    ZeekIntel,
}

/// One field's hits in an event: the index of the field and what it hit.
pub type FieldHits = Vec<(usize, Hit)>;

/// The event time in UTC RFC 3339, if it can be read.
pub fn event_time(t: &EventTime<'_>) -> Option<Timestamp> {
    match t {
        EventTime::Iso(s) => s
            .parse::<Timestamp>()
            .ok()
            .or_else(|| Timestamp::strptime("%Y-%m-%dT%H:%M:%S%.f%z", s.as_bytes()).ok()),
        EventTime::Epoch(s) => {
            let secs: f64 = s.parse().ok()?;
            if !secs.is_finite() {
                return None;
            }
            let whole = secs.floor();
            let nanos = ((secs - whole) * 1e9).round() as i32;
            Timestamp::new(whole as i64, nanos.clamp(0, 999_999_999)).ok()
        }
        EventTime::Clf(s) => Timestamp::strptime("%d/%b/%Y:%H:%M:%S %z", s.as_bytes()).ok(),
        EventTime::Bsd(s) => {
            let year = Timestamp::now().in_tz("UTC").map_or(2026, |z| z.year());
            let text = format!(
                "{year} {} +0000",
                s.split_whitespace().collect::<Vec<_>>().join(" ")
            );
            Timestamp::strptime("%Y %b %d %H:%M:%S %z", &text).ok()
        }
    }
}

/// The ECS `threat.indicator.type` of an indicator kind.
pub fn ecs_type(kind: IndicatorType, name: &str) -> &'static str {
    match kind {
        IndicatorType::Ipv4 => "ipv4-addr",
        IndicatorType::Ipv6 => "ipv6-addr",
        IndicatorType::Cidr if name.contains(':') => "ipv6-addr",
        IndicatorType::Cidr => "ipv4-addr",
        IndicatorType::Domain => "domain-name",
        IndicatorType::Url => "url",
        IndicatorType::Md5 | IndicatorType::Sha1 | IndicatorType::Sha256 => "file",
        IndicatorType::Email => "email-addr",
        IndicatorType::Cve => "vulnerability",
    }
}

/// ECS `confidence` from 0–100 (STIX Appendix A bands).
fn confidence(c: Option<u8>) -> &'static str {
    match c {
        None => "Not Specified",
        Some(0) => "None",
        Some(1..=29) => "Low",
        Some(30..=69) => "Medium",
        Some(_) => "High",
    }
}

fn rfc3339(secs: Option<i64>) -> Value {
    secs.and_then(|s| Timestamp::from_second(s).ok())
        .map_or(Value::Null, |t| {
            Value::String(crate::model::time::rfc3339(t))
        })
}

/// Puts `value` at the dotted `path` of `root`; a second value at the same path makes an
/// array.
fn insert(root: &mut Map<String, Value>, path: &str, value: Value) {
    let mut parts = path.split('.').peekable();
    let mut node = root;
    while let Some(p) = parts.next() {
        if parts.peek().is_none() {
            match node.get_mut(p) {
                Some(Value::Array(a)) => {
                    if !a.contains(&value) {
                        a.push(value);
                    }
                }
                Some(old) if *old != value => {
                    let first = old.take();
                    *old = Value::Array(vec![first, value]);
                }
                Some(_) => {}
                None => {
                    node.insert(p.to_owned(), value);
                }
            }
            return;
        }
        let entry = node
            .entry(p.to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
        if !entry.is_object() {
            return;
        }
        let Value::Object(m) = entry else { return };
        node = m;
    }
}

fn indicator(m: &Matcher, meta: &Meta) -> Value {
    let provider: Vec<&str> = m.sources_of(meta).collect();
    json!({
        "type": ecs_type(meta.kind, &meta.name),
        "name": sanitize(&meta.name),
        "provider": sanitize(&provider.join(",")),
        "confidence": confidence(meta.confidence),
        "first_seen": rfc3339(meta.first_seen),
        "last_seen": rfc3339(meta.last_seen),
        "description": meta.threat.as_deref().map(|t| sanitize(t).into_owned()),
    })
}

/// Writes one ECS alert line for `ev` and its hits.
pub fn write_jsonl(
    out: &mut Vec<u8>,
    m: &Matcher,
    path: &str,
    offset: u64,
    ev: &Event<'_>,
    hits: &FieldHits,
) {
    let mut doc = Map::new();
    let ts = ev
        .time
        .as_ref()
        .and_then(event_time)
        .unwrap_or_else(Timestamp::now);
    doc.insert("@timestamp".into(), Value::String(ts.to_string()));
    insert(
        &mut doc,
        "log.file.path",
        Value::String(sanitize(path).into_owned()),
    );
    insert(&mut doc, "log.offset", json!(offset));
    insert(&mut doc, "event.kind", json!("alert"));
    insert(&mut doc, "event.module", json!(ev.module));
    insert(&mut doc, "event.dataset", json!("intellisiem.match"));
    for f in &ev.fields {
        insert(
            &mut doc,
            f.name,
            Value::String(sanitize(&f.value).into_owned()),
        );
    }
    let enrichments: Vec<Value> = hits
        .iter()
        .filter_map(|(fi, hit)| {
            let field = ev.fields.get(*fi)?;
            let meta = m.meta(hit.meta)?;
            Some(json!({
                "matched": {
                    "atomic": sanitize(&hit.atomic),
                    "field": field.name,
                    "type": "indicator_match_rule",
                },
                "indicator": indicator(m, meta),
            }))
        })
        .collect();
    insert(&mut doc, "threat.enrichments", Value::Array(enrichments));
    // Writing to a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, &Value::Object(doc));
    out.push(b'\n');
}

/// The `intel.log` header.
pub fn zeek_header(out: &mut impl Write) -> std::io::Result<()> {
    out.write_all(
        b"#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tintel\n\
#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tseen.indicator\tseen.indicator_type\tseen.where\tseen.node\tmatched\tsources\tfuid\tfile_mime_type\tfile_desc\n\
#types\ttime\tstring\taddr\tport\taddr\tport\tstring\tenum\tenum\tstring\tset[enum]\tset[string]\tstring\tstring\tstring\n",
    )
}

fn intel_type(kind: IndicatorType) -> &'static str {
    match kind {
        IndicatorType::Ipv4 | IndicatorType::Ipv6 => "Intel::ADDR",
        IndicatorType::Cidr => "Intel::SUBNET",
        IndicatorType::Domain => "Intel::DOMAIN",
        IndicatorType::Url => "Intel::URL",
        IndicatorType::Md5 | IndicatorType::Sha1 | IndicatorType::Sha256 => "Intel::FILE_HASH",
        IndicatorType::Email => "Intel::EMAIL",
        IndicatorType::Cve => "Intel::SOFTWARE",
    }
}

/// A TSV cell: sanitised (tabs and newlines become visible escapes), `-` when empty.
fn cell(s: &str) -> String {
    let clean = sanitize(s);
    if clean.is_empty() {
        "-".into()
    } else if clean == "-" {
        "\\x2d".into()
    } else {
        clean.into_owned()
    }
}

/// Writes the `intel.log` rows of one event.
pub fn write_zeek(out: &mut Vec<u8>, m: &Matcher, ev: &Event<'_>, hits: &FieldHits) {
    let ts = ev
        .time
        .as_ref()
        .and_then(event_time)
        .unwrap_or_else(Timestamp::now);
    let ts = format!("{}.{:06}", ts.as_second(), ts.subsec_microsecond());
    let field = |name: &str| {
        ev.fields
            .iter()
            .find(|f| f.name == name)
            .map_or("-".to_owned(), |f| cell(&f.value))
    };
    let (orig, resp) = (field("source.ip"), field("destination.ip"));
    for (fi, hit) in hits {
        let (Some(f), Some(meta)) = (ev.fields.get(*fi), m.meta(hit.meta)) else {
            continue;
        };
        let seen_type = match meta.kind {
            IndicatorType::Cidr => "Intel::ADDR",
            k => intel_type(k),
        };
        let sources: Vec<String> = m
            .sources_of(meta)
            .map(|s| cell(&format!("intellisiem:{s}")).replace(',', "\\x2c"))
            .collect();
        let _ = writeln!(
            out,
            "{ts}\t-\t{orig}\t-\t{resp}\t-\t{}\t{seen_type}\t{}\tintellisiem\t{}\t{}\t-\t-\t-",
            cell(&hit.atomic),
            f.name,
            intel_type(meta.kind),
            sources.join(","),
        );
    }
}
