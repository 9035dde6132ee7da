// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The filter job, the store lease, and what the store remembered at start-up.

use super::*;

#[test]
fn large_stores_filter_on_a_worker_and_changes_wait_for_it() {
    let mut a = app();
    let _ = a.update(Msg::Tick(t(0)));
    let big: Vec<Sighting> = (0..(INLINE_FILTER_MAX as u32 + 10))
        .map(|i| sighting(IndicatorType::Domain, &format!("h{i}.example"), None, 0))
        .collect();
    let fx = a.update(done(0, ok(big), 1));
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
    assert!(a.filtering);
    // Typing while the worker runs cancels it and queues one more run.
    let _ = a.update(ch('/'));
    let fx = a.update(ch('9'));
    assert!(fx.is_empty(), "one job at a time");
    assert!(cancel.load(Ordering::Relaxed));
    // A fetch result meanwhile waits for the store to come back.
    let fx = a.update(done(
        1,
        ok(vec![sighting(IndicatorType::Ipv4, "9.9.9.9", None, 0)]),
        2,
    ));
    assert!(fx.iter().all(|f| !matches!(f, Effect::Filter { .. })));
    assert_eq!(
        Arc::strong_count(&a.store),
        2,
        "no copy of the store was made"
    );
    // The worker hands back (cancelled); the waiting change applies and a new job starts.
    let rows = filter::view(&store, &query, sort, &AtomicBool::new(false));
    drop(query);
    let fx = a.update(Msg::FilterDone {
        generation,
        rows,
        store,
    });
    assert_eq!(a.store.len(), INLINE_FILTER_MAX + 11);
    let Some(Effect::Filter {
        generation,
        store,
        query,
        sort,
        ..
    }) = fx.into_iter().find(|f| matches!(f, Effect::Filter { .. }))
    else {
        panic!("no second job");
    };
    assert_eq!(query.text, "9");
    let rows = filter::view(&store, &query, sort, &AtomicBool::new(false));
    let _ = a.update(Msg::FilterDone {
        generation,
        rows,
        store,
    });
    assert!(!a.filtering);
    assert!(shown(&a).iter().all(|v| v.contains('9')));
    assert!(shown(&a).contains(&"9.9.9.9".to_string()));
}

/// Runs the filter job among `fx` as the runtime would; returns how many rows it was
/// told to narrow (`None`: a full filter), and checks it matches a full filter.
fn run_filter_job(a: &mut App, fx: Vec<Effect>) -> Option<usize> {
    let Some(Effect::Filter {
        generation,
        store,
        query,
        sort,
        within,
        cancel,
    }) = fx.into_iter().find(|f| matches!(f, Effect::Filter { .. }))
    else {
        panic!("no filter job");
    };
    let full = filter::view(&store, &query, sort, &cancel);
    let rows = filter::job(&store, &query, sort, within.as_deref(), &cancel);
    assert_eq!(
        rows, full,
        "narrowing {query:?} gave other rows than filtering"
    );
    let _ = a.update(Msg::FilterDone {
        generation,
        rows,
        store,
    });
    within.map(|w| w.len())
}

#[test]
fn typing_more_of_a_query_narrows_the_rows_shown() {
    let mut a = app();
    let _ = a.update(Msg::Tick(t(0)));
    let n = INLINE_FILTER_MAX as u32 + 500;
    let big: Vec<Sighting> = (0..n)
        .map(|i| sighting(IndicatorType::Domain, &format!("h{i}.example"), None, 0))
        .collect();
    let fx = a.update(done(0, ok(big), 1));
    assert_eq!(run_filter_job(&mut a, fx), None);
    let _ = a.update(ch('/'));
    let fx = a.update(ch('1'));
    assert_eq!(
        run_filter_job(&mut a, fx),
        Some(n as usize),
        "from all rows"
    );
    let ones = a.rows.len();
    let fx = a.update(ch('2'));
    assert_eq!(
        run_filter_job(&mut a, fx),
        Some(ones),
        "from the rows of `1`"
    );
    assert!(shown(&a).iter().all(|v| v.contains("12")));
    // Deleting widens the query: a full filter.
    let fx = a.update(key(KeyCode::Backspace));
    assert_eq!(run_filter_job(&mut a, fx), None);
    assert_eq!(a.rows.len(), ones);
    // After the store changed, the rows shown are no base either.
    let fx = a.update(done(
        1,
        ok(vec![sighting(IndicatorType::Ipv4, "12.0.0.1", None, 0)]),
        2,
    ));
    assert_eq!(run_filter_job(&mut a, fx), None);
    let fx = a.update(ch('2'));
    let narrowed = run_filter_job(&mut a, fx);
    assert_eq!(narrowed, Some(ones + 1));
    assert!(shown(&a).contains(&"12.0.0.1".to_string()));
}

#[test]
fn a_query_narrows_only_a_query_it_contains() {
    let q = |text: &str| Query {
        text: text.into(),
        ..Default::default()
    };
    assert!(filter::narrows(&q(""), &q("x")));
    assert!(filter::narrows(&q("Ev"), &q(" evil ")));
    assert!(filter::narrows(&q("vil"), &q("evil")));
    assert!(!filter::narrows(&q("evil"), &q("evi")));
    assert!(!filter::narrows(&q("a"), &q("b")));
    let typed = Query {
        kind: Some(IndicatorType::Url),
        ..q("a")
    };
    assert!(!filter::narrows(&q(""), &typed));
}

#[test]
fn stale_filter_results_are_dropped() {
    let mut a = loaded();
    let before = a.rows.clone();
    let _ = a.update(Msg::FilterDone {
        generation: 0,
        rows: Some(vec![]),
        store: Arc::clone(&a.store),
    });
    assert_eq!(a.rows, before);
}

#[test]
fn idle_ticks_within_a_minute_do_not_redraw() {
    let mut a = loaded();
    for i in 0..4 {
        let _ = a.update(done(i, ok(vec![]), 3));
    }
    a.take_dirty();
    let _ = a.update(Msg::Tick(t(10)));
    assert!(!a.take_dirty(), "nothing changed");
    let _ = a.update(Msg::Tick(t(65)));
    assert!(a.take_dirty(), "'1m ago' changed");
    let _ = a.update(Msg::Key(KeyEvent::new(KeyCode::F(12), KeyModifiers::NONE)));
    assert!(!a.take_dirty(), "unbound keys change nothing");
}

fn cached(name: &str, at: i64, values: &[&str]) -> CachedSource {
    CachedSource {
        name: name.into(),
        meta: SourceMeta {
            fetched_at: Some(t(at)),
            count: values.len(),
            ..Default::default()
        },
        sightings: values
            .iter()
            .map(|v| sighting(IndicatorType::Domain, v, Some("cached"), at))
            .collect(),
        continues: false,
    }
}

/// A further part of a stored snapshot.
fn cached_part(name: &str, at: i64, values: &[&str]) -> CachedSource {
    CachedSource {
        continues: true,
        ..cached(name, at, values)
    }
}

/// The values shown, in text order.
fn shown_sorted(a: &App) -> Vec<String> {
    let mut all = shown(a);
    all.sort();
    all
}

#[test]
fn a_recent_cache_delays_the_first_fetch_and_shows_as_cached() {
    let mut a = app();
    let metas = [(
        "feodo".to_string(),
        SourceMeta {
            fetched_at: Some(t(-120)),
            ..Default::default()
        },
    )]
    .into_iter()
    .collect();
    let _ = a.update(Msg::CacheMeta(metas));
    assert_eq!(a.cache, CacheState::Loading);
    // feodo was fetched 2 minutes ago with a 10m refresh: due in 8 minutes.
    assert_eq!(a.sources[0].schedule.next_due, Some(t(480)));
    assert_eq!(fetches(&a.update(Msg::Tick(t(0)))), [1, 3]);
    let _ = a.update(Msg::CacheLoaded {
        sources: vec![cached("feodo", -120, &["a.example", "b.example"])],
        histories: vec![("feodo".into(), vec![])],
    });
    assert_eq!(a.cache, CacheState::Ready);
    assert_eq!(a.store.len(), 2);
    assert_eq!(a.sources[0].count, 2);
    assert!(!a.sources[0].live);
    assert_eq!(a.sources[0].cached_at, Some(t(-120)));
    assert_eq!(fetches(&a.update(Msg::Tick(t(480)))), [0]);
}

#[test]
fn stored_snapshots_come_one_by_one_and_the_table_is_filtered_once_more_at_the_end() {
    let mut a = app();
    let _ = a.update(Msg::Tick(t(0)));
    let first = cached("feodo", -60, &["a.example", "b.example"]);
    let second = cached("urlhaus", -60, &["u.example"]);
    let metas = [
        ("feodo".to_string(), first.meta.clone()),
        ("urlhaus".to_string(), second.meta.clone()),
    ]
    .into_iter()
    .collect();
    let _ = a.update(Msg::CacheMeta(metas));
    assert!(
        a.store.capacity() >= 3,
        "room for every stored snapshot at once"
    );
    let _ = a.update(Msg::CachedSource(first));
    assert_eq!(
        shown(&a),
        ["a.example", "b.example"],
        "the first is shown at once"
    );
    let fx = a.update(Msg::CachedSource(second));
    assert!(fx.iter().all(|f| !matches!(f, Effect::Filter { .. })));
    assert_eq!(a.store.len(), 3, "merged");
    assert_eq!(shown(&a).len(), 2, "not filtered again yet");
    assert_eq!(a.cache, CacheState::Loading);
    let _ = a.update(Msg::CacheLoaded {
        sources: vec![],
        histories: vec![],
    });
    assert_eq!(a.cache, CacheState::Ready);
    let all = shown_sorted(&a);
    assert_eq!(all, ["a.example", "b.example", "u.example"]);
}

#[test]
fn a_snapshot_in_parts_adds_up_and_live_data_between_parts_wins() {
    let mut a = app();
    let _ = a.update(Msg::Tick(t(0)));
    let _ = a.update(Msg::CacheMeta(Default::default()));
    let _ = a.update(Msg::CachedSource(cached(
        "feodo",
        -60,
        &["a.example", "b.example"],
    )));
    // A repeated key in a later part is the same indicator, counted once.
    let _ = a.update(Msg::CachedSource(cached_part(
        "feodo",
        -60,
        &["b.example", "c.example"],
    )));
    assert_eq!(a.sources[0].count, 3);
    let _ = a.update(Msg::CachedSource(cached("urlhaus", -60, &["u1.example"])));
    assert_eq!(a.sources[1].count, 1);
    // urlhaus is fetched live before its stored snapshot's last part arrives.
    let _ = a.update(done(
        1,
        ok(vec![sighting(
            IndicatorType::Domain,
            "live.example",
            None,
            0,
        )]),
        1,
    ));
    let _ = a.update(Msg::CachedSource(cached_part(
        "urlhaus",
        -60,
        &["u2.example"],
    )));
    let _ = a.update(Msg::CacheLoaded {
        sources: vec![],
        histories: vec![],
    });
    let all = shown_sorted(&a);
    assert_eq!(all, ["a.example", "b.example", "c.example", "live.example"]);
    assert_eq!(a.sources[1].count, 1);
}

#[test]
fn parts_wait_while_a_worker_holds_the_store_and_live_data_still_wins() {
    let mut a = app();
    let _ = a.update(Msg::Tick(t(0)));
    let _ = a.update(Msg::CacheMeta(Default::default()));
    let n = INLINE_FILTER_MAX + 10;
    let values: Vec<String> = (0..n).map(|i| format!("h{i}.example")).collect();
    let refs: Vec<&str> = values.iter().map(String::as_str).collect();
    // A first part large enough to be filtered on a worker, which holds the store.
    let fx = a.update(Msg::CachedSource(cached("feodo", -60, &refs)));
    let Some(Effect::Filter {
        generation,
        store,
        query,
        sort,
        ..
    }) = fx.into_iter().find(|f| matches!(f, Effect::Filter { .. }))
    else {
        panic!("no filter job");
    };
    let _ = a.update(Msg::CachedSource(cached_part(
        "feodo",
        -60,
        &["late.example"],
    )));
    let _ = a.update(Msg::CachedSource(cached("urlhaus", -60, &["u1.example"])));
    let _ = a.update(Msg::CachedSource(cached_part(
        "urlhaus",
        -60,
        &["u2.example"],
    )));
    assert_eq!(
        a.store.len(),
        n,
        "nothing is merged while the store is held"
    );
    // urlhaus is fetched live before the worker gives the store back.
    let _ = a.update(done(
        1,
        ok(vec![sighting(
            IndicatorType::Domain,
            "live.example",
            None,
            0,
        )]),
        1,
    ));
    let rows = filter::view(&store, &query, sort, &AtomicBool::new(false));
    let _ = a.update(Msg::FilterDone {
        generation,
        rows,
        store,
    });
    assert_eq!(a.sources[0].count, n + 1);
    assert_eq!(a.sources[1].count, 1);
    let live = |v: &str| a.store.find_live(IndicatorType::Domain, v).is_some();
    assert!(live("late.example"));
    assert!(live("live.example"));
    assert!(!live("u1.example") && !live("u2.example"));
}

#[test]
fn a_load_that_fails_midway_shows_what_it_merged_and_live_rows_do_not_defer_it() {
    let mut a = app();
    let _ = a.update(Msg::Tick(t(0)));
    let _ = a.update(Msg::CacheMeta(Default::default()));
    // A live fetch is on screen before any stored snapshot: the first one still shows
    // at once.
    let _ = a.update(done(
        2,
        ok(vec![sighting(IndicatorType::Ipv4, "9.9.9.9", None, 0)]),
        1,
    ));
    let _ = a.update(Msg::CachedSource(cached("feodo", -60, &["a.example"])));
    assert_eq!(shown(&a).len(), 2, "{:?}", shown(&a));
    let _ = a.update(Msg::CachedSource(cached("urlhaus", -60, &["u.example"])));
    assert_eq!(shown(&a).len(), 2, "deferred");
    let _ = a.update(Msg::CacheFailed("store: connection lost".into()));
    let all = shown_sorted(&a);
    assert_eq!(all, ["9.9.9.9", "a.example", "u.example"]);
}

#[test]
fn live_data_wins_over_a_late_cache() {
    let mut a = app();
    let _ = a.update(Msg::Tick(t(0)));
    let _ = a.update(done(
        0,
        ok(vec![sighting(IndicatorType::Ipv4, "9.9.9.9", None, 0)]),
        1,
    ));
    let _ = a.update(Msg::CacheLoaded {
        sources: vec![
            cached("feodo", -3600, &["stale.example"]),
            cached("urlhaus", -60, &["u.example"]),
        ],
        histories: vec![],
    });
    let values = shown(&a);
    assert!(values.contains(&"9.9.9.9".to_string()));
    assert!(!values.contains(&"stale.example".to_string()), "{values:?}");
    assert!(
        values.contains(&"u.example".to_string()),
        "urlhaus had no live data yet"
    );
}

#[test]
fn not_modified_keeps_the_cached_snapshot() {
    let mut a = app();
    let _ = a.update(Msg::Tick(t(0)));
    let _ = a.update(Msg::CacheLoaded {
        sources: vec![cached("feodo", -3600, &["a.example"])],
        histories: vec![],
    });
    let out = FetchOutput {
        not_modified: true,
        ..Default::default()
    };
    let _ = a.update(done(0, Ok(out), 5));
    assert_eq!(shown(&a), ["a.example"]);
    let s = &a.sources[0];
    assert!(s.live && s.last_ok == Some(t(5)) && s.last_error.is_none());
    assert_eq!(
        s.history.last().unwrap().outcome,
        crate::store::health::FetchOutcome::NotModified
    );
    assert_eq!(s.history.last().unwrap().count, 1);
}

#[test]
fn the_history_collects_every_fetch_and_flags_a_collapse() {
    let mut a = loaded();
    let _ = a.update(ch('R'));
    let _ = a.update(done(0, ok(vec![]), 30));
    let h = &a.sources[0].history;
    assert_eq!(h.len(), 2);
    assert_eq!(
        crate::store::health::anomaly(h),
        Some(crate::store::health::Anomaly::Emptied { before: 3 })
    );
}

#[test]
fn cache_failures_show_and_log() {
    let mut a = app();
    let fx = a.update(Msg::CacheFailed("cache x: disk I/O error".into()));
    assert!(matches!(a.cache, CacheState::Failed(_)));
    assert!(matches!(&fx[..], [Effect::Log { level, .. }] if *level == tracing::Level::WARN));
}

#[test]
fn an_unreachable_store_says_so_and_loads_when_it_answers() {
    let mut a = app();
    let fx = a.update(Msg::StoreUnreachable("store db.example unreachable".into()));
    assert_eq!(a.cache, CacheState::Retrying);
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::Log { text, .. } if text.contains("retrying")))
    );
    let _ = a.update(Msg::CacheMeta(Default::default()));
    assert_eq!(a.cache, CacheState::Loading);
    let _ = a.update(Msg::CacheLoaded {
        sources: vec![cached("feodo", -60, &["a.example"])],
        histories: vec![],
    });
    assert_eq!(a.cache, CacheState::Ready);
    assert_eq!(a.store.len(), 1);
}

#[test]
fn a_snapshot_another_process_saved_replaces_the_rows_and_delays_the_fetch() {
    let mut a = app();
    let _ = a.update(Msg::Tick(t(0)));
    let meta = SourceMeta {
        fetched_at: Some(t(30)),
        fetched_by: Some("ana@soc-1 pid 7".into()),
        ..Default::default()
    };
    let fx = a.update(Msg::SharedSnapshot {
        source: "feodo".into(),
        sightings: vec![
            sighting(IndicatorType::Domain, "a.example", None, 0),
            sighting(IndicatorType::Domain, "b.example", None, 0),
        ],
        meta: Some(meta),
    });
    assert!(
        fx.iter().any(
            |e| matches!(e, Effect::Log { text, .. } if text.contains("fetched by ana@soc-1"))
        )
    );
    assert_eq!(a.sources[0].count, 2);
    assert_eq!(a.sources[0].last_ok, Some(t(30)));
}

#[test]
fn a_read_only_store_shows_in_the_header() {
    let mut a = app();
    let _ = a.update(Msg::StoreReadOnly);
    assert_eq!(a.cache, CacheState::ReadOnly);
    let text = crate::ui::tests::screen(&mut a, 100, 30);
    assert!(text.contains("read-only store"), "{text}");
}
