// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Sections 3 and 4: feed efficacy (which sources' indicators our logs hit) and feed
//! overlap (which sources hold the same indicators, and which the lists name).

use std::collections::{HashMap, HashSet};

use jiff::Timestamp;

use super::{Loaded, Query, key};
use crate::matching::Warninglists;
use crate::model::IndicatorType;
use crate::report::model::{Efficacy, Overlap, SourceOverlap};
use crate::trust::triage::Verdict;

/// The most sources the overlap tells apart (one bit each); further sources count in
/// the totals but not the matrix.
pub const MAX_OVERLAP_SOURCES: usize = 64;

/// One distinct indicator of the covered sources.
#[derive(Clone, Copy)]
pub(crate) struct Held {
    /// Bit `i`: `sets[i]` holds it.
    pub mask: u64,
    /// The earliest first sighting any covered source gives, Unix seconds.
    pub first: Option<i64>,
}

/// Every distinct indicator the covered sources hold, with who holds it.
pub(crate) struct Union<'a> {
    pub map: HashMap<(IndicatorType, &'a str), Held>,
}

impl<'a> Union<'a> {
    pub fn of(sets: &'a [(String, Vec<crate::model::Sighting>)]) -> Union<'a> {
        let n: usize = sets.iter().map(|(_, s)| s.len()).sum();
        let mut map: HashMap<(IndicatorType, &str), Held> = HashMap::with_capacity(n);
        for (i, (_, sightings)) in sets.iter().enumerate() {
            let bit = if i < MAX_OVERLAP_SOURCES { 1 << i } else { 0 };
            for s in sightings {
                let first = s.obs.first_seen.map(|f| f.as_second());
                let e = map.entry((s.kind, &s.value)).or_insert(Held {
                    mask: 0,
                    first,
                });
                e.mask |= bit;
                e.first = match (e.first, first) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
            }
        }
        Union { map }
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Indicators whose earliest first sighting is in `[from, to)`.
    pub fn new_in(&self, from: Timestamp, to: Timestamp) -> u64 {
        let (f, t) = (from.as_second(), to.as_second());
        self.map
            .values()
            .filter(|h| h.first.is_some_and(|s| s >= f && s < t))
            .count() as u64
    }

    pub fn mask(&self, kind: IndicatorType, value: &str) -> u64 {
        self.map.get(&(kind, value)).map_or(0, |h| h.mask)
    }
}

/// Section 3, one row per covered source.
pub(crate) fn efficacy(loaded: &Loaded, union: &Union<'_>, query: &Query) -> Vec<Efficacy> {
    let mut rows: Vec<Efficacy> = loaded
        .sets
        .iter()
        .map(|(name, s)| Efficacy {
            source: name.clone(),
            indicators: distinct(s),
            indicators_hit: 0,
            hits_per_10k: 0.0,
            hits: 0,
            confirmed: 0,
            false_positives: 0,
            retro_finds: 0,
        })
        .collect();
    let (from, to) = (query.from, query.to);
    let mut ever: HashSet<(IndicatorType, &str)> = HashSet::new();
    for (_, hit) in &loaded.hits {
        let k = key(hit);
        let mask = union.mask(k.0, k.1);
        if mask == 0 {
            continue;
        }
        ever.insert(k);
        let in_period = hit.at >= from && hit.at < to;
        let retro = hit.retro && hit.found >= from && hit.found < to;
        for i in bits(mask) {
            rows[i].hits += u64::from(in_period);
            rows[i].retro_finds += u64::from(retro);
        }
    }
    for (kind, value) in ever {
        let mask = union.mask(kind, value);
        let verdict = loaded.triage.on_indicator(kind, value);
        for i in bits(mask) {
            let row = &mut rows[i];
            row.indicators_hit += 1;
            match verdict {
                Some(Verdict::TruePositive) => row.confirmed += 1,
                Some(Verdict::FalsePositive) => row.false_positives += 1,
                None => {}
            }
        }
    }
    for row in &mut rows {
        row.hits_per_10k = per_10k(row.indicators_hit, row.indicators);
    }
    rows
}

/// The positions of `mask`'s set bits, lowest first.
fn bits(mut mask: u64) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        (mask != 0).then(|| {
            let i = mask.trailing_zeros() as usize;
            mask &= mask - 1;
            i
        })
    })
}

/// `part · 10 000 / whole`; 0 when `whole` is 0.
pub fn per_10k(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 * 10_000.0 / whole as f64
    }
}

/// Distinct (type, value) keys in one source's set.
fn distinct(s: &[crate::model::Sighting]) -> u64 {
    s.iter()
        .map(|x| (x.kind, &*x.value))
        .collect::<HashSet<_>>()
        .len() as u64
}

/// Section 4: the shared-indicator matrix, each source's unique share and what the
/// lists name. A value is counted on the first list holding it, warninglists first.
pub(crate) fn overlap(loaded: &Loaded, union: &Union<'_>, lists: &Warninglists) -> Overlap {
    let n = loaded.sets.len().min(MAX_OVERLAP_SOURCES);
    let mut shared = vec![vec![0_u64; n]; n];
    let mut unique = vec![0_u64; n];
    let mut warned = vec![0_u64; n];
    let mut allowed = vec![0_u64; n];
    let warninglists = lists.warninglists();
    let screen = !lists.is_empty();
    for (&(kind, value), held) in &union.map {
        let mask = held.mask;
        let listed = if screen {
            lists.suppresses(kind, value)
        } else {
            None
        };
        for i in bits(mask) {
            for j in bits(mask) {
                shared[i][j] += 1;
            }
            match listed {
                Some(l) if l < warninglists => warned[i] += 1,
                Some(_) => allowed[i] += 1,
                None => {}
            }
        }
        if mask.count_ones() == 1 {
            unique[mask.trailing_zeros() as usize] += 1;
        }
    }
    let sources: Vec<String> = loaded.sets.iter().take(n).map(|(s, _)| s.clone()).collect();
    let per_source = sources
        .iter()
        .enumerate()
        .map(|(i, s)| SourceOverlap {
            source: s.clone(),
            unique: unique[i],
            unique_percent: if shared[i][i] == 0 {
                0.0
            } else {
                unique[i] as f64 * 100.0 / shared[i][i] as f64
            },
            on_warninglists: warned[i],
            on_allowlists: allowed[i],
        })
        .collect();
    Overlap {
        sources,
        shared,
        per_source,
    }
}
