// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! One result row of `intellisiem lookup` and its three forms: an aligned table (for a
//! terminal), JSON Lines and CSV (formula-safe, as the `csv` export). Every string from
//! outside is sanitised before it is written.

use jiff::Timestamp;
use serde_json::{Value, json};

use super::input::Item;
use crate::export::csv_cell;
use crate::model::sanitize::one_line;
use crate::model::time::rfc3339;

/// What the local set holds of a value.
#[derive(Debug, Clone, PartialEq)]
pub struct Local {
    pub sources: Vec<String>,
    pub threat: Option<String>,
    pub first_seen: Option<Timestamp>,
    pub last_seen: Option<Timestamp>,
}

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
    pub local: Option<Local>,
    /// The warninglist that holds the value, if any.
    pub warninglist: Option<String>,
    /// One verdict per asked service, in the order of the services.
    pub verdicts: Vec<Verdict>,
}

impl Verdict {
    /// A short text: `8/99 malicious` for VirusTotal, `3 pulses: Name` for OTX.
    pub fn text(&self) -> String {
        match self {
            Verdict::NotAsked => "-".into(),
            Verdict::Listed(_) => "not asked: warninglisted".into(),
            Verdict::Unknown { .. } => "not known".into(),
            Verdict::Failed(e) => format!("error: {}", one_line(e, 80)),
            Verdict::Found { verdict, .. } => one_line(&verdict.summary(), 120),
        }
    }

    fn json(&self) -> Value {
        match self {
            Verdict::NotAsked => Value::Null,
            Verdict::Listed(list) => json!({
                "status": "not_asked",
                "reason": format!("on warninglist {list}; --enrich-listed asks"),
            }),
            Verdict::Failed(e) => json!({ "status": "error", "error": one_line(e, 300) }),
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
                    "threat": verdict.threat.as_deref().map(|t| one_line(t, 200)),
                    "link": verdict.link.as_deref().map(|l| one_line(l, 400)),
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
                        "names": p.names.iter().map(|n| one_line(n, 200)).collect::<Vec<_>>(),
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

/// One JSON object per row: the input, type, value, the local set's view
/// (`local: null` when it does not hold the value), the warninglist, and one verdict
/// per service under its source name.
pub fn jsonl(row: &Row, services: &[String]) -> String {
    let local = row.local.as_ref().map(|l| {
        json!({
            "sources": l.sources,
            "threat": l.threat.as_deref().map(|t| one_line(t, 200)),
            "first_seen": l.first_seen.map(rfc3339),
            "last_seen": l.last_seen.map(rfc3339),
        })
    });
    let mut enrich = serde_json::Map::new();
    for (name, v) in services.iter().zip(&row.verdicts) {
        enrich.insert(name.clone(), v.json());
    }
    json!({
        "input": row.item.input,
        "type": row.item.kind.as_str(),
        "value": one_line(&row.item.value, 4096),
        "local": local,
        "warninglist": row.warninglist,
        "enrichment": enrich,
    })
    .to_string()
}

/// The CSV header for `services`.
pub fn csv_header(services: &[String]) -> String {
    let mut h = vec![
        "input".to_string(),
        "type".into(),
        "value".into(),
        "sources".into(),
        "threat".into(),
        "first_seen".into(),
        "last_seen".into(),
        "warninglist".into(),
    ];
    h.extend(services.iter().map(|s| csv_cell(s)));
    h.join(",")
}

fn quoted(s: &str) -> String {
    let cell = csv_cell(&one_line(s, 4096));
    if cell.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell
    }
}

/// One CSV line (formula-safe cells; lists joined with `;`).
pub fn csv(row: &Row) -> String {
    let l = row.local.as_ref();
    let mut cells = vec![
        quoted(&row.item.input),
        row.item.kind.as_str().to_string(),
        quoted(&row.item.value),
        quoted(&l.map(|l| l.sources.join(";")).unwrap_or_default()),
        quoted(l.and_then(|l| l.threat.as_deref()).unwrap_or_default()),
        time(l.and_then(|l| l.first_seen)),
        time(l.and_then(|l| l.last_seen)),
        quoted(row.warninglist.as_deref().unwrap_or_default()),
    ];
    cells.extend(row.verdicts.iter().map(|v| quoted(&v.text())));
    cells.join(",")
}

/// The rows as an aligned table with one verdict column per service.
pub fn table(rows: &[Row], services: &[String]) -> String {
    let mut head = vec![
        "TYPE",
        "VALUE",
        "LOCAL SOURCES",
        "THREAT",
        "LAST SEEN",
        "WARNINGLIST",
    ]
    .into_iter()
    .map(String::from)
    .collect::<Vec<_>>();
    head.extend(services.iter().map(|s| one_line(s, 20).to_uppercase()));
    let mut lines = vec![head];
    for r in rows {
        let l = r.local.as_ref();
        let mut cells = vec![
            r.item.kind.as_str().to_string(),
            one_line(&r.item.value, 60),
            l.map_or("-".into(), |l| one_line(&l.sources.join(","), 30)),
            l.and_then(|l| l.threat.as_deref())
                .map_or("-".into(), |t| one_line(t, 30)),
            l.and_then(|l| l.last_seen)
                .map_or("-".into(), |t| rfc3339(t).chars().take(10).collect()),
            r.warninglist
                .as_deref()
                .map_or("-".into(), |w| one_line(w, 30)),
        ];
        cells.extend(r.verdicts.iter().map(Verdict::text));
        lines.push(cells);
    }
    let cols = lines.first().map_or(0, Vec::len);
    let widths: Vec<usize> = (0..cols)
        .map(|c| {
            lines
                .iter()
                .map(|l| l.get(c).map_or(0, |s| s.chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for l in &lines {
        let mut line = String::new();
        for (i, cell) in l.iter().enumerate() {
            if i + 1 == l.len() {
                line.push_str(cell);
            } else {
                let pad = widths[i].saturating_sub(cell.chars().count());
                line.push_str(cell);
                line.push_str(&" ".repeat(pad + 2));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{IndicatorType, VtStats};

    fn row() -> Row {
        Row {
            item: Item {
                input: "=evil[.]example".into(),
                kind: IndicatorType::Domain,
                value: "evil.example".into(),
            },
            local: Some(Local {
                sources: vec!["feodo".into(), "urlhaus".into()],
                threat: Some("Emo\x1btet".into()),
                first_seen: None,
                last_seen: Timestamp::from_second(1_800_000_000).ok(),
            }),
            warninglist: None,
            verdicts: vec![
                Verdict::Found {
                    verdict: crate::model::Verdict {
                        virustotal: Some(VtStats {
                            malicious: 8,
                            harmless: 90,
                            undetected: 1,
                            ..Default::default()
                        }),
                        ..Default::default()
                    },
                    at: Timestamp::from_second(1_800_000_000).unwrap(),
                    cached: true,
                },
                Verdict::Failed("OTX: HTTP 500".into()),
            ],
        }
    }

    #[test]
    fn the_three_forms_carry_the_same_facts_safely() {
        let services = vec!["vt".to_string(), "otx".to_string()];
        let r = row();
        let j: Value = serde_json::from_str(&jsonl(&r, &services)).unwrap();
        assert_eq!(j["local"]["sources"], json!(["feodo", "urlhaus"]));
        assert_eq!(j["local"]["threat"], "Emo\\x1btet");
        assert_eq!(j["enrichment"]["vt"]["virustotal"]["malicious"], 8);
        assert_eq!(j["enrichment"]["vt"]["cached"], true);
        assert_eq!(j["enrichment"]["otx"]["status"], "error");
        let c = csv(&r);
        assert!(
            c.starts_with("'=evil[.]example,domain,evil.example,feodo;urlhaus,Emo\\x1btet,"),
            "{c}"
        );
        assert!(c.ends_with(",8/99 malicious,error: OTX: HTTP 500"), "{c}");
        assert_eq!(
            csv_header(&services).split(',').count(),
            c.split(',').count()
        );
        let t = table(&[r], &services);
        let lines: Vec<&str> = t.lines().collect();
        assert!(lines[0].starts_with("TYPE"), "{t}");
        assert!(
            lines[0].ends_with("VT    OTX") || lines[0].contains("VT"),
            "{t}"
        );
        assert!(
            lines[1].contains("8/99 malicious") && lines[1].contains("2027-01-15"),
            "{t}"
        );
        assert!(!t.contains('\x1b'));
    }
}
