// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Sections 1 and 2 from the stored hits: the period's hits against the period
//! before, untriaged hits, hits over time by type, the top indicators and hosts.

use std::collections::{BTreeSet, HashMap};

use jiff::Timestamp;

use super::feeds::Union;
use super::{Buckets, Loaded, Query, hit_covered, key};
use crate::model::IndicatorType;
use crate::report::model::{HitsOverTime, Summary, TimeCount, TopHost, TopIndicator};

/// Rows of the top-indicators table.
pub const TOP_INDICATORS: usize = 20;
/// Rows of the top-hosts table.
pub const TOP_HOSTS: usize = 20;

/// One indicator's hits in the period.
struct Agg<'a> {
    hits: u64,
    first: Timestamp,
    last: Timestamp,
    sensors: BTreeSet<&'a str>,
    sources: BTreeSet<&'a str>,
    threat: Option<&'a str>,
}

/// One internal host's hits in the period and the indicators they were on.
type Host<'a> = (u64, BTreeSet<(IndicatorType, &'a str)>);

/// The summary's hit figures (the others are filled by the caller) and section 2.
pub(crate) fn sections(
    loaded: &Loaded,
    _union: &Union<'_>,
    query: &Query,
    buckets: &Buckets,
) -> (Summary, HitsOverTime) {
    let (from, to) = (query.from, query.to);
    let before = from
        .checked_sub(to.duration_since(from))
        .unwrap_or(Timestamp::MIN);
    // The period before is only compared when the store still holds all of it.
    let previous_whole = loaded.hits_complete_from.is_none_or(|t| t <= before);
    let mut hits = 0_u64;
    let mut previous = 0_u64;
    let mut untriaged = 0_u64;
    let mut counts = vec![[0_u64; IndicatorType::ALL.len()]; buckets.starts.len()];
    let mut seen_types = [false; IndicatorType::ALL.len()];
    let mut top: HashMap<(IndicatorType, &str), Agg<'_>> = HashMap::new();
    let mut hosts: HashMap<&str, Host<'_>> = HashMap::new();
    for (id, hit) in &loaded.hits {
        if !hit_covered(hit, query) {
            continue;
        }
        if hit.at >= before && hit.at < from {
            previous += 1;
        }
        if hit.at < from || hit.at >= to {
            continue;
        }
        hits += 1;
        let (kind, value) = key(hit);
        if loaded.triage.on_hit(kind, value, *id).is_none() {
            untriaged += 1;
        }
        let t = type_index(kind);
        if let Some(b) = buckets.index(hit.at) {
            counts[b][t] += 1;
            seen_types[t] = true;
        }
        let a = top.entry((kind, value)).or_insert_with(|| Agg {
            hits: 0,
            first: hit.at,
            last: hit.at,
            sensors: BTreeSet::new(),
            sources: BTreeSet::new(),
            threat: None,
        });
        a.hits += 1;
        a.first = a.first.min(hit.at);
        a.last = a.last.max(hit.at);
        if !hit.sensor.is_empty() {
            a.sensors.insert(&hit.sensor);
        }
        a.sources.extend(hit.sources.iter().map(|s| &**s));
        if a.threat.is_none() {
            a.threat = hit.threat.as_deref();
        }
        if let Some(host) = host_of(hit) {
            let h = hosts.entry(host).or_default();
            h.0 += 1;
            h.1.insert((kind, value));
        }
    }
    let change = (previous > 0 && previous_whole)
        .then(|| (hits as f64 - previous as f64) * 100.0 / previous as f64);
    let summary = Summary {
        hits,
        hits_previous: previous,
        hits_change_percent: change,
        indicators_held: 0,
        indicators_new: 0,
        sources_failing: Vec::new(),
        untriaged_hits: untriaged,
    };
    let types: Vec<usize> = (0..IndicatorType::ALL.len())
        .filter(|&t| seen_types[t])
        .collect();
    let series = HitsOverTime {
        types: types
            .iter()
            .map(|&t| IndicatorType::ALL[t].as_str().to_string())
            .collect(),
        buckets: buckets
            .starts
            .iter()
            .zip(&counts)
            .map(|(start, c)| TimeCount {
                start: *start,
                counts: types.iter().map(|&t| c[t]).collect(),
            })
            .collect(),
        top_indicators: top_indicators(top),
        top_hosts: top_hosts(hosts),
    };
    (summary, series)
}

/// The position of `kind` in [`IndicatorType::ALL`], the series' fixed order.
fn type_index(kind: IndicatorType) -> usize {
    IndicatorType::ALL
        .iter()
        .position(|k| *k == kind)
        .unwrap_or(0)
}

/// The internal host of a hit (`LogHit::host`), if the store keeps one.
fn host_of(hit: &crate::model::LogHit) -> Option<&str> {
    hit.host.as_deref().filter(|h| !h.is_empty())
}

/// Most hits first; ties: latest hit first, then type and value.
fn top_indicators(top: HashMap<(IndicatorType, &str), Agg<'_>>) -> Vec<TopIndicator> {
    let mut rows: Vec<_> = top.into_iter().collect();
    rows.sort_by(|(ka, a), (kb, b)| {
        b.hits
            .cmp(&a.hits)
            .then(b.last.cmp(&a.last))
            .then(ka.1.cmp(kb.1))
            .then(ka.0.cmp(&kb.0))
    });
    rows.truncate(TOP_INDICATORS);
    rows.into_iter()
        .map(|((kind, value), a)| TopIndicator {
            value: value.to_string(),
            r#type: kind.as_str().to_string(),
            sources: a.sources.into_iter().map(String::from).collect(),
            hits: a.hits,
            first_hit: a.first,
            last_hit: a.last,
            sensors: a.sensors.into_iter().map(String::from).collect(),
            threat: a.threat.map(String::from),
        })
        .collect()
}

/// Most hits first; ties: by name.
fn top_hosts(hosts: HashMap<&str, Host<'_>>) -> Vec<TopHost> {
    let mut rows: Vec<TopHost> = hosts
        .into_iter()
        .map(|(host, (hits, ind))| TopHost {
            host: host.to_string(),
            hits,
            indicators: ind.len() as u64,
        })
        .collect();
    rows.sort_by(|a, b| b.hits.cmp(&a.hits).then(a.host.cmp(&b.host)));
    rows.truncate(TOP_HOSTS);
    rows
}
