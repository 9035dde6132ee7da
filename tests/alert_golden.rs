// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The alert outputs of `match`, byte for byte: `tests/fixtures/golden/alerts.jsonl`
//! (ECS) and `intel.log` (Zeek Intel) were written by the printers that worked inside
//! the scan, before alerts became data handed to sinks. The sinks must write the same
//! bytes for the same events, hostile strings and multi-indicator events included.

#![allow(clippy::unwrap_used)]

mod common;

fn run(format: &str) -> Vec<u8> {
    let home = tempfile::tempdir().expect("a temporary home");
    let out = common::clean_bin(home.path())
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "match",
            "--no-warninglists",
            "--indicators",
            "tests/fixtures/golden/indicators.jsonl",
            "--format",
            format,
            "tests/fixtures/golden/eve.json",
            "tests/fixtures/logs/zeek/zeek.log",
        ])
        .output()
        .expect("match runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn golden(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/golden/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("golden file")
}

#[test]
fn ecs_alerts_are_byte_for_byte_the_golden_file() {
    let got = run("jsonl");
    assert!(
        got == golden("alerts.jsonl"),
        "{}",
        String::from_utf8_lossy(&got)
    );
}

#[test]
fn zeek_intel_rows_are_byte_for_byte_the_golden_file() {
    let got = run("zeek-intel");
    assert!(
        got == golden("intel.log"),
        "{}",
        String::from_utf8_lossy(&got)
    );
}
