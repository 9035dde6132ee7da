// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The compact sources strip shown on short terminals: one cell per source (state glyph,
//! name, count) flowing over at most [`MAX_LINES`] lines. Where each cell goes is worked
//! out here, from the app's state alone, so the drawing code and mouse clicks agree.

use ratatui::text::Span;

use super::App;
use crate::model::sanitize::sanitize_truncated;

/// The strip never takes more lines than this.
pub const MAX_LINES: u16 = 2;

/// Cells between two sources.
const GAP: u16 = 2;

/// Name widths tried, widest first, until every source fits; counts go when even the
/// narrowest does not fit, then names.
const NAME_CAPS: std::ops::RangeInclusive<usize> = 4..=16;
const NAME_CAPS_NO_COUNT: [usize; 3] = [6, 4, 2];

/// One source's cell in the strip.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// Index into `App::sources`.
    pub source: usize,
    /// Column of the cell's first character, from the strip's left edge.
    pub x: u16,
    /// Line of the strip (0 or 1).
    pub line: u16,
    /// The source's name, sanitised and cut to fit (may be empty).
    pub name: String,
    /// The count as shown (`12k`), if shown.
    pub count: Option<String>,
}

impl Cell {
    /// Cells the cell covers: glyph, then name and count each after a space.
    pub fn width(&self) -> u16 {
        cell_width(&self.name, self.count.as_deref())
    }
}

/// Where every shown source goes, and how many did not fit before and after them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Strip {
    /// The cells shown, in source order.
    pub cells: Vec<Cell>,
    /// Lines used (1 or 2; 0 with no sources).
    pub lines: u16,
    /// Sources left out before the first cell and after the last (only when even bare
    /// glyphs do not fit).
    pub before: usize,
    pub after: usize,
}

impl Strip {
    /// The source under column `x` of strip line `line`, if any.
    pub fn source_at(&self, x: u16, line: u16) -> Option<usize> {
        self.cells
            .iter()
            .find(|c| c.line == line && x >= c.x && x < c.x + c.width())
            .map(|c| c.source)
    }
}

fn text_width(s: &str) -> u16 {
    u16::try_from(Span::raw(s).width()).unwrap_or(u16::MAX)
}

fn cell_width(name: &str, count: Option<&str>) -> u16 {
    let mut w: u16 = 1;
    if !name.is_empty() {
        w = w.saturating_add(1 + text_width(name));
    }
    if let Some(c) = count {
        w = w.saturating_add(1 + text_width(c));
    }
    w
}

/// A count in at most four characters: `999`, `1.2k`, `12k`, `1.2M`.
pub fn short_count(n: usize) -> String {
    match n {
        0..=999 => n.to_string(),
        1_000..=9_999 => format!("{}.{}k", n / 1_000, n % 1_000 / 100),
        10_000..=999_999 => format!("{}k", n / 1_000),
        1_000_000..=9_999_999 => format!("{}.{}M", n / 1_000_000, n % 1_000_000 / 100_000),
        _ => format!("{}M", n / 1_000_000),
    }
}

/// Lays out `cells` (name, count) left to right from `first`, wrapping at `width`;
/// `None` when they need more than [`MAX_LINES`] lines.
fn flow(cells: Vec<(usize, String, Option<String>)>, width: u16) -> Option<Vec<Cell>> {
    let mut out = Vec::with_capacity(cells.len());
    let (mut x, mut line) = (1u16, 0u16);
    for (source, name, count) in cells {
        let w = cell_width(&name, count.as_deref());
        if x > 1 && x.saturating_add(w) > width {
            line += 1;
            x = 1;
        }
        if line >= MAX_LINES || x.saturating_add(w) > width {
            return None;
        }
        out.push(Cell {
            source,
            x,
            line,
            name,
            count,
        });
        x = x.saturating_add(w + GAP);
    }
    Some(out)
}

fn finish(cells: Vec<Cell>, total: usize) -> Strip {
    let lines = cells.iter().map(|c| c.line + 1).max().unwrap_or(0);
    let before = cells.first().map_or(0, |c| c.source);
    let after = cells.last().map_or(total, |c| total - c.source - 1);
    Strip {
        cells,
        lines,
        before,
        after,
    }
}

/// The strip for `app` in `width` cells: every source with as much of its name and
/// count as lets all of them fit; when even bare glyphs do not, the window of sources
/// around the cursor that does, with room left for the `+N` marker.
pub fn layout(app: &App, width: u16) -> Strip {
    let n = app.sources.len();
    let entry = |i: usize, cap: usize, with_count: bool| {
        let s = &app.sources[i];
        let name = if cap == 0 {
            String::new()
        } else {
            sanitize_truncated(&s.spec.name, cap)
        };
        let count = (with_count && s.enabled()).then(|| short_count(s.count));
        (i, name, count)
    };
    let tries = NAME_CAPS
        .rev()
        .map(|c| (c, true))
        .chain(NAME_CAPS_NO_COUNT.iter().map(|&c| (c, false)))
        .chain([(0, false)]);
    for (cap, with_count) in tries {
        let cells = (0..n).map(|i| entry(i, cap, with_count)).collect();
        if let Some(cells) = flow(cells, width) {
            return finish(cells, n);
        }
    }
    // Bare glyphs, two cells each (glyph and gap... here one space), around the cursor;
    // a few cells at each end are kept for the `+N` markers.
    let per_line = usize::from(width.saturating_sub(12) / (1 + GAP)).max(1);
    let room = per_line * usize::from(MAX_LINES);
    let cursor = app.source_cursor.min(n.saturating_sub(1));
    let start = cursor.saturating_sub(room - 1).min(n.saturating_sub(room));
    let end = (start + room).min(n);
    let cells = (start..end).map(|i| entry(i, 0, false)).collect::<Vec<_>>();
    let placed = cells
        .into_iter()
        .enumerate()
        .map(|(k, (source, name, count))| Cell {
            source,
            x: 6 + (k % per_line) as u16 * (1 + GAP),
            line: (k / per_line) as u16,
            name,
            count,
        })
        .collect();
    finish(placed, n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::tests::app;
    use crate::config::{Availability, SourceSpec};

    fn with_sources(names: &[&str]) -> App {
        let mut a = app();
        let spec: SourceSpec = a.sources[0].spec.clone();
        let proto = a.sources[0].clone();
        a.sources = names
            .iter()
            .map(|n| {
                let mut s = proto.clone();
                s.spec = SourceSpec {
                    name: (*n).to_string(),
                    ..spec.clone()
                };
                s
            })
            .collect();
        a
    }

    #[test]
    fn counts_fit_in_four_characters() {
        assert_eq!(short_count(0), "0");
        assert_eq!(short_count(999), "999");
        assert_eq!(short_count(1_000), "1.0k");
        assert_eq!(short_count(9_999), "9.9k");
        assert_eq!(short_count(12_345), "12k");
        assert_eq!(short_count(999_999), "999k");
        assert_eq!(short_count(1_234_567), "1.2M");
        assert_eq!(short_count(123_456_789), "123M");
    }

    #[test]
    fn every_source_gets_a_cell_within_two_lines() {
        let mut a = app();
        a.sources[1].count = 12_345;
        let s = layout(&a, 80);
        assert_eq!(s.lines, 1);
        let names: Vec<&str> = s.cells.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["feodo", "urlhaus", "otx", "vt"]);
        assert_eq!(s.cells[1].count.as_deref(), Some("12k"));
        // otx has no key: disabled, so no count.
        assert!(matches!(
            a.sources[2].availability,
            Availability::Disabled(_)
        ));
        assert_eq!(s.cells[2].count, None);
        assert_eq!(s.cells[3].count.as_deref(), Some("0"));
        assert_eq!((s.before, s.after), (0, 0));
        // Cells do not overlap and stay inside the width.
        for w in s.cells.windows(2) {
            assert!(w[0].x + w[0].width() + GAP <= w[1].x || w[1].line > w[0].line);
        }
    }

    #[test]
    fn long_names_are_cut_before_anything_is_left_out() {
        let names: Vec<String> = (0..12).map(|i| format!("a_rather_long_name_{i}")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let a = with_sources(&refs);
        let s = layout(&a, 80);
        assert_eq!(s.cells.len(), 12);
        assert!(s.lines <= MAX_LINES);
        assert!(s.cells.iter().all(|c| c.x + c.width() <= 80));
        assert!(s.cells[0].name.chars().count() < 20, "{:?}", s.cells[0]);
    }

    #[test]
    fn too_many_sources_keep_the_cursor_in_view() {
        let names: Vec<String> = (0..200).map(|i| format!("s{i}")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let mut a = with_sources(&refs);
        let s = layout(&a, 60);
        assert_eq!(s.before, 0);
        assert!(s.after > 0);
        assert!(
            s.cells
                .iter()
                .all(|c| c.name.is_empty() && c.x + c.width() <= 60)
        );
        a.source_cursor = 150;
        let s = layout(&a, 60);
        assert!(s.cells.iter().any(|c| c.source == 150));
        assert_eq!(s.before + s.cells.len() + s.after, 200);
        a.source_cursor = 199;
        let s = layout(&a, 60);
        assert_eq!(s.cells.last().map(|c| c.source), Some(199));
        assert_eq!(s.after, 0);
    }

    #[test]
    fn clicks_find_the_cell_under_them() {
        let a = app();
        let s = layout(&a, 80);
        let second = &s.cells[1];
        assert_eq!(s.source_at(second.x, 0), Some(1));
        assert_eq!(s.source_at(second.x + second.width() - 1, 0), Some(1));
        assert_eq!(s.source_at(second.x + second.width(), 0), None);
        assert_eq!(s.source_at(0, 0), None);
        assert_eq!(s.source_at(second.x, 1), None);
    }

    #[test]
    fn no_sources_and_no_width_draw_nothing() {
        let a = with_sources(&[]);
        assert_eq!(layout(&a, 80), Strip::default());
        let b = app();
        let s = layout(&b, 0);
        assert!(s.cells.iter().all(|c| c.x + c.width() <= 12));
    }
}
