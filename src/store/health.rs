// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Feed health: a record of every fetch, a sparkline of recent counts, and anomaly flags
//! (a source that suddenly returns nothing, halves, or starts failing auth).

use std::time::Duration;

use jiff::Timestamp;

use crate::sources::{FetchError, FetchOutput, ParseError};

/// Fetch records kept per source.
pub const HISTORY_MAX: usize = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    NotModified,
    AuthError,
    RateLimited,
    NetworkError,
    ParseError,
    Error,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::NotModified => "not_modified",
            Outcome::AuthError => "auth_error",
            Outcome::RateLimited => "rate_limited",
            Outcome::NetworkError => "network_error",
            Outcome::ParseError => "parse_error",
            Outcome::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Outcome {
        match s {
            "ok" => Outcome::Ok,
            "not_modified" => Outcome::NotModified,
            "auth_error" => Outcome::AuthError,
            "rate_limited" => Outcome::RateLimited,
            "network_error" => Outcome::NetworkError,
            "parse_error" => Outcome::ParseError,
            _ => Outcome::Error,
        }
    }

    pub fn is_success(self) -> bool {
        matches!(self, Outcome::Ok | Outcome::NotModified)
    }
}

/// One fetch as remembered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FetchRecord {
    pub at: Timestamp,
    pub outcome: Outcome,
    /// Indicators the source held after this fetch (unchanged for `NotModified`).
    pub count: usize,
    pub bytes: u64,
    pub duration: Duration,
}

impl FetchRecord {
    /// The record of a fetch result. `held` is the source's count before the fetch (kept
    /// on `NotModified`).
    pub fn from_result(
        result: &Result<FetchOutput, FetchError>,
        at: Timestamp,
        duration: Duration,
        held: usize,
    ) -> FetchRecord {
        let (outcome, count, bytes) = match result {
            Ok(out) if out.not_modified => (Outcome::NotModified, held, out.bytes),
            Ok(out) => (Outcome::Ok, out.batch.sightings.len(), out.bytes),
            Err(e) => (classify(e), held, 0),
        };
        FetchRecord {
            at,
            outcome,
            count,
            bytes,
            duration,
        }
    }
}

pub fn classify(e: &FetchError) -> Outcome {
    if e.is_auth() {
        Outcome::AuthError
    } else if e.is_rate_limited() {
        Outcome::RateLimited
    } else {
        match e {
            FetchError::Parse(ParseError::Json(_) | ParseError::Csv(_) | ParseError::Shape(_)) => {
                Outcome::ParseError
            }
            FetchError::Net(_) => Outcome::NetworkError,
            _ => Outcome::Error,
        }
    }
}

/// Block characters for a sparkline of counts, lowest to highest.
const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// The counts of the last `width` fetches as bars; failed fetches as `╳`.
pub fn sparkline(history: &[FetchRecord], width: usize) -> String {
    let recent = &history[history.len().saturating_sub(width)..];
    let max = recent.iter().map(|r| r.count).max().unwrap_or(0).max(1);
    recent
        .iter()
        .map(|r| {
            if r.outcome.is_success() {
                BARS[(r.count * (BARS.len() - 1))
                    .div_ceil(max)
                    .min(BARS.len() - 1)]
            } else {
                '╳'
            }
        })
        .collect()
}

/// Something an analyst should look at, from the history (oldest first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Anomaly {
    /// Had indicators, now returns none.
    Emptied { before: usize },
    /// Lost more than half of its indicators in one fetch.
    Dropped { before: usize, now: usize },
    /// Started failing authentication after succeeding.
    AuthFailing,
}

impl Anomaly {
    pub fn text(&self) -> String {
        match self {
            Anomaly::Emptied { before } => format!("⚠ returned nothing (had {before})"),
            Anomaly::Dropped { before, now } => {
                let pct = 100 - (now * 100 / (*before).max(1));
                format!("⚠ dropped {pct}% ({before} → {now})")
            }
            Anomaly::AuthFailing => "⚠ key refused since last success".into(),
        }
    }
}

pub fn anomaly(history: &[FetchRecord]) -> Option<Anomaly> {
    let last = history.last()?;
    if last.outcome == Outcome::AuthError {
        let earlier = history[..history.len() - 1]
            .iter()
            .rev()
            .find(|r| r.outcome != Outcome::AuthError)?;
        return earlier.outcome.is_success().then_some(Anomaly::AuthFailing);
    }
    if last.outcome != Outcome::Ok {
        return None;
    }
    let prev = history[..history.len() - 1]
        .iter()
        .rev()
        .find(|r| r.outcome == Outcome::Ok)?;
    if prev.count > 0 && last.count == 0 {
        Some(Anomaly::Emptied { before: prev.count })
    } else if prev.count >= 10 && last.count * 2 < prev.count {
        Some(Anomaly::Dropped {
            before: prev.count,
            now: last.count,
        })
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(outcome: Outcome, count: usize) -> FetchRecord {
        FetchRecord {
            at: Timestamp::UNIX_EPOCH,
            outcome,
            count,
            bytes: 0,
            duration: Duration::ZERO,
        }
    }

    #[test]
    fn anomalies() {
        use Outcome::*;
        assert_eq!(anomaly(&[]), None);
        assert_eq!(anomaly(&[r(Ok, 100), r(Ok, 90)]), None);
        assert_eq!(
            anomaly(&[r(Ok, 100), r(Ok, 0)]),
            Some(Anomaly::Emptied { before: 100 })
        );
        assert_eq!(
            anomaly(&[r(Ok, 100), r(NetworkError, 100), r(Ok, 40)]),
            Some(Anomaly::Dropped {
                before: 100,
                now: 40
            })
        );
        assert_eq!(anomaly(&[r(Ok, 4), r(Ok, 1)]), None, "small lists wobble");
        assert_eq!(
            anomaly(&[r(Ok, 10), r(AuthError, 10)]),
            Some(Anomaly::AuthFailing)
        );
        assert_eq!(
            anomaly(&[r(AuthError, 0), r(AuthError, 0)]),
            None,
            "never worked"
        );
        assert_eq!(
            anomaly(&[r(NotModified, 5), r(AuthError, 5), r(AuthError, 5)]),
            Some(Anomaly::AuthFailing)
        );
        assert_eq!(
            Anomaly::Dropped {
                before: 100,
                now: 27
            }
            .text(),
            "⚠ dropped 73% (100 → 27)"
        );
    }

    #[test]
    fn sparklines() {
        use Outcome::*;
        let h = [
            r(Ok, 0),
            r(Ok, 50),
            r(Ok, 100),
            r(NetworkError, 100),
            r(NotModified, 100),
        ];
        assert_eq!(sparkline(&h, 10), "▁▅█╳█");
        assert_eq!(sparkline(&h, 2), "╳█");
        assert_eq!(sparkline(&[], 5), "");
    }
}
