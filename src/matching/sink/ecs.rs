// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! ECS alert lines (FORMATS-LOGS.md §3): one document per matched event —
//! `@timestamp` (the event's time, UTC RFC 3339), `log.file.path` and `log.offset` (the
//! line's byte offset) for a file, or for a Redis stream entry `event.id` (the entry
//! id) with `labels.stream` and `labels.consumer_group`; `event.kind: "alert"`,
//! `event.module`, `event.dataset: "intellisiem.match"`, the event's values under their
//! ECS names, `source.port` and `destination.port` (numbers) where the log names them,
//! and `threat.enrichments[]` with one entry per (field, indicator):
//! `matched.{atomic, field, type: "indicator_match_rule"}` and
//! `indicator.{type, name, provider, confidence, first_seen, last_seen, description}`.
//! Every string from the log or a feed is sanitised.

use std::io::{self, Write};

use jiff::Timestamp;
use serde_json::{Map, Value, json};

use super::AlertSink;
use crate::export::ecs::confidence_label;
use crate::matching::alert::{Alert, AlertHit, Location, ecs_type};
use crate::model::sanitize::sanitize;

/// Writes ECS alert lines to `W`.
#[derive(Debug)]
pub struct EcsSink<W> {
    out: W,
}

impl<W: Write + Send + Sync> EcsSink<W> {
    pub fn new(out: W) -> Self {
        EcsSink { out }
    }

    /// The writer back.
    pub fn into_inner(self) -> W {
        self.out
    }
}

impl<W: Write + Send + Sync> AlertSink for EcsSink<W> {
    type Part = Vec<u8>;

    fn add(&self, part: &mut Vec<u8>, alert: &Alert<'_>) {
        write_line(part, alert);
    }

    fn deliver(&mut self, part: Vec<u8>) -> io::Result<()> {
        self.out.write_all(&part)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
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

fn indicator(hit: &AlertHit<'_>) -> Value {
    let meta = hit.indicator;
    let provider: Vec<&str> = hit.sources().collect();
    json!({
        "type": ecs_type(meta.kind, &meta.name),
        "name": sanitize(&meta.name),
        "provider": sanitize(&provider.join(",")),
        "confidence": confidence_label(meta.confidence),
        "first_seen": rfc3339(meta.first_seen),
        "last_seen": rfc3339(meta.last_seen),
        "description": meta.threat.as_deref().map(|t| sanitize(t).into_owned()),
    })
}

/// Appends one ECS alert line for `alert` to `out`.
pub fn write_line(out: &mut Vec<u8>, alert: &Alert<'_>) {
    let mut doc = Map::new();
    doc.insert("@timestamp".into(), Value::String(alert.time.to_string()));
    match alert.location {
        Location::File { path, offset } => {
            insert(
                &mut doc,
                "log.file.path",
                Value::String(sanitize(path).into_owned()),
            );
            insert(&mut doc, "log.offset", json!(offset));
        }
        Location::Stream { stream, id, group } => {
            insert(&mut doc, "event.id", Value::String(id.to_string()));
            insert(
                &mut doc,
                "labels.stream",
                Value::String(sanitize(stream).into_owned()),
            );
            insert(
                &mut doc,
                "labels.consumer_group",
                Value::String(sanitize(group).into_owned()),
            );
        }
    }
    insert(&mut doc, "event.kind", json!("alert"));
    insert(&mut doc, "event.module", json!(alert.module));
    insert(&mut doc, "event.dataset", json!("intellisiem.match"));
    for f in alert.fields {
        insert(
            &mut doc,
            f.name,
            Value::String(sanitize(&f.value).into_owned()),
        );
    }
    for (name, port) in [
        ("source.port", alert.conn.source_port),
        ("destination.port", alert.conn.destination_port),
    ] {
        if let Some(p) = port {
            insert(&mut doc, name, json!(p));
        }
    }
    let enrichments: Vec<Value> = alert
        .hits()
        .map(|hit| {
            json!({
                "matched": {
                    "atomic": sanitize(hit.atomic),
                    "field": hit.field.name,
                    "type": "indicator_match_rule",
                },
                "indicator": indicator(&hit),
            })
        })
        .collect();
    insert(&mut doc, "threat.enrichments", Value::Array(enrichments));
    // Writing to a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, &Value::Object(doc));
    out.push(b'\n');
}
