// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Line formats written on every core, in order: the entries are cut into blocks of
//! [`BLOCK`], each block is formatted into its own buffer by whichever thread takes it,
//! and the calling thread writes the buffers in block order. A million JSON lines take
//! a third of the time of one thread (`benches/fetch_peer.py` side by side, BENCHMARKS.md).
//! At most `2 × threads` blocks are formatted ahead of the writer, so memory stays
//! bounded whatever the count.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

/// Entries per block.
pub const BLOCK: usize = 8_192;

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
    let ahead = 2 * threads;
    let (tx, rx) = mpsc::sync_channel::<(usize, Vec<u8>)>(ahead);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let tx = tx.clone();
            let (next, written, line) = (&next, &written, &line);
            scope.spawn(move || {
                loop {
                    let b = next.fetch_add(1, Ordering::Relaxed);
                    if b >= blocks {
                        return;
                    }
                    while b >= written.load(Ordering::Acquire) + ahead {
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
        let mut result = Ok(());
        for (b, buf) in rx {
            pending.insert(b, buf);
            while let Some(buf) = pending.remove(&want) {
                if result.is_ok() {
                    result = w.write_all(&buf);
                }
                want += 1;
                written.store(want, Ordering::Release);
            }
            if result.is_err() {
                // Let the workers finish their blocks and stop: nothing more is written.
                written.store(blocks, Ordering::Release);
            }
        }
        result
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
        let items: Vec<usize> = (0..20 * BLOCK).collect();
        let e = write_parallel(&items, Full, |i, buf| {
            buf.extend_from_slice(format!("{i:0200}\n").as_bytes());
        })
        .unwrap_err();
        assert_eq!(e.to_string(), "disk full");
    }
}
