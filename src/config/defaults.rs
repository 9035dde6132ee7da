// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Every default the config fills in, and the one helper that layers a setting from its
//! sources: command line > environment > file > default. Per-kind defaults (URLs,
//! refresh, lookback, page size) live with each kind's [`super::kind::KindInfo`].

use std::path::PathBuf;
use std::time::Duration;

use super::{HttpConfig, RateLimitConfig};
use crate::model::IndicatorType;

/// The first of `cli`, `env`, `file` that is set, else `default`.
pub fn layer<T>(cli: Option<T>, env: Option<T>, file: Option<T>, default: T) -> T {
    first(cli, env, file).unwrap_or(default)
}

/// The first of `cli`, `env`, `file` that is set, for settings with no default.
pub fn first<T>(cli: Option<T>, env: Option<T>, file: Option<T>) -> Option<T> {
    cli.or(env).or(file)
}

/// How long indicators not seen again stay in the cache.
pub const RETENTION: Duration = Duration::from_secs(30 * 86_400);

/// How long a look-up's answer (VirusTotal, OTX) is reused before asking again.
pub const ENRICH_TTL: Duration = Duration::from_secs(86_400);

/// Warninglist paths used when the config names none: only the built-in list applies.
pub fn warninglists() -> Vec<String> {
    Vec::new()
}

/// `$XDG_STATE_HOME/intellisiem/intellisiem.log` (else `~/.local/state/...`): where
/// warnings and errors are kept when the config names no `log_file`.
pub fn log_file(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    env("XDG_STATE_HOME")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            env("HOME")
                .filter(|h| !h.is_empty())
                .map(|h| PathBuf::from(h).join(".local/state"))
        })
        .map(|d| d.join("intellisiem").join("intellisiem.log"))
}
/// Whether the dashboard captures the mouse when the config does not say.
pub const MOUSE: bool = true;

/// The most `http.retries` may be set to.
pub const MAX_RETRIES: u32 = 10;

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            max_body: 256 << 20,
            proxy: None,
            retries: 3,
            backoff: Duration::from_secs(1),
            max_retry_wait: Duration::from_secs(60),
        }
    }
}

impl Default for RateLimitConfig {
    /// VirusTotal's public API allowance.
    fn default() -> Self {
        RateLimitConfig {
            per_minute: 4,
            per_day: 500,
            per_month: None,
        }
    }
}

/// One source of the built-in config: name, kind, URL (`None`: the kind's default) and
/// fixed value type.
pub struct BuiltinSource {
    pub name: &'static str,
    pub kind: &'static str,
    pub url: Option<&'static str>,
    pub value_type: Option<IndicatorType>,
}

const fn builtin(name: &'static str) -> BuiltinSource {
    BuiltinSource {
        name,
        kind: name,
        url: None,
        value_type: None,
    }
}

/// The built-in source set: every keyless feed at its real URL, plus OTX and VirusTotal
/// (which stay disabled until their keys are set).
pub const BUILTIN_SOURCES: [BuiltinSource; 9] = [
    builtin("urlhaus"),
    builtin("feodo"),
    builtin("threatfox"),
    builtin("cisa_kev"),
    BuiltinSource {
        name: "openphish",
        kind: "plain_list",
        url: Some("https://openphish.com/feed.txt"),
        value_type: Some(IndicatorType::Url),
    },
    BuiltinSource {
        name: "et_compromised",
        kind: "plain_list",
        url: Some("https://rules.emergingthreats.net/blockrules/compromised-ips.txt"),
        value_type: Some(IndicatorType::Ipv4),
    },
    builtin("spamhaus_drop"),
    builtin("otx"),
    builtin("virustotal"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layers_take_the_first_that_is_set() {
        assert_eq!(layer(Some(1), Some(2), Some(3), 4), 1);
        assert_eq!(layer(None, Some(2), Some(3), 4), 2);
        assert_eq!(layer(None, None, Some(3), 4), 3);
        assert_eq!(layer(None::<u8>, None, None, 4), 4);
        assert_eq!(first(None, Some(2), Some(3)), Some(2));
        assert_eq!(first::<u8>(None, None, None), None);
    }
}
