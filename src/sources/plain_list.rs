// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Plain lists (OpenPhish, blocklist.de, Emerging Threats): one value per line, `#` or
//! `;` comments. The type comes from config, or is detected per line.

use super::SkipReason;
use super::{BatchBuilder, ParseError, ParsedBatch};
use crate::config::SourceSpec;
use crate::config::kind::{Field, KeyUse, KindInfo, minutes};
use crate::model::indicator::{detect, normalise};
use crate::model::{IndicatorType, Observation};

pub fn parse(body: &[u8], fixed: Option<IndicatorType>) -> Result<ParsedBatch, ParseError> {
    let text = String::from_utf8_lossy(body);
    let head = text.trim_start().get(..64).unwrap_or(text.trim_start());
    if head.starts_with('<') && head.to_ascii_lowercase().contains("html") {
        return Err(ParseError::Shape("got an HTML page, not a list".into()));
    }
    let mut b = BatchBuilder::for_lines(body);
    for line in text.lines() {
        // Strip comments and inline comments; ET lists also end lines with `\r`.
        let value = line.split('#').next().unwrap_or("").trim();
        if value.is_empty() || value.starts_with(';') {
            continue;
        }
        // Some lists carry extra columns (`value  comment`): keep the first.
        let value = value.split_whitespace().next().unwrap_or(value);
        let n = match fixed {
            Some(kind) => normalise(kind, value).ok().or_else(|| {
                // An `ip:port` line in an IP list still counts.
                detect(value).filter(|n| n.kind == kind)
            }),
            None => detect(value),
        };
        match n {
            Some(n) => b.push_normalised(n, Observation::default()),
            None => b.skip(SkipReason::InvalidValue, value),
        }
    }
    Ok(b.finish())
}

/// The `plain_list` kind.
pub static KIND: KindInfo = KindInfo {
    name: "plain_list",
    key_use: KeyUse::None,
    default_url: None,
    default_api_url: None,
    default_refresh: minutes(60),
    min_refresh: minutes(5),
    default_lookback: std::time::Duration::from_secs(86_400),
    default_page_size: 50,
    fields: &[Field::Type],
};

/// The `plain_list` kind's driver.
pub struct PlainList;

impl super::registry::Driver for PlainList {
    fn info(&self) -> &'static KindInfo {
        &KIND
    }

    fn parse(&self, spec: &SourceSpec, body: &[u8]) -> Result<ParsedBatch, ParseError> {
        parse(body, spec.value_type)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::test_util::{find, fixture};

    #[test]
    fn openphish_urls_with_fixed_type() {
        let b = parse(
            &fixture("plain_list/openphish.txt"),
            Some(IndicatorType::Url),
        )
        .unwrap();
        assert_eq!(b.sightings.len(), 3);
        assert_eq!(b.skipped.total(), 1);
        find(&b, "https://login.example-bank.test/secure/");
    }

    #[test]
    fn et_ips_with_comments_and_crlf() {
        let b = parse(
            &fixture("plain_list/compromised-ips.txt"),
            Some(IndicatorType::Ipv4),
        )
        .unwrap();
        assert_eq!(b.sightings.len(), 3);
        find(&b, "45.0.0.3");
    }

    #[test]
    fn detection_per_line() {
        let b = parse(
            b"# mixed\n1.2.3.4\nevil.example\nhxxp://x[.]example/a\n44d88612fea8a8f36de82e1278abb02f\n1.2.3.4:8080\n??\n",
            None,
        )
        .unwrap();
        let kinds: Vec<_> = b.sightings.iter().map(|s| s.kind).collect();
        assert_eq!(
            kinds,
            [
                IndicatorType::Ipv4,
                IndicatorType::Domain,
                IndicatorType::Url,
                IndicatorType::Md5,
                IndicatorType::Ipv4
            ]
        );
        assert_eq!(b.sightings[4].obs.ports.as_slice(), [8080]);
        assert_eq!(b.skipped.total(), 1);
    }

    #[test]
    fn an_html_error_page_is_not_a_list() {
        assert!(parse(b"<!DOCTYPE html><html>Too many requests</html>", None).is_err());
    }
}
