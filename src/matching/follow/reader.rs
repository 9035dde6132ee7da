// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! One open followed file: where its reading is, the first bytes it held (its
//! fingerprint), the partial line it ended on, and the extractor its lines are read
//! with; and the [`Probe`] of what a path names at a look.

use std::fs::{File, Metadata};
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

use super::super::extract::{Extractor, LogFormat, Skip, zeek};
use super::super::log_paths::Unreadable;
use super::super::matcher::Matcher;
use super::super::scan::{LineMatcher, MAX_LINE, ScanStats};
use super::super::sink::{AlertSink, Discard};

/// Which file a handle or a path names: its device and inode numbers where the platform
/// has them (elsewhere every file has the same identity, and only the other rules can
/// tell two files apart).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct FileId {
    dev: u64,
    ino: u64,
}

impl FileId {
    /// The identity in `m`.
    #[cfg(unix)]
    pub(super) fn of(m: &Metadata) -> FileId {
        use std::os::unix::fs::MetadataExt;
        FileId {
            dev: m.dev(),
            ino: m.ino(),
        }
    }

    /// The identity in `m`.
    #[cfg(not(unix))]
    pub(super) fn of(_: &Metadata) -> FileId {
        FileId { dev: 0, ino: 0 }
    }
}

/// Bytes at the start of a file kept as its fingerprint: a file whose first bytes are
/// not the ones read from it is another file, or the same one rewritten.
pub(super) const FINGERPRINT: usize = 1024;

/// How far back from its end a file followed from there is searched for the start of
/// the line being written.
pub(super) const TAIL: usize = 64 * 1024;

/// Up to `n` bytes from the start of `file`, without moving its position (fewer when
/// the file is shorter). Errors: the read's.
fn read_head(file: &File, n: usize) -> io::Result<Vec<u8>> {
    let mut head = vec![0u8; n];
    let mut got = 0;
    while got < n {
        match read_at(file, &mut head[got..], got as u64) {
            Ok(0) => break,
            Ok(k) => got += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    head.truncate(got);
    Ok(head)
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], at: u64) -> io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, at)
}

#[cfg(not(unix))]
fn read_at(mut file: &File, buf: &mut [u8], at: u64) -> io::Result<usize> {
    let pos = file.stream_position()?;
    file.seek(SeekFrom::Start(at))?;
    let n = file.read(buf);
    file.seek(SeekFrom::Start(pos))?;
    n
}

/// Whether `file` still has a name (a deleted file that is still open has none).
#[cfg(unix)]
fn linked(file: &File) -> bool {
    use std::os::unix::fs::MetadataExt;
    file.metadata().is_ok_and(|m| m.nlink() > 0)
}

/// What a path names at a look, opened: the identity, length and first bytes of that
/// one file (all read from the one handle, so they cannot mix two files).
pub(super) struct Probe {
    file: File,
    id: FileId,
    len: u64,
    head: Vec<u8>,
}

impl Probe {
    /// Opens what `path` names. Errors: why nothing can be opened and read there (a
    /// folder, nothing yet, a file that cannot be opened or read).
    pub(super) fn open(path: &Path) -> Result<Probe, Unreadable> {
        let file = File::open(path).map_err(|e| Unreadable::of(path, &e))?;
        let meta = file.metadata().map_err(|e| Unreadable::of(path, &e))?;
        if meta.is_dir() {
            return Err(Unreadable::of(
                path,
                &io::Error::from(io::ErrorKind::IsADirectory),
            ));
        }
        let head = read_head(&file, FINGERPRINT).map_err(|e| Unreadable::of(path, &e))?;
        Ok(Probe {
            id: FileId::of(&meta),
            len: meta.len(),
            head,
            file,
        })
    }
}

/// What a [`Reader::read`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Found {
    /// Nothing new.
    Nothing,
    /// New bytes, read.
    New,
    /// The file no longer starts with what was read from it (truncated or rewritten in
    /// place); nothing of this read was kept.
    Rewritten,
}

/// Where a file's lines are read as they are, for alerts and the stats.
pub(super) struct Lines<'a, S: AlertSink + ?Sized> {
    /// The indicator set.
    pub m: &'a Matcher,
    /// The format given for the file (`auto`: decided by its head).
    pub log: LogFormat,
    /// The file's name in alerts (`log.file.path`).
    pub display: &'a str,
    pub sink: &'a S,
    pub part: &'a mut S::Part,
    pub st: &'a mut ScanStats,
}

/// One open file being read.
pub(super) struct Reader {
    file: File,
    /// The identity of the open file, taken from the handle itself (so it is the file
    /// being read even when the path changed between a look and the open).
    pub(super) id: FileId,
    /// Bytes read from the file's start (`carry` included).
    offset: u64,
    /// The first bytes read, up to [`FINGERPRINT`]: the file's first `head.len()` bytes
    /// as long as it is the file that was read.
    head: Vec<u8>,
    /// The partial line at the end of what was read.
    carry: Vec<u8>,
    /// Skipping the rest of a line: one over [`MAX_LINE`], or one whose start was not
    /// read.
    discarding: bool,
    /// How lines are read; `None` until the format is decided (`auto`: by the first
    /// line that is not blank).
    extractor: Option<Extractor>,
}

impl Reader {
    /// Starts reading the probed file at its start.
    pub(super) fn new(probe: Probe) -> Reader {
        Reader {
            file: probe.file,
            id: probe.id,
            offset: 0,
            head: Vec::new(),
            carry: Vec::new(),
            discarding: false,
            extractor: None,
        }
    }

    /// Whether `probe` is the file being read, as far as it was read: the same
    /// identity, at least as long as what was read, and starting with the same bytes.
    pub(super) fn holds(&self, probe: &Probe) -> bool {
        self.id == probe.id && probe.len >= self.offset && probe.head.starts_with(&self.head)
    }

    /// Whether the open file still starts with the bytes read from it (it was not
    /// truncated or rewritten in place).
    pub(super) fn intact(&self) -> bool {
        read_head(&self.file, self.head.len()).is_ok_and(|h| h == self.head)
    }

    /// Whether `probe` is certainly the very file open here: the same identity while
    /// this file still has a name (a deleted file's number can be given to the next
    /// one). Without inode numbers, never certain.
    pub(super) fn same_file(&self, probe: &Probe) -> bool {
        #[cfg(unix)]
        {
            self.id == probe.id && linked(&self.file)
        }
        #[cfg(not(unix))]
        {
            let _ = probe;
            false
        }
    }

    /// Starts over at byte 0 of the same open file (rewritten in place).
    pub(super) fn restart(&mut self) {
        let _ = self.file.seek(SeekFrom::Start(0));
        self.offset = 0;
        self.head.clear();
        self.carry.clear();
        self.discarding = false;
        // The new content may be another format (`auto`) or carry a new Zeek header.
        self.extractor = None;
    }

    /// Before following the file from its end: its head decides an `auto` format, and a
    /// Zeek header (`#separator`, `#fields`, ..., or a `tsv = T` row of names) is read,
    /// so the rows appended later parse. The rows already under the header are the past
    /// and are not read. Only whole lines decide: a file that is empty (or holds only a
    /// line still being written) leaves the format to the first lines that arrive
    /// ([`LogFormat::decide`]). A last line still being written is kept, so it is read
    /// whole once its newline comes (its start, when more than [`TAIL`] back, is
    /// skipped with the rest of that line).
    pub(super) fn prime(&mut self, log: LogFormat, m: &Matcher, display: &str) {
        const HEAD: u64 = 64 * 1024;
        let mut head = Vec::new();
        if Read::by_ref(&mut self.file)
            .take(HEAD)
            .read_to_end(&mut head)
            .is_err()
        {
            return;
        }
        let whole = memchr::memrchr(b'\n', &head).map_or(0, |i| i + 1);
        if let Some(log) = log.decide(&head[..whole]) {
            let mut lm = LineMatcher::new(m, log);
            let end = zeek::header_end(&head);
            if end > 0 {
                let mut seen = ScanStats::default();
                lm.lines(&head[..end - 1], display, 0, &Discard, &mut (), &mut seen);
            }
            self.extractor = Some(lm.extractor);
        }
        let Ok(end) = self.file.seek(SeekFrom::End(0)) else {
            return;
        };
        self.offset = end;
        head.truncate(FINGERPRINT.min(usize::try_from(end).unwrap_or(usize::MAX)));
        self.head = head;
        self.keep_last_line(end);
    }

    /// After [`Reader::prime`] put the offset at the end `end`: the partial line the file
    /// ends on (one being written) becomes the carry, so it is read whole once its
    /// newline comes; one that started more than [`TAIL`] back is skipped up to its
    /// newline instead of being read from its middle.
    fn keep_last_line(&mut self, end: u64) {
        let n = end.min(TAIL as u64);
        let mut tail = vec![0u8; n as usize];
        let mut got = 0;
        while got < tail.len() {
            match read_at(&self.file, &mut tail[got..], end - n + got as u64) {
                Ok(0) => break,
                Ok(k) => got += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => break,
            }
        }
        if got < tail.len() {
            // Shorter than it said: the next read finds out what happened to it.
            return;
        }
        match memchr::memrchr(b'\n', &tail) {
            Some(i) => self.carry = tail.split_off(i + 1),
            None if n == end => self.carry = tail,
            None => self.discarding = true,
        }
    }

    /// Reads the file to its current end, handing its complete lines to `to`. Each
    /// read is kept only if the file still starts, after it, with the bytes first read
    /// from it (the fingerprint, with what this read adds to it): a truncation or
    /// rewrite in place before or during the read shows there, and then what was just
    /// read (of the old content past what was read before, or of the new content at
    /// the old offset) is dropped and [`Found::Rewritten`] returned.
    pub(super) fn read<S: AlertSink + ?Sized>(&mut self, to: &mut Lines<'_, S>) -> Found {
        match self.file.metadata() {
            Ok(m) if m.len() < self.offset => return Found::Rewritten,
            // Nothing appended: no read (and no read buffer) at all.
            Ok(m) if m.len() == self.offset => return Found::Nothing,
            _ => {}
        }
        let mut found = Found::Nothing;
        let mut chunk = vec![0u8; 1 << 20];
        loop {
            let n = match self.file.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(_) => break,
            };
            if !self.still_starts_with(&chunk[..n]) {
                return Found::Rewritten;
            }
            found = Found::New;
            self.take(&chunk[..n], to);
        }
        found
    }

    /// Reads what is left of a file that is done (the old file, rotated away and
    /// quiet): its last line even without a newline, as a scan reads a file's last
    /// line (dropped if the file was rewritten in place). Returns whether anything was
    /// read.
    pub(super) fn finish<S: AlertSink + ?Sized>(&mut self, to: &mut Lines<'_, S>) -> bool {
        let found = self.read(to);
        if found == Found::Rewritten || self.discarding || self.carry.is_empty() {
            return found == Found::New;
        }
        let base = self.offset - self.carry.len() as u64;
        self.lines(0, self.carry.len(), base, to);
        self.carry.clear();
        true
    }

    /// The fingerprint `data` (the next bytes read) would leave.
    fn grown_head<'d>(&self, data: &'d [u8]) -> &'d [u8] {
        if self.offset == self.head.len() as u64 && self.head.len() < FINGERPRINT {
            &data[..data.len().min(FINGERPRINT - self.head.len())]
        } else {
            &[]
        }
    }

    /// Whether the file starts with the fingerprint and then the part of `data` (just
    /// read) that would join it.
    fn still_starts_with(&self, data: &[u8]) -> bool {
        let more = self.grown_head(data);
        read_head(&self.file, self.head.len() + more.len())
            .is_ok_and(|h| h.starts_with(&self.head) && h[self.head.len()..] == *more)
    }

    /// Hands the complete lines that `data` (the next bytes read) ends to `to`.
    fn take<S: AlertSink + ?Sized>(&mut self, data: &[u8], to: &mut Lines<'_, S>) {
        to.st.bytes += data.len() as u64;
        let more = self.grown_head(data);
        self.head.extend_from_slice(more);
        let start_offset = self.offset - self.carry.len() as u64;
        self.offset += data.len() as u64;
        self.carry.extend_from_slice(data);
        let Some(last_nl) = memchr::memrchr(b'\n', &self.carry) else {
            if self.carry.len() > MAX_LINE {
                if !self.discarding {
                    to.st.lines += 1;
                    to.st.skipped[Skip::TooLong.index()] += 1;
                }
                self.discarding = true;
                self.carry.clear();
            }
            return;
        };
        let mut from = 0;
        if self.discarding {
            from = memchr::memchr(b'\n', &self.carry).map_or(0, |i| i + 1);
            self.discarding = false;
        }
        // `from` is past `last_nl` when the skipped line's newline is the last one.
        if from < last_nl {
            self.lines(from, last_nl, start_offset, to);
        }
        self.carry.drain(..=last_nl);
    }

    /// Reads the lines of `carry[from..end]` (`end` a newline or the carry's end), the
    /// carry starting at byte `base` of the file.
    fn lines<S: AlertSink + ?Sized>(
        &mut self,
        from: usize,
        end: usize,
        base: u64,
        to: &mut Lines<'_, S>,
    ) {
        let region = &self.carry[from..end];
        if self.extractor.is_none() {
            self.extractor = to.log.decide(region).map(Extractor::new);
        }
        // Blank lines only: still nothing to decide from (they hold no event).
        let decided = self.extractor.is_some();
        let mut lm = LineMatcher::new(to.m, LogFormat::Text);
        if let Some(e) = self.extractor.take() {
            lm.extractor = e;
        }
        lm.lines(
            region,
            to.display,
            base + from as u64,
            to.sink,
            to.part,
            to.st,
        );
        if decided {
            self.extractor = Some(lm.extractor);
        }
    }
}
