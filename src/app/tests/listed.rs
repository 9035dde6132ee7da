// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! What the allowlists and warninglists hold of the set, through `update`: screened when
//! the lists arrive and whenever the set changes (on a worker for a large set, after
//! the filter), and left out of the export prompt's exports unless kept.

use super::*;
use crate::matching::Warninglists;
use crate::trust::allowlist::{Allowlists, Screened};

/// The built-in warninglist, then the allowlist `corp` holding 45.0.0.0/24.
pub(crate) fn lists() -> Arc<Warninglists> {
    let mut corp = Allowlists::new();
    let id = corp.add_list("corp").unwrap();
    assert!(corp.add(id, "45.0.0.0/24"));
    Arc::new(Warninglists::load(&[]).unwrap().with_more(Arc::new(corp)))
}

fn listed(a: &App, value: &str) -> Option<usize> {
    let e = a
        .store
        .iter()
        .find(|(_, e)| &*e.value == value)
        .map(|(_, e)| e)
        .expect("held");
    a.listed(e)
}

/// [`loaded`], with the lists.
pub(crate) fn with_lists() -> App {
    let mut a = loaded();
    let fx = a.update(Msg::Lists(lists()));
    assert!(fx.is_empty(), "a small set is screened at once");
    a
}

#[test]
fn the_lists_mark_what_they_hold_and_count_it_per_list() {
    let a = loaded();
    assert_eq!(listed(&a, "45.0.0.3"), None, "no lists yet: nothing marked");
    let a = with_lists();
    assert_eq!(listed(&a, "45.0.0.3"), Some(1));
    assert_eq!(a.listing.label(1, 40), "allowlist corp");
    // `.example` names are on the built-in warninglist.
    assert_eq!(listed(&a, "evil.example"), Some(0));
    assert_eq!(listed(&a, "http://x.example/a"), Some(0));
    assert!(a.listing.label(0, 20).starts_with("warninglist built-in"));
    assert_eq!(listed(&a, "51.178.161.32"), None);
    assert_eq!(a.listing.counts().collect::<Vec<_>>(), [(0, 2), (1, 1)]);
    assert_eq!(a.rows.len(), 4, "marked, still shown");
}

#[test]
fn a_change_to_the_set_is_screened_again() {
    let mut a = with_lists();
    let _ = a.update(ch('R'));
    let _ = a.update(done(
        0,
        ok(vec![
            sighting(IndicatorType::Ipv4, "45.0.0.99", None, 80),
            sighting(IndicatorType::Ipv4, "51.178.161.32", None, 80),
        ]),
        90,
    ));
    assert_eq!(listed(&a, "45.0.0.99"), Some(1));
    // 45.0.0.3 is still urlhaus's; evil.example went with feodo's old snapshot.
    assert_eq!(listed(&a, "45.0.0.3"), Some(1));
    assert_eq!(a.listing.counts().collect::<Vec<_>>(), [(0, 1), (1, 2)]);
}

#[test]
fn a_large_set_is_screened_on_a_worker_once_the_filter_is_done() {
    let mut a = app();
    let _ = a.update(Msg::Tick(t(0)));
    let _ = a.update(Msg::Lists(lists()));
    let mut big: Vec<Sighting> = (0..(INLINE_FILTER_MAX as u32 + 10))
        .map(|i| sighting(IndicatorType::Domain, &format!("h{i}.evil.io"), None, 0))
        .collect();
    big.push(sighting(IndicatorType::Ipv4, "45.0.0.7", None, 0));
    let fx = a.update(done(0, ok(big), 1));
    assert!(
        fx.iter().all(|f| !matches!(f, Effect::Screen { .. })),
        "the rows first"
    );
    let Some(Effect::Filter {
        generation,
        store,
        query,
        sort,
        cancel,
        ..
    }) = fx.into_iter().find(|f| matches!(f, Effect::Filter { .. }))
    else {
        panic!("no filter job");
    };
    let rows = crate::store::filter::job(&store, &query, sort, None, &cancel);
    let fx = a.update(Msg::FilterDone {
        generation,
        rows,
        store,
    });
    let Some(Effect::Screen { store, lists }) =
        fx.into_iter().find(|f| matches!(f, Effect::Screen { .. }))
    else {
        panic!("no screening job");
    };
    assert_eq!(listed(&a, "45.0.0.7"), None, "not screened yet");
    // Nothing is screened twice while the job runs.
    assert!(
        a.update(Msg::Tick(t(2)))
            .iter()
            .all(|f| !matches!(f, Effect::Screen { .. }))
    );
    let screened = Screened::of(&store, &lists);
    let fx = a.update(Msg::Screened { store, screened });
    assert!(fx.iter().all(|f| !matches!(f, Effect::Screen { .. })));
    assert_eq!(listed(&a, "45.0.0.7"), Some(1));
    assert_eq!(a.listing.screened().len(), 1);
    // The store is free again: a change is applied at once.
    let _ = a.update(done(1, ok(vec![]), 3));
    assert!(a.store.find(IndicatorType::Ipv4, "45.0.0.7").is_some());
}

/// The export prompt opened on [`with_lists`], its rows `all`.
fn prompt_on_all() -> App {
    let mut a = with_lists();
    let _ = a.update(ch('x'));
    assert!(a.offers_listed());
    // Format, File, Rows: `all`.
    let _ = a.update(key(KeyCode::Tab));
    let _ = a.update(key(KeyCode::Tab));
    while a.prompt.as_ref().unwrap().rows != RowChoice::All {
        let _ = a.update(ch(' '));
    }
    a
}

fn exported(fx: Vec<Effect>) -> Vec<String> {
    let Some(Effect::Export { rows, store, .. }) = fx.into_iter().next() else {
        panic!("no export");
    };
    let mut v: Vec<String> = rows
        .iter()
        .map(|&i| store.get(i as usize).unwrap().value.to_string())
        .collect();
    v.sort();
    v
}

#[test]
fn the_export_prompt_leaves_listed_rows_out_unless_kept() {
    let mut a = prompt_on_all();
    let fx = a.update(key(KeyCode::Enter));
    assert_eq!(exported(fx), ["51.178.161.32"]);
    assert_eq!(a.prompt.as_ref().unwrap().left_out, 3);
    let _ = a.update(Msg::ExportDone {
        store: Arc::clone(&a.store),
        result: Ok((
            "/d/f.jsonl".into(),
            crate::export::Written::all(1),
            crate::export::Options::new(crate::export::Format::Jsonl),
        )),
    });
    assert_eq!(
        a.notice.as_deref(),
        Some("exported 1 rows to /d/f.jsonl (3 listed left out)")
    );

    let mut a = prompt_on_all();
    // Rows, Types, Fit, Defanged, Listed: keep.
    for _ in 0..4 {
        let _ = a.update(key(KeyCode::Tab));
    }
    assert_eq!(a.prompt.as_ref().unwrap().field, PromptField::Listed);
    let _ = a.update(ch(' '));
    assert!(a.prompt.as_ref().unwrap().keep_listed);
    assert_eq!(exported(a.update(key(KeyCode::Enter))).len(), 4);
}

#[test]
fn without_listed_rows_the_prompt_does_not_offer_to_keep_them() {
    let mut a = loaded();
    let _ = a.update(ch('x'));
    assert!(!a.offers_listed());
    for _ in 0..6 {
        let _ = a.update(key(KeyCode::Tab));
        assert_ne!(a.prompt.as_ref().unwrap().field, PromptField::Listed);
    }
    assert_eq!(a.prompt.as_ref().unwrap().field, PromptField::Format);
    let _ = a.update(key(KeyCode::BackTab));
    assert_eq!(a.prompt.as_ref().unwrap().field, PromptField::Defang);
}

#[test]
fn every_row_on_a_list_exports_nothing_and_says_why() {
    let mut a = with_lists();
    // Only the marked rows, all listed.
    let _ = a.update(ch('/'));
    for c in "example".chars() {
        let _ = a.update(ch(c));
    }
    let _ = a.update(key(KeyCode::Enter));
    let _ = a.update(ch('x'));
    let fx = a.update(key(KeyCode::Enter));
    assert!(fx.is_empty(), "{fx:?}");
    assert_eq!(
        a.notice.as_deref(),
        Some("export: every shown row is on a list (keep them under Listed)")
    );
    assert_eq!(a.prompt.as_ref().unwrap().stage, Stage::Editing);
}

#[test]
fn while_the_cache_is_read_the_set_is_screened_once_at_its_end() {
    let mut a = loaded();
    a.cache = CacheState::Loading;
    let _ = a.update(Msg::Lists(lists()));
    assert_eq!(listed(&a, "45.0.0.3"), None, "not while the cache is read");
    let _ = a.update(Msg::CacheLoaded {
        sources: Vec::new(),
        histories: Vec::new(),
    });
    let _ = a.update(Msg::Tick(t(5)));
    assert_eq!(listed(&a, "45.0.0.3"), Some(1), "screened once it is read");
}
