// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Alerts as data: one matched event, where it was read, its values and every
//! (field, indicator) hit, handed to the [`super::sink::AlertSink`]s that write ECS
//! lines, Zeek `intel.log` rows, the dashboard's hits and the store's sightings. Nothing
//! here formats text; each output is one sink.

use jiff::Timestamp;

use super::extract::{Conn, EventTime, Field};
use super::matcher::{Hit, Matcher, Meta};
pub use crate::model::EntryId;
use crate::model::IndicatorType;

/// One field's hits in an event: the index of the field and what it hit.
pub type FieldHits = Vec<(usize, Hit)>;

/// Where an event was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location<'a> {
    /// A line of a file (`-` for standard input): `log.file.path` and `log.offset`, the
    /// byte offset of the line's first byte from the file's start.
    File { path: &'a str, offset: u64 },
    /// An entry of a Redis stream, read by a consumer group.
    Stream {
        /// The stream's key.
        stream: &'a str,
        id: EntryId,
        /// The consumer group that read it.
        group: &'a str,
    },
}

/// One matched event.
#[derive(Debug, Clone, Copy)]
pub struct Alert<'a> {
    /// The event's time in UTC; the time it was read when the log gives none (or one that
    /// cannot be read).
    pub time: Timestamp,
    pub location: Location<'a>,
    /// `event.module`: suricata, zeek, nginx, apache, syslog, text.
    pub module: &'static str,
    /// The event's indicator-bearing values, by ECS field name.
    pub fields: &'a [Field<'a>],
    /// The connection (ports, Zeek uid), where the log names it.
    pub conn: &'a Conn<'a>,
    /// The hits, each an index into `fields` and the indicator it hit: every distinct
    /// indicator the event's values hit, each once, with the first field that hit it.
    pub hits: &'a [(usize, Hit)],
    /// The indicator set the hits index into.
    pub matcher: &'a Matcher,
}

/// One (field, indicator) hit of an [`Alert`].
#[derive(Debug, Clone, Copy)]
pub struct AlertHit<'a> {
    /// The event field the value was in.
    pub field: &'a Field<'a>,
    /// The value as in the log, in canonical form (`matched.atomic`).
    pub atomic: &'a str,
    /// The indicator as held (a CIDR when a range matched).
    pub indicator: &'a Meta,
    matcher: &'a Matcher,
}

impl<'a> AlertHit<'a> {
    /// The names of the indicator's sources.
    pub fn sources(&self) -> impl Iterator<Item = &'a str> + 'a {
        self.matcher.sources_of(self.indicator)
    }
}

impl<'a> Alert<'a> {
    /// The hits in order, each with its field and indicator (a hit whose field or
    /// indicator index is out of range is passed over).
    pub fn hits(&self) -> impl Iterator<Item = AlertHit<'a>> + 'a {
        let (fields, matcher) = (self.fields, self.matcher);
        self.hits.iter().filter_map(move |(fi, hit)| {
            Some(AlertHit {
                field: fields.get(*fi)?,
                atomic: &hit.atomic,
                indicator: matcher.meta(hit.meta)?,
                matcher,
            })
        })
    }

    /// The first value of the ECS field `name`, if the event has it.
    pub fn field(&self, name: &str) -> Option<&'a str> {
        self.fields
            .iter()
            .find(|f| f.name == name)
            .map(|f| &*f.value)
    }
}

/// The event time in UTC, if it can be read.
pub fn event_time(t: &EventTime<'_>) -> Option<Timestamp> {
    match t {
        EventTime::Iso(s) => s
            .parse::<Timestamp>()
            .ok()
            .or_else(|| Timestamp::strptime("%Y-%m-%dT%H:%M:%S%.f%z", s.as_bytes()).ok()),
        EventTime::Epoch(s) => epoch(s),
        EventTime::Clf(s) => Timestamp::strptime("%d/%b/%Y:%H:%M:%S %z", s.as_bytes()).ok(),
        EventTime::Bsd(s) => bsd_time(s, Timestamp::now()),
    }
}

/// An RFC 3164 time (`Dec 31 23:59:59`, no year) read at `now`, in UTC: this year, or
/// last year when that would put it more than a day ahead of `now` (a December line read
/// in January), as syslog readers date such lines.
fn bsd_time(s: &str, now: Timestamp) -> Option<Timestamp> {
    let year = jiff::tz::Offset::UTC.to_datetime(now).year();
    let words = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let at =
        |y: i16| Timestamp::strptime("%Y %b %d %H:%M:%S %z", format!("{y} {words} +0000")).ok();
    let t = at(year)?;
    if t > now + jiff::SignedDuration::from_hours(24) {
        return at(year - 1).or(Some(t));
    }
    Some(t)
}

/// Nanoseconds in one unit of an epoch number of integer part `int`: the unit is told
/// by magnitude (see [`EventTime::Epoch`]).
fn nanos_per_unit(int: u128) -> u128 {
    match int {
        0..100_000_000_000 => 1_000_000_000,
        100_000_000_000..100_000_000_000_000 => 1_000_000,
        100_000_000_000_000..100_000_000_000_000_000 => 1_000,
        _ => 1,
    }
}

/// An epoch number (`1795943702.481230`, `1795943702481`, `-1.5`, `1.7e9`) as a time;
/// the unit by magnitude ([`EventTime::Epoch`]). Decimal text is read exactly, so
/// `….481230` is 481230 µs, not the nearest binary fraction.
fn epoch(s: &str) -> Option<Timestamp> {
    let s = s.trim();
    let (negative, body) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    let nanos: i128 = if !(int.is_empty() && frac.is_empty()) && digits(int) && digits(frac) {
        let whole: u128 = if int.is_empty() { 0 } else { int.parse().ok()? };
        let per = nanos_per_unit(whole);
        // Digits past a nanosecond cannot change the result.
        let frac = frac.get(..frac.len().min(18)).unwrap_or(frac);
        let scale = 10u128.pow(frac.len() as u32);
        let part = if frac.is_empty() {
            0
        } else {
            frac.parse::<u128>().ok()? * per / scale
        };
        i128::try_from(whole.checked_mul(per)?.checked_add(part)?).ok()?
    } else {
        // Exponent forms: through a float.
        let v: f64 = body.parse().ok()?;
        if !v.is_finite() || v < 0.0 {
            return None;
        }
        let per = nanos_per_unit(v.trunc().min(u128::MAX as f64) as u128);
        (v * per as f64).round() as i128
    };
    Timestamp::from_nanosecond(if negative { -nanos } else { nanos }).ok()
}

/// The ECS `threat.indicator.type` of an indicator kind (`name` tells an IPv6 range).
pub fn ecs_type(kind: IndicatorType, name: &str) -> &'static str {
    match kind {
        IndicatorType::Ipv4 => "ipv4-addr",
        IndicatorType::Ipv6 => "ipv6-addr",
        IndicatorType::Cidr if name.contains(':') => "ipv6-addr",
        IndicatorType::Cidr => "ipv4-addr",
        IndicatorType::Domain => "domain-name",
        IndicatorType::Url => "url",
        IndicatorType::Md5 | IndicatorType::Sha1 | IndicatorType::Sha256 => "file",
        IndicatorType::Email => "email-addr",
        IndicatorType::Cve => "vulnerability",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    fn at(s: &str) -> Option<String> {
        event_time(&EventTime::Epoch(Cow::Borrowed(s))).map(|t| t.to_string())
    }

    /// The unit of an epoch number is told by magnitude, and decimals are exact.
    #[test]
    fn epoch_numbers_in_seconds_millis_micros_and_nanos() {
        let want = Some("2026-11-29T09:15:02.48123Z".to_owned());
        assert_eq!(at("1795943702.481230"), want);
        assert_eq!(at("1795943702481.23"), want);
        assert_eq!(at("1795943702481230"), want);
        assert_eq!(at("1795943702481230000"), want);
        assert_eq!(
            at("1.7959437025e9"),
            Some("2026-11-29T09:15:02.5Z".to_owned())
        );
        assert_eq!(at("0"), Some("1970-01-01T00:00:00Z".to_owned()));
        assert_eq!(at("99999999999"), Some("5138-11-16T09:46:39Z".to_owned()));
        assert_eq!(at("100000000000"), Some("1973-03-03T09:46:40Z".to_owned()));
        assert_eq!(at("-1.5"), Some("1969-12-31T23:59:58.5Z".to_owned()));
        for bad in ["", ".", "x", "1.2.3", "nan", "inf", "1e400"] {
            assert_eq!(at(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_syslog_time_is_never_a_year_ahead() {
        let now: Timestamp = "2027-01-02T10:00:00Z".parse().unwrap();
        let t = |s: &str| bsd_time(s, now).map(|t| t.to_string());
        assert_eq!(t("Dec 31 23:59:59"), Some("2026-12-31T23:59:59Z".into()));
        assert_eq!(t("Jan  2 09:00:00"), Some("2027-01-02T09:00:00Z".into()));
        assert_eq!(
            t("Jan  3 09:00:00"),
            Some("2027-01-03T09:00:00Z".into()),
            "clocks drift"
        );
        assert_eq!(t("Feb 30 00:00:00"), None);
    }
}
