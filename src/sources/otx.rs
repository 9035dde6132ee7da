// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! AlienVault OTX: indicators of subscribed pulses, `GET /pulses/subscribed` with
//! Django-REST paging (`next` until null). The key (`X-OTX-API-KEY`) is only ever sent
//! to the configured origin: a `next` link to any other origin fails the fetch.

use std::collections::HashSet;
use thin_vec::ThinVec;

use jiff::Timestamp;
use serde::Deserialize;
use url::Url;

use super::registry::Lookup;
use super::{
    BatchBuilder, FetchContext, FetchError, FetchOutput, ParseError, ParsedBatch, SkipReason,
    lenient,
};
use crate::config::KeyKind;
use crate::config::SourceSpec;
use crate::config::kind::{Field, KeyUse, KindInfo, minutes};
use crate::model::enrichment::PULSE_NAMES_MAX;
use crate::model::time::{Secs, parse_secs, parse_time};
use crate::model::{IndicatorType, Observation, Pulses as PulseCount, Verdict};
use crate::net::Request;
use crate::net::redact::redact_url;
use futures_util::future::BoxFuture;

/// Most pages followed in one fetch (50 pulses each by default).
pub const MAX_PAGES: usize = 2_000;

#[derive(Deserialize)]
struct Page {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    next: Option<String>,
    results: Vec<Pulse>,
}

#[derive(Deserialize)]
struct Pulse {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    name: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    modified: Option<String>,
    #[serde(default, deserialize_with = "lenient::string_list")]
    tags: Vec<String>,
    #[serde(default, deserialize_with = "lenient::string_list")]
    malware_families: Vec<String>,
    #[serde(default, deserialize_with = "lenient::string_list")]
    references: Vec<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    adversary: Option<String>,
    #[serde(default)]
    indicators: Vec<OtxIndicator>,
}

#[derive(Deserialize)]
struct OtxIndicator {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    indicator: Option<String>,
    #[serde(default, rename = "type", deserialize_with = "lenient::opt_string")]
    kind: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    created: Option<String>,
}

/// OTX indicator type names to ours; `None` for the ones not modelled.
pub fn map_type(t: &str) -> Option<IndicatorType> {
    Some(match t {
        "IPv4" => IndicatorType::Ipv4,
        "IPv6" => IndicatorType::Ipv6,
        "domain" | "hostname" => IndicatorType::Domain,
        "URL" | "URI" => IndicatorType::Url,
        "FileHash-MD5" => IndicatorType::Md5,
        "FileHash-SHA1" => IndicatorType::Sha1,
        "FileHash-SHA256" => IndicatorType::Sha256,
        "email" => IndicatorType::Email,
        "CIDR" => IndicatorType::Cidr,
        "CVE" => IndicatorType::Cve,
        _ => return None,
    })
}

/// Pulses seen while paging: their ranges in the batch, and the newest `modified`.
#[derive(Default)]
struct Pulses {
    groups: Vec<(String, std::ops::Range<usize>)>,
    newest: Option<Timestamp>,
}

/// Parses one page into `b`; returns the `next` link.
fn parse_page_into(
    body: &[u8],
    b: &mut BatchBuilder,
    pulses: &mut Pulses,
) -> Result<Option<String>, ParseError> {
    let page: Page = serde_json::from_slice(body).map_err(|e| ParseError::json(&e))?;
    for pulse in page.results {
        let start = b.batch.sightings.len();
        let threat = pulse.name.as_deref().and_then(|n| b.strings.get(n));
        let modified = pulse.modified.as_deref().and_then(parse_time);
        let mut tags = Vec::with_capacity(pulse.tags.len() + pulse.malware_families.len());
        for t in pulse
            .tags
            .iter()
            .chain(&pulse.malware_families)
            .chain(pulse.adversary.iter())
        {
            if let Some(t) = b.strings.get(t)
                && !tags.contains(&t)
            {
                tags.push(t);
            }
        }
        let tags = b.strings.tags(tags.into());
        let references: ThinVec<_> = pulse
            .references
            .iter()
            .filter_map(|r| b.strings.get(r))
            .collect();
        for ind in pulse.indicators {
            let (Some(value), Some(kind)) = (ind.indicator, ind.kind.as_deref().and_then(map_type))
            else {
                match ind.kind.as_deref() {
                    Some(t) if map_type(t).is_none() => b.skip(SkipReason::UnsupportedType, t),
                    _ => b.skip(SkipReason::MissingField, "indicator or type"),
                }
                continue;
            };
            let obs = Observation {
                first_seen: ind.created.as_deref().and_then(parse_secs),
                last_seen: modified.and_then(Secs::new),
                threat: threat.clone(),
                tags: tags.clone(),
                references: references.clone(),
                ..Default::default()
            };
            b.push(kind, &value, obs);
        }
        pulses.newest = crate::model::indicator::max_time(pulses.newest, modified);
        let id = pulse.id.or(pulse.name).unwrap_or_default();
        pulses.groups.push((id, start..b.batch.sightings.len()));
    }
    Ok(page.next.filter(|n| !n.trim().is_empty()))
}

/// Parses one page of `pulses/subscribed`: its indicators and the `next` link.
pub fn parse_page(body: &[u8]) -> Result<(ParsedBatch, Option<String>), ParseError> {
    let mut b = BatchBuilder::new();
    let next = parse_page_into(body, &mut b, &mut Pulses::default())?;
    Ok((b.finish_requiring("`indicator` and `type`")?, next))
}

/// The first page: `{url}/pulses/subscribed?limit=N&modified_since=...`.
pub fn first_page_url(spec: &SourceSpec, since: Timestamp) -> Option<Url> {
    let mut url = super::join(&spec.url, "pulses/subscribed")?;
    url.query_pairs_mut()
        .append_pair("limit", &spec.page_size.to_string())
        .append_pair(
            "modified_since",
            &since.strftime("%Y-%m-%dT%H:%M:%S").to_string(),
        );
    Some(url)
}

/// Resolves a `next` link, refusing any origin other than the configured one.
pub fn next_url(spec: &SourceSpec, current: &Url, next: &str) -> Result<Url, FetchError> {
    let url = current.join(next.trim()).map_err(|_| {
        FetchError::Parse(ParseError::Shape(format!(
            "bad `next` link `{}`",
            crate::model::sanitize::one_line(next, 100)
        )))
    })?;
    if url.origin() != spec.url.origin() {
        return Err(FetchError::Refused(format!(
            "OTX paging link leads to another origin ({}); not followed, so the key stays with {}",
            redact_url(&url),
            spec.url.origin().ascii_serialization()
        )));
    }
    Ok(url)
}

/// With a stored cursor, asks only for pulses modified since (an incremental fetch);
/// else for the `lookback` window (a full snapshot).
pub async fn fetch(
    ctx: &FetchContext,
    spec: &SourceSpec,
    prior: &super::Prior,
) -> Result<FetchOutput, FetchError> {
    let since = prior.cursor.unwrap_or_else(|| {
        Timestamp::now()
            .checked_sub(jiff::SignedDuration::try_from(spec.lookback).unwrap_or_default())
            .unwrap_or(Timestamp::UNIX_EPOCH)
    });
    let mut out = fetch_since(ctx, spec, since).await?;
    out.incremental = prior.cursor.is_some();
    Ok(out)
}

/// Fetches every pulse modified since `since`, following `next` links.
pub async fn fetch_since(
    ctx: &FetchContext,
    spec: &SourceSpec,
    since: Timestamp,
) -> Result<FetchOutput, FetchError> {
    let key = ctx
        .keys
        .get(KeyKind::Otx)
        .ok_or_else(|| FetchError::Disabled("no OTX API key".into()))?;
    let mut url = first_page_url(spec, since)
        .ok_or_else(|| FetchError::Refused("the OTX URL cannot take a path".into()))?;
    let mut b = BatchBuilder::new();
    let mut out = FetchOutput::default();
    let mut pulses = Pulses::default();
    let mut visited = HashSet::new();
    loop {
        if !visited.insert(url.clone()) {
            return Err(
                ParseError::Shape("OTX paging loops back to a page already read".into()).into(),
            );
        }
        if visited.len() > MAX_PAGES {
            return Err(
                ParseError::Shape(format!("OTX paging goes past {MAX_PAGES} pages")).into(),
            );
        }
        let req = Request::get(url.clone()).with_secret("x-otx-api-key", Some(key));
        let resp = ctx.http.send(&req).await?.ok()?;
        out.requests += 1;
        out.bytes += resp.body.len() as u64;
        match parse_page_into(&resp.body, &mut b, &mut pulses)? {
            Some(next) => url = next_url(spec, &url, &next)?,
            None => break,
        }
    }
    out.batch = b.finish();
    out.groups = pulses.groups;
    // The next fetch asks from the newest change seen (the server's clock), else from
    // where this one asked.
    out.cursor = Some(pulses.newest.unwrap_or(since));
    Ok(out)
}

/// The `indicators/{slug}/{value}/general` path of an on-demand lookup.
pub fn general_path(kind: IndicatorType, value: &str) -> Option<String> {
    let slug = match kind {
        IndicatorType::Ipv4 => "IPv4",
        IndicatorType::Ipv6 => "IPv6",
        IndicatorType::Domain => "domain",
        IndicatorType::Url => "url",
        IndicatorType::Cve => "cve",
        IndicatorType::Md5 | IndicatorType::Sha1 | IndicatorType::Sha256 => "file",
        IndicatorType::Cidr | IndicatorType::Email => return None,
    };
    let enc: String = url::form_urlencoded::byte_serialize(value.as_bytes()).collect();
    Some(format!("indicators/{slug}/{enc}/general"))
}

#[derive(Deserialize)]
struct General {
    #[serde(default)]
    pulse_info: Option<PulseInfo>,
}

#[derive(Deserialize)]
struct PulseInfo {
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    count: Option<i64>,
    #[serde(default)]
    pulses: Vec<Pulse>,
}

/// Parses a `general` lookup: how many pulses mention the value and the names of the
/// newest few, with the value's page on OTX. The pulses' dates and tags belong to the
/// pulses, not to a sighting of the value, and are not kept.
pub fn parse_general(body: &[u8], kind: IndicatorType, value: &str) -> Result<Verdict, ParseError> {
    let g: General = serde_json::from_slice(body).map_err(|e| ParseError::json(&e))?;
    let (count, mut pulses) = g
        .pulse_info
        .map(|p| {
            let count = p
                .count
                .and_then(|c| u64::try_from(c).ok())
                .unwrap_or(p.pulses.len() as u64);
            (count, p.pulses)
        })
        .unwrap_or((0, Vec::new()));
    // Newest first; undated ones last, in the order OTX gave.
    pulses.sort_by_key(|p| std::cmp::Reverse(p.modified.as_deref().and_then(parse_secs)));
    let names = pulses
        .iter()
        .filter_map(|p| p.name.as_deref())
        .filter(|n| !n.trim().is_empty())
        .take(PULSE_NAMES_MAX)
        .map(String::from)
        .collect();
    Ok(Verdict {
        virustotal: None,
        pulses: Some(PulseCount { count, names }),
        threat: None,
        link: page_link(kind, value),
    })
}

/// The value's page on OTX's site.
fn page_link(kind: IndicatorType, value: &str) -> Option<String> {
    let section = match kind {
        IndicatorType::Ipv4 | IndicatorType::Ipv6 => "ip",
        IndicatorType::Domain => "domain",
        IndicatorType::Url => "url",
        IndicatorType::Cve => "cve",
        IndicatorType::Md5 | IndicatorType::Sha1 | IndicatorType::Sha256 => "file",
        IndicatorType::Cidr | IndicatorType::Email => return None,
    };
    let enc: String = url::form_urlencoded::byte_serialize(value.as_bytes()).collect();
    Some(format!(
        "https://otx.alienvault.com/indicator/{section}/{enc}"
    ))
}

/// Looks one value up in OTX; `Ok(None)` when OTX does not know it (404).
pub async fn lookup(
    ctx: &FetchContext,
    spec: &SourceSpec,
    kind: IndicatorType,
    value: &str,
) -> Result<Option<(Verdict, u64)>, FetchError> {
    let key = ctx
        .keys
        .get(KeyKind::Otx)
        .ok_or_else(|| FetchError::Disabled("no OTX API key".into()))?;
    let url = general_path(kind, value)
        .and_then(|p| super::join(&spec.url, &p))
        .ok_or_else(|| FetchError::Refused(format!("OTX cannot look up a {kind}")))?;
    let resp = ctx
        .http
        .send(&Request::get(url).with_secret("x-otx-api-key", Some(key)))
        .await?;
    if resp.status.as_u16() == 404 {
        return Ok(None);
    }
    let resp = resp.ok()?;
    Ok(Some((
        parse_general(&resp.body, kind, value)?,
        resp.body.len() as u64,
    )))
}

/// The `otx` kind.
pub static KIND: KindInfo = KindInfo {
    name: "otx",
    key_use: KeyUse::Required(KeyKind::Otx),
    default_url: Some("https://otx.alienvault.com/api/v1"),
    default_api_url: None,
    default_refresh: minutes(15),
    min_refresh: minutes(1),
    default_lookback: std::time::Duration::from_secs(7 * 86_400),
    default_page_size: 50,
    fields: &[Field::Lookback, Field::PageSize],
    default_weight: 50,
};

/// The `otx` kind's driver.
pub struct Otx;

impl super::registry::Driver for Otx {
    fn info(&self) -> &'static KindInfo {
        &KIND
    }

    fn parse(&self, _spec: &SourceSpec, body: &[u8]) -> Result<ParsedBatch, ParseError> {
        parse_page(body).map(|(b, _)| b)
    }

    fn fetch<'a>(
        &'a self,
        ctx: &'a FetchContext,
        spec: &'a SourceSpec,
        prior: &'a super::Prior,
    ) -> BoxFuture<'a, Result<FetchOutput, FetchError>> {
        Box::pin(fetch(ctx, spec, prior))
    }

    fn lookup(&self) -> Option<&dyn Lookup> {
        Some(self)
    }
}

impl Lookup for Otx {
    fn supports(&self, kind: IndicatorType, value: &str) -> bool {
        general_path(kind, value).is_some()
    }

    fn lookup<'a>(
        &'a self,
        ctx: &'a FetchContext,
        spec: &'a SourceSpec,
        kind: IndicatorType,
        value: &'a str,
        _wait: bool,
    ) -> BoxFuture<'a, Result<Option<Verdict>, FetchError>> {
        Box::pin(async move { Ok(lookup(ctx, spec, kind, value).await?.map(|(v, _)| v)) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::test_util::{find, fixture};

    #[test]
    fn parses_a_page_of_pulses() {
        let (b, next) = parse_page(&fixture("otx/subscribed_page1.json")).unwrap();
        assert_eq!(
            next.as_deref(),
            Some("https://otx.alienvault.com/api/v1/pulses/subscribed?page=2&limit=50")
        );
        assert_eq!(b.skipped.total(), 2, "FilePath and Mutex are not modelled");
        assert_eq!(
            b.skipped.count(crate::sources::SkipReason::UnsupportedType),
            2
        );
        let d = find(&b, "1woat.top");
        assert_eq!(d.kind, IndicatorType::Domain);
        assert_eq!(d.obs.threat.as_deref(), Some("Phishing kit infrastructure"));
        assert!(d.obs.tags.iter().any(|t| &**t == "phishing"));
        assert_eq!(
            d.obs.first_seen.map(crate::model::time::rfc3339).as_deref(),
            Some("2023-08-09T05:05:15Z")
        );
        // hostname is a domain; hashes lower-case; IPv4 canonical.
        assert_eq!(find(&b, "cdn.1woat.top").kind, IndicatorType::Domain);
        assert_eq!(
            find(&b, "44d88612fea8a8f36de82e1278abb02f").kind,
            IndicatorType::Md5
        );
        assert_eq!(find(&b, "45.0.0.3").kind, IndicatorType::Ipv4);
        assert_eq!(find(&b, "CVE-2023-4863").kind, IndicatorType::Cve);
    }

    #[test]
    fn next_links_stay_on_the_configured_origin() {
        let mut spec =
            crate::config::Config::builtin(&|_| None, &crate::sources::registry::kinds())
                .source("otx")
                .cloned()
                .unwrap();
        spec.url = Url::parse("http://127.0.0.1:8080/otx/api/v1").unwrap();
        let cur = first_page_url(&spec, Timestamp::UNIX_EPOCH).unwrap();
        assert_eq!(cur.path(), "/otx/api/v1/pulses/subscribed");
        assert!(
            cur.query()
                .unwrap()
                .contains("modified_since=1970-01-01T00%3A00%3A00")
        );
        assert!(
            next_url(
                &spec,
                &cur,
                "http://127.0.0.1:8080/otx/api/v1/pulses/subscribed?page=2"
            )
            .is_ok()
        );
        assert!(next_url(&spec, &cur, "/otx/api/v1/pulses/subscribed?page=3").is_ok());
        for bad in [
            "http://evil.example/steal",
            "https://127.0.0.1:8080/otx",
            "http://127.0.0.1:8081/otx",
        ] {
            let e = next_url(&spec, &cur, bad).unwrap_err();
            assert!(matches!(e, FetchError::Refused(_)), "{bad}: {e}");
        }
    }

    #[test]
    fn parses_a_general_lookup() {
        let body =
            br#"{"base_indicator": {}, "reputation": 0, "pulse_info": {"count": 2, "pulses": [
            {"name": "Older", "modified": "2026-01-01T00:00:00", "tags": []},
            {"name": "QakBot C2", "modified": "2026-11-20T08:00:00", "tags": ["qakbot"]}]}}"#;
        let v = parse_general(body, IndicatorType::Ipv4, "192.0.2.3").unwrap();
        let p = v.pulses.unwrap();
        assert_eq!(p.count, 2);
        assert_eq!(p.names, ["QakBot C2", "Older"], "newest first");
        assert_eq!(
            v.link.as_deref(),
            Some("https://otx.alienvault.com/indicator/ip/192.0.2.3")
        );
        assert_eq!(
            general_path(IndicatorType::Sha256, "ab").as_deref(),
            Some("indicators/file/ab/general")
        );
        assert_eq!(general_path(IndicatorType::Cidr, "1.0.0.0/8"), None);
        let empty = parse_general(b"{}", IndicatorType::Domain, "x.example").unwrap();
        assert_eq!(empty.pulses.map(|p| p.count), Some(0));
    }

    /// OTX gives an indicator's `created` and its pulse's `modified`; an indicator added
    /// a second after the pulse's last change (as OTX's pulse editor writes it) keeps
    /// `created` as first seen and is last seen then too, never before.
    #[test]
    fn an_indicator_created_after_its_pulse_modified_is_never_last_seen_first() {
        let body = br#"{"results": [{"id": "p1", "name": "Late add", "modified": "2026-11-20T08:00:00.000000",
            "indicators": [{"indicator": "late.example", "type": "domain", "created": "2026-11-20T08:00:01"}]}],
            "next": null}"#;
        let (b, _) = parse_page(body).unwrap();
        let s = find(&b, "late.example");
        let (f, l) = (s.obs.first_seen.unwrap(), s.obs.last_seen.unwrap());
        assert_eq!(f.as_second(), 1_795_161_601, "{f:?}");
        assert!(f <= l, "{f:?} > {l:?}");
        assert_eq!(l, f);
    }

    #[test]
    fn a_page_without_results_is_an_error() {
        assert!(parse_page(br#"{"detail": "Authentication required"}"#).is_err());
    }
}
