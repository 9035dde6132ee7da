// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! ASCII-only drawing, for `--ascii` and for terminals whose locale is not UTF-8. The
//! dashboard's own symbols come from [`super::glyphs::ASCII`]; key names get their
//! spelled-out forms ([`keys`]); and whatever else is not ASCII by the time a frame is
//! drawn (text from feeds, log messages) is folded cell by cell ([`fold_buffer`]), so no
//! cell of an ASCII frame holds anything but printable ASCII.

use std::borrow::Cow;

use ratatui::buffer::Buffer;

/// Whether the locale asks for ASCII: the first non-empty of `LC_ALL`, `LC_CTYPE` and
/// `LANG` (POSIX's order) names a character set other than UTF-8, or none is set (the
/// "C" locale). `var` reads one environment variable.
pub fn locale_wants_ascii(var: impl Fn(&str) -> Option<String>) -> bool {
    let locale = ["LC_ALL", "LC_CTYPE", "LANG"]
        .into_iter()
        .filter_map(var)
        .find(|v| !v.is_empty());
    !locale.is_some_and(|l| is_utf8(&l))
}

/// Whether a locale name (`en_US.UTF-8`, `C.utf8`, `de_DE.UTF-8@euro`) names UTF-8.
fn is_utf8(locale: &str) -> bool {
    let codeset = locale
        .split_once('.')
        .map_or("", |(_, rest)| rest.split('@').next().unwrap_or(""));
    codeset.eq_ignore_ascii_case("utf-8") || codeset.eq_ignore_ascii_case("utf8")
}

/// Key names as shown in hints and help, with their symbols spelled out in ASCII.
pub fn keys(text: &str) -> Cow<'_, str> {
    if text.is_ascii() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '⏎' => out.push_str("Enter"),
            '↑' => out.push_str("Up"),
            '↓' => out.push_str("Down"),
            '←' => out.push_str("Left"),
            '→' => out.push_str("Right"),
            c => out.push(fold(c)),
        }
    }
    Cow::Owned(out)
}

/// One character's ASCII stand-in, one cell wide: line drawing becomes `-|+`, blocks
/// `#`, braille `*`, the dashboard's marks their look-alikes, anything else `?`. The
/// cut mark `…` becomes `>` (as in vim), never the `~` of a disabled source; bullets
/// become `*`.
pub fn fold(c: char) -> char {
    match c {
        ' '..='~' => c,
        '─' | '━' | '═' | '╌' | '┄' => '-',
        '│' | '┃' | '║' | '╎' | '┆' | '▏' | '▕' => '|',
        '╳' | '✗' | '×' => 'x',
        '\u{2500}'..='\u{257f}' => '+',
        '\u{2580}'..='\u{259f}' => '#',
        '\u{2800}'..='\u{28ff}' => '*',
        '✓' => '+',
        '–' | '—' | '‐' | '−' => '-',
        '·' => '|',
        '•' | '▸' | '‣' | '◦' => '*',
        '…' => '>',
        '⚠' => '!',
        '↑' | '▲' => '^',
        '↓' | '▼' => 'v',
        '→' | '⏎' | '›' => '>',
        '←' | '‹' => '<',
        '◉' => '@',
        '⊘' => '-',
        '↺' => 'R',
        '‘' | '’' => '\'',
        '“' | '”' => '"',
        _ => '?',
    }
}

/// Rewrites every cell of `buf` that holds anything but printable ASCII.
pub fn fold_buffer(buf: &mut Buffer) {
    for cell in &mut buf.content {
        let sym = cell.symbol();
        if sym.bytes().all(|b| (b' '..=b'~').contains(&b)) {
            continue;
        }
        let c = sym.chars().next().map_or(' ', fold);
        let mut tmp = [0u8; 4];
        cell.set_symbol(c.encode_utf8(&mut tmp));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| (*v).to_string())
        }
    }

    #[test]
    fn the_first_non_empty_locale_variable_decides() {
        assert!(!locale_wants_ascii(env(&[("LANG", "en_US.UTF-8")])));
        assert!(!locale_wants_ascii(env(&[("LANG", "C.utf8")])));
        assert!(!locale_wants_ascii(env(&[("LANG", "de_DE.UTF-8@euro")])));
        assert!(locale_wants_ascii(env(&[("LANG", "C")])));
        assert!(locale_wants_ascii(env(&[("LANG", "POSIX")])));
        assert!(locale_wants_ascii(env(&[("LANG", "en_US.ISO-8859-1")])));
        assert!(locale_wants_ascii(env(&[("LANG", "en_US")])));
        // Nothing set is the C locale.
        assert!(locale_wants_ascii(env(&[])));
        // LC_ALL wins over LC_CTYPE, which wins over LANG; empty ones are skipped.
        assert!(locale_wants_ascii(env(&[
            ("LC_ALL", "C"),
            ("LC_CTYPE", "en_US.UTF-8"),
            ("LANG", "en_US.UTF-8"),
        ])));
        assert!(!locale_wants_ascii(env(&[
            ("LC_ALL", ""),
            ("LC_CTYPE", "en_US.UTF-8"),
            ("LANG", "C"),
        ])));
        assert!(locale_wants_ascii(env(&[
            ("LC_ALL", ""),
            ("LC_CTYPE", "C"),
            ("LANG", "en_US.UTF-8"),
        ])));
        assert!(!locale_wants_ascii(env(&[
            ("LC_ALL", "C.UTF-8"),
            ("LANG", "C")
        ])));
        assert!(locale_wants_ascii(env(&[("LANG", ".")])));
        assert!(locale_wants_ascii(env(&[("LANG", "UTF-8")])));
    }

    #[test]
    fn key_names_are_spelled_out() {
        assert_eq!(keys("j  k  ↑  ↓"), "j  k  Up  Down");
        assert_eq!(keys("⏎"), "Enter");
        assert!(matches!(keys("r/R"), Cow::Borrowed("r/R")));
    }

    #[test]
    fn a_cut_never_looks_like_a_state() {
        let g = &super::super::glyphs::ASCII;
        let cut = fold('…').to_string();
        for state in [g.ok, g.failed, g.disabled, g.idle, g.warn, g.retro, g.seen] {
            assert_ne!(cut, state);
        }
        assert!(!g.spinner.contains(&cut.as_str()));
    }

    #[test]
    fn folded_buffers_hold_printable_ascii_only() {
        use ratatui::layout::Rect;
        use ratatui::style::Style;
        let mut buf = Buffer::empty(Rect::new(0, 0, 20, 1));
        buf.set_string(0, 0, "┌─✓漢字é…⠋▁\u{200b}", Style::default());
        fold_buffer(&mut buf);
        let text: String = buf.content.iter().map(|c| c.symbol()).collect();
        // The zero-width space joins the bar's cell, and goes with it.
        assert_eq!(text, "+-+? ? ?>*#         ");
        assert!(text.bytes().all(|b| (b' '..=b'~').contains(&b)));
    }
}
