// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! CSV with a header row from the column table; every cell made safe for spreadsheets.

use std::io::{self, Write};

use super::Record;
use crate::model::VtStats;
use crate::model::sanitize::sanitize;
use crate::store::columns::{self, Field};
use crate::store::set::{Entry, Store};

/// The CSV header: the export names of the column table's columns, in order.
pub fn csv_header() -> impl Iterator<Item = &'static str> {
    columns::exported().map(|(_, name)| name)
}

/// A cell safe to open in a spreadsheet: no raw control characters, and a leading
/// `= + - @` (or tab/CR) is prefixed with `'` so it is not taken as a formula.
pub fn csv_cell(s: &str) -> String {
    let clean = sanitize(s);
    if clean.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{clean}")
    } else {
        clean.into_owned()
    }
}

pub(super) fn write_csv<'a, W: Write>(
    store: &'a Store,
    entries: impl Iterator<Item = &'a Entry>,
    out: W,
    defang: bool,
) -> io::Result<usize> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(csv_header()).map_err(io::Error::other)?;
    let mut n = 0;
    for e in entries {
        let mut r = Record::new(store, e);
        let defanged;
        if defang {
            defanged = super::defang::defang(e.kind, r.value);
            r.value = &defanged;
        }
        let row = columns::exported().map(|(c, _)| csv_field(&r, c.field));
        w.write_record(row).map_err(io::Error::other)?;
        n += 1;
    }
    w.flush()?;
    Ok(n)
}

/// The CSV cell of `r` for the column holding `field`.
fn csv_field(r: &Record<'_>, field: Field) -> String {
    let vt = |f: fn(&VtStats) -> u32| r.virustotal().map(|v| f(v).to_string()).unwrap_or_default();
    match field {
        Field::Type => r.kind.as_str().to_string(),
        Field::Value => csv_cell(r.value),
        Field::Sources => csv_cell(&r.sources.join(";")),
        Field::FirstSeen => r.first_seen.clone().unwrap_or_default(),
        Field::LastSeen => r.last_seen.clone().unwrap_or_default(),
        Field::Threat => csv_cell(r.threat.unwrap_or("")),
        Field::Tags => csv_cell(&r.tags.join(";")),
        Field::Confidence => r.confidence.map(|c| c.to_string()).unwrap_or_default(),
        Field::Score => r.score.to_string(),
        Field::References => csv_cell(&r.references.join(";")),
        Field::Ports => r
            .ports
            .iter()
            .map(u16::to_string)
            .collect::<Vec<_>>()
            .join(";"),
        Field::VtMalicious => vt(|v| v.malicious),
        Field::VtSuspicious => vt(|v| v.suspicious),
        Field::VtHarmless => vt(|v| v.harmless),
        Field::VtUndetected => vt(|v| v.undetected),
        Field::Enrichment => csv_cell(&enrichment_cell(r)),
        // The dashboard's time column; exports keep both times apart instead.
        Field::Seen => r
            .last_seen
            .as_ref()
            .or(r.first_seen.as_ref())
            .cloned()
            .unwrap_or_default(),
    }
}

/// The `enrichment` cell: each service's answer, `service: summary` joined by `; `
/// (`virustotal: 8/99 malicious (Emotet); otx: 3 pulses: Name`).
fn enrichment_cell(r: &Record<'_>) -> String {
    r.enrichment
        .iter()
        .map(|(service, a)| {
            let said = a.verdict.map_or("not known".into(), |v| v.summary());
            format!("{service}: {said}")
        })
        .collect::<Vec<_>>()
        .join("; ")
}
