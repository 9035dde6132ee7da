// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Keys to actions, per mode: the one table of bindings, [`BINDINGS`], as remapped by
//! the config's `keys:` into a [`Keymap`]. Key handling ([`Keymap::action`]), the help
//! overlay ([`Keymap::help_lines`]) and the key hints on screen ([`Keymap::hints`]: the
//! footer, the filter and export prompts, the details, log and help titles) all read it.

mod keys;
mod mode;
mod place;
mod remap;

pub use keys::{KeyNameError, display, parse};
pub use mode::Mode;
pub use place::{Hint, Place};
pub use remap::{Keymap, RemapError};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub use super::line_edit::Edit;

use Action as A;
use Binding as B;
use KeyCode as K;

/// What the analyst asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Leave the dashboard.
    Quit,
    /// Open the help overlay.
    Help,
    /// Close the details or help overlay.
    Close,
    /// Start typing a filter.
    FilterStart,
    /// A character typed into the filter.
    FilterChar(char),
    /// Delete the filter's character before the cursor.
    FilterBackspace,
    /// Stop typing and keep the filter.
    FilterKeep,
    /// Stop typing and clear the filter.
    FilterClear,
    /// Focus the next pane.
    FocusNext,
    /// Focus the previous pane.
    FocusPrev,
    /// Fetch the selected source now.
    RefreshSelected,
    /// Fetch every source now.
    RefreshAll,
    /// Show or hide the selected source's rows.
    ToggleSource,
    /// Cycle the type filter.
    CycleType,
    /// Show or hide decayed indicators (scores below `scoring.expire_below`).
    ToggleDecayed,
    /// Sort by the next column.
    CycleSort,
    /// Reverse the sort.
    ReverseSort,
    /// Open the details of the selected indicator.
    Details,
    /// Look the selected indicator up (VirusTotal, OTX).
    Enrich,
    /// Copy the selected value to the clipboard.
    Copy,
    /// Copy the selected value, defanged.
    CopyDefanged,
    /// Copy the whole record shown in the details, as JSON.
    CopyRecord,
    /// Mark or unmark the selected row.
    Mark,
    /// Clear every mark.
    ClearMarks,
    /// Open the export prompt.
    Export,
    /// Export prompt: the next field.
    PromptNext,
    /// Export prompt: the previous field.
    PromptPrev,
    /// Export prompt: the previous choice of the field (in the file or the types: the
    /// cursor left).
    PromptLeft,
    /// Export prompt: the next choice of the field (in the file or the types: the
    /// cursor right).
    PromptRight,
    /// Export prompt: a character typed (into the path or the types, or Space to change
    /// a choice).
    PromptChar(char),
    /// Export prompt: delete the character before the cursor (the path or the types).
    PromptBackspace,
    /// A line-editing key in the filter, the export file or the export types.
    Edit(Edit),
    /// Export prompt: export as chosen.
    PromptSubmit,
    /// Cycle the log pane's size.
    LogSize,
    /// Move the selection (or scroll the details) up one line.
    Up,
    /// Move the selection (or scroll the details) down one line.
    Down,
    /// Move up a page.
    PageUp,
    /// Move down a page.
    PageDown,
    /// Go to the first row.
    Top,
    /// Go to the last row.
    Bottom,
    /// Open or close the Hits view (hits in the followed logs).
    Hits,
    /// In the Hits view: show one sensor's hits only (all, each sensor, all).
    HitsSensor,
    /// In the Hits view: show only the hits no mark is in effect on, or all again.
    HitsUntriaged,
    /// In the Hits view, a hit's details or an indicator's details: mark the hit (or the
    /// indicator) a false positive, after its note.
    MarkFalsePositive,
    /// There: mark it a true positive (confirmed), after its note.
    MarkTruePositive,
    /// There: mark it a false positive and add its value to the local allowlist.
    AllowlistFalsePositive,
    /// There: undo the mark in effect.
    Unmark,
    /// The note prompt: a character typed.
    NoteChar(char),
    /// The note prompt: keep the mark with the note typed.
    NoteSubmit,
    /// Open or close the Trends view (charts of hits, indicators held, fetch health).
    Trends,
}

impl Action {
    /// Every action `keys:` can remap, by its name there.
    pub const NAMED: &[(&'static str, Action)] = &[
        ("quit", Action::Quit),
        ("help", Action::Help),
        ("close", Action::Close),
        ("filter", Action::FilterStart),
        ("filter_keep", Action::FilterKeep),
        ("filter_clear", Action::FilterClear),
        ("filter_backspace", Action::FilterBackspace),
        ("focus_next", Action::FocusNext),
        ("focus_prev", Action::FocusPrev),
        ("refresh", Action::RefreshSelected),
        ("refresh_all", Action::RefreshAll),
        ("toggle_source", Action::ToggleSource),
        ("type", Action::CycleType),
        ("decayed", Action::ToggleDecayed),
        ("sort", Action::CycleSort),
        ("reverse_sort", Action::ReverseSort),
        ("details", Action::Details),
        ("enrich", Action::Enrich),
        ("copy", Action::Copy),
        ("copy_defanged", Action::CopyDefanged),
        ("copy_record", Action::CopyRecord),
        ("mark", Action::Mark),
        ("clear_marks", Action::ClearMarks),
        ("hits", Action::Hits),
        ("trends", Action::Trends),
        ("hits_sensor", Action::HitsSensor),
        ("hits_untriaged", Action::HitsUntriaged),
        ("false_positive", Action::MarkFalsePositive),
        ("true_positive", Action::MarkTruePositive),
        ("false_positive_allowlist", Action::AllowlistFalsePositive),
        ("undo_mark", Action::Unmark),
        ("note_submit", Action::NoteSubmit),
        ("export", Action::Export),
        ("prompt_next", Action::PromptNext),
        ("prompt_prev", Action::PromptPrev),
        ("prompt_left", Action::PromptLeft),
        ("prompt_right", Action::PromptRight),
        ("prompt_backspace", Action::PromptBackspace),
        ("prompt_submit", Action::PromptSubmit),
        ("line_start", Action::Edit(Edit::Start)),
        ("line_end", Action::Edit(Edit::End)),
        ("cursor_left", Action::Edit(Edit::Left)),
        ("cursor_right", Action::Edit(Edit::Right)),
        ("delete_char", Action::Edit(Edit::Delete)),
        ("delete_word", Action::Edit(Edit::DeleteWord)),
        ("delete_to_start", Action::Edit(Edit::DeleteToStart)),
        ("log_size", Action::LogSize),
        ("up", Action::Up),
        ("down", Action::Down),
        ("page_up", Action::PageUp),
        ("page_down", Action::PageDown),
        ("top", Action::Top),
        ("bottom", Action::Bottom),
    ];

    /// The action `keys:` calls `name`.
    pub fn named(name: &str) -> Option<Action> {
        Action::NAMED
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, a)| *a)
    }

    /// The name `keys:` calls this action by; `None` for typed characters.
    pub fn name(self) -> Option<&'static str> {
        Action::NAMED
            .iter()
            .find(|(_, a)| *a == self)
            .map(|(n, _)| *n)
    }
}

/// One key: a code and the modifiers it needs. A key event matches when its code is the
/// same and it holds at least these modifiers; others it holds are ignored (capitals and
/// `Shift-Tab` arrive with Shift, and `Ctrl-S` still sorts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    /// The key itself.
    pub code: KeyCode,
    /// Modifiers that must be held.
    pub mods: KeyModifiers,
}

impl Key {
    const fn plain(code: KeyCode) -> Key {
        Key {
            code,
            mods: KeyModifiers::NONE,
        }
    }

    const fn ch(c: char) -> Key {
        Key::plain(KeyCode::Char(c))
    }

    const fn ctrl(c: char) -> Key {
        Key {
            code: KeyCode::Char(c),
            mods: KeyModifiers::CONTROL,
        }
    }

    /// Whether `event` is this key.
    pub fn matches(self, event: &KeyEvent) -> bool {
        event.code == self.code && event.modifiers.contains(self.mods)
    }

    /// Whether `event` is this key with no other modifier than Shift (which capitals
    /// and `Shift-Tab` arrive with).
    pub fn matches_exactly(self, event: &KeyEvent) -> bool {
        event.code == self.code && event.modifiers - KeyModifiers::SHIFT == self.mods
    }

    /// Whether this is a character typed as text (no Ctrl, no Alt).
    pub fn is_text(self) -> bool {
        matches!(self.code, KeyCode::Char(_))
            && !self
                .mods
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
    }
}

/// How the help overlay shows a binding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    /// A line of its own: the keys as shown, and what they do.
    Line(&'static str, &'static str),
    /// On the line whose keys read so: its keys are among that line's keys.
    Under(&'static str),
    /// Not in the overlay (the filter's own keys, told on the `/` line and in its prompt;
    /// the other keys that close the details).
    Unlisted,
}

/// One row of the binding table: these keys, in these modes, ask for this action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Binding {
    /// The keys, any of which will do.
    pub keys: &'static [Key],
    /// The modes they apply in.
    pub modes: &'static [Mode],
    /// What they ask for.
    pub action: Action,
    /// How the help overlay shows them.
    pub help: Listing,
    /// The key hint on screen, if any.
    pub hint: Option<Hint>,
}

impl Binding {
    /// These keys in these modes ask for this action; not in the help overlay until
    /// [`Binding::line`] or [`Binding::under`] says how.
    const fn new(action: Action, modes: &'static [Mode], keys: &'static [Key]) -> Self {
        Binding {
            keys,
            modes,
            action,
            help: Listing::Unlisted,
            hint: None,
        }
    }

    const fn line(mut self, keys: &'static str, text: &'static str) -> Self {
        self.help = Listing::Line(keys, text);
        self
    }

    const fn under(mut self, line: &'static str) -> Self {
        self.help = Listing::Under(line);
        self
    }

    const fn hint(mut self, at: &'static [Place], keys: &'static str, text: &'static str) -> Self {
        self.hint = Some(Hint { at, keys, text });
        self
    }
}

const EVERY: &[Mode] = &Mode::ALL;
const NORMAL: &[Mode] = &[Mode::Normal];
const FILTER: &[Mode] = &[Mode::Filter];
const DETAILS: &[Mode] = &[Mode::Details];
/// Where letters are keys (not typed into the filter).
const LETTERS: &[Mode] = &[
    Mode::Normal,
    Mode::Details,
    Mode::Help,
    Mode::Hits,
    Mode::HitDetails,
    Mode::Trends,
];
/// Browsing a list or the details.
const BROWSE: &[Mode] = &[Mode::Normal, Mode::Details, Mode::Hits, Mode::HitDetails];
/// Browsing, and scrolling the help.
const SCROLL: &[Mode] = &[
    Mode::Normal,
    Mode::Details,
    Mode::Hits,
    Mode::HitDetails,
    Mode::Help,
];
/// Wherever the selection (or the details, or the help) moves, the filter prompt included.
const MOVE: &[Mode] = &[
    Mode::Normal,
    Mode::Filter,
    Mode::Details,
    Mode::Hits,
    Mode::HitDetails,
    Mode::Help,
];
/// The Hits view and a hit's details.
const HITS: &[Mode] = &[Mode::Hits, Mode::HitDetails];
const NORMAL_HELP: &[Mode] = &[Mode::Normal, Mode::Help];
/// Where a line of text is typed: the filter, the export prompt and a mark's note.
const TEXT: &[Mode] = &[Mode::Filter, Mode::Prompt, Mode::Note];
/// Where ←/→ move a cursor: the filter and a mark's note.
const LINE: &[Mode] = &[Mode::Filter, Mode::Note];
/// Where hits and indicators are triaged.
const TRIAGE: &[Mode] = &[Mode::Hits, Mode::HitDetails, Mode::Details];
const TRIAGE_FOOTERS: &[Place] = &[
    Place::HitsFooter,
    Place::HitDetailsFooter,
    Place::DetailsFooter,
];
const NOTE: &[Mode] = &[Mode::Note];
const NOTE_HINT: &[Place] = &[Place::NotePrompt];

const FOOTER: &[Place] = &[Place::Footer];
const PROMPT: &[Place] = &[Place::FilterPrompt];
const TITLE: &[Place] = &[Place::DetailsTitle];
const PROMPT_MODE: &[Mode] = &[Mode::Prompt];
const EXPORT_HINT: &[Place] = &[Place::ExportPrompt];

/// The keys that quit in every mode, whatever `keys:` says: remapping `quit` adds its
/// keys to these, and no other action may take them (`ctrl-c` is both cases of the
/// letter, as terminals differ).
pub const ALWAYS_QUITS: [Key; 2] = [Key::ctrl('c'), Key::ctrl('C')];

/// Every key binding, in the order of the help overlay. Hints show in this order too,
/// which is why the details' `Esc` comes first.
///
/// A key no row binds falls back: in the filter prompt a character typed without Ctrl is
/// added to the filter ([`Action::FilterChar`]); in help any key closes it; elsewhere it
/// does nothing. See [`action`].
pub const BINDINGS: &[Binding] = &[
    B::new(A::Close, DETAILS, &[Key::plain(K::Esc)])
        .under("Esc")
        .hint(TITLE, "Esc", "closes"),
    B::new(A::Quit, LETTERS, &[Key::ch('q')])
        .line("q  Ctrl-C", "quit")
        .hint(FOOTER, "q", "quit"),
    B::new(A::Quit, EVERY, &ALWAYS_QUITS).under("q  Ctrl-C"),
    B::new(A::Help, BROWSE, &[Key::ch('?')])
        .line("?", "this help")
        .hint(FOOTER, "?", "help"),
    B::new(A::FilterStart, NORMAL, &[Key::ch('/')])
        .line("/", "filter as you type (Enter keeps it, Esc clears it)")
        .hint(FOOTER, "/", "filter"),
    B::new(A::FilterKeep, FILTER, &[Key::plain(K::Enter)]).hint(PROMPT, "Enter", "keep"),
    B::new(A::FilterBackspace, FILTER, &[Key::plain(K::Backspace)]),
    B::new(A::FocusNext, NORMAL, &[Key::plain(K::Tab)])
        .line(
            "Tab  Shift-Tab",
            "move focus between sources and indicators",
        )
        .hint(FOOTER, "Tab", "focus"),
    B::new(A::FocusPrev, NORMAL, &[Key::plain(K::BackTab)]).under("Tab  Shift-Tab"),
    B::new(A::RefreshSelected, NORMAL, &[Key::ch('r')])
        .line("r  R", "refresh the selected source / every source now")
        .hint(FOOTER, "r/R", "refresh"),
    B::new(A::RefreshAll, NORMAL, &[Key::ch('R')]).under("r  R"),
    B::new(A::ToggleSource, NORMAL, &[Key::ch(' ')])
        .line("Space", "show / hide the selected source's rows"),
    B::new(A::CycleType, NORMAL, &[Key::ch('t')])
        .line("t", "cycle the type filter (all, ipv4, ipv6, domain, ...)")
        .hint(FOOTER, "t", "type"),
    B::new(A::ToggleDecayed, NORMAL, &[Key::ch('D')]).line(
        "D",
        "show / hide decayed indicators (score below scoring.expire_below)",
    ),
    B::new(A::CycleSort, NORMAL, &[Key::ch('s')])
        .line("s", "sort by the next column (Hits: one sensor's hits)")
        .hint(FOOTER, "s", "sort"),
    B::new(A::ReverseSort, NORMAL, &[Key::ch('S')]).line("S", "reverse the sort"),
    B::new(A::Details, NORMAL, &[Key::plain(K::Enter)])
        .line("Enter", "details of the selected indicator")
        .hint(FOOTER, "⏎", "details"),
    B::new(
        A::Close,
        DETAILS,
        &[Key::plain(K::Enter), Key::plain(K::Backspace)],
    ),
    B::new(A::Enrich, BROWSE, &[Key::ch('e')])
        .line("e", "enrich the selected indicator (VirusTotal, OTX)")
        .hint(&[Place::Footer, Place::DetailsTitle], "e", "enrich"),
    B::new(A::Copy, BROWSE, &[Key::ch('y')])
        .line("y  Y", "copy the value / defanged (OSC 52, works over SSH)")
        .hint(&[Place::DetailsTitle, Place::HitDetailsTitle], "y", "copy"),
    B::new(A::CopyDefanged, BROWSE, &[Key::ch('Y')])
        .under("y  Y")
        .hint(TITLE, "Y", "defanged"),
    B::new(A::CopyRecord, DETAILS, &[Key::ch('c')])
        .line("c", "in the details: copy the whole record as JSON")
        .hint(TITLE, "c", "JSON"),
    B::new(A::Mark, NORMAL, &[Key::ch('v')])
        .line("v  V", "mark / unmark the selected row; clear every mark"),
    B::new(A::ClearMarks, NORMAL, &[Key::ch('V')]).under("v  V"),
    B::new(A::Hits, &[Mode::Normal, Mode::Hits], &[Key::ch('h')])
        .line("h", "hits in your logs (Enter: details; h or Esc: back)")
        .hint(&[Place::HitsTitle], "h", "back"),
    B::new(A::MarkFalsePositive, TRIAGE, &[Key::ch('f')])
        .line(
            "f  t  u",
            "Hits, details: false / true positive with a note; undo",
        )
        .hint(TRIAGE_FOOTERS, "f", "false positive"),
    B::new(A::MarkTruePositive, TRIAGE, &[Key::ch('t')])
        .under("f  t  u")
        .hint(TRIAGE_FOOTERS, "t", "true positive"),
    B::new(A::Unmark, TRIAGE, &[Key::ch('u')])
        .under("f  t  u")
        .hint(TRIAGE_FOOTERS, "u", "undo"),
    B::new(A::AllowlistFalsePositive, TRIAGE, &[Key::ch('F')])
        .line("F", "there: false positive, value to the local allowlist")
        .hint(TRIAGE_FOOTERS, "F", "allowlist"),
    B::new(A::HitsUntriaged, &[Mode::Hits], &[Key::ch('U')])
        .line("U", "in the Hits view: only the untriaged hits, or all")
        .hint(&[Place::HitsFooter], "U", "untriaged"),
    B::new(A::HitsSensor, &[Mode::Hits], &[Key::ch('s')])
        .under("s")
        .hint(&[Place::HitsFooter], "s", "sensor"),
    B::new(A::NoteSubmit, NOTE, &[Key::plain(K::Enter)]).hint(NOTE_HINT, "Enter", "save"),
    B::new(A::Close, NOTE, &[Key::plain(K::Esc)]).hint(NOTE_HINT, "Esc", "cancel"),
    B::new(A::Edit(Edit::Backspace), NOTE, &[Key::plain(K::Backspace)]),
    B::new(A::Details, &[Mode::Hits], &[Key::plain(K::Enter)]).hint(
        &[Place::HitsTitle],
        "⏎",
        "details",
    ),
    B::new(A::Close, HITS, &[Key::plain(K::Esc)]).hint(
        &[Place::HitsTitle, Place::HitDetailsTitle],
        "Esc",
        "back",
    ),
    B::new(
        A::Close,
        &[Mode::HitDetails],
        &[Key::plain(K::Enter), Key::plain(K::Backspace), Key::ch('h')],
    ),
    B::new(
        A::Bottom,
        &[Mode::Hits],
        &[Key::ch('G'), Key::plain(K::End)],
    ),
    B::new(A::Trends, &[Mode::Normal, Mode::Trends], &[Key::ch('T')])
        .line(
            "T",
            "trends: hits, indicators held, fetch health, top threats",
        )
        .hint(&[Place::TrendsTitle], "T/Esc", "back"),
    B::new(A::Close, &[Mode::Trends], &[Key::plain(K::Esc)]),
    B::new(A::Export, NORMAL, &[Key::ch('x')])
        .line(
            "x",
            "export: format, file, rows (shown, marked, all), defanged",
        )
        .hint(FOOTER, "x", "export"),
    B::new(A::PromptSubmit, PROMPT_MODE, &[Key::plain(K::Enter)]).hint(
        EXPORT_HINT,
        "Enter",
        "export",
    ),
    B::new(A::Close, PROMPT_MODE, &[Key::plain(K::Esc)]).hint(EXPORT_HINT, "Esc", "cancel"),
    B::new(
        A::PromptNext,
        PROMPT_MODE,
        &[Key::plain(K::Tab), Key::plain(K::Down)],
    )
    .hint(EXPORT_HINT, "Tab", "next field"),
    B::new(
        A::PromptPrev,
        PROMPT_MODE,
        &[Key::plain(K::BackTab), Key::plain(K::Up)],
    ),
    B::new(A::PromptLeft, PROMPT_MODE, &[Key::plain(K::Left)]),
    B::new(A::PromptRight, PROMPT_MODE, &[Key::plain(K::Right)]).hint(EXPORT_HINT, "←/→", "change"),
    B::new(A::PromptBackspace, PROMPT_MODE, &[Key::plain(K::Backspace)]),
    B::new(A::Edit(Edit::Start), TEXT, &[Key::plain(K::Home)]).line(
        "Home End  ← →",
        "in the filter, export file or note: move the cursor",
    ),
    B::new(A::Edit(Edit::End), TEXT, &[Key::plain(K::End)]).under("Home End  ← →"),
    B::new(A::Edit(Edit::Left), LINE, &[Key::plain(K::Left)]).under("Home End  ← →"),
    B::new(A::Edit(Edit::Right), LINE, &[Key::plain(K::Right)]).under("Home End  ← →"),
    B::new(
        A::Edit(Edit::Start),
        TEXT,
        &[Key::ctrl('a'), Key::ctrl('A')],
    )
    .line(
        "Ctrl-A  Ctrl-E",
        "there: to the start / the end of the line",
    ),
    B::new(A::Edit(Edit::End), TEXT, &[Key::ctrl('e'), Key::ctrl('E')]).under("Ctrl-A  Ctrl-E"),
    B::new(
        A::Edit(Edit::DeleteToStart),
        TEXT,
        &[Key::ctrl('u'), Key::ctrl('U')],
    )
    .line(
        "Ctrl-U  Ctrl-W  Delete",
        "there: delete to the start / the word before / at the cursor",
    ),
    B::new(
        A::Edit(Edit::DeleteWord),
        TEXT,
        &[Key::ctrl('w'), Key::ctrl('W')],
    )
    .under("Ctrl-U  Ctrl-W  Delete"),
    B::new(A::Edit(Edit::Delete), TEXT, &[Key::plain(K::Delete)]).under("Ctrl-U  Ctrl-W  Delete"),
    B::new(A::LogSize, NORMAL, &[Key::ch('l')])
        .line("l", "log pane size: small, large, hidden")
        .hint(&[Place::LogTitle], "l", "size"),
    B::new(A::Down, SCROLL, &[Key::ch('j')]).line(
        "j  k  ↑  ↓",
        "move the selection (scroll the details, this help)",
    ),
    B::new(A::Up, SCROLL, &[Key::ch('k')]).under("j  k  ↑  ↓"),
    B::new(A::Up, MOVE, &[Key::plain(K::Up)])
        .under("j  k  ↑  ↓")
        .hint(&[Place::HelpTitle], "↑/↓", "scroll"),
    B::new(A::Down, MOVE, &[Key::plain(K::Down)]).under("j  k  ↑  ↓"),
    B::new(A::PageUp, MOVE, &[Key::plain(K::PageUp)]).line("PgUp  PgDn", "move a page"),
    B::new(A::PageDown, MOVE, &[Key::plain(K::PageDown)]).under("PgUp  PgDn"),
    B::new(A::Top, SCROLL, &[Key::ch('g'), Key::plain(K::Home)])
        .line("g Home  G End", "first / last row"),
    B::new(A::Bottom, NORMAL_HELP, &[Key::ch('G'), Key::plain(K::End)]).under("g Home  G End"),
    B::new(A::Close, NORMAL_HELP, &[Key::plain(K::Esc)])
        .line("Esc", "close details, help or the filter")
        .hint(&[Place::HelpTitle], "Esc", "closes"),
    B::new(A::FilterClear, FILTER, &[Key::plain(K::Esc)])
        .under("Esc")
        .hint(PROMPT, "Esc", "clear"),
];

#[cfg(test)]
mod tests;
