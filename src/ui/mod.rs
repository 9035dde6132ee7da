// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Drawing. [`view`] reads the [`App`] and draws a frame; it changes nothing. Every
//! string from outside passes through [`crate::model::sanitize`] before it is drawn.

pub mod ascii;
pub mod cell;
pub mod columns;
pub mod details;
pub mod enrichment;
pub mod format;
pub mod glyphs;
pub mod header;
pub mod help;
pub mod hits;
pub mod labelled;
pub mod listed;
pub mod log;
pub mod prompt;
pub mod score;
pub mod sources;
pub mod sparkline;
pub mod strip;
pub mod svg;
pub mod table;
pub mod theme;
pub mod trends;
pub mod triage;

#[cfg(test)]
pub(crate) mod tests;
#[cfg(test)]
mod tests_demo;
#[cfg(test)]
mod tests_listed;
#[cfg(test)]
mod tests_overlays;
#[cfg(test)]
mod tests_states;

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use crate::app::keymap::Place;
use crate::app::layout;
use crate::app::{App, Mode};
use crate::model::sanitize::sanitize_truncated;
use theme::Theme;

/// Draws the whole dashboard for `app` into `frame`; in ASCII mode every cell ends up
/// printable ASCII.
pub fn view(app: &App, frame: &mut Frame) {
    let theme = Theme::new(app.no_color, app.ascii);
    draw(app, frame, &theme);
    if theme.ascii {
        ascii::fold_buffer(frame.buffer_mut());
    }
}

fn draw(app: &App, frame: &mut Frame, theme: &Theme) {
    let theme = *theme;
    let area = frame.area();
    if layout::too_small(area) {
        let msg = format!(
            "Please enlarge the terminal to {}x{} (now {}x{})",
            layout::MIN_WIDTH,
            layout::MIN_HEIGHT,
            area.width,
            area.height
        );
        frame.render_widget(
            Paragraph::new(msg).wrap(ratatui::widgets::Wrap { trim: true }),
            area,
        );
        return;
    }
    if app.mode == Mode::Trends {
        trends::render(app, frame, area, &theme);
        return;
    }
    let a = layout::areas(app, area);
    header::render(app, frame, a.header, &theme);
    if a.strip {
        strip::render(app, frame, a.sources, &theme);
    } else {
        sources::render(app, frame, a.sources, &theme);
    }
    table::render(app, frame, a.table, &theme);
    if a.log_line() {
        log::render_line(frame, a.log, &theme);
    } else if a.log.height > 0 {
        log::render(app, frame, a.log, &theme);
    }
    footer(app, frame, a.footer, &theme);
    match app.shown_mode() {
        Mode::Details => details::render(app, frame, details_area(area), &theme),
        Mode::Hits | Mode::HitDetails => {
            hits::render(app, frame, a.sources.union(a.table), &theme);
            if app.mode == Mode::HitDetails {
                hits::render_details(app, frame, details_area(area), &theme);
            }
        }
        Mode::Help => help::render(app, frame, help_area(area), &theme),
        Mode::Prompt => prompt::render(app, frame, area, &theme),
        _ => {}
    }
}

/// Where the details overlays go on a screen of `area`.
fn details_area(area: Rect) -> Rect {
    overlay(area, 90, 85)
}

/// Where the help overlay goes on a screen of `area`.
fn help_area(area: Rect) -> Rect {
    let pw = if area.width < 100 { 96 } else { 70 };
    overlay(area, pw, 92)
}

/// How many lines the overlay open in `app` (help, details) can scroll on a screen of
/// `area`; `None` when none that scrolls is open. The runtime hands it to the app
/// ([`crate::app::Msg::ScrollLimit`]) so scrolling stops at the last line.
pub fn scroll_limit(app: &App, area: Rect) -> Option<u16> {
    if layout::too_small(area) {
        return None;
    }
    let theme = Theme::new(app.no_color, app.ascii);
    match app.mode {
        Mode::Help => Some(help::max_scroll(app, help_area(area), &theme)),
        Mode::Details => Some(details::max_scroll(app, details_area(area), &theme)),
        Mode::HitDetails => Some(hits::max_scroll(app, details_area(area), &theme)),
        _ => None,
    }
}

/// A centred rectangle of `pw`% x `ph`% of `area`, cleared.
fn overlay(area: Rect, pw: u16, ph: u16) -> Rect {
    let [v] = Layout::vertical([Constraint::Percentage(ph)])
        .flex(Flex::Center)
        .areas(area);
    let [r] = Layout::horizontal([Constraint::Percentage(pw)])
        .flex(Flex::Center)
        .areas(v);
    r
}

fn footer(app: &App, frame: &mut Frame, area: Rect, theme: &Theme) {
    let place = match app.mode {
        Mode::Hits => Place::HitsFooter,
        Mode::HitDetails => Place::HitDetailsFooter,
        Mode::Details => Place::DetailsFooter,
        _ => Place::Footer,
    };
    let note =
        triage::note_line(app, usize::from(area.width), theme).filter(|_| app.mode == Mode::Note);
    let line = if let Some(note) = note {
        note
    } else if app.mode == Mode::Filter {
        let mut spans = vec![Span::styled("/", theme.accent())];
        spans.extend(prompt::edit_spans(
            &app.filter_text,
            usize::from(area.width).saturating_sub(30),
            Some(Span::styled(theme.glyphs.cursor, theme.accent())),
        ));
        spans.push(Span::styled(
            format!("  {}", joined_hints(app, Place::FilterPrompt, theme)),
            theme.dim(),
        ));
        Line::from(spans)
    } else if let Some(n) = &app.notice {
        Line::from(Span::styled(
            sanitize_truncated(n, usize::from(area.width)),
            theme.accent(),
        ))
    } else {
        let mut spans = Vec::new();
        for (k, d) in app.keymap.hints(place) {
            let k = if theme.ascii {
                ascii::keys(&k).into_owned()
            } else {
                k.into_owned()
            };
            spans.push(Span::styled(format!(" {k}"), theme.accent()));
            spans.push(Span::raw(format!(" {d}")));
        }
        Line::from(spans)
    };
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(line), area);
}

/// The key hints at `place` as one string: `Enter keep · Esc clear`.
pub(crate) fn joined_hints(app: &App, place: Place, theme: &Theme) -> String {
    app.keymap
        .hints(place)
        .into_iter()
        .map(|(k, d)| {
            if theme.ascii {
                format!("{} {d}", ascii::keys(&k))
            } else {
                format!("{k} {d}")
            }
        })
        .collect::<Vec<_>>()
        .join(theme.glyphs.sep)
}
