// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! `match --follow`: like `tail -F`. Each file is read from its start, then polled every
//! [`POLL`] for appended bytes; a rotation (the path now names another inode) drains
//! the old file and continues with the new one from its start; a truncation (the file
//! shrank) starts over at 0. A partial last line waits for its newline (bounded by
//! [`MAX_LINE`]). Idle costs one `stat` per file per poll: no busy loop. A new matcher
//! (the store changed) is picked up between polls.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use super::alert::AlertFormat;
use super::extract::{Extractor, LogFormat, Skip};
use super::matcher::Matcher;
use super::scan::{LineMatcher, MAX_LINE, ScanStats, Settings};

/// How often files are checked for new bytes.
pub const POLL: Duration = Duration::from_millis(250);

#[cfg(unix)]
fn inode(m: &std::fs::Metadata) -> u64 {
    use std::os::unix::fs::MetadataExt;
    m.ino()
}

#[cfg(not(unix))]
fn inode(_: &std::fs::Metadata) -> u64 {
    0
}

/// One followed file.
struct Followed {
    path: PathBuf,
    display: String,
    file: Option<File>,
    ino: u64,
    offset: u64,
    carry: Vec<u8>,
    discarding: bool,
    log: LogFormat,
    extractor: Option<Extractor>,
}

impl Followed {
    fn new(path: &Path, log: LogFormat) -> Self {
        Followed {
            path: path.to_path_buf(),
            display: path.display().to_string(),
            file: None,
            ino: 0,
            offset: 0,
            carry: Vec::new(),
            discarding: false,
            log,
            extractor: None,
        }
    }

    fn reset(&mut self) {
        self.offset = 0;
        self.carry.clear();
        self.discarding = false;
    }

    /// Reads what is new; returns whether anything was.
    fn poll(
        &mut self,
        m: &Matcher,
        fmt: AlertFormat,
        out: &mut Vec<u8>,
        st: &mut ScanStats,
    ) -> bool {
        let meta = std::fs::metadata(&self.path).ok();
        let mut any = false;
        if let Some(meta) = &meta {
            let ino = inode(meta);
            if self.file.is_some() && ino != self.ino {
                // Rotated: finish the old file, then switch.
                any |= self.drain(m, fmt, out, st);
                self.file = None;
            }
            if self.file.is_none() {
                if let Ok(f) = File::open(&self.path) {
                    self.file = Some(f);
                    self.ino = ino;
                    self.reset();
                }
            } else if meta.len() < self.offset {
                // Truncated: start over.
                if let Some(f) = &mut self.file {
                    let _ = f.seek(SeekFrom::Start(0));
                }
                self.reset();
            }
        }
        any | self.drain(m, fmt, out, st)
    }

    /// Reads the open file to its current end.
    fn drain(
        &mut self,
        m: &Matcher,
        fmt: AlertFormat,
        out: &mut Vec<u8>,
        st: &mut ScanStats,
    ) -> bool {
        let Some(file) = &mut self.file else {
            return false;
        };
        let mut any = false;
        let mut chunk = vec![0u8; 1 << 20];
        loop {
            let n = match file.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(_) => break,
            };
            any = true;
            st.bytes += n as u64;
            let data = &chunk[..n];
            let start_offset = self.offset - self.carry.len() as u64;
            self.offset += n as u64;
            self.carry.extend_from_slice(data);
            let Some(last_nl) = memchr::memrchr(b'\n', &self.carry) else {
                if self.carry.len() > MAX_LINE {
                    if !self.discarding {
                        st.lines += 1;
                        st.skipped[Skip::TooLong.index()] += 1;
                    }
                    self.discarding = true;
                    self.carry.clear();
                }
                continue;
            };
            let mut from = 0;
            if self.discarding {
                from = memchr::memchr(b'\n', &self.carry).map_or(0, |i| i + 1);
                self.discarding = false;
            }
            let region = &self.carry[from..=last_nl];
            if self.extractor.is_none() {
                let log = if self.log == LogFormat::Auto {
                    LogFormat::detect(&region[..region.len().min(8192)])
                } else {
                    self.log
                };
                self.extractor = Some(Extractor::new(log));
            }
            let mut lm = LineMatcher::new(m, fmt, &self.display, LogFormat::Text);
            if let Some(e) = self.extractor.take() {
                lm.extractor = e;
            }
            let body = &region[..region.len() - 1];
            lm.lines(body, start_offset + from as u64, out, st);
            self.extractor = Some(lm.extractor);
            self.carry.drain(..=last_nl);
        }
        any
    }
}

/// Follows `paths` until `stop` is set, writing alerts to `out` as they are found (each
/// poll's alerts flushed together). `refresh` is asked between polls for a newer
/// matcher (`None`: keep the current one).
pub fn follow(
    paths: &[PathBuf],
    settings: Settings,
    mut matcher: Arc<Matcher>,
    mut refresh: impl FnMut() -> Option<Arc<Matcher>>,
    out: &mut dyn Write,
    stats: &mut ScanStats,
    stop: &AtomicBool,
) -> io::Result<()> {
    let Settings { log, format, .. } = settings;
    let mut files: Vec<Followed> = paths.iter().map(|p| Followed::new(p, log)).collect();
    let mut buf = Vec::new();
    while !stop.load(Ordering::Relaxed) {
        if let Some(m) = refresh() {
            matcher = m;
        }
        let mut any = false;
        for f in &mut files {
            any |= f.poll(&matcher, format, &mut buf, stats);
        }
        if !buf.is_empty() {
            out.write_all(&buf)?;
            out.flush()?;
            buf.clear();
        }
        if !any {
            std::thread::sleep(POLL);
        }
    }
    Ok(())
}
