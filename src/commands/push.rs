// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Push-back from the headless commands, so that a deployment without a dashboard
//! pushes too: `fetch` pushes what is pending after its fetches (a cron job), and
//! `match --record` after its run and every minute while it follows a log or a stream
//! (a sensor). Each says what went on standard error, one line per source that had
//! something to say; a failure is kept in the log file too.

use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::config::push::PUSH_EVERY;
use crate::config::{Availability, Config, SourceSpec};
use crate::sources::FetchContext;
use crate::store::persist::SharedStore;
use crate::trust::push::{PushOutcome, PushReport, next_wait, push_all};

/// The enabled sources of `config` with `push: true`.
pub(super) fn pushing(config: &Config) -> Vec<SourceSpec> {
    config
        .sources
        .iter()
        .filter(|s| s.push.is_some() && config.availability(s) == Availability::Enabled)
        .cloned()
        .collect()
}

/// Says what `reports` hold: a line per source with news on standard error, and the
/// failures in the log file.
pub(super) fn say(reports: &[PushReport]) {
    for r in reports.iter().filter(|r| r.is_news()) {
        let line = r.line();
        match r.outcome {
            PushOutcome::Failed(_) => {
                eprintln!("warning: {line}");
                crate::logging::record_warning(&line);
            }
            _ => eprintln!("{line}"),
        }
    }
}

/// Pushes what is pending to every pushing source of `config` once, on `rt`.
pub(super) fn once(
    rt: &tokio::runtime::Runtime,
    ctx: &FetchContext,
    store: &SharedStore,
    config: &Config,
) {
    let specs = pushing(config);
    if !specs.is_empty() {
        say(&rt.block_on(push_all(ctx, store, &specs)));
    }
}

/// A push every minute in a thread of its own while `match` runs, and a last one when
/// it ends ([`Background::close`]).
pub(super) struct Background {
    stop: Arc<(Mutex<bool>, Condvar)>,
    thread: JoinHandle<()>,
}

impl Background {
    /// Starts pushing to the pushing sources of `config` through `store`; `None` when
    /// none pushes (or the thread cannot start, said on standard error).
    pub(super) fn start(config: &Config, store: SharedStore) -> Option<Background> {
        let specs = pushing(config);
        if specs.is_empty() {
            return None;
        }
        let ctx = match FetchContext::new(config) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("warning: push: {e}");
                return None;
            }
        };
        let stop = Arc::new((Mutex::new(false), Condvar::new()));
        let flag = Arc::clone(&stop);
        let (ready, started) = std::sync::mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name("push".into())
            .spawn(move || {
                let rt = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => return eprintln!("warning: push: cannot start: {e}"),
                };
                // What this run records from now on is pushed, even on a first run.
                if let Err(e) = rt.block_on(crate::trust::push::start(&store, &specs)) {
                    eprintln!("warning: push: {e}");
                }
                let _ = ready.send(());
                let mut next: Vec<(Instant, u32)> =
                    vec![(Instant::now() + PUSH_EVERY, 0); specs.len()];
                loop {
                    let wake = next.iter().map(|n| n.0).min().unwrap_or_else(Instant::now);
                    if wait_or_stop(&flag, wake) {
                        break;
                    }
                    let now = Instant::now();
                    let due: Vec<SourceSpec> = specs
                        .iter()
                        .zip(&next)
                        .filter(|(_, n)| n.0 <= now)
                        .map(|(s, _)| s.clone())
                        .collect();
                    let reports = rt.block_on(push_all(&ctx, &store, &due));
                    say(&reports);
                    for r in &reports {
                        if let Some(i) = specs.iter().position(|s| s.name == r.source) {
                            let (wait, failures) = next_wait(&r.outcome, next[i].1);
                            next[i] = (Instant::now() + wait, failures);
                        }
                    }
                }
                say(&rt.block_on(push_all(&ctx, &store, &specs)));
            });
        match spawned {
            Ok(thread) => {
                // The store answers at once, or the run goes on without waiting longer.
                let _ = started.recv_timeout(Duration::from_secs(10));
                Some(Background { stop, thread })
            }
            Err(e) => {
                eprintln!("warning: push: cannot start: {e}");
                None
            }
        }
    }

    /// Stops the minutely pushes and pushes once more (what the run recorded last).
    pub(super) fn close(self) {
        let (lock, cv) = &*self.stop;
        *crate::model::lock(lock) = true;
        cv.notify_all();
        let _ = self.thread.join();
    }
}

/// Waits until `wake` or until stopped; whether stopped.
fn wait_or_stop(stop: &(Mutex<bool>, Condvar), wake: Instant) -> bool {
    let (lock, cv) = stop;
    let mut stopped = crate::model::lock(lock);
    while !*stopped {
        let left = wake.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return false;
        }
        stopped = match cv.wait_timeout(stopped, left.min(Duration::from_secs(3_600))) {
            Ok((g, _)) => g,
            Err(p) => p.into_inner().0,
        };
    }
    true
}
