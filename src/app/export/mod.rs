// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The `x` export prompt (format, file, rows, types, defanged) and the export it starts,
//! on a worker that holds the store while it writes. The prompt stays open until the file is
//! written: it asks before a file is replaced, and keeps the path as typed when the
//! export fails. The folder, format and defanging of the last export are remembered
//! ([`Remembered`]); the runtime reads and writes them.

pub mod fit_field;
pub mod target;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::{App, Edit, Effect, LineEdit, Mode};
use crate::export::fit::Fit;
use crate::export::{Format, Options, Written};
use crate::model::IndicatorType;
use crate::model::sanitize::one_line;
use crate::store::Store;
pub use target::{ExportError, Target};

/// Every export format, in the order the prompt offers them.
pub const FORMATS: [Format; 10] = [
    Format::Jsonl,
    Format::Csv,
    Format::Stix,
    Format::Txt,
    Format::Ecs,
    Format::ZeekIntel,
    Format::SuricataDataset,
    Format::SuricataIprep,
    Format::WazuhCdb,
    Format::Rpz,
];

/// The longest path the prompt takes, in characters.
pub const PATH_MAX: usize = 4096;

/// The longest list of types the prompt takes, in characters.
pub const TYPES_MAX: usize = 200;

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
    /// Which indicator types, typed as `--type` takes them (empty: every type).
    Types,
    /// The lowest score and the most indicators, typed as `score>=60 max=10000`.
    Fit,
    /// Whether values are defanged.
    Defang,
    /// Whether indicators an allowlist or a warninglist holds are left out (offered only
    /// when the lists hold some).
    Listed,
}

impl PromptField {
    const ALL: [PromptField; 7] = [
        PromptField::Format,
        PromptField::Path,
        PromptField::Rows,
        PromptField::Types,
        PromptField::Fit,
        PromptField::Defang,
        PromptField::Listed,
    ];

    /// Whether the field is typed into (characters and line-editing keys go to it).
    pub fn is_typed(self) -> bool {
        matches!(
            self,
            PromptField::Path | PromptField::Types | PromptField::Fit
        )
    }
}

/// Where the prompt stands.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Stage {
    /// The fields are being changed.
    #[default]
    Editing,
    /// This file is already there: replace it (`y`) or keep editing (`n`, `Esc`)?
    Confirm(PathBuf),
    /// The export runs; the prompt closes when it has written the file.
    Writing,
}

/// The export prompt's state. It stays open until the file is written: a file that is
/// already there is only replaced when the analyst says so, and a failure shows in the
/// prompt with the path as typed, to be corrected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportPrompt {
    /// The field being changed.
    pub field: PromptField,
    /// The format to write.
    pub format: Format,
    /// The file to write, as typed, with its cursor: see [`target::resolve`].
    pub path: LineEdit,
    /// Which rows to write.
    pub rows: RowChoice,
    /// Only these indicator types, as typed (`ipv4,cidr`; empty: every type); read with
    /// [`parse_types`] when the export starts.
    pub types: LineEdit,
    /// The lowest score and the most indicators, as typed (`score>=60 max=10000`;
    /// empty: no cut); read with [`fit_field::parse_fit`] when the export starts.
    pub fit: LineEdit,
    /// Write values defanged (only formats that can: [`Format::can_defang`]).
    pub defang: bool,
    /// Write the indicators an allowlist or a warninglist holds too (by default they are
    /// left out, as `fetch` leaves them out unless `--no-allowlists`).
    pub keep_listed: bool,
    /// Rows the running export left out because a list holds them.
    pub left_out: usize,
    /// Where the prompt stands.
    pub stage: Stage,
    /// Why the last try wrote nothing, one line (until the next try).
    pub error: Option<String>,
    /// The file name offered when the prompt opened, without its extension: a path
    /// ending in it with the format's extension follows a change of format.
    pub default_stem: String,
}

impl ExportPrompt {
    /// A warning when the file's extension names another format than the one chosen.
    pub fn warning(&self) -> Option<String> {
        target::extension_warning(&self.path, self.format)
    }
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

/// The file name, without extension, of an export whose prompt opened at `now`.
fn export_stem(now: jiff::Timestamp) -> String {
    format!("intellisiem-export-{}", now.strftime("%Y%m%d-%H%M%S"))
}

/// The default file name `stem` gets for `format`.
fn export_name(stem: &str, format: Format) -> String {
    format!("{stem}.{}", format.extension())
}

impl App {
    /// How many rows each choice would write: shown, marked, all.
    pub fn row_counts(&self) -> [(RowChoice, usize); 3] {
        [
            (RowChoice::Shown, self.rows.len()),
            (RowChoice::Marked, self.marked_count()),
            (RowChoice::All, self.store.len()),
        ]
    }

    /// The row choices that hold something, in the prompt's order.
    fn row_choices(&self) -> Vec<RowChoice> {
        self.row_counts()
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .map(|(c, _)| c)
            .collect()
    }

    /// Opens the prompt: the one kept from an export that is running, failed or waits
    /// for an answer, else a new one filled in from what was remembered.
    pub(super) fn open_export_prompt(&mut self) {
        if self.prompt.is_some() {
            self.mode = Mode::Prompt;
            return;
        }
        let format = self
            .remembered
            .export_format
            .as_deref()
            .and_then(|f| f.parse().ok())
            .unwrap_or(Format::Jsonl);
        let dir = self.remembered.export_dir.clone().unwrap_or_default();
        let default_stem = export_stem(self.now);
        let path = dir.join(export_name(&default_stem, format));
        let choices = self.row_choices();
        let rows = [RowChoice::Marked, RowChoice::Shown, RowChoice::All]
            .into_iter()
            .find(|c| choices.contains(c))
            .unwrap_or_default();
        self.prompt = Some(ExportPrompt {
            field: PromptField::Format,
            format,
            path: LineEdit::with_text(&path.to_string_lossy(), PATH_MAX),
            rows,
            types: LineEdit::new(TYPES_MAX),
            fit: LineEdit::new(fit_field::FIT_MAX),
            defang: self.remembered.export_defang.unwrap_or(false) && format.can_defang(),
            keep_listed: false,
            left_out: 0,
            stage: Stage::Editing,
            error: None,
            default_stem,
        });
        self.mode = Mode::Prompt;
    }

    /// The prompt, while its fields can be changed.
    fn editing(&mut self) -> Option<&mut ExportPrompt> {
        self.prompt.as_mut().filter(|p| p.stage == Stage::Editing)
    }

    /// Whether the prompt offers to keep listed indicators: the lists hold some.
    pub fn offers_listed(&self) -> bool {
        !self.listing.screened().is_empty()
    }

    /// Moves between fields (`step` 1 or -1).
    pub(super) fn prompt_field(&mut self, step: isize) {
        let offered = self.offers_listed();
        if let Some(p) = self.editing() {
            p.field = cycle(&PromptField::ALL, p.field, step);
            if p.field == PromptField::Listed && !offered {
                p.field = cycle(&PromptField::ALL, p.field, step);
            }
        }
    }

    /// Changes the chosen value of the field (`step` 1 or -1); in the file, moves the
    /// cursor.
    pub(super) fn prompt_choice(&mut self, step: isize) {
        let choices = self.row_choices();
        let Some(p) = self.editing() else { return };
        match p.field {
            PromptField::Format => {
                let old = p.format;
                p.format = cycle(&FORMATS, old, step);
                // The default name follows the format; a name typed by hand stays.
                let name = |f: Format| export_name(&p.default_stem, f);
                if let Some(stem) = p.path.strip_suffix(&name(old)) {
                    let path = format!("{stem}{}", name(p.format));
                    p.path.set(&path);
                }
                p.defang &= p.format.can_defang();
            }
            // Only the choices that hold something are offered.
            PromptField::Rows if !choices.is_empty() => {
                p.rows = if choices.contains(&p.rows) {
                    cycle(&choices, p.rows, step)
                } else {
                    choices[0]
                };
            }
            PromptField::Rows => {}
            PromptField::Defang => p.defang = !p.defang && p.format.can_defang(),
            PromptField::Listed => p.keep_listed = !p.keep_listed,
            PromptField::Path => {
                p.path
                    .apply(if step < 0 { Edit::Left } else { Edit::Right });
            }
            PromptField::Types => {
                p.types
                    .apply(if step < 0 { Edit::Left } else { Edit::Right });
            }
            PromptField::Fit => {
                p.fit.apply(if step < 0 { Edit::Left } else { Edit::Right });
            }
        }
    }

    /// A character typed: into the path or the types at the cursor, or Space to change a
    /// choice;
    /// `y` or `n` when asked whether to replace a file.
    pub(super) fn prompt_char(&mut self, c: char, fx: &mut Vec<Effect>) {
        let Some(p) = &mut self.prompt else { return };
        match &p.stage {
            Stage::Confirm(path) => match c {
                'y' | 'Y' => {
                    let path = path.clone();
                    self.start_export(Target::Replace(path), fx);
                }
                'n' | 'N' => self.keep_editing(),
                _ => {}
            },
            Stage::Writing => {}
            Stage::Editing if p.field == PromptField::Path => {
                p.path.insert(c);
            }
            Stage::Editing if p.field == PromptField::Types => {
                p.types.insert(c);
                p.error = None;
            }
            Stage::Editing if p.field == PromptField::Fit => {
                p.fit.insert(c);
                p.error = None;
            }
            Stage::Editing if c == ' ' => self.prompt_choice(1),
            Stage::Editing => {}
        }
    }

    /// A line-editing key: edits the path or the types when it is the field being
    /// changed.
    pub(super) fn prompt_edit(&mut self, e: Edit) {
        if let Some(p) = self.editing() {
            match p.field {
                PromptField::Path => {
                    p.path.apply(e);
                }
                PromptField::Types => {
                    p.types.apply(e);
                }
                PromptField::Fit => {
                    p.fit.apply(e);
                }
                _ => {}
            }
        }
    }

    /// Back from the question whether to replace a file, to change the path.
    fn keep_editing(&mut self) {
        if let Some(p) = &mut self.prompt {
            p.stage = Stage::Editing;
            p.field = PromptField::Path;
            self.notice = Some("export: the file was not replaced".into());
        }
    }

    /// `Esc`: closes the prompt without exporting; while asked whether to replace a
    /// file, goes back to editing; while writing, hides the prompt (the export goes on,
    /// and `x` shows it again).
    pub(super) fn cancel_export(&mut self) {
        match self.prompt.as_ref().map(|p| &p.stage) {
            Some(Stage::Confirm(_)) => self.keep_editing(),
            Some(Stage::Writing) => {
                self.mode = Mode::Normal;
                self.notice = Some("the export goes on; its result shows in the header".into());
            }
            _ => {
                self.prompt = None;
                self.mode = Mode::Normal;
                self.notice = Some("export cancelled".into());
            }
        }
    }

    /// `Enter`: exports as the prompt says (the file as typed; see [`target::resolve`]).
    /// Types that are not indicator types keep the prompt open with the reason.
    pub(super) fn submit_export(&mut self, fx: &mut Vec<Effect>) {
        let Some(p) = self.editing() else { return };
        if let Err(e) = parse_types(&p.types) {
            p.field = PromptField::Types;
            p.error = Some(e);
            return;
        }
        if let Err(e) = fit_field::parse_fit(&p.fit) {
            p.field = PromptField::Fit;
            p.error = Some(e);
            return;
        }
        let typed = p.path.trim().to_string();
        if typed.is_empty() {
            p.field = PromptField::Path;
            self.notice = Some("export: give a file to write".into());
            return;
        }
        let default_name = export_name(&p.default_stem, p.format);
        self.start_export(
            Target::Typed {
                path: typed,
                default_name,
            },
            fx,
        );
    }

    /// Starts the export to `target` on a worker that holds the store meanwhile; the
    /// prompt shows it running.
    fn start_export(&mut self, target: Target, fx: &mut Vec<Effect>) {
        let Some(p) = &self.prompt else { return };
        let (choice, options, keep_listed) = (
            p.rows,
            Options {
                defang: p.defang && p.format.can_defang(),
                ..Options::new(p.format)
            },
            p.keep_listed,
        );
        // The rows as chosen (decayed ones too, when shown or marked), of these types,
        // with the lowest score and the most asked for.
        let typed = fit_field::parse_fit(&p.fit).unwrap_or_default();
        let fit = Fit {
            types: parse_types(&p.types).unwrap_or_default(),
            include_decayed: true,
            min_score: typed.min_score,
            max: typed.max,
        };
        let mut rows = match choice {
            RowChoice::Shown => self.rows.clone(),
            RowChoice::Marked => self.marked_rows(),
            RowChoice::All => self
                .store
                .iter()
                .filter_map(|(i, _)| u32::try_from(i).ok())
                .collect(),
        };
        // What a list holds is left out, as `fetch` leaves it out.
        let before = rows.len();
        let screened = self.listing.screened();
        if !keep_listed && !screened.is_empty() {
            rows.retain(|&r| !screened.holds(r as usize));
        }
        let left_out = before - rows.len();
        if rows.is_empty() {
            self.notice = Some(if left_out > 0 {
                format!(
                    "export: every {} row is on a list (keep them under Listed)",
                    choice.label()
                )
            } else {
                format!("export: no {} rows", choice.label())
            });
            if let Some(p) = &mut self.prompt {
                p.stage = Stage::Editing;
            }
            return;
        }
        if let Some(p) = &mut self.prompt {
            p.stage = Stage::Writing;
            p.error = None;
            p.left_out = left_out;
        }
        self.lease.holders += 1;
        self.notice = Some(format!("exporting {} rows...", rows.len()));
        fx.push(Effect::Export {
            store: Arc::clone(&self.store),
            rows,
            fit,
            options,
            target,
        });
    }

    /// The export worker finished (or found the file there) and handed the store back.
    pub(super) fn on_export_done(
        &mut self,
        store: Arc<Store>,
        result: Result<(PathBuf, Written, Options), ExportError>,
        fx: &mut Vec<Effect>,
    ) {
        drop(store);
        self.lease.holders = self.lease.holders.saturating_sub(1);
        let shown = self.mode == Mode::Prompt;
        let left_out = self.prompt.as_ref().map_or(0, |p| p.left_out);
        match result {
            Ok((path, written, options)) => {
                self.prompt = None;
                if shown {
                    self.mode = Mode::Normal;
                }
                let text = done_text(&path, &written, left_out);
                self.notice = Some(one_line(&text, 200));
                self.show_header_message(one_line(&text, 200));
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
            Err(ExportError::Exists(path)) => {
                let text = format!("{} exists: replace it? (y/n)", path.display());
                if let Some(p) = &mut self.prompt {
                    p.stage = Stage::Confirm(path);
                }
                if shown {
                    self.notice = Some(one_line(&text, 200));
                } else {
                    // Hidden, the question waits: the header keeps saying so.
                    let text = one_line(&format!("export waiting: {text} (x to answer)"), 200);
                    self.notice = Some(text.clone());
                    self.export_status = Some(text);
                }
            }
            Err(e) => {
                let text = one_line(&e.to_string(), 400);
                if let Some(p) = &mut self.prompt {
                    p.stage = Stage::Editing;
                    p.field = PromptField::Path;
                    p.error = Some(text.clone());
                }
                // A hidden prompt keeps the path as typed for `x`.
                self.notice = Some(if !shown && self.prompt.is_some() {
                    format!("export failed: {} (x to correct it)", one_line(&text, 100))
                } else {
                    format!("export failed: {}", one_line(&text, 120))
                });
                self.show_header_message(format!("export failed: {}", one_line(&text, 120)));
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

/// What the header and the log say of a finished export: the rows written and the
/// file, the rows a list held (`listed`), then what was cut and what else to know
/// (`exported 40 rows to /tmp/x.rpz (2 listed left out); left out 2: 2 cve (…)`).
fn done_text(path: &Path, written: &Written, listed: usize) -> String {
    let mut text = format!("exported {} rows to {}", written.count, path.display());
    if listed > 0 {
        text.push_str(&format!(" ({listed} listed left out)"));
    }
    if let Some(r) = written.remarks() {
        text.push_str("; ");
        text.push_str(&r);
    }
    text
}

/// The types typed in the prompt, as `--type` takes them: names separated by commas
/// (case and spaces around them do not matter); empty for every type.
///
/// # Errors
/// A name that is not an indicator type: one line naming it and the known ones.
pub fn parse_types(typed: &str) -> Result<Vec<IndicatorType>, String> {
    typed
        .split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(|n| n.parse().map_err(|e: String| one_line(&e, 200)))
        .collect()
}
