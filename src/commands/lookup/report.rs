// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! One result row of `intellisiem lookup` and its three forms: an aligned table for a
//! terminal (sanitised and cut to fit), and for machines JSON Lines (whole values,
//! escaped by `serde_json` as the `jsonl` export writes them) and CSV (whole values,
//! formula-safe and with control characters as visible escapes, as the `csv` export).

use jiff::Timestamp;
use serde_json::{Value, json};

use super::input::Item;
use super::local::Local;
use crate::commands::table::{Align, Table};
use crate::export::csv_cell;
use crate::model::sanitize::one_line;
use crate::model::time::rfc3339;

/// One service's verdict about a value.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// The service does not look up values of this type.
    NotAsked,
    /// Not asked, to spend nothing on it: the value is on this warninglist (and
    /// `--enrich-listed` was not given).
    Listed(String),
    Found {
        verdict: crate::model::Verdict,
        at: Timestamp,
        cached: bool,
    },
    Unknown {
        at: Timestamp,
        cached: bool,
    },
    Failed(String),
}

/// One looked-up value.
#[derive(Debug, Clone)]
pub struct Row {
    pub item: Item,
    /// Every held indicator that covers the value, closest first (empty: none).
    pub local: Vec<Local>,
    /// The name of the warninglist that holds the value, if any (whole).
    pub warninglist: Option<String>,
    /// One verdict per asked service, in the order of the services.
    pub verdicts: Vec<Verdict>,
}

/// Cuts `s` to one line of `max` characters for a screen; whole (as it is) for a file.
fn shown(s: &str, max: Option<usize>) -> String {
    match max {
        Some(n) => one_line(s, n),
        None => s.to_string(),
    }
}

impl Verdict {
    /// A short text: `8/99 malicious` for VirusTotal, `3 pulses: Name` for OTX.
    /// `cut` cuts it for a screen; `false` keeps it whole.
    pub fn text(&self, cut: bool) -> String {
        let at = |n: usize| cut.then_some(n);
        match self {
            Verdict::NotAsked => "-".into(),
            Verdict::Listed(_) => "not asked: warninglisted".into(),
            Verdict::Unknown { .. } => "not known".into(),
            Verdict::Failed(e) => format!("error: {}", shown(e, at(80))),
            Verdict::Found { verdict, .. } => shown(&verdict.summary(), at(120)),
        }
    }

    fn json(&self) -> Value {
        match self {
            Verdict::NotAsked => Value::Null,
            Verdict::Listed(list) => json!({
                "status": "not_asked",
                "reason": format!("on warninglist {list}; --enrich-listed asks"),
            }),
            Verdict::Failed(e) => json!({ "status": "error", "error": e }),
            Verdict::Unknown { at, cached } => {
                json!({ "status": "unknown", "looked_up_at": rfc3339(*at), "cached": cached })
            }
            Verdict::Found {
                verdict,
                at,
                cached,
            } => {
                let mut v = json!({
                    "status": "found",
                    "looked_up_at": rfc3339(*at),
                    "cached": cached,
                    "threat": verdict.threat.as_deref(),
                    "link": verdict.link.as_deref(),
                });
                if let Some(vt) = &verdict.virustotal {
                    v["virustotal"] = json!({
                        "malicious": vt.malicious,
                        "suspicious": vt.suspicious,
                        "harmless": vt.harmless,
                        "undetected": vt.undetected,
                        "reputation": vt.reputation,
                    });
                }
                if let Some(p) = &verdict.pulses {
                    v["pulses"] = json!({
                        "count": p.count,
                        "names": p.names,
                    });
                }
                v
            }
        }
    }
}

fn time(t: Option<Timestamp>) -> String {
    t.map(rfc3339).unwrap_or_default()
}

/// One JSON object per row: the input, type and value; `match`, how the closest held
/// indicator covers it (`exact`, `host`, `cidr`, `parent_domain`, or `null`); `local`,
/// every held indicator that covers it, closest first (`match`, `type`, `indicator`,
/// `sources`, `threat`, `first_seen`, `last_seen`, `score`); the warninglist; and one verdict per
/// service under its source name. Strings are whole, escaped as JSON escapes them.
pub fn jsonl(row: &Row, services: &[String]) -> String {
    let local: Vec<Value> = row
        .local
        .iter()
        .map(|l| {
            json!({
                "match": l.how.as_str(),
                "type": l.kind.as_str(),
                "indicator": l.indicator,
                "sources": l.sources,
                "threat": l.threat,
                "first_seen": l.first_seen.map(rfc3339),
                "last_seen": l.last_seen.map(rfc3339),
                "score": l.score,
            })
        })
        .collect();
    let mut enrich = serde_json::Map::new();
    for (name, v) in services.iter().zip(&row.verdicts) {
        enrich.insert(name.clone(), v.json());
    }
    json!({
        "input": row.item.input,
        "type": row.item.kind.as_str(),
        "value": row.item.value,
        "match": row.local.first().map(|l| l.how.as_str()),
        "local": local,
        "warninglist": row.warninglist,
        "enrichment": enrich,
    })
    .to_string()
}

/// The CSV header for `services`.
pub fn csv_header(services: &[String]) -> Vec<String> {
    let mut h: Vec<String> = [
        "input",
        "type",
        "value",
        "match",
        "indicator_type",
        "indicator",
        "sources",
        "threat",
        "first_seen",
        "last_seen",
        "score",
        "warninglist",
    ]
    .map(String::from)
    .to_vec();
    h.extend(services.iter().map(|s| csv_cell(s)));
    h
}

/// The CSV records of one row: one per held indicator that covers the value (the
/// value's own cells repeated), or one with empty `match` cells when none does. Cells
/// are whole and formula-safe; lists are joined with `;`.
pub fn csv(row: &Row) -> Vec<Vec<String>> {
    let verdicts: Vec<String> = row
        .verdicts
        .iter()
        .map(|v| csv_cell(&v.text(false)))
        .collect();
    let record = |l: Option<&Local>| {
        let mut cells = vec![
            csv_cell(&row.item.input),
            row.item.kind.as_str().to_string(),
            csv_cell(&row.item.value),
            l.map_or(String::new(), |l| l.how.as_str().to_string()),
            l.map_or(String::new(), |l| l.kind.as_str().to_string()),
            l.map_or(String::new(), |l| csv_cell(&l.indicator)),
            l.map_or(String::new(), |l| csv_cell(&l.sources.join(";"))),
            csv_cell(l.and_then(|l| l.threat.as_deref()).unwrap_or_default()),
            time(l.and_then(|l| l.first_seen)),
            time(l.and_then(|l| l.last_seen)),
            l.and_then(|l| l.score)
                .map_or(String::new(), |s| s.to_string()),
            csv_cell(row.warninglist.as_deref().unwrap_or_default()),
        ];
        cells.extend(verdicts.iter().cloned());
        cells
    };
    if row.local.is_empty() {
        vec![record(None)]
    } else {
        row.local.iter().map(|l| record(Some(l))).collect()
    }
}

/// `records` written as CSV (quoted where a cell needs it), one line each.
pub fn csv_text(records: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in records {
        // Writing into memory cannot fail.
        let _ = w.write_record(&r);
    }
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The rows as an aligned table with one verdict column per service: one line per held
/// indicator that covers a value (the value's cells on its first line only).
pub fn table(rows: &[Row], services: &[String]) -> String {
    let heads: Vec<String> = services
        .iter()
        .map(|s| one_line(s, 20).to_uppercase())
        .collect();
    let mut head: Vec<(&str, Align)> = [
        ("TYPE", Align::Left),
        ("VALUE", Align::Left),
        ("MATCH", Align::Left),
        ("LOCAL INDICATOR", Align::Left),
        ("SOURCES", Align::Left),
        ("THREAT", Align::Left),
        ("SCORE", Align::Right),
        ("LAST SEEN", Align::Left),
        ("WARNINGLIST", Align::Left),
    ]
    .to_vec();
    head.extend(heads.iter().map(|h| (h.as_str(), Align::Left)));
    let mut t = Table::new(&head);
    let dash = || "-".to_string();
    for r in rows {
        let first = [
            r.item.kind.as_str().to_string(),
            one_line(&r.item.value, 60),
        ];
        let mut rest = [r
            .warninglist
            .as_deref()
            .map_or_else(dash, |w| one_line(w, 30))]
        .to_vec();
        rest.extend(r.verdicts.iter().map(|v| v.text(true)));
        if r.local.is_empty() {
            let mut cells = first.to_vec();
            cells.extend([dash(), dash(), dash(), dash(), dash(), dash()]);
            cells.extend(rest);
            t.row(cells);
            continue;
        }
        for (i, l) in r.local.iter().enumerate() {
            let mut cells = if i == 0 {
                first.to_vec()
            } else {
                vec![String::new(), String::new()]
            };
            cells.extend([
                l.how.as_str().to_string(),
                one_line(&l.indicator, 60),
                one_line(&l.sources.join(","), 30),
                l.threat.as_deref().map_or_else(dash, |t| one_line(t, 30)),
                l.score.map_or_else(dash, |s| s.to_string()),
                l.last_seen
                    .map_or_else(dash, |t| rfc3339(t).chars().take(10).collect()),
            ]);
            if i == 0 {
                cells.extend(rest.iter().cloned());
            }
            t.row(cells);
        }
    }
    t.render()
}

#[cfg(test)]
mod tests;
