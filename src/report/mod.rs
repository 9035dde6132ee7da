// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! `intellisiem report`: a brief of the period read from the store only (never the
//! network), as HTML, PDF, Markdown or JSON. [`model`] holds the numbers, each output is
//! one file behind [`ReportWriter`], [`template`] the templates they render.

pub mod charts;
pub mod filters;
pub mod fixture;
pub mod html;
pub mod json;
pub mod md;
pub mod model;
pub mod pdf;
pub mod read;
pub mod sample;
pub mod template;

pub use model::Brief;
pub use template::{TemplateError, Templates};

/// A report's form (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One self-contained page: inline SVG and CSS, no script.
    Html,
    /// A4 or Letter, fonts embedded, charts as vectors.
    Pdf,
    /// For tickets and wikis (GitHub-flavoured tables).
    Md,
    /// The numbers behind every chart ([`Brief`] as JSON).
    Json,
}

/// Paper size of the PDF (`--paper`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Paper {
    /// 210 × 297 mm.
    #[default]
    A4,
    /// 8.5 × 11 in.
    Letter,
}

/// Why a report could not be written. One line, never a secret.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Template(#[from] TemplateError),
    #[error("report: {0}")]
    Io(#[from] std::io::Error),
    #[error("report: store {0}")]
    Store(String),
    #[error("report: pdf: {0}")]
    Pdf(String),
}

/// One output form: writes a [`Brief`] through the templates in use.
pub trait ReportWriter {
    /// Writes `brief` to `out`.
    ///
    /// # Errors
    /// A template that fails, a write that fails, a PDF that cannot be laid out.
    fn write(
        &self,
        brief: &Brief,
        templates: &Templates,
        out: &mut dyn std::io::Write,
    ) -> Result<(), ReportError>;
}
