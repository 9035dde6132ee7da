// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! `config check`'s look at the paths the config names, as the programs will use them
//! here and now: the store's folder exists or can be created (it is tried, and what was
//! created for the try is removed again), each followed log is a file or a glob (a
//! folder is an error naming its line), a relative path is read from wherever the
//! program starts (a warning), and a log that cannot be read now is named.

use std::fs::OpenOptions;
use std::path::{Path, PathBuf};

use crate::config::{Config, ConfigError, ConfigOrigin, LogInput, logs};
use crate::matching::log_paths::{self, Unreadable, reason};
use crate::model::sanitize::one_line;
use crate::store::persist::Location;

/// What the look found: errors (the config cannot work here), warnings, and lines for
/// the listing (`  cache ...`, per log what it names now).
#[derive(Debug, Default)]
pub(super) struct Findings {
    pub errors: Vec<String>,
    pub warnings: Vec<String>,
    /// The store's line of the listing.
    pub cache: Option<String>,
    /// What each `logs:` path names now, in the config's order (`None` for a stream).
    pub logs: Vec<Option<String>>,
}

/// Looks at every path `config` names; `text` is the config file's text, for lines.
pub(super) fn look(config: &Config, text: Option<&str>) -> Findings {
    let mut f = Findings::default();
    cache(config, &mut f);
    for spec in &config.logs {
        let note = match &spec.input {
            LogInput::Path(p) => Some(log(config, text, p, &mut f)),
            LogInput::Redis(_) => None,
        };
        f.logs.push(note);
    }
    f
}

/// `config <file>, line N: message`, as config errors read.
fn at(config: &Config, line: Option<usize>, message: String) -> String {
    let path = match &config.origin {
        ConfigOrigin::File(p) => p.clone(),
        other => PathBuf::from(other.to_string()),
    };
    ConfigError::Invalid {
        path,
        line,
        message,
    }
    .to_string()
}

fn shown(p: &Path) -> String {
    one_line(&p.display().to_string(), 300)
}

/// The SQLite store: its folder exists and takes a new file, or can be created; an
/// existing store file can be written.
fn cache(config: &Config, f: &mut Findings) {
    let db = match Location::of(config, false) {
        Location::File(db) => db,
        Location::Postgres(_) => {
            f.cache = Some("cache: a PostgreSQL store (not tried here)".into());
            return;
        }
        Location::None => {
            f.cache = Some("cache: none".into());
            return;
        }
    };
    if db.is_relative() {
        f.warnings.push(format!(
            "cache: {} is relative: each run keeps its store in the folder it starts in",
            shown(&db)
        ));
    }
    match folder_ready(&db) {
        Ok(created) => {
            f.cache = Some(if created {
                format!("cache {} (its folder will be created: tried)", shown(&db))
            } else {
                format!("cache {}", shown(&db))
            });
        }
        Err(e) => f.errors.push(format!("cache: {e}")),
    }
}

/// Whether the store `db` can be kept where it is: its folder takes a new file (or can
/// be created: it is, then removed with every folder created for it; returns `true`),
/// and the file, if there, can be written. Errors: why not, one line.
fn folder_ready(db: &Path) -> Result<bool, String> {
    let dir = db
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if dir.exists() {
        if !dir.is_dir() {
            return Err(format!("{} is not a folder", shown(dir)));
        }
        let probe = dir.join(format!(".intellisiem-check-{}", std::process::id()));
        OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&probe)
            .map_err(|e| format!("cannot create files in {}: {}", shown(dir), reason(&e)))?;
        let _ = std::fs::remove_file(&probe);
        if db.is_file() {
            OpenOptions::new()
                .read(true)
                .write(true)
                .open(db)
                .map_err(|e| format!("cannot write {}: {}", shown(db), reason(&e)))?;
        }
        return Ok(false);
    }
    // The folders the try creates, deepest first.
    let missing: Vec<&Path> = dir.ancestors().take_while(|d| !d.exists()).collect();
    let made = std::fs::create_dir_all(dir);
    for d in &missing {
        let _ = std::fs::remove_dir(d);
    }
    made.map_err(|e| format!("cannot create the folder {}: {}", shown(dir), reason(&e)))?;
    Ok(true)
}

/// One `logs:` path: what it names now (for the listing); errors and warnings into `f`.
fn log(config: &Config, text: Option<&str>, p: &str, f: &mut Findings) -> String {
    let line = text.and_then(|t| logs::path_line(t, p));
    let path = Path::new(p);
    if path.is_relative() {
        let now = std::env::current_dir()
            .map(|d| format!(" (from here: {})", shown(&d.join(path))))
            .unwrap_or_default();
        f.warnings.push(at(
            config,
            line,
            format!(
                "logs: {} is relative: it is read from the folder the program starts in{now}",
                one_line(p, 300)
            ),
        ));
    }
    if !log_paths::is_glob(p) {
        return match log_paths::check(path) {
            Ok(()) => "a file".into(),
            Err(why @ Unreadable::Folder(_)) => {
                f.errors.push(at(config, line, format!("logs: {why}")));
                "a folder".into()
            }
            Err(why) => {
                f.warnings.push(at(config, line, format!("logs: {why}")));
                match why {
                    Unreadable::Missing(_) => "no file yet".into(),
                    _ => "a file that cannot be read".into(),
                }
            }
        };
    }
    let files = log_paths::expand(p);
    for file in &files {
        if let Err(why) = log_paths::check(file) {
            f.warnings.push(at(config, line, format!("logs: {why}")));
        }
    }
    match files.len() {
        0 => "no file yet".into(),
        1 => "1 file now".into(),
        n => format!("{n} files now"),
    }
}
