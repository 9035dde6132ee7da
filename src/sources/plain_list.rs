// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Plain lists (OpenPhish, blocklist.de, Emerging Threats): one value per line, `#` or
//! `;` comment lines. The type comes from config, or is detected per line.

use super::SkipReason;
use super::{BatchBuilder, ParseError, ParsedBatch};
use crate::config::SourceSpec;
use crate::config::kind::{Field, KeyUse, KindInfo, minutes};
use crate::model::indicator::{detect, normalise};
use crate::model::{IndicatorType, Observation};

/// Parses a list: one value a line, in UTF-8 (a leading byte-order mark, CRLF line ends, a
/// missing final newline and stray blanks change nothing). A line whose first non-blank
/// character is `#` or `;` is a comment; after the value, anything past a blank is a comment
/// or an extra column. A `#` or `;` inside a value is part of it (a URL's fragment or
/// parameters). With `fixed`, every line is read as that type (an IP list's `ip:port` lines
/// included); otherwise the type is detected per line.
///
/// # Errors
/// [`ParseError::Shape`] for an HTML page instead of a list.
pub fn parse(body: &[u8], fixed: Option<IndicatorType>) -> Result<ParsedBatch, ParseError> {
    let body = super::strip_bom(body);
    let text = String::from_utf8_lossy(body);
    let head = text.trim_start().get(..64).unwrap_or(text.trim_start());
    if head.starts_with('<') && head.to_ascii_lowercase().contains("html") {
        return Err(ParseError::Shape("got an HTML page, not a list".into()));
    }
    let mut b = BatchBuilder::for_lines(body);
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        // Some lists carry extra columns or comments (`value  # note`): keep the first.
        let value = line.split_whitespace().next().unwrap_or(line);
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
    default_weight: 50,
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
    fn a_list_starting_with_a_byte_order_mark_loses_nothing() {
        // Issue 10, example 3.
        let body = fixture("plain_list/bom-crlf.txt");
        assert!(body.starts_with(b"\xEF\xBB\xBF"));
        for fixed in [None, Some(IndicatorType::Ipv4)] {
            let b = parse(&body, fixed).unwrap();
            assert_eq!(b.skipped.total(), 0, "{:?}", b.skipped);
            let values: Vec<&str> = b.sightings.iter().map(|s| &*s.value).collect();
            assert_eq!(values, ["198.51.100.7", "198.51.100.8"]);
        }
    }

    /// Text-document forms: none may change or lose a value.
    #[test]
    fn text_forms_never_change_or_lose_a_value() {
        let forms: [&[u8]; 7] = [
            b"192.0.2.1\n192.0.2.2\n",
            b"\xEF\xBB\xBF192.0.2.1\n192.0.2.2\n",
            b"192.0.2.1\r\n192.0.2.2\r\n",
            b"192.0.2.1\n192.0.2.2",
            b"  192.0.2.1 \t\r\n\t192.0.2.2  ",
            b"# header\n; note\n192.0.2.1  # first\n\n192.0.2.2 ; SBL1\n",
            b"\xEF\xBB\xBF# only a comment first\r\n192.0.2.1\r\n192.0.2.2\r",
        ];
        for body in forms {
            for fixed in [None, Some(IndicatorType::Ipv4)] {
                let b = parse(body, fixed).unwrap();
                let values: Vec<&str> = b.sightings.iter().map(|s| &*s.value).collect();
                assert_eq!(values, ["192.0.2.1", "192.0.2.2"], "{body:?}");
                assert!(b.skipped.is_empty(), "{body:?}: {:?}", b.skipped);
            }
        }
        let urls =
            b"\xEF\xBB\xBFhttp://198.51.100.9/a#frag\r\nhttps://files.example/x;y=1?q=a;b#top\r\n";
        for fixed in [None, Some(IndicatorType::Url)] {
            let b = parse(urls, fixed).unwrap();
            let values: Vec<&str> = b.sightings.iter().map(|s| &*s.value).collect();
            assert_eq!(
                values,
                [
                    "http://198.51.100.9/a#frag",
                    "https://files.example/x;y=1?q=a;b#top"
                ]
            );
        }
    }

    /// Address forms a list may hold, detected or with the type given.
    #[test]
    fn address_forms_in_a_list() {
        let body = "192.0.2.7:8080\n[2001:db8::5]\n[2001:db8::6]:443\nfe80::1%eth0\n::ffff:198.51.100.4\n10.0.0.5/24\nbücher.example\n";
        let b = parse(body.as_bytes(), None).unwrap();
        assert!(b.skipped.is_empty(), "{:?}", b.skipped);
        let got: Vec<(IndicatorType, &str, &[u16])> = b
            .sightings
            .iter()
            .map(|s| (s.kind, &*s.value, s.obs.ports.as_slice()))
            .collect();
        use IndicatorType::*;
        assert_eq!(
            got,
            [
                (Ipv4, "192.0.2.7", &[8080][..]),
                (Ipv6, "2001:db8::5", &[][..]),
                (Ipv6, "2001:db8::6", &[443][..]),
                (Ipv6, "fe80::1", &[][..]),
                (Ipv4, "198.51.100.4", &[][..]),
                (Cidr, "10.0.0.0/24", &[][..]),
                (Domain, "xn--bcher-kva.example", &[][..]),
            ]
        );
        let b = parse(b"[2001:db8::6]:443\n2001:db8::7\n", Some(Ipv6)).unwrap();
        assert_eq!(b.sightings.len(), 2);
        assert_eq!(b.sightings[0].obs.ports.as_slice(), [443]);
    }

    #[test]
    fn an_html_error_page_is_not_a_list() {
        assert!(parse(b"<!DOCTYPE html><html>Too many requests</html>", None).is_err());
    }
}
