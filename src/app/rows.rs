// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The store lease and the filter job, modelled on an async single job: at most one
//! filter runs on a worker at a time, and a newer request cancels it and runs once it
//! ends (the latest request wins). While any worker (a filter or an export) holds the
//! store, changes to it wait in a queue and are replayed, in order, on release.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::{App, Effect, INLINE_FILTER_MAX};
use crate::model::{Enrichment, Sighting};
use crate::store::Store;
use crate::store::filter::{self, Query, Sort};

/// A complete result's inputs: the rows for `query` in `sort` order, on the store as it
/// was at `store_version`.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct View {
    query: Query,
    sort: Sort,
    store_version: u64,
}

/// A change to the store, applied when no worker holds it.
#[derive(Debug)]
pub(super) enum Mutation {
    /// A live fetch's snapshot.
    Replace(usize, Vec<Sighting>),
    /// The cached snapshot, or its first part (ignored if live data arrived meanwhile).
    Cached(usize, Vec<Sighting>),
    /// A further part of the cached snapshot: added to the parts before it (ignored if
    /// live data arrived meanwhile).
    CachedMore(usize, Vec<Sighting>),
    /// A look-up service's answer: kept beside the set as the value's enrichment; no
    /// entry, and so no row, changes.
    Enrich(Enrichment),
}

/// Who holds the store and what the filter job is doing.
#[derive(Debug, Default)]
pub(super) struct Lease {
    /// Bumped by every filter request; a result of an older one is dropped.
    pub(super) generation: u64,
    /// The running filter job's cancel flag.
    pub(super) cancel: Option<Arc<AtomicBool>>,
    /// A request came while a job ran: filter again when it ends.
    pub(super) again: bool,
    /// Workers holding a clone of the store (filter and export jobs).
    pub(super) holders: usize,
    /// Bumped by every change to the store.
    pub(super) store_version: u64,
    /// What `rows` is the complete result of: query, sort and store version.
    pub(super) shown: Option<View>,
    /// What the running filter job computes.
    pub(super) job_view: Option<View>,
    /// Changes waiting for the store's release.
    pub(super) pending: Vec<Mutation>,
    /// Stored snapshots were merged without filtering again: filter when the store is
    /// read (or fails).
    pub(super) deferred: bool,
    /// A stored snapshot of the start-up load was filtered onto the screen: the rest
    /// may wait for [`Lease::deferred`].
    pub(super) cache_shown: bool,
}

impl App {
    /// A filter worker finished and handed the store back.
    pub(super) fn on_filter_done(
        &mut self,
        generation: u64,
        rows: Option<Vec<u32>>,
        store: Arc<Store>,
        fx: &mut Vec<Effect>,
    ) {
        drop(store);
        self.lease.holders = self.lease.holders.saturating_sub(1);
        self.lease.cancel = None;
        let view = self.lease.job_view.take();
        if let Some(rows) = rows
            && generation == self.lease.generation
        {
            self.install_rows(rows);
            self.lease.shown = view;
        }
        self.after_release(fx);
        self.screen_changed(fx);
    }

    /// Applies a change now, or when the workers give the store back.
    pub(super) fn mutate(&mut self, m: Mutation, fx: &mut Vec<Effect>) {
        self.mutate_all(vec![m], fx);
    }

    /// Applies `ms` in order (or queues them while a worker holds the store), then
    /// filters once.
    pub(super) fn mutate_all(&mut self, ms: Vec<Mutation>, fx: &mut Vec<Effect>) {
        if ms.is_empty() {
            return;
        }
        if self.lease.holders > 0 {
            self.lease.pending.extend(ms);
            return;
        }
        for m in ms {
            self.apply(m);
        }
        self.refilter(fx);
    }

    pub(super) fn apply(&mut self, m: Mutation) {
        if let Mutation::Enrich(answer) = m {
            // The rows stay what they are: no new store version to filter.
            Arc::make_mut(&mut self.store).enrich(answer);
            return;
        }
        self.lease.store_version += 1;
        self.trust.invalidate();
        self.listing.set_changed();
        let store = Arc::make_mut(&mut self.store);
        match m {
            Mutation::Cached(i, _) | Mutation::CachedMore(i, _) if self.sources[i].live_data => {}
            Mutation::Replace(i, sightings) | Mutation::Cached(i, sightings) => {
                let id = self.sources[i].id;
                let r = store.replace_source(id, sightings);
                self.sources[i].count = r.count;
                if r.compacted {
                    // Positions moved: the old rows mean nothing now.
                    self.rows.clear();
                    self.forget_listing();
                }
            }
            Mutation::CachedMore(i, sightings) => {
                let id = self.sources[i].id;
                // No exact reserve per part: the table was sized from the stored counts,
                // and otherwise grows by doubling.
                for s in sightings {
                    self.sources[i].count += usize::from(store.add(id, s));
                }
            }
            Mutation::Enrich(_) => {}
        }
    }

    /// Keeps look-up answers beside the set: now, or when the workers give the store
    /// back. No filter runs: no row changes.
    pub(super) fn enrich_store(&mut self, answers: Vec<Enrichment>) {
        if answers.is_empty() {
            return;
        }
        if self.lease.holders > 0 {
            self.lease
                .pending
                .extend(answers.into_iter().map(Mutation::Enrich));
            return;
        }
        for a in answers {
            self.apply(Mutation::Enrich(a));
        }
        self.dirty = true;
    }

    /// A worker gave the store back: apply what waited, then rerun a stale filter.
    pub(super) fn after_release(&mut self, fx: &mut Vec<Effect>) {
        if self.lease.holders > 0 {
            return;
        }
        let pending = std::mem::take(&mut self.lease.pending);
        let again = std::mem::take(&mut self.lease.again);
        let changed = !pending.is_empty();
        for m in pending {
            self.apply(m);
        }
        if changed || again {
            self.refilter(fx);
        }
    }

    /// Recomputes the rows for the current query and sort: inline for a small store,
    /// else on a worker (one at a time; a newer query cancels the running one).
    pub(super) fn refilter(&mut self, fx: &mut Vec<Effect>) {
        self.rescore_if_stale();
        self.lease.generation += 1;
        self.dirty = true;
        let view = View {
            query: self.query(),
            sort: self.sort,
            store_version: self.lease.store_version,
        };
        if self.store.slots().len() <= INLINE_FILTER_MAX {
            let rows = filter::view(&self.store, &view.query, self.sort, &AtomicBool::new(false))
                .unwrap_or_default();
            self.install_rows(rows);
            self.lease.shown = Some(view);
            // The set may have changed: what the lists hold of it too (a large set's
            // once its filter job is done, [`App::on_filter_done`]).
            self.screen_changed(fx);
            return;
        }
        if let Some(cancel) = &self.lease.cancel {
            cancel.store(true, Ordering::Relaxed);
            self.lease.again = true;
            return;
        }
        let cancel = Arc::new(AtomicBool::new(false));
        self.lease.cancel = Some(Arc::clone(&cancel));
        self.lease.holders += 1;
        self.filtering = true;
        // Typing more of the query: only the rows shown now can still match.
        let within = self
            .lease
            .shown
            .as_ref()
            .filter(|s| {
                s.store_version == view.store_version
                    && s.sort == view.sort
                    && filter::narrows(&s.query, &view.query)
            })
            .map(|_| Arc::from(self.rows.as_slice()));
        fx.push(Effect::Filter {
            generation: self.lease.generation,
            store: Arc::clone(&self.store),
            query: view.query.clone(),
            sort: self.sort,
            within,
            cancel,
        });
        self.lease.job_view = Some(view);
    }

    pub(super) fn install_rows(&mut self, rows: Vec<u32>) {
        self.rows = rows;
        self.filtering = self.lease.cancel.is_some() || self.lease.again;
        // A row the analyst chose stays selected while it is shown, wherever it moves;
        // until one is chosen (at start-up, after a new filter) the first row is.
        let found = self.selected_key.as_ref().and_then(|(k, v)| {
            let pos = self.store.find_live(*k, v)? as u32;
            self.rows.iter().position(|&r| r == pos)
        });
        match found {
            Some(i) => self.selected = i,
            None if self.selected_key.is_none() => self.selected = 0,
            None => {
                self.selected = self.selected.min(self.rows.len().saturating_sub(1));
                self.remember_selection();
            }
        }
        self.keep_visible();
        self.dirty = true;
    }

    /// The rows will be those of a new filter: the selection goes to the first row that
    /// matches, and stays there until the analyst chooses another.
    pub(super) fn select_first_match(&mut self, fx: &mut Vec<Effect>) {
        self.selected_key = None;
        self.selected = 0;
        self.offset = 0;
        self.refilter(fx);
    }

    /// The analyst chose the selected row: it is followed across refreshes and sorts.
    pub(super) fn remember_selection(&mut self) {
        self.selected_key = self
            .selected_entry()
            .and_then(|i| self.store.get(i))
            .map(|e| (e.kind, e.value.clone()));
    }

    pub(super) fn keep_visible(&mut self) {
        let page = self.page_rows();
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + page {
            self.offset = self.selected + 1 - page;
        }
        let max_offset = self.rows.len().saturating_sub(page);
        self.offset = self.offset.min(max_offset);
    }
}
