// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The registry of source kinds: what each needs, where it lives by default, and how
//! often it may be fetched.

use std::fmt;
use std::time::Duration;

use serde::Deserialize;

/// Which API key a source uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    Otx,
    VirusTotal,
    AbuseCh,
}

impl KeyKind {
    /// The environment variable that sets this key.
    pub fn env_var(self) -> &'static str {
        match self {
            KeyKind::Otx => "INTELLISIEM_OTX_API_KEY",
            KeyKind::VirusTotal => "INTELLISIEM_VT_API_KEY",
            KeyKind::AbuseCh => "INTELLISIEM_ABUSECH_AUTH_KEY",
        }
    }

    /// The `api_keys:` field that sets this key.
    pub fn config_field(self) -> &'static str {
        match self {
            KeyKind::Otx => "alien_vault",
            KeyKind::VirusTotal => "virus_total",
            KeyKind::AbuseCh => "abuse_ch",
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    Otx,
    Virustotal,
    Urlhaus,
    Feodo,
    Threatfox,
    CisaKev,
    PlainList,
    SpamhausDrop,
}

impl SourceKind {
    pub const ALL: [SourceKind; 8] = [
        SourceKind::Otx,
        SourceKind::Virustotal,
        SourceKind::Urlhaus,
        SourceKind::Feodo,
        SourceKind::Threatfox,
        SourceKind::CisaKev,
        SourceKind::PlainList,
        SourceKind::SpamhausDrop,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Otx => "otx",
            SourceKind::Virustotal => "virustotal",
            SourceKind::Urlhaus => "urlhaus",
            SourceKind::Feodo => "feodo",
            SourceKind::Threatfox => "threatfox",
            SourceKind::CisaKev => "cisa_kev",
            SourceKind::PlainList => "plain_list",
            SourceKind::SpamhausDrop => "spamhaus_drop",
        }
    }

    pub fn key_use(self) -> KeyUse {
        match self {
            SourceKind::Otx => KeyUse::Required(KeyKind::Otx),
            SourceKind::Virustotal => KeyUse::Required(KeyKind::VirusTotal),
            SourceKind::Urlhaus | SourceKind::Threatfox => KeyUse::Optional(KeyKind::AbuseCh),
            SourceKind::Feodo
            | SourceKind::CisaKev
            | SourceKind::PlainList
            | SourceKind::SpamhausDrop => KeyUse::None,
        }
    }

    /// The real service URL used when the config gives none (`None`: `url` is required).
    pub fn default_url(self) -> Option<&'static str> {
        Some(match self {
            SourceKind::Otx => "https://otx.alienvault.com/api/v1",
            SourceKind::Virustotal => "https://www.virustotal.com/api/v3",
            SourceKind::Urlhaus => "https://urlhaus.abuse.ch/downloads/csv_recent/",
            SourceKind::Feodo => "https://feodotracker.abuse.ch/downloads/ipblocklist.json",
            SourceKind::Threatfox => "https://threatfox.abuse.ch/export/json/recent/",
            SourceKind::CisaKev => {
                "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json"
            }
            SourceKind::SpamhausDrop => "https://www.spamhaus.org/drop/drop_v4.json",
            SourceKind::PlainList => return None,
        })
    }

    /// The keyed API used in addition to (urlhaus) or instead of (threatfox) the dump.
    pub fn default_api_url(self) -> Option<&'static str> {
        match self {
            SourceKind::Urlhaus => Some("https://urlhaus-api.abuse.ch/v1"),
            SourceKind::Threatfox => Some("https://threatfox-api.abuse.ch/api/v1/"),
            _ => None,
        }
    }

    pub fn default_refresh(self) -> Duration {
        let mins = match self {
            SourceKind::Otx => 15,
            SourceKind::Virustotal => 60,
            SourceKind::Urlhaus | SourceKind::Feodo | SourceKind::Threatfox => 10,
            SourceKind::CisaKev => 6 * 60,
            SourceKind::PlainList => 60,
            SourceKind::SpamhausDrop => 2 * 60,
        };
        Duration::from_secs(mins * 60)
    }

    /// The shortest refresh the provider tolerates; shorter settings are raised to it.
    pub fn min_refresh(self) -> Duration {
        let secs = match self {
            SourceKind::Otx | SourceKind::Virustotal => 60,
            SourceKind::Urlhaus | SourceKind::Feodo | SourceKind::Threatfox => 5 * 60,
            SourceKind::CisaKev => 15 * 60,
            SourceKind::PlainList => 5 * 60,
            SourceKind::SpamhausDrop => 60 * 60,
        };
        Duration::from_secs(secs)
    }
}

impl fmt::Display for SourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
