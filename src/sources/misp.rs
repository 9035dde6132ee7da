// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! A MISP instance's REST API: `POST {url}/attributes/restSearch` with the
//! `Authorization` key (`api_keys.misp`), `{"returnFormat":"json","to_ids":true,
//! "last":"<lookback>","limit":N,"page":P,"includeEventUuid":true}`, paged until a
//! short page (MISP OpenAPI, `attributes/restSearch`). Also the attribute mapping that
//! the `misp_feed` kind shares (MISP core format, Attribute types).
//!
//! Mapping: `ip-src`/`ip-dst` (address or CIDR), `domain`/`hostname`, `url`, `md5`,
//! `sha1`, `sha256`, `email`/`email-src`/`email-dst`, `vulnerability`, and the
//! composites `ip-dst|port`, `ip-src|port`, `hostname|port`, `domain|ip`,
//! `filename|md5|sha1|sha256`. The event's `info` becomes the threat, event and
//! attribute tags the tags, the event uuid a reference. Attributes with `to_ids: false`
//! (unless `to_ids_only: false`), deleted ones and other types are skipped and counted.

use std::sync::Arc;

use serde_json::{Value, json};

use super::misp_json::{self, Attribute, EventHead, Page};

use super::{BatchBuilder, FetchContext, FetchError, FetchOutput, ParseError, ParsedBatch, Prior};
use super::{SkipReason, registry::Driver};
use crate::config::SourceSpec;
use crate::config::kind::{Field, KeyKind, KeyUse, KindInfo, minutes};
use crate::model::indicator::detect;
use crate::model::list::List;
use crate::model::time::Secs;
use crate::model::{IndicatorType, Observation};
use crate::net::Request;
use futures_util::future::BoxFuture;

/// Most pages followed in one fetch.
pub const MAX_PAGES: u32 = 1_000;

/// What every attribute of one event shares.
#[derive(Default, Clone)]
pub struct EventContext {
    pub threat: Option<Arc<str>>,
    pub tags: Vec<Arc<str>>,
    pub reference: Option<Arc<str>>,
}

/// A string field, or a number written as one (MISP writes numbers as strings, PyMISP
/// as integers).
pub fn str_or_num(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The context of an event's head (`Event: {info, uuid, Tag}`).
pub fn event_context(ev: &EventHead<'_>, b: &mut BatchBuilder) -> EventContext {
    EventContext {
        threat: ev.info.get().and_then(|i| b.strings.get(i)),
        tags: ev.tags.0.iter().filter_map(|t| b.strings.get(t)).collect(),
        reference: ev.uuid.get().and_then(|u| b.strings.get(u)),
    }
}

fn ip_kind(v: &str) -> Option<IndicatorType> {
    detect(v).map(|n| n.kind).filter(|k| {
        matches!(
            k,
            IndicatorType::Ipv4 | IndicatorType::Ipv6 | IndicatorType::Cidr
        )
    })
}

/// The `(type, value, port)` values of one attribute; `Err` names why it is skipped.
pub fn map_attribute(
    ty: &str,
    value: &str,
) -> Result<Vec<(IndicatorType, String, Option<u16>)>, SkipReason> {
    let one = |k: IndicatorType| Ok(vec![(k, value.to_string(), None)]);
    let split = || value.split_once('|').ok_or(SkipReason::Malformed);
    let port = |p: &str| {
        p.trim()
            .parse::<u16>()
            .ok()
            .filter(|p| *p != 0)
            .ok_or(SkipReason::InvalidValue)
    };
    match ty {
        "ip-src" | "ip-dst" => one(ip_kind(value).ok_or(SkipReason::InvalidValue)?),
        "domain" | "hostname" => one(IndicatorType::Domain),
        "url" => one(IndicatorType::Url),
        "md5" => one(IndicatorType::Md5),
        "sha1" => one(IndicatorType::Sha1),
        "sha256" => one(IndicatorType::Sha256),
        "email" | "email-src" | "email-dst" => one(IndicatorType::Email),
        "vulnerability" => one(IndicatorType::Cve),
        "ip-dst|port" | "ip-src|port" => {
            let (ip, p) = split()?;
            let k = ip_kind(ip).ok_or(SkipReason::InvalidValue)?;
            Ok(vec![(k, ip.to_string(), Some(port(p)?))])
        }
        "hostname|port" => {
            let (h, p) = split()?;
            Ok(vec![(IndicatorType::Domain, h.to_string(), Some(port(p)?))])
        }
        "domain|ip" => {
            let (d, ip) = split()?;
            let k = ip_kind(ip).ok_or(SkipReason::InvalidValue)?;
            Ok(vec![
                (IndicatorType::Domain, d.to_string(), None),
                (k, ip.to_string(), None),
            ])
        }
        "filename|md5" | "filename|sha1" | "filename|sha256" => {
            let (_, h) = split()?;
            let k = match ty {
                "filename|md5" => IndicatorType::Md5,
                "filename|sha1" => IndicatorType::Sha1,
                _ => IndicatorType::Sha256,
            };
            Ok(vec![(k, h.to_string(), None)])
        }
        _ => Err(SkipReason::UnsupportedType),
    }
}

/// Reads one attribute into `b`; `object_deleted` says its MISP object is deleted.
/// `None` is a list element that was not an attribute object.
pub fn take_attribute(
    a: Option<&Attribute<'_>>,
    ev: &EventContext,
    to_ids_only: bool,
    object_deleted: bool,
    b: &mut BatchBuilder,
) {
    let Some(a) = a else {
        return b.skip(SkipReason::Malformed, "");
    };
    let ty = a.kind.get().unwrap_or_default();
    let Some(value) = a.value.get() else {
        return b.skip(SkipReason::MissingField, ty);
    };
    if a.deleted.0 == Some(true) || object_deleted {
        return b.skip(SkipReason::Unsupported("MISP attribute deleted"), value);
    }
    if to_ids_only && a.to_ids.0 != Some(true) {
        return b.skip(
            SkipReason::Unsupported("MISP attribute with to_ids false"),
            value,
        );
    }
    let values = match map_attribute(ty, value) {
        Ok(v) => v,
        Err(SkipReason::UnsupportedType) => return b.skip(SkipReason::UnsupportedType, ty),
        Err(r) => return b.skip(r, value),
    };
    let seen = a
        .timestamp
        .get()
        .and_then(|t| t.trim().parse::<i64>().ok())
        .and_then(Secs::from_second);
    let first = a
        .first_seen
        .get()
        .and_then(crate::model::time::parse_secs)
        .or(seen);
    let mut tags = ev.tags.clone();
    for t in &a.tags.0 {
        if let Some(t) = b.strings.get(t)
            && !tags.contains(&t)
        {
            tags.push(t);
        }
    }
    let tags = b.strings.tags(tags.into());
    for (kind, v, port) in values {
        let obs = Observation {
            first_seen: first,
            last_seen: seen,
            threat: ev.threat.clone(),
            tags: tags.clone(),
            references: ev.reference.iter().cloned().collect(),
            ports: port.into_iter().collect::<List<u16>>(),
            ..Default::default()
        };
        b.push(kind, &v, obs);
    }
}

/// One restSearch reply: `{"response": {"Attribute": [...]}}` (or `{"response": [...]}`
/// from older servers), read as a stream; returns the number of attributes on the page.
pub fn parse_page_into(
    body: &[u8],
    to_ids_only: bool,
    b: &mut BatchBuilder,
) -> Result<usize, ParseError> {
    let page = misp_json::page_attributes(body, &mut |a, _| {
        let mut ev = a
            .and_then(|a| a.event.as_ref())
            .map(|e| event_context(e, b))
            .unwrap_or_default();
        if let Some(u) = a.and_then(|a| a.event_uuid.get()) {
            ev.reference = b.strings.get(u);
        }
        take_attribute(a, &ev, to_ids_only, false, b);
    })
    .map_err(|e| ParseError::json(&e))?;
    match page {
        Page::Attributes(n) => Ok(n),
        Page::Empty => Ok(0),
        Page::NotAList => Err(ParseError::Shape(
            "MISP `response.Attribute` is not a list".into(),
        )),
        Page::NoResponse => Err(ParseError::Shape(
            "expected a MISP restSearch reply with `response`".into(),
        )),
    }
}

/// `last` for restSearch: the lookback in whole days, hours or minutes.
pub fn last_param(lookback: std::time::Duration) -> String {
    let s = lookback.as_secs().max(60);
    if s.is_multiple_of(86_400) {
        format!("{}d", s / 86_400)
    } else if s.is_multiple_of(3_600) {
        format!("{}h", s / 3_600)
    } else {
        format!("{}m", s.div_ceil(60))
    }
}

/// Pages through restSearch for the lookback window (a whole snapshot each time).
pub async fn fetch(ctx: &FetchContext, spec: &SourceSpec) -> Result<FetchOutput, FetchError> {
    let key = ctx
        .keys
        .get(KeyKind::Misp)
        .ok_or_else(|| FetchError::Disabled("no MISP API key".into()))?;
    let url = super::join(&spec.url, "attributes/restSearch")
        .ok_or_else(|| FetchError::Refused("the MISP URL cannot take a path".into()))?;
    let mut b = BatchBuilder::new();
    let mut out = FetchOutput::default();
    for page in 1..=MAX_PAGES {
        let mut body = json!({
            "returnFormat": "json",
            "last": last_param(spec.lookback),
            "limit": spec.page_size,
            "page": page,
            "includeEventUuid": true,
        });
        if spec.to_ids_only {
            body["to_ids"] = json!(true);
        }
        let req = Request::post_json(url.clone(), &body)
            .with_header(
                reqwest::header::ACCEPT,
                reqwest::header::HeaderValue::from_static("application/json"),
            )
            .with_secret("authorization", Some(key));
        let resp = ctx.http.send(&req).await?.ok()?;
        out.requests += 1;
        out.bytes += resp.body.len() as u64;
        let n = parse_page_into(&resp.body, spec.to_ids_only, &mut b)?;
        tracing::debug!(source = %spec.name, page, attributes = n, "MISP restSearch page read");
        if n < spec.page_size as usize {
            out.batch = b.finish();
            return Ok(out);
        }
    }
    Err(ParseError::Shape(format!("MISP paging goes past {MAX_PAGES} pages")).into())
}

/// The `misp` kind.
pub static KIND: KindInfo = KindInfo {
    name: "misp",
    key_use: KeyUse::Required(KeyKind::Misp),
    default_url: None,
    default_api_url: None,
    default_refresh: minutes(60),
    min_refresh: minutes(5),
    default_lookback: std::time::Duration::from_secs(30 * 86_400),
    default_page_size: 500,
    fields: &[Field::Lookback, Field::PageSize, Field::ToIdsOnly],
    default_weight: 60,
};

/// The `misp` kind's driver.
pub struct Misp;

impl Driver for Misp {
    fn info(&self) -> &'static KindInfo {
        &KIND
    }

    /// One restSearch reply.
    fn parse(&self, spec: &SourceSpec, body: &[u8]) -> Result<ParsedBatch, ParseError> {
        let mut b = BatchBuilder::new();
        parse_page_into(body, spec.to_ids_only, &mut b)?;
        Ok(b.finish())
    }

    fn fetch<'a>(
        &'a self,
        ctx: &'a FetchContext,
        spec: &'a SourceSpec,
        _prior: &'a Prior,
    ) -> BoxFuture<'a, Result<FetchOutput, FetchError>> {
        Box::pin(fetch(ctx, spec))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use IndicatorType::*;

    #[test]
    fn attribute_types_and_composites() {
        let m = |t: &str, v: &str| map_attribute(t, v);
        assert_eq!(m("ip-dst", "198.51.100.7").unwrap()[0].0, Ipv4);
        assert_eq!(m("ip-src", "198.51.100.0/24").unwrap()[0].0, Cidr);
        assert_eq!(
            m("ip-dst|port", "198.51.100.7|4643").unwrap(),
            [(Ipv4, "198.51.100.7".into(), Some(4643))]
        );
        assert_eq!(m("ip-dst|port", "2001:db8::7|443").unwrap()[0].2, Some(443));
        let d = m("domain|ip", "bad.example|192.0.2.5").unwrap();
        assert_eq!((d[0].0, d[1].0), (Domain, Ipv4));
        assert_eq!(m("filename|sha256", "a.exe|abc").unwrap()[0].1, "abc");
        assert_eq!(m("mutex", "x"), Err(SkipReason::UnsupportedType));
        assert_eq!(m("ip-dst|port", "198.51.100.7"), Err(SkipReason::Malformed));
        assert_eq!(
            m("ip-dst|port", "198.51.100.7|0"),
            Err(SkipReason::InvalidValue)
        );
        assert_eq!(last_param(std::time::Duration::from_secs(7 * 86_400)), "7d");
        assert_eq!(last_param(std::time::Duration::from_secs(7_200)), "2h");
    }

    /// `to_ids` and `deleted` in each encoding MISP's API, ZeroMQ feed and PyMISP write,
    /// both ways, in a feed event and in a restSearch reply.
    #[test]
    fn booleans_in_every_encoding_in_feeds_and_the_api() {
        let forms = [
            ("true", true),
            ("1", true),
            ("\"1\"", true),
            ("\"true\"", true),
            ("false", false),
            ("0", false),
            ("\"0\"", false),
            ("\"false\"", false),
        ];
        let attrs = |field: &str, other: &str| -> String {
            forms
                .iter()
                .enumerate()
                .map(|(i, (f, _))| {
                    format!(r#"{{"type":"domain","value":"d{i}.example","{field}":{f},{other}}}"#)
                })
                .collect::<Vec<_>>()
                .join(",")
        };
        let want = |keep: bool| -> Vec<String> {
            forms
                .iter()
                .enumerate()
                .filter(|(_, (_, v))| *v == keep)
                .map(|(i, _)| format!("d{i}.example"))
                .collect()
        };
        let values = |b: ParsedBatch| -> Vec<String> {
            let mut v: Vec<String> = b.sightings.iter().map(|s| s.value.to_string()).collect();
            v.sort();
            v
        };
        // to_ids: the true forms are kept with to_ids_only.
        let to_ids = attrs("to_ids", r#""deleted":false"#);
        let feed = format!(r#"{{"Event":{{"info":"e","Attribute":[{to_ids}]}}}}"#);
        let mut b = BatchBuilder::new();
        crate::sources::misp_feed::parse_event_into(feed.as_bytes(), true, &mut b).unwrap();
        assert_eq!(values(b.finish()), want(true), "feed, to_ids");
        let api = format!(r#"{{"response":{{"Attribute":[{to_ids}]}}}}"#);
        let mut b = BatchBuilder::new();
        assert_eq!(parse_page_into(api.as_bytes(), true, &mut b).unwrap(), 8);
        assert_eq!(values(b.finish()), want(true), "API, to_ids");
        // deleted: the true forms are skipped.
        let deleted = attrs("deleted", r#""to_ids":"1""#);
        let feed = format!(r#"{{"Event":{{"info":"e","Attribute":[{deleted}]}}}}"#);
        let mut b = BatchBuilder::new();
        crate::sources::misp_feed::parse_event_into(feed.as_bytes(), true, &mut b).unwrap();
        assert_eq!(values(b.finish()), want(false), "feed, deleted");
        let api = format!(r#"{{"response":[{deleted}]}}"#);
        let mut b = BatchBuilder::new();
        parse_page_into(api.as_bytes(), true, &mut b).unwrap();
        assert_eq!(values(b.finish()), want(false), "API, deleted");
    }
}
