// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The `?` overlay: every key binding, from the binding table, each description wrapped
//! under its column. It scrolls when it does not fit (`↓ more` on its border).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::labelled::{self, Item};
use super::theme::Theme;
use crate::app::App;
use crate::app::keymap::Place;
use crate::model::sanitize::sanitize_truncated;

/// Key labels wider than this take a line of their own, above their description.
const KEYS_MAX: usize = 16;

/// The overlay's lines at `width` columns (its border included), with the bindings in
/// effect (the config's `keys:` included).
fn laid_out<'a>(app: &App, width: u16, theme: &Theme) -> Vec<Line<'a>> {
    let items: Vec<Item> = app
        .keymap
        .help_lines()
        .into_iter()
        .map(|(k, d)| {
            let k = sanitize_truncated(&k, 30);
            let k = if theme.ascii {
                super::ascii::keys(&k).into_owned()
            } else {
                k
            };
            Item::Field {
                indent: 1,
                label: Span::styled(k, theme.accent()),
                value: vec![Span::raw(d)],
            }
        })
        .collect();
    labelled::lay_out(&items, usize::from(width.saturating_sub(2)), KEYS_MAX + 1)
}

/// How far the overlay in `area` can scroll.
pub fn max_scroll(app: &App, area: Rect, theme: &Theme) -> u16 {
    labelled::max_scroll(laid_out(app, area.width, theme).len(), area)
}

/// Draws the overlay from line [`App::help_scroll`].
pub fn render(app: &App, frame: &mut Frame, area: Rect, theme: &Theme) {
    let title = format!(
        " Keys ({}) ",
        super::joined_hints(app, Place::HelpTitle, theme)
    );
    let block = theme.pane(title, true);
    labelled::render(
        frame,
        area,
        block,
        laid_out(app, area.width, theme),
        app.help_scroll,
        theme,
    );
}
