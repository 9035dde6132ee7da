// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The local allowlist as triage writes it: a plain list (one value per line, `#`
//! comments) in the folder of the default store, to which a false-positive mark can add
//! its value. Each value added comes after a comment line saying who marked it, when
//! and why. The file is created owner-only (`0600`, its folder `0700`).

use std::io::{self, BufRead, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::model::private_fs;
use crate::model::sanitize::{one_line, sanitize};

/// What [`append_to_allowlist`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Appended {
    /// The value was added.
    Added,
    /// A line of the file already held it: nothing was written.
    AlreadyListed,
}

/// Where the local allowlist is: [`crate::trust::allowlist::local_path`], the list the
/// allowlists load as `local`.
pub fn local_allowlist_path(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    crate::trust::allowlist::local_path(env)
}

/// Adds `value` (canonical, as the store keys it) as a line of the list at `path`,
/// after `comment` as a `#` line (sanitised to one line), unless a line holds it
/// already. Creates the file owner-only, and its folder, when they are missing; a file
/// that does not end in a newline gets one first.
///
/// # Errors
/// `InvalidInput` for a value that cannot be one line of a list (empty, starting with
/// `#`, holding spaces or control characters); else the file cannot be read or written.
pub fn append_to_allowlist(path: &Path, value: &str, comment: &str) -> io::Result<Appended> {
    let one_value = !value.is_empty()
        && !value.starts_with('#')
        && !value.chars().any(char::is_whitespace)
        && sanitize(value) == value;
    if !one_value {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} cannot be one line of an allowlist", one_line(value, 80)),
        ));
    }
    private_fs::create_parent(path)?;
    let mut file = private_fs::options()
        .read(true)
        .append(true)
        .create(true)
        .open(path)?;
    let mut ends_in_newline = true;
    {
        let mut lines = io::BufReader::new(&mut file);
        let mut line = Vec::new();
        loop {
            line.clear();
            if lines.read_until(b'\n', &mut line)? == 0 {
                break;
            }
            ends_in_newline = line.ends_with(b"\n");
            if line.trim_ascii() == value.as_bytes() {
                return Ok(Appended::AlreadyListed);
            }
        }
    }
    let mut text = String::new();
    if !ends_in_newline {
        text.push('\n');
    }
    let comment = one_line(comment, 300);
    if !comment.is_empty() {
        text.push_str("# ");
        text.push_str(&comment);
        text.push('\n');
    }
    text.push_str(value);
    text.push('\n');
    // Appends go to the end whatever was read.
    file.seek(SeekFrom::End(0))?;
    file.write_all(text.as_bytes())?;
    file.flush()?;
    Ok(Appended::Added)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_path_is_beside_the_default_store() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                vars.iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(
            local_allowlist_path(&env(&[("XDG_DATA_HOME", "/d"), ("HOME", "/h")])),
            Some(PathBuf::from("/d/intellisiem/allowlist.txt"))
        );
        assert_eq!(
            local_allowlist_path(&env(&[("XDG_DATA_HOME", ""), ("HOME", "/h")])),
            Some(PathBuf::from("/h/.local/share/intellisiem/allowlist.txt"))
        );
        assert_eq!(local_allowlist_path(&env(&[("HOME", "")])), None);
        // The same folder as the default store.
        let e = env(&[("HOME", "/h")]);
        assert_eq!(
            local_allowlist_path(&e).unwrap().parent(),
            crate::store::persist::default_path(&e).unwrap().parent()
        );
    }

    #[test]
    fn a_value_is_added_once_after_its_comment_in_an_owner_only_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("share/intellisiem/allowlist.txt");
        assert_eq!(
            append_to_allowlist(&path, "203.0.113.9", "false positive: cdn\nedge").unwrap(),
            Appended::Added
        );
        assert_eq!(
            append_to_allowlist(&path, "203.0.113.9", "again").unwrap(),
            Appended::AlreadyListed
        );
        assert_eq!(
            append_to_allowlist(&path, "cdn.example", "").unwrap(),
            Appended::Added
        );
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "# false positive: cdn edge\n203.0.113.9\ncdn.example\n"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&path), 0o600);
            assert_eq!(mode(path.parent().unwrap()), 0o700);
        }
    }

    #[test]
    fn a_file_without_a_last_newline_and_hostile_values_are_handled() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("allowlist.txt");
        std::fs::write(&path, b"# mine\n192.0.2.1\n\xff\xfe junk").unwrap();
        append_to_allowlist(&path, "192.0.2.2", "\u{1b}]0;x\u{7}").unwrap();
        let text = std::fs::read(&path).unwrap();
        assert!(
            text.ends_with(b"\xff\xfe junk\n# \\x1b]0;x\\x07\n192.0.2.2\n"),
            "{:?}",
            String::from_utf8_lossy(&text)
        );
        assert_eq!(
            append_to_allowlist(&path, "192.0.2.1", "").unwrap(),
            Appended::AlreadyListed
        );
        for bad in ["", "#x", "a b", "a\nb", "x\u{202e}y"] {
            let e = append_to_allowlist(&path, bad, "").unwrap_err();
            assert_eq!(e.kind(), io::ErrorKind::InvalidInput, "{bad:?}");
        }
    }
}
