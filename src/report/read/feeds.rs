// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Sections 3 and 4: feed efficacy (which sources' indicators our logs hit) and feed
//! overlap (which sources hold the same indicators, and which the lists name).

use std::collections::HashSet;

use hashbrown::HashMap;

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
    /// Distinct indicators per source, in `sets` order.
    pub per_source: Vec<u64>,
}

impl<'a> Union<'a> {
    pub fn of(sets: &'a [(String, Vec<crate::model::Sighting>)]) -> Union<'a> {
        let n: usize = sets.iter().map(|(_, s)| s.len()).sum();
        let mut map: HashMap<(IndicatorType, &str), Held> = HashMap::with_capacity(n);
        let mut per_source = vec![0_u64; sets.len()];
        for (i, (_, sightings)) in sets.iter().enumerate() {
            let bit = if i < MAX_OVERLAP_SOURCES { 1 << i } else { 0 };
            // Past 64 sources, a source's own keys are told apart with a set of its own.
            let mut own: Option<HashSet<(IndicatorType, &str)>> = (bit == 0).then(HashSet::new);
            for s in sightings {
                let first = s.obs.first_seen.map(|f| f.as_second());
                let e = map
                    .entry((s.kind, &s.value))
                    .or_insert(Held { mask: 0, first });
                let fresh = match own.as_mut() {
                    Some(own) => own.insert((s.kind, &s.value)),
                    None => e.mask & bit == 0,
                };
                per_source[i] += u64::from(fresh);
                e.mask |= bit;
                e.first = match (e.first, first) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
            }
        }
        Union { map, per_source }
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
        .zip(&union.per_source)
        .map(|((name, _), held)| Efficacy {
            source: name.clone(),
            indicators: *held,
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

/// Below this many indicators per thread, one thread is quicker than starting others.
const PARALLEL_FROM: usize = 16_384;

/// Section 4's counts over part of the union.
struct Tally {
    shared: Vec<Vec<u64>>,
    unique: Vec<u64>,
    warned: Vec<u64>,
    allowed: Vec<u64>,
}

impl Tally {
    fn new(n: usize) -> Tally {
        Tally {
            shared: vec![vec![0; n]; n],
            unique: vec![0; n],
            warned: vec![0; n],
            allowed: vec![0; n],
        }
    }

    /// Counts `entries`: the pairs each is shared by, whether one source alone holds
    /// it, and the first list holding it (warninglists first).
    fn of(entries: &[(&(IndicatorType, &str), &Held)], n: usize, lists: &Warninglists) -> Tally {
        let mut t = Tally::new(n);
        let warninglists = lists.warninglists();
        let screen = !lists.is_empty();
        for &(&(kind, value), held) in entries {
            let mask = held.mask;
            let listed = if screen {
                lists.suppresses(kind, value)
            } else {
                None
            };
            for i in bits(mask) {
                for j in bits(mask) {
                    t.shared[i][j] += 1;
                }
                match listed {
                    Some(l) if l < warninglists => t.warned[i] += 1,
                    Some(_) => t.allowed[i] += 1,
                    None => {}
                }
            }
            if mask.count_ones() == 1 {
                t.unique[mask.trailing_zeros() as usize] += 1;
            }
        }
        t
    }

    fn add(&mut self, other: &Tally) {
        for (a, b) in self.shared.iter_mut().zip(&other.shared) {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
        for (a, b) in [
            (&mut self.unique, &other.unique),
            (&mut self.warned, &other.warned),
            (&mut self.allowed, &other.allowed),
        ] {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
    }
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

/// Section 4: the shared-indicator matrix, each source's unique share and what the
/// lists name. A value is counted on the first list holding it, warninglists first.
pub(crate) fn overlap(loaded: &Loaded, union: &Union<'_>, lists: &Warninglists) -> Overlap {
    let n = loaded.sets.len().min(MAX_OVERLAP_SOURCES);
    let entries: Vec<(&(IndicatorType, &str), &Held)> = union.map.iter().collect();
    let threads = std::thread::available_parallelism().map_or(1, |t| t.get());
    let part = entries.len().div_ceil(threads).max(PARALLEL_FROM);
    let tallies: Vec<Tally> = std::thread::scope(|scope| {
        let handles: Vec<_> = entries
            .chunks(part)
            .map(|chunk| scope.spawn(move || Tally::of(chunk, n, lists)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Tally::new(n)))
            .collect()
    });
    let mut t = Tally::new(n);
    for other in tallies {
        t.add(&other);
    }
    let Tally {
        shared,
        unique,
        warned,
        allowed,
    } = t;
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
