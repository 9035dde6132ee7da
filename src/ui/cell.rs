// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! One table cell written straight into the frame's buffer: outside text sanitised on
//! the way, cut to the column with a trailing `…`, and nothing allocated, so drawing a
//! row costs no allocation however many rows are on screen.

use std::fmt;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Span;

use crate::model::sanitize::pieces;

/// Short text formatted on the stack: counts, dates, relative times.
pub struct Fixed<const N: usize> {
    buf: [u8; N],
    len: usize,
}

impl<const N: usize> Fixed<N> {
    pub fn new() -> Self {
        Fixed {
            buf: [0; N],
            len: 0,
        }
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or("")
    }
}

impl<const N: usize> Default for Fixed<N> {
    fn default() -> Self {
        Self::new()
    }
}

/// Refuses (whole) what does not fit, so the text stays valid UTF-8.
impl<const N: usize> fmt::Write for Fixed<N> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len + s.len();
        let slot = self.buf.get_mut(self.len..end).ok_or(fmt::Error)?;
        slot.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

fn width(s: &str) -> usize {
    Span::raw(s).width()
}

/// Writes `parts` one after another on the first line of `area`, each sanitised and in
/// its own style. Text wider than the area is cut, and its last column shows `…`.
pub fn put(buf: &mut Buffer, area: Rect, parts: &[(&str, Style)]) {
    if area.width == 0 || area.height == 0 {
        return;
    }
    let avail = usize::from(area.width);
    let mut total = 0;
    for (text, _) in parts {
        pieces(text, |p| total += width(p));
    }
    let cut = total > avail;
    let mut left = if cut { avail - 1 } else { avail };
    let mut x = area.x;
    let mut done = false;
    let mut last_style = Style::default();
    for (text, style) in parts {
        if done {
            break;
        }
        last_style = *style;
        pieces(text, |p| {
            if done {
                return;
            }
            if left == 0 {
                done = true;
                return;
            }
            let (nx, _) = buf.set_stringn(x, area.y, p, left, *style);
            let wrote = usize::from(nx.saturating_sub(x));
            x = nx;
            left -= wrote.min(left);
            if wrote < width(p) {
                done = true;
            }
        });
    }
    if cut {
        buf.set_stringn(x, area.y, "…", 1, last_style);
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write;

    use super::*;

    fn line(parts: &[(&str, Style)], w: u16) -> String {
        let area = Rect::new(0, 0, w + 2, 1);
        let mut buf = Buffer::empty(area);
        put(&mut buf, Rect::new(1, 0, w, 1), parts);
        (0..area.width)
            .map(|x| buf[(x, 0)].symbol().to_string())
            .collect()
    }

    #[test]
    fn writes_sanitised_text_and_cuts_with_an_ellipsis() {
        let s = Style::default();
        assert_eq!(line(&[("abc", s)], 5), " abc   ");
        assert_eq!(line(&[("abcde", s)], 5), " abcde ");
        assert_eq!(line(&[("abcdef", s)], 5), " abcd… ");
        assert_eq!(line(&[("a\x1bb", s)], 8), " a\\x1bb   ");
        assert_eq!(line(&[("a\x1b]0;x", s)], 5), " a\\x1… ");
        assert_eq!(line(&[("ab", s), ("cd", s), ("ef", s)], 5), " abcd… ");
        assert_eq!(line(&[("ab", s), (",", s), ("cd", s)], 5), " ab,cd ");
        // Wide characters take two columns (the second shows as a blank symbol here);
        // one that does not fit leaves its column to the ellipsis.
        assert_eq!(line(&[("abc漢字", s)], 6), " abc漢 … ");
        assert_eq!(line(&[("abcd漢字", s)], 6), " abcd…  ");
        assert_eq!(line(&[("", s)], 3), "     ");
        assert_eq!(line(&[("abc", s)], 0), "  ");
    }

    #[test]
    fn the_cut_part_lends_its_style_to_the_ellipsis() {
        let red = Style::default().fg(ratatui::style::Color::Red);
        let area = Rect::new(0, 0, 4, 1);
        let mut buf = Buffer::empty(area);
        put(&mut buf, area, &[("ab", Style::default()), ("cdef", red)]);
        assert_eq!(buf[(3, 0)].symbol(), "…");
        assert_eq!(buf[(3, 0)].fg, ratatui::style::Color::Red);
        assert_eq!(buf[(0, 0)].fg, ratatui::style::Color::Reset);
    }

    #[test]
    fn fixed_text_refuses_what_does_not_fit() {
        let mut f = Fixed::<8>::new();
        assert!(write!(f, "{}-{}", 2026, 11).is_ok());
        assert_eq!(f.as_str(), "2026-11");
        assert!(write!(f, "ab").is_err());
        assert_eq!(f.as_str(), "2026-11");
    }
}
