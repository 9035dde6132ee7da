// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The log file that outlives a session: a file appended to line by line, rotated when
//! it reaches a size limit (`intellisiem.log` → `intellisiem.log.1` → ... up to a number
//! of old files kept), each line made safe to read on a terminal (control characters
//! escaped) and free of the configured secrets.
//!
//! Hand-written rather than taken from `file-rotate`: that crate panics when the log
//! folder cannot be created (a read-only home, a removed folder at rotation), and a
//! panic ends the dashboard; here such a failure only stops the file being written.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::model::private_fs;

/// A size-rotated, append-only log file.
#[derive(Debug)]
pub struct RotatingFile {
    path: PathBuf,
    file: File,
    /// Bytes in the current file.
    size: u64,
    /// Rotate before a write would take the file past this many bytes.
    limit: u64,
    /// Old files kept (`.1` newest .. `.keep` oldest).
    keep: usize,
}

impl RotatingFile {
    /// Opens (creating it and its folder, owner-only on Unix) `path` for appending.
    ///
    /// # Errors
    /// The folder cannot be created or the file cannot be opened.
    pub fn open(path: &Path, limit: u64, keep: usize) -> io::Result<RotatingFile> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            private_fs::create_dir(dir)?;
        }
        let file = open_append(path)?;
        let size = file.metadata()?.len();
        Ok(RotatingFile {
            path: path.to_path_buf(),
            file,
            size,
            limit: limit.max(1),
            keep,
        })
    }

    /// The file written to.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends `line` (which should end in a newline), rotating first when the file
    /// would pass the limit. A line longer than the limit goes into a file of its own.
    ///
    /// # Errors
    /// Renaming or writing failed; the line is lost, nothing else is.
    pub fn append(&mut self, line: &[u8]) -> io::Result<()> {
        let len = line.len() as u64;
        if self.size > 0 && self.size + len > self.limit {
            self.rotate()?;
        }
        self.file.write_all(line)?;
        self.size += len;
        Ok(())
    }

    /// `path.{keep-1}` → `path.{keep}`, ..., `path` → `path.1`, then a fresh `path`.
    fn rotate(&mut self) -> io::Result<()> {
        if self.keep == 0 {
            self.file.set_len(0)?;
            self.size = 0;
            return Ok(());
        }
        for n in (1..self.keep).rev() {
            let from = numbered(&self.path, n);
            if from.exists() {
                std::fs::rename(&from, numbered(&self.path, n + 1))?;
            }
        }
        std::fs::rename(&self.path, numbered(&self.path, 1))?;
        self.file = open_append(&self.path)?;
        self.size = 0;
        Ok(())
    }
}

/// `path` with `.n` appended (`intellisiem.log.2`).
pub fn numbered(path: &Path, n: usize) -> PathBuf {
    let mut s = path.as_os_str().to_os_string();
    s.push(format!(".{n}"));
    PathBuf::from(s)
}

fn open_append(path: &Path) -> io::Result<File> {
    private_fs::options().create(true).append(true).open(path)
}

/// Makes one formatted log event fit for the file: control characters and other unsafe
/// characters escaped (`\x1b`), every configured secret replaced by `REDACTED`, and
/// exactly one newline at the end.
pub fn clean_line(event: &str, secrets: &[String]) -> String {
    // Redacted first: a secret holding a character that is escaped below would no
    // longer be found.
    let mut body = event.trim_end_matches(['\n', '\r']).to_string();
    for s in secrets {
        body = crate::net::redact::scrub(&body, s);
    }
    let mut text = crate::model::sanitize::sanitize(&body).into_owned();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(p: &Path) -> String {
        std::fs::read_to_string(p).unwrap_or_default()
    }

    #[test]
    fn rotates_at_the_limit_and_keeps_that_many_old_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state/intellisiem/intellisiem.log");
        let mut f = RotatingFile::open(&path, 10, 2).unwrap();
        for line in [
            "aaaa\n", "bbbb\n", "cccc\n", "dddd\n", "eeee\n", "ffff\n", "gggg\n",
        ] {
            f.append(line.as_bytes()).unwrap();
        }
        assert_eq!(read(&path), "gggg\n");
        assert_eq!(read(&numbered(&path, 1)), "eeee\nffff\n");
        assert_eq!(read(&numbered(&path, 2)), "cccc\ndddd\n");
        assert!(!numbered(&path, 3).exists(), "only two old files are kept");
    }

    #[test]
    fn appends_to_what_an_earlier_run_wrote_and_counts_its_size() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.log");
        std::fs::write(&path, "12345678\n").unwrap();
        let mut f = RotatingFile::open(&path, 12, 1).unwrap();
        f.append(b"next\n").unwrap();
        assert_eq!(read(&numbered(&path, 1)), "12345678\n");
        assert_eq!(read(&path), "next\n");
    }

    #[test]
    fn a_line_over_the_limit_is_written_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.log");
        let mut f = RotatingFile::open(&path, 4, 1).unwrap();
        f.append(b"a long line\n").unwrap();
        assert_eq!(read(&path), "a long line\n");
    }

    #[cfg(unix)]
    #[test]
    fn file_and_folder_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new/intellisiem.log");
        RotatingFile::open(&path, 100, 1).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(path.parent().unwrap()), 0o700);
    }

    #[test]
    fn an_unwritable_place_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("file");
        std::fs::write(&blocker, "").unwrap();
        assert!(RotatingFile::open(&blocker.join("sub/x.log"), 100, 1).is_err());
    }

    #[test]
    fn lines_are_escaped_and_secrets_redacted() {
        let secrets = vec!["s3cr3t-key-value".to_string()];
        let line = clean_line(
            "WARN fetch failed: key=s3cr3t-key-value \x1b]52;c;QQ==\x07\n",
            &secrets,
        );
        assert_eq!(
            line,
            "WARN fetch failed: key=REDACTED \\x1b]52;c;QQ==\\x07\n"
        );
        assert_eq!(clean_line("two\nlines\n", &[]), "two\\x0alines\n");
    }
}
