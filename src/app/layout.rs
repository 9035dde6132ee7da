// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Where each pane goes, from the terminal size and the app's state: the app pages by a
//! screenful with it, mouse clicks are placed with it, and the drawing code in `ui/`
//! draws into its areas.
//!
//! Below [`COMPACT_BELOW`] lines the sources pane becomes a strip of at most two lines
//! (one cell per source, see [`super::strip`]) unless the sources have the focus, and the
//! small log pane becomes one line (its latest message), so an 80x24 terminal keeps at
//! least 14 table rows.

use ratatui::layout::{Constraint, Layout, Rect};

use super::{App, Focus, strip};

/// How much room the log pane takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogSize {
    #[default]
    Small,
    Large,
    Hidden,
}

impl LogSize {
    pub(super) fn next(self) -> LogSize {
        match self {
            LogSize::Small => LogSize::Large,
            LogSize::Large => LogSize::Hidden,
            LogSize::Hidden => LogSize::Small,
        }
    }
}

/// Below this size the dashboard shows a one-line notice instead.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 15;

/// Terminals shorter than this many lines get the compact layout.
pub const COMPACT_BELOW: u16 = 32;

/// Lines the small log pane takes in the full layout (a border and three messages).
const LOG_SMALL: u16 = 5;

/// The panes' rectangles, top to bottom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    pub header: Rect,
    /// The sources pane, or the compact strip when `strip` is set.
    pub sources: Rect,
    pub table: Rect,
    /// The log pane; zero lines when hidden, one (no border) in the compact layout.
    pub log: Rect,
    pub footer: Rect,
    /// The sources show as the compact strip.
    pub strip: bool,
}

impl Areas {
    /// The log shows as its latest message on one line, with no border.
    pub fn log_line(&self) -> bool {
        self.log.height == 1
    }
}

pub fn too_small(area: Rect) -> bool {
    area.width < MIN_WIDTH || area.height < MIN_HEIGHT
}

/// Whether a terminal `height` lines tall gets the compact layout.
pub fn compact(height: u16) -> bool {
    height < COMPACT_BELOW
}

/// The sources pane's height, and whether it is the strip.
fn sources_height(app: &App, area: Rect) -> (u16, bool) {
    let wanted = u16::try_from(app.sources.len())
        .unwrap_or(u16::MAX)
        .saturating_add(2);
    if !compact(area.height) {
        return (wanted.min((area.height / 3).max(4)), false);
    }
    if app.focus == Focus::Sources {
        return (wanted.min((area.height / 2).max(4)), false);
    }
    (strip::layout(app, area.width).lines.max(1), true)
}

fn log_height(app: &App, height: u16) -> u16 {
    match app.log_size {
        LogSize::Small if compact(height) => 1,
        LogSize::Small => LOG_SMALL,
        LogSize::Large => height / 2,
        LogSize::Hidden => 0,
    }
}

pub fn areas(app: &App, area: Rect) -> Areas {
    let (sources_h, strip) = sources_height(app, area);
    let [header, sources, table, log, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(sources_h),
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
        strip,
    }
}

/// The areas at the app's current terminal size.
pub fn current(app: &App) -> Areas {
    areas(app, Rect::new(0, 0, app.width, app.height))
}

/// Data rows visible in the indicator table (inside its border, below its header).
pub fn table_rows(app: &App) -> usize {
    let area = Rect::new(0, 0, app.width, app.height);
    if too_small(area) {
        return 1;
    }
    usize::from(areas(app, area).table.height.saturating_sub(3))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::Msg;
    use crate::app::tests::app;

    fn sized(w: u16, h: u16) -> App {
        let mut a = app();
        let _ = a.update(Msg::Resize {
            width: w,
            height: h,
        });
        a
    }

    #[test]
    fn short_terminals_get_the_strip_and_a_one_line_log() {
        let a = sized(80, 24);
        let r = current(&a);
        assert!(r.strip);
        assert!(r.log_line());
        assert_eq!(r.sources.height, 1, "four sources fit on one line");
        assert_eq!(table_rows(&a), 24 - 1 - 1 - 1 - 1 - 3);
        assert!(table_rows(&a) >= 14);
    }

    #[test]
    fn tall_terminals_keep_the_full_panes() {
        let a = sized(120, 40);
        let r = current(&a);
        assert!(!r.strip);
        assert_eq!(r.sources.height, 6);
        assert_eq!(r.log.height, 5);
        assert_eq!(table_rows(&a), 40 - 1 - 6 - 5 - 1 - 3);
        let b = sized(120, COMPACT_BELOW - 1);
        assert!(current(&b).strip);
    }

    #[test]
    fn focusing_the_sources_expands_the_strip() {
        let mut a = sized(80, 24);
        let _ = a.update(Msg::Key(crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Tab,
            crossterm::event::KeyModifiers::NONE,
        )));
        let r = current(&a);
        assert!(!r.strip);
        assert_eq!(r.sources.height, 6);
        assert_eq!(table_rows(&a), 24 - 1 - 6 - 1 - 1 - 3);
    }

    #[test]
    fn the_log_size_still_cycles_in_the_compact_layout() {
        let mut a = sized(80, 24);
        let l = crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Char('l'),
            crossterm::event::KeyModifiers::NONE,
        );
        let mut heights = Vec::new();
        for _ in 0..3 {
            let _ = a.update(Msg::Key(l));
            heights.push(current(&a).log.height);
        }
        assert_eq!(heights, [12, 0, 1]);
    }

    #[test]
    fn the_panes_fill_the_screen_at_every_size() {
        for h in MIN_HEIGHT..60 {
            for w in [60u16, 80, 100, 200] {
                let a = sized(w, h);
                let r = current(&a);
                assert!(r.table.height >= 3, "{w}x{h}: {r:?}");
                let total = r.header.height
                    + r.sources.height
                    + r.table.height
                    + r.log.height
                    + r.footer.height;
                assert_eq!(total, h, "{w}x{h}: {r:?}");
            }
        }
    }
}
