// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The score: how far an indicator is trusted now, from 0 to 100.
//!
//! For an indicator held by sources *s* (each with a weight *wₛ* and, where it gives
//! one, its own confidence *cₛ*, both 0–100):
//!
//! ```text
//!   pₛ   = wₛ/100 · (cₛ/100, or 1 when the source gives no confidence)
//!   B    = 100 · (1 − ∏ₛ (1 − pₛ))                       base: agreement of independent sources
//!   t₀   = max(latest date a source gives it,             (a source without dates: its last fetch)
//!              our own latest sighting, the latest true-positive mark)
//!   t    = max(0, now − t₀)
//!   τ    = h · 2^δ                                         lifetime from the type's half-life h
//!   d(t) = max(0, 1 − (t/τ)^(1/δ))                         MISP's polynomial decay; d = 1 when h is never
//!   S    = round(B · d(t)),  or 0 while a false-positive mark stands
//! ```
//!
//! - One source alone gives `B = 100·pₛ`; each further source closes part of the gap to
//!   100 (two sources of 0.6 give 84), so agreement raises the score and never passes 100.
//! - The decay is MISP's polynomial model (`score = base · (1 − (t/τ)^(1/δ))`, with
//!   lifetime τ and decay speed δ). Ours differs in three ways: τ comes from a half-life per
//!   type (`d(h) = ½` exactly), which is easier to reason about than a lifetime; the clock
//!   starts again at our own sightings and confirmations, not only at the source's
//!   dates; and MISP's base score comes from taxonomy tags, ours from source weights and
//!   confidences.
//! - A false-positive mark drops the score to 0 until a source gives a date after the
//!   mark (it republished the indicator, so someone saw it again).
//! - *Decayed* means `S < expire_below` ([`crate::config::ScoringConfig`]).

use std::time::Duration;

use crate::config::ScoringConfig;

/// Seconds since the Unix epoch.
pub type Unix = i64;

/// What one source says that the score reads.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SourcePart {
    /// The source's weight, 0–100.
    pub weight: u8,
    /// The source's own confidence in the indicator, 0–100, if it gives one.
    pub confidence: Option<u8>,
    /// The latest date the source gives, else the source's last fetch (when it still
    /// listed the indicator); `None` when neither is known.
    pub published: Option<Unix>,
    /// Whether `published` is a date the source gave (not its last fetch).
    pub dated: bool,
}

impl SourcePart {
    /// `pₛ`: how far this source alone is trusted, 0–1.
    pub fn trust(&self) -> f64 {
        let w = f64::from(self.weight.min(100)) / 100.0;
        w * self
            .confidence
            .map_or(1.0, |c| f64::from(c.min(100)) / 100.0)
    }
}

/// What our own side says: hits in our logs and the analyst's triage.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OwnPart {
    /// Our latest sighting (a hit in our logs).
    pub sighted: Option<Unix>,
    /// The latest true-positive (confirmed) mark in effect.
    pub confirmed: Option<Unix>,
    /// The false-positive mark in effect, and since when.
    pub false_positive: Option<Unix>,
}

/// Where the decay clock starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// A date a source gives.
    Published(Unix),
    /// A source without dates listed it at its last fetch.
    Fetched(Unix),
    /// Our own latest sighting.
    Sighted(Unix),
    /// The analyst confirmed it (true positive).
    Confirmed(Unix),
    /// No date at all: no decay.
    Unknown,
}

/// The score and its parts, for the details pane.
#[derive(Debug, Clone, PartialEq)]
pub struct Breakdown {
    /// Each source's own part (`100·pₛ`), in the order given.
    pub sources: Vec<u8>,
    /// What agreement added over the best single source (`B − max 100·pₛ`).
    pub agreement: u8,
    /// `B`, rounded.
    pub base: u8,
    /// Where the clock starts.
    pub clock: Clock,
    /// `t`, the age the decay reads (0 when unknown).
    pub age: Duration,
    /// The type's half-life (`None`: never decays).
    pub half_life: Option<Duration>,
    /// `d(t)`, 0–1.
    pub decay: f64,
    /// The false-positive mark that holds the score at 0, and since when.
    pub false_positive: Option<Unix>,
    /// The score.
    pub score: u8,
}

/// The formula's settings for one type: its lifetime τ in seconds and 1/δ.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Decay {
    /// τ in seconds; `None`: never decays.
    lifetime: Option<f64>,
    inv_delta: f64,
}

impl Decay {
    /// The decay of a type with half-life `half_life` (`None`: never) and MISP's decay
    /// speed `delta` (δ, above 0).
    pub fn new(half_life: Option<Duration>, delta: f64) -> Decay {
        let delta = if delta.is_finite() && delta > 0.0 {
            delta
        } else {
            crate::config::scoring::DEFAULT_DECAY_SPEED
        };
        Decay {
            lifetime: half_life.map(|h| h.as_secs_f64() * delta.exp2()),
            inv_delta: 1.0 / delta,
        }
    }

    /// The decays of every type, indexed like [`crate::model::IndicatorType::ALL`].
    pub fn all(config: &ScoringConfig) -> [Decay; 10] {
        config.half_life.map(|h| Decay::new(h, config.decay_speed))
    }

    /// `d(t)` for an age of `age` seconds (negative ages count as 0).
    pub fn factor(&self, age: f64) -> f64 {
        let Some(tau) = self.lifetime else {
            return 1.0;
        };
        if age.is_nan() || age <= 0.0 {
            return 1.0;
        }
        if age >= tau {
            return 0.0;
        }
        (1.0 - (age / tau).powf(self.inv_delta)).clamp(0.0, 1.0)
    }

    /// The age in seconds at which `d(t)` falls to `fraction` (0–1): `τ·(1 − f)^δ`, the
    /// inverse of [`Decay::factor`]. `None` for a type that never decays.
    pub fn age_at(&self, fraction: f64) -> Option<f64> {
        let tau = self.lifetime?;
        let f = if fraction.is_nan() {
            0.0
        } else {
            fraction.clamp(0.0, 1.0)
        };
        Some(tau * (1.0 - f).powf(1.0 / self.inv_delta))
    }
}

/// When a score falls below `below` through decay alone: the clock's start plus the age
/// at which `B·d(t)` rounds below `below`. `None` when nothing moves that date but a new
/// listing: no decay for the type, no date (the clock is [`Clock::Unknown`]), or a clock
/// that a source's next fetch restarts ([`Clock::Fetched`]). A base already below gives
/// the clock's start.
pub fn decays_at(sources: &[SourcePart], own: &OwnPart, decay: &Decay, below: u8) -> Option<Unix> {
    let t0 = match clock(sources, own) {
        Clock::Published(t) | Clock::Sighted(t) | Clock::Confirmed(t) => t,
        Clock::Fetched(_) | Clock::Unknown => return None,
    };
    let b = base(sources.iter().map(SourcePart::trust));
    // `round(B·d) < below` ⇔ `B·d < below − ½`.
    let threshold = (f64::from(below) - 0.5).max(0.0);
    if b <= threshold {
        return Some(t0);
    }
    let age = decay.age_at(threshold / b)?;
    // The first whole second past it: at `age` itself the score may round to `below`.
    Some(t0.saturating_add(age.floor() as i64 + 1))
}

/// `B`, 0–100, from each source's `pₛ`.
pub fn base(trusts: impl IntoIterator<Item = f64>) -> f64 {
    let mut doubt = 1.0;
    for p in trusts {
        doubt *= 1.0 - p.clamp(0.0, 1.0);
    }
    100.0 * (1.0 - doubt)
}

/// Where the clock starts, from the sources' parts and our own.
pub fn clock(sources: &[SourcePart], own: &OwnPart) -> Clock {
    let mut best = Clock::Unknown;
    let mut at = i64::MIN;
    let mut consider = |t: Option<Unix>, make: fn(Unix) -> Clock| {
        if let Some(t) = t
            && t > at
        {
            at = t;
            best = make(t);
        }
    };
    for s in sources {
        let make: fn(Unix) -> Clock = if s.dated {
            Clock::Published
        } else {
            Clock::Fetched
        };
        consider(s.published, make);
    }
    consider(own.sighted, Clock::Sighted);
    consider(own.confirmed, Clock::Confirmed);
    best
}

fn clock_at(c: Clock) -> Option<Unix> {
    match c {
        Clock::Published(t) | Clock::Fetched(t) | Clock::Sighted(t) | Clock::Confirmed(t) => {
            Some(t)
        }
        Clock::Unknown => None,
    }
}

/// Whether a false-positive mark at `mark` still holds: no source gave a date after it.
pub fn false_positive_holds(sources: &[SourcePart], mark: Unix) -> bool {
    !sources
        .iter()
        .any(|s| s.dated && s.published.is_some_and(|p| p > mark))
}

/// The score, 0–100, at `now` (the hot path: no allocation).
pub fn score(sources: &[SourcePart], own: &OwnPart, decay: &Decay, now: Unix) -> u8 {
    if let Some(mark) = own.false_positive
        && false_positive_holds(sources, mark)
    {
        return 0;
    }
    let b = base(sources.iter().map(SourcePart::trust));
    let d = clock_at(clock(sources, own)).map_or(1.0, |t0| decay.factor((now - t0) as f64));
    (b * d).round().clamp(0.0, 100.0) as u8
}

/// The score with its parts, for the details pane; `score` of the result equals
/// [`score`]'s.
pub fn explain(
    sources: &[SourcePart],
    own: &OwnPart,
    decay: &Decay,
    half_life: Option<Duration>,
    now: Unix,
) -> Breakdown {
    let parts: Vec<u8> = sources
        .iter()
        .map(|s| (100.0 * s.trust()).round() as u8)
        .collect();
    let b = base(sources.iter().map(SourcePart::trust));
    let best = parts.iter().copied().max().unwrap_or(0);
    let clock = clock(sources, own);
    let age = clock_at(clock).map_or(0, |t0| (now - t0).max(0));
    let false_positive = own
        .false_positive
        .filter(|&m| false_positive_holds(sources, m));
    Breakdown {
        agreement: (b.round() as u8).saturating_sub(best),
        base: b.round() as u8,
        sources: parts,
        clock,
        age: Duration::from_secs(age.unsigned_abs()),
        half_life,
        decay: clock_at(clock).map_or(1.0, |t0| decay.factor((now - t0) as f64)),
        false_positive,
        score: score(sources, own, decay, now),
    }
}

/// The ECS `threat.indicator.confidence` label of a score: `None` (0), `Low` (1–33),
/// `Medium` (34–66), `High` (67–100), after STIX 2.1 Appendix A's None/Low/Med/High scale.
pub fn ecs_label(score: u8) -> &'static str {
    match score {
        0 => "None",
        1..=33 => "Low",
        34..=66 => "Medium",
        _ => "High",
    }
}

#[cfg(test)]
mod tests;
