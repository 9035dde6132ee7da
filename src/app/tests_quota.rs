// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The quota a rate-limited source reports reaches its row in the sources pane.

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::tests::{app, t};
use super::*;
use crate::net::ledger::QuotaUsage;

#[test]
fn a_sources_quota_is_kept_and_shown_in_its_row() {
    let mut a = app();
    let _ = a.update(Msg::Resize {
        width: 200,
        height: 40,
    });
    let usage = QuotaUsage {
        minute_used: 3,
        per_minute: 4,
        day_used: 57,
        per_day: 500,
        month_used: 57,
        per_month: None,
        next_slot: Some(t(12)),
    };
    let _ = a.update(Msg::Quota { source: 0, usage });
    let _ = a.update(Msg::Quota { source: 999, usage });
    assert_eq!(a.sources[0].quota, Some(usage));
    let mut term = Terminal::new(TestBackend::new(200, 40)).unwrap();
    term.draw(|f| crate::ui::view(&a, f)).unwrap();
    let screen = term.backend().to_string();
    assert!(
        screen.contains("quota 3/4 min · 57/500 day · next in 12s"),
        "{screen}"
    );
}
