// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Load driver for `intellisiem serve` (`benches/serve_load.sh` runs it end to end).
//!
//! ```text
//! SERVE_LOAD_PW=... serve_load drive --url http://127.0.0.1:8443 --user load \
//!     --clients 200 --pages 100 --server-pid 1234
//! SERVE_LOAD_PW=... serve_load drive --url http://127.0.0.1:8443 --user load \
//!     --clients 16 --rounds 20 --edl-only
//! serve_load bulk --store /tmp/load/store.db --count 1000000 --name bulk
//! ```
//! `drive`: N clients, each with its own connection, start together; in each round a
//! client pulls every `--edl` list in full, then (unless `--edl-only`) pages the TAXII 2.1
//! collection (`/taxii2/api/collections/{id}/objects/`, `limit` 1000, following `next`)
//! for `--pages` pages. It prints requests/s, p50/p99/max latency (request sent to last
//! byte read) and bytes per class, failures by status, and the server's peak RSS (VmHWM
//! of `/proc/PID/status`, and the highest VmRSS sampled during the run). A class that
//! fails (TAXII on a server that does not serve it) is counted, not fatal: a client
//! whose page fails stops paging for that round. Exit 1 when an EDL request failed.
//!
//! `bulk`: adds a source of `--count` IPv6 addresses from `2001:db8:ffff::/48` (RFC 3849)
//! to a SQLite store, so `/edl/all/ip.txt` holds at least that many values; prints the
//! config line that names the source.

#![allow(clippy::unwrap_used)]

mod bulk;
mod client;
mod report;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};

use client::{Auth, Plan, Taxii, client, one_client, page, pull_edl};
use report::{ms, report, rss, size};

#[derive(Parser)]
struct Args {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Drive a running server
    Drive(Drive),
    /// Add a source of N IPv6 addresses to a SQLite store
    Bulk(Bulk),
}

#[derive(clap::Args)]
struct Drive {
    /// The server's base URL (`http://127.0.0.1:8443`)
    #[arg(long)]
    url: String,
    /// HTTP Basic user; its password is read from the variable `--password-env`
    #[arg(long)]
    user: Option<String>,
    #[arg(long, default_value = "SERVE_LOAD_PW")]
    password_env: String,
    /// A variable holding a bearer token (instead of `--user`)
    #[arg(long)]
    token_env: Option<String>,
    /// Clients at once, each on its own connection
    #[arg(long, default_value_t = 200)]
    clients: usize,
    /// Rounds per client (each: every EDL list, then the TAXII pages)
    #[arg(long, default_value_t = 1)]
    rounds: usize,
    /// EDL paths each client pulls in full (repeat the flag for more)
    #[arg(long = "edl", default_values_t = vec!["/edl/all/ip.txt".to_string()])]
    edls: Vec<String>,
    /// Pull the EDL lists only (no TAXII)
    #[arg(long)]
    edl_only: bool,
    /// TAXII pages per client per round (100 x 200 clients: about a minute on 2 cores)
    #[arg(long, default_value_t = 100)]
    pages: usize,
    /// TAXII page size (`limit`)
    #[arg(long, default_value_t = 1000)]
    limit: usize,
    /// TAXII collection id or alias
    #[arg(long, default_value = "all")]
    collection: String,
    /// TAXII `added_after` (RFC 3339) on each first page
    #[arg(long)]
    added_after: Option<String>,
    /// Ask for gzip (`Accept-Encoding: gzip`); bytes are then counted as sent
    #[arg(long)]
    gzip: bool,
    /// Accept any TLS certificate (a self-signed test server)
    #[arg(long)]
    insecure_tls: bool,
    /// Seconds one request may take before it counts as a timeout
    #[arg(long, default_value_t = 120)]
    timeout: u64,
    /// The server's process id, for its peak RSS
    #[arg(long)]
    server_pid: Option<u32>,
    /// Print whether the EDL p99 is under this many milliseconds
    #[arg(long)]
    p99_target_ms: Option<u64>,
}

#[derive(clap::Args)]
struct Bulk {
    /// The SQLite store to add to
    #[arg(long)]
    store: PathBuf,
    #[arg(long, default_value_t = 1_000_000)]
    count: usize,
    /// The source's name
    #[arg(long, default_value = "bulk")]
    name: String,
}

fn main() {
    let args = Args::parse();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let code = match args.cmd {
        Cmd::Drive(d) => rt.block_on(drive(d)),
        Cmd::Bulk(b) => rt.block_on(bulk::bulk(b)),
    };
    std::process::exit(code);
}

async fn drive(d: Drive) -> i32 {
    let auth = match (&d.token_env, &d.user) {
        (Some(var), _) => match std::env::var(var) {
            Ok(t) => Auth::Bearer(t),
            Err(_) => {
                eprintln!("error: ${var} is not set");
                return 2;
            }
        },
        (None, Some(u)) => match std::env::var(&d.password_env) {
            Ok(p) => Auth::Basic(u.clone(), p),
            Err(_) => {
                eprintln!("error: ${} is not set", d.password_env);
                return 2;
            }
        },
        (None, None) => {
            eprintln!(
                "error: give --user (password in ${}) or --token-env",
                d.password_env
            );
            return 2;
        }
    };
    let plan = Arc::new(Plan {
        base: d.url.trim_end_matches('/').to_string(),
        auth,
        edls: d.edls.clone(),
        taxii: (!d.edl_only && d.pages > 0).then(|| Taxii {
            objects: format!("/taxii2/api/collections/{}/objects/", d.collection),
            pages: d.pages,
            limit: d.limit,
            added_after: d.added_after.clone(),
        }),
        rounds: d.rounds,
        gzip: d.gzip,
    });
    println!(
        "serve_load: {} clients x {} round(s); EDL {}{}",
        d.clients,
        d.rounds,
        plan.edls.join(", "),
        plan.taxii.as_ref().map_or(String::new(), |t| format!(
            "; TAXII {} up to {} pages of {}",
            d.collection, t.pages, t.limit
        ))
    );
    // The first pull of each list: built for this snapshot if no one asked for it yet.
    let first = client(&d);
    for path in &plan.edls {
        let s = pull_edl(&first, &plan, path).await;
        println!(
            "first pull of {path}: {} ({}, {} values, {})",
            ms(s.took),
            s.outcome.as_ref().err().map_or("200", String::as_str),
            s.items,
            size(s.bytes)
        );
    }
    if let Some(t) = &plan.taxii {
        let (s, _) = page(&first, &plan, t, None).await;
        println!(
            "first TAXII page: {} ({}, {} objects)",
            ms(s.took),
            s.outcome.as_ref().err().map_or("ok", String::as_str),
            s.items
        );
    }
    drop(first);

    // Peak RSS during the run, sampled every 50 ms.
    let done = Arc::new(AtomicBool::new(false));
    let peak = Arc::new(AtomicU64::new(0));
    let sampler = d.server_pid.map(|pid| {
        let (done, peak) = (done.clone(), peak.clone());
        tokio::spawn(async move {
            while !done.load(Ordering::Relaxed) {
                if let Some((_, now)) = rss(pid) {
                    peak.fetch_max(now, Ordering::Relaxed);
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        })
    });

    let clients: Vec<reqwest::Client> = (0..d.clients).map(|_| client(&d)).collect();
    let gate = Arc::new(tokio::sync::Barrier::new(d.clients + 1));
    let tasks: Vec<_> = clients
        .into_iter()
        .map(|c| {
            let (plan, gate) = (plan.clone(), gate.clone());
            tokio::spawn(async move {
                gate.wait().await;
                one_client(c, plan).await
            })
        })
        .collect();
    gate.wait().await;
    let started = Instant::now();
    let mut samples = Vec::new();
    for t in tasks {
        match t.await {
            Ok(s) => samples.extend(s),
            Err(e) => eprintln!("warning: a client task ended: {e}"),
        }
    }
    let wall = started.elapsed();
    done.store(true, Ordering::Relaxed);
    if let Some(s) = sampler {
        let _ = s.await;
    }
    report(&d, &samples, wall, peak.load(Ordering::Relaxed))
}
