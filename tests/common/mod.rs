// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! Shared helpers for integration tests: a local mock of every source, serving the
//! fixtures in each service's real wire format. Nothing here reaches the internet.

#![allow(dead_code)]

use std::path::Path;

use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

pub const OTX_KEY: &str = "otx-test-key-6f1e2d";
pub const VT_KEY: &str = "vt-test-key-93ab7c";
pub const ABUSE_KEY: &str = "abusech-test-key-55d0";

pub mod pg;
pub mod redis_server;

pub fn fixture(rel: &str) -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The config from the issue, as written, pointed at `base` (`http://127.0.0.1:PORT`).
pub fn sample_config(base: &str) -> String {
    format!(
        r#"api_keys: {{ alien_vault: "{OTX_KEY}", virus_total: "{VT_KEY}" }}
cache: {{ path: none }}
http: {{ timeout: 5s, max_body: 10MiB }}
sources:
  - {{ name: otx, kind: otx, url: "{base}/otx/api/v1" }}
  - {{ name: urlhaus, kind: urlhaus, url: "{base}/urlhaus/downloads/csv_recent/" }}
  - {{ name: feodo, kind: feodo, url: "{base}/feodo/downloads/ipblocklist.json" }}
  - {{ name: threatfox, kind: threatfox, url: "{base}/threatfox/export/json/recent/" }}
  - {{ name: kev, kind: cisa_kev, url: "{base}/kev/known_exploited_vulnerabilities.json" }}
  - {{ name: phish, kind: plain_list, url: "{base}/list/feed.txt", type: url }}
  - {{ name: vt, kind: virustotal, url: "{base}/vt/api/v3", watch: ["45.0.0.3", "evil.example"] }}
"#
    )
}

/// OTX page 2, linked from page 1 by an absolute `next` on the mock's own origin.
pub fn otx_page1(base: &str) -> serde_json::Value {
    let mut v: serde_json::Value =
        serde_json::from_slice(&fixture("otx/subscribed_page1.json")).expect("fixture");
    v["next"] = serde_json::json!(format!(
        "{base}/otx/api/v1/pulses/subscribed?page=2&limit=50"
    ));
    v
}

pub fn otx_page2() -> serde_json::Value {
    serde_json::json!({
        "count": 3,
        "next": null,
        "previous": null,
        "results": [{
            "id": "p3",
            "name": "Page two pulse",
            "modified": "2026-11-27T10:00:00",
            "tags": ["page2"],
            "references": [],
            "indicators": [
                {"id": 9, "indicator": "page2.example", "type": "domain", "created": "2026-11-27T10:00:00"},
                {"id": 10, "indicator": "hxxp://page2[.]example/x", "type": "URL", "created": "2026-11-27T10:00:00"}
            ]
        }]
    })
}

/// Mounts every source of [`sample_config`] with a good reply.
pub async fn mount_all(server: &MockServer) {
    let base = server.uri();
    Mock::given(method("GET"))
        .and(path("/otx/api/v1/pulses/subscribed"))
        .and(header("x-otx-api-key", OTX_KEY))
        .and(wiremock::matchers::query_param("page", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(otx_page2()))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/otx/api/v1/pulses/subscribed"))
        .and(header("x-otx-api-key", OTX_KEY))
        .respond_with(ResponseTemplate::new(200).set_body_json(otx_page1(&base)))
        .mount(server)
        .await;
    let plain = |p: &'static str, file: &'static str| {
        Mock::given(method("GET"))
            .and(path(p))
            .respond_with(ResponseTemplate::new(200).set_body_bytes(fixture(file)))
    };
    plain("/urlhaus/downloads/csv_recent/", "urlhaus/csv_recent.csv")
        .mount(server)
        .await;
    plain(
        "/feodo/downloads/ipblocklist.json",
        "feodo/ipblocklist.json",
    )
    .mount(server)
    .await;
    plain("/threatfox/export/json/recent/", "threatfox/recent.json")
        .mount(server)
        .await;
    plain(
        "/kev/known_exploited_vulnerabilities.json",
        "cisa_kev/known_exploited_vulnerabilities.json",
    )
    .mount(server)
    .await;
    plain("/list/feed.txt", "plain_list/openphish.txt")
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/vt/api/v3/ip_addresses/45.0.0.3"))
        .and(header("x-apikey", VT_KEY))
        .respond_with(
            ResponseTemplate::new(200).set_body_bytes(fixture("virustotal/ip_address.json")),
        )
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/vt/api/v3/domains/evil.example"))
        .and(header("x-apikey", VT_KEY))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(fixture("virustotal/domain.json")))
        .mount(server)
        .await;
}

/// Environment variables to clear so the host's settings cannot leak into a test.
pub const ENV_TO_CLEAR: [&str; 7] = [
    "INTELLISIEM_OTX_API_KEY",
    "INTELLISIEM_VT_API_KEY",
    "INTELLISIEM_ABUSECH_AUTH_KEY",
    "INTELLISIEM_CONFIG",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
];

/// The binary with a clean environment: no keys, no config, no proxies from the host,
/// and `home` as its home, so no user config or cache is found.
pub fn clean_bin(home: &Path) -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("intellisiem").expect("binary");
    for v in ENV_TO_CLEAR {
        c.env_remove(v);
    }
    c.env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_DATA_HOME", home.join(".local/share"))
        .env("XDG_STATE_HOME", home.join(".local/state"))
        .current_dir(home);
    c
}

/// [`clean_bin`] without colour, as the CLI tests read its output.
pub fn quiet_bin(home: &Path) -> assert_cmd::Command {
    let mut c = clean_bin(home);
    c.env("NO_COLOR", "1");
    c
}

/// Runs `cmd` to its end off the async runtime (the tests' mock servers run on it).
pub async fn output_of(mut cmd: assert_cmd::Command) -> std::process::Output {
    tokio::task::spawn_blocking(move || cmd.output().expect("run"))
        .await
        .expect("join")
}

/// Output bytes as text (lossily).
pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}
