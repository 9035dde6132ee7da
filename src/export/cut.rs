// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! What an export wrote and what it left out: [`Written`] (the count, what the
//! selection cut before the format saw it ([`Cut`]: types, score, decay, `--max`), what
//! the format itself left out ([`LeftOut`], by reason), and notes such as a file written
//! beside it), so `fetch` can say it on stderr, the dashboard in its header, and the
//! formats with comments in their own header.

use super::fit::Cut;
use crate::model::count::grouped;

/// The indicators a format left out, counted per reason, in the order the reasons
/// first arose. A reason reads after its count: `12` + ` cve (a policy zone holds names
/// and addresses)`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LeftOut {
    reasons: Vec<(String, usize)>,
}

impl LeftOut {
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

    /// One line, `None` when nothing was left out:
    /// `left out 15: 12 cve (a policy zone holds names and addresses); 3 domain (not a
    /// valid DNS name)`.
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
            "left out {}: {}",
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
    /// What the selection cut before the format saw the indicators, when there is
    /// something to say ([`super::Options::selected`]).
    pub selected: Option<Cut>,
    /// Indicators the format left out, by reason.
    pub left_out: LeftOut,
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

    /// What the format left out and the notes, as one line (`None` when there is
    /// neither).
    pub fn format_remarks(&self) -> Option<String> {
        let mut parts: Vec<String> = self.left_out.summary().into_iter().collect();
        parts.extend(self.notes.iter().cloned());
        (!parts.is_empty()).then(|| parts.join("; "))
    }

    /// Everything to say after the count, as one line: what the selection cut (and the
    /// lowest score kept), what the format left out, and the notes.
    pub fn remarks(&self) -> Option<String> {
        let parts: Vec<String> = self
            .selected
            .map(|c| c.describe())
            .into_iter()
            .chain(self.format_remarks())
            .collect();
        (!parts.is_empty()).then(|| parts.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_add_up_in_the_order_they_arose() {
        let mut c = LeftOut::default();
        assert_eq!(c.summary(), None);
        c.add("cve (a policy zone holds names and addresses)", 2);
        c.add("hash (a policy zone holds names and addresses)", 0);
        c.add("domain (not a valid DNS name)", 1);
        c.add("cve (a policy zone holds names and addresses)", 1_200);
        assert_eq!(c.total(), 1_203);
        assert_eq!(
            c.summary().as_deref(),
            Some(
                "left out 1,203: 1,202 cve (a policy zone holds names and addresses); 1 domain (not a valid DNS name)"
            )
        );
        let mut w = Written::all(4);
        assert_eq!(w.remarks(), None);
        w.left_out = c;
        w.notes
            .push("categories file: /tmp/x.categories.txt".into());
        let r = w.remarks().unwrap();
        assert!(r.starts_with("left out 1,203: "), "{r}");
        assert!(
            r.ends_with("; categories file: /tmp/x.categories.txt"),
            "{r}"
        );
        let mut selected = Cut::default();
        (selected.kept, selected.other_type, selected.lowest_kept) = (4, 2, Some(61));
        w.selected = Some(selected);
        let r = w.remarks().unwrap();
        assert!(
            r.starts_with("kept 4 of 6 indicators (cut: 2 of other types); lowest score kept 61; left out 1,203: "),
            "{r}"
        );
        assert!(w.format_remarks().unwrap().starts_with("left out 1,203: "));
    }
}
