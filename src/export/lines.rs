// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Line formats written on every core, in order: the entries are cut into blocks of
//! [`BLOCK`], each block is formatted into its own buffer by whichever thread takes it,
//! and the calling thread writes the buffers in block order (with the field writer of
//! `jsonl.rs`, a million JSON lines went from 0.53–0.61 s to under 0.30 s on two cores;
//! BENCHMARKS.md, "Real inputs, round three"). At most `2 × threads` blocks are
//! formatted ahead of the writer, so memory stays bounded whatever the count; a write
//! error or a panic stops every worker.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;

/// Entries per block.
pub const BLOCK: usize = 8_192;

/// Stops every worker when the one holding it unwinds, so none waits for a block that
/// will never come; the scope then passes the panic on.
struct StopOnPanic<'a>(&'a AtomicBool);

impl Drop for StopOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.store(true, Ordering::Relaxed);
        }
    }
}

/// Writes one line (or lines) per item of `items` to `out` with `line`, which appends
/// to the buffer it is given; returns the number of items. Errors: `out` cannot be
/// written. Below two blocks, or on one core, everything is written on this thread.
pub fn write_parallel<T: Sync, W: Write>(
    items: &[T],
    out: W,
    line: impl Fn(&T, &mut Vec<u8>) + Sync,
) -> io::Result<usize> {
    let mut w = io::BufWriter::with_capacity(1 << 20, out);
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    if threads < 2 || items.len() < 2 * BLOCK {
        let mut buf = Vec::with_capacity(512);
        for item in items {
            buf.clear();
            line(item, &mut buf);
            w.write_all(&buf)?;
        }
        w.flush()?;
        return Ok(items.len());
    }
    let blocks = items.len().div_ceil(BLOCK);
    let next = AtomicUsize::new(0);
    // The writer's progress: workers do not run more than `ahead` blocks past it.
    let written = AtomicUsize::new(0);
    // Set when the writer fails or a worker panics: every worker stops.
    let stop = AtomicBool::new(false);
    let ahead = 2 * threads;
    let (tx, rx) = mpsc::sync_channel::<(usize, Vec<u8>)>(ahead);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let tx = tx.clone();
            let (next, written, stop, line) = (&next, &written, &stop, &line);
            scope.spawn(move || {
                let _guard = StopOnPanic(stop);
                loop {
                    let b = next.fetch_add(1, Ordering::Relaxed);
                    if b >= blocks || stop.load(Ordering::Relaxed) {
                        return;
                    }
                    while b >= written.load(Ordering::Acquire) + ahead {
                        if stop.load(Ordering::Relaxed) {
                            return;
                        }
                        std::thread::park_timeout(std::time::Duration::from_millis(1));
                    }
                    let chunk = &items[b * BLOCK..((b + 1) * BLOCK).min(items.len())];
                    let mut buf = Vec::with_capacity(chunk.len() * 256);
                    for item in chunk {
                        line(item, &mut buf);
                    }
                    if tx.send((b, buf)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(tx);
        let mut pending = BTreeMap::new();
        let mut want = 0;
        // Ends when every worker is done (or gone, after a panic), or at a write error.
        while let Ok((b, buf)) = rx.recv() {
            pending.insert(b, buf);
            while let Some(buf) = pending.remove(&want) {
                if let Err(e) = w.write_all(&buf) {
                    stop.store(true, Ordering::Relaxed);
                    // Dropping the receiver fails the workers' sends: they return.
                    drop(rx);
                    return Err(e);
                }
                want += 1;
                written.store(want, Ordering::Release);
            }
        }
        Ok(())
    })?;
    w.flush()?;
    Ok(items.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_come_out_in_order_whatever_thread_formats_them() {
        for n in [0, 1, BLOCK - 1, 2 * BLOCK, 5 * BLOCK + 17] {
            let items: Vec<usize> = (0..n).collect();
            let mut out = Vec::new();
            let count = write_parallel(&items, &mut out, |i, buf| {
                buf.extend_from_slice(format!("{i}\n").as_bytes());
            })
            .unwrap();
            assert_eq!(count, n);
            let want: String = (0..n).map(|i| format!("{i}\n")).collect();
            assert!(out == want.as_bytes(), "n = {n}");
        }
    }

    #[test]
    fn a_write_error_is_returned_and_nothing_hangs() {
        struct Full;
        impl Write for Full {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::Error::other("disk full"))
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let items: Vec<usize> = (0..40 * BLOCK).collect();
        let formatted = AtomicUsize::new(0);
        let e = write_parallel(&items, Full, |i, buf| {
            formatted.fetch_add(1, Ordering::Relaxed);
            buf.extend_from_slice(format!("{i:0200}\n").as_bytes());
        })
        .unwrap_err();
        assert_eq!(e.to_string(), "disk full");
        let n = formatted.load(Ordering::Relaxed);
        assert!(n < items.len() / 2, "the workers stopped: {n} formatted");
    }

    #[test]
    fn a_panic_while_formatting_is_passed_on_not_a_hang() {
        let items: Vec<usize> = (0..10 * BLOCK).collect();
        let r = std::panic::catch_unwind(|| {
            let _ = write_parallel(&items, io::sink(), |i, buf| {
                assert!(*i != 3 * BLOCK + 5, "a bad item");
                buf.push(b'x');
            });
        });
        assert!(r.is_err());
    }
}
