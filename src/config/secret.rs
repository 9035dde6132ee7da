// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Secrets written in the config: a literal, or `env:VARNAME` to read the value from
//! the environment when the config is loaded. A secret's value is never part of a
//! message; only the variable's name is.

use std::fmt;
use std::path::Path;

use secrecy::SecretString;

/// The prefix that makes a secret a reference to an environment variable.
pub const ENV_PREFIX: &str = "env:";

/// Why a secret could not be resolved. Names the variable, never a value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    /// `env:NAME` where `NAME` is not set (or empty).
    #[error("environment variable `{0}` is not set, or empty")]
    Unset(String),
    /// `env:` with no usable variable name.
    #[error("`env:` needs a variable name of letters, digits and `_`")]
    BadName,
    /// A required secret written empty.
    #[error("the secret is empty")]
    Empty,
}

/// Resolves a secret as written: trimmed; empty means unset (`Ok(None)`); `env:NAME`
/// reads `NAME` through `env`.
pub fn resolve(
    raw: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<SecretString>, SecretError> {
    let Some(v) = raw.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let Some(name) = v.strip_prefix(ENV_PREFIX) else {
        return Ok(Some(SecretString::from(v.to_string())));
    };
    let name = name.trim();
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return Err(SecretError::BadName);
    }
    env(name)
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .map(|v| Some(SecretString::from(v)))
        .ok_or_else(|| SecretError::Unset(name.to_string()))
}

/// Credentials a source sends to its server (TAXII `auth:`).
#[derive(Clone)]
pub enum SourceAuth {
    /// HTTP Basic (RFC 7617).
    Basic {
        user: String,
        password: SecretString,
    },
    /// `Authorization: Bearer <token>` (RFC 6750).
    Bearer(SecretString),
}

impl SourceAuth {
    /// The `Authorization` header value. Contains the secret: only for a request's
    /// secret headers.
    pub fn header_value(&self) -> SecretString {
        use base64::Engine;
        use secrecy::ExposeSecret;
        match self {
            SourceAuth::Basic { user, password } => {
                let pair = format!("{user}:{}", password.expose_secret());
                let enc = base64::engine::general_purpose::STANDARD.encode(pair.as_bytes());
                SecretString::from(format!("Basic {enc}"))
            }
            SourceAuth::Bearer(t) => SecretString::from(format!("Bearer {}", t.expose_secret())),
        }
    }

    /// The secret values, so that text echoed by a server can be scrubbed of them.
    pub fn secrets(&self) -> Vec<&SecretString> {
        match self {
            SourceAuth::Basic { password, .. } => vec![password],
            SourceAuth::Bearer(t) => vec![t],
        }
    }
}

impl fmt::Debug for SourceAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SourceAuth::Basic { user, .. } => write!(f, "Basic({user:?}, password: set)"),
            SourceAuth::Bearer(_) => f.write_str("Bearer(set)"),
        }
    }
}

/// Whether the file holds any secret written as a literal (not `env:`): API keys, the
/// store's password or one inside its URL, and sources' credentials.
pub(super) fn written_in(raw: &super::schema::RawConfig) -> bool {
    let literal = |k: &Option<String>| {
        k.as_deref()
            .is_some_and(|v| !v.trim().is_empty() && !v.trim().starts_with(ENV_PREFIX))
    };
    let url_has_password = raw
        .cache
        .url
        .as_deref()
        .and_then(|u| u.parse::<tokio_postgres::Config>().ok())
        .is_some_and(|c| c.get_password().is_some());
    let stream_secrets = raw.logs.iter().flatten().any(|l| match &l.input {
        super::LogInput::Redis(r) => {
            literal(&r.password) || url::Url::parse(&r.url).is_ok_and(|u| u.password().is_some())
        }
        super::LogInput::Path(_) => false,
    });
    let serve_secrets = raw.serve.as_ref().is_some_and(|s| s.has_literal_secret());
    let source_secrets = raw.sources.iter().flat_map(|s| &s.0).any(|s| {
        s.auth
            .as_ref()
            .is_some_and(|a| literal(&a.password) || literal(&a.bearer))
    });
    [
        &raw.api_keys.alien_vault,
        &raw.api_keys.alient_vault,
        &raw.api_keys.virus_total,
        &raw.api_keys.abuse_ch,
        &raw.api_keys.misp,
        &raw.cache.password,
    ]
    .into_iter()
    .any(literal)
        || url_has_password
        || source_secrets
        || stream_secrets
        || serve_secrets
}

/// A warning when a config file holding keys can be read by other users.
#[cfg(unix)]
pub(super) fn permission_warning(path: &Path) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).ok()?.permissions().mode();
    (mode & 0o077 != 0).then(|| {
        format!(
            "config {} holds API keys and is readable by other users (mode {:o}); run: chmod 600 {}",
            path.display(),
            mode & 0o777,
            path.display()
        )
    })
}

#[cfg(not(unix))]
pub(super) fn permission_warning(_path: &Path) -> Option<String> {
    None
}

impl super::Config {
    /// Every secret value the config holds (API keys, source credentials, the shared
    /// store's password and URL credentials), for redaction from text that leaves the
    /// program (the log file). Holds secrets: never show it.
    pub fn secret_values(&self) -> Vec<String> {
        use secrecy::ExposeSecret;
        let mut out: Vec<String> = Vec::new();
        let mut add = |s: &SecretString| out.push(s.expose_secret().to_string());
        for k in [
            &self.keys.otx,
            &self.keys.virustotal,
            &self.keys.abuse_ch,
            &self.keys.misp,
        ]
        .into_iter()
        .flatten()
        {
            add(k);
        }
        for spec in &self.sources {
            match &spec.auth {
                Some(SourceAuth::Basic { password, .. }) => add(password),
                Some(SourceAuth::Bearer(t)) => add(t),
                None => {}
            }
        }
        if let Some(pg) = &self.cache.postgres {
            if let Some(p) = &pg.password {
                add(p);
            }
            let written = pg.url.expose_secret();
            if let Ok(parsed) = written.parse::<tokio_postgres::Config>()
                && let Some(p) = parsed.get_password()
            {
                out.push(String::from_utf8_lossy(p).into_owned());
            }
            if let Ok(url) = url::Url::parse(written)
                && let Some(p) = url.password()
            {
                out.push(p.to_string());
            }
        }
        for log in &self.logs {
            if let super::LogInput::Redis(r) = &log.input {
                out.extend(r.secrets(&super::process_env));
            }
        }
        // Short values would redact ordinary words; `scrub` ignores them too.
        out.retain(|s| s.len() >= 4);
        out.sort_by_key(|s| std::cmp::Reverse(s.len()));
        out.dedup();
        out
    }
}

/// A secret as written (a literal or `env:NAME`); an unresolvable one becomes a
/// warning naming `field`, and the secret stays unset.
pub(super) fn or_warn(
    v: Option<String>,
    field: &str,
    env: &dyn Fn(&str) -> Option<String>,
    warnings: &mut Vec<String>,
) -> Option<SecretString> {
    resolve(v.as_deref(), env).unwrap_or_else(|e| {
        warnings.push(format!("{field}: {e}; the key is not used"));
        None
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    fn env(name: &str) -> Option<String> {
        (name == "TAXII_PW").then(|| " s3cret ".to_string())
    }

    #[test]
    fn literals_env_references_and_their_errors() {
        let get =
            |v: &str| resolve(Some(v), &env).map(|s| s.map(|s| s.expose_secret().to_string()));
        assert_eq!(get("plain").unwrap().as_deref(), Some("plain"));
        assert_eq!(get("env:TAXII_PW").unwrap().as_deref(), Some("s3cret"));
        assert_eq!(get("  ").unwrap(), None);
        let e = get("env:NOPE").unwrap_err().to_string();
        assert_eq!(e, "environment variable `NOPE` is not set, or empty");
        assert_eq!(get("env: bad name").unwrap_err(), SecretError::BadName);
    }

    #[test]
    fn debug_never_shows_a_secret() {
        let a = SourceAuth::Basic {
            user: "u".into(),
            password: SecretString::from("hunter2".to_string()),
        };
        assert!(!format!("{a:?}").contains("hunter2"));
        assert_eq!(a.header_value().expose_secret(), "Basic dTpodW50ZXIy");
        let b = SourceAuth::Bearer(SecretString::from("tok".to_string()));
        assert!(!format!("{b:?}").contains("tok"));
    }
}
