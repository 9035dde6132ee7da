// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! `push: true` on a source: sightings of its indicators (hits in the logs, and
//! false-positive marks) go back to it, paced by `rate_limit`.
//!
//! ```yaml
//! sources:
//!   - { name: ourmisp, kind: misp, url: "https://misp.example/", push: true }
//!   - { name: isac, kind: taxii, url: "https://taxii.example/api1/", collection: "<id>",
//!       auth: { user: me, password: "env:ISAC_PW" }, push: true,
//!       rate_limit: { per_minute: 10, per_day: 2000 } }
//! ```
//! Only the kinds whose [`super::KindInfo`] accepts [`super::Field::Push`] take it
//! (`misp`, `taxii`); on them `rate_limit` applies only with `push: true`.

use std::time::Duration;

use super::RateLimitConfig;

/// How a source's pushes are paced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PushSpec {
    /// Requests per minute and per day for pushes, spent through the store's quota
    /// ledger (`rate_limit`, else [`PUSH_RATE`]).
    pub limits: RateLimitConfig,
}

/// The pace of pushes when `rate_limit` is not given: neither MISP nor TAXII 2.1
/// publishes a limit, and a sightings push is a few requests a minute at most.
pub const PUSH_RATE: RateLimitConfig = RateLimitConfig {
    per_minute: 30,
    per_day: 5_000,
    per_month: None,
};

/// How often the dashboard and a following `match --record` push, when nothing failed.
pub const PUSH_EVERY: Duration = Duration::from_secs(60);

/// The longest a failing push waits before it is tried again (the wait doubles from
/// [`PUSH_EVERY`] after each failure; a refused key waits this long at once).
pub const PUSH_BACKOFF_MAX: Duration = Duration::from_secs(3_600);

impl PushSpec {
    /// The spec of a source with `push: true`; `rate_limit` as written, if any.
    pub fn new(rate_limit: Option<RateLimitConfig>) -> PushSpec {
        PushSpec {
            limits: rate_limit.unwrap_or(PUSH_RATE),
        }
    }
}

/// The warning for sources that push while no store is configured: nothing would
/// remember what was pushed, so nothing is.
pub fn no_store_warning(pushing: &[&str]) -> Option<String> {
    if pushing.is_empty() {
        return None;
    }
    Some(format!(
        "push: {} need a store to remember what was pushed (`cache.path: none` keeps none); \
         nothing is pushed",
        pushing
            .iter()
            .map(|n| format!("source `{n}`"))
            .collect::<Vec<_>>()
            .join(", ")
    ))
}
