// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    intellisiem::memory::tune_allocator();
    let cli = intellisiem::cli::Cli::parse();
    intellisiem::commands::run(cli)
}
