// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Alerts as [`LogHit`]s: the dashboard reads the very ECS lines `match` writes
//! (FORMATS-LOGS.md §3), so the Hits view shows exactly what the headless command
//! would. [`HitSink`] is a `Write` that the follower and the retro-hunt scan write
//! alerts to; each complete line becomes hits handed to a callback.

use std::io::{self, Write};

use jiff::Timestamp;
use serde_json::Value;

use crate::model::{IndicatorType, LogHit};

/// The store's type of an ECS `threat.indicator.type` and the indicator's name.
fn kind_of(ecs: &str, name: &str) -> Option<IndicatorType> {
    Some(match ecs {
        "ipv4-addr" | "ipv6-addr" if name.contains('/') => IndicatorType::Cidr,
        "ipv4-addr" => IndicatorType::Ipv4,
        "ipv6-addr" => IndicatorType::Ipv6,
        "domain-name" => IndicatorType::Domain,
        "url" => IndicatorType::Url,
        "email-addr" => IndicatorType::Email,
        "file" => match name.len() {
            32 => IndicatorType::Md5,
            40 => IndicatorType::Sha1,
            64 => IndicatorType::Sha256,
            _ => return None,
        },
        _ => return None,
    })
}

fn text<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    path.iter().try_fold(v, |v, k| v.get(k))?.as_str()
}

/// The hits of one ECS alert line; none when it is not one.
pub fn from_alert(line: &[u8], found: Timestamp, retro: bool) -> Vec<LogHit> {
    let Ok(doc) = serde_json::from_slice::<Value>(line) else {
        return Vec::new();
    };
    let at = doc
        .get("@timestamp")
        .and_then(Value::as_str)
        .and_then(|t| t.parse::<Timestamp>().ok())
        .unwrap_or(found);
    let log = text(&doc, &["log", "file", "path"]).unwrap_or("-");
    let offset = doc
        .get("log")
        .and_then(|l| l.get("offset"))
        .and_then(Value::as_u64)
        .unwrap_or(0);
    let module = text(&doc, &["event", "module"]).unwrap_or("-");
    let Some(list) = doc
        .get("threat")
        .and_then(|t| t.get("enrichments"))
        .and_then(Value::as_array)
    else {
        return Vec::new();
    };
    list.iter()
        .filter_map(|e| {
            let name = text(e, &["indicator", "name"])?;
            let kind = kind_of(text(e, &["indicator", "type"])?, name)?;
            Some(LogHit {
                at,
                found,
                log: log.into(),
                offset,
                module: module.into(),
                field: text(e, &["matched", "field"]).unwrap_or("-").into(),
                atomic: text(e, &["matched", "atomic"]).unwrap_or(name).into(),
                kind,
                indicator: name.into(),
                sources: text(e, &["indicator", "provider"]).unwrap_or("").into(),
                threat: text(e, &["indicator", "description"]).map(Into::into),
                retro,
            })
        })
        .collect()
}

/// A `Write` taking ECS alert lines: complete lines become hits, handed to `deliver` at
/// each flush (the follower flushes once per poll). With `since`, hits of events
/// older than it are dropped (a retro-hunt by time).
pub struct HitSink<F: FnMut(Vec<LogHit>)> {
    buf: Vec<u8>,
    retro: bool,
    since: Option<Timestamp>,
    deliver: F,
}

impl<F: FnMut(Vec<LogHit>)> HitSink<F> {
    /// A sink for live (`retro: false`) or retro-hunt hits.
    pub fn new(retro: bool, since: Option<Timestamp>, deliver: F) -> Self {
        HitSink {
            buf: Vec::new(),
            retro,
            since,
            deliver,
        }
    }

    fn drain(&mut self) {
        let Some(end) = memchr::memrchr(b'\n', &self.buf) else {
            return;
        };
        let now = Timestamp::now();
        let mut hits = Vec::new();
        for line in self.buf[..end].split(|&b| b == b'\n') {
            hits.extend(
                from_alert(line, now, self.retro)
                    .into_iter()
                    .filter(|h| self.since.is_none_or(|s| h.at >= s)),
            );
        }
        self.buf.drain(..=end);
        if !hits.is_empty() {
            (self.deliver)(hits);
        }
    }
}

impl<F: FnMut(Vec<LogHit>)> Write for HitSink<F> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.drain();
        Ok(())
    }
}

impl<F: FnMut(Vec<LogHit>)> Drop for HitSink<F> {
    fn drop(&mut self) {
        self.drain();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALERT: &str = r#"{"@timestamp":"2026-11-29T10:20:31Z","log":{"file":{"path":"/var/log/eve.json"},"offset":120},"event":{"kind":"alert","module":"suricata"},"threat":{"enrichments":[{"matched":{"atomic":"45.0.0.3","field":"destination.ip","type":"indicator_match_rule"},"indicator":{"type":"ipv4-addr","name":"45.0.0.0/24","provider":"feodo,spamhaus","description":"Emotet"}},{"matched":{"atomic":"44d88612fea8a8f36de82e1278abb02f","field":"file.hash.md5"},"indicator":{"type":"file","name":"44d88612fea8a8f36de82e1278abb02f","provider":"urlhaus","description":null}}]}}"#;

    #[test]
    fn an_alert_gives_one_hit_per_enrichment() {
        let now = Timestamp::from_second(2_000_000_000).unwrap();
        let hits = from_alert(ALERT.as_bytes(), now, true);
        assert_eq!(hits.len(), 2);
        let h = &hits[0];
        assert_eq!(h.at.to_string(), "2026-11-29T10:20:31Z");
        assert_eq!(h.found, now);
        assert_eq!((&*h.log, h.offset), ("/var/log/eve.json", 120));
        assert_eq!((&*h.field, &*h.atomic), ("destination.ip", "45.0.0.3"));
        assert_eq!(
            (h.kind, &*h.indicator),
            (IndicatorType::Cidr, "45.0.0.0/24")
        );
        assert_eq!(&*h.sources, "feodo,spamhaus");
        assert_eq!(h.threat.as_deref(), Some("Emotet"));
        assert!(h.retro);
        assert_eq!(hits[1].kind, IndicatorType::Md5);
        assert_eq!(hits[1].threat, None);
    }

    #[test]
    fn garbage_and_partial_lines_give_nothing() {
        let now = Timestamp::UNIX_EPOCH;
        assert!(from_alert(b"", now, false).is_empty());
        assert!(from_alert(b"{\"threat\":", now, false).is_empty());
        assert!(from_alert(b"\xff\xfe", now, false).is_empty());
        assert!(
            from_alert(
                br#"{"threat":{"enrichments":[{"indicator":{"type":"cve","name":"x"}}]}}"#,
                now,
                false
            )
            .is_empty()
        );
    }

    #[test]
    fn the_sink_waits_for_whole_lines_and_filters_by_time() {
        let mut got = Vec::new();
        {
            let mut sink = HitSink::new(false, None, |h| got.extend(h));
            let (a, b) = ALERT.split_at(50);
            sink.write_all(a.as_bytes()).unwrap();
            sink.flush().unwrap();
            sink.write_all(b.as_bytes()).unwrap();
            sink.write_all(b"\n").unwrap();
            sink.flush().unwrap();
        }
        assert_eq!(got.len(), 2);
        let mut later = Vec::new();
        {
            let since = "2026-11-30T00:00:00Z".parse().ok();
            let mut sink = HitSink::new(true, since, |h| later.extend(h));
            writeln!(sink, "{ALERT}").unwrap();
        }
        assert!(
            later.is_empty(),
            "an event older than the window is dropped"
        );
    }
}
