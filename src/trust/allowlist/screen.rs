// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Which entries of the merged set the lists hold: worked out once per change of the
//! set, on every core, for `fetch`'s export, the dashboard's marks and the export
//! prompt.

use hashbrown::HashMap;

use crate::matching::warninglist::Warninglists;
use crate::store::{Entry, Store};

/// Below this many slots one thread is quicker than starting others.
const PARALLEL_FROM: usize = 8192;

/// The entries of one store that lists hold, by slot ([`Store::slots`]), with the
/// position of the list (in [`Warninglists`] order) that holds each, and how many each
/// list holds. Kept beside the store rather than in its entries: slots stay an entry's
/// until the store is compacted ([`crate::store::Replaced::compacted`]), and a store that
/// changes is screened again.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Screened {
    listed: HashMap<u32, u16>,
    counts: Vec<usize>,
}

impl Screened {
    /// Screens every live entry of `store` against `lists`, on up to
    /// `available_parallelism` threads.
    pub fn of(store: &Store, lists: &Warninglists) -> Screened {
        let slots = store.slots();
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let part = |base: usize, entries: &[Entry]| -> Vec<(u32, u16)> {
            let mut out = Vec::new();
            for (i, e) in entries.iter().enumerate() {
                if e.sightings.is_empty() {
                    continue;
                }
                if let Some(list) = lists.suppresses(e.kind, &e.value)
                    && let (Ok(slot), Ok(list)) = (u32::try_from(base + i), u16::try_from(list))
                {
                    out.push((slot, list));
                }
            }
            out
        };
        let found: Vec<(u32, u16)> = if threads < 2 || slots.len() < PARALLEL_FROM {
            part(0, slots)
        } else {
            let per = slots.len().div_ceil(threads);
            std::thread::scope(|scope| {
                let handles: Vec<_> = slots
                    .chunks(per)
                    .enumerate()
                    .map(|(k, chunk)| scope.spawn(move || part(k * per, chunk)))
                    .collect();
                let mut all = Vec::new();
                for (k, h) in handles.into_iter().enumerate() {
                    match h.join() {
                        Ok(v) => all.extend(v),
                        // A list that panicked on a value: that part again, value by
                        // value, so only the value that panics goes unscreened.
                        Err(_) => {
                            let start = k * per;
                            let end = (start + per).min(slots.len());
                            for i in start..end {
                                let one =
                                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                                        part(i, &slots[i..=i])
                                    }));
                                all.extend(one.unwrap_or_default());
                            }
                        }
                    }
                }
                all
            })
        };
        let mut counts = vec![0; lists.len()];
        let mut listed = HashMap::with_capacity(found.len());
        for (slot, list) in found {
            if let Some(n) = counts.get_mut(usize::from(list)) {
                *n += 1;
            }
            listed.insert(slot, list);
        }
        Screened { listed, counts }
    }

    /// The list (its position in [`Warninglists`]) that holds the entry at `slot`.
    pub fn list_of(&self, slot: usize) -> Option<usize> {
        let slot = u32::try_from(slot).ok()?;
        self.listed.get(&slot).map(|&l| usize::from(l))
    }

    /// Whether a list holds the entry at `slot`.
    pub fn holds(&self, slot: usize) -> bool {
        self.list_of(slot).is_some()
    }

    /// Entries held, per list, in list order.
    pub fn counts(&self) -> &[usize] {
        &self.counts
    }

    /// Entries some list holds.
    pub fn len(&self) -> usize {
        self.listed.len()
    }

    pub fn is_empty(&self) -> bool {
        self.listed.is_empty()
    }
}
