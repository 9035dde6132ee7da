// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Command-line definitions.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::export::Format;

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

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Fetch every enabled source once, merge, and write the indicators out
    Fetch(FetchArgs),
    /// List the configured sources, their URLs, and whether their key is set
    Sources,
    /// Check or create the config file
    #[command(subcommand)]
    Config(ConfigCommand),
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
