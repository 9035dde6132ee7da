// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The indicator store: the merged set across sources.

pub mod cache;
pub mod columns;
pub mod filter;
pub mod health;
pub mod merge;

pub use merge::{Entry, Replaced, SourceId, Store};
