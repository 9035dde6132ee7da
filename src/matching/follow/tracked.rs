// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! One followed path: which file it names at each look, and the file being read.

use std::fs::File;
use std::path::{Path, PathBuf};

use super::super::extract::LogFormat;
use super::super::matcher::Matcher;
use super::super::scan::ScanStats;
use super::super::sink::AlertSink;
use super::reader::{FileId, Lines, Reader};

/// One followed path.
pub(super) struct Tracked {
    path: PathBuf,
    display: String,
    log: LogFormat,
    /// The file being read.
    pub(super) current: Option<Reader>,
    /// Skip what the file holds when it is first opened.
    skip_existing: bool,
}

impl Tracked {
    pub(super) fn new(path: &Path, log: LogFormat, skip_existing: bool) -> Self {
        Tracked {
            path: path.to_path_buf(),
            display: path.display().to_string(),
            log,
            current: None,
            skip_existing,
        }
    }

    fn lines<'a, S: AlertSink + ?Sized>(
        &'a self,
        m: &'a Matcher,
        sink: &'a S,
        part: &'a mut S::Part,
        st: &'a mut ScanStats,
    ) -> Lines<'a, S> {
        Lines {
            m,
            log: self.log,
            display: &self.display,
            sink,
            part,
            st,
        }
    }

    /// Looks at what the path names now: a rotation (another file) drains the old file
    /// and opens the new one at its start; a file shorter than what was read is read
    /// again from its start. Returns whether anything was read.
    pub(super) fn look<S: AlertSink + ?Sized>(
        &mut self,
        m: &Matcher,
        sink: &S,
        part: &mut S::Part,
        st: &mut ScanStats,
    ) -> bool {
        let mut any = false;
        if let Ok(meta) = std::fs::metadata(&self.path) {
            if let Some(mut old) = self.current.take() {
                if FileId::of(&meta) != old.id {
                    // Rotated: finish the old file, then switch.
                    any |= old.read(&mut self.lines(m, sink, part, st));
                } else {
                    if meta.len() < old.offset() {
                        // Truncated: start over.
                        old.restart();
                    }
                    self.current = Some(old);
                }
            }
            if self.current.is_none()
                && let Ok(f) = File::open(&self.path)
                && let Ok(mut r) = Reader::new(f)
            {
                if self.skip_existing {
                    r.prime(self.log, m, &self.display);
                }
                self.current = Some(r);
            }
        }
        self.skip_existing = false;
        any
    }

    /// Reads what is new in the file being read; returns whether anything was.
    pub(super) fn read<S: AlertSink + ?Sized>(
        &mut self,
        m: &Matcher,
        sink: &S,
        part: &mut S::Part,
        st: &mut ScanStats,
    ) -> bool {
        let mut cur = self.current.take();
        let any = cur
            .as_mut()
            .is_some_and(|r| r.read(&mut self.lines(m, sink, part, st)));
        self.current = cur;
        any
    }
}
