// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! External dynamic lists: `GET /edl/{collection}/{type}.txt`, one value per line, as
//! PAN-OS (External Dynamic Lists) and FortiGate (external threat feeds) read them.
//!
//! - `type`: `ipv4`, `ipv6`, `cidr`, `domain`, `url`, or `ip` (v4, v6 and CIDRs).
//! - `min_score=N` (0-100) and `max=N` (the N best by score, ties to the earlier value in
//!   the served order) narrow it.
//! - Values are never defanged; URLs lose their scheme (`http://a.example/x` ->
//!   `a.example/x`), as PAN-OS URL lists take them.
//! - The order is the snapshot's (by type, IPs numerically, else by bytes), so a
//!   device's diff between two pulls stays small.
//! - A list is built once per snapshot version and query, with a strong `ETag` (the
//!   SHA-256 of its body); its gzip form is built on the first request that asks.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use bytes::Bytes;
use sha2::{Digest, Sha256};

use super::snapshot::{ALL, Row, Snapshot};
use crate::model::IndicatorType;

/// Lists (per version) kept built at most; past it the cache starts again.
const CACHED: usize = 64;

/// A list type of the path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ListType {
    Ipv4,
    Ipv6,
    Cidr,
    Domain,
    Url,
    /// Ipv4, Ipv6 and Cidr together.
    Ip,
}

impl ListType {
    /// The type of a path's `{type}.txt`.
    pub fn parse(file: &str) -> Option<ListType> {
        Some(match file.strip_suffix(".txt")? {
            "ipv4" => ListType::Ipv4,
            "ipv6" => ListType::Ipv6,
            "cidr" => ListType::Cidr,
            "domain" => ListType::Domain,
            "url" => ListType::Url,
            "ip" => ListType::Ip,
            _ => return None,
        })
    }

    fn holds(self, kind: IndicatorType) -> bool {
        use IndicatorType as K;
        matches!(
            (self, kind),
            (ListType::Ipv4, K::Ipv4)
                | (ListType::Ipv6, K::Ipv6)
                | (ListType::Cidr, K::Cidr)
                | (ListType::Domain, K::Domain)
                | (ListType::Url, K::Url)
                | (ListType::Ip, K::Ipv4 | K::Ipv6 | K::Cidr)
        )
    }
}

/// One list request, the cache's key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Query {
    pub collection: String,
    pub kind: ListType,
    pub min_score: Option<u8>,
    pub max: Option<usize>,
}

/// A built list.
#[derive(Debug)]
pub struct Built {
    pub body: Bytes,
    /// Quoted strong validator of `body`.
    pub etag: String,
    /// Values in it.
    pub count: usize,
    gzip: OnceLock<Bytes>,
}

impl Built {
    /// The body gzipped (built once; fast level, the lists compress well anyway).
    pub fn gzip(&self) -> &Bytes {
        self.gzip.get_or_init(|| {
            use std::io::Write;
            let mut enc = flate2::write::GzEncoder::new(
                Vec::with_capacity(self.body.len() / 4),
                flate2::Compression::fast(),
            );
            // Writing to memory cannot fail.
            let _ = enc.write_all(&self.body);
            Bytes::from(enc.finish().unwrap_or_default())
        })
    }

    /// The validator of the gzipped form.
    pub fn gzip_etag(&self) -> String {
        format!("{}-gz\"", self.etag.trim_end_matches('"'))
    }
}

/// How a URL goes in a PAN-OS list: without its scheme.
pub fn device_url(url: &str) -> &str {
    ["https://", "http://"]
        .iter()
        .find_map(|s| {
            url.get(..s.len())
                .filter(|p| p.eq_ignore_ascii_case(s))
                .map(|_| &url[s.len()..])
        })
        .unwrap_or(url)
}

/// The longest entry PAN-OS takes in a URL or domain list; longer ones it skips.
pub const DEVICE_MAX: usize = 255;

/// Whether a URL list entry (in its device form) would mean more, or less, to PAN-OS
/// than the value: longer than [`DEVICE_MAX`] (skipped by the firewall), or holding a
/// token that is only `*` or `^` (a wildcard there; tokens are split at `. / ? & = ; +`).
pub fn misread_by_devices(entry: &str) -> bool {
    entry.len() > DEVICE_MAX
        || entry
            .split(['.', '/', '?', '&', '=', ';', '+'])
            .any(|t| t == "*" || t == "^")
}

/// Builds the list `q` asks of `snap` (whose collection exists).
pub fn build(snap: &Snapshot, q: &Query) -> Built {
    let source = if q.collection == ALL {
        None
    } else {
        snap.source(&q.collection)
    };
    let mut picked: Vec<&Row> = snap
        .rows
        .iter()
        .filter(|r| q.kind.holds(r.kind))
        .filter(|r| source.is_none_or(|s| r.sources.contains(&s)))
        .filter(|r| q.min_score.is_none_or(|m| r.score >= m))
        .collect();
    if let Some(max) = q.max
        && picked.len() > max
    {
        // The best by score; the sort is stable, so ties keep the served order.
        let mut best: Vec<(usize, &Row)> = picked.iter().copied().enumerate().collect();
        best.sort_by_key(|(_, r)| std::cmp::Reverse(r.score));
        best.truncate(max);
        best.sort_unstable_by_key(|(i, _)| *i);
        picked = best.into_iter().map(|(_, r)| r).collect();
    }
    let mut body = Vec::with_capacity(picked.iter().map(|r| r.value.len() + 1).sum());
    let mut left_out = 0usize;
    for r in &picked {
        let v = if r.kind == IndicatorType::Url {
            device_url(&r.value)
        } else {
            &r.value
        };
        // A value holding a line break would be two lines on the device.
        if v.bytes().any(|b| b == b'\n' || b == b'\r') {
            left_out += 1;
            continue;
        }
        let device = matches!(r.kind, IndicatorType::Url | IndicatorType::Domain);
        if device && misread_by_devices(v) {
            left_out += 1;
            continue;
        }
        body.extend_from_slice(v.as_bytes());
        body.push(b'\n');
    }
    let hash = Sha256::digest(&body);
    let etag = format!(
        "\"{}\"",
        hash[..16]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    if left_out > 0 {
        tracing::info!(
            "serve: list {}/{:?}: {left_out} values left out (a line break, over {DEVICE_MAX} characters, or a lone `*` or `^` that devices read as a wildcard)",
            crate::model::sanitize::one_line(&q.collection, 80),
            q.kind
        );
    }
    Built {
        count: picked.len() - left_out,
        body: Bytes::from(body),
        etag,
        gzip: OnceLock::new(),
    }
}

type Slot = Arc<tokio::sync::OnceCell<Arc<Built>>>;

/// Lists built for one snapshot version.
#[derive(Default)]
pub struct Cache {
    inner: Mutex<(u64, HashMap<Query, Slot>)>,
}

impl Cache {
    /// The list `q` of `snap`, built at most once per version (concurrent requests for
    /// one list wait for the one build).
    pub async fn get(&self, snap: &Arc<Snapshot>, q: Query) -> Arc<Built> {
        let slot = {
            let mut g = crate::model::lock(&self.inner);
            if g.0 != snap.version || g.1.len() >= CACHED {
                *g = (snap.version, HashMap::new());
            }
            g.1.entry(q.clone()).or_default().clone()
        };
        slot.get_or_init(|| async {
            let (s, k) = (snap.clone(), q.clone());
            match tokio::task::spawn_blocking(move || build(&s, &k)).await {
                Ok(b) => Arc::new(b),
                // The blocking pool is shutting down: build it here.
                Err(_) => Arc::new(build(snap, &q)),
            }
        })
        .await
        .clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serve::snapshot::SourceState;

    #[test]
    fn entries_devices_would_misread_are_left_out() {
        assert!(!misread_by_devices("bad.example/x.exe?a=1"));
        assert!(!misread_by_devices("bad.example/a*b"));
        assert!(misread_by_devices("bad.example/*/x"));
        assert!(misread_by_devices("bad.example/x?a=^"));
        assert!(misread_by_devices(&format!(
            "bad.example/{}",
            "a".repeat(250)
        )));
        assert!(!misread_by_devices(&format!(
            "bad.example/{}",
            "a".repeat(243)
        )));
        let snap = Snapshot {
            version: 1,
            rows: vec![
                Row::new(IndicatorType::Url, "http://a.example/*/x", 50, &[0]),
                Row::new(IndicatorType::Url, "http://b.example/x", 50, &[0]),
            ],
            ..Snapshot::default()
        };
        let q = Query {
            collection: ALL.into(),
            kind: ListType::Url,
            min_score: None,
            max: None,
        };
        let b = build(&snap, &q);
        assert_eq!(&b.body[..], b"b.example/x\n");
        assert_eq!(b.count, 1);
    }

    fn snap() -> Snapshot {
        use IndicatorType::*;
        let row = |kind, value: &str, score, sources: &[u16]| Row::new(kind, value, score, sources);
        let src = |name: &str| SourceState {
            name: name.into(),
            count: 0,
            fetched_at: None,
        };
        Snapshot {
            version: 1,
            sources: vec![src("a"), src("b")],
            rows: vec![
                row(Ipv4, "192.0.2.1", 90, &[0]),
                row(Ipv4, "192.0.2.2", 40, &[1]),
                row(Ipv4, "192.0.2.3", 90, &[0, 1]),
                row(Cidr, "198.51.100.0/24", 70, &[1]),
                row(Url, "HTTP://a.example/x?y", 50, &[0]),
                row(Url, "https://b.example:8443/", 50, &[0]),
            ],
            ..Snapshot::default()
        }
    }

    fn q(c: &str, kind: ListType, min: Option<u8>, max: Option<usize>) -> String {
        let b = build(
            &snap(),
            &Query {
                collection: c.into(),
                kind,
                min_score: min,
                max,
            },
        );
        String::from_utf8(b.body.to_vec()).unwrap()
    }

    #[test]
    fn lists_by_collection_type_score_and_max() {
        assert_eq!(
            q("all", ListType::Ipv4, None, None),
            "192.0.2.1\n192.0.2.2\n192.0.2.3\n"
        );
        assert_eq!(
            q("b", ListType::Ip, None, None),
            "192.0.2.2\n192.0.2.3\n198.51.100.0/24\n"
        );
        assert_eq!(
            q("all", ListType::Ip, Some(70), None),
            "192.0.2.1\n192.0.2.3\n198.51.100.0/24\n"
        );
        assert_eq!(
            q("all", ListType::Ip, None, Some(2)),
            "192.0.2.1\n192.0.2.3\n"
        );
        assert_eq!(
            q("all", ListType::Url, None, None),
            "a.example/x?y\nb.example:8443/\n"
        );
        assert_eq!(ListType::parse("ip.txt"), Some(ListType::Ip));
        assert_eq!(ListType::parse("md5.txt"), None);
        assert_eq!(ListType::parse("ipv4"), None);
    }

    #[test]
    fn etag_follows_the_body() {
        let s = snap();
        let a = |kind| {
            build(
                &s,
                &Query {
                    collection: "all".into(),
                    kind,
                    min_score: None,
                    max: None,
                },
            )
        };
        assert_eq!(a(ListType::Ipv4).etag, a(ListType::Ipv4).etag);
        assert_ne!(a(ListType::Ipv4).etag, a(ListType::Url).etag);
        let b = a(ListType::Ipv4);
        let mut d = flate2::read::GzDecoder::new(&b.gzip()[..]);
        let mut out = Vec::new();
        std::io::Read::read_to_end(&mut d, &mut out).unwrap();
        assert_eq!(out, b.body);
        assert!(b.gzip_etag().ends_with("-gz\""));
    }
}
