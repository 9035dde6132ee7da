// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! `config check`'s look at the lists the config names: every warninglist and allowlist
//! is read as `fetch` and `match` will read it (the local allowlist too), a file that
//! cannot be read or is no list is an error naming the field and its line, a skipped line
//! is a warning, and what loaded is listed.

use std::path::{Path, PathBuf};

use crate::config::{Config, ConfigError, ConfigOrigin};
use crate::matching::Warninglists;
use crate::model::count::{grouped, noun};
use crate::model::sanitize::one_line;
use crate::trust::allowlist::{self, Allowlists};

/// What the look found: errors, warnings, and the listing's lines.
#[derive(Debug, Default)]
pub(super) struct Lists {
    pub errors: Vec<String>,
    pub warnings: Vec<String>,
    pub lines: Vec<String>,
}

/// Reads every list `config` names; `text` is the config file's text, for lines; `env`
/// finds the local allowlist.
pub(super) fn look(
    config: &Config,
    text: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Lists {
    let mut out = Lists::default();
    let at = |key: &str, path: Option<&Path>, message: String| {
        let line = match (text, path) {
            (Some(t), Some(p)) => line_of(t, key, p),
            _ => None,
        };
        ConfigError::Invalid {
            path: match &config.origin {
                ConfigOrigin::File(p) => p.clone(),
                other => PathBuf::from(other.to_string()),
            },
            line,
            message,
        }
        .to_string()
    };
    match Warninglists::load(&config.warninglists) {
        Ok(w) => {
            if w.len() > 1 {
                out.lines.push(format!(
                    "warninglists: the built-in list and {}",
                    noun((w.len() - 1) as u64, "MISP list")
                ));
            }
        }
        Err(e) => {
            let path = config
                .warninglists
                .iter()
                .find(|p| e.to_string().contains(&*p.to_string_lossy()));
            out.errors.push(at(
                "warninglists",
                path.map(PathBuf::as_path),
                format!("warninglists: {e}"),
            ));
        }
    }
    let local = allowlist::local_path(env);
    match Allowlists::load(&config.allowlists, local.as_deref()) {
        Ok((lists, notes)) => {
            out.warnings.extend(notes);
            if !lists.is_empty() {
                let names: Vec<String> = lists
                    .names()
                    .enumerate()
                    .map(|(i, n)| {
                        format!("{} ({})", one_line(n, 40), grouped(lists.values(i) as u64))
                    })
                    .collect();
                out.lines.push(format!(
                    "allowlists: {}, {}: {}",
                    noun(lists.len() as u64, "list"),
                    noun(lists.distinct_values() as u64, "value"),
                    names.join(", ")
                ));
            }
        }
        Err(e) => {
            // The entry of the config that names the file (a file of a folder: the
            // folder), or none for the local allowlist.
            let named = e.path().and_then(|bad| {
                config
                    .allowlists
                    .iter()
                    .find(|p| bad.starts_with(p))
                    .map(PathBuf::as_path)
            });
            let message = match (named, local.as_deref()) {
                (None, Some(l)) => format!(
                    "{e} (the local allowlist {})",
                    one_line(&l.display().to_string(), 200)
                ),
                _ => e.to_string(),
            };
            out.errors.push(at("allowlists", named, message));
        }
    }
    out
}

/// The line of `text` that writes `path` under the key `key` (1-based).
fn line_of(text: &str, key: &str, path: &Path) -> Option<usize> {
    let want = path.to_string_lossy();
    let lines: Vec<&str> = text.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.trim_start().starts_with(&format!("{key}:")))?;
    (start..lines.len())
        .find(|&i| lines[i].contains(&*want))
        .map(|i| i + 1)
}
