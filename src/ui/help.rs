// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The `?` overlay: every key binding, from the binding table.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use super::theme::Theme;
use crate::app::App;
use crate::model::sanitize::sanitize_truncated;

/// Draws the overlay with the bindings in effect (the config's `keys:` included).
pub fn render(app: &App, frame: &mut Frame, area: Rect, theme: &Theme) {
    let help = app.keymap.help_lines();
    let key = |k: &str| -> String {
        let k = sanitize_truncated(k, 30);
        if theme.ascii {
            super::ascii::keys(&k).into_owned()
        } else {
            k
        }
    };
    let key_w = help
        .iter()
        .map(|(k, _)| key(k).chars().count())
        .max()
        .unwrap_or(8);
    let lines: Vec<Line> = help
        .iter()
        .map(|(k, d)| {
            let k = key(k);
            Line::from(vec![
                Span::styled(format!(" {k:<key_w$}  "), theme.accent()),
                Span::raw(*d),
            ])
        })
        .collect();
    let block = theme.pane(" Keys (any key closes) ", true);
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        area,
    );
}
