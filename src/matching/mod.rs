// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Hunting for the indicator set in logs: extractors turn each log format into
//! (ECS field, value) pairs, the [`Matcher`] looks each value up, and each matched event
//! becomes a typed [`alert::Alert`] handed to a [`sink::AlertSink`] (ECS lines, a Zeek
//! `intel.log`, the dashboard's hits, the store's sightings). Used by `intellisiem match`
//! (files, stdin, `--follow`, a Redis stream), the dashboard's `logs:` and retro-hunts;
//! formats as described in FORMATS-LOGS.md §1–§6.

pub mod alert;
pub mod extract;
pub mod follow;
pub mod indicators;
pub mod input;
pub mod keys;
pub mod log_paths;
pub mod matcher;
mod prepare;
pub mod retro;
pub mod scan;
pub mod sink;
pub mod warninglist;

pub use extract::{Event, LogFormat, ValueKind};
pub use matcher::{Hit, MatchOptions, Matcher, MatcherBuilder, Meta};
pub use warninglist::{Warninglist, Warninglists};
