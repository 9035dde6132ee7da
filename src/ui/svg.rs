// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! A drawn frame as an SVG picture: each cell's character in its colours, boldness,
//! underline and reverse video, on a grid of fixed-size cells, so a picture of the
//! dashboard comes from the same drawing code as the terminal (`cargo run --example
//! screenshot`). Colours follow the xterm default palette.

use std::fmt::Write;

use ratatui::buffer::{Buffer, Cell};
use ratatui::style::{Color, Modifier};

/// Width and height of one cell, in SVG user units (pixels).
const CELL_W: u32 = 9;
const CELL_H: u32 = 18;
/// The terminal's own colours, for `Color::Reset`.
const DEFAULT_FG: &str = "#d0d0d0";
const DEFAULT_BG: &str = "#1c1c1c";

/// The xterm colour of `c`, or `default` for [`Color::Reset`].
fn hex(c: Color, default: &str) -> String {
    let named = match c {
        Color::Reset => return default.to_string(),
        Color::Black => "#000000",
        Color::Red => "#cd3131",
        Color::Green => "#0dbc79",
        Color::Yellow => "#e5e510",
        Color::Blue => "#2472c8",
        Color::Magenta => "#bc3fbc",
        Color::Cyan => "#11a8cd",
        Color::Gray => "#e5e5e5",
        Color::DarkGray => "#767676",
        Color::LightRed => "#f14c4c",
        Color::LightGreen => "#23d18b",
        Color::LightYellow => "#f5f543",
        Color::LightBlue => "#3b8eea",
        Color::LightMagenta => "#d670d6",
        Color::LightCyan => "#29b8db",
        Color::White => "#ffffff",
        Color::Rgb(r, g, b) => return format!("#{r:02x}{g:02x}{b:02x}"),
        Color::Indexed(i) => return indexed(i),
    };
    named.to_string()
}

/// The xterm 256-colour palette: 16 system colours, a 6x6x6 cube, 24 greys.
fn indexed(i: u8) -> String {
    const SYSTEM: [Color; 16] = [
        Color::Black,
        Color::Red,
        Color::Green,
        Color::Yellow,
        Color::Blue,
        Color::Magenta,
        Color::Cyan,
        Color::Gray,
        Color::DarkGray,
        Color::LightRed,
        Color::LightGreen,
        Color::LightYellow,
        Color::LightBlue,
        Color::LightMagenta,
        Color::LightCyan,
        Color::White,
    ];
    match i {
        0..=15 => hex(SYSTEM[usize::from(i)], DEFAULT_FG),
        16..=231 => {
            let n = i - 16;
            let level = |v: u8| if v == 0 { 0 } else { 55 + 40 * v };
            format!(
                "#{:02x}{:02x}{:02x}",
                level(n / 36),
                level(n / 6 % 6),
                level(n % 6)
            )
        }
        _ => {
            let g = 8 + 10 * (i - 232);
            format!("#{g:02x}{g:02x}{g:02x}")
        }
    }
}

/// What a run of cells shares: colours after reverse video, weight, underline.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Look {
    fg: String,
    bg: String,
    bold: bool,
    underline: bool,
}

fn look(cell: &Cell) -> Look {
    let mut fg = hex(cell.fg, DEFAULT_FG);
    let mut bg = hex(cell.bg, DEFAULT_BG);
    if cell.modifier.contains(Modifier::REVERSED) {
        std::mem::swap(&mut fg, &mut bg);
    }
    Look {
        fg,
        bg,
        bold: cell.modifier.contains(Modifier::BOLD),
        underline: cell.modifier.contains(Modifier::UNDERLINED),
    }
}

fn escape(out: &mut String, s: &str) {
    crate::model::sanitize::push_xml_escaped(out, s);
}

/// The whole buffer as a standalone SVG document.
pub fn to_svg(buf: &Buffer) -> String {
    let area = buf.area;
    let (w, h) = (
        u32::from(area.width) * CELL_W,
        u32::from(area.height) * CELL_H,
    );
    let mut out = String::with_capacity(usize::from(area.width) * usize::from(area.height) * 8);
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="'DejaVu Sans Mono', Menlo, Consolas, monospace" font-size="15">"#
    );
    let _ = writeln!(
        out,
        r#"<rect width="100%" height="100%" fill="{DEFAULT_BG}"/>"#
    );
    for y in 0..area.height {
        // Runs of cells that look the same, each drawn as one background and one text.
        let mut x = 0;
        while x < area.width {
            let first = &buf[(area.x + x, area.y + y)];
            let l = look(first);
            let mut text = String::new();
            let mut end = x;
            while end < area.width {
                let cell = &buf[(area.x + end, area.y + y)];
                if look(cell) != l {
                    break;
                }
                text.push_str(cell.symbol());
                end += 1;
            }
            let (px, py) = (u32::from(x) * CELL_W, u32::from(y) * CELL_H);
            let run_w = u32::from(end - x) * CELL_W;
            if l.bg != DEFAULT_BG {
                let _ = writeln!(
                    out,
                    r#"<rect x="{px}" y="{py}" width="{run_w}" height="{CELL_H}" fill="{}"/>"#,
                    l.bg
                );
            }
            if !text.trim().is_empty() {
                let _ = write!(
                    out,
                    r#"<text x="{px}" y="{}" fill="{}" textLength="{run_w}" lengthAdjust="spacingAndGlyphs" xml:space="preserve""#,
                    py + CELL_H - 5,
                    l.fg
                );
                if l.bold {
                    out.push_str(r#" font-weight="bold""#);
                }
                if l.underline {
                    out.push_str(r#" text-decoration="underline""#);
                }
                out.push('>');
                escape(&mut out, &text);
                out.push_str("</text>\n");
            }
            x = end;
        }
    }
    out.push_str("</svg>\n");
    out
}

#[cfg(test)]
mod tests {
    use ratatui::layout::Rect;
    use ratatui::style::Style;

    use super::*;

    #[test]
    fn cells_become_runs_with_their_colours() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 12, 2));
        buf.set_string(0, 0, "ok", Style::new().fg(Color::Green));
        buf.set_string(2, 0, " <a&b>", Style::new());
        buf.set_string(
            0,
            1,
            "sel",
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
        );
        let svg = to_svg(&buf);
        assert!(svg.starts_with("<svg "), "{svg}");
        assert!(svg.ends_with("</svg>\n"));
        assert!(svg.contains(r#"width="108" height="36""#), "{svg}");
        assert!(svg.contains(r##"fill="#0dbc79" textLength="18""##), "{svg}");
        assert!(svg.contains(">ok</text>"), "{svg}");
        assert!(svg.contains("> &lt;a&amp;b&gt;    </text>"), "{svg}");
        // Reverse video: the text in the background colour on a foreground-coloured box.
        assert!(
            svg.contains(&format!(
                r#"<rect x="0" y="18" width="27" height="18" fill="{DEFAULT_FG}"/>"#
            )),
            "{svg}"
        );
        assert!(svg.contains(r#"font-weight="bold">sel</text>"#), "{svg}");
        assert_eq!(svg.matches("<text").count(), 3, "{svg}");
    }

    #[test]
    fn every_palette_colour_is_a_hex_triplet() {
        for i in 0..=255u8 {
            let c = indexed(i);
            assert_eq!(c.len(), 7, "{i}: {c}");
            assert!(c.starts_with('#') && c[1..].chars().all(|d| d.is_ascii_hexdigit()));
        }
        assert_eq!(indexed(16), "#000000");
        assert_eq!(indexed(231), "#ffffff");
        assert_eq!(indexed(232), "#080808");
        assert_eq!(hex(Color::Rgb(1, 2, 255), DEFAULT_FG), "#0102ff");
        assert_eq!(hex(Color::Reset, DEFAULT_BG), DEFAULT_BG);
    }
}
