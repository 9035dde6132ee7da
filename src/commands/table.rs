// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Aligned text tables for the commands' terminal output: each column padded to its
//! widest cell by display width (a wide character takes two columns), numbers aligned
//! right, two spaces between columns, and no trailing spaces. Cells are shown as given:
//! sanitise and cut them before.

use unicode_width::UnicodeWidthStr;

/// Where a column's cells sit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    /// For numbers.
    Right,
}

/// A table being filled: a header, then rows.
#[derive(Debug, Clone)]
pub struct Table {
    align: Vec<Align>,
    rows: Vec<Vec<String>>,
}

/// The display width of `s` in terminal columns.
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

impl Table {
    /// A table with these column titles and alignments (one each).
    pub fn new(header: &[(&str, Align)]) -> Self {
        Table {
            align: header.iter().map(|(_, a)| *a).collect(),
            rows: vec![header.iter().map(|(h, _)| h.to_string()).collect()],
        }
    }

    /// Adds a row; a row may be shorter than the header (its last cells stay empty) or
    /// longer (a trailing note, not aligned).
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// The table, one line per row, each ending in `\n`.
    pub fn render(&self) -> String {
        let cols = self.align.len();
        let mut widths = vec![0; cols];
        for r in &self.rows {
            // A trailing note is not measured.
            for (c, cell) in r.iter().enumerate().take(cols) {
                widths[c] = widths[c].max(width(cell));
            }
        }
        let mut out = String::new();
        for r in &self.rows {
            let mut line = String::new();
            for (c, cell) in r.iter().enumerate() {
                if c > 0 {
                    line.push_str("  ");
                }
                let pad = widths.get(c).map_or(0, |w| w.saturating_sub(width(cell)));
                match self.align.get(c) {
                    Some(Align::Right) => {
                        line.push_str(&" ".repeat(pad));
                        line.push_str(cell);
                    }
                    _ => {
                        line.push_str(cell);
                        line.push_str(&" ".repeat(pad));
                    }
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_align_by_display_width_and_numbers_to_the_right() {
        let mut t = Table::new(&[
            ("NAME", Align::Left),
            ("COUNT", Align::Right),
            ("NOTE", Align::Left),
        ]);
        t.row(vec!["日本".into(), "1,000".into(), "wide name".into()]);
        t.row(vec!["feodo".into(), "7".into(), String::new()]);
        t.row(vec!["x".into(), "12".into(), "a".into(), "(extra)".into()]);
        assert_eq!(
            t.render(),
            "NAME   COUNT  NOTE\n\
             日本   1,000  wide name\n\
             feodo      7\n\
             x         12  a          (extra)\n"
        );
        let mut t = Table::new(&[("NAME", Align::Left), ("TIME", Align::Right)]);
        t.row(vec!["a".into(), "12.50s".into()]);
        t.row(vec!["b".into(), "0.01s".into(), "a note".into()]);
        assert_eq!(
            t.render(),
            "NAME    TIME\n\
             a     12.50s\n\
             b      0.01s  a note\n"
        );
    }
}
