// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Pages: the blocks placed top to bottom on A4 or Letter, in points from the page's
//! top-left corner (y down, as krilla draws).
//!
//! A heading never ends a page (it moves on with room for a few lines after it);
//! paragraphs and lists break between lines; a table breaks between rows with its
//! header row repeated on each page, and a row taller than a page breaks between its
//! lines; an image moves to the next page when it does not fit and is scaled down to
//! the text width (and the page height). Each page ends with a footer: the document's
//! title and "Page N of M".

use std::collections::BTreeMap;

use super::blocks::{Align, Block, Item as ListItem};
use super::table::{Measured, TableStyle, measure};
use super::text::{Fonts, Line, Run, Span, Weight, plain, wrap};
use crate::report::Paper;

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Color(pub u8, pub u8, pub u8);

/// Body text.
pub const INK: Color = Color(0x1f, 0x23, 0x28);
/// Headings and rules under them (a blue that prints dark in greyscale).
pub const ACCENT: Color = Color(0x0b, 0x4f, 0x79);
/// Footers and table lines.
pub const MUTED: Color = Color(0x6a, 0x73, 0x7d);
/// The table header's background.
const HEADER_FILL: Color = Color(0xe4, 0xe9, 0xee);
/// Every other body row's background.
const ZEBRA: Color = Color(0xf5, 0xf7, 0xf9);

/// The page's size and margins, in points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Geometry {
    pub width: f32,
    pub height: f32,
    pub margin_x: f32,
    pub margin_top: f32,
    pub margin_bottom: f32,
}

impl Geometry {
    /// A4 (210 × 297 mm) or Letter (8.5 × 11 in), 50 pt margins and room for the
    /// footer.
    pub fn of(paper: Paper) -> Geometry {
        let (width, height) = match paper {
            Paper::A4 => (595.28, 841.89),
            Paper::Letter => (612.0, 792.0),
        };
        Geometry {
            width,
            height,
            margin_x: 50.0,
            margin_top: 50.0,
            margin_bottom: 60.0,
        }
    }

    fn content_width(&self) -> f32 {
        self.width - 2.0 * self.margin_x
    }

    fn bottom(&self) -> f32 {
        self.height - self.margin_bottom
    }
}

/// One thing drawn on a page.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// A run of glyphs with its baseline's left end at (`x`, `y`).
    Text {
        x: f32,
        y: f32,
        size: f32,
        color: Color,
        run: Run,
    },
    /// A filled rectangle.
    Fill {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        color: Color,
    },
    /// A straight line `width` points thick.
    Stroke {
        from: (f32, f32),
        to: (f32, f32),
        width: f32,
        color: Color,
    },
    /// The image `src` (a chart or a template file) in the box.
    Graphic {
        src: String,
        x: f32,
        y: f32,
        w: f32,
        h: f32,
    },
}

/// A heading, for the PDF outline: its level, text, page (from 0) and top.
#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    pub level: u8,
    pub title: String,
    pub page: usize,
    pub y: f32,
}

/// The laid-out document.
#[derive(Debug, Clone, PartialEq)]
pub struct Doc {
    pub geometry: Geometry,
    pub pages: Vec<Vec<Item>>,
    pub marks: Vec<Mark>,
    /// The first level-1 heading's text, if any.
    pub title: Option<String>,
}

/// Body text size and line height.
const BODY: (f32, f32) = (9.5, 13.5);
/// Tables' type.
const TABLE: TableStyle = TableStyle {
    size: 8.0,
    leading: 10.5,
    pad_x: 3.5,
    pad_y: 3.0,
};
/// Space after a block.
const GAP: f32 = 7.0;
/// A list's indent per level.
const INDENT: f32 = 14.0;

/// Heading size, space above, room kept for what follows it.
fn heading_style(level: u8) -> (f32, f32, f32) {
    match level {
        1 => (20.0, 0.0, 60.0),
        2 => (14.0, 14.0, 70.0),
        3 => (11.5, 10.0, 50.0),
        _ => (10.0, 8.0, 40.0),
    }
}

/// The flow: pages so far and where the next block goes.
struct Flow<'a> {
    fonts: &'a Fonts,
    g: Geometry,
    pages: Vec<Vec<Item>>,
    marks: Vec<Mark>,
    y: f32,
}

impl Flow<'_> {
    fn page(&mut self) -> &mut Vec<Item> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn at_top(&self) -> bool {
        self.y <= self.g.margin_top + 0.01
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = self.g.margin_top;
    }

    /// Moves to a new page unless `h` more points fit (or the page is empty).
    fn need(&mut self, h: f32) {
        if self.y + h > self.g.bottom() + 0.01 && !self.at_top() {
            self.new_page();
        }
    }

    /// The runs of `line` with its top at `top`, starting at `x`, in `size` and `color`.
    fn text_items(
        &self,
        line: &Line,
        x: f32,
        top: f32,
        (size, leading): (f32, f32),
        color: Color,
    ) -> Vec<Item> {
        let face = self.fonts.face(Weight::Regular);
        let height = (face.ascent + face.descent) * size;
        let baseline = top + (leading - height) / 2.0 + face.ascent * size;
        line.runs
            .iter()
            .map(|run| Item::Text {
                x: x + run.x,
                y: baseline,
                size,
                color,
                run: run.clone(),
            })
            .collect()
    }

    /// Draws `line` on the current page (see [`Flow::text_items`]).
    fn text(&mut self, line: &Line, x: f32, top: f32, size: f32, leading: f32, color: Color) {
        let items = self.text_items(line, x, top, (size, leading), color);
        self.page().extend(items);
    }

    /// Lines of text, breaking pages between them.
    fn lines(&mut self, lines: &[Line], x: f32, size: f32, leading: f32, color: Color) {
        for line in lines {
            self.need(leading);
            let top = self.y;
            self.text(line, x, top, size, leading, color);
            self.y += leading;
        }
    }

    /// The height of an image of natural size `natural` once scaled to fit.
    fn image_height(&self, natural: (f32, f32)) -> f32 {
        let (nw, nh) = natural;
        if nw <= 0.0 || nh <= 0.0 {
            return 0.0;
        }
        let max_h = self.g.bottom() - self.g.margin_top;
        nh * (self.g.content_width() / nw).min(max_h / nh).min(1.0)
    }

    /// `next_height`: the room the block after the heading needs on the same page
    /// (an image's whole height), at least the level's own.
    fn heading(&mut self, level: u8, spans: &[Span], next_height: f32) {
        let (size, above, keep) = heading_style(level);
        let keep = keep.max(next_height);
        let leading = size * 1.3;
        let spans: Vec<Span> = spans
            .iter()
            .map(|s| Span::new(s.text.clone(), Weight::Bold))
            .collect();
        let lines = wrap(self.fonts, &spans, size, self.g.content_width());
        if !self.at_top() {
            self.y += above;
        }
        self.need(lines.len() as f32 * leading + keep);
        let page = self.pages.len().saturating_sub(1);
        self.marks.push(Mark {
            level,
            title: plain(&spans),
            page,
            y: self.y,
        });
        let x = self.g.margin_x;
        self.lines(&lines, x, size, leading, ACCENT);
        if level <= 2 {
            let (width, color) = if level == 1 {
                (1.5, ACCENT)
            } else {
                (0.5, MUTED)
            };
            let y = self.y + 1.5;
            let to = x + self.g.content_width();
            self.page().push(Item::Stroke {
                from: (x, y),
                to: (to, y),
                width,
                color,
            });
            self.y += 4.0;
        }
        self.y += GAP * 0.6;
    }

    fn paragraph(&mut self, spans: &[Span]) {
        let lines = wrap(self.fonts, spans, BODY.0, self.g.content_width());
        let x = self.g.margin_x;
        self.lines(&lines, x, BODY.0, BODY.1, INK);
        self.y += GAP;
    }

    fn list(&mut self, items: &[ListItem]) {
        for item in items {
            let x = self.g.margin_x + item.depth as f32 * INDENT;
            let width = (self.g.content_width() - (x - self.g.margin_x) - INDENT).max(20.0);
            let lines = wrap(self.fonts, &item.spans, BODY.0, width);
            self.need(BODY.1);
            let marker = wrap(
                self.fonts,
                &[Span::new(item.marker.clone(), Weight::Regular)],
                BODY.0,
                INDENT * 2.0,
            );
            let top = self.y;
            if let Some(m) = marker.first() {
                self.text(m, x, top, BODY.0, BODY.1, INK);
            }
            self.lines(&lines, x + INDENT, BODY.0, BODY.1, INK);
        }
        self.y += GAP;
    }

    /// One row's lines `from..to` in a band starting at the current y.
    fn row(&mut self, m: &Measured, row: usize, from: usize, to: usize, fill: Option<Color>) {
        let r = if row == usize::MAX {
            &m.header
        } else {
            &m.rows[row]
        };
        let h = m.height(&TABLE, to - from);
        let x0 = self.g.margin_x;
        let top = self.y;
        if let Some(color) = fill {
            self.page().push(Item::Fill {
                x: x0,
                y: top,
                w: m.width(),
                h,
                color,
            });
        }
        let mut x = x0;
        for (i, cell) in r.cells.iter().enumerate() {
            let w = m.widths[i];
            let inner = w - 2.0 * TABLE.pad_x;
            for (k, line) in cell.iter().enumerate().take(to).skip(from) {
                let dx = match m.align[i] {
                    Align::Left => 0.0,
                    Align::Center => (inner - line.width) / 2.0,
                    Align::Right => inner - line.width,
                };
                let ly = top + TABLE.pad_y + (k - from) as f32 * TABLE.leading;
                self.text(
                    line,
                    x + TABLE.pad_x + dx.max(0.0),
                    ly,
                    TABLE.size,
                    TABLE.leading,
                    INK,
                );
            }
            x += w;
        }
        let y = top + h;
        self.page().push(Item::Stroke {
            from: (x0, y),
            to: (x0 + m.width(), y),
            width: if row == usize::MAX { 0.8 } else { 0.3 },
            color: MUTED,
        });
        self.y = y;
    }

    fn header(&mut self, m: &Measured) {
        let lines = m.header.lines();
        self.row(m, usize::MAX, 0, lines, Some(HEADER_FILL));
    }

    fn table(&mut self, table: &super::blocks::Table) {
        let m = measure(self.fonts, table, self.g.content_width(), &TABLE);
        let header_h = m.height(&TABLE, m.header.lines());
        let first = m.rows.first().map_or(0.0, |r| m.height(&TABLE, r.lines()));
        self.need(header_h + first.min(TABLE.leading * 3.0));
        self.header(&m);
        let room = self.g.bottom() - self.g.margin_top - header_h;
        for (i, row) in m.rows.iter().enumerate() {
            let fill = (i % 2 == 1).then_some(ZEBRA);
            let total = row.lines();
            let mut from = 0;
            while from < total {
                let left = self.g.bottom() - self.y;
                let need = m.height(&TABLE, total - from);
                if need <= left + 0.01 {
                    self.row(&m, i, from, total, fill);
                    break;
                }
                let fit = ((left - 2.0 * TABLE.pad_y) / TABLE.leading)
                    .floor()
                    .max(0.0) as usize;
                // A row that fits a fresh page moves there whole; a taller one is cut.
                if need > room && fit > 0 {
                    self.row(&m, i, from, from + fit, fill);
                    from += fit;
                }
                self.new_page();
                self.header(&m);
            }
        }
        self.y += GAP + 2.0;
    }

    fn image(&mut self, src: &str, natural: (f32, f32)) {
        let h = self.image_height(natural);
        if h <= 0.0 {
            return;
        }
        let w = natural.0 * h / natural.1;
        self.need(h);
        let (x, y) = (self.g.margin_x, self.y);
        self.page().push(Item::Graphic {
            src: src.to_string(),
            x,
            y,
            w,
            h,
        });
        self.y += h + GAP;
    }

    fn rule(&mut self) {
        self.need(GAP * 2.0);
        let x = self.g.margin_x;
        let y = self.y + GAP / 2.0;
        let to = x + self.g.content_width();
        self.page().push(Item::Stroke {
            from: (x, y),
            to: (to, y),
            width: 0.5,
            color: MUTED,
        });
        self.y += GAP * 1.5;
    }

    /// "title · Page N of M" at the foot of every page.
    fn footers(&mut self, title: &str) {
        let total = self.pages.len();
        let size = 7.5;
        let y = self.g.height - self.g.margin_bottom / 2.0 - size;
        for n in 0..total {
            let page_no = format!("Page {} of {}", n + 1, total);
            let width = self.g.content_width();
            let right = wrap(
                self.fonts,
                &[Span::new(page_no, Weight::Regular)],
                size,
                width,
            );
            let left = wrap(
                self.fonts,
                &[Span::new(title, Weight::Regular)],
                size,
                width * 0.7,
            );
            let mut items = Vec::new();
            if let Some(line) = right.first() {
                let x = self.g.margin_x + width - line.width;
                items.extend(self.text_items(line, x, y, (size, size * 1.3), MUTED));
            }
            if let Some(line) = left.first() {
                let x = self.g.margin_x;
                items.extend(self.text_items(line, x, y, (size, size * 1.3), MUTED));
            }
            self.pages[n].extend(items);
        }
    }
}

/// `blocks` laid out on `paper`. `images` gives each image's natural size in points
/// by its `src`; an image without one is left out.
pub fn layout(
    blocks: &[Block],
    fonts: &Fonts,
    images: &BTreeMap<String, (f32, f32)>,
    paper: Paper,
) -> Doc {
    let g = Geometry::of(paper);
    let mut flow = Flow {
        fonts,
        g,
        pages: vec![Vec::new()],
        marks: Vec::new(),
        y: g.margin_top,
    };
    let mut title = None;
    for (i, block) in blocks.iter().enumerate() {
        match block {
            Block::Heading { level, spans } => {
                if *level == 1 && title.is_none() {
                    title = Some(plain(spans));
                }
                let next = match blocks.get(i + 1) {
                    Some(Block::Image { src, .. }) => images
                        .get(src)
                        .map_or(0.0, |size| flow.image_height(*size) + GAP),
                    _ => 0.0,
                };
                flow.heading(*level, spans, next);
            }
            Block::Paragraph(spans) => flow.paragraph(spans),
            Block::List(items) => flow.list(items),
            Block::Table(t) => flow.table(t),
            Block::Image { src, .. } => {
                if let Some(size) = images.get(src) {
                    flow.image(src, *size);
                }
            }
            Block::Rule => flow.rule(),
        }
    }
    if flow.pages.last().is_some_and(Vec::is_empty) && flow.pages.len() > 1 {
        flow.pages.pop();
    }
    flow.footers(title.as_deref().unwrap_or("IntelliSIEM brief"));
    Doc {
        geometry: g,
        pages: flow.pages,
        marks: flow.marks,
        title,
    }
}
