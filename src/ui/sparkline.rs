// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! A source's recent fetch counts as a one-line sparkline.

use super::glyphs::{Glyphs, UNICODE};
use crate::store::health::FetchRecord;

/// The counts of the last `width` fetches as block bars; failed fetches as `╳`.
pub fn sparkline(history: &[FetchRecord], width: usize) -> String {
    sparkline_with(history, width, &UNICODE)
}

/// [`sparkline`] drawn with the bars of `glyphs` (the ASCII set's `_.,:-=*#` and `x`).
pub fn sparkline_with(history: &[FetchRecord], width: usize, glyphs: &Glyphs) -> String {
    let bars = &glyphs.bars;
    let recent = &history[history.len().saturating_sub(width)..];
    let max = recent.iter().map(|r| r.count).max().unwrap_or(0).max(1);
    recent
        .iter()
        .map(|r| {
            if r.outcome.is_success() {
                bars[(r.count * (bars.len() - 1))
                    .div_ceil(max)
                    .min(bars.len() - 1)]
            } else {
                glyphs.failed_bar
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::health::FetchOutcome;

    fn r(outcome: FetchOutcome, count: usize) -> FetchRecord {
        FetchRecord {
            at: jiff::Timestamp::UNIX_EPOCH,
            outcome,
            count,
            bytes: 0,
            duration: std::time::Duration::ZERO,
            skipped: 0,
        }
    }

    #[test]
    fn sparklines() {
        use FetchOutcome::*;
        let h = [
            r(Ok, 0),
            r(Ok, 50),
            r(Ok, 100),
            r(NetworkError, 100),
            r(NotModified, 100),
        ];
        assert_eq!(sparkline(&h, 10), "▁▅█╳█");
        assert_eq!(sparkline(&h, 2), "╳█");
        assert_eq!(sparkline(&[], 5), "");
        assert_eq!(
            sparkline_with(&h, 10, &super::super::glyphs::ASCII),
            "_-#x#"
        );
    }
}
