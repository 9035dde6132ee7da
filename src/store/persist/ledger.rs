// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The store seen as the network layer's [`QuotaLedger`]: one budget per key, shared by
//! every process using the store.

use std::time::Duration;

use futures_util::future::BoxFuture;
use jiff::Timestamp;

use super::SharedStore;
use crate::config::RateLimitConfig;
use crate::net::ledger::{LedgerState, QuotaUsage};
use crate::net::ratelimit::{Denied, QuotaLedger};

/// What to do with one quota account; the store applies it to the account's
/// [`LedgerState`] under a lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuotaOp {
    /// Spend one request at `now` if `limits` allow it.
    Spend {
        limits: RateLimitConfig,
        now: Timestamp,
    },
    /// A `429` at `now`: the window is spent for `retry_after` (a minute without one).
    Correct {
        limits: RateLimitConfig,
        now: Timestamp,
        retry_after: Option<Duration>,
    },
    /// How much is used at `now`.
    Usage {
        limits: RateLimitConfig,
        now: Timestamp,
    },
}

/// What a [`QuotaOp`] answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuotaReply {
    /// `Ok`: spent; `Err`: why the budget allows none now.
    Spent(Result<(), Denied>),
    Corrected,
    Usage(QuotaUsage),
}

impl QuotaOp {
    /// Applies the operation to `state`; the caller writes `state` back.
    pub fn apply(self, state: &mut LedgerState) -> QuotaReply {
        match self {
            QuotaOp::Spend { limits, now } => QuotaReply::Spent(state.spend(limits, now)),
            QuotaOp::Correct {
                limits,
                now,
                retry_after,
            } => {
                state.correct(limits, now, retry_after);
                QuotaReply::Corrected
            }
            QuotaOp::Usage { limits, now } => QuotaReply::Usage(state.usage(limits, now)),
        }
    }
}

/// The store as a quota ledger (errors become their one-line text).
pub struct StoreLedger(pub SharedStore);

impl StoreLedger {
    async fn run(&self, account: String, op: QuotaOp) -> Result<QuotaReply, String> {
        self.0.quota(account, op).await.map_err(|e| e.to_string())
    }
}

fn unexpected(r: QuotaReply) -> String {
    format!("unexpected ledger reply {r:?}")
}

impl QuotaLedger for StoreLedger {
    fn spend(
        &self,
        account: String,
        limits: RateLimitConfig,
        now: Timestamp,
    ) -> BoxFuture<'_, Result<Result<(), Denied>, String>> {
        Box::pin(async move {
            match self.run(account, QuotaOp::Spend { limits, now }).await? {
                QuotaReply::Spent(r) => Ok(r),
                other => Err(unexpected(other)),
            }
        })
    }

    fn correct(
        &self,
        account: String,
        limits: RateLimitConfig,
        now: Timestamp,
        retry_after: Option<Duration>,
    ) -> BoxFuture<'_, Result<(), String>> {
        let op = QuotaOp::Correct {
            limits,
            now,
            retry_after,
        };
        Box::pin(async move { self.run(account, op).await.map(|_| ()) })
    }

    fn usage(
        &self,
        account: String,
        limits: RateLimitConfig,
        now: Timestamp,
    ) -> BoxFuture<'_, Result<QuotaUsage, String>> {
        Box::pin(async move {
            match self.run(account, QuotaOp::Usage { limits, now }).await? {
                QuotaReply::Usage(u) => Ok(u),
                other => Err(unexpected(other)),
            }
        })
    }
}
