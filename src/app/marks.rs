// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Marked rows (`v`): kept by indicator, not by row, so marks survive filtering,
//! sorting, refreshes and the store's compaction. A mark on an indicator no source holds
//! any more is kept (it comes back if the indicator does) but counts for nothing.

use std::collections::{HashMap, HashSet};

use super::App;
use crate::model::IndicatorType;

/// The most rows that can be marked: marking is by hand, one key a row.
pub const MARKS_MAX: usize = 100_000;

/// The indicators marked: values by type (so a lookup borrows the value, and drawing a
/// row allocates nothing).
#[derive(Debug, Clone, Default)]
pub struct Marks {
    by_type: HashMap<IndicatorType, HashSet<Box<str>>>,
    len: usize,
}

impl Marks {
    /// Whether the indicator is marked.
    pub fn contains(&self, kind: IndicatorType, value: &str) -> bool {
        self.by_type.get(&kind).is_some_and(|s| s.contains(value))
    }

    /// How many indicators are marked.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing is marked.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Marks the indicator, or unmarks it if it was marked; whether it is marked now.
    fn toggle(&mut self, kind: IndicatorType, value: &str) -> bool {
        let set = self.by_type.entry(kind).or_default();
        if set.remove(value) {
            self.len -= 1;
            false
        } else {
            set.insert(value.into());
            self.len += 1;
            true
        }
    }

    fn clear(&mut self) {
        self.by_type.clear();
        self.len = 0;
    }

    fn iter(&self) -> impl Iterator<Item = (IndicatorType, &str)> {
        self.by_type
            .iter()
            .flat_map(|(k, set)| set.iter().map(move |v| (*k, &**v)))
    }
}

impl App {
    /// Marks the selected row, or unmarks it if it was marked.
    pub(super) fn toggle_mark(&mut self) {
        let Some(e) = self.selected_entry().and_then(|i| self.store.get(i)) else {
            return;
        };
        if self.marks.len() >= MARKS_MAX && !self.marks.contains(e.kind, &e.value) {
            self.notice = Some(format!("at most {MARKS_MAX} rows can be marked"));
            return;
        }
        let (kind, value) = (e.kind, e.value.clone());
        self.marks.toggle(kind, &value);
        self.notice = Some(format!("{} marked", self.marks.len()));
    }

    /// Clears every mark.
    pub(super) fn clear_marks(&mut self) {
        let n = self.marks.len();
        self.marks.clear();
        self.notice = Some(format!("{n} marks cleared"));
    }

    /// How many marks hold an indicator a source still has ([`App::marked_rows`]'s
    /// length, without building it).
    pub(super) fn marked_count(&self) -> usize {
        self.marks
            .iter()
            .filter(|(k, v)| self.store.find_live(*k, v).is_some())
            .count()
    }

    /// The store positions of the marked indicators the store holds, in arrival order.
    pub(super) fn marked_rows(&self) -> Vec<u32> {
        let mut rows: Vec<u32> = self
            .marks
            .iter()
            .filter_map(|(k, v)| self.store.find_live(k, v))
            .filter_map(|i| u32::try_from(i).ok())
            .collect();
        rows.sort_unstable();
        rows
    }
}
