// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! `intellisiem sources`: what is configured, where it points, whether its key is set.

use std::io::Write;
use std::path::Path;

use super::{EXIT_OK, load_config};
use crate::config::units::format_duration;
use crate::config::{Availability, Config};
use crate::net::redact::redact_url;
use crate::sources::kind::KeyUse;

pub fn run(config_path: Option<&Path>) -> u8 {
    let config = match load_config(config_path) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(render(&config).as_bytes());
    EXIT_OK
}

/// The listing, one source per line. Keys appear only as `set` / `missing`.
pub fn render(config: &Config) -> String {
    let mut s = format!("config: {}\n", config.origin);
    let width = config
        .sources
        .iter()
        .map(|s| s.name.len())
        .max()
        .unwrap_or(4)
        .max(4);
    s.push_str(&format!(
        "{:<width$}  {:<13}  {:<8}  {:<7}  {:<20}  URL\n",
        "NAME", "KIND", "STATE", "REFRESH", "KEY"
    ));
    for spec in &config.sources {
        let key = match spec.kind.key_use() {
            KeyUse::None => "-".to_string(),
            KeyUse::Required(k) | KeyUse::Optional(k) => {
                let set = if config.keys.get(k).is_some() {
                    "set"
                } else {
                    "missing"
                };
                let opt = if matches!(spec.kind.key_use(), KeyUse::Optional(_)) {
                    " (opt)"
                } else {
                    ""
                };
                format!("{}: {set}{opt}", k.config_field())
            }
        };
        let (state, why) = match config.availability(spec) {
            Availability::Enabled => ("enabled", String::new()),
            Availability::Disabled(why) => ("disabled", format!("  ({why})")),
        };
        s.push_str(&format!(
            "{:<width$}  {:<13}  {:<8}  {:<7}  {:<20}  {}{}\n",
            spec.name,
            spec.kind.as_str(),
            state,
            format_duration(spec.refresh),
            key,
            redact_url(&spec.url),
            why
        ));
    }
    s
}
