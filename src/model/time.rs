// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Parsing of the many timestamp shapes feeds send, all read as UTC.

use jiff::Timestamp;
use jiff::civil::{Date, DateTime};

/// Parses a feed timestamp: RFC 3339, naive ISO (`2023-08-09T05:05:14.946000`),
/// `2024-03-19 11:34:09`, `... UTC`, a bare date, or Unix epoch seconds as a string.
/// Naive forms are taken as UTC. Returns `None` for empty or unparsable input.
pub fn parse_time(raw: &str) -> Option<Timestamp> {
    let s = raw.trim();
    if s.is_empty() {
        return None;
    }
    if s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse::<i64>().ok().and_then(epoch);
    }
    if let Ok(ts) = s.parse::<Timestamp>() {
        return Some(ts);
    }
    let naive = s
        .strip_suffix(" UTC")
        .or_else(|| s.strip_suffix(" GMT"))
        .or_else(|| s.strip_suffix('Z'))
        .unwrap_or(s)
        .trim_end();
    if let Ok(dt) = naive.parse::<DateTime>() {
        return jiff::tz::TimeZone::UTC.to_timestamp(dt).ok();
    }
    if let Ok(d) = naive.parse::<Date>() {
        return jiff::tz::TimeZone::UTC
            .to_timestamp(d.to_datetime(jiff::civil::Time::midnight()))
            .ok();
    }
    None
}

/// Unix epoch seconds to a timestamp; `0` and out-of-range values mean "unknown".
pub fn epoch(secs: i64) -> Option<Timestamp> {
    if secs <= 0 {
        return None;
    }
    Timestamp::from_second(secs).ok()
}

/// Formats as RFC 3339 UTC with second precision, e.g. `2026-01-17T07:44:46Z`.
pub fn rfc3339(ts: Timestamp) -> String {
    ts.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(raw: &str) -> Option<String> {
        parse_time(raw).map(rfc3339)
    }

    #[test]
    fn parses_every_feed_shape_as_utc() {
        let want = Some("2024-03-19T11:34:09Z".to_string());
        assert_eq!(s("2024-03-19 11:34:09"), want);
        assert_eq!(s("2024-03-19 11:34:09 UTC"), want);
        assert_eq!(s("2024-03-19T11:34:09"), want);
        assert_eq!(s("2024-03-19T11:34:09Z"), want);
        assert_eq!(s("2024-03-19T12:34:09+01:00"), want);
        assert_eq!(s("1710848049"), want);
        assert_eq!(
            s("2023-08-09T05:05:14.946000"),
            Some("2023-08-09T05:05:14Z".to_string())
        );
        assert_eq!(s("2022-11-15"), Some("2022-11-15T00:00:00Z".to_string()));
        assert_eq!(
            s("2026-09-04T16:47:03.5197Z"),
            Some("2026-09-04T16:47:03Z".to_string())
        );
    }

    #[test]
    fn rejects_garbage_and_empty() {
        for raw in [
            "",
            "  ",
            "yesterday",
            "2024-13-45",
            "99999999999999999999",
            "0",
        ] {
            assert_eq!(parse_time(raw), None, "{raw}");
        }
        assert_eq!(epoch(-5), None);
    }
}
