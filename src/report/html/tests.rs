// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The HTML page: sections, escaping, defanging, logo.

use minijinja::HtmlEscape;

use super::*;
use crate::report::sample;

fn page() -> String {
    let templates = Templates::load(None).unwrap();
    let mut out = Vec::new();
    Html.write(&sample::brief(), &templates, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

/// Every string of `v` (a serialized brief), depth first.
fn strings(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        serde_json::Value::Object(o) => o.values().for_each(|x| strings(x, out)),
        _ => {}
    }
}

#[test]
fn every_hostile_string_of_the_sample_is_escaped() {
    let html = page();
    let shown = serde_json::to_value(sample::brief().defanged()).unwrap();
    let mut all = Vec::new();
    strings(&shown, &mut all);
    let hostile: Vec<&String> = all
        .iter()
        .filter(|s| s.contains(['<', '>', '&', '"', '\'']))
        .collect();
    assert!(hostile.len() >= 5, "{hostile:?}");
    for s in hostile {
        assert!(!html.contains(s.as_str()), "raw in the page: {s:?}");
        let escaped = HtmlEscape(s).to_string();
        assert!(html.contains(&escaped), "not shown escaped: {escaped:?}");
    }
    // No markup of its own that runs or links out: no script, no event handler, links
    // only within the page.
    assert!(!html.contains("<script"));
    assert!(!html.to_lowercase().contains(" onerror="));
    for (i, _) in html.match_indices("href=\"") {
        assert!(html[i + 6..].starts_with('#'), "{}", &html[i..i + 40]);
    }
    assert!(html.contains("default-src 'none'"));
}

#[test]
fn indicator_values_are_defanged() {
    let html = page();
    assert!(html.contains("198[.]51[.]100[.]23"));
    assert!(!html.contains("198.51.100.23"));
    assert!(html.contains("login-bank[.]example"));
    assert!(!html.contains("http:&#x2f;&#x2f;evil.example"));
    assert!(!html.contains("http://evil.example"));
}

#[test]
fn the_page_has_every_section_chart_and_table() {
    let html = page();
    assert!(html.starts_with("<!doctype html>"), "{}", &html[..80]);
    for (i, h) in [
        "Summary",
        "Hits over time",
        "Feed efficacy",
        "Feed overlap",
        "Feed health",
        "New known-exploited vulnerabilities",
        "Appendix",
    ]
    .iter()
    .enumerate()
    {
        assert!(html.contains(&format!("<h2>{}. {h}</h2>", i + 1)), "{h}");
    }
    for id in charts::IDS {
        assert!(
            html.contains(&format!(r#"<title id="{id}-title">"#)),
            "{id}"
        );
    }
    assert_eq!(html.matches("<svg ").count(), 4);
    // The style sheet is inlined, print rules included.
    assert!(html.contains("@page { size: A4;"));
    assert!(html.contains("thead { display: table-header-group; }"));
    // Title block: period and zone.
    assert!(
        html.contains("2025-11-16 00:00 UTC to 2025-11-30 00:00 UTC"),
        "period"
    );
    assert!(html.contains("time zone UTC"));
    // Numbers from each table, formatted by the filters.
    for n in [
        "171,020",    // indicators held
        "+16.1%",     // change against the period before
        "8,112",      // new
        "isac-taxii", // failing
        "40,211",     // urlhaus held
        "4d 1h",      // longest outage
        "network_error 30",
        "CVE-2026-0001",
        "2026-12-08",
        "&lt;b&gt;odd|name&lt;&#x2f;b&gt;",
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "&#x2f;var&#x2f;lib&#x2f;intellisiem&#x2f;cache.db",
    ] {
        assert!(html.contains(n), "{n}");
    }
    // The data table behind the hits chart: one row per bucket.
    let b = sample::brief();
    let rows = html.matches("<td data-label=\"Day\">").count();
    assert_eq!(rows, b.hits.buckets.len());
    // No logo without a template folder.
    assert!(!html.contains("class=\"logo\""));
}

#[test]
fn a_logo_in_the_template_folder_is_embedded_as_a_data_uri() {
    let dir = tempfile::tempdir().unwrap();
    let png = b"\x89PNG\r\n\x1a\nlogo";
    std::fs::write(dir.path().join("logo.png"), png).unwrap();
    let templates = Templates::load(Some(dir.path())).unwrap();
    let html = render(&sample::brief(), &templates).unwrap();
    let b64 = base64::engine::general_purpose::STANDARD.encode(png);
    assert!(
        html.contains(&format!(
            r#"<img class="logo" src="data:image/png;base64,{b64}" alt="">"#
        )),
        "{}",
        &html[..2000]
    );
    // An SVG logo is preferred.
    std::fs::write(dir.path().join("logo.svg"), "<svg/>").unwrap();
    let uri = logo(Some(dir.path())).unwrap().unwrap();
    assert!(uri.starts_with("data:image/svg+xml;base64,"), "{uri}");
    // Too large: an error naming the file, one line.
    let big = vec![b'x'; usize::try_from(MAX_LOGO_BYTES).unwrap() + 1];
    std::fs::write(dir.path().join("logo.svg"), big).unwrap();
    let e = logo(Some(dir.path())).unwrap_err().to_string();
    assert!(e.contains("logo.svg") && e.contains("over 512 KiB"), "{e}");
    assert!(!e.contains('\n'));
}

#[test]
fn a_style_sheet_in_the_template_folder_replaces_the_built_in_one() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("style.css"), "body { color: #123456; }").unwrap();
    let templates = Templates::load(Some(dir.path())).unwrap();
    let html = render(&sample::brief(), &templates).unwrap();
    assert!(html.contains("body { color: #123456; }"));
    assert!(!html.contains("@page { size: A4;"));
}

#[test]
fn an_hourly_brief_labels_its_table_by_hour_and_empty_sections_say_so() {
    let mut b = sample::brief();
    b.period.bucket = crate::report::model::Bucket::Hour;
    b.hits.top_indicators.clear();
    b.hits.top_hosts.clear();
    b.kev.clear();
    let templates = Templates::load(None).unwrap();
    let html = render(&b, &templates).unwrap();
    assert!(html.contains("Hits per hour as a table"));
    assert_eq!(
        html.matches("<td data-label=\"Hour\">").count(),
        b.hits.buckets.len()
    );
    assert!(html.contains("No indicator was hit in the period."));
    assert!(html.contains("No internal host was involved in a hit."));
    assert!(html.contains("CISA added no vulnerability to KEV in the period"));
}

#[test]
fn an_empty_brief_renders() {
    let mut b = sample::brief();
    b.hits.types.clear();
    b.hits.buckets.clear();
    b.hits.top_indicators.clear();
    b.hits.top_hosts.clear();
    b.efficacy.clear();
    b.overlap.sources.clear();
    b.overlap.shared.clear();
    b.overlap.per_source.clear();
    b.health.clear();
    b.kev.clear();
    b.summary.hits_change_percent = None;
    b.summary.sources_failing.clear();
    let html = render(&b, &Templates::load(None).unwrap()).unwrap();
    assert!(html.contains("none in the period before"));
    assert!(html.contains("every last fetch succeeded"));
    assert_eq!(html.matches("<svg ").count(), 4);
}
