// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Which indicators the allowlists and warninglists hold, for the table's mark, the
//! details, the counts in the sources pane and header, and the export prompt.
//!
//! The verdict is worked out when the set changes, never per frame: after each change to
//! the set (a source's snapshot; not a new score, which changes no entry's value) the
//! whole set is screened once ([`Screened::of`]),
//! inline for a small store and on a worker for a large one (holding the store like a
//! filter job, one job at a time, the latest version winning). It is kept here, beside
//! the store, by slot: an entry keeps its slot until the store is compacted, which drops
//! the verdicts until the set is screened again. A frame only looks verdicts up.

use std::sync::Arc;

use super::{App, CacheState, Effect, INLINE_FILTER_MAX};
use crate::matching::Warninglists;
use crate::store::{Entry, Store};
use crate::trust::allowlist::{self, Screened};

/// The lists in force and what they hold of the set.
#[derive(Debug, Default)]
pub struct Listing {
    /// The lists, once the runtime loaded them; `None`: nothing is screened or marked.
    lists: Option<Arc<Warninglists>>,
    /// What the lists hold of the store, as of [`Listing::version`].
    screened: Arc<Screened>,
    /// Changes to the set so far ([`Listing::set_changed`]).
    set_version: u64,
    /// The [`Listing::set_version`] screened (or being screened).
    version: Option<u64>,
    /// A worker screens the store.
    running: bool,
    /// Compactions of the store so far: a worker's result from before the last one
    /// names old slots and is dropped.
    layout: u64,
    /// [`Listing::layout`] when the running job started.
    job_layout: u64,
}

impl Listing {
    /// The set changed (entries came or went): it is to be screened again.
    pub(super) fn set_changed(&mut self) {
        self.set_version += 1;
    }

    /// The lists in force, if loaded.
    pub fn lists(&self) -> Option<&Warninglists> {
        self.lists.as_deref()
    }

    /// What the lists hold of the set, as last screened.
    pub fn screened(&self) -> &Screened {
        &self.screened
    }

    /// `allowlist local` or `warninglist <name>`: what list `i` is called.
    pub fn label(&self, i: usize, max: usize) -> String {
        self.lists
            .as_deref()
            .map_or_else(String::new, |l| allowlist::label(l, i, max))
    }

    /// Each list that holds something, with its position and count, in list order.
    pub fn counts(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.screened
            .counts()
            .iter()
            .copied()
            .enumerate()
            .filter(|(_, n)| *n > 0)
    }
}

impl App {
    /// The lists to screen the set with (loaded by the runtime at start-up).
    pub(super) fn on_lists(&mut self, lists: Arc<Warninglists>, fx: &mut Vec<Effect>) {
        self.listing.lists = Some(lists);
        self.listing.version = None;
        self.screen_changed(fx);
    }

    /// The list (its position in [`Listing::lists`]) that holds `e`, as last screened.
    pub fn listed(&self, e: &Entry) -> Option<usize> {
        if self.listing.screened.is_empty() {
            return None;
        }
        let slot = self.store.find_live(e.kind, &e.value)?;
        self.listing.screened.list_of(slot)
    }

    /// Screens the set when it changed since it was last screened: at once for a small
    /// store, else on a worker once no filter job runs (one at a time; a change
    /// meanwhile is screened after).
    pub(super) fn screen_changed(&mut self, fx: &mut Vec<Effect>) {
        let version = self.listing.set_version;
        let Some(lists) = &self.listing.lists else {
            return;
        };
        if self.listing.running || self.listing.version == Some(version) {
            return;
        }
        // While the cache is read, a worker holding the store would hold up every part
        // still to come (each then filtered on its own): screened once it is read.
        if self.cache == CacheState::Loading {
            return;
        }
        if self.store.slots().len() <= INLINE_FILTER_MAX {
            self.listing.version = Some(version);
            self.listing.screened = Arc::new(Screened::of(&self.store, lists));
            self.dirty = true;
            return;
        }
        // The rows first: a filter job has the cores until it ends (then this runs
        // again, from [`App::on_filter_done`] or the next tick).
        if self.lease.cancel.is_some() {
            return;
        }
        self.listing.version = Some(version);
        self.listing.running = true;
        self.listing.job_layout = self.listing.layout;
        self.lease.holders += 1;
        fx.push(Effect::Screen {
            store: Arc::clone(&self.store),
            lists: Arc::clone(lists),
        });
    }

    /// A worker screened the set and gave the store back.
    pub(super) fn on_screened(
        &mut self,
        store: Arc<Store>,
        screened: Screened,
        fx: &mut Vec<Effect>,
    ) {
        drop(store);
        self.lease.holders = self.lease.holders.saturating_sub(1);
        self.listing.running = false;
        if self.listing.job_layout == self.listing.layout {
            self.listing.screened = Arc::new(screened);
        } else {
            self.listing.version = None;
        }
        self.dirty = true;
        self.after_release(fx);
        self.screen_changed(fx);
    }

    /// The store was compacted: slots moved, so the verdicts mean nothing until the set
    /// is screened again.
    pub(super) fn forget_listing(&mut self) {
        self.listing.layout += 1;
        self.listing.screened = Arc::default();
        self.listing.version = None;
    }
}
