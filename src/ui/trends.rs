// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The Trends view (`T`), full screen: hits per hour over the last 48 h (a
//! `BarChart`), the top threats by hits (a horizontal `BarChart`), indicators held per
//! source over 30 days (a `Chart` of lines; one `Sparkline` per source with `--ascii`
//! or `NO_COLOR`, as the chart's markers are not ASCII and its lines differ only by
//! colour) and each source's fetch health (a strip of its recent fetches). Each panel
//! says so when it has nothing to show. Every name from outside is sanitised.

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::symbols;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Clear, Paragraph, Wrap};

use super::theme::Theme;
use crate::app::App;
use crate::app::keymap::Place;
use crate::app::trends::{HOURS_SHOWN, TrendsData};
use crate::model::sanitize::sanitize_truncated;

mod held;

/// Bars drawn with printable ASCII only.
pub(super) const ASCII_BARS: symbols::bar::Set<'static> = symbols::bar::Set {
    full: "#",
    seven_eighths: "#",
    three_quarters: "#",
    five_eighths: "=",
    half: "=",
    three_eighths: "-",
    one_quarter: "-",
    one_eighth: ".",
    empty: " ",
};

/// The bar symbols of `theme`: block elements, or [`ASCII_BARS`].
pub(super) fn bar_set(theme: &Theme) -> symbols::bar::Set<'static> {
    if theme.ascii {
        ASCII_BARS
    } else {
        symbols::bar::NINE_LEVELS
    }
}

/// Draws the view over the whole of `area`.
pub fn render(app: &App, frame: &mut Frame, area: Rect, theme: &Theme) {
    frame.render_widget(Clear, area);
    let [title, body] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);
    title_line(app, frame, title, theme);
    let [top, bottom] =
        Layout::vertical([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(body);
    let halves = [Constraint::Percentage(55), Constraint::Percentage(45)];
    let [tl, tr] = Layout::horizontal(halves).areas(top);
    let [bl, br] = Layout::horizontal(halves).areas(bottom);
    let data = app.trends.data.as_ref();
    hits_per_hour(app, data, frame, tl, theme);
    top_threats(app, data, frame, tr, theme);
    held::held_per_source(app, data, frame, bl, theme);
    held::fetch_health(app, frame, br, theme);
}

/// `Trends · read 12:00 UTC` (or reading, or why not), with the keys that close it.
fn title_line(app: &App, frame: &mut Frame, area: Rect, theme: &Theme) {
    let state = if !app.trends_have_store() {
        "no store".to_string()
    } else if let Some(e) = &app.trends.error {
        format!("not read: {e}")
    } else if app.trends.loading {
        "reading the store".to_string()
    } else if let Some(d) = &app.trends.data {
        format!("read {} UTC", d.at.strftime("%Y-%m-%d %H:%M"))
    } else {
        String::new()
    };
    let hints = super::joined_hints(app, Place::TrendsTitle, theme);
    let room = usize::from(area.width).saturating_sub(hints.len() + 10);
    let mut spans = vec![Span::styled("Trends", theme.title())];
    if !state.is_empty() {
        let style = if app.trends.error.is_some() {
            theme.error()
        } else {
            theme.dim()
        };
        spans.push(Span::styled(
            format!("{}{}", theme.glyphs.sep, sanitize_truncated(&state, room)),
            style,
        ));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
    frame.render_widget(
        Paragraph::new(Span::styled(hints, theme.dim())).alignment(Alignment::Right),
        area,
    );
}

/// Why a panel is empty: no store, the first read under way, or nothing stored yet.
pub(super) fn empty_text(app: &App, data: Option<&TrendsData>) -> &'static str {
    if !app.trends_have_store() {
        "no store: trends are read from the cache"
    } else if data.is_none() && app.trends.loading {
        "reading the store..."
    } else {
        "no data yet"
    }
}

/// A panel's block, and a message inside it when it is empty.
pub(super) fn panel<'a>(
    frame: &mut Frame,
    area: Rect,
    theme: &Theme,
    title: String,
    empty: Option<&str>,
) -> (Block<'a>, Rect) {
    let block = theme.pane(title, false);
    let inner = block.inner(area);
    if let Some(text) = empty {
        frame.render_widget(block.clone(), area);
        let [mid] = Layout::vertical([Constraint::Length(1)])
            .flex(ratatui::layout::Flex::Center)
            .areas(inner);
        frame.render_widget(
            Paragraph::new(Span::styled(text.to_string(), theme.dim()))
                .alignment(Alignment::Center)
                .wrap(Wrap { trim: true }),
            mid,
        );
    }
    (block, inner)
}

/// Hits per hour, summed into as many bars as fit, the newest hour last.
fn hits_per_hour(
    app: &App,
    data: Option<&TrendsData>,
    frame: &mut Frame,
    area: Rect,
    theme: &Theme,
) {
    let hours = data.map(TrendsData::hits_per_hour).unwrap_or_default();
    let total: u64 = hours.iter().sum();
    let peak = hours.iter().copied().max().unwrap_or(0);
    let title = if total > 0 {
        format!("Hits per hour, {HOURS_SHOWN} h: {total} (peak {peak}/h)")
    } else {
        format!("Hits per hour, {HOURS_SHOWN} h")
    };
    let empty = (total == 0).then(|| empty_text(app, data));
    let (block, inner) = panel(frame, area, theme, title, empty);
    if empty.is_some() || inner.height < 2 || inner.width < 4 {
        return;
    }
    let [chart, axis] = Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(inner);
    let width = usize::from(chart.width);
    // Hours per bar so that every hour fits; the bars end at the newest hour.
    let per = hours.len().div_ceil(width).max(1);
    let mut sums: Vec<u64> = hours.rchunks(per).map(|c| c.iter().sum()).collect();
    sums.reverse();
    let bar_width = u16::try_from((width / sums.len()).clamp(1, 3)).unwrap_or(1);
    let bars: Vec<Bar<'_>> = sums
        .iter()
        .map(|&v| Bar::default().value(v).text_value(String::new()))
        .collect();
    frame.render_widget(block, area);
    frame.render_widget(
        BarChart::default()
            .data(BarGroup::default().bars(&bars))
            .bar_width(bar_width)
            .bar_gap(0)
            .bar_set(bar_set(theme))
            .bar_style(theme.accent()),
        chart,
    );
    let used = u16::try_from(sums.len()).unwrap_or(u16::MAX) * bar_width;
    let axis = Rect {
        width: used.min(axis.width),
        ..axis
    };
    let left = format!("-{HOURS_SHOWN}h");
    let right = if per > 1 {
        format!("{per}h/bar now")
    } else {
        "now".into()
    };
    frame.render_widget(Paragraph::new(Span::styled(left, theme.dim())), axis);
    frame.render_widget(
        Paragraph::new(Span::styled(right, theme.dim())).alignment(Alignment::Right),
        axis,
    );
}

/// The threats with the most hits, one bar each, as many as fit.
fn top_threats(app: &App, data: Option<&TrendsData>, frame: &mut Frame, area: Rect, theme: &Theme) {
    let top = data.map(TrendsData::top_threats).unwrap_or_default();
    let title = format!("Top threats by hits, {HOURS_SHOWN} h");
    let empty = top.is_empty().then(|| empty_text(app, data));
    let (block, inner) = panel(frame, area, theme, title, empty);
    if empty.is_some() || inner.height == 0 || inner.width < 8 {
        return;
    }
    let name_room = (usize::from(inner.width) / 2).clamp(4, 24);
    let shown = top.len().min(usize::from(inner.height));
    let bars: Vec<Bar<'_>> = top[..shown]
        .iter()
        .map(|(name, n)| {
            Bar::default()
                .label(Line::from(sanitize_truncated(name, name_room)))
                .value(*n)
                .text_value(n.to_string())
        })
        .collect();
    frame.render_widget(block, area);
    frame.render_widget(
        BarChart::horizontal(bars)
            .bar_width(1)
            .bar_gap(0)
            .bar_set(bar_set(theme))
            .bar_style(theme.warn())
            .value_style(Style::new().add_modifier(ratatui::style::Modifier::REVERSED)),
        inner,
    );
}

#[cfg(test)]
mod tests;
