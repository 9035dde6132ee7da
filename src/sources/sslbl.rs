// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! abuse.ch SSLBL Botnet C2 IP Blacklist: the keyless CSV
//! `https://sslbl.abuse.ch/blacklist/sslipblacklist.csv`. `#` banner lines; the header
//! is a comment, `# Firstseen,DstIP,DstPort`; one C2 server (IP and port, first seen
//! in UTC) per line. Columns are taken by the header's names when it is there.

use super::{BatchBuilder, ParseError, ParsedBatch, SkipReason};
use crate::config::kind::{KeyUse, KindInfo, minutes};
use crate::model::indicator::detect;
use crate::model::time::parse_secs;
use crate::model::{IndicatorType, Observation};

/// Where each column is: `Firstseen`, `DstIP`, `DstPort`.
struct Columns {
    first_seen: Option<usize>,
    ip: usize,
    port: Option<usize>,
}

impl Columns {
    /// The layout documented by abuse.ch, for a file without a header comment.
    const DEFAULT: Columns = Columns {
        first_seen: Some(0),
        ip: 1,
        port: Some(2),
    };

    /// The columns a `# Firstseen,DstIP,DstPort` comment names; `Ok(None)` when the
    /// comment is not a header; an error naming what it found when it lacks `DstIP`.
    fn from_comment(line: &str) -> Result<Option<Columns>, ParseError> {
        let names: Vec<String> = line
            .trim_start_matches('#')
            .split(',')
            .map(|n| n.trim().to_ascii_lowercase())
            .collect();
        let find = |n: &str| names.iter().position(|x| x == n);
        if names.len() < 2 || find("firstseen").is_none() && find("dstip").is_none() {
            return Ok(None);
        }
        let ip = find("dstip").ok_or_else(|| {
            ParseError::Shape(format!(
                "SSLBL header has no DstIP column (found: {})",
                crate::model::sanitize::one_line(&names.join(", "), 120)
            ))
        })?;
        Ok(Some(Columns {
            first_seen: find("firstseen"),
            ip,
            port: find("dstport"),
        }))
    }
}

/// Parses the CSV. A malformed line (no valid IP, a port out of range) is skipped and
/// counted; an HTML or JSON body fails the document.
pub fn parse(body: &[u8]) -> Result<ParsedBatch, ParseError> {
    let text = String::from_utf8_lossy(body);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let head = text.trim_start();
    if head.starts_with('<') || head.starts_with('{') || head.starts_with('[') {
        return Err(ParseError::Shape("expected the SSLBL CSV blacklist".into()));
    }
    let mut b = BatchBuilder::for_lines(body);
    let mut cols = Columns::DEFAULT;
    let threat = b.strings.get("Botnet C2");
    for line in text.lines() {
        let line = line.trim();
        if let Some(comment) = line.strip_prefix('#') {
            if let Some(c) = Columns::from_comment(comment)? {
                cols = c;
            }
            continue;
        }
        if line.is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        let field = |i: Option<usize>| i.and_then(|i| fields.get(i).copied());
        let ip = field(Some(cols.ip)).and_then(detect);
        let Some(n) = ip.filter(|n| matches!(n.kind, IndicatorType::Ipv4 | IndicatorType::Ipv6))
        else {
            b.skip(
                SkipReason::InvalidValue,
                field(Some(cols.ip)).unwrap_or(line),
            );
            continue;
        };
        let port = match field(cols.port).filter(|p| !p.is_empty()) {
            None => None,
            Some(p) => match p.parse::<u16>() {
                Ok(p) if p != 0 => Some(p),
                _ => {
                    b.skip(SkipReason::InvalidValue, line);
                    continue;
                }
            },
        };
        let seen = field(cols.first_seen).and_then(parse_secs);
        let obs = Observation {
            first_seen: seen,
            last_seen: seen,
            threat: threat.clone(),
            ports: port.into_iter().collect(),
            ..Default::default()
        };
        b.push_normalised(n, obs);
    }
    Ok(b.finish())
}

/// The `sslbl` kind.
pub static KIND: KindInfo = KindInfo {
    name: "sslbl",
    key_use: KeyUse::None,
    default_url: Some("https://sslbl.abuse.ch/blacklist/sslipblacklist.csv"),
    default_api_url: None,
    default_refresh: minutes(15),
    min_refresh: minutes(5),
    default_lookback: std::time::Duration::from_secs(86_400),
    default_page_size: 50,
    fields: &[],
    default_weight: 90,
};

/// The `sslbl` kind's driver: one document, read by [`parse`].
pub static DRIVER: super::registry::Dump = super::registry::Dump { info: &KIND, parse };

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::test_util::{find, fixture};

    #[test]
    fn the_blacklist_gives_each_c2_with_its_ports() {
        let b = parse(&fixture("sslbl/sslipblacklist.csv")).unwrap();
        // `not-an-ip` and port 99999 are skipped and counted.
        assert_eq!(b.skipped.total(), 2);
        assert_eq!(b.sightings.len(), 5);
        let s = find(&b, "192.0.2.17");
        assert_eq!(s.kind, IndicatorType::Ipv4);
        assert_eq!(s.obs.ports.as_slice(), [443]);
        assert_eq!(s.obs.threat.as_deref(), Some("Botnet C2"));
        assert_eq!(
            s.obs
                .first_seen
                .map(|t| t.timestamp().to_string())
                .as_deref(),
            Some("2026-11-28T08:41:12Z")
        );
        assert_eq!(find(&b, "2001:db8::c2").kind, IndicatorType::Ipv6);
        let ports: Vec<u16> = b
            .sightings
            .iter()
            .filter(|s| &*s.value == "198.51.100.23")
            .flat_map(|s| s.obs.ports.to_vec())
            .collect();
        assert_eq!(ports, [8443, 443]);
    }

    #[test]
    fn columns_follow_the_header_and_a_header_without_the_ip_fails() {
        let b = parse(b"# DstPort,DstIP,Firstseen\n8080,192.0.2.5,2026-11-01 10:00:00\n").unwrap();
        assert_eq!(b.sightings[0].obs.ports.as_slice(), [8080]);
        assert_eq!(&*b.sightings[0].value, "192.0.2.5");
        let e = parse(b"# Firstseen,Host,DstPort\n2026-11-01 10:00:00,192.0.2.5,1\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("no DstIP column (found: firstseen, host, dstport)"),
            "{e}"
        );
    }

    #[test]
    fn empty_html_and_odd_bytes_are_handled() {
        assert!(parse(b"").unwrap().sightings.is_empty());
        assert!(parse(b"<html>maintenance</html>").is_err());
        let b = parse(b"\xef\xbb\xbf2026-11-01 10:00:00,192.0.2.9,443\r\n\xff\xfe,,\n").unwrap();
        assert_eq!(b.sightings.len(), 1);
        assert_eq!(b.skipped.total(), 1);
    }
}
