// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! A laid-out [`Doc`] written as PDF with krilla: text as glyphs of the embedded,
//! subset Noto Sans (selectable, with ToUnicode maps), charts as vector graphics
//! (krilla-svg), the document's title and creation date in its metadata, and an
//! outline (bookmarks) of its headings: level 1 at the top, level 2 under it.

use std::collections::BTreeMap;

use jiff::Timestamp;
use krilla::color::rgb;
use krilla::destination::XyzDestination;
use krilla::error::KrillaError;
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::metadata::{DateTime, Metadata};
use krilla::num::NormalizedF32;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::{GlyphId, KrillaGlyph};
use krilla::{Document, SerializeSettings};
use krilla_svg::{SurfaceExt, SvgSettings};

use super::graphics::Graphic;
use super::layout::{Color, Doc, Item, Mark};
use super::text::{Fonts, Weight};
use crate::report::ReportError;

fn paint(c: Color) -> krilla::paint::Paint {
    rgb::Color::new(c.0, c.1, c.2).into()
}

fn pdf_error(e: KrillaError) -> ReportError {
    let why = match e {
        KrillaError::Font(_, why) => format!("font: {why}"),
        other => format!("{other:?}"),
    };
    ReportError::Pdf(why.replace(['\n', '\r'], " "))
}

/// A krilla date from `t` (UTC).
fn date(t: Timestamp) -> DateTime {
    let dt = jiff::tz::TimeZone::UTC.to_datetime(t);
    DateTime::new(u16::try_from(dt.year()).unwrap_or(1970))
        .month(dt.month() as u8)
        .day(dt.day() as u8)
        .hour(dt.hour() as u8)
        .minute(dt.minute() as u8)
        .second(dt.second() as u8)
        .utc_offset_hour(0)
        .utc_offset_minute(0)
}

/// Draws one item.
fn draw(
    surface: &mut Surface<'_>,
    item: &Item,
    fonts: &Fonts,
    graphics: &BTreeMap<String, Graphic>,
) {
    match item {
        Item::Text {
            x,
            y,
            size,
            color,
            run,
        } => {
            let glyphs: Vec<KrillaGlyph> = run
                .glyphs
                .iter()
                .map(|g| {
                    KrillaGlyph::new(
                        GlyphId::new(g.id),
                        g.advance,
                        g.x_offset,
                        g.y_offset,
                        0.0,
                        g.range.clone(),
                        None,
                    )
                })
                .collect();
            surface.set_stroke(None);
            surface.set_fill(Some(Fill {
                paint: paint(*color),
                opacity: NormalizedF32::ONE,
                rule: Default::default(),
            }));
            let font = fonts.face(run.weight).font.clone();
            surface.draw_glyphs(
                Point::from_xy(*x, *y),
                &glyphs,
                font,
                &run.text,
                *size,
                false,
            );
        }
        Item::Fill { x, y, w, h, color } => {
            let Some(rect) = Rect::from_xywh(*x, *y, *w, *h) else {
                return;
            };
            let mut pb = PathBuilder::new();
            pb.push_rect(rect);
            if let Some(path) = pb.finish() {
                surface.set_stroke(None);
                surface.set_fill(Some(Fill {
                    paint: paint(*color),
                    ..Fill::default()
                }));
                surface.draw_path(&path);
            }
        }
        Item::Stroke {
            from,
            to,
            width,
            color,
        } => {
            let mut pb = PathBuilder::new();
            pb.move_to(from.0, from.1);
            pb.line_to(to.0, to.1);
            if let Some(path) = pb.finish() {
                surface.set_fill(None);
                surface.set_stroke(Some(Stroke {
                    paint: paint(*color),
                    width: *width,
                    ..Stroke::default()
                }));
                surface.draw_path(&path);
            }
        }
        Item::Graphic { src, x, y, w, h } => {
            let (Some(graphic), Some(size)) = (graphics.get(src), Size::from_wh(*w, *h)) else {
                return;
            };
            surface.push_transform(&Transform::from_translate(*x, *y));
            match graphic {
                Graphic::Svg(tree) => {
                    surface.draw_svg(tree, size, SvgSettings::default());
                }
                Graphic::Raster(image) => surface.draw_image(image.clone(), size),
            }
            surface.pop();
        }
    }
}

/// Gives each font's `.notdef` glyph an empty text before anything is drawn, when the
/// document uses it: krilla maps a glyph's first text into the font's ToUnicode map
/// and marks later, different ones with ActualText, but never writes `.notdef`'s map,
/// so the first character the font lacked would copy as nothing. Primed, every such
/// character gets ActualText. The priming glyph is invisible and has no text.
fn prime_notdef(surface: &mut Surface<'_>, doc: &Doc, fonts: &Fonts) {
    for weight in [Weight::Regular, Weight::Bold] {
        let used = doc.pages.iter().flatten().any(|item| {
            matches!(item, Item::Text { run, .. }
                if run.weight == weight && run.glyphs.iter().any(|g| g.id == 0))
        });
        if !used {
            continue;
        }
        surface.set_stroke(None);
        surface.set_fill(Some(Fill {
            opacity: NormalizedF32::ZERO,
            ..Fill::default()
        }));
        let glyph = KrillaGlyph::new(GlyphId::new(0), 0.0, 0.0, 0.0, 0.0, 0..0, None);
        let font = fonts.face(weight).font.clone();
        surface.draw_glyphs(Point::from_xy(0.0, 0.0), &[glyph], font, "", 1.0, false);
    }
}

/// The outline: each level-1 mark with the level-2 marks after it as children
/// (level-2 marks before any level 1 stand at the top); deeper levels left out.
fn outline(marks: &[Mark]) -> Outline {
    let node = |m: &Mark| {
        OutlineNode::new(
            m.title.clone(),
            XyzDestination::new(m.page, Point::from_xy(0.0, m.y)),
        )
    };
    let mut outline = Outline::new();
    let mut open: Option<OutlineNode> = None;
    for m in marks {
        match m.level {
            1 => {
                if let Some(done) = open.replace(node(m).with_open(true)) {
                    outline.push_child(done);
                }
            }
            2 => match open.as_mut() {
                Some(parent) => parent.push_child(node(m)),
                None => outline.push_child(node(m)),
            },
            _ => {}
        }
    }
    if let Some(done) = open {
        outline.push_child(done);
    }
    outline
}

/// `doc` as PDF bytes. The same `doc` and `created` give the same bytes.
///
/// # Errors
/// [`ReportError::Pdf`] when krilla cannot write it (a font it cannot subset).
pub fn pdf(
    doc: &Doc,
    fonts: &Fonts,
    graphics: &BTreeMap<String, Graphic>,
    created: Timestamp,
) -> Result<Vec<u8>, ReportError> {
    let mut document = Document::new_with(SerializeSettings::default());
    let g = doc.geometry;
    for (n, items) in doc.pages.iter().enumerate() {
        let settings = PageSettings::from_wh(g.width, g.height)
            .ok_or_else(|| ReportError::Pdf("page size".into()))?;
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        if n == 0 {
            prime_notdef(&mut surface, doc, fonts);
        }
        for item in items {
            draw(&mut surface, item, fonts, graphics);
        }
        surface.finish();
        page.finish();
    }
    let title = doc
        .title
        .clone()
        .unwrap_or_else(|| "IntelliSIEM brief".to_string());
    document.set_metadata(
        Metadata::new()
            .title(title)
            .creator("IntelliSIEM".to_string())
            .producer(format!("IntelliSIEM {}", env!("CARGO_PKG_VERSION")))
            .language("en".to_string())
            .creation_date(date(created)),
    );
    document.set_outline(outline(&doc.marks));
    document.finish().map_err(pdf_error)
}
