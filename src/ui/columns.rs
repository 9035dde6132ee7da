// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The indicator table's columns: the one column table ([`COLUMNS`], plain data in the
//! store so exports read it too) laid out across the table's width.

use std::fmt::Write;

pub use crate::store::columns::{COLUMNS, Column, Field, SHOWN, Width, shown};

use super::cell::Fixed;

/// The value column keeps at least this many cells (an IPv6 address, most URLs' start)
/// before other columns give way; on a wide table the [`Width::Between`] columns grow
/// only while it still has them.
pub const VALUE_WANTS: u16 = 40;

/// What gives way, in order, while the value column has fewer than [`VALUE_WANTS`]
/// cells: each column narrows to this width, 0 meaning it is dropped. LAST SEEN goes
/// first, then THREAT narrows.
const GIVE_WAY: [(Field, u16); 2] = [(Field::Seen, 0), (Field::Threat, 10)];

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_match_the_table_at_every_size() {
        // type, value (fills), sources, threat, last seen.
        assert_eq!(widths(200), [6, 127, 24, 26, 10]);
        assert_eq!(widths(120), [6, 47, 24, 26, 10]);
        assert_eq!(widths(113), [6, 40, 24, 26, 10]);
        // Too narrow for the wide columns and a 40-cell value: the narrow ones.
        assert_eq!(widths(112), [6, 59, 14, 16, 10]);
        assert_eq!(widths(93), [6, 40, 14, 16, 10]);
        // LAST SEEN goes first (its gap with it), then THREAT narrows.
        assert_eq!(widths(92), [6, 50, 14, 16, 0]);
        assert_eq!(widths(82), [6, 40, 14, 16, 0]);
        assert_eq!(widths(80), [6, 40, 14, 14, 0]);
        assert_eq!(widths(76), [6, 40, 14, 10, 0]);
        // Only then does VALUE narrow.
        assert_eq!(widths(70), [6, 34, 14, 10, 0]);
        assert_eq!(widths(0), [6, 8, 14, 10, 0]);
        let headings: Vec<String> = shown().map(|c| heading(c).as_str().to_string()).collect();
        assert_eq!(
            headings,
            ["TYPE", "VALUE", "SOURCES", "THREAT", "LAST SEEN"]
        );
    }
}
