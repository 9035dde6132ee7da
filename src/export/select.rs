// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Which indicators an export takes: [`TypeSet`], the indicator types of `--type
//! ipv4,domain` (and of the export prompt's Types field), and [`select`], which keeps
//! the entries of those types and counts the others as cut.

use std::fmt;
use std::str::FromStr;

use super::Cut;
use crate::model::IndicatorType;
use crate::store::set::Entry;

/// A set of indicator types; empty means every type (no filter).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct TypeSet(u16);

impl TypeSet {
    /// No filter: every type.
    pub const ALL: TypeSet = TypeSet(0);

    fn bit(kind: IndicatorType) -> u16 {
        let i = IndicatorType::ALL
            .iter()
            .position(|t| *t == kind)
            .unwrap_or(0);
        1 << i
    }

    /// The set of `kinds` (empty: every type).
    pub fn of(kinds: &[IndicatorType]) -> Self {
        TypeSet(kinds.iter().fold(0, |acc, k| acc | Self::bit(*k)))
    }

    /// Whether this is no filter at all.
    pub fn is_all(self) -> bool {
        self.0 == 0
    }

    /// Whether `kind` passes.
    pub fn contains(self, kind: IndicatorType) -> bool {
        self.is_all() || self.0 & Self::bit(kind) != 0
    }

    /// The types in the set, in [`IndicatorType::ALL`]'s order (every type for
    /// [`TypeSet::ALL`]).
    pub fn kinds(self) -> impl Iterator<Item = IndicatorType> {
        IndicatorType::ALL
            .into_iter()
            .filter(move |k| self.contains(*k))
    }
}

/// `ipv4,domain` (the form `--type` takes); empty for every type.
impl fmt::Display for TypeSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_all() {
            return Ok(());
        }
        let names: Vec<&str> = self.kinds().map(IndicatorType::as_str).collect();
        f.write_str(&names.join(","))
    }
}

/// Reads `ipv4,domain` (case-insensitive, spaces around names ignored); an empty
/// string is every type. Errors: an unknown name, one line listing the known ones.
impl FromStr for TypeSet {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut kinds = Vec::new();
        for name in s.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            kinds.push(
                name.parse::<IndicatorType>()
                    .map_err(|e| crate::model::sanitize::one_line(&e, 200))?,
            );
        }
        Ok(TypeSet::of(&kinds))
    }
}

/// The entries of `types`, in order; the others are counted in `cut`.
pub fn select<'a>(
    types: TypeSet,
    entries: impl Iterator<Item = &'a Entry>,
    cut: &mut Cut,
) -> Vec<&'a Entry> {
    if types.is_all() {
        return entries.collect();
    }
    let mut others = 0;
    let kept = entries
        .filter(|e| {
            let keep = types.contains(e.kind);
            others += usize::from(!keep);
            keep
        })
        .collect();
    cut.add(&format!("of other types (--type {types})"), others);
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_read_and_print_as_the_flag_takes_them() {
        let t: TypeSet = " IPv4, domain ,,cidr".parse().unwrap();
        assert_eq!(t.to_string(), "ipv4,cidr,domain");
        assert!(t.contains(IndicatorType::Cidr) && !t.contains(IndicatorType::Url));
        let all: TypeSet = "".parse().unwrap();
        assert!(all.is_all() && all.contains(IndicatorType::Cve));
        assert_eq!(all.kinds().count(), IndicatorType::ALL.len());
        let e = "ipv4,host".parse::<TypeSet>().unwrap_err();
        assert!(e.starts_with("unknown indicator type `host`"), "{e}");
        let e = "a\nb".parse::<TypeSet>().unwrap_err();
        assert!(!e.contains('\n'), "{e}");
        for k in IndicatorType::ALL {
            assert_eq!(TypeSet::of(&[k]).to_string(), k.as_str());
        }
    }
}
