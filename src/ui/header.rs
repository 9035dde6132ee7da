// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The header line: the counts, then the state that decides what the table shows (the
//! filter, the type, hidden sources, the sort), then marks, failing sources and the
//! store's state, then the last export's outcome for a few seconds. What does not fit
//! gives way from the end: the message is cut first, and the state is shortened (a
//! shorter filter text, hidden sources counted) only when it alone is too long.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::columns;
use super::format::count;
use super::sources::Tally;
use super::theme::Theme;
use crate::app::{App, CacheState};
use crate::model::sanitize::sanitize_truncated;
use crate::store::filter::Sort;

/// The fewest cells a message is shown in; with less room it waits in the log.
const MESSAGE_MIN: usize = 20;

pub fn render(app: &App, frame: &mut Frame, area: Rect, theme: &Theme) {
    frame.render_widget(Paragraph::new(line(app, area.width, theme)), area);
}

/// The header for a terminal `width` cells wide.
pub fn line(app: &App, width: u16, theme: &Theme) -> Line<'static> {
    let width = usize::from(width);
    // The longest filter text shown, then shorter ones while the line is too long.
    let mut spans = Vec::new();
    for squeeze in 0..3 {
        spans = fixed(app, width, theme, squeeze);
        if Line::from(spans.clone()).width() <= width {
            break;
        }
    }
    if let Some(msg) = &app.export_status {
        let used = Line::from(spans.clone()).width() + theme.glyphs.sep.len();
        let room = width.saturating_sub(used);
        if room >= MESSAGE_MIN {
            spans.push(Span::styled(theme.glyphs.sep, theme.dim()));
            spans.push(Span::raw(sanitize_truncated(msg, room)));
        }
    }
    Line::from(spans)
}

/// Everything but the message; `squeeze` 1 and 2 shorten the filter state.
fn fixed(app: &App, width: usize, theme: &Theme, squeeze: u8) -> Vec<Span<'static>> {
    let sep = theme.glyphs.sep;
    let mut spans = vec![
        Span::styled(" IntelliSIEM ", theme.title()),
        Span::raw(format!(" {} indicators", count(app.store.len()))),
    ];
    // How many rows show, when a filter or the store's changing makes it another number
    // (decayed rows hidden are counted apart, below).
    let q = app.query();
    let typed = !app.filter_text.is_empty()
        || q.kind.is_some()
        || !q.hidden.is_empty()
        || q.score_max < 100;
    if typed || app.filtering || app.rows.len() + app.hidden_decayed() != app.store.len() {
        spans.push(Span::styled(sep, theme.dim()));
        spans.push(Span::raw(format!("{} shown", count(app.rows.len()))));
    }
    if app.filtering {
        spans.push(Span::styled(
            format!(" (filtering{})", theme.glyphs.ellipsis),
            theme.dim(),
        ));
    }
    let state = state(app, width, theme, squeeze);
    if !state.is_empty() {
        spans.push(Span::styled(sep, theme.dim()));
        spans.push(Span::styled(state.join("  "), theme.accent()));
    }
    if !app.marks.is_empty() {
        spans.push(Span::styled(sep, theme.dim()));
        spans.push(Span::styled(
            format!("{} marked", count(app.marks.len())),
            theme.accent(),
        ));
    }
    // The sources show as the strip: the lists' total goes here instead of the pane.
    if crate::app::layout::current(app).strip
        && let Some(listed) = super::listed::total(app, theme)
    {
        spans.push(Span::styled(sep, theme.dim()));
        spans.push(Span::styled(listed, theme.dim()));
    }
    let tally = Tally::of(app);
    if tally.failing > 0 {
        spans.push(Span::styled(sep, theme.dim()));
        spans.push(Span::styled(
            format!(
                "{} failing{}",
                tally.failing,
                if tally.unresolved {
                    " (no network?)"
                } else {
                    ""
                }
            ),
            theme.error(),
        ));
    }
    let decayed = app.hidden_decayed();
    if decayed > 0 {
        spans.push(Span::styled(sep, theme.dim()));
        spans.push(Span::styled(
            format!("{} decayed hidden", count(decayed)),
            theme.dim(),
        ));
    }
    let store = match &app.cache {
        CacheState::Loading => Some((format!("loading cache{}", theme.glyphs.ellipsis), false)),
        CacheState::Failed(_) => Some(("cache unavailable (see log)".into(), true)),
        CacheState::Retrying => Some(("store unreachable, retrying".into(), true)),
        CacheState::ReadOnly => Some(("read-only store".into(), true)),
        CacheState::Off | CacheState::Ready => None,
    };
    if let Some((text, warn)) = store {
        spans.push(Span::styled(sep, theme.dim()));
        spans.push(Span::styled(
            text,
            if warn { theme.warn() } else { theme.dim() },
        ));
    }
    spans
}

/// The filter, type, hidden sources and sort: `/emotet  type:ipv4  sort:threat ▲`. The
/// sort shows unless it is the default and its column's heading shows its arrow.
fn state(app: &App, width: usize, theme: &Theme, squeeze: u8) -> Vec<String> {
    let mut out = Vec::new();
    if !app.filter_text.is_empty() {
        let room = match squeeze {
            0 => 30,
            1 => 16,
            _ => 8,
        };
        out.push(format!("/{}", sanitize_truncated(&app.filter_text, room)));
    }
    if let Some(t) = app.type_filter {
        out.push(format!("type:{t}"));
    }
    let hidden: Vec<String> = app
        .sources
        .iter()
        .filter(|s| s.hidden)
        .map(|s| sanitize_truncated(&s.spec.name, 16))
        .collect();
    if !hidden.is_empty() {
        out.push(if squeeze == 0 {
            format!("hidden:{}", hidden.join(","))
        } else {
            format!("hidden:{}", hidden.len())
        });
    }
    let table_width = u16::try_from(width).unwrap_or(u16::MAX);
    if app.sort != Sort::default() || !columns::drawn(app.sort.key, table_width) {
        out.push(format!(
            "sort:{} {}",
            app.sort.key.label(),
            columns::arrow(app.sort, theme.glyphs)
        ));
    }
    out
}
