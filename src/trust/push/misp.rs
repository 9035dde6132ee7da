// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Sightings to a MISP instance (`misp` kind): `POST {url}/sightings/add` with the
//! `Authorization` key the source fetches with and `{"values": [...], "type": "0",
//! "source": "intellisiem", "timestamp": <Unix seconds>}` (MISP OpenAPI, "Add sightings
//! of a list of values"; `SightingsController::add` reads `values`, `type`, `source` and
//! `timestamp`). MISP adds one sighting to every attribute whose value is one of
//! `values`, all at the one `timestamp`, of the one `type` (`0` sighting, `1` false
//! positive).
//!
//! So one request carries the values of one finding reported in one minute: items are
//! grouped by finding and the UTC minute of their latest event, and each group is sent
//! at the latest time in it ([`calls`]). An indicator hit many times in a batch is one
//! sighting at its latest hit (MISP's sightings have no count).
//!
//! MISP answers a request none of whose values it holds with HTTP 403 and `errors: "No
//! valid attributes found that match the criteria."`: that is no refusal, the values
//! are passed over ([`Answer::NoneHeld`]). Any other 401/403 stops the push with
//! MISP's reason. A sighting has no id MISP could tell a repeat by, so a request that
//! got no answer is never sent again ([`crate::net::Request::without_resend`]).

use jiff::Timestamp;
use reqwest::header::{ACCEPT, HeaderValue};
use secrecy::SecretString;
use serde_json::{Value, json};
use url::Url;

use super::items::{Finding, PushItem};
use super::{PushError, Sender};
use crate::net::{NetError, Request};

/// The `source` of every sighting we add: what saw it.
pub const SIGHTING_SOURCE: &str = "intellisiem";

/// MISP's reason when it holds none of the values (`Sighting::saveSightings`).
const NONE_HELD: &str = "No valid attributes found";

/// One `/sightings/add` request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    pub finding: Finding,
    /// When the values were seen (the latest event of the group).
    pub timestamp: Timestamp,
    /// The values, each once, in order.
    pub values: Vec<Box<str>>,
}

/// The requests for `items`, in a fixed order: one per finding and UTC minute of the
/// items' latest events, at the latest time in it.
pub fn calls(items: &[PushItem]) -> Vec<Call> {
    let mut groups: std::collections::BTreeMap<(Finding, i64), Call> = Default::default();
    for i in items {
        let minute = i.time().as_second().div_euclid(60);
        let c = groups.entry((i.finding, minute)).or_insert_with(|| Call {
            finding: i.finding,
            timestamp: i.time(),
            values: Vec::new(),
        });
        c.timestamp = c.timestamp.max(i.time());
        c.values.push(i.value.clone());
    }
    groups
        .into_values()
        .map(|mut c| {
            c.values.sort();
            c.values.dedup();
            c
        })
        .collect()
}

/// The request body of `call`.
pub fn body(call: &Call) -> Value {
    json!({
        "values": call.values,
        "type": call.finding.misp_type(),
        "source": SIGHTING_SOURCE,
        "timestamp": call.timestamp.as_second(),
    })
}

/// What MISP did with one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// It took the request: this many values were sent.
    Added(u64),
    /// It holds none of this many values.
    NoneHeld(u64),
}

/// Sends `call` to `{url}/sightings/add` with `key`.
pub async fn send(
    sender: &Sender<'_>,
    url: &Url,
    key: &SecretString,
    call: &Call,
) -> Result<Answer, PushError> {
    let endpoint = crate::sources::join(url, "sightings/add")
        .ok_or_else(|| PushError::Other("the MISP URL cannot take a path".into()))?;
    let req = Request::post_json(endpoint, &body(call))
        .with_header(ACCEPT, HeaderValue::from_static("application/json"))
        .with_secret("authorization", Some(key))
        .without_resend();
    let n = call.values.len() as u64;
    match sender.send(&req).await {
        Ok(_) => Ok(Answer::Added(n)),
        Err(PushError::Net(NetError::Auth { detail, .. })) if detail.contains(NONE_HELD) => {
            Ok(Answer::NoneHeld(n))
        }
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::IndicatorType;

    fn item(v: &str, secs: i64, finding: Finding) -> PushItem {
        let t = Timestamp::from_second(secs).unwrap();
        PushItem {
            finding,
            kind: IndicatorType::Ipv4,
            value: v.into(),
            source: "ourmisp".into(),
            count: 1,
            first_seen: t,
            last_seen: t,
            found: t,
        }
    }

    #[test]
    fn one_request_per_finding_and_minute_at_its_latest_time() {
        // A whole minute.
        let base = 1_800_000_000;
        let items = [
            item("192.0.2.1", base + 5, Finding::Sighted),
            item("192.0.2.2", base + 50, Finding::Sighted),
            item("192.0.2.3", base + 61, Finding::Sighted),
            item("192.0.2.4", base + 7, Finding::FalsePositive),
        ];
        let c = calls(&items);
        assert_eq!(c.len(), 3);
        assert_eq!(
            c[0].values,
            ["192.0.2.1".into(), "192.0.2.2".into()] as [Box<str>; 2]
        );
        assert_eq!(c[0].timestamp.as_second(), base + 50);
        assert_eq!(c[1].timestamp.as_second(), base + 61);
        assert_eq!(c[2].finding, Finding::FalsePositive);
        assert_eq!(
            body(&c[0]),
            json!({"values": ["192.0.2.1", "192.0.2.2"], "type": "0",
                   "source": "intellisiem", "timestamp": base + 50})
        );
        assert_eq!(body(&c[2])["type"], "1");
        assert!(calls(&[]).is_empty());
    }
}
