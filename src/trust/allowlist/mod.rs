// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Allowlists: values the analyst knows to be harmless (the company's own domains and
//! ranges, its CDNs, a partner's mail server), left out of exports and never alerted on.
//!
//! A list is a file or a folder of files named in the config (`allowlists:`), in plain
//! form (one value per line) or as a MISP warninglist ([`read`]); the local allowlist
//! ([`local_path`]), when it exists, is one more list named `local`. What a value covers
//! ([`Allowlists::covers`]):
//! - a domain covers itself, every subdomain (at a label boundary: `example.com` covers
//!   `www.example.com`, never `notexample.com`) and every URL whose host is one of them;
//! - an address or a range (CIDR, IPv4 or IPv6) covers every address inside it, every
//!   range inside it, and every URL whose host is an address inside it;
//! - a URL, an e-mail address, a digest or a CVE id covers the same value.
//!
//! Values compare in their canonical form (lower case, IDNA ASCII, no trailing dot,
//! canonical address text; [`crate::model::indicator::normalise`]), however the list
//! writes them. The allowlists sit after the warninglists in one
//! [`Warninglists`] ([`MoreLists`]), so the matcher, `fetch`, the export prompt and the
//! dashboard all ask one object which list holds a value ([`load`], [`screen`]).

mod index;
mod read;
pub mod screen;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::Config;
use crate::matching::warninglist::{MoreLists, Warninglist, WarninglistError, Warninglists};
use crate::model::IndicatorType;
use crate::model::sanitize::one_line;
pub use index::ListId;
pub use screen::Screened;

/// The local allowlist's name among the lists.
pub const LOCAL: &str = "local";

/// Why an allowlist could not be used: one line, naming the config field and the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AllowlistError {
    #[error("allowlists: cannot read {}: {reason}", shown(path))]
    Read { path: PathBuf, reason: String },
    #[error("allowlists: {} is not a MISP warninglist: {reason}", shown(path))]
    Shape { path: PathBuf, reason: String },
    #[error(
        "allowlists: {} holds no values ({} not values): write one value per line, or a MISP warninglist",
        shown(path),
        crate::model::count::nouns(*bad as u64, "line is", "lines are")
    )]
    NoValues { path: PathBuf, bad: usize },
    #[error("allowlists: more than {} lists", ListId::MAX)]
    TooMany,
}

impl AllowlistError {
    fn read(path: &Path, e: &std::io::Error) -> Self {
        AllowlistError::Read {
            path: path.to_path_buf(),
            reason: crate::matching::log_paths::reason(e),
        }
    }

    /// The file the error is about.
    pub fn path(&self) -> Option<&Path> {
        match self {
            AllowlistError::Read { path, .. }
            | AllowlistError::Shape { path, .. }
            | AllowlistError::NoValues { path, .. } => Some(path),
            AllowlistError::TooMany => None,
        }
    }
}

fn shown(path: &Path) -> String {
    one_line(&path.display().to_string(), 300)
}

/// Where the local allowlist is kept: `$XDG_DATA_HOME/intellisiem/allowlist.txt`, else
/// `~/.local/share/intellisiem/allowlist.txt` (the folder of the default SQLite store,
/// [`crate::store::persist::default_path`]); `None` when neither variable is set. A plain
/// list, loaded as the list named [`LOCAL`] whenever it exists. `env` reads one
/// environment variable.
pub fn local_path(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    env("XDG_DATA_HOME")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            env("HOME")
                .filter(|h| !h.is_empty())
                .map(|h| PathBuf::from(h).join(".local/share"))
        })
        .map(|d| d.join("intellisiem").join("allowlist.txt"))
}

/// A named list and what it holds.
#[derive(Debug)]
struct List {
    name: Box<str>,
    /// Values read into the index (one held by an earlier list too included).
    values: usize,
    /// A MISP `substring` or `regex` list's own rule.
    rule: Option<Warninglist>,
}

/// Every allowlist, indexed together: asking which list covers a value costs a few hash
/// look-ups, however many lists and values there are.
#[derive(Debug, Default)]
pub struct Allowlists {
    lists: Vec<List>,
    index: index::Index,
}

impl Allowlists {
    /// No lists.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an empty list named `name`; its id.
    ///
    /// # Errors
    /// [`AllowlistError::TooMany`] past 65,535 lists.
    pub fn add_list(&mut self, name: &str) -> Result<ListId, AllowlistError> {
        let id = ListId::try_from(self.lists.len()).map_err(|_| AllowlistError::TooMany)?;
        self.lists.push(List {
            name: Box::from(name),
            values: 0,
            rule: None,
        });
        Ok(id)
    }

    /// Adds `value` to list `list`: written as a user would (defanged, Unicode, trailing
    /// dot, any case); whether it is a value.
    pub fn add(&mut self, list: ListId, value: &str) -> bool {
        match read::value_of(value) {
            Some((kind, v)) => {
                self.add_canonical(list, kind, &v);
                true
            }
            None => false,
        }
    }

    /// Adds `value`, already canonical, of type `kind`, to list `list`.
    pub fn add_canonical(&mut self, list: ListId, kind: IndicatorType, value: &str) {
        self.index.insert(kind, value, list);
        if let Some(l) = self.lists.get_mut(usize::from(list)) {
            l.values += 1;
        }
    }

    /// Reads the file (or every list in the folder) at `path` and adds its lists; `name`
    /// names a plain file's list instead of its file name. Returns the notes on lines
    /// that were no value (one line each, naming file and line).
    ///
    /// # Errors
    /// [`AllowlistError`] naming the file: it cannot be read, or it is no list.
    pub fn read(&mut self, path: &Path, name: Option<&str>) -> Result<Vec<String>, AllowlistError> {
        let found = match name {
            Some(n) => vec![read::read_file(path, Some(n))?],
            None => read::lists_under(path)?,
        };
        let mut notes = Vec::new();
        for list in found {
            let id = self.add_list(&list.name)?;
            for (kind, v) in &list.values {
                self.add_canonical(id, *kind, v);
            }
            if let Some(l) = self.lists.get_mut(usize::from(id)) {
                l.rule = list.rule;
            }
            notes.extend(list.notes);
        }
        Ok(notes)
    }

    /// The lists named in the config (`paths`, in order), then the local allowlist at
    /// `local` when a file is there. Also the notes on skipped lines.
    ///
    /// # Errors
    /// The first list that cannot be used ([`AllowlistError`]); a local allowlist that is
    /// there but cannot be read is one too.
    pub fn load(
        paths: &[PathBuf],
        local: Option<&Path>,
    ) -> Result<(Self, Vec<String>), AllowlistError> {
        let mut lists = Allowlists::new();
        let mut notes = Vec::new();
        for p in paths {
            notes.extend(lists.read(p, None)?);
        }
        if let Some(local) = local
            && std::fs::symlink_metadata(local).is_ok()
        {
            notes.extend(lists.read(local, Some(LOCAL))?);
        }
        Ok((lists, notes))
    }

    /// How many lists there are.
    pub fn len(&self) -> usize {
        self.lists.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lists.is_empty()
    }

    /// Each list's name, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.lists.iter().map(|l| &*l.name)
    }

    /// How many values list `i` gave (0 for a MISP `substring` or `regex` list).
    pub fn values(&self, i: usize) -> usize {
        self.lists.get(i).map_or(0, |l| l.values)
    }

    /// Distinct values held by all lists together.
    pub fn distinct_values(&self) -> usize {
        self.index.len()
    }

    /// The list that covers `value`, a canonical indicator of type `kind` (as the store
    /// keys it), by the rules of the [module](self): the most specific entry's list,
    /// else the first MISP `substring` or `regex` list that holds it.
    pub fn covers(&self, kind: IndicatorType, value: &str) -> Option<ListId> {
        if let Some(l) = self.index.covers(kind, value) {
            return Some(l);
        }
        self.lists
            .iter()
            .position(|l| l.rule.as_ref().is_some_and(|r| r.holds(kind, value)))
            .and_then(|i| ListId::try_from(i).ok())
    }
}

impl MoreLists for Allowlists {
    fn count(&self) -> usize {
        self.len()
    }

    fn name(&self, i: usize) -> &str {
        self.lists.get(i).map_or("", |l| &l.name)
    }

    fn holding(&self, kind: IndicatorType, value: &str) -> Option<usize> {
        self.covers(kind, value).map(usize::from)
    }
}

/// Which lists apply: both unless `--no-warninglists` or `--no-allowlists` says not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Apply {
    pub warninglists: bool,
    pub allowlists: bool,
}

impl Apply {
    /// Both kinds of list.
    pub const BOTH: Apply = Apply {
        warninglists: true,
        allowlists: true,
    };
}

/// The lists in force, loaded.
#[derive(Debug)]
pub struct Loaded {
    /// The warninglists (built-in first), then the allowlists ([`Warninglists::with_more`]):
    /// a position below `lists.warninglists()` is a warninglist, from there on an
    /// allowlist.
    pub lists: Warninglists,
    /// Notes on skipped lines and entries, one line each, to be shown as warnings.
    pub notes: Vec<String>,
}

/// Whether position `i` of `lists` is an allowlist (else a warninglist).
pub fn is_allowlist(lists: &Warninglists, i: usize) -> bool {
    i >= lists.warninglists()
}

/// What a list is called in summaries and details: `allowlist local`, `warninglist
/// <name>` (the name sanitised, at most `max` characters).
pub fn label(lists: &Warninglists, i: usize, max: usize) -> String {
    let kind = if is_allowlist(lists, i) {
        "allowlist"
    } else {
        "warninglist"
    };
    format!("{kind} {}", one_line(lists.name(i), max))
}

/// Loads the lists `apply` asks for from `config` (`warninglists:`, `allowlists:`) and
/// the local allowlist ([`local_path`], `env` reading one environment variable).
///
/// # Errors
/// One line naming the field and the file: a warninglist or an allowlist that cannot be
/// read or is no list.
pub fn load(
    config: &Config,
    apply: Apply,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Loaded, String> {
    let lists = if apply.warninglists {
        Warninglists::load(&config.warninglists).map_err(|e: WarninglistError| e.to_string())?
    } else {
        Warninglists::none()
    };
    if !apply.allowlists {
        return Ok(Loaded {
            lists,
            notes: Vec::new(),
        });
    }
    let local = local_path(env);
    let (allow, notes) =
        Allowlists::load(&config.allowlists, local.as_deref()).map_err(|e| e.to_string())?;
    let lists = if allow.is_empty() {
        lists
    } else {
        lists.with_more(Arc::new(allow))
    };
    Ok(Loaded { lists, notes })
}

#[cfg(test)]
mod tests;
