// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Short immutable lists (tags, ports) that sightings share: a million URLs tagged
//! "elf, mozi" hold one copy of that list between them, not a million.

use std::borrow::Borrow;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::sync::Arc;

/// An immutable list, cheap to clone and 8 bytes wide; empty lists allocate nothing.
/// [`crate::model::intern::Interner`] hands out one shared copy of each distinct list.
pub struct List<T>(Option<Arc<Box<[T]>>>);

impl<T> List<T> {
    pub const fn new() -> Self {
        List(None)
    }

    pub fn as_slice(&self) -> &[T] {
        self.0.as_deref().map_or(&[], |b| b)
    }

    /// The address of the shared list, `0` when empty: an identity for caches, valid
    /// while the list lives.
    pub fn addr(&self) -> usize {
        self.0
            .as_ref()
            .map_or(0, |a| Arc::as_ptr(a) as *const () as usize)
    }

    /// Whether both are the same allocation (both empty counts).
    pub fn shares(&self, other: &List<T>) -> bool {
        match (&self.0, &other.0) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        }
    }
}

impl<T: Clone + PartialEq> List<T> {
    /// This list followed by the items of `extra` it lacks; `self` again if none.
    pub fn union(&self, extra: &[T]) -> List<T> {
        if extra.iter().all(|x| self.contains(x)) {
            return self.clone();
        }
        let mut v = self.to_vec();
        for x in extra {
            if !v.contains(x) {
                v.push(x.clone());
            }
        }
        List::from(v)
    }
}

impl<T> Default for List<T> {
    fn default() -> Self {
        List(None)
    }
}

impl<T> Clone for List<T> {
    fn clone(&self) -> Self {
        List(self.0.clone())
    }
}

impl<T> Deref for List<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        self.as_slice()
    }
}

impl<T> Borrow<[T]> for List<T> {
    fn borrow(&self) -> &[T] {
        self.as_slice()
    }
}

impl<T> From<Vec<T>> for List<T> {
    fn from(v: Vec<T>) -> Self {
        if v.is_empty() {
            List(None)
        } else {
            List(Some(Arc::new(v.into_boxed_slice())))
        }
    }
}

impl<T> FromIterator<T> for List<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        List::from(iter.into_iter().collect::<Vec<T>>())
    }
}

impl<'a, T> IntoIterator for &'a List<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.as_slice().iter()
    }
}

impl<T: PartialEq> PartialEq for List<T> {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl<T: Eq> Eq for List<T> {}

/// Hashes as the slice does, so a set of lists can be searched with a slice.
impl<T: Hash> Hash for List<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_slice().hash(state);
    }
}

impl<T: fmt::Debug> fmt::Debug for List<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.as_slice().fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_lists_allocate_nothing_and_lists_stay_thin() {
        assert_eq!(std::mem::size_of::<List<Arc<str>>>(), 8);
        let l: List<u16> = Vec::new().into();
        assert!(l.is_empty());
        assert!(l.shares(&List::new()));
    }

    #[test]
    fn union_keeps_order_and_reuses_an_unchanged_list() {
        let a: List<u16> = vec![443, 80].into();
        let same = a.union(&[80]);
        assert!(same.shares(&a));
        let more = a.union(&[8080, 443, 8080]);
        assert_eq!(more.as_slice(), [443, 80, 8080]);
        assert_eq!(a, List::from(vec![443, 80]));
        assert_ne!(a, more);
    }
}
