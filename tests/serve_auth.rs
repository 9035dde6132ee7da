// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! `serve`: credentials, collections, the back-off after wrong passwords, and the
//! config checks at start.

#![allow(clippy::unwrap_used)]

mod serve_common;

use std::time::Duration;

use serve_common::*;

#[tokio::test(flavor = "multi_thread")]
async fn credentials_collections_and_back_off() {
    let h = home("");
    fill(&h.db).await;
    let s = start(&h, &[]);
    let a = s.addr;
    let list = "/edl/all/ipv4.txt";
    // No credentials: 401 with both challenges.
    let (st, resp) = raw(a, list, &[]);
    assert_eq!(st, 401, "{resp}");
    assert!(
        resp.contains("www-authenticate: Basic realm=\"intellisiem\""),
        "{resp}"
    );
    assert!(resp.contains("www-authenticate: Bearer"), "{resp}");
    for path in ["/healthz", "/metrics", "/nowhere"] {
        assert_eq!(raw(a, path, &[]).0, 401, "{path}");
    }
    // Basic and bearer.
    let panos = basic("panos", PANOS_PW);
    let (st, resp) = raw(a, list, &[("Authorization", &panos)]);
    assert_eq!(st, 200, "{resp}");
    assert!(resp.ends_with("192.0.2.9\n192.0.2.10\n"), "{resp}");
    let bearer = format!("Bearer {TOKEN}");
    assert_eq!(
        raw(a, "/edl/urlhaus/url.txt", &[("Authorization", &bearer)]).0,
        200
    );
    // Collections: limited reads urlhaus only; unknown ones and types are 404.
    let limited = basic("limited", LIMITED_PW);
    assert_eq!(
        raw(a, "/edl/urlhaus/domain.txt", &[("Authorization", &limited)]).0,
        200
    );
    assert_eq!(raw(a, list, &[("Authorization", &limited)]).0, 403);
    assert_eq!(
        raw(a, "/edl/feodo/ip.txt", &[("Authorization", &limited)]).0,
        403
    );
    assert_eq!(
        raw(a, "/edl/nosuch/ip.txt", &[("Authorization", &panos)]).0,
        404
    );
    assert_eq!(
        raw(a, "/edl/all/md5.txt", &[("Authorization", &panos)]).0,
        404
    );
    assert_eq!(raw(a, "/edl/all/ip", &[("Authorization", &panos)]).0, 404);
    // A password of another user, a wrong token.
    assert_eq!(
        raw(a, list, &[("Authorization", &basic("limited", PANOS_PW))]).0,
        401
    );
    // Wrong passwords: 401 four more times, then 429 with Retry-After, even for the
    // right password, until the wait is over.
    for _ in 0..3 {
        assert_eq!(
            raw(a, list, &[("Authorization", &basic("panos", "nope"))]).0,
            401
        );
    }
    assert_eq!(raw(a, list, &[("Authorization", "Bearer wrong")]).0, 401);
    let (st, resp) = raw(a, list, &[("Authorization", &panos)]);
    assert_eq!(st, 429, "{resp}");
    assert!(resp.contains("retry-after: 1"), "{resp}");
    std::thread::sleep(Duration::from_millis(1100));
    assert_eq!(raw(a, list, &[("Authorization", &panos)]).0, 200);
    // No secret in the access log; the user name is there.
    let log = s.log.lock().unwrap().clone();
    for secret in [PANOS_PW, LIMITED_PW, TOKEN, "nope"] {
        assert!(!log.contains(secret), "{secret} in the log:\n{log}");
    }
    assert!(
        log.contains("user=\"panos\"") || log.contains("user=panos"),
        "{log}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_config_is_checked_at_start() {
    let h = home("  listen: \"nowhere\"\n");
    let out = bin(&h)
        .arg("--config")
        .arg(&h.config)
        .arg("serve")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("serve.listen") && err.contains("13"), "{err}");

    let h = home("  colour: blue\n");
    let out = bin(&h)
        .arg("--config")
        .arg(&h.config)
        .arg("serve")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("colour") && err.contains("config.yaml"),
        "{err}"
    );

    // An unset env: secret names the variable, never a value.
    let h = home("");
    let out = bin(&h)
        .env_remove("T_TOKEN")
        .arg("--config")
        .arg(&h.config)
        .arg("serve")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("serve.tokens") && err.contains("T_TOKEN"),
        "{err}"
    );
    assert!(!err.contains(PANOS_PW), "{err}");

    // Plain HTTP off loopback needs --insecure-listen.
    let out = bin(&h)
        .arg("--config")
        .arg(&h.config)
        .args(["serve", "--listen", "0.0.0.0:0"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("--insecure-listen"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn insecure_listen_warns() {
    let h = home("");
    fill(&h.db).await;
    let mut child = bin(&h)
        .arg("--config")
        .arg(&h.config)
        .args(["serve", "--listen", "0.0.0.0:0", "--insecure-listen"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = child.stderr.take().unwrap();
    let mut seen = String::new();
    let mut buf = [0u8; 4096];
    while !seen.contains("listening on") {
        let n = std::io::Read::read(&mut err, &mut buf).unwrap();
        assert!(n > 0, "{seen}");
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(seen.contains("in the clear"), "{seen}");
}
