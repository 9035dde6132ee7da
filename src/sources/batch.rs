// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! What a parser makes of a document ([`ParsedBatch`]: sightings plus skips counted),
//! the builder every parser fills it with, and streaming readers of JSON arrays.

use crate::model::indicator::{Normalised, normalise};
use crate::model::intern::Interner;
use crate::model::{IndicatorType, Observation, Sighting};

/// What a parser made of a document.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct ParsedBatch {
    pub sightings: Vec<Sighting>,
    /// Records that were malformed or of a type not modelled.
    pub skipped: usize,
}

impl ParsedBatch {
    pub fn extend(&mut self, other: ParsedBatch) {
        self.sightings.extend(other.sightings);
        self.skipped += other.skipped;
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
            Err(_) => self.batch.skipped += 1,
        }
    }

    pub fn push_normalised(&mut self, n: Normalised, mut obs: Observation) {
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

    pub fn skip(&mut self) {
        self.batch.skipped += 1;
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
