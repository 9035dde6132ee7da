// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! A Redis stream read by a consumer group: `match --redis URL --stream KEY --group
//! NAME` and `logs: [{ redis: URL, stream: KEY, group: NAME }]`. Suricata's
//! `eve-log` with `filetype: redis` and `redis.mode: xadd` (also `stream`) writes each
//! event as `XADD <key> [MAXLEN ~ n] * eve <json>`. The URL may hold a password
//! (`redis://:pw@host:6379/0`), so it is shown only through [`RedisStream::redacted`];
//! a `password` may be written instead, literally or as `env:VARNAME`.

use std::fmt;
use std::time::Duration;

/// The field of each entry that holds the event when the config names none (Suricata's).
pub const DEFAULT_FIELD: &str = "eve";

/// How long an entry stays pending with a consumer before a live one claims it.
pub const DEFAULT_CLAIM_IDLE: Duration = Duration::from_secs(60);

/// One stream, the group that reads it and this process's name in the group.
#[derive(Clone, PartialEq, Eq)]
pub struct RedisStream {
    /// `redis://[user[:password]@]host[:port][/db]`, as written (may hold a secret).
    pub url: String,
    /// A password given apart from the URL: a literal or `env:VARNAME`, resolved when
    /// connecting.
    pub password: Option<String>,
    /// The stream's key.
    pub stream: String,
    /// The consumer group.
    pub group: String,
    /// This consumer's name; `None`: `<sensor name>-<pid>`.
    pub consumer: Option<String>,
    /// The entry field holding the event (Suricata: `eve`).
    pub field: String,
    /// Pending entries idle this long are claimed from their consumer (`XAUTOCLAIM`).
    pub claim_idle: Duration,
}

impl RedisStream {
    /// A stream spec with the defaults; `url` is checked.
    pub fn new(url: &str, stream: &str, group: &str) -> Result<RedisStream, String> {
        check_url(url)?;
        for (what, v) in [("stream", stream), ("group", group)] {
            if v.trim().is_empty() {
                return Err(format!("redis: `{what}` must not be empty"));
            }
        }
        Ok(RedisStream {
            url: url.trim().to_string(),
            password: None,
            stream: stream.to_string(),
            group: group.to_string(),
            consumer: None,
            field: DEFAULT_FIELD.to_string(),
            claim_idle: DEFAULT_CLAIM_IDLE,
        })
    }

    /// Checks what the config or command line may set wrong: `claim_idle` of at least
    /// a second (less claims entries their consumer is still working on).
    pub fn check(&self) -> Result<(), String> {
        if self.claim_idle < Duration::from_secs(1) {
            return Err(
                "redis: claim_idle must be at least 1s (less takes entries other consumers are still working on)"
                    .into(),
            );
        }
        Ok(())
    }

    /// The URL without its password: `redis://user@host:6379/0`.
    pub fn redacted(&self) -> String {
        redact_url(&self.url)
    }

    /// The password's forms that must never be shown: as in the URL, percent-decoded,
    /// and the `password` resolved through `env`. Holds secrets: never show it.
    pub fn secrets(&self, env: &dyn Fn(&str) -> Option<String>) -> Vec<String> {
        let mut out = Vec::new();
        if let Ok(u) = url::Url::parse(&self.url)
            && let Some(p) = u.password()
        {
            out.push(p.to_string());
            out.push(percent_decode(p));
        }
        if let Some(raw) = &self.password
            && let Ok(Some(p)) = super::secret::resolve(Some(raw), env)
        {
            use secrecy::ExposeSecret;
            out.push(p.expose_secret().to_string());
        }
        out.retain(|s| !s.is_empty());
        out
    }

    /// Where the stream is, for messages: `redis://host:6379/0 stream suricata`.
    pub fn describe(&self) -> String {
        format!(
            "{} stream {}",
            self.redacted(),
            crate::model::sanitize::one_line(&self.stream, 80)
        )
    }
}

impl fmt::Debug for RedisStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStream")
            .field("url", &self.redacted())
            .field("password", &self.password.as_ref().map(|_| "set"))
            .field("stream", &self.stream)
            .field("group", &self.group)
            .field("consumer", &self.consumer)
            .field("field", &self.field)
            .field("claim_idle", &self.claim_idle)
            .finish()
    }
}

/// Percent-decodes a URL part (`%40` → `@`); bytes that do not decode are kept.
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%'
            && let (Some(h), Some(l)) = (
                b.get(i + 1).and_then(|c| hex(*c)),
                b.get(i + 2).and_then(|c| hex(*c)),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Checks a Redis URL: `redis://` with a host. Errors name the problem, never the
/// password.
pub fn check_url(url: &str) -> Result<(), String> {
    let parsed = url::Url::parse(url.trim()).map_err(|e| {
        format!("redis: the URL does not parse ({e}); write redis://HOST[:PORT][/DB]")
    })?;
    match parsed.scheme() {
        "redis" => {}
        "rediss" => {
            return Err(
                "redis: `rediss://` (TLS) is not supported by this build; use `redis://` on a trusted network or a local tunnel"
                    .into(),
            );
        }
        other => {
            return Err(format!(
                "redis: the URL must start with redis:// (not `{}`)",
                crate::model::sanitize::one_line(other, 20)
            ));
        }
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err("redis: the URL names no host".into());
    }
    let db = parsed.path().trim_start_matches('/');
    if !db.is_empty() && db.parse::<u32>().is_err() {
        return Err(format!(
            "redis: the database in the URL must be a number (not `{}`)",
            crate::model::sanitize::one_line(db, 20)
        ));
    }
    Ok(())
}

/// `url` rebuilt from its scheme, user, host, port and database only, so a password
/// can never be part of it; a URL that does not parse is not shown.
pub fn redact_url(url: &str) -> String {
    let Ok(u) = url::Url::parse(url.trim()) else {
        return "redis://(unparsable URL)".into();
    };
    let user = match u.username() {
        "" => String::new(),
        name => format!("{name}@"),
    };
    let port = u.port().map(|p| format!(":{p}")).unwrap_or_default();
    let pw = if u.password().is_some() {
        " (password ***)"
    } else {
        ""
    };
    crate::model::sanitize::one_line(
        &format!(
            "{}://{user}{}{port}{}{pw}",
            u.scheme(),
            u.host_str().unwrap_or(""),
            u.path()
        ),
        200,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_checked_and_never_shown_with_their_password() {
        let s = RedisStream::new("redis://:hunter2@127.0.0.1:6390/2", "suricata", "g").unwrap();
        assert_eq!(s.redacted(), "redis://127.0.0.1:6390/2 (password ***)");
        assert!(!format!("{s:?}").contains("hunter2"));
        assert!(!s.describe().contains("hunter2"));
        let e = check_url("http://h/").unwrap_err();
        assert!(e.contains("redis://"), "{e}");
        assert!(check_url("rediss://h/").unwrap_err().contains("TLS"));
        assert!(check_url("redis://h/x").unwrap_err().contains("number"));
        let e = check_url("redis://:hunter2@[bad").unwrap_err();
        assert!(!e.contains("hunter2"), "{e}");
        assert!(RedisStream::new("redis://h", "", "g").is_err());
    }
}
