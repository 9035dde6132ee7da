// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Shares repeated strings (threat names, tags, reference URLs) within a batch so a
//! million indicators do not hold a million copies of "Dridex".

use std::sync::Arc;

use hashbrown::HashSet;
use thin_vec::ThinVec;

#[derive(Debug, Default)]
pub struct Interner {
    set: HashSet<Arc<str>>,
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

    /// Interns each item of a comma-separated list, skipping empty items.
    pub fn list(&mut self, csv: &str) -> ThinVec<Arc<str>> {
        let mut out: ThinVec<Arc<str>> = ThinVec::new();
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
    }
}
