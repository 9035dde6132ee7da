// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The sources pane: one row per source with its state glyph, count, last success, next
//! refresh and last error.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{List, ListItem, ListState};

use super::format::{ago, count, until};
use super::sparkline::sparkline_with;
use super::theme::Theme;
use crate::app::{App, Focus, SourceState};
use crate::config::Availability;
use crate::model::sanitize::sanitize_truncated;
use crate::store::health::anomaly;

/// The state glyph and its style: `✓` ok, spinner fetching, `✗` failed, `–` disabled,
/// `·` not yet (or their ASCII forms).
pub fn glyph(app: &App, s: &SourceState, theme: &Theme) -> (&'static str, Style) {
    let g = theme.glyphs;
    if !s.enabled() {
        (g.disabled, theme.dim())
    } else if s.fetching() {
        let n = g.spinner.len().max(1) as i64;
        let frame = (app.now.as_millisecond() / 200).rem_euclid(n) as usize;
        (
            g.spinner.get(frame).copied().unwrap_or(g.idle),
            theme.accent(),
        )
    } else if s.last_error.is_some() {
        (g.failed, theme.error())
    } else if s.last_ok.is_some() {
        (g.ok, theme.ok())
    } else {
        (g.idle, theme.dim())
    }
}

/// How many sources are in each state: fetched (this run), showing the cache's
/// snapshot, fetching, failing, disabled, and not fetched yet.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub ok: usize,
    pub cached: usize,
    pub fetching: usize,
    pub failing: usize,
    pub disabled: usize,
    pub waiting: usize,
    /// Some failing source's host name did not resolve.
    pub unresolved: bool,
}

impl Tally {
    pub fn of(app: &App) -> Tally {
        let mut t = Tally::default();
        for s in &app.sources {
            if !s.enabled() {
                t.disabled += 1;
            } else if s.fetching() {
                t.fetching += 1;
            } else if s.failing() {
                t.failing += 1;
                t.unresolved |= s.unresolved;
            } else if s.last_ok.is_some() {
                t.ok += 1;
            } else if s.cached_at.is_some() {
                t.cached += 1;
            } else {
                t.waiting += 1;
            }
        }
        t
    }

    /// `2 ok · 7 failing · 2 disabled`: each state that some source is in.
    pub fn text(&self, sep: &str) -> String {
        [
            (self.ok, "ok"),
            (self.cached, "cached"),
            (self.fetching, "fetching"),
            (self.failing, "failing"),
            (self.disabled, "disabled"),
            (self.waiting, "not fetched yet"),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect::<Vec<_>>()
        .join(sep)
    }
}

pub fn render(app: &App, frame: &mut Frame, area: Rect, theme: &Theme) {
    let focused = app.focus == Focus::Sources;
    let tally = Tally::of(app).text(theme.glyphs.sep);
    let title = if tally.is_empty() {
        " Sources ".to_string()
    } else {
        format!(" Sources: {tally} ")
    };
    let mut block = theme.pane(title, focused);
    // What each allowlist and warninglist holds of the set.
    if let Some(counts) =
        super::listed::per_list(app, theme, usize::from(area.width).saturating_sub(4))
    {
        block = block.title_bottom(Line::from(Span::styled(counts, theme.dim())));
    }
    let name_w = app
        .sources
        .iter()
        .map(|s| s.spec.name.chars().count())
        .max()
        .unwrap_or(4)
        .clamp(4, 16);
    let width = usize::from(area.width.saturating_sub(2));
    let items: Vec<ListItem> = app
        .sources
        .iter()
        .map(|s| ListItem::new(row(app, s, name_w, width, theme)))
        .collect();
    let mut state = ListState::default();
    if focused {
        state.select(Some(app.source_cursor));
    } else {
        // Keep the cursor's row in view even when unfocused.
        *state.offset_mut() = crate::app::mouse::sources_offset(app.source_cursor, area.height);
    }
    let list = List::new(items)
        .block(block)
        .highlight_style(theme.selected());
    frame.render_stateful_widget(list, area, &mut state);
}

fn row<'a>(app: &App, s: &SourceState, name_w: usize, width: usize, theme: &Theme) -> Line<'a> {
    let (g, g_style) = glyph(app, s, theme);
    let name = sanitize_truncated(&s.spec.name, name_w);
    let mut spans = vec![
        Span::styled(format!(" {g} "), g_style),
        Span::raw(format!("{name:<name_w$} ")),
    ];
    if let Availability::Disabled(why) = &s.availability {
        spans.push(Span::styled(
            sanitize_truncated(
                &format!("disabled: {why}"),
                width.saturating_sub(name_w + 4),
            ),
            theme.dim(),
        ));
        return Line::from(spans);
    }
    let mut status = format!("{:>9} ", count(s.count));
    let waiting = s
        .waiting
        .filter(|(until, _)| s.fetching() && *until > app.now);
    let when = match (s.fetching(), s.last_ok, s.cached_at) {
        (true, _, _) => match waiting {
            Some((until, _)) => format!(
                "waiting {}",
                crate::net::wait::shown(until.duration_since(app.now).unsigned_abs())
            ),
            None => "fetching".to_string(),
        },
        (false, None, Some(c)) if !s.live => format!("cached, {}", ago(app.now, c)),
        (false, Some(t), _) => ago(app.now, t),
        (false, None, _) => "never".to_string(),
    };
    status.push_str(&format!("{when:<14} "));
    let next = s
        .schedule
        .next_due
        .map(|d| format!("next {}", until(app.now, d)))
        .unwrap_or_default();
    status.push_str(&format!("{next:<12}"));
    if s.hidden {
        status.push_str(" [hidden]");
    }
    spans.push(Span::raw(status));
    if !s.history.is_empty() && width >= 100 {
        spans.push(Span::styled(
            format!(" {:<8}", sparkline_with(&s.history, 8, theme.glyphs)),
            theme.dim(),
        ));
    }
    if let Some((_, why)) = waiting {
        spans.push(Span::styled(format!(" ({}) ", why.text()), theme.warn()));
    }
    if !s.skipped.is_empty() {
        spans.push(Span::styled(
            format!(" skipped {} ", count(s.skipped.total())),
            theme.warn(),
        ));
    }
    if let Some(q) = &s.quota {
        spans.push(Span::styled(format!("{} ", q.text(app.now)), theme.dim()));
    }
    if let Some(a) = anomaly(&s.history) {
        spans.push(Span::styled(format!("{} ", a.text()), theme.warn()));
    }
    if let Some(err) = &s.last_error {
        let used: usize = spans.iter().map(|sp| sp.content.chars().count()).sum();
        let room = width.saturating_sub(used + 1);
        // A name that does not resolve is, on a first run, a machine without network.
        let err = if s.unresolved {
            format!("no network? {err}")
        } else {
            err.clone()
        };
        if room > 3 {
            spans.push(Span::styled(
                format!(" {}", sanitize_truncated(&err, room)),
                theme.error(),
            ));
        }
    }
    Line::from(spans)
}
