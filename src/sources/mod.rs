// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Threat-intel sources. Each module holds a pure parser of the source's wire format and
//! the requests it makes; [`fetch`] runs one configured source once.

pub mod cisa_kev;
pub mod feodo;
pub mod kind;
pub mod lenient;
pub mod otx;
pub mod plain_list;
pub mod spamhaus_drop;
pub mod threatfox;
pub mod urlhaus;
pub mod virustotal;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use crate::config::{ApiKeys, Config, SourceSpec};
use crate::model::indicator::{Normalised, normalise};
use crate::model::intern::Interner;
use crate::model::{IndicatorType, Observation, Sighting};
use crate::net::ratelimit::{Denied, RateLimiter};
use crate::net::{HttpClient, NetError};
use kind::SourceKind;

/// What a parser made of a document.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct ParsedBatch {
    pub sightings: Vec<Sighting>,
    /// Records that were malformed or of a type not modelled.
    pub skipped: usize,
}

impl ParsedBatch {
    pub fn extend(&mut self, other: ParsedBatch) {
        self.sightings.extend(other.sightings);
        self.skipped += other.skipped;
    }
}

/// A document that could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("invalid JSON: {0}")]
    Json(String),
    #[error("invalid CSV: {0}")]
    Csv(String),
    #[error("unexpected document: {0}")]
    Shape(String),
}

impl ParseError {
    pub fn json(e: &serde_json::Error) -> Self {
        ParseError::Json(crate::model::sanitize::one_line(&e.to_string(), 160))
    }
}

/// Why one fetch of one source failed. One line, no keys.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    #[error("{0}")]
    Net(#[from] NetError),
    #[error("{0}")]
    Parse(#[from] ParseError),
    #[error("API error: {0}")]
    Api(String),
    #[error("{0}")]
    Refused(String),
    #[error("VirusTotal daily quota of {limit} lookups is used up; resets in {}", crate::config::units::format_duration(*resets_in))]
    Quota {
        limit: u32,
        resets_in: std::time::Duration,
    },
    #[error("source is disabled: {0}")]
    Disabled(String),
}

impl FetchError {
    /// The message without the URL, for narrow displays.
    pub fn short(&self) -> String {
        let full = self.to_string();
        match self {
            FetchError::Net(e) => {
                let url = match e {
                    NetError::Auth { url, .. }
                    | NetError::RateLimited { url, .. }
                    | NetError::Status { url, .. }
                    | NetError::Timeout { url, .. }
                    | NetError::Connect { url, .. }
                    | NetError::TooLarge { url, .. }
                    | NetError::Body { url, .. }
                    | NetError::Redirect { url, .. }
                    | NetError::Other { url, .. } => url,
                };
                full.strip_prefix(&format!("{url}: "))
                    .map_or(full.clone(), str::to_string)
            }
            _ => full,
        }
    }

    pub fn is_auth(&self) -> bool {
        matches!(self, FetchError::Net(e) if e.is_auth())
    }

    pub fn is_rate_limited(&self) -> bool {
        matches!(
            self,
            FetchError::Net(NetError::RateLimited { .. }) | FetchError::Quota { .. }
        )
    }
}

impl From<Denied> for FetchError {
    fn from(d: Denied) -> Self {
        match d {
            Denied::DailyQuota { limit, resets_in } => FetchError::Quota { limit, resets_in },
            Denied::Wait(w) => FetchError::Refused(format!(
                "rate limit: next lookup allowed in {}",
                crate::config::units::format_duration(w)
            )),
        }
    }
}

/// A successful fetch.
#[derive(Debug, Clone, Default)]
pub struct FetchOutput {
    pub batch: ParsedBatch,
    /// Body bytes received (after decompression).
    pub bytes: u64,
    pub requests: u32,
}

/// What fetches share: the HTTP client, the keys, and the per-key rate limiters.
#[derive(Clone)]
pub struct FetchContext {
    pub http: HttpClient,
    pub keys: ApiKeys,
    limiters: Arc<HashMap<String, Arc<RateLimiter>>>,
}

impl FetchContext {
    pub fn new(config: &Config) -> Result<FetchContext, NetError> {
        let limiters = config
            .sources
            .iter()
            .filter(|s| s.kind == SourceKind::Virustotal)
            .map(|s| (s.name.clone(), Arc::new(RateLimiter::new(s.rate_limit))))
            .collect();
        Ok(FetchContext {
            http: HttpClient::new(&config.http)?,
            keys: config.keys.clone(),
            limiters: Arc::new(limiters),
        })
    }

    /// The rate limiter of a rate-limited source (VirusTotal).
    pub fn limiter(&self, source: &str) -> Option<Arc<RateLimiter>> {
        self.limiters.get(source).cloned()
    }
}

/// Runs one fetch of `spec`.
pub async fn fetch(ctx: &FetchContext, spec: &SourceSpec) -> Result<FetchOutput, FetchError> {
    let started = Instant::now();
    let result = match spec.kind {
        SourceKind::Otx => otx::fetch(ctx, spec).await,
        SourceKind::Virustotal => virustotal::fetch(ctx, spec).await,
        SourceKind::Urlhaus => urlhaus::fetch(ctx, spec).await,
        SourceKind::Feodo => simple_fetch(ctx, spec, feodo::parse).await,
        SourceKind::Threatfox => threatfox::fetch(ctx, spec).await,
        SourceKind::CisaKev => simple_fetch(ctx, spec, cisa_kev::parse).await,
        SourceKind::PlainList => {
            let t = spec.value_type;
            simple_fetch(ctx, spec, move |b| plain_list::parse(b, t)).await
        }
        SourceKind::SpamhausDrop => simple_fetch(ctx, spec, spamhaus_drop::parse).await,
    };
    match &result {
        Ok(out) => tracing::debug!(
            source = %spec.name,
            count = out.batch.sightings.len(),
            skipped = out.batch.skipped,
            ms = started.elapsed().as_millis() as u64,
            "fetched"
        ),
        Err(e) => tracing::debug!(source = %spec.name, "fetch failed: {e}"),
    }
    result
}

/// A keyless download parsed by one function.
async fn simple_fetch(
    ctx: &FetchContext,
    spec: &SourceSpec,
    parse: impl Fn(&[u8]) -> Result<ParsedBatch, ParseError>,
) -> Result<FetchOutput, FetchError> {
    let resp = ctx
        .http
        .send(&crate::net::Request::get(spec.url.clone()))
        .await?
        .ok()?;
    let batch = parse(&resp.body)?;
    Ok(FetchOutput {
        bytes: resp.body.len() as u64,
        batch,
        requests: 1,
    })
}

/// Builds sightings for a parser: normalises values, interns shared strings, counts skips.
#[derive(Default)]
pub struct BatchBuilder {
    pub batch: ParsedBatch,
    pub strings: Interner,
}

impl BatchBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `raw` as type `kind`; a value that does not normalise is counted as skipped.
    pub fn push(&mut self, kind: IndicatorType, raw: &str, obs: Observation) {
        match normalise(kind, raw) {
            Ok(n) => self.push_normalised(n, obs),
            Err(_) => self.batch.skipped += 1,
        }
    }

    pub fn push_normalised(&mut self, n: Normalised, mut obs: Observation) {
        if let Some(p) = n.port
            && !obs.ports.contains(&p)
        {
            obs.ports.push(p);
        }
        self.batch.sightings.push(Sighting {
            kind: n.kind,
            value: n.value.into_boxed_str(),
            obs,
        });
    }

    pub fn skip(&mut self) {
        self.batch.skipped += 1;
    }

    pub fn finish(self) -> ParsedBatch {
        self.batch
    }
}

/// `base` + `path`, treating `base` as a directory whether or not it ends in `/`.
pub(crate) fn join(base: &url::Url, path: &str) -> Option<url::Url> {
    let mut b = base.clone();
    if !b.path().ends_with('/') {
        let p = format!("{}/", b.path());
        b.set_path(&p);
    }
    b.join(path.trim_start_matches('/')).ok()
}

/// Reads an abuse.ch API reply: a body-level `query_status` error first (a bad key may
/// come with 200 or 4xx), then the HTTP status, then the document.
pub(crate) fn abusech_api_result(
    service: &str,
    resp: crate::net::Response,
    parse: impl Fn(&[u8]) -> Result<Result<ParsedBatch, String>, ParseError>,
) -> Result<(ParsedBatch, u64), FetchError> {
    let parsed = parse(&resp.body);
    if let Ok(Err(status)) = &parsed {
        return Err(FetchError::Api(format!(
            "{service} API answered `{status}`"
        )));
    }
    let resp = resp.ok()?;
    let batch = parsed?.map_err(FetchError::Api)?;
    Ok((batch, resp.body.len() as u64))
}

#[cfg(test)]
pub(crate) mod test_util {
    use super::*;

    pub fn fixture(path: &str) -> Vec<u8> {
        let full = format!("{}/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
    }

    pub fn find<'a>(b: &'a ParsedBatch, value: &str) -> &'a Sighting {
        b.sightings
            .iter()
            .find(|s| &*s.value == value)
            .unwrap_or_else(|| panic!("no sighting {value} in {:#?}", b.sightings))
    }
}
