// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! `cache.url` and `cache.password`: where a team's shared PostgreSQL store is, checked
//! when the config is read, and shown only with its password replaced.

use std::fmt;

use secrecy::SecretString;

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

/// A description of the connection string `s` for messages and listings, rebuilt from
/// what the PostgreSQL client parsed out of it — user, hosts, ports, database, TLS mode
/// — so no password, in any of the forms the client accepts, can be part of it. A
/// string the client cannot parse is not shown at all.
pub fn redact_connection_string(s: &str) -> String {
    let Ok(c) = s.parse::<tokio_postgres::Config>() else {
        return "postgresql://(unparsable connection string)".into();
    };
    let hosts: Vec<String> = c
        .get_hosts()
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let host = match h {
                tokio_postgres::config::Host::Tcp(name) => name.clone(),
                #[cfg(unix)]
                tokio_postgres::config::Host::Unix(dir) => dir.display().to_string(),
            };
            match c.get_ports().get(i).or(c.get_ports().first()) {
                Some(p) if *p != 5432 => format!("{host}:{p}"),
                _ => host,
            }
        })
        .collect();
    let user = c.get_user().map(|u| format!("{u}@")).unwrap_or_default();
    let db = c.get_dbname().unwrap_or_default();
    let tls = match c.get_ssl_mode() {
        tokio_postgres::config::SslMode::Require => "?sslmode=require",
        tokio_postgres::config::SslMode::Disable => "?sslmode=disable",
        _ => "",
    };
    let password = if c.get_password().is_some() {
        " (password ***)"
    } else {
        ""
    };
    crate::model::sanitize::one_line(
        &format!("postgresql://{user}{}/{db}{tls}{password}", hosts.join(",")),
        300,
    )
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_form_of_a_password_survives_redaction() {
        let pw = "s3cret-Pw";
        for written in [
            format!("postgresql://ana:{pw}@db.example/intel"),
            format!("postgresql://ana:{pw}@h1.example:5433,h2.example:5432/intel"),
            format!("postgresql://ana:{pw}@/intel?host=/run/postgresql"),
            format!("postgres://ana@db.example/intel?password={pw}&sslmode=require"),
            format!("host=db.example user=ana password={pw} dbname=intel"),
            format!("host=db.example user=ana password = {pw} dbname=intel"),
            format!("host=db.example user=ana password='{pw} with space' dbname=intel"),
        ] {
            let shown = redact_connection_string(&written);
            assert!(!shown.contains(pw), "{written} -> {shown}");
            assert!(!shown.contains("with space"), "{shown}");
            assert!(shown.contains("ana@"), "{shown}");
        }
        assert_eq!(
            redact_connection_string(
                "postgresql://ana:x@h1.example:5433,h2.example/intel?sslmode=require"
            ),
            "postgresql://ana@h1.example:5433,h2.example/intel?sslmode=require (password ***)"
        );
        assert_eq!(
            redact_connection_string("postgresql://a:zz9q@["),
            "postgresql://(unparsable connection string)"
        );
    }
}
