// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The `x` export prompt (format, file, rows, defanged) and the export it starts, on a
//! worker that holds the store while it writes. The folder, format and defanging of the
//! last export are remembered ([`Remembered`]); the runtime reads and writes them.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::{App, Edit, Effect, LineEdit, Mode};
use crate::export::{Format, Options};
use crate::model::sanitize::one_line;
use crate::store::Store;

/// Every export format, in the order the prompt offers them.
pub const FORMATS: [Format; 6] = [
    Format::Jsonl,
    Format::Csv,
    Format::Stix,
    Format::Txt,
    Format::Ecs,
    Format::ZeekIntel,
];

/// The longest path the prompt takes, in characters.
pub const PATH_MAX: usize = 4096;

/// Which rows an export writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RowChoice {
    /// The rows the table shows, in its order.
    #[default]
    Shown,
    /// The marked rows (`v`), filtered out or not, in arrival order.
    Marked,
    /// Every indicator held, in arrival order.
    All,
}

impl RowChoice {
    const ALL: [RowChoice; 3] = [RowChoice::Shown, RowChoice::Marked, RowChoice::All];

    /// The word the prompt shows.
    pub fn label(self) -> &'static str {
        match self {
            RowChoice::Shown => "shown",
            RowChoice::Marked => "marked",
            RowChoice::All => "all",
        }
    }
}

/// The prompt's fields, top to bottom.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PromptField {
    /// The export format.
    #[default]
    Format,
    /// The file to write.
    Path,
    /// Which rows.
    Rows,
    /// Whether values are defanged.
    Defang,
}

impl PromptField {
    const ALL: [PromptField; 4] = [
        PromptField::Format,
        PromptField::Path,
        PromptField::Rows,
        PromptField::Defang,
    ];
}

/// The export prompt's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportPrompt {
    /// The field being changed.
    pub field: PromptField,
    /// The format to write.
    pub format: Format,
    /// The file to write, as typed, with its cursor; a path ending in `/` names a
    /// folder, where the file gets the default name.
    pub path: LineEdit,
    /// Which rows to write.
    pub rows: RowChoice,
    /// Write values defanged (only formats that can: [`Format::can_defang`]).
    pub defang: bool,
}

/// What is remembered between exports and across runs (the runtime keeps it in
/// `$XDG_STATE_HOME/intellisiem/state.json`). Every field is optional: an old, partial
/// or hand-edited file still loads.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Remembered {
    /// The folder of the last export (at start-up: that folder if it still exists, else
    /// `$XDG_DOWNLOAD_DIR`, else the current directory).
    pub export_dir: Option<PathBuf>,
    /// The last export's format (its `--format` name).
    pub export_format: Option<String>,
    /// Whether the last export was defanged.
    pub export_defang: Option<bool>,
}

fn cycle<T: Copy + PartialEq>(all: &[T], now: T, step: isize) -> T {
    let n = all.len() as isize;
    let at = all.iter().position(|x| *x == now).unwrap_or(0) as isize;
    all[(at + step).rem_euclid(n) as usize]
}

/// The file name an export started at `now` gets when only a folder is given.
fn export_name(now: jiff::Timestamp, format: Format) -> String {
    let stamp = now.strftime("%Y%m%d-%H%M%S");
    format!("intellisiem-export-{stamp}.{}", format.extension())
}

impl App {
    /// Opens the prompt, filled in from what was remembered.
    pub(super) fn open_export_prompt(&mut self) {
        let format = self
            .remembered
            .export_format
            .as_deref()
            .and_then(|f| f.parse().ok())
            .unwrap_or(Format::Jsonl);
        let dir = self.remembered.export_dir.clone().unwrap_or_default();
        let path = dir.join(export_name(self.now, format));
        self.prompt = Some(ExportPrompt {
            field: PromptField::Format,
            format,
            path: LineEdit::with_text(&path.to_string_lossy(), PATH_MAX),
            rows: if self.marks.is_empty() {
                RowChoice::Shown
            } else {
                RowChoice::Marked
            },
            defang: self.remembered.export_defang.unwrap_or(false) && format.can_defang(),
        });
        self.mode = Mode::Prompt;
    }

    /// Moves between fields (`step` 1 or -1).
    pub(super) fn prompt_field(&mut self, step: isize) {
        if let Some(p) = &mut self.prompt {
            p.field = cycle(&PromptField::ALL, p.field, step);
        }
    }

    /// Changes the chosen value of the field (`step` 1 or -1); in the file, moves the
    /// cursor.
    pub(super) fn prompt_choice(&mut self, step: isize) {
        let now = self.now;
        let name = |f: Format| export_name(now, f);
        let Some(p) = &mut self.prompt else { return };
        match p.field {
            PromptField::Format => {
                let old = p.format;
                p.format = cycle(&FORMATS, old, step);
                // The default name follows the format; a name typed by hand stays.
                if let Some(stem) = p.path.strip_suffix(&name(old)) {
                    let path = format!("{stem}{}", name(p.format));
                    p.path.set(&path);
                }
                p.defang &= p.format.can_defang();
            }
            PromptField::Rows => p.rows = cycle(&RowChoice::ALL, p.rows, step),
            PromptField::Defang => p.defang = !p.defang && p.format.can_defang(),
            PromptField::Path => {
                p.path
                    .apply(if step < 0 { Edit::Left } else { Edit::Right });
            }
        }
    }

    /// A character typed: into the path at the cursor, or Space to change a choice.
    pub(super) fn prompt_char(&mut self, c: char) {
        let Some(p) = &mut self.prompt else { return };
        if p.field == PromptField::Path {
            p.path.insert(c);
        } else if c == ' ' {
            self.prompt_choice(1);
        }
    }

    /// A line-editing key: edits the path when it is the field being changed.
    pub(super) fn prompt_edit(&mut self, e: Edit) {
        if let Some(p) = &mut self.prompt
            && p.field == PromptField::Path
        {
            p.path.apply(e);
        }
    }

    /// Closes the prompt without exporting.
    pub(super) fn cancel_export(&mut self) {
        self.prompt = None;
        self.mode = super::Mode::Normal;
        self.notice = Some("export cancelled".into());
    }

    /// Exports as the prompt says, on a worker that holds the store meanwhile.
    pub(super) fn submit_export(&mut self, fx: &mut Vec<Effect>) {
        let Some(p) = self.prompt.clone() else { return };
        let typed = p.path.trim();
        if typed.is_empty() {
            self.notice = Some("export: give a file to write".into());
            return;
        }
        let mut path = PathBuf::from(typed);
        if typed.ends_with('/') {
            path.push(export_name(self.now, p.format));
        }
        let rows = match p.rows {
            RowChoice::Shown => self.rows.clone(),
            RowChoice::Marked => self.marked_rows(),
            RowChoice::All => self
                .store
                .iter()
                .filter_map(|(i, _)| u32::try_from(i).ok())
                .collect(),
        };
        if rows.is_empty() {
            self.notice = Some(format!("export: no {} rows", p.rows.label()));
            return;
        }
        self.prompt = None;
        self.mode = Mode::Normal;
        self.lease.holders += 1;
        self.notice = Some(format!("exporting {} rows...", rows.len()));
        fx.push(Effect::Export {
            store: Arc::clone(&self.store),
            rows,
            options: Options {
                format: p.format,
                defang: p.defang && p.format.can_defang(),
            },
            path,
        });
    }

    /// The export worker finished and handed the store back.
    pub(super) fn on_export_done(
        &mut self,
        store: Arc<Store>,
        result: Result<(PathBuf, usize, Options), String>,
        fx: &mut Vec<Effect>,
    ) {
        drop(store);
        self.lease.holders = self.lease.holders.saturating_sub(1);
        match result {
            Ok((path, n, options)) => {
                let text = format!("exported {n} rows to {}", path.display());
                self.notice = Some(one_line(&text, 200));
                self.export_status = Some(one_line(&text, 200));
                fx.push(Effect::Log {
                    level: tracing::Level::INFO,
                    text,
                });
                self.remembered = Remembered {
                    export_dir: path.parent().map(Path::to_path_buf),
                    export_format: Some(options.format.as_str().to_string()),
                    export_defang: Some(options.defang),
                };
                fx.push(Effect::Remember(self.remembered.clone()));
            }
            Err(e) => {
                self.notice = Some(format!("export failed: {}", one_line(&e, 120)));
                self.export_status = self.notice.clone();
                fx.push(Effect::Log {
                    level: tracing::Level::WARN,
                    text: format!("export failed: {e}"),
                });
            }
        }
        self.dirty = true;
        self.after_release(fx);
    }
}
