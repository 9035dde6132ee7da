// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! A MISP feed as public OSINT feeds publish it (static files under `url`):
//! `manifest.json` (event uuid → `{info, timestamp, ...}`) and one `<uuid>.json`
//! (`{"Event": {...}}`) per event (MISP core format; PyMISP `tools/feed.py`).
//!
//! The first fetch reads every event; later fetches read only events whose manifest
//! `timestamp` (epoch seconds, a string or an integer) is newer than the stored
//! cursor, and replace those events as a whole (one group per event uuid). Attributes
//! are read from `Event.Attribute[]` and `Event.Object[].Attribute[]` with the mapping
//! of [`super::misp`]. Events removed from the manifest stay until the next full
//! fetch (a cache reset). An event the server refuses or that does not parse is skipped
//! (counted, and named in the log) and its stored version stays; the cursor stays
//! before it, so the next fetch asks for it again. A transport failure fails the fetch.

use jiff::Timestamp;
use serde_json::Value;

use super::misp::{event_context, str_or_num, take_attribute};
use super::misp_json;
use super::{BatchBuilder, FetchContext, FetchError, FetchOutput, ParseError, ParsedBatch, Prior};
use crate::config::SourceSpec;
use crate::config::kind::{Field, KeyUse, KindInfo, minutes};
use crate::model::time::epoch;
use crate::net::Request;
use futures_util::future::BoxFuture;

/// Most events read in one fetch.
pub const MAX_EVENTS: usize = 20_000;

/// One manifest entry: the event uuid and its last change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestEntry {
    pub uuid: String,
    pub timestamp: i64,
}

/// Whether `u` is an event uuid safe to put in a path (hex digits and `-`).
fn safe_uuid(u: &str) -> bool {
    !u.is_empty() && u.len() <= 64 && u.bytes().all(|c| c.is_ascii_hexdigit() || c == b'-')
}

/// Reads `manifest.json`, oldest first. Entries with a bad uuid or no timestamp are
/// counted in the second value.
pub fn parse_manifest(body: &[u8]) -> Result<(Vec<ManifestEntry>, usize), ParseError> {
    let v: Value = serde_json::from_slice(body).map_err(|e| ParseError::json(&e))?;
    let map = v.as_object().ok_or_else(|| {
        ParseError::Shape("expected a MISP feed manifest (an object keyed by event uuid)".into())
    })?;
    let mut bad = 0;
    let mut out = Vec::with_capacity(map.len());
    for (uuid, meta) in map {
        let ts = str_or_num(meta.get("timestamp")).and_then(|t| t.trim().parse::<i64>().ok());
        match ts {
            Some(timestamp) if safe_uuid(uuid) => out.push(ManifestEntry {
                uuid: uuid.to_ascii_lowercase(),
                timestamp,
            }),
            _ => bad += 1,
        }
    }
    out.sort_by(|a, b| a.timestamp.cmp(&b.timestamp).then(a.uuid.cmp(&b.uuid)));
    Ok((out, bad))
}

/// Reads one event document (`{"Event": {...}}`) into `b`, as a stream: the head
/// first, then each attribute as the parser meets it, so memory stays bounded by the
/// body and what is kept ([`super::misp_json`]).
pub fn parse_event_into(
    body: &[u8],
    to_ids_only: bool,
    b: &mut BatchBuilder,
) -> Result<(), ParseError> {
    let head = misp_json::event_head(body)
        .map_err(|e| ParseError::json(&e))?
        .ok_or_else(|| ParseError::Shape("expected a MISP event (`{\"Event\": {...}}`)".into()))?;
    let ctx = event_context(&head, b);
    misp_json::event_attributes(body, &mut |a, object_deleted| {
        take_attribute(a, &ctx, to_ids_only, object_deleted, b)
    })
    .map_err(|e| ParseError::json(&e))
}

/// Fetches the manifest, then each event changed since `prior.cursor`.
pub async fn fetch(
    ctx: &FetchContext,
    spec: &SourceSpec,
    prior: &Prior,
) -> Result<FetchOutput, FetchError> {
    let bad_url = || FetchError::Refused("the MISP feed URL cannot take a path".into());
    let manifest_url = super::join(&spec.url, "manifest.json").ok_or_else(bad_url)?;
    let resp = ctx.http.send(&Request::get(manifest_url)).await?.ok()?;
    let mut out = FetchOutput {
        requests: 1,
        bytes: resp.body.len() as u64,
        ..Default::default()
    };
    let (entries, bad) = parse_manifest(&resp.body)?;
    let since = prior.cursor.map(Timestamp::as_second);
    let wanted: Vec<&ManifestEntry> = entries
        .iter()
        .filter(|e| since.is_none_or(|s| e.timestamp > s))
        .collect();
    if wanted.len() > MAX_EVENTS {
        return Err(ParseError::Shape(format!(
            "the MISP feed lists {} changed events, more than {MAX_EVENTS}",
            wanted.len()
        ))
        .into());
    }
    tracing::debug!(
        source = %spec.name,
        events = entries.len(),
        changed = wanted.len(),
        "MISP feed manifest read"
    );
    let mut b = BatchBuilder::new();
    for _ in 0..bad {
        b.skip(super::SkipReason::Malformed, "manifest entry");
    }
    // The oldest event that could not be read: the cursor stays before it, so the next
    // fetch asks for it again.
    let mut failed: Option<i64> = None;
    for e in wanted {
        let url = super::join(&spec.url, &format!("{}.json", e.uuid)).ok_or_else(bad_url)?;
        // A transport failure fails the fetch; one event the server refuses or that does
        // not parse is skipped (its stored version stays) and named in the log.
        let resp = ctx.http.send(&Request::get(url)).await?;
        out.requests += 1;
        out.bytes += resp.body.len() as u64;
        let start = b.batch.sightings.len();
        let read = resp.ok().map_err(|e| e.to_string()).and_then(|r| {
            parse_event_into(&r.body, spec.to_ids_only, &mut b).map_err(|e| e.to_string())
        });
        match read {
            Ok(()) => out
                .groups
                .push((e.uuid.clone(), start..b.batch.sightings.len())),
            Err(why) => {
                b.batch.sightings.truncate(start);
                b.skip(super::SkipReason::Malformed, &format!("event {}", e.uuid));
                tracing::warn!(
                    source = %spec.name,
                    "MISP feed event {}.json skipped: {}",
                    e.uuid,
                    crate::model::sanitize::one_line(&why, 300)
                );
                failed = Some(failed.map_or(e.timestamp, |f| f.min(e.timestamp)));
            }
        }
    }
    out.batch = b.finish();
    out.incremental = prior.cursor.is_some();
    let newest = entries.iter().map(|e| e.timestamp).max();
    let newest = match failed {
        Some(f) => newest.map(|n| n.min(f - 1)),
        None => newest,
    };
    out.cursor = newest.and_then(epoch).max(prior.cursor).or(prior.cursor);
    Ok(out)
}

/// The `misp_feed` kind.
pub static KIND: KindInfo = KindInfo {
    name: "misp_feed",
    key_use: KeyUse::None,
    default_url: None,
    default_api_url: None,
    default_refresh: minutes(60),
    min_refresh: minutes(10),
    default_lookback: std::time::Duration::from_secs(30 * 86_400),
    default_page_size: 50,
    fields: &[Field::ToIdsOnly],
    default_weight: 60,
};

/// The `misp_feed` kind's driver.
pub struct MispFeed;

impl super::registry::Driver for MispFeed {
    fn info(&self) -> &'static KindInfo {
        &KIND
    }

    /// One event document.
    fn parse(&self, spec: &SourceSpec, body: &[u8]) -> Result<ParsedBatch, ParseError> {
        let mut b = BatchBuilder::new();
        parse_event_into(body, spec.to_ids_only, &mut b)?;
        Ok(b.finish())
    }

    fn fetch<'a>(
        &'a self,
        ctx: &'a FetchContext,
        spec: &'a SourceSpec,
        prior: &'a Prior,
    ) -> BoxFuture<'a, Result<FetchOutput, FetchError>> {
        Box::pin(fetch(ctx, spec, prior))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::IndicatorType;
    use crate::sources::SkipReason;
    use crate::sources::test_util::{find, fixture};

    #[test]
    fn an_event_gives_attributes_objects_and_composites() {
        let mut b = BatchBuilder::new();
        parse_event_into(
            &fixture("misp/5f0c3e1a-7b2d-4c8e-9a11-2b3c4d5e6f70.json"),
            true,
            &mut b,
        )
        .unwrap();
        let batch = b.finish();
        let c2 = find(&batch, "198.51.100.7");
        assert_eq!(c2.obs.ports.as_slice(), [4643]);
        assert_eq!(c2.obs.threat.as_deref(), Some("ThreatFox IOCs 2026-11-29"));
        let tags: Vec<&str> = c2.obs.tags.iter().map(|t| &**t).collect();
        assert!(
            tags.contains(&"tlp:clear") && tags.contains(&"misp-galaxy:malpedia=\"Dridex\""),
            "{tags:?}"
        );
        assert_eq!(
            &*c2.obs.references[0],
            "5f0c3e1a-7b2d-4c8e-9a11-2b3c4d5e6f70"
        );
        assert_eq!(find(&batch, "bad.example").kind, IndicatorType::Domain);
        assert_eq!(find(&batch, "192.0.2.66").kind, IndicatorType::Ipv4);
        assert_eq!(find(&batch, &"e".repeat(64)).kind, IndicatorType::Sha256);
        assert_eq!(find(&batch, "CVE-2026-4242").kind, IndicatorType::Cve);
        assert!(
            !batch
                .sightings
                .iter()
                .any(|s| &*s.value == "notids.example")
        );
        assert_eq!(
            batch
                .skipped
                .count(SkipReason::Unsupported("MISP attribute with to_ids false")),
            2
        );
        assert_eq!(batch.skipped.count(SkipReason::UnsupportedType), 1);
        let mut all = BatchBuilder::new();
        parse_event_into(
            &fixture("misp/5f0c3e1a-7b2d-4c8e-9a11-2b3c4d5e6f70.json"),
            false,
            &mut all,
        )
        .unwrap();
        assert!(
            all.finish()
                .sightings
                .iter()
                .any(|s| &*s.value == "notids.example")
        );
    }

    #[test]
    fn the_manifest_takes_string_and_integer_timestamps() {
        let (e, bad) = parse_manifest(&fixture("misp/manifest.json")).unwrap();
        assert_eq!(bad, 0);
        assert_eq!(e.len(), 2);
        assert!(e.iter().all(|e| e.timestamp > 0));
        let (_, bad) = parse_manifest(br#"{"../etc": {"timestamp": "1"}, "ab": {}}"#).unwrap();
        assert_eq!(bad, 2);
        assert!(parse_manifest(b"[]").is_err());
    }
}
