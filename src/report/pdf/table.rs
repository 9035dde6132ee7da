// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! A table's measure: column widths that fit the page and each cell wrapped to its
//! column, so the layout can place rows, split them across pages and repeat the
//! header. Widths and heights in points.
//!
//! Columns get their natural width (the widest cell on one line) when all fit. When
//! they do not, each gets at least its longest word, up to an equal share of the
//! width, and the rest is shared in proportion to how much more each would like; a
//! cell wider than its column wraps (inside a hash or URL if it must, see
//! [`super::text::wrap`]).

use super::blocks::{Align, Table};
use super::text::{Fonts, Line, Span, Weight, wrap};

/// The table's type: font size, line height and cell padding, in points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TableStyle {
    pub size: f32,
    pub leading: f32,
    pub pad_x: f32,
    pub pad_y: f32,
}

/// One row's cells, each wrapped to its column.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub cells: Vec<Vec<Line>>,
}

impl Row {
    /// The most lines a cell of the row has (at least 1).
    pub fn lines(&self) -> usize {
        self.cells.iter().map(Vec::len).max().unwrap_or(1).max(1)
    }
}

/// A measured table: column widths (with padding), alignments, header and rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Measured {
    pub widths: Vec<f32>,
    pub align: Vec<Align>,
    pub header: Row,
    pub rows: Vec<Row>,
}

impl Measured {
    /// The height of `lines` lines of a row, padding included.
    pub fn height(&self, style: &TableStyle, lines: usize) -> f32 {
        lines as f32 * style.leading + 2.0 * style.pad_y
    }

    /// The whole width.
    pub fn width(&self) -> f32 {
        self.widths.iter().sum()
    }
}

/// The widest line of `spans` unwrapped, and its widest word, in points.
fn natural(fonts: &Fonts, spans: &[Span], size: f32) -> (f32, f32) {
    let mut widest = 0.0_f32;
    let mut word = 0.0_f32;
    for line in wrap(fonts, spans, size, f32::INFINITY) {
        widest = widest.max(line.width);
    }
    for span in spans {
        let face = fonts.face(span.weight);
        for w in span.text.split_whitespace() {
            word = word.max(face.width(w, size));
        }
    }
    (widest, word)
}

/// `table` measured to fit `width` points.
pub fn measure(fonts: &Fonts, table: &Table, width: f32, style: &TableStyle) -> Measured {
    let columns = table
        .rows
        .iter()
        .map(Vec::len)
        .chain([table.header.len(), 1])
        .max()
        .unwrap_or(1);
    let empty: Vec<Span> = Vec::new();
    let cell = |row: &[Vec<Span>], i: usize| row.get(i).unwrap_or(&empty).clone();
    let bold = |spans: Vec<Span>| -> Vec<Span> {
        spans
            .into_iter()
            .map(|s| Span::new(s.text, Weight::Bold))
            .collect()
    };
    let header: Vec<Vec<Span>> = (0..columns).map(|i| bold(cell(&table.header, i))).collect();
    let pad = 2.0 * style.pad_x;
    let mut want = vec![0.0_f32; columns];
    let mut floor = vec![0.0_f32; columns];
    for row in std::iter::once(&header).chain(&table.rows) {
        for (i, spans) in row.iter().enumerate().take(columns) {
            let (line, word) = natural(fonts, spans, style.size);
            want[i] = want[i].max(line + pad);
            floor[i] = floor[i].max(word + pad);
        }
    }
    let widths = share(&want, &floor, width);
    let wrap_row = |row: &[Vec<Span>]| Row {
        cells: (0..columns)
            .map(|i| {
                wrap(
                    fonts,
                    row.get(i).unwrap_or(&empty),
                    style.size,
                    (widths[i] - pad).max(1.0),
                )
            })
            .collect(),
    };
    Measured {
        align: (0..columns)
            .map(|i| table.align.get(i).copied().unwrap_or(Align::Left))
            .collect(),
        header: wrap_row(&header),
        rows: table.rows.iter().map(|r| wrap_row(r)).collect(),
        widths,
    }
}

/// Column widths summing to at most `width`: `want` when they fit, else each column's
/// `floor` (capped at an equal share) plus the rest in proportion to what it lacks.
fn share(want: &[f32], floor: &[f32], width: f32) -> Vec<f32> {
    let total: f32 = want.iter().sum();
    if total <= width || want.is_empty() {
        return want.to_vec();
    }
    let equal = width / want.len() as f32;
    let base: Vec<f32> = want
        .iter()
        .zip(floor)
        .map(|(w, f)| f.min(*w).min(equal))
        .collect();
    let left = (width - base.iter().sum::<f32>()).max(0.0);
    let lack: Vec<f32> = want.iter().zip(&base).map(|(w, b)| w - b).collect();
    let lacking: f32 = lack.iter().sum();
    base.iter()
        .zip(&lack)
        .map(|(b, l)| {
            if lacking > 0.0 {
                b + left * l / lacking
            } else {
                *b
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const STYLE: TableStyle = TableStyle {
        size: 8.0,
        leading: 10.5,
        pad_x: 3.0,
        pad_y: 2.5,
    };

    fn cells(texts: &[&str]) -> Vec<Vec<Span>> {
        texts
            .iter()
            .map(|t| vec![Span::new(*t, Weight::Regular)])
            .collect()
    }

    #[test]
    fn narrow_tables_keep_their_natural_widths() {
        let f = Fonts::new().unwrap();
        let t = Table {
            header: cells(&["Source", "Hits"]),
            rows: vec![cells(&["feodo", "412"])],
            align: vec![Align::Left, Align::Right],
        };
        let m = measure(&f, &t, 500.0, &STYLE);
        assert!(m.width() < 120.0, "{:?}", m.widths);
        assert_eq!(m.rows[0].lines(), 1);
        assert_eq!(m.header.cells[0][0].runs[0].weight, Weight::Bold);
    }

    #[test]
    fn wide_tables_fit_the_width_and_long_values_wrap() {
        let f = Fonts::new().unwrap();
        let hash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        let url = "hxxp://evil[.]example/a.php?x=<script>alert(1)</script>&y=1234567890";
        let t = Table {
            header: cells(&["Value", "Type", "Sources", "Hits"]),
            rows: vec![
                cells(&[hash, "sha256", "feodo, threatfox", "2"]),
                cells(&[url, "url", "feodo, threatfox, otx, urlhaus", "41"]),
            ],
            align: vec![Align::Left; 4],
        };
        let m = measure(&f, &t, 200.0, &STYLE);
        assert!(m.width() <= 200.01, "{:?}", m.widths);
        assert!(m.rows[0].lines() > 1 && m.rows[1].lines() > 1);
        for (row, width) in m.rows.iter().flat_map(|r| r.cells.iter().zip(&m.widths)) {
            for line in row {
                assert!(line.width <= width - 2.0 * STYLE.pad_x + 0.01);
            }
        }
        let joined: String = m.rows[0].cells[0].iter().map(Line::text).collect();
        assert_eq!(joined, hash);
        // The short column is not squeezed below its word.
        let hits_min = f.face(Weight::Bold).width("Hits", 8.0) + 6.0;
        assert!(m.widths[3] >= hits_min - 0.01, "{:?}", m.widths);
    }

    #[test]
    fn ragged_rows_get_empty_cells() {
        let f = Fonts::new().unwrap();
        let t = Table {
            header: cells(&["a", "b", "c"]),
            rows: vec![cells(&["1"])],
            align: vec![],
        };
        let m = measure(&f, &t, 300.0, &STYLE);
        assert_eq!(m.rows[0].cells.len(), 3);
        assert_eq!(m.align, vec![Align::Left; 3]);
        assert_eq!(m.height(&STYLE, 2), 26.0);
    }
}
