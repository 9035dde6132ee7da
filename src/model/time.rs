// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Parsing of the many timestamp shapes feeds send, all read as UTC.

use std::num::NonZeroI64;
use std::time::Duration;

use jiff::Timestamp;
use jiff::civil::{Date, DateTime};

/// A UTC instant to the second, in 8 bytes (and `Option<Secs>` in 8 too): the store keeps
/// two per sighting, a million times over, where `Option<Timestamp>` takes 24.
///
/// Sub-second parts are dropped. The Unix epoch itself has no `Secs`: feeds send `0` to
/// mean "unknown", and [`epoch`] reads it so.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Secs(NonZeroI64);

impl Secs {
    /// The instant `ts`, to the second; `None` for the Unix epoch.
    pub fn new(ts: Timestamp) -> Option<Secs> {
        NonZeroI64::new(ts.as_second()).map(Secs)
    }

    /// Unix seconds; `None` for `0` and for values outside jiff's range.
    pub fn from_second(secs: i64) -> Option<Secs> {
        Timestamp::from_second(secs).ok().and_then(Secs::new)
    }

    pub fn as_second(self) -> i64 {
        self.0.get()
    }

    pub fn timestamp(self) -> Timestamp {
        // Every `Secs` was made from a valid timestamp, so this cannot fall back.
        Timestamp::from_second(self.0.get()).unwrap_or(Timestamp::UNIX_EPOCH)
    }
}

impl From<Secs> for Timestamp {
    fn from(s: Secs) -> Timestamp {
        s.timestamp()
    }
}

/// [`parse_time`], kept to the second.
pub fn parse_secs(raw: &str) -> Option<Secs> {
    parse_time(raw).and_then(Secs::new)
}

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
pub fn rfc3339(ts: impl Into<Timestamp>) -> String {
    let dt = jiff::tz::Offset::UTC.to_datetime(ts.into());
    let year = dt.year();
    if !(0..=9999).contains(&year) {
        return dt.strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
    }
    // The fixed form written digit by digit: the exports write two per indicator, and
    // strftime's general formatter was a tenth of a million-line export.
    let mut b = *b"0000-00-00T00:00:00Z";
    let mut put = |at: usize, v: i32, width: usize| {
        let mut v = v;
        for i in (0..width).rev() {
            b[at + i] = b'0' + (v % 10) as u8;
            v /= 10;
        }
    };
    put(0, i32::from(year), 4);
    put(5, i32::from(dt.month()), 2);
    put(8, i32::from(dt.day()), 2);
    put(11, i32::from(dt.hour()), 2);
    put(14, i32::from(dt.minute()), 2);
    put(17, i32::from(dt.second()), 2);
    String::from_utf8_lossy(&b).into_owned()
}

/// Formats a duration compactly, largest units first: `1h30m`, `45s`, `250ms`.
pub fn format_duration(d: Duration) -> String {
    let ms = d.as_millis();
    if ms == 0 {
        return "0s".into();
    }
    if ms < 1_000 {
        return format!("{ms}ms");
    }
    let mut secs = d.as_secs();
    let mut out = String::new();
    for (unit, len) in [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)] {
        if secs >= len {
            out.push_str(&format!("{}{unit}", secs / len));
            secs %= len;
        }
    }
    out
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

    #[test]
    fn secs_are_compact_and_keep_the_second() {
        assert_eq!(std::mem::size_of::<Option<Secs>>(), 8);
        let s = parse_secs("2026-09-04T16:47:03.5197Z").unwrap();
        assert_eq!(rfc3339(s.timestamp()), "2026-09-04T16:47:03Z");
        assert_eq!(Secs::from_second(s.as_second()), Some(s));
        assert_eq!(Secs::from_second(0), None);
        assert_eq!(Secs::from_second(i64::MAX), None);
        assert!(Secs::from_second(100) < Secs::from_second(200));
        assert_eq!(parse_secs("1970-01-01T00:00:00Z"), None);
        assert_eq!(parse_secs("nonsense"), None);
    }

    #[test]
    fn rfc3339_writes_what_strftime_writes() {
        for secs in [
            -62_135_596_800i64,
            -1,
            0,
            951_782_400,
            1_710_848_049,
            4_102_444_799,
            253_402_207_200,
            -377_705_023_201,
        ] {
            let t = Timestamp::from_second(secs).unwrap();
            assert_eq!(
                rfc3339(t),
                t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
                "{secs}"
            );
        }
    }
}
