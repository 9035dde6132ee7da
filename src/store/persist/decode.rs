// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Decoding a whole store's chunks on every core: a warm start reads 1,000,000
//! sightings, and decoding them (LZ4, postcard, one value string each) is most of the
//! load's time. The chunks are split into one contiguous run per thread, each thread
//! with its own string interner, and the results come back in the chunks' order.

use super::codec::decode_chunk;
use crate::model::Sighting;
use crate::model::intern::Interner;

/// One stored chunk: the source it belongs to and its bytes.
pub(super) struct Chunk<'a> {
    pub source: &'a str,
    pub data: &'a [u8],
}

/// More threads than this gain nothing on the loads measured (BENCHMARKS.md).
const MAX_THREADS: usize = 4;

/// Below this many chunks one thread is quicker than starting others (a chunk takes
/// milliseconds to decode, a thread tens of microseconds to start).
const PARALLEL_FROM: usize = 2;

/// Chunks per part of a start-up load ([`decode_parts`]): up to 32,768 sightings, so
/// the dashboard merges one part while the next is decoded, and what is left to merge
/// once the last is decoded is small.
pub const PART_CHUNKS: usize = 4;

/// Decodes the stored chunks of `source` (as [`super::SnapshotStore::read_source`] gives
/// them) one part of [`PART_CHUNKS`] at a time, each part on every core, in order. Strings
/// are shared within a part: keeping the interners across parts saved no memory and
/// slowed the load (BENCHMARKS.md). What does not decode is skipped with a warning, as in
/// [`decode_all`]; `what` names the store in it ("cache", "store").
pub fn decode_parts<'a>(
    chunks: &'a [Vec<u8>],
    source: &'a str,
    what: &'a str,
) -> impl Iterator<Item = Vec<Sighting>> + 'a {
    chunks.chunks(PART_CHUNKS).map(move |group| {
        let group: Vec<Chunk<'_>> = group.iter().map(|data| Chunk { source, data }).collect();
        flatten(decode_all(&group, what))
    })
}

/// Decodes `chunks`, in order: one vector of sightings per chunk. A chunk that does not
/// decode, or rows within it that do not, are skipped with a warning naming the source
/// (`what` names the store: "cache", "store").
pub(super) fn decode_all(chunks: &[Chunk<'_>], what: &str) -> Vec<Vec<Sighting>> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(MAX_THREADS);
    if threads < 2 || chunks.len() < PARALLEL_FROM {
        return decode_run(chunks, what);
    }
    let per = chunks.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = chunks
            .chunks(per)
            .map(|run| scope.spawn(move || decode_run(run, what)))
            .collect();
        let mut out = Vec::with_capacity(chunks.len());
        for (h, run) in handles.into_iter().zip(chunks.chunks(per)) {
            match h.join() {
                Ok(decoded) => out.extend(decoded),
                // A decoder thread that panicked (where the process's panic hook lets it
                // end): its chunks are lost, the rest is kept.
                Err(_) => {
                    tracing::warn!("{what}: {} chunks could not be decoded", run.len());
                    out.extend(run.iter().map(|_| Vec::new()));
                }
            }
        }
        out
    })
}

/// Decoded chunks as one vector, sized once: a source's 166,000 sightings are moved
/// once, not again at every doubling.
pub(super) fn flatten(decoded: Vec<Vec<Sighting>>) -> Vec<Sighting> {
    let mut out = Vec::with_capacity(decoded.iter().map(Vec::len).sum());
    for v in decoded {
        out.extend(v);
    }
    out
}

/// Gathers decoded chunks by source, each source's sightings in chunk order. Sized
/// first, so a million sightings are moved once rather than again at every growth.
pub(super) fn by_source<'a>(
    decoded: impl Iterator<Item = (&'a str, Vec<Sighting>)>,
) -> std::collections::HashMap<String, Vec<Sighting>> {
    let parts: Vec<(&str, Vec<Sighting>)> = decoded.collect();
    let mut sizes: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (source, v) in &parts {
        *sizes.entry(source).or_default() += v.len();
    }
    let mut out: std::collections::HashMap<String, Vec<Sighting>> = sizes
        .into_iter()
        .map(|(s, n)| (s.to_string(), Vec::with_capacity(n)))
        .collect();
    for (source, v) in parts {
        if let Some(all) = out.get_mut(source) {
            all.extend(v);
        }
    }
    out
}

fn decode_run(run: &[Chunk<'_>], what: &str) -> Vec<Vec<Sighting>> {
    let mut strings = Interner::new();
    run.iter()
        .map(|c| {
            let mut out = Vec::new();
            match decode_chunk(c.data, &mut strings, &mut out) {
                Ok(0) => {}
                Ok(n) => tracing::warn!(
                    "{what}: skipped {n} unreadable rows of `{}`",
                    crate::model::sanitize::one_line(c.source, 40)
                ),
                Err(e) => tracing::warn!(
                    "{what}: a chunk of `{}` is unreadable: {e}",
                    crate::model::sanitize::one_line(c.source, 40)
                ),
            }
            out
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{IndicatorType, Observation};

    fn sighting(i: usize) -> Sighting {
        Sighting {
            kind: IndicatorType::Domain,
            value: format!("host{i}.evil.example").into(),
            obs: Observation::default(),
        }
    }

    #[test]
    fn many_chunks_decode_in_order_and_a_bad_one_is_skipped() {
        let mut blobs: Vec<(String, Vec<u8>)> = (0..40)
            .map(|c| {
                let rows: Vec<Sighting> = (c * 10..c * 10 + 10).map(sighting).collect();
                (
                    format!("s{}", c / 10),
                    super::super::codec::encode_chunk(&rows),
                )
            })
            .collect();
        blobs[17].1 = vec![9, 9, 9];
        let chunks: Vec<Chunk<'_>> = blobs
            .iter()
            .map(|(s, d)| Chunk { source: s, data: d })
            .collect();
        let out = decode_all(&chunks, "cache");
        assert_eq!(out.len(), 40);
        for (c, rows) in out.iter().enumerate() {
            if c == 17 {
                assert!(rows.is_empty());
                continue;
            }
            let values: Vec<String> = rows.iter().map(|s| s.value.to_string()).collect();
            let want: Vec<String> = (c * 10..c * 10 + 10)
                .map(|i| format!("host{i}.evil.example"))
                .collect();
            assert_eq!(values, want, "chunk {c}");
        }
    }

    #[test]
    fn chunks_gather_by_source_in_their_order() {
        let chunk = |a: usize, b: usize| (a..b).map(sighting).collect::<Vec<_>>();
        let parts = vec![("a", chunk(0, 3)), ("b", chunk(3, 5)), ("a", chunk(5, 7))];
        let got = by_source(parts.into_iter());
        let values =
            |s: &str| -> Vec<String> { got[s].iter().map(|x| x.value.to_string()).collect() };
        let want = |r: &[usize]| -> Vec<String> {
            r.iter().map(|i| format!("host{i}.evil.example")).collect()
        };
        assert_eq!(values("a"), want(&[0, 1, 2, 5, 6]));
        assert_eq!(values("b"), want(&[3, 4]));
        assert_eq!(got.len(), 2);
    }
}
