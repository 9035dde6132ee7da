// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Logging: `tracing`, filtered by `INTELLISIEM_LOG`. The headless commands write
//! warnings to stderr; the dashboard shows its own info lines too, in its log pane.

use tracing_subscriber::EnvFilter;

pub const LOG_ENV: &str = "INTELLISIEM_LOG";

/// `$INTELLISIEM_LOG`, else `default` (an `EnvFilter` directive).
pub fn filter(default: &str) -> EnvFilter {
    EnvFilter::try_from_env(LOG_ENV).unwrap_or_else(|_| EnvFilter::new(default))
}

pub fn init_stderr() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter("warn"))
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}
