// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The modes keys are read in: what has the keyboard (the table, a prompt, an overlay).

/// Which input the keys go to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Browsing the sources and the table.
    #[default]
    Normal,
    /// Typing a `/` filter.
    Filter,
    /// The details overlay is open.
    Details,
    /// The help overlay is open.
    Help,
    /// The export prompt is open.
    Prompt,
    /// The Hits view is open.
    Hits,
    /// A hit's details are open, over the Hits view.
    HitDetails,
    /// A mark's note is being typed (over the Hits view or the details it was made in).
    Note,
    /// The Trends view is open.
    Trends,
}

impl Mode {
    /// Every mode.
    pub const ALL: [Mode; 9] = [
        Mode::Normal,
        Mode::Filter,
        Mode::Details,
        Mode::Help,
        Mode::Prompt,
        Mode::Hits,
        Mode::HitDetails,
        Mode::Note,
        Mode::Trends,
    ];

    /// Whether characters typed here are text (the filter, the export path, a note), so a
    /// character without Ctrl or Alt is never a key binding here.
    pub fn types_text(self) -> bool {
        matches!(self, Mode::Filter | Mode::Prompt | Mode::Note)
    }

    /// The mode's name in messages.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Normal => "the table",
            Mode::Filter => "the filter prompt",
            Mode::Details => "the details",
            Mode::Help => "the help",
            Mode::Prompt => "the export prompt",
            Mode::Hits => "the Hits view",
            Mode::HitDetails => "a hit's details",
            Mode::Note => "the note prompt",
            Mode::Trends => "the Trends view",
        }
    }
}
