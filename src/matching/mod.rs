// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Hunting for the indicator set in logs: extractors turn each log format into
//! (ECS field, value) pairs, the [`Matcher`] looks each value up, and alerts are written
//! as ECS JSON lines or a Zeek `intel.log`. Used by `intellisiem match` (files, stdin,
//! `--follow`); formats as described in FORMATS-LOGS.md §1–§6.

pub mod alert;
pub mod extract;
pub mod follow;
pub mod hits;
pub mod indicators;
pub mod keys;
pub mod matcher;
mod prepare;
pub mod retro;
pub mod scan;
pub mod warninglist;

pub use extract::{Event, LogFormat, ValueKind};
pub use matcher::{Hit, MatchOptions, Matcher, MatcherBuilder, Meta};
pub use warninglist::{Warninglist, Warninglists};
