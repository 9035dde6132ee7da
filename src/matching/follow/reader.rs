// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! One open followed file: where its reading is, the partial line it ended on, and the
//! extractor its lines are read with.

use std::fs::{File, Metadata};
use std::io::{self, Read, Seek, SeekFrom};

use super::super::extract::{Extractor, LogFormat, Skip, zeek};
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
    /// The partial line at the end of what was read.
    carry: Vec<u8>,
    /// Skipping the rest of a line over [`MAX_LINE`].
    discarding: bool,
    extractor: Option<Extractor>,
}

impl Reader {
    /// Starts reading `file` at its start. Errors: its metadata cannot be read.
    pub(super) fn new(file: File) -> io::Result<Reader> {
        let id = FileId::of(&file.metadata()?);
        Ok(Reader {
            file,
            id,
            offset: 0,
            carry: Vec::new(),
            discarding: false,
            extractor: None,
        })
    }

    /// Bytes read from the file's start.
    pub(super) fn offset(&self) -> u64 {
        self.offset
    }

    /// Starts over at byte 0 of the same open file.
    pub(super) fn restart(&mut self) {
        let _ = self.file.seek(SeekFrom::Start(0));
        self.offset = 0;
        self.carry.clear();
        self.discarding = false;
        // The new content may be another format (`auto`) or carry a new Zeek header.
        self.extractor = None;
    }

    /// Before following the file from its end: its head decides an `auto` format, and a
    /// Zeek header (`#separator`, `#fields`, ..., or a `tsv = T` row of names) is read,
    /// so the rows appended later parse. The rows already under the header are the past
    /// and are not read.
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
        let log = if log == LogFormat::Auto {
            LogFormat::detect(&head[..head.len().min(8192)])
        } else {
            log
        };
        let mut lm = LineMatcher::new(m, LogFormat::Text);
        lm.extractor = Extractor::new(log);
        let end = zeek::header_end(&head);
        if end > 0 {
            let mut seen = ScanStats::default();
            lm.lines(&head[..end - 1], display, 0, &Discard, &mut (), &mut seen);
        }
        self.extractor = Some(lm.extractor);
        if let Ok(end) = self.file.seek(SeekFrom::End(0)) {
            self.offset = end;
        }
    }

    /// Reads the file to its current end, handing its complete lines to `to`; returns
    /// whether anything was read.
    pub(super) fn read<S: AlertSink + ?Sized>(&mut self, to: &mut Lines<'_, S>) -> bool {
        if self.file.metadata().is_ok_and(|m| m.len() <= self.offset) {
            // Nothing appended: no read (and no read buffer) at all.
            return false;
        }
        let mut any = false;
        let mut chunk = vec![0u8; 1 << 20];
        loop {
            let n = match self.file.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(_) => break,
            };
            any = true;
            self.take(&chunk[..n], to);
        }
        any
    }

    /// Hands the complete lines that `data` (the next bytes read) ends to `to`.
    fn take<S: AlertSink + ?Sized>(&mut self, data: &[u8], to: &mut Lines<'_, S>) {
        to.st.bytes += data.len() as u64;
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
            let log = if to.log == LogFormat::Auto {
                LogFormat::detect(&region[..region.len().min(8192)])
            } else {
                to.log
            };
            self.extractor = Some(Extractor::new(log));
        }
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
        self.extractor = Some(lm.extractor);
    }
}
