// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Reading an indicator file for `match --indicators FILE`: a `fetch --format jsonl`
//! export (`{"type","value","sources","first_seen","last_seen","threat","confidence",...}`
//! per line) or a plain list with one value per line (type detected; `#` comments and
//! blank lines ignored; the file name is the source). Lines that are neither are counted.
//! A reader thread reads the file in 4 MiB blocks of whole lines. Worker threads parse
//! each block's lines and work out every indicator's index key (normalised value,
//! warninglist check, address bits, IDNA form, the name tables' hash, ...), while the
//! calling thread inserts the finished blocks, in file order, into the [`Matcher`] (the
//! first line with a key keeps it, as in [`super::MatcherBuilder`]).

use std::hash::BuildHasher;
use std::io::Read;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, channel, sync_channel};

use hashbrown::{DefaultHashBuilder, HashMap};
use smallvec::SmallVec;

use super::matcher::{MatchOptions, Matcher, Meta};
use super::prepare::{Key, key_of};
use super::warninglist::Warninglists;
use crate::model::IndicatorType;
use crate::model::indicator::{detect, normalise};

mod record;

/// How a file was read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReadStats {
    /// Indicators read (warninglisted ones included).
    pub added: usize,
    pub skipped: usize,
    /// Records left out for a `score` below the lowest asked for.
    pub below_score: usize,
}

/// One indicator of a block, with its key worked out; sources and threat are indices
/// into its part's own tables.
struct Item {
    kind: IndicatorType,
    name: Box<str>,
    sources: SmallVec<[u16; 2]>,
    confidence: Option<u8>,
    first_seen: Option<i64>,
    last_seen: Option<i64>,
    threat: Option<u32>,
    key: Key,
    /// The name table hash of a domain, URL or e-mail key.
    hash: Option<u64>,
}

/// What one block's lines gave.
#[derive(Default)]
struct Part {
    items: Vec<Item>,
    sources: Vec<String>,
    threats: Vec<Box<str>>,
    threat_ids: HashMap<Box<str>, u32>,
    skipped: usize,
    /// Records whose `score` is below this are left out (and counted).
    min_score: Option<u8>,
    below_score: usize,
    /// The last `first_seen` and `last_seen` text parsed, with their value: exports
    /// repeat them a lot.
    memo: [Option<(String, Option<i64>)>; 2],
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

    fn threat(&mut self, name: &str) -> u32 {
        if let Some(&i) = self.threat_ids.get(name) {
            return i;
        }
        let i = self.threats.len() as u32;
        self.threats.push(Box::from(name));
        self.threat_ids.insert(Box::from(name), i);
        i
    }

    fn secs(&mut self, slot: usize, s: Option<&str>) -> Option<i64> {
        let s = s?;
        let memo = &mut self.memo[slot];
        if let Some((text, v)) = memo
            && text == s
        {
            return *v;
        }
        let v = s.parse::<jiff::Timestamp>().ok().map(|t| t.as_second());
        *memo = Some((s.to_owned(), v));
        v
    }

    fn line(
        &mut self,
        raw: &[u8],
        list_source: &str,
        lists: &Warninglists,
        hasher: &DefaultHashBuilder,
    ) {
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
            let Some(rec) = record::parse(text) else {
                self.skipped += 1;
                return;
            };
            let (Some(kind), Some(value)) = (rec.kind, rec.value.as_deref()) else {
                self.skipped += 1;
                return;
            };
            if let (Some(min), Some(score)) = (self.min_score, rec.score)
                && score < min
            {
                self.below_score += 1;
                return;
            }
            let Ok(n) = normalise(kind, value) else {
                self.skipped += 1;
                return;
            };
            let sources = rec.sources.iter().map(|s| self.source(s)).collect();
            let first_seen = self.secs(0, rec.first_seen.as_deref());
            let last_seen = self.secs(1, rec.last_seen.as_deref());
            let threat = rec.threat.as_deref().map(|t| self.threat(t));
            let key = key_of(n.kind, &n.value, lists);
            let hash = str_hash(hasher, &key, &n.value);
            self.items.push(Item {
                kind: n.kind,
                name: n.value.into_boxed_str(),
                sources,
                confidence: rec.confidence,
                first_seen,
                last_seen,
                threat,
                key,
                hash,
            });
        } else if let Some(n) = detect(text) {
            let src = self.source(list_source);
            let key = key_of(n.kind, &n.value, lists);
            let hash = str_hash(hasher, &key, &n.value);
            self.items.push(Item {
                kind: n.kind,
                name: n.value.into_boxed_str(),
                sources: smallvec::smallvec![src],
                confidence: None,
                first_seen: None,
                last_seen: None,
                threat: None,
                key,
                hash,
            });
        } else {
            self.skipped += 1;
        }
    }

    fn lines(
        &mut self,
        region: &[u8],
        list_source: &str,
        lists: &Warninglists,
        hasher: &DefaultHashBuilder,
    ) {
        let mut start = 0;
        let ends = memchr::memchr_iter(b'\n', region).chain(std::iter::once(region.len()));
        for end in ends {
            let line = &region[start..end];
            start = end + 1;
            // A value that makes a parser panic costs that line only.
            if catch_unwind(AssertUnwindSafe(|| {
                self.line(line, list_source, lists, hasher)
            }))
            .is_err()
            {
                self.skipped += 1;
            }
        }
    }
}

/// The name table hash of `key` (for an indicator held as `name`), as the indexer
/// would work it out: done here, on a worker.
fn str_hash(hasher: &DefaultHashBuilder, key: &Key, name: &str) -> Option<u64> {
    match key {
        Key::Domain(None) | Key::Cve => Some(hasher.hash_one(name)),
        Key::Domain(Some(k)) | Key::Url(k) | Key::Email(k) => Some(hasher.hash_one(&**k)),
        _ => None,
    }
}

/// Bytes read per block.
const BLOCK: usize = 4 << 20;

/// Reads until `buf` holds `want` bytes or the stream ends; whether it ended.
fn fill(input: &mut impl Read, buf: &mut Vec<u8>, want: usize) -> std::io::Result<bool> {
    loop {
        let Some(room) = want.checked_sub(buf.len()).filter(|&n| n > 0) else {
            return Ok(false);
        };
        buf.reserve(room);
        match input.by_ref().take(room as u64).read_to_end(buf) {
            Ok(0) => return Ok(true),
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// The indicators of `input` (named `name`, the source of plain-list values), indexed
/// with `lists` left out. `size_hint` is the input's length in bytes when known (else
/// 0): it only sizes the tables up front. Errors: only reading `input`.
pub fn read(
    input: impl Read + Send,
    size_hint: u64,
    name: &str,
    lists: &Warninglists,
    options: MatchOptions,
) -> std::io::Result<(Matcher, ReadStats)> {
    read_blocks(input, size_hint, name, lists, options, BLOCK, None)
}

/// [`read`], leaving out records of a `fetch` export whose `score` is below
/// `min_score` (counted in [`ReadStats::below_score`]); records without a score (a
/// plain list, an older export) are kept.
pub fn read_scored(
    input: impl Read + Send,
    size_hint: u64,
    name: &str,
    lists: &Warninglists,
    options: MatchOptions,
    min_score: Option<u8>,
) -> std::io::Result<(Matcher, ReadStats)> {
    read_blocks(input, size_hint, name, lists, options, BLOCK, min_score)
}

/// [`read`] in blocks of `block` bytes.
fn read_blocks(
    input: impl Read + Send,
    size_hint: u64,
    name: &str,
    lists: &Warninglists,
    options: MatchOptions,
    block_len: usize,
    min_score: Option<u8>,
) -> std::io::Result<(Matcher, ReadStats)> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    let mut m = Matcher::empty(lists, options);
    let mut st = ReadStats::default();
    let mut threats: HashMap<Box<str>, Arc<str>> = HashMap::new();
    std::thread::scope(|s| -> std::io::Result<()> {
        let mut work: Vec<SyncSender<Vec<u8>>> = Vec::with_capacity(threads);
        let mut done: Vec<Receiver<(Part, Vec<u8>)>> = Vec::with_capacity(threads);
        let hasher = m.str_hasher();
        for _ in 0..threads {
            let (tx, rx) = sync_channel::<Vec<u8>>(1);
            let hasher = hasher.clone();
            // A finished part waits for the indexer: at most one per worker in flight.
            let (back, results) = sync_channel(0);
            s.spawn(move || {
                for block in rx {
                    let mut part = Part {
                        min_score,
                        ..Part::default()
                    };
                    part.lines(&block, name, lists, &hasher);
                    if back.send((part, block)).is_err() {
                        break;
                    }
                }
            });
            work.push(tx);
            done.push(results);
        }
        let (spare, spares) = channel::<Vec<u8>>();
        let reader = s.spawn(move || blocks(input, block_len, work, spares));
        let mut reserved = false;
        // Block `i` went to worker `i % threads`; a worker with no more blocks hangs up.
        for i in 0.. {
            let Ok((part, block)) = done[i % threads].recv() else {
                break;
            };
            st.skipped += part.skipped;
            st.below_score += part.below_score;
            st.added += part.items.len();
            if !reserved && size_hint > 0 && part.items.len() >= 1000 {
                // Room for the whole file, in the first block's mix of types.
                reserved = true;
                let scale = size_hint as f64 / block.len().max(1) as f64;
                let items = &part.items;
                m.reserve(|k| {
                    let n = items.iter().filter(|i| i.kind == k).count();
                    (n as f64 * scale * 1.05).min(size_hint as f64 / 16.0) as usize
                });
            }
            let _ = spare.send(block);
            insert(&mut m, &mut threats, part);
        }
        drop(done);
        match reader.join() {
            Ok(Ok(too_long)) => {
                st.skipped += too_long;
                Ok(())
            }
            Ok(Err(e)) => Err(e),
            Err(_) => Err(std::io::Error::other("the indicator reader thread stopped")),
        }
    })?;
    Ok((m, st))
}

/// Reads `input` in blocks of whole lines, handing block `i` to `work[i % len]`
/// (reusing the buffers that come back on `spares`). Returns how many lines were longer
/// than a block (skipped).
fn blocks(
    mut input: impl Read,
    block_len: usize,
    work: Vec<SyncSender<Vec<u8>>>,
    spares: Receiver<Vec<u8>>,
) -> std::io::Result<usize> {
    let mut too_long = 0;
    // The start of a line a block ended in, carried into the next block.
    let mut carry: Vec<u8> = Vec::new();
    let mut next = 0;
    let mut discarding = false;
    loop {
        let mut block = spares
            .try_recv()
            .unwrap_or_else(|_| Vec::with_capacity(block_len));
        block.clear();
        block.extend_from_slice(&carry);
        carry.clear();
        let eof = fill(&mut input, &mut block, block_len)?;
        let end = match memchr::memrchr(b'\n', &block) {
            _ if eof => block.len(),
            Some(i) => i + 1,
            None => {
                // A line longer than a block: not an indicator.
                if !discarding {
                    too_long += 1;
                    discarding = true;
                }
                continue;
            }
        };
        carry.extend_from_slice(&block[end..]);
        block.truncate(end);
        if discarding {
            let rest = memchr::memchr(b'\n', &block).map_or(block.len(), |i| i + 1);
            block.drain(..rest);
            discarding = false;
        }
        if work[next].send(block).is_err() {
            // A worker is gone: the caller sees its hang-up.
            return Ok(too_long);
        }
        next = (next + 1) % work.len();
        if eof {
            return Ok(too_long);
        }
    }
}

/// Indexes one part's indicators in `m`, in order, mapping its source and threat
/// tables onto the matcher's.
fn insert(m: &mut Matcher, threats: &mut HashMap<Box<str>, Arc<str>>, part: Part) {
    let smap: Vec<u16> = part.sources.iter().map(|n| m.source_id(n)).collect();
    let tmap: Vec<Arc<str>> = part
        .threats
        .iter()
        .map(|t| {
            threats
                .entry_ref(&**t)
                .or_insert_with(|| Arc::from(&**t))
                .clone()
        })
        .collect();
    for it in part.items {
        let meta = Meta {
            kind: it.kind,
            name: it.name,
            sources: it
                .sources
                .iter()
                .filter_map(|&i| smap.get(usize::from(i)).copied())
                .collect(),
            confidence: it.confidence,
            first_seen: it.first_seen,
            last_seen: it.last_seen,
            threat: it.threat.and_then(|i| tmap.get(i as usize).cloned()),
        };
        m.insert_hashed(meta, it.key, it.hash);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::ValueKind;
    use crate::matching::matcher::Hit;

    fn hits(m: &Matcher, kind: ValueKind, v: &str) -> Vec<(String, Vec<String>, Option<String>)> {
        let mut out: Vec<Hit> = Vec::new();
        m.lookup(kind, v, &mut out);
        out.iter()
            .filter_map(|h| m.meta(h.meta))
            .map(|meta| {
                let sources = meta
                    .sources
                    .iter()
                    .filter_map(|&s| m.source_names().get(usize::from(s)))
                    .map(|s| s.to_string())
                    .collect();
                (
                    meta.name.to_string(),
                    sources,
                    meta.threat.as_deref().map(str::to_owned),
                )
            })
            .collect()
    }

    fn read_text(text: &str, block: usize) -> (Matcher, ReadStats) {
        read_blocks(
            text.as_bytes(),
            text.len() as u64,
            "list.txt",
            &Warninglists::none(),
            MatchOptions::default(),
            block,
            None,
        )
        .unwrap()
    }

    #[test]
    fn a_lowest_score_leaves_out_scored_records_and_keeps_unscored_ones() {
        let text = concat!(
            "{\"type\":\"ipv4\",\"value\":\"192.0.2.1\",\"score\":80}\n",
            "{\"type\":\"ipv4\",\"value\":\"192.0.2.2\",\"score\":20}\n",
            "{\"type\":\"ipv4\",\"value\":\"192.0.2.3\",\"score\":null}\n",
            "192.0.2.4\n",
        );
        let (m, st) = read_scored(
            text.as_bytes(),
            0,
            "x",
            &Warninglists::none(),
            MatchOptions::default(),
            Some(50),
        )
        .unwrap();
        assert_eq!((st.added, st.below_score, st.skipped), (3, 1, 0));
        assert!(m.holds(IndicatorType::Ipv4, "192.0.2.1"));
        assert!(!m.holds(IndicatorType::Ipv4, "192.0.2.2"));
        assert!(m.holds(IndicatorType::Ipv4, "192.0.2.4"));
    }

    const MIXED: &str = concat!(
        "# a comment\n",
        "{\"type\":\"domain\",\"value\":\"Evil.Example\",\"sources\":[\"otx\",\"feodo\"],\"threat\":\"Emotet\",\"first_seen\":\"2026-11-01T00:00:00Z\"}\n",
        "\r\n",
        "198.51.100.7\n",
        "{\"type\":\"domain\",\"value\":\"evil.example\",\"sources\":[\"kev\"],\"threat\":\"Later\"}\n",
        "{\"type\":\"ipv4\",\"value\":\"not an address\"}\n",
        "{\"type\":\"md5\"\n",
        "\u{2603} not a value\n",
        "{\"type\":\"url\",\"value\":\"HTTP://Bad.Example:80/a\\/b\",\"threat\":\"Emotet\"}\n",
        "2001:DB8::1",
    );

    #[test]
    fn an_export_and_a_plain_list_read_alike_whatever_the_block_size() {
        for block in [160, 200, 333, 4 << 20] {
            let (m, st) = read_text(MIXED, block);
            assert_eq!(
                st,
                ReadStats {
                    added: 5,
                    skipped: 3,
                    below_score: 0,
                },
                "block {block}"
            );
            assert_eq!(
                hits(&m, ValueKind::Host, "evil.example"),
                [(
                    "evil.example".to_owned(),
                    vec!["otx".to_owned(), "feodo".to_owned()],
                    Some("Emotet".to_owned())
                )],
                "the first line with a key keeps it (block {block})"
            );
            assert_eq!(hits(&m, ValueKind::Ip, "198.51.100.7")[0].1, ["list.txt"]);
            assert_eq!(hits(&m, ValueKind::Ip, "2001:db8::1").len(), 1);
            let url = hits(&m, ValueKind::Url, "http://bad.example/a/b");
            assert_eq!(url.len(), 1, "block {block}");
            assert_eq!(url[0].2.as_deref(), Some("Emotet"));
        }
    }

    #[test]
    fn thousands_of_lines_over_many_blocks_are_all_indexed_in_order() {
        let mut text = String::new();
        for i in 0..5000u32 {
            text.push_str(&format!(
                "{{\"type\":\"ipv4\",\"value\":\"10.{}.{}.{}\",\"sources\":[\"s{}\"]}}\n",
                i / 65536,
                i / 256 % 256,
                i % 256,
                i % 3
            ));
        }
        text.push_str("{\"type\":\"ipv4\",\"value\":\"10.0.0.0\",\"sources\":[\"last\"]}\n");
        // 64 KiB blocks hold over 1,000 lines: the tables are sized from the first.
        for block in [4096, 64 << 10] {
            let (m, st) = read_text(&text, block);
            assert_eq!(
                st,
                ReadStats {
                    added: 5001,
                    skipped: 0,
                    below_score: 0,
                }
            );
            assert_eq!(m.len(), 5000);
            assert_eq!(hits(&m, ValueKind::Ip, "10.0.0.0")[0].1, ["s0"]);
            assert_eq!(hits(&m, ValueKind::Ip, "10.0.19.135")[0].1, ["s1"]);
            assert_eq!(m.source_names().len(), 4, "s0, s1, s2 and last");
        }
    }

    #[test]
    fn a_line_longer_than_a_block_is_one_skip_and_the_rest_is_read() {
        let text = format!("192.0.2.1\n{}\n192.0.2.2\n", "x".repeat(1000));
        let (m, st) = read_text(&text, 64);
        assert_eq!(
            st,
            ReadStats {
                added: 2,
                skipped: 1,
                below_score: 0,
            }
        );
        assert_eq!(hits(&m, ValueKind::Ip, "192.0.2.2").len(), 1);
    }

    #[test]
    fn a_failing_reader_is_an_error() {
        struct Broken;
        impl Read for Broken {
            fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
                Err(std::io::Error::other("disk on fire"))
            }
        }
        let e = read(
            Broken,
            0,
            "x",
            &Warninglists::none(),
            MatchOptions::default(),
        )
        .err()
        .map(|e| e.to_string());
        assert_eq!(e.as_deref(), Some("disk on fire"));
    }
}
