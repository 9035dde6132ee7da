// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The layout's tests: tables split across pages with their header repeated, page
//! count growing with rows, wrapped cells staying on the page, footers and marks.

use std::collections::BTreeMap;

use super::blocks::{Block, parse};
use super::layout::{Doc, Item, layout};
use super::text::Fonts;
use crate::report::Paper;

fn doc_of(markdown: &str, paper: Paper) -> Doc {
    let fonts = Fonts::new().unwrap();
    layout(&parse(markdown), &fonts, &BTreeMap::new(), paper)
}

fn table_md(rows: usize, value: &str) -> String {
    let mut md =
        String::from("# Title\n\n## Top indicators\n\n| Value | Type | Hits |\n|---|---|--:|\n");
    for i in 0..rows {
        md.push_str(&format!("| {value}{i} | ipv4 | {} |\n", 1000 + i));
    }
    md
}

/// The texts of a page's runs, in drawing order.
fn texts(page: &[Item]) -> Vec<String> {
    page.iter()
        .filter_map(|i| match i {
            Item::Text { run, .. } => Some(run.text.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn a_long_table_splits_across_pages_with_its_header_on_each() {
    let doc = doc_of(&table_md(300, "198.51.100."), Paper::A4);
    assert!(doc.pages.len() >= 5, "{}", doc.pages.len());
    for (n, page) in doc.pages.iter().enumerate() {
        let t = texts(page);
        assert_eq!(t.iter().filter(|s| *s == "Value").count(), 1, "page {n}");
        assert!(t.contains(&format!("Page {} of {}", n + 1, doc.pages.len())));
    }
    // Every row once, in order.
    let all: Vec<String> = doc.pages.iter().flat_map(|p| texts(p)).collect();
    let rows: Vec<&String> = all
        .iter()
        .filter(|s| s.starts_with("198.51.100."))
        .collect();
    assert_eq!(rows.len(), 300);
    assert_eq!(rows[0], "198.51.100.0");
    assert_eq!(rows[299], "198.51.100.299");
}

#[test]
fn page_count_grows_with_rows_and_letter_is_shorter() {
    let count = |rows, paper| doc_of(&table_md(rows, "x"), paper).pages.len();
    assert_eq!(count(5, Paper::A4), 1);
    let a = count(100, Paper::A4);
    let b = count(200, Paper::A4);
    let c = count(400, Paper::A4);
    assert!(a < b && b < c, "{a} {b} {c}");
    assert!(count(400, Paper::Letter) > c);
}

#[test]
fn nothing_is_drawn_outside_the_page_and_long_cells_wrap() {
    let hash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855".repeat(3);
    let doc = doc_of(&table_md(120, &hash), Paper::Letter);
    let g = doc.geometry;
    for page in &doc.pages {
        for item in page {
            if let Item::Text {
                x, y, size, run, ..
            } = item
            {
                assert!(*x >= g.margin_x - 0.01, "{x}");
                assert!(x + run.width <= g.width - g.margin_x + 0.01, "{}", run.text);
                assert!(*y - size >= 0.0 && *y <= g.height, "{y}");
            }
        }
    }
    // Each value is cut into several lines and comes back whole.
    let all: Vec<String> = doc.pages.iter().flat_map(|p| texts(p)).collect();
    let joined = all.concat();
    assert!(joined.contains(&format!("{hash}119")));
    assert!(all.iter().filter(|s| hash.starts_with(s.as_str())).count() >= 120);
}

#[test]
fn a_row_taller_than_a_page_is_cut_between_its_lines() {
    let word = "indicator ".repeat(3000);
    let md = format!("| Note |\n|---|\n| {word} |\n| after |\n");
    let doc = doc_of(&md, Paper::A4);
    assert!(doc.pages.len() >= 3, "{}", doc.pages.len());
    let all: Vec<String> = doc.pages.iter().flat_map(|p| texts(p)).collect();
    assert!(all.iter().filter(|s| s.contains("indicator")).count() > 100);
    assert!(all.contains(&"after".to_string()));
    for page in &doc.pages {
        assert_eq!(texts(page).iter().filter(|s| *s == "Note").count(), 1);
    }
}

#[test]
fn headings_are_marked_and_never_end_a_page() {
    let mut md = String::from("# Brief\n\n");
    for i in 0..40 {
        md.push_str(&format!(
            "## Section {i}\n\nSome text about section {i}.\n\n"
        ));
    }
    let doc = doc_of(&md, Paper::A4);
    assert_eq!(doc.title.as_deref(), Some("Brief"));
    assert_eq!(doc.marks.len(), 41);
    let g = doc.geometry;
    for m in &doc.marks {
        assert!(m.y < g.height - g.margin_bottom - 60.0, "{m:?}");
        assert!(texts(&doc.pages[m.page]).contains(&m.title));
    }
    assert!(doc.marks.windows(2).all(|w| w[0].page <= w[1].page));
}

#[test]
fn images_scale_to_the_text_width_and_move_to_a_new_page() {
    let fonts = Fonts::new().unwrap();
    let mut blocks = parse(&"Line of text.\n\n".repeat(50));
    blocks.push(Block::Image {
        src: "chart:a".into(),
        alt: String::new(),
    });
    let sizes = BTreeMap::from([("chart:a".to_string(), (1200.0, 600.0))]);
    let doc = layout(&blocks, &fonts, &sizes, Paper::A4);
    let g = doc.geometry;
    let found: Vec<(usize, f32, f32, f32)> = doc
        .pages
        .iter()
        .enumerate()
        .flat_map(|(n, p)| {
            p.iter().filter_map(move |i| match i {
                Item::Graphic { y, w, h, .. } => Some((n, *y, *w, *h)),
                _ => None,
            })
        })
        .collect();
    assert_eq!(found.len(), 1);
    let (page, y, w, h) = found[0];
    assert!((w - (g.width - 2.0 * g.margin_x)).abs() < 0.01);
    assert!((h - w / 2.0).abs() < 0.01);
    assert!(y + h <= g.height - g.margin_bottom + 0.01);
    assert_eq!(page, doc.pages.len() - 1);
}

#[test]
fn a_heading_moves_to_the_next_page_with_the_image_after_it() {
    let fonts = Fonts::new().unwrap();
    let mut blocks = parse(&"Line of text.\n\n".repeat(25));
    blocks.extend(parse("## Feed overlap\n"));
    blocks.push(Block::Image {
        src: "chart:overlap".into(),
        alt: String::new(),
    });
    let sizes = BTreeMap::from([("chart:overlap".to_string(), (600.0, 600.0))]);
    let doc = layout(&blocks, &fonts, &sizes, Paper::A4);
    let mark = doc
        .marks
        .iter()
        .find(|m| m.title == "Feed overlap")
        .unwrap();
    let image_page = doc
        .pages
        .iter()
        .position(|p| p.iter().any(|i| matches!(i, Item::Graphic { .. })))
        .unwrap();
    assert_eq!(mark.page, image_page);
    assert_eq!(mark.page, 1);
}
