// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! `hits_over_time`: one bar per bucket (day, or hour for short periods), stacked by
//! indicator type, with a y axis of hits, dates below and a legend above.

use super::svg::{Anchor, Doc, GRID, INK, MUTED, columns, cut, group, nice_axis};
use super::{Chart, SERIES, bucket_label, bucket_name, bucket_word, label_every, list, zone};
use crate::report::model::Brief;

const W: f64 = 760.0;
const H: f64 = 320.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 12.0;
const BOTTOM: f64 = 34.0;
const LEGEND_ROW: f64 = 20.0;

/// The chart of `brief.hits`.
pub fn chart(brief: &Brief) -> Chart {
    let hits = &brief.hits;
    let tz = zone(brief);
    let bucket = brief.period.bucket;
    let word = bucket_word(bucket);
    let types = &hits.types;
    let totals: Vec<u64> = hits.buckets.iter().map(|b| b.counts.iter().sum()).collect();
    let per_type: Vec<u64> = (0..types.len())
        .map(|t| {
            hits.buckets
                .iter()
                .map(|b| b.counts.get(t).copied().unwrap_or(0))
                .sum()
        })
        .collect();
    let total: u64 = totals.iter().sum();

    let title = format!("Hits per {word}, by indicator type");
    let first = hits
        .buckets
        .first()
        .map(|b| bucket_name(b.start, bucket, &tz));
    let last = hits
        .buckets
        .last()
        .map(|b| bucket_name(b.start, bucket, &tz));
    let mut alt = format!(
        "Stacked bars: hits per {word} from {} to {} ({}), by indicator type. {} hits in all",
        first.as_deref().unwrap_or("-"),
        last.as_deref().unwrap_or("-"),
        brief.period.time_zone,
        group(total)
    );
    if total > 0 {
        let parts: Vec<String> = types
            .iter()
            .zip(&per_type)
            .map(|(t, n)| format!("{t} {}", group(*n)))
            .collect();
        alt.push_str(&format!(": {}", list(&parts, types.len())));
        if let Some((i, peak)) = totals
            .iter()
            .enumerate()
            .max_by_key(|(i, n)| (**n, std::cmp::Reverse(*i)))
            && let Some(b) = hits.buckets.get(i)
        {
            alt.push_str(&format!(
                ". The busiest {word} was {} with {}",
                bucket_name(b.start, bucket, &tz),
                group(*peak)
            ));
        }
    }
    alt.push('.');

    // The legend: items laid left to right, wrapping into rows.
    let mut legend = Vec::new();
    let (mut lx, mut row) = (LEFT, 0usize);
    for (i, t) in types.iter().enumerate() {
        let label = cut(t, 18);
        let item_w = 18.0 + label.chars().count() as f64 * 7.0 + 16.0;
        if lx + item_w > W - RIGHT && lx > LEFT {
            lx = LEFT;
            row += 1;
        }
        legend.push((i, lx, row, label));
        lx += item_w;
    }
    let rows = if types.is_empty() { 0 } else { row + 1 };
    let top = 12.0 + rows as f64 * LEGEND_ROW + 10.0;
    let height = H + rows.saturating_sub(1) as f64 * LEGEND_ROW;
    let plot_h = height - top - BOTTOM;
    let plot_w = W - LEFT - RIGHT;
    let base = top + plot_h;

    let mut doc = Doc::new("hits_over_time", W as u32, height as u32, &title, &alt);
    let swatches: Vec<_> = (0..types.len()).map(|i| SERIES[i % SERIES.len()]).collect();
    doc.patterns(&swatches);
    for (i, x, row, label) in &legend {
        let y = 12.0 + *row as f64 * LEGEND_ROW;
        let s = &swatches[*i];
        doc.rect(*x, y, 14.0, 14.0, &doc.fill(*i, s), Some(INK));
        doc.text(x + 19.0, y + 11.5, label, Anchor::Start, 12.0, INK);
    }

    let max = totals.iter().copied().max().unwrap_or(0);
    let (step, axis_top) = nice_axis(max as f64, 5);
    let scale = plot_h / axis_top;
    let mut tick = 0.0;
    while tick <= axis_top + step / 2.0 {
        let y = base - tick * scale;
        doc.line(LEFT, y, W - RIGHT, y, GRID, 1.0);
        doc.text(
            LEFT - 6.0,
            y + 4.0,
            &group(tick as u64),
            Anchor::End,
            11.0,
            MUTED,
        );
        tick += step;
    }
    doc.text_full(
        14.0,
        top + plot_h / 2.0,
        "hits",
        Anchor::Middle,
        11.0,
        MUTED,
        false,
        Some(-90.0),
    );

    let n = hits.buckets.len();
    let slot = if n == 0 { plot_w } else { plot_w / n as f64 };
    let gap = if slot >= 6.0 { slot * 0.2 } else { 0.0 };
    let every = label_every(n, plot_w, 52.0);
    for (k, b) in hits.buckets.iter().enumerate() {
        let x = LEFT + k as f64 * slot + gap / 2.0;
        let name = bucket_name(b.start, bucket, &tz);
        let mut y = base;
        for (i, count) in b.counts.iter().enumerate().take(types.len()) {
            if *count == 0 {
                continue;
            }
            let h = *count as f64 * scale;
            y -= h;
            let s = &swatches[i];
            let tip = format!("{name} {}: {}", types[i], group(*count));
            doc.rect_tip(x, y, slot - gap, h, &doc.fill(i, s), Some(INK), Some(&tip));
        }
        if k.is_multiple_of(every) {
            let cx = LEFT + (k as f64 + 0.5) * slot;
            doc.line(cx, base, cx, base + 4.0, INK, 1.0);
            let label = cut(
                &bucket_label(b.start, bucket, &tz),
                columns(every as f64 * slot, 11.0),
            );
            doc.text(cx, base + 17.0, &label, Anchor::Middle, 11.0, MUTED);
        }
    }
    doc.line(LEFT, base, W - RIGHT, base, INK, 1.0);
    if total == 0 {
        doc.text(
            LEFT + plot_w / 2.0,
            top + plot_h / 2.0,
            "No hits in the period",
            Anchor::Middle,
            14.0,
            MUTED,
        );
    }
    Chart {
        id: "hits_over_time",
        title,
        svg: doc.finish(),
        alt,
    }
}
