// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The charts' SVG writer: a standalone document (SVG 1.1, `xmlns`, `viewBox` and a
//! size in px) made of `rect`, `line`, `path`, `text` and `pattern` only, with a
//! `<title>` and `<desc>`, so browsers and usvg (the PDF's krilla-svg) draw it alike.
//! Every string is escaped for XML; names too long for their place are cut with `…`
//! by display width (wide characters count two).

use std::fmt::Write;

use unicode_width::UnicodeWidthChar;

/// The charts' type face: Noto Sans (bundled for the PDF), else the reader's sans.
pub const FONT: &str = "'Noto Sans', 'DejaVu Sans', Arial, sans-serif";
/// Text and axes.
pub const INK: &str = "#1a1a1a";
/// Secondary text (tick labels).
pub const MUTED: &str = "#4d4d4d";
/// Grid lines.
pub const GRID: &str = "#d9d9d9";
/// The mean advance of one character of [`FONT`], as a share of the font size; used to
/// decide where a label must be cut.
pub const CHAR_EM: f64 = 0.6;

/// How a text is anchored at its x.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    Start,
    Middle,
    End,
}

impl Anchor {
    fn as_str(self) -> &'static str {
        match self {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        }
    }
}

/// The marks drawn over a fill, so that series differ without their colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Solid,
    Diagonal,
    BackDiagonal,
    Horizontal,
    Vertical,
    Cross,
    DiagonalCross,
    Dots,
    Checker,
    Zigzag,
}

impl Mark {
    /// The mark's path in an 8 × 8 tile, and whether it is filled (else stroked).
    fn path(self) -> Option<(&'static str, bool)> {
        Some(match self {
            Mark::Solid => return None,
            Mark::Diagonal => ("M0 8L8 0M-2 2L2 -2M6 10L10 6", false),
            Mark::BackDiagonal => ("M0 0L8 8M-2 6L2 10M6 -2L10 2", false),
            Mark::Horizontal => ("M0 4L8 4", false),
            Mark::Vertical => ("M4 0L4 8", false),
            Mark::Cross => ("M0 4L8 4M4 0L4 8", false),
            Mark::DiagonalCross => ("M0 0L8 8M0 8L8 0", false),
            Mark::Dots => ("M1 1h2.5v2.5h-2.5zM5 5h2.5v2.5h-2.5z", true),
            Mark::Checker => ("M0 0h4v4h-4zM4 4h4v4h-4z", true),
            Mark::Zigzag => ("M0 6L2 2L4 6L6 2L8 6", false),
        })
    }
}

/// A fill: an Okabe-Ito colour, a mark and the mark's colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Swatch {
    /// `#rrggbb`.
    pub colour: &'static str,
    pub mark: Mark,
    /// The mark's colour: black on light fills, white on dark ones.
    pub ink: &'static str,
}

/// The relative luminance of `#rrggbb` (WCAG 2.x, sRGB), 0 (black) to 1 (white); 0
/// for a string that is not a colour.
pub fn luminance(hex: &str) -> f64 {
    let channel = |i: usize| {
        let v = hex
            .get(i..i + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .map_or(0.0, |v| f64::from(v) / 255.0);
        if v <= 0.040_45 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    if hex.len() != 7 || !hex.starts_with('#') {
        return 0.0;
    }
    0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
}

/// `s` escaped for XML text and double- or single-quoted attributes
/// ([`crate::model::sanitize::push_xml_escaped`]).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    crate::model::sanitize::push_xml_escaped(&mut out, s);
    out
}

/// `s` cut to at most `columns` display columns, ending in `…` when cut.
pub fn cut(s: &str, columns: usize) -> String {
    let width = |c: char| UnicodeWidthChar::width(c).unwrap_or(0);
    if s.chars().map(width).sum::<usize>() <= columns {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = width(c);
        if used + w + 1 > columns {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// How many columns of text fit in `px` at `size` px.
pub fn columns(px: f64, size: f64) -> usize {
    (px / (size * CHAR_EM)).floor().max(1.0) as usize
}

/// `n` with thousands separators: `40,211`.
pub fn group(n: u64) -> String {
    crate::model::count::grouped(n)
}

/// `n` in at most five characters: `1,873`, `40.2k`, `121k`, `1.21M`.
pub fn compact(n: u64) -> String {
    let f = n as f64;
    match n {
        0..=9_999 => group(n),
        10_000..=99_999 => format!("{:.1}k", f / 1e3),
        100_000..=999_999 => format!("{:.0}k", f / 1e3),
        _ => format!("{:.2}M", f / 1e6),
    }
}

/// A step of 1, 2 or 5 × 10ⁿ that divides `[0, max]` into at most `ticks` parts, and
/// the axis' top (a multiple of it, at least `max`). A `max` of 0 gives a 0–1 axis.
pub fn nice_axis(max: f64, ticks: u32) -> (f64, f64) {
    if max <= 0.0 || !max.is_finite() {
        return (1.0, 1.0);
    }
    let raw = max / f64::from(ticks.max(1));
    let pow = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * pow)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * pow);
    (step, (max / step).ceil() * step)
}

/// An SVG document being written.
pub struct Doc {
    out: String,
    id: &'static str,
}

impl Doc {
    /// Opens a `width` × `height` px document whose `<title>` and `<desc>` are `title`
    /// and `desc` (escaped); `id` prefixes every id in it, so several charts can share
    /// one HTML page.
    pub fn new(id: &'static str, width: u32, height: u32, title: &str, desc: &str) -> Doc {
        let mut out = String::with_capacity(16 * 1024);
        let _ = write!(
            out,
            r#"<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-labelledby="{id}-title {id}-desc" font-family="{f}" font-size="12">"#,
            f = escape(FONT)
        );
        let _ = write!(
            out,
            "\n<title id=\"{id}-title\">{}</title>\n<desc id=\"{id}-desc\">{}</desc>\n",
            escape(title),
            escape(desc)
        );
        let _ = writeln!(
            out,
            r##"<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>"##
        );
        Doc { out, id }
    }

    /// Defines one pattern per patterned swatch; [`Doc::fill`] refers to them by index.
    pub fn patterns(&mut self, swatches: &[Swatch]) {
        self.out.push_str("<defs>\n");
        for (i, s) in swatches.iter().enumerate() {
            let Some((d, filled)) = s.mark.path() else {
                continue;
            };
            let _ = write!(
                self.out,
                r#"<pattern id="{}-p{i}" patternUnits="userSpaceOnUse" x="0" y="0" width="8" height="8"><rect x="0" y="0" width="8" height="8" fill="{}"/>"#,
                self.id, s.colour
            );
            if filled {
                let _ = write!(self.out, r#"<path d="{d}" fill="{}"/>"#, s.ink);
            } else {
                let _ = write!(
                    self.out,
                    r#"<path d="{d}" fill="none" stroke="{}" stroke-width="1.3"/>"#,
                    s.ink
                );
            }
            self.out.push_str("</pattern>\n");
        }
        self.out.push_str("</defs>\n");
    }

    /// The `fill` value of swatch `i` of those given to [`Doc::patterns`].
    pub fn fill(&self, i: usize, s: &Swatch) -> String {
        match s.mark {
            Mark::Solid => s.colour.to_string(),
            _ => format!("url(#{}-p{i})", self.id),
        }
    }

    /// A rectangle, outlined in `stroke` if given.
    pub fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, fill: &str, stroke: Option<&str>) {
        self.rect_tip(x, y, w, h, fill, stroke, None);
    }

    /// [`Doc::rect`] with `tip`, if any, as its `<title>` (a browser's tooltip).
    #[allow(clippy::too_many_arguments)]
    pub fn rect_tip(
        &mut self,
        x: f64,
        y: f64,
        w: f64,
        h: f64,
        fill: &str,
        stroke: Option<&str>,
        tip: Option<&str>,
    ) {
        // A rect drawn 0 wide or high shows nothing, and SVG readers warn of it: one with
        // a tooltip (a bar of 0) is drawn as a hairline, others not at all.
        let (w, h) = match tip {
            Some(_) => (w.max(0.5), h.max(0.5)),
            None if !(w >= 0.05 && h >= 0.05) => return,
            None => (w, h),
        };
        let _ = write!(
            self.out,
            r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{fill}""#,
            x,
            y,
            w.max(0.0),
            h.max(0.0)
        );
        if let Some(s) = stroke {
            let _ = write!(self.out, r#" stroke="{s}" stroke-width="1""#);
        }
        match tip {
            Some(t) => {
                let _ = writeln!(self.out, "><title>{}</title></rect>", escape(t));
            }
            None => self.out.push_str("/>\n"),
        }
    }

    /// A line `stroke`-coloured, `width` px wide.
    pub fn line(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, stroke: &str, width: f64) {
        let _ = writeln!(
            self.out,
            r#"<line x1="{x1:.1}" y1="{y1:.1}" x2="{x2:.1}" y2="{y2:.1}" stroke="{stroke}" stroke-width="{width}"/>"#
        );
    }

    /// Text (escaped) at `(x, y)` (y is the baseline).
    pub fn text(&mut self, x: f64, y: f64, s: &str, anchor: Anchor, size: f64, fill: &str) {
        self.text_full(x, y, s, anchor, size, fill, false, None);
    }

    /// [`Doc::text`] in bold, or turned by `rotate` degrees about its anchor.
    #[allow(clippy::too_many_arguments)]
    pub fn text_full(
        &mut self,
        x: f64,
        y: f64,
        s: &str,
        anchor: Anchor,
        size: f64,
        fill: &str,
        bold: bool,
        rotate: Option<f64>,
    ) {
        let _ = write!(
            self.out,
            r#"<text x="{x:.1}" y="{y:.1}" font-size="{size}" fill="{fill}" text-anchor="{}""#,
            anchor.as_str()
        );
        if bold {
            self.out.push_str(r#" font-weight="bold""#);
        }
        if let Some(deg) = rotate {
            let _ = write!(self.out, r#" transform="rotate({deg} {x:.1} {y:.1})""#);
        }
        let _ = writeln!(self.out, ">{}</text>", escape(s));
    }

    /// Closes the document.
    pub fn finish(mut self) -> String {
        self.out.push_str("</svg>\n");
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_quotes_and_controls() {
        assert_eq!(
            escape("<b>a&b</b> \"x\" 'y'\n\u{7}\u{FFFF}"),
            "&lt;b&gt;a&amp;b&lt;/b&gt; &quot;x&quot; &#39;y&#39;  \u{FFFD}"
        );
    }

    #[test]
    fn cut_counts_display_columns() {
        assert_eq!(cut("feodo", 5), "feodo");
        assert_eq!(cut("threatfox", 5), "thre…");
        assert_eq!(cut("日本語です", 5), "日本…");
        assert_eq!(cut("abc", 1), "…");
    }

    #[test]
    fn numbers_group_and_compact() {
        assert_eq!(group(0), "0");
        assert_eq!(group(1_873), "1,873");
        assert_eq!(group(1_234_567), "1,234,567");
        assert_eq!(compact(9_999), "9,999");
        assert_eq!(compact(40_211), "40.2k");
        assert_eq!(compact(120_554), "121k");
        assert_eq!(compact(1_210_000), "1.21M");
    }

    #[test]
    fn axes_are_nice() {
        assert_eq!(nice_axis(0.0, 5), (1.0, 1.0));
        assert_eq!(nice_axis(31.0, 5), (10.0, 40.0));
        assert_eq!(nice_axis(9.0, 5), (2.0, 10.0));
        assert_eq!(nice_axis(412.0, 4), (200.0, 600.0));
        let (step, top) = nice_axis(0.37, 5);
        assert!((step - 0.1).abs() < 1e-9 && (top - 0.4).abs() < 1e-9);
    }

    #[test]
    fn luminance_follows_wcag() {
        assert!((luminance("#ffffff") - 1.0).abs() < 1e-9);
        assert_eq!(luminance("#000000"), 0.0);
        assert!((luminance("#0072B2") - 0.152).abs() < 0.005);
        assert_eq!(luminance("red"), 0.0);
    }
}
