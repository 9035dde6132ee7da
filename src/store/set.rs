// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The merged indicator set: one entry per `(type, value)`, holding every source's
//! sighting of it. A source's fetch replaces that source's sightings and nothing else.

use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::Arc;

use hashbrown::DefaultHashBuilder;
use hashbrown::HashTable;
use jiff::Timestamp;
use smallvec::{SmallVec, smallvec};

use super::enriched::Enrichments;
use crate::model::time::Secs;
use crate::model::{Enrichment, IndicatorType, Observation, Sighting};

/// What [`Store::replace_source`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Replaced {
    /// Distinct indicators the source now holds.
    pub count: usize,
    /// Tombstones were removed, so entry positions changed: row lists must be rebuilt.
    pub compacted: bool,
}

/// A source's index in the store's source table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SourceId(pub u16);

/// One observation per source, ordered by source id. Most indicators come from one
/// source, and that one is kept inline: no allocation of its own.
pub type Sightings = SmallVec<[(SourceId, Observation); 1]>;

/// One merged indicator.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub kind: IndicatorType,
    /// How far it is trusted now, 0–100, as of the last [`Store::rescore`] (0 before it:
    /// see [`crate::trust::score`]).
    pub score: u8,
    pub value: Box<str>,
    pub sightings: Sightings,
}

impl Entry {
    pub fn source_ids(&self) -> impl Iterator<Item = SourceId> + '_ {
        self.sightings.iter().map(|(id, _)| *id)
    }

    pub fn has_source(&self, id: SourceId) -> bool {
        self.sightings.iter().any(|(s, _)| *s == id)
    }

    /// The earliest date any source gives (a first or a last sighting): a source that
    /// only says it saw the value last in February saw it by February.
    pub fn first_seen(&self) -> Option<Timestamp> {
        self.dates().min().map(Secs::timestamp)
    }

    /// The latest date any source gives (a first or a last sighting): a source whose
    /// only date is a first sighting in March saw the value in March. So `first_seen ≤
    /// last_seen` always, and both are the span of the sightings' dates.
    pub fn last_seen(&self) -> Option<Timestamp> {
        self.dates().max().map(Secs::timestamp)
    }

    /// Every date of every sighting.
    pub(crate) fn dates(&self) -> impl Iterator<Item = Secs> + '_ {
        self.sightings
            .iter()
            .flat_map(|(_, o)| [o.first_seen, o.last_seen])
            .flatten()
    }

    /// The first source's threat name that is known.
    pub fn threat(&self) -> Option<&Arc<str>> {
        self.sightings.iter().find_map(|(_, o)| o.threat.as_ref())
    }

    pub fn confidence(&self) -> Option<u8> {
        self.sightings
            .iter()
            .filter_map(|(_, o)| o.confidence)
            .max()
    }

    pub fn tags(&self) -> Vec<&Arc<str>> {
        union(self.sightings.iter().flat_map(|(_, o)| o.tags.iter()))
    }

    pub fn references(&self) -> Vec<&Arc<str>> {
        union(self.sightings.iter().flat_map(|(_, o)| o.references.iter()))
    }

    pub fn ports(&self) -> Vec<u16> {
        let mut p: Vec<u16> = self
            .sightings
            .iter()
            .flat_map(|(_, o)| o.ports.iter().copied())
            .collect();
        p.sort_unstable();
        p.dedup();
        p
    }
}

fn union<'a>(items: impl Iterator<Item = &'a Arc<str>>) -> Vec<&'a Arc<str>> {
    let mut out: Vec<&Arc<str>> = Vec::new();
    for t in items {
        if !out.iter().any(|o| ***o == **t) {
            out.push(t);
        }
    }
    out
}

/// The merged set, with a hash index on `(type, value)`.
///
/// Entry positions are stable: when a source drops an indicator no other source holds,
/// its slot stays as an empty tombstone (skipped by [`Store::iter`]) so row lists built
/// earlier still point at the right entries. [`Store::replace_source`] compacts once
/// tombstones outnumber live entries, and says so.
#[derive(Default, Clone)]
pub struct Store {
    sources: Vec<Arc<str>>,
    entries: Vec<Entry>,
    index: HashTable<u32>,
    hasher: DefaultHashBuilder,
    dead: usize,
    /// Entries each source holds, by source id: a source that holds none is replaced
    /// without a pass over the table.
    held: Vec<usize>,
    /// Look-up services' answers about the entries' values: their enrichment, never
    /// one of their sightings.
    enrichments: Enrichments,
    /// Entries scoring below this are decayed (the last rescore's threshold; 0 until
    /// then).
    expire_below: u8,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("sources", &self.sources)
            .field("entries", &self.entries.len())
            .finish()
    }
}

fn key_hash(h: &DefaultHashBuilder, kind: IndicatorType, value: &str) -> u64 {
    let mut s = h.build_hasher();
    kind.hash(&mut s);
    value.hash(&mut s);
    s.finish()
}

impl Store {
    pub fn new() -> Self {
        Self::default()
    }

    /// The id of source `name`, registering it on first use.
    pub fn source_id(&mut self, name: &str) -> SourceId {
        if let Some(i) = self.sources.iter().position(|s| &**s == name) {
            return SourceId(i as u16);
        }
        self.sources.push(Arc::from(name));
        SourceId((self.sources.len() - 1) as u16)
    }

    pub fn find_source(&self, name: &str) -> Option<SourceId> {
        self.sources
            .iter()
            .position(|s| &**s == name)
            .map(|i| SourceId(i as u16))
    }

    pub fn source_name(&self, id: SourceId) -> &str {
        self.sources.get(usize::from(id.0)).map_or("?", |s| s)
    }

    pub fn source_names(&self) -> &[Arc<str>] {
        &self.sources
    }

    /// The look-up services' answers about the values held (and about values no source
    /// holds any more: an answer outlives a refresh).
    pub fn enrichments(&self) -> &Enrichments {
        &self.enrichments
    }

    /// Keeps a look-up service's answer as its value's enrichment (replacing the same
    /// service's older answer). Changes no entry: no source, tag or date.
    pub fn enrich(&mut self, answer: Enrichment) {
        self.enrichments.put(answer);
    }

    /// Every slot, to score in place.
    pub(super) fn entries_mut(&mut self) -> &mut [Entry] {
        &mut self.entries
    }

    /// The score below which an entry is decayed.
    pub fn expire_below(&self) -> u8 {
        self.expire_below
    }

    pub(super) fn set_expire_below(&mut self, below: u8) {
        self.expire_below = below;
    }

    /// Live entries.
    pub fn len(&self) -> usize {
        self.entries.len() - self.dead
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every slot, tombstones (entries without sightings) included.
    pub fn slots(&self) -> &[Entry] {
        #[cfg(test)]
        reads::add(self.entries.len());
        &self.entries
    }

    /// Live entries with their positions.
    pub fn iter(&self) -> impl Iterator<Item = (usize, &Entry)> + '_ {
        let slots = self.entries.iter();
        #[cfg(test)]
        let slots = slots.inspect(|_| reads::add(1));
        slots.enumerate().filter(|(_, e)| !e.sightings.is_empty())
    }

    /// The live entry at `idx`.
    pub fn get(&self, idx: usize) -> Option<&Entry> {
        #[cfg(test)]
        reads::add(1);
        self.entries.get(idx).filter(|e| !e.sightings.is_empty())
    }

    /// The position of `(kind, value)`.
    pub fn find(&self, kind: IndicatorType, value: &str) -> Option<usize> {
        let h = key_hash(&self.hasher, kind, value);
        self.index
            .find(h, |&i| {
                let e = &self.entries[i as usize];
                e.kind == kind && &*e.value == value
            })
            .map(|&i| i as usize)
    }

    /// How many entries `id` contributes to.
    pub fn count_for(&self, id: SourceId) -> usize {
        self.held.get(usize::from(id.0)).copied().unwrap_or(0)
    }

    /// The live position of `(kind, value)`.
    pub fn find_live(&self, kind: IndicatorType, value: &str) -> Option<usize> {
        self.find(kind, value).filter(|&i| self.get(i).is_some())
    }

    /// Adds one sighting by `id`, folding it into an existing observation by the same
    /// source of the same key. Returns `true` if `id` did not hold this key before.
    pub fn add(&mut self, id: SourceId, s: Sighting) -> bool {
        let h = key_hash(&self.hasher, s.kind, &s.value);
        let entries = &self.entries;
        let found = self
            .index
            .find(h, |&i| {
                let e = &entries[i as usize];
                e.kind == s.kind && e.value == s.value
            })
            .copied();
        match found {
            Some(i) => {
                let e = &mut self.entries[i as usize];
                if e.sightings.is_empty() {
                    self.dead -= 1;
                }
                match e.sightings.binary_search_by_key(&id, |(sid, _)| *sid) {
                    Ok(pos) => {
                        e.sightings[pos].1.absorb(s.obs);
                        false
                    }
                    Err(pos) => {
                        e.sightings.insert(pos, (id, s.obs));
                        self.hold(id);
                        true
                    }
                }
            }
            None => {
                let i = self.entries.len() as u32;
                self.entries.push(Entry {
                    kind: s.kind,
                    score: 0,
                    value: s.value,
                    sightings: smallvec![(id, s.obs)],
                });
                let hasher = &self.hasher;
                let entries = &self.entries;
                self.index.insert_unique(h, i, |&j| {
                    let e = &entries[j as usize];
                    key_hash(hasher, e.kind, &e.value)
                });
                self.hold(id);
                true
            }
        }
    }

    /// Counts one more entry held by `id`.
    fn hold(&mut self, id: SourceId) {
        let i = usize::from(id.0);
        if self.held.len() <= i {
            self.held.resize(i + 1, 0);
        }
        self.held[i] += 1;
    }

    /// Replaces everything source `id` said with `sightings`.
    pub fn replace_source(&mut self, id: SourceId, sightings: Vec<Sighting>) -> Replaced {
        let held = self.remove_source(id);
        // A refresh mostly finds the keys it held before; reserve only for the growth, so
        // a refreshed source does not double the table.
        self.reserve(sightings.len().saturating_sub(held));
        let mut count = 0;
        for s in sightings {
            count += usize::from(self.add(id, s));
        }
        let compacted = self.dead > 1024 && self.dead > self.len();
        if compacted {
            self.compact();
        }
        Replaced { count, compacted }
    }

    /// Drops every sighting by `id`; entries no other source holds become tombstones.
    /// Returns how many entries `id` held.
    pub fn remove_source(&mut self, id: SourceId) -> usize {
        match self.held.get_mut(usize::from(id.0)) {
            Some(n) if *n > 0 => *n = 0,
            // Nothing to drop: no pass over a million entries.
            _ => return 0,
        }
        let mut held = 0;
        for e in &mut self.entries {
            if let Ok(pos) = e.sightings.binary_search_by_key(&id, |(sid, _)| *sid) {
                held += 1;
                e.sightings.remove(pos);
                if e.sightings.is_empty() {
                    self.dead += 1;
                }
            }
        }
        held
    }

    /// Removes tombstones; entry positions change.
    pub fn compact(&mut self) {
        if self.dead > 0 {
            self.entries.retain(|e| !e.sightings.is_empty());
            self.dead = 0;
            self.rebuild_index();
        }
    }

    /// Entries the table holds room for.
    pub fn capacity(&self) -> usize {
        self.entries.capacity()
    }

    /// Room for `additional` more entries without growing the table or the index.
    pub fn reserve(&mut self, additional: usize) {
        // Exact: entries are large, and a doubled table would hold a third of them unused.
        self.entries.reserve_exact(additional);
        let hasher = &self.hasher;
        let entries = &self.entries;
        self.index.reserve(additional, |&j| {
            let e = &entries[j as usize];
            key_hash(hasher, e.kind, &e.value)
        });
    }

    fn rebuild_index(&mut self) {
        let mut index = HashTable::with_capacity(self.entries.len());
        for (i, e) in self.entries.iter().enumerate() {
            let h = key_hash(&self.hasher, e.kind, &e.value);
            let entries = &self.entries;
            let hasher = &self.hasher;
            index.insert_unique(h, i as u32, |&j: &u32| {
                let e = &entries[j as usize];
                key_hash(hasher, e.kind, &e.value)
            });
        }
        self.index = index;
    }
}

/// Entries read on this thread through [`Store::get`], [`Store::iter`] and
/// [`Store::slots`] (the last counts every slot), in unit tests only: a test
/// can prove that a frame reads the rows on screen and no others.
#[cfg(test)]
pub(crate) mod reads {
    use std::cell::Cell;

    thread_local! {
        static READS: Cell<usize> = const { Cell::new(0) };
    }

    pub(crate) fn add(n: usize) {
        READS.with(|r| r.set(r.get().saturating_add(n)));
    }

    /// Entries read since the last call.
    pub(crate) fn take() -> usize {
        READS.with(|r| r.replace(0))
    }
}

#[cfg(test)]
mod tests;
