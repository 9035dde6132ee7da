// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! A hit in the analyst's own logs: one (event field, indicator) pair of a `match`
//! alert (FORMATS-LOGS.md §3, `threat.enrichments[]`), as the dashboard shows it and the
//! store keeps it (the `sightings` table).

use jiff::Timestamp;

use super::IndicatorType;

/// One logged value that hit one indicator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogHit {
    /// The event's time (`@timestamp`; the time it was read when the log gives none).
    pub at: Timestamp,
    /// When it was found (by the live follower or a retro-hunt).
    pub found: Timestamp,
    /// The log file (`log.file.path`), sanitised.
    pub log: Box<str>,
    /// Byte offset of the event's line in that file (`log.offset`).
    pub offset: u64,
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
    /// Its sources, comma-separated (`indicator.provider`).
    pub sources: Box<str>,
    /// The threat a source names (`indicator.description`).
    pub threat: Option<Box<str>>,
    /// Found by a retro-hunt of the log's recent past, not as the line was written.
    pub retro: bool,
}

impl LogHit {
    /// What makes a hit the same hit: the line (file and offset, and the event time,
    /// since a rotated file reuses offsets), the field and the indicator.
    pub fn key(&self) -> (&str, u64, i64, &str, IndicatorType, &str) {
        (
            &self.log,
            self.offset,
            self.at.as_second(),
            &self.field,
            self.kind,
            &self.indicator,
        )
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
        log: log.into(),
        offset,
        module: "suricata".into(),
        field: "destination.ip".into(),
        atomic: indicator.into(),
        kind,
        indicator: indicator.into(),
        sources: "feodo".into(),
        threat: Some("Emotet".into()),
        retro: false,
    }
}
