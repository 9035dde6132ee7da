// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Look-ups of single values (VirusTotal, OTX) through the store: an answer kept within
//! `enrich_ttl` is reused without a request, a new one is kept with its time, and
//! rate-limited services spend from the store's quota ledger. Shared by the dashboard's
//! `e` and `intellisiem lookup`; takes one value per call, so several marked rows are
//! several calls.

use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;

use crate::config::SourceSpec;
use crate::model::{IndicatorType, Sighting};
use crate::net::ledger::QuotaUsage;
use crate::sources::{FetchContext, FetchError, registry};
use crate::store::persist::{Enrichment, SharedStore, StoreLedger};

/// `ctx` with every rate-limited source's budget kept in `store`'s ledger (unchanged
/// without a store: the in-process limiter counts).
pub fn with_store_ledger(ctx: FetchContext, store: Option<&SharedStore>) -> FetchContext {
    match store {
        Some(s) => ctx.with_ledger(Arc::new(StoreLedger(Arc::clone(s)))),
        None => ctx,
    }
}

/// One service's answer about one value.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// What the service said; `None`: it does not know the value.
    pub result: Option<Sighting>,
    /// When it said it.
    pub at: Timestamp,
    /// Taken from the store: no request was made.
    pub cached: bool,
}

/// Looks values up through the store's enrichment cache and quota ledger.
#[derive(Clone)]
pub struct Enricher {
    ctx: FetchContext,
    store: Option<SharedStore>,
    ttl: Duration,
}

impl Enricher {
    /// `ctx` should already spend from the store's ledger ([`with_store_ledger`]).
    pub fn new(ctx: FetchContext, store: Option<SharedStore>, ttl: Duration) -> Enricher {
        Enricher { ctx, store, ttl }
    }

    /// The stored answer of `spec` about `(kind, value)` if younger than the TTL at
    /// `now`. A store that cannot be read counts as holding nothing.
    pub async fn cached(
        &self,
        spec: &SourceSpec,
        kind: IndicatorType,
        value: &str,
        now: Timestamp,
    ) -> Option<Answer> {
        let store = self.store.as_ref()?;
        let ttl = jiff::SignedDuration::try_from(self.ttl).unwrap_or(jiff::SignedDuration::MAX);
        let since = now.checked_sub(ttl).unwrap_or(Timestamp::MIN);
        match store
            .enrichment(spec.name.clone(), kind, value.to_string(), since)
            .await
        {
            Ok(found) => found.map(|e| Answer {
                result: e.result,
                at: e.at,
                cached: true,
            }),
            Err(e) => {
                tracing::debug!("enrichment cache: {e}");
                None
            }
        }
    }

    /// Looks `(kind, value)` up on `spec`'s service: from the store when a recent answer
    /// is kept, else with a request (waiting for the rate limit with `wait`), whose
    /// answer is then kept.
    pub async fn lookup(
        &self,
        spec: &SourceSpec,
        kind: IndicatorType,
        value: &str,
        wait: bool,
    ) -> Result<Answer, FetchError> {
        if let Some(a) = self.cached(spec, kind, value, Timestamp::now()).await {
            return Ok(a);
        }
        let Some(service) = registry::lookup(spec.kind) else {
            return Err(FetchError::Refused(format!(
                "{} cannot look values up",
                spec.kind
            )));
        };
        let result = service.lookup(&self.ctx, spec, kind, value, wait).await?;
        let at = Timestamp::now();
        if let Some(store) = &self.store {
            let kept = Enrichment {
                kind,
                value: value.to_string(),
                at,
                result: result.clone(),
            };
            if let Err(e) = store.save_enrichment(spec.name.clone(), kept).await {
                tracing::warn!("enrichment cache: {e}");
            }
        }
        Ok(Answer {
            result,
            at,
            cached: false,
        })
    }

    /// How much of `spec`'s quota is used now (a rate-limited source with a store).
    pub async fn usage(&self, spec: &SourceSpec) -> Option<QuotaUsage> {
        self.ctx.budget(&spec.name)?.usage().await
    }

    /// The context the look-ups run with.
    pub fn context(&self) -> &FetchContext {
        &self.ctx
    }
}
