// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

use std::time::Duration;

use super::*;

const DAY: i64 = 86_400;
const NOW: i64 = 1_800_000_000;

fn dated(weight: u8, confidence: Option<u8>, published: i64) -> SourcePart {
    SourcePart {
        weight,
        confidence,
        published: Some(published),
        dated: true,
    }
}

fn days(n: u64) -> Option<Duration> {
    Some(Duration::from_secs(n * 86_400))
}

#[test]
fn the_half_life_halves_the_score_exactly_for_any_decay_speed() {
    for delta in [0.1, 0.3, 0.5, 1.0, 2.0, 10.0] {
        let d = Decay::new(days(14), delta);
        assert!(
            (d.factor(14.0 * DAY as f64) - 0.5).abs() < 1e-9,
            "δ {delta}"
        );
        assert_eq!(d.factor(0.0), 1.0);
        // The lifetime τ = h·2^δ ends the score.
        let tau = 14.0 * DAY as f64 * f64::exp2(delta);
        assert_eq!(d.factor(tau), 0.0, "δ {delta}");
        assert_eq!(d.factor(tau * 10.0), 0.0);
        assert!(d.factor(tau * 0.999) > 0.0);
    }
}

#[test]
fn the_decay_follows_misp_polynomial_form() {
    // MISP: base · (1 − (t/τ)^(1/δ)); with δ = 0.5 and h = 14 d, τ = 14·√2 d.
    let d = Decay::new(days(14), 0.5);
    let t = 7.0 * DAY as f64;
    let tau = 14.0 * DAY as f64 * std::f64::consts::SQRT_2;
    let misp = 1.0 - (t / tau).powf(2.0);
    assert!((d.factor(t) - misp).abs() < 1e-12);
    // Half the half-life: (½·2^-½)² = ⅛ gone.
    assert!((d.factor(t) - 0.875).abs() < 1e-12);
}

#[test]
fn odd_ages_never_leave_zero_to_one() {
    let d = Decay::new(days(1), 0.5);
    for age in [
        -1e18,
        -1.0,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::MAX,
    ] {
        let f = d.factor(age);
        assert!((0.0..=1.0).contains(&f), "{age}: {f}");
    }
    assert_eq!(d.factor(f64::INFINITY), 0.0);
    assert_eq!(d.factor(-5.0), 1.0, "a date in the future is fresh");
}

#[test]
fn never_decays_when_the_half_life_is_never() {
    let d = Decay::new(None, 0.5);
    assert_eq!(d.factor(1e12), 1.0);
    let s = [dated(100, None, NOW - 3650 * DAY)];
    assert_eq!(score(&s, &OwnPart::default(), &d, NOW), 100);
}

#[test]
fn one_source_scores_its_weight_times_its_confidence() {
    let d = Decay::new(None, 0.5);
    let own = OwnPart::default();
    assert_eq!(score(&[dated(80, None, NOW)], &own, &d, NOW), 80);
    assert_eq!(score(&[dated(80, Some(50), NOW)], &own, &d, NOW), 40);
    assert_eq!(score(&[dated(0, Some(100), NOW)], &own, &d, NOW), 0);
    assert_eq!(score(&[dated(100, Some(100), NOW)], &own, &d, NOW), 100);
    // Out-of-range inputs are held to the scale.
    assert_eq!(score(&[dated(255, Some(255), NOW)], &own, &d, NOW), 100);
    assert_eq!(score(&[], &own, &d, NOW), 0, "no source, no trust");
}

#[test]
fn agreement_raises_the_score_and_never_passes_100() {
    let d = Decay::new(None, 0.5);
    let own = OwnPart::default();
    let one = score(&[dated(60, None, NOW)], &own, &d, NOW);
    let two = score(&[dated(60, None, NOW), dated(60, None, NOW)], &own, &d, NOW);
    assert_eq!((one, two), (60, 84));
    let many: Vec<SourcePart> = (0..50).map(|_| dated(90, None, NOW)).collect();
    assert_eq!(score(&many, &own, &d, NOW), 100);
    let b = explain(
        &[dated(60, None, NOW), dated(60, None, NOW)],
        &own,
        &d,
        None,
        NOW,
    );
    assert_eq!(
        (b.sources.clone(), b.agreement, b.base),
        (vec![60, 60], 24, 84)
    );
}

#[test]
fn age_counts_from_the_latest_date_of_any_source() {
    let d = Decay::new(days(14), 0.5);
    let own = OwnPart::default();
    let old = dated(100, None, NOW - 14 * DAY);
    assert_eq!(score(&[old], &own, &d, NOW), 50);
    // A second source republished it yesterday: the clock starts there.
    let fresh = dated(0, None, NOW - DAY);
    let b = explain(&[old, fresh], &own, &d, days(14), NOW);
    assert_eq!(b.clock, Clock::Published(NOW - DAY));
    assert!(b.score >= 99, "{b:?}");
}

#[test]
fn a_source_without_dates_ages_from_its_last_fetch() {
    let d = Decay::new(days(14), 0.5);
    let undated = SourcePart {
        weight: 100,
        confidence: None,
        published: Some(NOW - 14 * DAY),
        dated: false,
    };
    let b = explain(&[undated], &OwnPart::default(), &d, days(14), NOW);
    assert_eq!((b.clock, b.score), (Clock::Fetched(NOW - 14 * DAY), 50));
    let unknown = SourcePart {
        published: None,
        ..undated
    };
    let b = explain(&[unknown], &OwnPart::default(), &d, days(14), NOW);
    assert_eq!((b.clock, b.score, b.decay), (Clock::Unknown, 100, 1.0));
}

#[test]
fn our_own_sighting_resets_the_clock() {
    let d = Decay::new(days(14), 0.5);
    let stale = [dated(100, None, NOW - 40 * DAY)];
    assert_eq!(score(&stale, &OwnPart::default(), &d, NOW), 0);
    let seen = OwnPart {
        sighted: Some(NOW - 3600),
        ..OwnPart::default()
    };
    assert_eq!(score(&stale, &seen, &d, NOW), 100);
    let b = explain(&stale, &seen, &d, days(14), NOW);
    assert_eq!(b.clock, Clock::Sighted(NOW - 3600));
    // A confirmation does too.
    let confirmed = OwnPart {
        confirmed: Some(NOW - 14 * DAY),
        ..OwnPart::default()
    };
    assert_eq!(score(&stale, &confirmed, &d, NOW), 50);
}

#[test]
fn a_false_positive_mark_holds_the_score_at_the_floor_until_republished() {
    let d = Decay::new(None, 0.5);
    let mark = NOW - 10 * DAY;
    let fp = OwnPart {
        false_positive: Some(mark),
        // Seen again in our logs: still a false positive.
        sighted: Some(NOW),
        ..OwnPart::default()
    };
    let before = [dated(100, None, mark - DAY)];
    assert_eq!(score(&before, &fp, &d, NOW), 0);
    // Published in the same second as the mark: not after it.
    assert_eq!(score(&[dated(100, None, mark)], &fp, &d, NOW), 0);
    // A source without dates cannot say it republished: the mark holds.
    let undated = SourcePart {
        weight: 100,
        confidence: None,
        published: Some(NOW),
        dated: false,
    };
    assert_eq!(score(&[undated], &fp, &d, NOW), 0);
    // A source republished it after the mark: the mark no longer holds.
    let after = [dated(100, None, mark + 1)];
    assert_eq!(score(&after, &fp, &d, NOW), 100);
    let b = explain(&after, &fp, &d, None, NOW);
    assert_eq!(b.false_positive, None);
    let b = explain(&before, &fp, &d, None, NOW);
    assert_eq!((b.false_positive, b.score), (Some(mark), 0));
}

#[test]
fn explain_agrees_with_score() {
    let d = Decay::new(days(30), 0.7);
    let sources = [
        dated(75, Some(80), NOW - 9 * DAY),
        dated(40, None, NOW - 30 * DAY),
    ];
    for own in [
        OwnPart::default(),
        OwnPart {
            sighted: Some(NOW - 2 * DAY),
            ..OwnPart::default()
        },
    ] {
        let b = explain(&sources, &own, &d, days(30), NOW);
        assert_eq!(b.score, score(&sources, &own, &d, NOW));
    }
}

#[test]
fn the_ecs_scale_has_its_edges() {
    assert_eq!(
        [0, 1, 33, 34, 66, 67, 100].map(ecs_label),
        ["None", "Low", "Low", "Medium", "Medium", "High", "High"]
    );
}

#[test]
fn decays_at_is_the_first_second_the_score_rounds_below_the_threshold() {
    let own = OwnPart::default();
    for delta in [0.3, 1.0, 3.0] {
        let d = Decay::new(days(14), delta);
        let s = [dated(80, Some(90), NOW)];
        let at = decays_at(&s, &own, &d, 10).expect("a dated source decays");
        assert!(score(&s, &own, &d, at) < 10, "δ {delta}");
        assert!(score(&s, &own, &d, at - 2) >= 10, "δ {delta}");
        // Below 0 never: the lifetime's end.
        let end = decays_at(&s, &own, &d, 0).unwrap();
        assert_eq!(score(&s, &own, &d, end), 0);
    }
    // No decay for the type, or a clock that the next fetch restarts: no date.
    let never = Decay::new(None, 1.0);
    assert_eq!(decays_at(&[dated(80, None, NOW)], &own, &never, 10), None);
    let undated = SourcePart {
        weight: 80,
        confidence: None,
        published: Some(NOW),
        dated: false,
    };
    assert_eq!(
        decays_at(&[undated], &own, &Decay::new(days(14), 1.0), 10),
        None
    );
    // A base below the threshold is decayed from the clock's start.
    let weak = [dated(5, Some(50), NOW)];
    assert_eq!(
        decays_at(&weak, &own, &Decay::new(days(14), 1.0), 10),
        Some(NOW)
    );
}
