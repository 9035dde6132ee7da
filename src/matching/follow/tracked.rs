// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! One followed path: which file it names at each look, the file being read, and the
//! file it named before (rotated away), read a little longer.

use std::path::{Path, PathBuf};
use std::time::Instant;

use super::super::extract::LogFormat;
use super::super::log_paths::Unreadable;
use super::super::matcher::Matcher;
use super::super::scan::ScanStats;
use super::super::sink::AlertSink;
use super::OLD_FILE_GRACE;
use super::reader::{Found, Lines, Probe, Reader};

/// A file the path named before: still read, since a writer goes on writing to it
/// until it reopens the path.
struct Old {
    reader: Reader,
    /// When it last gave new bytes (or was rotated away).
    quiet_since: Instant,
}

/// One followed path.
pub(super) struct Tracked {
    path: PathBuf,
    display: String,
    log: LogFormat,
    /// The file being read.
    pub(super) current: Option<Reader>,
    /// The file read before it, until it has been quiet for [`OLD_FILE_GRACE`].
    old: Option<Old>,
    /// Skip what the file holds when it is first opened.
    skip_existing: bool,
    /// Why the path cannot be read, as last found (`None`: it can, or it was not looked
    /// at yet).
    unreadable: Option<Unreadable>,
    /// `unreadable` changed since [`Tracked::take_change`] was last asked.
    changed: bool,
}

impl Tracked {
    pub(super) fn new(path: &Path, log: LogFormat, skip_existing: bool) -> Self {
        Tracked {
            path: path.to_path_buf(),
            display: path.display().to_string(),
            log,
            current: None,
            old: None,
            skip_existing,
            unreadable: None,
            changed: false,
        }
    }

    /// The path followed.
    pub(super) fn path(&self) -> &Path {
        &self.path
    }

    /// Whether the path became unreadable, or readable again, since the last time this
    /// was asked: `Some(Some(why))`, `Some(None)`, or `None` for no change.
    pub(super) fn take_change(&mut self) -> Option<Option<Unreadable>> {
        if !std::mem::take(&mut self.changed) {
            return None;
        }
        Some(self.unreadable.clone())
    }

    /// Keeps what a look found about the path's readability. Nothing at the path while
    /// a file from it is still read is the moment of a rotation between the rename and
    /// the new file: not worth a word.
    fn found(&mut self, now: Option<Unreadable>) {
        let rotating = matches!(now, Some(Unreadable::Missing(_)))
            && (self.current.is_some() || self.old.is_some());
        if rotating || now == self.unreadable {
            return;
        }
        self.unreadable = now;
        self.changed = true;
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
    /// read from its start, and the old one is kept as the old file when it is another
    /// file that still starts with what was read from it (renamed, or deleted with its
    /// number given to the new one). A file truncated or rewritten in place is not:
    /// what was not read of its old content is gone. What the path cannot be read for
    /// is kept for [`Tracked::take_change`]. Returns whether anything was read (a file
    /// that was the old one before, read to its end and closed).
    pub(super) fn look<S: AlertSink + ?Sized>(
        &mut self,
        now: Instant,
        m: &Matcher,
        sink: &S,
        part: &mut S::Part,
        st: &mut ScanStats,
    ) -> bool {
        let mut any = false;
        let probe = match Probe::open(&self.path) {
            Ok(probe) => {
                self.found(None);
                Some(probe)
            }
            Err(why) => {
                self.found(Some(why));
                None
            }
        };
        if let Some(probe) = probe {
            match self.current.take() {
                Some(cur) if cur.holds(&probe) => self.current = Some(cur),
                cur => {
                    if let Some(cur) = cur
                        && cur.intact()
                        && !cur.same_file(&probe)
                    {
                        // One old file at a time: the one before is done.
                        if let Some(mut before) = self.old.take() {
                            any |= before.reader.finish(&mut self.lines(m, sink, part, st));
                        }
                        self.old = Some(Old {
                            reader: cur,
                            quiet_since: now,
                        });
                    }
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

    /// Reads what is new in the old file, then in the file being read; returns whether
    /// anything was. A file being read found rewritten in place is read again from its
    /// start. The old file is closed once quiet for [`OLD_FILE_GRACE`], its last line
    /// read even without a newline; dropped if rewritten in place.
    pub(super) fn read<S: AlertSink + ?Sized>(
        &mut self,
        now: Instant,
        m: &Matcher,
        sink: &S,
        part: &mut S::Part,
        st: &mut ScanStats,
    ) -> bool {
        let mut any = false;
        if let Some(mut old) = self.old.take() {
            let mut to = self.lines(m, sink, part, st);
            let keep = match old.reader.read(&mut to) {
                Found::New => {
                    any = true;
                    old.quiet_since = now;
                    true
                }
                Found::Nothing if now.duration_since(old.quiet_since) < OLD_FILE_GRACE => true,
                Found::Nothing => {
                    any |= old.reader.finish(&mut to);
                    false
                }
                Found::Rewritten => false,
            };
            if keep {
                self.old = Some(old);
            }
        }
        let Some(mut cur) = self.current.take() else {
            return any;
        };
        let mut found = cur.read(&mut self.lines(m, sink, part, st));
        if found == Found::Rewritten {
            cur.restart();
            // Rewritten again meanwhile: the next check reads it.
            found = cur.read(&mut self.lines(m, sink, part, st));
        }
        self.current = Some(cur);
        any | (found != Found::Nothing)
    }
}
