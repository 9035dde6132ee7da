// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The PDF report, checked by other programs: poppler's `pdftoppm` renders every page,
//! `pdffonts` shows every font embedded, `qpdf --check` finds no fault, `pdftotext`
//! finds each section's title and its table's numbers as the template prints them,
//! and hostile strings come out literal (Debian `poppler-utils` and `qpdf`; skipped
//! with one line when missing, failing under `CI=true`).

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command as Std;

use intellisiem::report::charts::Chart;
use intellisiem::report::pdf::Pdf;
use intellisiem::report::{Brief, Paper, ReportWriter, Templates, sample};
use jiff::SignedDuration;

/// The programs the checks need, or `None` after saying why the test is skipped (a
/// failure under `CI=true`, where `.ci/run` installs them).
fn tools() -> Option<()> {
    let missing: Vec<&str> = [
        "pdftoppm",
        "pdffonts",
        "pdftotext",
        "pdfinfo",
        "pdfimages",
        "qpdf",
    ]
    .into_iter()
    .filter(|t| Std::new(t).arg("-v").output().is_err())
    .collect();
    if missing.is_empty() {
        return Some(());
    }
    assert!(
        std::env::var("CI").map_or(true, |v| v != "true"),
        "{missing:?} not installed under CI=true (Debian poppler-utils, qpdf)"
    );
    eprintln!("skipped: {missing:?} not installed (apt-get install poppler-utils qpdf)");
    None
}

fn run(cmd: &str, args: &[&str], file: &Path) -> String {
    let out = Std::new(cmd).args(args).arg(file).output().unwrap();
    assert!(
        out.status.success(),
        "{cmd} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Writes `bytes` to a file in `dir` and runs every check on it; returns the page
/// count and `pdftotext`'s text.
fn check(dir: &Path, name: &str, bytes: &[u8]) -> (usize, String) {
    assert!(bytes.starts_with(b"%PDF-"));
    let file = dir.join(name);
    std::fs::write(&file, bytes).unwrap();
    // To look at them: REPORT_PDF_KEEP=/some/folder.
    if let Some(keep) = std::env::var_os("REPORT_PDF_KEEP") {
        std::fs::write(Path::new(&keep).join(name), bytes).unwrap();
    }
    let qpdf = Std::new("qpdf").arg("--check").arg(&file).output().unwrap();
    assert!(
        qpdf.status.success(),
        "qpdf --check: {}",
        String::from_utf8_lossy(&qpdf.stdout)
    );
    let info = run("pdfinfo", &[], &file);
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let out = dir.join(format!("{name}-page"));
    let status = Std::new("pdftoppm")
        .args(["-r", "20", "-png"])
        .arg(&file)
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    let rendered = std::fs::read_dir(dir)
        .unwrap()
        .filter(|e| {
            let n = e.as_ref().unwrap().file_name();
            let n = n.to_string_lossy();
            n.starts_with(&format!("{name}-page")) && n.ends_with(".png")
        })
        .count();
    assert_eq!(
        rendered, pages,
        "pdftoppm rendered {rendered} of {pages} pages"
    );
    let fonts = run("pdffonts", &[], &file);
    let mut lines = fonts.lines();
    let header = lines.next().unwrap();
    let emb = header.find("emb").unwrap();
    let rows: Vec<&str> = lines.skip(1).collect();
    assert!(!rows.is_empty(), "no fonts: {fonts}");
    for row in &rows {
        assert_eq!(&row[emb..emb + 3], "yes", "not embedded: {row}");
        assert!(row.contains("NotoSans"), "{row}");
    }
    let text = Std::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&file)
        .arg("-")
        .output()
        .unwrap();
    assert!(text.status.success());
    (
        pages,
        String::from_utf8_lossy(&text.stdout).replace('\u{c}', ""),
    )
}

/// `text` without white space: values wrapped in a cell come back whole.
fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Whether `value`, wrapped over lines of its table cell, is in `text`: its pieces in
/// order on nearby lines, each at a line's start (pdftotext puts the cells beside it
/// after a piece or on lines in between).
fn has_wrapped(text: &str, value: &str) -> bool {
    let want = squeeze(value);
    let lines: Vec<String> = text.lines().map(squeeze).collect();
    let common = |a: &str, b: &str| {
        a.chars()
            .zip(b.chars())
            .take_while(|(x, y)| x == y)
            .map(|(x, _)| x.len_utf8())
            .sum::<usize>()
    };
    (0..lines.len()).any(|start| {
        let mut rest = want.as_str();
        let mut skipped = 0;
        for line in &lines[start..] {
            let k = common(line, rest);
            if k == rest.len() {
                return true;
            }
            if k >= 4 {
                rest = &rest[k..];
            } else if rest.len() == want.len() {
                return false;
            } else {
                skipped += 1;
                if skipped > 16 {
                    return false;
                }
            }
        }
        false
    })
}

/// The strings `template` prints for `values` through the templates' own filters.
fn formatted(template: &str, values: minijinja::Value) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("f.txt"), template).unwrap();
    let t = Templates::load(Some(dir.path())).unwrap();
    let out = t
        .render("f.txt", minijinja::context! { v => values })
        .unwrap();
    out.split('\u{1f}').map(str::to_string).collect()
}

fn render(brief: &Brief, paper: Paper) -> Vec<u8> {
    let mut out = Vec::new();
    Pdf { paper }
        .write(brief, &Templates::load(None).unwrap(), &mut out)
        .unwrap();
    out
}

#[test]
fn the_sample_brief_renders_checks_clean_and_says_every_section() {
    let Some(()) = tools() else { return };
    let dir = tempfile::tempdir().unwrap();
    let brief = sample::brief();
    let started = std::time::Instant::now();
    let bytes = render(&brief, Paper::A4);
    eprintln!(
        "sample brief: {} bytes in {:?}",
        bytes.len(),
        started.elapsed()
    );
    let (pages, text) = check(dir.path(), "sample.pdf", &bytes);
    assert!((2..=12).contains(&pages), "{pages} pages");
    let info = run("pdfinfo", &[], &dir.path().join("sample.pdf"));
    assert!(
        info.contains("Title:           IntelliSIEM brief"),
        "{info}"
    );
    assert!(info.contains("595.28 x 841.89 pts (A4)"), "{info}");
    assert!(text.contains(&format!("Page {pages} of {pages}")));
    for title in [
        "IntelliSIEM brief",
        "1. Summary",
        "2. Hits over time",
        "Top indicators hit",
        "Top internal hosts",
        "3. Feed efficacy",
        "4. Feed overlap",
        "5. Feed health",
        "6. New known-exploited vulnerabilities",
        "7. Appendix",
    ] {
        assert!(text.contains(title), "no {title:?} in\n{text}");
    }
    let s = &brief.summary;
    let e = &brief.efficacy[1];
    let h = &brief.health[5];
    let numbers = formatted(
        "{{ v.a|num }}\u{1f}{{ v.b|num }}\u{1f}{{ v.c|pct }}\u{1f}{{ v.d|num }}\u{1f}{{ v.e|num }}\
         \u{1f}{{ v.f|num }}\u{1f}{{ v.g|num }}\u{1f}{{ v.h|num }}\u{1f}{{ v.i|duration }}\
         \u{1f}{{ v.j|num }}\u{1f}{{ v.k|date }}",
        minijinja::Value::from_serialize(serde_json::json!({
            "a": s.hits, "b": s.hits_previous, "c": s.hits_change_percent,
            "d": s.indicators_held, "e": s.indicators_new, "f": s.untriaged_hits,
            "g": e.indicators, "h": e.hits_per_10k, "i": h.longest_outage_secs,
            "j": brief.overlap.shared[3][3], "k": brief.kev[0].date_added,
        })),
    );
    let flat = squeeze(&text);
    for n in &numbers {
        assert!(flat.contains(&squeeze(n)), "no {n:?} in\n{text}");
    }
    for literal in [
        "CVE-2026-0001",
        "Example<Corp>",
        "Gateway | VPN",
        "<b>odd|name</b>",
        "ws-<i>07</i>",
        "[click](javascript:alert(1))",
        "phish | kit line",
        "network_error: 30",
        "https://feeds.example/5.txt",
    ] {
        assert!(
            flat.contains(&squeeze(literal)),
            "no {literal:?} in\n{text}"
        );
    }
    // Indicator values defanged, wrapped in their cells but whole.
    for t in &brief.defanged().hits.top_indicators {
        assert!(has_wrapped(&text, &t.value), "no {:?}", t.value);
    }
    assert!(!flat.contains("http://evil.example"));
    // The four charts are drawn, as vectors: no raster image in the file.
    let images = run("pdfimages", &["-list"], &dir.path().join("sample.pdf"));
    assert_eq!(images.lines().count(), 2, "{images}");
    // The same brief makes the same bytes.
    assert_eq!(render(&brief, Paper::A4), bytes);
    let letter = render(&brief, Paper::Letter);
    check(dir.path(), "letter.pdf", &letter);
    let info = run("pdfinfo", &[], &dir.path().join("letter.pdf"));
    assert!(info.contains("612 x 792 pts (letter)"), "{info}");
}

/// The sample with `n` top indicators (long URLs and hashes among them) and
/// characters Noto Sans lacks in a threat name.
fn many_rows(n: usize) -> Brief {
    let mut brief = sample::brief();
    let model = brief.hits.top_indicators[1].clone();
    brief.hits.top_indicators = (0..n)
        .map(|i| {
            let mut t = model.clone();
            t.value = if i % 2 == 0 {
                format!(
                    "http://row{i}.evil.example/path/to/a/very/long/payload/name-{i}.php?id={i}"
                )
            } else {
                format!("{:064x}", i * 7919)
            };
            t.r#type = if i % 2 == 0 { "url" } else { "sha256" }.into();
            t.hits = 100_000 - i as u64;
            t.last_hit -= SignedDuration::from_secs(i as i64);
            t.threat = Some(format!("threat-{i} \u{4e2d}\u{6587} \u{1f600}"));
            t
        })
        .collect();
    brief
}

#[test]
fn three_hundred_rows_split_over_pages_with_every_value_and_number() {
    let Some(()) = tools() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (small, _) = check(dir.path(), "small.pdf", &render(&many_rows(20), Paper::A4));
    let brief = many_rows(300);
    let (pages, text) = check(dir.path(), "many.pdf", &render(&brief, Paper::A4));
    assert!(pages >= small + 10, "{small} then {pages} pages");
    let flat = squeeze(&text);
    let hits = formatted(
        "{% for t in v %}{{ t.hits|num }}\u{1f}{% endfor %}",
        minijinja::Value::from_serialize(&brief.hits.top_indicators),
    );
    for (t, n) in brief.defanged().hits.top_indicators.iter().zip(&hits) {
        assert!(has_wrapped(&text, &t.value), "no {:?}", t.value);
        assert!(flat.contains(n.as_str()), "no {n:?}");
    }
    assert!(flat.contains("threat-299\u{4e2d}\u{6587}"), "CJK text lost");
    // The header row is on every page the table spans.
    let headers = text.matches("First hit").count();
    assert!(
        headers >= pages - small,
        "{headers} headers on {pages} pages"
    );
}

const CHART: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="640" height="240" viewBox="0 0 640 240"><title>Hits per day</title><desc>Bars of hits per day</desc><rect x="40" y="40" width="30" height="160" fill="#0072B2"/><rect x="80" y="100" width="30" height="100" fill="#E69F00"/><line x1="30" y1="200" x2="620" y2="200" stroke="#000"/><text x="40" y="225" font-family="sans-serif" font-size="12">Chart label 2026-11-16</text></svg>"##;

/// A 2×2 PNG, for the logo.
fn png() -> Vec<u8> {
    let hex = "89504e470d0a1a0a0000000d494844520000000200000002080600000072b60d240000001049444154789c636028daf41f8c610c004684088dd30cda650000000049454e44ae426082";
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn charts_are_vectors_and_a_template_folder_adds_a_logo_and_drops_a_section() {
    let Some(()) = tools() else { return };
    let dir = tempfile::tempdir().unwrap();
    let own: PathBuf = dir.path().join("tpl");
    std::fs::create_dir(&own).unwrap();
    std::fs::write(own.join("logo.png"), png()).unwrap();
    let built_in = intellisiem::report::template::BUILT_IN
        .iter()
        .find(|(n, _)| *n == "report.pdf.md")
        .unwrap()
        .1;
    let start = built_in.find("## 5. Feed health").unwrap();
    let end = built_in.find("## 6.").unwrap();
    let edited = format!(
        "![logo](logo.png)\n\n{}{}",
        &built_in[..start],
        &built_in[end..]
    );
    std::fs::write(own.join("report.pdf.md"), edited).unwrap();
    let charts = vec![Chart {
        id: "hits_over_time",
        title: "Hits per day".into(),
        svg: CHART.into(),
        alt: "Hits per day, stacked by type".into(),
    }];
    let templates = Templates::load(Some(&own)).unwrap();
    let bytes = Pdf::default()
        .bytes(&sample::brief(), &charts, &templates)
        .unwrap();
    let (_, text) = check(dir.path(), "own.pdf", &bytes);
    assert!(
        text.contains("Chart label 2026-11-16"),
        "chart text not selectable"
    );
    assert!(text.contains("4. Feed overlap") && !text.contains("5. Feed health"));
    // One raster image: the logo; the chart is vectors.
    let images = run("pdfimages", &["-list"], &dir.path().join("own.pdf"));
    assert_eq!(images.lines().count(), 3, "{images}");
    // Without the chart the template leaves it out; an unknown one is an error.
    std::fs::write(own.join("report.pdf.md"), "# X\n\n![a](chart:nope)\n").unwrap();
    let templates = Templates::load(Some(&own)).unwrap();
    let e = Pdf::default()
        .bytes(&sample::brief(), &charts, &templates)
        .unwrap_err();
    assert!(e.to_string().contains("chart:nope"), "{e}");
}
