// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The one place that makes outside text safe to show or write as text.
//!
//! Feed data, server error bodies and config strings may carry terminal escape
//! sequences (`ESC ] 0 ; title BEL`, `ESC ] 52` clipboard writes), bidi overrides that
//! reorder what an analyst reads, or zero-width characters that hide inside values.
//! Every such character is replaced by a visible escape such as `\x1b` or `\u{202e}`.

use std::borrow::Cow;

use icu_properties::props::{BidiControl, DefaultIgnorableCodePoint, GeneralCategory};
use icu_properties::{CodePointMapData, CodePointSetData};

/// True for characters that must never reach a terminal or a text export raw: controls
/// (C0, DEL, C1), and from the Unicode Character Database (through `icu_properties`'
/// compiled data, so the sets follow Unicode rather than a hand-kept list) every
/// `Default_Ignorable_Code_Point` (zero-width characters, soft hyphen, the combining
/// grapheme joiner, variation selectors, tag characters U+E0000–E007F, ...), every
/// `Bidi_Control`, every format character (`General_Category=Cf`, which adds the
/// interlinear annotation characters U+FFF9–FFFB), and the line and paragraph separators
/// U+2028/U+2029. Plain ASCII takes a fast path that does not consult the tables.
pub fn is_unsafe(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_control();
    }
    c.is_control()
        || CodePointSetData::new::<DefaultIgnorableCodePoint>().contains(c)
        || CodePointSetData::new::<BidiControl>().contains(c)
        || matches!(
            CodePointMapData::<GeneralCategory>::new().get(c),
            GeneralCategory::Format
                | GeneralCategory::LineSeparator
                | GeneralCategory::ParagraphSeparator
        )
}

/// Appends `s` to `out` escaped for XML text and for double- or single-quoted
/// attributes (SVG, HTML): `& < > " '` as entities; characters XML 1.0 does not allow
/// (controls, U+FFFE, U+FFFF) become a space or U+FFFD.
pub fn push_xml_escaped(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\u{FFFE}' | '\u{FFFF}' => out.push('\u{FFFD}'),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
}

/// Replaces every unsafe character with a visible escape (`\x1b`, `\u{202e}`).
/// Returns the input unchanged (borrowed) when it is already safe.
pub fn sanitize(input: &str) -> Cow<'_, str> {
    if !input.chars().any(is_unsafe) {
        return Cow::Borrowed(input);
    }
    let mut out = String::with_capacity(input.len() + 8);
    pieces(input, |p| out.push_str(p));
    Cow::Owned(out)
}

/// The sanitised form of `input` in pieces, without allocating: runs of safe text as
/// slices of `input`, and each unsafe character as its escape. Concatenated, the pieces
/// are [`sanitize`]`(input)`.
pub fn pieces(input: &str, mut f: impl FnMut(&str)) {
    let mut rest = input;
    while let Some((i, c)) = rest.char_indices().find(|&(_, c)| is_unsafe(c)) {
        if i > 0 {
            f(&rest[..i]);
        }
        let mut esc = Escape::default();
        push_escaped(&mut esc, c);
        f(esc.as_str());
        rest = &rest[i + c.len_utf8()..];
    }
    if !rest.is_empty() {
        f(rest);
    }
}

/// Room for one escape: `\u{10ffff}` is the longest.
#[derive(Default)]
struct Escape {
    buf: [u8; 12],
    len: usize,
}

impl Escape {
    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or("")
    }
}

impl std::fmt::Write for Escape {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len + s.len();
        let slot = self.buf.get_mut(self.len..end).ok_or(std::fmt::Error)?;
        slot.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
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

fn push_escaped(out: &mut impl std::fmt::Write, c: char) {
    if !is_unsafe(c) {
        let _ = out.write_char(c);
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
    fn escapes_every_invisible_or_line_breaking_character() {
        for c in [
            '\u{2028}',  // line separator
            '\u{2029}',  // paragraph separator
            '\u{ad}',    // soft hyphen
            '\u{34f}',   // combining grapheme joiner
            '\u{fff9}',  // interlinear annotation anchor
            '\u{fffb}',  // interlinear annotation terminator
            '\u{e0001}', // language tag
            '\u{e0041}', // tag latin capital a
            '\u{e007f}', // cancel tag
            '\u{fe0f}',  // variation selector-16
            '\u{e0100}', // variation selector-17
            '\u{115f}',  // hangul choseong filler
            '\u{3164}',  // hangul filler
            '\u{200e}',  // left-to-right mark
            '\u{2067}',  // right-to-left isolate
            '\u{61c}',   // arabic letter mark
        ] {
            assert!(is_unsafe(c), "{c:?}");
            let shown = sanitize(&format!("a{c}b")).into_owned();
            let escape = if (c as u32) < 0x100 {
                format!("\\x{:02x}", c as u32)
            } else {
                format!("\\u{{{:04x}}}", c as u32)
            };
            assert_eq!(shown, format!("a{escape}b"));
        }
        for c in ['a', 'é', 'ß', '✓', '日', 'Ж', '\u{1f600}', ' '] {
            assert!(!is_unsafe(c), "{c:?}");
        }
    }

    #[test]
    fn pieces_join_to_the_sanitised_text() {
        for input in [
            "",
            "plain",
            "\x1b]0;t\x07",
            "a\u{10ffff}\u{202e}b\u{9b}",
            "\u{feff}",
        ] {
            let mut joined = String::new();
            pieces(input, |p| {
                assert!(!p.is_empty());
                joined.push_str(p);
            });
            assert_eq!(joined, sanitize(input), "{input:?}");
        }
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
