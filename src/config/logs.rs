// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! `logs:`: what the dashboard follows and hunts in, each `{ path, format, retro }` or
//! `{ redis, stream, group, [consumer, field, password, claim_idle], format }`. `path`
//! may be a glob (expanded again while the dashboard runs, so files that appear later
//! are followed too); `format` is one of `match --log-format`; `retro` is how much of a
//! file's recent past a retro-hunt re-reads for indicators new to the set, as a
//! duration (`24h`, by event time) or a size (`50MB`, the file's last bytes). A Redis
//! stream is read as one more consumer of its group (see [`RedisStream`]).

use std::time::Duration;

use serde::Deserialize;
use serde::de::{self, Deserializer};

use super::hint;
use super::redis::RedisStream;
use super::units::{ByteSize, HumanDuration};

/// The log formats `--log-format` and `logs: [{ format }]` name (FORMATS-LOGS.md
/// §1–§6). Plain data: the extractors that read each live in `matching::extract`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Decide per file from its first lines.
    Auto,
    /// Suricata eve.json.
    Eve,
    /// Zeek TSV (ASCII writer, header driven).
    Zeek,
    /// Zeek JSON (`LogAscii::use_json=T`).
    ZeekJson,
    /// nginx / Apache `combined`, `common`, `vhost_combined`.
    Combined,
    /// syslog, RFC 3164 and RFC 5424.
    Syslog,
    /// Any text: the generic extractor.
    Text,
}

impl LogFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            LogFormat::Auto => "auto",
            LogFormat::Eve => "eve",
            LogFormat::Zeek => "zeek",
            LogFormat::ZeekJson => "zeek-json",
            LogFormat::Combined => "combined",
            LogFormat::Syslog => "syslog",
            LogFormat::Text => "text",
        }
    }
}

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

/// Where a followed log is read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogInput {
    /// A file path, or a glob of them (`/var/log/zeek/current/*.log`).
    Path(String),
    /// A Redis stream, read as a consumer group.
    Redis(RedisStream),
}

/// One followed log (or glob of logs, or stream).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogSpec {
    pub input: LogInput,
    pub format: LogFormat,
    /// The retro-hunt window (files only).
    pub retro: Retro,
}

impl LogSpec {
    /// A file or glob with the default format and window.
    pub fn path(path: &str) -> LogSpec {
        LogSpec {
            input: LogInput::Path(path.to_string()),
            format: LogFormat::Auto,
            retro: DEFAULT_RETRO,
        }
    }

    /// What it reads, for messages (a stream's URL without its password).
    pub fn describe(&self) -> String {
        match &self.input {
            LogInput::Path(p) => crate::model::sanitize::one_line(p, 300),
            LogInput::Redis(r) => r.describe(),
        }
    }
}

/// The line (1-based) of the config file's text `text` that gives the log path `path`:
/// the first `path:` line naming it after `logs:`. For messages about a path the file
/// holds (`config check`); `None` when it cannot be told.
pub fn path_line(text: &str, path: &str) -> Option<usize> {
    let lines: Vec<&str> = text.lines().collect();
    let logs = lines.iter().position(|l| hint::has_key(l, "logs"))?;
    (logs..lines.len())
        .find(|&i| hint::value_of(lines[i], "path") == Some(path))
        .map(|i| i + 1)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LogFields {
    path: Option<String>,
    redis: Option<String>,
    stream: Option<String>,
    group: Option<String>,
    consumer: Option<String>,
    field: Option<String>,
    password: Option<String>,
    claim_idle: Option<HumanDuration>,
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

/// The Redis stream of an entry that names `redis:`.
fn redis_input(url: &str, f: &LogFields) -> Result<LogInput, String> {
    let (Some(stream), Some(group)) = (f.stream.as_deref(), f.group.as_deref()) else {
        return Err(hint::at_key(
            "redis",
            "logs: a `redis:` entry needs `stream:` and `group:`",
        ));
    };
    let mut r = RedisStream::new(url, stream, group)
        .map_err(|e| hint::at_key("redis", &format!("logs: {e}")))?;
    if f.consumer.as_deref().is_some_and(|c| c.trim().is_empty()) {
        return Err(hint::at_key(
            "consumer",
            "logs: `consumer` must not be empty",
        ));
    }
    if f.retro.is_some() {
        return Err(hint::at_key(
            "retro",
            "logs: `retro` applies to files; a stream has no past to hunt again",
        ));
    }
    r.consumer = f.consumer.clone();
    if let Some(field) = &f.field {
        if field.trim().is_empty() {
            return Err(hint::at_key("field", "logs: `field` must not be empty"));
        }
        r.field = field.clone();
    }
    r.password = f.password.clone();
    if let Some(d) = f.claim_idle {
        r.claim_idle = d.0;
    }
    r.check()
        .map_err(|e| hint::at_key("claim_idle", &format!("logs: {e}")))?;
    if f.format.as_deref().map(str::trim) == Some("zeek") {
        return Err(hint::at_key(
            "format",
            "logs: a stream's entries cannot be Zeek TSV (read by a file's header); use eve, zeek-json, combined, syslog or text",
        ));
    }
    Ok(LogInput::Redis(r))
}

fn validate(f: LogFields) -> Result<LogSpec, String> {
    let input = match (&f.path, &f.redis) {
        (Some(_), Some(_)) => {
            return Err(hint::at_key(
                "redis",
                "logs: an entry is either a `path` or a `redis` stream, not both",
            ));
        }
        (None, None) => {
            return Err(
                "logs: each entry needs a `path` (or `redis`, `stream` and `group`)".into(),
            );
        }
        (None, Some(url)) => redis_input(url, &f)?,
        (Some(raw), None) => {
            if let Some(k) = [
                ("stream", f.stream.is_some()),
                ("group", f.group.is_some()),
                ("consumer", f.consumer.is_some()),
                ("field", f.field.is_some()),
                ("password", f.password.is_some()),
                ("claim_idle", f.claim_idle.is_some()),
            ]
            .iter()
            .find_map(|(k, set)| set.then_some(*k))
            {
                return Err(hint::at_key(
                    k,
                    &format!("logs: `{k}` applies to a `redis:` entry, not a `path`"),
                ));
            }
            let path = raw.trim().to_string();
            if path.is_empty() {
                return Err(hint::at_key("path", "logs: `path` must not be empty"));
            }
            if let Err(e) = glob::Pattern::new(&path) {
                return Err(hint::at_value(
                    raw,
                    &format!(
                        "logs: path `{}` is not a valid glob: {}",
                        crate::model::sanitize::one_line(&path, 120),
                        e.msg
                    ),
                ));
            }
            LogInput::Path(path)
        }
    };
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
        input,
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

    #[test]
    fn a_path_is_found_on_its_line_under_logs() {
        let text = "cache: { path: /srv/eve.json }\nlogs:\n  - { path: /srv/a.log }\n  - path: \"/srv/eve.json\"\n    format: eve\n";
        assert_eq!(path_line(text, "/srv/eve.json"), Some(4));
        assert_eq!(path_line(text, "/srv/a.log"), Some(3));
        assert_eq!(path_line(text, "/srv/b.log"), None);
        assert_eq!(path_line(text, "/srv"), None, "the whole value");
        let text =
            "logs:\n  - { path: /srv/a/eve.json }\n  - { path: '/srv/a', format: eve }  # old\n";
        assert_eq!(path_line(text, "/srv/a"), Some(3));
        assert_eq!(path_line("sources: []\n", "/srv/a.log"), None);
    }

    #[test]
    fn a_redis_stream_is_an_entry_of_its_own() {
        let l = read(
            "- { redis: 'redis://:pw@127.0.0.1:6390/0', stream: suricata, group: soc, claim_idle: 30s, format: eve }",
        )
        .unwrap();
        let LogInput::Redis(r) = &l[0].input else {
            panic!("{:?}", l[0]);
        };
        assert_eq!(
            (&*r.stream, &*r.group, &*r.field),
            ("suricata", "soc", "eve")
        );
        assert_eq!(r.claim_idle, Duration::from_secs(30));
        assert!(!l[0].describe().contains("pw"), "{}", l[0].describe());
        assert!(
            read("- { redis: 'redis://h', stream: s }")
                .unwrap_err()
                .contains("needs `stream:` and `group:`")
        );
        assert!(
            read("- { redis: 'redis://h', path: a, stream: s, group: g }")
                .unwrap_err()
                .contains("not both")
        );
        assert!(
            read("- { path: a, group: g }")
                .unwrap_err()
                .contains("applies to a `redis:` entry")
        );
        let e = read("- { redis: 'http://:secret@h', stream: s, group: g }").unwrap_err();
        assert!(e.contains("redis://") && !e.contains("secret"), "{e}");
        for (bad, says) in [
            ("retro: 24h", "`retro` applies to files"),
            ("consumer: ''", "`consumer` must not be empty"),
            ("claim_idle: 0s", "at least 1s"),
            ("format: zeek", "cannot be Zeek TSV"),
        ] {
            let e = read(&format!(
                "- {{ redis: 'redis://h', stream: s, group: g, {bad} }}"
            ))
            .unwrap_err();
            assert!(e.contains(says), "{bad}: {e}");
        }
    }
}
