// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Reading an indicator file for `match --indicators FILE`: a `fetch --format jsonl`
//! export (`{"type","value","sources","first_seen","last_seen","threat","confidence",...}`
//! per line) or a plain list with one value per line (type detected; `#` comments and
//! blank lines ignored; the file name is the source). Lines that are neither are counted.

use std::borrow::Cow;
use std::io::{BufRead, BufReader, Read};

use serde::Deserialize;

use super::matcher::{MatcherBuilder, NewIndicator};
use crate::model::IndicatorType;
use crate::model::indicator::{detect, normalise};

#[derive(Deserialize)]
struct Record<'a> {
    #[serde(rename = "type")]
    kind: IndicatorType,
    #[serde(borrow)]
    value: Cow<'a, str>,
    #[serde(borrow, default)]
    sources: Vec<Cow<'a, str>>,
    #[serde(borrow, default)]
    first_seen: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    last_seen: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    threat: Option<Cow<'a, str>>,
    #[serde(default)]
    confidence: Option<u8>,
}

/// How a file was read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReadStats {
    pub added: usize,
    pub skipped: usize,
}

fn secs(s: Option<&str>) -> Option<i64> {
    s.and_then(|s| s.parse::<jiff::Timestamp>().ok())
        .map(|t| t.as_second())
}

/// Adds the indicators of `input` (named `name`, the source of plain-list values) to `b`.
pub fn read(input: impl Read, name: &str, b: &mut MatcherBuilder) -> std::io::Result<ReadStats> {
    let mut r = BufReader::with_capacity(1 << 20, input);
    let mut line = Vec::new();
    let mut st = ReadStats::default();
    let list_source = b.source(name);
    let mut ids: Vec<u16> = Vec::new();
    loop {
        line.clear();
        if r.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        let text = match std::str::from_utf8(&line) {
            Ok(t) => t.trim(),
            Err(_) => {
                st.skipped += 1;
                continue;
            }
        };
        if text.is_empty() || text.starts_with('#') {
            continue;
        }
        if text.starts_with('{') {
            let Ok(rec) = serde_json::from_str::<Record<'_>>(text) else {
                st.skipped += 1;
                continue;
            };
            let Ok(n) = normalise(rec.kind, &rec.value) else {
                st.skipped += 1;
                continue;
            };
            ids.clear();
            for s in &rec.sources {
                ids.push(b.source(s));
            }
            b.add(
                n.kind,
                &n.value,
                NewIndicator {
                    sources: &ids,
                    confidence: rec.confidence,
                    first_seen: secs(rec.first_seen.as_deref()),
                    last_seen: secs(rec.last_seen.as_deref()),
                    threat: rec.threat.as_deref(),
                },
            );
            st.added += 1;
        } else if let Some(n) = detect(text) {
            b.add(
                n.kind,
                &n.value,
                NewIndicator {
                    sources: &[list_source],
                    ..Default::default()
                },
            );
            st.added += 1;
        } else {
            st.skipped += 1;
        }
    }
    Ok(st)
}
