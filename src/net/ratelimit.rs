// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Token buckets for APIs with published quotas (VirusTotal: 4/min, 500/day).

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use crate::config::RateLimitConfig;

const MINUTE: Duration = Duration::from_secs(60);
const DAY: Duration = Duration::from_secs(86_400);

/// Why a request may not be made now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denied {
    /// The per-minute bucket is empty; a token is back after this wait.
    Wait(Duration),
    /// The daily quota is spent; it resets after this wait.
    DailyQuota { limit: u32, resets_in: Duration },
}

/// The pure state: a refilling per-minute bucket and a fixed 24-hour window.
#[derive(Debug, Clone)]
pub struct Bucket {
    per_minute: u32,
    per_day: u32,
    tokens: f64,
    last_refill: Instant,
    day_start: Instant,
    day_used: u32,
}

impl Bucket {
    pub fn new(limits: RateLimitConfig, now: Instant) -> Self {
        Bucket {
            per_minute: limits.per_minute.max(1),
            per_day: limits.per_day.max(1),
            tokens: f64::from(limits.per_minute.max(1)),
            last_refill: now,
            day_start: now,
            day_used: 0,
        }
    }

    fn refill(&mut self, now: Instant) {
        let elapsed = now.saturating_duration_since(self.last_refill);
        let rate = f64::from(self.per_minute) / MINUTE.as_secs_f64();
        self.tokens = (self.tokens + elapsed.as_secs_f64() * rate).min(f64::from(self.per_minute));
        self.last_refill = now;
        if now.saturating_duration_since(self.day_start) >= DAY {
            self.day_start = now;
            self.day_used = 0;
        }
    }

    /// Takes one token if one is there.
    pub fn try_take(&mut self, now: Instant) -> Result<(), Denied> {
        self.refill(now);
        if self.day_used >= self.per_day {
            let resets_in = DAY.saturating_sub(now.saturating_duration_since(self.day_start));
            return Err(Denied::DailyQuota {
                limit: self.per_day,
                resets_in,
            });
        }
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            self.day_used += 1;
            return Ok(());
        }
        let rate = f64::from(self.per_minute) / MINUTE.as_secs_f64();
        let wait = (1.0 - self.tokens) / rate;
        Err(Denied::Wait(Duration::from_secs_f64(wait.max(0.001))))
    }

    /// Requests left today.
    pub fn remaining_today(&self) -> u32 {
        self.per_day.saturating_sub(self.day_used)
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
                Err(Denied::Wait(d)) => tokio::time::sleep(d).await,
                Err(e) => return Err(e),
            }
        }
    }

    pub fn remaining_today(&self) -> u32 {
        crate::model::lock(&self.bucket).remaining_today()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(m: u32, d: u32) -> RateLimitConfig {
        RateLimitConfig {
            per_minute: m,
            per_day: d,
        }
    }

    #[test]
    fn four_per_minute_then_waits_fifteen_seconds() {
        let t0 = Instant::now();
        let mut b = Bucket::new(limits(4, 500), t0);
        for _ in 0..4 {
            assert_eq!(b.try_take(t0), Ok(()));
        }
        match b.try_take(t0) {
            Err(Denied::Wait(d)) => assert!((d.as_secs_f64() - 15.0).abs() < 0.01, "{d:?}"),
            other => panic!("{other:?}"),
        }
        assert_eq!(b.try_take(t0 + Duration::from_secs(15)), Ok(()));
        assert!(b.try_take(t0 + Duration::from_secs(16)).is_err());
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
    async fn acquire_sleeps_for_a_token() {
        let rl = RateLimiter::new(limits(60, 500));
        let start = Instant::now();
        for _ in 0..61 {
            rl.acquire().await.unwrap();
        }
        let waited = Instant::now() - start;
        assert!(waited >= Duration::from_millis(990), "{waited:?}");
    }
}
