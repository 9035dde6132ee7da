// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! What the allowlists and warninglists hold of the set, counted for the sources pane's
//! bottom border (each list) and, where the sources show as the strip, the header (the
//! total). Read from the verdicts kept beside the store ([`crate::app::listed`]).

use super::format::count;
use super::theme::Theme;
use crate::app::App;
use crate::model::sanitize::sanitize_truncated;

/// A list's name as the counts show it: the built-in warninglist as `built-in`, others
/// sanitised and cut at 24 characters.
fn short(name: &str) -> String {
    if name.starts_with("built-in") {
        "built-in".into()
    } else {
        sanitize_truncated(name, 24)
    }
}

/// ` ⊘ listed: local 3 · built-in 12 `: each list that holds something and how many,
/// cut to `width` characters; `None` when no list holds anything.
pub fn per_list(app: &App, theme: &Theme, width: usize) -> Option<String> {
    let lists = app.listing.lists()?;
    let parts: Vec<String> = app
        .listing
        .counts()
        .map(|(i, n)| format!("{} {}", short(lists.name(i)), count(n)))
        .collect();
    if parts.is_empty() {
        return None;
    }
    let text = format!(
        "{} listed: {}",
        theme.glyphs.listed,
        parts.join(theme.glyphs.sep)
    );
    Some(format!(
        " {} ",
        sanitize_truncated(&text, width.saturating_sub(2))
    ))
}

/// `⊘ 15 listed`: how many indicators the lists hold; `None` when none.
pub fn total(app: &App, theme: &Theme) -> Option<String> {
    let n = app.listing.screened().len();
    (n > 0).then(|| format!("{} {} listed", theme.glyphs.listed, count(n)))
}
