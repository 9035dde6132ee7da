// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! `serve` against hostile and broken clients: traversal and encoded slashes, a 1 MB
//! query, slow-loris, a client gone mid-body, and SIGTERM; TLS with a certificate made
//! here and read again on SIGHUP; `/metrics` read by Prometheus' own parser.

#![allow(clippy::unwrap_used)]

mod serve_common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use intellisiem::model::IndicatorType;
use serve_common::*;

#[tokio::test(flavor = "multi_thread")]
async fn hostile_requests_are_refused_and_the_server_goes_on() {
    let h = home("");
    fill(&h.db).await;
    // A list big enough that a reader can leave in the middle of it.
    let many: Vec<String> = (0..200_000u32)
        .map(|i| format!("10.{}.{}.{}", i >> 16, (i >> 8) & 255, i & 255))
        .collect();
    let rows: Vec<(IndicatorType, &str, u8)> = many
        .iter()
        .map(|v| (IndicatorType::Ipv4, v.as_str(), 50))
        .collect();
    save(&h.db, "feodo", &rows).await;
    let s = start(&h, &[]);
    let a = s.addr;
    let auth = basic("panos", PANOS_PW);
    let ok = || raw(a, "/healthz", &[("Authorization", &auth)]).0 == 200;
    for p in [
        "/edl/../etc/passwd",
        "/edl/all/../../ip.txt",
        "/edl/all%2fip.txt",
        "/edl/all%2Fx/ip.txt",
        "/edl/%2e%2e/ip.txt",
        "/edl/all%5cx/ip.txt",
        "/edl//ip.txt",
    ] {
        assert_eq!(raw(a, p, &[("Authorization", &auth)]).0, 400, "{p}");
    }
    // A 1 MB query string: a clean refusal, not a hang or a crash.
    let long = format!("/edl/all/ip.txt?min_score=1&x={}", "a".repeat(1 << 20));
    let (st, resp) = raw(a, &long, &[("Authorization", &auth)]);
    assert!([400, 414, 431].contains(&st), "{st}: {resp:.200}");
    let long = format!("/edl/all/ip.txt?x={}", "a".repeat(8_000));
    assert_eq!(raw(a, &long, &[("Authorization", &auth)]).0, 414);
    // A request with a body is refused unread.
    let mut c = TcpStream::connect(a).unwrap();
    c.write_all(
        format!("GET /healthz HTTP/1.1\r\nHost: x\r\nAuthorization: {auth}\r\nContent-Length: 1000000\r\n\r\nab")
            .as_bytes(),
    )
    .unwrap();
    let mut b = String::new();
    c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let _ = c.read_to_string(&mut b);
    assert!(b.starts_with("HTTP/1.1 413"), "{b}");
    // Slow-loris: a head sent a byte at a time is cut off (within the header timeout).
    let mut slow = TcpStream::connect(a).unwrap();
    slow.set_read_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    let started = Instant::now();
    let head = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ";
    let mut cut = false;
    for i in 0..60 {
        if slow
            .write_all(&head[i % head.len()..i % head.len() + 1])
            .is_err()
        {
            cut = true;
            break;
        }
        let mut buf = [0u8; 512];
        match slow.read(&mut buf) {
            Ok(0) => {
                cut = true;
                break;
            }
            Ok(_) => {
                cut = true;
                break;
            }
            Err(e)
                if e.kind() == std::io::ErrorKind::WouldBlock
                    || e.kind() == std::io::ErrorKind::TimedOut => {}
            Err(_) => {
                cut = true;
                break;
            }
        }
    }
    assert!(
        cut,
        "a slow head was still open after {:?}",
        started.elapsed()
    );
    assert!(started.elapsed() < Duration::from_secs(20));
    // Gone mid-body: read a little of a big list and leave.
    for _ in 0..5 {
        let mut c = TcpStream::connect(a).unwrap();
        c.write_all(
            format!("GET /edl/all/ipv4.txt HTTP/1.1\r\nHost: x\r\nAuthorization: {auth}\r\n\r\n")
                .as_bytes(),
        )
        .unwrap();
        let mut buf = [0u8; 4096];
        let n = c.read(&mut buf).unwrap();
        assert!(n > 0);
        drop(c);
    }
    assert!(ok());
    let (st, resp) = raw(a, "/edl/all/ipv4.txt", &[("Authorization", &auth)]);
    assert_eq!(st, 200);
    assert!(resp.contains("10.3.13.63\n"), "the whole list");
    assert!(s.log.lock().unwrap().contains("status=400"));
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_stops_it_gracefully() {
    let h = home("");
    let many: Vec<String> = (0..300_000u32)
        .map(|i| format!("10.{}.{}.{}", i >> 16, (i >> 8) & 255, i & 255))
        .collect();
    let rows: Vec<(IndicatorType, &str, u8)> = many
        .iter()
        .map(|v| (IndicatorType::Ipv4, v.as_str(), 50))
        .collect();
    save(&h.db, "feodo", &rows).await;
    let mut s = start(&h, &[]);
    // An idle keep-alive connection does not hold the shutdown up.
    let _idle = TcpStream::connect(s.addr).unwrap();
    // A download in flight (read slowly) is finished before the server exits.
    let mut busy = TcpStream::connect(s.addr).unwrap();
    let auth = basic("panos", PANOS_PW);
    busy.write_all(
        format!("GET /edl/all/ipv4.txt HTTP/1.1\r\nHost: x\r\nAuthorization: {auth}\r\nConnection: close\r\n\r\n")
            .as_bytes(),
    )
    .unwrap();
    let mut first = [0u8; 1024];
    let mut got = busy.read(&mut first).unwrap();
    let pid = s.child.id() as i32;
    let started = Instant::now();
    // SAFETY: signalling our own child by its pid.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
    std::thread::sleep(Duration::from_millis(300));
    let reader = std::thread::spawn(move || {
        let mut rest = Vec::new();
        busy.read_to_end(&mut rest).unwrap();
        rest.len()
    });
    let status = loop {
        if let Some(st) = s.child.try_wait().unwrap() {
            break st;
        }
        assert!(started.elapsed() < Duration::from_secs(15), "still running");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(0));
    got += reader.join().unwrap();
    let head = String::from_utf8_lossy(&first);
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length: "))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let head_len = head.find("\r\n\r\n").unwrap() + 4;
    assert_eq!(got - head_len, length, "the download in flight was cut");
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        s.log.lock().unwrap().contains("stopped"),
        "{}",
        s.log.lock().unwrap()
    );
    assert!(TcpStream::connect(s.addr).is_err());
}

fn self_signed(dir: &std::path::Path, cn: &str) -> Option<()> {
    let ok = std::process::Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
        ])
        .args(["-days", "1", "-subj", &format!("/CN={cn}")])
        .args(["-addext", "subjectAltName=IP:127.0.0.1"])
        .arg("-keyout")
        .arg(dir.join("key.pem"))
        .arg("-out")
        .arg(dir.join("cert.pem"))
        .output()
        .ok()?
        .status
        .success();
    ok.then_some(())
}

#[tokio::test(flavor = "multi_thread")]
async fn tls_with_reload_on_sighup() {
    let h = home("");
    // `serve:` is the config's last section: its `tls:` goes at the end.
    let tls = format!(
        "  tls: {{ cert: \"{0}/cert.pem\", key: \"{0}/key.pem\" }}\n",
        h.dir.path().display()
    );
    let mut cfg = std::fs::read_to_string(&h.config).unwrap();
    cfg.push_str(&tls);
    std::fs::write(&h.config, cfg).unwrap();
    fill(&h.db).await;
    if self_signed(h.dir.path(), "first").is_none() {
        assert!(std::env::var("CI").is_err(), "openssl is missing under CI");
        eprintln!("openssl not installed; skipped");
        return;
    }
    let s = start(&h, &[]);
    let url = format!("https://127.0.0.1:{}/edl/all/ipv4.txt", s.addr.port());
    let user = format!("panos:{PANOS_PW}");
    std::fs::copy(
        h.dir.path().join("cert.pem"),
        h.dir.path().join("first.pem"),
    )
    .unwrap();
    let Some(o) = curl(&[
        "-sS",
        "--cacert",
        h.dir.path().join("first.pem").to_str().unwrap(),
        "-u",
        &user,
        &url,
    ]) else {
        return;
    };
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "192.0.2.9\n192.0.2.10\n",
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // Plain HTTP to the TLS port gets nothing.
    assert_eq!(raw(s.addr, "/healthz", &[]).0, 0);
    // A new certificate, read on SIGHUP.
    self_signed(h.dir.path(), "second").unwrap();
    // SAFETY: signalling our own child by its pid.
    assert_eq!(unsafe { libc::kill(s.child.id() as i32, libc::SIGHUP) }, 0);
    let second = h.dir.path().join("cert.pem");
    assert!(eventually(Duration::from_secs(10), || {
        curl(&[
            "-sS",
            "--cacert",
            second.to_str().unwrap(),
            "-u",
            &user,
            &url,
        ])
        .is_some_and(|o| o.status.success())
    }));
    let o = curl(&[
        "-sS",
        "--cacert",
        h.dir.path().join("first.pem").to_str().unwrap(),
        "-u",
        &user,
        &url,
    ])
    .unwrap();
    assert!(!o.status.success(), "the old certificate is still served");
}

#[tokio::test(flavor = "multi_thread")]
async fn metrics_parse_with_prometheus_client() {
    let h = home("");
    fill(&h.db).await;
    history(&h.db, "feodo", &[(120, true, 300), (60, false, 2_000)]).await;
    let s = start(&h, &[]);
    let auth = basic("panos", PANOS_PW);
    assert_eq!(
        raw(s.addr, "/edl/all/ip.txt", &[("Authorization", &auth)]).0,
        200
    );
    assert_eq!(
        raw(s.addr, "/edl/nosuch/ip.txt", &[("Authorization", &auth)]).0,
        404
    );
    // The metrics name every source: a credential for some collections may not read them.
    assert_eq!(raw(s.addr, "/metrics", &[("Authorization", &auth)]).0, 403);
    let bearer = format!("Bearer {TOKEN}");
    let (st, resp) = raw(s.addr, "/metrics", &[("Authorization", &bearer)]);
    assert_eq!(st, 200);
    assert!(
        resp.contains("content-type: text/plain; version=0.0.4"),
        "{resp}"
    );
    let text = resp.split_once("\r\n\r\n").unwrap().1.to_string();
    for want in [
        "intellisiem_source_indicators{source=\"feodo\"} 4",
        "intellisiem_source_indicators{source=\"urlhaus\"} 3",
        "intellisiem_serve_http_requests_total{class=\"edl\",status=\"200\"} 1",
        "intellisiem_serve_http_requests_total{class=\"edl\",status=\"404\"} 1",
        "intellisiem_serve_store_up 1",
        "intellisiem_serve_snapshot_values 6",
        "intellisiem_source_fetch_failures{source=\"feodo\"} 1",
        "intellisiem_source_fetch_duration_seconds_bucket{source=\"feodo\",le=\"0.5\"} 1",
        "intellisiem_source_fetch_duration_seconds_bucket{source=\"feodo\",le=\"2.5\"} 2",
        "intellisiem_source_fetch_duration_seconds_count{source=\"feodo\"} 2",
        "intellisiem_source_fetch_duration_seconds_sum{source=\"feodo\"} 2.3",
    ] {
        assert!(text.contains(want), "{want} missing:\n{text}");
    }
    let venv = std::env::var("INTELLISIEM_MEDALLION")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/medallion-venv")
        });
    let python = venv.join("bin/python");
    let has = std::process::Command::new(&python)
        .args(["-c", "import prometheus_client"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has {
        assert!(
            std::env::var("CI").is_err(),
            "prometheus_client missing under CI"
        );
        eprintln!("prometheus_client not in {}; skipped", venv.display());
        return;
    }
    let script = "import sys\nfrom prometheus_client.parser import text_string_to_metric_families as p\n\
                  fams = {f.name: f for f in p(sys.stdin.read())}\n\
                  assert fams['intellisiem_source_fetch_duration_seconds'].type == 'histogram', fams\n\
                  assert fams['intellisiem_serve_http_requests'].type == 'counter'\n\
                  print(len(fams))\n";
    let mut child = std::process::Command::new(&python)
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}\n{text}",
        String::from_utf8_lossy(&out.stderr)
    );
    let n: usize = String::from_utf8_lossy(&out.stdout).trim().parse().unwrap();
    let last = text
        .lines()
        .find_map(|l| {
            l.strip_prefix("intellisiem_source_last_success_timestamp_seconds{source=\"feodo\"} ")
        })
        .unwrap();
    let age = jiff::Timestamp::now().as_second() - last.parse::<i64>().unwrap();
    assert!((119..=125).contains(&age), "last success {age} s ago");
    assert!(n >= 9, "{n} families");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_empty_store_gets_503_and_a_failed_fetch_is_counted_without_a_snapshot() {
    let h = home("");
    let s = start(&h, &[]);
    let auth = basic("panos", PANOS_PW);
    // Nothing fetched yet: come back, rather than an empty list that empties the device's.
    let (st, resp) = raw(s.addr, "/edl/all/ip.txt", &[("Authorization", &auth)]);
    assert_eq!(st, 503, "{resp}");
    assert!(resp.to_ascii_lowercase().contains("retry-after"), "{resp}");
    // A configured source that never fetched well has its failures counted, and a failed
    // fetch (which saves no snapshot) shows within the metrics' refresh.
    let bearer = format!("Bearer {TOKEN}");
    let metrics = || raw(s.addr, "/metrics", &[("Authorization", &bearer)]).1;
    assert!(
        metrics().contains("intellisiem_source_fetch_failures{source=\"urlhaus\"} 0"),
        "{}",
        metrics()
    );
    let before = snapshot_number(s.addr);
    history(&h.db, "urlhaus", &[(5, false, 1_000)]).await;
    assert!(
        eventually(Duration::from_secs(40), || metrics().contains(
            "intellisiem_source_fetch_failures{source=\"urlhaus\"} 1"
        )),
        "{}",
        metrics()
    );
    assert_eq!(
        snapshot_number(s.addr),
        before,
        "counted without a new snapshot"
    );
    // The first save is served at once; a source that has not fetched yet still has no
    // list to give.
    save(&h.db, "feodo", &[(IndicatorType::Ipv4, "192.0.2.10", 90)]).await;
    assert!(eventually(Duration::from_secs(30), || {
        raw(s.addr, "/edl/all/ip.txt", &[("Authorization", &auth)]).0 == 200
    }));
    assert_eq!(
        raw(s.addr, "/edl/feodo/ip.txt", &[("Authorization", &bearer)]).0,
        200
    );
    assert_eq!(
        raw(s.addr, "/edl/urlhaus/ip.txt", &[("Authorization", &bearer)]).0,
        503
    );
}
