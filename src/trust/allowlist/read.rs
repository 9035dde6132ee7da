// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Reading allowlist files: plain lists (one value per line, `#` comments and blank
//! lines ignored, a comment after a value too when a space or tab comes before its `#`)
//! and MISP warninglists (FORMATS-LOGS.md §8, parsed by
//! [`crate::matching::warninglist::MispList`]). A value may be written as a user pastes
//! it: defanged (`evil[.]example`, `hxxp://`), in Unicode, with a trailing dot, in upper
//! case, with `*.` before a domain; it is kept in the canonical form the store keys by.
//! A line that is no value is counted and skipped, with a note naming the file and the
//! line.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use super::AllowlistError;
use crate::matching::warninglist::{MispList, Warninglist};
use crate::model::IndicatorType;
use crate::model::indicator::detect;
use crate::model::sanitize::one_line;

/// Lines longer than this many bytes are no value (the longest value kept is 4 KiB); they
/// are skipped without being held in memory.
const LINE_MAX: usize = 16 << 10;

/// Notes naming a bad line, per file; the rest are counted in one more note.
const NOTES_PER_FILE: usize = 5;

/// One list as read from its file.
#[derive(Debug, Default)]
pub(super) struct ReadList {
    /// The list's name: a plain list's file name without extension (its path under the
    /// folder named in the config, for a file found there), a MISP list's `name`.
    pub name: String,
    /// Its values, canonical, with their types.
    pub values: Vec<(IndicatorType, String)>,
    /// A MISP `substring` or `regex` list, which compares by its own rule.
    pub rule: Option<Warninglist>,
    /// Lines (or MISP entries) that were no value.
    pub bad: usize,
    /// One line each: the first bad lines, named by file and line, then how many more.
    pub notes: Vec<String>,
}

/// Every list under `path` (a file, or a folder searched up to four levels deep for
/// `*.json` MISP warninglists and `*.txt`, `*.list`, `*.lst` plain lists; names starting
/// with `.` are passed over), in path order.
///
/// # Errors
/// [`AllowlistError`] naming the file: it cannot be read, or it is no list.
pub(super) fn lists_under(path: &Path) -> Result<Vec<ReadList>, AllowlistError> {
    let meta = std::fs::metadata(path).map_err(|e| AllowlistError::read(path, &e))?;
    if !meta.is_dir() {
        return Ok(vec![read_file(path, None)?]);
    }
    let mut files = Vec::new();
    collect(path, &mut files, 0)?;
    files.sort();
    files
        .iter()
        .map(|f| {
            let rel = f.strip_prefix(path).unwrap_or(f).with_extension("");
            read_file(f, Some(&rel.to_string_lossy()))
        })
        .collect()
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) -> Result<(), AllowlistError> {
    if depth > 4 {
        return Ok(());
    }
    let entries = std::fs::read_dir(dir).map_err(|e| AllowlistError::read(dir, &e))?;
    for entry in entries {
        let p = entry.map_err(|e| AllowlistError::read(dir, &e))?.path();
        if p.file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        {
            continue;
        }
        if p.is_dir() {
            collect(&p, out, depth + 1)?;
        } else if p
            .extension()
            .is_some_and(|e| ["json", "txt", "list", "lst"].iter().any(|x| e == *x))
        {
            out.push(p);
        }
    }
    Ok(())
}

/// Reads one file: a MISP warninglist when its first character (after spaces and a
/// byte-order mark) is `{`, else a plain list. `name` overrides a plain list's name.
///
/// # Errors
/// [`AllowlistError`]: the file cannot be read, is not a MISP warninglist although it
/// starts as JSON, or holds lines but no value at all.
pub(super) fn read_file(path: &Path, name: Option<&str>) -> Result<ReadList, AllowlistError> {
    let file = std::fs::File::open(path).map_err(|e| AllowlistError::read(path, &e))?;
    let mut reader = BufReader::with_capacity(64 << 10, file);
    let head = reader
        .fill_buf()
        .map_err(|e| AllowlistError::read(path, &e))?;
    let json = head
        .strip_prefix(b"\xef\xbb\xbf")
        .unwrap_or(head)
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        == Some(&b'{');
    let list = if json {
        let mut bytes = Vec::new();
        reader
            .read_to_end(&mut bytes)
            .map_err(|e| AllowlistError::read(path, &e))?;
        read_misp(path, &bytes)?
    } else {
        let stem = path
            .file_stem()
            .map_or_else(|| "allowlist".into(), |s| s.to_string_lossy().into_owned());
        let mut list = ReadList {
            name: name.map_or(stem, str::to_string),
            ..ReadList::default()
        };
        read_plain(path, reader, &mut list)?;
        list
    };
    if list.values.is_empty() && list.rule.is_none() && list.bad > 0 {
        return Err(AllowlistError::NoValues {
            path: path.to_path_buf(),
            bad: list.bad,
        });
    }
    Ok(list)
}

/// What a note names a file by.
fn shown(path: &Path) -> String {
    one_line(&path.display().to_string(), 200)
}

/// Records a line (or entry) that is no value.
fn bad(list: &mut ReadList, path: &Path, at: &str, why: &str, text: &str) {
    list.bad += 1;
    if list.notes.len() < NOTES_PER_FILE {
        let excerpt = if text.is_empty() {
            String::new()
        } else {
            format!(": `{}`", one_line(text, 60))
        };
        list.notes.push(format!(
            "allowlist {}, {at}: {why}{excerpt} (skipped)",
            shown(path)
        ));
    }
}

/// Adds the note that counts the bad lines past the ones named.
fn close(list: &mut ReadList, path: &Path, what: &str) {
    if list.bad > NOTES_PER_FILE {
        list.notes.push(format!(
            "allowlist {}: {} more {what} skipped",
            shown(path),
            crate::model::count::grouped((list.bad - NOTES_PER_FILE) as u64)
        ));
    }
}

/// A value as a user writes it, canonical; `None` when it is none. A domain may start
/// with `*.` or `.` (its subdomains are covered anyway); a name of one label (`com`) is
/// no value, since it would cover a whole top-level domain.
pub(super) fn value_of(text: &str) -> Option<(IndicatorType, String)> {
    let t = text.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    let t = t
        .strip_prefix("*.")
        .or_else(|| t.strip_prefix('.'))
        .unwrap_or(t);
    let n = detect(t)?;
    Some((n.kind, n.value))
}

fn read_plain(
    path: &Path,
    mut reader: impl BufRead,
    list: &mut ReadList,
) -> Result<(), AllowlistError> {
    let mut line = Vec::new();
    let mut number = 0usize;
    loop {
        line.clear();
        let (ended, too_long) =
            next_line(&mut reader, &mut line).map_err(|e| AllowlistError::read(path, &e))?;
        if ended && line.is_empty() && !too_long {
            break;
        }
        number += 1;
        let at = format!("line {number}");
        if too_long {
            bad(list, path, &at, "longer than any value", "");
            continue;
        }
        let Ok(text) = std::str::from_utf8(&line) else {
            bad(list, path, &at, "not UTF-8", "");
            continue;
        };
        let text = if number == 1 {
            text.trim_start_matches('\u{feff}')
        } else {
            text
        };
        let value = strip_comment(text).trim();
        if value.is_empty() {
            continue;
        }
        match value_of(value) {
            Some(v) => list.values.push(v),
            None => bad(list, path, &at, "not a value", value),
        }
        if ended {
            break;
        }
    }
    close(list, path, "lines that are not values");
    Ok(())
}

/// The line in `text` before a comment: a `#` at its start, or after a space or tab.
fn strip_comment(text: &str) -> &str {
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'#' && (i == 0 || matches!(bytes[i - 1], b' ' | b'\t')) {
            return &text[..i];
        }
    }
    text
}

/// Reads one line into `out` (without its `\n`, keeping at most [`LINE_MAX`] bytes).
/// Returns whether the input ended, and whether the line was too long (its bytes are
/// read through and dropped).
fn next_line(reader: &mut impl BufRead, out: &mut Vec<u8>) -> std::io::Result<(bool, bool)> {
    let mut too_long = false;
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok((true, too_long));
        }
        let (part, found) = match memchr::memchr(b'\n', buf) {
            Some(i) => (&buf[..i], Some(i)),
            None => (buf, None),
        };
        if !too_long && out.len() + part.len() <= LINE_MAX {
            out.extend_from_slice(part);
        } else {
            too_long = true;
            out.clear();
        }
        let used = found.map_or(part.len(), |i| i + 1);
        reader.consume(used);
        if found.is_some() {
            if out.last() == Some(&b'\r') {
                out.pop();
            }
            return Ok((false, too_long));
        }
    }
}

/// A MISP warninglist as an allowlist: the entries of a `string`, `hostname` or `cidr`
/// list become values that compare as allowlist values do (a domain covers its
/// subdomains whatever the list's `type`); a `substring` or `regex` list keeps its own
/// rule. Entries that are no value are counted and skipped with a note.
fn read_misp(path: &Path, bytes: &[u8]) -> Result<ReadList, AllowlistError> {
    let shape = |reason: String| AllowlistError::Shape {
        path: path.to_path_buf(),
        reason: one_line(&reason, 300),
    };
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let raw = MispList::parse(bytes).map_err(shape)?;
    let mut list = ReadList {
        name: raw.name.clone(),
        ..ReadList::default()
    };
    match raw.kind.as_str() {
        "substring" | "regex" => {
            list.rule = Some(Warninglist::from_misp(raw).map_err(shape)?);
        }
        "string" | "hostname" | "cidr" => {
            for (i, entry) in raw.list.iter().enumerate() {
                let value = value_of(entry);
                match value {
                    Some(v) => list.values.push(v),
                    None => bad(
                        &mut list,
                        path,
                        &format!("entry {}", i + 1),
                        "not a value",
                        entry,
                    ),
                }
            }
            close(&mut list, path, "entries that are not values");
        }
        other => {
            return Err(shape(format!(
                "unknown type `{}` (expected string, substring, hostname, cidr or regex)",
                one_line(other, 40)
            )));
        }
    }
    Ok(list)
}
