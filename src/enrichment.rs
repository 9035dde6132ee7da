// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Look-ups of single values (VirusTotal, OTX) through the store: an answer kept within
//! `enrich_ttl` is reused without a request, a value another process is asking about is
//! waited for, a new answer is kept with its time, and rate-limited services spend from
//! the store's quota ledger ([`crate::sources::answers`]). Shared by the dashboard's `e`
//! and `intellisiem lookup`; takes one value per call, so several marked rows are
//! several calls. An answer is the value's enrichment, never a sighting of it.

use std::sync::Arc;

use jiff::Timestamp;

use crate::config::SourceSpec;
use crate::model::{Enrichment, IndicatorType};
use crate::net::ledger::QuotaUsage;
use crate::sources::answers;
use crate::sources::{FetchContext, FetchError};
use crate::store::persist::{SharedStore, StoreAnswers, StoreLedger};

/// `ctx` with every rate-limited source's budget kept in `store`'s ledger, and look-up
/// answers kept (and values claimed) in `store`; unchanged without a store (the
/// in-process limiter counts, and every look-up asks).
pub fn with_store_ledger(ctx: FetchContext, store: Option<&SharedStore>) -> FetchContext {
    match store {
        Some(s) => ctx
            .with_ledger(Arc::new(StoreLedger(Arc::clone(s))))
            .with_answers(Arc::new(StoreAnswers(Arc::clone(s)))),
        None => ctx,
    }
}

/// One service's answer about one value.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// What the service said, and when.
    pub answer: Enrichment,
    /// Taken from the store: no request was made.
    pub cached: bool,
}

/// Looks values up through the store's kept answers and quota ledger.
#[derive(Clone)]
pub struct Enricher {
    ctx: FetchContext,
}

impl Enricher {
    /// `ctx` should already keep answers and spend from the store's ledger
    /// ([`with_store_ledger`]); its `answer_ttl` is how long an answer is reused.
    pub fn new(ctx: FetchContext) -> Enricher {
        Enricher { ctx }
    }

    /// The kept answer of `spec` about `(kind, value)` if younger than the TTL at
    /// `now`. A store that cannot be read counts as holding nothing.
    pub async fn cached(
        &self,
        spec: &SourceSpec,
        kind: IndicatorType,
        value: &str,
        now: Timestamp,
    ) -> Option<Answer> {
        answers::kept(&self.ctx, spec, kind, value, now)
            .await
            .map(|answer| Answer {
                answer,
                cached: true,
            })
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
        let looked = answers::look_up(&self.ctx, spec, kind, value, wait).await?;
        Ok(Answer {
            answer: looked.answer,
            cached: looked.cached,
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
