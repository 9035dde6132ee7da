// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Where an export goes: the file as typed in the prompt ([`Target`]), how it becomes a
//! path ([`resolve`]: `~` is the home folder, a folder gets the default name), why an
//! export did not happen ([`ExportError`]), and the prompt's warning when the file's
//! extension names another format ([`extension_warning`]). Nothing here touches the
//! file system; the runtime passes in what it found there.

use std::path::{Path, PathBuf};

use crate::export::Format;

/// The file an export is to write, as [`super::super::Effect::Export`] carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// The file as typed: see [`resolve`]. A regular file already there is not
    /// replaced; the answer is [`ExportError::Exists`].
    Typed {
        /// The path as typed (trimmed).
        path: String,
        /// The file's name when the path names a folder.
        default_name: String,
    },
    /// This file, replaced if it is there (the analyst said so).
    Replace(PathBuf),
}

/// Why an export wrote nothing. One line each.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExportError {
    /// The file is already there, and replacing it was not asked for.
    #[error("{} exists", .0.display())]
    Exists(PathBuf),
    /// The path starts with `~`, but the home folder is not known.
    #[error("~ is the home folder, but $HOME is not set")]
    NoHome,
    /// The path starts with `~name`: other users' folders are not looked up.
    #[error("{0}: only ~ and ~/ are expanded")]
    OtherHome(String),
    /// Writing failed: the file and the system's reason.
    #[error("{0}")]
    Write(String),
}

/// The file that `typed` names: a leading `~` or `~/` is `home`; a path ending in `/`,
/// or naming a folder that exists (`is_dir`), gets `default_name` inside it.
///
/// # Errors
/// [`ExportError::NoHome`] for `~` without a home folder, [`ExportError::OtherHome`]
/// for `~name`, [`ExportError::Write`] for an empty path.
pub fn resolve(
    typed: &str,
    home: Option<&Path>,
    default_name: &str,
    is_dir: impl Fn(&Path) -> bool,
) -> Result<PathBuf, ExportError> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Err(ExportError::Write("give a file to write".into()));
    }
    let mut path = match typed.strip_prefix('~') {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => {
            let home = home
                .filter(|h| !h.as_os_str().is_empty())
                .ok_or(ExportError::NoHome)?;
            home.join(rest.trim_start_matches('/'))
        }
        Some(_) => {
            let name = typed.split('/').next().unwrap_or(typed);
            return Err(ExportError::OtherHome(crate::model::sanitize::one_line(
                name, 60,
            )));
        }
        None => PathBuf::from(typed),
    };
    if typed.ends_with('/') || typed == "~" || is_dir(&path) {
        path.push(default_name);
    }
    Ok(path)
}

/// The extensions a format's files go by, its own first.
fn extensions(format: Format) -> &'static [&'static str] {
    match format {
        Format::Jsonl => &["jsonl", "ndjson"],
        Format::Csv => &["csv"],
        Format::Stix => &["json"],
        Format::Txt => &["txt"],
        Format::Ecs => &["ndjson", "jsonl", "json"],
        Format::ZeekIntel => &["dat", "intel"],
        Format::SuricataDataset => &["lst"],
        Format::SuricataIprep => &["list"],
        Format::WazuhCdb => &["wazuh"],
        Format::Rpz => &["rpz", "zone"],
    }
}

/// A warning when the file's extension belongs to another export format than `format`
/// (`out.csv` for jsonl); `None` when it fits, when there is none, when it is one no
/// format uses (`list.d`), and for a folder (`dir/`).
pub fn extension_warning(typed: &str, format: Format) -> Option<String> {
    let name = typed.trim().rsplit('/').next().unwrap_or("");
    let (stem, ext) = name.rsplit_once('.')?;
    if stem.is_empty() {
        return None;
    }
    let ext = ext.to_ascii_lowercase();
    let own = extensions(format);
    if own.contains(&ext.as_str()) {
        return None;
    }
    let other = super::FORMATS
        .iter()
        .find(|f| extensions(**f).contains(&ext.as_str()))?;
    Some(format!(
        ".{ext} is a {} file name; {} files end in .{}",
        other.as_str(),
        format.as_str(),
        own[0]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn home() -> Option<&'static Path> {
        Some(Path::new("/home/analyst"))
    }

    fn no_dirs(_: &Path) -> bool {
        false
    }

    #[test]
    fn a_tilde_is_the_home_folder() {
        let r = |t| resolve(t, home(), "d.jsonl", no_dirs);
        assert_eq!(r("~/out.csv"), Ok("/home/analyst/out.csv".into()));
        assert_eq!(r("~"), Ok("/home/analyst/d.jsonl".into()));
        assert_eq!(r("~/"), Ok("/home/analyst/d.jsonl".into()));
        assert_eq!(r("~/x/"), Ok("/home/analyst/x/d.jsonl".into()));
        assert_eq!(r("  /tmp/~/a "), Ok("/tmp/~/a".into()), "only a leading ~");
        assert_eq!(resolve("~/a", None, "d", no_dirs), Err(ExportError::NoHome));
        assert_eq!(
            resolve("~/a", Some(Path::new("")), "d", no_dirs),
            Err(ExportError::NoHome)
        );
        assert!(matches!(r("~root/a"), Err(ExportError::OtherHome(n)) if n == "~root"));
        assert!(matches!(r("   "), Err(ExportError::Write(_))));
    }

    #[test]
    fn a_folder_gets_the_default_name_with_or_without_a_slash() {
        let is_dir =
            |p: &Path| p == Path::new("/data/exports") || p == Path::new("/home/analyst/dl");
        let r = |t| resolve(t, home(), "d.csv", is_dir);
        assert_eq!(r("/data/exports"), Ok("/data/exports/d.csv".into()));
        assert_eq!(r("/data/exports/"), Ok("/data/exports/d.csv".into()));
        assert_eq!(r("~/dl"), Ok("/home/analyst/dl/d.csv".into()));
        assert_eq!(r("/data/exports/x.csv"), Ok("/data/exports/x.csv".into()));
        assert_eq!(r("/new/"), Ok("/new/d.csv".into()), "a folder to be");
    }

    #[test]
    fn an_extension_of_another_format_is_warned_about() {
        let w = extension_warning;
        assert_eq!(
            w("/tmp/out.csv", Format::Jsonl).as_deref(),
            Some(".csv is a csv file name; jsonl files end in .jsonl")
        );
        assert!(w("/tmp/out.jsonl", Format::Csv).is_some());
        assert!(w("/tmp/OUT.CSV", Format::Txt).is_some());
        for (path, format) in [
            ("/tmp/out.jsonl", Format::Jsonl),
            ("/tmp/out.NDJSON", Format::Jsonl),
            ("/tmp/out.json", Format::Stix),
            ("/tmp/out.ndjson", Format::Ecs),
            ("/tmp/out", Format::Csv),
            ("/tmp/list.d", Format::Csv),
            ("/tmp/.csv", Format::Jsonl),
            ("/tmp/a.csv/", Format::Jsonl),
            ("", Format::Jsonl),
        ] {
            assert_eq!(w(path, format), None, "{path} {format:?}");
        }
    }
}
