// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The charts' structure, escaping and palette.

use super::svg::{Mark, luminance};
use super::*;
use crate::report::model::StripCell;
use crate::report::sample;

/// The elements a chart may use: what usvg draws the same as a browser.
const ALLOWED: [&str; 9] = [
    "svg", "defs", "pattern", "title", "desc", "rect", "line", "path", "text",
];

/// A well-formedness check for our own output (no comments, CDATA or processing
/// instructions in it): tags balance, only [`ALLOWED`] elements, attribute values are
/// double-quoted without `<` or `"`, text holds no raw `<`, and every `&` starts one of
/// the five entities XML predefines. Returns the element names in document order.
fn check_xml(doc: &str) -> Vec<String> {
    let entity_ok = |s: &str| {
        s.match_indices('&').all(|(i, _)| {
            ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"]
                .iter()
                .any(|e| s[i..].starts_with(e))
        })
    };
    let mut stack: Vec<String> = Vec::new();
    let mut names = Vec::new();
    let mut rest = doc;
    while let Some(open) = rest.find('<') {
        let text = &rest[..open];
        assert!(entity_ok(text), "bad entity in text {text:?}");
        assert!(!text.contains('>'), "raw > in text {text:?}");
        let close = rest[open..].find('>').expect("unclosed tag") + open;
        let tag = &rest[open + 1..close];
        rest = &rest[close + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(stack.pop().as_deref(), Some(name), "unbalanced </{name}>");
            continue;
        }
        let self_closing = tag.ends_with('/');
        let tag = tag.trim_end_matches('/');
        let name = tag
            .split_whitespace()
            .next()
            .expect("empty tag")
            .to_string();
        assert!(
            ALLOWED.contains(&name.as_str()),
            "element {name} not allowed"
        );
        // Attributes: name="value" pairs.
        let mut attrs = tag[name.len()..].trim();
        while !attrs.is_empty() {
            let eq = attrs.find("=\"").expect("attribute without =\"");
            let after = &attrs[eq + 2..];
            let end = after.find('"').expect("unterminated attribute");
            let value = &after[..end];
            assert!(!value.contains('<'), "< in attribute {value:?}");
            assert!(entity_ok(value), "bad entity in attribute {value:?}");
            attrs = after[end + 1..].trim_start();
        }
        names.push(name.clone());
        if !self_closing {
            stack.push(name);
        }
    }
    assert!(rest.trim().is_empty(), "text after the root: {rest:?}");
    assert!(stack.is_empty(), "unclosed: {stack:?}");
    names
}

/// A sample brief with hostile type names and zone too (the sample's source names are
/// already hostile).
fn hostile() -> Brief {
    let mut b = sample::brief();
    b.hits.types[1] = "<script>alert('x')</script>&amp;\"".into();
    b.period.time_zone = "Etc/<i>Nowhere</i>".into();
    b
}

#[test]
fn every_chart_is_a_standalone_well_formed_svg_of_allowed_elements() {
    let charts = all(&sample::brief());
    assert_eq!(charts.iter().map(|c| c.id).collect::<Vec<_>>(), IDS);
    for c in &charts {
        let names = check_xml(&c.svg);
        assert_eq!(names.first().map(String::as_str), Some("svg"), "{}", c.id);
        assert_eq!(names.iter().filter(|n| *n == "svg").count(), 1);
        let head = &c.svg[..c.svg.find('>').unwrap()];
        assert!(
            head.contains(r#"xmlns="http://www.w3.org/2000/svg""#),
            "{}",
            c.id
        );
        let w = head
            .split("width=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        let h = head
            .split("height=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        assert!(
            head.contains(&format!(r#"viewBox="0 0 {w} {h}""#)),
            "{head}"
        );
        assert!(w.parse::<u32>().unwrap() > 200 && h.parse::<u32>().unwrap() > 100);
        assert!(c.svg.contains(&format!(r#"<title id="{}-title">"#, c.id)));
        assert!(c.svg.contains(&format!(r#"<desc id="{}-desc">"#, c.id)));
        assert!(
            !c.title.is_empty() && c.alt.len() > 40,
            "{}: {}",
            c.id,
            c.alt
        );
        for bad in ["class=", "style=", "filter", "foreignObject", "<script"] {
            assert!(!c.svg.contains(bad), "{}: {bad}", c.id);
        }
        // Every id is the chart's own, so several charts share a page.
        for (i, _) in c.svg.match_indices(" id=\"") {
            assert!(c.svg[i + 5..].starts_with(c.id), "{}", c.id);
        }
    }
}

#[test]
fn every_hostile_string_is_escaped_in_every_chart() {
    let b = hostile();
    for c in all(&b) {
        check_xml(&c.svg);
        for raw in ["<b>", "<script", "<i>", "alert('x')"] {
            assert!(!c.svg.contains(raw), "{}: {raw}", c.id);
        }
    }
    let charts = all(&b);
    let svg = |id: &str| &charts.iter().find(|c| c.id == id).unwrap().svg;
    // The sample's source "<b>odd|name</b>" is cut to fit but written escaped.
    assert!(svg("efficacy").contains("&lt;b&gt;odd|name&lt;/b&gt;"));
    assert!(svg("overlap").contains("&lt;b&gt;odd|name&lt;/b&gt;"));
    assert!(svg("health").contains("&lt;b&gt;odd|name&lt;/b&gt;"));
    assert!(
        svg("hits_over_time")
            .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;amp;&quot;"),
        "{}",
        svg("hits_over_time")
    );
    assert!(svg("hits_over_time").contains("Etc/&lt;i&gt;Nowhere&lt;/i&gt;"));
    // The unknown zone falls back to UTC for the labels, and the alt text names it raw.
    let hits = charts.iter().find(|c| c.id == "hits_over_time").unwrap();
    assert!(hits.alt.contains("Etc/<i>Nowhere</i>"), "{}", hits.alt);
}

#[test]
fn long_names_are_cut_with_an_ellipsis() {
    let mut b = sample::brief();
    let long = "a-very-long-source-name-that-goes-on-and-on-example".to_string();
    b.efficacy[0].source = long.clone();
    b.overlap.sources[0] = long.clone();
    b.health[0].source = long.clone();
    for c in all(&b) {
        if c.id == "hits_over_time" {
            continue;
        }
        assert!(c.svg.contains("a-very-long-source-"), "{}", c.id);
        assert!(c.svg.contains("…</text>"), "{}", c.id);
        // The full name stays in the tooltip and the text alternative.
        assert!(c.svg.contains(&long), "{}", c.id);
    }
}

#[test]
fn hits_chart_stacks_one_bar_per_bucket_and_type_with_axis_and_legend() {
    let b = sample::brief();
    let c = hits::chart(&b);
    let segments: usize = b
        .hits
        .buckets
        .iter()
        .map(|t| t.counts.iter().filter(|n| **n > 0).count())
        .sum();
    assert_eq!(c.svg.matches("</title></rect>").count(), segments);
    // A legend swatch and label per type, each with its own fill.
    for (i, t) in b.hits.types.iter().enumerate() {
        assert!(c.svg.contains(&format!(">{t}</text>")), "{t}");
        let fill = match SERIES[i].mark {
            Mark::Solid => SERIES[i].colour.to_string(),
            _ => format!("url(#hits_over_time-p{i})"),
        };
        assert!(c.svg.contains(&format!("fill=\"{fill}\"")), "{fill}");
    }
    // The 14 days: first label Nov 16, a tooltip per segment naming its day.
    assert!(c.svg.contains(">Nov 16</text>"), "{}", c.svg);
    assert!(c.svg.contains("<title>2025-11-25 sha256: 2</title>"));
    // The y axis tops at the nice number above the tallest bar.
    let max = b
        .hits
        .buckets
        .iter()
        .map(|t| t.counts.iter().sum::<u64>())
        .max()
        .unwrap();
    let (_, top) = svg::nice_axis(max as f64, 5);
    assert!(c.svg.contains(&format!(">{}</text>", top as u64)));
    let total: u64 = b.hits.buckets.iter().flat_map(|t| &t.counts).sum();
    assert!(
        c.alt
            .contains(&format!("{} hits in all", svg::group(total))),
        "{}",
        c.alt
    );
    assert!(c.alt.contains("The busiest day was"), "{}", c.alt);
}

#[test]
fn hour_buckets_are_labelled_by_hour_and_an_empty_period_says_so() {
    let mut b = sample::brief();
    b.period.bucket = Bucket::Hour;
    for t in &mut b.hits.buckets {
        t.counts.iter_mut().for_each(|n| *n = 0);
    }
    let c = hits::chart(&b);
    assert!(c.svg.contains("No hits in the period"));
    assert!(
        c.alt.starts_with("Stacked bars: hits per hour"),
        "{}",
        c.alt
    );
    assert!(!c.svg.contains("</title></rect>"));
}

#[test]
fn efficacy_bars_are_sorted_most_first_with_values() {
    let b = sample::brief();
    let c = efficacy::chart(&b);
    let mut rows = b.efficacy.clone();
    rows.sort_by(|x, y| y.hits_per_10k.total_cmp(&x.hits_per_10k));
    let pos: Vec<usize> = rows
        .iter()
        .map(|e| {
            c.svg
                .find(&format!("<title>{}: ", svg::escape(&e.source)))
                .unwrap()
        })
        .collect();
    assert!(pos.windows(2).all(|w| w[0] < w[1]), "{pos:?}");
    assert_eq!(
        c.svg.matches(r##"fill="#0072B2"><title>"##).count(),
        rows.len()
    );
    let best = format!("{:.1}", rows[0].hits_per_10k);
    assert!(c.svg.contains(&format!(">{best}</text>")), "{best}");
    assert!(
        c.alt.contains(&format!("{} {best}", rows[0].source)),
        "{}",
        c.alt
    );
}

#[test]
fn overlap_has_a_cell_with_its_number_per_pair() {
    let b = sample::brief();
    let c = overlap::chart(&b);
    let n = b.overlap.sources.len();
    assert_eq!(c.svg.matches("</title></rect>").count(), n * n);
    assert!(c.svg.contains(">40.2k</text>"), "urlhaus holds 40,211");
    assert!(c.svg.contains("<title>feodo holds 1,873</title>"));
    let v = b.overlap.shared[0][1];
    assert!(c.svg.contains(&format!(
        "<title>feodo and urlhaus share {} (",
        svg::group(v)
    )));
    assert_eq!(c.svg.matches(r#"font-weight="bold""#).count(), n);
    assert!(c.alt.contains("The largest overlap:"), "{}", c.alt);
}

#[test]
fn health_strips_have_a_cell_per_bucket_in_its_state() {
    let b = sample::brief();
    let c = health::chart(&b);
    let cells: usize = b.health.iter().map(|h| h.strip.len()).sum();
    assert_eq!(c.svg.matches("</title></rect>").count(), cells);
    let failed = b
        .health
        .iter()
        .flat_map(|h| &h.strip)
        .filter(|s| **s == StripCell::Failed)
        .count();
    assert_eq!(c.svg.matches(": all failed</title>").count(), failed);
    assert!(
        c.svg
            .contains("<title>isac-taxii 2025-11-24: all failed</title>")
    );
    assert!(
        c.alt
            .contains("isac-taxii: 8 ok, 1 mixed, 4 failed, 1 without a fetch"),
        "{}",
        c.alt
    );
    for (_, _, name) in health::STATES {
        assert!(c.svg.contains(&format!(">{name}</text>")), "{name}");
    }
}

/// Two fills tell apart in greyscale when their marks differ, or their lightness does
/// by at least this much (WCAG relative luminance).
const LIGHTNESS_STEP: f64 = 0.1;

#[test]
fn palettes_read_in_greyscale() {
    // Stacked series: every mark differs, and neighbours in a stack differ in lightness.
    for (i, a) in SERIES.iter().enumerate() {
        for b in &SERIES[i + 1..] {
            assert_ne!(a.mark, b.mark, "{a:?} {b:?}");
        }
    }
    for w in SERIES.windows(2) {
        let (l0, l1) = (luminance(w[0].colour), luminance(w[1].colour));
        assert!((l0 - l1).abs() >= LIGHTNESS_STEP, "{w:?}: {l0} {l1}");
    }
    // The marks stand out on their fill: the ink's lightness is far from the colour's.
    for s in SERIES
        .iter()
        .chain(health::STATES.iter().map(|(_, s, _)| s))
    {
        if s.mark != Mark::Solid {
            let d = (luminance(s.colour) - luminance(s.ink)).abs();
            assert!(d >= 0.2, "{s:?}: {d}");
        }
    }
    // Health states: each pair differs in mark or in lightness.
    let states: Vec<_> = health::STATES.iter().map(|(_, s, _)| *s).collect();
    for (i, a) in states.iter().enumerate() {
        for b in &states[i + 1..] {
            let dl = (luminance(a.colour) - luminance(b.colour)).abs();
            assert!(a.mark != b.mark || dl >= LIGHTNESS_STEP, "{a:?} {b:?}");
        }
    }
    // Every colour is one of Okabe and Ito's eight, or white.
    let okabe_ito = [
        "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000",
    ];
    for s in SERIES.iter().chain(states.iter()) {
        assert!(
            okabe_ito.contains(&s.colour) || s.colour == "#ffffff",
            "{s:?}"
        );
    }
    assert!(okabe_ito.contains(&BAR));
}

#[test]
fn text_helpers() {
    assert_eq!(label_every(14, 692.0, 52.0), 2);
    assert_eq!(label_every(0, 692.0, 52.0), 1);
    let items: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
    assert_eq!(list(&items, 5), "a, b and c");
    assert_eq!(list(&items, 2), "a, b and 1 more");
    assert_eq!(list(&items[..1], 2), "a");
}

#[test]
fn an_empty_brief_draws_empty_charts_that_still_say_what_they_are() {
    let mut b = sample::brief();
    b.hits.types.clear();
    b.hits.buckets.clear();
    b.efficacy.clear();
    b.overlap = crate::report::model::Overlap {
        sources: Vec::new(),
        shared: Vec::new(),
        per_source: Vec::new(),
    };
    b.health.clear();
    for c in all(&b) {
        check_xml(&c.svg);
        assert!(!c.alt.is_empty() && c.svg.contains("<desc"), "{}", c.id);
        assert!(!c.svg.contains("NaN") && !c.svg.contains("inf"), "{}", c.id);
    }
    assert!(hits::chart(&b).svg.contains("No hits in the period"));
    assert_eq!(
        efficacy::chart(&b).alt,
        "Horizontal bars: no source in the report."
    );
}
