// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Spamhaus DROP (`drop_v4.json`, `drop_v6.json`): NDJSON, one CIDR per line, closed by
//! a `{"type": "metadata", ...}` line.

use serde::Deserialize;

use super::SkipReason;
use super::{BatchBuilder, ParseError, ParsedBatch, lenient};
use crate::config::kind::{KeyUse, KindInfo, minutes};
use crate::model::{IndicatorType, Observation};

#[derive(Deserialize)]
struct Line {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    cidr: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    sblid: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    rir: Option<String>,
    #[serde(default, rename = "type", deserialize_with = "lenient::opt_string")]
    kind: Option<String>,
}

pub fn parse(body: &[u8]) -> Result<ParsedBatch, ParseError> {
    let mut b = BatchBuilder::for_lines(body);
    let mut lines_seen = 0usize;
    let mut metadata = false;
    for raw in body.split(|&c| c == b'\n') {
        let raw = raw.trim_ascii();
        if raw.is_empty() {
            continue;
        }
        lines_seen += 1;
        let Ok(line) = serde_json::from_slice::<Line>(raw) else {
            b.skip(SkipReason::Malformed, &String::from_utf8_lossy(raw));
            continue;
        };
        if line.kind.as_deref() == Some("metadata") {
            metadata = true;
            continue;
        }
        let Some(cidr) = line.cidr else {
            b.skip(SkipReason::MissingField, "cidr");
            continue;
        };
        let mut tags = Vec::new();
        tags.extend(line.rir.as_deref().and_then(|r| b.strings.get(r)));
        let references = line
            .sblid
            .as_deref()
            .and_then(|id| {
                b.strings
                    .get(&format!("https://check.spamhaus.org/sbl/query/{id}"))
            })
            .into_iter()
            .collect();
        let obs = Observation {
            threat: b.strings.get("Spamhaus DROP"),
            tags: tags.into(),
            references,
            ..Default::default()
        };
        b.push(IndicatorType::Cidr, &cidr, obs);
    }
    let batch = b.finish();
    if lines_seen > 0 && batch.sightings.is_empty() && !metadata {
        return Err(ParseError::Shape(
            "no DROP records and no metadata line".into(),
        ));
    }
    Ok(batch)
}

/// The `spamhaus_drop` kind.
pub static KIND: KindInfo = KindInfo {
    name: "spamhaus_drop",
    key_use: KeyUse::None,
    default_url: Some("https://www.spamhaus.org/drop/drop_v4.json"),
    default_api_url: None,
    default_refresh: minutes(2 * 60),
    min_refresh: minutes(60),
    default_lookback: std::time::Duration::from_secs(86_400),
    default_page_size: 50,
    fields: &[],
    default_weight: 95,
};

/// The `spamhaus_drop` kind's driver: one document, read by [`parse`].
pub static DRIVER: super::registry::Dump = super::registry::Dump { info: &KIND, parse };

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::test_util::{find, fixture};

    #[test]
    fn parses_ndjson_and_skips_metadata() {
        let b = parse(&fixture("spamhaus_drop/drop_v4.json")).unwrap();
        assert_eq!(b.sightings.len(), 2);
        assert_eq!(b.skipped.total(), 1, "the garbage line");
        let s = find(&b, "1.10.16.0/20");
        assert_eq!(s.kind, IndicatorType::Cidr);
        assert!(s.obs.references[0].ends_with("SBL256894"));
    }

    #[test]
    fn html_instead_of_ndjson_is_an_error() {
        assert!(parse(b"<html><body>blocked</body></html>").is_err());
    }
}
