// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Shares repeated strings (threat names, tags, reference URLs) and lists (tag and port
//! lists) within a batch so a million indicators do not hold a million copies of "Dridex".

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use hashbrown::{Equivalent, HashSet};
use smallvec::SmallVec;

use crate::model::list::List;

#[derive(Debug, Default)]
pub struct Interner {
    set: HashSet<Arc<str>>,
    tag_lists: HashSet<List<Arc<str>>>,
    port_lists: HashSet<List<u16>>,
}

fn share<T: Hash + Eq>(set: &mut HashSet<List<T>>, list: List<T>) -> List<T> {
    if list.is_empty() {
        return list;
    }
    if let Some(existing) = set.get(list.as_slice()) {
        return existing.clone();
    }
    set.insert(list.clone());
    list
}

impl Interner {
    pub fn new() -> Self {
        Self::default()
    }

    /// The shared copy of `s` (trimmed); `None` for empty strings.
    pub fn get(&mut self, s: &str) -> Option<Arc<str>> {
        let s = s.trim();
        if s.is_empty() {
            return None;
        }
        if let Some(existing) = self.set.get(s) {
            return Some(Arc::clone(existing));
        }
        let arc: Arc<str> = Arc::from(s);
        self.set.insert(Arc::clone(&arc));
        Some(arc)
    }

    /// A copy of `s` (trimmed) that is not kept for sharing; `None` for empty strings.
    /// For text each record has its own (a KEV entry's name, a URLhaus entry's page):
    /// hashing it into the set would cost time and share nothing.
    pub fn unique(&self, s: &str) -> Option<Arc<str>> {
        let s = s.trim();
        (!s.is_empty()).then(|| Arc::from(s))
    }

    /// The shared copy of a tag list.
    pub fn tags(&mut self, list: List<Arc<str>>) -> List<Arc<str>> {
        share(&mut self.tag_lists, list)
    }

    /// The shared copy of a port list.
    pub fn ports(&mut self, list: List<u16>) -> List<u16> {
        share(&mut self.port_lists, list)
    }

    /// The shared list of the tags named `names`, each trimmed, empty ones dropped (what
    /// [`Interner::tags`] of the [`Interner::get`] of each gives). Allocates only for a
    /// list not seen before: a store's million rows hold a few hundred distinct lists.
    pub fn tag_list(&mut self, names: &[&str]) -> List<Arc<str>> {
        let names: SmallVec<[&str; 8]> = names
            .iter()
            .map(|t| t.trim())
            .filter(|t| !t.is_empty())
            .collect();
        if names.is_empty() {
            return List::new();
        }
        if let Some(existing) = self.tag_lists.get(&TagNames(&names)) {
            return existing.clone();
        }
        let list: List<Arc<str>> = names.iter().filter_map(|t| self.get(t)).collect();
        self.tag_lists.insert(list.clone());
        list
    }

    /// The shared copy of the port list `ports`; allocates only for a list not seen
    /// before.
    pub fn port_list(&mut self, ports: &[u16]) -> List<u16> {
        if ports.is_empty() {
            return List::new();
        }
        if let Some(existing) = self.port_lists.get(ports) {
            return existing.clone();
        }
        let list = List::from(ports.to_vec());
        self.port_lists.insert(list.clone());
        list
    }

    /// Interns each item of a comma-separated list, skipping empty items.
    pub fn list(&mut self, csv: &str) -> Vec<Arc<str>> {
        let mut out: Vec<Arc<str>> = Vec::new();
        for item in csv.split(',') {
            if let Some(a) = self.get(item)
                && !out.contains(&a)
            {
                out.push(a);
            }
        }
        out
    }
}

/// Tag names looked up among the shared lists without building a list: hashes as the
/// list of those strings does (a slice hashes its length, then each item, and an
/// `Arc<str>` hashes as its `str`).
struct TagNames<'a>(&'a [&'a str]);

impl Hash for TagNames<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.hash(state);
    }
}

impl Equivalent<List<Arc<str>>> for TagNames<'_> {
    fn equivalent(&self, key: &List<Arc<str>>) -> bool {
        key.len() == self.0.len() && key.iter().zip(self.0).all(|(a, b)| &**a == *b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_equal_strings() {
        let mut i = Interner::new();
        let a = i.get("Dridex").unwrap();
        let b = i.get(" Dridex ").unwrap();
        assert!(Arc::ptr_eq(&a, &b));
        assert_eq!(i.get("  "), None);
        let l = i.list("elf, Mozi,,elf");
        assert_eq!(l.iter().map(|s| &**s).collect::<Vec<_>>(), ["elf", "Mozi"]);
        let t1 = i.tags(l.iter().cloned().collect());
        let t2 = i.tags(l.iter().cloned().collect());
        assert!(t1.shares(&t2));
        // Named tags find the same shared list, and a new list of names is shared next.
        assert!(i.tag_list(&[" elf", "Mozi ", ""]).shares(&t1));
        assert_eq!(i.tag_list(&["", "  "]), List::new());
        let t3 = i.tag_list(&["Mozi", "elf"]);
        assert!(!t3.shares(&t1));
        let named = vec![i.get("Mozi").unwrap(), i.get("elf").unwrap()];
        assert!(i.tags(named.into()).shares(&t3));
        assert!(i.port_list(&[443]).shares(&i.ports(vec![443].into())));
        assert_eq!(i.port_list(&[]), List::new());
        let p1 = i.ports(vec![443].into());
        assert!(p1.shares(&i.ports(vec![443].into())));
        assert!(!p1.shares(&i.ports(vec![80].into())));
    }
}
