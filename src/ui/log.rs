// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The log pane: `tracing` events (fetch warnings and errors, with the source name) shown
//! by tui-logger; on short terminals, one line with the latest message. Only sanitised
//! text is ever logged.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use tui_logger::{ExtLogRecord, LevelFilter, LogFormatter, TuiLoggerLevelOutput, TuiLoggerWidget};

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
    let block = theme.pane(title(app), false);
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

/// The log as its latest message on one line, `HH:MM:SS W text`, cut with `…` to fit.
pub fn render_line(frame: &mut Frame, area: Rect, theme: &Theme) {
    let widget = TuiLoggerWidget::default().formatter(Box::new(OneLine {
        error: theme.error(),
        warn: theme.warn(),
        dim: theme.dim(),
    }));
    frame.render_widget(widget, area);
}

/// Formats each event as one line: a short time, the level's letter, the message's first
/// line, cut to the width.
struct OneLine {
    error: Style,
    warn: Style,
    dim: Style,
}

impl LogFormatter for OneLine {
    fn min_width(&self) -> u16 {
        12
    }

    fn format(&self, width: usize, evt: &ExtLogRecord) -> Vec<Line<'_>> {
        let level = evt.level.as_str().get(..1).unwrap_or("?");
        let style = if evt.level == LevelFilter::Error {
            self.error
        } else if evt.level == LevelFilter::Warn {
            self.warn
        } else if evt.level == LevelFilter::Info {
            Style::new()
        } else {
            self.dim
        };
        let head = format!("{} {level} ", evt.timestamp.strftime("%H:%M:%S"));
        let room = width.saturating_sub(head.chars().count());
        let first = evt.msg().lines().next().unwrap_or("");
        let text = crate::model::sanitize::sanitize_truncated(first, room);
        vec![Line::from(vec![
            Span::styled(head, self.dim),
            Span::styled(text, style),
        ])]
    }
}
