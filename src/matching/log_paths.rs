// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! What a followed path names: a file or a glob of files (a `logs:` entry, a
//! `match --follow` argument), and, when it cannot be read, why ([`Unreadable`]: a
//! folder, nothing there yet, or a file that cannot be opened or read). `config check`
//! asks before the dashboard starts; the follower says so whenever it changes, so a log
//! that cannot be read is never passed over in silence.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use crate::model::sanitize::one_line;

/// Whether a followed path is a glob (names files by pattern) rather than one path.
pub fn is_glob(path: &str) -> bool {
    path.contains(['*', '?', '['])
}

/// The paths a followed path names now: its glob's matches that are files, else (a
/// plain path, which may not exist yet) the path itself. Sorted.
pub fn expand(path: &str) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = glob::glob(path)
        .map(|paths| {
            paths
                .filter_map(Result::ok)
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    if found.is_empty() && !is_glob(path) {
        found.push(PathBuf::from(path));
    }
    found
}

/// Why a followed path cannot be read now. Its text is one line, the path sanitised.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unreadable {
    /// A folder: followed paths name files, or globs of them.
    #[error("{0} is a folder, not a log: give a file, or a glob such as {0}/*.log")]
    Folder(String),
    /// Nothing there yet; followed, it is read once it appears.
    #[error("{0} does not exist (yet); it is read once it appears")]
    Missing(String),
    /// There, but it cannot be opened or read (permission denied, an I/O error).
    #[error("cannot read {path}: {reason}")]
    Denied { path: String, reason: String },
}

impl Unreadable {
    /// Why `path` could not be opened or read, from the error `e`.
    pub fn of(path: &Path, e: &io::Error) -> Unreadable {
        let shown = shown(path);
        match e.kind() {
            io::ErrorKind::NotFound => Unreadable::Missing(shown),
            io::ErrorKind::IsADirectory => Unreadable::Folder(shown),
            _ => Unreadable::Denied {
                path: shown,
                reason: reason(e),
            },
        }
    }

    /// The path as shown in the message.
    pub fn path(&self) -> &str {
        match self {
            Unreadable::Folder(p) | Unreadable::Missing(p) => p,
            Unreadable::Denied { path, .. } => path,
        }
    }
}

/// `path` for a message: one line, sanitised.
fn shown(path: &Path) -> String {
    one_line(&path.display().to_string(), 300)
}

/// An I/O error in words, one line, without its `(os error N)`: `permission denied`.
pub fn reason(e: &io::Error) -> String {
    if e.kind() == io::ErrorKind::PermissionDenied {
        return "permission denied".into();
    }
    let text = e.to_string();
    let text = match text.find(" (os error ") {
        Some(i) => &text[..i],
        None => &text,
    };
    one_line(&text.to_lowercase(), 200)
}

/// Whether `path` can be followed now: a file that opens, and whose first byte (if it
/// has one) can be read. Errors: why not ([`Unreadable`]).
pub fn check(path: &Path) -> Result<(), Unreadable> {
    let mut file = File::open(path).map_err(|e| Unreadable::of(path, &e))?;
    let meta = file.metadata().map_err(|e| Unreadable::of(path, &e))?;
    if meta.is_dir() {
        return Err(Unreadable::Folder(shown(path)));
    }
    let mut first = [0u8; 1];
    loop {
        match file.read(&mut first) {
            Ok(_) => return Ok(()),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(Unreadable::of(path, &e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_a_missing_file_and_an_unreadable_one_say_why() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("suricata");
        std::fs::create_dir(&folder).unwrap();
        let e = check(&folder).unwrap_err();
        assert_eq!(e, Unreadable::Folder(folder.display().to_string()));
        assert!(e.to_string().ends_with("suricata/*.log"), "{e}");
        let gone = dir.path().join("eve.json");
        assert!(matches!(check(&gone), Err(Unreadable::Missing(_))));
        std::fs::write(&gone, "").unwrap();
        assert_eq!(check(&gone), Ok(()), "an empty file can be followed");
        let denied = io::Error::from(io::ErrorKind::PermissionDenied);
        assert_eq!(
            Unreadable::of(Path::new("/var/log/x\u{1b}[2J.log"), &denied).to_string(),
            "cannot read /var/log/x\\x1b[2J.log: permission denied"
        );
    }

    /// A file that opens but cannot be read (here the process's own memory at address
    /// 0) is unreadable, with the reason in words.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_file_that_opens_but_cannot_be_read_is_unreadable() {
        let e = check(Path::new("/proc/self/mem")).unwrap_err();
        assert!(
            matches!(&e, Unreadable::Denied { reason, .. } if reason == "input/output error"),
            "{e:?}"
        );
    }

    #[test]
    fn a_glob_expands_to_files_and_a_missing_path_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        for n in ["a.log", "b.log", "c.txt"] {
            std::fs::write(dir.path().join(n), "").unwrap();
        }
        std::fs::create_dir(dir.path().join("d.log")).unwrap();
        let got = expand(&format!("{}/*.log", dir.path().display()));
        assert_eq!(got, [dir.path().join("a.log"), dir.path().join("b.log")]);
        let later = format!("{}/later.json", dir.path().display());
        assert_eq!(expand(&later), [PathBuf::from(later)]);
        let none = format!("{}/*.gz", dir.path().display());
        assert!(
            expand(&none).is_empty(),
            "a glob is never followed as a name"
        );
    }
}
