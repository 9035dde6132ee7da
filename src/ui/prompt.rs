// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The `x` export prompt: a small box over the table with the format (the choices
//! wrapped onto as many lines as the box needs), the file (with its cursor), the rows
//! that hold something, the types (typed, with its cursor), defanging and, when lists
//! hold some, whether listed indicators are left out, the field being changed marked
//! `›`, a line for what needs saying (the file is there: replace it?, the last
//! failure, an extension that names another format), and its keys below. Also the
//! drawing of a line being typed, shared with the `/` filter ([`edit_spans`]).

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::format::count;
use super::theme::Theme;
use crate::app::export::FORMATS;
use crate::app::keymap::Place;
use crate::app::{App, ExportPrompt, LineEdit, PromptField, Stage};
use crate::model::sanitize::{sanitize, sanitize_truncated};

/// The width of a field's label (`› Format   `).
const LABEL_WIDTH: usize = 11;

/// `line` in at most `width` columns, `cursor` drawn where its cursor is. When it does
/// not fit, the part around the cursor shows, cut with `…` on the side or sides left
/// out (the end of the line is kept when the cursor is there). Typed text is sanitised.
pub fn edit_spans<'a>(line: &LineEdit, width: usize, cursor: Option<Span<'a>>) -> Vec<Span<'a>> {
    let (before, after) = line.split();
    let before: Vec<char> = sanitize(before).chars().collect();
    let after: Vec<char> = sanitize(after).chars().collect();
    let room = width
        .saturating_sub(cursor.as_ref().map_or(0, Span::width))
        .max(2);
    let (b, a) = (before.len(), after.len());
    let (before, after): (String, String) = if b + a <= room {
        (before.iter().collect(), after.iter().collect())
    } else {
        // Some of what follows the cursor stays in sight, the rest of the room goes before.
        let keep_after = a.min(room / 3);
        let keep_before = b.min(room - keep_after);
        let keep_after = a.min(room - keep_before);
        let shown_before = if keep_before < b {
            let tail = &before[b - keep_before.saturating_sub(1)..];
            std::iter::once('…').chain(tail.iter().copied()).collect()
        } else {
            before.iter().collect()
        };
        let shown_after = if keep_after < a {
            let head = &after[..keep_after.saturating_sub(1)];
            head.iter()
                .copied()
                .chain((keep_after > 0).then_some('…'))
                .collect()
        } else {
            after.iter().collect()
        };
        (shown_before, shown_after)
    };
    let mut out = vec![Span::raw(before)];
    out.extend(cursor);
    out.push(Span::raw(after));
    out
}

/// Draws the prompt centred in `area` (the whole screen), if it is open.
pub fn render(app: &App, frame: &mut Frame, area: Rect, theme: &Theme) {
    let Some(p) = &app.prompt else { return };
    let width = area.width.saturating_sub(4).min(76);
    let offers_listed = app.offers_listed();
    let inner_w = usize::from(width.saturating_sub(2));
    let editing = p.stage == Stage::Editing;
    let label = |field: PromptField, text: &'static str| {
        if p.field == field && editing {
            Span::styled(format!("› {text:<9}"), theme.accent())
        } else {
            Span::raw(format!("  {text:<9}"))
        }
    };
    // The choice made is bracketed as well as highlighted (`NO_COLOR`).
    let choice = |on: bool, text: String| {
        if on {
            Span::styled(format!("[{text}]"), theme.selected())
        } else {
            Span::raw(format!(" {text} "))
        }
    };
    // The formats, wrapped under the first one when the box is too narrow for all.
    let mut format_lines = vec![vec![label(PromptField::Format, "Format")]];
    let mut used = LABEL_WIDTH;
    for f in FORMATS {
        let c = choice(f == p.format, f.as_str().to_string());
        if used + c.width() > inner_w && used > LABEL_WIDTH {
            format_lines.push(vec![Span::raw(" ".repeat(LABEL_WIDTH))]);
            used = LABEL_WIDTH;
        }
        used += c.width();
        if let Some(last) = format_lines.last_mut() {
            last.push(c);
        }
    }
    // Only the choices that hold something (and the one made).
    let mut rows_line = vec![label(PromptField::Rows, "Rows")];
    for (c, n) in app.row_counts() {
        if n > 0 || p.rows == c {
            rows_line.push(choice(p.rows == c, format!("{} ({})", c.label(), count(n))));
        }
    }
    let cursor = (editing && p.field == PromptField::Path)
        .then(|| Span::styled(theme.glyphs.cursor, theme.accent()));
    let mut file_line = vec![label(PromptField::Path, "File"), Span::raw(" ")];
    file_line.extend(edit_spans(&p.path, inner_w.saturating_sub(13), cursor));
    let (message, keys) = status(app, p, inner_w, theme);
    let mut lines: Vec<Line> = format_lines.into_iter().map(Line::from).collect();
    lines.extend([
        Line::from(file_line),
        Line::from(rows_line),
        Line::from(types_line(
            p,
            label(PromptField::Types, "Types"),
            inner_w,
            theme,
        )),
        Line::from(fit_line(p, label(PromptField::Fit, "Fit"), inner_w, theme)),
        Line::from(defang_line(
            p,
            label(PromptField::Defang, "Defanged"),
            &choice,
        )),
    ]);
    // Only when an allowlist or a warninglist holds something.
    if offers_listed {
        let n = count(app.listing.screened().len());
        lines.push(Line::from(vec![
            label(PromptField::Listed, "Listed"),
            choice(!p.keep_listed, format!("leave out ({n})")),
            choice(p.keep_listed, "keep".into()),
        ]));
    }
    lines.push(message);
    lines.push(Line::from(Span::styled(format!(" {keys}"), theme.dim())));
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let [v] = Layout::vertical([Constraint::Length(height)])
        .flex(Flex::Center)
        .areas(area);
    let [r] = Layout::horizontal([Constraint::Length(width)])
        .flex(Flex::Center)
        .areas(v);
    let block = theme.pane(" Export ", true);
    frame.render_widget(Clear, r);
    frame.render_widget(Paragraph::new(lines).block(block), r);
}

/// The line of what needs saying, and the keys, as the prompt stands.
fn status<'a>(app: &App, p: &ExportPrompt, width: usize, theme: &Theme) -> (Line<'a>, String) {
    let g = theme.glyphs;
    let say = |glyph: &str, text: &str, style| {
        let text = sanitize_truncated(text, width.saturating_sub(4));
        Line::from(Span::styled(format!(" {glyph} {text}"), style))
    };
    match &p.stage {
        Stage::Confirm(path) => {
            let shown = sanitize(&path.to_string_lossy()).into_owned();
            let n = shown.chars().count();
            let room = width.saturating_sub(24);
            let shown = if n > room {
                let tail: String = shown.chars().skip(n + 1 - room.max(1)).collect();
                format!("…{tail}")
            } else {
                shown
            };
            (
                say(
                    g.warn,
                    &format!("{shown} exists. Replace it?"),
                    theme.warn(),
                ),
                format!("y replace{}n keep editing", g.sep),
            )
        }
        Stage::Writing => (
            Line::from(Span::styled(" writing…", theme.dim())),
            "Esc hides this; the result shows in the header".into(),
        ),
        Stage::Editing => {
            let message = if let Some(e) = &p.error {
                say(g.failed, e, theme.error())
            } else if let Some(w) = p.warning() {
                say(g.warn, &w, theme.warn())
            } else {
                Line::default()
            };
            (
                message,
                super::joined_hints(app, Place::ExportPrompt, theme),
            )
        }
    }
}

/// The types field: what is typed, with its cursor while it is being changed, and
/// while it is empty what empty means.
fn types_line<'a>(p: &ExportPrompt, label: Span<'a>, width: usize, theme: &Theme) -> Vec<Span<'a>> {
    let editing = p.stage == Stage::Editing && p.field == PromptField::Types;
    let cursor = editing.then(|| Span::styled(theme.glyphs.cursor, theme.accent()));
    let mut line = vec![label, Span::raw(" ")];
    line.extend(edit_spans(&p.types, width.saturating_sub(13), cursor));
    if p.types.trim().is_empty() {
        line.push(Span::styled(
            "every type (or e.g. ipv4,cidr or domain)",
            theme.dim(),
        ));
    }
    line
}

/// The fit field: what is typed, with its cursor while it is being changed, and while
/// it is empty what empty means.
fn fit_line<'a>(p: &ExportPrompt, label: Span<'a>, width: usize, theme: &Theme) -> Vec<Span<'a>> {
    let editing = p.stage == Stage::Editing && p.field == PromptField::Fit;
    let cursor = editing.then(|| Span::styled(theme.glyphs.cursor, theme.accent()));
    let mut line = vec![label, Span::raw(" ")];
    line.extend(edit_spans(&p.fit, width.saturating_sub(13), cursor));
    if p.fit.trim().is_empty() {
        line.push(Span::styled(
            "no cut (or e.g. score>=60 max=10000)",
            theme.dim(),
        ));
    }
    line
}

fn defang_line<'a>(
    p: &ExportPrompt,
    label: Span<'a>,
    choice: &impl Fn(bool, String) -> Span<'a>,
) -> Vec<Span<'a>> {
    if p.format.can_defang() {
        vec![
            label,
            choice(!p.defang, "no".into()),
            choice(p.defang, "yes (hxxp://evil[.]example)".into()),
        ]
    } else {
        vec![
            label,
            Span::raw(format!(
                " not for {} (its readers need real values)",
                p.format.as_str()
            )),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(text: &str, cursor: usize, width: usize) -> String {
        let mut l = LineEdit::with_text(text, 100);
        for _ in cursor..text.chars().count() {
            l.apply(crate::app::Edit::Left);
        }
        edit_spans(&l, width, Some(Span::raw("|")))
            .iter()
            .map(|s| s.content.as_ref())
            .collect()
    }

    #[test]
    fn the_cursor_shows_where_it_is_and_stays_in_sight() {
        assert_eq!(shown("/tmp/out.csv", 12, 40), "/tmp/out.csv|");
        assert_eq!(shown("/tmp/out.csv", 4, 40), "/tmp|/out.csv");
        assert_eq!(shown("abcdefghijklmnop", 16, 9), "…jklmnop|");
        assert_eq!(shown("abcdefghijklmnop", 0, 9), "|abcdefg…");
        assert_eq!(shown("abcdefghijklmnop", 8, 10), "…defgh|ij…");
        // What is typed is sanitised.
        assert_eq!(shown("a\u{202e}b", 3, 40), "a\\u{202e}b|");
    }
}
