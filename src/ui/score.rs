// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The score's breakdown in the details: each source's part, what agreement added, the
//! age the decay reads and where its clock starts, and the analyst's triage.

use std::time::Duration;

use ratatui::text::Span;

use super::labelled::Item;
use super::theme::Theme;
use crate::app::App;
use crate::model::sanitize::sanitize_truncated;
use crate::model::time::rfc3339;
use crate::store::Entry;
use crate::trust::score::{Breakdown, Clock, Unix};

/// `3d`, `5h`, `40m`, `0m`: the age as the details give it.
fn span(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        s if s < 3_600 => format!("{}m", s / 60),
        s if s < 86_400 => format!("{}h", s / 3_600),
        s => format!("{}d", s / 86_400),
    }
}

fn when(t: Unix) -> String {
    jiff::Timestamp::from_second(t).map_or_else(|_| "-".into(), rfc3339)
}

/// The score line and its parts, for the details of `e`.
pub fn items<'a>(app: &App, e: &Entry, theme: &Theme) -> Vec<Item<'a>> {
    let b = app.score_breakdown(e);
    let mut out = vec![headline(app, &b, theme)];
    let parts: Vec<String> = e
        .source_ids()
        .zip(&b.sources)
        .map(|(id, p)| format!("{} {p}", sanitize_truncated(app.store.source_name(id), 40)))
        .collect();
    out.push(Item::field("sources", parts.join(" · "), theme).indented(2));
    if b.sources.len() > 1 {
        out.push(
            Item::field(
                "agreement",
                format!("+{} ({} sources agree)", b.agreement, b.sources.len()),
                theme,
            )
            .indented(2),
        );
    }
    out.push(Item::field("age", age(&b), theme).indented(2));
    if let Some(mark) = b.false_positive {
        out.push(
            Item::field(
                "triage",
                format!(
                    "false positive since {}: held at 0 until a source republishes it",
                    when(mark)
                ),
                theme,
            )
            .indented(2),
        );
    } else if let Clock::Confirmed(t) = b.clock {
        out.push(Item::field("triage", format!("confirmed {}", when(t)), theme).indented(2));
    }
    out
}

fn headline<'a>(app: &App, b: &Breakdown, theme: &Theme) -> Item<'a> {
    let mut value = vec![Span::styled(format!("{} of 100", b.score), theme.title())];
    let below = app.store.expire_below();
    if b.score < below {
        value.push(Span::styled(
            format!("  decayed (below {below})"),
            theme.warn(),
        ));
    }
    Item::styled("score", value, theme)
}

/// `3d since feodo's date · half-life 14d · ×0.94`.
fn age(b: &Breakdown) -> String {
    let from = match b.clock {
        Clock::Published(_) => "a source's latest date",
        Clock::Fetched(_) => "a source last listed it",
        Clock::Sighted(_) => "seen in our logs (clock reset)",
        Clock::Confirmed(_) => "confirmed (clock reset)",
        Clock::Unknown => return "no date: no decay".into(),
    };
    let half = b.half_life.map_or_else(
        || "never decays".into(),
        |h| format!("half-life {}", span(h)),
    );
    format!("{} since {from} · {half} · ×{:.2}", span(b.age), b.decay)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_read_in_the_largest_whole_unit() {
        assert_eq!(span(Duration::from_secs(59)), "0m");
        assert_eq!(span(Duration::from_secs(7_200)), "2h");
        assert_eq!(span(Duration::from_secs(3 * 86_400 + 5)), "3d");
    }
}
