// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The subcommands. Each returns the process exit code.

pub mod config_cmd;
pub mod fetch;
pub mod lookup;
pub mod match_cmd;
mod push;
pub mod report;
pub mod serve;
pub mod sources;
pub mod table;
pub mod target;

use std::process::ExitCode;

use crate::cli::{Cli, Command, ConfigCommand};
use crate::config::{self, Config};

/// Exit code: every selected source succeeded.
pub const EXIT_OK: u8 = 0;
/// Exit code: at least one source failed (the others' indicators were still written).
pub const EXIT_SOURCE_FAILED: u8 = 1;
/// Exit code: usage or config error.
pub const EXIT_USAGE: u8 = 2;

pub fn run(cli: Cli) -> ExitCode {
    if cli.demo && cli.command.is_some() {
        eprintln!("error: --demo opens the dashboard; it does not go with a command");
        return ExitCode::from(EXIT_USAGE);
    }
    if cli.ascii && cli.command.is_some() {
        eprintln!("error: --ascii is for the dashboard; it does not go with a command");
        return ExitCode::from(EXIT_USAGE);
    }
    if matches!(cli.command, Some(Command::Serve(_))) {
        // Its access log is information, on stderr and in the log file.
        crate::logging::init_server();
    } else if cli.command.is_some() {
        crate::logging::init_stderr();
    }
    let code = match cli.command {
        Some(Command::Fetch(args)) => fetch::run(cli.config.as_deref(), cli.no_cache, &args),
        Some(Command::Match(args)) => match_cmd::run(cli.config.as_deref(), cli.no_cache, &args),
        Some(Command::Lookup(args)) => lookup::run(cli.config.as_deref(), cli.no_cache, &args),
        Some(Command::Sources) => sources::run(cli.config.as_deref(), cli.no_cache),
        Some(Command::Report(args)) => report::run(cli.config.as_deref(), cli.no_cache, &args),
        Some(Command::Config(ConfigCommand::Check)) => config_cmd::check(cli.config.as_deref()),
        Some(Command::Config(ConfigCommand::Init { force })) => {
            config_cmd::init(cli.config.as_deref(), force)
        }
        Some(Command::Serve(args)) => serve::run(cli.config.as_deref(), cli.no_cache, &args),
        None => dashboard(cli.config.as_deref(), cli.no_cache, cli.demo, cli.ascii),
    };
    ExitCode::from(code)
}

/// The interactive dashboard (no subcommand); `ascii` asks for ASCII-only drawing.
fn dashboard(path: Option<&std::path::Path>, no_cache: bool, demo: bool, ascii: bool) -> u8 {
    let loaded =
        crate::sources::registry::load_config(path, &config::process_env).and_then(check_bindings);
    // The demo takes the analyst's `keys:` and `mouse:`, and nothing else of the config;
    // a config that does not load leaves it on its own defaults, with a warning.
    let loaded = match (demo, loaded) {
        (true, Ok(user)) => Ok(crate::demo::config_with(&user)),
        (true, Err(e)) => {
            eprintln!("warning: the config is not used by the demo: {e}");
            Ok(crate::demo::config())
        }
        (false, loaded) => loaded,
    };
    let config = match loaded {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    if !std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        eprintln!("error: the dashboard needs a terminal; use `intellisiem fetch` for pipelines");
        return EXIT_USAGE;
    }
    let source = if demo {
        crate::runtime::Data::Demo
    } else {
        crate::runtime::Data::Live {
            cache: crate::store::persist::Location::of(&config, no_cache),
        }
    };
    let ascii = ascii || crate::ui::ascii::locale_wants_ascii(|k| std::env::var(k).ok());
    match crate::runtime::run(config, source, ascii) {
        Ok(()) => EXIT_OK,
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_SOURCE_FAILED
        }
    }
}

/// Loads the config, printing warnings; on error prints it and gives the exit code.
/// The warninglists (unless `warninglists` is false) and the allowlists (unless
/// `allowlists` is false) for `fetch` and `match`, their notes said on stderr. Errors: a
/// list that cannot be used, said in one line; the exit code to end with.
pub fn load_lists(
    config: &Config,
    warninglists: bool,
    allowlists: bool,
) -> Result<crate::matching::Warninglists, u8> {
    use crate::trust::allowlist::{self, Apply};
    let apply = Apply {
        warninglists,
        allowlists,
    };
    match allowlist::load(config, apply, &config::process_env) {
        Ok(loaded) => {
            for n in &loaded.notes {
                eprintln!("warning: {n}");
            }
            Ok(loaded.lists)
        }
        Err(e) => {
            eprintln!("error: {}", crate::model::sanitize::one_line(&e, 400));
            Err(EXIT_USAGE)
        }
    }
}

/// The multi-threaded tokio runtime of a headless command; `Err` is the exit code after
/// the one-line error is printed.
pub fn runtime() -> Result<tokio::runtime::Runtime, u8> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            eprintln!("error: cannot start the async runtime: {e}");
            EXIT_SOURCE_FAILED
        })
}

pub fn load_config(path: Option<&std::path::Path>) -> Result<Config, u8> {
    match crate::sources::registry::load_config(path, &config::process_env).and_then(check_bindings)
    {
        Ok(c) => {
            for w in &c.warnings {
                eprintln!("warning: {w}");
            }
            crate::logging::attach_config(&c);
            Ok(c)
        }
        Err(e) => {
            eprintln!("error: {e}");
            Err(EXIT_USAGE)
        }
    }
}

/// Checks the config's `keys:` against the dashboard's binding table: an unknown action
/// or key, or a key two actions share, is a config error naming the line.
pub fn check_bindings(config: Config) -> Result<Config, config::ConfigError> {
    match crate::app::Keymap::with_remaps(&config.bindings) {
        Ok(_) => Ok(config),
        Err(e) => Err(config::ConfigError::Invalid {
            path: match &config.origin {
                config::ConfigOrigin::File(p) => p.clone(),
                other => std::path::PathBuf::from(other.to_string()),
            },
            line: e.line,
            message: e.to_string(),
        }),
    }
}
