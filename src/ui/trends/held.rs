// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The Trends view's lower panels: indicators held per source over the last days, and
//! each source's fetch health.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Chart, Dataset, GraphType, Paragraph, Sparkline};

use super::{bar_set, empty_text, panel};
use crate::app::App;
use crate::app::trends::{DAYS_SHOWN, TrendsData};
use crate::model::sanitize::sanitize_truncated;
use crate::ui::sparkline::sparkline_with;
use crate::ui::theme::Theme;

/// The line colours of the sources, in name order (cycled).
const LINES: [Color; 6] = [
    Color::Cyan,
    Color::Yellow,
    Color::Magenta,
    Color::Green,
    Color::Blue,
    Color::Red,
];

/// Indicators held per source per day: a chart of lines in colour, else one sparkline
/// row per source.
pub(super) fn held_per_source(
    app: &App,
    data: Option<&TrendsData>,
    frame: &mut Frame,
    area: Rect,
    theme: &Theme,
) {
    let series = data.map(TrendsData::held_per_source).unwrap_or_default();
    let title = format!("Indicators held per source, {DAYS_SHOWN} d");
    let empty = series.is_empty().then(|| empty_text(app, data));
    let (block, inner) = panel(frame, area, theme, title, empty);
    if empty.is_some() || inner.height == 0 || inner.width < 10 {
        return;
    }
    frame.render_widget(block, area);
    if theme.ascii || app.no_color {
        rows(&series, frame, inner, theme);
    } else {
        chart(&series, frame, inner, theme);
    }
}

/// One row per source: its name, a sparkline of its days and its latest count.
fn rows(series: &[(&str, Vec<Option<u64>>)], frame: &mut Frame, area: Rect, theme: &Theme) {
    let name_room = (usize::from(area.width) / 3).clamp(4, 16);
    let height = usize::from(area.height);
    let more = series.len().saturating_sub(height);
    let shown = if more > 0 {
        height.saturating_sub(1)
    } else {
        series.len()
    };
    for (i, (name, days)) in series.iter().take(shown).enumerate() {
        let y = area.y + u16::try_from(i).unwrap_or(u16::MAX);
        let row = Rect {
            y,
            height: 1,
            ..area
        };
        let name = sanitize_truncated(name, name_room);
        let last = days.iter().rev().find_map(|d| *d).unwrap_or(0);
        let count = crate::ui::format::count(usize::try_from(last).unwrap_or(usize::MAX));
        let [label, spark, value] = Layout::horizontal([
            Constraint::Length(u16::try_from(name_room + 1).unwrap_or(17)),
            Constraint::Fill(1),
            Constraint::Length(u16::try_from(count.len() + 1).unwrap_or(8)),
        ])
        .areas(row);
        frame.render_widget(Paragraph::new(name), label);
        // The newest days that fit, oldest first.
        let room = usize::from(spark.width);
        let recent = &days[days.len().saturating_sub(room)..];
        frame.render_widget(
            Sparkline::default()
                .data(recent.iter().copied())
                .bar_set(bar_set(theme))
                .absent_value_symbol(" ")
                .style(theme.accent()),
            spark,
        );
        frame.render_widget(
            Paragraph::new(Span::styled(count, theme.dim()))
                .alignment(ratatui::layout::Alignment::Right),
            value,
        );
    }
    if more > 0 {
        let y = area.y + u16::try_from(shown).unwrap_or(u16::MAX);
        let text = format!("+{} more", more + series.len().min(height) - shown);
        frame.render_widget(
            Paragraph::new(Span::styled(text, theme.dim())),
            Rect {
                y,
                height: 1,
                ..area
            },
        );
    }
}

/// A chart of one line per source over the days, with its legend.
fn chart(series: &[(&str, Vec<Option<u64>>)], frame: &mut Frame, area: Rect, theme: &Theme) {
    let points: Vec<Vec<(f64, f64)>> = series
        .iter()
        .map(|(_, days)| {
            days.iter()
                .enumerate()
                .filter_map(|(i, d)| d.map(|v| (i as f64, v as f64)))
                .collect()
        })
        .collect();
    let max = series
        .iter()
        .flat_map(|(_, d)| d.iter().flatten())
        .copied()
        .max()
        .unwrap_or(0)
        .max(1);
    let datasets: Vec<Dataset<'_>> = series
        .iter()
        .zip(&points)
        .enumerate()
        .map(|(i, ((name, _), pts))| {
            Dataset::default()
                .name(sanitize_truncated(name, 16))
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(Style::new().fg(LINES[i % LINES.len()]))
                .data(pts)
        })
        .collect();
    let last = (DAYS_SHOWN - 1) as f64;
    let x = Axis::default()
        .bounds([0.0, last])
        .style(theme.dim())
        .labels([
            Line::from(format!("-{}d", DAYS_SHOWN - 1)),
            Line::from("today"),
        ]);
    let y = Axis::default()
        .bounds([0.0, max as f64 * 1.1])
        .style(theme.dim())
        .labels([
            Line::from("0"),
            Line::from(crate::ui::format::count(
                usize::try_from(max).unwrap_or(usize::MAX),
            )),
        ]);
    frame.render_widget(
        Chart::new(datasets)
            .x_axis(x)
            .y_axis(y)
            .legend_position(Some(ratatui::widgets::LegendPosition::TopLeft))
            .hidden_legend_constraints((Constraint::Percentage(60), Constraint::Percentage(60))),
        area,
    );
}

/// Each source's recent fetches as a strip: a bar per fetch by its count, a failed
/// fetch marked; with the failures among them.
pub(super) fn fetch_health(app: &App, frame: &mut Frame, area: Rect, theme: &Theme) {
    let sources: Vec<_> = app.sources.iter().filter(|s| s.enabled()).collect();
    let any = sources.iter().any(|s| !s.history.is_empty());
    let title = "Fetch health per source".to_string();
    let empty = (!any).then_some("no fetches yet");
    let (block, inner) = panel(frame, area, theme, title, empty);
    if empty.is_some() || inner.height == 0 || inner.width < 10 {
        return;
    }
    frame.render_widget(block, area);
    let name_room = (usize::from(inner.width) / 3).clamp(4, 14);
    let height = usize::from(inner.height);
    // Sources past the panel's height are counted on its last line, not dropped unsaid.
    let rows = if sources.len() > height {
        height - 1
    } else {
        height
    };
    for (i, s) in sources.iter().take(rows).enumerate() {
        let failed = s.history.iter().filter(|r| !r.outcome.is_success()).count();
        let tail = if s.history.is_empty() {
            "not fetched yet".to_string()
        } else {
            format!(" {failed} of {} failed", s.history.len())
        };
        let strip_room = usize::from(inner.width).saturating_sub(name_room + 3 + tail.len());
        let (g, g_style) = crate::ui::sources::glyph(app, s, theme);
        let name = sanitize_truncated(&s.spec.name, name_room);
        let strip = sparkline_with(&s.history, strip_room, theme.glyphs);
        let pad = name_room.saturating_sub(Span::raw(name.as_str()).width());
        let line = Line::from(vec![
            Span::styled(g, g_style),
            Span::raw(" "),
            Span::raw(format!("{name}{} ", " ".repeat(pad))),
            Span::styled(strip, theme.accent()),
            Span::styled(
                tail,
                if failed > 0 {
                    theme.error()
                } else {
                    theme.dim()
                },
            ),
        ]);
        let y = inner.y + u16::try_from(i).unwrap_or(u16::MAX);
        frame.render_widget(
            Paragraph::new(line),
            Rect {
                y,
                height: 1,
                ..inner
            },
        );
    }
    if rows < sources.len() {
        let y = inner.y + u16::try_from(rows).unwrap_or(u16::MAX);
        let text = format!("+{} more", sources.len() - rows);
        frame.render_widget(
            Paragraph::new(Span::styled(text, theme.dim())),
            Rect {
                y,
                height: 1,
                ..inner
            },
        );
    }
}
