// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! abuse.ch Feodo Tracker `ipblocklist.json`: botnet C2 servers with their port.
//! `first_seen` may be missing, `hostname` may be null, `last_online` is a date only.

use serde::Deserialize;

use super::{BatchBuilder, ParseError, ParsedBatch, SkipReason, lenient};
use crate::config::kind::{KeyUse, KindInfo, minutes};
use crate::model::indicator::detect;
use crate::model::time::parse_secs;
use crate::model::{IndicatorType, Observation};

#[derive(Deserialize)]
struct Entry {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    ip_address: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    port: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    status: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    first_seen: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    last_online: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    malware: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    country: Option<String>,
}

/// Streams the array: entries go into the batch one at a time.
pub fn parse(body: &[u8]) -> Result<ParsedBatch, ParseError> {
    let mut b = BatchBuilder::new();
    super::for_each_in_array(body, |e: Entry| push(&mut b, e))?;
    b.finish_requiring("`ip_address`")
}

fn push(b: &mut BatchBuilder, e: Entry) {
    let ip = e.ip_address.as_deref().and_then(detect);
    let Some(n) = ip.filter(|n| matches!(n.kind, IndicatorType::Ipv4 | IndicatorType::Ipv6)) else {
        match e.ip_address.as_deref() {
            Some(raw) => b.skip(SkipReason::InvalidValue, raw),
            None => b.skip(SkipReason::MissingField, "ip_address"),
        }
        return;
    };
    let mut tags = Vec::new();
    tags.extend(e.status.as_deref().and_then(|s| b.strings.get(s)));
    tags.extend(e.country.as_deref().and_then(|s| b.strings.get(s)));
    let obs = Observation {
        first_seen: e.first_seen.as_deref().and_then(parse_secs),
        last_seen: e.last_online.as_deref().and_then(parse_secs),
        threat: e.malware.as_deref().and_then(|m| b.strings.get(m)),
        tags: tags.into(),
        ports: e
            .port
            .and_then(|p| u16::try_from(p).ok())
            .filter(|p| *p != 0)
            .into_iter()
            .collect(),
        ..Default::default()
    };
    b.push_normalised(n, obs);
}

/// The `feodo` kind.
pub static KIND: KindInfo = KindInfo {
    name: "feodo",
    key_use: KeyUse::None,
    default_url: Some("https://feodotracker.abuse.ch/downloads/ipblocklist.json"),
    default_api_url: None,
    default_refresh: minutes(10),
    min_refresh: minutes(5),
    default_lookback: std::time::Duration::from_secs(86_400),
    default_page_size: 50,
    fields: &[],
    default_weight: 90,
};

/// The `feodo` kind's driver: one document, read by [`parse`].
pub static DRIVER: super::registry::Dump = super::registry::Dump { info: &KIND, parse };

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::test_util::{find, fixture};

    #[test]
    fn parses_the_blocklist_with_its_quirks() {
        let b = parse(&fixture("feodo/ipblocklist.json")).unwrap();
        assert_eq!(b.sightings.len(), 3);
        assert_eq!(b.skipped.total(), 1);
        let s = find(&b, "51.178.161.32");
        assert_eq!(s.kind, IndicatorType::Ipv4);
        assert_eq!(s.obs.ports.as_slice(), [4643]);
        assert_eq!(s.obs.threat.as_deref(), Some("Dridex"));
        assert_eq!(
            s.obs.first_seen.map(crate::model::time::rfc3339).as_deref(),
            Some("2021-01-17T07:44:46Z")
        );
        assert_eq!(
            s.obs.last_seen.map(crate::model::time::rfc3339).as_deref(),
            Some("2022-11-15T00:00:00Z")
        );
        let missing_first_seen = find(&b, "45.0.0.3");
        assert_eq!(missing_first_seen.obs.first_seen, None);
        assert_eq!(missing_first_seen.obs.ports.as_slice(), [443]);
    }

    #[test]
    fn broken_documents_fail() {
        assert!(parse(b"[{\"ip_address\": \"1.2.3.4\"").is_err());
        assert!(parse(b"{\"not\": \"a list\"}").is_err());
        assert_eq!(parse(b"[]").unwrap().sightings.len(), 0);
    }
}
