// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! `match` speed: building the matcher from 1,000,000 indicators, and scan throughput of
//! eve.json and Zeek TSV (2 threads, alerts discarded). Inputs are generated in memory
//! in the shapes of examples/loadgen_logs.rs. Also screening 1,000,000 indicators
//! against allowlists of 100,000 values (what `fetch` and the dashboard do once per
//! change of the set).

#![allow(clippy::unwrap_used)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use intellisiem::matching::extract::LogFormat;
use intellisiem::matching::matcher::NewIndicator;
use intellisiem::matching::scan::{self, ScanStats};
use intellisiem::matching::sink::EcsSink;
use intellisiem::matching::{MatchOptions, Matcher, MatcherBuilder, Warninglists};
use intellisiem::model::{IndicatorType, Observation, Sighting};
use intellisiem::store::Store;
use intellisiem::trust::allowlist::{Allowlists, Screened};

fn ip(i: u64) -> String {
    let n = 0x2D00_0000u32.wrapping_add((i as u32).wrapping_mul(2_654_435_761) & 0x00FF_FFFF);
    std::net::Ipv4Addr::from(n).to_string()
}

fn domain(i: u64) -> String {
    format!("h{i}.bad{}.io", i % 997)
}

fn builder(n: u64) -> MatcherBuilder {
    let mut b = MatcherBuilder::new();
    let ids: Vec<u16> = (0..7).map(|s| b.source(&format!("feed{s}"))).collect();
    b.reserve(n as usize);
    for i in 0..n {
        let (kind, v) = match i % 10 {
            0..=3 => (IndicatorType::Ipv4, ip(i)),
            4..=7 => (IndicatorType::Domain, domain(i)),
            8 => (
                IndicatorType::Url,
                format!("http://{}/gate.php?id={i}", domain(i)),
            ),
            _ => (
                IndicatorType::Sha256,
                format!("{:064x}", u128::from(i as u32) * 0x9E37_79B9),
            ),
        };
        b.add(
            kind,
            &v,
            NewIndicator {
                sources: &ids[(i % 7) as usize..=(i % 7) as usize],
                confidence: Some(75),
                first_seen: Some(1_795_000_000),
                last_seen: Some(1_795_900_000),
                threat: Some("family"),
            },
        );
    }
    b
}

fn eve(events: u64) -> Vec<u8> {
    let mut out = Vec::new();
    for e in 0..events {
        let hot = e % 1000 == 0;
        let dst = if hot {
            ip(e * 10)
        } else {
            format!("100.128.{}.{}", (e >> 8) & 63, e & 255)
        };
        let line = format!(
            "{{\"timestamp\":\"2026-11-29T10:15:02.503918+0100\",\"flow_id\":{},\"in_iface\":\"eth0\",\"event_type\":\"http\",\"src_ip\":\"100.129.0.{}\",\"src_port\":{},\"dest_ip\":\"{dst}\",\"dest_port\":80,\"proto\":\"TCP\",\"tx_id\":0,\"http\":{{\"hostname\":\"www{}.quiet.net\",\"url\":\"/index.php?page={e}\",\"http_user_agent\":\"Mozilla/5.0 (X11; Linux x86_64)\",\"http_content_type\":\"text/html\",\"http_method\":\"GET\",\"protocol\":\"HTTP/1.1\",\"status\":200,\"length\":{}}}}}\n",
            1_000_000 + e,
            e % 250,
            30000 + e % 30000,
            e % 5000,
            e % 90000
        );
        out.extend_from_slice(line.as_bytes());
    }
    out
}

fn zeek(events: u64) -> Vec<u8> {
    let mut out = b"#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tconn\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\tresp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\torig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\ttunnel_parents\n#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\tbool\tbool\tcount\tstring\tcount\tcount\tcount\tcount\tset[string]\n".to_vec();
    for e in 0..events {
        let dst = if e % 1000 == 0 {
            ip(e * 10)
        } else {
            format!("100.128.{}.{}", (e >> 8) & 63, e & 255)
        };
        let line = format!(
            "{}.{:06}\tC{e:x}\t100.129.0.{}\t{}\t{dst}\t443\ttcp\tssl\t0.123456\t517\t4321\tSF\tT\tF\t0\tShADadFf\t12\t1141\t10\t4843\t(empty)\n",
            1_795_943_702 + e,
            e % 1_000_000,
            e % 250,
            30000 + e % 30000
        );
        out.extend_from_slice(line.as_bytes());
    }
    out
}

fn run(m: &Matcher, data: &[u8], log: LogFormat) -> ScanStats {
    let mut st = ScanStats::default();
    let mut sink = EcsSink::new(std::io::sink());
    let settings = scan::Settings {
        log,
        threads: 2,
        read_ahead: true,
    };
    let _ = scan::scan(m, data, "bench", settings, &mut sink, &mut st);
    st
}

fn bench(c: &mut Criterion) {
    let lists = Warninglists::load(&[]).unwrap_or_default();
    let mut g = c.benchmark_group("matching");
    g.sample_size(10);
    g.bench_function("build 1M indicators", |b| {
        b.iter_batched(
            || builder(1_000_000),
            |bld| black_box(bld.build(&lists, MatchOptions::default())),
            criterion::BatchSize::PerIteration,
        )
    });
    let m = builder(1_000_000).build(&lists, MatchOptions::default());
    let data = eve(100_000);
    g.throughput(Throughput::Bytes(data.len() as u64));
    g.bench_function("scan eve.json, 2 threads", |b| {
        b.iter(|| black_box(run(&m, &data, LogFormat::Eve)))
    });
    let data = zeek(200_000);
    g.throughput(Throughput::Bytes(data.len() as u64));
    g.bench_function("scan Zeek TSV, 2 threads", |b| {
        b.iter(|| black_box(run(&m, &data, LogFormat::Zeek)))
    });
    g.finish();
}

/// The indicators of [`builder`] as one source's snapshot in a merged store.
fn store(n: u64) -> Store {
    let mut s = Store::new();
    let id = s.source_id("feed");
    let sightings = (0..n)
        .map(|i| {
            let (kind, value) = match i % 10 {
                0..=3 => (IndicatorType::Ipv4, ip(i)),
                4..=7 => (IndicatorType::Domain, domain(i)),
                8 => (
                    IndicatorType::Url,
                    format!("http://{}/gate.php?id={i}", domain(i)),
                ),
                _ => (
                    IndicatorType::Sha256,
                    format!("{:064x}", u128::from(i as u32) * 0x9E37_79B9),
                ),
            };
            Sighting {
                kind,
                value: value.into(),
                obs: Observation::default(),
            }
        })
        .collect();
    s.replace_source(id, sightings);
    s
}

/// Two lists of 100,000 values in all: 40,000 names (100 of them parents of about a
/// tenth of the set's names and URLs), 30,000 /24 ranges and 30,000 addresses (about a
/// tenth of the set's addresses in all).
fn allowlists() -> Allowlists {
    let mut a = Allowlists::new();
    let names = a.add_list("names").unwrap();
    let nets = a.add_list("nets").unwrap();
    for k in 0..100 {
        a.add_canonical(names, IndicatorType::Domain, &format!("bad{k}.io"));
    }
    for j in 0..39_900 {
        a.add_canonical(names, IndicatorType::Domain, &format!("cdn{j}.allowed.io"));
    }
    for j in 0..30_000u64 {
        let net = ip(j * 37).rsplit_once('.').unwrap().0.to_string();
        a.add_canonical(nets, IndicatorType::Cidr, &format!("{net}.0/24"));
        a.add_canonical(nets, IndicatorType::Ipv4, &ip(j * 13 + 5));
    }
    a
}

fn allowlist_bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("allowlists");
    g.sample_size(10);
    let store = store(1_000_000);
    let allow = std::sync::Arc::new(allowlists());
    let only_allow = Warninglists::none().with_more(allow.clone());
    let both = Warninglists::load(&[]).unwrap().with_more(allow.clone());
    let held = Screened::of(&store, &only_allow).len();
    assert!(held > 50_000 && held < 300_000, "{held} held");
    g.throughput(Throughput::Elements(1_000_000));
    g.bench_function("screen 1M indicators, 100k allowlist values", |b| {
        b.iter(|| black_box(Screened::of(&store, &only_allow)))
    });
    g.bench_function(
        "screen 1M indicators, built-in warninglist + 100k allowlist values",
        |b| b.iter(|| black_box(Screened::of(&store, &both))),
    );
    g.bench_function("covers: 1M look-ups, one thread", |b| {
        b.iter(|| {
            store
                .iter()
                .filter(|(_, e)| allow.covers(e.kind, &e.value).is_some())
                .count()
        })
    });
    g.finish();
}

criterion_group!(benches, bench, allowlist_bench);
criterion_main!(benches);
