// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! VirusTotal API v3 lookups of watched values (and of any indicator on demand):
//! `/files/{hash}`, `/ip_addresses/{ip}`, `/domains/{d}`, `/urls/{base64url(url)}`, with
//! `x-apikey`, within the key's budget (4/min and 500/day for a public key), spent from
//! the store's quota ledger when there is one; a `429` corrects the ledger.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use url::Url;

use super::ParsedBatch;
use super::SkipReason;
use super::registry::Lookup;
use super::{BatchBuilder, FetchContext, FetchError, FetchOutput, ParseError, lenient};
use crate::config::KeyKind;
use crate::config::SourceSpec;
use crate::config::kind::{Field, KeyUse, KindInfo, minutes};
use crate::model::indicator::MAX_VALUE_LEN;
use crate::model::indicator::detect;
use crate::model::time::epoch;
use crate::model::{IndicatorType, Observation, Verdict, VtStats};
use crate::net::{NetError, Request};
use futures_util::future::BoxFuture;

/// The API path for a lookup of `value`; `None` for types VirusTotal does not look up.
pub fn lookup_path(kind: IndicatorType, value: &str) -> Option<String> {
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    Some(match kind {
        IndicatorType::Md5 | IndicatorType::Sha1 | IndicatorType::Sha256 => {
            format!("files/{}", enc(value))
        }
        IndicatorType::Ipv4 | IndicatorType::Ipv6 => format!("ip_addresses/{}", enc(value)),
        IndicatorType::Domain => format!("domains/{}", enc(value)),
        IndicatorType::Url => format!("urls/{}", URL_SAFE_NO_PAD.encode(value.as_bytes())),
        IndicatorType::Cidr | IndicatorType::Email | IndicatorType::Cve => return None,
    })
}

pub fn lookup_url(spec: &SourceSpec, kind: IndicatorType, value: &str) -> Option<Url> {
    super::join(&spec.url, &lookup_path(kind, value)?)
}

#[derive(Deserialize)]
struct Reply {
    data: Data,
}

#[derive(Deserialize)]
struct Data {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    id: Option<String>,
    #[serde(default, rename = "type", deserialize_with = "lenient::opt_string")]
    kind: Option<String>,
    #[serde(default)]
    attributes: Attributes,
}

#[derive(Deserialize, Default)]
struct Attributes {
    #[serde(default)]
    last_analysis_stats: Option<Stats>,
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    reputation: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    last_analysis_date: Option<i64>,
    #[serde(default)]
    popular_threat_classification: Option<ThreatClass>,
}

#[derive(Deserialize, Default)]
struct Stats {
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    harmless: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    malicious: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    suspicious: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    undetected: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    timeout: Option<i64>,
}

#[derive(Deserialize)]
struct ThreatClass {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    suggested_threat_label: Option<String>,
}

fn count(n: Option<i64>) -> u32 {
    n.and_then(|n| u32::try_from(n).ok()).unwrap_or(0)
}

/// VirusTotal's `{"error": {"code", "message"}}`.
pub fn parse_error(body: &[u8]) -> Option<(String, String)> {
    #[derive(Deserialize)]
    struct E {
        error: Inner,
    }
    #[derive(Deserialize)]
    struct Inner {
        #[serde(default, deserialize_with = "lenient::opt_string")]
        code: Option<String>,
        #[serde(default, deserialize_with = "lenient::opt_string")]
        message: Option<String>,
    }
    let e: E = serde_json::from_slice(body).ok()?;
    Some((
        e.error.code.unwrap_or_default(),
        e.error.message.unwrap_or_default(),
    ))
}

/// Parses a lookup reply: VirusTotal's verdict on the value (the engines' counts,
/// reputation, suggested threat label and its page). Its dates and tags describe the
/// object's analysis, not a sighting, and are not kept.
pub fn parse_lookup(body: &[u8]) -> Result<Verdict, ParseError> {
    let reply: Reply = serde_json::from_slice(body).map_err(|e| ParseError::json(&e))?;
    let a = reply.data.attributes;
    let virustotal = a.last_analysis_stats.map(|s| VtStats {
        malicious: count(s.malicious),
        suspicious: count(s.suspicious),
        harmless: count(s.harmless),
        undetected: count(s.undetected),
        timeout: count(s.timeout),
        reputation: a
            .reputation
            .and_then(|r| i32::try_from(r).ok())
            .unwrap_or(0),
        last_analysis: a.last_analysis_date.and_then(epoch),
    });
    let gui_kind = match reply.data.kind.as_deref() {
        Some("ip_address") => "ip-address",
        Some("domain") => "domain",
        Some("url") => "url",
        _ => "file",
    };
    let link = reply
        .data
        .id
        .as_deref()
        .filter(|id| !id.is_empty() && id.len() <= MAX_VALUE_LEN)
        .map(|id| format!("https://www.virustotal.com/gui/{gui_kind}/{id}"));
    Ok(Verdict {
        virustotal,
        pulses: None,
        threat: a
            .popular_threat_classification
            .and_then(|c| c.suggested_threat_label)
            .filter(|t| !t.is_empty()),
        link,
    })
}

/// Looks one value up; `Ok(None)` when VirusTotal does not know it (404). With `wait`,
/// waits for the rate limiter; without, fails at once when no lookup is allowed now.
pub async fn lookup(
    ctx: &FetchContext,
    spec: &SourceSpec,
    kind: IndicatorType,
    value: &str,
    wait: bool,
) -> Result<Option<(Verdict, u64)>, FetchError> {
    let key = ctx
        .keys
        .get(KeyKind::VirusTotal)
        .ok_or_else(|| FetchError::Disabled("no VirusTotal API key".into()))?;
    let url = lookup_url(spec, kind, value)
        .ok_or_else(|| FetchError::Refused(format!("VirusTotal cannot look up a {kind}")))?;
    let budget = ctx.budget(&spec.name);
    let req = Request::get(url)
        .with_secret("x-apikey", Some(key))
        .without_429_retry();
    let mut attempt = 0;
    let resp = loop {
        if let Some(b) = budget {
            if wait {
                b.acquire().await?;
            } else {
                b.try_acquire().await?;
            }
        }
        match ctx.http.send(&req).await {
            Err(NetError::RateLimited { url, retry_after }) => {
                // Another client spent the key's window: the ledger learns it, and with
                // `wait` the next try waits for the window's end.
                if let Some(b) = budget {
                    b.rate_limited(retry_after).await;
                }
                attempt += 1;
                let short = retry_after.is_none_or(|d| d <= ctx.http.config().max_retry_wait);
                if !(wait && budget.is_some() && short && attempt <= ctx.http.config().retries) {
                    return Err(NetError::RateLimited { url, retry_after }.into());
                }
            }
            other => break other?,
        }
    };
    if resp.status.as_u16() == 404 {
        return Ok(None);
    }
    if !resp.status.is_success() {
        return Err(match parse_error(&resp.body) {
            // Scrub before shortening, so no part of a key survives.
            Some((code, message)) => FetchError::Api(format!(
                "VirusTotal {}: {}",
                crate::model::sanitize::one_line(&resp.scrub(&code), 40),
                crate::model::sanitize::one_line(&resp.scrub(&message), 160)
            )),
            None => resp.ok().err().map_or(
                FetchError::Api("unexpected VirusTotal reply".into()),
                FetchError::Net,
            ),
        });
    }
    let verdict = parse_lookup(&resp.body)?;
    Ok(Some((verdict, resp.body.len() as u64)))
}

/// The `watch` list: each watched value is the user's own indicator, held by this
/// source with nothing else said of it (no date, tag or threat: VirusTotal's are not a
/// sighting's), and VirusTotal's verdict on it is the value's enrichment
/// ([`FetchOutput::answers`]). Answers younger than `enrich_ttl` are reused, and a value
/// another process is looking up is waited for, not asked again
/// ([`super::answers::look_up`]).
pub async fn fetch(ctx: &FetchContext, spec: &SourceSpec) -> Result<FetchOutput, FetchError> {
    let mut b = BatchBuilder::new();
    let mut out = FetchOutput::default();
    for w in &spec.watch {
        let Some(n) = detect(w) else {
            b.skip(SkipReason::InvalidValue, w);
            continue;
        };
        if lookup_path(n.kind, &n.value).is_none() {
            b.skip(
                SkipReason::Unsupported("VirusTotal does not look this type up"),
                w,
            );
            continue;
        }
        let looked = super::answers::look_up(ctx, spec, n.kind, &n.value, true).await?;
        if !looked.cached {
            out.requests += 1;
        }
        out.answers.push(looked.answer);
        b.push_normalised(n, Observation::default());
    }
    out.batch = b.finish();
    Ok(out)
}

/// The `virustotal` kind.
pub static KIND: KindInfo = KindInfo {
    name: "virustotal",
    key_use: KeyUse::Required(KeyKind::VirusTotal),
    default_url: Some("https://www.virustotal.com/api/v3"),
    default_api_url: None,
    default_refresh: minutes(60),
    min_refresh: minutes(1),
    default_lookback: std::time::Duration::from_secs(86_400),
    default_page_size: 50,
    fields: &[Field::Watch, Field::RateLimit],
    default_weight: 60,
};

/// The `virustotal` kind's driver.
pub struct VirusTotal;

impl super::registry::Driver for VirusTotal {
    fn info(&self) -> &'static KindInfo {
        &KIND
    }

    fn parse(&self, _spec: &SourceSpec, _body: &[u8]) -> Result<ParsedBatch, ParseError> {
        Err(ParseError::Shape(
            "VirusTotal answers lookups, not documents".into(),
        ))
    }

    fn fetch<'a>(
        &'a self,
        ctx: &'a FetchContext,
        spec: &'a SourceSpec,
        _prior: &'a super::Prior,
    ) -> BoxFuture<'a, Result<FetchOutput, FetchError>> {
        Box::pin(fetch(ctx, spec))
    }

    fn rate_limited(&self) -> bool {
        true
    }

    fn lookup(&self) -> Option<&dyn Lookup> {
        Some(self)
    }
}

impl Lookup for VirusTotal {
    fn supports(&self, kind: IndicatorType, value: &str) -> bool {
        lookup_path(kind, value).is_some()
    }

    fn lookup<'a>(
        &'a self,
        ctx: &'a FetchContext,
        spec: &'a SourceSpec,
        kind: IndicatorType,
        value: &'a str,
        wait: bool,
    ) -> BoxFuture<'a, Result<Option<Verdict>, FetchError>> {
        Box::pin(async move { Ok(lookup(ctx, spec, kind, value, wait).await?.map(|(v, _)| v)) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::test_util::fixture;

    #[test]
    fn lookup_paths() {
        assert_eq!(
            lookup_path(IndicatorType::Sha256, "ab").as_deref(),
            Some("files/ab")
        );
        assert_eq!(
            lookup_path(IndicatorType::Ipv4, "45.0.0.3").as_deref(),
            Some("ip_addresses/45.0.0.3")
        );
        // base64url of the URL, no padding.
        assert_eq!(
            lookup_path(IndicatorType::Url, "http://evil.example/a?b=c").as_deref(),
            Some("urls/aHR0cDovL2V2aWwuZXhhbXBsZS9hP2I9Yw")
        );
        assert_eq!(lookup_path(IndicatorType::Cve, "CVE-2024-1"), None);
    }

    #[test]
    fn parses_an_ip_report() {
        let v = parse_lookup(&fixture("virustotal/ip_address.json")).unwrap();
        let vt = v.virustotal.unwrap();
        assert_eq!(
            (vt.malicious, vt.suspicious, vt.harmless, vt.undetected),
            (8, 1, 83, 7)
        );
        assert_eq!(vt.reputation, -12);
        // When VirusTotal analysed it: part of the verdict, not a sighting.
        assert!(vt.last_analysis.is_some());
        assert!(v.link.unwrap().contains("/gui/ip-address/45.0.0.3"));
    }

    #[test]
    fn parses_a_file_report_with_threat_label() {
        let v = parse_lookup(&fixture("virustotal/file.json")).unwrap();
        assert_eq!(v.threat.as_deref(), Some("virus.eicar/test"));
        assert_eq!(v.virustotal.unwrap().malicious, 60);
    }

    #[test]
    fn parses_errors() {
        assert_eq!(
            parse_error(br#"{"error":{"code":"NotFoundError","message":"Resource not found."}}"#),
            Some(("NotFoundError".into(), "Resource not found.".into()))
        );
        assert_eq!(parse_error(b""), None);
    }
}
