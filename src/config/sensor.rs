// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! `sensor:`: who this machine is to the team's store, and whether a headless `match`
//! keeps its hits there as sightings.
//!
//! ```yaml
//! sensor: { name: edge-1, record: true, batch: 5000, queue: 10000 }
//! ```
//! `name` defaults to the host name; `record` (default false) is `match --record`;
//! `batch` is the most rows per transaction (a batch is written at least every
//! second); `queue` is how many hits wait in memory while the store is away before
//! they go to disk (`$XDG_STATE_HOME/intellisiem/spool`).

use std::path::PathBuf;

use serde::Deserialize;

/// The sensor section, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SensorConfig {
    /// The sensor's name in sightings (the Hits view's SENSOR column).
    pub name: String,
    /// `match` records its hits in the store.
    pub record: bool,
    /// Rows per transaction, at most.
    pub batch: usize,
    /// Hits held in memory while the store is away.
    pub queue: usize,
    /// Where hits go while the store is away and memory is full; `None`: no state
    /// folder known (they are then counted as lost).
    pub spool: Option<PathBuf>,
}

/// Rows per transaction when the config does not say.
pub const DEFAULT_BATCH: usize = 5_000;
/// Hits held in memory while the store is away, when the config does not say.
pub const DEFAULT_QUEUE: usize = 10_000;

impl SensorConfig {
    /// The defaults for this machine: its host name, no recording.
    pub fn defaults(env: &dyn Fn(&str) -> Option<String>) -> SensorConfig {
        SensorConfig {
            name: host_name(env),
            record: false,
            batch: DEFAULT_BATCH,
            queue: DEFAULT_QUEUE,
            spool: spool_dir(env),
        }
    }
}

/// The host name (`/proc/sys/kernel/hostname`, else `$HOSTNAME`, else `localhost`).
pub fn host_name(env: &dyn Fn(&str) -> Option<String>) -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| env("HOSTNAME"))
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".into())
}

/// `$XDG_STATE_HOME/intellisiem/spool` (else under `~/.local/state`).
pub fn spool_dir(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    super::defaults::log_file(env).and_then(|f| f.parent().map(|d| d.join("spool")))
}

/// `sensor:` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSensor {
    pub name: Option<String>,
    pub record: Option<bool>,
    pub batch: Option<usize>,
    pub queue: Option<usize>,
}

/// Checks `raw` over the defaults. Errors: one line naming the field.
pub fn resolve(
    raw: Option<RawSensor>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<SensorConfig, String> {
    let mut s = SensorConfig::defaults(env);
    let Some(raw) = raw else {
        return Ok(s);
    };
    if let Some(name) = raw.name {
        let name = name.trim();
        if name.is_empty()
            || name.len() > 64
            || !name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._-@".contains(&b))
        {
            return Err(format!(
                "sensor: name `{}` must be 1-64 characters of ASCII letters, digits, `.`, `_`, `-`, `@`",
                crate::model::sanitize::one_line(name, 80)
            ));
        }
        s.name = name.to_string();
    }
    s.record = raw.record.unwrap_or(false);
    if let Some(b) = raw.batch {
        if !(1..=100_000).contains(&b) {
            return Err(format!("sensor: batch {b} must be from 1 to 100000"));
        }
        s.batch = b;
    }
    if let Some(q) = raw.queue {
        if q > 10_000_000 {
            return Err(format!("sensor: queue {q} must be at most 10000000"));
        }
        s.queue = q;
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(k: &str) -> Option<String> {
        (k == "XDG_STATE_HOME").then(|| "/state".to_string())
    }

    #[test]
    fn defaults_and_checks() {
        let d = resolve(None, &env).unwrap();
        assert!(!d.record && !d.name.is_empty());
        assert_eq!(d.spool, Some(PathBuf::from("/state/intellisiem/spool")));
        let raw = RawSensor {
            name: Some("edge-1".into()),
            record: Some(true),
            batch: Some(100),
            queue: Some(0),
        };
        let s = resolve(Some(raw), &env).unwrap();
        assert_eq!(
            (&*s.name, s.record, s.batch, s.queue),
            ("edge-1", true, 100, 0)
        );
        for bad in ["", "a b", "\u{1b}x"] {
            let raw = RawSensor {
                name: Some(bad.into()),
                ..Default::default()
            };
            assert!(
                resolve(Some(raw), &env)
                    .unwrap_err()
                    .contains("sensor: name")
            );
        }
        let raw = RawSensor {
            batch: Some(0),
            ..Default::default()
        };
        assert!(resolve(Some(raw), &env).unwrap_err().contains("batch"));
    }
}
