// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Text in the embedded Noto Sans (Regular and Bold, SIL OFL 1.1, `assets/fonts`):
//! shaping with rustybuzz (the font's kerning and ligatures), widths from the same
//! glyph advances the PDF draws, and greedy wrapping of styled spans to a width.
//!
//! Lines break after spaces, then after the punctuation that splits URLs and paths
//! (`/ - ? & = . , ; : _ @`), and, when one word is wider than the line (a SHA-256, a
//! long URL), between any two characters, so no text leaves its box. A character the
//! font lacks is drawn as the font's `.notdef` box and keeps its text for copy and
//! search (the PDF's ActualText).

use std::ops::Range;

use krilla::text::Font;

use crate::report::ReportError;

/// Noto Sans Regular, embedded (subset) in every PDF.
pub(super) const REGULAR: &[u8] = include_bytes!("../../../assets/fonts/NotoSans-Regular.ttf");
/// Noto Sans Bold: headings, table headers, `**strong**`.
pub(super) const BOLD: &[u8] = include_bytes!("../../../assets/fonts/NotoSans-Bold.ttf");

/// The weight a span is set in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Weight {
    #[default]
    Regular,
    Bold,
}

/// A piece of text in one weight, as Markdown gave it (`\n` is a hard line break).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub text: String,
    pub weight: Weight,
}

impl Span {
    /// `text` in `weight`.
    pub fn new(text: impl Into<String>, weight: Weight) -> Span {
        Span {
            text: text.into(),
            weight,
        }
    }
}

/// The spans' text run together (a heading's words for the outline, a cell's value).
pub fn plain(spans: &[Span]) -> String {
    spans.iter().map(|s| s.text.as_str()).collect()
}

/// One shaped glyph. Advances and offsets are in em (multiply by the font size for
/// points); `range` is the cluster's byte range in the text that was shaped.
#[derive(Debug, Clone, PartialEq)]
pub struct Glyph {
    pub id: u32,
    pub advance: f32,
    pub x_offset: f32,
    pub y_offset: f32,
    pub range: Range<usize>,
}

/// One font: its shaper and the krilla font the PDF embeds.
pub struct Face {
    shaper: rustybuzz::Face<'static>,
    /// The font as krilla embeds it.
    pub font: Font,
    upem: f32,
    /// Above the baseline, in em.
    pub ascent: f32,
    /// Below the baseline, in em (positive).
    pub descent: f32,
}

impl Face {
    fn new(data: &'static [u8], name: &str) -> Result<Face, ReportError> {
        let bad = || ReportError::Pdf(format!("font {name} cannot be read"));
        let shaper = rustybuzz::Face::from_slice(data, 0).ok_or_else(bad)?;
        let font = Font::new(data.into(), 0).ok_or_else(bad)?;
        let upem = shaper.units_per_em().max(1) as f32;
        Ok(Face {
            ascent: f32::from(shaper.ascender()) / upem,
            descent: -f32::from(shaper.descender()) / upem,
            shaper,
            font,
            upem,
        })
    }

    /// `text` shaped left to right; clusters in text order.
    pub fn shape(&self, text: &str) -> Vec<Glyph> {
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.guess_segment_properties();
        buffer.set_direction(rustybuzz::Direction::LeftToRight);
        let out = rustybuzz::shape(&self.shaper, &[], buffer);
        let infos = out.glyph_infos();
        let positions = out.glyph_positions();
        let mut glyphs = Vec::with_capacity(infos.len());
        for (i, (info, pos)) in infos.iter().zip(positions).enumerate() {
            let start = info.cluster as usize;
            let end = infos[i..]
                .iter()
                .map(|n| n.cluster as usize)
                .find(|&c| c > start)
                .unwrap_or(text.len());
            glyphs.push(Glyph {
                id: info.glyph_id,
                advance: pos.x_advance as f32 / self.upem,
                x_offset: pos.x_offset as f32 / self.upem,
                y_offset: pos.y_offset as f32 / self.upem,
                range: start.min(text.len())..end.min(text.len()),
            });
        }
        glyphs
    }

    /// Width of `text` at `size` points, in points.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        self.shape(text).iter().map(|g| g.advance).sum::<f32>() * size
    }
}

/// The two embedded fonts.
pub struct Fonts {
    regular: Face,
    bold: Face,
}

impl Fonts {
    /// Noto Sans Regular and Bold from the binary.
    ///
    /// # Errors
    /// [`ReportError::Pdf`] if a built-in font cannot be parsed (a broken build).
    pub fn new() -> Result<Fonts, ReportError> {
        Ok(Fonts {
            regular: Face::new(REGULAR, "NotoSans-Regular")?,
            bold: Face::new(BOLD, "NotoSans-Bold")?,
        })
    }

    /// The face of `weight`.
    pub fn face(&self, weight: Weight) -> &Face {
        match weight {
            Weight::Regular => &self.regular,
            Weight::Bold => &self.bold,
        }
    }
}

/// A piece of one line in one weight: its text, its glyphs (ranges relative to
/// `text`), where it starts on the line and how wide it is, in points.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub weight: Weight,
    pub text: String,
    pub glyphs: Vec<Glyph>,
    pub x: f32,
    pub width: f32,
}

/// One laid-out line: its runs left to right and its width in points.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Line {
    pub runs: Vec<Run>,
    pub width: f32,
}

impl Line {
    /// The line's text (its runs' text run together).
    pub fn text(&self) -> String {
        self.runs.iter().map(|r| r.text.as_str()).collect()
    }
}

/// A glyph placed in a paragraph: which span, its width in points, whether a line may
/// end after it (and whether it is a space to drop there).
struct Placed {
    span: usize,
    glyph: Glyph,
    width: f32,
    soft_break: bool,
    space: bool,
}

/// Characters a line may end after, besides spaces: where URLs, paths and lists of
/// names split naturally.
fn breaks_after(c: char) -> bool {
    matches!(
        c,
        '/' | '-' | '?' | '&' | '=' | '.' | ',' | ';' | ':' | '_' | '@' | '|' | ')' | ']'
    )
}

/// `spans` wrapped to `max_width` points at `size` points: at least one line (an
/// empty one for no text), none wider than `max_width` unless a single character is.
pub fn wrap(fonts: &Fonts, spans: &[Span], size: f32, max_width: f32) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut hard: Vec<Span> = Vec::new();
    for span in spans {
        let mut parts = span.text.split('\n');
        if let Some(first) = parts.next() {
            hard.push(Span::new(first, span.weight));
        }
        for part in parts {
            lines.extend(wrap_one(fonts, &hard, size, max_width));
            hard = vec![Span::new(part, span.weight)];
        }
    }
    lines.extend(wrap_one(fonts, &hard, size, max_width));
    lines
}

/// One hard line (no `\n`) wrapped greedily.
fn wrap_one(fonts: &Fonts, spans: &[Span], size: f32, max_width: f32) -> Vec<Line> {
    let mut placed: Vec<Placed> = Vec::new();
    for (i, span) in spans.iter().enumerate() {
        for glyph in fonts.face(span.weight).shape(&span.text) {
            let cluster = span.text.get(glyph.range.clone()).unwrap_or("");
            let last = cluster.chars().last();
            let space = last.is_some_and(char::is_whitespace);
            placed.push(Placed {
                span: i,
                width: glyph.advance * size,
                soft_break: space || last.is_some_and(breaks_after),
                space,
                glyph,
            });
        }
    }
    // A glyph may start a new line only where its cluster starts (not inside a
    // ligature or a decomposed character).
    let cluster_start = |k: usize| {
        k == 0
            || placed[k].span != placed[k - 1].span
            || placed[k].glyph.range.start != placed[k - 1].glyph.range.start
    };
    let mut cuts: Vec<Range<usize>> = Vec::new();
    let mut start = 0;
    while start < placed.len() {
        // Skip the spaces a previous line ended on.
        while start < placed.len() && placed[start].space && !cuts.is_empty() {
            start += 1;
        }
        if start >= placed.len() {
            break;
        }
        let mut width = 0.0;
        let mut last_soft = None;
        let mut end = start;
        while end < placed.len() {
            let w = placed[end].width;
            let fits = width + w <= max_width + 0.01 || placed[end].space;
            if !fits {
                break;
            }
            width += w;
            if placed[end].soft_break && (end + 1 >= placed.len() || cluster_start(end + 1)) {
                last_soft = Some(end + 1);
            }
            end += 1;
        }
        if end < placed.len() {
            end = match last_soft {
                Some(soft) => soft,
                // One word wider than the line: cut it at the last cluster that fits,
                // at least one.
                None => (start + 1..=end)
                    .rev()
                    .find(|&k| cluster_start(k))
                    .filter(|&k| k > start)
                    .unwrap_or_else(|| {
                        (start + 1..=placed.len())
                            .find(|&k| k == placed.len() || cluster_start(k))
                            .unwrap_or(placed.len())
                    }),
            };
        }
        cuts.push(start..end);
        start = end;
    }
    if cuts.is_empty() {
        return vec![Line::default()];
    }
    cuts.into_iter()
        .map(|range| line_of(spans, &placed[range]))
        .collect()
}

/// The line made of `placed` (trailing spaces dropped), runs split where the span
/// changes.
fn line_of(spans: &[Span], placed: &[Placed]) -> Line {
    let keep = placed.len() - placed.iter().rev().take_while(|p| p.space).count();
    let mut line = Line::default();
    let mut x = 0.0;
    for group in placed[..keep].chunk_by(|a, b| a.span == b.span) {
        let span = &spans[group[0].span];
        let from = group[0].glyph.range.start;
        let to = group
            .iter()
            .map(|p| p.glyph.range.end)
            .max()
            .unwrap_or(from);
        let width: f32 = group.iter().map(|p| p.width).sum();
        line.runs.push(Run {
            weight: span.weight,
            text: span.text.get(from..to).unwrap_or("").to_string(),
            glyphs: group
                .iter()
                .map(|p| Glyph {
                    range: p.glyph.range.start - from..p.glyph.range.end - from,
                    ..p.glyph.clone()
                })
                .collect(),
            x,
            width,
        });
        x += width;
    }
    line.width = x;
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    fn regular(text: &str) -> Vec<Span> {
        vec![Span::new(text, Weight::Regular)]
    }

    #[test]
    fn bold_is_wider_and_width_grows_with_size() {
        let f = Fonts::new().unwrap();
        let r = f.face(Weight::Regular).width("Feed efficacy", 10.0);
        let b = f.face(Weight::Bold).width("Feed efficacy", 10.0);
        assert!(r > 40.0 && r < 80.0, "{r}");
        assert!(b > r);
        assert!((f.face(Weight::Regular).width("Feed efficacy", 20.0) - 2.0 * r).abs() < 0.01);
    }

    #[test]
    fn words_wrap_at_spaces_and_no_line_is_too_wide() {
        let f = Fonts::new().unwrap();
        let text = "the quick brown fox jumps over the lazy dog ".repeat(6);
        let lines = wrap(&f, &regular(&text), 10.0, 120.0);
        assert!(lines.len() > 4, "{}", lines.len());
        for l in &lines {
            assert!(l.width <= 120.01, "{} {}", l.width, l.text());
            assert!(!l.text().starts_with(' ') && !l.text().ends_with(' '));
        }
        let joined: Vec<String> = lines.iter().map(Line::text).collect();
        assert_eq!(joined.join(" "), text.trim_end());
    }

    #[test]
    fn a_hash_wider_than_the_box_breaks_inside_and_keeps_every_character() {
        let f = Fonts::new().unwrap();
        let hash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        let lines = wrap(&f, &regular(hash), 8.0, 60.0);
        assert!(lines.len() >= 4, "{}", lines.len());
        assert!(lines.iter().all(|l| l.width <= 60.01));
        assert_eq!(lines.iter().map(Line::text).collect::<String>(), hash);
    }

    #[test]
    fn a_url_breaks_after_its_slashes_before_any_character() {
        let f = Fonts::new().unwrap();
        let url = "hxxp://evil[.]example/some/long/path/to/a/payload.php?x=1&y=2";
        let lines = wrap(&f, &regular(url), 8.0, 90.0);
        assert!(lines.len() > 1);
        for l in &lines[..lines.len() - 1] {
            let t = l.text();
            assert!(t.ends_with(breaks_after), "{t}");
        }
        assert_eq!(lines.iter().map(Line::text).collect::<String>(), url);
    }

    #[test]
    fn spans_keep_their_weight_and_hard_breaks_start_lines() {
        let f = Fonts::new().unwrap();
        let spans = vec![
            Span::new("Hits: ", Weight::Bold),
            Span::new("412\nnext line", Weight::Regular),
        ];
        let lines = wrap(&f, &spans, 10.0, 400.0);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].runs.len(), 2);
        assert_eq!(lines[0].runs[0].weight, Weight::Bold);
        assert_eq!(lines[0].runs[1].text, "412");
        assert!(lines[0].runs[1].x > 0.0);
        assert_eq!(lines[1].text(), "next line");
    }

    #[test]
    fn a_character_the_font_lacks_is_shaped_as_notdef_and_keeps_its_text() {
        let f = Fonts::new().unwrap();
        let glyphs = f.face(Weight::Regular).shape("a\u{4e2d}b");
        assert_eq!(glyphs.len(), 3);
        assert_eq!(glyphs[1].id, 0);
        assert_eq!(glyphs[1].range, 1..4);
        let lines = wrap(&f, &regular("a\u{4e2d}b"), 10.0, 100.0);
        assert_eq!(lines[0].text(), "a\u{4e2d}b");
        assert_eq!(wrap(&f, &[], 10.0, 100.0), vec![Line::default()]);
    }
}
