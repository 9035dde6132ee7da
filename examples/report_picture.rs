// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The README's picture of the PDF report: makes the seeded fixture store
//! (`intellisiem::report::fixture`, seed 7, its history ending 2026-11-30T00:00Z) in a
//! temporary folder, reads the brief of its last 7 days (UTC), renders the PDF and
//! writes page 1 as a small PNG with poppler's `pdftoppm` (Debian `poppler-utils`):
//!
//! ```text
//! cargo run --release --example report_picture -- --out assets/report-page1.png
//! ```
//! `--pdf FILE` keeps the PDF too; `--dpi` sets the picture's resolution (default 50);
//! `--sample` renders `report::sample::brief()` instead of the fixture's brief.
//! It prints the page count and how long reading and rendering took.

#![allow(clippy::unwrap_used)]

use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;
use std::time::Instant;

use clap::Parser;
use intellisiem::report::fixture::{self, Spec};
use intellisiem::report::pdf::Pdf;
use intellisiem::report::read::{self, Query};
use intellisiem::report::{ReportWriter, Templates};
use jiff::{SignedDuration, Timestamp};

#[derive(Parser)]
struct Args {
    /// The PNG of page 1 to write
    #[arg(long, default_value = "assets/report-page1.png")]
    out: PathBuf,
    /// Also keep the PDF here
    #[arg(long)]
    pdf: Option<PathBuf>,
    /// The picture's resolution, in dots per inch
    #[arg(long, default_value_t = 50)]
    dpi: u32,
    /// Render `report::sample::brief()` (hostile strings, no store) instead
    #[arg(long)]
    sample: bool,
}

/// The fixture's history ends here: 2026-11-30T00:00:00Z.
const NOW: Timestamp = Timestamp::constant(1_795_996_800, 0);

fn main() {
    let args = Args::parse();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("brief.db");
    let (store, notes) = intellisiem::store::persist::open(Some(&db));
    let Some(store) = store else {
        eprintln!("error: {}", notes.join("; "));
        std::process::exit(2);
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let spec = Spec {
        seed: 7,
        scale: 1,
        now: NOW,
    };
    rt.block_on(fixture::write(store.as_ref(), &spec)).unwrap();
    let config_path = dir.path().join("config.yaml");
    std::fs::write(&config_path, fixture::config_yaml(&db)).unwrap();
    let config =
        intellisiem::sources::registry::load_config(Some(&config_path), &|_| None).unwrap();
    let query = Query {
        from: NOW - SignedDuration::from_hours(7 * 24),
        to: NOW,
        sources: Vec::new(),
        sensors: Vec::new(),
        time_zone: jiff::tz::TimeZone::UTC,
        lists: Arc::new(intellisiem::matching::Warninglists::load(&[]).unwrap()),
        now: NOW,
    };
    let started = Instant::now();
    let brief = if args.sample {
        intellisiem::report::sample::brief()
    } else {
        rt.block_on(read::brief(store.as_ref(), &config, &query))
            .unwrap()
    };
    let read_took = started.elapsed();
    let started = Instant::now();
    let mut bytes = Vec::new();
    Pdf::default()
        .write(&brief, &Templates::load(None).unwrap(), &mut bytes)
        .unwrap();
    let render_took = started.elapsed();
    let pdf = args
        .pdf
        .clone()
        .unwrap_or_else(|| dir.path().join("brief.pdf"));
    std::fs::write(&pdf, &bytes).unwrap();
    let prefix = dir.path().join("page1");
    let status = Command::new("pdftoppm")
        .args([
            "-png",
            "-r",
            &args.dpi.to_string(),
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
        ])
        .arg(&pdf)
        .arg(&prefix)
        .status();
    match status {
        Ok(s) if s.success() => {}
        _ => {
            eprintln!("error: pdftoppm failed or is not installed (apt-get install poppler-utils)");
            std::process::exit(2);
        }
    }
    std::fs::copy(prefix.with_extension("png"), &args.out).unwrap();
    let info = Command::new("pdfinfo").arg(&pdf).output().unwrap();
    let pages = String::from_utf8_lossy(&info.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:").map(|n| n.trim().to_string()))
        .unwrap_or_default();
    println!(
        "brief read in {read_took:?}, PDF ({} bytes, {pages} pages) rendered in {render_took:?}; page 1: {} ({} bytes)",
        bytes.len(),
        args.out.display(),
        std::fs::metadata(&args.out).unwrap().len()
    );
}
