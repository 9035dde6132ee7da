// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Triage from the dashboard: in the Hits view and a hit's details `f`/`t` mark the
//! selected hit, in an indicator's details the indicator, a false or a true positive;
//! `F` marks a false positive and adds the value to the local allowlist; each opens a
//! one-line note prompt first (`Enter` keeps the mark, with the note if one was typed;
//! `Esc` drops it). `u` undoes the mark in effect. `U` shows only untriaged hits.
//!
//! A mark shows at once. It is kept in the store when there is one ([`TriageEffect::Save`],
//! answered by [`TriageMsg::Saved`] with its row id), and marks other dashboards keep
//! arrive as [`TriageMsg::Stored`]. A hit found here but not read back from the store yet
//! has no row id: its mark waits, under an id of this dashboard's own, until the hit is
//! read back ([`App::hit_stored`]), and is saved then.

use std::path::PathBuf;

use jiff::Timestamp;

use super::{App, CacheState, Effect, Mode};
use crate::app::line_edit::{Edit, LineEdit};
use crate::model::IndicatorType;
use crate::model::sanitize::one_line;
use crate::trust::triage::{Appended, Mark, NOTE_MAX, Saved, Scope, Verdict};

/// What a mark is made on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MarkTarget {
    /// A hit: its row id, or while it is not read back from the store, a negative id of
    /// this dashboard's own.
    Hit {
        id: i64,
        kind: IndicatorType,
        indicator: Box<str>,
    },
    /// An indicator, with every hit of it.
    Indicator {
        kind: IndicatorType,
        value: Box<str>,
    },
}

impl MarkTarget {
    fn kind(&self) -> IndicatorType {
        match self {
            MarkTarget::Hit { kind, .. } | MarkTarget::Indicator { kind, .. } => *kind,
        }
    }

    fn value(&self) -> &str {
        match self {
            MarkTarget::Hit { indicator, .. } => indicator,
            MarkTarget::Indicator { value, .. } => value,
        }
    }

    /// How messages name it: `this hit of ipv4 203.0.113.9`, `ipv4 203.0.113.9`.
    pub fn describe(&self) -> String {
        let what = format!("{} {}", self.kind(), one_line(self.value(), 80));
        match self {
            MarkTarget::Hit { .. } => format!("this hit of {what}"),
            MarkTarget::Indicator { .. } => what,
        }
    }
}

/// The one-line prompt for a mark's note, open while it is typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotePrompt {
    pub target: MarkTarget,
    pub verdict: Verdict,
    /// The value goes to the local allowlist too (`F`).
    pub allowlist: bool,
    /// The note as typed, with its cursor.
    pub note: LineEdit,
    /// The mode the keys go back to.
    pub back: Mode,
}

/// The dashboard's triage state besides the marks (which [`super::hits::Hits`] holds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Triaging {
    /// Who marks: `user@host` (the runtime sets it at start-up).
    pub analyst: Box<str>,
    /// The note prompt, while a mark waits for its note.
    pub prompt: Option<NotePrompt>,
}

impl Default for Triaging {
    fn default() -> Self {
        Triaging {
            analyst: "unknown@localhost".into(),
            prompt: None,
        }
    }
}

/// Triage's results for the app.
#[derive(Debug)]
pub enum TriageMsg {
    /// Marks read from the store, oldest first, with their row ids: at start-up, and
    /// those other processes keep.
    Stored(Vec<(i64, Mark)>),
    /// This dashboard's mark is kept, as row `id`.
    Saved { id: i64, mark: Mark },
    /// It could not be kept: why, one line.
    NotSaved { mark: Mark, why: String },
    /// The value of a false positive went to the local allowlist (the file, and whether
    /// it was added or listed already), or why not.
    Allowlisted {
        value: Box<str>,
        result: Result<(PathBuf, Appended), String>,
    },
}

/// Triage's work for the runtime.
#[derive(Debug)]
pub enum TriageEffect {
    /// Keep the mark in the store; answer [`TriageMsg::Saved`] or [`TriageMsg::NotSaved`].
    Save(Mark),
    /// Add `value` to the local allowlist after a comment line; answer
    /// [`TriageMsg::Allowlisted`].
    Allowlist { value: Box<str>, comment: String },
}

/// `now` to the second, as marks keep it.
fn to_second(now: Timestamp) -> Timestamp {
    Timestamp::from_second(now.as_second()).unwrap_or(now)
}

impl App {
    /// The mode whose view is on screen: the note prompt shows over the view it was
    /// opened from.
    pub fn shown_mode(&self) -> Mode {
        match (self.mode, &self.triaging.prompt) {
            (Mode::Note, Some(p)) => p.back,
            (mode, _) => mode,
        }
    }

    /// What a mark made now would be on: the selected hit in the Hits view or a hit's
    /// details, the selected indicator in its details.
    fn mark_target(&mut self) -> Option<MarkTarget> {
        match self.mode {
            Mode::Hits | Mode::HitDetails => {
                let hit = self.hits.selected_hit()?.clone();
                Some(MarkTarget::Hit {
                    id: self.hits.id_or_local(&hit),
                    kind: hit.kind,
                    indicator: hit.indicator,
                })
            }
            Mode::Details => {
                let e = self.store.get(self.selected_entry()?)?;
                Some(MarkTarget::Indicator {
                    kind: e.kind,
                    value: e.value.clone(),
                })
            }
            _ => None,
        }
    }

    /// `f`, `t`, `F`: opens the note prompt for a mark on what is selected.
    pub(super) fn start_mark(&mut self, verdict: Verdict, allowlist: bool) {
        let Some(target) = self.mark_target() else {
            return;
        };
        self.triaging.prompt = Some(NotePrompt {
            target,
            verdict,
            allowlist,
            note: LineEdit::new(NOTE_MAX),
            back: self.mode,
        });
        self.mode = Mode::Note;
    }

    /// A character typed into the note.
    pub(super) fn note_char(&mut self, c: char) {
        if let Some(p) = &mut self.triaging.prompt {
            p.note.insert(c);
        }
    }

    /// A line-editing key in the note.
    pub(super) fn note_edit(&mut self, e: Edit) {
        if let Some(p) = &mut self.triaging.prompt {
            p.note.apply(e);
        }
    }

    /// `Esc` in the note prompt: no mark.
    pub(super) fn cancel_mark(&mut self) {
        if let Some(p) = self.triaging.prompt.take() {
            self.mode = p.back;
        }
        self.notice = Some("mark cancelled".into());
    }

    /// `Enter` in the note prompt: the mark, with the note typed (none when empty).
    pub(super) fn submit_mark(&mut self, fx: &mut Vec<Effect>) {
        let Some(p) = self.triaging.prompt.take() else {
            return;
        };
        self.mode = p.back;
        let note = one_line(p.note.as_str(), NOTE_MAX);
        let note = (!note.is_empty()).then(|| note.into_boxed_str());
        let noted = if note.is_some() {
            ", with its note"
        } else {
            ""
        };
        let mark = self.mark_on(&p.target, Some(p.verdict), note);
        let mut text = format!(
            "{} marked a {}{noted}",
            p.target.describe(),
            p.verdict.label()
        );
        if p.allowlist {
            fx.push(Effect::Triage(TriageEffect::Allowlist {
                value: mark.indicator.clone(),
                comment: format!(
                    "false positive {} {}, marked by {} at {}{}",
                    mark.kind,
                    mark.indicator,
                    mark.by,
                    crate::model::time::rfc3339(mark.at),
                    mark.note
                        .as_deref()
                        .map(|n| format!(": {n}"))
                        .unwrap_or_default()
                ),
            }));
            text.push_str("; adding it to the local allowlist");
        }
        self.keep_mark(mark, &mut text, fx);
        self.show_header_message(text);
        // A hit marked in its details while only untriaged hits show has left the list
        // (another hit would take its place in the details): back to the list.
        if self.mode == Mode::HitDetails && self.hits.untriaged_only {
            self.open_overlay(Mode::Hits);
        }
    }

    /// The mark on `target` made now by this dashboard's analyst.
    fn mark_on(
        &self,
        target: &MarkTarget,
        verdict: Option<Verdict>,
        note: Option<Box<str>>,
    ) -> Mark {
        Mark {
            kind: target.kind(),
            indicator: target.value().into(),
            hit: match target {
                MarkTarget::Hit { id, .. } => Some(*id),
                MarkTarget::Indicator { .. } => None,
            },
            verdict,
            note,
            by: self.triaging.analyst.clone(),
            at: to_second(self.now),
        }
    }

    /// Shows `mark` at once, and keeps it in the store when there is one and its hit is
    /// stored (else says how long it lasts in `text`).
    fn keep_mark(&mut self, mark: Mark, text: &mut String, fx: &mut Vec<Effect>) {
        let stored_hit = mark.hit.is_none_or(|id| id > 0);
        let saved = if self.cache == CacheState::Off {
            text.push_str(" (no store: kept until you quit)");
            Saved::Unsaved
        } else if !stored_hit {
            text.push_str(" (saved once the hit is stored)");
            Saved::Unsaved
        } else {
            fx.push(Effect::Triage(TriageEffect::Save(mark.clone())));
            Saved::Saving
        };
        let (kind, indicator) = (mark.kind, mark.indicator.clone());
        self.hits.triage.apply(saved, mark);
        self.hits.recount();
        // The score follows at once: a false positive drops to the floor.
        self.score_marked(kind, &indicator);
        self.refilter(fx);
        self.dirty = true;
    }

    /// `u`: undoes the mark in effect on the selected hit (its own, else its
    /// indicator's) or, in an indicator's details, the indicator's own mark.
    pub(super) fn undo_mark(&mut self, fx: &mut Vec<Effect>) {
        let Some(target) = self.mark_target() else {
            return;
        };
        let target = match &target {
            MarkTarget::Hit {
                id,
                kind,
                indicator,
            } => match self.hits.triage.on_hit(*kind, indicator, Some(*id)) {
                Some((_, Scope::Hit)) => Some(target.clone()),
                Some((_, Scope::Indicator)) => Some(MarkTarget::Indicator {
                    kind: *kind,
                    value: indicator.clone(),
                }),
                None => None,
            },
            MarkTarget::Indicator { kind, value } => self
                .hits
                .triage
                .on_indicator(*kind, value)
                .map(|_| target.clone()),
        };
        let Some(target) = target else {
            self.show_header_message("nothing to undo: no mark is in effect here".into());
            return;
        };
        let mark = self.mark_on(&target, None, None);
        let mut text = format!("{}: mark undone, untriaged again", target.describe());
        self.keep_mark(mark, &mut text, fx);
        self.show_header_message(text);
    }

    /// `U` in the Hits view: only the untriaged hits, or all again.
    pub(super) fn toggle_untriaged(&mut self) {
        self.hits.untriaged_only = !self.hits.untriaged_only;
        self.hits.selected = 0;
        self.hits.offset = 0;
        self.details_scroll = 0;
    }

    /// A hit marked under this dashboard's own id `from` is stored as row `to`: its
    /// mark moves there and is saved.
    pub(super) fn hit_stored(
        &mut self,
        kind: IndicatorType,
        indicator: &str,
        from: i64,
        to: i64,
        fx: &mut Vec<Effect>,
    ) {
        let Some(held) = self.hits.triage.rekey_hit(kind, indicator, from, to) else {
            return;
        };
        if held.saved != Saved::Unsaved || self.cache == CacheState::Off {
            return;
        }
        let mark = held.mark.clone();
        self.hits.triage.set_saved(&mark, Saved::Saving);
        fx.push(Effect::Triage(TriageEffect::Save(mark)));
    }

    /// Triage's results.
    pub(super) fn on_triage(&mut self, msg: TriageMsg) {
        match msg {
            TriageMsg::Stored(marks) => {
                let mut changed = false;
                for (id, mark) in marks {
                    let (kind, indicator) = (mark.kind, mark.indicator.clone());
                    if self.hits.triage.apply(Saved::Stored(id), mark) {
                        changed = true;
                        self.score_marked(kind, &indicator);
                    }
                }
                if changed {
                    self.hits.recount();
                    self.dirty = true;
                }
            }
            TriageMsg::Saved { id, mark } => {
                self.hits.triage.apply(Saved::Stored(id), mark);
            }
            TriageMsg::NotSaved { mark, why } => {
                self.hits.triage.set_saved(&mark, Saved::Unsaved);
                self.show_header_message(format!(
                    "mark not saved ({}); it shows here until you quit",
                    one_line(&why, 200)
                ));
                self.dirty = true;
            }
            TriageMsg::Allowlisted { value, result } => {
                let value = one_line(&value, 80);
                self.show_header_message(match result {
                    Ok((path, Appended::Added)) => format!(
                        "false positive {value} added to the local allowlist {}",
                        one_line(&path.display().to_string(), 200)
                    ),
                    Ok((path, Appended::AlreadyListed)) => format!(
                        "false positive {value} is in the local allowlist {} already",
                        one_line(&path.display().to_string(), 200)
                    ),
                    Err(why) => format!(
                        "false positive {value} marked, but not added to the local allowlist: {}",
                        one_line(&why, 200)
                    ),
                });
                self.dirty = true;
            }
        }
    }
}

#[cfg(test)]
mod tests;
