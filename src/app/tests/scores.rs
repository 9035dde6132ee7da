// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Scores in the dashboard: worked out when the set changes, hidden when decayed
//! (`D` shows them), a `score>=N` filter, our own hits resetting the decay clock, and
//! the analyst's false positive holding a score at 0.

use super::*;
use crate::trust::evidence::Finding;

const DAY: i64 = 86_400;

/// feodo (weight 90) holds a fresh address and one 60 days old; urlhaus (80) agrees on
/// the fresh one.
fn scored() -> App {
    let mut a = app();
    let _ = a.update(Msg::Tick(t(0)));
    let _ = a.update(done(
        0,
        ok(vec![
            sighting(IndicatorType::Ipv4, "192.0.2.1", None, -60),
            sighting(IndicatorType::Ipv4, "192.0.2.2", None, -60 * DAY),
        ]),
        1,
    ));
    let _ = a.update(done(
        1,
        ok(vec![sighting(IndicatorType::Ipv4, "192.0.2.1", None, -60)]),
        2,
    ));
    a
}

fn score(a: &App, v: &str) -> u8 {
    let i = a.store.find_live(IndicatorType::Ipv4, v).unwrap();
    a.store.get(i).unwrap().score
}

#[test]
fn a_refresh_scores_the_set_and_decayed_rows_hide_until_d() {
    let mut a = scored();
    assert_eq!(score(&a, "192.0.2.1"), 98, "90 and 80 agree");
    assert_eq!(score(&a, "192.0.2.2"), 0, "60 days past a 14-day half-life");
    assert_eq!(shown(&a), ["192.0.2.1"]);
    assert_eq!(a.hidden_decayed(), 1);
    let _ = a.update(ch('D'));
    assert_eq!(shown(&a).len(), 2);
    assert_eq!(a.hidden_decayed(), 0);
    let _ = a.update(ch('D'));
    assert_eq!(shown(&a), ["192.0.2.1"]);
    // It is never deleted: the store keeps it.
    assert_eq!(a.store.len(), 2);
}

#[test]
fn score_terms_in_the_filter_pick_rows_and_show_decayed_ones_when_asked() {
    let mut a = scored();
    let _ = a.update(ch('/'));
    for c in "score<10".chars() {
        let _ = a.update(ch(c));
    }
    assert_eq!(
        shown(&a),
        ["192.0.2.2"],
        "a score term overrides the hiding"
    );
    let _ = a.update(key(KeyCode::Esc));
    let _ = a.update(ch('/'));
    for c in "192.0.2 score>=99".chars() {
        let _ = a.update(ch(c));
    }
    assert!(shown(&a).is_empty());
    let _ = a.update(key(KeyCode::Backspace));
    assert_eq!(shown(&a), ["192.0.2.1"], "score>=9 with the text");
}

#[test]
fn a_hit_resets_the_decay_clock_within_two_seconds() {
    let mut a = scored();
    let mut hit = crate::model::log_hit::sample(IndicatorType::Ipv4, "192.0.2.2", "eve.json", 1, 0);
    hit.at = t(0);
    hit.found = t(0);
    let _ = a.update(Msg::Hits {
        hits: vec![hit],
        stored: false,
    });
    assert_eq!(score(&a, "192.0.2.2"), 0, "scored together on a later tick");
    let _ = a.update(Msg::Tick(t(60)));
    assert_eq!(score(&a, "192.0.2.2"), 90);
    assert_eq!(shown(&a).len(), 2);
}

#[test]
fn scores_age_with_time_and_a_false_positive_holds_one_at_zero() {
    let mut a = scored();
    let mut fx = Vec::new();
    a.score_finding(
        IndicatorType::Ipv4,
        "192.0.2.1",
        Some(Finding::FalsePositive(t(5).as_second())),
        &mut fx,
    );
    assert_eq!(score(&a, "192.0.2.1"), 0);
    assert!(shown(&a).is_empty());
    a.score_finding(IndicatorType::Ipv4, "192.0.2.1", None, &mut fx);
    assert_eq!(score(&a, "192.0.2.1"), 98);
    // Thirty days later, with no refresh, the hourly rescoring has aged it away.
    let _ = a.update(Msg::Tick(t(30 * DAY)));
    assert_eq!(score(&a, "192.0.2.1"), 0);
    assert!(shown(&a).is_empty());
}

#[test]
fn the_details_break_the_score_down() {
    let a = scored();
    let i = a.store.find_live(IndicatorType::Ipv4, "192.0.2.1").unwrap();
    let b = a.score_breakdown(a.store.get(i).unwrap());
    assert_eq!(
        (b.sources.clone(), b.agreement, b.score),
        (vec![90, 80], 8, 98)
    );
}
