// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! A hit in the analyst's own logs: one (event field, indicator) pair of an alert
//! (FORMATS-LOGS.md §3, `threat.enrichments[]`), as the dashboard shows it and the
//! store keeps it (the `sightings` table), with the sensor that saw it and where.

use std::fmt;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::IndicatorType;

/// A Redis stream entry id, `<milliseconds>-<sequence>` (Redis streams introduction,
/// "Entry IDs"): ordered by time, then sequence.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
pub struct EntryId {
    /// Milliseconds since the Unix epoch, as the server stamped the entry.
    pub ms: u64,
    /// Sequence within that millisecond.
    pub seq: u64,
}

impl EntryId {
    /// Reads `1764410400000-3`; `None` for anything else.
    pub fn parse(s: &str) -> Option<EntryId> {
        let (ms, seq) = s.split_once('-')?;
        let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        if !digits(ms) || !digits(seq) {
            return None;
        }
        Some(EntryId {
            ms: ms.parse().ok()?,
            seq: seq.parse().ok()?,
        })
    }
}

impl fmt::Display for EntryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.ms, self.seq)
    }
}

/// Where a hit's event was read.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// A line of a file: its path (`log.file.path`) and the line's byte offset.
    File { path: Box<str>, offset: u64 },
    /// An entry of a Redis stream, read by a consumer group.
    Stream {
        stream: Box<str>,
        id: EntryId,
        group: Box<str>,
    },
}

impl Origin {
    /// The file's path or the stream's key.
    pub fn name(&self) -> &str {
        match self {
            Origin::File { path, .. } => path,
            Origin::Stream { stream, .. } => stream,
        }
    }
}

/// One logged value that hit one indicator. Serialised (serde) only into the
/// recorder's spool files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogHit {
    /// The event's time (`@timestamp`; the time it was read when the log gives none).
    pub at: Timestamp,
    /// When it was found (by a matcher, the live follower or a retro-hunt).
    pub found: Timestamp,
    /// The sensor that found it (`sensor.name`; empty in hits stored before sensors
    /// were named).
    pub sensor: Box<str>,
    /// Where the event was read.
    pub origin: Origin,
    /// `event.module`: suricata, zeek, nginx, apache, syslog, text.
    pub module: Box<str>,
    /// The ECS field the value was in (`destination.ip`, `dns.question.name`, ...).
    pub field: Box<str>,
    /// The value as in the log, normalised (`matched.atomic`).
    pub atomic: Box<str>,
    /// The indicator's type, as the store keys it.
    pub kind: IndicatorType,
    /// The indicator as held (the CIDR when a range matched; a domain in IDNA form).
    pub indicator: Box<str>,
    /// Its sources' names (`indicator.provider`).
    pub sources: Box<[Box<str>]>,
    /// The threat a source names (`indicator.description`).
    pub threat: Option<Box<str>>,
    /// Found by a retro-hunt of the log's recent past, not as the line was written.
    pub retro: bool,
    /// The internal side of the event (`host.ip` in spirit): for a hit on
    /// `destination.ip` the event's `source.ip`, and the reverse; for a domain or URL
    /// the address that asked (`source.ip`, `client.ip`). A private address is
    /// preferred when the event names one (see [`internal_host`]). `None` when the
    /// event names no other address, and in hits stored before schema 12 / 9.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<Box<str>>,
}

/// What makes a hit the same hit (the store's unique keys of `sightings`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HitKey<'a> {
    /// A line: the sensor and file (two sensors each have their own `eve.json`), the
    /// offset and the event time (a rotated file reuses offsets), field and indicator.
    Line {
        sensor: &'a str,
        path: &'a str,
        offset: u64,
        at: i64,
        field: &'a str,
        kind: IndicatorType,
        indicator: &'a str,
    },
    /// A stream entry is the same event whichever consumer read it (a claimed entry
    /// read twice counts once): the stream, the entry, field and indicator.
    Entry {
        stream: &'a str,
        id: EntryId,
        field: &'a str,
        kind: IndicatorType,
        indicator: &'a str,
    },
}

impl LogHit {
    /// The hit's identity (see [`HitKey`]).
    pub fn key(&self) -> HitKey<'_> {
        match &self.origin {
            Origin::File { path, offset } => HitKey::Line {
                sensor: &self.sensor,
                path,
                offset: *offset,
                at: self.at.as_second(),
                field: &self.field,
                kind: self.kind,
                indicator: &self.indicator,
            },
            Origin::Stream { stream, id, .. } => HitKey::Entry {
                stream,
                id: *id,
                field: &self.field,
                kind: self.kind,
                indicator: &self.indicator,
            },
        }
    }

    /// The sources' names joined with `,` (for one-line messages).
    pub fn sources_joined(&self) -> String {
        self.sources.join(",")
    }
}

/// A [`LogHit`] for tests: `indicator` hit as itself at `offset` of `log`.
#[cfg(test)]
pub(crate) fn sample(
    kind: IndicatorType,
    indicator: &str,
    log: &str,
    offset: u64,
    secs: i64,
) -> LogHit {
    let at = Timestamp::from_second(secs).unwrap_or(Timestamp::UNIX_EPOCH);
    LogHit {
        at,
        found: at,
        sensor: "sensor-1".into(),
        origin: Origin::File {
            path: log.into(),
            offset,
        },
        module: "suricata".into(),
        field: "destination.ip".into(),
        atomic: indicator.into(),
        kind,
        indicator: indicator.into(),
        sources: Box::new(["feodo".into()]),
        threat: Some("Emotet".into()),
        retro: false,
        host: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_ids_read_and_order() {
        let a = EntryId::parse("1764410400000-0").unwrap();
        let b = EntryId::parse("1764410400000-12").unwrap();
        assert!(a < b);
        assert_eq!(b.to_string(), "1764410400000-12");
        for bad in [
            "",
            "-",
            "1-",
            "-1",
            "1-2-3",
            "x-1",
            "1 -2",
            "18446744073709551616-0",
        ] {
            assert_eq!(EntryId::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_stream_entry_is_one_hit_whoever_read_it_and_a_line_is_per_sensor() {
        let mut a = sample(
            IndicatorType::Ipv4,
            "203.0.113.9",
            "/var/log/eve.json",
            10,
            5,
        );
        let mut b = a.clone();
        b.sensor = "sensor-2".into();
        assert_ne!(a.key(), b.key(), "two sensors' eve.json are two files");
        let entry = Origin::Stream {
            stream: "suricata".into(),
            id: EntryId { ms: 9, seq: 1 },
            group: "intellisiem".into(),
        };
        a.origin = entry.clone();
        b.origin = entry;
        b.found = Timestamp::from_second(99).unwrap();
        assert_eq!(a.key(), b.key());
    }
}
