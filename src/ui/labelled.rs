// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Overlay text as a list of [`Item`]s, laid out by [`lay_out`]: each label followed by
//! a gap, the values in one column after the longest label, a value too long for a line
//! wrapped at word boundaries with a hanging indent (its next lines start under its
//! first). [`render`] draws the lines in a bordered box, with a scrollbar and `↓ more` /
//! `↑ more` on the border when they do not all fit. The details, a hit's details and
//! the help overlay are built this way: a new block of fields is a few more items.

use std::borrow::Cow;

use ratatui::Frame;
use ratatui::layout::{Alignment, Margin, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Scrollbar, ScrollbarOrientation, ScrollbarState};

use super::theme::Theme;

/// Columns between a label and its value.
pub const GAP: usize = 2;

/// One entry of an overlay's text.
#[derive(Debug, Clone)]
pub enum Item<'a> {
    /// A line of its own (a heading, a source's name), wrapped at word boundaries; its
    /// next lines start `hang` columns in.
    Text { spans: Vec<Span<'a>>, hang: usize },
    /// `label  value`: the label `indent` columns in, the value in the value column.
    Field {
        indent: usize,
        label: Span<'a>,
        value: Vec<Span<'a>>,
    },
    /// An empty line.
    Blank,
}

impl<'a> Item<'a> {
    /// A line of its own.
    pub fn text(spans: impl Into<Vec<Span<'a>>>) -> Item<'a> {
        Item::Text {
            spans: spans.into(),
            hang: 0,
        }
    }

    /// A field with a plain value and the label dimmed.
    pub fn field(
        label: impl Into<Cow<'a, str>>,
        value: impl Into<Cow<'a, str>>,
        theme: &Theme,
    ) -> Item<'a> {
        Item::styled(label, vec![Span::raw(value)], theme)
    }

    /// A field whose value carries its own styles, the label dimmed.
    pub fn styled(label: impl Into<Cow<'a, str>>, value: Vec<Span<'a>>, theme: &Theme) -> Item<'a> {
        Item::Field {
            indent: 0,
            label: Span::styled(label, theme.dim()),
            value,
        }
    }

    /// The same field `n` columns further in (a source's fields under its name).
    pub fn indented(mut self, n: usize) -> Item<'a> {
        if let Item::Field { indent, .. } = &mut self {
            *indent += n;
        }
        self
    }
}

/// The width of `s` in terminal columns.
fn width(s: &str) -> usize {
    Span::raw(s).width()
}

fn char_width(c: char) -> usize {
    let mut b = [0u8; 4];
    width(c.encode_utf8(&mut b))
}

/// A word and the spaces after it, in pieces of one style each.
#[derive(Default)]
struct Word {
    pieces: Vec<(String, Style)>,
    width: usize,
    spaces: usize,
    space_style: Style,
}

fn words(spans: &[Span<'_>]) -> Vec<Word> {
    let mut out: Vec<Word> = Vec::new();
    let mut word = Word::default();
    for span in spans {
        for c in span.content.chars() {
            if c == ' ' {
                word.spaces += 1;
                word.space_style = span.style;
                continue;
            }
            if word.spaces > 0 {
                out.push(std::mem::take(&mut word));
            }
            match word.pieces.last_mut() {
                Some((text, style)) if *style == span.style => text.push(c),
                _ => word.pieces.push((c.to_string(), span.style)),
            }
            word.width += char_width(c);
        }
    }
    if word.width > 0 || word.spaces > 0 {
        out.push(word);
    }
    out
}

/// `spans` cut into lines of at most `width` columns at the spaces between words (the
/// spaces at a break are dropped); a word wider than a line is cut where it must be.
pub fn wrap<'a>(spans: &[Span<'a>], width: usize) -> Vec<Vec<Span<'a>>> {
    wrap_hanging(spans, width, width)
}

/// As [`wrap`], the first line `first` columns wide and the others `rest`.
pub fn wrap_hanging<'a>(spans: &[Span<'a>], first: usize, rest: usize) -> Vec<Vec<Span<'a>>> {
    let rest = rest.max(1);
    let mut width = first.max(1);
    let mut lines: Vec<Vec<Span<'a>>> = vec![Vec::new()];
    let mut used = 0;
    let mut pending = (0, Style::default());
    for w in words(spans) {
        // A word too wide for any line starts where it is (given a little room) and is
        // cut where it must be.
        let room = width.saturating_sub(used + pending.0);
        let starts_here = w.width > rest && room >= 4;
        if used > 0 && used + pending.0 + w.width > width && !starts_here {
            lines.push(Vec::new());
            width = rest;
            used = 0;
        } else if pending.0 > 0 {
            if let Some(line) = lines.last_mut() {
                line.push(Span::styled(" ".repeat(pending.0), pending.1));
            }
            used += pending.0;
        }
        for (text, style) in w.pieces {
            let mut piece = String::new();
            for c in text.chars() {
                let cw = char_width(c);
                if used + cw > width && used > 0 {
                    if let Some(line) = lines.last_mut() {
                        line.push(Span::styled(std::mem::take(&mut piece), style));
                    }
                    lines.push(Vec::new());
                    width = rest;
                    used = 0;
                }
                piece.push(c);
                used += cw;
            }
            if let Some(line) = lines.last_mut()
                && !piece.is_empty()
            {
                line.push(Span::styled(piece, style));
            }
        }
        pending = (w.spaces, w.space_style);
    }
    lines
}

/// The items as lines `width` columns wide. The value column starts after the longest
/// label no wider than `label_max` and a gap; a wider label has its value start on the
/// next line.
pub fn lay_out<'a>(items: &[Item<'a>], width: usize, label_max: usize) -> Vec<Line<'a>> {
    let label_col = items
        .iter()
        .filter_map(|i| match i {
            Item::Field { indent, label, .. } => Some(indent + label.width()),
            _ => None,
        })
        .filter(|w| *w <= label_max)
        .max()
        .unwrap_or(0)
        + GAP;
    // Keep room for the values on a narrow screen.
    let label_col = label_col.min(width / 2);
    let value_w = width.saturating_sub(label_col).max(1);
    let pad = |n: usize| Span::raw(" ".repeat(n));
    let mut out = Vec::new();
    for item in items {
        match item {
            Item::Blank => out.push(Line::default()),
            Item::Text { spans, hang } => {
                let hang = (*hang).min(width / 2);
                let lines = wrap_hanging(spans, width, width.saturating_sub(hang));
                for (i, mut line) in lines.into_iter().enumerate() {
                    if i > 0 {
                        line.insert(0, pad(hang));
                    }
                    out.push(Line::from(line));
                }
            }
            Item::Field {
                indent,
                label,
                value,
            } => {
                let mut first = vec![pad(*indent), label.clone()];
                let used = indent + label.width();
                let lines = wrap(value, value_w);
                let mut rest = lines.into_iter();
                if used + GAP > label_col {
                    // The label takes its own line.
                    out.push(Line::from(first));
                } else {
                    first.push(pad(label_col - used));
                    first.extend(rest.next().unwrap_or_default());
                    out.push(Line::from(first));
                }
                for line in rest {
                    let mut l = vec![pad(label_col)];
                    l.extend(line);
                    out.push(Line::from(l));
                }
            }
        }
    }
    out
}

/// How many lines `lines` can scroll in `area` (its border included).
pub fn max_scroll(lines: usize, area: Rect) -> u16 {
    let inner = usize::from(area.height.saturating_sub(2));
    u16::try_from(lines.saturating_sub(inner)).unwrap_or(u16::MAX)
}

/// Draws `lines` in `area` inside `block`, from line `scroll` (kept within what
/// scrolls). When they do not all fit, a scrollbar takes the right border and the
/// bottom (and top) border says that more follows (precedes).
pub fn render(
    frame: &mut Frame,
    area: Rect,
    block: Block<'_>,
    lines: Vec<Line<'_>>,
    scroll: u16,
    theme: &Theme,
) {
    let total = lines.len();
    let max = max_scroll(total, area);
    let scroll = scroll.min(max);
    let mut block = block;
    if max > 0 {
        let more =
            |glyph: &str| Line::from(Span::styled(format!(" {glyph} more "), theme.accent()));
        if scroll < max {
            block =
                block.title_bottom(more(theme.glyphs.scrollbar.end).alignment(Alignment::Right));
        }
        if scroll > 0 {
            block =
                block.title_bottom(more(theme.glyphs.scrollbar.begin).alignment(Alignment::Left));
        }
    }
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines).block(block).scroll((scroll, 0)), area);
    if max > 0 {
        let mut state = ScrollbarState::new(usize::from(max) + 1).position(usize::from(scroll));
        frame.render_stateful_widget(
            Scrollbar::new(ScrollbarOrientation::VerticalRight)
                .symbols(theme.glyphs.scrollbar.clone()),
            area.inner(Margin::new(0, 1)),
            &mut state,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(lines: &[Line]) -> Vec<String> {
        lines.iter().map(ToString::to_string).collect()
    }

    fn plain(lines: Vec<Vec<Span>>) -> Vec<String> {
        lines
            .into_iter()
            .map(|l| Line::from(l).to_string())
            .collect()
    }

    #[test]
    fn words_wrap_at_spaces_and_long_words_are_cut() {
        let spans = [Span::raw("first 2027 · last 2027-01-15T08:01:10Z")];
        assert_eq!(
            plain(wrap(&spans, 20)),
            ["first 2027 · last", "2027-01-15T08:01:10Z"]
        );
        assert_eq!(
            plain(wrap(&[Span::raw("abcdefghij")], 4)),
            ["abcd", "efgh", "ij"]
        );
        // Styles survive a break, and a word across two spans stays whole.
        let styled = [
            Span::raw("ab "),
            Span::styled("cd", Style::new().bold()),
            Span::raw("ef gh"),
        ];
        let lines = wrap(&styled, 6);
        assert_eq!(plain(lines.clone()), ["ab", "cdef", "gh"]);
        assert_eq!(lines[1][0].style, Style::new().bold());
        // Wide characters count two columns.
        assert_eq!(plain(wrap(&[Span::raw("日本語")], 4)), ["日本", "語"]);
        assert_eq!(plain(wrap(&[], 4)), [""]);
    }

    #[test]
    fn labels_get_a_gap_and_wrapped_values_a_hanging_indent() {
        let theme = Theme::new(true, false);
        let items = [
            Item::field("seen", "first - · last 2027-01-15T08:01:10Z", &theme),
            Item::field("confidence", "80", &theme).indented(2),
            Item::Blank,
            Item::text(vec![Span::raw("▸ feodo")]),
        ];
        assert_eq!(
            text(&lay_out(&items, 40, 20)),
            [
                "seen          first - · last",
                "              2027-01-15T08:01:10Z",
                "  confidence  80",
                "",
                "▸ feodo",
            ]
        );
    }

    #[test]
    fn a_label_wider_than_the_column_takes_its_own_line() {
        let theme = Theme::new(true, false);
        let items = [
            Item::field("q", "quit", &theme),
            Item::field("Ctrl-U  Ctrl-W  Delete", "delete", &theme),
        ];
        assert_eq!(
            text(&lay_out(&items, 40, 10)),
            ["q  quit", "Ctrl-U  Ctrl-W  Delete", "   delete"]
        );
    }

    #[test]
    fn text_lines_hang_and_nothing_is_lost_on_any_width() {
        let items = [Item::Text {
            spans: vec![Span::raw("url http://x.example/a/very/long/path")],
            hang: 4,
        }];
        // A word wider than any line starts where it is.
        assert_eq!(
            text(&lay_out(&items, 20, 10)),
            ["url http://x.example", "    /a/very/long/pat", "    h"]
        );
        let words = [Item::Text {
            spans: vec![Span::raw("domain evil.example a.evil.example")],
            hang: 7,
        }];
        assert_eq!(
            text(&lay_out(&words, 24, 10)),
            ["domain evil.example", "       a.evil.example"]
        );
        // No room left on the line: the long word starts the next one.
        assert_eq!(
            text(&lay_out(&words, 20, 10)),
            ["domain evil.example", "       a.evil.exampl", "       e"]
        );
        let theme = Theme::new(true, false);
        let value = "a b c d e f g h i j k l m n o p q r s t u v w x y z".repeat(3);
        let field = [Item::field("label", value.clone(), &theme)];
        for w in 0..60 {
            let joined: String = lay_out(&field, w, 20)
                .iter()
                .map(|l| l.to_string())
                .collect::<Vec<_>>()
                .join(" ");
            let kept: String = joined.split_whitespace().collect();
            let want: String = format!("label{value}").split_whitespace().collect();
            assert_eq!(kept, want, "width {w}");
        }
    }
}
