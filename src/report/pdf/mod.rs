// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The PDF report: the template `report.pdf.md` (minijinja, Markdown-escaped values)
//! renders Markdown, [`blocks`] parses it (CommonMark + GFM tables), [`layout`]
//! places the blocks on A4 or Letter pages with our own small layout ([`text`] for
//! shaping and wrapping in the embedded Noto Sans, [`table`] for tables that split
//! with their header repeated), and [`render`] writes the pages with krilla: fonts
//! embedded and subset, text selectable, charts as vectors (krilla-svg), metadata
//! title and creation date, an outline of the headings, "Page N of M" on each page.
//!
//! A template shows a chart with `![alt](chart:hits_over_time)` (ids: those of the
//! `charts` context) and a logo with `![logo](logo.svg)` (or `.png`, `.jpg`), a file
//! in the `--template` folder. No program runs at run time; output is the same bytes
//! for the same brief (the creation date is the brief's `generated`).

pub mod blocks;
pub mod graphics;
pub mod layout;
pub mod render;
pub mod table;
pub mod text;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use minijinja::Value;
use serde::Serialize;

use super::charts::{self, Chart};
use super::{Brief, Paper, ReportError, ReportWriter, Templates};

/// The template the PDF is made from.
pub const TEMPLATE: &str = "report.pdf.md";

/// The PDF writer (`--format pdf`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pdf {
    /// A4 or Letter (`--paper`).
    pub paper: Paper,
}

/// A chart's entry in the template context: `charts.<id>.title`, `.svg`, `.alt`.
#[derive(Serialize)]
struct ChartContext<'a> {
    title: &'a str,
    svg: Value,
    alt: &'a str,
}

impl Pdf {
    /// The PDF of `brief` with `charts` available to the template (by id), as bytes.
    ///
    /// # Errors
    /// The template fails to render, an image it names cannot be found or read, or
    /// krilla cannot write the document.
    pub fn bytes(
        &self,
        brief: &Brief,
        charts: &[Chart],
        templates: &Templates,
    ) -> Result<Vec<u8>, ReportError> {
        let chart_ctx: BTreeMap<&str, ChartContext<'_>> = charts
            .iter()
            .map(|c| {
                (
                    c.id,
                    ChartContext {
                        title: &c.title,
                        svg: Value::from_safe_string(c.svg.clone()),
                        alt: &c.alt,
                    },
                )
            })
            .collect();
        let context = minijinja::context! {
            brief => Value::from_serialize(brief.defanged()),
            charts => Value::from_serialize(&chart_ctx),
            paper => match self.paper { Paper::A4 => "A4", Paper::Letter => "Letter" },
        };
        let markdown = templates.render(TEMPLATE, context)?;
        let blocks = blocks::parse(&markdown);
        let svgs: BTreeMap<String, String> = charts
            .iter()
            .map(|c| (c.id.to_string(), c.svg.clone()))
            .collect();
        let graphics = graphics::resolve(&blocks, &svgs, templates.dir())?;
        let sizes = graphics
            .iter()
            .map(|(src, g)| (src.clone(), g.size()))
            .collect();
        let fonts = text::Fonts::new()?;
        let doc = layout::layout(&blocks, &fonts, &sizes, self.paper);
        render::pdf(&doc, &fonts, &graphics, brief.generated)
    }
}

impl ReportWriter for Pdf {
    fn write(
        &self,
        brief: &Brief,
        templates: &Templates,
        out: &mut dyn std::io::Write,
    ) -> Result<(), ReportError> {
        let charts = charts::all(&brief.defanged());
        let bytes = self.bytes(brief, &charts, templates)?;
        out.write_all(&bytes)?;
        Ok(())
    }
}
