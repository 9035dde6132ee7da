// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! `serve`: the lists as devices read them (content, order, `min_score`, `max`,
//! `ETag`/304, gzip, with curl), a store change picked up without a restart, and
//! `/healthz` when the store goes away.

#![allow(clippy::unwrap_used)]

mod serve_common;

use std::time::Duration;

use intellisiem::model::IndicatorType;
use serve_common::*;

fn body(resp: &str) -> &str {
    resp.split_once("\r\n\r\n").map_or("", |(_, b)| b)
}

#[tokio::test(flavor = "multi_thread")]
async fn lists_as_devices_read_them() {
    let h = home("");
    fill(&h.db).await;
    let s = start(&h, &[]);
    let a = s.addr;
    let auth = basic("panos", PANOS_PW);
    let get = |p: &str| {
        let (st, r) = raw(a, p, &[("Authorization", &auth)]);
        assert_eq!(st, 200, "{p}: {r}");
        body(&r).to_string()
    };
    // Stable order: IPv4 numerically, then IPv6, then CIDR; a value in two sources once.
    assert_eq!(
        get("/edl/all/ip.txt"),
        "192.0.2.9\n192.0.2.10\n2001:db8::5\n198.51.100.0/24\n"
    );
    assert_eq!(get("/edl/feodo/ipv6.txt"), "2001:db8::5\n");
    assert_eq!(get("/edl/feodo/cidr.txt"), "198.51.100.0/24\n");
    assert_eq!(get("/edl/all/domain.txt"), "bad.example\n");
    // URLs as PAN-OS takes them: no scheme; never defanged.
    assert_eq!(get("/edl/all/url.txt"), "bad.example/x.exe\n");
    assert_eq!(get("/edl/all/url.txt?defang=false"), "bad.example/x.exe\n");
    // min_score and max agree with `fetch --offline` on the same store.
    let out = bin(&h)
        .arg("--config")
        .arg(&h.config)
        .args([
            "fetch",
            "--offline",
            "--no-warninglists",
            "--format",
            "jsonl",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut scored: Vec<(String, String, u64)> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (
                v["type"].as_str().unwrap().to_string(),
                v["value"].as_str().unwrap().to_string(),
                v["score"].as_u64().unwrap(),
            )
        })
        .collect();
    scored.retain(|(t, _, _)| t == "ipv4" || t == "ipv6" || t == "cidr");
    assert_eq!(scored.len(), 4);
    let mut scores: Vec<u64> = scored.iter().map(|x| x.2).collect();
    scores.sort();
    scores.dedup();
    assert!(scores.len() >= 2, "the fixture scores alike: {scored:?}");
    let cut = scores[scores.len() - 1];
    let lines = |b: String| b.lines().map(String::from).collect::<Vec<_>>();
    let high = lines(get(&format!("/edl/all/ip.txt?min_score={cut}")));
    let want: Vec<&String> = scored.iter().filter(|x| x.2 >= cut).map(|x| &x.1).collect();
    assert_eq!(high.len(), want.len(), "{high:?} {scored:?}");
    assert!(want.iter().all(|w| high.contains(w)));
    let best = lines(get("/edl/all/ip.txt?max=1"));
    assert_eq!(best.len(), 1);
    let top = scored.iter().map(|x| x.2).max().unwrap();
    assert!(
        scored.iter().any(|x| x.1 == best[0] && x.2 == top),
        "{best:?} {scored:?}"
    );
    assert_eq!(get("/edl/all/ip.txt?max=0"), "");
    for bad in ["min_score=101", "max=-1", "colour=1", "defang=true"] {
        assert_eq!(
            raw(
                a,
                &format!("/edl/all/ip.txt?{bad}"),
                &[("Authorization", &auth)]
            )
            .0,
            400,
            "{bad}"
        );
    }
    // curl: ETag, 304, Last-Modified, gzip.
    let url = format!("http://{a}/edl/all/ip.txt");
    let user = format!("panos:{PANOS_PW}");
    let Some(o) = curl(&["-sS", "-D", "-", "-u", &user, &url]) else {
        return;
    };
    let head = String::from_utf8_lossy(&o.stdout).to_lowercase();
    let etag = head
        .lines()
        .find_map(|l| l.strip_prefix("etag: "))
        .expect("etag")
        .trim()
        .to_string();
    assert!(head.contains("last-modified: "), "{head}");
    let o = curl(&[
        "-sS",
        "-o",
        "/dev/null",
        "-w",
        "%{http_code}",
        "-u",
        &user,
        "-H",
        &format!("If-None-Match: {etag}"),
        &url,
    ])
    .unwrap();
    assert_eq!(String::from_utf8_lossy(&o.stdout), "304");
    let o = curl(&["-sS", "--compressed", "-D", "-", "-u", &user, &url]).unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.to_lowercase().contains("content-encoding: gzip"),
        "{text}"
    );
    assert!(
        text.ends_with("192.0.2.9\n192.0.2.10\n2001:db8::5\n198.51.100.0/24\n"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_store_change_is_served_without_restart_and_a_lost_store_degrades() {
    let h = home("");
    fill(&h.db).await;
    let s = start(&h, &[]);
    let a = s.addr;
    let auth = basic("panos", PANOS_PW);
    let list = |p: &str| body(&raw(a, p, &[("Authorization", &auth)]).1).to_string();
    assert_eq!(list("/edl/feodo/ipv4.txt"), "192.0.2.9\n192.0.2.10\n");
    save(&h.db, "feodo", &[(IndicatorType::Ipv4, "203.0.113.7", 80)]).await;
    assert!(
        eventually(Duration::from_secs(20), || list("/edl/feodo/ipv4.txt")
            == "203.0.113.7\n"),
        "{}",
        list("/edl/feodo/ipv4.txt")
    );
    let health = || raw(a, "/healthz", &[("Authorization", &auth)]);
    assert!(body(&health().1).starts_with("ok\n"), "{}", health().1);
    // The store's files are no database any more (overwritten in place, so the
    // server's open connection sees it): the last good set is still served.
    for f in ["store.db", "store.db-wal", "store.db-shm"] {
        let p = h.dir.path().join(f);
        if p.exists() {
            std::fs::write(&p, vec![0x55u8; 64 * 1024]).unwrap();
        }
    }
    assert!(
        eventually(Duration::from_secs(20), || body(&health().1)
            .starts_with("degraded")),
        "{}",
        health().1
    );
    assert_eq!(health().0, 200);
    assert_eq!(list("/edl/feodo/ipv4.txt"), "203.0.113.7\n");
}
