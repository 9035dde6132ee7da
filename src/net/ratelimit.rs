// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Rate limits for APIs with published quotas (VirusTotal: 4/min, 500/day): a
//! [`Budget`] spends from the store's quota ledger ([`QuotaLedger`]), shared by every
//! process using the store, and falls back to an in-process count without one. Both
//! count a sliding minute with a [`MARGIN`], and a `429` without `Retry-After` blocks for
//! the client's `http.max_retry_wait`, never longer than a minute.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::future::BoxFuture;
use tokio::time::Instant;

use super::ledger::QuotaUsage;
use crate::config::RateLimitConfig;

const MINUTE: Duration = Duration::from_secs(60);
const DAY: Duration = Duration::from_secs(86_400);
/// Kept between our spending and a server's count of a sliding minute: the server counts
/// by arrival time, and one request can arrive later after it was sent than the next.
pub const MARGIN: Duration = Duration::from_secs(1);
/// The window our per-minute allowance is counted over: a minute and [`MARGIN`].
pub const WINDOW: Duration = Duration::from_secs(61);

/// Why a request may not be made now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denied {
    /// The per-minute bucket is empty; a token is back after this wait.
    Wait(Duration),
    /// The daily quota is spent; it resets after this wait.
    DailyQuota { limit: u32, resets_in: Duration },
    /// The monthly quota (premium keys) is spent; it resets after this wait.
    MonthlyQuota { limit: u32, resets_in: Duration },
    /// The server refused for longer than a minute (a `429` with a long `Retry-After`).
    Blocked { resets_in: Duration },
}

/// The pure state: the spend times of the last [`WINDOW`] (a sliding minute, as
/// VirusTotal counts it) and a fixed 24-hour window.
#[derive(Debug, Clone)]
pub struct Bucket {
    per_minute: u32,
    per_day: u32,
    recent: VecDeque<Instant>,
    day_start: Instant,
    day_used: u32,
    blocked_until: Option<Instant>,
}

impl Bucket {
    pub fn new(limits: RateLimitConfig, now: Instant) -> Self {
        Bucket {
            per_minute: limits.per_minute.max(1),
            per_day: limits.per_day.max(1),
            recent: VecDeque::new(),
            day_start: now,
            day_used: 0,
            blocked_until: None,
        }
    }

    fn roll(&mut self, now: Instant) {
        while self
            .recent
            .front()
            .is_some_and(|t| now.saturating_duration_since(*t) >= WINDOW)
        {
            self.recent.pop_front();
        }
        if now.saturating_duration_since(self.day_start) >= DAY {
            self.day_start = now;
            self.day_used = 0;
        }
    }

    /// Spends one request if the window has room.
    pub fn try_take(&mut self, now: Instant) -> Result<(), Denied> {
        self.roll(now);
        if let Some(until) = self.blocked_until.filter(|u| *u > now) {
            return Err(Denied::Wait(until - now));
        }
        if self.day_used >= self.per_day {
            let resets_in = DAY.saturating_sub(now.saturating_duration_since(self.day_start));
            return Err(Denied::DailyQuota {
                limit: self.per_day,
                resets_in,
            });
        }
        if self.recent.len() >= self.per_minute as usize {
            let oldest = self.recent.front().copied().unwrap_or(now);
            let wait = (oldest + WINDOW).saturating_duration_since(now);
            return Err(Denied::Wait(wait.max(Duration::from_millis(1))));
        }
        self.recent.push_back(now);
        self.day_used += 1;
        Ok(())
    }

    /// Requests left today.
    pub fn remaining_today(&self) -> u32 {
        self.per_day.saturating_sub(self.day_used)
    }

    /// A `429` at `now`: no request for `wait` (at most a day: a server's hostile
    /// `Retry-After` cannot overflow the clock).
    pub fn block(&mut self, now: Instant, wait: Duration) {
        self.roll(now);
        let until = now + wait.min(DAY);
        self.blocked_until = Some(self.blocked_until.map_or(until, |u| u.max(until)));
    }
}

/// A bucket shared by every task using one API key.
#[derive(Debug)]
pub struct RateLimiter {
    bucket: Mutex<Bucket>,
}

impl RateLimiter {
    pub fn new(limits: RateLimitConfig) -> Self {
        RateLimiter {
            bucket: Mutex::new(Bucket::new(limits, Instant::now())),
        }
    }

    /// Takes a token now, or says how long to wait.
    pub fn try_acquire(&self) -> Result<(), Denied> {
        let mut b = crate::model::lock(&self.bucket);
        b.try_take(Instant::now())
    }

    /// Waits for a token; fails at once when the daily quota is spent.
    pub async fn acquire(&self) -> Result<(), Denied> {
        loop {
            match self.try_acquire() {
                Ok(()) => return Ok(()),
                Err(Denied::Wait(d)) => {
                    super::wait::notice(d, super::wait::WaitReason::RateLimit);
                    tokio::time::sleep(d).await
                }
                Err(e) => return Err(e),
            }
        }
    }

    pub fn remaining_today(&self) -> u32 {
        crate::model::lock(&self.bucket).remaining_today()
    }

    /// A `429`: no request for `wait`.
    pub fn block(&self, wait: Duration) {
        crate::model::lock(&self.bucket).block(Instant::now(), wait);
    }
}

/// Where budgets are kept across processes: the store's quota ledger. Each call is one
/// transaction over one account (see [`super::ledger`]); an error means the ledger
/// could not be reached, and the caller counts in-process instead.
pub trait QuotaLedger: Send + Sync {
    /// Spends one request of `account` at `now`, or says why not.
    fn spend(
        &self,
        account: String,
        limits: RateLimitConfig,
        now: jiff::Timestamp,
    ) -> BoxFuture<'_, Result<Result<(), Denied>, String>>;

    /// A `429` at `now`: the server's window is spent for `retry_after`.
    fn correct(
        &self,
        account: String,
        limits: RateLimitConfig,
        now: jiff::Timestamp,
        retry_after: Option<Duration>,
    ) -> BoxFuture<'_, Result<(), String>>;

    /// How much of `account`'s allowance is used at `now`.
    fn usage(
        &self,
        account: String,
        limits: RateLimitConfig,
        now: jiff::Timestamp,
    ) -> BoxFuture<'_, Result<QuotaUsage, String>>;
}

/// One rate-limited source's allowance: spent from the ledger when there is one (named
/// by the key's [`super::ledger::fingerprint`]), else from an in-process bucket.
#[derive(Clone)]
pub struct Budget {
    local: Arc<RateLimiter>,
    ledger: Option<(Arc<dyn QuotaLedger>, String)>,
    limits: RateLimitConfig,
    /// How long a `429` without `Retry-After` blocks: `http.max_retry_wait`, at most a
    /// minute.
    unsaid: Duration,
}

impl std::fmt::Debug for Budget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Budget")
            .field("ledger", &self.ledger.as_ref().map(|(_, a)| a))
            .field("limits", &self.limits)
            .finish()
    }
}

impl Budget {
    /// A budget counted in this process only; a `429` without `Retry-After` blocks it
    /// for `max_retry_wait` (at least a second, at most a minute).
    pub fn local(limits: RateLimitConfig, max_retry_wait: Duration) -> Budget {
        Budget {
            local: Arc::new(RateLimiter::new(limits)),
            ledger: None,
            limits,
            unsaid: max_retry_wait.clamp(Duration::from_secs(1), MINUTE),
        }
    }

    /// The same budget kept in `ledger` under `account`.
    pub fn with_ledger(mut self, ledger: Arc<dyn QuotaLedger>, account: String) -> Budget {
        self.ledger = Some((ledger, account));
        self
    }

    /// The configured allowance.
    pub fn limits(&self) -> RateLimitConfig {
        self.limits
    }

    /// Whether the budget is kept in a ledger (shared) rather than in this process.
    pub fn is_shared(&self) -> bool {
        self.ledger.is_some()
    }

    /// Spends one request now, or says how long to wait.
    pub async fn try_acquire(&self) -> Result<(), Denied> {
        if let Some((ledger, account)) = &self.ledger {
            match ledger
                .spend(account.clone(), self.limits, jiff::Timestamp::now())
                .await
            {
                Ok(r) => return r,
                Err(e) => tracing::warn!("quota ledger unavailable, counting in this process: {e}"),
            }
        }
        self.local.try_acquire()
    }

    /// Waits for a request; fails at once when a daily or monthly quota is spent.
    pub async fn acquire(&self) -> Result<(), Denied> {
        loop {
            match self.try_acquire().await {
                Ok(()) => return Ok(()),
                Err(Denied::Wait(d)) => {
                    super::wait::notice(d, super::wait::WaitReason::RateLimit);
                    tokio::time::sleep(d).await
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// A `429` that happened anyway: the window is spent until `retry_after`, or for
    /// `http.max_retry_wait` (at most a minute) when the server did not say.
    pub async fn rate_limited(&self, retry_after: Option<Duration>) {
        let wait = retry_after.unwrap_or(self.unsaid).min(DAY * 31);
        self.local.block(wait);
        if let Some((ledger, account)) = &self.ledger
            && let Err(e) = ledger
                .correct(
                    account.clone(),
                    self.limits,
                    jiff::Timestamp::now(),
                    Some(wait),
                )
                .await
        {
            tracing::warn!("quota ledger unavailable: {e}");
        }
    }

    /// How much is used now: from the ledger, or `None` without one.
    pub async fn usage(&self) -> Option<QuotaUsage> {
        let (ledger, account) = self.ledger.as_ref()?;
        ledger
            .usage(account.clone(), self.limits, jiff::Timestamp::now())
            .await
            .ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(m: u32, d: u32) -> RateLimitConfig {
        RateLimitConfig {
            per_minute: m,
            per_day: d,
            per_month: None,
        }
    }

    #[test]
    fn four_a_minute_never_five_in_any_sliding_minute_with_a_margin() {
        // A server counting a sliding minute by arrival refuses a fifth request within
        // 60 s of the first, so four at once wait a minute and the margin, not 15 s.
        let t0 = Instant::now();
        let mut b = Bucket::new(limits(4, 500), t0);
        for _ in 0..4 {
            assert_eq!(b.try_take(t0), Ok(()));
        }
        match b.try_take(t0 + Duration::from_secs(15)) {
            Err(Denied::Wait(d)) => assert_eq!(d, Duration::from_secs(46)),
            other => panic!("{other:?}"),
        }
        assert!(
            b.try_take(t0 + MINUTE).is_err(),
            "no margin at the boundary"
        );
        assert_eq!(b.try_take(t0 + WINDOW), Ok(()));
        assert!(b.try_take(t0 + WINDOW).is_ok());
        assert!(b.try_take(t0 + WINDOW).is_ok());
        assert!(b.try_take(t0 + WINDOW).is_ok());
        assert!(b.try_take(t0 + WINDOW + Duration::from_secs(30)).is_err());
    }

    #[test]
    fn daily_quota_stops_until_the_window_resets() {
        let t0 = Instant::now();
        let mut b = Bucket::new(limits(1000, 3), t0);
        for _ in 0..3 {
            b.try_take(t0).unwrap();
        }
        assert_eq!(b.remaining_today(), 0);
        assert!(matches!(
            b.try_take(t0),
            Err(Denied::DailyQuota { limit: 3, .. })
        ));
        assert_eq!(b.try_take(t0 + DAY), Ok(()));
    }

    #[tokio::test(start_paused = true)]
    async fn acquire_sleeps_until_the_window_has_room() {
        let rl = RateLimiter::new(limits(60, 500));
        let start = Instant::now();
        for _ in 0..61 {
            rl.acquire().await.unwrap();
        }
        assert_eq!(Instant::now() - start, WINDOW);
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_blocks_the_local_bucket() {
        let b = Budget::local(limits(60, 500), Duration::from_secs(60));
        b.try_acquire().await.unwrap();
        b.rate_limited(Some(Duration::from_secs(5))).await;
        assert!(
            matches!(b.try_acquire().await, Err(Denied::Wait(d)) if d <= Duration::from_secs(5))
        );
        assert!(!b.is_shared());
        assert_eq!(b.usage().await, None);
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_without_retry_after_blocks_no_longer_than_max_retry_wait() {
        let b = Budget::local(limits(60, 500), Duration::from_secs(5));
        b.rate_limited(None).await;
        let start = Instant::now();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let to: super::super::wait::WaitNotice = {
            let seen = Arc::clone(&seen);
            Arc::new(move |d, why| seen.lock().unwrap().push((d, why)))
        };
        super::super::wait::reported(to, b.acquire()).await.unwrap();
        assert_eq!(Instant::now() - start, Duration::from_secs(5));
        assert_eq!(
            *seen.lock().unwrap(),
            vec![(
                Duration::from_secs(5),
                super::super::wait::WaitReason::RateLimit
            )]
        );
        // A long max_retry_wait is still capped at a minute, a zero one held at a second.
        let b = Budget::local(limits(60, 500), Duration::from_secs(600));
        b.rate_limited(None).await;
        assert!(matches!(b.try_acquire().await, Err(Denied::Wait(d)) if d == MINUTE));
        let b = Budget::local(limits(60, 500), Duration::ZERO);
        b.rate_limited(None).await;
        assert!(
            matches!(b.try_acquire().await, Err(Denied::Wait(d)) if d == Duration::from_secs(1))
        );
        // A hostile Retry-After does not overflow the clock.
        let b = Budget::local(limits(60, 500), Duration::from_secs(5));
        b.rate_limited(Some(Duration::from_secs(u64::MAX / 4)))
            .await;
        assert!(b.try_acquire().await.is_err());
    }
}
