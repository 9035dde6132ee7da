// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! How triage shows: a mark's glyph (`⊘` false positive, `✔` true positive; `F`/`T`
//! in ASCII) in each hit row, the mark in effect spelled out (verdict, whether it is
//! the hit's own or its indicator's, who, when, the note) under the Hits list and in
//! the details, and the note prompt in the footer. Notes and names come from the store,
//! so they are sanitised before they are drawn.

use ratatui::text::{Line, Span};

use super::glyphs::Glyphs;
use super::labelled::Item;
use super::prompt::edit_spans;
use super::theme::Theme;
use crate::app::App;
use crate::app::keymap::Place;
use crate::model::sanitize::sanitize_truncated;
use crate::model::time::rfc3339;
use crate::model::{IndicatorType, LogHit};
use crate::trust::triage::{Held, Saved, Scope, Verdict};

/// The glyph of `verdict`.
pub fn glyph(verdict: Verdict, glyphs: &Glyphs) -> &'static str {
    match verdict {
        Verdict::FalsePositive => glyphs.false_positive,
        Verdict::TruePositive => glyphs.true_positive,
    }
}

/// The glyph cell of a hit row: the mark in effect on `hit`, or a space.
pub fn hit_glyph(app: &App, hit: &LogHit, glyphs: &Glyphs) -> &'static str {
    app.hits
        .verdict_of(hit)
        .and_then(|(h, _)| h.verdict())
        .map_or(" ", |v| glyph(v, glyphs))
}

/// `⊘ false positive (on the indicator)`: the verdict, and where it was made.
fn verdict_text(held: &Held, scope: Scope, glyphs: &Glyphs) -> String {
    let Some(v) = held.verdict() else {
        return String::new();
    };
    let on = match scope {
        Scope::Hit => "",
        Scope::Indicator => " (on the indicator)",
    };
    format!("{} {}{on}", glyph(v, glyphs), v.label())
}

/// The mark on one line, at most `max` characters: `⊘ false positive · alice@soc ·
/// 2026-11-29T10:20:00Z · cdn edge`.
pub fn mark_line(held: &Held, scope: Scope, glyphs: &Glyphs, max: usize) -> String {
    let mut parts = vec![
        verdict_text(held, scope, glyphs),
        sanitize_truncated(&held.mark.by, 60),
        rfc3339(held.mark.at),
    ];
    if let Some(n) = &held.mark.note {
        parts.push(sanitize_truncated(n, 200));
    }
    let line = parts.join(glyphs.sep);
    sanitize_truncated(&line, max)
}

/// The mark's fields for a details overlay, under a `Triage` heading.
fn items<'a>(held: &Held, scope: Scope, theme: &Theme) -> Vec<Item<'a>> {
    let mut out = vec![
        Item::text(vec![Span::styled("Triage", theme.title())]),
        Item::styled(
            "verdict",
            vec![Span::styled(
                verdict_text(held, scope, theme.glyphs),
                theme.accent(),
            )],
            theme,
        )
        .indented(2),
        Item::field("by", sanitize_truncated(&held.mark.by, 120), theme).indented(2),
        Item::field("at", rfc3339(held.mark.at), theme).indented(2),
    ];
    if let Some(n) = &held.mark.note {
        out.push(Item::field("note", sanitize_truncated(n, 400), theme).indented(2));
    }
    if held.saved == Saved::Unsaved {
        out.push(Item::field("kept", "here only, until the dashboard quits", theme).indented(2));
    }
    out
}

/// The triage of a hit, for its details: the mark in effect on it, if any.
pub fn hit_items<'a>(app: &App, hit: &LogHit, theme: &Theme) -> Vec<Item<'a>> {
    match app.hits.verdict_of(hit) {
        Some((held, scope)) => {
            let mut out = vec![Item::Blank];
            out.extend(items(held, scope, theme));
            out
        }
        None => Vec::new(),
    }
}

/// The triage of an indicator, for its details: its own mark in effect, and how many
/// of its hits carry a mark of their own.
pub fn indicator_items<'a>(
    app: &App,
    kind: IndicatorType,
    value: &str,
    theme: &Theme,
) -> Vec<Item<'a>> {
    let triage = &app.hits.triage;
    let own = triage.on_indicator(kind, value);
    let (fp, tp) = triage.hit_counts(kind, value);
    if own.is_none() && fp + tp == 0 {
        return Vec::new();
    }
    let mut out = vec![Item::Blank];
    match own {
        Some(held) => out.extend(items(held, Scope::Hit, theme)),
        None => out.push(Item::text(vec![Span::styled("Triage", theme.title())])),
    }
    if fp + tp > 0 {
        out.push(
            Item::field(
                "hits marked",
                format!(
                    "{fp} {} · {tp} {}",
                    Verdict::FalsePositive.label(),
                    Verdict::TruePositive.label()
                ),
                theme,
            )
            .indented(2),
        );
    }
    out
}

/// The footer while a note is typed: the mark's verdict (what it is on stays selected
/// above), the note with its cursor, and the prompt's keys.
pub fn note_line(app: &App, width: usize, theme: &Theme) -> Option<Line<'static>> {
    let p = app.triaging.prompt.as_ref()?;
    let allow = if p.allowlist { " + allowlist" } else { "" };
    let head = format!(
        "{} {}{allow}, note: ",
        glyph(p.verdict, theme.glyphs),
        p.verdict.label()
    );
    let hints = format!("  {}", super::joined_hints(app, Place::NotePrompt, theme));
    let room = width.saturating_sub(head.chars().count() + hints.chars().count());
    let mut spans = vec![Span::styled(head, theme.accent())];
    spans.extend(edit_spans(
        &p.note,
        room.max(8),
        Some(Span::styled(theme.glyphs.cursor, theme.accent())),
    ));
    spans.push(Span::styled(hints, theme.dim()));
    Some(Line::from(spans))
}

#[cfg(test)]
mod tests;
