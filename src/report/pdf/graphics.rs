// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The images a PDF template names: `chart:<id>` is one of the report's charts (SVG,
//! drawn as vectors through usvg and krilla-svg, its text in the embedded Noto Sans);
//! any other `src` is a file in the `--template` folder: `.svg` (vectors) or `.png`,
//! `.jpg`/`.jpeg` (pixels), for a logo. Natural sizes are in points at 96 px per inch
//! (CSS pixels).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use krilla::image::Image;

use super::blocks::Block;
use super::text::{BOLD, REGULAR};
use crate::report::ReportError;

/// The largest image file read from the template folder.
const MAX_IMAGE_BYTES: u64 = 8 * 1024 * 1024;

/// Points per CSS pixel (72 / 96).
const PT_PER_PX: f32 = 0.75;

/// A resolved image.
pub enum Graphic {
    /// Parsed SVG, drawn as vectors.
    Svg(Box<usvg::Tree>),
    /// A PNG or JPEG, embedded as it is.
    Raster(Image),
}

impl Graphic {
    /// The natural size in points.
    pub fn size(&self) -> (f32, f32) {
        match self {
            Graphic::Svg(tree) => (
                tree.size().width() * PT_PER_PX,
                tree.size().height() * PT_PER_PX,
            ),
            Graphic::Raster(image) => {
                let (w, h) = image.size();
                (w as f32 * PT_PER_PX, h as f32 * PT_PER_PX)
            }
        }
    }
}

/// usvg's options: only the embedded fonts (deterministic, no system fonts read),
/// Noto Sans for every generic family, files relative to `dir`.
fn svg_options(dir: Option<&Path>) -> usvg::Options<'static> {
    let mut db = usvg::fontdb::Database::new();
    db.load_font_data(REGULAR.to_vec());
    db.load_font_data(BOLD.to_vec());
    for set in [
        usvg::fontdb::Database::set_sans_serif_family,
        usvg::fontdb::Database::set_serif_family,
        usvg::fontdb::Database::set_monospace_family,
        usvg::fontdb::Database::set_cursive_family,
        usvg::fontdb::Database::set_fantasy_family,
    ] {
        set(&mut db, "Noto Sans");
    }
    usvg::Options {
        resources_dir: dir.map(Path::to_path_buf),
        font_family: "Noto Sans".to_string(),
        fontdb: Arc::new(db),
        ..usvg::Options::default()
    }
}

/// `svg` parsed, or why not in one line.
fn parse_svg(name: &str, svg: &[u8], dir: Option<&Path>) -> Result<Graphic, ReportError> {
    usvg::Tree::from_data(svg, &svg_options(dir))
        .map(|tree| Graphic::Svg(Box::new(tree)))
        .map_err(|e| ReportError::Pdf(format!("image {name}: {e}")))
}

/// The file `src` from the template folder.
fn from_file(src: &str, dir: Option<&Path>) -> Result<Graphic, ReportError> {
    let err = |why: String| ReportError::Pdf(format!("image {src}: {why}"));
    if !crate::report::template::plain_name(src) {
        return Err(err("not a plain file name in the template folder".into()));
    }
    let Some(dir) = dir else {
        return Err(err("no --template folder to find it in".into()));
    };
    let path = dir.join(src);
    let meta = std::fs::metadata(&path).map_err(|e| err(e.to_string()))?;
    if meta.len() > MAX_IMAGE_BYTES {
        return Err(err(format!("over {MAX_IMAGE_BYTES} bytes")));
    }
    let data = std::fs::read(&path).map_err(|e| err(e.to_string()))?;
    let lower = src.to_ascii_lowercase();
    if lower.ends_with(".svg") {
        parse_svg(src, &data, Some(dir))
    } else if lower.ends_with(".png") {
        Image::from_png(data.into(), true)
            .map(Graphic::Raster)
            .map_err(err)
    } else if lower.ends_with(".jpg") || lower.ends_with(".jpeg") {
        Image::from_jpeg(data.into(), true)
            .map(Graphic::Raster)
            .map_err(err)
    } else {
        Err(err("not .svg, .png, .jpg or .jpeg".into()))
    }
}

/// Every image `blocks` name, by `src`. `charts` maps a chart id to its SVG.
///
/// # Errors
/// [`ReportError::Pdf`] naming the image: an unknown chart, a file missing from (or
/// outside) the template folder, too large, or not a readable SVG, PNG or JPEG.
pub fn resolve(
    blocks: &[Block],
    charts: &BTreeMap<String, String>,
    dir: Option<&Path>,
) -> Result<BTreeMap<String, Graphic>, ReportError> {
    let mut out = BTreeMap::new();
    for block in blocks {
        let Block::Image { src, .. } = block else {
            continue;
        };
        if out.contains_key(src) {
            continue;
        }
        let graphic = match src.strip_prefix("chart:") {
            Some(id) => {
                let svg = charts.get(id).ok_or_else(|| {
                    let known: Vec<&str> = charts.keys().map(String::as_str).collect();
                    ReportError::Pdf(format!(
                        "image {src}: no such chart (charts: {})",
                        known.join(", ")
                    ))
                })?;
                parse_svg(src, svg.as_bytes(), None)?
            }
            None => from_file(src, dir)?,
        };
        out.insert(src.clone(), graphic);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="400" height="200" viewBox="0 0 400 200"><title>t</title><rect x="10" y="10" width="50" height="100" fill="#0072B2"/><text x="80" y="50" font-family="sans-serif" font-size="14">Hits</text></svg>"##;

    fn image(src: &str) -> Vec<Block> {
        vec![Block::Image {
            src: src.into(),
            alt: String::new(),
        }]
    }

    #[test]
    fn charts_and_template_files_resolve_with_their_sizes() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("logo.svg"), SVG).unwrap();
        let charts = BTreeMap::from([("hits".to_string(), SVG.to_string())]);
        let mut blocks = image("chart:hits");
        blocks.extend(image("logo.svg"));
        let got = resolve(&blocks, &charts, Some(dir.path())).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got["chart:hits"].size(), (300.0, 150.0));
        assert_eq!(got["logo.svg"].size(), (300.0, 150.0));
    }

    #[test]
    fn unknown_charts_and_files_outside_the_folder_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let charts = BTreeMap::new();
        let e = resolve(&image("chart:nope"), &charts, None).err().unwrap();
        assert!(e.to_string().contains("chart:nope"), "{e}");
        for src in ["../etc/passwd", "/etc/passwd", "missing.png", "logo.gif"] {
            assert!(
                resolve(&image(src), &charts, Some(dir.path())).is_err(),
                "{src}"
            );
        }
        assert!(resolve(&image("logo.svg"), &charts, None).is_err());
        std::fs::write(dir.path().join("bad.png"), b"not a png").unwrap();
        assert!(resolve(&image("bad.png"), &charts, Some(dir.path())).is_err());
    }
}
