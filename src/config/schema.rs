// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The YAML config file as written: every section rejects unknown fields, and each
//! value is checked while it is read, so an error carries the file's line and the field.

use std::collections::HashSet;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use url::Url;

use super::hint;
use super::kind::{Field, SourceKind};
use super::units::{ByteSize, HumanDuration};
use crate::model::IndicatorType;

thread_local! {
    /// The kinds `sources:` entries are checked against while one file is read
    /// ([`with_kinds`]); the reader's derived code cannot carry it as an argument.
    static KINDS: std::cell::RefCell<Vec<SourceKind>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Runs `read` with `kinds` as the known source kinds.
pub(super) fn with_kinds<R>(kinds: &[SourceKind], read: impl FnOnce() -> R) -> R {
    let previous = KINDS.with(|k| std::mem::replace(&mut *k.borrow_mut(), kinds.to_vec()));
    let out = read();
    KINDS.with(|k| *k.borrow_mut() = previous);
    out
}

fn find_kind(name: &str) -> Result<SourceKind, String> {
    KINDS.with(|k| {
        let kinds = k.borrow();
        kinds
            .iter()
            .find(|k| k.as_str() == name)
            .copied()
            .ok_or_else(|| {
                let known: Vec<String> = kinds.iter().map(|k| format!("`{k}`")).collect();
                hint::at_key(
                    "kind",
                    &format!(
                        "unknown variant `{}`, expected one of {}",
                        crate::model::sanitize::one_line(name, 40),
                        known.join(", ")
                    ),
                )
            })
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    #[serde(default)]
    pub api_keys: RawKeys,
    #[serde(default)]
    pub cache: RawCache,
    #[serde(default)]
    pub http: RawHttp,
    #[serde(default)]
    pub sources: Option<RawSources>,
    /// MISP-format warninglist files or folders (`warninglists: [paths]`).
    #[serde(default)]
    pub warninglists: Option<Vec<String>>,
    /// Allowlist files or folders, plain lists or MISP warninglists (`allowlists: [paths]`).
    #[serde(default)]
    pub allowlists: Option<Vec<String>>,
    /// Where warnings and errors are appended (`log_file: PATH`, `default` or `none`).
    #[serde(default)]
    pub log_file: Option<String>,
    /// Key bindings remapped (`keys: { action: [keys] }`).
    #[serde(default)]
    pub keys: Option<super::keys::RawKeyMap>,
    /// Whether the dashboard captures the mouse (`mouse: false` leaves it to the
    /// terminal's own text selection).
    #[serde(default)]
    pub mouse: Option<bool>,
    /// Logs the dashboard follows (`logs: [{ path, format, retro }]`).
    #[serde(default)]
    pub logs: Option<Vec<super::logs::LogSpec>>,
    /// How long look-up answers are reused (`enrich_ttl: 24h`).
    #[serde(default)]
    pub enrich_ttl: Option<HumanDuration>,
    /// This sensor's name and recording (`sensor: { name, record, batch, queue }`).
    #[serde(default)]
    pub sensor: Option<super::sensor::RawSensor>,
    /// How scores decay, and when an indicator is decayed (`scoring: { half_life,
    /// decay_speed, expire_below }`).
    #[serde(default)]
    pub scoring: Option<super::scoring::RawScoring>,
    /// What `intellisiem serve` listens on and who may read what (`serve: { listen,
    /// tls, users, tokens }`).
    #[serde(default)]
    pub serve: Option<super::serve::RawServe>,
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawKeys {
    pub alien_vault: Option<String>,
    /// The misspelling in early templates; accepted with a warning.
    pub alient_vault: Option<String>,
    pub virus_total: Option<String>,
    pub abuse_ch: Option<String>,
    pub misp: Option<String>,
}

impl fmt::Debug for RawKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RawKeys { .. }")
    }
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCache {
    pub path: Option<String>,
    pub retention: Option<HumanDuration>,
    /// A PostgreSQL connection string (URL or `key=value` form); may hold a password.
    pub url: Option<String>,
    /// The PostgreSQL password, or `env:VARNAME`.
    pub password: Option<String>,
}

impl fmt::Debug for RawCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawCache")
            .field("path", &self.path)
            .field("retention", &self.retention)
            .field("url", &self.url.as_ref().map(|_| "set"))
            .field("password", &self.password.as_ref().map(|_| "set"))
            .finish()
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHttp {
    pub timeout: Option<HumanDuration>,
    pub connect_timeout: Option<HumanDuration>,
    pub max_body: Option<ByteSize>,
    pub proxy: Option<HttpUrl>,
    pub retries: Option<u32>,
    pub backoff: Option<HumanDuration>,
    pub max_retry_wait: Option<HumanDuration>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimitConfig {
    pub per_minute: u32,
    pub per_day: u32,
    /// A premium key's monthly allowance; none for a public key.
    #[serde(default)]
    pub per_month: Option<u32>,
}

/// One `sources:` entry after its fields were checked against its kind.
#[derive(Debug, Clone)]
pub struct RawSource {
    pub name: String,
    pub kind: SourceKind,
    pub url: Option<Url>,
    pub api_url: Option<Url>,
    pub refresh: Option<HumanDuration>,
    pub enabled: bool,
    pub value_type: Option<IndicatorType>,
    pub watch: Vec<String>,
    pub rate_limit: Option<RateLimitConfig>,
    pub lookback: Option<HumanDuration>,
    pub page_size: Option<u32>,
    pub collection: Option<String>,
    pub auth: Option<RawAuth>,
    pub to_ids_only: Option<bool>,
    /// How far this source is trusted, 0–100 (`weight:`; default: its kind's).
    pub weight: Option<u8>,
    /// `push: true`: sightings go back to the source (kinds that accept [`Field::Push`]).
    pub push: bool,
}

/// `auth:` as written: `{ user, password }` or `{ bearer }`; each secret may be
/// `env:VARNAME`. Resolved when the config is built.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAuth {
    pub user: Option<String>,
    pub password: Option<String>,
    pub bearer: Option<String>,
}

impl fmt::Debug for RawAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RawAuth { .. }")
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SourceFields {
    name: String,
    kind: String,
    url: Option<HttpUrl>,
    api_url: Option<HttpUrl>,
    refresh: Option<HumanDuration>,
    #[serde(default = "yes")]
    enabled: bool,
    #[serde(rename = "type")]
    value_type: Option<TypeName>,
    watch: Option<Vec<String>>,
    rate_limit: Option<RateLimitConfig>,
    lookback: Option<HumanDuration>,
    page_size: Option<u32>,
    collection: Option<String>,
    auth: Option<RawAuth>,
    to_ids_only: Option<bool>,
    weight: Option<u32>,
    push: Option<bool>,
}

fn yes() -> bool {
    true
}

impl<'de> Deserialize<'de> for RawSource {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let f = SourceFields::deserialize(d)?;
        validate_source(f).map_err(de::Error::custom)
    }
}

fn validate_source(f: SourceFields) -> Result<RawSource, String> {
    let name = f.name.trim().to_string();
    if name.is_empty()
        || name.len() > 32
        || !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.')
    {
        return Err(hint::at_key(
            "name",
            &format!(
                "source name `{}` must be 1-32 characters of letters, digits, `_`, `-`, `.`",
                crate::model::sanitize::one_line(&f.name, 40)
            ),
        ));
    }
    if matches!(name.as_str(), "all" | "hits") {
        return Err(hint::at_key(
            "name",
            &format!(
                "source name `{name}` is reserved: `serve` has collections named `all` and `hits`"
            ),
        ));
    }
    let kind = find_kind(f.kind.trim())?;
    let not_for = |field: &str| {
        hint::at_key(
            field,
            &format!("source `{name}`: field `{field}` does not apply to kind `{kind}`"),
        )
    };
    // A kind that pushes takes `rate_limit` for its pushes, and only with `push: true`.
    let pushes = f.push == Some(true) && kind.info().accepts(Field::Push);
    if f.rate_limit.is_some() && kind.info().accepts(Field::Push) && !pushes {
        return Err(hint::at_key(
            "rate_limit",
            &format!(
                "source `{name}`: on kind `{kind}`, `rate_limit` paces pushes and applies only with `push: true`"
            ),
        ));
    }
    let optional = [
        (f.value_type.is_some(), Field::Type),
        (f.watch.is_some(), Field::Watch),
        (f.rate_limit.is_some() && !pushes, Field::RateLimit),
        (f.api_url.is_some(), Field::ApiUrl),
        (f.lookback.is_some(), Field::Lookback),
        (f.page_size.is_some(), Field::PageSize),
        (f.collection.is_some(), Field::Collection),
        (f.auth.is_some(), Field::Auth),
        (f.to_ids_only.is_some(), Field::ToIdsOnly),
        (f.push.is_some(), Field::Push),
    ];
    for (set, field) in optional {
        if set && !kind.info().accepts(field) {
            return Err(not_for(field.key()));
        }
    }
    if kind.default_url().is_none() && f.url.is_none() {
        return Err(hint::at_key(
            "kind",
            &format!("source `{name}`: kind `{kind}` needs a `url`"),
        ));
    }
    if let Some(r) = f.refresh
        && r.0.is_zero()
    {
        return Err(hint::at_key(
            "refresh",
            &format!("source `{name}`: `refresh` must be more than 0s"),
        ));
    }
    if let Some(rl) = f.rate_limit
        && (rl.per_minute == 0 || rl.per_day == 0 || rl.per_month == Some(0))
    {
        return Err(hint::at_key(
            "rate_limit",
            &format!("source `{name}`: `rate_limit` values must be at least 1"),
        ));
    }
    if let Some(p) = f.page_size
        && !(1..=500).contains(&p)
    {
        return Err(hint::at_key(
            "page_size",
            &format!("source `{name}`: `page_size` must be 1 to 500"),
        ));
    }
    if kind.info().accepts(Field::Collection) {
        match f.collection.as_deref().map(str::trim) {
            None | Some("") => {
                return Err(hint::at_key(
                    "kind",
                    &format!("source `{name}`: kind `{kind}` needs a `collection` (its id)"),
                ));
            }
            Some(c) if c.len() > 200 || !c.bytes().all(|b| b.is_ascii_graphic()) => {
                return Err(hint::at_key(
                    "collection",
                    &format!("source `{name}`: `collection` must be an id without spaces"),
                ));
            }
            Some(_) => {}
        }
    }
    if let Some(a) = &f.auth {
        let ok = match (&a.user, &a.password, &a.bearer) {
            (Some(u), Some(_), None) => !u.trim().is_empty() && !u.contains(':'),
            (None, None, Some(_)) => true,
            _ => false,
        };
        if !ok {
            return Err(hint::at_key(
                "auth",
                &format!(
                    "source `{name}`: `auth` takes either `user` and `password` (a user without `:`) or `bearer`"
                ),
            ));
        }
    }
    let weight = match f.weight {
        None => None,
        Some(w) => Some(u8::try_from(w).ok().filter(|&w| w <= 100).ok_or_else(|| {
            hint::at_key(
                "weight",
                &format!("source `{name}`: `weight` {w} must be from 0 to 100"),
            )
        })?),
    };
    let watch = f.watch.unwrap_or_default();
    for w in &watch {
        if crate::model::indicator::detect(w).is_none() {
            return Err(hint::at_value(
                w,
                &format!(
                    "source `{name}`: watch entry `{}` is not an IP, domain, URL or file hash",
                    crate::model::sanitize::one_line(w, 80)
                ),
            ));
        }
    }
    Ok(RawSource {
        name,
        kind,
        url: f.url.map(|u| u.0),
        api_url: f.api_url.map(|u| u.0),
        refresh: f.refresh,
        enabled: f.enabled,
        value_type: f.value_type.map(|t| t.0),
        watch,
        rate_limit: f.rate_limit,
        lookback: f.lookback,
        page_size: f.page_size,
        collection: f.collection.map(|c| c.trim().to_string()),
        auth: f.auth,
        to_ids_only: f.to_ids_only,
        weight,
        push: pushes,
    })
}

/// The `sources:` list; a repeated name is an error at the repeating entry.
#[derive(Debug, Default)]
pub struct RawSources(pub Vec<RawSource>);

impl<'de> Deserialize<'de> for RawSources {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawSources;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of sources")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawSources, A::Error> {
                let mut seen = HashSet::new();
                let mut out = Vec::new();
                while let Some(src) = seq.next_element::<RawSource>()? {
                    if !seen.insert(src.name.clone()) {
                        return Err(de::Error::custom(hint::at_last_name(
                            &src.name,
                            &format!("duplicate source name `{}`", src.name),
                        )));
                    }
                    out.push(src);
                }
                Ok(RawSources(out))
            }
        }
        d.deserialize_seq(V)
    }
}

/// An absolute `http://` or `https://` URL.
#[derive(Debug, Clone)]
pub struct HttpUrl(pub Url);

impl<'de> Deserialize<'de> for HttpUrl {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        parse_http_url(&s)
            .map(HttpUrl)
            .map_err(|e| de::Error::custom(hint::at_value(&s, &e)))
    }
}

pub fn parse_http_url(s: &str) -> Result<Url, String> {
    // Credentials written into the URL (`socks5://user:pw@proxy`) are not repeated.
    let shown = match Url::parse(s.trim()) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            crate::model::sanitize::one_line(u.as_str(), 120)
        }
        _ => match s.split_once('@') {
            Some((creds, rest)) if creds.contains(':') => {
                let scheme = creds.split_once("://").map_or("", |(sch, _)| sch);
                crate::model::sanitize::one_line(&format!("{scheme}://***@{rest}"), 120)
            }
            _ => crate::model::sanitize::one_line(s, 120),
        },
    };
    let url = Url::parse(s.trim()).map_err(|e| format!("bad URL `{shown}`: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("URL `{shown}` must start with http:// or https://"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("URL `{shown}` has no host"));
    }
    Ok(url)
}

struct TypeName(IndicatorType);

impl<'de> Deserialize<'de> for TypeName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse()
            .map(TypeName)
            .map_err(|e: String| de::Error::custom(hint::at_value(&s, &e)))
    }
}
