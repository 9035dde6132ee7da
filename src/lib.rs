// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! IntelliSIEM: threat-intelligence indicators from many sources, merged into one set,
//! for a terminal dashboard and for headless export.

#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod app;
pub mod cli;
pub mod commands;
pub mod config;
pub mod demo;
pub mod engine;
pub mod enrichment;
pub mod export;
pub mod logging;
pub mod matching;
pub mod memory;
pub mod model;
pub mod net;
pub mod report;
pub mod runtime;
pub mod serve;
pub mod sources;
pub mod store;
pub mod trust;
pub mod ui;
