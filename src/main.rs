// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = intellisiem::cli::Cli::parse();
    intellisiem::commands::run(cli)
}
