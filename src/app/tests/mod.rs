// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

use std::path::Path;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::model::Observation;
use crate::net::NetError;
use crate::sources::ParsedBatch;
use crate::store::filter;
use std::sync::atomic::Ordering;

pub(crate) const YAML: &str = r#"
api_keys: { virus_total: "vt-key" }
sources:
  - { name: feodo, kind: feodo, url: "http://127.0.0.1:9/f", refresh: 10m }
  - { name: urlhaus, kind: urlhaus, url: "http://127.0.0.1:9/u", refresh: 15m }
  - { name: otx, kind: otx, url: "http://127.0.0.1:9/otx" }
  - { name: vt, kind: virustotal, url: "http://127.0.0.1:9/vt" }
"#;

pub(crate) fn t(s: i64) -> Timestamp {
    Timestamp::from_second(1_800_000_000 + s).unwrap()
}

pub(crate) fn app() -> App {
    let cfg = Config::from_yaml(
        YAML,
        Path::new("t.yaml"),
        &|_| None,
        &crate::sources::registry::kinds(),
    )
    .unwrap()
    .config;
    App::new(&cfg, t(0))
}

fn key(c: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

fn ch(c: char) -> Msg {
    key(KeyCode::Char(c))
}

pub(crate) fn sighting(kind: IndicatorType, v: &str, threat: Option<&str>, last: i64) -> Sighting {
    Sighting {
        kind,
        value: v.into(),
        obs: Observation {
            threat: threat.map(Into::into),
            last_seen: crate::model::time::Secs::new(t(last)),
            ..Default::default()
        },
    }
}

pub(crate) fn ok(sightings: Vec<Sighting>) -> Result<FetchOutput, FetchError> {
    Ok(FetchOutput {
        batch: ParsedBatch {
            sightings,
            skipped: Default::default(),
        },
        bytes: 100,
        requests: 1,
        ..Default::default()
    })
}

pub(crate) fn done(source: usize, result: Result<FetchOutput, FetchError>, at: i64) -> Msg {
    Msg::FetchDone {
        source,
        result,
        at: t(at),
        elapsed: Duration::from_millis(120),
    }
}

fn fetches(fx: &[Effect]) -> Vec<usize> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Fetch { source, .. } => Some(*source),
            _ => None,
        })
        .collect()
}

/// The app with feodo and urlhaus loaded.
pub(crate) fn loaded() -> App {
    let mut a = app();
    let _ = a.update(Msg::Tick(t(0)));
    let _ = a.update(done(
        0,
        ok(vec![
            sighting(IndicatorType::Ipv4, "45.0.0.3", Some("Dridex"), 50),
            sighting(IndicatorType::Ipv4, "51.178.161.32", Some("QakBot"), 40),
            sighting(IndicatorType::Domain, "evil.example", None, 30),
        ]),
        1,
    ));
    let _ = a.update(done(
        1,
        ok(vec![
            sighting(
                IndicatorType::Url,
                "http://x.example/a",
                Some("malware_download"),
                60,
            ),
            sighting(IndicatorType::Ipv4, "45.0.0.3", None, 70),
        ]),
        2,
    ));
    a
}

fn shown(a: &App) -> Vec<String> {
    a.rows
        .iter()
        .map(|&i| a.store.get(i as usize).unwrap().value.to_string())
        .collect()
}

fn selected_value(a: &App) -> Option<String> {
    a.selected_entry()
        .and_then(|i| a.store.get(i))
        .map(|e| e.value.to_string())
}

#[test]
fn starts_every_enabled_source_at_once_and_skips_disabled_ones() {
    let mut a = app();
    let fx = a.update(Msg::Tick(t(0)));
    // otx has no key; vt has one.
    assert_eq!(fetches(&fx), [0, 1, 3]);
    assert!(
        matches!(&a.sources[2].availability, Availability::Disabled(w) if w.contains("no API key"))
    );
    assert!(a.busy());
    assert!(
        fetches(&a.update(Msg::Tick(t(5)))).is_empty(),
        "one fetch in flight per source"
    );
}

#[test]
fn refetches_every_refresh_after_the_last_fetch_ended() {
    let mut a = app();
    let _ = a.update(Msg::Tick(t(0)));
    let _ = a.update(done(0, ok(vec![]), 10));
    assert_eq!(a.sources[0].schedule.next_due, Some(t(610)));
    assert!(fetches(&a.update(Msg::Tick(t(609)))).is_empty());
    assert_eq!(fetches(&a.update(Msg::Tick(t(610)))), [0]);
}

#[test]
fn refresh_during_a_fetch_is_coalesced_into_one_more() {
    let mut a = app();
    let _ = a.update(Msg::Tick(t(0)));
    a.source_cursor = 0;
    assert!(fetches(&a.update(ch('r'))).is_empty());
    assert!(fetches(&a.update(ch('r'))).is_empty());
    assert!(a.sources[0].schedule.queued);
    let fx = a.update(done(0, ok(vec![]), 3));
    assert_eq!(fetches(&fx), [0], "runs once right after");
    let fx = a.update(done(0, ok(vec![]), 4));
    assert!(fetches(&fx).is_empty());
    // Idle: r starts at once; R starts every enabled idle source.
    assert_eq!(fetches(&a.update(ch('r'))), [0]);
    let _ = a.update(done(1, ok(vec![]), 5));
    let _ = a.update(done(3, ok(vec![]), 5));
    let _ = a.update(done(0, ok(vec![]), 5));
    assert_eq!(fetches(&a.update(ch('R'))), [0, 1, 3]);
}

#[test]
fn refreshing_a_disabled_source_explains_why() {
    let mut a = app();
    let _ = a.update(Msg::Tick(t(0)));
    a.source_cursor = 2;
    assert!(fetches(&a.update(ch('r'))).is_empty());
    assert!(
        a.notice
            .as_deref()
            .unwrap()
            .contains("otx is disabled: no API key")
    );
}

#[test]
fn a_failed_fetch_keeps_the_last_good_data_and_shows_the_error() {
    let mut a = loaded();
    let before = a.store.len();
    let _ = a.update(ch('R'));
    let err = FetchError::Net(NetError::Status {
        url: "http://127.0.0.1:9/f".into(),
        status: 500,
        detail: "boom \x1b]0;x\x07".into(),
    });
    let fx = a.update(done(0, Err(err), 20));
    assert_eq!(a.store.len(), before);
    assert_eq!(a.sources[0].count, 3);
    let e = a.sources[0].last_error.as_deref().unwrap();
    assert!(e.contains("HTTP 500") && !e.contains('\x1b'), "{e}");
    assert!(fx.iter().any(|f| matches!(f, Effect::Log { level, text } if *level == tracing::Level::WARN && text.starts_with("feodo: "))));
    // The next success clears it.
    let _ = a.update(ch('R'));
    let _ = a.update(done(
        0,
        ok(vec![sighting(IndicatorType::Ipv4, "12.0.0.1", None, 0)]),
        30,
    ));
    assert!(a.sources[0].last_error.is_none());
    assert_eq!(a.sources[0].count, 1);
    assert_eq!(a.sources[0].last_ok, Some(t(30)));
}

#[test]
fn merges_sources_and_counts_them() {
    let a = loaded();
    assert_eq!(a.store.len(), 4);
    assert_eq!(a.rows.len(), 4);
    assert_eq!((a.sources[0].count, a.sources[1].count), (3, 2));
}

#[test]
fn live_text_filter_keep_and_clear() {
    let mut a = loaded();
    let _ = a.update(ch('/'));
    assert_eq!(a.mode, Mode::Filter);
    for c in "dridex".chars() {
        let _ = a.update(ch(c));
    }
    assert_eq!(shown(&a), ["45.0.0.3"]);
    let _ = a.update(key(KeyCode::Backspace));
    assert_eq!(a.filter_text, "dride");
    let _ = a.update(key(KeyCode::Enter));
    assert_eq!(a.mode, Mode::Normal);
    assert_eq!(shown(&a), ["45.0.0.3"], "Enter keeps the filter");
    let _ = a.update(ch('/'));
    let _ = a.update(key(KeyCode::Esc));
    assert_eq!(a.filter_text, "");
    assert_eq!(a.rows.len(), 4);
}

#[test]
fn a_filter_opened_again_goes_on_at_its_end() {
    let mut a = loaded();
    let _ = a.update(ch('/'));
    for c in "45.0".chars() {
        let _ = a.update(ch(c));
    }
    let _ = a.update(key(KeyCode::Left));
    let _ = a.update(key(KeyCode::Left));
    let _ = a.update(key(KeyCode::Enter));
    let _ = a.update(ch('/'));
    let _ = a.update(ch('.'));
    assert_eq!(a.filter_text, "45.0.");
}

#[test]
fn selection_clamps_when_rows_shrink() {
    let mut a = loaded();
    let _ = a.update(ch('G'));
    assert_eq!(a.selected, 3);
    let _ = a.update(ch('/'));
    let _ = a.update(ch('4'));
    let _ = a.update(ch('5'));
    assert_eq!(a.rows.len(), 1);
    assert_eq!(a.selected, 0);
    let _ = a.update(ch('z'));
    assert!(a.rows.is_empty());
    assert_eq!(a.selected_entry(), None);
    let _ = a.update(key(KeyCode::Down));
    assert_eq!(a.selected, 0);
}

#[test]
fn selection_follows_the_indicator_across_refreshes_and_sorts() {
    let mut a = loaded();
    let _ = a.update(ch('j'));
    let picked = selected_value(&a).unwrap();
    // Re-sort by value, reverse, then by last seen.
    let _ = a.update(ch('s'));
    let _ = a.update(ch('s'));
    assert_eq!(selected_value(&a).as_deref(), Some(picked.as_str()));
    let _ = a.update(ch('S'));
    assert_eq!(selected_value(&a).as_deref(), Some(picked.as_str()));
    // A refresh that adds rows before it.
    let _ = a.update(ch('R'));
    let _ = a.update(done(
        0,
        ok(vec![
            sighting(IndicatorType::Ipv4, "0.0.0.1", None, 1),
            sighting(IndicatorType::Ipv4, "45.0.0.3", Some("Dridex"), 50),
            sighting(IndicatorType::Ipv4, "51.178.161.32", Some("QakBot"), 40),
            sighting(IndicatorType::Domain, "evil.example", None, 30),
        ]),
        20,
    ));
    assert_eq!(selected_value(&a).as_deref(), Some(picked.as_str()));
}

#[test]
fn type_filter_cycles_through_every_type_and_back() {
    let mut a = loaded();
    let mut seen = vec![];
    for _ in 0..=IndicatorType::ALL.len() {
        let _ = a.update(ch('t'));
        seen.push(a.type_filter);
    }
    assert_eq!(seen[0], Some(IndicatorType::Ipv4));
    assert_eq!(seen[IndicatorType::ALL.len()], None);
    a.type_filter = None;
    let _ = a.update(ch('t'));
    assert_eq!(shown(&a), ["45.0.0.3", "51.178.161.32"]);
}

#[test]
fn space_hides_and_shows_a_sources_rows() {
    let mut a = loaded();
    let _ = a.update(key(KeyCode::Tab));
    assert_eq!(a.focus, Focus::Sources);
    let _ = a.update(ch(' '));
    assert!(a.sources[0].hidden);
    // 45.0.0.3 stays: urlhaus also has it.
    assert_eq!(shown(&a), ["45.0.0.3", "http://x.example/a"]);
    let _ = a.update(ch(' '));
    assert_eq!(a.rows.len(), 4);
    let _ = a.update(key(KeyCode::BackTab));
    assert_eq!(a.focus, Focus::Table);
}

#[test]
fn movement_keys_in_table_and_sources() {
    let mut a = loaded();
    let _ = a.update(Msg::Resize {
        width: 80,
        height: 24,
    });
    let _ = a.update(ch('j'));
    let _ = a.update(key(KeyCode::Down));
    assert_eq!(a.selected, 2);
    let _ = a.update(ch('k'));
    assert_eq!(a.selected, 1);
    let _ = a.update(key(KeyCode::Up));
    let _ = a.update(key(KeyCode::Up));
    assert_eq!(a.selected, 0);
    let _ = a.update(key(KeyCode::End));
    assert_eq!(a.selected, 3);
    let _ = a.update(key(KeyCode::Home));
    assert_eq!(a.selected, 0);
    let _ = a.update(key(KeyCode::PageDown));
    assert_eq!(a.selected, 3);
    let _ = a.update(key(KeyCode::PageUp));
    assert_eq!(a.selected, 0);
    let _ = a.update(key(KeyCode::Tab));
    let _ = a.update(ch('j'));
    let _ = a.update(ch('j'));
    assert_eq!((a.source_cursor, a.selected), (2, 0));
    let _ = a.update(ch('G'));
    assert_eq!(a.source_cursor, 3);
}

#[test]
fn scrolling_keeps_the_selection_on_screen() {
    let mut a = app();
    let _ = a.update(Msg::Resize {
        width: 80,
        height: 24,
    });
    let _ = a.update(Msg::Tick(t(0)));
    let many = (0..500)
        .map(|i| sighting(IndicatorType::Domain, &format!("h{i}.example"), None, 0))
        .collect();
    let _ = a.update(done(0, ok(many), 1));
    let page = a.page_rows();
    assert!((3..20).contains(&page), "{page}");
    let _ = a.update(key(KeyCode::PageDown));
    let _ = a.update(key(KeyCode::PageDown));
    assert_eq!(a.selected, 2 * page);
    assert!(a.selected >= a.offset && a.selected < a.offset + page);
    let _ = a.update(ch('G'));
    assert_eq!(a.offset, 500 - page);
    let _ = a.update(ch('g'));
    assert_eq!(a.offset, 0);
}

#[test]
fn details_help_and_quit() {
    let mut a = loaded();
    let _ = a.update(key(KeyCode::Enter));
    assert_eq!(a.mode, Mode::Details);
    let _ = a.update(ch('j'));
    assert_eq!(a.details_scroll, 1);
    let _ = a.update(key(KeyCode::Esc));
    assert_eq!(a.mode, Mode::Normal);
    let _ = a.update(ch('?'));
    assert_eq!(a.mode, Mode::Help);
    let _ = a.update(ch('x'));
    assert_eq!(a.mode, Mode::Normal, "any key closes help");
    assert!(!a.quit);
    let _ = a.update(ch('q'));
    assert!(a.quit);
    let mut b = loaded();
    let _ = b.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('c'),
        KeyModifiers::CONTROL,
    )));
    assert!(b.quit);
}

#[test]
fn details_need_a_selection() {
    let mut a = app();
    let _ = a.update(key(KeyCode::Enter));
    assert_eq!(a.mode, Mode::Normal);
}

#[test]
fn copy_and_log_size() {
    let mut a = loaded();
    let fx = a.update(ch('y'));
    assert!(matches!(&fx[..], [Effect::Copy(v)] if v == "45.0.0.3"));
    assert_eq!(a.log_size, LogSize::Small);
    let _ = a.update(ch('l'));
    assert_eq!(a.log_size, LogSize::Large);
    let _ = a.update(ch('l'));
    assert_eq!(a.log_size, LogSize::Hidden);
    let _ = a.update(ch('l'));
    assert_eq!(a.log_size, LogSize::Small);
}

#[test]
fn enrich_asks_virustotal_and_shows_the_result() {
    let mut a = loaded();
    let fx = a.update(ch('e'));
    let Some(Effect::Enrich {
        source,
        kind,
        value,
        ..
    }) = fx.into_iter().next()
    else {
        panic!("no enrich");
    };
    assert_eq!(
        (source, kind, &*value),
        (3, IndicatorType::Ipv4, "45.0.0.3")
    );
    let before = a.store.get(a.selected_entry().unwrap()).unwrap().clone();
    let answer = crate::model::Enrichment {
        kind,
        value: value.clone(),
        service: "vt".into(),
        at: t(20),
        verdict: Some(crate::model::Verdict {
            virustotal: Some(crate::model::VtStats {
                malicious: 8,
                last_analysis: Some(t(900)),
                ..Default::default()
            }),
            threat: Some("Dridex".into()),
            ..Default::default()
        }),
    };
    let _ = a.update(Msg::EnrichDone {
        source,
        value: value.clone(),
        result: Ok(answer),
    });
    assert!(
        a.notice
            .as_deref()
            .unwrap()
            .contains("vt: 45.0.0.3: 8/8 malicious (Dridex)")
    );
    let vt = |a: &App| {
        a.store
            .enrichments()
            .virustotal(kind, &value)
            .map(|v| v.malicious)
    };
    assert_eq!(vt(&a), Some(8));
    // The answer is the value's enrichment, not a sighting: no new source, no date
    // (its analysis time is not when anyone saw it), no tag.
    let e = a.store.get(a.selected_entry().unwrap()).unwrap();
    assert_eq!(e, &before);
    assert_eq!(a.sources[3].count, 0);
    // A watch-list refresh of vt keeps the enrichment.
    let _ = a.update(done(3, ok(vec![]), 30));
    assert_eq!(vt(&a), Some(8));
    // CVEs cannot be looked up.
    let mut b = app();
    let _ = b.update(Msg::Tick(t(0)));
    let _ = b.update(done(
        0,
        ok(vec![sighting(
            IndicatorType::Cve,
            "CVE-2021-44228",
            None,
            0,
        )]),
        1,
    ));
    assert!(b.update(ch('e')).is_empty());
    assert!(
        b.notice
            .as_deref()
            .unwrap()
            .contains("no lookup service takes a cve")
    );
}

#[test]
fn answers_kept_from_earlier_runs_are_the_values_enrichment() {
    let mut a = loaded();
    let before = a.store.get(a.selected_entry().unwrap()).unwrap().clone();
    let answer = crate::model::Enrichment {
        kind: before.kind,
        value: before.value.clone(),
        service: "otx".into(),
        at: t(-3600),
        verdict: None,
    };
    let fx = a.update(Msg::Enriched(vec![answer.clone()]));
    assert!(fx.is_empty(), "nothing to filter again: {fx:?}");
    let kept: Vec<_> = a
        .store
        .enrichments()
        .of(before.kind, &before.value)
        .collect();
    assert_eq!(kept, [&answer]);
    assert_eq!(a.store.get(a.selected_entry().unwrap()).unwrap(), &before);
}

#[test]
fn enrich_errors_show_in_the_footer_and_log() {
    let mut a = loaded();
    let fx = a.update(Msg::EnrichDone {
        source: 3,
        value: "45.0.0.3".into(),
        result: Err(FetchError::Quota {
            limit: 500,
            resets_in: Duration::from_secs(3600),
        }),
    });
    assert!(a.notice.as_deref().unwrap().contains("quota"));
    assert!(matches!(&fx[..], [Effect::Log { level, .. }] if *level == tracing::Level::WARN));
}

mod copy_marks;
mod export_fit;
mod export_prompt;
mod first_screen;
mod jobs;
pub(crate) mod listed;
mod scores;
mod sorting;
