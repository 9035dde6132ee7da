// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Human-friendly config values: durations (`90s`, `15m`, `1h30m`, `30d`) and sizes
//! (`10MiB`, `512KB`, `1048576`).

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Deserializer};

use super::hint;

/// A duration written as `<number><unit>` runs: `ms`, `s`, `m`, `h`, `d`, `w`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct HumanDuration(pub Duration);

impl HumanDuration {
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        if s.is_empty() {
            return Err("empty duration".into());
        }
        let mut total: u128 = 0;
        let mut rest = s;
        while !rest.is_empty() {
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return Err(format!("bad duration `{s}` (use e.g. 90s, 15m, 1h, 30d)"));
            }
            let n: u128 = rest[..digits]
                .parse()
                .map_err(|_| format!("bad duration `{s}`"))?;
            rest = &rest[digits..];
            let unit_len = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
            let unit = &rest[..unit_len];
            rest = rest[unit_len..].trim_start();
            let ms: u128 = match unit {
                "ms" => 1,
                "s" => 1_000,
                "m" | "min" => 60_000,
                "h" => 3_600_000,
                "d" => 86_400_000,
                "w" => 604_800_000,
                "" => return Err(format!("duration `{s}` needs a unit (ms, s, m, h, d, w)")),
                other => return Err(format!("unknown duration unit `{other}` in `{s}`")),
            };
            total = total
                .checked_add(n.saturating_mul(ms))
                .ok_or_else(|| format!("duration `{s}` is too long"))?;
        }
        let ms = u64::try_from(total).map_err(|_| format!("duration `{s}` is too long"))?;
        Ok(HumanDuration(Duration::from_millis(ms)))
    }
}

impl fmt::Display for HumanDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_duration(self.0))
    }
}

pub use crate::model::time::format_duration;

impl<'de> Deserialize<'de> for HumanDuration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = StringOrNumber::deserialize(d)?;
        match s {
            StringOrNumber::Str(s) => HumanDuration::parse(&s)
                .map_err(|e| serde::de::Error::custom(hint::at_value(&s, &e))),
            StringOrNumber::Num(n) => Err(serde::de::Error::custom(hint::at_value(
                &n.to_string(),
                &format!("duration `{n}` needs a unit (e.g. {n}s or {n}m)"),
            ))),
        }
    }
}

/// A byte size: a plain number of bytes, or `<number><unit>` with `B`, `KB`, `MB`, `GB`
/// (powers of 1000) or `KiB`, `MiB`, `GiB` (powers of 1024).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ByteSize(pub u64);

impl ByteSize {
    pub fn parse(s: &str) -> Result<Self, String> {
        let t = s.trim();
        let digits = t.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err(format!("bad size `{s}` (use e.g. 10MiB, 500KB)"));
        }
        let n: u64 = t[..digits].parse().map_err(|_| format!("bad size `{s}`"))?;
        let mult: u64 = match t[digits..].trim() {
            "" | "B" | "b" => 1,
            "KB" | "kB" | "K" | "k" => 1_000,
            "MB" | "M" => 1_000_000,
            "GB" | "G" => 1_000_000_000,
            "KiB" => 1 << 10,
            "MiB" => 1 << 20,
            "GiB" => 1 << 30,
            other => return Err(format!("unknown size unit `{other}` in `{s}`")),
        };
        n.checked_mul(mult)
            .map(ByteSize)
            .ok_or_else(|| format!("size `{s}` is too large"))
    }
}

impl fmt::Display for ByteSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let b = self.0;
        if b >= 1 << 30 && b.is_multiple_of(1 << 30) {
            write!(f, "{}GiB", b >> 30)
        } else if b >= 1 << 20 && b.is_multiple_of(1 << 20) {
            write!(f, "{}MiB", b >> 20)
        } else if b >= 1 << 10 && b.is_multiple_of(1 << 10) {
            write!(f, "{}KiB", b >> 10)
        } else {
            write!(f, "{b}B")
        }
    }
}

impl<'de> Deserialize<'de> for ByteSize {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match StringOrNumber::deserialize(d)? {
            StringOrNumber::Str(s) => {
                ByteSize::parse(&s).map_err(|e| serde::de::Error::custom(hint::at_value(&s, &e)))
            }
            StringOrNumber::Num(n) => Ok(ByteSize(n)),
        }
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum StringOrNumber {
    Num(u64),
    Str(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        let d = |s| HumanDuration::parse(s).map(|d| d.0);
        assert_eq!(d("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(d("15m"), Ok(Duration::from_secs(900)));
        assert_eq!(d("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(d("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(d("30d"), Ok(Duration::from_secs(30 * 86_400)));
        assert_eq!(d("250ms"), Ok(Duration::from_millis(250)));
        assert!(d("15").is_err());
        assert!(d("fast").is_err());
        assert!(d("5x").is_err());
        assert!(d("").is_err());
        assert!(d("99999999999999999999999d").is_err());
    }

    #[test]
    fn sizes() {
        let b = |s| ByteSize::parse(s).map(|b| b.0);
        assert_eq!(b("10MiB"), Ok(10 << 20));
        assert_eq!(b("256MiB"), Ok(256 << 20));
        assert_eq!(b("500KB"), Ok(500_000));
        assert_eq!(b("1024"), Ok(1024));
        assert!(b("10 parsecs").is_err());
        assert!(b("MiB").is_err());
        assert!(b("99999999999GiB").is_err());
    }

    #[test]
    fn formats_round_trip() {
        assert_eq!(format_duration(Duration::from_secs(5400)), "1h30m");
        assert_eq!(format_duration(Duration::from_millis(250)), "250ms");
        assert_eq!(ByteSize(10 << 20).to_string(), "10MiB");
    }
}
