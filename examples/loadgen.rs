// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Load generator: serves N synthetic indicators spread over the real feed formats on
//! 127.0.0.1, and writes a config that points IntelliSIEM at them.
//!
//! ```text
//! cargo run --release --example loadgen -- --count 1000000 --config /tmp/loadgen.yaml
//! target/release/intellisiem fetch --config /tmp/loadgen.yaml -o /tmp/out.jsonl
//! ```
//! It stops by itself after `--seconds` (default 600) or on Ctrl-C.

#![allow(clippy::unwrap_used)]

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[path = "../benches/feeds.rs"]
mod feeds;
use feeds::{drop_list, feodo, kev, plain, threatfox, urlhaus};

#[derive(Parser)]
struct Args {
    /// Indicators to serve in total, spread over six feeds
    #[arg(long, default_value_t = 100_000)]
    count: usize,
    /// Where to write the config for `intellisiem --config`
    #[arg(long, default_value = "loadgen.yaml")]
    config: PathBuf,
    /// Stop after this many seconds
    #[arg(long, default_value_t = 600)]
    seconds: u64,
    /// Refresh interval written into the config
    #[arg(long, default_value = "10m")]
    refresh: String,
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let per = args.count / 6;
    let rest = args.count - per * 5;
    let server = MockServer::start().await;
    let feeds: [(&str, String, &str); 6] = [
        ("/feodo.json", feodo(per), "feodo"),
        ("/threatfox.json", threatfox(per), "threatfox"),
        ("/urlhaus.csv", urlhaus(rest), "urlhaus"),
        ("/phish.txt", plain(per), "plain_list"),
        ("/drop.json", drop_list(per), "spamhaus_drop"),
        ("/kev.json", kev(per), "cisa_kev"),
    ];
    let mut yaml = format!(
        "# written by examples/loadgen.rs: {} indicators on {}\ncache: {{ path: none }}\nhttp: {{ timeout: 60s }}\nsources:\n",
        args.count,
        server.uri()
    );
    let mut bytes = 0usize;
    for (p, body, kind) in feeds {
        bytes += body.len();
        let name = p.trim_start_matches('/').split('.').next().unwrap_or(kind);
        let _ = writeln!(
            yaml,
            "  - {{ name: {name}, kind: {kind}, url: \"{}{p}\", refresh: {} }}",
            server.uri(),
            args.refresh
        );
        Mock::given(path(p))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_raw(body.into_bytes(), "application/octet-stream"),
            )
            .mount(&server)
            .await;
    }
    if let Err(e) = std::fs::write(&args.config, yaml) {
        eprintln!("cannot write {}: {e}", args.config.display());
        std::process::exit(1);
    }
    eprintln!(
        "serving {} indicators ({:.1} MB) on {}; config in {}; stopping in {}s",
        args.count,
        bytes as f64 / 1e6,
        server.uri(),
        args.config.display(),
        args.seconds
    );
    tokio::select! {
        _ = tokio::time::sleep(Duration::from_secs(args.seconds)) => {}
        _ = tokio::signal::ctrl_c() => {}
    }
}
