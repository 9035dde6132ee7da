// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! A TAXII 2.1 collection (TAXII 2.1 §5.4 "Get Objects"):
//! `GET {url}/collections/{collection}/objects/` with `Accept:
//! application/taxii+json;version=2.1`, paged with `limit` and the envelope's
//! `more`/`next`, incremental with `added_after` = the last `X-TAXII-Date-Added-Last`
//! seen (the stored cursor).
//!
//! Paging follows every form TAXII 2.1 §3.4 allows: a page with `more: true` and a
//! `next` continues with `next`; one with `more: true` and no `next` continues with
//! `added_after` set to the page's `X-TAXII-Date-Added-Last` (as OpenCTI PR #5691 quotes
//! the spec). Every `added_after` we send is a millisecond before the time it stands
//! for, so objects sharing that `date_added` across a page or fetch boundary are read
//! again rather than skipped; they are kept once, by STIX id and `modified`
//! ([`Objects`]), and an object already held is no news to the retro-hunt. A server that
//! repeats a `next` token or a `X-TAXII-Date-Added-Last` with a page that brings no
//! object not read before and no later date fails the fetch with one line, and the last
//! snapshot stays. (A repeated token alone is no loop: medallion keeps one token for a
//! whole paging session.) The payload is read by [`super::stix::objects`]: each
//! STIX object is one group, so an incremental fetch replaces the objects that changed
//! and a revoked or expired indicator is removed. An indicator valid until a later time
//! gives its group that expiry ([`FetchOutput::expires`]): the object is not delivered
//! again, so the store stops reading it once the time has passed.
//!
//! Credentials (`auth:`) are sent only to the configured origin; a refusal is reported
//! without them.

use jiff::Timestamp;
use reqwest::header::{ACCEPT, HeaderValue};
use serde_json::Value;
use url::Url;

use super::stix::objects::{self, Objects};
use super::{BatchBuilder, FetchContext, FetchError, FetchOutput, ParseError, ParsedBatch, Prior};
use crate::config::SourceSpec;
use crate::config::kind::{Field, KeyUse, KindInfo, minutes};
use crate::net::{NetError, Request};
use futures_util::future::BoxFuture;

/// The TAXII 2.1 media type (TAXII 2.1 §1.6.8.1).
pub const MEDIA_TYPE: &str = "application/taxii+json;version=2.1";

/// Most pages followed in one fetch.
pub const MAX_PAGES: usize = 10_000;

/// The header naming the newest `date_added` of a page (TAXII 2.1 §3.3.2).
pub const DATE_ADDED_LAST: &str = "x-taxii-date-added-last";

/// The objects URL with `added_after` exactly `raw` (a server's own
/// `X-TAXII-Date-Added-Last`, sent back as it came).
fn objects_url_after(spec: &SourceSpec, raw: &str) -> Option<Url> {
    let mut url = objects_url(spec, None)?;
    url.query_pairs_mut().append_pair("added_after", raw);
    Some(url)
}

/// The objects URL of the first page:
/// `{url}/collections/{id}/objects/?limit=N&match[type]=...&match[spec_version]=2.1[&added_after=T]`.
pub fn objects_url(spec: &SourceSpec, added_after: Option<Timestamp>) -> Option<Url> {
    let id = spec.collection.as_deref()?;
    let enc: String = url::form_urlencoded::byte_serialize(id.as_bytes()).collect();
    let mut url = super::join(&spec.url, &format!("collections/{enc}/objects/"))?;
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("limit", &spec.page_size.to_string());
        q.append_pair("match[type]", objects::TYPES);
        // Only STIX 2.1 is read; saying so also spares servers a comparison of every
        // object's spec_version with every other's (medallion's memory backend).
        q.append_pair("match[spec_version]", "2.1");
        if let Some(t) = added_after {
            q.append_pair("added_after", &self::added_after(t));
        }
    }
    Some(url)
}

/// How a page of objects ends (TAXII 2.1 §3.7 envelope).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageEnd {
    /// `more` is false or absent: this was the last page.
    Last,
    /// `more: true` with this `next` token.
    Next(String),
    /// `more: true` and no `next`: continue with `added_after` (TAXII 2.1 §3.4).
    MoreAfter,
}

/// `added_after` for objects added after `t`: a millisecond earlier, written in
/// milliseconds, so nothing added in the same instant is skipped.
pub fn added_after(t: Timestamp) -> String {
    let t = t
        .checked_sub(jiff::SignedDuration::from_millis(1))
        .unwrap_or(t);
    t.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// One page of the envelope (TAXII 2.1 §3.7): its objects read into `acc`; says how
/// the page ends.
pub fn parse_page_into(
    body: &[u8],
    b: &mut BatchBuilder,
    acc: &mut Objects,
    now: Timestamp,
) -> Result<PageEnd, ParseError> {
    let env: Value = serde_json::from_slice(body).map_err(|e| ParseError::json(&e))?;
    if !env.is_object() {
        return Err(ParseError::Shape("expected a TAXII envelope".into()));
    }
    for o in env
        .get("objects")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        acc.take(o, b, now);
    }
    let more = env.get("more").and_then(Value::as_bool) == Some(true);
    let next = env.get("next").and_then(Value::as_str).map(str::trim);
    Ok(match (more, next) {
        (true, Some(n)) if !n.is_empty() => PageEnd::Next(n.to_string()),
        (true, _) => PageEnd::MoreAfter,
        _ => PageEnd::Last,
    })
}

/// A transport error as shown: a refusal of the credentials said plainly, and any text
/// from the server scrubbed of the configured secrets (a server may echo them).
fn net_error(e: NetError, spec: &SourceSpec) -> FetchError {
    use secrecy::ExposeSecret;
    let scrub = |text: String| {
        spec.auth
            .iter()
            .flat_map(|a| a.secrets())
            .fold(text, |t, s| {
                crate::net::redact::scrub(&t, s.expose_secret())
            })
    };
    match e {
        NetError::Status {
            url,
            status,
            detail,
        } => NetError::Status {
            url,
            status,
            detail: scrub(detail),
        }
        .into(),
        NetError::Auth { url, status, .. } => FetchError::Api(format!(
            "{}: the TAXII server refused {} (HTTP {status}); check `auth` of source `{}`",
            url.split('?').next().unwrap_or_default(),
            if spec.auth.is_some() {
                "the credentials"
            } else {
                "access without credentials"
            },
            spec.name
        )),
        e => e.into(),
    }
}

/// Fetches every page from `prior.cursor` (or the whole collection without one).
pub async fn fetch(
    ctx: &FetchContext,
    spec: &SourceSpec,
    prior: &Prior,
) -> Result<FetchOutput, FetchError> {
    let first = objects_url(spec, prior.cursor).ok_or_else(|| {
        FetchError::Refused("the TAXII URL or collection cannot form a path".into())
    })?;
    let auth = spec
        .auth
        .as_ref()
        .map(crate::config::SourceAuth::header_value);
    let now = Timestamp::now();
    let mut b = BatchBuilder::new();
    let mut acc = Objects::default();
    let mut out = FetchOutput::default();
    let mut newest: Option<Timestamp> = None;
    let mut page = first.clone();
    let mut tokens = std::collections::HashSet::new();
    let mut afters = std::collections::HashSet::new();
    let mut exact = std::collections::HashSet::new();
    let stop = |why: String| -> FetchError {
        ParseError::Shape(format!("{why}; stopped, the last snapshot is kept")).into()
    };
    loop {
        if out.requests as usize >= MAX_PAGES {
            return Err(
                ParseError::Shape(format!("TAXII paging goes past {MAX_PAGES} pages")).into(),
            );
        }
        let req = Request::get(page.clone())
            .with_header(ACCEPT, HeaderValue::from_static(MEDIA_TYPE))
            .with_secret("authorization", auth.as_ref());
        let resp = ctx
            .http
            .send(&req)
            .await
            .and_then(crate::net::Response::ok)
            .map_err(|e| net_error(e, spec))?;
        out.requests += 1;
        out.bytes += resp.body.len() as u64;
        let last_raw = resp
            .headers
            .get(DATE_ADDED_LAST)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.trim().to_string());
        let last = last_raw.as_deref().and_then(crate::model::time::parse_time);
        let held = acc.len();
        let advanced = last > newest;
        newest = newest.max(last);
        let end = parse_page_into(&resp.body, &mut b, &mut acc, now)?;
        // Progress: an object not read before, or a later X-TAXII-Date-Added-Last. A
        // server may keep one `next` token for a whole paging session (medallion does),
        // so only a repeat without progress is a loop.
        let progress = advanced || acc.len() > held;
        tracing::debug!(
            source = %spec.name,
            page = out.requests,
            end = ?end,
            "TAXII page read"
        );
        page = match end {
            PageEnd::Last => break,
            PageEnd::Next(n) => {
                if !tokens.insert(n.clone()) && !progress {
                    return Err(stop(format!(
                        "the TAXII server gave the `next` token {:?} again on page {} with \
                         nothing new",
                        crate::model::sanitize::one_line(&n, 40),
                        out.requests
                    )));
                }
                let mut url = first.clone();
                url.query_pairs_mut().append_pair("next", &n);
                url
            }
            PageEnd::MoreAfter => {
                let Some(last) = last else {
                    return Err(stop(format!(
                        "the TAXII server said `more` on page {} with neither `next` nor \
                         X-TAXII-Date-Added-Last",
                        out.requests
                    )));
                };
                if !afters.insert(last) && !progress {
                    // More objects than a page share this instant: asking a millisecond
                    // early gives the same page again. Go on after the instant itself,
                    // once, at the risk of skipping the rest of it.
                    if exact.insert(last)
                        && let Some(raw) = &last_raw
                        && let Some(url) = objects_url_after(spec, raw)
                    {
                        tracing::warn!(
                            source = %spec.name,
                            "more than a page of TAXII objects were added at {last}; \
                             going on after that instant, some of them may be skipped"
                        );
                        url
                    } else {
                        return Err(stop(format!(
                            "the TAXII server gave X-TAXII-Date-Added-Last {last} again on page \
                             {} without a `next`",
                            out.requests
                        )));
                    }
                } else {
                    objects_url(spec, Some(last)).unwrap_or_else(|| first.clone())
                }
            }
        };
    }
    let (batch, groups, expires) = acc.finish(b);
    out.batch = batch;
    out.groups = groups;
    out.expires = expires;
    out.incremental = prior.cursor.is_some();
    out.cursor = newest.or(prior.cursor);
    Ok(out)
}

/// The `taxii` kind.
pub static KIND: KindInfo = KindInfo {
    name: "taxii",
    key_use: KeyUse::None,
    default_url: None,
    default_api_url: None,
    default_refresh: minutes(60),
    min_refresh: minutes(5),
    default_lookback: std::time::Duration::from_secs(30 * 86_400),
    default_page_size: 100,
    fields: &[Field::Collection, Field::Auth, Field::PageSize],
    default_weight: 60,
};

/// The `taxii` kind's driver.
pub struct Taxii;

impl super::registry::Driver for Taxii {
    fn info(&self) -> &'static KindInfo {
        &KIND
    }

    /// A STIX bundle or one TAXII envelope, as a whole document.
    fn parse(&self, _spec: &SourceSpec, body: &[u8]) -> Result<ParsedBatch, ParseError> {
        objects::parse_document(body, Timestamp::now()).map(|(b, ..)| b)
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
    use crate::sources::test_util::{find, fixture};

    fn page(name: &str) -> (ParsedBatch, objects::Groups) {
        let now = "2026-11-29T00:00:00Z".parse().unwrap();
        let (b, groups, _) =
            objects::parse_document(&fixture(&format!("taxii/{name}")), now).unwrap();
        (b, groups)
    }

    fn stix_indicator(n: u8, value: &str, modified: &str, until: Option<&str>) -> Value {
        let mut o = serde_json::json!({
            "type": "indicator", "spec_version": "2.1",
            "id": format!("indicator--0b0e0c9a-1c2d-4e5f-8a9b-0000000000{n:02x}"),
            "modified": modified, "pattern_type": "stix",
            "pattern": format!("[domain-name:value = '{value}']"),
            "valid_from": "2026-11-01T00:00:00Z"
        });
        if let Some(u) = until {
            o["valid_until"] = Value::from(u);
        }
        o
    }

    #[test]
    fn a_future_valid_until_is_the_groups_expiry_and_the_newest_version_decides() {
        let now: Timestamp = "2026-11-29T00:00:00Z".parse().unwrap();
        let (v1, v2) = ("2026-11-01T00:00:00Z", "2026-11-02T00:00:00Z");
        let objects = [
            // Valid until tomorrow: kept, with that expiry.
            stix_indicator(1, "later.example", v1, Some("2026-11-30T00:00:00Z")),
            // Past: an empty group, no expiry.
            stix_indicator(2, "past.example", v1, Some("2026-11-28T00:00:00Z")),
            // No valid_until: never lapses.
            stix_indicator(3, "always.example", v1, None),
            // A newer version without valid_until takes the expiry away...
            stix_indicator(4, "renewed.example", v1, Some("2026-11-30T00:00:00Z")),
            stix_indicator(4, "renewed.example", v2, None),
            // ...one with a later valid_until moves it, and an older one read after it
            // changes nothing.
            stix_indicator(5, "moved.example", v1, Some("2026-11-30T00:00:00Z")),
            stix_indicator(5, "moved.example", v2, Some("2026-12-31T00:00:00Z")),
            stix_indicator(5, "moved.example", v1, Some("2026-11-30T00:00:00Z")),
        ];
        let doc = serde_json::json!({ "type": "bundle", "objects": objects });
        let (b, groups, expires) =
            objects::parse_document(doc.to_string().as_bytes(), now).unwrap();
        let id = |n: u8| format!("indicator--0b0e0c9a-1c2d-4e5f-8a9b-0000000000{n:02x}");
        let at = |t: &str| t.parse::<Timestamp>().unwrap();
        assert_eq!(expires.get(&id(1)), Some(&at("2026-11-30T00:00:00Z")));
        assert_eq!(expires.get(&id(5)), Some(&at("2026-12-31T00:00:00Z")));
        assert_eq!(expires.len(), 2, "{expires:?}");
        find(&b, "later.example");
        find(&b, "moved.example");
        assert!(!b.sightings.iter().any(|s| &*s.value == "past.example"));
        let past = groups.iter().find(|(g, _)| *g == id(2)).unwrap();
        assert!(past.1.is_empty(), "the past one's group removes it");
        assert_eq!(groups.len(), 5, "one group per object");
    }

    #[test]
    fn the_bundle_gives_each_pattern_form_scos_and_cves() {
        let (b, groups) = page("bundle.json");
        let s = find(&b, "192.0.2.10");
        assert_eq!(s.kind, IndicatorType::Ipv4);
        assert_eq!(s.obs.threat.as_deref(), Some("C2 server"));
        assert_eq!(s.obs.confidence, Some(80));
        assert_eq!(
            s.obs.references.iter().map(|r| &**r).collect::<Vec<_>>(),
            ["indicator--0b0e0c9a-1c2d-4e5f-8a9b-000000000001"]
        );
        assert!(s.obs.tags.iter().any(|t| &**t == "malicious-activity"));
        for v in [
            "2001:db8::bad",
            "evil.example",
            "http://evil.example/payload",
            "phish@evil.example",
            "or-one.example",
            "or-two.example",
            "198.51.100.7",
            "sco.example",
            "CVE-2026-1234",
        ] {
            find(&b, v);
        }
        assert_eq!(find(&b, &"d".repeat(64)).kind, IndicatorType::Sha256);
        assert_eq!(find(&b, &"a".repeat(32)).kind, IndicatorType::Md5);
        assert_eq!(find(&b, &"b".repeat(40)).kind, IndicatorType::Sha1);
        // Revoked and expired indicators give empty groups, so a merge removes them.
        assert!(!b.sightings.iter().any(|s| &*s.value == "revoked.example"));
        assert!(!b.sightings.iter().any(|s| &*s.value == "expired.example"));
        let revoked = groups
            .iter()
            .find(|(id, _)| id.ends_with("0000000000a1"))
            .unwrap();
        assert!(revoked.1.is_empty());
        assert_eq!(
            b.skipped.count(crate::sources::SkipReason::Unsupported(
                "STIX pattern with AND"
            )),
            1
        );
        assert_eq!(
            b.skipped.count(crate::sources::SkipReason::Unsupported(
                "STIX pattern with a qualifier"
            )),
            1
        );
        assert_eq!(
            b.skipped.count(crate::sources::SkipReason::Unsupported(
                "STIX indicator with another pattern_type"
            )),
            1
        );
    }

    #[test]
    fn the_envelope_pages_and_urls() {
        let mut b = BatchBuilder::new();
        let mut acc = Objects::default();
        let now = Timestamp::now();
        let next = parse_page_into(
            br#"{"more":true,"next":"2","objects":[]}"#,
            &mut b,
            &mut acc,
            now,
        )
        .unwrap();
        assert_eq!(next, PageEnd::Next("2".into()));
        assert_eq!(
            parse_page_into(br#"{"more":true}"#, &mut b, &mut acc, now).unwrap(),
            PageEnd::MoreAfter
        );
        assert_eq!(
            parse_page_into(br#"{"more":true,"next":" "}"#, &mut b, &mut acc, now).unwrap(),
            PageEnd::MoreAfter
        );
        assert_eq!(
            parse_page_into(b"{}", &mut b, &mut acc, now).unwrap(),
            PageEnd::Last
        );
        assert!(parse_page_into(b"[]", &mut b, &mut acc, now).is_err());
    }

    #[test]
    fn added_after_is_a_millisecond_early_so_the_same_instant_is_read_again() {
        let t: Timestamp = "2026-11-29T10:00:00.123456Z".parse().unwrap();
        assert_eq!(added_after(t), "2026-11-29T10:00:00.122Z");
        let t: Timestamp = "2026-11-29T10:00:00Z".parse().unwrap();
        assert_eq!(added_after(t), "2026-11-29T09:59:59.999Z");
    }

    #[test]
    fn server_text_is_scrubbed_of_the_password() {
        let c = crate::config::Config::from_yaml(
            "sources:\n  - { name: t, kind: taxii, url: \"https://t.example/api1/\", collection: c, auth: { user: u, password: \"Pw-echoed-123\" } }\n",
            std::path::Path::new("t.yaml"),
            &|_| None,
            &crate::sources::registry::kinds(),
        )
        .unwrap()
        .config;
        let e = net_error(
            NetError::Status {
                url: "https://t.example/api1/".into(),
                status: 400,
                detail: "bad password Pw-echoed-123 for u".into(),
            },
            &c.sources[0],
        )
        .to_string();
        assert!(!e.contains("Pw-echoed-123"), "{e}");
        assert!(e.contains("HTTP 400"), "{e}");
    }
}
