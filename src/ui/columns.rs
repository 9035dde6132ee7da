// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The indicator table's columns: the one column table ([`COLUMNS`], plain data in the
//! store so exports read it too) laid out across the table's width.

use std::fmt::Write;

pub use crate::store::columns::{COLUMNS, Column, Field, SHOWN, Width, shown};
use crate::store::filter::Sort;
use crate::store::sort::SortKey;

use super::cell::Fixed;
use super::glyphs::Glyphs;

/// The value column keeps at least this many cells (an IPv6 address, most URLs' start)
/// before other columns give way; on a wide table the [`Width::Between`] columns grow
/// only while it still has them.
pub const VALUE_WANTS: u16 = 40;

/// What gives way, in order, while the value column has fewer than [`VALUE_WANTS`]
/// cells: each column narrows to this width, 0 meaning it is dropped. LAST SEEN goes
/// first, then THREAT narrows.
const GIVE_WAY: [(Field, u16); 2] = [(Field::Seen, 0), (Field::Threat, 10)];

/// Where the width goes once the value column has its [`VALUE_WANTS`] and the other
/// columns their widest: each column here takes a third of what is left, up to this
/// width; the value column takes the rest. Threat names (MISP event titles, campaign
/// names) are often longer than the 26 cells THREAT has by itself.
const SPARE_TO: [(Field, u16); 1] = [(Field::Threat, 48)];

/// Cells a table spends on other than columns: its two borders and the scrollbar's cell.
const FRAME: u16 = 3;

/// Widths of the shown columns with `Between` columns at their widest or narrowest;
/// fill columns are 0. Also the cells left for the fill columns (negative when even
/// these do not fit).
fn fixed(width: u16, wide: bool) -> ([u16; SHOWN], i32) {
    let mut out = [0; SHOWN];
    let mut used = i32::from(FRAME) + SHOWN as i32 - 1;
    for (w, c) in out.iter_mut().zip(shown()) {
        *w = match c.width {
            Some(Width::Fixed(n)) => n,
            Some(Width::Between { min, max }) => {
                if wide {
                    max
                } else {
                    min
                }
            }
            Some(Width::Fill { .. }) | None => 0,
        };
        used += i32::from(*w);
    }
    (out, i32::from(width) - used)
}

/// The width of each shown column, in order, in a table `width` cells wide (borders
/// included); 0 for a column dropped for want of room. Columns sit side by side with a
/// one-cell gap (none for dropped ones).
pub fn widths(width: u16) -> [u16; SHOWN] {
    let fills = shown()
        .filter(|c| matches!(c.width, Some(Width::Fill { .. })))
        .count()
        .max(1) as i32;
    let want = i32::from(VALUE_WANTS) * fills;
    let (mut out, mut left) = fixed(width, true);
    if left < want {
        (out, left) = fixed(width, false);
    }
    for (field, narrowest) in GIVE_WAY {
        if left >= want {
            break;
        }
        let Some(k) = shown().position(|c| c.field == field) else {
            continue;
        };
        let w = out[k];
        if narrowest == 0 {
            out[k] = 0;
            left += i32::from(w) + 1;
        } else {
            let give = (want - left).min(i32::from(w.saturating_sub(narrowest)));
            out[k] = w - give as u16;
            left += give;
        }
    }
    for (field, widest) in SPARE_TO {
        let spare = left - want;
        let Some(k) = shown().position(|c| c.field == field) else {
            continue;
        };
        if spare < 3 || out[k] == 0 {
            continue;
        }
        let grow = u16::try_from(spare / 3)
            .unwrap_or(u16::MAX)
            .min(widest.saturating_sub(out[k]));
        out[k] += grow;
        left -= i32::from(grow);
    }
    let share = u16::try_from(left / fills).unwrap_or(0);
    for (w, c) in out.iter_mut().zip(shown()) {
        if let Some(Width::Fill { min }) = c.width {
            *w = share.max(min);
        }
    }
    out
}

/// A column's heading: its label in capitals.
pub fn heading(c: &Column) -> Fixed<32> {
    let mut h = Fixed::new();
    for ch in c.label.chars().flat_map(char::to_uppercase) {
        if h.write_char(ch).is_err() {
            break;
        }
    }
    h
}

/// A column's heading in a column `width` cells wide, with the sort's arrow when the
/// table is sorted by it: `THREAT ▲`, or `LAST SEEN▼` where the space does not fit.
pub fn heading_sorted(c: &Column, sort: Sort, width: u16, glyphs: &Glyphs) -> Fixed<40> {
    let mut h = Fixed::new();
    let label = heading(c);
    let _ = h.write_str(label.as_str());
    if c.sort.is_some() && c.sort == Some(sort.key) {
        let arrow = arrow(sort, glyphs);
        let room = usize::from(width);
        let len = label.as_str().chars().count() + arrow.chars().count();
        if len < room {
            let _ = h.write_char(' ');
        }
        let _ = h.write_str(arrow);
    }
    h
}

/// Whether rows sorted by `sort` go from high to low: newest first for times, most
/// first for the sources, and the other keys reversed.
pub fn descending(sort: Sort) -> bool {
    let natural = matches!(sort.key, SortKey::LastSeen | SortKey::Sources);
    natural != sort.reverse
}

/// The arrow of `sort`'s direction: `▲` ascending, `▼` descending (`^`, `v` in ASCII).
pub fn arrow(sort: Sort, glyphs: &Glyphs) -> &'static str {
    if descending(sort) {
        glyphs.sort_down
    } else {
        glyphs.sort_up
    }
}

/// Whether the column that `key` sorts by is drawn in a table `width` cells wide (no
/// column shows the arrival order).
pub fn drawn(key: SortKey, width: u16) -> bool {
    let w = widths(width);
    shown()
        .zip(w)
        .any(|(c, cells)| c.sort == Some(key) && cells > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_match_the_table_at_every_size() {
        // type, value (fills), sources, threat, score, last seen. Beyond 40 cells of
        // value, a third of the rest goes to THREAT, up to 48 cells.
        assert_eq!(widths(200), [6, 98, 24, 48, 5, 11]);
        assert_eq!(widths(160), [6, 67, 24, 39, 5, 11]);
        assert_eq!(widths(125), [6, 44, 24, 27, 5, 11]);
        assert_eq!(widths(120), [6, 40, 24, 26, 5, 11]);
        // Too narrow for the wide columns and a 40-cell value: the narrow ones (and
        // THREAT its third of what is left).
        assert_eq!(widths(119), [6, 53, 14, 22, 5, 11]);
        assert_eq!(widths(113), [6, 49, 14, 20, 5, 11]);
        // LAST SEEN goes first (its gap with it), then THREAT narrows.
        assert_eq!(widths(99), [6, 48, 14, 19, 5, 0]);
        assert_eq!(widths(87), [6, 40, 14, 15, 5, 0]);
        assert_eq!(widths(82), [6, 40, 14, 10, 5, 0]);
        // Only then does VALUE narrow; SCORE stays.
        assert_eq!(widths(80), [6, 38, 14, 10, 5, 0]);
        assert_eq!(widths(70), [6, 28, 14, 10, 5, 0]);
        assert_eq!(widths(0), [6, 8, 14, 10, 5, 0]);
        let headings: Vec<String> = shown().map(|c| heading(c).as_str().to_string()).collect();
        assert_eq!(
            headings,
            ["TYPE", "VALUE", "SOURCES", "THREAT", "SCORE", "LAST SEEN"]
        );
    }

    #[test]
    fn every_shown_column_keeps_its_bounds_at_every_width() {
        for width in 0..400u16 {
            let w = widths(width);
            for (c, cells) in shown().zip(w) {
                match c.width {
                    Some(Width::Fixed(n)) => assert!(cells == n || cells == 0, "{width}"),
                    Some(Width::Fill { min }) => assert!(cells >= min, "{width}"),
                    _ => assert!(cells <= 48, "{width}: {cells}"),
                }
            }
            // The columns never take more than the table has, once it has room.
            let used: u16 = w.iter().filter(|&&c| c > 0).map(|c| c + 1).sum();
            if width >= 80 {
                assert!(used - 1 + FRAME <= width, "{width}: {w:?}");
            }
        }
    }

    #[test]
    fn the_sorted_heading_shows_the_direction() {
        use super::super::glyphs::{ASCII, UNICODE};
        let col = |f: Field| shown().find(|c| c.field == f).unwrap();
        let newest = Sort::default();
        assert_eq!(
            heading_sorted(col(Field::Seen), newest, 11, &UNICODE).as_str(),
            "LAST SEEN ▼"
        );
        assert_eq!(
            heading_sorted(col(Field::Seen), newest, 10, &UNICODE).as_str(),
            "LAST SEEN▼"
        );
        let reversed = Sort {
            reverse: true,
            ..newest
        };
        assert_eq!(
            heading_sorted(col(Field::Seen), reversed, 10, &ASCII).as_str(),
            "LAST SEEN^"
        );
        let threat = Sort {
            key: SortKey::Threat,
            reverse: false,
        };
        assert_eq!(
            heading_sorted(col(Field::Threat), threat, 26, &UNICODE).as_str(),
            "THREAT ▲"
        );
        assert_eq!(
            heading_sorted(col(Field::Value), threat, 40, &UNICODE).as_str(),
            "VALUE"
        );
        let sources = Sort {
            key: SortKey::Sources,
            reverse: false,
        };
        assert_eq!(
            heading_sorted(col(Field::Sources), sources, 14, &ASCII).as_str(),
            "SOURCES v"
        );
        assert!(drawn(SortKey::LastSeen, 120));
        assert!(!drawn(SortKey::LastSeen, 80));
        assert!(!drawn(SortKey::Arrival, 200));
    }
}
