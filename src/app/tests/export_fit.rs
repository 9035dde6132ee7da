// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The export prompt's typed cuts through `update`: the Types and Fit fields.

use super::export_prompt::{answer, export, opened, prompt};
use super::*;
use crate::app::export::Stage;

#[test]
fn typed_types_filter_the_export_and_a_wrong_one_keeps_the_prompt_open() {
    let mut a = opened("/d");
    for _ in 0..3 {
        let _ = a.update(key(KeyCode::Tab));
    }
    assert_eq!(prompt(&a).field, PromptField::Types);
    for c in "ipv4,host".chars() {
        let _ = a.update(ch(c));
    }
    // Space and letters are typed here, not choices.
    assert_eq!(prompt(&a).types.as_str(), "ipv4,host");
    assert!(a.update(key(KeyCode::Enter)).is_empty(), "nothing exported");
    let p = prompt(&a);
    assert_eq!((&p.stage, p.field), (&Stage::Editing, PromptField::Types));
    assert!(
        p.error
            .as_deref()
            .unwrap()
            .starts_with("unknown indicator type `host`"),
        "{:?}",
        p.error
    );
    for _ in 0..4 {
        let _ = a.update(key(KeyCode::Backspace));
    }
    for c in "domain".chars() {
        let _ = a.update(ch(c));
    }
    assert_eq!(prompt(&a).error, None, "typing clears the reason");
    let fx = a.update(key(KeyCode::Enter));
    let Some(Effect::Export { fit, .. }) = fx.first() else {
        panic!("no export: {fx:?}");
    };
    use crate::model::IndicatorType as T;
    assert_eq!(fit.types, [T::Ipv4, T::Domain]);
    assert!(fit.include_decayed, "the rows as chosen, decayed or not");
    let (rows, options, _) = export(fx);
    assert!(
        !rows.is_empty(),
        "the rows go to the writer, which keeps the types"
    );
    // The result says what was cut and the lowest score kept.
    let (_, cut) = fit_of(&a, &[T::Ipv4, T::Domain]);
    let done = crate::export::Written {
        count: cut.kept,
        selected: Some(cut),
        ..crate::export::Written::default()
    };
    let _ = answer(&mut a, Ok(("/d/x.jsonl".into(), done, options)));
    assert_eq!(
        a.notice.as_deref(),
        Some(
            "exported 3 rows to /d/x.jsonl; kept 3 of 4 indicators (cut: 1 of other types); lowest score kept 90"
        )
    );
}

/// What keeping `types` of every row of `a` cuts.
fn fit_of(a: &App, types: &[crate::model::IndicatorType]) -> (usize, crate::export::fit::Cut) {
    let fit = crate::export::fit::Fit {
        types: types.to_vec(),
        include_decayed: true,
        ..Default::default()
    };
    let (kept, cut) = fit.apply(&a.store, a.store.iter().map(|(_, e)| e));
    (kept.len(), cut)
}

#[test]
fn a_typed_fit_cuts_by_score_and_count_and_a_wrong_one_keeps_the_prompt_open() {
    let mut a = opened("/d");
    for _ in 0..4 {
        let _ = a.update(key(KeyCode::Tab));
    }
    assert_eq!(prompt(&a).field, PromptField::Fit);
    for c in "score>=50 top=3".chars() {
        let _ = a.update(ch(c));
    }
    assert!(a.update(key(KeyCode::Enter)).is_empty(), "nothing exported");
    let p = prompt(&a);
    assert_eq!((&p.stage, p.field), (&Stage::Editing, PromptField::Fit));
    assert!(
        p.error.as_deref().unwrap().contains("`top=3`"),
        "{:?}",
        p.error
    );
    for _ in 0..5 {
        let _ = a.update(key(KeyCode::Backspace));
    }
    for c in "max=2".chars() {
        let _ = a.update(ch(c));
    }
    let fx = a.update(key(KeyCode::Enter));
    let Some(Effect::Export { fit, .. }) = fx.first() else {
        panic!("no export: {fx:?}");
    };
    assert_eq!((fit.min_score, fit.max), (Some(50), Some(2)));
    // What the writer keeps of them: the two best by score.
    let (kept, cut) = fit.apply(&a.store, a.store.iter().map(|(_, e)| e));
    assert_eq!(kept.len(), 2);
    assert!(
        cut.describe().contains("past --max 2"),
        "{}",
        cut.describe()
    );
}
