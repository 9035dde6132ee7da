// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Feed health: a record of every fetch and anomaly flags
//! (a source that suddenly returns nothing, halves, or starts failing auth).

use std::time::Duration;

use jiff::Timestamp;

use crate::sources::{FetchError, FetchOutput, ParseError};

/// Fetch records kept per source.
pub const HISTORY_MAX: usize = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FetchOutcome {
    Ok,
    NotModified,
    AuthError,
    RateLimited,
    NetworkError,
    ParseError,
    Error,
}

impl FetchOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            FetchOutcome::Ok => "ok",
            FetchOutcome::NotModified => "not_modified",
            FetchOutcome::AuthError => "auth_error",
            FetchOutcome::RateLimited => "rate_limited",
            FetchOutcome::NetworkError => "network_error",
            FetchOutcome::ParseError => "parse_error",
            FetchOutcome::Error => "error",
        }
    }

    pub fn parse(s: &str) -> FetchOutcome {
        match s {
            "ok" => FetchOutcome::Ok,
            "not_modified" => FetchOutcome::NotModified,
            "auth_error" => FetchOutcome::AuthError,
            "rate_limited" => FetchOutcome::RateLimited,
            "network_error" => FetchOutcome::NetworkError,
            "parse_error" => FetchOutcome::ParseError,
            _ => FetchOutcome::Error,
        }
    }

    pub fn is_success(self) -> bool {
        matches!(self, FetchOutcome::Ok | FetchOutcome::NotModified)
    }
}

/// One fetch as remembered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FetchRecord {
    pub at: Timestamp,
    pub outcome: FetchOutcome,
    /// Indicators the source held after this fetch (unchanged for `NotModified`).
    pub count: usize,
    pub bytes: u64,
    pub duration: Duration,
    /// Records of the document that were skipped.
    pub skipped: usize,
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
            Ok(out) if out.not_modified => (FetchOutcome::NotModified, held, out.bytes),
            Ok(out) => (FetchOutcome::Ok, out.batch.sightings.len(), out.bytes),
            Err(e) => (classify(e), held, 0),
        };
        let skipped = match result {
            Ok(out) if !out.not_modified => out.batch.skipped.total(),
            _ => 0,
        };
        FetchRecord {
            at,
            outcome,
            count,
            bytes,
            duration,
            skipped,
        }
    }
}

pub fn classify(e: &FetchError) -> FetchOutcome {
    if e.is_auth() {
        FetchOutcome::AuthError
    } else if e.is_rate_limited() {
        FetchOutcome::RateLimited
    } else {
        match e {
            FetchError::Parse(ParseError::Json(_) | ParseError::Csv(_) | ParseError::Shape(_)) => {
                FetchOutcome::ParseError
            }
            FetchError::Net(_) => FetchOutcome::NetworkError,
            _ => FetchOutcome::Error,
        }
    }
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
    /// Skipped more than half of the records of its last document.
    MostlySkipped { skipped: usize, taken: usize },
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
            Anomaly::MostlySkipped { skipped, taken } => {
                format!("⚠ skipped {skipped} of {} records", skipped + taken)
            }
        }
    }
}

pub fn anomaly(history: &[FetchRecord]) -> Option<Anomaly> {
    let last = history.last()?;
    if last.outcome == FetchOutcome::AuthError {
        let earlier = history[..history.len() - 1]
            .iter()
            .rev()
            .find(|r| r.outcome != FetchOutcome::AuthError)?;
        return earlier.outcome.is_success().then_some(Anomaly::AuthFailing);
    }
    if last.outcome != FetchOutcome::Ok {
        return None;
    }
    if last.skipped > last.count {
        return Some(Anomaly::MostlySkipped {
            skipped: last.skipped,
            taken: last.count,
        });
    }
    let prev = history[..history.len() - 1]
        .iter()
        .rev()
        .find(|r| r.outcome == FetchOutcome::Ok)?;
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

    fn r(outcome: FetchOutcome, count: usize) -> FetchRecord {
        FetchRecord {
            at: Timestamp::UNIX_EPOCH,
            outcome,
            count,
            bytes: 0,
            duration: Duration::ZERO,
            skipped: 0,
        }
    }

    #[test]
    fn anomalies() {
        use FetchOutcome::*;
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
        let skipping = FetchRecord {
            skipped: 6,
            ..r(Ok, 5)
        };
        assert_eq!(
            anomaly(&[r(Ok, 5), skipping]),
            Some(Anomaly::MostlySkipped {
                skipped: 6,
                taken: 5
            })
        );
        assert_eq!(
            anomaly(&[r(Ok, 0), skipping]).map(|a| a.text()).as_deref(),
            Some("⚠ skipped 6 of 11 records")
        );
        let half = FetchRecord {
            skipped: 5,
            ..r(Ok, 5)
        };
        assert_eq!(
            anomaly(&[r(Ok, 5), half]),
            None,
            "half is not more than half"
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
}
