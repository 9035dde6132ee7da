// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! `intellisiem config check` and `intellisiem config init`.

mod lists;
mod paths;

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{EXIT_OK, EXIT_SOURCE_FAILED, EXIT_USAGE, load_config};
use crate::config::{self, Availability};

pub fn check(config_path: Option<&Path>) -> u8 {
    let config = match load_config(config_path) {
        Ok(c) => c,
        Err(code) => return code,
    };
    // The paths as the programs will use them: a config that cannot work here is an
    // error, like one that does not parse.
    let text = match &config.origin {
        crate::config::ConfigOrigin::File(p) => std::fs::read_to_string(p).ok(),
        _ => None,
    };
    let found = paths::look(&config, text.as_deref());
    let lists = lists::look(&config, text.as_deref(), &config::process_env);
    for w in found.warnings.iter().chain(&lists.warnings) {
        eprintln!("warning: {w}");
    }
    if !found.errors.is_empty() || !lists.errors.is_empty() {
        for e in found.errors.iter().chain(&lists.errors) {
            eprintln!("error: {e}");
        }
        return EXIT_USAGE;
    }
    let enabled = config
        .sources
        .iter()
        .filter(|s| config.availability(s) == Availability::Enabled)
        .count();
    println!(
        "config OK: {} ({}, {} enabled)",
        config.origin,
        crate::model::count::noun(config.sources.len() as u64, "source"),
        crate::model::count::grouped(enabled as u64)
    );
    for spec in &config.sources {
        if let Availability::Disabled(why) = config.availability(spec) {
            println!("  {}: disabled, {why}", spec.name);
        }
    }
    if let Some(cache) = &found.cache {
        println!("  {cache}");
    }
    for line in &lists.lines {
        println!("  {line}");
    }
    for (log, now) in config.logs.iter().zip(&found.logs) {
        match &log.input {
            crate::config::LogInput::Path(_) => println!(
                "  follows {} (format {}, retro-hunt {}): {}",
                log.describe(),
                log.format.as_str(),
                log.retro,
                now.as_deref().unwrap_or("-")
            ),
            crate::config::LogInput::Redis(r) => println!(
                "  reads {} as a consumer of group {} (format {})",
                r.describe(),
                crate::model::sanitize::one_line(&r.group, 80),
                log.format.as_str()
            ),
        }
    }
    println!(
        "  sensor {}{}",
        crate::model::sanitize::one_line(&config.sensor.name, 64),
        if config.sensor.record {
            ": match records its hits in the store"
        } else {
            ""
        }
    );
    EXIT_OK
}

/// Where `config init` writes: `--config`, else `$XDG_CONFIG_HOME/intellisiem/config.yaml`.
fn init_path(cli: Option<&Path>) -> Option<PathBuf> {
    cli.map(Path::to_path_buf).or_else(|| {
        config::xdg_config_home(&config::process_env)
            .map(|d| d.join("intellisiem").join("config.yaml"))
    })
}

pub fn init(cli: Option<&Path>, force: bool) -> u8 {
    let Some(path) = init_path(cli) else {
        eprintln!("error: no config folder known: pass --config FILE or set XDG_CONFIG_HOME");
        return EXIT_USAGE;
    };
    if path.exists() && !force {
        eprintln!(
            "error: {} exists; pass --force to replace it",
            path.display()
        );
        return EXIT_USAGE;
    }
    match write_private(&path, config::TEMPLATE.as_bytes()) {
        Ok(()) => {
            println!(
                "wrote {} (mode 0600); add your keys there or set INTELLISIEM_*_KEY variables",
                path.display()
            );
            EXIT_OK
        }
        Err(e) => {
            eprintln!("error: cannot write {}: {e}", path.display());
            EXIT_SOURCE_FAILED
        }
    }
}

/// Writes a file readable by its owner only.
fn write_private(path: &Path, data: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    f.write_all(data)?;
    f.sync_all()
}
