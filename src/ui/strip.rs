// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The compact sources strip of short terminals: each source's state glyph, name and
//! count, where [`crate::app::strip::layout`] puts them. The cursor's source is
//! underlined; a failing source's name is drawn in the error style.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;

use super::sources::glyph;
use super::theme::Theme;
use crate::app::App;
use crate::app::strip::layout;

pub fn render(app: &App, frame: &mut Frame, area: Rect, theme: &Theme) {
    let strip = layout(app, area.width);
    let buf = frame.buffer_mut();
    let right = area.right();
    let put = |buf: &mut ratatui::buffer::Buffer, x: u16, line: u16, text: &str, style| {
        if line < area.height && x < area.width {
            let room = usize::from(right - (area.x + x));
            buf.set_stringn(area.x + x, area.y + line, text, room, style);
        }
    };
    for c in &strip.cells {
        let Some(s) = app.sources.get(c.source) else {
            continue;
        };
        let (g, g_style) = glyph(app, s, theme);
        put(buf, c.x, c.line, g, g_style);
        let mut x = c.x + 2;
        let mut name_style = if s.last_error.is_some() {
            theme.error()
        } else if s.enabled() && !s.hidden {
            ratatui::style::Style::new()
        } else {
            theme.dim()
        };
        if c.source == app.source_cursor {
            name_style = name_style.add_modifier(Modifier::UNDERLINED);
        }
        if !c.name.is_empty() {
            put(buf, x, c.line, &c.name, name_style);
            x += ratatui::text::Span::raw(c.name.as_str()).width() as u16 + 1;
        }
        if let Some(n) = &c.count {
            put(buf, x, c.line, n, theme.dim());
        }
    }
    if strip.before > 0 {
        put(buf, 0, 0, &format!("+{}", strip.before), theme.dim());
    }
    if let Some(last) = strip.cells.last().filter(|_| strip.after > 0) {
        let x = last.x + last.width() + 1;
        put(buf, x, last.line, &format!("+{}", strip.after), theme.dim());
    }
}
