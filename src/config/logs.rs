// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! `logs:`: the log files the dashboard follows and hunts in, each
//! `{ path, format, retro }`. `path` may be a glob (expanded when the dashboard
//! starts); `format` is one of `match --log-format`; `retro` is how much of the log's
//! recent past a retro-hunt re-reads for indicators new to the set, as a duration
//! (`24h`, by event time) or a size (`50MB`, the file's last bytes).

use std::time::Duration;

use serde::Deserialize;
use serde::de::{self, Deserializer};

use super::hint;
use super::units::{ByteSize, HumanDuration};
use crate::matching::LogFormat;

/// The retro-hunt window when `retro` is not given.
pub const DEFAULT_RETRO: Retro = Retro::Time(Duration::from_secs(24 * 3600));

/// How much of a log's recent past a retro-hunt reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retro {
    /// Events whose time is within this long before now.
    Time(Duration),
    /// The file's last bytes (from the first line that starts within them).
    Size(u64),
}

impl Retro {
    /// Reads `24h` (a duration) or `50MB` (a size); a bare number is refused as
    /// ambiguous, and so is zero.
    pub fn parse(s: &str) -> Result<Retro, String> {
        let t = s.trim();
        if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!(
                "retro `{t}` needs a unit: a duration (24h) or a size (50MB)"
            ));
        }
        let r = match HumanDuration::parse(t) {
            Ok(d) => Retro::Time(d.0),
            Err(_) => match ByteSize::parse(t) {
                Ok(b) => Retro::Size(b.0),
                Err(_) => {
                    return Err(format!(
                        "bad retro `{}` (use a duration such as 24h or a size such as 50MB)",
                        crate::model::sanitize::one_line(t, 40)
                    ));
                }
            },
        };
        if matches!(r, Retro::Time(d) if d.is_zero()) || r == Retro::Size(0) {
            return Err(format!("retro `{t}` must be more than 0"));
        }
        Ok(r)
    }
}

impl std::fmt::Display for Retro {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Retro::Time(d) => f.write_str(&super::units::format_duration(*d)),
            Retro::Size(b) => write!(f, "{}", ByteSize(*b)),
        }
    }
}

/// One followed log (or glob of logs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogSpec {
    /// A file path, or a glob of them (`/var/log/zeek/current/*.log`).
    pub path: String,
    pub format: LogFormat,
    pub retro: Retro,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LogFields {
    path: String,
    format: Option<String>,
    retro: Option<StringOrNumber>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum StringOrNumber {
    Num(u64),
    Str(String),
}

impl<'de> Deserialize<'de> for LogSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        validate(LogFields::deserialize(d)?).map_err(de::Error::custom)
    }
}

fn validate(f: LogFields) -> Result<LogSpec, String> {
    let path = f.path.trim().to_string();
    if path.is_empty() {
        return Err(hint::at_key("path", "logs: `path` must not be empty"));
    }
    if let Err(e) = glob::Pattern::new(&path) {
        return Err(hint::at_value(
            &f.path,
            &format!(
                "logs: path `{}` is not a valid glob: {}",
                crate::model::sanitize::one_line(&path, 120),
                e.msg
            ),
        ));
    }
    let format = match f.format.as_deref().map(str::trim) {
        None => LogFormat::Auto,
        Some(s) => <LogFormat as clap::ValueEnum>::from_str(s, true).map_err(|_| {
            hint::at_value(
                s,
                &format!(
                    "logs: unknown format `{}` (auto, eve, zeek, zeek-json, combined, syslog, text)",
                    crate::model::sanitize::one_line(s, 40)
                ),
            )
        })?,
    };
    let retro = match f.retro {
        None => DEFAULT_RETRO,
        Some(StringOrNumber::Num(n)) => {
            return Err(hint::at_value(
                &n.to_string(),
                &format!("logs: retro `{n}` needs a unit: a duration (24h) or a size (50MB)"),
            ));
        }
        Some(StringOrNumber::Str(s)) => {
            Retro::parse(&s).map_err(|e| hint::at_value(&s, &format!("logs: {e}")))?
        }
    };
    Ok(LogSpec {
        path,
        format,
        retro,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retro_is_a_duration_or_a_size() {
        assert_eq!(
            Retro::parse("24h"),
            Ok(Retro::Time(Duration::from_secs(86_400)))
        );
        assert_eq!(
            Retro::parse("90m"),
            Ok(Retro::Time(Duration::from_secs(5400)))
        );
        assert_eq!(Retro::parse("50MB"), Ok(Retro::Size(50_000_000)));
        assert_eq!(Retro::parse("1GiB"), Ok(Retro::Size(1 << 30)));
        assert!(Retro::parse("50").unwrap_err().contains("needs a unit"));
        assert!(Retro::parse("0s").unwrap_err().contains("more than 0"));
        assert!(Retro::parse("0MB").is_err());
        assert!(Retro::parse("soon").unwrap_err().contains("bad retro"));
        assert!(Retro::parse("").is_err());
        assert_eq!(Retro::Size(50 << 20).to_string(), "50MiB");
        assert_eq!(DEFAULT_RETRO.to_string(), "1d");
    }

    fn read(yaml: &str) -> Result<Vec<LogSpec>, String> {
        serde_norway::from_str::<Vec<LogSpec>>(yaml).map_err(|e| e.to_string())
    }

    #[test]
    fn entries_are_checked() {
        let l = read("- { path: /var/log/suricata/eve.json }").unwrap();
        assert_eq!(l[0].format, LogFormat::Auto);
        assert_eq!(l[0].retro, DEFAULT_RETRO);
        let l = read("- { path: '/var/log/zeek/*.log', format: zeek, retro: 50MB }").unwrap();
        assert_eq!(
            (l[0].format, l[0].retro),
            (LogFormat::Zeek, Retro::Size(50_000_000))
        );
        assert!(
            read("- { path: a, format: pcap }")
                .unwrap_err()
                .contains("unknown format `pcap`")
        );
        assert!(
            read("- { path: a, retro: 12 }")
                .unwrap_err()
                .contains("needs a unit")
        );
        assert!(
            read("- { path: '' }")
                .unwrap_err()
                .contains("must not be empty")
        );
        assert!(
            read("- { path: 'a[', format: eve }")
                .unwrap_err()
                .contains("not a valid glob")
        );
        assert!(
            read("- { path: a, tail: yes }")
                .unwrap_err()
                .contains("unknown field")
        );
        assert!(read("- { format: eve }").unwrap_err().contains("path"));
    }
}
