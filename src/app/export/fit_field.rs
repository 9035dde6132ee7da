// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The export prompt's Fit field: `fetch`'s `--min-score N` and `--max N`, typed as
//! `score>=60 max=10000` (either, both, or nothing).

use crate::model::sanitize::one_line;

/// The longest Fit the prompt takes, in characters.
pub const FIT_MAX: usize = 60;

/// What the Fit field asks for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Typed {
    /// The lowest score kept (`score>=N`, `score>N`).
    pub min_score: Option<u8>,
    /// At most this many, the best by score (`max=N`).
    pub max: Option<usize>,
}

/// Reads the Fit field: words `score>=N` or `score>N` (0–100) and `max=N`, in any
/// order, separated by spaces; empty for no cut.
///
/// # Errors
/// A word that is neither, or a number out of range: one line naming it.
pub fn parse_fit(typed: &str) -> Result<Typed, String> {
    let mut out = Typed::default();
    for word in typed.split_whitespace() {
        if let Some(n) = word
            .strip_prefix("max=")
            .or_else(|| word.strip_prefix("MAX="))
        {
            out.max = Some(n.parse().map_err(|_| {
                format!("max={}: give a whole number of indicators", one_line(n, 20))
            })?);
            continue;
        }
        let (text, range) = crate::store::filter::score_terms(word);
        match range {
            Some((lo, 100)) if text.is_empty() && lo <= 100 => out.min_score = Some(lo),
            _ => {
                return Err(format!(
                    "fit: `{}` is not score>=N (0-100) or max=N",
                    one_line(word, 40)
                ));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_and_a_maximum_read_in_any_order() {
        assert_eq!(parse_fit("").unwrap(), Typed::default());
        assert_eq!(
            parse_fit("  max=10000   score>=60 ").unwrap(),
            Typed {
                min_score: Some(60),
                max: Some(10_000)
            }
        );
        assert_eq!(parse_fit("score>59").unwrap().min_score, Some(60));
        assert_eq!(parse_fit("max=0").unwrap().max, Some(0));
        for bad in [
            "score<30",
            "max=-1",
            "max=ten",
            "score>=101",
            "top=5",
            "score=50",
        ] {
            let e = parse_fit(bad).unwrap_err();
            assert!(!e.contains('\n'), "{e}");
        }
        assert!(!parse_fit("max=\u{1b}[31m").unwrap_err().contains('\u{1b}'));
    }
}
