// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The analyst's triage: a [`Mark`] says that a hit in the logs, or an indicator as a
//! whole, is a false positive or a true positive (confirmed), or undoes the marks
//! before it on the same target. Marks are kept in the store (`marks` table, on both
//! backends) with who made them (`user@host`, see [`analyst`]) and when; row ids grow,
//! so "the marks after row N" is how every dashboard keeps up with the others.
//!
//! What is in effect ([`Triage`]):
//! - on a target (one hit, or one indicator), the latest mark made on it; a mark with
//!   `verdict: None` undoes, so the target is untriaged again;
//! - on a hit, its own mark in effect, else its indicator's: marking an indicator
//!   triages every hit of it at once, and a hit's own mark overrides the indicator's
//!   for that hit (a confirmed hit of an indicator found to be a CDN stays confirmed);
//! - "false positive in effect on (type, value) since when"
//!   ([`Triage::false_positive_since`]): the indicator's own mark decides; without one,
//!   the latest mark in effect on any of its hits does. This is the evidence the score
//!   reads.
//!
//! A false-positive mark can also add the value to the *local allowlist*, a plain list
//! beside the default store ([`local_allowlist_path`], [`append_to_allowlist`]).
//!
//! This module sits under the store (the store keeps [`Mark`]s): it depends on the
//! model only.

mod index;
mod local_allowlist;

pub use index::{Held, Saved, Scope, Triage};
pub use local_allowlist::{Appended, append_to_allowlist, local_allowlist_path};

use jiff::Timestamp;

use crate::model::IndicatorType;
use crate::model::sanitize::one_line;
use crate::store::persist::{PersistError, SnapshotStore};

/// The longest note a mark takes, in characters.
pub const NOTE_MAX: usize = 200;

/// How many marks one read of the store hands back at most.
pub const MARKS_PAGE: usize = 2_000;

/// The analyst's finding on a hit or an indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// Not a threat: the value is benign here (a CDN, a resolver, our own scanner).
    FalsePositive,
    /// A real threat, confirmed.
    TruePositive,
}

impl Verdict {
    /// The name the store keeps: `false_positive`, `true_positive`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::FalsePositive => "false_positive",
            Verdict::TruePositive => "true_positive",
        }
    }

    /// Reads [`Verdict::as_str`]'s names; `None` for anything else.
    pub fn parse(s: &str) -> Option<Verdict> {
        match s {
            "false_positive" => Some(Verdict::FalsePositive),
            "true_positive" => Some(Verdict::TruePositive),
            _ => None,
        }
    }

    /// In words: `false positive`, `true positive`.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::FalsePositive => "false positive",
            Verdict::TruePositive => "true positive",
        }
    }
}

/// One triage mark, as stored. `verdict: None` undoes the marks before it on the same
/// target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    /// The indicator's type, as the store keys it.
    pub kind: IndicatorType,
    /// The indicator, canonical, as the store keys it.
    pub indicator: Box<str>,
    /// The stored hit's row id (see `SnapshotStore::hits_in`); `None`: the whole
    /// indicator.
    pub hit: Option<i64>,
    /// The finding; `None` undoes.
    pub verdict: Option<Verdict>,
    /// What the analyst typed with it, one line of at most [`NOTE_MAX`] characters.
    pub note: Option<Box<str>>,
    /// Who made it: `user@host`.
    pub by: Box<str>,
    /// When, to the second.
    pub at: Timestamp,
}

impl Mark {
    /// Whether it is about one hit (else about the whole indicator).
    pub fn is_on_hit(&self) -> bool {
        self.hit.is_some()
    }
}

/// `user@host` from a user and a host name, each `unknown`/`localhost` when missing,
/// sanitised to one line of at most 120 characters.
pub fn who(user: Option<&str>, host: Option<&str>) -> String {
    let pick = |v: Option<&str>, or: &'static str| {
        v.map(str::trim)
            .filter(|s| !s.is_empty())
            .map_or_else(|| or.to_string(), str::to_string)
    };
    one_line(
        &format!("{}@{}", pick(user, "unknown"), pick(host, "localhost")),
        120,
    )
}

/// Who this process's analyst is, as fetch leases name their holder: `$USER` (else
/// `$LOGNAME`) at the kernel's host name (else `$HOSTNAME`).
pub fn analyst() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .ok();
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok());
    who(user.as_deref(), host.as_deref())
}

/// Every mark `store` keeps, applied in order: what is in effect for a command that
/// scores or exports without a dashboard.
///
/// # Errors
/// The store cannot be read.
pub async fn load(store: &dyn SnapshotStore) -> Result<Triage, PersistError> {
    let mut triage = Triage::default();
    let mut after = 0;
    loop {
        let page = store.marks_after(after, MARKS_PAGE).await?;
        let Some(last) = page.last().map(|(id, _)| *id) else {
            break;
        };
        for (id, mark) in page {
            triage.apply(Saved::Stored(id), mark);
        }
        after = last;
    }
    Ok(triage)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_read_back_their_names() {
        for v in [Verdict::FalsePositive, Verdict::TruePositive] {
            assert_eq!(Verdict::parse(v.as_str()), Some(v));
        }
        assert_eq!(Verdict::parse("False_Positive"), None);
        assert_eq!(Verdict::parse(""), None);
    }

    #[test]
    fn who_is_user_at_host_on_one_safe_line() {
        assert_eq!(
            who(Some("alice"), Some("soc-1.example\n")),
            "alice@soc-1.example"
        );
        assert_eq!(who(None, Some("  ")), "unknown@localhost");
        let hostile = who(Some("\u{1b}]0;x\u{7}"), Some(&"h".repeat(500)));
        assert!(!hostile.contains('\u{1b}'), "{hostile:?}");
        assert!(hostile.chars().count() <= 120);
        assert!(analyst().contains('@'));
    }
}
