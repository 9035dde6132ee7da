// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! `serve:`: where `intellisiem serve` listens, its certificate, and who may read what.
//!
//! ```yaml
//! serve:
//!   listen: 0.0.0.0:8443
//!   tls: { cert: /etc/intellisiem/cert.pem, key: /etc/intellisiem/key.pem }
//!   users:
//!     - { name: panos, password: "env:EDL_PANOS_PW", collections: [all] }
//!   tokens:
//!     - { name: siem, token: "env:SIEM_TOKEN", collections: ["*"] }
//! ```
//! A collection is `all` (the whole set) or a source's name; `*` grants every one.
//! Secrets may be literals (the file then gets the usual permission warning) or
//! `env:VARNAME`; they are resolved when the server starts (see [`ServeConfig`]),
//! never when another command loads the file, and never printed.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;

use serde::Deserialize;

use super::hint;

/// The address `serve` listens on when neither `--listen` nor `serve.listen` says.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8443";

/// The collection name that grants every collection.
pub const ANY_COLLECTION: &str = "*";

/// The `serve:` section, validated. Secrets are kept as written (`env:NAME` or a
/// literal) and resolved by the server at start.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ServeConfig {
    /// `serve.listen`; `None`: [`DEFAULT_LISTEN`] unless `--listen` says.
    pub listen: Option<SocketAddr>,
    /// PEM certificate chain and private key files; `None`: plain HTTP.
    pub tls: Option<TlsFiles>,
    /// HTTP Basic users.
    pub users: Vec<Grant>,
    /// Bearer tokens (RFC 6750).
    pub tokens: Vec<Grant>,
}

impl fmt::Debug for ServeConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServeConfig")
            .field("listen", &self.listen)
            .field("tls", &self.tls)
            .field(
                "users",
                &self.users.iter().map(|u| &u.name).collect::<Vec<_>>(),
            )
            .field(
                "tokens",
                &self.tokens.iter().map(|t| &t.name).collect::<Vec<_>>(),
            )
            .finish()
    }
}

/// The certificate chain and key, PEM files (re-read on SIGHUP).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// One credential: a user's password or a named token, and the collections it reads.
#[derive(Clone, PartialEq, Eq)]
pub struct Grant {
    /// The user name (Basic) or the token's name (for logs; the token is the secret).
    pub name: String,
    /// The secret as written: `env:NAME` or a literal.
    pub secret: String,
    /// Collection names, or [`ANY_COLLECTION`].
    pub collections: Vec<String>,
}

impl Grant {
    /// Whether it may read every collection (`"*"`), and so `/metrics`, which names every
    /// source.
    pub fn allows_every(&self) -> bool {
        self.collections.iter().any(|c| c == ANY_COLLECTION)
    }

    /// Whether it may read `collection`.
    pub fn allows(&self, collection: &str) -> bool {
        self.collections
            .iter()
            .any(|c| c == ANY_COLLECTION || c == collection)
    }
}

impl fmt::Debug for Grant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Grant")
            .field("name", &self.name)
            .field("collections", &self.collections)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for RawServe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawServe")
            .field("listen", &self.listen)
            .field("users", &self.users.len())
            .field("tokens", &self.tokens.len())
            .finish_non_exhaustive()
    }
}

/// `serve:` as written.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawServe {
    pub listen: Option<String>,
    pub tls: Option<RawTls>,
    #[serde(default)]
    pub users: Vec<RawUser>,
    #[serde(default)]
    pub tokens: Vec<RawToken>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTls {
    pub cert: String,
    pub key: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawUser {
    pub name: String,
    pub password: String,
    pub collections: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawToken {
    pub name: String,
    pub token: String,
    pub collections: Vec<String>,
}

impl RawServe {
    /// Whether a secret is written in the file itself (not `env:`).
    pub fn has_literal_secret(&self) -> bool {
        let literal = |s: &str| !s.trim().is_empty() && !s.trim().starts_with("env:");
        self.users.iter().any(|u| literal(&u.password))
            || self.tokens.iter().any(|t| literal(&t.token))
    }
}

fn check_name(what: &str, name: &str) -> Result<String, String> {
    let n = name.trim();
    if n.is_empty()
        || n.len() > 64
        || !n
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-@".contains(&b))
    {
        return Err(hint::at_value(
            name,
            &format!(
                "serve.{what}: name `{}` must be 1-64 characters of ASCII letters, digits, `.`, `_`, `-`, `@`",
                crate::model::sanitize::one_line(name, 80)
            ),
        ));
    }
    Ok(n.to_string())
}

fn check_grant(
    what: &str,
    name: &str,
    secret: &str,
    field: &str,
    collections: Vec<String>,
) -> Result<Grant, String> {
    let name = check_name(what, name)?;
    if secret.trim().is_empty() {
        return Err(hint::at_key(
            field,
            &format!("serve.{what}: `{name}` has an empty {field}"),
        ));
    }
    if collections.is_empty() {
        return Err(hint::at_key(
            "collections",
            &format!(
                "serve.{what}: `{name}` lists no collections (`[all]`, source names, or `[\"*\"]`)"
            ),
        ));
    }
    for c in &collections {
        if c.trim().is_empty() || c.contains('/') || c.chars().any(char::is_control) {
            return Err(hint::at_key(
                "collections",
                &format!(
                    "serve.{what}: `{name}`: collection `{}` is not a collection name",
                    crate::model::sanitize::one_line(c, 80)
                ),
            ));
        }
    }
    Ok(Grant {
        name,
        secret: secret.trim().to_string(),
        collections: collections
            .into_iter()
            .map(|c| c.trim().to_string())
            .collect(),
    })
}

/// Checks `raw`. Errors: one line naming the field (tagged for [`hint::resolve`]).
pub fn resolve(raw: Option<RawServe>) -> Result<ServeConfig, String> {
    let Some(raw) = raw else {
        return Ok(ServeConfig::default());
    };
    let listen = match raw.listen.as_deref().map(str::trim) {
        None => None,
        Some(l) => Some(l.parse::<SocketAddr>().map_err(|_| {
            hint::at_key(
                "listen",
                &format!(
                    "serve.listen: `{}` is not an address and port (`127.0.0.1:8443`, `[::1]:8443`)",
                    crate::model::sanitize::one_line(l, 80)
                ),
            )
        })?),
    };
    let tls = match raw.tls {
        None => None,
        Some(t) if t.cert.trim().is_empty() || t.key.trim().is_empty() => {
            return Err(hint::at_key(
                "tls",
                "serve.tls: `cert` and `key` must both name PEM files",
            ));
        }
        Some(t) => Some(TlsFiles {
            cert: PathBuf::from(t.cert.trim()),
            key: PathBuf::from(t.key.trim()),
        }),
    };
    let mut users = Vec::new();
    for u in raw.users {
        let g = check_grant("users", &u.name, &u.password, "password", u.collections)?;
        if users.iter().any(|o: &Grant| o.name == g.name) {
            return Err(hint::at_value(
                &u.name,
                &format!("serve.users: `{}` is listed twice", g.name),
            ));
        }
        users.push(g);
    }
    let mut tokens = Vec::new();
    for t in raw.tokens {
        let g = check_grant("tokens", &t.name, &t.token, "token", t.collections)?;
        if tokens.iter().any(|o: &Grant| o.name == g.name) {
            return Err(hint::at_value(
                &t.name,
                &format!("serve.tokens: `{}` is listed twice", g.name),
            ));
        }
        tokens.push(g);
    }
    Ok(ServeConfig {
        listen,
        tls,
        users,
        tokens,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(name: &str, pw: &str, cols: &[&str]) -> RawUser {
        RawUser {
            name: name.into(),
            password: pw.into(),
            collections: cols.iter().map(|c| c.to_string()).collect(),
        }
    }

    #[test]
    fn checks_and_grants() {
        assert_eq!(resolve(None).unwrap(), ServeConfig::default());
        let raw = RawServe {
            listen: Some("0.0.0.0:9443".into()),
            users: vec![user("panos", "env:PW", &["all", "feodo"])],
            ..Default::default()
        };
        let s = resolve(Some(raw)).unwrap();
        assert_eq!(s.listen, Some("0.0.0.0:9443".parse().unwrap()));
        assert!(s.users[0].allows("feodo") && !s.users[0].allows("urlhaus"));
        assert!(!format!("{s:?}").contains("env:PW"));
        for (raw, says) in [
            (
                RawServe {
                    listen: Some("nowhere".into()),
                    ..Default::default()
                },
                "serve.listen",
            ),
            (
                RawServe {
                    users: vec![user("a b", "x", &["all"])],
                    ..Default::default()
                },
                "name `a b`",
            ),
            (
                RawServe {
                    users: vec![user("a", "", &["all"])],
                    ..Default::default()
                },
                "empty password",
            ),
            (
                RawServe {
                    users: vec![user("a", "x", &[])],
                    ..Default::default()
                },
                "no collections",
            ),
            (
                RawServe {
                    users: vec![user("a", "x", &["all"]), user("a", "y", &["all"])],
                    ..Default::default()
                },
                "twice",
            ),
        ] {
            let e = resolve(Some(raw)).unwrap_err();
            assert!(e.contains(says), "{e}");
        }
    }
}
