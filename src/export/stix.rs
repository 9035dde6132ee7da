// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! A STIX 2.1 bundle: one `indicator` per value with a pattern, one `vulnerability`
//! per CVE, with stable (UUID v5) ids. Source: OASIS STIX 2.1, sections 4 and 9.
//!
//! The look-up services' answers (VirusTotal's verdict, OTX's pulses) are left out:
//! STIX 2.1 has no property of an indicator for another service's verdict on it (an
//! `opinion` is its author's agreement with an object, a `note` free text), and a
//! custom property no reader knows would say less than the JSON Lines export does.

use std::io::{self, Write};

use jiff::Timestamp;
use serde_json::json;

use super::Record;
use crate::model::IndicatorType;
use crate::model::time::rfc3339;
use crate::store::set::{Entry, Store};

/// The STIX pattern of an indicator; `None` for CVEs, which become vulnerabilities.
pub fn stix_pattern(kind: IndicatorType, value: &str) -> Option<String> {
    let v = value.replace('\\', "\\\\").replace('\'', "\\'");
    Some(match kind {
        IndicatorType::Ipv4 => format!("[ipv4-addr:value = '{v}']"),
        IndicatorType::Ipv6 => format!("[ipv6-addr:value = '{v}']"),
        IndicatorType::Cidr if value.contains(':') => format!("[ipv6-addr:value = '{v}']"),
        IndicatorType::Cidr => format!("[ipv4-addr:value = '{v}']"),
        IndicatorType::Domain => format!("[domain-name:value = '{v}']"),
        IndicatorType::Url => format!("[url:value = '{v}']"),
        IndicatorType::Md5 => format!("[file:hashes.MD5 = '{v}']"),
        IndicatorType::Sha1 => format!("[file:hashes.'SHA-1' = '{v}']"),
        IndicatorType::Sha256 => format!("[file:hashes.'SHA-256' = '{v}']"),
        IndicatorType::Email => format!("[email-addr:value = '{v}']"),
        IndicatorType::Cve => return None,
    })
}

/// The UUID v5 namespace of every id we give a STIX object.
pub const STIX_NAMESPACE: uuid::Uuid =
    uuid::Uuid::from_u128(0x6f3c_1d2e_8a4b_4c5d_9e0f_a1b2_c3d4_e5f6);

/// The UUID part of a value's stable STIX id: v5 of `"{type}:{value}"` in
/// [`STIX_NAMESPACE`], the same in every export and in `serve`'s TAXII collections.
pub fn stix_uuid(kind: IndicatorType, value: &str) -> uuid::Uuid {
    let name = format!("{kind}:{value}");
    uuid::Uuid::new_v5(&STIX_NAMESPACE, name.as_bytes())
}

/// A stable STIX id: the same indicator gets the same id in every export.
fn stix_id(prefix: &str, kind: IndicatorType, value: &str) -> String {
    format!("{prefix}--{}", stix_uuid(kind, value))
}

pub(super) fn write_stix<'a, W: Write>(
    store: &'a Store,
    entries: impl Iterator<Item = &'a Entry>,
    out: W,
    now: Timestamp,
) -> io::Result<usize> {
    let now_s = rfc3339(now);
    let mut objects = Vec::new();
    for e in entries {
        let r = Record::new(store, e);
        let created = r.first_seen.clone().unwrap_or_else(|| now_s.clone());
        let mut ext: Vec<serde_json::Value> = r
            .references
            .iter()
            .map(|u| json!({ "source_name": "reference", "url": u }))
            .collect();
        let mut obj = match stix_pattern(e.kind, &e.value) {
            Some(pattern) => {
                let mut o = json!({
                    "type": "indicator",
                    "spec_version": "2.1",
                    "id": stix_id("indicator", e.kind, &e.value),
                    "created": created,
                    "modified": now_s,
                    "name": r.value,
                    "indicator_types": ["malicious-activity"],
                    "pattern": pattern,
                    "pattern_type": "stix",
                    "valid_from": created,
                });
                // STIX 2.1 §3.2 `confidence` (0–100): ours is the score.
                o["confidence"] = json!(r.score);
                o
            }
            None => {
                ext.insert(0, json!({ "source_name": "cve", "external_id": r.value }));
                json!({
                    "type": "vulnerability",
                    "spec_version": "2.1",
                    "id": stix_id("vulnerability", e.kind, &e.value),
                    "created": created,
                    "modified": now_s,
                    "name": r.value,
                })
            }
        };
        if let Some(t) = r.threat {
            obj["description"] = json!(t);
        }
        if !r.tags.is_empty() {
            obj["labels"] = json!(r.tags);
        }
        if !ext.is_empty() {
            obj["external_references"] = json!(ext);
        }
        obj["x_intellisiem_sources"] = json!(r.sources);
        objects.push(obj);
    }
    let n = objects.len();
    let bundle_id = format!(
        "bundle--{}",
        uuid::Uuid::new_v5(&STIX_NAMESPACE, format!("bundle:{now_s}:{n}").as_bytes())
    );
    let bundle = json!({ "type": "bundle", "id": bundle_id, "objects": objects });
    let mut w = io::BufWriter::new(out);
    serde_json::to_writer_pretty(&mut w, &bundle)?;
    w.write_all(b"\n")?;
    w.flush()?;
    Ok(n)
}
