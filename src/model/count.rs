// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Counts as the program prints them, in one style everywhere: digits grouped by
//! thousands with commas (`499,990`), and the noun in the singular for one
//! (`1 indicator`, `2 indicators`).

/// `n` with its digits grouped by thousands: `0`, `999`, `1,000`, `499,990`.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// `n` grouped, then `one` for exactly one, else `many`: `1 source`, `3 sources`,
/// `12,000 entries`.
pub fn nouns(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", grouped(n), if n == 1 { one } else { many })
}

/// [`nouns`] of a noun whose plural adds `s`: `1 indicator`, `2 indicators`.
pub fn noun(n: u64, one: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{} {one}s", grouped(n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_grouped_and_one_is_singular() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(499_990), "499,990");
        assert_eq!(grouped(1_000_000), "1,000,000");
        assert_eq!(grouped(u64::MAX), "18,446,744,073,709,551,615");
        assert_eq!(noun(1, "indicator"), "1 indicator");
        assert_eq!(noun(0, "indicator"), "0 indicators");
        assert_eq!(noun(12_000, "source"), "12,000 sources");
        assert_eq!(nouns(1, "entry", "entries"), "1 entry");
        assert_eq!(nouns(2, "entry", "entries"), "2 entries");
    }
}
