// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Scanning a stream of log lines against the [`Matcher`]: reads blocks (4 MiB) without
//! buffering whole files, splits each block at line boundaries across threads, and
//! hands the alerts to an [`AlertSink`] in input order (each thread adds to a part of
//! its own; the parts are delivered in order). A line longer than [`MAX_LINE`] is counted and
//! skipped while memory stays bounded (the block is discarded up to the next newline).

use std::io::{self, Read};

use hashbrown::HashSet;
use jiff::Timestamp;

use super::alert::{Alert, FieldHits, Location, event_time};
use super::extract::{Event, Extractor, LogFormat, Skip};
use super::matcher::{Hit, Matcher};
use super::sink::AlertSink;

/// Longest line read, in bytes; longer ones are skipped as [`Skip::TooLong`].
pub const MAX_LINE: usize = 1 << 20;

/// Bytes read per block.
pub const BLOCK: usize = 4 << 20;

/// What a scan saw.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScanStats {
    pub lines: u64,
    pub bytes: u64,
    pub events: u64,
    /// Events that matched (one alert each, holding every indicator they hit once).
    pub alerts: u64,
    /// Hits per indicator source (indexed like [`Matcher::source_names`]).
    pub per_source: Vec<u64>,
    /// Skipped lines per [`Skip`] reason (indexed by [`Skip::index`]).
    pub skipped: [u64; 4],
}

impl ScanStats {
    pub fn add(&mut self, o: &ScanStats) {
        self.lines += o.lines;
        self.bytes += o.bytes;
        self.events += o.events;
        self.alerts += o.alerts;
        if self.per_source.len() < o.per_source.len() {
            self.per_source.resize(o.per_source.len(), 0);
        }
        for (a, b) in self.per_source.iter_mut().zip(&o.per_source) {
            *a += b;
        }
        for (a, b) in self.skipped.iter_mut().zip(o.skipped) {
            *a += b;
        }
    }

    fn skip(&mut self, s: Skip) {
        self.skipped[s.index()] += 1;
    }
}

/// Matches lines and hands their alerts to a sink; one per stream (it holds the
/// extractor's state).
#[derive(Debug, Clone)]
pub struct LineMatcher<'m> {
    matcher: &'m Matcher,
    pub extractor: Extractor,
    hits: FieldHits,
    /// The indicators of `hits`.
    seen: HashSet<u32>,
    scratch: Vec<Hit>,
}

impl<'m> LineMatcher<'m> {
    pub fn new(matcher: &'m Matcher, log: LogFormat) -> Self {
        LineMatcher {
            matcher,
            extractor: Extractor::new(log),
            hits: Vec::new(),
            seen: HashSet::default(),
            scratch: Vec::new(),
        }
    }

    /// The hits of one event: every distinct indicator any of its values hit, each
    /// once, with the first field (in the event's order) and value that hit it.
    pub fn event_hits(&mut self, ev: &Event<'_>) -> &FieldHits {
        self.hits.clear();
        self.seen.clear();
        for (i, f) in ev.fields.iter().enumerate() {
            self.matcher.lookup(f.kind, &f.value, &mut self.scratch);
            for h in self.scratch.drain(..) {
                if self.seen.insert(h.meta) {
                    self.hits.push((i, h));
                }
            }
        }
        &self.hits
    }

    /// Reads every complete line of `region` (which starts at byte `base` of the file
    /// `path`), adding alerts to `part` of `sink`.
    pub fn lines<S: AlertSink + ?Sized>(
        &mut self,
        region: &[u8],
        path: &str,
        base: u64,
        sink: &S,
        part: &mut S::Part,
        st: &mut ScanStats,
    ) {
        let mut start = 0;
        for nl in memchr::memchr_iter(b'\n', region).chain(std::iter::once(region.len())) {
            if nl == region.len() && start == region.len() {
                break;
            }
            let line = &region[start..nl];
            let offset = base + start as u64;
            start = nl + 1;
            self.line(line, Location::File { path, offset }, sink, part, st);
        }
    }

    /// Reads one line (without its newline) read at `location`, adding its alert, if it
    /// matched, to `part` of `sink`.
    pub fn line<S: AlertSink + ?Sized>(
        &mut self,
        line: &[u8],
        location: Location<'_>,
        sink: &S,
        part: &mut S::Part,
        st: &mut ScanStats,
    ) {
        st.lines += 1;
        if line.len() > MAX_LINE {
            st.skip(Skip::TooLong);
            return;
        }
        let mut ext = std::mem::replace(&mut self.extractor, Extractor::Text);
        let result = ext.extract(line);
        let ev = match result {
            Ok(Some(ev)) => ev,
            Ok(None) => {
                self.extractor = ext;
                return;
            }
            Err(s) => {
                self.extractor = ext;
                st.skip(s);
                return;
            }
        };
        st.events += 1;
        self.event_hits(&ev);
        if !self.hits.is_empty() {
            st.alerts += 1;
            let n = self.matcher.source_names().len();
            if st.per_source.len() < n {
                st.per_source.resize(n, 0);
            }
            for (_, h) in &self.hits {
                if let Some(meta) = self.matcher.meta(h.meta) {
                    for &s in meta.sources.iter() {
                        if let Some(c) = st.per_source.get_mut(usize::from(s)) {
                            *c += 1;
                        }
                    }
                }
            }
            let alert = Alert {
                time: ev
                    .time
                    .as_ref()
                    .and_then(event_time)
                    .unwrap_or_else(Timestamp::now),
                location,
                module: ev.module,
                fields: &ev.fields,
                conn: &ev.conn,
                hits: &self.hits,
                matcher: self.matcher,
            };
            sink.add(part, &alert);
        }
        drop(ev);
        self.extractor = ext;
    }
}

/// Reads until `buf` holds `want` bytes or the stream ends, or, with `until_line`, until
/// a read brings a newline (a pipe's lines are scanned as they come, not when 4 MiB have
/// gathered); returns the bytes read and whether the stream ended.
fn fill(
    r: &mut impl Read,
    buf: &mut Vec<u8>,
    want: usize,
    until_line: bool,
) -> io::Result<(usize, bool)> {
    let mut total = 0;
    while buf.len() < want {
        let old = buf.len();
        buf.resize(want, 0);
        match r.read(&mut buf[old..]) {
            Ok(0) => {
                buf.truncate(old);
                return Ok((total, true));
            }
            Ok(n) => {
                buf.truncate(old + n);
                total += n;
                if until_line && memchr::memchr(b'\n', &buf[old..]).is_some() {
                    break;
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => buf.truncate(old),
            Err(e) => {
                buf.truncate(old);
                return Err(e);
            }
        }
    }
    Ok((total, false))
}

/// How a stream is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// The log format; `Auto` decides from the first lines that are not blank
    /// ([`LogFormat::decide`]).
    pub log: LogFormat,
    /// Threads per block (1: all on the calling thread).
    pub threads: usize,
    /// Read the next block while this one is scanned: for files. Not for a pipe or a
    /// terminal, whose next block may be long in coming while this one's alerts wait.
    pub read_ahead: bool,
}

/// Scans a whole stream: alerts to `sink` (delivered block by block, flushed at the
/// end), counts into `stats`. Returns the log format used (`Auto` when nothing but
/// blank lines came). Errors: reading the input, or the sink's delivery or flush.
pub fn scan<S: AlertSink + ?Sized>(
    matcher: &Matcher,
    input: impl Read,
    path: &str,
    settings: Settings,
    sink: &mut S,
    stats: &mut ScanStats,
) -> io::Result<LogFormat> {
    scan_at(matcher, input, path, 0, settings, sink, stats)
}

/// [`scan`] of a stream whose first byte is byte `base` of the file (`log.offset`s
/// count from the file's start). The next block is read while the scan threads work
/// on the current one.
pub fn scan_at<S: AlertSink + ?Sized>(
    matcher: &Matcher,
    mut input: impl Read,
    path: &str,
    mut base: u64,
    settings: Settings,
    sink: &mut S,
    stats: &mut ScanStats,
) -> io::Result<LogFormat> {
    let mut buf: Vec<u8> = Vec::with_capacity(BLOCK + 1);
    let mut next: Vec<u8> = Vec::with_capacity(BLOCK + 1);
    let mut filled = false;
    // Whether the stream has ended (a read gave 0 bytes).
    let mut ended = false;
    let mut discarding = false;
    let mut lm: Option<LineMatcher<'_>> = None;
    let Settings {
        log,
        threads,
        read_ahead,
    } = settings;
    let mut used = log;
    loop {
        if !filled {
            let (n, stream_ended) = fill(&mut input, &mut buf, BLOCK, !read_ahead)?;
            stats.bytes += n as u64;
            ended = stream_ended;
        }
        filled = false;
        let eof = ended;
        if buf.is_empty() {
            break;
        }
        let end = match memchr::memrchr(b'\n', &buf) {
            Some(i) => i + 1,
            None if eof => buf.len(),
            None => {
                // A block without a newline: a line over the limit. Drop it.
                if !discarding {
                    stats.lines += 1;
                    stats.skipped[Skip::TooLong.index()] += 1;
                    discarding = true;
                }
                base += buf.len() as u64;
                buf.clear();
                continue;
            }
        };
        let mut start = 0;
        if discarding {
            // The rest of the long line, up to its newline.
            start = memchr::memchr(b'\n', &buf[..end]).map_or(end, |i| i + 1);
            discarding = false;
        }
        if lm.is_none()
            && let Some(decided) = log.decide(&buf[start..end])
        {
            used = decided;
            lm = Some(LineMatcher::new(matcher, decided));
        }
        // Blank lines only so far: nothing to decide from (they hold no event).
        let mut blank;
        let lm = match lm.as_mut() {
            Some(lm) => lm,
            None => {
                blank = LineMatcher::new(matcher, LogFormat::Text);
                &mut blank
            }
        };
        next.clear();
        next.extend_from_slice(&buf[end..]);
        let ahead = read_ahead && !eof;
        let mut read = Ok((0, false));
        let parts = process(
            lm,
            &buf[start..end],
            path,
            base + start as u64,
            threads,
            &*sink,
            stats,
            || {
                if ahead {
                    read = fill(&mut input, &mut next, BLOCK, false);
                }
            },
        );
        for part in parts {
            sink.deliver(part)?;
        }
        let (n, stream_ended) = read?;
        stats.bytes += n as u64;
        if ahead {
            ended = stream_ended;
        }
        filled = ahead;
        base += end as u64;
        std::mem::swap(&mut buf, &mut next);
        if eof && buf.is_empty() {
            break;
        }
    }
    sink.flush()?;
    Ok(used)
}

/// One block of complete lines of the file `path`, split across up to `threads`
/// threads; `meanwhile` runs on the calling thread while they work. Lines up to a
/// block's last Zeek header line ([`Extractor::header_cut`]) are read first, in order, as they change how the lines
/// after them are read. Returns the sink's parts in input order.
#[allow(clippy::too_many_arguments)]
fn process<S: AlertSink + ?Sized>(
    lm: &mut LineMatcher<'_>,
    region: &[u8],
    path: &str,
    base: u64,
    threads: usize,
    sink: &S,
    stats: &mut ScanStats,
    meanwhile: impl FnOnce(),
) -> Vec<S::Part> {
    let mut region = region;
    let mut base = base;
    let mut out = Vec::with_capacity(threads + 1);
    if let Some(cut) = lm.extractor.header_cut(region) {
        let mut part = S::Part::default();
        lm.lines(&region[..cut], path, base, sink, &mut part, stats);
        out.push(part);
        region = &region[cut..];
        base += cut as u64;
    }
    if threads <= 1 || region.len() < 256 << 10 {
        let mut part = S::Part::default();
        lm.lines(region, path, base, sink, &mut part, stats);
        out.push(part);
        meanwhile();
        return out;
    }
    let mut parts = Vec::with_capacity(threads);
    let mut from = 0;
    for k in 1..threads {
        let target = region.len() * k / threads;
        let cut = memchr::memchr(b'\n', &region[target.max(from)..])
            .map_or(region.len(), |i| target.max(from) + i + 1);
        parts.push((from, cut));
        from = cut;
    }
    parts.push((from, region.len()));
    let results: Vec<(S::Part, ScanStats)> = std::thread::scope(|s| {
        let handles: Vec<_> = parts
            .iter()
            .map(|&(a, b)| {
                let mut worker = lm.clone();
                s.spawn(move || {
                    let mut o = S::Part::default();
                    let mut st = ScanStats::default();
                    worker.lines(&region[a..b], path, base + a as u64, sink, &mut o, &mut st);
                    (o, st)
                })
            })
            .collect();
        meanwhile();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect()
    });
    for (o, st) in results {
        out.push(o);
        let bytes = stats.bytes;
        stats.add(&st);
        stats.bytes = bytes;
    }
    out
}

#[cfg(test)]
mod tests;
