// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! What each key action does to the UI state.

use super::{Action, App, Edit, Effect, Focus, Mode};
use crate::config::Availability;
use crate::model::IndicatorType;
use crate::trust::triage::Verdict;

impl App {
    pub(super) fn move_selection(&mut self, delta: isize) {
        match (self.mode, self.focus) {
            (Mode::Hits, _) => self.move_hit(delta),
            (Mode::Details | Mode::HitDetails | Mode::Help, _) => {
                self.scroll_overlay(delta);
            }
            (_, Focus::Sources) if self.mode == Mode::Normal => {
                let n = self.sources.len();
                if n > 0 {
                    self.source_cursor =
                        (self.source_cursor as isize + delta).clamp(0, n as isize - 1) as usize;
                }
            }
            _ => {
                if self.rows.is_empty() {
                    self.selected = 0;
                } else {
                    self.selected = (self.selected as isize + delta)
                        .clamp(0, self.rows.len() as isize - 1)
                        as usize;
                }
                self.remember_selection();
                self.keep_visible();
            }
        }
    }

    /// Scrolls the open overlay (the help, the details) by `delta` lines, no further
    /// than [`App::scroll_limit`]; returns whether it moved.
    pub(super) fn scroll_overlay(&mut self, delta: isize) -> bool {
        let max = self.scroll_limit.unwrap_or(u16::MAX);
        let at = match self.mode {
            Mode::Help => &mut self.help_scroll,
            Mode::Details | Mode::HitDetails => &mut self.details_scroll,
            _ => return false,
        };
        let to = at
            .saturating_add_signed(delta.clamp(-1000, 1000) as i16)
            .min(max);
        std::mem::replace(at, to) != to
    }

    /// Goes to `mode` with any overlay that scrolls at its top; the limit of what it
    /// opens comes with the next frame.
    pub(super) fn open_overlay(&mut self, mode: Mode) {
        self.mode = mode;
        self.details_scroll = 0;
        self.help_scroll = 0;
        self.scroll_limit = None;
    }

    /// A line-editing key in the filter (a changed filter selects its first match) or the
    /// export prompt.
    fn edit(&mut self, e: Edit, fx: &mut Vec<Effect>) {
        match self.mode {
            Mode::Filter if self.filter_text.apply(e) => self.select_first_match(fx),
            Mode::Prompt => self.prompt_edit(e),
            Mode::Note => self.note_edit(e),
            _ => {}
        }
    }

    pub(super) fn on_action(&mut self, a: Action, fx: &mut Vec<Effect>) {
        let page = self.page_rows() as isize;
        match a {
            Action::Quit => self.quit = true,
            Action::Help => self.open_overlay(Mode::Help),
            Action::Close => match self.mode {
                Mode::Help | Mode::Details | Mode::Hits | Mode::Trends => {
                    self.open_overlay(Mode::Normal)
                }
                Mode::HitDetails => self.open_overlay(Mode::Hits),
                Mode::Prompt => self.cancel_export(),
                Mode::Note => self.cancel_mark(),
                Mode::Normal | Mode::Filter => {}
            },
            Action::Hits => self.toggle_hits(),
            Action::Trends => self.toggle_trends(fx),
            Action::HitsSensor => self.cycle_hits_sensor(),
            Action::HitsUntriaged => self.toggle_untriaged(),
            Action::MarkFalsePositive => self.start_mark(Verdict::FalsePositive, false),
            Action::MarkTruePositive => self.start_mark(Verdict::TruePositive, false),
            Action::AllowlistFalsePositive => self.start_mark(Verdict::FalsePositive, true),
            Action::Unmark => self.undo_mark(fx),
            Action::NoteChar(c) => self.note_char(c),
            Action::NoteSubmit => self.submit_mark(fx),
            Action::FilterStart => {
                // Typing goes on at the end of the filter kept from before.
                self.filter_text.apply(Edit::End);
                self.mode = Mode::Filter;
            }
            Action::FilterChar(c) => {
                if self.filter_text.insert(c) {
                    self.select_first_match(fx);
                }
            }
            Action::FilterBackspace => self.edit(Edit::Backspace, fx),
            Action::Edit(e) => self.edit(e, fx),
            Action::FilterKeep => self.mode = Mode::Normal,
            Action::FilterClear => {
                self.mode = Mode::Normal;
                if self.filter_text.clear() {
                    self.select_first_match(fx);
                }
            }
            Action::FocusNext | Action::FocusPrev => {
                self.focus = match self.focus {
                    Focus::Table => Focus::Sources,
                    Focus::Sources => Focus::Table,
                };
                // The sources strip opens into the full pane, which moves the table.
                self.keep_visible();
            }
            Action::RefreshSelected => {
                let i = self.source_cursor;
                match self.sources.get(i) {
                    Some(s) if !s.enabled() => {
                        self.notice = Some(format!(
                            "{} is disabled: {}",
                            s.spec.name,
                            match &s.availability {
                                Availability::Disabled(why) => why.as_str(),
                                Availability::Enabled => "",
                            }
                        ));
                    }
                    Some(_) => self.refresh(i, fx),
                    None => {}
                }
            }
            Action::RefreshAll => {
                for i in 0..self.sources.len() {
                    self.refresh(i, fx);
                }
            }
            Action::ToggleSource => {
                if let Some(s) = self.sources.get_mut(self.source_cursor) {
                    s.hidden = !s.hidden;
                    self.select_first_match(fx);
                }
            }
            Action::ToggleDecayed => self.toggle_decayed(fx),
            Action::CycleType => {
                self.type_filter = match self.type_filter {
                    None => Some(IndicatorType::ALL[0]),
                    Some(t) => IndicatorType::ALL
                        .iter()
                        .position(|x| *x == t)
                        .and_then(|p| IndicatorType::ALL.get(p + 1).copied()),
                };
                self.select_first_match(fx);
            }
            Action::CycleSort => {
                self.sort.key = self.sort.key.next();
                self.refilter(fx);
            }
            Action::ReverseSort => {
                self.sort.reverse = !self.sort.reverse;
                self.refilter(fx);
            }
            Action::Details if self.mode == Mode::Hits => {
                if self.hits.selected_hit().is_some() {
                    self.open_overlay(Mode::HitDetails);
                }
            }
            Action::Details => {
                if self.selected_entry().is_some() {
                    // The details follow this indicator (and keep it shown) whatever
                    // a refresh or a mark does to the rows.
                    self.remember_selection();
                    self.open_overlay(Mode::Details);
                }
            }
            Action::Enrich if matches!(self.mode, Mode::Hits | Mode::HitDetails) => {}
            Action::Enrich => self.enrich(fx),
            Action::Copy => self.copy_value(false, fx),
            Action::CopyDefanged => self.copy_value(true, fx),
            Action::CopyRecord => self.copy_record(fx),
            Action::Mark => self.toggle_mark(),
            Action::ClearMarks => self.clear_marks(),
            Action::Export => self.open_export_prompt(),
            Action::PromptNext => self.prompt_field(1),
            Action::PromptPrev => self.prompt_field(-1),
            Action::PromptLeft => self.prompt_choice(-1),
            Action::PromptRight => self.prompt_choice(1),
            Action::PromptChar(c) => self.prompt_char(c, fx),
            Action::PromptBackspace => self.prompt_edit(Edit::Backspace),
            Action::PromptSubmit => self.submit_export(fx),
            Action::LogSize => {
                self.log_size = self.log_size.next();
                self.keep_visible();
            }
            Action::Up => self.move_selection(-1),
            Action::Down => self.move_selection(1),
            Action::PageUp => self.move_selection(-page),
            Action::PageDown => self.move_selection(page),
            Action::Top => self.move_selection(isize::MIN / 2),
            Action::Bottom => self.move_selection(isize::MAX / 2),
        }
    }
}
