// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The indicator store: the merged set across sources ([`set`]), its filter, each
//! source's fetch health, and persistence ([`persist`]).

pub mod columns;
pub mod enriched;
pub mod filter;
pub mod health;
pub mod persist;
pub mod scored;
pub mod set;
pub mod sort;

pub use set::{Entry, Replaced, SourceId, Store};
