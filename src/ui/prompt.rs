// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The `x` export prompt: a small box over the table with the format, the file, the
//! rows and defanging, the field being changed marked `›`, and its keys below.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::format::count;
use super::theme::Theme;
use crate::app::export::FORMATS;
use crate::app::keymap::Place;
use crate::app::{App, ExportPrompt, PromptField, RowChoice};
use crate::model::sanitize::sanitize_truncated;

/// Draws the prompt centred in `area` (the whole screen), if it is open.
pub fn render(app: &App, frame: &mut Frame, area: Rect, theme: &Theme) {
    let Some(p) = &app.prompt else { return };
    let width = area.width.saturating_sub(4).min(76);
    let [v] = Layout::vertical([Constraint::Length(8)])
        .flex(Flex::Center)
        .areas(area);
    let [r] = Layout::horizontal([Constraint::Length(width)])
        .flex(Flex::Center)
        .areas(v);
    let inner_w = usize::from(r.width.saturating_sub(2));
    let label = |field: PromptField, text: &'static str| {
        if p.field == field {
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
    let mut format_line = vec![label(PromptField::Format, "Format")];
    for f in FORMATS {
        format_line.push(choice(f == p.format, f.as_str().to_string()));
    }
    let rows_line = {
        let mut spans = vec![label(PromptField::Rows, "Rows")];
        for (c, n) in [
            (RowChoice::Shown, app.rows.len()),
            (RowChoice::Marked, app.marks.len()),
            (RowChoice::All, app.store.len()),
        ] {
            spans.push(choice(p.rows == c, format!("{} ({})", c.label(), count(n))));
        }
        spans
    };
    let lines = vec![
        Line::from(format_line),
        Line::from(vec![
            label(PromptField::Path, "File"),
            Span::raw(" "),
            Span::raw(path_tail(p, inner_w.saturating_sub(14))),
            if p.field == PromptField::Path {
                Span::styled("▏", theme.accent())
            } else {
                Span::raw("")
            },
        ]),
        Line::from(rows_line),
        Line::from(defang_line(
            p,
            label(PromptField::Defang, "Defanged"),
            &choice,
        )),
        Line::raw(""),
        Line::from(Span::styled(
            format!(" {}", super::joined_hints(app, Place::ExportPrompt, theme)),
            theme.dim(),
        )),
    ];
    let block = theme.pane(" Export ", true);
    frame.render_widget(Clear, r);
    frame.render_widget(Paragraph::new(lines).block(block), r);
}

/// The end of the path as typed, sanitised, cut on the left to `max` characters.
fn path_tail(p: &ExportPrompt, max: usize) -> String {
    let n = p.path.chars().count();
    if n <= max {
        return sanitize_truncated(&p.path, max.max(1));
    }
    let tail: String = p.path.chars().skip(n - max.saturating_sub(1)).collect();
    format!("…{}", sanitize_truncated(&tail, max.max(1)))
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
