// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The report's charts as standalone SVG, drawn by our own small writer ([`svg`]):
//! hits over time, feed efficacy, feed overlap and feed health. The HTML inlines them,
//! the PDF draws them as vectors through krilla-svg (usvg), so they use only `rect`,
//! `line`, `path`, `text` and `pattern` (no CSS, filters or foreignObject).
//!
//! Colours are the Okabe-Ito palette (Okabe & Ito, "Color Universal Design", 2008),
//! safe for the common colour-vision deficiencies; each series also has its own mark
//! (stripes, dots, hatching) or a clearly different lightness, so a greyscale print
//! still tells them apart. Every chart has a `<title>`, a `<desc>` and a plain-text
//! [`Chart::alt`]; the outputs show the data table behind each.

mod efficacy;
mod health;
mod hits;
mod overlap;
pub mod svg;

use jiff::Timestamp;
use jiff::tz::TimeZone;

use svg::{Mark, Swatch};

use super::model::{Brief, Bucket};

/// One drawn chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// `hits_over_time`, `efficacy`, `overlap` or `health`.
    pub id: &'static str,
    /// The chart's heading (plain text, not escaped).
    pub title: String,
    /// A standalone SVG document (escaped inside).
    pub svg: String,
    /// What the chart shows, in a sentence or a few (plain text, not escaped).
    pub alt: String,
}

/// The ids of [`all`]'s charts, in order.
pub const IDS: [&str; 4] = ["hits_over_time", "efficacy", "overlap", "health"];

/// Every chart of `brief`, in [`IDS`] order. Give it the brief the output shows
/// ([`Brief::defanged`] for the human-readable ones); the charts print source and type
/// names, never indicator values.
pub fn all(brief: &Brief) -> Vec<Chart> {
    vec![
        hits::chart(brief),
        efficacy::chart(brief),
        overlap::chart(brief),
        health::chart(brief),
    ]
}

/// The fills of stacked series, in order: the eight Okabe-Ito colours, each with its
/// own mark, ordered so that neighbours in a stack differ in lightness; ten in all (as
/// many as the store has indicator types), then they repeat.
pub const SERIES: [Swatch; 10] = [
    swatch("#0072B2", Mark::Solid, "#ffffff"),
    swatch("#E69F00", Mark::Diagonal, "#000000"),
    swatch("#009E73", Mark::Dots, "#ffffff"),
    swatch("#F0E442", Mark::Horizontal, "#000000"),
    swatch("#D55E00", Mark::Cross, "#ffffff"),
    swatch("#56B4E9", Mark::Vertical, "#000000"),
    swatch("#000000", Mark::DiagonalCross, "#ffffff"),
    swatch("#CC79A7", Mark::BackDiagonal, "#000000"),
    swatch("#0072B2", Mark::Checker, "#ffffff"),
    swatch("#F0E442", Mark::Zigzag, "#000000"),
];

/// The single colour of one-series bars (Okabe-Ito blue).
pub const BAR: &str = "#0072B2";

const fn swatch(colour: &'static str, mark: Mark, ink: &'static str) -> Swatch {
    Swatch { colour, mark, ink }
}

/// The period's zone, UTC when the name is unknown.
fn zone(brief: &Brief) -> TimeZone {
    TimeZone::get(&brief.period.time_zone).unwrap_or(TimeZone::UTC)
}

/// A bucket's short label on a time axis: `Nov 16` for a day, `14:00` for an hour
/// (`Nov 16` at midnight).
fn bucket_label(start: Timestamp, bucket: Bucket, tz: &TimeZone) -> String {
    let z = start.to_zoned_datetime(tz.clone());
    match bucket {
        Bucket::Hour if z.hour() != 0 => z.strftime("%H:00").to_string(),
        _ => z.strftime("%b %d").to_string(),
    }
}

/// A bucket's full name, for tooltips and text: `2026-11-16` or `2026-11-16 14:00`.
fn bucket_name(start: Timestamp, bucket: Bucket, tz: &TimeZone) -> String {
    let z = start.to_zoned_datetime(tz.clone());
    match bucket {
        Bucket::Hour => z.strftime("%Y-%m-%d %H:00").to_string(),
        Bucket::Day => z.strftime("%Y-%m-%d").to_string(),
    }
}

/// "day" or "hour".
fn bucket_word(bucket: Bucket) -> &'static str {
    match bucket {
        Bucket::Hour => "hour",
        Bucket::Day => "day",
    }
}

/// Every `k`-th of `n` labels, so that labels `label_px` wide fit in `span_px`.
fn label_every(n: usize, span_px: f64, label_px: f64) -> usize {
    if n == 0 || span_px <= 0.0 {
        return 1;
    }
    ((n as f64 * label_px / span_px).ceil() as usize).max(1)
}

/// `items` joined as `a, b and c`, the first `max` of them, then `and N more`.
fn list(items: &[String], max: usize) -> String {
    let shown: Vec<&str> = items.iter().take(max).map(String::as_str).collect();
    let more = items.len().saturating_sub(max);
    match (shown.as_slice(), more) {
        ([], _) => String::new(),
        ([one], 0) => (*one).to_string(),
        (many, 0) => {
            let (last, rest) = many.split_last().map_or(("", &[][..]), |(l, r)| (*l, r));
            format!("{} and {last}", rest.join(", "))
        }
        (many, more) => format!("{} and {more} more", many.join(", ")),
    }
}

#[cfg(test)]
mod tests;
