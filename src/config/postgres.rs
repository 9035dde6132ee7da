// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! `cache.url` and `cache.password`: where a team's shared PostgreSQL store is, checked
//! when the config is read, and shown only with its password replaced.

use std::fmt;

use secrecy::SecretString;
use url::Url;

use super::schema;

/// Where a shared PostgreSQL store is. Both fields may hold secrets: `Debug` and
/// [`PostgresConfig::redacted`] never show them.
#[derive(Clone)]
pub struct PostgresConfig {
    /// The connection string as written: `postgresql://user@host/db?sslmode=require` or
    /// `host=/var/run/postgresql dbname=intel`.
    pub url: SecretString,
    /// `cache.password`, already resolved from `env:` if written so.
    pub password: Option<SecretString>,
}

impl PostgresConfig {
    /// The connection string with any password replaced by `***`, for listings.
    pub fn redacted(&self) -> String {
        use secrecy::ExposeSecret;
        redact_connection_string(self.url.expose_secret())
    }
}

impl fmt::Debug for PostgresConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostgresConfig")
            .field("url", &self.redacted())
            .field("password", &self.password.as_ref().map(|_| "set"))
            .finish()
    }
}

/// `s` with the password of a PostgreSQL URL (`user:secret@`, `?password=`) or of the
/// `key=value` form (`password=secret`) replaced by `***`.
pub fn redact_connection_string(s: &str) -> String {
    if let Ok(mut u) = Url::parse(s)
        && matches!(u.scheme(), "postgres" | "postgresql")
    {
        if u.password().is_some() {
            let _ = u.set_password(Some("***"));
        }
        let pairs: Vec<(String, String)> = u
            .query_pairs()
            .map(|(k, v)| {
                let v = if k.eq_ignore_ascii_case("password") {
                    "***".to_string()
                } else {
                    v.into_owned()
                };
                (k.into_owned(), v)
            })
            .collect();
        if !pairs.is_empty() {
            u.query_pairs_mut().clear().extend_pairs(pairs);
        }
        return crate::model::sanitize::one_line(u.as_str(), 300);
    }
    let words: Vec<String> = s
        .split_whitespace()
        .map(|w| match w.split_once('=') {
            Some((k, _)) if k.trim().eq_ignore_ascii_case("password") => format!("{k}=***"),
            _ => w.to_string(),
        })
        .collect();
    crate::model::sanitize::one_line(&words.join(" "), 300)
}

/// `cache.url` and `cache.password` checked: the URL parses as a PostgreSQL connection
/// string, `path` is not set beside it, an `env:` password names a set variable. Errors
/// name the field and never hold a secret.
pub(super) fn postgres_config(
    raw: &schema::RawCache,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<PostgresConfig>, (&'static str, String)> {
    let Some(url) = raw.url.as_deref().map(str::trim) else {
        if raw.password.is_some() {
            return Err((
                "password",
                "cache.password: only used with cache.url (a PostgreSQL store)".into(),
            ));
        }
        return Ok(None);
    };
    if raw.path.is_some() {
        return Err((
            "url",
            "cache.url: a PostgreSQL store and cache.path (a SQLite file) exclude each other; keep one"
                .into(),
        ));
    }
    let looks_like_url = url.starts_with("postgres://") || url.starts_with("postgresql://");
    if url.is_empty() || (!looks_like_url && !url.contains('=')) {
        return Err((
            "url",
            "cache.url: expected postgresql://user@host/db or key=value pairs (host=... dbname=...)"
                .into(),
        ));
    }
    if let Err(e) = url.parse::<tokio_postgres::Config>() {
        // The parser's message names the problem, not the string; scrub it anyway.
        let mut why = e.to_string();
        if let Some(pw) = raw.password.as_deref().filter(|p| !p.is_empty()) {
            why = why.replace(pw, "***");
        }
        return Err((
            "url",
            format!(
                "cache.url: not a PostgreSQL connection string ({})",
                crate::model::sanitize::one_line(&why, 120)
            ),
        ));
    }
    let password = super::secret::resolve(raw.password.as_deref(), env)
        .map_err(|e| ("password", format!("cache.password: {e}")))?;
    Ok(Some(PostgresConfig {
        url: SecretString::from(url.to_string()),
        password,
    }))
}
