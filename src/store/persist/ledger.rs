// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! What the store keeps besides snapshots for look-ups: enrichment answers with their
//! time, and the store seen as the network layer's [`QuotaLedger`].

use std::time::Duration;

use futures_util::future::BoxFuture;
use jiff::Timestamp;

use super::SharedStore;
use crate::config::RateLimitConfig;
use crate::model::{IndicatorType, Sighting};
use crate::net::ledger::{LedgerState, QuotaUsage};
use crate::net::ratelimit::{Denied, QuotaLedger};

/// One service's answer about one value, as kept in the store.
#[derive(Debug, Clone, PartialEq)]
pub struct Enrichment {
    pub kind: IndicatorType,
    /// The normalised value asked about.
    pub value: String,
    /// When the service answered.
    pub at: Timestamp,
    /// What it said; `None`: it does not know the value (which also spent a request).
    pub result: Option<Sighting>,
}

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

/// Encodes an answer for the store: `None` for "not known", else one chunk.
pub(super) fn encode_result(result: Option<&Sighting>) -> Option<Vec<u8>> {
    result.map(|s| super::codec::encode_chunk(std::slice::from_ref(s)))
}

/// Reads a stored answer back through the same checks as snapshots: a row whose data
/// does not decode, or decodes to another value, is treated as not stored.
pub(super) fn decode_result(
    kind: IndicatorType,
    value: &str,
    at_ms: i64,
    data: Option<&[u8]>,
) -> Option<Enrichment> {
    let at = Timestamp::from_millisecond(at_ms).ok()?;
    let result = match data {
        None => None,
        Some(d) => {
            let mut out = Vec::with_capacity(1);
            let mut strings = crate::model::intern::Interner::new();
            super::codec::decode_chunk(d, &mut strings, &mut out).ok()?;
            let s = out.pop().filter(|s| s.kind == kind && &*s.value == value)?;
            Some(s)
        }
    };
    Some(Enrichment {
        kind,
        value: value.to_string(),
        at,
        result,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_round_trip_and_damaged_ones_are_not_trusted() {
        let s = Sighting {
            kind: IndicatorType::Domain,
            value: "evil.example".into(),
            obs: crate::model::Observation {
                threat: Some("Emotet".into()),
                ..Default::default()
            },
        };
        let data = encode_result(Some(&s));
        let back = decode_result(
            IndicatorType::Domain,
            "evil.example",
            5_000,
            data.as_deref(),
        );
        assert_eq!(back.and_then(|e| e.result), Some(s));
        let none = decode_result(IndicatorType::Domain, "evil.example", 5_000, None);
        assert_eq!(none.map(|e| e.result), Some(None));
        assert_eq!(
            decode_result(IndicatorType::Domain, "other.example", 0, data.as_deref()),
            None
        );
        assert_eq!(
            decode_result(IndicatorType::Domain, "evil.example", 0, Some(b"\x01junk")),
            None
        );
    }
}
