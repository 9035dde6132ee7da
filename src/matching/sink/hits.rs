// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Alerts as the dashboard's [`LogHit`]s, built straight from the typed alert: one hit
//! per (field, indicator), with the indicator's own type and its sources' names.

use std::io;

use jiff::Timestamp;

use super::AlertSink;
use crate::matching::alert::{Alert, Location};
use crate::model::{LogHit, Origin};

/// The hits of one alert: one per (field, indicator), found at `found` by `sensor`.
pub fn log_hits<'a>(
    alert: &'a Alert<'a>,
    found: Timestamp,
    retro: bool,
    sensor: &'a str,
) -> impl Iterator<Item = LogHit> + 'a {
    let origin = match alert.location {
        Location::File { path, offset } => Origin::File {
            path: path.into(),
            offset,
        },
        Location::Stream { stream, id, group } => Origin::Stream {
            stream: stream.into(),
            id,
            group: group.into(),
        },
    };
    alert.hits().map(move |hit| LogHit {
        at: alert.time,
        found,
        sensor: sensor.into(),
        origin: origin.clone(),
        module: alert.module.into(),
        field: hit.field.name.into(),
        atomic: hit.atomic.into(),
        kind: hit.indicator.kind,
        indicator: hit.indicator.name.clone(),
        sources: hit.sources().map(Into::into).collect(),
        threat: hit.indicator.threat.as_deref().map(Into::into),
        retro,
        host: super::host::internal_host(alert.fields, hit.field.name, hit.atomic),
    })
}

/// Hands each delivered part's hits to `deliver` (the dashboard's channel). With
/// `since`, hits of events older than it are dropped (a retro-hunt by time).
pub struct HitSink<F> {
    retro: bool,
    since: Option<Timestamp>,
    sensor: Box<str>,
    deliver: F,
}

impl<F: FnMut(Vec<LogHit>) + Send + Sync> HitSink<F> {
    /// A sink for live (`retro: false`) or retro-hunt hits found by `sensor`.
    pub fn new(retro: bool, since: Option<Timestamp>, sensor: &str, deliver: F) -> Self {
        HitSink {
            retro,
            since,
            sensor: sensor.into(),
            deliver,
        }
    }
}

impl<F: FnMut(Vec<LogHit>) + Send + Sync> AlertSink for HitSink<F> {
    type Part = Vec<LogHit>;

    fn add(&self, part: &mut Vec<LogHit>, alert: &Alert<'_>) {
        if self.since.is_some_and(|s| alert.time < s) {
            return;
        }
        part.extend(log_hits(alert, Timestamp::now(), self.retro, &self.sensor));
    }

    fn deliver(&mut self, part: Vec<LogHit>) -> io::Result<()> {
        if !part.is_empty() {
            (self.deliver)(part);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::extract::{Field, ValueKind};
    use crate::matching::matcher::{Hit, NewIndicator};
    use crate::matching::{MatchOptions, MatcherBuilder, Warninglists};
    use crate::model::IndicatorType;

    #[test]
    fn each_hit_keeps_its_type_and_its_sources_as_a_list() {
        let mut b = MatcherBuilder::new();
        let (s1, s2) = (b.source("feodo"), b.source("spam,haus"));
        b.add(
            IndicatorType::Cidr,
            "203.0.113.0/24",
            NewIndicator {
                sources: &[s1, s2],
                ..Default::default()
            },
        );
        b.add(
            IndicatorType::Sha1,
            "0123456789abcdef0123456789abcdef01234567",
            NewIndicator {
                sources: &[s1],
                ..Default::default()
            },
        );
        let m = b.build(&Warninglists::none(), MatchOptions::default());
        let fields = [
            Field {
                name: "destination.ip",
                value: "203.0.113.9".into(),
                kind: ValueKind::Ip,
            },
            Field {
                name: "file.hash.sha1",
                value: "0123456789ABCDEF0123456789ABCDEF01234567".into(),
                kind: ValueKind::Hash,
            },
        ];
        let mut hits = Vec::new();
        let mut scratch = Vec::new();
        for (i, f) in fields.iter().enumerate() {
            m.lookup(f.kind, &f.value, &mut scratch);
            hits.extend(scratch.drain(..).map(|h: Hit| (i, h)));
        }
        let t = Timestamp::from_second(1_800_000_000).unwrap();
        let alert = Alert {
            time: t,
            location: Location::File {
                path: "/var/log/eve.json",
                offset: 42,
            },
            module: "suricata",
            fields: &fields,
            conn: &Default::default(),
            hits: &hits,
            matcher: &m,
        };
        let mut got = Vec::new();
        let mut sink = HitSink::new(false, None, "edge-1", |h| got.extend(h));
        let mut part = Vec::new();
        sink.add(&mut part, &alert);
        sink.deliver(part).unwrap();
        drop(sink);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].kind, IndicatorType::Cidr);
        assert_eq!(&*got[0].indicator, "203.0.113.0/24");
        assert_eq!(&*got[0].atomic, "203.0.113.9");
        let names: Vec<&str> = got[0].sources.iter().map(|s| &**s).collect();
        assert_eq!(names, ["feodo", "spam,haus"], "a name is never split");
        assert_eq!(
            got[1].kind,
            IndicatorType::Sha1,
            "the type is the indicator's"
        );
        assert_eq!(&*got[1].sensor, "edge-1");
        assert_eq!(
            got[1].origin,
            Origin::File {
                path: "/var/log/eve.json".into(),
                offset: 42
            }
        );
        let mut later = Vec::new();
        let since = Timestamp::from_second(1_900_000_000).ok();
        let mut sink = HitSink::new(true, since, "edge-1", |h| later.extend(h));
        let mut part = Vec::new();
        sink.add(&mut part, &alert);
        sink.deliver(part).unwrap();
        drop(sink);
        assert!(
            later.is_empty(),
            "an event older than the window is dropped"
        );
    }
}
