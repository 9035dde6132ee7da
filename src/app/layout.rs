// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Where each pane goes, from the terminal size and the app's state: the app pages by a
//! screenful with it, and the drawing code in `ui/` draws into its areas.

use ratatui::layout::{Constraint, Layout, Rect};

use super::{App, LogSize};

/// Below this size the dashboard shows a one-line notice instead.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 15;

pub struct Areas {
    pub header: Rect,
    pub sources: Rect,
    pub table: Rect,
    pub log: Rect,
    pub footer: Rect,
}

pub fn too_small(area: Rect) -> bool {
    area.width < MIN_WIDTH || area.height < MIN_HEIGHT
}

fn sources_height(app: &App, height: u16) -> u16 {
    let wanted = app.sources.len() as u16 + 2;
    wanted.min((height / 3).max(4))
}

fn log_height(app: &App, height: u16) -> u16 {
    match app.log_size {
        LogSize::Small => 5,
        LogSize::Large => height / 2,
        LogSize::Hidden => 0,
    }
}

pub fn areas(app: &App, area: Rect) -> Areas {
    let [header, sources, table, log, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(sources_height(app, area.height)),
        Constraint::Min(3),
        Constraint::Length(log_height(app, area.height)),
        Constraint::Length(1),
    ])
    .areas(area);
    Areas {
        header,
        sources,
        table,
        log,
        footer,
    }
}

/// Data rows visible in the indicator table (inside its border, below its header).
pub fn table_rows(app: &App) -> usize {
    let area = Rect::new(0, 0, app.width, app.height);
    if too_small(area) {
        return 1;
    }
    usize::from(areas(app, area).table.height.saturating_sub(3))
}
