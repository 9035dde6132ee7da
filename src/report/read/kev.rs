// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Section 6 (known-exploited vulnerabilities CISA added in the period, from the
//! `cisa_kev` sources' snapshots) and section 7 (the appendix: method, sources without
//! secrets, the store without credentials).

use std::collections::HashMap;

use super::Query;
use crate::config::Config;
use crate::model::{IndicatorType, Sighting};
use crate::report::model::{Appendix, KevEntry, SourceLine};
use crate::sources::cisa_kev::entry_fields;

/// The KEV entries whose `dateAdded` (kept as the sighting's first sighting) is in the
/// period, from every covered source of kind `cisa_kev`; oldest first, then by CVE id.
/// An entry two such sources hold is listed once.
pub(crate) fn entries(
    sets: &[(String, Vec<Sighting>)],
    kinds: &HashMap<&str, &str>,
    query: &Query,
) -> Vec<KevEntry> {
    let (from, to) = (query.from.as_second(), query.to.as_second());
    let mut out: Vec<KevEntry> = Vec::new();
    for (name, sightings) in sets {
        if kinds.get(name.as_str()) != Some(&crate::sources::cisa_kev::KIND.name) {
            continue;
        }
        for s in sightings {
            let Some(added) = s.obs.first_seen else {
                continue;
            };
            if s.kind != IndicatorType::Cve || added.as_second() < from || added.as_second() >= to {
                continue;
            }
            if out.iter().any(|e| *e.cve == *s.value) {
                continue;
            }
            let f = entry_fields(s.obs.tags.iter().map(|t| &**t));
            out.push(KevEntry {
                cve: s.value.to_string(),
                vendor: f.vendor.unwrap_or_default(),
                product: f.product.unwrap_or_default(),
                name: s.obs.threat.as_deref().unwrap_or("").to_string(),
                date_added: added.timestamp(),
                due_date: f.due,
                ransomware: f.ransomware,
            });
        }
    }
    out.sort_by(|a, b| a.date_added.cmp(&b.date_added).then(a.cve.cmp(&b.cve)));
    out
}

/// The appendix: how each figure is computed, the covered sources as configured
/// (URLs without user info or key-like query values), and `store` as the store
/// describes itself (a path, or a URL without credentials).
pub(crate) fn appendix(config: &Config, covered: &[String], store: String) -> Appendix {
    let sources = covered
        .iter()
        .filter_map(|name| config.sources.iter().find(|s| s.name == *name))
        .map(|s| SourceLine {
            name: s.name.clone(),
            kind: s.kind.info().name.to_string(),
            url: Some(crate::net::redact::redact_url(&s.url)),
            refresh_secs: s.refresh.as_secs(),
            weight: s.weight,
        })
        .collect();
    Appendix {
        sources,
        method: method(),
        store,
    }
}

/// One line per figure: what it counts, from which part of the store.
pub fn method() -> Vec<(String, String)> {
    [
        ("Hits", "Stored hits (one per event, field and indicator) whose event time is in the period, from the chosen sensors; with --source, hits of which one source is covered. The store keeps the newest 200,000 hits and those within cache.retention."),
        ("Change", "(hits - hits of the period of the same length just before) ÷ the latter, in percent; none when there were none before, or when the store no longer holds all of the period before."),
        ("Indicators held", "Distinct (type, value) pairs in the covered sources' stored snapshots."),
        ("Indicators new", "Of those, the ones whose earliest first sighting any covered source gives falls in the period."),
        ("Sources failing", "Covered sources whose last fetch before the period's end failed."),
        ("Untriaged hits", "Hits in the period with no verdict in effect: neither on the hit (its latest mark) nor on its indicator."),
        ("Hits over time", "The period's hits per hour (periods of 2 days or less) or per day, in the period's time zone, by indicator type."),
        ("Top indicators", "The 20 indicators with most hits in the period; ties: latest hit first, then value."),
        ("Efficacy", "Per source: its distinct indicators; those with a stored hit ever (per 10,000 held); its hits in the period; of its hit indicators, those confirmed and those found false positives (the indicator's mark, else its hits' latest); retro-hunt hits found in the period."),
        ("Overlap", "Distinct indicators two covered sources both hold; unique: held by no other covered source; listed: on the first list holding it, warninglists before allowlists."),
        ("Health", "Per source, fetches in the period: failures by outcome; the longest outage from a failed fetch to the next success (or the period's end); the median duration (lower middle); records skipped; one strip cell per bar of the time chart."),
        ("KEV", "Entries of the covered cisa_kev sources whose dateAdded is in the period, with CISA's vendor, product and dueDate."),
    ]
    .into_iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect()
}
