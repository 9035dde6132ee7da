// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Config: YAML file (or built-in defaults) + environment overrides -> one validated
//! [`Config`]. Precedence: command line > environment > file > defaults.

pub mod defaults;
mod hint;
pub mod keys;
pub mod kind;
pub mod logs;
mod postgres;
pub mod push;
pub mod redis;
pub mod schema;
pub mod scoring;
pub mod secret;
pub mod sensor;
pub mod serve;
mod source;
pub mod units;

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use secrecy::SecretString;
use url::Url;

pub use schema::RateLimitConfig;
use schema::{RawConfig, RawKeys, RawSource};
use units::ByteSize;

use crate::model::IndicatorType;
pub use kind::{Field, KeyKind, KeyUse, KindInfo, SourceKind};
pub use logs::{LogFormat, LogInput, LogSpec, Retro};
pub use postgres::{PostgresConfig, redact_connection_string};
pub use push::PushSpec;
pub use redis::RedisStream;
pub use scoring::ScoringConfig;
pub use secret::SourceAuth;
pub use sensor::SensorConfig;
pub use serve::ServeConfig;

/// The seed-compatible template written by `config init`.
pub const TEMPLATE: &str = include_str!("../../config/config_template.yaml");

/// Environment variable naming the config file.
pub const CONFIG_ENV: &str = "INTELLISIEM_CONFIG";

/// A config that could not be used. Its message is one line naming the file, the line
/// and the field where known.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config {path}: {reason}")]
    Read { path: PathBuf, reason: String },
    #[error("config {path}{}: {message}", line.map(|l| format!(", line {l}")).unwrap_or_default())]
    Invalid {
        path: PathBuf,
        line: Option<usize>,
        message: String,
    },
}

/// Where the config came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigOrigin {
    File(PathBuf),
    Builtin,
    Demo,
}

impl fmt::Display for ConfigOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigOrigin::File(p) => write!(f, "{}", p.display()),
            ConfigOrigin::Builtin => f.write_str("built-in defaults"),
            ConfigOrigin::Demo => f.write_str("bundled demo data"),
        }
    }
}

/// The API keys. Never printed: `Debug` shows only which are set.
#[derive(Default, Clone)]
pub struct ApiKeys {
    pub otx: Option<SecretString>,
    pub virustotal: Option<SecretString>,
    pub abuse_ch: Option<SecretString>,
    pub misp: Option<SecretString>,
}

impl ApiKeys {
    pub fn get(&self, kind: KeyKind) -> Option<&SecretString> {
        match kind {
            KeyKind::Otx => self.otx.as_ref(),
            KeyKind::VirusTotal => self.virustotal.as_ref(),
            KeyKind::AbuseCh => self.abuse_ch.as_ref(),
            KeyKind::Misp => self.misp.as_ref(),
        }
    }

    pub fn any(&self) -> bool {
        self.otx.is_some()
            || self.virustotal.is_some()
            || self.abuse_ch.is_some()
            || self.misp.is_some()
    }
}

impl fmt::Debug for ApiKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = |k: &Option<SecretString>| if k.is_some() { "set" } else { "missing" };
        f.debug_struct("ApiKeys")
            .field("otx", &s(&self.otx))
            .field("virustotal", &s(&self.virustotal))
            .field("abuse_ch", &s(&self.abuse_ch))
            .field("misp", &s(&self.misp))
            .finish()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CachePath {
    Default,
    Off,
    File(PathBuf),
}

#[derive(Debug, Clone)]
pub struct CacheConfig {
    pub path: CachePath,
    pub retention: Duration,
    /// A team's shared store (`cache.url`); when set, `path` is not used.
    pub postgres: Option<PostgresConfig>,
}

#[derive(Debug, Clone)]
pub struct HttpConfig {
    pub timeout: Duration,
    pub connect_timeout: Duration,
    pub max_body: u64,
    pub proxy: Option<Url>,
    /// Retries after the first attempt on 5xx, timeouts and dropped connections.
    pub retries: u32,
    /// First backoff delay; doubles per retry, with jitter.
    pub backoff: Duration,
    /// The longest a `Retry-After` or backoff wait may be before the fetch gives up.
    pub max_retry_wait: Duration,
}

/// One configured source, with every default filled in.
#[derive(Debug, Clone)]
pub struct SourceSpec {
    pub name: String,
    pub kind: SourceKind,
    pub url: Url,
    pub api_url: Option<Url>,
    pub refresh: Duration,
    pub enabled: bool,
    pub value_type: Option<IndicatorType>,
    pub watch: Vec<String>,
    pub rate_limit: RateLimitConfig,
    pub lookback: Duration,
    pub page_size: u32,
    /// TAXII: the collection id.
    pub collection: Option<String>,
    /// Credentials for the source's server, resolved (never printed).
    pub auth: Option<SourceAuth>,
    /// MISP: take only attributes flagged `to_ids`.
    pub to_ids_only: bool,
    /// How far the source is trusted, 0–100 (`weight:`; default: its kind's
    /// [`kind::KindInfo::default_weight`]): one part of each indicator's score.
    pub weight: u8,
    /// `push: true`: sightings of its indicators go back to it, at this pace.
    pub push: Option<PushSpec>,
    /// Why the source cannot run although enabled (an `env:` secret that is not set).
    pub unavailable: Option<String>,
}

/// Whether a source runs, and if not, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Availability {
    Enabled,
    Disabled(String),
}

#[derive(Debug, Clone)]
pub struct Config {
    pub origin: ConfigOrigin,
    pub keys: ApiKeys,
    pub cache: CacheConfig,
    pub http: HttpConfig,
    pub sources: Vec<SourceSpec>,
    /// MISP-format warninglist files or folders `match` filters indicators through, on top
    /// of the built-in list (config key `warninglists:`; default none).
    pub warninglists: Vec<PathBuf>,
    /// Allowlist files or folders (plain lists, one value per line, or MISP
    /// warninglists): what they cover is left out of exports and alerts, on top of the
    /// local allowlist (config key `allowlists:`; default none; see
    /// `trust::allowlist`).
    pub allowlists: Vec<PathBuf>,
    /// The file every warning and error is appended to (config key `log_file:`; default
    /// `$XDG_STATE_HOME/intellisiem/intellisiem.log`; `None` with `log_file: none`).
    pub log_file: Option<PathBuf>,
    /// Key bindings remapped by `keys:`, as written (checked against the dashboard's
    /// binding table when the config is loaded).
    pub bindings: Vec<keys::KeyRemap>,
    /// The dashboard captures the mouse: the wheel scrolls and a click selects (config
    /// key `mouse:`; default true). Off, the terminal keeps its own text selection.
    pub mouse: bool,
    /// Logs the dashboard follows and hunts in (config key `logs:`; default none).
    pub logs: Vec<LogSpec>,
    /// Who this machine is in the team's store, and whether `match` records its hits
    /// (config key `sensor:`).
    pub sensor: SensorConfig,
    /// How long a look-up's answer is reused before asking again (`enrich_ttl:`).
    pub enrich_ttl: Duration,
    /// How each indicator's score decays, and below which it is decayed (`scoring:`).
    pub scoring: ScoringConfig,
    /// What `intellisiem serve` listens on and who may read what (`serve:`).
    pub serve: ServeConfig,
    /// Things the user should know that do not stop the program.
    pub warnings: Vec<String>,
}

impl Config {
    /// Whether `spec` can run with the keys at hand.
    pub fn availability(&self, spec: &SourceSpec) -> Availability {
        if !spec.enabled {
            return Availability::Disabled("disabled in config".into());
        }
        if let Some(why) = &spec.unavailable {
            return Availability::Disabled(why.clone());
        }
        if let KeyUse::Required(k) = spec.kind.key_use()
            && self.keys.get(k).is_none()
        {
            return Availability::Disabled(format!("no API key (set {})", k.env_var()));
        }
        Availability::Enabled
    }

    pub fn source(&self, name: &str) -> Option<&SourceSpec> {
        self.sources.iter().find(|s| s.name == name)
    }

    /// The built-in config: every keyless feed at its real URL, plus OTX and VirusTotal
    /// (which stay disabled until their keys are set).
    /// `kinds` are the source kinds known (the source registry's list).
    pub fn builtin(env: &dyn Fn(&str) -> Option<String>, kinds: &[SourceKind]) -> Config {
        let raw = RawConfig::default();
        // Built from fixed, valid values: cannot fail.
        build(raw, ConfigOrigin::Builtin, env, kinds)
    }

    /// Reads and validates a config file.
    pub fn from_file(
        path: &Path,
        env: &dyn Fn(&str) -> Option<String>,
        kinds: &[SourceKind],
    ) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Read {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        let mut cfg = Config::from_yaml(&text, path, env, kinds)?;
        if cfg.keys_in_file
            && let Some(w) = secret::permission_warning(path)
        {
            cfg.config.warnings.push(w);
        }
        Ok(cfg.config)
    }

    /// Parses YAML text; `path` is used in messages only. A leading byte-order mark is
    /// accepted.
    pub fn from_yaml(
        text: &str,
        path: &Path,
        env: &dyn Fn(&str) -> Option<String>,
        kinds: &[SourceKind],
    ) -> Result<Parsed, ConfigError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut raw: RawConfig = if text.trim().is_empty() {
            RawConfig::default()
        } else {
            schema::with_kinds(kinds, || serde_norway::from_str(text))
                .map_err(|e| yaml_error(path, text, &e))?
        };
        let keys_in_file = secret::written_in(&raw);
        let bindings = raw.keys.take().map(|k| k.locate(text)).unwrap_or_default();
        let cache_path = raw.cache.path.clone();
        let postgres = postgres::postgres_config(&raw.cache, env).map_err(|(field, message)| {
            ConfigError::Invalid {
                path: path.to_path_buf(),
                line: hint::find_line(text, &format!("{field}:")),
                message,
            }
        })?;
        let sensor =
            sensor::resolve(raw.sensor.take(), env).map_err(|message| ConfigError::Invalid {
                path: path.to_path_buf(),
                line: hint::find_line(text, "sensor:"),
                message,
            })?;
        let scoring =
            scoring::resolve(raw.scoring.take()).map_err(|message| ConfigError::Invalid {
                path: path.to_path_buf(),
                line: hint::find_line(text, "scoring:"),
                message,
            })?;
        let serve = serve::resolve(raw.serve.take()).map_err(|m| {
            let (line, _, message) = hint::resolve(text, hint::find_line(text, "serve:"), &m);
            ConfigError::Invalid {
                path: path.to_path_buf(),
                line,
                message,
            }
        })?;
        let mut config = build(raw, ConfigOrigin::File(path.to_path_buf()), env, kinds);
        config.cache.postgres = postgres;
        config.sensor = sensor;
        config.scoring = scoring;
        config.serve = serve;
        config.bindings = bindings;
        if let Some(p) = cache_path
            && p.trim().is_empty()
        {
            return Err(ConfigError::Invalid {
                path: path.to_path_buf(),
                line: hint::find_line(text, "path:"),
                message: "cache.path: empty (use `default`, `none` or a file path)".into(),
            });
        }
        Ok(Parsed {
            config,
            keys_in_file,
        })
    }
}

/// A parsed config file and whether it holds keys itself.
pub struct Parsed {
    pub config: Config,
    pub keys_in_file: bool,
}

/// Finds the config file: `--config`, `$INTELLISIEM_CONFIG`, `./config/config.yaml`,
/// `$XDG_CONFIG_HOME/intellisiem/config.yaml`; `None` means built-in defaults.
/// A path given explicitly (flag or variable) must exist.
pub fn locate(
    cli: Option<&Path>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<PathBuf>, ConfigError> {
    if let Some(p) = cli {
        return Ok(Some(p.to_path_buf()));
    }
    if let Some(p) = env(CONFIG_ENV).filter(|p| !p.is_empty()) {
        return Ok(Some(PathBuf::from(p)));
    }
    let local = PathBuf::from("config/config.yaml");
    if local.is_file() {
        return Ok(Some(local));
    }
    if let Some(dir) = xdg_config_home(env) {
        let p = dir.join("intellisiem").join("config.yaml");
        if p.is_file() {
            return Ok(Some(p));
        }
    }
    Ok(None)
}

/// Locates and loads the config; `kinds` are the source kinds known (the source
/// registry's list).
pub fn load(
    cli: Option<&Path>,
    env: &dyn Fn(&str) -> Option<String>,
    kinds: &[SourceKind],
) -> Result<Config, ConfigError> {
    match locate(cli, env)? {
        Some(path) => Config::from_file(&path, env, kinds),
        None => Ok(Config::builtin(env, kinds)),
    }
}

/// `$XDG_CONFIG_HOME`, else `$HOME/.config`.
pub fn xdg_config_home(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    env("XDG_CONFIG_HOME")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            env("HOME")
                .filter(|h| !h.is_empty())
                .map(|h| PathBuf::from(h).join(".config"))
        })
}

/// The process environment, for [`load`].
pub fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

fn yaml_error(path: &Path, text: &str, e: &serde_norway::Error) -> ConfigError {
    let mut message = e.to_string();
    if let Some(pos) = message.find(" at line ") {
        message.truncate(pos);
    }
    let (line, field, message) = hint::resolve(text, e.location().map(|l| l.line()), &message);
    // Name the field the line holds when the reader's path stops at its mapping.
    let message = match field {
        Some(f) if !message.contains(&format!("`{f}`")) && !message.contains(&format!(".{f}:")) => {
            match message.split_once(": ") {
                Some((path, rest)) if !path.contains(' ') => format!("{path}.{f}: {rest}"),
                _ => format!("{f}: {message}"),
            }
        }
        _ => message,
    };
    ConfigError::Invalid {
        path: path.to_path_buf(),
        line,
        message: crate::model::sanitize::one_line(&message, 300),
    }
}

use source::{builtin_sources, resolve_source};

fn build(
    raw: RawConfig,
    origin: ConfigOrigin,
    env: &dyn Fn(&str) -> Option<String>,
    kinds: &[SourceKind],
) -> Config {
    let mut warnings = Vec::new();
    let RawKeys {
        alien_vault,
        alient_vault,
        virus_total,
        abuse_ch,
        misp,
    } = raw.api_keys;
    if alient_vault
        .as_deref()
        .is_some_and(|v| !v.trim().is_empty())
    {
        warnings.push(
            "api_keys.alient_vault is a misspelling of alien_vault; it is used, but please rename it"
                .into(),
        );
    }
    let mut key = |k: KeyKind, file: Option<String>| {
        let from_env = secret::resolve(env(k.env_var()).as_deref(), &|_| None)
            .ok()
            .flatten();
        let field = format!("api_keys.{}", k.config_field());
        let from_file = secret::or_warn(file, &field, env, &mut warnings);
        defaults::first(None, from_env, from_file)
    };
    let alien = alien_vault
        .filter(|v| !v.trim().is_empty())
        .or(alient_vault);
    let keys = ApiKeys {
        otx: key(KeyKind::Otx, alien),
        virustotal: key(KeyKind::VirusTotal, virus_total),
        abuse_ch: key(KeyKind::AbuseCh, abuse_ch),
        misp: key(KeyKind::Misp, misp),
    };

    let no_store = matches!(
        raw.cache.path.as_deref().map(str::trim),
        Some("none" | "off")
    ) && raw.cache.url.is_none();
    let cache = CacheConfig {
        path: match raw.cache.path.as_deref().map(str::trim) {
            None | Some("default") => CachePath::Default,
            Some("none") | Some("off") => CachePath::Off,
            Some(p) => CachePath::File(PathBuf::from(p)),
        },
        retention: raw.cache.retention.map_or(defaults::RETENTION, |d| d.0),
        postgres: None,
    };

    let d = HttpConfig::default();
    let h = raw.http;
    let file = |v: Option<units::HumanDuration>, default| {
        defaults::layer(None, None, v.map(|v| v.0), default)
    };
    let http = HttpConfig {
        timeout: file(h.timeout, d.timeout),
        connect_timeout: file(h.connect_timeout, d.connect_timeout),
        max_body: defaults::layer(None, None, h.max_body.map(|ByteSize(b)| b), d.max_body),
        proxy: h.proxy.map(|p| p.0),
        retries: defaults::layer(None, None, h.retries, d.retries).min(defaults::MAX_RETRIES),
        backoff: file(h.backoff, d.backoff),
        max_retry_wait: file(h.max_retry_wait, d.max_retry_wait),
    };

    let raw_sources = match raw.sources {
        Some(s) => s.0,
        None => builtin_sources(kinds),
    };
    let sources: Vec<SourceSpec> = raw_sources
        .into_iter()
        .map(|s| resolve_source(s, env, &mut warnings))
        .collect();
    if no_store {
        let pushing: Vec<&str> = sources
            .iter()
            .filter(|s| s.push.is_some())
            .map(|s| s.name.as_str())
            .collect();
        warnings.extend(push::no_store_warning(&pushing));
    }

    let warninglists = raw
        .warninglists
        .unwrap_or_else(defaults::warninglists)
        .into_iter()
        .map(|p| PathBuf::from(p.trim()))
        .filter(|p| !p.as_os_str().is_empty())
        .collect();

    let allowlists = raw
        .allowlists
        .unwrap_or_default()
        .into_iter()
        .map(|p| PathBuf::from(p.trim()))
        .filter(|p| !p.as_os_str().is_empty())
        .collect();

    let log_file = match raw.log_file.as_deref().map(str::trim) {
        None | Some("") | Some("default") => defaults::log_file(env),
        Some("none") | Some("off") => None,
        Some(p) => Some(PathBuf::from(p)),
    };

    Config {
        origin,
        keys,
        cache,
        http,
        sources,
        warninglists,
        allowlists,
        log_file,
        bindings: Vec::new(),
        mouse: raw.mouse.unwrap_or(defaults::MOUSE),
        logs: raw.logs.unwrap_or_default(),
        sensor: SensorConfig::defaults(env),
        enrich_ttl: raw.enrich_ttl.map_or(defaults::ENRICH_TTL, |d| d.0),
        scoring: ScoringConfig::default(),
        serve: ServeConfig::default(),
        warnings,
    }
}
