// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! How a triage [`Mark`] is laid out in the `marks` table, on both backends: `kind` a
//! code of `indicator_types`, `indicator` canonical, `hit` the row id of a hit in
//! `sightings` (NULL: the whole indicator), `verdict` `false_positive`,
//! `true_positive` or NULL (an undo), `note`, `marked_by` (`user@host`) and `at` (Unix
//! seconds). Row ids grow: each new mark gets a higher id than every mark before it.

use jiff::Timestamp;

use super::codec::type_of;
use crate::trust::triage::{Mark, NOTE_MAX, Verdict};

/// The columns [`mark_of`] reads, in its order.
pub(super) const COLUMNS: &str = "id, kind, indicator, hit, verdict, note, marked_by, at";

/// The `verdict` column of `mark`.
pub(super) fn verdict_text(mark: &Mark) -> Option<&'static str> {
    mark.verdict.map(Verdict::as_str)
}

/// A mark from its columns; `None` for a row this build cannot read (a type code or
/// verdict it does not know), which is skipped.
#[allow(clippy::too_many_arguments)]
pub(super) fn mark_of(
    kind: i64,
    indicator: String,
    hit: Option<i64>,
    verdict: Option<String>,
    note: Option<String>,
    by: String,
    at: i64,
) -> Option<Mark> {
    let verdict = match verdict {
        None => None,
        Some(v) => Some(Verdict::parse(&v)?),
    };
    let cut = |s: String, max: usize| -> Box<str> {
        if s.chars().count() <= max {
            s.into()
        } else {
            s.chars().take(max).collect::<String>().into()
        }
    };
    Some(Mark {
        kind: type_of(kind)?,
        indicator: indicator.into(),
        hit,
        verdict,
        note: note.filter(|n| !n.is_empty()).map(|n| cut(n, NOTE_MAX)),
        by: cut(by, 120),
        at: Timestamp::from_second(at).ok()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::persist::codec::type_code;

    #[test]
    fn rows_read_back_and_odd_ones_are_skipped() {
        let code = type_code(crate::model::IndicatorType::Domain);
        let m = mark_of(
            code,
            "cdn.example".into(),
            Some(7),
            Some("false_positive".into()),
            Some("x".repeat(500)),
            "alice@soc".into(),
            1_800_000_000,
        )
        .unwrap();
        assert_eq!(m.verdict, Some(Verdict::FalsePositive));
        assert_eq!(m.note.as_deref().map(|n| n.chars().count()), Some(NOTE_MAX));
        assert_eq!(verdict_text(&m), Some("false_positive"));
        let undo = mark_of(
            code,
            "x".into(),
            None,
            None,
            Some(String::new()),
            "a".into(),
            0,
        );
        assert_eq!(undo.map(|m| (m.verdict, m.note)), Some((None, None)));
        assert!(
            mark_of(
                code,
                "x".into(),
                None,
                Some("maybe".into()),
                None,
                "a".into(),
                0
            )
            .is_none()
        );
        assert!(mark_of(9_999, "x".into(), None, None, None, "a".into(), 0).is_none());
    }
}
