// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Properties that must hold for any input: the sanitiser never lets a control, bidi or
//! zero-width character through; refang and normalisation are idempotent; CSV exports
//! read back to what was written.

#![allow(clippy::unwrap_used)]

use intellisiem::export::{self, Format, csv_cell};
use intellisiem::model::indicator::{detect, normalise, refang};
use intellisiem::model::sanitize::{is_unsafe, one_line, pieces, sanitize, sanitize_truncated};
use intellisiem::model::{IndicatorType, Observation, Sighting};
use intellisiem::store::Store;
use intellisiem::ui::cell::put;
use proptest::prelude::*;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Span;

/// Strings rich in the characters that matter: controls, bidi, zero-width, brackets.
fn nasty() -> impl Strategy<Value = String> {
    let pieces = prop::collection::vec(
        prop_oneof![
            any::<char>().prop_map(|c| c.to_string()),
            Just("\u{1b}]0;x\u{7}".to_string()),
            Just("\u{202e}".to_string()),
            Just("\u{200b}".to_string()),
            Just("\u{9b}".to_string()),
            Just("\u{2028}".to_string()),
            Just("\u{ad}".to_string()),
            Just("\u{34f}".to_string()),
            Just("\u{fff9}".to_string()),
            Just("\u{e0041}".to_string()),
            Just("\u{fe0f}".to_string()),
            prop::sample::select(invisible()).prop_map(|c| c.to_string()),
            Just("[.]".to_string()),
            Just("[".to_string()),
            Just("]".to_string()),
            Just("hxxp".to_string()),
            Just("=".to_string()),
            Just("\r\n".to_string()),
            "[a-z0-9.:/@-]{0,12}",
        ],
        0..24,
    );
    pieces.prop_map(|v| v.concat())
}

/// Every character of Unicode's `Default_Ignorable_Code_Point` and `Bidi_Control` sets,
/// the format characters (`General_Category=Cf`) and the line and paragraph separators,
/// read from the Unicode data `icu_properties` compiles in.
fn invisible() -> Vec<char> {
    use icu_properties::props::{BidiControl, DefaultIgnorableCodePoint, GeneralCategory};
    use icu_properties::{CodePointMapData, CodePointSetData};
    let sets = [
        CodePointSetData::new::<DefaultIgnorableCodePoint>(),
        CodePointSetData::new::<BidiControl>(),
    ];
    let mut out: Vec<char> = sets
        .iter()
        .flat_map(|s| s.iter_ranges())
        .flat_map(|r| r.filter_map(char::from_u32))
        .collect();
    let gc = CodePointMapData::<GeneralCategory>::new();
    for cat in [
        GeneralCategory::Format,
        GeneralCategory::LineSeparator,
        GeneralCategory::ParagraphSeparator,
    ] {
        out.extend(
            gc.iter_ranges_for_value(cat)
                .flat_map(|r| r.filter_map(char::from_u32)),
        );
    }
    out.sort_unstable();
    out.dedup();
    out
}

#[test]
fn every_invisible_or_line_breaking_character_is_escaped() {
    let all = invisible();
    // Spot checks that the sets are the ones meant (and not empty).
    for c in [
        '\u{2028}',
        '\u{2029}',
        '\u{ad}',
        '\u{34f}',
        '\u{fff9}',
        '\u{fffb}',
        '\u{e0000}',
        '\u{e007f}',
        '\u{fe00}',
        '\u{e01ef}',
        '\u{202e}',
    ] {
        assert!(all.binary_search(&c).is_ok(), "{c:?}");
    }
    for c in all {
        assert!(is_unsafe(c), "{c:?}");
        let s = format!("a{c}b");
        let shown = sanitize(&s);
        assert!(!shown.contains(c), "{c:?}");
        assert!(!one_line(&s, 20).contains(c), "{c:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn sanitised_text_has_no_unsafe_character(s in nasty()) {
        prop_assert!(!sanitize(&s).chars().any(is_unsafe));
        prop_assert!(!sanitize_truncated(&s, 9).chars().any(is_unsafe));
        prop_assert!(!one_line(&s, 30).chars().any(is_unsafe));
        prop_assert!(!one_line(&s, 30).contains('\n'));
    }

    #[test]
    fn a_table_cell_shows_the_sanitised_text_or_a_cut_of_it(s in nasty(), width in 0u16..40) {
        let mut joined = String::new();
        pieces(&s, |p| joined.push_str(p));
        prop_assert_eq!(&joined, &sanitize(&s));
        let area = Rect::new(0, 0, width + 2, 1);
        let mut buf = Buffer::empty(area);
        put(&mut buf, Rect::new(1, 0, width, 1), &[(&s, Style::default())]);
        let shown: String = (1..=width).map(|x| buf[(x, 0)].symbol().to_string()).collect();
        prop_assert!(!shown.chars().any(is_unsafe));
        prop_assert_eq!(buf[(0, 0)].symbol(), " ");
        prop_assert_eq!(buf[(width + 1, 0)].symbol(), " ");
        // Whatever is shown, before any ellipsis, starts the sanitised text. Compared on
        // the characters that take columns: wide ones leave a blank symbol in the column
        // they cover, and the terminal buffer groups zero-width ones with their neighbours.
        let visible = |c: &char| *c != ' ' && Span::raw(c.to_string()).width() > 0;
        let kept: String = shown.trim_end().trim_end_matches('…').chars().filter(visible).collect();
        let want: String = joined.chars().filter(visible).collect();
        prop_assert!(want.starts_with(&kept), "{:?} is not a start of {:?}", kept, want);
    }

    #[test]
    fn sanitise_keeps_safe_text_unchanged(s in "[a-zA-Z0-9 ./:@_-]{0,64}") {
        prop_assert_eq!(sanitize(&s), s.as_str());
    }

    #[test]
    fn refang_is_idempotent(s in nasty()) {
        let once = refang(&s);
        prop_assert_eq!(refang(&once), once);
    }

    #[test]
    fn normalisation_is_idempotent(s in nasty()) {
        if let Some(n) = detect(&s) {
            let again = normalise(n.kind, &n.value).expect("a normalised value stays valid");
            prop_assert_eq!(&again.value, &n.value);
            prop_assert_eq!(again.kind, n.kind);
        }
        for kind in IndicatorType::ALL {
            if let Ok(n) = normalise(kind, &s) {
                let again = normalise(n.kind, &n.value).expect("stays valid");
                prop_assert_eq!(again.value, n.value);
            }
        }
    }

    #[test]
    fn csv_export_round_trips(rows in prop::collection::vec((nasty(), nasty(), prop::collection::vec(nasty(), 0..3)), 1..8)) {
        let mut store = Store::new();
        let id = store.source_id("feed");
        let sightings: Vec<Sighting> = rows
            .iter()
            .enumerate()
            .map(|(i, (value, threat, tags))| Sighting {
                kind: IndicatorType::Url,
                // Keys must be unique; the value itself may be anything.
                value: format!("{i}|{value}").into(),
                obs: Observation {
                    threat: Some(threat.as_str().into()),
                    tags: tags.iter().map(|t| t.as_str().into()).collect(),
                    ..Default::default()
                },
            })
            .collect();
        store.replace_source(id, sightings.clone());
        let mut buf = Vec::new();
        export::write(Format::Csv, &store, store.iter().map(|(_, e)| e), &mut buf, jiff::Timestamp::UNIX_EPOCH).unwrap();
        let text = String::from_utf8(buf).unwrap();
        prop_assert!(!text.chars().any(|c| is_unsafe(c) && c != '\n' && c != '\r'), "raw control in CSV");
        let mut rdr = csv::Reader::from_reader(text.as_bytes());
        let back: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
        prop_assert_eq!(back.len(), sightings.len());
        for (rec, s) in back.iter().zip(&sightings) {
            prop_assert_eq!(&rec[1], csv_cell(&s.value));
            prop_assert_eq!(&rec[5], csv_cell(s.obs.threat.as_deref().unwrap_or("")));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Whatever dates a source gives, a parsed record never says it was last seen
    /// before it was first seen, and its first sighting is kept as given.
    #[test]
    fn a_parsed_record_is_never_last_seen_before_first_seen(
        first in prop::option::of(1i64..4_000_000_000),
        last in prop::option::of(1i64..4_000_000_000),
    ) {
        use intellisiem::model::time::Secs;
        let mut b = intellisiem::sources::BatchBuilder::new();
        let obs = Observation {
            first_seen: first.and_then(Secs::from_second),
            last_seen: last.and_then(Secs::from_second),
            ..Default::default()
        };
        b.push(IndicatorType::Domain, "dates.example", obs);
        let batch = b.finish();
        let o = &batch.sightings[0].obs;
        prop_assert_eq!(o.first_seen.map(Secs::as_second), first);
        if let (Some(f), Some(l)) = (o.first_seen, o.last_seen) {
            prop_assert!(f <= l);
        }
        prop_assert_eq!(
            o.last_seen.map(Secs::as_second),
            match (first, last) {
                (Some(f), Some(l)) => Some(f.max(l)),
                (_, l) => l,
            }
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Whatever dates the sources give one value (one source several times, or a first
    /// sighting only, or a last one only), the merged record is first seen at the
    /// earliest of them and last seen at the latest, so never last seen before it was
    /// first seen; the export says the same.
    #[test]
    fn a_merged_record_spans_its_sightings_dates(
        said in prop::collection::vec(
            (0usize..3, prop::option::of(1i64..4_000_000_000), prop::option::of(1i64..4_000_000_000)),
            1..8,
        ),
    ) {
        use intellisiem::model::time::Secs;
        let mut store = Store::new();
        let ids: Vec<_> = ["a", "b", "c"].iter().map(|n| store.source_id(n)).collect();
        for &(src, first, last) in &said {
            let obs = Observation {
                first_seen: first.and_then(Secs::from_second),
                last_seen: last.and_then(Secs::from_second),
                ..Default::default()
            };
            store.add(ids[src], Sighting { kind: IndicatorType::Domain, value: "dates.example".into(), obs });
        }
        let dates: Vec<i64> = said.iter().flat_map(|&(_, f, l)| [f, l]).flatten().collect();
        let e = store.get(0).unwrap();
        let first = e.first_seen().map(|t| t.as_second());
        let last = e.last_seen().map(|t| t.as_second());
        prop_assert_eq!(first, dates.iter().min().copied());
        prop_assert_eq!(last, dates.iter().max().copied());
        if let (Some(f), Some(l)) = (first, last) {
            prop_assert!(f <= l);
        }
        let mut out = Vec::new();
        export::write(Format::Jsonl, &store, store.iter().map(|(_, e)| e), &mut out, jiff::Timestamp::UNIX_EPOCH).unwrap();
        let line: serde_json::Value = serde_json::from_slice(&out).unwrap();
        let at = |k: &str| line[k].as_str().map(|t| t.parse::<jiff::Timestamp>().unwrap().as_second());
        prop_assert_eq!(at("first_seen"), first);
        prop_assert_eq!(at("last_seen"), last);
    }
}
