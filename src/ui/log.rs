// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The log pane: `tracing` events (fetch warnings and errors, with the source name) shown
//! by tui-logger. The small pane, and the one line of the compact layout, show each
//! message as one line: its time, level and start (the source's name comes first), cut
//! with `…`, so the newest message is read from its head, never from the tail of a
//! wrapped one. The large pane wraps each message at word boundaries under its text.
//! Only sanitised text is ever logged, and it is sanitised again here.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use tui_logger::{ExtLogRecord, LevelFilter, LogFormatter, TuiLoggerWidget};

use super::theme::Theme;
use crate::app::keymap::Place;
use crate::app::{App, LogSize};
use crate::model::sanitize::sanitize;

/// ` Log (l: size) `, from the bindings in effect.
fn title(app: &App) -> String {
    let keys: Vec<String> = app
        .keymap
        .hints(Place::LogTitle)
        .into_iter()
        .map(|(k, d)| format!("{k}: {d}"))
        .collect();
    format!(" Log ({}) ", keys.join(" · "))
}

/// The pane with its border: a line per message when small, wrapped when large.
pub fn render(app: &App, frame: &mut Frame, area: Rect, theme: &Theme) {
    let styles = Styles::new(theme);
    let formatter: Box<dyn LogFormatter> = if app.log_size == LogSize::Large {
        Box::new(Wrapped(styles))
    } else {
        Box::new(OneLine(styles))
    };
    let widget = TuiLoggerWidget::default()
        .block(theme.pane(title(app), false))
        .formatter(formatter);
    frame.render_widget(widget, area);
}

/// The log as its latest message on one line, `HH:MM:SS W text`, cut with `…` to fit.
pub fn render_line(frame: &mut Frame, area: Rect, theme: &Theme) {
    let widget = TuiLoggerWidget::default().formatter(Box::new(OneLine(Styles::new(theme))));
    frame.render_widget(widget, area);
}

/// The styles of a message's head (time and level) and of its text, by level.
#[derive(Clone, Copy)]
struct Styles {
    error: Style,
    warn: Style,
    dim: Style,
}

impl Styles {
    fn new(theme: &Theme) -> Styles {
        Styles {
            error: theme.error(),
            warn: theme.warn(),
            dim: theme.dim(),
        }
    }

    /// The head (`12:00:01 W `) and the text's style.
    fn head(&self, evt: &ExtLogRecord) -> (String, Style) {
        let level = evt.level.as_str().get(..1).unwrap_or("?");
        let style = if evt.level == LevelFilter::Error {
            self.error
        } else if evt.level == LevelFilter::Warn {
            self.warn
        } else if evt.level == LevelFilter::Info {
            Style::new()
        } else {
            self.dim
        };
        (
            format!("{} {level} ", evt.timestamp.strftime("%H:%M:%S")),
            style,
        )
    }
}

/// Each event as one line: the head, then the message's first line cut to the width.
struct OneLine(Styles);

impl LogFormatter for OneLine {
    fn min_width(&self) -> u16 {
        12
    }

    fn format(&self, width: usize, evt: &ExtLogRecord) -> Vec<Line<'_>> {
        let (head, style) = self.0.head(evt);
        let room = width.saturating_sub(cells(&head));
        // tracing's messages come with a leading space.
        let first = evt.msg().trim_start().lines().next().unwrap_or("");
        vec![Line::from(vec![
            Span::styled(head, self.0.dim),
            Span::styled(cut(&sanitize(first), room), style),
        ])]
    }
}

/// Each event wrapped at word boundaries, its lines after the first indented under the
/// text; a message of several lines keeps its line breaks.
struct Wrapped(Styles);

impl LogFormatter for Wrapped {
    fn min_width(&self) -> u16 {
        12
    }

    fn format(&self, width: usize, evt: &ExtLogRecord) -> Vec<Line<'_>> {
        let (head, style) = self.0.head(evt);
        let indent = cells(&head);
        let room = width.saturating_sub(indent).max(1);
        let mut out = Vec::new();
        for text in evt.msg().trim_start().lines() {
            for line in wrap_words(&sanitize(text), room, room) {
                let lead = if out.is_empty() {
                    Span::styled(head.clone(), self.0.dim)
                } else {
                    Span::raw(" ".repeat(indent))
                };
                out.push(Line::from(vec![lead, Span::styled(line, style)]));
            }
        }
        if out.is_empty() {
            out.push(Line::from(Span::styled(head, self.0.dim)));
        }
        out
    }
}

/// Terminal cells `s` takes.
fn cells(s: &str) -> usize {
    Span::raw(s).width()
}

/// `text` in at most `room` cells: whole, or cut with a trailing `…`.
pub fn cut(text: &str, room: usize) -> String {
    if cells(text) <= room {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    let mut tmp = [0u8; 4];
    for c in text.chars() {
        let w = cells(c.encode_utf8(&mut tmp));
        if used + w + 1 > room {
            break;
        }
        out.push(c);
        used += w;
    }
    if room > 0 {
        out.push('…');
    }
    out
}

/// `text` in lines of at most `first` cells, then `rest` cells, broken at spaces; a
/// word longer than a whole line is broken where the line ends. Runs of spaces between
/// words count as one.
pub fn wrap_words(text: &str, first: usize, rest: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    let mut room = first.max(1);
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let w = cells(word);
        if used > 0 && used + 1 + w <= room {
            line.push(' ');
            line.push_str(word);
            used += 1 + w;
            continue;
        }
        if used > 0 {
            lines.push(std::mem::take(&mut line));
            used = 0;
            room = rest.max(1);
        }
        // The word starts a line; break it while it is longer than the line.
        let mut tmp = [0u8; 4];
        for c in word.chars() {
            let cw = cells(c.encode_utf8(&mut tmp));
            if used > 0 && used + cw > room {
                lines.push(std::mem::take(&mut line));
                used = 0;
                room = rest.max(1);
            }
            line.push(c);
            used += cw;
        }
    }
    if used > 0 || lines.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_breaks_between_words() {
        let text = "feodo: https://feodotracker.abuse.ch/downloads/ipblocklist.json: the host name does not resolve";
        let lines = wrap_words(text, 30, 30);
        for l in &lines {
            assert!(cells(l) <= 30, "{l:?} in {lines:?}");
        }
        assert_eq!(lines[0], "feodo:");
        // Only a word longer than a line is broken inside.
        assert_eq!(
            lines[1..3].concat(),
            "https://feodotracker.abuse.ch/downloads/ipblocklist.json:"
        );
        assert_eq!(&lines[3..], ["the host name does not resolve"]);
        assert_eq!(
            wrap_words("one two three four", 9, 5),
            ["one two", "three", "four"]
        );
        assert_eq!(wrap_words("", 10, 10), [""]);
        assert_eq!(wrap_words("a  b", 10, 10), ["a b"]);
        // Wide characters count their cells, and a line never takes none.
        assert_eq!(wrap_words("漢字漢字", 4, 1), ["漢字", "漢", "字"]);
    }

    #[test]
    fn a_cut_line_keeps_its_head_and_ends_with_an_ellipsis() {
        assert_eq!(
            cut("feodo: connection failed", 100),
            "feodo: connection failed"
        );
        assert_eq!(cut("feodo: connection failed", 12), "feodo: conn…");
        assert_eq!(cells(&cut("漢字漢字漢字", 7)), 7);
        assert_eq!(cut("abc", 0), "");
    }
}
