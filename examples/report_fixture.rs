// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Writes the report's seeded fixture store (`intellisiem::report::fixture`) to a new
//! SQLite file, and a config beside it naming its sources:
//!
//! ```text
//! cargo run --release --example report_fixture -- --out /tmp/brief.db --seed 7 --scale 1
//! TZ=UTC target/release/intellisiem report --config /tmp/brief.db.yaml --since 7d --format md
//! ```
//! `--scale 500` makes 1,000,000 indicators and 100,000 hits; `--now` (RFC 3339, default
//! the current time) is when the fixture's history ends.

#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use clap::Parser;
use intellisiem::report::fixture;

#[derive(Parser)]
struct Args {
    /// The SQLite file to write (must not exist)
    #[arg(long)]
    out: PathBuf,
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// 1: about 2,000 indicators and 200 hits; each unit adds as many
    #[arg(long, default_value_t = 1)]
    scale: u32,
    /// When the history ends (RFC 3339; default now)
    #[arg(long)]
    now: Option<jiff::Timestamp>,
}

fn main() {
    let args = Args::parse();
    if args.out.exists() {
        eprintln!("error: {} exists; give a new file", args.out.display());
        std::process::exit(2);
    }
    let (store, notes) = intellisiem::store::persist::open(Some(&args.out));
    let Some(store) = store else {
        eprintln!("error: {}", notes.join("; "));
        std::process::exit(2);
    };
    let spec = fixture::Spec {
        seed: args.seed,
        scale: args.scale,
        now: args.now.unwrap_or_else(jiff::Timestamp::now),
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let facts = rt.block_on(fixture::write(store.as_ref(), &spec)).unwrap();
    let config = args.out.with_extension("db.yaml");
    std::fs::write(&config, fixture::config_yaml(&args.out)).unwrap();
    for (name, n) in &facts.held {
        println!("{name}: {n} indicators");
    }
    println!(
        "{} hits, {} marks; failing: {}; config: {}",
        facts.hits,
        facts.marks,
        facts.failing.join(", "),
        config.display()
    );
}
