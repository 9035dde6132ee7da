// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! `s` and `S` through `update`: every key and direction keeps the selection on the same
//! indicator, wherever the indicator moves.

use super::*;

#[test]
fn every_sort_key_and_direction_keeps_the_selected_indicator() {
    let mut a = loaded();
    assert_eq!(a.sort, filter::Sort::default());
    assert_eq!(shown(&a)[0], "45.0.0.3", "newest last seen first");
    let _ = a.update(ch('j'));
    let _ = a.update(ch('j'));
    let picked = selected_value(&a).expect("a selection");
    let mut places = std::collections::HashSet::new();
    for _ in 0..crate::store::columns::sort_cycle().count() {
        let _ = a.update(ch('s'));
        assert_eq!(
            selected_value(&a).as_deref(),
            Some(picked.as_str()),
            "{:?}",
            a.sort
        );
        places.insert(a.selected);
        let _ = a.update(ch('S'));
        assert_eq!(
            selected_value(&a).as_deref(),
            Some(picked.as_str()),
            "{:?}",
            a.sort
        );
        places.insert(a.selected);
        let _ = a.update(ch('S'));
    }
    assert!(places.len() > 1, "the indicator never moved: {places:?}");
}
