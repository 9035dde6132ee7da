// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! A version as a STIX 2.1 object (OASIS STIX 2.1: `indicator` §4.7, `vulnerability`
//! §4.18, `identity` §4.5, `sighting` §5.2), written straight to JSON.

use std::sync::Arc;

use serde::Serialize;

use super::ledger::{Object, Version, us_uuid};
use super::micros;
use crate::export::stix::stix_pattern;
use crate::model::IndicatorType;
use crate::serve::snapshot::Snapshot;

/// `created` of our identity: fixed, so its only version never changes (2026-01-01).
pub const US_CREATED: i64 = 1_767_225_600_000_000;

#[derive(Serialize)]
struct Reference<'a> {
    source_name: &'static str,
    external_id: &'a str,
}

/// The properties every object we write may have; absent ones are left out.
#[derive(Serialize, Default)]
struct Stix<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    spec_version: &'static str,
    id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    created_by_ref: Option<String>,
    created: String,
    modified: String,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    revoked: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    identity_class: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    indicator_types: Option<[&'static str; 1]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pattern: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pattern_type: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pattern_version: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    valid_from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    valid_until: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    confidence: Option<u8>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    labels: &'a [Arc<str>],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    external_references: Vec<Reference<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sighting_of_ref: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    count: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    first_seen: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_seen: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    where_sighted_refs: Vec<String>,
}

/// The STIX type of a version's object.
pub fn stix_type(v: &Version) -> &'static str {
    match &v.object {
        Object::Us | Object::Sensor(_) => "identity",
        Object::Value {
            kind: IndicatorType::Cve,
            ..
        } => "vulnerability",
        Object::Value { .. } => "indicator",
        Object::Sighting(_) => "sighting",
    }
}

/// The STIX id of a version's object (`type--uuid`).
pub fn stix_id(v: &Version) -> String {
    format!("{}--{}", stix_type(v), uuid::Uuid::from_u128(v.id))
}

fn us_ref() -> String {
    format!("identity--{}", uuid::Uuid::from_u128(us_uuid()))
}

/// Writes `v` as one JSON object onto `out`; `snap` holds its row.
pub fn write(v: &Version, snap: &Snapshot, out: &mut Vec<u8>) -> serde_json::Result<()> {
    let mut o = Stix {
        kind: stix_type(v),
        spec_version: "2.1",
        id: stix_id(v),
        created: micros(v.created),
        modified: micros(v.modified),
        revoked: v.revoked,
        ..Stix::default()
    };
    match &v.object {
        Object::Us => {
            o.name = Some("IntelliSIEM");
            o.identity_class = Some("system");
            o.description = Some("The merged, scored set of an IntelliSIEM deployment");
        }
        Object::Sensor(name) => {
            o.name = Some(name);
            o.identity_class = Some("system");
            o.created_by_ref = Some(us_ref());
        }
        Object::Sighting(s) => {
            o.created_by_ref = Some(us_ref());
            let of = if s.vulnerability {
                "vulnerability"
            } else {
                "indicator"
            };
            o.sighting_of_ref = Some(format!("{of}--{}", uuid::Uuid::from_u128(s.indicator)));
            o.count = Some(s.count.min(999_999_999));
            o.first_seen = Some(micros(s.first.saturating_mul(1_000_000)));
            o.last_seen = Some(micros(s.last.saturating_mul(1_000_000)));
            o.where_sighted_refs = vec![format!(
                "identity--{}",
                uuid::Uuid::from_u128(super::ledger::sensor_uuid(&s.sensor))
            )];
        }
        Object::Value { kind, value } => {
            o.created_by_ref = Some(us_ref());
            o.name = Some(value);
            let row = snap
                .rows
                .get(v.row as usize)
                .filter(|r| !v.revoked && r.kind == *kind && r.value == *value);
            match stix_pattern(*kind, value) {
                Some(pattern) => {
                    o.indicator_types = Some(["malicious-activity"]);
                    o.pattern = Some(pattern);
                    o.pattern_type = Some("stix");
                    o.pattern_version = Some("2.1");
                    o.valid_from = Some(micros(v.created));
                    o.confidence = Some(v.confidence);
                    if let Some(until) = v.valid_until {
                        let until = until.saturating_mul(1_000_000);
                        if until > v.created {
                            o.valid_until = Some(micros(until));
                        }
                    }
                }
                None => {
                    o.external_references = vec![Reference {
                        source_name: "cve",
                        external_id: value,
                    }];
                }
            }
            // No source names: a credential for one source's collection would learn
            // which other sources hold the value.
            if let Some(r) = row {
                o.description = r.threat.as_deref();
                o.labels = &r.labels;
            }
        }
    }
    serde_json::to_writer(out, &o)
}
