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

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

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

fn ip(i: usize) -> String {
    let n = 0x2d00_0000u32.wrapping_add(i as u32 * 7);
    std::net::Ipv4Addr::from(n).to_string()
}

fn hash(i: usize) -> String {
    let a = (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    let b = a.rotate_left(17) ^ 0xdead_beef_cafe_f00d;
    format!("{a:016x}{b:016x}{:016x}{:016x}", a ^ b, b.wrapping_add(a))
}

const MALWARE: [&str; 8] = [
    "Dridex",
    "QakBot",
    "Emotet",
    "AsyncRAT",
    "Cobalt Strike",
    "IcedID",
    "PikaBot",
    "Lumma",
];

/// Feodo: IPs with ports; every tenth IP is also in ThreatFox (merged by the engine).
fn feodo(n: usize) -> String {
    let mut s = String::with_capacity(n * 220);
    s.push('[');
    for i in 0..n {
        if i > 0 {
            s.push(',');
        }
        let _ = write!(
            s,
            r#"{{"ip_address":"{}","port":{},"status":"online","hostname":null,"as_number":64500,"as_name":"EXAMPLE","country":"US","first_seen":"2026-11-01 10:00:00","last_online":"2026-11-27","malware":"{}"}}"#,
            ip(i),
            443 + (i % 7),
            MALWARE[i % MALWARE.len()]
        );
    }
    s.push(']');
    s
}

/// ThreatFox export: hashes, domains, and `ip:port` overlapping Feodo.
fn threatfox(n: usize) -> String {
    let mut s = String::with_capacity(n * 380);
    s.push('{');
    for i in 0..n {
        if i > 0 {
            s.push(',');
        }
        let (value, kind) = match i % 3 {
            0 => (format!("{}:{}", ip(i * 10), 443 + (i % 5)), "ip:port"),
            1 => (hash(i), "sha256_hash"),
            _ => (format!("c2-{i}.threat.example"), "domain"),
        };
        let _ = write!(
            s,
            r#""{}":[{{"ioc_value":"{value}","ioc_type":"{kind}","threat_type":"botnet_cc","fk_malware":"win.x","malware_alias":null,"malware_printable":"{}","first_seen_utc":"2026-11-20 08:00:00","last_seen_utc":null,"confidence_level":{},"reference":null,"tags":"c2,{}","anonymous":"0","reporter":"loadgen"}}]"#,
            1_000_000 + i,
            MALWARE[i % MALWARE.len()],
            50 + (i % 51),
            MALWARE[(i + 3) % MALWARE.len()]
                .to_lowercase()
                .replace(' ', "_")
        );
    }
    s.push('}');
    s
}

/// URLhaus CSV dump with its banner.
fn urlhaus(n: usize) -> String {
    let mut s = String::with_capacity(n * 200 + 512);
    s.push_str("################################################################\n# abuse.ch URLhaus Database Dump (CSV - recent URLs)\n#\n# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter\n");
    for i in 0..n {
        let _ = writeln!(
            s,
            r#""{id}","2026-11-27 11:34:09","http://dl-{i}.mal.example:8080/bins/x{i}.sh","online","2026-11-27 11:40:00","malware_download","elf,{}","https://urlhaus.abuse.ch/url/{id}/","loadgen""#,
            MALWARE[i % MALWARE.len()].to_lowercase().replace(' ', "_"),
            id = 3_000_000 + i
        );
    }
    s
}

/// A plain list of phishing domains.
fn plain(n: usize) -> String {
    let mut s = String::with_capacity(n * 28 + 64);
    s.push_str("# loadgen phishing domains\n");
    for i in 0..n {
        let _ = writeln!(s, "login-{i}.phish.example");
    }
    s
}

/// Spamhaus DROP NDJSON with its metadata line.
fn drop_list(n: usize) -> String {
    let mut s = String::with_capacity(n * 64 + 128);
    for i in 0..n {
        let net = 0x6400_0000u32.wrapping_add((i as u32) << 8);
        let _ = writeln!(
            s,
            r#"{{"cidr":"{}/24","sblid":"SBL{}","rir":"ripencc"}}"#,
            std::net::Ipv4Addr::from(net),
            100_000 + i
        );
    }
    let _ = writeln!(
        s,
        r#"{{"type":"metadata","timestamp":1727634153,"records":{n}}}"#
    );
    s
}

/// The KEV catalogue (synthetic CVE ids).
fn kev(n: usize) -> String {
    let mut s = String::with_capacity(n * 260 + 256);
    s.push_str(
        r#"{"title":"loadgen KEV","catalogVersion":"2026.11.28","count":0,"vulnerabilities":["#,
    );
    for i in 0..n {
        if i > 0 {
            s.push(',');
        }
        let _ = write!(
            s,
            r#"{{"cveID":"CVE-{}-{:05}","vendorProject":"Vendor{}","product":"Product","vulnerabilityName":"Synthetic vulnerability {i}","dateAdded":"2026-01-0{}","knownRansomwareCampaignUse":"Unknown","notes":"","cwes":["CWE-20"]}}"#,
            2000 + (i / 90_000) % 27,
            10_000 + i % 90_000,
            i % 50,
            1 + i % 9
        );
    }
    s.push_str("]}");
    s
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
