// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! The server's own reason stays in every error: abuse.ch `query_status` (a missing
//! Auth-Key said as such, distinct from a refused key), VirusTotal `error.code`, OTX
//! `detail`; sanitised, shortened, and never with a key in it.

#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;

use common::*;
use intellisiem::config::Config;
use intellisiem::sources::{self, FetchContext, FetchError};
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn config(yaml: &str) -> Config {
    Config::from_yaml(
        yaml,
        Path::new("test.yaml"),
        &|_| None,
        &sources::registry::kinds(),
    )
    .unwrap_or_else(|e| panic!("{e}"))
    .config
}

async fn fetch_err(yaml: &str) -> FetchError {
    let c = config(yaml);
    let ctx = FetchContext::new(&c).expect("client");
    match sources::fetch(&ctx, &c.sources[0], &Default::default()).await {
        Ok(_) => panic!("the fetch succeeded"),
        Err(e) => e,
    }
}

const HTTP: &str = "http: { timeout: 2s, retries: 0 }\n";

/// Issue 10, example 4: a keyless request refused with `auth_key_required`.
#[tokio::test]
async fn abusech_auth_key_required_says_how_to_set_the_key() {
    let server = MockServer::start().await;
    Mock::given(path("/threatfox/export/json/recent/"))
        .respond_with(
            ResponseTemplate::new(403)
                .set_body_string(r#"{"query_status":"auth_key_required","data":null}"#),
        )
        .mount(&server)
        .await;
    for kind in ["threatfox", "urlhaus", "feodo"] {
        let yaml = format!(
            "{HTTP}sources:\n  - {{ name: s, kind: {kind}, url: \"{}/threatfox/export/json/recent/\" }}\n",
            server.uri()
        );
        let e = fetch_err(&yaml).await;
        let msg = e.to_string();
        assert!(e.is_auth(), "{kind}: {msg}");
        assert!(
            msg.contains("abuse.ch requires an Auth-Key"),
            "{kind}: {msg}"
        );
        assert!(
            msg.contains("INTELLISIEM_ABUSECH_AUTH_KEY"),
            "{kind}: {msg}"
        );
        assert!(!msg.contains("refused"), "{kind}: {msg}");
        assert_eq!(msg.lines().count(), 1);
    }
}

/// A key that was set and refused says so, with abuse.ch's own status.
#[tokio::test]
async fn abusech_refused_key_is_a_different_message_with_the_status() {
    let server = MockServer::start().await;
    Mock::given(path("/api/"))
        .respond_with(ResponseTemplate::new(401).set_body_string(format!(
            r#"{{"query_status":"unknown_auth_key","echo":"{ABUSE_KEY}"}}"#
        )))
        .mount(&server)
        .await;
    let yaml = format!(
        "api_keys: {{ abuse_ch: \"{ABUSE_KEY}\" }}\n{HTTP}sources:\n  - {{ name: s, kind: threatfox, url: \"{0}/export/\", api_url: \"{0}/api/\" }}\n",
        server.uri()
    );
    let msg = fetch_err(&yaml).await.to_string();
    assert!(msg.contains("unknown_auth_key"), "{msg}");
    assert!(!msg.contains("requires an Auth-Key"), "{msg}");
    assert!(!msg.contains(ABUSE_KEY), "{msg}");
}

/// VirusTotal's `error.code` and OTX's `detail` reach the message; a key echoed by the
/// server does not, and an escape sequence is shown escaped.
#[tokio::test]
async fn virustotal_code_and_otx_detail_are_kept() {
    let server = MockServer::start().await;
    Mock::given(path("/vt/api/v3/ip_addresses/192.0.2.1"))
        .respond_with(ResponseTemplate::new(401).set_body_string(format!(
            r#"{{"error": {{"code": "WrongCredentialsError", "message": "Wrong API key {VT_KEY}\u001b]0;x\u0007"}}}}"#
        )))
        .mount(&server)
        .await;
    Mock::given(path("/otx/api/v1/pulses/subscribed"))
        .respond_with(
            ResponseTemplate::new(403)
                .set_body_string(r#"{"detail": "Authentication credentials were not provided."}"#),
        )
        .mount(&server)
        .await;
    let yaml = format!(
        "api_keys: {{ virus_total: \"{VT_KEY}\" }}\n{HTTP}sources:\n  - {{ name: vt, kind: virustotal, url: \"{}/vt/api/v3\", watch: [\"192.0.2.1\"] }}\n",
        server.uri()
    );
    let msg = fetch_err(&yaml).await.to_string();
    assert!(
        msg.contains("WrongCredentialsError: Wrong API key"),
        "{msg}"
    );
    assert!(!msg.contains(VT_KEY), "{msg}");
    assert!(!msg.contains('\u{1b}'), "{msg}");
    let yaml = format!(
        "api_keys: {{ alien_vault: \"{OTX_KEY}\" }}\n{HTTP}sources:\n  - {{ name: otx, kind: otx, url: \"{}/otx/api/v1\" }}\n",
        server.uri()
    );
    let msg = fetch_err(&yaml).await.to_string();
    assert!(
        msg.contains("Authentication credentials were not provided."),
        "{msg}"
    );
}
