// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Styles and symbols. With `NO_COLOR` set every style is colourless; state is always
//! also carried by a glyph or a word, never by colour alone. With `--ascii` (or a locale
//! that is not UTF-8) every symbol comes from the ASCII set.

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Block;

use super::glyphs::{Glyphs, glyphs};

/// How the dashboard draws: colours or none, Unicode or ASCII symbols.
#[derive(Debug, Clone, Copy)]
pub struct Theme {
    color: bool,
    /// Only printable ASCII reaches the screen.
    pub ascii: bool,
    /// The symbols to draw with.
    pub glyphs: &'static Glyphs,
}

impl Theme {
    /// A theme without colour when `no_color`, with ASCII symbols when `ascii`.
    pub fn new(no_color: bool, ascii: bool) -> Theme {
        Theme {
            color: !no_color,
            ascii,
            glyphs: glyphs(ascii),
        }
    }

    /// A bordered block drawn with this theme's border symbols.
    pub fn block<'a>(&self) -> Block<'a> {
        Block::bordered().border_set(self.glyphs.border)
    }

    /// A pane or overlay: the bordered block with `title` in the title style, its
    /// border in the focused style when `focused`. Every pane's border is built here.
    pub fn pane<'a>(&self, title: impl Into<String>, focused: bool) -> Block<'a> {
        self.block()
            .title(Line::from(Span::styled(title.into(), self.title())))
            .border_style(if focused {
                self.focused_border()
            } else {
                self.border()
            })
    }

    fn fg(&self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }

    pub fn title(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
    pub fn dim(&self) -> Style {
        if self.color {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new()
        }
    }
    pub fn ok(&self) -> Style {
        self.fg(Color::Green)
    }
    pub fn error(&self) -> Style {
        self.fg(Color::Red)
    }
    pub fn warn(&self) -> Style {
        self.fg(Color::Yellow)
    }
    pub fn accent(&self) -> Style {
        self.fg(Color::Cyan)
    }
    pub fn header_row(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }
    pub fn selected(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }
    pub fn focused_border(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
    pub fn border(&self) -> Style {
        self.dim()
    }
    pub fn malicious(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }
}
