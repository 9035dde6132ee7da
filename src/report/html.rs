// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The HTML report: one self-contained page rendered from `report.html` (with
//! `style.css` inlined) — the charts as inline SVG, no script, nothing fetched (its
//! Content-Security-Policy forbids it), print rules for A4. Every value is
//! HTML-escaped by the template engine and indicator values are defanged.
//!
//! Template context: `brief` ([`Brief::defanged`]), `charts` (id → `title`, `svg`
//! marked safe, `alt`; see [`charts::all`]) and `logo` (a `data:` URI of `logo.svg`
//! or `logo.png` in the `--template` folder, or none).

use std::collections::BTreeMap;
use std::io::ErrorKind;
use std::path::Path;

use base64::Engine;
use minijinja::{Value, context};

use super::{Brief, ReportError, ReportWriter, Templates, charts};

/// The largest logo embedded, in bytes.
pub const MAX_LOGO_BYTES: u64 = 512 * 1024;

/// The template the page is rendered from.
pub const TEMPLATE: &str = "report.html";

/// Writes the HTML report.
#[derive(Debug, Clone, Copy, Default)]
pub struct Html;

impl ReportWriter for Html {
    fn write(
        &self,
        brief: &Brief,
        templates: &Templates,
        out: &mut dyn std::io::Write,
    ) -> Result<(), ReportError> {
        let page = render(brief, templates)?;
        out.write_all(page.as_bytes())?;
        out.flush()?;
        Ok(())
    }
}

/// The page as a string.
///
/// # Errors
/// The template fails to render, or the logo cannot be read or is too large.
pub fn render(brief: &Brief, templates: &Templates) -> Result<String, ReportError> {
    let ctx = context_of(brief, logo(templates.dir())?);
    Ok(templates.render(TEMPLATE, ctx)?)
}

/// The template context for `brief` (see the module's documentation).
pub fn context_of(brief: &Brief, logo: Option<String>) -> Value {
    let shown = brief.defanged();
    let charts: BTreeMap<&'static str, Value> = charts::all(&shown)
        .into_iter()
        .map(|c| {
            (
                c.id,
                context! {
                    title => c.title,
                    svg => Value::from_safe_string(c.svg),
                    alt => c.alt,
                },
            )
        })
        .collect();
    context! {
        brief => Value::from_serialize(&shown),
        charts => charts,
        // Made here from a MIME type and base64 only: nothing to escape.
        logo => logo.map(Value::from_safe_string),
    }
}

/// The `data:` URI of `logo.svg` (preferred) or `logo.png` in `dir`, if either is
/// there.
///
/// # Errors
/// [`ReportError::Io`] when the file cannot be read or is over [`MAX_LOGO_BYTES`].
pub fn logo(dir: Option<&Path>) -> Result<Option<String>, ReportError> {
    let Some(dir) = dir else {
        return Ok(None);
    };
    for (name, mime) in [("logo.svg", "image/svg+xml"), ("logo.png", "image/png")] {
        let path = dir.join(name);
        let meta = match std::fs::metadata(&path) {
            Ok(m) if m.is_file() => m,
            Ok(_) => continue,
            Err(e) if e.kind() == ErrorKind::NotFound => continue,
            Err(e) => return Err(io_error(&path, &e.to_string())),
        };
        if meta.len() > MAX_LOGO_BYTES {
            return Err(io_error(
                &path,
                &format!("over {} KiB", MAX_LOGO_BYTES / 1024),
            ));
        }
        let bytes = std::fs::read(&path).map_err(|e| io_error(&path, &e.to_string()))?;
        let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
        return Ok(Some(format!("data:{mime};base64,{encoded}")));
    }
    Ok(None)
}

fn io_error(path: &Path, why: &str) -> ReportError {
    ReportError::Io(std::io::Error::new(
        ErrorKind::InvalidData,
        format!("logo {}: {why}", path.display()),
    ))
}

#[cfg(test)]
mod tests;
