// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! What an export wrote and what it left out: [`Written`] (the count, the [`Cut`] by
//! reason, and notes such as a file written beside it), so `fetch` can say it on stderr,
//! the dashboard in its header, and the formats with comments in their own header.

use crate::model::count::grouped;

/// The indicators an export left out, counted per reason, in the order the reasons
/// first arose. A reason reads after its count: `12` + ` cve (no trigger in a policy
/// zone)`, `3` + ` of other types (--type ipv4,cidr)`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cut {
    reasons: Vec<(String, usize)>,
}

impl Cut {
    /// Counts `n` more left out for `reason` (nothing for `n == 0`).
    pub fn add(&mut self, reason: &str, n: usize) {
        if n == 0 {
            return;
        }
        match self.reasons.iter_mut().find(|(r, _)| r == reason) {
            Some((_, count)) => *count += n,
            None => self.reasons.push((reason.to_string(), n)),
        }
    }

    /// Adds every reason of `other`.
    pub fn extend(&mut self, other: &Cut) {
        for (r, n) in &other.reasons {
            self.add(r, *n);
        }
    }

    /// How many were left out in all.
    pub fn total(&self) -> usize {
        self.reasons.iter().map(|(_, n)| n).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.reasons.is_empty()
    }

    /// The reasons with their counts, in the order they arose.
    pub fn reasons(&self) -> impl Iterator<Item = (&str, usize)> {
        self.reasons.iter().map(|(r, n)| (r.as_str(), *n))
    }

    /// One line, `None` when nothing was cut:
    /// `cut 15: 12 cve (no trigger in a policy zone); 3 of other types (--type ipv4)`.
    pub fn summary(&self) -> Option<String> {
        if self.is_empty() {
            return None;
        }
        let parts: Vec<String> = self
            .reasons
            .iter()
            .map(|(r, n)| format!("{} {r}", grouped(*n as u64)))
            .collect();
        Some(format!(
            "cut {}: {}",
            grouped(self.total() as u64),
            parts.join("; ")
        ))
    }
}

/// What an export wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Written {
    /// Indicators written (an indicator written as several lines counts once).
    pub count: usize,
    /// Indicators left out, by reason.
    pub cut: Cut,
    /// What else the reader should know, one line each: a file written beside the
    /// export (`suricata-iprep`'s categories file), or why it was not.
    pub notes: Vec<String>,
}

impl Written {
    /// `count` written, nothing cut.
    pub fn all(count: usize) -> Self {
        Written {
            count,
            ..Written::default()
        }
    }

    /// The cut and the notes as one line for a header or a summary (`None` when there
    /// is neither).
    pub fn remarks(&self) -> Option<String> {
        let mut parts: Vec<String> = self.cut.summary().into_iter().collect();
        parts.extend(self.notes.iter().cloned());
        (!parts.is_empty()).then(|| parts.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_add_up_in_the_order_they_arose() {
        let mut c = Cut::default();
        assert_eq!(c.summary(), None);
        c.add("cve (no trigger in a policy zone)", 2);
        c.add("of other types (--type ipv4)", 0);
        c.add("domain (not a valid DNS name)", 1);
        c.add("cve (no trigger in a policy zone)", 1_200);
        assert_eq!(c.total(), 1_203);
        assert_eq!(
            c.summary().as_deref(),
            Some(
                "cut 1,203: 1,202 cve (no trigger in a policy zone); 1 domain (not a valid DNS name)"
            )
        );
        let mut w = Written::all(4);
        assert_eq!(w.remarks(), None);
        w.cut.extend(&c);
        w.notes
            .push("categories file: /tmp/x.categories.txt".into());
        assert!(
            w.remarks()
                .unwrap()
                .ends_with("; categories file: /tmp/x.categories.txt")
        );
    }
}
