// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Command-line definitions.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::export::Format;
use crate::matching::extract::LogFormat;
use crate::matching::sink::AlertFormat;

/// Threat-intelligence indicators from many sources, merged into one live dashboard
/// or one export.
#[derive(Debug, Parser)]
#[command(name = "intellisiem", version, about, long_about = None)]
pub struct Cli {
    /// Config file (else $INTELLISIEM_CONFIG, ./config/config.yaml,
    /// $XDG_CONFIG_HOME/intellisiem/config.yaml, then built-in defaults)
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Neither read nor write the local cache
    #[arg(long, global = true)]
    pub no_cache: bool,

    /// Open the dashboard on bundled sample data: no network, no keys
    #[arg(long)]
    pub demo: bool,

    /// Draw the dashboard with ASCII characters only (also chosen when the locale is not
    /// UTF-8)
    #[arg(long)]
    pub ascii: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Fetch every enabled source once, merge, and write the indicators out
    Fetch(FetchArgs),
    /// Hunt for the indicators in log files (exit 0 matched, 1 nothing, 2 error)
    Match(Box<MatchArgs>),
    /// Look values up: in the local set, and with --enrich on VirusTotal and OTX
    /// (exit 0 all looked up, 1 some failed, 2 usage)
    Lookup(LookupArgs),
    /// List the configured sources, their URLs, and whether their key is set
    Sources,
    /// Write a brief of the period from the store only (hits, feed efficacy, overlap,
    /// health, new CISA KEV entries); never fetches, so it runs in cron
    Report(ReportArgs),
    /// Check or create the config file
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Serve the set to firewalls, SIEMs and monitoring: TAXII 2.1 collections, lists
    /// (EDL), /metrics, /healthz
    Serve(ServeArgs),
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address and port to listen on (else `serve.listen`, else 127.0.0.1:8443)
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<std::net::SocketAddr>,
    /// Allow plain HTTP on an address other than loopback (credentials then cross the
    /// network in the clear)
    #[arg(long)]
    pub insecure_listen: bool,
    /// Serve allowlisted indicators too (the config's `allowlists:` and the local
    /// allowlist)
    #[arg(long)]
    pub no_allowlists: bool,
    /// Serve warninglisted indicators too (special-purpose addresses and names, the
    /// config's `warninglists:`)
    #[arg(long)]
    pub no_warninglists: bool,
    /// Also fetch every enabled source, each on its `refresh`, into the store (on a
    /// team's PostgreSQL store, under each source's lease: one fetcher for the team);
    /// without it, serve only reads what `fetch` and the dashboards save
    #[arg(long)]
    pub fetch: bool,
}

#[derive(Debug, Args)]
pub struct FetchArgs {
    /// Only this source (repeat for more)
    #[arg(long = "source", value_name = "NAME")]
    pub sources: Vec<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Jsonl)]
    pub format: Format,
    /// Write values defanged (`hxxp://evil[.]example`); txt, csv and jsonl only
    #[arg(long)]
    pub defang: bool,
    /// Write to FILE instead of standard output
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Do not fetch: export what the cache holds
    #[arg(long)]
    pub offline: bool,
    /// Export only what was fetched now: a failed source contributes nothing (not its
    /// last good snapshot), and the output is written even if every source failed
    #[arg(long)]
    pub strict: bool,
    /// Export only indicators scoring at least N (0-100)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(0..=100))]
    pub min_score: Option<u8>,
    /// Export at most N indicators: the best by score, ties broken by the newest last seen
    #[arg(long, value_name = "N")]
    pub max: Option<usize>,
    /// Export only these indicator types (ipv4,ipv6,cidr,domain,url,md5,sha1,sha256,email,cve)
    #[arg(long = "type", value_name = "T[,T]", value_delimiter = ',')]
    pub types: Vec<crate::model::IndicatorType>,
    /// Export decayed indicators too (scores below `scoring.expire_below`)
    #[arg(long)]
    pub include_decayed: bool,
    /// Export allowlisted indicators too (the config's `allowlists:` and the local
    /// allowlist)
    #[arg(long)]
    pub no_allowlists: bool,
    /// Export warninglisted indicators too (special-purpose addresses and names, the
    /// config's `warninglists:`)
    #[arg(long)]
    pub no_warninglists: bool,
}

#[derive(Debug, Args)]
pub struct MatchArgs {
    /// Read the indicators from FILE (a `fetch --format jsonl` export, or one value per
    /// line) instead of the local store
    #[arg(long, value_name = "FILE")]
    pub indicators: Option<PathBuf>,
    /// Fetch every enabled source first (else the store's last snapshots are used)
    #[arg(long, conflicts_with = "indicators")]
    pub fetch: bool,
    /// Log format; `auto` decides per file from its first lines
    #[arg(long, value_enum, default_value_t = LogFormat::Auto)]
    pub log_format: LogFormat,
    /// Also match subdomains of listed domains
    #[arg(long)]
    pub subdomains: bool,
    /// Alert on warninglisted indicators too (special-purpose addresses, listed names)
    #[arg(long)]
    pub no_warninglists: bool,
    /// Alert only on indicators scoring at least N (0-100; default: every indicator not
    /// decayed, `--min-score 0` alerts on decayed ones too). An `--indicators` export's
    /// records are judged by their `score`; values without one are kept
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(0..=100))]
    pub min_score: Option<u8>,
    /// Alert on allowlisted indicators too (the config's `allowlists:` and the local
    /// allowlist)
    #[arg(long)]
    pub no_allowlists: bool,
    /// Alert format
    #[arg(long, value_enum, default_value_t = AlertFormat::Jsonl)]
    pub format: AlertFormat,
    /// Write the alerts to FILE instead of standard output (with --redis, appended: a
    /// restarted consumer keeps what it wrote)
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Keep reading what is appended, across rotation and truncation (like `tail -F`)
    #[arg(long)]
    pub follow: bool,
    /// Keep each hit in the store's sightings, named by this sensor, so every
    /// dashboard on the store shows it (also `sensor: { record: true }` in the config)
    #[arg(long)]
    pub record: bool,
    /// This sensor's name in recorded sightings (default: `sensor.name`, else the host
    /// name)
    #[arg(long, value_name = "NAME")]
    pub sensor: Option<String>,
    /// Read events from a Redis stream as a consumer group instead of files
    /// (`redis://HOST[:PORT][/DB]`), as Suricata's eve-log writes it; give a password
    /// with --redis-password, not in the URL, which every user's `ps` shows
    #[arg(long, value_name = "URL", requires_all = ["stream", "group"], conflicts_with_all = ["follow", "paths"])]
    pub redis: Option<String>,
    /// The stream's key (with --redis)
    #[arg(long, value_name = "KEY", requires = "redis")]
    pub stream: Option<String>,
    /// The consumer group (with --redis); matchers with the same group share the stream
    #[arg(long, value_name = "NAME", requires = "redis")]
    pub group: Option<String>,
    /// This consumer's name in the group (default: `<sensor>-<pid>`)
    #[arg(long, value_name = "NAME", requires = "redis")]
    pub consumer: Option<String>,
    /// The entry field holding the event (with --redis)
    #[arg(long, value_name = "NAME", default_value = "eve", requires = "redis")]
    pub field: String,
    /// The Redis password as `env:VARNAME` (or put it in the URL)
    #[arg(long, value_name = "env:VAR", requires = "redis")]
    pub redis_password: Option<String>,
    /// Claim entries another consumer left pending this long (with --redis)
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = parse_duration, requires = "redis")]
    pub claim_idle: std::time::Duration,
    /// Log files (`.gz` read transparently); `-` or none for standard input
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

/// `60s`, `5m`: a duration as the config writes it.
fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    crate::config::units::HumanDuration::parse(s).map(|d| d.0)
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The period: the last DURATION up to now (`7d`, `48h`, `2w`; default 7d)
    #[arg(long, value_name = "DURATION", conflicts_with_all = ["from", "to"])]
    pub since: Option<String>,
    /// The period's start: `YYYY-MM-DD` (midnight in the time zone, from `TZ` or the
    /// system) or an RFC 3339 time
    #[arg(long, value_name = "DATE", requires = "to")]
    pub from: Option<String>,
    /// The period's end: `YYYY-MM-DD` (that whole day included) or an RFC 3339 time
    #[arg(long, value_name = "DATE", requires = "from")]
    pub to: Option<String>,
    /// Only this source (repeat for more; default: every configured source)
    #[arg(long = "source", value_name = "NAME")]
    pub sources: Vec<String>,
    /// Only hits this sensor found (repeat for more; default: every sensor)
    #[arg(long = "sensor", value_name = "NAME")]
    pub sensors: Vec<String>,
    /// Output format (default: the one `-o FILE`'s extension names, else html)
    #[arg(long, value_enum)]
    pub format: Option<crate::report::Format>,
    /// A folder whose files replace the built-in templates of the same name
    #[arg(long, value_name = "DIR")]
    pub template: Option<PathBuf>,
    /// Paper size of the PDF
    #[arg(long, value_enum, default_value_t = crate::report::Paper::A4)]
    pub paper: crate::report::Paper,
    /// Write to FILE instead of standard output
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct LookupArgs {
    /// Also ask VirusTotal and OTX (spends the VirusTotal quota; asks first on a terminal)
    #[arg(long)]
    pub enrich: bool,
    /// With --enrich, also ask about values on a warninglist (they are not looked up
    /// otherwise, so no quota goes on them)
    #[arg(long, requires = "enrich")]
    pub enrich_listed: bool,
    /// Do not ask before spending the quota
    #[arg(long)]
    pub yes: bool,
    /// Output format (default: table on a terminal, jsonl when piped)
    #[arg(long, value_enum)]
    pub format: Option<LookupFormat>,
    /// Values (defanged is fine), files of values (one per line, `#` comments), or `-`
    /// for standard input
    #[arg(value_name = "VALUE|FILE|-", required = true)]
    pub inputs: Vec<String>,
}

/// How `lookup` writes its results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LookupFormat {
    Table,
    Jsonl,
    Csv,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Validate the config and report what it enables
    Check,
    /// Write a commented config template (mode 0600)
    Init {
        /// Replace an existing file
        #[arg(long)]
        force: bool,
    },
}
