// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Reading an indicator file for `match --indicators FILE`: a `fetch --format jsonl`
//! export (`{"type","value","sources","first_seen","last_seen","threat","confidence",...}`
//! per line) or a plain list with one value per line (type detected; `#` comments and
//! blank lines ignored; the file name is the source). Lines that are neither are counted.
//! The file is read in 4 MiB blocks whose lines are parsed on two threads.

use std::borrow::Cow;
use std::io::Read;

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

/// One parsed line, with source names as indices into its part's own table.
struct Parsed {
    kind: IndicatorType,
    value: Box<str>,
    sources: smallvec::SmallVec<[u16; 2]>,
    confidence: Option<u8>,
    first_seen: Option<i64>,
    last_seen: Option<i64>,
    threat: Option<Box<str>>,
}

#[derive(Default)]
struct Part {
    items: Vec<Parsed>,
    sources: Vec<String>,
    skipped: usize,
    /// The last time text parsed and its value: exports repeat them a lot.
    memo: Option<(String, Option<i64>)>,
}

impl Part {
    fn source(&mut self, name: &str) -> u16 {
        match self.sources.iter().position(|s| s == name) {
            Some(i) => i as u16,
            None => {
                self.sources.push(name.to_owned());
                (self.sources.len() - 1).min(u16::MAX as usize) as u16
            }
        }
    }

    fn secs(&mut self, s: Option<&str>) -> Option<i64> {
        let s = s?;
        if let Some((text, v)) = &self.memo
            && text == s
        {
            return *v;
        }
        let v = s.parse::<jiff::Timestamp>().ok().map(|t| t.as_second());
        self.memo = Some((s.to_owned(), v));
        v
    }

    fn line(&mut self, raw: &[u8], list_source: &str) {
        let text = match std::str::from_utf8(raw) {
            Ok(t) => t.trim(),
            Err(_) => {
                self.skipped += 1;
                return;
            }
        };
        if text.is_empty() || text.starts_with('#') {
            return;
        }
        if text.starts_with('{') {
            let Ok(rec) = serde_json::from_str::<Record<'_>>(text) else {
                self.skipped += 1;
                return;
            };
            let Ok(n) = normalise(rec.kind, &rec.value) else {
                self.skipped += 1;
                return;
            };
            let sources = rec.sources.iter().map(|s| self.source(s)).collect();
            let first_seen = self.secs(rec.first_seen.as_deref());
            let last_seen = self.secs(rec.last_seen.as_deref());
            self.items.push(Parsed {
                kind: n.kind,
                value: n.value.into_boxed_str(),
                sources,
                confidence: rec.confidence,
                first_seen,
                last_seen,
                threat: rec.threat.as_deref().map(Box::from),
            });
        } else if let Some(n) = detect(text) {
            let src = self.source(list_source);
            self.items.push(Parsed {
                kind: n.kind,
                value: n.value.into_boxed_str(),
                sources: smallvec::smallvec![src],
                confidence: None,
                first_seen: None,
                last_seen: None,
                threat: None,
            });
        } else {
            self.skipped += 1;
        }
    }

    fn lines(&mut self, region: &[u8], list_source: &str) {
        for line in region.split(|&b| b == b'\n') {
            self.line(line, list_source);
        }
    }
}

const BLOCK: usize = 4 << 20;

/// Adds the indicators of `input` (named `name`, the source of plain-list values) to `b`.
pub fn read(
    mut input: impl Read,
    name: &str,
    b: &mut MatcherBuilder,
) -> std::io::Result<ReadStats> {
    let mut st = ReadStats::default();
    let mut buf: Vec<u8> = Vec::with_capacity(BLOCK);
    let mut chunk = vec![0u8; 1 << 20];
    let mut ids: Vec<u16> = Vec::new();
    loop {
        let mut eof = false;
        while buf.len() < BLOCK {
            match input.read(&mut chunk) {
                Ok(0) => {
                    eof = true;
                    break;
                }
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        let end = if eof {
            buf.len()
        } else {
            match memchr::memrchr(b'\n', &buf) {
                Some(i) => i + 1,
                // One line longer than a block: not an indicator.
                None => {
                    st.skipped += 1;
                    buf.clear();
                    continue;
                }
            }
        };
        let region = &buf[..end];
        let mid = memchr::memchr(b'\n', &region[region.len() / 2..])
            .map_or(region.len(), |i| region.len() / 2 + i + 1);
        let (left, right) = region.split_at(mid);
        let parts: [Part; 2] = std::thread::scope(|s| {
            let h = s.spawn(|| {
                let mut p = Part::default();
                p.lines(right, name);
                p
            });
            let mut p = Part::default();
            p.lines(left, name);
            [p, h.join().unwrap_or_default()]
        });
        for part in parts {
            st.skipped += part.skipped;
            let map: Vec<u16> = part.sources.iter().map(|s| b.source(s)).collect();
            b.reserve(part.items.len());
            for it in part.items {
                ids.clear();
                ids.extend(
                    it.sources
                        .iter()
                        .filter_map(|&i| map.get(usize::from(i)).copied()),
                );
                b.add_owned(
                    it.kind,
                    it.value,
                    NewIndicator {
                        sources: &ids,
                        confidence: it.confidence,
                        first_seen: it.first_seen,
                        last_seen: it.last_seen,
                        threat: it.threat.as_deref(),
                    },
                );
                st.added += 1;
            }
        }
        buf.drain(..end);
        if eof {
            break;
        }
    }
    Ok(st)
}
