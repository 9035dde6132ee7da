// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Short human texts for the screen: relative times, counts.

use std::fmt;

use jiff::Timestamp;

/// `just now`, `5m ago`, `3h ago`, `2d ago`.
pub fn ago(now: Timestamp, then: Timestamp) -> String {
    let mut out = String::new();
    let _ = write_ago(&mut out, now, then);
    out
}

/// [`ago`], written to `w` without allocating.
pub fn write_ago(w: &mut impl fmt::Write, now: Timestamp, then: Timestamp) -> fmt::Result {
    let secs = now.as_second() - then.as_second();
    match secs {
        s if s < 60 => w.write_str("just now"),
        s if s < 3_600 => write!(w, "{}m ago", s / 60),
        s if s < 86_400 => write!(w, "{}h ago", s / 3_600),
        s => write!(w, "{}d ago", s / 86_400),
    }
}

/// `in 8m`, `in 2h`, `due` for past times.
pub fn until(now: Timestamp, then: Timestamp) -> String {
    let secs = then.as_second() - now.as_second();
    if secs < 60 {
        "due".into()
    } else {
        format!("in {}", span(secs))
    }
}

fn span(secs: i64) -> String {
    match secs {
        s if s < 3_600 => format!("{}m", s / 60),
        s if s < 86_400 => format!("{}h", s / 3_600),
        s => format!("{}d", s / 86_400),
    }
}

/// `1,234,567`.
pub fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `2026-11-27` for the table; the full time in details.
pub fn date(ts: Timestamp) -> String {
    let mut out = String::new();
    let _ = write_date(&mut out, ts);
    out
}

/// [`date`], written to `w` without allocating.
pub fn write_date(w: &mut impl fmt::Write, ts: Timestamp) -> fmt::Result {
    let d = jiff::tz::Offset::UTC.to_datetime(ts).date();
    write!(w, "{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_times_and_counts() {
        let t = |s: i64| Timestamp::from_second(1_800_000_000 + s).unwrap();
        assert_eq!(ago(t(100), t(90)), "just now");
        assert_eq!(ago(t(400), t(100)), "5m ago");
        assert_eq!(ago(t(7_300), t(100)), "2h ago");
        assert_eq!(ago(t(200_000), t(0)), "2d ago");
        assert_eq!(until(t(0), t(480)), "in 8m");
        assert_eq!(until(t(500), t(480)), "due");
        assert_eq!(date(t(0)), "2027-01-15");
        assert_eq!(
            date(Timestamp::from_second(-86_400 * 365).unwrap()),
            "1969-01-01"
        );
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1_234_567), "1,234,567");
    }
}
