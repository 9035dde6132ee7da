// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

use std::process::ExitCode;

use clap::Parser;

#[global_allocator]
static ALLOC: intellisiem::memory::HugePageAlloc = intellisiem::memory::HugePageAlloc;

fn main() -> ExitCode {
    intellisiem::memory::tune_allocator();
    let cli = intellisiem::cli::Cli::parse();
    intellisiem::commands::run(cli)
}
