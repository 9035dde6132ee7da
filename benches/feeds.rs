// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Synthetic feeds in the real wire formats, shared by the load generator
//! (`examples/loadgen.rs`) and the benchmarks.

#![allow(clippy::unwrap_used)]
#![allow(dead_code)]

use std::fmt::Write as _;

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
pub fn feodo(n: usize) -> String {
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
pub fn threatfox(n: usize) -> String {
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
pub fn urlhaus(n: usize) -> String {
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
pub fn plain(n: usize) -> String {
    let mut s = String::with_capacity(n * 28 + 64);
    s.push_str("# loadgen phishing domains\n");
    for i in 0..n {
        let _ = writeln!(s, "login-{i}.phish.example");
    }
    s
}

/// Spamhaus DROP NDJSON with its metadata line.
pub fn drop_list(n: usize) -> String {
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
pub fn kev(n: usize) -> String {
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
