// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The figures: latency quantiles, rates, failures by status, the server's RSS.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::Drive;
use crate::client::{Class, Sample};

/// `VmHWM` and `VmRSS` of a process, in kB (`None`: no such process or no Linux `/proc`).
pub fn rss(pid: u32) -> Option<(u64, u64)> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| {
        s.lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
    };
    Some((field("VmHWM:")?, field("VmRSS:")?))
}

/// A duration for the table: `4.2 ms`, `105 ms`, `1.05 s`.
pub fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1e3;
    if ms >= 1000.0 {
        format!("{:.2} s", ms / 1e3)
    } else if ms >= 10.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{ms:.1} ms")
    }
}

/// A byte count for the table: kB, MB or GB (decimal).
pub fn size(b: u64) -> String {
    let b = b as f64;
    if b >= 1e9 {
        format!("{:.2} GB", b / 1e9)
    } else if b >= 1e6 {
        format!("{:.1} MB", b / 1e6)
    } else {
        format!("{:.0} kB", b / 1e3)
    }
}

/// The `q` quantile (0-1) of sorted `v`, nearest rank.
fn quantile(v: &[Duration], q: f64) -> Duration {
    let rank = ((q * v.len() as f64).ceil() as usize).clamp(1, v.len());
    v[rank - 1]
}

/// Prints the figures of `samples` over `wall`; the exit code (1: an EDL request failed).
pub fn report(d: &Drive, samples: &[Sample], wall: Duration, peak_kb: u64) -> i32 {
    let secs = wall.as_secs_f64().max(1e-9);
    let bytes: u64 = samples.iter().map(|s| s.bytes).sum();
    println!(
        "wall {:.2} s; {} requests, {:.1} req/s; {} read ({}/s)",
        secs,
        samples.len(),
        samples.len() as f64 / secs,
        size(bytes),
        size((bytes as f64 / secs) as u64)
    );
    println!(
        "| class | requests | ok | req/s | p50 | p99 | max | items/answer | bytes | failures |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    let mut edl_failed = false;
    let mut edl_p99 = None;
    for class in [Class::Edl, Class::Taxii] {
        let of: Vec<&Sample> = samples.iter().filter(|s| s.class == class).collect();
        if of.is_empty() {
            continue;
        }
        let mut ok: Vec<Duration> = of
            .iter()
            .filter(|s| s.outcome.is_ok())
            .map(|s| s.took)
            .collect();
        ok.sort();
        let mut failures: BTreeMap<&str, usize> = BTreeMap::new();
        for s in &of {
            if let Err(e) = &s.outcome {
                *failures.entry(e.as_str()).or_default() += 1;
            }
        }
        let items: Vec<u64> = of
            .iter()
            .filter(|s| s.outcome.is_ok())
            .map(|s| s.items)
            .collect();
        let items = match (items.iter().min(), items.iter().max()) {
            (Some(a), Some(b)) if a == b => a.to_string(),
            (Some(a), Some(b)) => format!("{a}-{b}"),
            _ => "-".into(),
        };
        let (p50, p99, max) = if ok.is_empty() {
            ("-".into(), "-".into(), "-".into())
        } else {
            (
                ms(quantile(&ok, 0.5)),
                ms(quantile(&ok, 0.99)),
                ms(*ok.last().unwrap()),
            )
        };
        let failed = if failures.is_empty() {
            "none".to_string()
        } else {
            failures
                .iter()
                .map(|(k, n)| format!("{k} x{n}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        println!(
            "| {} | {} | {} | {:.1} | {p50} | {p99} | {max} | {items} | {} | {failed} |",
            class.name(),
            of.len(),
            ok.len(),
            of.len() as f64 / secs,
            size(of.iter().map(|s| s.bytes).sum())
        );
        if class == Class::Edl {
            edl_failed = !failures.is_empty();
            edl_p99 = (!ok.is_empty()).then(|| quantile(&ok, 0.99));
        } else if ok.is_empty() {
            println!("TAXII: no page answered (failed as counted above)");
        }
    }
    if let Some(pid) = d.server_pid {
        match rss(pid) {
            Some((hwm, now)) => println!(
                "server pid {pid}: peak RSS (VmHWM, since start) {} MB; highest RSS sampled during the run {} MB; RSS now {} MB",
                hwm / 1024,
                peak_kb / 1024,
                now / 1024
            ),
            None => println!("server pid {pid}: /proc/{pid}/status unreadable"),
        }
    }
    if let (Some(target), Some(p99)) = (d.p99_target_ms, edl_p99) {
        let met = p99 <= Duration::from_millis(target);
        println!(
            "EDL p99 {} with {} clients: {} the {target} ms target",
            ms(p99),
            d.clients,
            if met { "within" } else { "OVER" }
        );
    }
    i32::from(edl_failed)
}
