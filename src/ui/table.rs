// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The indicator table, virtualised: only the rows on screen are built, so a frame costs
//! the same with a hundred indicators or a million.

use ratatui::Frame;
use ratatui::layout::{Constraint, Margin, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Block, Cell, Row, Scrollbar, ScrollbarOrientation, ScrollbarState, Table, TableState,
};

use super::format::{ago, date};
use super::theme::Theme;
use crate::app::{App, Focus};
use crate::model::sanitize::sanitize_truncated;

pub fn render(app: &App, frame: &mut Frame, area: Rect, theme: &Theme) {
    let focused = app.focus == Focus::Table;
    let title = format!(" Indicators ({}) ", super::format::count(app.rows.len()));
    let block = Block::bordered()
        .title(Line::from(Span::styled(title, theme.title())))
        .border_style(if focused {
            theme.focused_border()
        } else {
            theme.border()
        });
    let wide = area.width >= 110;
    let (src_w, threat_w) = if wide { (24u16, 26u16) } else { (14, 16) };
    // type, value (fills), sources, threat, last seen; 1-column gaps.
    let value_w = area
        .width
        .saturating_sub(2 + 6 + src_w + threat_w + 10 + 4 + 1)
        .max(8);
    let widths = [
        Constraint::Length(6),
        Constraint::Length(value_w),
        Constraint::Length(src_w),
        Constraint::Length(threat_w),
        Constraint::Length(10),
    ];
    let page = usize::from(area.height.saturating_sub(3));
    let end = (app.offset + page).min(app.rows.len());
    let visible = app.rows.get(app.offset..end).unwrap_or(&[]);
    let rows = visible.iter().filter_map(|&i| {
        let e = app.store.get(i as usize)?;
        let sources: Vec<&str> = e.source_ids().map(|id| app.store.source_name(id)).collect();
        let seen = e
            .last_seen()
            .or_else(|| e.first_seen())
            .map(|t| {
                if app.now.as_second() - t.as_second() < 86_400 {
                    ago(app.now, t)
                } else {
                    date(t)
                }
            })
            .unwrap_or_default();
        let vt = e.virustotal().filter(|v| v.malicious > 0);
        let mut value = vec![Span::raw(sanitize_truncated(
            &e.value,
            usize::from(value_w),
        ))];
        if let Some(v) = vt {
            value.insert(
                0,
                Span::styled(format!("⚠{} ", v.malicious), theme.malicious()),
            );
        }
        Some(Row::new([
            Cell::from(e.kind.as_str()),
            Cell::from(Line::from(value)),
            Cell::from(sanitize_truncated(&sources.join(","), usize::from(src_w))),
            Cell::from(sanitize_truncated(
                e.threat().map_or("", |t| t),
                usize::from(threat_w),
            )),
            Cell::from(seen),
        ]))
    });
    let header =
        Row::new(["TYPE", "VALUE", "SOURCES", "THREAT", "LAST SEEN"]).style(theme.header_row());
    let empty = app.rows.is_empty();
    let table = Table::new(rows, widths)
        .header(header)
        .block(block)
        .column_spacing(1)
        .row_highlight_style(theme.selected())
        .highlight_symbol("");
    let mut state = TableState::default();
    if !empty {
        state.select(Some(app.selected.saturating_sub(app.offset)));
    }
    frame.render_stateful_widget(table, area, &mut state);
    if empty {
        let msg = if app.store.is_empty() {
            if app.sources.iter().any(|s| s.fetching()) {
                "fetching indicators…"
            } else {
                "no indicators yet"
            }
        } else {
            "no indicator matches the filter"
        };
        let inner = area.inner(Margin::new(2, 2));
        if inner.height > 0 {
            frame.render_widget(
                ratatui::widgets::Paragraph::new(msg).style(theme.dim()),
                inner,
            );
        }
    }
    if app.rows.len() > page {
        let mut sb = ScrollbarState::new(app.rows.len().saturating_sub(page)).position(app.offset);
        frame.render_stateful_widget(
            Scrollbar::new(ScrollbarOrientation::VerticalRight),
            area.inner(Margin::new(0, 1)),
            &mut sb,
        );
    }
}
