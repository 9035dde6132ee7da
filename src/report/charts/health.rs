// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! `health`: one strip per source, one cell per bucket of the period: every fetch
//! succeeded (solid green), some failed (yellow, striped), every one failed
//! (vermillion, cross-hatched) or none ran (white, outlined). Light, mid and dark with
//! distinct marks, so the states read in greyscale.

use super::svg::{Anchor, Doc, INK, MUTED, Mark, Swatch, columns, cut};
use super::{Chart, bucket_label, bucket_name, bucket_word, label_every, list, zone};
use crate::report::model::{Brief, StripCell};

const W: f64 = 760.0;
const LABEL: f64 = 150.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 10.0;
const ROW: f64 = 22.0;
const AXIS: f64 = 26.0;
const LEGEND: f64 = 28.0;

/// The states in legend order, with their fills and names.
pub const STATES: [(StripCell, Swatch, &str); 4] = [
    (
        StripCell::Ok,
        Swatch {
            colour: "#009E73",
            mark: Mark::Solid,
            ink: "#ffffff",
        },
        "all fetches ok",
    ),
    (
        StripCell::Mixed,
        Swatch {
            colour: "#F0E442",
            mark: Mark::Diagonal,
            ink: "#000000",
        },
        "some failed",
    ),
    (
        StripCell::Failed,
        Swatch {
            colour: "#D55E00",
            mark: Mark::DiagonalCross,
            ink: "#000000",
        },
        "all failed",
    ),
    (
        StripCell::None,
        Swatch {
            colour: "#ffffff",
            mark: Mark::Solid,
            ink: "#000000",
        },
        "no fetch",
    ),
];

fn state_index(c: StripCell) -> usize {
    STATES.iter().position(|(s, _, _)| *s == c).unwrap_or(3)
}

/// The chart of `brief.health`.
pub fn chart(brief: &Brief) -> Chart {
    let tz = zone(brief);
    let bucket = brief.period.bucket;
    let word = bucket_word(bucket);
    let title = format!("Fetch state per {word}, per source");
    let parts: Vec<String> = brief
        .health
        .iter()
        .map(|h| {
            let mut n = [0usize; 4];
            for c in &h.strip {
                n[state_index(*c)] += 1;
            }
            format!(
                "{}: {} ok, {} mixed, {} failed, {} without a fetch",
                h.source, n[0], n[1], n[2], n[3]
            )
        })
        .collect();
    let alt = format!(
        "One strip per source, one cell per {word}, showing whether that {word}'s fetches all succeeded, some failed, all failed, or none ran. {}.",
        list(&parts, 12)
    );

    let rows = brief.health.len().max(1);
    let base = TOP + rows as f64 * ROW;
    let height = base + AXIS + LEGEND;
    let plot_w = W - LABEL - RIGHT;
    let mut doc = Doc::new("health", W as u32, height as u32, &title, &alt);
    let swatches: Vec<Swatch> = STATES.iter().map(|(_, s, _)| *s).collect();
    doc.patterns(&swatches);
    let name_cols = columns(LABEL - 10.0, 12.0);
    let n = brief
        .health
        .iter()
        .map(|h| h.strip.len())
        .max()
        .unwrap_or(0);
    let slot = if n == 0 { plot_w } else { plot_w / n as f64 };
    let gap = if slot >= 6.0 { 1.5 } else { 0.0 };
    for (r, h) in brief.health.iter().enumerate() {
        let y = TOP + r as f64 * ROW;
        doc.text(
            LABEL - 8.0,
            y + ROW / 2.0 + 4.0,
            &cut(&h.source, name_cols),
            Anchor::End,
            12.0,
            INK,
        );
        for (k, c) in h.strip.iter().enumerate() {
            let i = state_index(*c);
            let when = brief
                .hits
                .buckets
                .get(k)
                .map(|b| bucket_name(b.start, bucket, &tz))
                .unwrap_or_else(|| format!("{word} {}", k + 1));
            let tip = format!("{} {when}: {}", h.source, STATES[i].2);
            doc.rect_tip(
                LABEL + k as f64 * slot + gap / 2.0,
                y + 3.0,
                slot - gap,
                ROW - 6.0,
                &doc.fill(i, &swatches[i]),
                Some(MUTED),
                Some(&tip),
            );
        }
    }
    let every = label_every(n, plot_w, 52.0);
    for (k, b) in brief.hits.buckets.iter().enumerate().take(n) {
        if !k.is_multiple_of(every) {
            continue;
        }
        let cx = LABEL + (k as f64 + 0.5) * slot;
        let label = cut(
            &bucket_label(b.start, bucket, &tz),
            columns(every as f64 * slot, 11.0),
        );
        doc.line(cx, base, cx, base + 4.0, INK, 1.0);
        doc.text(cx, base + 17.0, &label, Anchor::Middle, 11.0, MUTED);
    }
    let ly = base + AXIS;
    let mut lx = LABEL;
    for (i, (_, s, name)) in STATES.iter().enumerate() {
        doc.rect(lx, ly, 14.0, 14.0, &doc.fill(i, s), Some(MUTED));
        doc.text(lx + 19.0, ly + 11.5, name, Anchor::Start, 11.0, INK);
        lx += 30.0 + name.len() as f64 * 7.0;
    }
    Chart {
        id: "health",
        title,
        svg: doc.finish(),
        alt,
    }
}
