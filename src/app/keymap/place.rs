// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Where key hints show on screen ([`Place`]) and what one says ([`Hint`]).

use super::Mode;

/// Where on screen a key hint shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// The footer, with the keys of [`Mode::Normal`] (it stays under the overlays).
    Footer,
    /// After the filter being typed, in place of the footer.
    FilterPrompt,
    /// The title of the details overlay.
    DetailsTitle,
    /// The title of the log pane.
    LogTitle,
    /// Under the export prompt's fields.
    ExportPrompt,
    /// The title of the Hits view.
    HitsTitle,
    /// The title of a hit's details.
    HitDetailsTitle,
    /// The title of the help overlay.
    HelpTitle,
    /// The footer while the Hits view is open.
    HitsFooter,
    /// The footer while a hit's details are open.
    HitDetailsFooter,
    /// The footer while an indicator's details are open.
    DetailsFooter,
    /// After the note being typed, in place of the footer.
    NotePrompt,
    /// The title of the Trends view.
    TrendsTitle,
}

impl Place {
    /// The mode whose keys a hint here names.
    pub fn mode(self) -> Mode {
        match self {
            Place::Footer | Place::LogTitle => Mode::Normal,
            Place::FilterPrompt => Mode::Filter,
            Place::DetailsTitle => Mode::Details,
            Place::ExportPrompt => Mode::Prompt,
            Place::HitsTitle | Place::HitsFooter => Mode::Hits,
            Place::HitDetailsTitle | Place::HitDetailsFooter => Mode::HitDetails,
            Place::DetailsFooter => Mode::Details,
            Place::HelpTitle => Mode::Help,
            Place::NotePrompt => Mode::Note,
            Place::TrendsTitle => Mode::Trends,
        }
    }
}

/// A short key hint on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hint {
    /// Where it shows.
    pub at: &'static [Place],
    /// The keys as shown (`⏎`, `r/R`).
    pub keys: &'static str,
    /// One or two words.
    pub text: &'static str,
}
