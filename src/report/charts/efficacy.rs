// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! `efficacy`: per source, a horizontal bar of its indicators ever seen in our logs per
//! 10,000 it holds, most first, with the value at the bar's end.

use super::svg::{Anchor, Doc, GRID, INK, MUTED, columns, cut, group, nice_axis};
use super::{BAR, Chart, list};
use crate::report::model::{Brief, Efficacy};

const W: f64 = 760.0;
const LABEL: f64 = 170.0;
const VALUE: f64 = 64.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
const ROW: f64 = 24.0;
const AXIS: f64 = 36.0;

/// `v` with one decimal, or none from 1,000 on.
fn per_10k(v: f64) -> String {
    if v >= 1_000.0 {
        group(v.round() as u64)
    } else {
        format!("{v:.1}")
    }
}

/// The chart of `brief.efficacy`.
pub fn chart(brief: &Brief) -> Chart {
    let mut rows: Vec<&Efficacy> = brief.efficacy.iter().collect();
    rows.sort_by(|a, b| {
        b.hits_per_10k
            .total_cmp(&a.hits_per_10k)
            .then_with(|| a.source.cmp(&b.source))
    });
    let title = "Indicators seen in our logs per 10,000 held, per source".to_string();
    let parts: Vec<String> = rows
        .iter()
        .map(|e| format!("{} {}", e.source, per_10k(e.hits_per_10k)))
        .collect();
    let alt = if rows.is_empty() {
        "Horizontal bars: no source in the report.".to_string()
    } else {
        format!(
            "Horizontal bars, most first: of every 10,000 indicators a source holds, how many were ever seen in our logs. {}.",
            list(&parts, 12)
        )
    };

    let height = TOP + rows.len().max(1) as f64 * ROW + AXIS;
    let plot_w = W - LABEL - VALUE - RIGHT;
    let base = TOP + rows.len().max(1) as f64 * ROW;
    let mut doc = Doc::new("efficacy", W as u32, height as u32, &title, &alt);
    let max = rows.iter().map(|e| e.hits_per_10k).fold(0.0, f64::max);
    let (step, axis_top) = nice_axis(max, 5);
    let scale = plot_w / axis_top;
    let mut tick = 0.0;
    while tick <= axis_top + step / 2.0 {
        let x = LABEL + tick * scale;
        doc.line(x, TOP, x, base, GRID, 1.0);
        let label = if step >= 1.0 {
            group(tick.round() as u64)
        } else {
            format!("{tick:.1}")
        };
        doc.text(x, base + 16.0, &label, Anchor::Middle, 11.0, MUTED);
        tick += step;
    }
    let name_cols = columns(LABEL - 10.0, 12.0);
    for (k, e) in rows.iter().enumerate() {
        let y = TOP + k as f64 * ROW;
        doc.text(
            LABEL - 8.0,
            y + ROW / 2.0 + 4.0,
            &cut(&e.source, name_cols),
            Anchor::End,
            12.0,
            INK,
        );
        let w = (e.hits_per_10k.max(0.0) * scale).min(plot_w);
        let tip = format!(
            "{}: {} of {} indicators seen ({} per 10,000)",
            e.source,
            group(e.indicators_hit),
            group(e.indicators),
            per_10k(e.hits_per_10k)
        );
        doc.rect_tip(LABEL, y + 4.0, w, ROW - 8.0, BAR, None, Some(&tip));
        doc.text(
            LABEL + w + 5.0,
            y + ROW / 2.0 + 4.0,
            &per_10k(e.hits_per_10k),
            Anchor::Start,
            11.0,
            INK,
        );
    }
    doc.line(LABEL, TOP, LABEL, base, INK, 1.0);
    doc.text(
        LABEL + plot_w / 2.0,
        height - 2.0,
        "per 10,000 indicators held",
        Anchor::Middle,
        11.0,
        MUTED,
    );
    Chart {
        id: "efficacy",
        title,
        svg: doc.finish(),
        alt,
    }
}
