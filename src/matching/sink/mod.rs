// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Where alerts go. A scan hands each [`Alert`] to an [`AlertSink`]: [`AlertSink::add`]
//! runs on the scan thread that found it, into that thread's [`AlertSink::Part`] (so
//! the threads share nothing while they work), and [`AlertSink::deliver`] takes the
//! parts in input order. Each output is one file here:
//! [`ecs`] (ECS alert lines), [`zeek_intel`] (a Zeek `intel.log`), [`hits`] (the
//! dashboard's [`crate::model::LogHit`]s, each with its event's internal [`host`]) and
//! [`sightings`] (the store's `sightings`).

pub mod ecs;
pub mod hits;
pub mod host;
pub mod sightings;
pub mod zeek_intel;

use std::io;

use super::alert::Alert;

pub use ecs::EcsSink;
pub use hits::HitSink;
pub use sightings::{Recorder, RecorderStats, SightingsSink};
pub use zeek_intel::ZeekIntelSink;

/// The output formats of `match`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AlertFormat {
    /// ECS alert documents, one per line.
    Jsonl,
    /// Zeek `intel.log` TSV.
    ZeekIntel,
}

/// Takes alerts. `add` is called on scan threads (so `&self`), each with a part of its
/// own; `deliver` takes the parts in the order of the input they came from; `flush`
/// pushes out what is buffered (after each block or wake); `sync` returns once
/// everything delivered is kept as far as the sink can keep it — a file's output
/// written and flushed to the operating system, sightings committed or spooled — which
/// is what a Redis consumer waits for before it acknowledges entries.
pub trait AlertSink: Send + Sync {
    /// What one scan thread collects between deliveries.
    type Part: Default + Send;

    /// Adds one alert to `part`.
    fn add(&self, part: &mut Self::Part, alert: &Alert<'_>);

    /// Takes a part, in input order.
    fn deliver(&mut self, part: Self::Part) -> io::Result<()>;

    /// Pushes out what was delivered. Errors: the output cannot be written.
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }

    /// Keeps what was delivered (see the trait's docs). Errors: it cannot be written or
    /// kept.
    fn sync(&mut self) -> io::Result<()> {
        self.flush()
    }
}

/// No sink: the alerts are only counted (`Option::None`); `Some` passes through.
impl<S: AlertSink> AlertSink for Option<S> {
    type Part = S::Part;

    fn add(&self, part: &mut S::Part, alert: &Alert<'_>) {
        if let Some(s) = self {
            s.add(part, alert);
        }
    }

    fn deliver(&mut self, part: S::Part) -> io::Result<()> {
        match self {
            Some(s) => s.deliver(part),
            None => Ok(()),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Some(s) => s.flush(),
            None => Ok(()),
        }
    }

    fn sync(&mut self) -> io::Result<()> {
        match self {
            Some(s) => s.sync(),
            None => Ok(()),
        }
    }
}

/// A sink chosen at run time (`match --format`).
impl<P: Default + Send> AlertSink for Box<dyn AlertSink<Part = P>> {
    type Part = P;

    fn add(&self, part: &mut P, alert: &Alert<'_>) {
        (**self).add(part, alert);
    }

    fn deliver(&mut self, part: P) -> io::Result<()> {
        (**self).deliver(part)
    }

    fn flush(&mut self) -> io::Result<()> {
        (**self).flush()
    }

    fn sync(&mut self) -> io::Result<()> {
        (**self).sync()
    }
}

/// Two sinks fed the same alerts (the alert file and the store's sightings).
#[derive(Debug)]
pub struct Tee<A, B>(pub A, pub B);

impl<A: AlertSink, B: AlertSink> AlertSink for Tee<A, B> {
    type Part = (A::Part, B::Part);

    fn add(&self, part: &mut Self::Part, alert: &Alert<'_>) {
        self.0.add(&mut part.0, alert);
        self.1.add(&mut part.1, alert);
    }

    fn deliver(&mut self, part: Self::Part) -> io::Result<()> {
        let first = self.0.deliver(part.0);
        self.1.deliver(part.1)?;
        first
    }

    fn flush(&mut self) -> io::Result<()> {
        let first = self.0.flush();
        self.1.flush()?;
        first
    }

    fn sync(&mut self) -> io::Result<()> {
        let first = self.0.sync();
        self.1.sync()?;
        first
    }
}

/// Discards alerts (scans that only count).
#[derive(Debug, Default, Clone, Copy)]
pub struct Discard;

impl AlertSink for Discard {
    type Part = ();

    fn add(&self, _: &mut (), _: &Alert<'_>) {}

    fn deliver(&mut self, _: ()) -> io::Result<()> {
        Ok(())
    }
}
