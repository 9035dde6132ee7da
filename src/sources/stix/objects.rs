// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! STIX 2.1 objects (STIX 2.1 §4–§6) to sightings. Each object is one group, keyed by
//! its `id`, so a later version (or a revocation) replaces what an earlier one gave:
//!
//! - `indicator` with `pattern_type: stix` and a pattern in [`super::pattern`]'s subset:
//!   `name` → threat, `labels` → tags, `confidence` (0–100), `valid_from` → first seen,
//!   `modified` → last seen, the `id` as a reference. `revoked: true` or a `valid_until`
//!   in the past gives an empty group (the indicator is removed); a `valid_until` in the
//!   future is the group's expiry ([`Expiries`]), after which the store no longer
//!   reads it (an incremental fetch never delivers the object again).
//! - SCOs `ipv4-addr`, `ipv6-addr`, `domain-name`, `url`, `email-addr` (`value`) and
//!   `file` (`hashes` MD5 / SHA-1 / SHA-256).
//! - `vulnerability` with an external reference of `source_name: cve`.
//!
//! Other object types (relationships, identities, reports, ...) are passed over
//! without being counted: they hold no indicator values.

use std::collections::HashMap;
use std::ops::Range;

use jiff::Timestamp;
use serde_json::Value;
use thin_vec::ThinVec;

use super::pattern::{self, Refused};
use crate::model::time::{Secs, parse_time};
use crate::model::{IndicatorType, Observation};
use crate::sources::{BatchBuilder, ParsedBatch, SkipReason};

/// The object types a TAXII request asks for (`match[type]`).
pub const TYPES: &str =
    "indicator,vulnerability,ipv4-addr,ipv6-addr,domain-name,url,email-addr,file";

/// Groups of a batch: an object id with its range of sightings.
pub type Groups = Vec<(String, Range<usize>)>;

/// The groups that lapse: object id → its indicator's future `valid_until`.
pub type Expiries = HashMap<String, Timestamp>;

/// Objects read so far: one group per object id, the newest version winning.
#[derive(Default)]
pub struct Objects {
    latest: HashMap<String, Latest>,
    order: Vec<String>,
}

/// The version of an object that counts so far.
struct Latest {
    /// Its range in the batch.
    range: Range<usize>,
    modified: Option<Timestamp>,
    /// Its `valid_until`, when that is after the fetch.
    expires: Option<Timestamp>,
}

fn s<'a>(o: &'a Value, k: &str) -> Option<&'a str> {
    o.get(k).and_then(Value::as_str)
}

fn strs<'a>(o: &'a Value, k: &str) -> impl Iterator<Item = &'a str> {
    o.get(k)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
}

impl Objects {
    /// Reads one object into `b`. `now` decides whether `valid_until` has passed (the
    /// indicator is dropped) or is still ahead (it is the group's expiry).
    pub fn take(&mut self, o: &Value, b: &mut BatchBuilder, now: Timestamp) {
        let (Some(id), Some(ty)) = (s(o, "id"), s(o, "type")) else {
            b.skip(SkipReason::MissingField, "STIX object without id or type");
            return;
        };
        let start = b.batch.sightings.len();
        let modified = s(o, "modified").and_then(parse_time);
        let reference = b.strings.get(id);
        let mut obs = Observation {
            references: reference.into_iter().collect::<ThinVec<_>>(),
            last_seen: modified.and_then(Secs::new),
            ..Default::default()
        };
        let revoked = o.get("revoked").and_then(Value::as_bool) == Some(true);
        let valid_until = match ty {
            "indicator" if !revoked => s(o, "valid_until").and_then(parse_time),
            _ => None,
        };
        match ty {
            _ if revoked => {}
            // Past its validity: an empty group, which removes it.
            "indicator" if valid_until.is_some_and(|t| t <= now) => {}
            "indicator" => take_indicator(o, b, obs),
            "vulnerability" => {
                obs.threat = s(o, "name").and_then(|n| b.strings.get(n));
                let cves: Vec<String> = o
                    .get("external_references")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter(|r| s(r, "source_name").is_some_and(|n| n.eq_ignore_ascii_case("cve")))
                    .filter_map(|r| s(r, "external_id").map(String::from))
                    .collect();
                if cves.is_empty() {
                    b.skip(
                        SkipReason::Unsupported("STIX vulnerability without a CVE"),
                        id,
                    );
                }
                for c in cves {
                    b.push(IndicatorType::Cve, &c, obs.clone());
                }
            }
            "file" => {
                let hashes = o.get("hashes").and_then(Value::as_object);
                let mut any = false;
                for (name, v) in hashes.into_iter().flatten() {
                    let kind = match name.to_ascii_uppercase().replace('-', "").as_str() {
                        "MD5" => IndicatorType::Md5,
                        "SHA1" => IndicatorType::Sha1,
                        "SHA256" => IndicatorType::Sha256,
                        _ => continue,
                    };
                    if let Some(v) = v.as_str() {
                        any = true;
                        b.push(kind, v, obs.clone());
                    }
                }
                if !any {
                    b.skip(
                        SkipReason::Unsupported("STIX file without MD5/SHA-1/SHA-256"),
                        id,
                    );
                }
            }
            "ipv4-addr" | "ipv6-addr" | "domain-name" | "url" | "email-addr" => {
                let Some(v) = s(o, "value") else {
                    b.skip(SkipReason::MissingField, id);
                    return;
                };
                let kind = match ty {
                    "ipv4-addr" if v.contains('/') => IndicatorType::Cidr,
                    "ipv6-addr" if v.contains('/') => IndicatorType::Cidr,
                    "ipv4-addr" => IndicatorType::Ipv4,
                    "ipv6-addr" => IndicatorType::Ipv6,
                    "domain-name" => IndicatorType::Domain,
                    "url" => IndicatorType::Url,
                    _ => IndicatorType::Email,
                };
                b.push(kind, v, obs);
            }
            _ => return,
        }
        let version = Latest {
            range: start..b.batch.sightings.len(),
            modified,
            expires: valid_until.filter(|t| *t > now),
        };
        match self.latest.get_mut(id) {
            Some(latest) => {
                // Same object seen again: the newer version wins, its validity too.
                if version.modified >= latest.modified {
                    *latest = version;
                }
            }
            None => {
                self.order.push(id.to_string());
                self.latest.insert(id.to_string(), version);
            }
        }
    }

    /// How many distinct objects were read.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Whether no object was read.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// The batch with one group per object id (the newest version's sightings), and
    /// the expiry of each group whose indicator is valid until a later time.
    pub fn finish(self, b: BatchBuilder) -> (ParsedBatch, Groups, Expiries) {
        let mut batch = b.finish();
        let all = std::mem::take(&mut batch.sightings);
        let mut slots: Vec<Option<crate::model::Sighting>> = all.into_iter().map(Some).collect();
        let mut groups = Vec::with_capacity(self.order.len());
        let mut expires = Expiries::new();
        for id in self.order {
            let Some(latest) = self.latest.get(&id) else {
                continue;
            };
            let start = batch.sightings.len();
            for i in latest.range.clone() {
                if let Some(s) = slots.get_mut(i).and_then(Option::take) {
                    batch.sightings.push(s);
                }
            }
            if let Some(t) = latest.expires {
                expires.insert(id.clone(), t);
            }
            groups.push((id, start..batch.sightings.len()));
        }
        (batch, groups, expires)
    }
}

/// A valid indicator (not revoked, not past its `valid_until`).
fn take_indicator(o: &Value, b: &mut BatchBuilder, mut obs: Observation) {
    let id = s(o, "id").unwrap_or_default();
    if s(o, "pattern_type").is_some_and(|t| t != "stix") {
        b.skip(
            SkipReason::Unsupported("STIX indicator with another pattern_type"),
            id,
        );
        return;
    }
    let Some(p) = s(o, "pattern") else {
        b.skip(SkipReason::MissingField, id);
        return;
    };
    let pairs = match pattern::parse(p) {
        Ok(pairs) => pairs,
        Err(Refused::Unsupported(why)) => return b.skip(SkipReason::Unsupported(why), p),
        Err(Refused::Syntax) => return b.skip(SkipReason::Malformed, p),
    };
    obs.threat = s(o, "name").and_then(|n| b.strings.get(n));
    let tags: Vec<_> = strs(o, "labels").filter_map(|t| b.strings.get(t)).collect();
    obs.tags = b.strings.tags(tags.into());
    obs.confidence = o
        .get("confidence")
        .and_then(Value::as_u64)
        .filter(|c| *c <= 100)
        .map(|c| c as u8);
    obs.first_seen = s(o, "valid_from").and_then(parse_time).and_then(Secs::new);
    for (kind, v) in pairs {
        let kind = match kind {
            IndicatorType::Ipv4 | IndicatorType::Ipv6 if v.contains('/') => IndicatorType::Cidr,
            k => k,
        };
        b.push(kind, &v, obs.clone());
    }
}

/// Parses a STIX bundle or a TAXII envelope (both hold `objects`) as one document.
pub fn parse_document(
    body: &[u8],
    now: Timestamp,
) -> Result<(ParsedBatch, Groups, Expiries), crate::sources::ParseError> {
    let doc: Value =
        serde_json::from_slice(body).map_err(|e| crate::sources::ParseError::json(&e))?;
    let objects = doc.get("objects").and_then(Value::as_array);
    if objects.is_none() && !doc.is_object() {
        return Err(crate::sources::ParseError::Shape(
            "expected a STIX bundle or TAXII envelope".into(),
        ));
    }
    let mut b = BatchBuilder::new();
    let mut acc = Objects::default();
    for o in objects.into_iter().flatten() {
        acc.take(o, &mut b, now);
    }
    Ok(acc.finish(b))
}
