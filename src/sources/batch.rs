// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! What a parser makes of a document ([`ParsedBatch`]: sightings plus skips counted),
//! the builder every parser fills it with, and streaming readers of JSON arrays.

use crate::model::count::grouped;
use crate::model::indicator::{Normalised, normalise};
use crate::model::intern::Interner;
use crate::model::{IndicatorType, Observation, Sighting};

/// `body` without a leading UTF-8 byte-order mark (`EF BB BF`), which some servers and
/// editors put before text and JSON alike.
pub fn strip_bom(body: &[u8]) -> &[u8] {
    body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body)
}

/// What a parser made of a document.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct ParsedBatch {
    pub sightings: Vec<Sighting>,
    /// Records that were not taken, counted by reason.
    pub skipped: Skips,
}

impl ParsedBatch {
    pub fn extend(&mut self, other: ParsedBatch) {
        self.sightings.extend(other.sightings);
        self.skipped.merge(other.skipped);
    }
}

/// Why a record of a document was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SkipReason {
    /// A type of indicator that is not modelled (an OTX `Mutex`, a MISP `regkey`).
    UnsupportedType,
    /// A value that does not normalise as its type (a bad address, an over-long URL).
    InvalidValue,
    /// A record without a field it needs (no value, no type).
    MissingField,
    /// A record that could not be read at all (a bad CSV row, a JSON line that is not).
    Malformed,
    /// Something the format allows but this reader does not take, named (e.g. a STIX
    /// pattern joined by `AND`).
    Unsupported(&'static str),
}

impl SkipReason {
    /// A short label for counts and logs.
    pub fn label(self) -> &'static str {
        match self {
            SkipReason::UnsupportedType => "unsupported type",
            SkipReason::InvalidValue => "invalid value",
            SkipReason::MissingField => "missing field",
            SkipReason::Malformed => "malformed record",
            SkipReason::Unsupported(what) => what,
        }
    }
}

/// How many raw values are kept per reason, as examples for the log.
pub const SKIP_SAMPLES: usize = 3;

/// Skipped records counted by reason, with the first few raw values of each (sanitised,
/// shortened) as examples.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Skips {
    by_reason: Vec<SkipCount>,
}

/// One reason's count and examples.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkipCount {
    pub reason: SkipReason,
    pub count: usize,
    pub samples: Vec<String>,
}

impl Skips {
    /// Counts one record skipped for `reason`; `raw` (may be empty) becomes an example.
    pub fn add(&mut self, reason: SkipReason, raw: &str) {
        let i = match self.by_reason.iter().position(|c| c.reason == reason) {
            Some(i) => i,
            None => {
                self.by_reason.push(SkipCount {
                    reason,
                    count: 0,
                    samples: Vec::new(),
                });
                self.by_reason.len() - 1
            }
        };
        let c = &mut self.by_reason[i];
        c.count += 1;
        if c.samples.len() < SKIP_SAMPLES && !raw.trim().is_empty() {
            c.samples
                .push(crate::model::sanitize::one_line(raw.trim(), 80));
        }
    }

    /// Adds `other`'s counts and (up to the limit) its examples.
    pub fn merge(&mut self, other: Skips) {
        for o in other.by_reason {
            match self.by_reason.iter_mut().find(|c| c.reason == o.reason) {
                Some(c) => {
                    c.count += o.count;
                    let room = SKIP_SAMPLES.saturating_sub(c.samples.len());
                    c.samples.extend(o.samples.into_iter().take(room));
                }
                None => self.by_reason.push(o),
            }
        }
    }

    /// Records skipped in all.
    pub fn total(&self) -> usize {
        self.by_reason.iter().map(|c| c.count).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.total() == 0
    }

    /// The count of one reason.
    pub fn count(&self, reason: SkipReason) -> usize {
        self.by_reason
            .iter()
            .find(|c| c.reason == reason)
            .map_or(0, |c| c.count)
    }

    /// Each reason with its count and examples, most frequent first.
    pub fn reasons(&self) -> Vec<&SkipCount> {
        let mut v: Vec<&SkipCount> = self.by_reason.iter().collect();
        v.sort_by(|a, b| b.count.cmp(&a.count).then(a.reason.cmp(&b.reason)));
        v
    }

    /// One line of counts only: `12 invalid value, 3 unsupported type`.
    pub fn counts(&self) -> String {
        self.reasons()
            .iter()
            .map(|c| format!("{} {}", grouped(c.count as u64), c.reason.label()))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// One line: `12 invalid value (e.g. `x`, `y`), 3 unsupported type`.
    pub fn summary(&self) -> String {
        self.reasons()
            .iter()
            .map(|c| {
                if c.samples.is_empty() {
                    format!("{} {}", grouped(c.count as u64), c.reason.label())
                } else {
                    let eg: Vec<String> = c.samples.iter().map(|s| format!("`{s}`")).collect();
                    format!(
                        "{} {} (e.g. {})",
                        grouped(c.count as u64),
                        c.reason.label(),
                        eg.join(", ")
                    )
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A document that could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("invalid JSON: {0}")]
    Json(String),
    #[error("invalid CSV: {0}")]
    Csv(String),
    #[error("unexpected document: {0}")]
    Shape(String),
}

impl ParseError {
    pub fn json(e: &serde_json::Error) -> Self {
        ParseError::Json(crate::model::sanitize::one_line(&e.to_string(), 160))
    }
}

/// Builds sightings for a parser: normalises values, interns shared strings, counts skips.
#[derive(Default)]
pub struct BatchBuilder {
    pub batch: ParsedBatch,
    pub strings: Interner,
}

impl BatchBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// A builder with room for the records of a line-per-record `body`, so the batch is
    /// not regrown (and copied) as it fills. The estimate is bounded by the body's size,
    /// so a body of empty lines cannot reserve much.
    pub fn for_lines(body: &[u8]) -> Self {
        let lines = memchr::memchr_iter(b'\n', body).count() + 1;
        let mut b = Self::default();
        b.batch.sightings.reserve(lines.min(body.len() / 16 + 1));
        b
    }

    /// Adds `raw` as type `kind`; a value that does not normalise is counted as skipped.
    pub fn push(&mut self, kind: IndicatorType, raw: &str, obs: Observation) {
        match normalise(kind, raw) {
            Ok(n) => self.push_normalised(n, obs),
            Err(_) => self.skip(SkipReason::InvalidValue, raw),
        }
    }

    pub fn push_normalised(&mut self, n: Normalised, mut obs: Observation) {
        obs.settle_dates();
        if let Some(p) = n.port {
            obs.ports = crate::model::indicator::sorted_union(&obs.ports, &[p]);
        }
        obs.ports = self.strings.ports(std::mem::take(&mut obs.ports));
        obs.tags = self.strings.tags(std::mem::take(&mut obs.tags));
        self.batch.sightings.push(Sighting {
            kind: n.kind,
            value: n.value.into_boxed_str(),
            obs,
        });
    }

    /// Counts a record not taken, with its raw value (or `""`) as an example.
    pub fn skip(&mut self, reason: SkipReason, raw: &str) {
        self.batch.skipped.add(reason, raw);
    }

    /// Like [`BatchBuilder::finish`], but a document whose every record lacks a required
    /// field (and that gave nothing) is not a list of bad records: its shape has changed.
    ///
    /// # Errors
    /// [`ParseError::Shape`] naming the required fields (`required`, e.g.
    /// "`ip_address`") and how many records lacked them.
    pub fn finish_requiring(self, required: &str) -> Result<ParsedBatch, ParseError> {
        let skipped = &self.batch.skipped;
        let missing = skipped.count(SkipReason::MissingField);
        if self.batch.sightings.is_empty() && missing > 0 && missing == skipped.total() {
            return Err(ParseError::Shape(format!(
                "no record has the required {required} ({missing} record{} without; the format may have changed)",
                if missing == 1 { "" } else { "s" }
            )));
        }
        Ok(self.finish())
    }

    /// The batch, holding no spare capacity: it may wait a while for the other sources.
    pub fn finish(mut self) -> ParsedBatch {
        self.batch.sightings.shrink_to_fit();
        self.batch
    }
}

/// Feeds the elements of a JSON array to a callback one at a time: a visitor for the
/// array itself, and a seed for an array that is the value of an object's field.
struct Each<'f, F, T>(&'f mut F, std::marker::PhantomData<T>);

impl<'de, T: serde::de::DeserializeOwned, F: FnMut(T)> serde::de::Visitor<'de> for Each<'_, F, T> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an array")
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(item) = seq.next_element::<T>()? {
            (self.0)(item);
        }
        Ok(())
    }
}

impl<'de, T: serde::de::DeserializeOwned, F: FnMut(T)> serde::de::DeserializeSeed<'de>
    for Each<'_, F, T>
{
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

/// Calls `f` on each element of the JSON array `body`, one at a time, instead of
/// collecting the whole array first.
pub(crate) fn for_each_in_array<T: serde::de::DeserializeOwned>(
    body: &[u8],
    mut f: impl FnMut(T),
) -> Result<(), ParseError> {
    let mut de = serde_json::Deserializer::from_slice(body);
    serde::Deserializer::deserialize_seq(&mut de, Each(&mut f, std::marker::PhantomData))
        .map_err(|e| ParseError::json(&e))?;
    de.end().map_err(|e| ParseError::json(&e))
}

/// Like [`for_each_in_array`], for the array under `field` of the JSON object `body`;
/// other fields are skipped, and a missing `field` is an error.
pub(crate) fn for_each_in_field<T: serde::de::DeserializeOwned>(
    body: &[u8],
    field: &'static str,
    mut f: impl FnMut(T),
) -> Result<(), ParseError> {
    struct Object<'f, F, T>(&'static str, Each<'f, F, T>);
    impl<'de, T: serde::de::DeserializeOwned, F: FnMut(T)> serde::de::Visitor<'de>
        for Object<'_, F, T>
    {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "an object with `{}`", self.0)
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            let Object(field, each) = self;
            let mut found = false;
            while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                if key == field && !found {
                    found = true;
                    map.next_value_seed(Each(&mut *each.0, std::marker::PhantomData))?;
                } else {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
            if found {
                Ok(())
            } else {
                Err(serde::de::Error::missing_field(field))
            }
        }
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    let each = Each(&mut f, std::marker::PhantomData);
    serde::Deserializer::deserialize_map(&mut de, Object(field, each))
        .map_err(|e| ParseError::json(&e))?;
    de.end().map_err(|e| ParseError::json(&e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrays_stream_element_by_element_and_reject_what_is_not_one() {
        let mut seen = Vec::new();
        for_each_in_array(b" [1, 2 ,3] ", |n: u32| seen.push(n)).unwrap();
        assert_eq!(seen, [1, 2, 3]);
        for bad in [&b"{}"[..], b"[1, 2] x", b"[1, \"a\"]", b"[1,"] {
            assert!(for_each_in_array(bad, |_: u32| {}).is_err(), "{bad:?}");
        }
        let mut seen = Vec::new();
        let doc = br#"{"title": "x", "items": [4, 5], "more": {"items": [9]}}"#;
        for_each_in_field(doc, "items", |n: u32| seen.push(n)).unwrap();
        assert_eq!(seen, [4, 5]);
        for bad in [
            &br#"{"title": 1}"#[..],
            br#"{"items": {}}"#,
            br#"[]"#,
            br#"{"items": []} x"#,
        ] {
            assert!(
                for_each_in_field(bad, "items", |_: u32| {}).is_err(),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn skips_count_by_reason_and_keep_a_few_sanitised_examples() {
        let mut s = Skips::default();
        for v in ["a\u{1b}[31m", "b", "c", "d"] {
            s.add(SkipReason::InvalidValue, v);
        }
        s.add(SkipReason::UnsupportedType, "Mutex");
        let mut other = Skips::default();
        other.add(SkipReason::UnsupportedType, "FilePath");
        other.add(SkipReason::MissingField, "");
        s.merge(other);
        assert_eq!(s.total(), 7);
        assert_eq!(s.count(SkipReason::UnsupportedType), 2);
        assert_eq!(
            s.summary(),
            "4 invalid value (e.g. `a\\x1b[31m`, `b`, `c`), 2 unsupported type (e.g. `Mutex`, `FilePath`), 1 missing field"
        );
        assert!(Skips::default().is_empty());
    }

    #[test]
    fn line_builders_reserve_within_the_body_size() {
        let b = BatchBuilder::for_lines(&[b'\n'; 1600]);
        assert!(b.batch.sightings.capacity() <= 101);
        let b = BatchBuilder::for_lines(b"192.0.2.1 one-record-per-line\n192.0.2.2 second\n");
        assert!(b.batch.sightings.capacity() >= 3);
    }

    #[test]
    fn the_builder_shares_equal_tag_and_port_lists() {
        let mut b = BatchBuilder::new();
        for host in ["192.0.2.1:443", "192.0.2.2:443", "192.0.2.3:80"] {
            let tags = b.strings.list("c2,elf");
            let obs = Observation {
                tags: tags.into(),
                ..Default::default()
            };
            b.push(IndicatorType::Ipv4, host, obs);
        }
        let s = b.finish().sightings;
        assert_eq!(s.len(), 3);
        assert!(s[0].obs.tags.shares(&s[1].obs.tags));
        assert!(s[0].obs.tags.shares(&s[2].obs.tags));
        assert_eq!(s[0].obs.ports.as_slice(), [443]);
        assert!(s[0].obs.ports.shares(&s[1].obs.ports));
        assert!(!s[0].obs.ports.shares(&s[2].obs.ports));
    }
}
