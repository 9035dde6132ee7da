// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The HTML report in a real browser: headless Chromium (Debian `chromium`; skipped
//! with one line when it is not installed, failing under `CI=true`) renders the sample
//! brief and the seeded fixture store's brief to PNG at 1280x2000 and 390x844 (checked: the size in the PNG's IHDR, and
//! not a blank page), and a copy of the page with a probe script injected reports
//! load errors (script errors, failed resources, Content-Security-Policy violations,
//! console errors) and every element whose right edge passes the viewport's width,
//! read back with `--dump-dom`. A page made to overflow and to fail proves the probe.

#![allow(clippy::unwrap_used)]

mod report_common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use intellisiem::report::html::Html;
use intellisiem::report::{ReportWriter, Templates, sample};

/// The widths and heights of the two views the issue names.
const DESKTOP: (u32, u32) = (1280, 2000);
const PHONE: (u32, u32) = (390, 844);

/// Chromium, or `None` after saying why the test is skipped (a failure under
/// `CI=true`, where `.ci/run` installs it).
fn chromium() -> Option<PathBuf> {
    for c in ["/usr/bin/chromium", "chromium"] {
        let ok = Command::new(c)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if ok {
            return Some(PathBuf::from(c));
        }
    }
    assert!(
        std::env::var("CI").map_or(true, |v| v != "true"),
        "chromium is not installed under CI=true (Debian chromium)"
    );
    eprintln!("skipped: chromium is not installed (apt-get install chromium)");
    None
}

/// Runs headless Chromium on `page` at `size` with `extra` arguments; its stdout.
fn headless(bin: &Path, page: &Path, size: (u32, u32), extra: &[String]) -> String {
    let profile = tempfile::tempdir().unwrap();
    let mut child = Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--virtual-time-budget=5000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--window-size={},{}", size.0, size.1))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        stdout.read_to_string(&mut s).unwrap();
        s
    });
    let mut stderr = child.stderr.take().unwrap();
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > Duration::from_secs(90) {
            let _ = child.kill();
            panic!("chromium took over 90 s on {}", page.display());
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let out = reader.join().unwrap();
    let err = err_reader.join().unwrap();
    assert!(status.success(), "chromium failed: {status}\n{err}");
    out
}

/// The sample brief's page, written into `dir`.
fn sample_page(dir: &Path) -> (PathBuf, String) {
    page_of(dir, &sample::brief(), "report.html")
}

/// `brief`'s page with the built-in templates, written into `dir` as `name`.
fn page_of(dir: &Path, brief: &intellisiem::report::Brief, name: &str) -> (PathBuf, String) {
    let templates = Templates::load(None).unwrap();
    let mut out = Vec::new();
    Html.write(brief, &templates, &mut out).unwrap();
    let html = String::from_utf8(out).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, &html).unwrap();
    (path, html)
}

/// The probe: records errors as the page loads, then on `load` lists the elements
/// whose right edge passes the viewport and writes all as JSON into `#layout-check`.
const PROBE: &str = r#"<script nonce="probe">(function () {
  var errors = [];
  window.addEventListener('error', function (e) {
    var t = e.target && e.target !== window ? ' ' + e.target.tagName + ' ' + (e.target.src || e.target.href || '') : '';
    errors.push('error: ' + (e.message || '') + t);
  }, true);
  window.addEventListener('unhandledrejection', function (e) { errors.push('rejection: ' + e.reason); });
  document.addEventListener('securitypolicyviolation', function (e) {
    errors.push('csp: ' + e.violatedDirective + ' ' + e.blockedURI);
  });
  var ce = console.error;
  console.error = function () { errors.push('console: ' + Array.prototype.join.call(arguments, ' ')); ce.apply(console, arguments); };
  window.addEventListener('load', function () {
    var w = window.innerWidth, over = [];
    var all = document.body.getElementsByTagName('*');
    for (var i = 0; i < all.length; i++) {
      var el = all[i], r = el.getBoundingClientRect();
      if (r.width <= 0 || r.height <= 0) continue;
      // What shows of it: cut by every ancestor that clips its overflow.
      var right = r.right, left = r.left;
      for (var a = el.parentElement; a && a !== document.documentElement; a = a.parentElement) {
        if (getComputedStyle(a).overflowX !== 'visible') {
          var ar = a.getBoundingClientRect();
          right = Math.min(right, ar.right);
          left = Math.max(left, ar.left);
        }
      }
      if (right > left && right > w + 0.5) {
        over.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ' right=' + Math.round(right));
      }
    }
    var out = document.createElement('pre');
    out.id = 'layout-check';
    out.textContent = JSON.stringify({ width: w, scroll_width: document.documentElement.scrollWidth, errors: errors, overflow: over });
    document.body.appendChild(out);
  });
})();</script>"#;

/// What the probe found.
#[derive(Debug, serde::Deserialize)]
struct Found {
    width: f64,
    scroll_width: f64,
    errors: Vec<String>,
    overflow: Vec<String>,
}

/// `html` with the probe as the first thing in `<head>`, and the page's CSP letting
/// only the probe run (the page itself has `default-src 'none'`).
fn with_probe(html: &str) -> String {
    let csp = "default-src 'none';";
    assert!(html.contains(csp), "the page has no CSP");
    html.replacen(csp, "default-src 'none'; script-src 'nonce-probe';", 1)
        .replacen("<head>", &format!("<head>\n{PROBE}"), 1)
}

/// The harness page: `html` in an iframe of exactly `size` (headless Chromium will not
/// make its window narrower than 500 px, an iframe can be), and a script that copies
/// the probe's finding out of it once it has loaded (a `srcdoc` frame shares the
/// harness's origin).
fn harness(html: &str, size: (u32, u32)) -> String {
    let doc = with_probe(html)
        .replace('&', "&amp;")
        .replace('"', "&quot;");
    format!(
        r#"<!doctype html><html><head><meta charset="utf-8"><style>body{{margin:0}}iframe{{border:0;display:block}}</style></head><body>
<iframe id="page" width="{w}" height="{h}" srcdoc="{doc}"></iframe>
<script>window.addEventListener('load', function () {{
  var inner = document.getElementById('page').contentDocument.getElementById('layout-check');
  var out = document.createElement('pre');
  out.id = 'layout-check';
  out.textContent = inner ? inner.textContent : 'no probe output';
  document.body.appendChild(out);
}});</script></body></html>"#,
        w = size.0,
        h = size.1
    )
}

/// Loads `html` (written into `dir`) at `size` and reads back what the probe found.
fn probe(bin: &Path, dir: &Path, html: &str, size: (u32, u32)) -> Found {
    let path = dir.join(format!("probe-{}.html", size.0));
    std::fs::write(&path, harness(html, size)).unwrap();
    let window = (size.0.max(500) + 40, size.1 + 40);
    let dom = headless(bin, &path, window, &["--dump-dom".into()]);
    let start = dom
        .find("<pre id=\"layout-check\">")
        .unwrap_or_else(|| panic!("no probe output in the DOM:\n{dom}"))
        + "<pre id=\"layout-check\">".len();
    let end = dom[start..].find("</pre>").unwrap() + start;
    let json = dom[start..end]
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"))
}

/// The PNG's width and height from its IHDR, and its pixels as RGBA (8-bit RGB or
/// RGBA, not interlaced: what Chromium writes).
fn decode_png(png: &[u8]) -> (u32, u32, Vec<[u8; 4]>) {
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    let (mut pos, mut idat, mut head) = (8, Vec::new(), None);
    while pos + 8 <= png.len() {
        let len = be(&png[pos..]) as usize;
        let kind = &png[pos + 4..pos + 8];
        let data = &png[pos + 8..pos + 8 + len];
        match kind {
            b"IHDR" => head = Some((be(data), be(&data[4..]), data[8], data[9], data[12])),
            b"IDAT" => idat.extend_from_slice(data),
            _ => {}
        }
        pos += 12 + len;
    }
    let (w, h, depth, colour, interlace) = head.expect("no IHDR");
    assert_eq!((depth, interlace), (8, 0), "unexpected PNG form");
    let bpp = match colour {
        2 => 3,
        6 => 4,
        c => panic!("unexpected PNG colour type {c}"),
    };
    let mut raw = Vec::new();
    flate2::read::ZlibDecoder::new(&idat[..])
        .read_to_end(&mut raw)
        .unwrap();
    let stride = w as usize * bpp;
    assert_eq!(raw.len(), h as usize * (stride + 1), "IDAT size");
    let mut prev = vec![0u8; stride];
    let mut pixels = Vec::with_capacity(w as usize * h as usize);
    for row in raw.chunks(stride + 1) {
        let (filter, line) = (row[0], &row[1..]);
        let mut cur = vec![0u8; stride];
        for i in 0..stride {
            let a = if i >= bpp { cur[i - bpp] } else { 0 };
            let (b, c) = (prev[i], if i >= bpp { prev[i - bpp] } else { 0 });
            let pred = match filter {
                0 => 0,
                1 => a,
                2 => b,
                3 => ((u16::from(a) + u16::from(b)) / 2) as u8,
                4 => {
                    let p = i16::from(a) + i16::from(b) - i16::from(c);
                    let (pa, pb, pc) = (
                        (p - i16::from(a)).abs(),
                        (p - i16::from(b)).abs(),
                        (p - i16::from(c)).abs(),
                    );
                    if pa <= pb && pa <= pc {
                        a
                    } else if pb <= pc {
                        b
                    } else {
                        c
                    }
                }
                f => panic!("bad PNG filter {f}"),
            };
            cur[i] = line[i].wrapping_add(pred);
        }
        for px in cur.chunks(bpp) {
            pixels.push([px[0], px[1], px[2], if bpp == 4 { px[3] } else { 255 }]);
        }
        prev = cur;
    }
    (w, h, pixels)
}

/// Takes a screenshot of `page` at `size`, checks its size and that it is not blank
/// (a tenth of it differs from the background, with many colours: text, charts), and
/// keeps it beside the test's other outputs for a person to look at.
fn screenshot(bin: &Path, dir: &Path, page: &Path, size: (u32, u32)) {
    let stem = page.file_stem().unwrap().to_string_lossy();
    let png_path = dir.join(format!("{stem}-{}x{}.png", size.0, size.1));
    headless(
        bin,
        page,
        size,
        &[format!("--screenshot={}", png_path.display())],
    );
    let png = std::fs::read(&png_path).unwrap();
    let (w, h, pixels) = decode_png(&png);
    assert_eq!((w, h), size, "screenshot size");
    let background = pixels[0];
    let differ = pixels.iter().filter(|p| **p != background).count();
    let mut colours: Vec<[u8; 4]> = pixels.clone();
    colours.sort_unstable();
    colours.dedup();
    assert!(
        differ * 10 >= pixels.len() / 10 && colours.len() >= 64,
        "blank screenshot at {size:?}: {differ} of {} pixels differ, {} colours",
        pixels.len(),
        colours.len()
    );
    let keep = Path::new(env!("CARGO_TARGET_TMPDIR")).join(png_path.file_name().unwrap());
    std::fs::copy(&png_path, keep).unwrap();
}

#[test]
fn the_sample_report_renders_at_desktop_and_phone_widths() {
    let Some(bin) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (page, _) = sample_page(dir.path());
    screenshot(&bin, dir.path(), &page, DESKTOP);
    screenshot(&bin, dir.path(), &page, PHONE);
}

#[test]
fn the_sample_report_loads_without_errors_or_overflow_at_both_widths() {
    let Some(bin) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (_, html) = sample_page(dir.path());
    for size in [DESKTOP, PHONE] {
        let found = probe(&bin, dir.path(), &html, size);
        assert_eq!(found.width, f64::from(size.0), "{found:?}");
        assert!(found.errors.is_empty(), "{size:?}: {:?}", found.errors);
        assert!(found.overflow.is_empty(), "{size:?}: {:?}", found.overflow);
        assert!(found.scroll_width <= found.width, "{found:?}");
    }
}

#[test]
fn the_probe_catches_an_overflowing_element_and_a_failing_page() {
    let Some(bin) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (_, html) = sample_page(dir.path());
    let broken = html.replacen(
        "</main>",
        r#"<div id="too-wide" style="width: 900px">wide</div>
<img id="outside" src="https://198.51.100.7/x.png" alt="">
<script nonce="probe">null.no_such_field;</script></main>"#,
        1,
    );
    let found = probe(&bin, dir.path(), &broken, PHONE);
    assert!(
        found
            .overflow
            .iter()
            .any(|o| o.starts_with("div#too-wide ")),
        "{found:?}"
    );
    assert!(found.scroll_width > found.width, "{found:?}");
    assert!(
        found.errors.iter().any(|e| e.contains("TypeError")),
        "{found:?}"
    );
    assert!(
        found.errors.iter().any(|e| e.starts_with("csp: img-src")),
        "{found:?}"
    );
}

#[test]
fn without_its_phone_rules_the_page_would_overflow_a_phone() {
    let Some(bin) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    // The built-in style sheet less its `@media screen and (max-width: …)` block.
    let css = intellisiem::report::template::BUILT_IN
        .iter()
        .find(|(n, _)| *n == "style.css")
        .unwrap()
        .1;
    let start = css.find("@media screen and (max-width:").unwrap();
    let end = start + css[start..].find("\n}\n").unwrap() + 3;
    std::fs::write(
        dir.path().join("style.css"),
        format!("{}{}", &css[..start], &css[end..]),
    )
    .unwrap();
    let templates = Templates::load(Some(dir.path())).unwrap();
    let mut out = Vec::new();
    Html.write(&sample::brief(), &templates, &mut out).unwrap();
    let html = String::from_utf8(out).unwrap();
    assert!(!html.contains("max-width: 720px"));
    let found = probe(&bin, dir.path(), &html, PHONE);
    assert!(
        found
            .overflow
            .iter()
            .any(|o| o.starts_with("table") || o.starts_with("td")),
        "{found:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_fixture_report_renders_without_errors_or_overflow() {
    let Some(bin) = chromium() else { return };
    let fx = report_common::Fixture::new(1).await;
    let brief = fx
        .brief(
            report_common::NOW - report_common::day(14),
            report_common::NOW,
            &[],
            &[],
        )
        .await;
    let dir = tempfile::tempdir().unwrap();
    let (page, html) = page_of(dir.path(), &brief, "report-fixture.html");
    // The fixture's hostile threat and URL are there, escaped and defanged.
    assert!(!html.contains("<script>alert(1)"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"));
    assert!(!html.contains("http://evil.example"));
    assert!(html.contains("evil[.]example"));
    for size in [DESKTOP, PHONE] {
        screenshot(&bin, dir.path(), &page, size);
        let found = probe(&bin, dir.path(), &html, size);
        assert!(found.errors.is_empty(), "{size:?}: {:?}", found.errors);
        assert!(found.overflow.is_empty(), "{size:?}: {:?}", found.overflow);
    }
}
