// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The indicator table, virtualised: only the rows on screen are drawn, so a frame costs
//! the same with a hundred indicators or a million. Rows are written straight into the
//! frame's buffer, with no allocation per row.

use std::fmt::Write;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Margin, Rect};
use ratatui::style::Style;
use ratatui::widgets::{Scrollbar, ScrollbarOrientation, ScrollbarState};

use super::cell::{Fixed, put};
use super::columns::{self, Field};
use super::format::{write_ago, write_date};
use super::theme::Theme;
use crate::app::{App, Focus};
use crate::store::Entry;

/// Draws the indicator table into `area`: a heading row, then the rows on screen.
pub fn render(app: &App, frame: &mut Frame, area: Rect, theme: &Theme) {
    let focused = app.focus == Focus::Table;
    let title = format!(" Indicators ({}) ", super::format::count(app.rows.len()));
    let block = theme.pane(title, focused);
    let widths = columns::widths(area.width);
    frame.render_widget(&block, area);
    let inner = block.inner(area);
    let buf = frame.buffer_mut();
    // Column `i` of line `y`: the columns sit side by side with one-column gaps, cut at
    // the inner edge; a dropped column (width 0) takes no room and no gap.
    let column = |i: usize, y: u16| {
        let x = inner.x
            + widths[..i]
                .iter()
                .filter(|&&w| w > 0)
                .map(|w| w + 1)
                .sum::<u16>();
        let w = widths[i].min(inner.right().saturating_sub(x));
        Rect::new(x.min(inner.right()), y, w, 1)
    };
    if inner.height > 0 {
        buf.set_style(
            Rect::new(inner.x, inner.y, inner.width, 1),
            theme.header_row(),
        );
        for (i, c) in columns::shown().enumerate() {
            let area = column(i, inner.y);
            let h = columns::heading_sorted(c, app.sort, area.width, theme.glyphs);
            put(buf, area, &[(h.as_str(), Style::default())]);
        }
    }
    let page = usize::from(inner.height.saturating_sub(1));
    let end = (app.offset + page).min(app.rows.len());
    let visible = app.rows.get(app.offset..end).unwrap_or(&[]);
    for (n, &i) in visible.iter().enumerate() {
        let Some(e) = app.store.get(i as usize) else {
            continue;
        };
        let y = inner.y + 1 + n as u16;
        for (k, c) in columns::shown().enumerate() {
            cell(app, e, c.field, buf, column(k, y), theme);
        }
        if app.offset + n == app.selected {
            buf.set_style(Rect::new(inner.x, y, inner.width, 1), theme.selected());
        }
        // A marked row (`v`) shows a `*` on the table's left border.
        if !app.marks.is_empty() && app.marks.contains(e.kind, &e.value) && area.x < inner.x {
            buf[(area.x, y)].set_symbol("*").set_style(theme.accent());
        }
    }
    if app.rows.is_empty() {
        let inner = area.inner(Margin::new(2, 2));
        if inner.height > 0 {
            frame.render_widget(
                ratatui::widgets::Paragraph::new(empty_text(app, theme))
                    .style(theme.dim())
                    .wrap(ratatui::widgets::Wrap { trim: true }),
                inner,
            );
        }
    }
    if app.rows.len() > page {
        let mut sb = ScrollbarState::new(app.rows.len().saturating_sub(page)).position(app.offset);
        frame.render_stateful_widget(
            Scrollbar::new(ScrollbarOrientation::VerticalRight)
                .symbols(theme.glyphs.scrollbar.clone()),
            area.inner(Margin::new(0, 1)),
            &mut sb,
        );
    }
}

/// What an empty table says: why it is empty and, when sources failed, what to do.
fn empty_text(app: &App, theme: &Theme) -> ratatui::text::Text<'static> {
    if !app.store.is_empty() {
        return "no indicator matches the filter".into();
    }
    if app.sources.iter().any(|s| s.fetching()) {
        return format!("fetching indicators{}", theme.glyphs.ellipsis).into();
    }
    let failing = app.sources.iter().filter(|s| s.failing()).count();
    if failing == 0 {
        return "no indicators yet".into();
    }
    let offline = app.sources.iter().any(|s| s.failing() && s.unresolved);
    let plural = if failing == 1 { "source" } else { "sources" };
    ratatui::text::Text::from(vec![
        format!(
            "No indicators: {failing} {plural} failing{}.",
            if offline { " (no network?)" } else { "" }
        )
        .into(),
        "Each tries again at its next refresh; the log says what went wrong.".into(),
        "To look around without network: intellisiem --demo (bundled sample data).".into(),
    ])
}

/// Writes `e`'s `field` into `area`, allocating nothing.
fn cell(app: &App, e: &Entry, field: Field, buf: &mut Buffer, area: Rect, theme: &Theme) {
    let plain = Style::default();
    match field {
        Field::Type => put(buf, area, &[(e.kind.as_str(), plain)]),
        Field::Value => {
            let mut flag = Fixed::<16>::new();
            if let Some(v) = app
                .store
                .enrichments()
                .virustotal(e.kind, &e.value)
                .filter(|v| v.malicious > 0)
            {
                let _ = write!(flag, "{}{} ", theme.glyphs.warn, v.malicious);
            }
            // Seen in the followed logs: the hit count.
            let mut hits = Fixed::<16>::new();
            if let Some(s) = app.hits.of(e.kind, &e.value) {
                let _ = write!(hits, "{}{} ", theme.glyphs.seen, s.count);
            }
            // On an allowlist or a warninglist: marked, and the value dimmed.
            let mut listed = Fixed::<8>::new();
            let value_style = if app.listed(e).is_some() {
                let _ = write!(listed, "{} ", theme.glyphs.listed);
                theme.dim()
            } else {
                plain
            };
            put(
                buf,
                area,
                &[
                    (listed.as_str(), theme.dim()),
                    (hits.as_str(), theme.warn()),
                    (flag.as_str(), theme.malicious()),
                    (&e.value, value_style),
                ],
            );
        }
        Field::Sources => {
            // Sources joined by commas, as at most this many parts.
            let mut parts = [("", plain); 16];
            let mut k = 0;
            for id in e.source_ids() {
                if k + 2 > parts.len() {
                    break;
                }
                if k > 0 {
                    parts[k] = (",", plain);
                    k += 1;
                }
                parts[k] = (app.store.source_name(id), plain);
                k += 1;
            }
            put(buf, area, &parts[..k]);
        }
        Field::Threat => put(buf, area, &[(e.threat().map_or("", |t| t), plain)]),
        Field::Score => {
            // Right-aligned under its heading; a decayed score is dim.
            let mut score = Fixed::<8>::new();
            let _ = write!(score, "{:>5}", e.score);
            let style = if app.store.is_decayed(e) {
                theme.dim()
            } else {
                plain
            };
            put(buf, area, &[(score.as_str(), style)]);
        }
        Field::Seen => {
            let mut seen = Fixed::<16>::new();
            if let Some(t) = e.last_seen().or_else(|| e.first_seen()) {
                let _ = if app.now.as_second() - t.as_second() < 86_400 {
                    write_ago(&mut seen, app.now, t)
                } else {
                    write_date(&mut seen, t)
                };
            }
            put(buf, area, &[(seen.as_str(), plain)]);
        }
        // Columns only exports carry; the dashboard shows none of them.
        Field::FirstSeen
        | Field::LastSeen
        | Field::Tags
        | Field::Confidence
        | Field::References
        | Field::Ports
        | Field::VtMalicious
        | Field::VtSuspicious
        | Field::VtHarmless
        | Field::VtUndetected
        | Field::Enrichment => {}
    }
}
