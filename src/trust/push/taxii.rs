// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Sightings to a TAXII 2.1 collection (`taxii` kind): STIX 2.1 `sighting` objects
//! (STIX 2.1 §5.7) POSTed in envelopes to `{url}/collections/{id}/objects/` (TAXII 2.1
//! §5.5 "Add Objects", `Content-Type: application/taxii+json;version=2.1`), with the
//! source's `auth`.
//!
//! - A run first reads the collection (§5.2): one that says `can_write: false` stops
//!   it with that reason. Then it reads the source's stored snapshot for the STIX id of
//!   each indicator (the `taxii` source keeps every object's `id` among its
//!   references): a sighting's `sighting_of_ref` must name an SDO, so a value that came
//!   from no `indicator` (or `vulnerability`) object is passed over.
//! - Each sighting: `sighting_of_ref` the indicator's id, `count` the hits, `first_seen`
//!   and `last_seen` their event times, `where_sighted_refs` and `created_by_ref` our
//!   `identity` (one per store and source, POSTed once). Its id is a UUIDv5 of the
//!   identity, the indicator and the batch, and `created`/`modified` the batch's latest
//!   find, so a repeated request sends the same objects.
//! - A false-positive mark has no STIX 2.1 sighting form: TAXII gets none.
//! - The answer is a status resource (§4.3): while it says `pending`, it is read again
//!   at `{url}/status/{id}/` (a few times, waiting longer each time). An object it
//!   lists as failed that the collection holds at that version (§5.6 "Get an Object")
//!   was added before: a repeat, not a failure.

use std::collections::HashMap;
use std::time::Duration;

use jiff::Timestamp;
use reqwest::header::{ACCEPT, HeaderValue};
use serde_json::{Value, json};
use url::Url;

use super::items::{Finding, PushItem};
use super::{PushError, Sender};
use crate::config::SourceSpec;
use crate::model::IndicatorType;
use crate::net::{NetError, Request};
use crate::sources::taxii::MEDIA_TYPE;
use crate::store::persist::{PushRow, SharedStore};

/// Sightings per envelope at most.
pub const PER_ENVELOPE: usize = 200;

/// Status reads while the server says `pending`, and the first wait between them (it
/// doubles).
const STATUS_POLLS: u32 = 5;
const STATUS_WAIT: Duration = Duration::from_secs(1);

/// Failed objects looked up one by one, at most, to tell a repeat from a failure.
const CHECKS: usize = 50;

/// The STIX object types a sighting may be of (SDOs a `taxii` source reads).
const SIGHTABLE: [&str; 2] = ["indicator--", "vulnerability--"];

/// Our namespace when a stored identity does not read as one.
const NAMESPACE: uuid::Uuid = uuid::Uuid::from_u128(0x2f4e_6a81_93b7_4c1d_8e05_b6a7_c8d9_e0f1);

/// A run's view of one TAXII source: its indicators' STIX ids by value.
#[derive(Debug, Default)]
pub struct Taxii {
    ids: HashMap<(IndicatorType, Box<str>), Vec<Box<str>>>,
}

/// STIX time with milliseconds (STIX 2.1 §3.2: `created`/`modified` at least that).
fn stix_time(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

fn headers(req: Request, spec: &SourceSpec) -> Request {
    let auth = spec
        .auth
        .as_ref()
        .map(crate::config::SourceAuth::header_value);
    req.with_header(ACCEPT, HeaderValue::from_static(MEDIA_TYPE))
        .with_secret("authorization", auth.as_ref())
}

fn collection_url(spec: &SourceSpec, rest: &str) -> Result<Url, PushError> {
    let id = spec.collection.as_deref().unwrap_or_default();
    let enc: String = url::form_urlencoded::byte_serialize(id.as_bytes()).collect();
    crate::sources::join(&spec.url, &format!("collections/{enc}/{rest}"))
        .ok_or_else(|| PushError::Other("the TAXII URL or collection cannot form a path".into()))
}

/// A refusal said plainly, scrubbed of the configured secrets (a server may echo them).
fn refused(e: PushError, spec: &SourceSpec) -> PushError {
    match e {
        PushError::Net(NetError::Auth { status, detail, .. }) => {
            use secrecy::ExposeSecret;
            let detail = spec
                .auth
                .iter()
                .flat_map(|a| a.secrets())
                .fold(detail, |t, s| {
                    crate::net::redact::scrub(&t, s.expose_secret())
                });
            let said = if detail.is_empty() {
                String::new()
            } else {
                format!(": {detail}")
            };
            PushError::Refused(format!(
                "the TAXII server refused to let source `{}` add objects (HTTP {status}{said}); \
                 check its `auth` and that it may write to the collection",
                spec.name
            ))
        }
        e => e,
    }
}

impl Taxii {
    /// Checks that the collection takes objects, and reads the STIX ids of the source's
    /// indicators from its stored snapshot.
    pub async fn prepare(
        &mut self,
        sender: &Sender<'_>,
        spec: &SourceSpec,
        store: &SharedStore,
    ) -> Result<(), PushError> {
        let url = collection_url(spec, "")?;
        let resp = sender
            .send(&headers(Request::get(url), spec))
            .await
            .map_err(|e| refused(e, spec))?;
        let info: Value = serde_json::from_slice(&resp.body).unwrap_or(Value::Null);
        if info.get("can_write").and_then(Value::as_bool) == Some(false) {
            return Err(PushError::Refused(format!(
                "the TAXII collection of source `{}` does not let this account add objects \
                 (can_write: false)",
                spec.name
            )));
        }
        self.ids.clear();
        for s in store.load_source(spec.name.clone()).await? {
            let sdos = s
                .obs
                .references
                .iter()
                .filter(|r| SIGHTABLE.iter().any(|p| r.starts_with(p)));
            for r in sdos {
                let ids = self.ids.entry((s.kind, s.value.clone())).or_default();
                if !ids.iter().any(|i| **i == **r) {
                    ids.push(r.as_ref().into());
                }
            }
        }
        Ok(())
    }

    /// Our identity object (`identity_class: system`; one per store and source).
    pub fn identity(&self, row: &PushRow) -> Value {
        let created = Timestamp::from_millisecond(row.created_ms).unwrap_or(Timestamp::UNIX_EPOCH);
        json!({
            "type": "identity",
            "spec_version": "2.1",
            "id": row.identity,
            "created": stix_time(created),
            "modified": stix_time(created),
            "name": "IntelliSIEM",
            "description": "Sightings of this collection's indicators in the logs of an IntelliSIEM user",
            "identity_class": "system",
        })
    }

    /// The sightings of `items` (of the batch named `batch`), in a fixed order, and how
    /// many items have no indicator id to sight.
    pub fn sightings(&self, items: &[PushItem], batch: &str, row: &PushRow) -> (Vec<Value>, u64) {
        let ns = row
            .identity
            .strip_prefix("identity--")
            .and_then(|u| uuid::Uuid::parse_str(u).ok())
            .unwrap_or(NAMESPACE);
        let mut out = Vec::new();
        let mut passed = 0;
        for item in items {
            // STIX 2.1 has no sighting of a false positive.
            if item.finding != Finding::Sighted {
                passed += 1;
                continue;
            }
            let Some(ids) = self.ids.get(&(item.kind, item.value.clone())) else {
                passed += 1;
                continue;
            };
            for of in ids {
                let name = format!("sighting\0{batch}\0{of}\0{:?}", item.finding);
                let id = uuid::Uuid::new_v5(&ns, name.as_bytes());
                out.push(json!({
                    "type": "sighting",
                    "spec_version": "2.1",
                    "id": format!("sighting--{id}"),
                    "created": stix_time(item.found),
                    "modified": stix_time(item.found),
                    "created_by_ref": row.identity,
                    "sighting_of_ref": of,
                    "count": item.count.min(999_999_999),
                    "first_seen": stix_time(item.first_seen),
                    "last_seen": stix_time(item.last_seen),
                    "where_sighted_refs": [row.identity],
                }));
            }
        }
        (out, passed)
    }

    /// POSTs `objects` in one envelope; the objects the collection now holds.
    pub async fn add(
        &self,
        sender: &Sender<'_>,
        spec: &SourceSpec,
        objects: &[Value],
    ) -> Result<u64, PushError> {
        if objects.is_empty() {
            return Ok(0);
        }
        let url = collection_url(spec, "objects/")?;
        let body = json!({ "objects": objects }).to_string().into_bytes();
        let req = headers(
            Request::post(url, body, HeaderValue::from_static(MEDIA_TYPE)),
            spec,
        );
        let resp = sender.send(&req).await.map_err(|e| refused(e, spec))?;
        let mut status: Value = serde_json::from_slice(&resp.body).map_err(|e| {
            PushError::NotTaken(format!(
                "the TAXII server's answer is not a status resource: {}",
                crate::model::sanitize::one_line(&e.to_string(), 120)
            ))
        })?;
        let mut wait = STATUS_WAIT;
        for _ in 0..STATUS_POLLS {
            if status.get("status").and_then(Value::as_str) != Some("pending") {
                break;
            }
            let Some(id) = status.get("id").and_then(Value::as_str) else {
                break;
            };
            tokio::time::sleep(wait).await;
            wait *= 2;
            let enc: String = url::form_urlencoded::byte_serialize(id.as_bytes()).collect();
            let Some(url) = crate::sources::join(&spec.url, &format!("status/{enc}/")) else {
                break;
            };
            let resp = sender.send(&headers(Request::get(url), spec)).await?;
            status = serde_json::from_slice(&resp.body).unwrap_or(status);
        }
        let n = |k: &str| status.get(k).and_then(Value::as_u64).unwrap_or(0);
        let taken = n("success_count") + n("pending_count");
        if n("failure_count") == 0 {
            return Ok(taken);
        }
        let failures: Vec<&Value> = status
            .get("failures")
            .and_then(Value::as_array)
            .map(|a| a.iter().collect())
            .unwrap_or_default();
        let mut repeats: u64 = 0;
        let mut failed = Vec::new();
        for f in &failures {
            let id = f.get("id").and_then(Value::as_str).unwrap_or_default();
            let sent = objects.iter().find(|o| o["id"] == id);
            let held = match sent {
                Some(o) if repeats as usize + failed.len() < CHECKS => {
                    self.holds(sender, spec, o).await?
                }
                _ => false,
            };
            if held {
                repeats += 1;
            } else {
                let said = f
                    .get("message")
                    .and_then(Value::as_str)
                    .unwrap_or("no reason given");
                failed.push(format!(
                    "{}: {}",
                    crate::model::sanitize::one_line(id, 80),
                    crate::model::sanitize::one_line(said, 120)
                ));
            }
        }
        if failed.is_empty() && failures.len() as u64 == n("failure_count") {
            return Ok(taken + repeats);
        }
        Err(PushError::NotTaken(format!(
            "the TAXII server did not add {} of {} objects ({})",
            n("failure_count").saturating_sub(repeats),
            objects.len(),
            failed.first().map_or("no failures listed", String::as_str)
        )))
    }

    /// Whether the collection holds `object` at its version.
    async fn holds(
        &self,
        sender: &Sender<'_>,
        spec: &SourceSpec,
        object: &Value,
    ) -> Result<bool, PushError> {
        let Some(id) = object.get("id").and_then(Value::as_str) else {
            return Ok(false);
        };
        let enc: String = url::form_urlencoded::byte_serialize(id.as_bytes()).collect();
        let url = collection_url(spec, &format!("objects/{enc}/"))?;
        let resp = match sender.send(&headers(Request::get(url), spec)).await {
            Ok(r) => r,
            Err(PushError::Net(NetError::Status { status: 404, .. })) => return Ok(false),
            Err(e) => return Err(e),
        };
        let env: Value = serde_json::from_slice(&resp.body).unwrap_or(Value::Null);
        Ok(env
            .get("objects")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .any(|o| o["id"] == object["id"] && o["modified"] == object["modified"]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> PushRow {
        PushRow {
            identity: "identity--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f".into(),
            created_ms: 1_800_000_000_000,
            ..PushRow::default()
        }
    }

    fn item(v: &str) -> PushItem {
        let t = |s| Timestamp::from_second(s).unwrap();
        PushItem {
            finding: Finding::Sighted,
            kind: IndicatorType::Domain,
            value: v.into(),
            source: "isac".into(),
            count: 3,
            first_seen: t(1_800_000_100),
            last_seen: t(1_800_000_200),
            found: t(1_800_000_300),
        }
    }

    #[test]
    fn a_sighting_names_the_indicator_and_us_and_is_the_same_object_when_repeated() {
        let mut t = Taxii::default();
        let ind = "indicator--0b0e0c9a-1c2d-4e5f-8a9b-000000000001";
        t.ids.insert(
            (IndicatorType::Domain, "bad.example".into()),
            vec![ind.into()],
        );
        let items = [item("bad.example"), item("unknown.example")];
        let (objects, passed) = t.sightings(&items, "hits:1-9", &row());
        assert_eq!((objects.len(), passed), (1, 1));
        let s = &objects[0];
        assert_eq!(s["sighting_of_ref"], ind);
        assert_eq!(s["count"], 3);
        assert_eq!(s["first_seen"], "2027-01-15T08:01:40.000Z");
        assert_eq!(s["last_seen"], "2027-01-15T08:03:20.000Z");
        assert_eq!(s["where_sighted_refs"], json!([row().identity]));
        assert_eq!(s["created_by_ref"], row().identity);
        let (again, _) = t.sightings(&items, "hits:1-9", &row());
        assert_eq!(again[0], objects[0], "a repeat is the same object");
        let (other, _) = t.sightings(&items, "hits:10-12", &row());
        assert_ne!(
            other[0]["id"], objects[0]["id"],
            "another batch, another sighting"
        );
        let id = t.identity(&row());
        assert_eq!(id["id"], row().identity);
        assert_eq!(id["created"], "2027-01-15T08:00:00.000Z");
    }
}
