// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Logging for the headless commands: `tracing` to stderr, filtered by
//! `INTELLISIEM_LOG` (default `warn`).

use tracing_subscriber::EnvFilter;

pub const LOG_ENV: &str = "INTELLISIEM_LOG";

pub fn filter() -> EnvFilter {
    EnvFilter::try_from_env(LOG_ENV).unwrap_or_else(|_| EnvFilter::new("warn"))
}

pub fn init_stderr() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter())
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}
