// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! How indicators are written into a store, whatever the backend: each type as a stable
//! code, and a snapshot as chunks of [`CHUNK_ROWS`] sightings, each chunk one compact
//! binary blob (postcard rows, LZ4-compressed) so a million indicators are a few hundred
//! rows to write and read. Rows read back are checked like parsed ones: a chunk that
//! does not decode, an unknown type code or an over-long value is skipped, never trusted.
//! The older per-row JSON form ([`encode`], [`decode`]) is kept to migrate old files.

use serde::de::{SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use smallvec::SmallVec;

use crate::model::indicator::MAX_VALUE_LEN;
use crate::model::intern::Interner;
use crate::model::time::Secs;
use crate::model::{IndicatorType, Observation, Sighting, VtStats};

/// Sightings per stored chunk.
pub const CHUNK_ROWS: usize = 8192;

/// The chunk format written: a leading byte, so a later format can be told apart.
const CHUNK_FORMAT: u8 = 1;

/// The largest decompressed chunk accepted, in bytes (a hostile header must not make us
/// allocate gigabytes).
const MAX_CHUNK_BYTES: usize = 64 << 20;

/// One sighting in a chunk. Positional (postcard): never reorder or drop a field; add
/// new ones only with a new [`CHUNK_FORMAT`]. The lists are sequences like any other,
/// held inline while read, so a row borrows from the chunk and allocates nothing.
#[derive(Serialize, Deserialize)]
struct Row<'a> {
    kind: u8,
    value: &'a str,
    first_seen: Option<i64>,
    last_seen: Option<i64>,
    threat: Option<&'a str>,
    #[serde(borrow)]
    tags: Few<[&'a str; 4]>,
    confidence: Option<u8>,
    #[serde(borrow)]
    references: Few<[&'a str; 2]>,
    ports: Few<[u16; 4]>,
    /// A VirusTotal verdict, which earlier builds kept in a sighting: never written
    /// now, and not read (a verdict is enrichment, kept apart from sightings).
    virustotal: Option<StoredVt>,
}

/// A row's list: written as a sequence, read into a small inline vector that grows
/// only with the items really read. The length a chunk claims is not used to reserve:
/// a hostile row claiming millions of tags costs nothing until it holds them.
struct Few<A: smallvec::Array>(SmallVec<A>);

impl<A: smallvec::Array> FromIterator<A::Item> for Few<A> {
    fn from_iter<I: IntoIterator<Item = A::Item>>(items: I) -> Self {
        Few(items.into_iter().collect())
    }
}

impl<A: smallvec::Array> std::ops::Deref for Few<A> {
    type Target = [A::Item];

    fn deref(&self) -> &[A::Item] {
        &self.0
    }
}

impl<A: smallvec::Array> Serialize for Few<A>
where
    A::Item: Serialize,
{
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter())
    }
}

impl<'de, A: smallvec::Array> Deserialize<'de> for Few<A>
where
    A::Item: Deserialize<'de>,
{
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Items<A>(std::marker::PhantomData<A>);
        impl<'de, A: smallvec::Array> Visitor<'de> for Items<A>
        where
            A::Item: Deserialize<'de>,
        {
            type Value = Few<A>;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a list")
            }

            fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Few<A>, S::Error> {
                let mut items = SmallVec::new();
                while let Some(x) = seq.next_element()? {
                    items.push(x);
                }
                Ok(Few(items))
            }
        }
        d.deserialize_seq(Items(std::marker::PhantomData))
    }
}

/// VirusTotal's stats as stored: malicious, suspicious, harmless, undetected, timeout,
/// reputation, last analysis (Unix seconds).
type StoredVt = (u32, u32, u32, u32, u32, i32, Option<i64>);

/// Encodes `sightings` as one chunk.
pub fn encode_chunk(sightings: &[Sighting]) -> Vec<u8> {
    let rows: Vec<Row<'_>> = sightings
        .iter()
        .map(|s| {
            let o = &s.obs;
            Row {
                kind: type_code(s.kind) as u8,
                value: &s.value,
                first_seen: o.first_seen.map(|t| t.as_second()),
                last_seen: o.last_seen.map(|t| t.as_second()),
                threat: o.threat.as_deref(),
                tags: o.tags.iter().map(|t| &**t).collect(),
                confidence: o.confidence,
                references: o.references.iter().map(|t| &**t).collect(),
                ports: o.ports.iter().copied().collect(),
                virustotal: None,
            }
        })
        .collect();
    // Serialising borrowed strings and integers into a Vec cannot fail.
    let plain = postcard::to_allocvec(&rows).unwrap_or_default();
    let mut out = Vec::with_capacity(plain.len() / 2 + 8);
    out.push(CHUNK_FORMAT);
    out.extend_from_slice(&(plain.len() as u32).to_le_bytes());
    out.extend_from_slice(&lz4_flex::block::compress(&plain));
    out
}

/// Why a stored chunk could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChunkError {
    #[error("unknown chunk format {0}")]
    Format(u8),
    #[error("chunk too short")]
    Short,
    #[error("chunk claims {0} bytes, more than allowed")]
    TooLarge(usize),
    #[error("chunk does not decompress: {0}")]
    Compressed(String),
    #[error("chunk rows do not decode: {0}")]
    Rows(String),
}

/// Decodes one chunk into `out`, sharing strings through `strings`; returns how many
/// rows were skipped (unknown type code, over-long or empty value).
pub fn decode_chunk(
    data: &[u8],
    strings: &mut Interner,
    out: &mut Vec<Sighting>,
) -> Result<usize, ChunkError> {
    let (&format, rest) = data.split_first().ok_or(ChunkError::Short)?;
    if format != CHUNK_FORMAT {
        return Err(ChunkError::Format(format));
    }
    let (len, packed) = rest.split_first_chunk::<4>().ok_or(ChunkError::Short)?;
    let len = u32::from_le_bytes(*len) as usize;
    if len > MAX_CHUNK_BYTES {
        return Err(ChunkError::TooLarge(len));
    }
    let plain = lz4_flex::block::decompress(packed, len)
        .map_err(|e| ChunkError::Compressed(e.to_string()))?;
    let start = out.len();
    let mut sink = RowSink {
        strings,
        out,
        skipped: 0,
    };
    let mut de = postcard::Deserializer::from_bytes(&plain);
    match serde::Deserializer::deserialize_seq(&mut de, &mut sink) {
        Ok(()) => Ok(sink.skipped),
        Err(e) => {
            // A chunk is kept whole or not at all.
            sink.out.truncate(start);
            Err(ChunkError::Rows(e.to_string()))
        }
    }
}

/// Turns each row of a chunk into a sighting as it is read: no vector of rows, and a
/// row's lists are looked up among the shared ones without being built.
struct RowSink<'s> {
    strings: &'s mut Interner,
    out: &'s mut Vec<Sighting>,
    skipped: usize,
}

impl<'de> Visitor<'de> for &mut RowSink<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a sequence of rows")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        // The count is the chunk's word: a hint, capped.
        self.out
            .reserve(seq.size_hint().unwrap_or(0).min(2 * CHUNK_ROWS));
        while let Some(r) = seq.next_element::<Row<'de>>()? {
            self.push(r);
        }
        Ok(())
    }
}

impl RowSink<'_> {
    fn push(&mut self, r: Row<'_>) {
        let kind = type_of(i64::from(r.kind));
        let Some(kind) = kind.filter(|_| !r.value.is_empty() && r.value.len() <= MAX_VALUE_LEN)
        else {
            self.skipped += 1;
            return;
        };
        let strings = &mut *self.strings;
        let ts = |v: Option<i64>| v.and_then(Secs::from_second);
        let obs = Observation {
            first_seen: ts(r.first_seen),
            last_seen: ts(r.last_seen),
            threat: r.threat.and_then(|t| strings.get(t)),
            tags: strings.tag_list(&r.tags),
            confidence: r.confidence,
            references: r.references.iter().filter_map(|t| strings.get(t)).collect(),
            ports: strings.port_list(&r.ports),
        };
        let value = match crate::model::indicator::recanonical(kind, r.value) {
            Some(v) => v.into_boxed_str(),
            None => r.value.into(),
        };
        self.out.push(Sighting { kind, value, obs });
    }
}

/// An observation as the per-row JSON form stored it (schema 2 and 3).
#[derive(Serialize, Deserialize, Default)]
pub(super) struct Stored {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    f: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    l: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    t: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    g: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    c: Option<u8>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    r: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    p: Vec<u16>,
    /// A VirusTotal verdict, kept in a sighting by earlier builds: not read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    v: Option<VtStats>,
}

/// The per-row JSON form of `o` (schema 2 and 3), for migration tests.
#[cfg(test)]
pub fn encode(o: &Observation) -> String {
    let s = Stored {
        f: o.first_seen.map(|t| t.as_second()),
        l: o.last_seen.map(|t| t.as_second()),
        t: o.threat.as_deref().map(String::from),
        g: o.tags.iter().map(|t| t.to_string()).collect(),
        c: o.confidence,
        r: o.references.iter().map(|t| t.to_string()).collect(),
        p: o.ports.to_vec(),
        v: None,
    };
    serde_json::to_string(&s).unwrap_or_else(|_| "{}".into())
}

/// Reads the per-row JSON form (schema 2 and 3), when migrating.
pub fn decode(data: &str, strings: &mut Interner) -> Option<Observation> {
    let s: Stored = serde_json::from_str(data).ok()?;
    let ts = |v: Option<i64>| v.and_then(Secs::from_second);
    let tags = s.g.iter().filter_map(|t| strings.get(t)).collect();
    Some(Observation {
        first_seen: ts(s.f),
        last_seen: ts(s.l),
        threat: s.t.as_deref().and_then(|t| strings.get(t)),
        tags: strings.tags(tags),
        confidence: s.c,
        references: s.r.iter().filter_map(|t| strings.get(t)).collect(),
        ports: strings.ports(s.p.into()),
    })
}

/// The stored code of each indicator type. Written into every database
/// (`indicator_types`) and never renumbered: a new type takes the next free code.
pub const TYPE_CODES: [(IndicatorType, i64); 10] = [
    (IndicatorType::Ipv4, 0),
    (IndicatorType::Ipv6, 1),
    (IndicatorType::Cidr, 2),
    (IndicatorType::Domain, 3),
    (IndicatorType::Url, 4),
    (IndicatorType::Md5, 5),
    (IndicatorType::Sha1, 6),
    (IndicatorType::Sha256, 7),
    (IndicatorType::Email, 8),
    (IndicatorType::Cve, 9),
];

/// The stored code of `k`.
pub fn type_code(k: IndicatorType) -> i64 {
    match k {
        IndicatorType::Ipv4 => 0,
        IndicatorType::Ipv6 => 1,
        IndicatorType::Cidr => 2,
        IndicatorType::Domain => 3,
        IndicatorType::Url => 4,
        IndicatorType::Md5 => 5,
        IndicatorType::Sha1 => 6,
        IndicatorType::Sha256 => 7,
        IndicatorType::Email => 8,
        IndicatorType::Cve => 9,
    }
}

/// The type stored as `code`; `None` for a code this build does not know.
pub fn type_of(code: i64) -> Option<IndicatorType> {
    TYPE_CODES.iter().find(|(_, c)| *c == code).map(|(t, _)| *t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn sighting(kind: IndicatorType, v: &str) -> Sighting {
        Sighting {
            kind,
            value: v.into(),
            obs: Observation {
                first_seen: Secs::from_second(1_800_000_000),
                threat: Some("Dridex".into()),
                tags: vec!["c2".into(), "elf".into()].into(),
                confidence: Some(80),
                references: thin_vec::thin_vec!["https://ref.example/1".into()],
                ports: vec![443, 8080].into(),
                ..Default::default()
            },
        }
    }

    /// A store written before URLs and e-mail addresses took today's canonical form
    /// reads back in it; values already canonical are untouched.
    #[test]
    fn values_stored_in_an_earlier_form_read_back_canonical() {
        let old = vec![
            sighting(IndicatorType::Url, "https://Login.bank.example:443/signin"),
            sighting(IndicatorType::Url, "http://bare.example"),
            sighting(IndicatorType::Url, "http://[2001:DB8::0:1]:8080/x"),
            sighting(IndicatorType::Email, "Bob@corp.example"),
            sighting(IndicatorType::Url, "http://fine.example/a?b=C"),
            sighting(IndicatorType::Domain, "evil.example"),
        ];
        let mut back = Vec::new();
        decode_chunk(&encode_chunk(&old), &mut Interner::new(), &mut back).unwrap();
        let values: Vec<&str> = back.iter().map(|s| &*s.value).collect();
        assert_eq!(
            values,
            [
                "https://login.bank.example/signin",
                "http://bare.example/",
                "http://[2001:db8::1]:8080/x",
                "bob@corp.example",
                "http://fine.example/a?b=C",
                "evil.example",
            ]
        );
        assert_eq!(
            crate::model::indicator::recanonical(IndicatorType::Url, "http://fine.example/a"),
            None
        );
    }

    #[test]
    fn chunks_round_trip_every_field() {
        let all = vec![
            sighting(IndicatorType::Ipv4, "192.0.2.1"),
            sighting(IndicatorType::Domain, "evil.example"),
            Sighting {
                kind: IndicatorType::Cve,
                value: "CVE-2021-44228".into(),
                obs: Observation::default(),
            },
        ];
        let data = encode_chunk(&all);
        let mut back = Vec::new();
        let skipped = decode_chunk(&data, &mut Interner::new(), &mut back).unwrap();
        assert_eq!(skipped, 0);
        assert_eq!(back, all);
        assert!(
            back[0].obs.tags.shares(&back[1].obs.tags),
            "strings are shared"
        );
    }

    /// Chunk format 1 as first written, with plain vectors: the inline lists must stay
    /// byte for byte the same sequences, or stores written before would not read.
    #[derive(Serialize)]
    struct FirstRow<'a> {
        kind: u8,
        value: &'a str,
        first_seen: Option<i64>,
        last_seen: Option<i64>,
        threat: Option<&'a str>,
        tags: Vec<&'a str>,
        confidence: Option<u8>,
        references: Vec<&'a str>,
        ports: Vec<u16>,
        virustotal: Option<StoredVt>,
    }

    #[test]
    fn rows_encode_as_format_one_always_did() {
        let mut many = sighting(IndicatorType::Url, "https://evil.example/a");
        many.obs.tags = (0..9).map(|i| Arc::from(format!("t{i}"))).collect();
        many.obs.ports = (1..12).collect::<Vec<u16>>().into();
        many.obs.references = (0..5).map(|i| Arc::from(format!("r{i}"))).collect();
        let all = [sighting(IndicatorType::Ipv4, "192.0.2.1"), many];
        let first: Vec<FirstRow<'_>> = all
            .iter()
            .map(|s| FirstRow {
                kind: type_code(s.kind) as u8,
                value: &s.value,
                first_seen: s.obs.first_seen.map(|t| t.as_second()),
                last_seen: s.obs.last_seen.map(|t| t.as_second()),
                threat: s.obs.threat.as_deref(),
                tags: s.obs.tags.iter().map(|t| &**t).collect(),
                confidence: s.obs.confidence,
                references: s.obs.references.iter().map(|t| &**t).collect(),
                ports: s.obs.ports.to_vec(),
                virustotal: None,
            })
            .collect();
        let data = encode_chunk(&all);
        let plain_len = u32::from_le_bytes([data[1], data[2], data[3], data[4]]) as usize;
        let plain = lz4_flex::block::decompress(&data[5..], plain_len).unwrap();
        assert_eq!(plain, postcard::to_allocvec(&first).unwrap());
        let mut back = Vec::new();
        assert_eq!(decode_chunk(&data, &mut Interner::new(), &mut back), Ok(0));
        assert_eq!(back, all);
    }

    /// Earlier builds kept a VirusTotal verdict in the watch list's sightings: such a
    /// row still reads, without it (a verdict is enrichment, not part of a sighting).
    #[test]
    fn a_verdict_an_earlier_build_kept_in_a_row_is_not_read() {
        let s = sighting(IndicatorType::Ipv4, "192.0.2.1");
        let row = FirstRow {
            kind: type_code(s.kind) as u8,
            value: &s.value,
            first_seen: None,
            last_seen: None,
            threat: None,
            tags: Vec::new(),
            confidence: None,
            references: Vec::new(),
            ports: Vec::new(),
            virustotal: Some((8, 1, 83, 7, 0, -12, Some(1_800_000_100))),
        };
        let plain = postcard::to_allocvec(std::slice::from_ref(&row)).unwrap();
        let mut data = vec![CHUNK_FORMAT];
        data.extend_from_slice(&(plain.len() as u32).to_le_bytes());
        data.extend_from_slice(&lz4_flex::block::compress(&plain));
        let mut back = Vec::new();
        assert_eq!(decode_chunk(&data, &mut Interner::new(), &mut back), Ok(0));
        assert_eq!(&*back[0].value, "192.0.2.1");
        assert_eq!(back[0].obs, Observation::default());
    }

    #[test]
    fn a_chunk_cut_in_its_rows_adds_nothing_to_what_was_read() {
        let mut s = Interner::new();
        let mut out = Vec::new();
        let good = encode_chunk(&[sighting(IndicatorType::Ipv4, "192.0.2.1")]);
        assert_eq!(decode_chunk(&good, &mut s, &mut out), Ok(0));
        // Three rows, the last one cut short: the two whole ones are not kept either.
        let rows: Vec<Sighting> = ["198.51.100.1", "198.51.100.2", "198.51.100.3"]
            .iter()
            .map(|v| sighting(IndicatorType::Ipv4, v))
            .collect();
        let data = encode_chunk(&rows);
        let plain_len = u32::from_le_bytes([data[1], data[2], data[3], data[4]]) as usize;
        let mut plain = lz4_flex::block::decompress(&data[5..], plain_len).unwrap();
        plain.truncate(plain.len() - 4);
        let mut cut = vec![CHUNK_FORMAT];
        cut.extend_from_slice(&(plain.len() as u32).to_le_bytes());
        cut.extend_from_slice(&lz4_flex::block::compress(&plain));
        assert!(matches!(
            decode_chunk(&cut, &mut s, &mut out),
            Err(ChunkError::Rows(_))
        ));
        assert_eq!(out.len(), 1);
        assert_eq!(&*out[0].value, "192.0.2.1");
    }

    #[test]
    fn a_row_claiming_a_huge_list_is_refused() {
        // One row: type 3, value "a", no times, no threat, then tags claiming 2^32 - 1
        // items that are not there.
        let mut plain = vec![1, 3, 1, b'a', 0, 0, 0];
        plain.extend_from_slice(&[0xff, 0xff, 0xff, 0xff, 0x0f]);
        let mut data = vec![CHUNK_FORMAT];
        data.extend_from_slice(&(plain.len() as u32).to_le_bytes());
        data.extend_from_slice(&lz4_flex::block::compress(&plain));
        let mut out = Vec::new();
        assert!(matches!(
            decode_chunk(&data, &mut Interner::new(), &mut out),
            Err(ChunkError::Rows(_))
        ));
        assert!(out.is_empty());
    }

    #[test]
    fn hostile_chunks_are_refused_or_skipped_never_trusted() {
        let mut out = Vec::new();
        let mut s = Interner::new();
        assert_eq!(decode_chunk(&[], &mut s, &mut out), Err(ChunkError::Short));
        assert_eq!(
            decode_chunk(&[9, 0], &mut s, &mut out),
            Err(ChunkError::Format(9))
        );
        let huge = [1, 0xff, 0xff, 0xff, 0x7f, 0];
        assert!(matches!(
            decode_chunk(&huge, &mut s, &mut out),
            Err(ChunkError::TooLarge(_))
        ));
        let mut bad = encode_chunk(&[sighting(IndicatorType::Ipv4, "192.0.2.1")]);
        bad.truncate(bad.len() - 3);
        assert!(decode_chunk(&bad, &mut s, &mut out).is_err());
        // An unknown type code and an over-long value are skipped.
        let mut odd = vec![
            sighting(IndicatorType::Ipv4, "192.0.2.1"),
            sighting(IndicatorType::Url, &"a".repeat(MAX_VALUE_LEN + 1)),
        ];
        odd[0].value = "x".into();
        let mut data = encode_chunk(&odd);
        // Patch the first row's type code (after the header, the row count and then the
        // code itself) to one no build knows.
        let plain_len = u32::from_le_bytes([data[1], data[2], data[3], data[4]]) as usize;
        let mut plain = lz4_flex::block::decompress(&data[5..], plain_len).unwrap();
        plain[1] = 99;
        data.truncate(5);
        data.extend_from_slice(&lz4_flex::block::compress(&plain));
        assert_eq!(decode_chunk(&data, &mut s, &mut out), Ok(2));
        assert!(out.is_empty());
        for garbage in [&b"\x01\x00\x00\x00\x00"[..], b"\x01abcdefgh"] {
            let _ = decode_chunk(garbage, &mut s, &mut out);
        }
    }

    #[test]
    fn type_codes_are_explicit_unique_and_cover_every_type() {
        for t in IndicatorType::ALL {
            assert_eq!(type_of(type_code(t)), Some(t));
            assert!(TYPE_CODES.contains(&(t, type_code(t))));
        }
        // Stored rows depend on these numbers: they must never change.
        assert_eq!(type_code(IndicatorType::Ipv4), 0);
        assert_eq!(type_code(IndicatorType::Sha256), 7);
        assert_eq!(type_code(IndicatorType::Cve), 9);
        assert_eq!(type_of(10), None);
        assert_eq!(type_of(-1), None);
    }
}
