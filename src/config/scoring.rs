// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! `scoring:`: how each indicator's score decays with age, and below which score it is
//! *decayed* (hidden from the table, left out of exports, not alerted on).
//!
//! ```yaml
//! scoring:
//!   half_life: { ipv4: 14d, domain: 60d, sha256: 365d, cve: never }
//!   decay_speed: 0.5      # MISP's δ: below 1 the score holds, then falls; above 1 it falls at once
//!   expire_below: 10
//! ```
//! Types not named keep their default half-life ([`DEFAULT_HALF_LIFE`]). The formula that
//! reads these is [`crate::trust::score`].

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Deserialize;

use super::units::HumanDuration;
use crate::model::IndicatorType;

/// The half-life of each type when the config does not say: network addresses change
/// hands in weeks, domains in months, a file's hash names the same file for years, and
/// a vulnerability stays what it is. `None`: never decays.
pub const DEFAULT_HALF_LIFE: [(IndicatorType, Option<Duration>); 10] = [
    (IndicatorType::Ipv4, Some(days(14))),
    (IndicatorType::Ipv6, Some(days(14))),
    (IndicatorType::Cidr, Some(days(30))),
    (IndicatorType::Domain, Some(days(60))),
    (IndicatorType::Url, Some(days(30))),
    (IndicatorType::Md5, Some(days(365))),
    (IndicatorType::Sha1, Some(days(365))),
    (IndicatorType::Sha256, Some(days(365))),
    (IndicatorType::Email, Some(days(90))),
    (IndicatorType::Cve, None),
];

/// MISP's decay speed δ when the config does not say.
pub const DEFAULT_DECAY_SPEED: f64 = 0.5;

/// The score below which an indicator is decayed, when the config does not say.
pub const DEFAULT_EXPIRE_BELOW: u8 = 10;

const fn days(n: u64) -> Duration {
    Duration::from_secs(n * 86_400)
}

/// The scoring section, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoringConfig {
    /// Half-life of each type, indexed like [`IndicatorType::ALL`]; `None`: never decays.
    pub half_life: [Option<Duration>; 10],
    /// MISP's δ (decay speed), from 0.1 to 10.
    pub decay_speed: f64,
    /// Scores below this (0–100) are decayed; 0 decays nothing.
    pub expire_below: u8,
}

impl Default for ScoringConfig {
    fn default() -> Self {
        ScoringConfig {
            half_life: DEFAULT_HALF_LIFE.map(|(_, h)| h),
            decay_speed: DEFAULT_DECAY_SPEED,
            expire_below: DEFAULT_EXPIRE_BELOW,
        }
    }
}

impl ScoringConfig {
    /// The half-life of `kind` (`None`: never decays).
    pub fn half_life(&self, kind: IndicatorType) -> Option<Duration> {
        self.half_life[type_index(kind)]
    }
}

/// `kind`'s position in [`IndicatorType::ALL`].
pub fn type_index(kind: IndicatorType) -> usize {
    IndicatorType::ALL
        .iter()
        .position(|&k| k == kind)
        .unwrap_or(0)
}

/// `scoring:` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScoring {
    /// Type name to a duration or `never`.
    pub half_life: Option<BTreeMap<String, String>>,
    pub decay_speed: Option<f64>,
    pub expire_below: Option<u32>,
}

/// Checks `raw` over the defaults. Errors: one line naming the field.
pub fn resolve(raw: Option<RawScoring>) -> Result<ScoringConfig, String> {
    let mut s = ScoringConfig::default();
    let Some(raw) = raw else {
        return Ok(s);
    };
    for (name, value) in raw.half_life.unwrap_or_default() {
        let kind: IndicatorType = name
            .trim()
            .parse()
            .map_err(|e: String| format!("scoring.half_life: {e}"))?;
        let value = value.trim();
        s.half_life[type_index(kind)] = if value.eq_ignore_ascii_case("never") {
            None
        } else {
            let d = HumanDuration::parse(value)
                .map_err(|e| format!("scoring.half_life.{kind}: {e} (or `never`)"))?
                .0;
            if d < Duration::from_secs(60) {
                return Err(format!(
                    "scoring.half_life.{kind}: {value} is shorter than a minute (use `never` to keep the score)"
                ));
            }
            Some(d)
        };
    }
    if let Some(d) = raw.decay_speed {
        if !(0.1..=10.0).contains(&d) {
            return Err(format!("scoring.decay_speed: {d} must be from 0.1 to 10"));
        }
        s.decay_speed = d;
    }
    if let Some(e) = raw.expire_below {
        s.expire_below = u8::try_from(e)
            .ok()
            .filter(|&e| e <= 100)
            .ok_or_else(|| format!("scoring.expire_below: {e} must be from 0 to 100"))?;
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(yaml: &str) -> RawScoring {
        serde_norway::from_str(yaml).unwrap()
    }

    #[test]
    fn defaults_follow_the_types() {
        let s = resolve(None).unwrap();
        assert_eq!(s.half_life(IndicatorType::Ipv4), Some(days(14)));
        assert_eq!(s.half_life(IndicatorType::Cve), None);
        assert_eq!(s.expire_below, 10);
    }

    #[test]
    fn a_half_life_per_type_and_never() {
        let s = resolve(Some(raw(
            "half_life: { ipv4: 7d, CVE: 30d, sha256: never }\nexpire_below: 0",
        )))
        .unwrap();
        assert_eq!(s.half_life(IndicatorType::Ipv4), Some(days(7)));
        assert_eq!(s.half_life(IndicatorType::Cve), Some(days(30)));
        assert_eq!(s.half_life(IndicatorType::Sha256), None);
        assert_eq!(s.half_life(IndicatorType::Domain), Some(days(60)));
        assert_eq!(s.expire_below, 0);
    }

    #[test]
    fn bad_values_name_their_field() {
        for (yaml, field) in [
            ("half_life: { ipv5: 7d }", "unknown indicator type `ipv5`"),
            ("half_life: { ipv4: soon }", "scoring.half_life.ipv4"),
            ("half_life: { ipv4: 10s }", "shorter than a minute"),
            ("decay_speed: 0", "scoring.decay_speed"),
            ("decay_speed: .nan", "scoring.decay_speed"),
            ("expire_below: 101", "scoring.expire_below"),
            ("expire_below: 4294967295", "scoring.expire_below"),
        ] {
            let e = resolve(Some(raw(yaml))).unwrap_err();
            assert!(e.contains(field), "{yaml}: {e}");
        }
    }
}
