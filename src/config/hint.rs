// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Pinpoints the line of a value error.
//!
//! The YAML reader reports errors raised by our own checks at the start of the enclosing
//! mapping, not at the offending field. Those checks therefore tag their message with what
//! to look for (a key, a value, or a repeated source name); [`resolve`] strips the tag and
//! finds the exact line and field in the file's text.

const MARK: char = '\u{1f}';

/// Tags `msg` with the key whose line is wanted.
pub fn at_key(key: &str, msg: &str) -> String {
    format!("{MARK}k{key}{MARK}{msg}")
}

/// Tags `msg` with the value whose line is wanted.
pub fn at_value(value: &str, msg: &str) -> String {
    format!("{MARK}v{}{MARK}{msg}", value.trim())
}

/// Tags `msg` with a source name whose last `name:` line is wanted.
pub fn at_last_name(name: &str, msg: &str) -> String {
    format!("{MARK}n{name}{MARK}{msg}")
}

/// Removes any tag from `message`; with the YAML text and the line the reader gave,
/// returns the refined line, the field on it, and the clean message.
pub fn resolve(
    text: &str,
    reported: Option<usize>,
    message: &str,
) -> (Option<usize>, Option<String>, String) {
    let Some(start) = message.find(MARK) else {
        return (reported, None, message.to_string());
    };
    let rest = &message[start + MARK.len_utf8()..];
    let Some(end) = rest.find(MARK) else {
        return (reported, None, message.to_string());
    };
    let tag = &rest[..end];
    let clean = format!("{}{}", &message[..start], &rest[end + MARK.len_utf8()..]);
    let from = reported.unwrap_or(1).saturating_sub(1);
    let lines: Vec<&str> = text.lines().collect();
    let found = match tag.split_at_checked(1) {
        Some(("k", key)) => (from..lines.len())
            .find_map(|i| key_pos(lines[i], key).map(|_| (i, Some(key.to_string())))),
        Some(("v", value)) if !value.is_empty() => (from..lines.len()).find_map(|i| {
            lines[i]
                .find(value)
                .map(|pos| (i, key_before(&lines[i][..pos])))
        }),
        Some(("n", name)) => (0..lines.len())
            .rev()
            .find(|&i| {
                key_pos(lines[i], "name").is_some_and(|p| {
                    let after = lines[i][p..].trim_start_matches([' ', '"', '\'']);
                    after.starts_with(name)
                        && !after[name.len()..]
                            .starts_with(|c: char| c.is_ascii_alphanumeric() || "_-.".contains(c))
                })
            })
            .map(|i| (i, Some("name".to_string()))),
        _ => None,
    };
    match found {
        Some((i, field)) => (Some(i + 1), field, clean),
        None => (reported, None, clean),
    }
}

/// Whether `line` holds the mapping key `key:`.
pub fn has_key(line: &str, key: &str) -> bool {
    key_pos(line, key).is_some()
}

/// The plain value of `key:` on `line`, if the line has that key: quotes taken off,
/// ending where a flow mapping's entry or a comment ends (`- { path: '/a b', x: 1 }`
/// -> `/a b`).
pub fn value_of<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let rest = line[key_pos(line, key)?..].trim_start();
    for q in ['\'', '"'] {
        if let Some(inner) = rest.strip_prefix(q) {
            return inner.find(q).map(|end| &inner[..end]);
        }
    }
    let end = rest.find([',', '}', '#']).unwrap_or(rest.len());
    Some(rest[..end].trim_end())
}

/// Where the value of `key:` starts on `line`, if the line has that key.
fn key_pos(line: &str, key: &str) -> Option<usize> {
    let pat = format!("{key}:");
    let mut search = 0;
    while let Some(off) = line[search..].find(&pat) {
        let at = search + off;
        let before = line[..at].chars().next_back();
        if before.is_none_or(|c| c == ' ' || c == '{' || c == ',' || c == '-') {
            return Some(at + pat.len());
        }
        search = at + pat.len();
    }
    None
}

/// The last mapping key before a value (`  - { url: ftp://x` -> `url`).
fn key_before(prefix: &str) -> Option<String> {
    let colon = prefix
        .trim_end()
        .trim_end_matches(['"', '\'', '[', ' '])
        .strip_suffix(':')?;
    let start = colon
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .map_or(0, |p| p + 1);
    let key = &colon[start..];
    (!key.is_empty()).then(|| key.to_string())
}

/// The first line (1-based) of `text` holding `needle`.
pub(super) fn find_line(text: &str, needle: &str) -> Option<usize> {
    text.lines().position(|l| l.contains(needle)).map(|i| i + 1)
}
