// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! `/metrics`: the Prometheus text exposition format (version 0.0.4).
//!
//! From the store, rendered with each snapshot and every
//! [`super::snapshot::METRICS_EVERY`] (see [`sources_text`] and [`hits_text`]):
//! - `intellisiem_source_indicators{source}`: distinct indicators in its snapshot;
//! - `intellisiem_source_last_success_timestamp_seconds{source}`;
//! - `intellisiem_source_fetch_failures{source}`: failed fetches among the kept history;
//! - `intellisiem_source_fetch_duration_seconds{source}`: a histogram over the kept
//!   fetch history (the store keeps the last few hundred fetches per source);
//! - `intellisiem_hits{sensor,type}`: stored hits by sensor and indicator type.
//!
//! From this server: `intellisiem_serve_http_requests_total{class,status}` (class:
//! `edl`, `healthz`, `metrics`, `other`), the snapshot's version, values and age, and
//! whether the store is up.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;
use std::sync::Mutex;

use crate::store::health::FetchOutcome;
use crate::store::persist::{SharedStore, SourceMeta};

/// Upper bounds of the fetch duration buckets, in seconds.
const BUCKETS: [f64; 9] = [0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0];

/// Stored hits read for the per-sensor counts, at most.
const HITS_READ: usize = 1_000_000;

/// A label value escaped as the format asks (`\\`, `\"`, `\n`).
pub fn label(v: &str) -> String {
    let mut s = String::with_capacity(v.len());
    for c in v.chars() {
        match c {
            '\\' => s.push_str("\\\\"),
            '"' => s.push_str("\\\""),
            '\n' => s.push_str("\\n"),
            c => s.push(c),
        }
    }
    s
}

fn head(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

/// The sources' part of `/metrics`: each source the store holds or `configured` names
/// (a source that never fetched well has failures too). A history read that fails leaves
/// that source's figures out (and says so in the log).
pub async fn sources_text(
    store: &SharedStore,
    metas: &HashMap<String, SourceMeta>,
    configured: &[String],
) -> String {
    let none = SourceMeta::default();
    let mut names: BTreeMap<&String, &SourceMeta> = metas.iter().collect();
    for n in configured {
        names.entry(n).or_insert(&none);
    }
    let mut out = String::new();
    head(
        &mut out,
        "intellisiem_source_indicators",
        "gauge",
        "Distinct indicators in the source's stored snapshot.",
    );
    for (n, m) in &names {
        let _ = writeln!(
            out,
            "intellisiem_source_indicators{{source=\"{}\"}} {}",
            label(n),
            m.count
        );
    }
    let mut histories = Vec::new();
    for n in names.keys() {
        match store.history((*n).clone()).await {
            Ok(h) => histories.push(((*n).clone(), h)),
            Err(e) => tracing::warn!("serve: metrics: fetch history of {}: {e}", label(n)),
        }
    }
    head(
        &mut out,
        "intellisiem_source_last_success_timestamp_seconds",
        "gauge",
        "Unix time of the source's last good fetch.",
    );
    for (n, h) in &histories {
        if let Some(r) = h.iter().rev().find(|r| r.outcome.is_success()) {
            let _ = writeln!(
                out,
                "intellisiem_source_last_success_timestamp_seconds{{source=\"{}\"}} {}",
                label(n),
                r.at.as_second()
            );
        }
    }
    head(
        &mut out,
        "intellisiem_source_fetch_failures",
        "gauge",
        "Failed fetches of the source among its kept fetch history.",
    );
    for (n, h) in &histories {
        let failed = h
            .iter()
            .filter(|r| !matches!(r.outcome, FetchOutcome::Ok | FetchOutcome::NotModified))
            .count();
        let _ = writeln!(
            out,
            "intellisiem_source_fetch_failures{{source=\"{}\"}} {failed}",
            label(n)
        );
    }
    let name = "intellisiem_source_fetch_duration_seconds";
    head(
        &mut out,
        name,
        "histogram",
        "Fetch durations of the source over its kept fetch history.",
    );
    for (n, h) in &histories {
        let secs: Vec<f64> = h.iter().map(|r| r.duration.as_secs_f64()).collect();
        for b in BUCKETS {
            let c = secs.iter().filter(|s| **s <= b).count();
            let _ = writeln!(
                out,
                "{name}_bucket{{source=\"{}\",le=\"{b}\"}} {c}",
                label(n)
            );
        }
        let _ = writeln!(
            out,
            "{name}_bucket{{source=\"{}\",le=\"+Inf\"}} {}\n{name}_sum{{source=\"{0}\"}} {}\n{name}_count{{source=\"{0}\"}} {1}",
            label(n),
            secs.len(),
            secs.iter().fold(0.0, |a, s| a + s)
        );
    }
    out
}

/// The hits' part of `/metrics` (read with each snapshot). A read that fails leaves the
/// family out (and says so in the log).
pub async fn hits_text(store: &SharedStore) -> String {
    let mut out = String::new();
    match store.load_hits(HITS_READ).await {
        Ok(hits) => {
            let mut by: BTreeMap<(&str, &str), u64> = BTreeMap::new();
            for h in &hits {
                *by.entry((&h.sensor, h.kind.as_str())).or_default() += 1;
            }
            head(
                &mut out,
                "intellisiem_hits",
                "gauge",
                "Stored hits (indicators seen in the logs) by sensor and indicator type.",
            );
            for ((sensor, kind), n) in by {
                let _ = writeln!(
                    out,
                    "intellisiem_hits{{sensor=\"{}\",type=\"{kind}\"}} {n}",
                    label(sensor)
                );
            }
        }
        Err(e) => tracing::warn!("serve: metrics: stored hits: {e}"),
    }
    out
}

/// This server's request counts by path class and status.
#[derive(Debug, Default)]
pub struct Requests {
    counts: Mutex<BTreeMap<(&'static str, u16), u64>>,
}

impl Requests {
    /// Counts one answered request.
    pub fn count(&self, class: &'static str, status: u16) {
        let mut c = crate::model::lock(&self.counts);
        *c.entry((class, status)).or_default() += 1;
    }

    /// The counter family, in the text format.
    pub fn text(&self) -> String {
        let mut out = String::new();
        head(
            &mut out,
            "intellisiem_serve_http_requests_total",
            "counter",
            "HTTP requests this server answered, by path class and status.",
        );
        for ((class, status), n) in crate::model::lock(&self.counts).iter() {
            let _ = writeln!(
                out,
                "intellisiem_serve_http_requests_total{{class=\"{class}\",status=\"{status}\"}} {n}"
            );
        }
        out
    }
}

/// The server's own gauges: the snapshot served and the store's state.
pub fn server_text(snap: &super::snapshot::Snapshot, store_up: bool) -> String {
    let mut out = String::new();
    for (name, help, v) in [
        (
            "intellisiem_serve_snapshot_version",
            "The snapshot being served (grows with each one read from the store).",
            snap.version as f64,
        ),
        (
            "intellisiem_serve_snapshot_values",
            "Values in the snapshot being served.",
            snap.rows.len() as f64,
        ),
        (
            "intellisiem_serve_snapshot_timestamp_seconds",
            "Unix time the snapshot being served was read.",
            snap.built.map_or(0.0, |t| t.as_second() as f64),
        ),
        (
            "intellisiem_serve_store_up",
            "1 while the store can be read; 0 while the last good set is served.",
            if store_up { 1.0 } else { 0.0 },
        ),
    ] {
        head(&mut out, name, "gauge", help);
        let _ = writeln!(out, "{name} {v}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped() {
        assert_eq!(label("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
        let r = Requests::default();
        r.count("edl", 200);
        r.count("edl", 200);
        assert!(
            r.text()
                .contains("intellisiem_serve_http_requests_total{class=\"edl\",status=\"200\"} 2")
        );
    }
}
