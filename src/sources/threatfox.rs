// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! abuse.ch ThreatFox: the keyless JSON export (an object keyed by IOC id, each value a
//! one-element array) or, with an abuse.ch key, the API's `get_iocs` query. The two use
//! different field names.

use serde::Deserialize;

use super::SkipReason;
use super::{
    BatchBuilder, FetchContext, FetchError, FetchOutput, ParseError, ParsedBatch, lenient,
};
use crate::config::KeyKind;
use crate::config::SourceSpec;
use crate::config::kind::{Field, KeyUse, KindInfo, minutes};
use crate::model::time::parse_secs;
use crate::model::{IndicatorType, Observation};
use crate::net::Request;
use futures_util::future::BoxFuture;

/// One IOC in either shape (export names first, API names as aliases).
#[derive(Deserialize)]
struct Ioc {
    #[serde(default, alias = "ioc", deserialize_with = "lenient::opt_string")]
    ioc_value: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    ioc_type: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    threat_type: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    malware_printable: Option<String>,
    #[serde(
        default,
        alias = "first_seen",
        deserialize_with = "lenient::opt_string"
    )]
    first_seen_utc: Option<String>,
    #[serde(default, alias = "last_seen", deserialize_with = "lenient::opt_string")]
    last_seen_utc: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    confidence_level: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    reference: Option<String>,
    #[serde(default, deserialize_with = "lenient::string_list")]
    tags: Vec<String>,
}

fn ioc_kind(t: &str) -> Option<IndicatorType> {
    Some(match t {
        "ip:port" => IndicatorType::Ipv4,
        "domain" => IndicatorType::Domain,
        "url" => IndicatorType::Url,
        "md5_hash" => IndicatorType::Md5,
        "sha1_hash" => IndicatorType::Sha1,
        "sha256_hash" => IndicatorType::Sha256,
        _ => return None,
    })
}

fn push_ioc(b: &mut BatchBuilder, ioc: Ioc) {
    let (Some(value), Some(kind)) = (ioc.ioc_value, ioc.ioc_type.as_deref().and_then(ioc_kind))
    else {
        match ioc.ioc_type.as_deref() {
            Some(t) if ioc_kind(t).is_none() => b.skip(SkipReason::UnsupportedType, t),
            _ => b.skip(SkipReason::MissingField, "ioc or ioc_type"),
        }
        return;
    };
    let mut tags: Vec<_> = ioc.tags.iter().filter_map(|t| b.strings.get(t)).collect();
    if let Some(t) = ioc.threat_type.as_deref().and_then(|t| b.strings.get(t))
        && !tags.contains(&t)
    {
        tags.push(t);
    }
    let obs = Observation {
        first_seen: ioc.first_seen_utc.as_deref().and_then(parse_secs),
        last_seen: ioc.last_seen_utc.as_deref().and_then(parse_secs),
        threat: ioc
            .malware_printable
            .as_deref()
            .and_then(|m| b.strings.get(m)),
        tags: tags.into(),
        confidence: ioc
            .confidence_level
            .and_then(|c| u8::try_from(c.clamp(0, 100)).ok()),
        references: ioc
            .reference
            .as_deref()
            .and_then(|r| b.strings.get(r))
            .into_iter()
            .collect(),
        ..Default::default()
    };
    if kind == IndicatorType::Ipv4 {
        // `ip:port`, IPv4 or IPv6: the port is after the last colon.
        match crate::model::indicator::normalise_ip_port(&value) {
            Ok(n) => b.push_normalised(n, obs),
            Err(_) => b.skip(SkipReason::InvalidValue, &value),
        }
    } else {
        b.push(kind, &value, obs);
    }
}

/// Parses the export: `{"<id>": [{ioc_value, ioc_type, ...}], ...}`.
/// Streams the export's entries straight into the batch, in document order: no map of
/// owned ids is built.
pub fn parse_export(body: &[u8]) -> Result<ParsedBatch, ParseError> {
    struct Export<'b>(&'b mut BatchBuilder);
    impl<'de> serde::de::Visitor<'de> for Export<'_> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an object of IOC lists keyed by id")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            while let Some((_, iocs)) = map.next_entry::<serde::de::IgnoredAny, Vec<Ioc>>()? {
                for ioc in iocs {
                    push_ioc(self.0, ioc);
                }
            }
            Ok(())
        }
    }
    let mut b = BatchBuilder::new();
    let mut de = serde_json::Deserializer::from_slice(body);
    serde::Deserializer::deserialize_map(&mut de, Export(&mut b))
        .map_err(|e| ParseError::json(&e))?;
    de.end().map_err(|e| ParseError::json(&e))?;
    b.finish_requiring("`ioc_value` and `ioc_type`")
}

#[derive(Deserialize)]
struct ApiReply {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    query_status: Option<String>,
    #[serde(default)]
    data: Option<serde_json::Value>,
}

/// Parses the API reply; a `query_status` other than `ok`/`no_result` is returned as `Err`.
pub fn parse_api(body: &[u8]) -> Result<Result<ParsedBatch, String>, ParseError> {
    let reply: ApiReply = serde_json::from_slice(body).map_err(|e| ParseError::json(&e))?;
    match reply.query_status.as_deref() {
        Some("ok") => {}
        Some("no_result") | Some("no_results") => return Ok(Ok(ParsedBatch::default())),
        Some(other) => return Ok(Err(crate::model::sanitize::one_line(other, 2_000))),
        None => return Err(ParseError::Shape("no query_status".into())),
    }
    let items = match reply.data {
        Some(serde_json::Value::Array(items)) => items,
        _ => return Err(ParseError::Shape("`data` is not a list".into())),
    };
    let mut b = BatchBuilder::new();
    for item in items {
        match serde_json::from_value::<Ioc>(item) {
            Ok(ioc) => push_ioc(&mut b, ioc),
            Err(_) => b.skip(SkipReason::Malformed, ""),
        }
    }
    b.finish_requiring("`ioc` and `ioc_type`").map(Ok)
}

/// The API request: `POST {"query": "get_iocs", "days": N}` with `Auth-Key`.
pub fn api_request(spec: &SourceSpec, ctx: &FetchContext) -> Option<Request> {
    let key = ctx.keys.get(KeyKind::AbuseCh)?;
    let url = spec.api_url.clone()?;
    let days = (spec.lookback.as_secs() / 86_400).clamp(1, 7);
    let body = serde_json::json!({ "query": "get_iocs", "days": days });
    Some(Request::post_json(url, &body).with_secret("auth-key", Some(key)))
}

pub async fn fetch(
    ctx: &FetchContext,
    spec: &SourceSpec,
    prior: &super::Prior,
) -> Result<FetchOutput, FetchError> {
    if let Some(req) = api_request(spec, ctx) {
        let resp = ctx.http.send(&req).await?;
        let (batch, bytes) = super::abusech_api_result("ThreatFox", resp, parse_api)?;
        return Ok(FetchOutput {
            batch,
            bytes,
            requests: 1,
            ..Default::default()
        });
    }
    super::dump_fetch(ctx, spec, prior, None, parse_export).await
}

/// The `threatfox` kind.
pub static KIND: KindInfo = KindInfo {
    name: "threatfox",
    key_use: KeyUse::Optional(KeyKind::AbuseCh),
    default_url: Some("https://threatfox.abuse.ch/export/json/recent/"),
    default_api_url: Some("https://threatfox-api.abuse.ch/api/v1/"),
    default_refresh: minutes(10),
    min_refresh: minutes(5),
    default_lookback: std::time::Duration::from_secs(86_400),
    default_page_size: 50,
    fields: &[Field::ApiUrl, Field::Lookback],
    default_weight: 75,
};

/// The `threatfox` kind's driver.
pub struct Threatfox;

impl super::registry::Driver for Threatfox {
    fn info(&self) -> &'static KindInfo {
        &KIND
    }

    fn parse(&self, _spec: &SourceSpec, body: &[u8]) -> Result<ParsedBatch, ParseError> {
        parse_export(body)
    }

    fn fetch<'a>(
        &'a self,
        ctx: &'a FetchContext,
        spec: &'a SourceSpec,
        prior: &'a super::Prior,
    ) -> BoxFuture<'a, Result<FetchOutput, FetchError>> {
        Box::pin(fetch(ctx, spec, prior))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::test_util::{find, fixture};

    #[test]
    fn parses_the_export() {
        let b = parse_export(&fixture("threatfox/recent.json")).unwrap();
        assert_eq!(b.sightings.len(), 4, "{:#?}", b.sightings);
        assert_eq!(b.skipped.total(), 1, "the unmodelled type");
        let s = find(&b, "94.228.166.168");
        assert_eq!(s.kind, IndicatorType::Ipv4);
        assert_eq!(s.obs.ports.as_slice(), [56003]);
        assert_eq!(s.obs.threat.as_deref(), Some("PureRAT"));
        assert_eq!(s.obs.confidence, Some(100));
        let tags: Vec<&str> = s.obs.tags.iter().map(|t| &**t).collect();
        assert_eq!(tags, ["c2", "rat", "botnet_cc"]);
        let h = find(
            &b,
            "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        );
        assert_eq!(h.kind, IndicatorType::Sha256);
        assert_eq!(h.obs.confidence, Some(75), "string confidence is read");
        find(&b, "45.0.0.3");
    }

    #[test]
    fn parses_the_api_reply() {
        let b = parse_api(&fixture("threatfox/get_iocs.json"))
            .unwrap()
            .unwrap();
        assert_eq!(b.sightings.len(), 2);
        let s = find(&b, "wizzy.hopto.org");
        assert_eq!(s.obs.threat.as_deref(), Some("AsyncRAT"));
        assert_eq!(s.obs.references.len(), 1);
        assert!(s.obs.first_seen.is_some());
        assert_eq!(
            parse_api(br#"{"query_status":"unknown_auth_key"}"#).unwrap(),
            Err("unknown_auth_key".into())
        );
    }

    #[test]
    fn ip_port_with_ipv6_takes_the_port_after_the_last_colon() {
        // Issue 10, example 1 (the API reply and the keyless export).
        let b = parse_api(&fixture("threatfox/get_iocs_ipv6.json"))
            .unwrap()
            .unwrap();
        assert_eq!(b.skipped.total(), 0, "{:?}", b.skipped);
        let s = find(&b, "2001:db8:1::5");
        assert_eq!(s.kind, IndicatorType::Ipv6);
        assert_eq!(s.obs.ports.as_slice(), [40669]);
        let s = find(&b, "2001:db8:1::6");
        assert_eq!(s.obs.ports.as_slice(), [443]);
        let b = parse_export(&fixture("threatfox/recent_ipv6.json")).unwrap();
        assert_eq!(b.skipped.total(), 0, "{:?}", b.skipped);
        assert_eq!(find(&b, "2001:db8:1::6").obs.ports.as_slice(), [443]);
        assert_eq!(find(&b, "2001:db8::7").obs.ports.as_slice(), [8080]);
        assert_eq!(find(&b, "198.51.100.23").obs.ports.as_slice(), [80]);
    }

    #[test]
    fn a_list_is_not_the_export() {
        assert!(parse_export(b"[1,2,3]").is_err());
    }
}
