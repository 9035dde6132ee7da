// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! `match` and SIGINT / SIGTERM: the first asks the run to stop — `--follow` and
//! `--redis` stop reading within a fraction of a second, a scan of files or standard
//! input stops at its next read, even while a pipe is silent — and the run then writes
//! what it holds, closes the recording and prints its summary. A second signal ends the
//! process at once (exit status 128 + the signal's number).

use std::io::{self, Read};
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::mpsc;
use std::time::Duration;

/// Set by the first SIGINT or SIGTERM.
pub(super) static STOP: AtomicBool = AtomicBool::new(false);

/// The number of the signal that set [`STOP`] (0: none).
static SIGNAL: AtomicU8 = AtomicU8::new(0);

/// How often a read of a silent pipe looks whether the run is asked to stop.
const STOP_CHECK: Duration = crate::matching::follow::STOP_CHECK;

/// Bytes read from standard input at a time.
const STDIN_CHUNK: usize = 256 << 10;

/// The name of the signal that stopped the run, if one did.
pub(super) fn stopped_by() -> Option<&'static str> {
    match SIGNAL.load(Ordering::Relaxed) {
        2 => Some("SIGINT"),
        15 => Some("SIGTERM"),
        _ => None,
    }
}

/// The exit status of a run the signal stopped before the end of its input: 128 + the
/// signal's number, as a shell reports a process it ended.
pub(super) fn interrupted_status() -> Option<u8> {
    match SIGNAL.load(Ordering::Relaxed) {
        0 => None,
        n => Some(128 + n),
    }
}

/// Sets [`STOP`] on the first SIGINT or SIGTERM, from a thread of its own; ends the
/// process on the second.
pub(super) fn stop_on_signal() {
    let _ = std::thread::Builder::new()
        .name("signals".into())
        .spawn(|| {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async {
                let Some(mut next) = Signals::new() else {
                    return;
                };
                let first = next.recv().await;
                SIGNAL.store(first, Ordering::Relaxed);
                STOP.store(true, Ordering::Relaxed);
                let second = next.recv().await;
                std::process::exit(128 + i32::from(second));
            });
        });
}

/// The signals that stop a run.
struct Signals {
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
    #[cfg(unix)]
    int: tokio::signal::unix::Signal,
}

impl Signals {
    fn new() -> Option<Signals> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Some(Signals {
                term: signal(SignalKind::terminate()).ok()?,
                int: signal(SignalKind::interrupt()).ok()?,
            })
        }
        #[cfg(not(unix))]
        Some(Signals {})
    }

    /// The number of the next signal.
    async fn recv(&mut self) -> u8 {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.term.recv() => 15,
                _ = self.int.recv() => 2,
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
            2
        }
    }
}

/// The error a read gives once the run is asked to stop.
#[derive(Debug, thiserror::Error)]
#[error("stopped by a signal")]
struct Stopped;

/// Whether `e` is the error of a read the stop ended.
pub(super) fn is_stop(e: &io::Error) -> bool {
    e.get_ref().is_some_and(|inner| inner.is::<Stopped>())
}

fn stopped() -> io::Error {
    io::Error::other(Stopped)
}

/// A file (or a decompressor over one) whose reads fail with [`Stopped`] once the run
/// is asked to stop.
pub(super) struct UntilStop<R>(pub R);

impl<R: Read> Read for UntilStop<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if STOP.load(Ordering::Relaxed) {
            return Err(stopped());
        }
        self.0.read(buf)
    }
}

/// Standard input, read on a thread of its own so that a stop is seen while the pipe
/// is silent (its writer alive but idle): reads fail with [`Stopped`] within
/// [`STOP_CHECK`] of it. Each read returns what one read of the pipe gave, so lines are
/// still scanned as they arrive.
pub(super) struct Stdin {
    chunks: mpsc::Receiver<io::Result<Vec<u8>>>,
    pending: Vec<u8>,
    at: usize,
}

impl Stdin {
    pub(super) fn new() -> Stdin {
        let (tx, rx) = mpsc::sync_channel(4);
        let failed = tx.clone();
        let spawned = std::thread::Builder::new()
            .name("stdin".into())
            .spawn(move || {
                let mut stdin = io::stdin().lock();
                loop {
                    let mut chunk = vec![0u8; STDIN_CHUNK];
                    let got = match stdin.read(&mut chunk) {
                        Ok(n) => {
                            chunk.truncate(n);
                            Ok(chunk)
                        }
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        Err(e) => Err(e),
                    };
                    // The end of the input, or an error: the last message.
                    let last = !matches!(&got, Ok(c) if !c.is_empty());
                    if tx.send(got).is_err() || last {
                        return;
                    }
                }
            });
        if let Err(e) = spawned {
            let _ = failed.send(Err(e));
        }
        Stdin {
            chunks: rx,
            pending: Vec::new(),
            at: 0,
        }
    }
}

impl Read for Stdin {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if STOP.load(Ordering::Relaxed) {
                return Err(stopped());
            }
            if self.at < self.pending.len() {
                let n = buf.len().min(self.pending.len() - self.at);
                buf[..n].copy_from_slice(&self.pending[self.at..self.at + n]);
                self.at += n;
                return Ok(n);
            }
            match self.chunks.recv_timeout(STOP_CHECK) {
                Ok(Ok(chunk)) if chunk.is_empty() => return Ok(0),
                Ok(Ok(chunk)) => {
                    self.pending = chunk;
                    self.at = 0;
                }
                Ok(Err(e)) => return Err(e),
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => return Ok(0),
            }
        }
    }
}
