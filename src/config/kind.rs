// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! What the config knows of a kind of source, as plain data: its name, key use, default
//! URLs and intervals, and which optional fields it accepts.
//!
//! Each source file under `sources/` declares one [`KindInfo`]; the source registry
//! hands the list to the config loader ([`crate::config::load`]), which validates every
//! `sources:` entry against it. The config never names a kind itself.

use std::fmt;
use std::time::Duration;

/// Which API key a source uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    Otx,
    VirusTotal,
    AbuseCh,
    /// A MISP instance's automation key (`Authorization` header).
    Misp,
}

impl KeyKind {
    /// The environment variable that sets this key.
    pub fn env_var(self) -> &'static str {
        match self {
            KeyKind::Otx => "INTELLISIEM_OTX_API_KEY",
            KeyKind::VirusTotal => "INTELLISIEM_VT_API_KEY",
            KeyKind::AbuseCh => "INTELLISIEM_ABUSECH_AUTH_KEY",
            KeyKind::Misp => "INTELLISIEM_MISP_API_KEY",
        }
    }

    /// The `api_keys:` field that sets this key.
    pub fn config_field(self) -> &'static str {
        match self {
            KeyKind::Otx => "alien_vault",
            KeyKind::VirusTotal => "virus_total",
            KeyKind::AbuseCh => "abuse_ch",
            KeyKind::Misp => "misp",
        }
    }
}

/// Whether a kind of source needs a key, can use one, or never uses one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyUse {
    None,
    Optional(KeyKind),
    Required(KeyKind),
}

/// An optional `sources:` field that only some kinds accept. `name`, `kind`, `url`,
/// `refresh` and `enabled` apply to every kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// `api_url`: a keyed API used beside or instead of the dump.
    ApiUrl,
    /// `type`: the indicator type of every line of a list.
    Type,
    /// `watch`: values looked up on each refresh.
    Watch,
    /// `rate_limit`: per-minute and per-day request allowance.
    RateLimit,
    /// `lookback`: how far back the first fetch reaches.
    Lookback,
    /// `page_size`: records per page of a paged API.
    PageSize,
    /// `collection`: the TAXII collection id.
    Collection,
    /// `auth`: `{ user, password }` or `{ bearer }` credentials sent to the server.
    Auth,
    /// `to_ids_only`: take only MISP attributes flagged `to_ids` (default true).
    ToIdsOnly,
}

impl Field {
    /// The field as written in the YAML file.
    pub fn key(self) -> &'static str {
        match self {
            Field::ApiUrl => "api_url",
            Field::Type => "type",
            Field::Watch => "watch",
            Field::RateLimit => "rate_limit",
            Field::Lookback => "lookback",
            Field::PageSize => "page_size",
            Field::Collection => "collection",
            Field::Auth => "auth",
            Field::ToIdsOnly => "to_ids_only",
        }
    }
}

/// A kind of source as the config sees it. Plain data; one `static` per source file.
#[derive(Debug)]
pub struct KindInfo {
    /// The `kind:` value in the config (`snake_case`).
    pub name: &'static str,
    pub key_use: KeyUse,
    /// The real service URL used when the config gives none; `None`: `url` is required.
    pub default_url: Option<&'static str>,
    /// The keyed API used in addition to or instead of the dump, when the kind has one.
    pub default_api_url: Option<&'static str>,
    pub default_refresh: Duration,
    /// The shortest refresh the provider tolerates; shorter settings are raised to it.
    pub min_refresh: Duration,
    /// How far back the first fetch of an incremental source reaches.
    pub default_lookback: Duration,
    /// Records per page for a paged API.
    pub default_page_size: u32,
    /// The optional fields this kind accepts.
    pub fields: &'static [Field],
    /// How far an indicator this kind publishes is trusted, 0–100, when the source's
    /// `weight:` does not say: a part of every indicator's score
    /// ([`crate::trust::score`]; README, "Score"). Curated lists with few false
    /// positives weigh most, open community submissions least.
    pub default_weight: u8,
}

impl KindInfo {
    /// Whether a `sources:` entry of this kind may set `field`.
    pub fn accepts(&self, field: Field) -> bool {
        self.fields.contains(&field)
    }
}

/// A kind of source: a handle on its [`KindInfo`], compared by name.
#[derive(Clone, Copy)]
pub struct SourceKind(pub &'static KindInfo);

impl SourceKind {
    pub fn info(self) -> &'static KindInfo {
        self.0
    }

    pub fn as_str(self) -> &'static str {
        self.0.name
    }

    pub fn key_use(self) -> KeyUse {
        self.0.key_use
    }

    pub fn default_url(self) -> Option<&'static str> {
        self.0.default_url
    }

    pub fn default_api_url(self) -> Option<&'static str> {
        self.0.default_api_url
    }

    pub fn default_refresh(self) -> Duration {
        self.0.default_refresh
    }

    pub fn min_refresh(self) -> Duration {
        self.0.min_refresh
    }
}

impl PartialEq for SourceKind {
    fn eq(&self, other: &Self) -> bool {
        self.0.name == other.0.name
    }
}

impl Eq for SourceKind {}

impl std::hash::Hash for SourceKind {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.name.hash(state);
    }
}

impl fmt::Debug for SourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.name)
    }
}

impl fmt::Display for SourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.name)
    }
}

/// Minutes, for the `static` kind tables.
pub const fn minutes(m: u64) -> Duration {
    Duration::from_secs(m * 60)
}
