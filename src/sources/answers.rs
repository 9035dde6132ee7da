// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Look-ups of single values through the answers a store keeps: an answer younger than
//! `enrich_ttl` is reused without a request; otherwise the service is asked and its
//! answer kept with its time. The one path of the dashboard's `e`, `intellisiem lookup
//! --enrich` and the `virustotal` source's `watch` list.

use futures_util::future::BoxFuture;
use jiff::Timestamp;

use super::{FetchContext, FetchError, registry};
use crate::config::SourceSpec;
use crate::model::{Enrichment, IndicatorType};

/// Where answers are kept (the store, shared by every process using it). Errors are
/// one line.
pub trait AnswerStore: Send + Sync {
    /// `source`'s kept answer about `(kind, value)` if given at or after `since`.
    fn kept(
        &self,
        source: String,
        kind: IndicatorType,
        value: String,
        since: Timestamp,
    ) -> BoxFuture<'_, Result<Option<Enrichment>, String>>;

    /// Keeps an answer, replacing an older one of the same service and value.
    fn keep(&self, answer: Enrichment) -> BoxFuture<'_, Result<(), String>>;
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
/// used as it is; else the service is asked (waiting for the rate limit with `wait`) and
/// its answer kept. A store that cannot be reached does not stop the look-up: the
/// service is asked and the answer not kept.
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
    if let Some(answer) = kept(ctx, spec, kind, value, Timestamp::now()).await {
        return Ok(Looked {
            answer,
            cached: true,
        });
    }
    let verdict = service.lookup(ctx, spec, kind, value, wait).await?;
    let answer = answer(spec, kind, value, verdict);
    if let Some(store) = &ctx.answers
        && let Err(e) = store.keep(answer.clone()).await
    {
        tracing::warn!("kept answers: {e}");
    }
    Ok(Looked {
        answer,
        cached: false,
    })
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
