// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The one place that makes outside text safe to show or write as text.
//!
//! Feed data, server error bodies and config strings may carry terminal escape
//! sequences (`ESC ] 0 ; title BEL`, `ESC ] 52` clipboard writes), bidi overrides that
//! reorder what an analyst reads, or zero-width characters that hide inside values.
//! Every such character is replaced by a visible escape such as `\x1b` or `\u{202e}`.

use std::borrow::Cow;

/// True for characters that must never reach a terminal or a text export raw.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{200B}'..='\u{200F}'   // zero-width space/joiners, LRM/RLM
            | '\u{202A}'..='\u{202E}' // bidi embeddings and overrides
            | '\u{2060}'..='\u{2064}' // word joiner, invisible operators
            | '\u{2066}'..='\u{2069}' // bidi isolates
            | '\u{FEFF}'              // zero-width no-break space / BOM
            | '\u{061C}'              // Arabic letter mark
            | '\u{180E}'              // Mongolian vowel separator
        )
}

/// Replaces every unsafe character with a visible escape (`\x1b`, `\u{202e}`).
/// Returns the input unchanged (borrowed) when it is already safe.
pub fn sanitize(input: &str) -> Cow<'_, str> {
    if !input.chars().any(is_unsafe) {
        return Cow::Borrowed(input);
    }
    let mut out = String::with_capacity(input.len() + 8);
    for c in input.chars() {
        push_escaped(&mut out, c);
    }
    Cow::Owned(out)
}

/// Like [`sanitize`], then cut to at most `max_chars` characters with a trailing `…`.
pub fn sanitize_truncated(input: &str, max_chars: usize) -> String {
    let clean = sanitize(input);
    if clean.chars().count() <= max_chars {
        return clean.into_owned();
    }
    let mut out: String = clean.chars().take(max_chars.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Sanitises one line of text: additionally folds any run of whitespace (including
/// the escaped newlines) into single spaces, for single-line displays and error messages.
pub fn one_line(input: &str, max_chars: usize) -> String {
    let folded: String = input.split_whitespace().collect::<Vec<_>>().join(" ");
    sanitize_truncated(&folded, max_chars)
}

fn push_escaped(out: &mut String, c: char) {
    use std::fmt::Write;
    if !is_unsafe(c) {
        out.push(c);
    } else if (c as u32) < 0x100 {
        let _ = write!(out, "\\x{:02x}", c as u32);
    } else {
        let _ = write!(out, "\\u{{{:04x}}}", c as u32);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_terminal_sequences() {
        assert_eq!(sanitize("\x1b]0;PWNED\x07x"), "\\x1b]0;PWNED\\x07x");
        assert_eq!(sanitize("\x1b]52;c;aGk=\x07"), "\\x1b]52;c;aGk=\\x07");
        assert_eq!(sanitize("a\u{9b}b"), "a\\x9bb");
        assert_eq!(sanitize("del\x7f"), "del\\x7f");
        assert_eq!(sanitize("tab\tnl\n"), "tab\\x09nl\\x0a");
    }

    #[test]
    fn escapes_bidi_and_zero_width() {
        assert_eq!(sanitize("evil\u{202e}gpj.exe"), "evil\\u{202e}gpj.exe");
        assert_eq!(
            sanitize("a\u{200b}b\u{2066}c\u{feff}"),
            "a\\u{200b}b\\u{2066}c\\u{feff}"
        );
    }

    #[test]
    fn leaves_safe_text_borrowed() {
        assert!(matches!(sanitize("héllo wörld ✓"), Cow::Borrowed(_)));
    }

    #[test]
    fn truncates_by_characters() {
        assert_eq!(sanitize_truncated("abcdef", 4), "abc…");
        assert_eq!(sanitize_truncated("abc", 4), "abc");
        assert_eq!(one_line("a\n  b\r\n\x1bc", 80), "a b \\x1bc");
    }
}
