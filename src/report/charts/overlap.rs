// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! `overlap`: a source × source heat map. Each cell holds the indicators both sources
//! hold; its shade is that count's share of the row source's indicators, on a one-hue
//! ramp whose lightness falls with the share (so it reads in greyscale too). The
//! diagonal, what each source holds, is white with the count in bold.

use super::svg::{Anchor, Doc, INK, MUTED, columns, compact, cut, group};
use super::{Chart, list};
use crate::report::model::Brief;

const LABEL: f64 = 150.0;
const HEAD: f64 = 96.0;
/// Room right of the matrix for the last column's slanted name.
const RIGHT: f64 = 80.0;
const LEGEND: f64 = 44.0;

/// The shade ramp (ColorBrewer "Blues", light to dark) and the lower bound of each
/// step's share, in percent.
const RAMP: [(&str, f64); 5] = [
    ("#f7fbff", 0.0),
    ("#c6dbef", 10.0),
    ("#6baed6", 25.0),
    ("#2171b5", 50.0),
    ("#08306b", 75.0),
];

/// The ramp step of `share` percent: (fill, text colour).
fn shade(share: f64) -> (&'static str, &'static str) {
    let i = RAMP.iter().rposition(|(_, lo)| share >= *lo).unwrap_or(0);
    (RAMP[i].0, if i >= 3 { "#ffffff" } else { INK })
}

/// `part` as a percentage of `whole` (0 when `whole` is 0).
fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 * 100.0 / whole as f64
    }
}

/// The chart of `brief.overlap`.
pub fn chart(brief: &Brief) -> Chart {
    let o = &brief.overlap;
    let n = o.sources.len();
    let at = |i: usize, j: usize| o.shared.get(i).and_then(|r| r.get(j)).copied();
    let cell = if n <= 10 {
        56.0
    } else {
        (560.0 / n as f64).max(24.0)
    };
    let title = "Indicators shared between sources".to_string();

    // The pair sharing most, for the text.
    let mut best: Option<(usize, usize, u64)> = None;
    for i in 0..n {
        for j in (i + 1)..n {
            let v = at(i, j).unwrap_or(0);
            if v > 0 && best.is_none_or(|(_, _, b)| v > b) {
                best = Some((i, j, v));
            }
        }
    }
    let mut alt = format!(
        "Heat map of the {n} sources against each other: each cell is the number of indicators both hold, shaded by its share of the row source's indicators; the diagonal is what each source holds."
    );
    if let Some((i, j, v)) = best {
        let held = at(i, i).unwrap_or(0);
        alt.push_str(&format!(
            " The largest overlap: {} and {} share {} ({:.0}% of {}'s).",
            o.sources[i],
            o.sources[j],
            group(v),
            share(v, held),
            o.sources[i]
        ));
    } else if n > 1 {
        alt.push_str(" No two sources share an indicator.");
    }
    let uniques: Vec<String> = o
        .per_source
        .iter()
        .map(|p| format!("{} {:.0}%", p.source, p.unique_percent))
        .collect();
    if !uniques.is_empty() {
        alt.push_str(&format!(
            " Unique share per source: {}.",
            list(&uniques, 12)
        ));
    }

    let width = (LABEL + n.max(1) as f64 * cell + RIGHT).max(LABEL + 5.0 * 72.0 + 16.0);
    let height = HEAD + n.max(1) as f64 * cell + LEGEND;
    let mut doc = Doc::new("overlap", width as u32, height as u32, &title, &alt);
    let name_cols = columns(LABEL - 10.0, 12.0);
    let head_cols = columns((HEAD - 10.0) * 1.3, 12.0);
    let font = if cell >= 48.0 { 12.0 } else { 9.0 };
    for (j, s) in o.sources.iter().enumerate() {
        let x = LABEL + (j as f64 + 0.5) * cell;
        doc.text_full(
            x + 4.0,
            HEAD - 6.0,
            &cut(s, head_cols),
            Anchor::Start,
            12.0,
            INK,
            false,
            Some(-50.0),
        );
    }
    for (i, row_name) in o.sources.iter().enumerate() {
        let y = HEAD + i as f64 * cell;
        doc.text(
            LABEL - 8.0,
            y + cell / 2.0 + 4.0,
            &cut(row_name, name_cols),
            Anchor::End,
            12.0,
            INK,
        );
        let held = at(i, i).unwrap_or(0);
        for (j, col_name) in o.sources.iter().enumerate() {
            let x = LABEL + j as f64 * cell;
            let v = at(i, j).unwrap_or(0);
            let p = share(v, held);
            let (fill, text) = if i == j { ("#ffffff", INK) } else { shade(p) };
            let tip = if i == j {
                format!("{row_name} holds {}", group(v))
            } else {
                format!(
                    "{row_name} and {col_name} share {} ({p:.0}% of {row_name}'s)",
                    group(v)
                )
            };
            doc.rect_tip(x, y, cell, cell, fill, Some("#ffffff"), Some(&tip));
            if i == j {
                doc.rect(x + 1.5, y + 1.5, cell - 3.0, cell - 3.0, "none", Some(INK));
            }
            doc.text_full(
                x + cell / 2.0,
                y + cell / 2.0 + font / 3.0,
                &compact(v),
                Anchor::Middle,
                font,
                text,
                i == j,
                None,
            );
        }
    }

    // The legend: the ramp's steps and what share each stands for.
    let ly = HEAD + n.max(1) as f64 * cell + 14.0;
    let mut lx = LABEL;
    doc.text(
        LABEL - 8.0,
        ly + 11.0,
        "share of row:",
        Anchor::End,
        11.0,
        MUTED,
    );
    for (k, (fill, lo)) in RAMP.iter().enumerate() {
        let label = match RAMP.get(k + 1) {
            Some((_, hi)) => format!("{lo:.0}–{hi:.0}%"),
            None => format!("{lo:.0}%+"),
        };
        doc.rect(lx, ly, 14.0, 14.0, fill, Some(INK));
        doc.text(lx + 18.0, ly + 11.0, &label, Anchor::Start, 11.0, MUTED);
        lx += 72.0;
    }
    Chart {
        id: "overlap",
        title,
        svg: doc.finish(),
        alt,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shade_darkens_with_the_share_and_text_stays_readable() {
        assert_eq!(shade(0.0), ("#f7fbff", INK));
        assert_eq!(shade(10.0), ("#c6dbef", INK));
        assert_eq!(shade(60.0), ("#2171b5", "#ffffff"));
        assert_eq!(shade(100.0), ("#08306b", "#ffffff"));
        let l: Vec<f64> = RAMP
            .iter()
            .map(|(c, _)| super::super::svg::luminance(c))
            .collect();
        assert!(l.windows(2).all(|w| w[0] > w[1] + 0.05), "{l:?}");
        assert_eq!(share(1, 0), 0.0);
    }
}
