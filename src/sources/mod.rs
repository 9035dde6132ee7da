// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Threat-intel sources. Each module holds a pure parser of the source's wire format and
//! the requests it makes; [`fetch`] runs one configured source once.

pub mod answers;
mod batch;
pub mod cisa_kev;
pub mod driver;
pub mod feodo;

pub mod lenient;
pub mod misp;
pub mod misp_feed;
pub mod misp_json;
pub mod otx;
pub mod plain_list;
pub mod registry;
pub mod spamhaus_drop;
pub mod sslbl;
pub mod stix;
pub mod taxii;
pub mod threatfox;
pub mod urlhaus;
pub mod virustotal;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use crate::config::{ApiKeys, Config, SourceSpec};
use crate::net::ratelimit::{Budget, Denied, QuotaLedger};
use crate::net::{HttpClient, NetError};
pub use batch::{BatchBuilder, ParseError, ParsedBatch, SkipCount, SkipReason, Skips, strip_bom};
pub(crate) use batch::{for_each_in_array, for_each_in_field};

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
    #[error("VirusTotal daily quota of {limit} lookups is used up; resets in {}", crate::model::time::format_duration(*resets_in))]
    Quota {
        limit: u32,
        resets_in: std::time::Duration,
    },
    #[error("VirusTotal monthly quota of {limit} lookups is used up; resets in {}", crate::model::time::format_duration(*resets_in))]
    MonthlyQuota {
        limit: u32,
        resets_in: std::time::Duration,
    },
    /// The server refused with a `429` whose window is longer than a minute.
    #[error("the service's quota is used up (HTTP 429); next lookup in {}", crate::model::time::format_duration(*resets_in))]
    ServerQuota { resets_in: std::time::Duration },
    #[error("source is disabled: {0}")]
    Disabled(String),
    /// The service needs a key that is not set (abuse.ch's `auth_key_required`).
    #[error("{0}")]
    KeyRequired(String),
}

/// The line for abuse.ch's `auth_key_required`: what is missing and how to set it.
/// Distinct from a key that was set and refused (`unknown_auth_key`).
pub fn abusech_key_required() -> FetchError {
    use crate::config::KeyKind;
    FetchError::KeyRequired(format!(
        "abuse.ch requires an Auth-Key for this feed (the server answered `auth_key_required`): \
         get a free key at https://auth.abuse.ch/ and set {} (or api_keys.{} in the config)",
        KeyKind::AbuseCh.env_var(),
        KeyKind::AbuseCh.config_field()
    ))
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
                    | NetError::Resolve { url, .. }
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

    /// Whether the fetch failed because a host name did not resolve (no network?).
    pub fn is_unresolved(&self) -> bool {
        matches!(self, FetchError::Net(e) if e.is_unresolved())
    }

    pub fn is_auth(&self) -> bool {
        matches!(self, FetchError::Net(e) if e.is_auth())
            || matches!(self, FetchError::KeyRequired(_))
    }

    pub fn is_rate_limited(&self) -> bool {
        matches!(
            self,
            FetchError::Net(NetError::RateLimited { .. })
                | FetchError::Quota { .. }
                | FetchError::MonthlyQuota { .. }
                | FetchError::ServerQuota { .. }
        )
    }
}

impl From<Denied> for FetchError {
    fn from(d: Denied) -> Self {
        match d {
            Denied::DailyQuota { limit, resets_in } => FetchError::Quota { limit, resets_in },
            Denied::MonthlyQuota { limit, resets_in } => {
                FetchError::MonthlyQuota { limit, resets_in }
            }
            Denied::Blocked { resets_in } => FetchError::ServerQuota { resets_in },
            Denied::Wait(w) => FetchError::Refused(format!(
                "rate limit: next lookup allowed in {}",
                crate::model::time::format_duration(w)
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
    /// `304 Not Modified`: the stored snapshot is still current; `batch` is empty.
    pub not_modified: bool,
    /// Validators for the next conditional request.
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// OTX: where the next incremental fetch starts.
    pub cursor: Option<jiff::Timestamp>,
    /// `batch` holds only the groups that changed since `Prior::cursor`: merge them into
    /// the stored snapshot instead of replacing it.
    pub incremental: bool,
    /// Groups replaced as a whole (OTX pulses): ids with their range in `batch.sightings`.
    pub groups: Vec<(String, std::ops::Range<usize>)>,
    /// Groups that lapse at a time (a TAXII indicator's future `valid_until`), by id: a
    /// store reads them no more after it. Groups not named here never lapse.
    pub expires: HashMap<String, jiff::Timestamp>,
    /// No request was made: `batch` is the snapshot another process sharing the store
    /// fetched within the refresh interval.
    pub from_store: bool,
    /// Look-up services' answers about values of `batch` (the `virustotal` source's
    /// `watch` list): the values' enrichment, never part of their sightings.
    pub answers: Vec<crate::model::Enrichment>,
}

/// What the last good fetch of a source left, for conditional and incremental requests.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Prior {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub cursor: Option<jiff::Timestamp>,
}

/// What fetches share: the HTTP client, the keys, and each rate-limited source's
/// budget (in-process until [`FetchContext::with_ledger`] keeps them in the store).
#[derive(Clone)]
pub struct FetchContext {
    pub http: HttpClient,
    pub keys: ApiKeys,
    budgets: Arc<HashMap<String, Budget>>,
    /// Each rate-limited source's ledger account: its key's fingerprint.
    accounts: Arc<HashMap<String, String>>,
    /// Where look-up answers are kept and values claimed ([`FetchContext::with_answers`]);
    /// `None`: every look-up asks the service.
    pub answers: Option<Arc<dyn answers::AnswerStore>>,
    /// How long a kept answer is reused (`enrich_ttl:`).
    pub answer_ttl: std::time::Duration,
}

impl FetchContext {
    pub fn new(config: &Config) -> Result<FetchContext, NetError> {
        let limited = || {
            config
                .sources
                .iter()
                .filter(|s| registry::driver(s.kind).is_some_and(|d| d.rate_limited()))
        };
        let budgets = limited()
            .map(|s| {
                (
                    s.name.clone(),
                    Budget::local(s.rate_limit, config.http.max_retry_wait),
                )
            })
            .collect();
        let accounts = limited()
            .filter_map(|s| {
                let (crate::config::KeyUse::Required(k) | crate::config::KeyUse::Optional(k)) =
                    s.kind.key_use()
                else {
                    return None;
                };
                let key = config.keys.get(k)?;
                use secrecy::ExposeSecret;
                let account = crate::net::ledger::fingerprint(s.kind.as_str(), key.expose_secret());
                Some((s.name.clone(), account))
            })
            .collect();
        Ok(FetchContext {
            http: HttpClient::new(&config.http)?,
            keys: config.keys.clone(),
            budgets: Arc::new(budgets),
            accounts: Arc::new(accounts),
            answers: None,
            answer_ttl: config.enrich_ttl,
        })
    }

    /// Keeps look-up answers in `answers` (the store) and claims values there before
    /// asking, so every process using it asks about a value once per `enrich_ttl`.
    pub fn with_answers(mut self, answers: Arc<dyn answers::AnswerStore>) -> FetchContext {
        self.answers = Some(answers);
        self
    }

    /// Keeps every keyed rate-limited source's budget in `ledger` (the store), so
    /// every process using it spends one budget.
    pub fn with_ledger(mut self, ledger: Arc<dyn QuotaLedger>) -> FetchContext {
        let budgets = self
            .budgets
            .iter()
            .map(|(name, b)| {
                let b = match self.accounts.get(name) {
                    Some(account) => b.clone().with_ledger(Arc::clone(&ledger), account.clone()),
                    None => b.clone(),
                };
                (name.clone(), b)
            })
            .collect();
        self.budgets = Arc::new(budgets);
        self
    }

    /// The budget of a rate-limited source (one whose driver asks for one).
    pub fn budget(&self, source: &str) -> Option<&Budget> {
        self.budgets.get(source)
    }
}

/// Parses a whole document of `spec`'s kind through its driver: the one entry point
/// shared by live fetches and the bundled demo data.
pub fn parse_document(spec: &SourceSpec, body: &[u8]) -> Result<ParsedBatch, ParseError> {
    match registry::driver(spec.kind) {
        Some(d) => d.parse(spec, strip_bom(body)),
        None => Err(ParseError::Shape(format!("unknown kind `{}`", spec.kind))),
    }
}

/// Runs one fetch of `spec`; `prior` makes it conditional or incremental.
pub async fn fetch(
    ctx: &FetchContext,
    spec: &SourceSpec,
    prior: &Prior,
) -> Result<FetchOutput, FetchError> {
    let started = Instant::now();
    let result = match registry::driver(spec.kind) {
        Some(d) => d.fetch(ctx, spec, prior).await,
        None => Err(FetchError::Refused(format!("unknown kind `{}`", spec.kind))),
    };
    let result = result.map_err(|e| match e {
        FetchError::Net(NetError::Auth { ref detail, .. }) if detail == "auth_key_required" => {
            abusech_key_required()
        }
        e => e,
    });
    if let Ok(out) = &result
        && !out.batch.skipped.is_empty()
    {
        // The first few raw values per reason, sanitised, for whoever reads the log.
        tracing::info!(
            source = %spec.name,
            skipped = out.batch.skipped.total(),
            "skipped records: {}",
            out.batch.skipped.summary()
        );
    }
    match &result {
        Ok(out) => tracing::debug!(
            source = %spec.name,
            count = out.batch.sightings.len(),
            skipped = out.batch.skipped.total(),
            ms = started.elapsed().as_millis() as u64,
            "fetched"
        ),
        Err(e) => tracing::debug!(source = %spec.name, "fetch failed: {e}"),
    }
    result
}

/// Downloads a dump (conditionally, with the stored `ETag` / `Last-Modified`) and parses
/// it with `parse`. A `304 Not Modified` costs no parsing.
pub(crate) async fn dump_fetch(
    ctx: &FetchContext,
    spec: &SourceSpec,
    prior: &Prior,
    key: Option<&secrecy::SecretString>,
    parse: impl FnOnce(&[u8]) -> Result<ParsedBatch, ParseError>,
) -> Result<FetchOutput, FetchError> {
    use reqwest::header::{ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED};
    let mut req = crate::net::Request::get(spec.url.clone()).with_secret("auth-key", key);
    let header = |v: &str| reqwest::header::HeaderValue::from_str(v).ok();
    if let Some(v) = prior.etag.as_deref().and_then(header) {
        req = req.with_header(IF_NONE_MATCH, v);
    }
    if let Some(v) = prior.last_modified.as_deref().and_then(header) {
        req = req.with_header(IF_MODIFIED_SINCE, v);
    }
    let resp = ctx.http.send(&req).await?;
    let validator = |name| {
        resp.headers
            .get(name)
            .and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok())
            .filter(|v| v.len() <= 200)
            .map(String::from)
    };
    let (etag, last_modified) = (validator(ETAG), validator(LAST_MODIFIED));
    if resp.status == reqwest::StatusCode::NOT_MODIFIED {
        return Ok(FetchOutput {
            requests: 1,
            not_modified: true,
            etag: etag.or_else(|| prior.etag.clone()),
            last_modified: last_modified.or_else(|| prior.last_modified.clone()),
            ..Default::default()
        });
    }
    let resp = resp.ok()?;
    let batch = parse(strip_bom(&resp.body))?;
    Ok(FetchOutput {
        bytes: resp.body.len() as u64,
        batch,
        requests: 1,
        etag,
        last_modified,
        ..Default::default()
    })
}

/// `base` + `path`, treating `base` as a directory whether or not it ends in `/`.
pub(crate) fn join(base: &url::Url, path: &str) -> Option<url::Url> {
    let mut b = base.clone();
    if !b.path().ends_with('/') {
        let p = format!("{}/", b.path());
        b.set_path(&p);
    }
    let mut joined = b.join(path.trim_start_matches('/')).ok()?;
    // A feed that takes its token in the query (`.../feed/?auth=...`) keeps it on every
    // file under it.
    if joined.query().is_none() && base.query().is_some() {
        joined.set_query(base.query());
    }
    Some(joined)
}

#[cfg(test)]
mod join_tests {
    #[test]
    fn a_base_query_stays_on_every_file_under_it() {
        let base = url::Url::parse("https://feed.example/misp/?auth=t0k").unwrap();
        let j = super::join(&base, "manifest.json").unwrap();
        assert_eq!(
            j.as_str(),
            "https://feed.example/misp/manifest.json?auth=t0k"
        );
        let plain = url::Url::parse("https://feed.example/misp").unwrap();
        assert_eq!(
            super::join(&plain, "x.json").unwrap().as_str(),
            "https://feed.example/misp/x.json"
        );
        let own = super::join(&base, "objects/?limit=5").unwrap();
        assert_eq!(own.query(), Some("limit=5"));
    }
}

/// Reads an abuse.ch API reply: a body-level `query_status` error first (a bad key may
/// come with 200 or 4xx), then the HTTP status, then the document.
pub(crate) fn abusech_api_result(
    service: &str,
    resp: crate::net::Response,
    parse: impl Fn(&[u8]) -> Result<Result<ParsedBatch, String>, ParseError>,
) -> Result<(ParsedBatch, u64), FetchError> {
    let parsed = parse(strip_bom(&resp.body));
    if let Ok(Err(status)) = &parsed {
        // Scrub before shortening, so no part of a key survives.
        if status == "auth_key_required" {
            return Err(abusech_key_required());
        }
        let status = crate::model::sanitize::one_line(&resp.scrub(status), 80);
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
    use crate::model::Sighting;

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
