// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Shares repeated strings (threat names, tags, reference URLs) and lists (tag and port
//! lists) within a batch so a million indicators do not hold a million copies of "Dridex".

use std::hash::Hash;
use std::sync::Arc;

use hashbrown::HashSet;

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

    /// The shared copy of a tag list.
    pub fn tags(&mut self, list: List<Arc<str>>) -> List<Arc<str>> {
        share(&mut self.tag_lists, list)
    }

    /// The shared copy of a port list.
    pub fn ports(&mut self, list: List<u16>) -> List<u16> {
        share(&mut self.port_lists, list)
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
        let p1 = i.ports(vec![443].into());
        assert!(p1.shares(&i.ports(vec![443].into())));
        assert!(!p1.shares(&i.ports(vec![80].into())));
    }
}
