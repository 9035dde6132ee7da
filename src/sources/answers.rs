// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Look-ups of single values through the answers a store keeps: an answer younger than
//! `enrich_ttl` is reused without a request; otherwise the value is claimed in the
//! store before the service is asked, so tasks and processes sharing the store ask
//! about one value once and spend the quota once (the others wait for the answer), and
//! the answer is kept with its time. The one path of the dashboard's `e`, `intellisiem
//! lookup --enrich` and the `virustotal` source's `watch` list.

use std::time::Duration;

use futures_util::future::BoxFuture;
use jiff::Timestamp;

use super::{FetchContext, FetchError, registry};
use crate::config::SourceSpec;
use crate::model::{Enrichment, IndicatorType};

/// How long a claim holds without being renewed: a claimer that dies frees the value
/// this long after its last renewal.
pub const CLAIM_HOLD: Duration = Duration::from_secs(90);

/// How often a waiter looks again for the answer another claimer is getting.
const CLAIM_POLL: Duration = Duration::from_millis(250);

/// What [`AnswerStore::claim`] found.
#[derive(Debug, Clone, PartialEq)]
pub enum Claim {
    /// An answer given at or after the asked time is kept: use it.
    Answered(Enrichment),
    /// The caller holds the value until its claim lapses (or it keeps an answer).
    Granted,
    /// Another claimer is asking, until `until` at the latest.
    Taken { until: Timestamp },
}

/// Where answers are kept and values claimed (the store, shared by every process using
/// it). Errors are one line.
pub trait AnswerStore: Send + Sync {
    /// `source`'s kept answer about `(kind, value)` if given at or after `since`.
    fn kept(
        &self,
        source: String,
        kind: IndicatorType,
        value: String,
        since: Timestamp,
    ) -> BoxFuture<'_, Result<Option<Enrichment>, String>>;

    /// In one transaction: the kept answer if given at or after `since`, else the
    /// claim of another `holder` if it has not lapsed, else a claim for `holder` that
    /// lapses `hold` from now (the same holder renews its claim this way).
    fn claim(
        &self,
        source: String,
        kind: IndicatorType,
        value: String,
        holder: String,
        since: Timestamp,
        hold: Duration,
    ) -> BoxFuture<'_, Result<Claim, String>>;

    /// Keeps an answer (replacing an older one of the same service and value) and ends
    /// the claim on the value.
    fn keep(&self, answer: Enrichment) -> BoxFuture<'_, Result<(), String>>;

    /// Gives `holder`'s claim back without an answer (the look-up failed).
    fn release(
        &self,
        source: String,
        kind: IndicatorType,
        value: String,
        holder: String,
    ) -> BoxFuture<'_, Result<(), String>>;
}

/// One answer of [`look_up`].
#[derive(Debug, Clone, PartialEq)]
pub struct Looked {
    pub answer: Enrichment,
    /// Taken from the store: no request was made.
    pub cached: bool,
}

/// The oldest answer time still reused at `now`.
fn fresh_since(ctx: &FetchContext, now: Timestamp) -> Timestamp {
    let ttl = jiff::SignedDuration::try_from(ctx.answer_ttl).unwrap_or(jiff::SignedDuration::MAX);
    now.checked_sub(ttl).unwrap_or(Timestamp::MIN)
}

/// The answer of `spec`'s service about `(kind, value)` kept in the context's store and
/// younger than its TTL at `now`; `None` without a store, or when it cannot be read.
pub async fn kept(
    ctx: &FetchContext,
    spec: &SourceSpec,
    kind: IndicatorType,
    value: &str,
    now: Timestamp,
) -> Option<Enrichment> {
    let store = ctx.answers.as_ref()?;
    let since = fresh_since(ctx, now);
    match store
        .kept(spec.name.clone(), kind, value.to_string(), since)
        .await
    {
        Ok(found) => found,
        Err(e) => {
            tracing::debug!("kept answers: {e}");
            None
        }
    }
}

/// Looks `(kind, value)` up on `spec`'s service: a kept answer younger than the TTL is
/// used as it is; else the value is claimed and the service asked (waiting for the
/// rate limit with `wait`), and its answer kept. While another claimer asks, this waits
/// for its answer (without `wait`, for at most the HTTP timeout). A store that cannot
/// be reached does not stop the look-up: the service is asked and the answer not kept.
pub async fn look_up(
    ctx: &FetchContext,
    spec: &SourceSpec,
    kind: IndicatorType,
    value: &str,
    wait: bool,
) -> Result<Looked, FetchError> {
    let Some(service) = registry::lookup(spec.kind) else {
        return Err(FetchError::Refused(format!(
            "{} cannot look values up",
            spec.kind
        )));
    };
    let Some(store) = ctx.answers.as_ref() else {
        let verdict = service.lookup(ctx, spec, kind, value, wait).await?;
        return Ok(Looked {
            answer: answer(spec, kind, value, verdict),
            cached: false,
        });
    };
    let holder = format!("{}-{:016x}", std::process::id(), fastrand::u64(..));
    let started = tokio::time::Instant::now();
    let claim = |hold| {
        store.claim(
            spec.name.clone(),
            kind,
            value.to_string(),
            holder.clone(),
            fresh_since(ctx, Timestamp::now()),
            hold,
        )
    };
    let keeping = loop {
        match claim(CLAIM_HOLD).await {
            Ok(Claim::Answered(answer)) => {
                return Ok(Looked {
                    answer,
                    cached: true,
                });
            }
            Ok(Claim::Granted) => break true,
            Ok(Claim::Taken { .. }) => {
                if !wait && started.elapsed() >= ctx.http.timeout() {
                    return Err(FetchError::Refused(
                        "another process is looking this value up; try again shortly".into(),
                    ));
                }
                tokio::time::sleep(CLAIM_POLL).await;
            }
            Err(e) => {
                tracing::warn!("kept answers: {e}");
                break false;
            }
        }
    };
    // Renew the claim while the request (and any wait for the rate limit) runs, so no
    // one else takes the value over meanwhile.
    let work = service.lookup(ctx, spec, kind, value, wait);
    tokio::pin!(work);
    let mut renew = tokio::time::interval(CLAIM_HOLD / 3);
    renew.tick().await;
    let result = loop {
        tokio::select! {
            r = &mut work => break r,
            _ = renew.tick(), if keeping => {
                if let Err(e) = claim(CLAIM_HOLD).await {
                    tracing::debug!("kept answers: renewing a claim: {e}");
                }
            }
        }
    };
    match result {
        Ok(verdict) => {
            let answer = answer(spec, kind, value, verdict);
            if keeping && let Err(e) = store.keep(answer.clone()).await {
                tracing::warn!("kept answers: {e}");
            }
            Ok(Looked {
                answer,
                cached: false,
            })
        }
        Err(e) => {
            if keeping
                && let Err(e) = store
                    .release(spec.name.clone(), kind, value.to_string(), holder.clone())
                    .await
            {
                tracing::debug!("kept answers: {e}");
            }
            Err(e)
        }
    }
}

/// `spec`'s answer about `(kind, value)`, given now (to the millisecond, as kept).
fn answer(
    spec: &SourceSpec,
    kind: IndicatorType,
    value: &str,
    verdict: Option<crate::model::Verdict>,
) -> Enrichment {
    Enrichment {
        kind,
        value: value.into(),
        service: spec.name.as_str().into(),
        at: Timestamp::from_millisecond(Timestamp::now().as_millisecond())
            .unwrap_or_else(|_| Timestamp::now()),
        verdict,
    }
}
