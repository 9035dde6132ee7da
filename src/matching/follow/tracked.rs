// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! One followed path: which file it names at each look, and the file being read.

use std::path::{Path, PathBuf};

use super::super::extract::LogFormat;
use super::super::matcher::Matcher;
use super::super::scan::ScanStats;
use super::super::sink::AlertSink;
use super::reader::{Found, Lines, Probe, Reader};

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

    /// Looks at what the path names now. The file being read goes on being read
    /// while the path names it ([`Reader::holds`]); otherwise the file at the path is
    /// read from its start, after what the old file holds past what was read when
    /// it is another file and still holds what was read from it. Returns whether
    /// anything was read.
    pub(super) fn look<S: AlertSink + ?Sized>(
        &mut self,
        m: &Matcher,
        sink: &S,
        part: &mut S::Part,
        st: &mut ScanStats,
    ) -> bool {
        let mut any = false;
        if let Some(probe) = Probe::open(&self.path) {
            match self.current.take() {
                Some(cur) if cur.holds(&probe) => self.current = Some(cur),
                old => {
                    if let Some(mut old) = old
                        && old.intact()
                        && !old.same_file(&probe)
                    {
                        // Renamed, or deleted and its number given to the new file: its
                        // unread tail first.
                        any |= old.read(&mut self.lines(m, sink, part, st)) == Found::New;
                    }
                    // Otherwise it was truncated or rewritten in place: what was not
                    // read of its old content is gone.
                    let mut r = Reader::new(probe);
                    if self.skip_existing {
                        r.prime(self.log, m, &self.display);
                    }
                    self.current = Some(r);
                }
            }
        }
        self.skip_existing = false;
        any
    }

    /// Reads what is new in the file being read; returns whether anything was. A file
    /// found rewritten in place is read again from its start.
    pub(super) fn read<S: AlertSink + ?Sized>(
        &mut self,
        m: &Matcher,
        sink: &S,
        part: &mut S::Part,
        st: &mut ScanStats,
    ) -> bool {
        let Some(mut cur) = self.current.take() else {
            return false;
        };
        let mut found = cur.read(&mut self.lines(m, sink, part, st));
        if found == Found::Rewritten {
            cur.restart();
            // Rewritten again meanwhile: the next check reads it.
            found = cur.read(&mut self.lines(m, sink, part, st));
        }
        self.current = Some(cur);
        found != Found::Nothing
    }
}
