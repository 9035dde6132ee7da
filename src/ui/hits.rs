// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The Hits view (`h`): the hits found in the logs by this dashboard and every sensor
//! recording to its store, newest first (time, sensor, log, matched value, field,
//! indicator, sources; `↺` marks a retro-hunt hit, `⊘`/`✔` a triage mark), one
//! sensor's only after `s`, the untriaged only after `U`, the selected hit's mark under
//! the list, a hit's details on `Enter`, and each indicator's sightings for its details
//! and the table's marker. Every string from a log or the store is sanitised before it
//! is drawn.

use std::fmt::Write;

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Row, Table, Wrap};

use super::labelled::{self, Item};
use super::theme::Theme;
use crate::app::App;
use crate::app::hits::Sightings;
use crate::app::keymap::Place;
use crate::model::sanitize::sanitize_truncated;
use crate::model::time::rfc3339;
use crate::model::{LogHit, Origin};

/// The time of `t` as the list shows it: `11-29 10:20:31` (UTC).
fn short_time(t: jiff::Timestamp) -> String {
    t.strftime("%m-%d %H:%M:%S").to_string()
}

/// The last part of a path (the list is narrow; the details show it whole).
fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn row<'a>(app: &App, h: &LogHit, wide: bool, theme: &Theme) -> Row<'a> {
    let mut cells = vec![
        short_time(h.at),
        if h.retro {
            theme.glyphs.retro.into()
        } else {
            " ".into()
        },
        super::triage::hit_glyph(app, h, theme.glyphs).into(),
    ];
    if wide {
        cells.push(sanitize_truncated(&h.sensor, 40));
    }
    cells.extend([
        sanitize_truncated(file_name(h.origin.name()), 40),
        sanitize_truncated(&h.atomic, 200),
    ]);
    if wide {
        cells.push(sanitize_truncated(&h.field, 40));
    }
    cells.push(format!(
        "{} {}",
        h.kind,
        sanitize_truncated(&h.indicator, 200)
    ));
    cells.push(sanitize_truncated(&h.sources_joined(), 60));
    Row::new(cells)
}

/// The Hits view, over `area` (the sources and the table).
pub fn render(app: &App, frame: &mut Frame, area: Rect, theme: &Theme) {
    let hits = &app.hits;
    let shown = hits.shown_len();
    let mut title = format!(" Hits ({shown})");
    if let Some(s) = &hits.sensor {
        let _ = write!(
            title,
            "{}sensor {}",
            theme.glyphs.sep,
            sanitize_truncated(s, 40)
        );
    }
    if hits.untriaged_only {
        let _ = write!(title, "{}untriaged only", theme.glyphs.sep);
    }
    if hits.total_retro > 0 {
        let _ = write!(
            title,
            "{}{} retro-hunt {}",
            theme.glyphs.sep, theme.glyphs.retro, hits.total_retro
        );
    }
    let _ = write!(
        title,
        "{}{} ",
        theme.glyphs.sep,
        super::joined_hints(app, Place::HitsTitle, theme)
    );
    let mut block = theme.pane(title, true);
    if let Some((held, scope)) = hits.selected_hit().and_then(|h| hits.verdict_of(h)) {
        let max = usize::from(area.width.saturating_sub(4));
        block = block.title_bottom(format!(
            " {} ",
            super::triage::mark_line(held, scope, theme.glyphs, max)
        ));
    }
    frame.render_widget(Clear, area);
    if shown == 0 {
        let text = if hits.untriaged_only && !hits.recent.is_empty() {
            "Every hit here is triaged (U: show them all)."
        } else if hits.sensor.is_some() {
            "No hits from this sensor (s: the next one)."
        } else if hits.enabled {
            "No hits yet in the followed logs."
        } else {
            "No logs are followed: add `logs: [{ path: /var/log/suricata/eve.json }]` to the config."
        };
        let mut lines = vec![Line::from(text)];
        // Why a followed log gives nothing: it cannot be read.
        if hits.sensor.is_none() && hits.enabled && !hits.unreadable.is_empty() {
            lines.push(Line::from(""));
            lines.extend(
                hits.unreadable
                    .values()
                    .map(|why| Line::styled(sanitize_truncated(why, 400), theme.warn())),
            );
        }
        frame.render_widget(
            Paragraph::new(lines)
                .style(theme.dim())
                .wrap(Wrap { trim: true })
                .block(block),
            area,
        );
        return;
    }
    let wide = area.width >= 110;
    let page = usize::from(area.height.saturating_sub(3)).max(1);
    let offset = hits
        .offset
        .min(hits.selected)
        .max((hits.selected + 1).saturating_sub(page));
    let rows: Vec<Row<'_>> = hits
        .shown()
        .enumerate()
        .skip(offset)
        .take(page)
        .map(|(i, h)| {
            let r = row(app, h, wide, theme);
            if i == hits.selected {
                r.style(theme.selected())
            } else {
                r
            }
        })
        .collect();
    let mut widths = vec![
        Constraint::Length(14),
        Constraint::Length(1),
        Constraint::Length(1),
    ];
    let mut header = vec!["TIME", "", ""];
    if wide {
        widths.push(Constraint::Length(12));
        header.push("SENSOR");
    }
    widths.extend([
        Constraint::Length(if wide { 16 } else { 10 }),
        Constraint::Fill(1),
    ]);
    header.extend(["LOG", "VALUE"]);
    if wide {
        widths.push(Constraint::Length(18));
        header.push("FIELD");
    }
    widths.push(Constraint::Fill(1));
    widths.push(Constraint::Length(if wide { 20 } else { 10 }));
    header.extend(["INDICATOR", "SOURCES"]);
    frame.render_widget(
        Table::new(rows, widths)
            .header(Row::new(header).style(theme.header_row()))
            .block(block),
        area,
    );
}

/// An indicator's sightings in the logs, as items for a details overlay.
pub fn sighting_items<'a>(s: &Sightings, theme: &Theme) -> Vec<Item<'a>> {
    let mut count = format!("{} hit(s)", s.count);
    if s.retro > 0 {
        let _ = write!(count, ", {} by retro-hunt", s.retro);
    }
    let files: Vec<String> = s.files.iter().map(|f| sanitize_truncated(f, 200)).collect();
    let mut out = vec![
        Item::text(vec![Span::styled("In your logs", theme.title())]),
        Item::field("hits", count, theme).indented(2),
        Item::field(
            "seen",
            format!("first {} · last {}", rfc3339(s.first), rfc3339(s.last)),
            theme,
        )
        .indented(2),
        Item::field("files", files.join(", "), theme).indented(2),
    ];
    if !s.sensors.is_empty() {
        let sensors: Vec<String> = s
            .sensors
            .iter()
            .map(|f| sanitize_truncated(f, 64))
            .collect();
        out.push(Item::field("sensors", sensors.join(", "), theme).indented(2));
    }
    out
}

/// The details of the selected hit.
pub fn detail_items<'a>(app: &App, h: &LogHit, theme: &Theme) -> Vec<Item<'a>> {
    let kind = format!("{} ", h.kind);
    let mut out = vec![
        Item::Text {
            hang: kind.chars().count(),
            spans: vec![
                Span::styled(kind, theme.accent()),
                Span::styled(sanitize_truncated(&h.indicator, 2_000), theme.title()),
            ],
        },
        Item::Blank,
        Item::field("value", sanitize_truncated(&h.atomic, 2_000), theme),
        Item::field("field", sanitize_truncated(&h.field, 100), theme),
        Item::field("time", rfc3339(h.at), theme),
        Item::field(
            "sensor",
            if h.sensor.is_empty() {
                "-".into()
            } else {
                sanitize_truncated(&h.sensor, 100)
            },
            theme,
        ),
    ];
    match &h.origin {
        Origin::File { path, offset } => {
            out.push(Item::field("log", sanitize_truncated(path, 1_000), theme));
            out.push(Item::field("offset", offset.to_string(), theme));
        }
        Origin::Stream { stream, id, group } => {
            out.push(Item::field(
                "stream",
                sanitize_truncated(stream, 1_000),
                theme,
            ));
            out.push(Item::field("entry", id.to_string(), theme));
            out.push(Item::field("group", sanitize_truncated(group, 200), theme));
        }
    }
    out.extend([
        Item::field("module", sanitize_truncated(&h.module, 40), theme),
        Item::field(
            "sources",
            sanitize_truncated(&h.sources_joined(), 400),
            theme,
        ),
        Item::field(
            "threat",
            sanitize_truncated(h.threat.as_deref().unwrap_or("-"), 400),
            theme,
        ),
        Item::field(
            "found",
            if h.retro {
                format!(
                    "{} by a retro-hunt at {} (the indicator was new to the set)",
                    theme.glyphs.retro,
                    rfc3339(h.found)
                )
            } else {
                format!("live, at {}", rfc3339(h.found))
            },
            theme,
        ),
    ]);
    out.extend(super::triage::hit_items(app, h, theme));
    if let Some(s) = app.hits.of(h.kind, &h.indicator) {
        out.push(Item::Blank);
        out.extend(sighting_items(s, theme));
    }
    out
}

/// The lines of the selected hit's details at `width` columns.
fn laid_out<'a>(app: &App, width: u16, theme: &Theme) -> Option<Vec<Line<'a>>> {
    let h = app.hits.selected_hit()?;
    Some(labelled::lay_out(
        &detail_items(app, h, theme),
        usize::from(width.saturating_sub(2)),
        usize::MAX,
    ))
}

/// How far a hit's details in `area` can scroll.
pub fn max_scroll(app: &App, area: Rect, theme: &Theme) -> u16 {
    laid_out(app, area.width, theme).map_or(0, |l| labelled::max_scroll(l.len(), area))
}

/// The `Enter` overlay over the Hits view.
pub fn render_details(app: &App, frame: &mut Frame, area: Rect, theme: &Theme) {
    let Some(lines) = laid_out(app, area.width, theme) else {
        return;
    };
    let block = theme.pane(
        format!(
            " Hit ({}) ",
            super::joined_hints(app, Place::HitDetailsTitle, theme)
        ),
        true,
    );
    labelled::render(frame, area, block, lines, app.details_scroll, theme);
}

#[cfg(test)]
mod tests;
