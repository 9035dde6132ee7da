// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The report's templates: a folder of files (`templates/` in the source, built into
//! the binary), any of which a folder given with `--template DIR` replaces by name.
//! Rendered with minijinja (Jinja2 syntax).
//!
//! Escaping is automatic and chosen by the template's name: `*.html` escapes HTML
//! (`< > & " ' /`), `*.md` escapes Markdown (see [`escape_markdown`]); a value marked
//! safe (an SVG chart the program drew) is written as it is. Templates never see a
//! live indicator value: the context they get is [`crate::report::model::Brief::defanged`].

use std::path::{Path, PathBuf};

use minijinja::{AutoEscape, Environment, Error, ErrorKind, Value};

/// The built-in template folder: (name, text).
pub const BUILT_IN: &[(&str, &str)] = &[
    ("report.html", include_str!("templates/report.html")),
    ("style.css", include_str!("templates/style.css")),
    ("report.md", include_str!("templates/report.md")),
    ("report.pdf.md", include_str!("templates/report.pdf.md")),
];

/// The longest template file read from a `--template` folder.
const MAX_TEMPLATE_BYTES: u64 = 4 * 1024 * 1024;

/// Why a template could not be used. One line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("template folder {0}: not a folder")]
    NotAFolder(PathBuf),
    #[error("template {name}: {reason}")]
    Render { name: String, reason: String },
}

/// The templates in use: the built-in folder, with the files of `dir` in place of
/// those of the same name.
pub struct Templates {
    env: Environment<'static>,
    dir: Option<PathBuf>,
}

impl Templates {
    /// The built-in templates, each replaced by the file of the same name in `dir`.
    ///
    /// # Errors
    /// [`TemplateError::NotAFolder`] when `dir` is not a readable folder.
    pub fn load(dir: Option<&Path>) -> Result<Templates, TemplateError> {
        if let Some(d) = dir
            && !d.is_dir()
        {
            return Err(TemplateError::NotAFolder(d.to_path_buf()));
        }
        let own = dir.map(Path::to_path_buf);
        let mut env = Environment::new();
        super::filters::register(&mut env);
        env.set_auto_escape_callback(|name| {
            if name.ends_with(".md") {
                AutoEscape::Custom("markdown")
            } else if name.ends_with(".html") || name.ends_with(".svg") {
                AutoEscape::Html
            } else {
                AutoEscape::None
            }
        });
        env.set_formatter(|out, state, value| {
            if state.auto_escape() == AutoEscape::Custom("markdown") && !value.is_safe() {
                let text = value.to_string();
                return out
                    .write_str(&escape_markdown(&text))
                    .map_err(|e| Error::new(ErrorKind::WriteFailure, e.to_string()));
            }
            minijinja::escape_formatter(out, state, value)
        });
        let loader_dir = own.clone();
        env.set_loader(move |name| load_one(loader_dir.as_deref(), name));
        Ok(Templates { env, dir: own })
    }

    /// The folder that replaces built-in files, if any.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// Renders template `name` with `context`.
    ///
    /// # Errors
    /// [`TemplateError::Render`] naming the template and minijinja's reason (a syntax
    /// error with its line, an unknown template, a file that is not UTF-8).
    pub fn render(&self, name: &str, context: Value) -> Result<String, TemplateError> {
        let err = |e: Error| TemplateError::Render {
            name: name.to_string(),
            reason: one_line(&e),
        };
        self.env
            .get_template(name)
            .map_err(err)?
            .render(context)
            .map_err(err)
    }
}

/// minijinja's reason on one line, with the template line it names.
fn one_line(e: &Error) -> String {
    // minijinja's message names the template and line (`(in report.md:3)`).
    e.to_string().replace(['\n', '\r'], " ")
}

/// The text of template `name`: the file in `dir` if there is one, else the built-in
/// file. A name is one file name (no folder, no `..`); others are not found.
fn load_one(dir: Option<&Path>, name: &str) -> Result<Option<String>, Error> {
    if !plain_name(name) {
        return Ok(None);
    }
    if let Some(dir) = dir {
        let path = dir.join(name);
        if let Ok(meta) = std::fs::metadata(&path)
            && meta.is_file()
        {
            if meta.len() > MAX_TEMPLATE_BYTES {
                return Err(Error::new(
                    ErrorKind::InvalidOperation,
                    format!("{} is over {MAX_TEMPLATE_BYTES} bytes", path.display()),
                ));
            }
            return std::fs::read_to_string(&path).map(Some).map_err(|e| {
                Error::new(
                    ErrorKind::InvalidOperation,
                    format!("{}: {e}", path.display()),
                )
            });
        }
    }
    Ok(BUILT_IN
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| (*text).to_string()))
}

/// Whether `name` is one plain file name of a template folder: ASCII letters, digits,
/// `.`, `_` and `-`, not empty and not starting with `.` (so no folder, no `..`, no
/// hidden file).
pub(crate) fn plain_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// `text` safe to place in Markdown prose or a table cell: every character Markdown
/// or GFM gives meaning (`\ ` * _ { } [ ] < > ( ) # + - . ! | ~`) and HTML's `&` are
/// backslash-escaped or written as entities, and line breaks become spaces, so a value
/// can neither start a block, end a table cell, open a link nor smuggle raw HTML.
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '{' | '}' | '[' | ']' | '(' | ')' | '#' | '+' | '-' | '.'
            | '!' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_escaping_neutralises_structure() {
        assert_eq!(escape_markdown("a|b"), "a\\|b");
        assert_eq!(
            escape_markdown("[x](javascript:alert(1))"),
            "\\[x\\]\\(javascript:alert\\(1\\)\\)"
        );
        assert_eq!(escape_markdown("<script>"), "&lt;script&gt;");
        assert_eq!(escape_markdown("line\n# head"), "line \\# head");
        assert_eq!(escape_markdown("evil[.]example"), "evil\\[\\.\\]example");
    }

    #[test]
    fn a_folder_replaces_by_name_and_names_stay_inside_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("x.md"), "{{ v }}").unwrap();
        std::fs::write(dir.path().join("y.html"), "<p>{{ v }}</p>").unwrap();
        let t = Templates::load(Some(dir.path())).unwrap();
        let ctx = minijinja::context! { v => "<b>*x*</b>" };
        assert_eq!(
            t.render("x.md", ctx.clone()).unwrap(),
            "&lt;b&gt;\\*x\\*&lt;/b&gt;"
        );
        assert_eq!(
            t.render("y.html", ctx.clone()).unwrap(),
            "<p>&lt;b&gt;*x*&lt;&#x2f;b&gt;</p>"
        );
        assert!(t.render("../x.md", ctx.clone()).is_err());
        assert!(t.render("missing.md", ctx).is_err());
        assert!(matches!(
            Templates::load(Some(&dir.path().join("none"))),
            Err(TemplateError::NotAFolder(_))
        ));
    }

    #[test]
    fn a_syntax_error_names_the_template() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("bad.md"), "{% if %}").unwrap();
        let t = Templates::load(Some(dir.path())).unwrap();
        let e = t
            .render("bad.md", Value::UNDEFINED)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("template bad.md: "), "{e}");
        assert!(!e.contains('\n'));
    }
}
