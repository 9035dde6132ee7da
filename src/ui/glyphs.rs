// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The symbols the dashboard draws with, in two sets: [`UNICODE`] and [`ASCII`] (for
//! `--ascii` and terminals whose locale is not UTF-8). Every state glyph, spinner frame,
//! sparkline bar, sort arrow, border and scrollbar piece has a form in each.

use ratatui::symbols::{border, scrollbar};

/// One set of symbols.
#[derive(Debug, Clone)]
pub struct Glyphs {
    /// A source whose last fetch succeeded.
    pub ok: &'static str,
    /// A source whose last fetch failed.
    pub failed: &'static str,
    /// A source that is disabled.
    pub disabled: &'static str,
    /// A source not fetched yet.
    pub idle: &'static str,
    /// The frames of the fetching spinner, one per 200 ms.
    pub spinner: &'static [&'static str],
    /// Sparkline bars, lowest to highest.
    pub bars: [char; 8],
    /// A failed fetch in a sparkline.
    pub failed_bar: char,
    /// A warning (`⚠ dropped 84%`, VirusTotal's malicious count).
    pub warn: &'static str,
    /// Between items of the header and the hints.
    pub sep: &'static str,
    /// The cursor after the filter being typed.
    pub cursor: &'static str,
    /// A column sorted in ascending order (A to Z, oldest first), in its heading and
    /// in the header.
    pub sort_up: &'static str,
    /// A column sorted in descending order (newest first, most sources first).
    pub sort_down: &'static str,
    /// The end of a sentence that goes on (`fetching indicators…`), not a cut; a cut
    /// shows as `…` in Unicode and `>` in ASCII (see [`super::ascii::fold`]).
    pub ellipsis: &'static str,
    /// A hit found by a retro-hunt, in the Hits view.
    pub retro: &'static str,
    /// An indicator seen in the followed logs, before its hit count in the table.
    pub seen: &'static str,
    /// An indicator an allowlist or a warninglist holds, before its value in the table.
    pub listed: &'static str,
    /// Pane borders.
    pub border: border::Set<'static>,
    /// The table's scrollbar.
    pub scrollbar: scrollbar::Set<'static>,
}

/// Box drawing, braille and block characters.
pub const UNICODE: Glyphs = Glyphs {
    ok: "✓",
    failed: "✗",
    disabled: "–",
    idle: "·",
    spinner: &["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"],
    bars: ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'],
    failed_bar: '╳',
    warn: "⚠",
    sep: " · ",
    cursor: "▏",
    sort_up: "▲",
    sort_down: "▼",
    ellipsis: "…",
    retro: "↺",
    seen: "◉",
    listed: "⊘",
    border: border::PLAIN,
    scrollbar: scrollbar::VERTICAL,
};

/// Printable ASCII only.
pub const ASCII: Glyphs = Glyphs {
    ok: "+",
    failed: "x",
    disabled: "~",
    idle: ".",
    spinner: &["|", "/", "-", "\\"],
    bars: ['_', '.', ',', ':', '-', '=', '*', '#'],
    failed_bar: 'x',
    warn: "!",
    sep: " | ",
    cursor: "_",
    sort_up: "^",
    sort_down: "v",
    ellipsis: "...",
    retro: "R",
    seen: "@",
    listed: "-",
    border: border::Set {
        top_left: "+",
        top_right: "+",
        bottom_left: "+",
        bottom_right: "+",
        vertical_left: "|",
        vertical_right: "|",
        horizontal_top: "-",
        horizontal_bottom: "-",
    },
    scrollbar: scrollbar::Set {
        track: "|",
        thumb: "#",
        begin: "^",
        end: "v",
    },
};

/// The set for an ASCII-only terminal or not.
pub fn glyphs(ascii: bool) -> &'static Glyphs {
    if ascii { &ASCII } else { &UNICODE }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(g: &Glyphs) -> String {
        let b = g.border;
        let s = &g.scrollbar;
        let mut out: String = [
            g.ok,
            g.failed,
            g.disabled,
            g.idle,
            g.warn,
            g.sep,
            g.cursor,
            g.sort_up,
            g.sort_down,
            g.ellipsis,
            g.retro,
            g.seen,
            g.listed,
        ]
        .concat();
        out.extend(g.spinner.iter().copied());
        out.extend(g.bars);
        out.push(g.failed_bar);
        out.extend([
            b.top_left,
            b.top_right,
            b.bottom_left,
            b.bottom_right,
            b.vertical_left,
            b.vertical_right,
            b.horizontal_top,
            b.horizontal_bottom,
            s.track,
            s.thumb,
            s.begin,
            s.end,
        ]);
        out
    }

    #[test]
    fn the_ascii_set_is_printable_ascii_and_the_states_differ() {
        let text = all(&ASCII);
        assert!(
            text.chars().all(|c| c.is_ascii_graphic() || c == ' '),
            "{text}"
        );
        assert!(!all(&UNICODE).is_ascii());
        for g in [&ASCII, &UNICODE] {
            let states = [g.ok, g.failed, g.disabled, g.idle];
            for (i, a) in states.iter().enumerate() {
                for b in &states[i + 1..] {
                    assert_ne!(a, b);
                }
                assert!(!g.spinner.contains(a), "{a} is also a spinner frame");
            }
            assert_ne!(g.sort_up, g.sort_down);
        }
    }

    #[test]
    fn every_unicode_glyph_has_an_ascii_stand_in() {
        // What reaches an ASCII frame without going through the ASCII set (a glyph
        // drawn before the mode was known, text the program writes itself) is folded:
        // none of the program's own symbols may fold to the `?` of unknown text.
        for c in all(&UNICODE).chars() {
            assert_ne!(super::super::ascii::fold(c), '?', "{c:?}");
        }
    }
}
