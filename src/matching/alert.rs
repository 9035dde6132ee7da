// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Alerts as data: one matched event, where it was read, its values and every
//! (field, indicator) hit, handed to the [`super::sink::AlertSink`]s that write ECS
//! lines, Zeek `intel.log` rows, the dashboard's hits and the store's sightings. Nothing
//! here formats text; each output is one sink.

use jiff::Timestamp;

use super::extract::{EventTime, Field};
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
    /// The hits, each an index into `fields` and the indicator it hit; deduplicated on
    /// (field name, indicator, value).
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
        EventTime::Epoch(s) => {
            let secs: f64 = s.parse().ok()?;
            if !secs.is_finite() {
                return None;
            }
            let whole = secs.floor();
            let nanos = ((secs - whole) * 1e9).round() as i32;
            Timestamp::new(whole as i64, nanos.clamp(0, 999_999_999)).ok()
        }
        EventTime::Clf(s) => Timestamp::strptime("%d/%b/%Y:%H:%M:%S %z", s.as_bytes()).ok(),
        EventTime::Bsd(s) => {
            let year = Timestamp::now().in_tz("UTC").map_or(2026, |z| z.year());
            let text = format!(
                "{year} {} +0000",
                s.split_whitespace().collect::<Vec<_>>().join(" ")
            );
            Timestamp::strptime("%Y %b %d %H:%M:%S %z", &text).ok()
        }
    }
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
