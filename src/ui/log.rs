// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The log pane: `tracing` events (fetch warnings and errors, with the source name) shown
//! by tui-logger. Only sanitised text is ever logged.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Block;
use tui_logger::{TuiLoggerLevelOutput, TuiLoggerWidget};

use super::theme::Theme;
use crate::app::App;
use crate::app::keymap::Place;

/// ` Log (l: size) `, from the bindings in effect.
fn title(app: &App) -> String {
    let keys: Vec<String> = app
        .keymap
        .hints(Place::LogTitle)
        .into_iter()
        .map(|(k, d)| format!("{k}: {d}"))
        .collect();
    format!(" Log ({}) ", keys.join(" · "))
}

pub fn render(app: &App, frame: &mut Frame, area: Rect, theme: &Theme) {
    let block = Block::bordered()
        .title(Line::from(Span::styled(title(app), theme.title())))
        .border_style(theme.border());
    let widget = TuiLoggerWidget::default()
        .block(block)
        .output_separator(' ')
        .output_timestamp(Some("%H:%M:%S".into()))
        .output_level(Some(TuiLoggerLevelOutput::Abbreviated))
        .output_target(false)
        .output_file(false)
        .output_line(false)
        .style_error(theme.error())
        .style_warn(theme.warn())
        .style_info(ratatui::style::Style::new())
        .style_debug(theme.dim())
        .style_trace(theme.dim());
    frame.render_widget(widget, area);
}
