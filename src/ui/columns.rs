// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The indicator table's columns: the one column table ([`COLUMNS`], plain data in the
//! store so exports read it too) laid out across the table's width.

use std::fmt::Write;

pub use crate::store::columns::{COLUMNS, Column, Field, SHOWN, Width, shown};

use super::cell::Fixed;

/// From this many terminal cells wide, a table draws [`Width::Between`] columns at their
/// widest.
pub const WIDE: u16 = 110;

/// Cells a table spends on other than columns: its two borders and the scrollbar's cell.
const FRAME: u16 = 3;

/// The width of each shown column, in order, in a table `width` cells wide (borders
/// included). Columns sit side by side with a one-cell gap.
pub fn widths(width: u16) -> [u16; SHOWN] {
    let wide = width >= WIDE;
    let mut out = [0; SHOWN];
    let mut used = FRAME + (SHOWN as u16).saturating_sub(1);
    let mut fills = 0;
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
            Some(Width::Fill { .. }) => {
                fills += 1;
                0
            }
            None => 0,
        };
        used = used.saturating_add(*w);
    }
    let share = width.saturating_sub(used) / fills.max(1);
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
        assert_eq!(widths(80), [6, 27, 14, 16, 10]);
        assert_eq!(widths(109), [6, 56, 14, 16, 10]);
        assert_eq!(widths(110), [6, 37, 24, 26, 10]);
        assert_eq!(widths(120), [6, 47, 24, 26, 10]);
        assert_eq!(widths(0), [6, 8, 14, 16, 10]);
        let headings: Vec<String> = shown().map(|c| heading(c).as_str().to_string()).collect();
        assert_eq!(
            headings,
            ["TYPE", "VALUE", "SOURCES", "THREAT", "LAST SEEN"]
        );
    }
}
