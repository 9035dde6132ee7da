// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The mouse: crossterm's events become [`Pointer`] messages (wheel and left click only;
//! moves and drags are dropped, so a moving pointer costs nothing), and [`App`] places
//! them with the same layout the screen is drawn from. The wheel scrolls the pane under
//! the pointer (else the focused one); a click selects a table row or a source.

use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};

use super::{App, Focus, Mode, layout, strip};

/// Rows (or details lines) one wheel notch moves.
pub const WHEEL_STEP: isize = 3;

/// What the pointer did, at a terminal cell (column `x`, line `y`, from the top left).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pointer {
    /// The wheel turned up (away from the user).
    ScrollUp { x: u16, y: u16 },
    /// The wheel turned down.
    ScrollDown { x: u16, y: u16 },
    /// The left button went down.
    Click { x: u16, y: u16 },
}

impl Pointer {
    /// The message for a crossterm mouse event, if the dashboard acts on it.
    pub fn from_event(ev: &MouseEvent) -> Option<Pointer> {
        let (x, y) = (ev.column, ev.row);
        match ev.kind {
            MouseEventKind::ScrollUp => Some(Pointer::ScrollUp { x, y }),
            MouseEventKind::ScrollDown => Some(Pointer::ScrollDown { x, y }),
            MouseEventKind::Down(MouseButton::Left) => Some(Pointer::Click { x, y }),
            _ => None,
        }
    }
}

/// Where the first row of a sources list of `cursor` sits in a pane `height` lines tall
/// (borders included): the list scrolls just enough to show the cursor.
pub fn sources_offset(cursor: usize, height: u16) -> usize {
    cursor.saturating_sub(usize::from(height.saturating_sub(3)))
}

fn inside(r: Rect, x: u16, y: u16) -> bool {
    r.contains(Position::new(x, y))
}

impl App {
    /// Applies a pointer message; returns whether anything changed.
    pub(super) fn on_pointer(&mut self, p: Pointer) -> bool {
        let (x, y, delta) = match p {
            Pointer::ScrollUp { x, y } => (x, y, -WHEEL_STEP),
            Pointer::ScrollDown { x, y } => (x, y, WHEEL_STEP),
            Pointer::Click { x, y } => (x, y, 0),
        };
        let screen = Rect::new(0, 0, self.width, self.height);
        // A prompt holds what it is about: the pointer moves nothing under it.
        if layout::too_small(screen) || matches!(self.mode, Mode::Prompt | Mode::Note) {
            return false;
        }
        if self.mode == Mode::Hits {
            // The wheel moves through the hits; a click there selects nothing yet.
            if delta == 0 {
                return false;
            }
            self.move_hit(delta);
            return true;
        }
        if matches!(self.mode, Mode::Details | Mode::HitDetails | Mode::Help) {
            return self.scroll_overlay(delta);
        }
        let a = layout::areas(self, screen);
        match p {
            Pointer::Click { .. } if inside(a.table, x, y) => self.click_row(a.table, y),
            Pointer::Click { .. } if inside(a.sources, x, y) => {
                self.click_source(a.sources, a.strip, x, y)
            }
            Pointer::Click { .. } => false,
            _ => {
                let over_sources = inside(a.sources, x, y)
                    || (!inside(a.table, x, y) && self.focus == Focus::Sources);
                if over_sources {
                    self.move_source(delta)
                } else {
                    self.move_row(delta)
                }
            }
        }
    }

    fn move_row(&mut self, delta: isize) -> bool {
        if self.rows.is_empty() {
            return false;
        }
        let last = self.rows.len() as isize - 1;
        self.selected = (self.selected as isize + delta).clamp(0, last) as usize;
        self.remember_selection();
        self.keep_visible();
        true
    }

    fn move_source(&mut self, delta: isize) -> bool {
        let n = self.sources.len() as isize;
        if n == 0 {
            return false;
        }
        self.source_cursor =
            (self.source_cursor as isize + delta.signum()).clamp(0, n - 1) as usize;
        true
    }

    /// A click on line `y` of the table: the row drawn there, if any, is selected.
    fn click_row(&mut self, table: Rect, y: u16) -> bool {
        // The border and the heading come first.
        let Some(line) = y.checked_sub(table.y + 2) else {
            return false;
        };
        if y + 1 >= table.bottom() {
            return false;
        }
        let row = self.offset + usize::from(line);
        if row >= self.rows.len() {
            return false;
        }
        self.focus = Focus::Table;
        self.selected = row;
        self.remember_selection();
        self.keep_visible();
        true
    }

    /// A click in the sources pane or strip: the source drawn there becomes the cursor.
    fn click_source(&mut self, pane: Rect, is_strip: bool, x: u16, y: u16) -> bool {
        let hit = if is_strip {
            strip::layout(self, pane.width).source_at(x - pane.x, y - pane.y)
        } else if y > pane.y && y + 1 < pane.bottom() {
            let first = sources_offset(self.source_cursor, pane.height);
            Some(first + usize::from(y - pane.y - 1)).filter(|&i| i < self.sources.len())
        } else {
            None
        };
        let Some(i) = hit else {
            return false;
        };
        self.source_cursor = i;
        if !is_strip {
            self.focus = Focus::Sources;
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use crossterm::event::KeyModifiers;

    use super::*;
    use crate::app::Msg;
    use crate::app::tests::{done, loaded};

    fn ev(kind: MouseEventKind, x: u16, y: u16) -> MouseEvent {
        MouseEvent {
            kind,
            column: x,
            row: y,
            modifiers: KeyModifiers::NONE,
        }
    }

    #[test]
    fn wheel_and_left_click_become_messages_and_the_rest_is_dropped() {
        use MouseEventKind as K;
        assert_eq!(
            Pointer::from_event(&ev(K::ScrollDown, 3, 4)),
            Some(Pointer::ScrollDown { x: 3, y: 4 })
        );
        assert_eq!(
            Pointer::from_event(&ev(K::ScrollUp, 0, 0)),
            Some(Pointer::ScrollUp { x: 0, y: 0 })
        );
        assert_eq!(
            Pointer::from_event(&ev(K::Down(MouseButton::Left), 79, 23)),
            Some(Pointer::Click { x: 79, y: 23 })
        );
        for k in [
            K::Moved,
            K::Drag(MouseButton::Left),
            K::Up(MouseButton::Left),
            K::Down(MouseButton::Right),
            K::Down(MouseButton::Middle),
            K::ScrollLeft,
            K::ScrollRight,
        ] {
            assert_eq!(Pointer::from_event(&ev(k, 1, 1)), None, "{k:?}");
        }
    }

    /// `loaded()` with enough rows to scroll, at 80x24.
    fn many() -> App {
        let mut a = loaded();
        let rows = (0..60)
            .map(|i| {
                crate::app::tests::sighting(
                    crate::model::IndicatorType::Domain,
                    &format!("h{i}.example"),
                    None,
                    0,
                )
            })
            .collect();
        let _ = a.update(done(1, crate::app::tests::ok(rows), 10));
        let _ = a.update(Msg::Resize {
            width: 80,
            height: 24,
        });
        a
    }

    fn send(a: &mut App, p: Pointer) -> Vec<crate::app::Effect> {
        a.update(Msg::Pointer(p))
    }

    #[test]
    fn the_wheel_scrolls_the_pane_under_the_pointer() {
        let mut a = many();
        let table = layout::current(&a).table;
        let fx = send(
            &mut a,
            Pointer::ScrollDown {
                x: 10,
                y: table.y + 3,
            },
        );
        assert!(fx.is_empty(), "no I/O for the mouse");
        assert_eq!(a.selected, 3);
        let _ = send(
            &mut a,
            Pointer::ScrollUp {
                x: 10,
                y: table.y + 3,
            },
        );
        let _ = send(
            &mut a,
            Pointer::ScrollUp {
                x: 10,
                y: table.y + 3,
            },
        );
        assert_eq!(a.selected, 0);
        // Over the strip: the source cursor moves, the table does not.
        let strip = layout::current(&a).sources;
        let _ = send(&mut a, Pointer::ScrollDown { x: 5, y: strip.y });
        assert_eq!((a.source_cursor, a.selected), (1, 0));
        // Elsewhere (the header): the focused pane.
        let _ = send(&mut a, Pointer::ScrollDown { x: 5, y: 0 });
        assert_eq!(a.selected, 3);
        // Far down keeps the selection on screen.
        for _ in 0..30 {
            let _ = send(&mut a, Pointer::ScrollDown { x: 5, y: 0 });
        }
        assert_eq!(a.selected, a.rows.len() - 1);
        assert!(a.offset + a.page_rows() > a.selected && a.offset <= a.selected);
    }

    #[test]
    fn a_click_selects_the_row_drawn_there() {
        let mut a = many();
        let table = layout::current(&a).table;
        // The heading line and the borders select nothing.
        for y in [table.y, table.y + 1, table.bottom() - 1] {
            let _ = send(&mut a, Pointer::Click { x: 10, y });
            assert_eq!(a.selected, 0, "line {y}");
        }
        let _ = send(
            &mut a,
            Pointer::Click {
                x: 10,
                y: table.y + 2 + 5,
            },
        );
        assert_eq!(a.selected, 5);
        // Scrolled: the click counts from the first row on screen.
        for _ in 0..10 {
            let _ = send(
                &mut a,
                Pointer::ScrollDown {
                    x: 10,
                    y: table.y + 3,
                },
            );
        }
        let first = a.offset;
        assert!(first > 0);
        let _ = send(
            &mut a,
            Pointer::Click {
                x: 10,
                y: table.y + 2,
            },
        );
        assert_eq!(a.selected, first);
    }

    #[test]
    fn a_click_selects_a_source_in_the_strip_and_in_the_pane() {
        let mut a = many();
        let r = layout::current(&a);
        assert!(r.strip);
        let cells = strip::layout(&a, r.sources.width);
        let third = &cells.cells[2];
        let _ = send(
            &mut a,
            Pointer::Click {
                x: third.x,
                y: r.sources.y + third.line,
            },
        );
        assert_eq!(a.source_cursor, 2);
        assert_eq!(a.focus, Focus::Table, "the strip stays a strip");
        // The full pane (a tall terminal): the line under the pointer.
        let _ = a.update(Msg::Resize {
            width: 100,
            height: 40,
        });
        let pane = layout::current(&a).sources;
        let _ = send(
            &mut a,
            Pointer::Click {
                x: 5,
                y: pane.y + 1 + 3,
            },
        );
        assert_eq!((a.source_cursor, a.focus), (3, Focus::Sources));
        let _ = send(&mut a, Pointer::Click { x: 5, y: pane.y });
        assert_eq!(a.source_cursor, 3, "the border selects nothing");
    }

    #[test]
    fn overlays_take_the_wheel_and_ignore_clicks() {
        let mut a = many();
        let _ = a.update(Msg::Key(crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Enter,
            KeyModifiers::NONE,
        )));
        assert_eq!(a.mode, Mode::Details);
        let _ = send(&mut a, Pointer::ScrollDown { x: 1, y: 1 });
        assert_eq!(a.details_scroll, 3);
        let _ = send(&mut a, Pointer::Click { x: 10, y: 10 });
        assert_eq!((a.selected, a.mode), (0, Mode::Details));
        // Too small a terminal: nothing is placed.
        let _ = a.update(Msg::Resize {
            width: 20,
            height: 5,
        });
        let _ = send(&mut a, Pointer::ScrollDown { x: 1, y: 1 });
        assert_eq!(a.details_scroll, 3);
    }
}
