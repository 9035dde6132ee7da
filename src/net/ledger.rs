// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The quota ledger's arithmetic: one account's spending (a sliding minute, the UTC
//! day, the UTC month) and whether one more request fits. Pure: a store reads an
//! account's [`LedgerState`] under a lock, calls [`LedgerState::spend`] or
//! [`LedgerState::correct`], and writes it back in the same transaction, so every
//! process sharing the store spends one budget.
//!
//! VirusTotal counts its public allowance per minute and per day (4/min, 500/day) and a
//! premium key's per month too; its day and month begin at 00:00 UTC. An account is
//! named by [`fingerprint`], never by the key.

use std::time::Duration;

use jiff::Timestamp;
use sha2::{Digest, Sha256};

use super::ratelimit::Denied;
use crate::config::RateLimitConfig;

/// The sliding minute with the [`super::ratelimit::MARGIN`]: a request is counted for
/// 61 s, so a server counting 60 s by arrival time never sees one too many.
const WINDOW_MS: i64 = 61_000;
const DAY_MS: i64 = 86_400_000;
/// At most this many spend times are kept (a premium per-minute allowance is far lower).
const MAX_RECENT: usize = 100_000;

/// A short, non-reversible name for the account of `key` at service `service`: the first
/// 16 hex digits of SHA-256 over a fixed prefix, the service and the key. The key itself
/// is never stored or shown.
pub fn fingerprint(service: &str, key: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"intellisiem quota ledger\0");
    h.update(service.as_bytes());
    h.update(b"\0");
    h.update(key.as_bytes());
    let digest = h.finalize();
    let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!("{service}:{hex}")
}

/// One account's spending, as a store keeps it. Times are milliseconds since the Unix
/// epoch; `day` counts UTC days since the epoch, `month` is `year * 12 + month - 1`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LedgerState {
    /// When each request of the last minute was made, oldest first.
    pub recent: Vec<i64>,
    pub day: i64,
    pub day_used: u32,
    pub month: i64,
    pub month_used: u32,
    /// No request before this time (a `429` said so); 0 for none.
    pub blocked_until: i64,
}

/// How much of an account's allowance is used, for display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuotaUsage {
    pub minute_used: u32,
    pub per_minute: u32,
    pub day_used: u32,
    pub per_day: u32,
    pub month_used: u32,
    pub per_month: Option<u32>,
    /// When the next request may be made; `None`: now.
    pub next_slot: Option<Timestamp>,
}

fn month_of(now: Timestamp) -> (i64, Timestamp) {
    let date = jiff::tz::Offset::UTC.to_datetime(now).date();
    let (y, m) = (date.year(), date.month());
    let month = i64::from(y) * 12 + i64::from(m) - 1;
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    let next = jiff::civil::Date::new(ny, nm, 1)
        .ok()
        .and_then(|d| {
            jiff::tz::TimeZone::UTC
                .to_timestamp(d.to_datetime(jiff::civil::Time::midnight()))
                .ok()
        })
        .unwrap_or(now);
    (month, next)
}

fn ms(t: Timestamp) -> i64 {
    t.as_millisecond()
}

fn at(ms: i64) -> Timestamp {
    Timestamp::from_millisecond(ms).unwrap_or(Timestamp::UNIX_EPOCH)
}

fn until(from: i64, to: i64) -> Duration {
    Duration::from_millis(u64::try_from(to.saturating_sub(from)).unwrap_or(0))
}

impl LedgerState {
    /// The spend times as a store keeps them: decimal milliseconds joined by `,`.
    pub fn encode_recent(&self) -> String {
        let mut s = String::with_capacity(self.recent.len() * 14);
        for (i, t) in self.recent.iter().enumerate() {
            if i > 0 {
                s.push(',');
            }
            s.push_str(&t.to_string());
        }
        s
    }

    /// Reads stored spend times leniently: what does not parse is dropped, the rest
    /// sorted and bounded.
    pub fn decode_recent(text: &str) -> Vec<i64> {
        let mut v: Vec<i64> = text
            .split(',')
            .filter_map(|p| p.trim().parse().ok())
            .take(MAX_RECENT)
            .collect();
        v.sort_unstable();
        v
    }

    /// Forgets what lies outside the current minute, day and month.
    fn roll(&mut self, now: Timestamp) {
        let now_ms = ms(now);
        self.recent.retain(|&t| t > now_ms - WINDOW_MS);
        let day = now_ms.div_euclid(DAY_MS);
        if self.day != day {
            self.day = day;
            self.day_used = 0;
        }
        let (month, _) = month_of(now);
        if self.month != month {
            self.month = month;
            self.month_used = 0;
        }
    }

    /// Spends one request at `now` if `limits` allow it; else says why not and changes
    /// nothing but the expired windows.
    pub fn spend(&mut self, limits: RateLimitConfig, now: Timestamp) -> Result<(), Denied> {
        self.roll(now);
        let now_ms = ms(now);
        if self.blocked_until > now_ms {
            let wait = until(now_ms, self.blocked_until);
            return Err(if wait <= Duration::from_secs(60) {
                Denied::Wait(wait)
            } else {
                Denied::Blocked { resets_in: wait }
            });
        }
        let per_day = limits.per_day.max(1);
        if self.day_used >= per_day {
            let next_day = (self.day + 1) * DAY_MS;
            return Err(Denied::DailyQuota {
                limit: per_day,
                resets_in: until(now_ms, next_day),
            });
        }
        if let Some(per_month) = limits.per_month
            && self.month_used >= per_month.max(1)
        {
            let (_, next) = month_of(now);
            return Err(Denied::MonthlyQuota {
                limit: per_month.max(1),
                resets_in: until(now_ms, ms(next)),
            });
        }
        let per_minute = limits.per_minute.max(1) as usize;
        if self.recent.len() >= per_minute {
            let oldest = self.recent[self.recent.len() - per_minute];
            return Err(Denied::Wait(
                until(now_ms, oldest + WINDOW_MS).max(Duration::from_millis(1)),
            ));
        }
        self.recent.push(now_ms);
        self.day_used += 1;
        self.month_used += 1;
        Ok(())
    }

    /// A `429` at `now`: the server's window is spent until `retry_after` from now (a
    /// minute without one). A wait that reaches into the next UTC day means the day's
    /// allowance is gone too.
    pub fn correct(
        &mut self,
        limits: RateLimitConfig,
        now: Timestamp,
        retry_after: Option<Duration>,
    ) {
        self.roll(now);
        let now_ms = ms(now);
        let wait = retry_after.unwrap_or(Duration::from_secs(60));
        let wait_ms = i64::try_from(wait.as_millis()).unwrap_or(i64::MAX / 2);
        let end = now_ms.saturating_add(wait_ms);
        self.blocked_until = self.blocked_until.max(end);
        if end >= (self.day + 1) * DAY_MS {
            self.day_used = self.day_used.max(limits.per_day.max(1));
        }
    }

    /// How much is used at `now`, and when the next request may be made.
    pub fn usage(&self, limits: RateLimitConfig, now: Timestamp) -> QuotaUsage {
        let mut s = self.clone();
        s.roll(now);
        let now_ms = ms(now);
        let per_minute = limits.per_minute.max(1);
        let blocked = s.blocked_until > now_ms;
        let minute_used = if blocked {
            per_minute
        } else {
            u32::try_from(s.recent.len())
                .unwrap_or(u32::MAX)
                .min(per_minute)
        };
        let mut probe = s.clone();
        let next_slot = match probe.spend(limits, now) {
            Ok(()) => None,
            Err(Denied::Wait(d))
            | Err(Denied::Blocked { resets_in: d })
            | Err(Denied::DailyQuota { resets_in: d, .. })
            | Err(Denied::MonthlyQuota { resets_in: d, .. }) => Some(at(
                now_ms.saturating_add(i64::try_from(d.as_millis()).unwrap_or(0))
            )),
        };
        QuotaUsage {
            minute_used,
            per_minute,
            day_used: s.day_used.min(limits.per_day.max(1)),
            per_day: limits.per_day.max(1),
            month_used: s.month_used,
            per_month: limits.per_month,
            next_slot,
        }
    }
}

impl QuotaUsage {
    /// Requests left today (and this month, for a monthly allowance).
    pub fn left_today(&self) -> u32 {
        let day = self.per_day.saturating_sub(self.day_used);
        match self.per_month {
            Some(m) => day.min(m.saturating_sub(self.month_used)),
            None => day,
        }
    }

    /// One line for the sources pane and `intellisiem sources`:
    /// `quota 3/4 min · 57/500 day · next in 12s` (`next now` when a slot is free).
    pub fn text(&self, now: Timestamp) -> String {
        use crate::model::count::grouped;
        let n = |v: u32| grouped(u64::from(v));
        let mut s = format!(
            "quota {}/{} min · {}/{} day",
            n(self.minute_used),
            n(self.per_minute),
            n(self.day_used),
            n(self.per_day)
        );
        if let Some(m) = self.per_month {
            s.push_str(&format!(" · {}/{} month", n(self.month_used), n(m)));
        }
        match self.next_slot.filter(|t| *t > now) {
            Some(t) => {
                let wait = until(ms(now), ms(t)).max(Duration::from_secs(1));
                let wait = Duration::from_secs(wait.as_secs_f64().ceil() as u64);
                s.push_str(&format!(
                    " · next in {}",
                    crate::model::time::format_duration(wait)
                ));
            }
            None => s.push_str(" · next now"),
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(m: u32, d: u32, month: Option<u32>) -> RateLimitConfig {
        RateLimitConfig {
            per_minute: m,
            per_day: d,
            per_month: month,
        }
    }

    fn t(s: i64) -> Timestamp {
        // 2027-01-15T00:00:00Z plus `s` seconds.
        Timestamp::from_second(1_800_000_000 - 1_800_000_000 % 86_400 + s).unwrap()
    }

    #[test]
    fn four_a_minute_then_the_oldest_frees_the_next_slot() {
        let mut l = LedgerState::default();
        let lim = limits(4, 500, None);
        for i in 0..4 {
            assert_eq!(l.spend(lim, t(i * 5)), Ok(()));
        }
        assert_eq!(
            l.spend(lim, t(20)),
            Err(Denied::Wait(Duration::from_secs(41)))
        );
        // At exactly a minute the server may still count the first: keep the margin.
        assert_eq!(
            l.spend(lim, t(60)),
            Err(Denied::Wait(Duration::from_secs(1)))
        );
        assert_eq!(l.spend(lim, t(61)), Ok(()));
        let u = l.usage(lim, t(61));
        assert_eq!((u.minute_used, u.day_used), (4, 5));
        assert_eq!(u.next_slot, Some(t(66)));
        assert_eq!(u.text(t(61)), "quota 4/4 min · 5/500 day · next in 5s");
    }

    #[test]
    fn the_day_resets_at_midnight_utc_and_the_month_on_the_first() {
        let mut l = LedgerState::default();
        let lim = limits(100, 2, Some(3));
        l.spend(lim, t(0)).unwrap();
        l.spend(lim, t(1)).unwrap();
        assert!(matches!(
            l.spend(lim, t(2)),
            Err(Denied::DailyQuota { limit: 2, resets_in }) if resets_in == Duration::from_secs(86_398)
        ));
        l.spend(lim, t(86_400)).unwrap();
        assert!(matches!(
            l.spend(lim, t(86_401)),
            Err(Denied::MonthlyQuota { limit: 3, .. })
        ));
        assert_eq!(l.usage(lim, t(86_401)).left_today(), 0);
    }

    #[test]
    fn a_429_blocks_until_retry_after_and_a_long_one_spends_the_day() {
        let lim = limits(4, 500, None);
        let mut l = LedgerState::default();
        l.correct(lim, t(0), Some(Duration::from_secs(30)));
        assert_eq!(
            l.spend(lim, t(10)),
            Err(Denied::Wait(Duration::from_secs(20)))
        );
        assert_eq!(l.usage(lim, t(10)).minute_used, 4);
        assert_eq!(l.spend(lim, t(30)), Ok(()));
        l.correct(lim, t(40), None);
        assert_eq!(l.usage(lim, t(41)).next_slot, Some(t(100)));
        l.correct(lim, t(50), Some(Duration::from_secs(86_400)));
        assert!(matches!(l.spend(lim, t(200)), Err(Denied::Blocked { .. })));
        assert_eq!(l.usage(lim, t(200)).day_used, 500);
    }

    #[test]
    fn stored_times_read_leniently() {
        let v = LedgerState::decode_recent("5,x,3,,-1");
        assert_eq!(v, vec![-1, 3, 5]);
        let l = LedgerState {
            recent: v,
            ..Default::default()
        };
        assert_eq!(LedgerState::decode_recent(&l.encode_recent()), l.recent);
        assert!(LedgerState::decode_recent("").is_empty());
    }

    #[test]
    fn fingerprints_are_short_stable_and_hide_the_key() {
        let a = fingerprint("virustotal", "secret-key-123");
        assert_eq!(a, fingerprint("virustotal", "secret-key-123"));
        assert_ne!(a, fingerprint("virustotal", "secret-key-124"));
        assert!(!a.contains("secret"));
        assert_eq!(a.len(), "virustotal:".len() + 16);
    }
}
