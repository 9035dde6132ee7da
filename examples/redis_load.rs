// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Feeds a Redis stream the way Suricata's `eve-log` (`filetype: redis`, `redis.mode:
//! xadd`) does: one `XADD <key> * eve <line>` per line of an eve.json file, pipelined in
//! batches of 10,000, for the `match --redis` benchmark (`benches/redis_stream.sh`).
//!
//! `cargo run --release --example redis_load -- redis://127.0.0.1:6390/0 KEY eve.json [MAX]`

#![allow(clippy::unwrap_used)]

use std::io::BufRead;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(url), Some(key), Some(path)) = (args.get(1), args.get(2), args.get(3)) else {
        return Err("usage: redis_load URL KEY EVE.JSON [MAX]".into());
    };
    let max: usize = args.get(4).map_or(Ok(usize::MAX), |m| m.parse())?;
    let mut conn = redis::Client::open(url.as_str())?.get_connection()?;
    let reader = std::io::BufReader::with_capacity(1 << 20, std::fs::File::open(path)?);
    let started = std::time::Instant::now();
    let mut pipe = redis::pipe();
    let mut queued = 0usize;
    let mut sent = 0usize;
    for line in reader.split(b'\n') {
        if sent + queued >= max {
            break;
        }
        let line = line?;
        if line.is_empty() {
            continue;
        }
        pipe.cmd("XADD")
            .arg(key)
            .arg("*")
            .arg("eve")
            .arg(line)
            .ignore();
        queued += 1;
        if queued == 10_000 {
            pipe.query::<()>(&mut conn)?;
            pipe = redis::pipe();
            sent += queued;
            queued = 0;
        }
    }
    if queued > 0 {
        pipe.query::<()>(&mut conn)?;
        sent += queued;
    }
    eprintln!(
        "{sent} entries added to {key} in {:.2}s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
