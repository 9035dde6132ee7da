// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Writes the inputs of the `match` side-by-side benchmark into a folder:
//! `set.jsonl` (a `fetch --format jsonl` export of N indicators: 40 % IPv4, 40 %
//! domains, 10 % URLs, 10 % SHA-256), `values.txt` (the same values, one per line, for
//! `grep -F -f`), `eve.json` (Suricata eve lines, ~400 bytes each, 0.1 % of the events
//! touching the set) and `conn.log` (Zeek TSV of the same flows).
//!
//! `cargo run --release --example loadgen_logs -- DIR [INDICATORS] [EVENTS]`
//! (defaults 1,000,000 and 500,000).

#![allow(clippy::unwrap_used)]

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

fn ip(i: u64) -> String {
    // 45.0.0.0 upwards: public, outside every special-purpose range.
    let n = 0x2D00_0000u32.wrapping_add((i as u32).wrapping_mul(2_654_435_761) & 0x00FF_FFFF);
    std::net::Ipv4Addr::from(n).to_string()
}

fn quiet_ip(i: u64) -> String {
    // 100.128.0.0 upwards (outside 100.64/10): never in the set.
    let n = 0x6480_0000u32 + (i as u32 & 0x003F_FFFF);
    std::net::Ipv4Addr::from(n).to_string()
}

fn domain(i: u64) -> String {
    format!("h{i}.bad{}.io", i % 997)
}

fn sha256(i: u64) -> String {
    let mut s = String::with_capacity(64);
    let mut x = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    for _ in 0..64 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        s.push(char::from(b"0123456789abcdef"[(x & 15) as usize]));
    }
    s
}

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let first = args.next().unwrap_or_else(|| "target/loadgen-logs".into());
    if first.starts_with('-') {
        eprintln!(
            "usage: loadgen_logs [DIR] [INDICATORS] [EVENTS] (defaults target/loadgen-logs, 1000000, 500000)"
        );
        std::process::exit(2);
    }
    let dir = PathBuf::from(first);
    let n: u64 = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let events: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(500_000);
    std::fs::create_dir_all(&dir)?;
    let mut set = BufWriter::new(File::create(dir.join("set.jsonl"))?);
    let mut values = BufWriter::new(File::create(dir.join("values.txt"))?);
    let value = |i: u64| -> (&'static str, String) {
        match i % 10 {
            0..=3 => ("ipv4", ip(i)),
            4..=7 => ("domain", domain(i)),
            8 => ("url", format!("http://{}/gate.php?id={i}", domain(i))),
            _ => ("sha256", sha256(i)),
        }
    };
    for i in 0..n {
        let (kind, v) = value(i);
        writeln!(
            set,
            "{{\"type\":\"{kind}\",\"value\":\"{v}\",\"sources\":[\"feed{}\"],\"first_seen\":\"2026-11-01T00:00:00Z\",\"last_seen\":\"2026-11-29T00:00:00Z\",\"threat\":\"family{}\",\"tags\":[],\"confidence\":75,\"references\":[],\"ports\":[]}}",
            i % 7,
            i % 50
        )?;
        writeln!(values, "{v}")?;
    }
    set.flush()?;
    values.flush()?;
    let mut eve = BufWriter::new(File::create(dir.join("eve.json"))?);
    let mut conn = BufWriter::new(File::create(dir.join("conn.log"))?);
    writeln!(
        conn,
        "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tconn\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\tresp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\torig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\ttunnel_parents\n#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\tbool\tbool\tcount\tstring\tcount\tcount\tcount\tcount\tset[string]"
    )?;
    for e in 0..events {
        let hot = e % 1000 == 0;
        let k = e.wrapping_mul(7919) % n.max(1);
        let src = quiet_ip(e);
        let dst = if hot && k % 10 < 4 {
            ip(k)
        } else {
            quiet_ip(e + 7)
        };
        let name = if hot && (4..8).contains(&(k % 10)) {
            domain(k)
        } else {
            format!("www{}.quiet{}.net", e % 5000, e % 31)
        };
        let ts = format!(
            "2026-11-29T10:{:02}:{:02}.{:06}+0100",
            (e / 60) % 60,
            e % 60,
            e % 1_000_000
        );
        match e % 4 {
            0 => writeln!(
                eve,
                "{{\"timestamp\":\"{ts}\",\"flow_id\":{},\"in_iface\":\"eth0\",\"event_type\":\"dns\",\"src_ip\":\"{src}\",\"src_port\":{},\"dest_ip\":\"{dst}\",\"dest_port\":53,\"proto\":\"UDP\",\"dns\":{{\"version\":3,\"type\":\"request\",\"tx_id\":0,\"id\":{},\"flags\":\"100\",\"rd\":true,\"opcode\":0,\"queries\":[{{\"rrname\":\"{name}\",\"rrtype\":\"A\"}}]}}}}",
                1_000_000 + e,
                30000 + e % 30000,
                e % 65536
            )?,
            1 => writeln!(
                eve,
                "{{\"timestamp\":\"{ts}\",\"flow_id\":{},\"in_iface\":\"eth0\",\"event_type\":\"http\",\"src_ip\":\"{src}\",\"src_port\":{},\"dest_ip\":\"{dst}\",\"dest_port\":80,\"proto\":\"TCP\",\"tx_id\":0,\"http\":{{\"hostname\":\"{name}\",\"url\":\"/index.php?page={e}\",\"http_user_agent\":\"Mozilla/5.0 (X11; Linux x86_64)\",\"http_content_type\":\"text/html\",\"http_method\":\"GET\",\"protocol\":\"HTTP/1.1\",\"status\":200,\"length\":{}}}}}",
                1_000_000 + e,
                30000 + e % 30000,
                e % 90000
            )?,
            2 => writeln!(
                eve,
                "{{\"timestamp\":\"{ts}\",\"flow_id\":{},\"in_iface\":\"eth0\",\"event_type\":\"tls\",\"src_ip\":\"{src}\",\"src_port\":{},\"dest_ip\":\"{dst}\",\"dest_port\":443,\"proto\":\"TCP\",\"tls\":{{\"subject\":\"CN={name}\",\"issuerdn\":\"C=XX, O=Example CA, CN=Example Issuing CA 1\",\"serial\":\"4F:1A:00:9C\",\"sni\":\"{name}\",\"version\":\"TLS 1.3\",\"notbefore\":\"2026-10-01T00:00:00\",\"notafter\":\"2027-01-01T00:00:00\"}}}}",
                1_000_000 + e,
                30000 + e % 30000
            )?,
            _ => {
                let hash = if hot && k % 10 == 9 {
                    sha256(k)
                } else {
                    sha256(u64::MAX - e)
                };
                writeln!(
                    eve,
                    "{{\"timestamp\":\"{ts}\",\"flow_id\":{},\"in_iface\":\"eth0\",\"event_type\":\"fileinfo\",\"src_ip\":\"{dst}\",\"src_port\":80,\"dest_ip\":\"{src}\",\"dest_port\":{},\"proto\":\"TCP\",\"app_proto\":\"http\",\"fileinfo\":{{\"filename\":\"/download/{e}.bin\",\"gaps\":false,\"state\":\"CLOSED\",\"sha256\":\"{hash}\",\"stored\":false,\"size\":{},\"tx_id\":0}}}}",
                    1_000_000 + e,
                    30000 + e % 30000,
                    e % 90000
                )?
            }
        }
        writeln!(
            conn,
            "{}.{:06}\tC{e:x}\t{src}\t{}\t{dst}\t443\ttcp\tssl\t0.123456\t517\t4321\tSF\tT\tF\t0\tShADadFf\t12\t1141\t10\t4843\t(empty)",
            1_795_943_702 + e,
            e % 1_000_000,
            30000 + e % 30000
        )?;
    }
    eve.flush()?;
    conn.flush()?;
    Ok(())
}
