// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Elastic Common Schema threat-indicator documents (ECS 9.x `threat.indicator.*`,
//! "Threat Fields" usage page), one JSON object per line, ready for an
//! Elasticsearch/OpenSearch `_bulk` request or any JSON pipeline:
//!
//! - `event.kind: enrichment`, `event.category: [threat]`, `event.type: [indicator]`,
//!   `event.dataset: intellisiem.indicator`; `@timestamp` = the export time.
//! - `threat.indicator.type` (a STIX SCO name), `.name` (the value), and the value in its
//!   field: `.ip`, `.url.full|domain|path|scheme|port`, `.file.hash.md5|sha1|sha256`,
//!   `.email.address`; a domain as `.url.domain`.
//! - `.provider` (the sources), `.confidence` (`None|Low|Medium|High` from 0–100 by the
//!   STIX 2.1 Appendix A bands, `Not Specified` without one), `.first_seen`,
//!   `.last_seen`, `.description` (the threat), `.reference` (the first URL reference),
//!   `.id` (the other references: STIX ids, MISP event uuids), `.port`; `tags`.
//! - ECS has no slot for a CIDR or a CVE indicator: a CIDR goes to `intellisiem.cidr`
//!   (a custom field) with the type of its address family, a CVE to `vulnerability.id`
//!   without `threat.indicator.type`.
//! - The value is copied into `related.ip` / `related.hosts` / `related.hash`.
//! - Of the look-up services' answers (the indicator's enrichment), VirusTotal's count
//!   of engines calling it malicious goes to `threat.indicator.scanner_stats`, the
//!   field ECS has for it. Nothing else of them does: `threat.enrichments` describes the
//!   indicators an event matched, not another service's view of an indicator, and ECS
//!   has no field for OTX's pulses; they stay in the JSON Lines and CSV exports.

use std::io::{self, Write};

use jiff::Timestamp;
use serde_json::{Map, Value, json};

use super::Record;
use crate::model::IndicatorType;
use crate::model::time::rfc3339;
use crate::store::set::{Entry, Store};

/// The ECS confidence label of a 0–100 confidence (STIX 2.1 Appendix A, None/Low/Med/High).
pub fn confidence_label(c: Option<u8>) -> &'static str {
    match c {
        None => "Not Specified",
        Some(0) => "None",
        Some(1..=29) => "Low",
        Some(30..=69) => "Medium",
        Some(_) => "High",
    }
}

/// The ECS document of one exported record.
pub fn document(r: &Record<'_>, now: &str) -> Value {
    let mut ind = Map::new();
    let mut related = Map::new();
    let mut root = Map::new();
    let v = r.value;
    let related_one = |k: &str, related: &mut Map<String, Value>, val: &str| {
        related.insert(k.into(), json!([val]));
    };
    match r.kind {
        IndicatorType::Ipv4 | IndicatorType::Ipv6 => {
            let t = if r.kind == IndicatorType::Ipv4 {
                "ipv4-addr"
            } else {
                "ipv6-addr"
            };
            ind.insert("type".into(), json!(t));
            ind.insert("ip".into(), json!(v));
            related_one("ip", &mut related, v);
        }
        IndicatorType::Cidr => {
            let t = if v.contains(':') {
                "ipv6-addr"
            } else {
                "ipv4-addr"
            };
            ind.insert("type".into(), json!(t));
            root.insert("intellisiem".into(), json!({ "cidr": v }));
        }
        IndicatorType::Domain => {
            ind.insert("type".into(), json!("domain-name"));
            ind.insert("url".into(), json!({ "domain": v }));
            related_one("hosts", &mut related, v);
        }
        IndicatorType::Url => {
            ind.insert("type".into(), json!("url"));
            let mut u = Map::new();
            u.insert("full".into(), json!(v));
            u.insert("original".into(), json!(v));
            if let Ok(p) = url::Url::parse(v) {
                u.insert("scheme".into(), json!(p.scheme()));
                if let Some(h) = p.host_str() {
                    u.insert("domain".into(), json!(h));
                    related_one("hosts", &mut related, h);
                }
                u.insert("path".into(), json!(p.path()));
                if let Some(port) = p.port() {
                    u.insert("port".into(), json!(port));
                }
            }
            ind.insert("url".into(), Value::Object(u));
        }
        IndicatorType::Md5 | IndicatorType::Sha1 | IndicatorType::Sha256 => {
            let algo = match r.kind {
                IndicatorType::Md5 => "md5",
                IndicatorType::Sha1 => "sha1",
                _ => "sha256",
            };
            ind.insert("type".into(), json!("file"));
            ind.insert("file".into(), json!({ "hash": { algo: v } }));
            related_one("hash", &mut related, v);
        }
        IndicatorType::Email => {
            ind.insert("type".into(), json!("email-addr"));
            ind.insert("email".into(), json!({ "address": v }));
        }
        IndicatorType::Cve => {
            root.insert("vulnerability".into(), json!({ "id": v }));
        }
    }
    ind.insert("name".into(), json!(v));
    ind.insert("provider".into(), json!(r.sources.join(",")));
    ind.insert(
        "confidence".into(),
        json!(crate::trust::score::ecs_label(r.score)),
    );
    if let Some(t) = &r.first_seen {
        ind.insert("first_seen".into(), json!(t));
    }
    if let Some(t) = &r.last_seen {
        ind.insert("last_seen".into(), json!(t));
    }
    if let Some(t) = r.threat {
        ind.insert("description".into(), json!(t));
    }
    if let Some(p) = r.ports.first() {
        ind.insert("port".into(), json!(p));
    }
    if let Some(vt) = r.virustotal() {
        ind.insert("scanner_stats".into(), json!(vt.malicious));
    }
    let is_url = |u: &str| u.starts_with("https://") || u.starts_with("http://");
    if let Some(u) = r.references.iter().find(|u| is_url(u)) {
        ind.insert("reference".into(), json!(u));
    }
    let ids: Vec<&str> = r
        .references
        .iter()
        .filter(|u| !is_url(u))
        .copied()
        .collect();
    if !ids.is_empty() {
        ind.insert("id".into(), json!(ids));
    }
    root.insert("@timestamp".into(), json!(now));
    root.insert(
        "event".into(),
        json!({
            "kind": "enrichment",
            "category": ["threat"],
            "type": ["indicator"],
            "dataset": "intellisiem.indicator"
        }),
    );
    let feed = r.sources.first().copied().unwrap_or("intellisiem");
    root.insert(
        "threat".into(),
        json!({ "feed": { "name": feed }, "indicator": Value::Object(ind) }),
    );
    if !r.tags.is_empty() {
        root.insert("tags".into(), json!(r.tags));
    }
    if !related.is_empty() {
        root.insert("related".into(), Value::Object(related));
    }
    Value::Object(root)
}

pub(super) fn write_ecs<'a, W: Write>(
    store: &'a Store,
    entries: impl Iterator<Item = &'a Entry>,
    out: W,
    now: Timestamp,
) -> io::Result<usize> {
    let now = rfc3339(now);
    let mut w = io::BufWriter::new(out);
    let mut n = 0;
    for e in entries {
        serde_json::to_writer(&mut w, &document(&Record::new(store, e), &now))?;
        w.write_all(b"\n")?;
        n += 1;
    }
    w.flush()?;
    Ok(n)
}
